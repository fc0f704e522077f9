//! Tests of the envelope: decoding tolerates unknown fields, encoding has the documented shape.

use super::*;

#[test]
fn request_ignores_unknown_fields_and_defaults_args() {
    let req: Request =
        serde_json::from_str(r#"{"V":1,"Op":"Describe","Future":[1,2],"Trace":"x"}"#).unwrap();
    assert_eq!(req.v, 1);
    assert_eq!(req.op, "Describe");
    assert!(req.args.is_null());
}

#[test]
fn request_without_v_is_rejected_naming_the_field() {
    let e = serde_json::from_str::<Request>(r#"{"Op":"Describe"}"#).unwrap_err();
    assert!(e.to_string().contains("missing field `V`"), "{e}");
}

#[test]
fn source_kinds_decode_with_pascal_case_fields_and_ignore_extras() {
    let s: SourceSpec =
        serde_json::from_str(r#"{"Kind":"Snapshot","Path":"/x","Label":"lab"}"#).unwrap();
    assert!(
        matches!(s.kind, SourceKind::Snapshot { ref path, exo: None, exo_users: None } if path == std::path::Path::new("/x"))
    );
    assert!(!s.allow_incomplete && !s.allow_empty && s.source_anchor.is_none());
    let s: SourceSpec =
        serde_json::from_str(r#"{"Kind":"Files","Ad":"/a.ldif","Entra":"/e.json"}"#).unwrap();
    assert!(matches!(s.kind, SourceKind::Files { .. }));
    let s: SourceSpec = serde_json::from_str(r#"{"Kind":"Demo"}"#).unwrap();
    assert!(matches!(s.kind, SourceKind::Demo));
    let e = serde_json::from_str::<SourceSpec>(r#"{"Kind":"Ldap"}"#).unwrap_err();
    assert!(e.to_string().contains("unknown variant `Ldap`"), "{e}");
}

#[test]
fn compare_args_default_to_writing_the_csv() {
    let a: DirSyncCompareArgs = serde_json::from_str(r#"{"Source":{"Kind":"Demo"}}"#).unwrap();
    assert!(a.write_csv);
    assert!(a.out_path.is_none());
    assert!(a.default_region.is_none());
}

#[test]
fn ok_envelope_omits_empty_warnings() {
    let body = ok(&serde_json::json!({"A": 1}), &[]).unwrap();
    assert_eq!(String::from_utf8(body).unwrap(), r#"{"V":1,"Ok":{"A":1}}"#);
    let body = ok(&serde_json::json!(null), &["w".to_owned()]).unwrap();
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"V":1,"Ok":null,"Warnings":["w"]}"#
    );
}

#[test]
fn err_envelope_has_kind_and_message() {
    let body = encode_err("Parse", "a.ldif: line 3: \"bad\"");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"V":1,"Err":{"Kind":"Parse","Message":"a.ldif: line 3: \"bad\""}}"#
    );
}

#[test]
fn the_fallback_response_is_valid_json() {
    let v: serde_json::Value = serde_json::from_slice(ENCODING_FAILED).unwrap();
    assert_eq!(v["Err"]["Kind"], "Internal");
    assert_eq!(v["V"], 1);
}

#[test]
fn status_codes_are_the_documented_integers() {
    assert_eq!(Status::Ok.code(), 0);
    assert_eq!(Status::Error.code(), 1);
    assert_eq!(Status::Internal.code(), 2);
}

#[test]
fn files_sources_may_name_one_side() {
    let s: SourceSpec = serde_json::from_str(r#"{"Kind":"Files","Ad":"/a.ldif"}"#).unwrap();
    assert!(matches!(
        s.kind,
        SourceKind::Files {
            ad: Some(_),
            entra: None,
            ..
        }
    ));
}

#[test]
fn write_args_are_flattened_into_the_operation_args() {
    let a: DirSyncSetArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Demo"},"Identity":"a@b","MobileInAD":"1","Apply":true,"JournalPath":"/j","Extra":1}"#,
    )
    .unwrap();
    assert!(a.write.apply);
    assert_eq!(
        a.write.journal_path.as_deref(),
        Some(std::path::Path::new("/j"))
    );
    assert_eq!(a.item.mobile_in_ad.as_deref(), Some("1"));
    assert!(a.item.other_mobile_in_ad.is_none());
    let b: DirSyncClearArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Demo"},"Identity":"a@b","OtherMobileInAD":true}"#,
    )
    .unwrap();
    assert!(!b.write.apply && b.what.other_mobile_in_ad && !b.what.mobile_in_ad);
}

#[test]
fn sides_are_spelled_ad_and_entra() {
    let a: DirSyncGetArgs =
        serde_json::from_str(r#"{"Source":{"Kind":"Demo"},"Identity":"x","From":"AD"}"#).unwrap();
    assert_eq!(a.from, Side::Ad);
    let e = serde_json::from_str::<DirSyncGetArgs>(
        r#"{"Source":{"Kind":"Demo"},"Identity":"x","From":"Ad"}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("unknown variant `Ad`, expected `AD` or `Entra`"),
        "{e}"
    );
}

#[test]
fn persist_rows_use_the_compare_column_names() {
    let a: DirSyncPersistArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Demo"},"Rows":[{"UserPrincipalName":"u@x","MobileInAD":"1","MobileInEntra":"2",
            "OtherMobileInAD":["3"],"AlternateMobilePhonesInEntra":null,"DistinguishedName":"CN=u"}],"Limit":5}"#,
    )
    .unwrap();
    let rows = a.rows.unwrap();
    assert_eq!(rows[0].mobile_in_entra.as_deref(), Some("2"));
    assert_eq!(rows[0].other_mobile_in_ad, ["3"]);
    assert_eq!(a.limit, Some(5));
}

