//! Tests of lint's LDIF reader and the app-level lint entry points.

use std::io::Cursor;

use idrift_core::lint::{LintClass, LintOptions};

use super::*;

const SAMPLE: &str = "version: 1\r\n\
# an ldifde export\r\n\
dn: CN=Ann Smith,OU=Staff,DC=contoso,DC=com\r\n\
objectClass: top\r\n\
objectClass: person\r\n\
objectClass: user\r\n\
cn: Ann Smith\r\n\
userPrincipalName: ann smith@contoso.com\r\n\
proxyAddresses: SMTP:ann@contoso.com\r\n\
proxyAddresses: X500:/o=Org/ou=Exchange Administrative Group (FYDIB\r\n OHF23SPDLT)/cn=ann\r\n\
mail: ann@contoso.com\r\n\
mS-DS-ConsistencyGuid:: AAECAwQFBgcICQoLDA0ODw==\r\n\
thumbnailPhoto:: AAAA\r\n\
userCertificate;binary:: AAAA\r\n\
userCertificate;binary:: AAAB\r\n\
\r\n\
dn: CN=Sales,OU=Staff,DC=contoso,DC=com\r\n\
objectClass: group\r\n\
groupType: -2147483646\r\n\
mail: sales@contoso.com\r\n\
\r\n\
dn: CN=Partner,OU=Staff,DC=contoso,DC=com\r\n\
objectClass: contact\r\n\
targetAddress: SMTP:partner@fabrikam.com\r\n\
\r\n\
dn: CN=PC1,OU=Staff,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
objectClass: computer\r\n\
\r\n\
dn:: Q049Sm9yZyBcLCBKcixPVT1TdGFmZixEQz1jb250b3NvLERDPWNvbQ==\r\n\
objectClass: user\r\n\
isCriticalSystemObject: TRUE\r\n";

#[test]
fn reads_classes_and_lint_attributes() {
    let mut got = Vec::new();
    let n = read_objects(Cursor::new(SAMPLE), |o| got.push(o)).unwrap();
    assert_eq!(n, 5);
    let ann = &got[0];
    assert_eq!(ann.class, Some(LintClass::User));
    assert_eq!(ann.upn.as_deref(), Some("ann smith@contoso.com"));
    assert_eq!(
        ann.proxy_addresses[1],
        "X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=ann"
    );
    assert_eq!(
        ann.consistency_guid.as_deref(),
        Some("000102030405060708090a0b0c0d0e0f")
    );
    assert_eq!(ann.thumbnail_photo_bytes, 3);
    assert_eq!(ann.user_certificates, 2);
    assert_eq!(got[1].class, Some(LintClass::Group));
    assert_eq!(got[1].group_type, Some(-2147483646));
    assert_eq!(got[2].class, Some(LintClass::Contact));
    assert_eq!(got[3].class, None);
    assert_eq!(got[4].cn, "Jorg , Jr");
    assert!(got[4].critical_system_object);
}

