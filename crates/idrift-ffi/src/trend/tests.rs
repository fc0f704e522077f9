//! Tests of `Report` and `Scan.Diff`: what `idrift report` and `idrift diff` produce, through the wire.

use crate::test_support::{call, temp_file};
use crate::wire::Status;

fn demo_scan() -> serde_json::Value {
    let (status, v) =
        call(&serde_json::json!({"V":1,"Op":"Scan","Args":{"Source":{"Kind":"Demo"}}}));
    assert_eq!(status, Status::Ok, "{v}");
    v["Ok"].clone()
}

#[test]
fn report_writes_the_html_file_into_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let (status, v) = call(&serde_json::json!({"V":1,"Op":"Report","Args":{
        "Source":{"Kind":"Demo"}, "OutPath": dir.path()}}));
    assert_eq!(status, Status::Ok, "{v}");
    let path = std::path::PathBuf::from(v["Ok"]["Path"].as_str().unwrap());
    assert_eq!(path, dir.path().join("idrift-report.html"));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(html.contains("demo snapshot"));
    // The lint section, as in the CLI's report of the same source.
    assert!(html.contains("<section id=\"lint\">"), "the lint section");
    let findings = demo_scan()["Findings"].as_array().unwrap().len();
    assert_eq!(v["Ok"]["Findings"].as_u64(), Some(findings as u64));
}

#[test]
fn report_refuses_relative_paths_and_names_the_field() {
    let (status, v) = call(&serde_json::json!({"V":1,"Op":"Report","Args":{
        "Source":{"Kind":"Demo"}, "OutPath": "r.html", "Journals": []}}));
    assert_eq!(status, Status::Error, "{v}");
    assert!(
        v["Err"]["Message"].as_str().unwrap().contains("OutPath"),
        "{v}"
    );
}

#[test]
fn diff_reports_one_fixed_and_one_added() {
    let dir = tempfile::tempdir().unwrap();
    let old = demo_scan();
    let mut new = old.clone();
    let findings = new["Findings"].as_array_mut().unwrap();
    let fixed = findings.remove(0);
    let mut added = findings[0].clone();
    added["ObjectId"] = serde_json::json!("0f0f0f0f-1111-2222-3333-444444444444");
    added["UserPrincipalName"] = serde_json::json!("new.hire@contoso.com");
    findings.push(added.clone());
    let total = old["Findings"].as_array().unwrap().len();
    let (o, n) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&o, old.to_string()).unwrap();
    std::fs::write(&n, new.to_string()).unwrap();
    let (status, v) =
        call(&serde_json::json!({"V":1,"Op":"Scan.Diff","Args":{"Old": o, "New": n}}));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(
        v["Ok"]["Summary"],
        serde_json::json!({"New": 1, "Resolved": 1, "Changed": 0, "Unchanged": total - 1})
    );
    assert_eq!(
        v["Ok"]["New"][0]["UserPrincipalName"],
        "new.hire@contoso.com"
    );
    assert_eq!(
        v["Ok"]["Resolved"][0]["UserPrincipalName"],
        fixed["UserPrincipalName"]
    );
}

#[test]
fn diff_names_the_file_it_cannot_read() {
    let (_dir, bad) = temp_file("bad.json", "{not json");
    let (status, v) =
        call(&serde_json::json!({"V":1,"Op":"Scan.Diff","Args":{"Old": bad, "New": bad}}));
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["Err"]["Kind"], "Parse");
    assert!(
        v["Err"]["Message"].as_str().unwrap().contains("bad.json"),
        "{v}"
    );
}
