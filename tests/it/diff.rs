//! `idrift diff` through the CLI library: one finding fixed and one added between two scans is reported as
//! exactly those two, with exit code 3; snapshots are scanned on the fly; bad input names the file.

use std::process::ExitCode;

use serde_json::{Value, json};

use crate::support::idrift;

fn demo_scan() -> Value {
    let r = idrift(&["scan", "--demo", "--format", "json"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn write(dir: &std::path::Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p.display().to_string()
}

#[test]
fn one_fixed_and_one_added_are_reported_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let old = demo_scan();
    let mut new = old.clone();
    let findings = new["Findings"].as_array_mut().unwrap();
    let fixed = findings.remove(2);
    let added = json!({
        "Kind": "MissingRoutingAddress", "Severity": "Medium",
        "UserPrincipalName": "new.hire@contoso.com", "ObjectId": "0f0f0f0f-1111-2222-3333-444444444444",
        "DistinguishedName": "", "Evidence": {"Problems": ["no routing address"]},
        "Recommendation": "Add the routing address."
    });
    findings.push(added.clone());
    let total = old["Findings"].as_array().unwrap().len();
    let (o, n) = (
        write(dir.path(), "old.json", &old),
        write(dir.path(), "new.json", &new),
    );

    let r = idrift(&["diff", &o, &n, "--format", "json"]);
    assert_eq!(r.code, ExitCode::from(3), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["Summary"],
        json!({"New": 1, "Resolved": 1, "Changed": 0, "Unchanged": total - 1})
    );
    assert_eq!(v["New"], json!([added]));
    assert_eq!(v["Resolved"], json!([fixed]));

    let r = idrift(&["diff", &o, &n]);
    assert_eq!(r.code, ExitCode::from(3));
    assert!(r.stdout.contains("new.hire@contoso.com"), "{}", r.stdout);
    let fixed_upn = fixed["UserPrincipalName"].as_str().unwrap();
    assert!(r.stdout.contains(fixed_upn), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "New: 1, Resolved: 1, Changed: 0, Unchanged: {}",
            total - 1
        )),
        "{}",
        r.stdout
    );

    // Only resolved: nothing new, exit 0.
    let mut fixed_only = new.clone();
    fixed_only["Findings"].as_array_mut().unwrap().pop();
    let f = write(dir.path(), "fixed.json", &fixed_only);
    let r = idrift(&["diff", &o, &f, "--format", "json"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (
            v["Summary"]["New"].as_u64(),
            v["Summary"]["Resolved"].as_u64()
        ),
        (Some(0), Some(1))
    );
}

#[test]
fn snapshots_are_scanned_on_the_fly_and_equal_scans_differ_in_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let r = idrift(&[
        "snapshot",
        "take",
        "--demo",
        "--out",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let scan = write(dir.path(), "scan.json", &demo_scan());
    let r = idrift(&["diff", &scan, snap.to_str().unwrap()]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(r.stdout.contains("No differences."), "{}", r.stdout);
}

#[test]
fn unreadable_input_names_the_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"Findings\": 7}").unwrap();
    let good = write(dir.path(), "good.json", &demo_scan());
    let r = idrift(&["diff", bad.to_str().unwrap(), &good]);
    assert_eq!(r.code, ExitCode::from(1));
    assert!(r.stderr.contains("bad.json: line 1"), "{}", r.stderr);
}