#[test]
fn lint_ldif_reports_and_names_the_file_and_line_of_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad.ldif");
    std::fs::write(&path, SAMPLE).unwrap();
    let report = lint_snapshot(dir.path(), LintOptions::default()).unwrap();
    assert_eq!(report.summary.objects_read, 4);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].attribute, "userPrincipalName");
    std::fs::write(&path, "dn: CN=A,DC=x\nmail:: !!!\n").unwrap();
    let e = lint_ldif(&path, LintOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("ad.ldif") && e.contains("line 2") && e.contains("base64"),
        "{e}"
    );
    std::fs::write(&path, "cn: A\n").unwrap();
    let e = lint_ldif(&path, LintOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn a_large_export_is_read_in_parts_in_order_and_errors_name_the_line_of_the_file() {
    // Far more than one part, so entries are parsed on several threads.
    let mut text = String::from("version: 1\r\n");
    for i in 0..15_000 {
        text.push_str(&format!(
            "\r\ndn: CN=U{i},DC=contoso,DC=com\r\nobjectClass: user\r\ncn: U{i}\r\nproxyAddresses: X500:/o=Org/ou=Exchange Administrative Group (FYDIB\r\n OHF23SPDLT)/cn=u{i}\r\n"
        ));
    }
    let mut got = Vec::new();
    let n = read_objects(Cursor::new(text.as_bytes()), |o| got.push(o)).unwrap();
    assert_eq!(n, 15_000);
    for (i, o) in got.iter().enumerate() {
        assert_eq!(o.cn, format!("U{i}"));
        assert_eq!(
            o.proxy_addresses[0],
            format!("X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=u{i}")
        );
    }
    let line = text.matches('\n').count() + 3;
    text.push_str("\r\ndn: CN=Bad,DC=contoso,DC=com\r\nmail:: !!!\r\n");
    let e = match read_objects(Cursor::new(text.as_bytes()), |_| {}) {
        Err(ReadError::Parse { line, message }) => (line, message),
        other => panic!("expected a parse error, got {other:?}"),
    };
    assert_eq!(e.0, line as u64, "{}", e.1);
}

#[test]
fn lint_ldif_checks_on_threads_and_finds_duplicates_across_parts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad.ldif");
    let mut text = String::from("version: 1\n");
    for i in 0..12_000 {
        text.push_str(&format!(
            "\ndn: CN=U{i},DC=contoso,DC=com\nobjectClass: user\ncn: U{i}\nuserPrincipalName: u{i}@contoso.com\nmail: u{i}@contoso.com\nproxyAddresses: SMTP:u{i}@contoso.com\n"
        ));
    }
    // The last object holds the first one's address, in another case: a duplicate across the whole file.
    text.push_str("\ndn: CN=Last,DC=contoso,DC=com\nobjectClass: user\ncn: Last\nproxyAddresses: smtp:U0@Contoso.com\n");
    std::fs::write(&path, &text).unwrap();
    let report = lint_ldif(&path, LintOptions::default()).unwrap();
    assert_eq!(report.summary.objects_checked, 12_001);
    let dups: Vec<(&str, &str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.cn.as_str(), e.attribute, e.value.as_str()))
        .collect();
    assert_eq!(
        dups,
        vec![
            ("U0", "mail", "u0@contoso.com"),
            ("U0", "proxyAddresses", "SMTP:u0@contoso.com"),
            ("U0", "userPrincipalName", "u0@contoso.com"),
            ("Last", "proxyAddresses", "smtp:U0@Contoso.com"),
        ]
    );
}

/// 12,000 users and a last one holding the first one's address, in `last_name` (non-ASCII).
fn big_export(last_name: &str) -> String {
    let mut text = String::from("version: 1\n");
    for i in 0..12_000 {
        text.push_str(&format!(
            "\ndn: CN=U{i},DC=contoso,DC=com\nobjectClass: user\ncn: U{i}\nuserPrincipalName: u{i}@contoso.com\n"
        ));
    }
    text.push_str(&format!(
        "\ndn: CN=Last,DC=contoso,DC=com\nobjectClass: user\ncn: Last\ndisplayName: {last_name}\nproxyAddresses: smtp:U0@Contoso.com\n"
    ));
    text
}

fn summary_rows(report: &LintReport) -> (u64, Vec<(String, &'static str, String)>) {
    let rows = report
        .errors
        .iter()
        .map(|e| (e.cn.clone(), e.attribute, e.value.clone()))
        .collect();
    (report.summary.objects_checked, rows)
}

#[test]
fn a_windows_1252_export_found_late_is_read_again_whole_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = dir.path().join("utf8.ldif");
    let text = big_export("Zoë");
    std::fs::write(&utf8, &text).unwrap();
    let want = summary_rows(&lint_ldif(&utf8, LintOptions::default()).unwrap());
    assert_eq!(want.0, 12_001);
    assert_eq!(want.1.len(), 2, "{:?}", want.1);
    // The same export in Windows-1252: the first non-UTF-8 byte is near the end, after the streamed parts
    // before it were already checked.
    let cp1252 = dir.path().join("cp1252.ldif");
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| if c == 'ë' { 0xEB } else { c as u8 })
        .collect();
    std::fs::write(&cp1252, bytes).unwrap();
    assert_eq!(
        summary_rows(&lint_ldif(&cp1252, LintOptions::default()).unwrap()),
        want
    );
    // And in UTF-16 (ldifde -u), with and without a byte-order mark.
    for bom in [true, false] {
        let utf16 = dir.path().join("utf16.ldif");
        let mut bytes: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&utf16, bytes).unwrap();
        assert_eq!(
            summary_rows(&lint_ldif(&utf16, LintOptions::default()).unwrap()),
            want
        );
    }
}