#[test]
fn scan_filters_use_the_core_names() {
    let a: ScanArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Demo"},"Kinds":["DuplicateMailbox"],"MinSeverity":"High"}"#,
    )
    .unwrap();
    assert_eq!(a.kinds, [idrift_core::scan::FindingKind::DuplicateMailbox]);
    assert_eq!(a.min_severity, Some(idrift_core::scan::Severity::High));
}

#[test]
fn live_sources_decode_and_secrets_are_redacted() {
    let s: SourceSpec = serde_json::from_str(
        r#"{"Kind":"Live","Ad":{"Url":"ldaps://dc1","Bind":"svc@corp","Password":"hunter2"},"Graph":true,
            "Cloud":{"Tenant":"t","ClientId":"c","ClientSecret":"s3cret"}}"#,
    )
    .unwrap();
    let debug = format!("{s:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("s3cret"),
        "{debug}"
    );
    assert!(debug.contains("[REDACTED]"), "{debug}");
    let SourceKind::Live {
        ad: Some(ad),
        graph,
        ..
    } = s.kind
    else {
        panic!("not a live source")
    };
    assert!(graph);
    assert_eq!(ad.url, "ldaps://dc1");
}

#[test]
fn shared_fields_are_read_at_the_top_level_of_args_and_source() {
    let a: RemediationApplyArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Files","Ad":"/a.ldif","AllowEmpty":true,"SourceAnchor":"employeeID"},
            "UserPrincipalName":"a@b","Option":"DeleteAndMerge","RoutingDomain":"r.mail.onmicrosoft.com",
            "SyncScope":["OU=x"],"DefaultRegion":"DE","RemoteHost":"mail.contoso.com","Apply":true}"#,
    )
    .unwrap();
    assert!(a.source.allow_empty && !a.source.allow_incomplete);
    assert_eq!(a.source.source_anchor.as_deref(), Some("employeeID"));
    assert_eq!(a.user.user_principal_name, "a@b");
    let scan = a.user.scope.options();
    assert_eq!(
        scan.routing_domain.as_deref(),
        Some("r.mail.onmicrosoft.com")
    );
    assert_eq!(scan.sync_scope, ["OU=x"]);
    assert_eq!(scan.phone.default_region.as_deref(), Some("DE"));
    assert_eq!(
        a.user.plan_options().remote_host_name.as_deref(),
        Some("mail.contoso.com")
    );
    assert!(a.write.apply);
    let e = serde_json::from_str::<PlanArgs>(r#"{"Source":{"Kind":"Demo"}}"#).unwrap_err();
    assert!(
        e.to_string().contains("missing field `UserPrincipalName`"),
        "{e}"
    );
}

#[test]
fn clear_and_set_values_sit_beside_identity() {
    let a: DirSyncClearArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Demo"},"Identity":"a@b","OtherMobileInAD":true}"#,
    )
    .unwrap();
    assert!(a.what.other_mobile_in_ad && !a.what.mobile_in_ad && !a.what.mobile_in_entra);
    let a: DirSyncSetArgs = serde_json::from_str(
        r#"{"Source":{"Kind":"Demo"},"Identity":"a@b","OtherMobileInAD":["1","2"],"Items":[{"MobileInEntra":"3"}]}"#,
    )
    .unwrap();
    assert_eq!(a.item.identity, "a@b");
    assert_eq!(
        a.item.other_mobile_in_ad.as_deref(),
        Some(&["1".to_owned(), "2".to_owned()][..])
    );
    assert_eq!(a.items[0].identity, "");
    assert_eq!(a.items[0].mobile_in_entra.as_deref(), Some("3"));
}
