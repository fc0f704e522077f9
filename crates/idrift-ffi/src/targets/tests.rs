//! Tests of the wire `Source` translated into the application's `SourceSpec`.

use crate::test_support::{temp_file, write_file};
use std::path::Path;

use super::*;

fn source(json: &str) -> SourceSpec {
    serde_json::from_str(json).unwrap()
}

#[test]
fn a_live_source_carries_the_timeout_and_redirect_hosts_into_the_cloud_configuration() {
    let s = source(
        r#"{"Kind":"Live","Graph":true,"AdFile":"/x/ad.ldif","Cloud":{"Tenant":"t","ClientId":"c",
            "ClientSecret":"s3cret","TimeoutSeconds":7,"RedirectHosts":["login.example"]}}"#,
    );
    let spec = spec("Test", &s).unwrap();
    assert_eq!(spec.entra, Some(EntraSource::Graph));
    assert!(matches!(&spec.ad, Some(AdSource::File(p)) if p == Path::new("/x/ad.ldif")));
    let cfg = source::cloud_config(&spec.cloud, &resolver()).unwrap();
    assert_eq!(cfg.retry.total_budget, std::time::Duration::from_secs(7));
    assert_eq!(cfg.redirect_hosts, vec!["login.example".to_owned()]);
    assert!(
        !format!("{spec:?}").contains("s3cret"),
        "the secret stays redacted"
    );
}

#[test]
fn a_live_part_with_its_file_is_invalid_args() {
    let err = spec(
        "Test",
        &source(r#"{"Kind":"Live","Graph":true,"EntraFile":"/x/e.json"}"#),
    )
    .unwrap_err();
    assert_eq!(err.kind(), "InvalidArgs");
    assert!(err.to_string().contains("not both"), "{err}");
}

#[test]
fn a_source_naming_too_little_is_invalid_args_worded_with_the_wire_fields() {
    let err = load_full(
        "Test",
        &source(r#"{"Kind":"Files","Ad":"/nonexistent/ad.ldif"}"#),
        LoadProfile::Full,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "InvalidArgs");
    assert!(err.to_string().contains("Source.EntraFile"), "{err}");
    let err = load_full(
        "Test",
        &source(
            r#"{"Kind":"Live","Ad":{"Url":"ldaps://dc","Bind":"svc"},"EntraFile":"/x/e.json"}"#,
        ),
        LoadProfile::Full,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "InvalidArgs");
    assert!(
        err.to_string().contains("Source.Ad.Bind needs a password"),
        "{err}"
    );
}

#[test]
fn an_empty_export_is_refused_unless_the_source_allows_it() {
    let (dir, ad) = temp_file("ad.ldif", "");
    let entra = write_file(
        dir.path(),
        "entra.json",
        r#"{"value":[{"id":"1","userPrincipalName":"a@x"}]}"#,
    );
    let json = |allow: bool| {
        format!(
            r#"{{"Kind":"Files","Ad":{:?},"Entra":{:?},"AllowEmpty":{allow}}}"#,
            ad.display().to_string(),
            entra.display().to_string()
        )
    };
    let err = load_full("Test", &source(&json(false)), LoadProfile::Full).unwrap_err();
    assert!(err.to_string().contains("holds no user"), "{err}");
    let loaded = load_full("Test", &source(&json(true)), LoadProfile::Full).unwrap();
    assert_eq!(loaded.snapshot.cloud.len(), 1);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("empty sources allowed")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn the_demo_takes_the_source_anchor_and_the_allowances_as_the_cli_does() {
    let s = source(r#"{"Kind":"Demo","SourceAnchor":"employeeID","AllowEmpty":true}"#);
    let spec = spec("Test", &s).unwrap();
    assert!(matches!(spec.base, Some(Base::Demo)));
    assert_eq!(spec.source_anchor.as_deref(), Some("employeeID"));
    assert!(spec.completeness.allow_empty);
    assert!(!spec.completeness.allow_incomplete);
}

/// [`load`] keeping the full users.
fn load_full(
    op: &'static str,
    source: &SourceSpec,
    profile: LoadProfile,
) -> Result<Loaded, CallError> {
    load(op, source, profile)
}
