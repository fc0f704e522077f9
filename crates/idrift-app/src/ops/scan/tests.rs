//! Tests of the scan operation on the bundled demo: the filter keeps only the kinds and severities asked for,
//! and the summary counts what is kept.

use super::*;

fn demo() -> Snapshot {
    crate::demo::load().unwrap().snapshot
}

#[test]
fn no_filter_keeps_every_finding() {
    let s = demo();
    let all = crate::scan::scan(&s, &ScanOptions::default());
    let kept = scan(&s, &ScanOptions::default(), &ScanFilter::default());
    assert_eq!(kept.findings.len(), all.findings.len());
}

#[test]
fn kinds_and_severity_narrow_the_report() {
    let s = demo();
    let all = scan(&s, &ScanOptions::default(), &ScanFilter::default());
    let kinds: std::collections::BTreeSet<String> =
        all.findings.iter().map(|f| f.kind.to_string()).collect();
    assert!(kinds.len() > 1, "{kinds:?}");
    let kind = all.findings[0].kind;
    let one = scan(
        &s,
        &ScanOptions::default(),
        &ScanFilter {
            kinds: vec![kind],
            min_severity: None,
        },
    );
    assert!(!one.findings.is_empty());
    assert!(one.findings.iter().all(|f| f.kind == kind));
    assert!(one.findings.len() < all.findings.len());
    let severe = scan(
        &s,
        &ScanOptions::default(),
        &ScanFilter {
            kinds: Vec::new(),
            min_severity: Some(Severity::Critical),
        },
    );
    assert!(
        severe
            .findings
            .iter()
            .all(|f| f.severity == Severity::Critical)
    );
    assert!(severe.findings.len() < all.findings.len());
}
