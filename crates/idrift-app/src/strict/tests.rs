//! Tests of strict reading across the app's readers: duplicate JSON keys, NUL characters and duplicate CSV
//! headers are errors naming the file and where.

use std::path::Path;

use crate::AppError;

fn message(e: AppError) -> String {
    e.to_string()
}

#[test]
fn a_scan_report_with_a_duplicate_key_is_an_error_naming_the_file_and_path() {
    let text = "{\"Summary\":{},\n\"Findings\":[{\"Rule\":\"X\",\"Rule\":\"Y\"}]}";
    let e = message(crate::diff::parse_scan_json(Path::new("old.json"), text).unwrap_err());
    assert!(e.contains("old.json"), "{e}");
    assert!(e.contains("line 2"), "{e}");
    assert!(e.contains("$.Findings[0]"), "{e}");
    assert!(e.contains("duplicate key \"Rule\""), "{e}");
}

#[test]
fn a_journal_line_with_a_duplicate_key_is_an_error_naming_its_line() {
    let text = "\n{\"Type\":\"Header\",\"V\":1,\"V\":2}\n";
    let e = message(crate::journal::parse(Path::new("run.jsonl"), text).unwrap_err());
    assert!(e.contains("run.jsonl"), "{e}");
    assert!(e.contains("line 2 "), "{e}");
    assert!(e.contains("duplicate key \"V\""), "{e}");
}

const HEADER: &str = "\"UserPrincipalName\",\"MobileInAD\",\"MobileInEntra\"\r\n";

#[test]
fn a_dirsync_csv_with_a_duplicate_header_is_an_error() {
    let text =
        "\"UserPrincipalName\",\"MobileInEntra\",\"mobileinentra\"\r\n\"a@x\",\"1\",\"2\"\r\n";
    let e = message(crate::dirsync::parse_csv(Path::new("o.csv"), text).unwrap_err());
    assert!(e.contains("o.csv"), "{e}");
    assert!(e.contains("line 1"), "{e}");
    assert!(e.contains("\"mobileinentra\" appears twice"), "{e}");
}

#[test]
fn a_dirsync_csv_with_a_nul_is_an_error_naming_the_line() {
    let text = format!("{HEADER}\"a@x\",\"\",\"+1 555\"\r\n\"b@x\",\"\",\"+1\0 555\"\r\n");
    let e = message(crate::dirsync::parse_csv(Path::new("o.csv"), &text).unwrap_err());
    assert!(e.contains("o.csv"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("NUL"), "{e}");
    let clean = format!("{HEADER}\"a@x\",\"\",\"+1 555\"\r\n");
    assert_eq!(
        crate::dirsync::parse_csv(Path::new("o.csv"), &clean)
            .unwrap()
            .len(),
        1
    );
}
