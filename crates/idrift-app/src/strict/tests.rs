//! Tests of strict reading across the app's readers: duplicate JSON keys, NUL characters and duplicate CSV
//! headers are errors naming the file and where.

use std::path::Path;

use crate::AppError;

/// The error's message holds every one of `parts`.
fn assert_mentions(e: AppError, parts: &[&str]) {
    let e = e.to_string();
    for part in parts {
        assert!(e.contains(part), "{part:?} in {e}");
    }
}

#[test]
fn a_scan_report_with_a_duplicate_key_is_an_error_naming_the_file_and_path() {
    let text = "{\"Summary\":{},\n\"Findings\":[{\"Rule\":\"X\",\"Rule\":\"Y\"}]}";
    assert_mentions(
        crate::diff::parse_scan_json(Path::new("old.json"), text).unwrap_err(),
        &[
            "old.json",
            "line 2",
            "$.Findings[0]",
            "duplicate key \"Rule\"",
        ],
    );
}

#[test]
fn a_journal_line_with_a_duplicate_key_is_an_error_naming_its_line() {
    let text = "\n{\"Type\":\"Header\",\"V\":1,\"V\":2}\n";
    assert_mentions(
        crate::journal::parse(Path::new("run.jsonl"), text).unwrap_err(),
        &["run.jsonl", "line 2 ", "duplicate key \"V\""],
    );
}

const HEADER: &str = "\"UserPrincipalName\",\"MobileInAD\",\"MobileInEntra\"\r\n";

#[test]
fn a_dirsync_csv_with_a_duplicate_header_is_an_error() {
    let text =
        "\"UserPrincipalName\",\"MobileInEntra\",\"mobileinentra\"\r\n\"a@x\",\"1\",\"2\"\r\n";
    assert_mentions(
        crate::dirsync::parse_csv(Path::new("o.csv"), text).unwrap_err(),
        &["o.csv", "line 1", "\"mobileinentra\" appears twice"],
    );
}

#[test]
fn a_dirsync_csv_with_a_nul_is_an_error_naming_the_line() {
    let text = format!("{HEADER}\"a@x\",\"\",\"+1 555\"\r\n\"b@x\",\"\",\"+1\0 555\"\r\n");
    assert_mentions(
        crate::dirsync::parse_csv(Path::new("o.csv"), &text).unwrap_err(),
        &["o.csv", "line 3", "NUL"],
    );
    let clean = format!("{HEADER}\"a@x\",\"\",\"+1 555\"\r\n");
    assert_eq!(
        crate::dirsync::parse_csv(Path::new("o.csv"), &clean)
            .unwrap()
            .len(),
        1
    );
}
