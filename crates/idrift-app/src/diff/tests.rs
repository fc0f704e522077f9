//! Tests of the scan diff: identity, pairing, and reading scan JSON.

use idrift_core::scan::{FindingKind, Severity};
use serde_json::json;

use super::*;

fn demo_report() -> ScanReport {
    let loaded = crate::demo::load().unwrap();
    crate::scan::scan(&loaded.snapshot, &ScanOptions::default())
}

fn finding(kind: FindingKind, upn: &str, object_id: &str, dn: &str) -> Finding {
    Finding {
        kind,
        severity: Severity::High,
        user_principal_name: upn.to_owned(),
        object_id: object_id.to_owned(),
        distinguished_name: dn.to_owned(),
        evidence: json!({}),
        recommendation: "Fix it.".to_owned(),
    }
}

#[test]
fn one_fixed_and_one_added_are_exactly_one_resolved_and_one_new() {
    let old = demo_report().findings;
    let mut new = old.clone();
    let fixed = new.remove(0);
    let added = finding(
        FindingKind::MissingRoutingAddress,
        "new.user@contoso.com",
        "11111111-2222-3333-4444-555555555555",
        "",
    );
    new.push(added.clone());
    let d = diff(&old, &new);
    assert_eq!(d.new, vec![added]);
    assert_eq!(d.resolved, vec![fixed]);
    assert!(d.changed.is_empty());
    assert_eq!(
        d.summary,
        DiffSummary {
            new: 1,
            resolved: 1,
            changed: 0,
            unchanged: old.len() - 1
        }
    );
    assert!(d.has_new());
}

#[test]
fn identity_prefers_object_id_then_dn_then_upn_case_insensitively() {
    let a = finding(FindingKind::DuplicateMailbox, "a@x.com", "ABC", "CN=A");
    let renamed = finding(FindingKind::DuplicateMailbox, "b@x.com", "abc", "CN=B");
    let d = diff(std::slice::from_ref(&a), std::slice::from_ref(&renamed));
    assert_eq!(d.summary.changed, 1, "{d:#?}");
    assert_eq!(
        d.changed[0].fields,
        ["UserPrincipalName", "ObjectId", "DistinguishedName"]
    );
    let dn_only = finding(FindingKind::DuplicateMailbox, "a@x.com", "", "CN=A,DC=x");
    let dn_only_upn = finding(FindingKind::DuplicateMailbox, "z@x.com", "", "cn=a,dc=x");
    assert_eq!(identity(&dn_only), identity(&dn_only_upn));
    let upn_only = finding(FindingKind::DuplicateMailbox, "A@X.com", "", "");
    assert_eq!(identity(&upn_only).1, "a@x.com");
    // The same object under another kind is another finding.
    let other_kind = finding(FindingKind::ExchangeGuidMismatch, "a@x.com", "ABC", "CN=A");
    let d = diff(&[a], &[other_kind]);
    assert_eq!((d.summary.new, d.summary.resolved), (1, 1));
}

#[test]
fn a_severity_change_is_changed_not_new() {
    let a = finding(FindingKind::SoftMatchCollision, "a@x.com", "1", "");
    let mut b = a.clone();
    b.severity = Severity::Critical;
    let d = diff(&[a], std::slice::from_ref(&b));
    assert_eq!(d.summary.changed, 1);
    assert_eq!(d.changed[0].fields, ["Severity"]);
    assert!(!d.has_new());
}

#[test]
fn findings_sharing_an_identity_pair_in_order() {
    let a = finding(FindingKind::ProvisioningError, "a@x.com", "1", "");
    let d = diff(&[a.clone(), a.clone()], std::slice::from_ref(&a));
    assert_eq!((d.summary.unchanged, d.summary.resolved), (1, 1));
}

#[test]
fn the_json_contract_has_summary_new_resolved_changed() {
    let a = finding(FindingKind::ProvisioningError, "a@x.com", "1", "");
    let text = serde_json::to_string(&diff(&[], &[a])).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\":")).unwrap();
    assert!(
        at("Summary") < at("New") && at("New") < at("Resolved") && at("Resolved") < at("Changed")
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["Summary"],
        json!({"New":1,"Resolved":0,"Changed":0,"Unchanged":0})
    );
}

#[test]
fn scan_json_round_trips_and_bad_json_names_the_file_and_line() {
    let report = demo_report();
    let text = serde_json::to_string_pretty(&report).unwrap();
    let back = parse_scan_json(Path::new("old.json"), &text).unwrap();
    assert_eq!(back.findings, report.findings);
    let arr = serde_json::to_string(&report.findings).unwrap();
    let back = parse_scan_json(Path::new("a.json"), &arr).unwrap();
    assert_eq!(back.summary, report.summary);
    let err = parse_scan_json(Path::new("bad.json"), "{\n\"Findings\": [ {\"Kind\": 3} ]}")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("bad.json: line 2"), "{err}");
}

#[test]
fn a_snapshot_directory_is_scanned_on_the_fly() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = crate::demo::load().unwrap();
    crate::snapshot::write_dir(dir.path(), &loaded.snapshot, crate::snapshot::Parts::BOTH).unwrap();
    let from_dir = load_scan(dir.path(), &ScanOptions::default()).unwrap();
    assert_eq!(from_dir.summary.total, demo_report().summary.total);
    let err = load_scan(&dir.path().join("missing.json"), &ScanOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.json"), "{err}");
}
