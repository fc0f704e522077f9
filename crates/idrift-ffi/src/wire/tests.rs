//! Tests of the envelope: decoding tolerates unknown fields, encoding has the documented shape.

use super::*;

#[test]
fn request_ignores_unknown_fields_and_defaults_args() {
    let req: Request = serde_json::from_str(r#"{"V":1,"Op":"Describe","Future":[1,2],"Trace":"x"}"#).unwrap();
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
    let s: SourceSpec = serde_json::from_str(r#"{"Kind":"Snapshot","Path":"/x","Label":"lab"}"#).unwrap();
    assert!(matches!(s, SourceSpec::Snapshot { ref path } if path == std::path::Path::new("/x")));
    let s: SourceSpec = serde_json::from_str(r#"{"Kind":"Files","Ad":"/a.ldif","Entra":"/e.json"}"#).unwrap();
    assert!(matches!(s, SourceSpec::Files { .. }));
    let s: SourceSpec = serde_json::from_str(r#"{"Kind":"Demo"}"#).unwrap();
    assert!(matches!(s, SourceSpec::Demo));
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
    let body = encode_ok(&serde_json::json!({"A": 1}), &[]).unwrap();
    assert_eq!(String::from_utf8(body).unwrap(), r#"{"V":1,"Ok":{"A":1}}"#);
    let body = encode_ok(&serde_json::json!(null), &["w".to_owned()]).unwrap();
    assert_eq!(String::from_utf8(body).unwrap(), r#"{"V":1,"Ok":null,"Warnings":["w"]}"#);
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
