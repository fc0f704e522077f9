//! Tests of the report and diff operations on the demo snapshot.

use super::{REPORT_FILE, ReportRequest, report, report_path, scan_diff};
use crate::report::{Extras, Header};

#[test]
fn a_directory_gets_the_default_report_name() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(report_path(dir.path()), dir.path().join(REPORT_FILE));
    let file = dir.path().join("r.html");
    assert_eq!(report_path(&file), file);
}

#[test]
fn the_demo_report_is_written_with_its_findings_and_diffs_to_nothing_against_itself() {
    let dir = tempfile::tempdir().unwrap();
    let snap = crate::demo::load().unwrap().snapshot;
    let req = ReportRequest {
        scan: &Default::default(),
        extras: &Extras::default(),
        header: Header {
            source: "demo snapshot".to_owned(),
            generated: "2026-12-04T00:00:00Z".to_owned(),
        },
        demo: true,
    };
    let out = dir.path().join("r.html");
    let written = report(&snap, req, &out).unwrap();
    assert_eq!(written.path, out);
    assert!(written.findings > 0);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("demo snapshot"));
    let json = serde_json::to_value(&written).unwrap();
    assert_eq!(json["Findings"], written.findings);

    let snap_dir = dir.path().join("snap");
    crate::snapshot::write_dir(
        &snap_dir,
        &snap,
        crate::snapshot::Parts {
            ad: true,
            entra: true,
        },
    )
    .unwrap();
    let d = scan_diff(&snap_dir, &snap_dir, &Default::default()).unwrap();
    assert!(d.new.is_empty() && d.resolved.is_empty() && d.changed.is_empty());
    assert_eq!(d.unchanged.len(), written.findings);
}
