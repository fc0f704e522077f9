//! Tests of dispatch: every rejection names what was wrong, and operations return what idrift-app returns.

use super::*;

fn call(request: &str) -> (Status, serde_json::Value) {
    let (status, body) = handle(request.as_bytes());
    (status, serde_json::from_slice(&body).unwrap())
}

#[track_caller]
fn check_err(request: &str, kind: &str, needle: &str) {
    let (status, v) = call(request);
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["V"], 1);
    assert_eq!(v["Err"]["Kind"], kind, "{v}");
    let message = v["Err"]["Message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} does not contain {needle:?}");
}

#[test]
fn malformed_requests_are_bad_requests() {
    check_err("", "BadRequest", "EOF while parsing");
    check_err("{", "BadRequest", "EOF while parsing");
    check_err("[1,2]", "BadRequest", "invalid type");
    check_err(r#"{"V":1}"#, "BadRequest", "missing field `Op`");
    let (status, body) = handle(&[0xff, 0xfe, b'{']);
    assert_eq!(status, Status::Error);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["Err"]["Kind"], "BadRequest");
}

#[test]
fn other_versions_are_refused() {
    check_err(r#"{"V":2,"Op":"Describe"}"#, "UnsupportedVersion", "wire version 2");
    check_err(r#"{"V":0,"Op":"Describe"}"#, "UnsupportedVersion", "speaks V 1");
}

#[test]
fn unknown_operations_list_the_known_ones() {
    check_err(r#"{"V":1,"Op":"Nope"}"#, "UnknownOp", "DirSync.Compare");
}

#[test]
fn invalid_args_name_the_field() {
    check_err(r#"{"V":1,"Op":"DirSync.Compare"}"#, "InvalidArgs", "missing field `Source`");
    check_err(
        r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Nowhere"}}}"#,
        "InvalidArgs",
        "unknown variant `Nowhere`",
    );
    check_err(
        r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"}}}"#,
        "InvalidArgs",
        "OutPath is required",
    );
}

#[test]
fn relative_paths_are_refused() {
    check_err(
        r#"{"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Snapshot","Path":"snap"}}}"#,
        "InvalidArgs",
        "Source.Path must be an absolute path",
    );
    check_err(
        r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"OutPath":"out"}}"#,
        "InvalidArgs",
        "OutPath must be an absolute path",
    );
}

#[test]
fn app_errors_keep_their_kind_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let request = serde_json::json!({"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Snapshot","Path":dir.path()}}});
    let (status, v) = call(&request.to_string());
    assert_eq!(status, Status::Error);
    assert_eq!(v["Err"]["Kind"], "MissingFile");
    assert!(v["Err"]["Message"].as_str().unwrap().contains("ad.ldif"), "{v}");
}

#[test]
fn describe_lists_every_operation() {
    let (status, v) = call(r#"{"V":1,"Op":"Describe","Args":null}"#);
    assert_eq!(status, Status::Ok);
    assert_eq!(v["Ok"]["AbiVersion"], crate::abi::ABI_VERSION);
    assert_eq!(v["Ok"]["WireVersion"], 1);
    let ops: Vec<&str> = v["Ok"]["Ops"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert_eq!(ops, OPS);
}

#[test]
fn source_check_counts_what_idrift_app_loads() {
    let (status, v) = call(r#"{"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Demo"}}}"#);
    assert_eq!(status, Status::Ok, "{v}");
    let demo = idrift_app::demo::load().unwrap();
    assert_eq!(v["Ok"]["Kind"], "Demo");
    assert_eq!(v["Ok"]["OnPremUsers"], demo.snapshot.on_prem.len());
    assert_eq!(v["Ok"]["CloudUsers"], demo.snapshot.cloud.len());
    assert_eq!(v["Ok"]["HasTenantSync"], demo.snapshot.tenant_sync.is_some());
}

#[test]
fn compare_returns_the_report_of_idrift_app_and_writes_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let request = serde_json::json!({"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"OutPath":dir.path()}});
    let (status, v) = call(&request.to_string());
    assert_eq!(status, Status::Ok, "{v}");
    let demo = idrift_app::demo::load().unwrap();
    let report = idrift_app::dirsync::compare(&demo.snapshot, &PhoneOptions::default());
    assert_eq!(v["Ok"]["Summary"], serde_json::to_value(report.summary).unwrap());
    assert_eq!(v["Ok"]["Rows"], serde_json::to_value(&report.rows).unwrap());
    let written = std::path::PathBuf::from(v["Ok"]["CsvPath"].as_str().unwrap());
    assert_eq!(written.parent(), Some(dir.path()));
    let name = written.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("ADSyncTools-DirSyncOverrides_") && name.ends_with(".csv"), "{name}");
    assert_eq!(idrift_app::dirsync::read_csv(&written).unwrap(), report.rows);
}

#[test]
fn compare_without_csv_writes_nothing() {
    let (status, v) = call(r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"WriteCsv":false}}"#);
    assert_eq!(status, Status::Ok, "{v}");
    assert!(v["Ok"]["CsvPath"].is_null());
}

#[test]
fn compare_to_a_named_file_writes_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overrides.csv");
    let request = serde_json::json!({"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"OutPath":file}});
    let (status, v) = call(&request.to_string());
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["CsvPath"], serde_json::json!(file));
    assert!(file.is_file());
}
