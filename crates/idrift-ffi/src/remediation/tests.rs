//! Tests of the remediation writers on a copy of the demo snapshot: the dry run lists the steps and writes
//! nothing, a write runs only when approved with its target, a run stops at the manual step and resumes, and
//! both kinds of journal are undone.

use std::path::{Path, PathBuf};

use idrift_app::snapshot::{Parts, load_dir, write_dir};
use serde_json::{Value, json};

use crate::test_support::{call, error_message, every, text};
use crate::wire::Status;

const UPN: &str = "testduplicate@contoso.com";

fn demo_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("snap");
    let snap = idrift_app::demo::load().unwrap().snapshot;
    write_dir(
        &dir,
        &snap,
        Parts {
            ad: true,
            entra: true,
        },
    )
    .unwrap();
    dir
}

/// A new temporary directory holding a copy of the demo snapshot as `snap`.
fn temp_demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    (tmp, dir)
}

fn apply_request(dir: &Path, extra: Value) -> Value {
    let mut args = json!({
        "Source": {"Kind": "Snapshot", "Path": dir},
        "UserPrincipalName": UPN,
        "Option": "DeleteAndMerge",
    });
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    json!({"V": 1, "Op": "Remediation.Apply", "Args": args})
}

/// Calls [`apply_request`] with `extra`, asserting that the call succeeded; the whole answer.
fn apply_ok(dir: &Path, extra: Value) -> Value {
    let (status, v) = call(&apply_request(dir, extra));
    assert_eq!(status, Status::Ok, "{v}");
    v
}

/// Every write step of a dry run, approved with its target.
fn approve_all_writes(steps: &Value) -> Value {
    Value::Array(
        steps
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Kind"] == "Write")
            .map(|s| json!({"Order": s["Order"], "Target": s["Target"]}))
            .collect(),
    )
}

fn step(v: &Value, order: u64) -> &Value {
    v["Ok"]["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Order"] == order)
        .unwrap()
}

#[test]
fn the_dry_run_lists_the_steps_and_the_demo_refuses_the_apply() {
    let (status, v) = call(&json!({"V": 1, "Op": "Remediation.Apply", "Args": {
        "Source": {"Kind": "Demo"}, "UserPrincipalName": UPN, "Option": "DeleteAndMerge"}}));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Applied"], false);
    assert_eq!(v["Ok"]["Steps"].as_array().unwrap().len(), 11, "{v}");
    assert!(
        every(&v["Ok"]["Steps"], |s| s["Status"] == "Pending"),
        "{v}"
    );
    assert_eq!(v["Ok"]["JournalPath"], Value::Null);

    let (status, v) = call(&json!({"V": 1, "Op": "Remediation.Apply", "Args": {
        "Source": {"Kind": "Demo"}, "UserPrincipalName": UPN, "Option": "DeleteAndMerge",
        "Apply": true, "JournalPath": std::env::temp_dir()}}));
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["Err"]["Kind"], "InvalidArgs");
    assert!(
        v["Err"]["Message"].as_str().unwrap().contains("read-only"),
        "{v}"
    );

    let (status, v) = call(&json!({"V": 1, "Op": "Remediation.Apply", "Args": {
        "Source": {"Kind": "Demo"}, "UserPrincipalName": UPN, "Option": "KeepCloudMailbox"}}));
    assert_eq!(
        status,
        Status::Ok,
        "KeepCloudMailbox is offered for a duplicate: {v}"
    );
    let (status, v) = call(&json!({"V": 1, "Op": "Remediation.Apply", "Args": {
        "Source": {"Kind": "Demo"}, "UserPrincipalName": "nobody@contoso.com", "Option": "DeleteAndMerge"}}));
    let message = error_message(status, &v);
    assert!(
        message.contains("no user with the UPN \"nobody@contoso.com\""),
        "{v}"
    );
}

