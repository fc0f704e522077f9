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
