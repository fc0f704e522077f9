//! Tests of the scan on the bundled demo, and of the findings CSV.

use crate::files::CsvEncoding;
use idrift_core::scan::{FindingKind, Severity};

use super::*;

fn demo_report() -> ScanReport {
    let loaded = crate::demo::load().unwrap();
    scan(&loaded.snapshot, &ScanOptions::default())
}

#[test]
fn the_demo_shows_every_finding_kind() {
    let r = demo_report();
    for k in FindingKind::ALL {
        assert!(
            r.summary.count(k) > 0,
            "the demo has no {k}: {:#?}",
            r.summary
        );
    }
    assert_eq!(
        r.routing_domain.as_deref(),
        Some("contoso.mail.onmicrosoft.com")
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn the_demo_guards_raise_nothing() {
    let r = demo_report();
    for upn in [
        "ken.thompson@contoso.com",
        "sales@contoso.com",
        "frontdesk@contoso.com",
        "contractor@contoso.onmicrosoft.com",
        "dennis.ritchie@contoso.com",
    ] {
        assert_eq!(
            r.findings_for(upn).count(),
            0,
            "{upn}: {:#?}",
            r.findings_for(upn).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_demo_cases_have_the_expected_kinds() {
    let r = demo_report();
    let kinds = |upn: &str| -> Vec<(FindingKind, Severity)> {
        r.findings_for(upn).map(|f| (f.kind, f.severity)).collect()
    };
    let expected: [(&str, &[(FindingKind, Severity)]); 8] = [
        (
            "testduplicate@contoso.com",
            &[(FindingKind::DuplicateMailbox, Severity::Critical)],
        ),
        (
            "recipienttest@contoso.com",
            &[(FindingKind::DuplicateMailboxRisk, Severity::High)],
        ),
        (
            "hedy.lamarr@contoso.com",
            &[(FindingKind::ExchangeGuidMismatch, Severity::High)],
        ),
        (
            "claude.shannon@contoso.com",
            &[(FindingKind::SoftMatchCollision, Severity::Critical)],
        ),
        (
            "margaret.hamilton@contoso.com",
            &[(FindingKind::SoftMatchCollision, Severity::Medium)],
        ),
        (
            "frances.allen@contoso.com",
            &[(FindingKind::MissingRoutingAddress, Severity::Medium)],
        ),
        (
            "radia.perlman@contoso.com",
            &[(FindingKind::MissingRoutingAddress, Severity::High)],
        ),
        (
            "testlicense@contoso.com",
            &[
                (FindingKind::DuplicateMailbox, Severity::Critical),
                (FindingKind::ProvisioningError, Severity::High),
            ],
        ),
    ];
    for (upn, expected) in expected {
        assert_eq!(kinds(upn), expected, "{upn}");
    }
}

#[test]
fn csv_has_one_quoted_row_per_finding_with_the_evidence_as_json() {
    let r = demo_report();
    let mut buf = Vec::new();
    write_csv(&mut buf, &r.findings).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.starts_with(
        "\"Kind\",\"Severity\",\"UserPrincipalName\",\"ObjectId\",\"DistinguishedName\",\"Recommendation\",\"Evidence\"\r\n"
    ));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), r.findings.len());
    for (row, f) in rows.iter().zip(&r.findings) {
        assert_eq!(&row[0], f.kind.as_str());
        assert_eq!(&row[2], f.user_principal_name);
        let evidence: serde_json::Value = serde_json::from_str(&row[6]).unwrap();
        assert_eq!(evidence, f.evidence);
    }
}

#[test]
fn csv_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.csv");
    write_csv_file(&path, &[], CsvEncoding::Utf8).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "\"Kind\",\"Severity\",\"UserPrincipalName\",\"ObjectId\",\"DistinguishedName\",\"Recommendation\",\"Evidence\"\r\n"
    );
    let e = write_csv_file(
        &dir.path().join("missing").join("x.csv"),
        &[],
        CsvEncoding::Utf8,
    )
    .unwrap_err();
    assert!(e.to_string().contains("x.csv"), "{e}");
    write_csv_file(&path, &[], CsvEncoding::Utf8Bom).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}\"Kind\"".as_bytes()),
        "{bytes:?}"
    );
}