#[test]
fn without_approval_the_run_stops_before_the_first_write() {
    let (tmp, dir) = temp_demo();
    let before = load_dir(&dir).unwrap().snapshot;
    let j = tmp.path().join("dm.jsonl");
    let v = apply_ok(&dir, json!({"Apply": true, "JournalPath": j}));
    assert_eq!(v["Ok"]["Applied"], true);
    assert_eq!(v["Ok"]["Stop"], "Declined", "{v}");
    assert_eq!(v["Ok"]["StoppedAt"], 2, "{v}");
    assert_eq!(v["Ok"]["Writes"], 0);
    assert_eq!(step(&v, 1)["Status"], "Skipped", "the record step ran: {v}");
    assert_eq!(load_dir(&dir).unwrap().snapshot, before);
}

#[test]
fn an_approved_run_stops_at_the_manual_step_resumes_and_is_undone() {
    let (tmp, dir) = temp_demo();
    let dry = apply_ok(&dir, json!({}));
    let approve = approve_all_writes(&dry["Ok"]["Steps"]);
    assert_eq!(approve.as_array().unwrap().len(), 3, "{dry}");

    let j = tmp.path().join("dm.jsonl");
    let v = apply_ok(
        &dir,
        json!({"Apply": true, "JournalPath": j, "Approve": approve}),
    );
    assert_eq!(v["Ok"]["Stop"], "Manual", "{v}");
    assert_eq!(v["Ok"]["StoppedAt"], 6);
    assert_eq!(v["Ok"]["Writes"], 2);
    assert_eq!(v["Ok"]["JournalPath"], json!(j));
    assert!(v["Ok"]["ActsOn"].as_str().unwrap().contains("snap"), "{v}");
    assert!(
        text(&v["Ok"]["Notes"][0]).starts_with("Stopped at step 6, which is manual"),
        "{v}"
    );
    let users = std::fs::read_to_string(dir.join("entra-users.json")).unwrap();
    assert!(!users.contains(UPN), "the rehearsal deleted the user");

    // The same journal is never started twice.
    let (status, again) = call(&apply_request(
        &dir,
        json!({"Apply": true, "JournalPath": j, "Approve": approve}),
    ));
    let message = error_message(status, &again);
    assert!(message.contains("already exists"), "{again}");

    // A resume dry run shows where the run stands.
    let r = apply_ok(&dir, json!({"Resume": j}));
    assert_eq!(r["Ok"]["Applied"], false);
    assert_eq!(step(&r, 2)["Status"], "Applied", "{r}");
    assert_eq!(step(&r, 6)["Status"], "InDoubt", "{r}");

    // Resumed without confirming the manual step: it stops there again.
    let r = apply_ok(
        &dir,
        json!({"Resume": j, "Apply": true, "Approve": approve}),
    );
    assert_eq!(r["Ok"]["Stop"], "Declined", "{r}");
    assert_eq!(r["Ok"]["StoppedAt"], 6);

    // Confirmed: step 6 counts as done; step 7 waits for the sync.
    let r = apply_ok(
        &dir,
        json!({"Resume": j, "Apply": true, "Approve": approve, "ManualDone": [6]}),
    );
    assert_eq!(r["Ok"]["Stop"], "CheckNotMet", "{r}");
    assert_eq!(r["Ok"]["StoppedAt"], 7);
    assert_eq!(step(&r, 6)["Status"], "Skipped", "{r}");

    // A journal of another option or user is refused.
    let mut other = apply_request(&dir, json!({"Resume": j}));
    other["Args"]["Option"] = json!("RemoveLicense");
    let (status, e) = call(&other);
    let message = error_message(status, &e);
    assert!(message.contains("runs DeleteAndMerge"), "{e}");

    // Undo: a purge cannot be reversed, and the delete before it is purged afterwards.
    let (status, u) = undo_call(&dir, &j, json!({}));
    assert_eq!(status, Status::Ok, "{u}");
    assert_eq!(u["Ok"]["Kind"], "Remediation");
    assert_eq!(u["Ok"]["Applied"], false);
    assert!(u["Ok"]["Planned"].as_array().unwrap().is_empty(), "{u}");
    assert_eq!(u["Ok"]["NotUndone"].as_array().unwrap().len(), 2, "{u}");
    assert!(
        text(&u["Ok"]["NotUndone"][0]["Reason"]).contains("purged"),
        "{u}"
    );
}

