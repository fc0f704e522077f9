//! Tests of the JSON reader: ConvertTo-Json shapes, the InvokeCommand envelope, and error positions.

use super::*;

fn root(d: &Doc, i: usize) -> &Obj {
    d.obj(&d.roots[i]).unwrap()
}

#[test]
fn single_object_and_array_roots() {
    let d = parse(r#"{"Identity":"a@x.com","BytesTransferred":"0 B (0 bytes)"}"#).unwrap();
    assert_eq!(d.roots.len(), 1);
    assert_eq!(
        d.prop(root(&d, 0), "identity"),
        Some(&Value::Str("a@x.com".to_owned()))
    );
    let d = parse(r#"[{"Identity":"a@x.com"},{"Identity":"b@x.com"}]"#).unwrap();
    assert_eq!(d.roots.len(), 2);
}

#[test]
fn numbers_booleans_and_nulls_map_to_values() {
    let d = parse(r#"{"I":-3,"U":18446744073709551615,"F":1.25,"B":true,"N":null}"#).unwrap();
    let o = root(&d, 0);
    assert_eq!(d.prop(o, "I"), Some(&Value::Int(-3)));
    assert_eq!(d.prop(o, "U"), Some(&Value::UInt(u64::MAX)));
    assert_eq!(d.prop(o, "F"), Some(&Value::Float(1.25)));
    assert_eq!(d.prop(o, "B"), Some(&Value::Bool(true)));
    assert_eq!(d.prop(o, "N"), Some(&Value::Nil));
}

#[test]
fn invoke_command_envelope_yields_its_values_without_annotations() {
    let d = parse(
        r##"{"@odata.context":"https://outlook.office365.com/adminapi/beta/t/$metadata#Collection(Exchange.GenericHashTable)",
            "adminapi.warnings@odata.type":"#Collection(String)","@adminapi.warnings":[],
            "value":[{"Identity":"a@x.com","Identity@data.type":"X"},{"Identity":"b@x.com"}]}"##,
    )
    .unwrap();
    assert_eq!(d.roots.len(), 2);
    let o = root(&d, 0);
    assert_eq!(o.props.len(), 1, "annotations are skipped: {:?}", o.props);
}

#[test]
fn windows_powershell_array_wrapper_reads_as_a_list() {
    let d = parse(r#"{"value":[{"A":1},{"A":2}],"Count":2}"#).unwrap();
    assert_eq!(d.roots.len(), 2);
    let d = parse(r#"{"Report":{"MailboxVerification":{"value":[{"A":1}],"Count":1}}}"#).unwrap();
    let report = d.obj(d.prop(root(&d, 0), "Report").unwrap()).unwrap();
    let mv = d.prop(report, "MailboxVerification").unwrap();
    assert_eq!(d.items(mv).map(<[Value]>::len), Some(1));
}

#[test]
fn embedded_clixml_items_are_read() {
    let xml = r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"><Props><S N="Identity">a@x.com</S></Props></Obj></Objs>"#;
    let body = serde_json::json!({"@odata.context": "c", "value": [{"_clixml": xml}, {"Identity": "b@x.com"}]});
    let d = parse(&body.to_string()).unwrap();
    assert_eq!(d.roots.len(), 2);
    assert_eq!(
        d.prop(root(&d, 0), "Identity"),
        Some(&Value::Str("a@x.com".to_owned()))
    );
    assert_eq!(
        d.prop(root(&d, 1), "Identity"),
        Some(&Value::Str("b@x.com".to_owned()))
    );
}

#[test]
fn broken_embedded_clixml_names_the_item() {
    let body = serde_json::json!({"@odata.context": "c", "value": [{"Identity": "b"}, {"_clixml": "<Objs><Obj>"}]});
    let err = parse(&body.to_string()).unwrap_err();
    let MigrationError::Field { path, message, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(path, "value[1]._clixml");
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn syntax_errors_name_line_and_column() {
    let err = parse("{\n  \"Identity\": \"a@x.com\"\n  \"Status\": \"Completed\"\n}").unwrap_err();
    assert_eq!(
        err,
        MigrationError::Syntax {
            format: InputFormat::Json,
            line: 3,
            column: 3,
            message: "expected `,` or `}`".to_owned(),
        }
    );
}

#[test]
fn truncated_json_is_reported_as_truncated() {
    let err = parse("[\n  {\n    \"Identity\": \"a@x.com\",\n    \"Report\": {\n").unwrap_err();
    let MigrationError::Truncated { format, line, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((*format, *line), (InputFormat::Json, 5));
    assert!(err.to_string().contains("looks truncated"), "{err}");
}
