//! Tests of the report and diff operations on the demo snapshot.

use super::{REPORT_FILE, ReportRequest, report, report_path, scan_diff};
use crate::report::Extras;
use crate::source::{AdSource, Base, EntraSource, ExoSource, LdapSettings, SourceSpec};

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
    let demo = SourceSpec {
        base: Some(Base::Demo),
        ..SourceSpec::default()
    };
    let req = ReportRequest {
        scan: &Default::default(),
        extras: Extras::default(),
        source: &demo,
        generated: "2026-12-04T00:00:00Z".to_owned(),
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

#[test]
fn the_header_names_the_source_the_same_way_for_every_front_end() {
    let snapshot = SourceSpec {
        base: Some(Base::Snapshot("/data/snap".into())),
        ad: Some(AdSource::File("/ignored.ldif".into())),
        ..SourceSpec::default()
    };
    assert_eq!(super::describe(&snapshot), "snapshot /data/snap");
    let files = SourceSpec {
        ad: Some(AdSource::File("/x/ad.ldif".into())),
        entra: Some(EntraSource::File("/x/users.json".into())),
        exo: Some(ExoSource::File("/x/exo.json".into())),
        ..SourceSpec::default()
    };
    assert_eq!(
        super::describe(&files),
        "AD /x/ad.ldif, Entra /x/users.json, Exchange /x/exo.json"
    );
    assert!(matches!(
        super::lint_of(&files),
        Some(crate::report::LintSource::Ldif(p)) if p == std::path::Path::new("/x/ad.ldif")
    ));
    let live = SourceSpec {
        ad: Some(AdSource::Ldap(Box::new(LdapSettings {
            url: "ldaps://dc1".to_owned(),
            ..LdapSettings::default()
        }))),
        entra: Some(EntraSource::Graph),
        exo: Some(ExoSource::Live),
        ..SourceSpec::default()
    };
    assert_eq!(
        super::describe(&live),
        "AD ldaps://dc1, Entra graph, Exchange exo"
    );
    assert!(
        super::lint_of(&live).is_none(),
        "a live read has no lint section"
    );
}