fn undo_call(dir: &Path, journal: &Path, extra: Value) -> (Status, Value) {
    let mut args = json!({"Source": {"Kind": "Snapshot", "Path": dir}, "Journal": journal});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    call(&json!({"V": 1, "Op": "Undo", "Args": args}))
}

#[test]
fn a_remediation_that_stopped_before_the_purge_is_undone() {
    let (tmp, dir) = temp_demo();
    let before = load_dir(&dir).unwrap().snapshot;
    let (_, dry) = call(&apply_request(&dir, json!({})));
    let first_write = approve_all_writes(&dry["Ok"]["Steps"])[0].clone();
    let j = tmp.path().join("dm.jsonl");
    let v = apply_ok(
        &dir,
        json!({"Apply": true, "JournalPath": j, "Approve": [first_write]}),
    );
    assert_eq!(v["Ok"]["Stop"], "Declined", "{v}");
    assert_eq!(v["Ok"]["Writes"], 1, "{v}");
    assert_ne!(load_dir(&dir).unwrap().snapshot.cloud, before.cloud);

    let (status, u) = undo_call(&dir, &j, json!({}));
    assert_eq!(status, Status::Ok, "{u}");
    assert_eq!(u["Ok"]["Planned"].as_array().unwrap().len(), 1, "{u}");
    assert_eq!(u["Ok"]["Applied"], false);
    let uj = tmp.path().join("undo.jsonl");
    let (status, u) = undo_call(&dir, &j, json!({"Apply": true, "JournalPath": uj}));
    assert_eq!(status, Status::Ok, "{u}");
    assert_eq!(u["Ok"]["Applied"], true, "{u}");
    assert_eq!(u["Ok"]["Report"]["Ops"][0]["Status"], "Applied", "{u}");
    assert!(uj.exists());
    // The restored user is back (the rehearsal appends it at the end).
    let sorted = |mut v: Vec<idrift_core::model::CloudUser>| {
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    };
    assert_eq!(
        sorted(load_dir(&dir).unwrap().snapshot.cloud),
        sorted(before.cloud)
    );
}

#[test]
fn a_dirsync_journal_is_undone_through_the_snapshot() {
    let (tmp, dir) = temp_demo();
    let before = load_dir(&dir).unwrap().snapshot;
    let j = tmp.path().join("set.jsonl");
    let first = &before.on_prem[0];
    let upn = first.user_principal_name.clone().unwrap();
    let (status, v) = call(&json!({"V": 1, "Op": "DirSync.Set", "Args": {
        "Source": {"Kind": "Snapshot", "Path": dir}, "Identity": upn,
        "MobileInAD": "+1 425 555 0100", "Apply": true, "JournalPath": j}}));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Applied"], true, "{v}");
    assert_ne!(load_dir(&dir).unwrap().snapshot, before);

    let request = |extra: Value| {
        let mut args = json!({"Source": {"Kind": "Snapshot", "Path": dir}, "Journal": j});
        for (k, v) in extra.as_object().unwrap() {
            args[k] = v.clone();
        }
        json!({"V": 1, "Op": "Undo", "Args": args})
    };
    let (status, u) = call(&request(json!({})));
    assert_eq!(status, Status::Ok, "{u}");
    assert_eq!(u["Ok"]["Kind"], "DirSync");
    assert_eq!(u["Ok"]["UndoingCommand"], "dirsync set");
    assert_eq!(u["Ok"]["Planned"].as_array().unwrap().len(), 1, "{u}");
    assert_eq!(u["Ok"]["Applied"], false);

    let (status, u) = call(&request(json!({"Apply": true})));
    let message = error_message(status, &u);
    assert!(message.contains("JournalPath is required"), "{u}");
    let (status, u) = call(&request(
        json!({"Apply": true, "JournalPath": tmp.path().join("undo.jsonl")}),
    ));
    assert_eq!(status, Status::Ok, "{u}");
    assert_eq!(u["Ok"]["Applied"], true, "{u}");
    assert_eq!(load_dir(&dir).unwrap().snapshot, before);

    let (status, u) = call(&json!({"V": 1, "Op": "Undo", "Args": {
        "Source": {"Kind": "Demo"}, "Journal": "relative.jsonl"}}));
    let message = error_message(status, &u);
    assert!(message.contains("must be an absolute path"), "{u}");
}
