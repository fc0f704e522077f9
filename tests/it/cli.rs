//! `idrift dirsync compare` and `idrift snapshot take` through the CLI library: the CSV and JSON contracts
//! (golden files), exit codes, and bad input.

use std::process::ExitCode;

use crate::support::{assert_golden, idrift, root};

fn demo_dir() -> String {
    root().join("examples/demo").display().to_string()
}

#[test]
fn compare_demo_json_matches_golden_contract() {
    let r = idrift(&["dirsync", "compare", "--demo", "--format", "json"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON output");
    let obj = v.as_object().expect("object");
    assert_eq!(
        obj.len(),
        3,
        "only Summary, Rows and Warnings: {}",
        r.stdout
    );
    assert_eq!(v["Warnings"], serde_json::json!([]));
    let rows = v["Rows"].as_array().expect("Rows array");
    assert!(!rows.is_empty());
    assert!(v["Summary"].is_object());
    // The text keeps the contract's order: Summary before Rows, each row's keys in the CSV's column order.
    let pos = |needle: &str, from: usize| {
        r.stdout[from..]
            .find(needle)
            .map(|p| p + from)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(pos("\"Summary\"", 0) < pos("\"Rows\"", 0));
    let mut at = pos("\"Rows\"", 0);
    for k in [
        "UserPrincipalName",
        "MobileInAD",
        "MobileInEntra",
        "OtherMobileInAD",
        "AlternateMobilePhonesInEntra",
        "OnPremisesImmutableId",
        "ObjectId",
        "DistinguishedName",
        "FormatOnly",
    ] {
        at = pos(&format!("\"{k}\""), at);
    }
    for row in rows {
        assert_eq!(row.as_object().expect("row").len(), 9, "{row}");
        assert!(row["FormatOnly"].is_boolean());
        assert!(row["OtherMobileInAD"].is_array());
    }
    assert_golden("compare-demo.json", &r.stdout);
}

#[test]
fn compare_demo_csv_matches_golden_and_file_output() {
    let r = idrift(&["dirsync", "compare", "--demo", "--format", "csv"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "\"UserPrincipalName\",\"MobileInAD\",\"MobileInEntra\",\"OtherMobileInAD\",\"AlternateMobilePhonesInEntra\",\"OnPremisesImmutableId\",\"ObjectId\",\"DistinguishedName\",\"FormatOnly\"\r\n"
    ));
    assert_golden("compare-demo.csv", &r.stdout);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    let t = idrift(&[
        "dirsync",
        "compare",
        "--demo",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(t.code, ExitCode::SUCCESS, "{}", t.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), r.stdout);
    assert!(t.stdout.contains("DirSyncOverrides:"), "{}", t.stdout);
}

#[test]
fn compare_names_the_csv_like_adsynctools_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let r = idrift(&[
        "dirsync",
        "compare",
        "--demo",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let name = &names[0];
    // ADSyncTools-DirSyncOverrides_yyyyMMMdd-HHmmss.csv
    let stamp = name
        .strip_prefix("ADSyncTools-DirSyncOverrides_")
        .and_then(|s| s.strip_suffix(".csv"))
        .unwrap_or_else(|| panic!("unexpected name {name}"));
    assert_eq!(stamp.len(), 16, "{stamp}");
    let b = stamp.as_bytes();
    assert!(b[..4].iter().all(u8::is_ascii_digit));
    assert!(b[4].is_ascii_uppercase() && b[5].is_ascii_lowercase() && b[6].is_ascii_lowercase());
    assert!(b[7..9].iter().all(u8::is_ascii_digit));
    assert_eq!(b[9], b'-');
    assert!(b[10..].iter().all(u8::is_ascii_digit));
}

#[test]
fn csv_round_trips_exactly() {
    let r = idrift(&["dirsync", "compare", "--demo", "--format", "csv"]);
    let path = std::path::Path::new("compare.csv");
    let rows = idrift_app::dirsync::parse_csv(path, &r.stdout).expect("parse our own CSV");
    let mut again = Vec::new();
    idrift_app::dirsync::write_csv(&mut again, &rows).unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), r.stdout);
}

#[test]
fn snapshot_dir_and_file_pair_and_demo_agree() {
    let demo = idrift(&["dirsync", "compare", "--demo", "--format", "json"]);
    let snap = idrift(&[
        "dirsync",
        "compare",
        "--snapshot",
        &demo_dir(),
        "--format",
        "json",
    ]);
    let ad = format!("{}/ad.ldif", demo_dir());
    let entra = format!("{}/entra-users.json", demo_dir());
    let pair = idrift(&[
        "dirsync", "compare", "--ad", &ad, "--entra", &entra, "--format", "json",
    ]);
    assert_eq!(snap.code, ExitCode::SUCCESS, "{}", snap.stderr);
    assert_eq!(pair.code, ExitCode::SUCCESS, "{}", pair.stderr);
    let rows = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["Rows"].clone();
    assert_eq!(rows(&demo.stdout), rows(&snap.stdout));
    assert_eq!(rows(&demo.stdout), rows(&pair.stdout));
}

#[test]
fn usage_errors_exit_2() {
    let r = idrift(&["dirsync", "compare"]);
    assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
    assert!(r.stderr.contains("--snapshot"), "{}", r.stderr);
    let r = idrift(&["dirsync", "compare", "--demo", "--no-such-flag"]);
    assert_eq!(r.code, ExitCode::from(2));
    let r = idrift(&["dirsync", "compare", "--demo", "--snapshot", "x"]);
    assert_eq!(r.code, ExitCode::from(2));
}

#[test]
fn unreadable_input_exits_1_names_the_file_and_line_and_writes_no_csv() {
    let dir = tempfile::tempdir().unwrap();
    let ad = dir.path().join("ad.ldif");
    std::fs::write(
        &ad,
        "version: 1\n\ndn: CN=A,DC=x\nobjectClass: user\nobjectGUID:: not base64!!\n",
    )
    .unwrap();
    let entra = dir.path().join("entra-users.json");
    std::fs::write(&entra, "{\"value\":[]}").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let r = idrift(&[
        "dirsync",
        "compare",
        "--snapshot",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(r.stderr.contains("ad.ldif"), "{}", r.stderr);
    assert!(r.stderr.contains("line 5"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "no CSV on failure"
    );

    std::fs::write(&ad, "version: 1\n").unwrap();
    std::fs::write(&entra, "{\"value\":[{\"id\": 12,").unwrap();
    let r = idrift(&[
        "dirsync",
        "compare",
        "--snapshot",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(r.stderr.contains("entra-users.json"), "{}", r.stderr);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "no CSV on failure"
    );

    std::fs::remove_file(&entra).unwrap();
    let r = idrift(&[
        "dirsync",
        "compare",
        "--snapshot",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, ExitCode::from(1));
    assert!(r.stderr.contains("entra-users.json"), "{}", r.stderr);

    let r = idrift(&[
        "dirsync",
        "compare",
        "--ad",
        "/nonexistent/ad.ldif",
        "--entra",
        "/nonexistent/e.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, ExitCode::from(1));
    assert!(r.stderr.contains("/nonexistent/"), "{}", r.stderr);
}

#[test]
fn snapshot_take_from_files_reads_back_to_the_same_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let r = idrift(&[
        "snapshot",
        "take",
        "--snapshot",
        &demo_dir(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let a = idrift(&["dirsync", "compare", "--demo", "--format", "json"]);
    let b = idrift(&[
        "dirsync",
        "compare",
        "--snapshot",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(b.code, ExitCode::SUCCESS, "{}", b.stderr);
    assert_eq!(a.stdout, b.stdout);
    // A second take into the same, now non-empty, directory is refused and changes nothing.
    let again = idrift(&[
        "snapshot",
        "take",
        "--snapshot",
        &demo_dir(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.code, ExitCode::from(2), "{}", again.stderr);
}
