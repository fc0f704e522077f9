//! Tests of the DirSyncOverrides CSV: formula injection is neutralised on write and reversed on read.

use std::path::Path;

use idrift_core::dirsync::DirSyncOverrideRow;

use super::*;

fn row(mobile_ad: &str, mobile_entra: &str, other: &[&str]) -> DirSyncOverrideRow {
    DirSyncOverrideRow {
        user_principal_name: "ann@contoso.com".to_owned(),
        mobile_in_ad: Some(mobile_ad.to_owned()),
        mobile_in_entra: Some(mobile_entra.to_owned()),
        other_mobile_in_ad: other.iter().map(|s| (*s).to_owned()).collect(),
        alternate_mobile_phones_in_entra: None,
        on_premises_immutable_id: "AAAA".to_owned(),
        object_id: "1".to_owned(),
        distinguished_name: "CN=Ann,DC=contoso,DC=com".to_owned(),
        format_only: false,
    }
}

#[test]
fn formula_cells_are_neutralised_in_the_csv_and_read_back_as_they_were() {
    let rows = vec![
        row(
            "=HYPERLINK(\"http://evil\",\"call\")",
            "+1 555 0100",
            &["@SUM(A1)", "-2+3+cmd|' /C calc'!A0"],
        ),
        row("'=already", "\tx", &["+44 20 7946 0958"]),
    ];
    let mut out = Vec::new();
    write_csv(&mut out, &rows).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(
        text.contains("\"+1 555 0100\""),
        "phone numbers stay as they are: {text}"
    );
    assert!(text.contains("\"'@SUM(A1);-2+3"), "{text}");
    assert!(text.contains("\"''=already\""), "{text}");
    assert!(text.contains("\"'\tx\""), "{text}");
    for line in text.lines().skip(1) {
        for cell in line.split("\",\"") {
            let cell = cell.trim_matches('"');
            assert!(
                !cell.starts_with(['=', '@', '\t', '\r']),
                "a formula-like cell reached the CSV: {cell:?}"
            );
        }
    }
    let back = parse_csv(Path::new("o.csv"), &text).unwrap();
    assert_eq!(back, rows);
}

#[test]
fn phone_lists_stay_as_they_are_and_import_csv_rows_are_restored() {
    let rows = vec![row(
        "+1 617 555 0107",
        "+1 617 555 0107",
        &["+1 617 555 0170", "+1 617 555 0171"],
    )];
    let mut out = Vec::new();
    write_csv(&mut out, &rows).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\"+1 617 555 0170;+1 617 555 0171\""),
        "a ;-joined list of numbers is not a formula: {text}"
    );
    // What PowerShell's Import-Csv hands the module: the cells as written, apostrophes included.
    let mut imported = row("'=1+1", "'@x", &["'-2+3+cmd|' /C calc'!A0"]);
    imported.distinguished_name = "'=CN".to_owned();
    let restored = restore_row(imported);
    assert_eq!(restored.mobile_in_ad.as_deref(), Some("=1+1"));
    assert_eq!(restored.mobile_in_entra.as_deref(), Some("@x"));
    assert_eq!(restored.other_mobile_in_ad, ["-2+3+cmd|' /C calc'!A0"]);
    assert_eq!(restored.distinguished_name, "=CN");
    assert_eq!(restore_row(rows[0].clone()), rows[0]);
}

#[test]
fn the_csv_goes_to_the_file_named_or_into_the_folder_named() {
    let tmp = tempfile::tempdir().unwrap();
    let now = 1_764_081_005; // 2025-11-25 14:30:05 UTC
    let name = csv_file_name(now);
    let file = tmp.path().join("out.csv");
    assert_eq!(csv_target(Some(&file), None, now), (file.clone(), false));
    assert_eq!(
        csv_target(Some(tmp.path()), None, now),
        (tmp.path().join(&name), true)
    );
    assert_eq!(
        csv_target(None, Some(tmp.path()), now),
        (tmp.path().join(&name), false)
    );
    assert_eq!(
        csv_target(None, None, now),
        (std::path::PathBuf::from(&name), false)
    );
}
