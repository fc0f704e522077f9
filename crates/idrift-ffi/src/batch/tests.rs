//! Tests of pipelines: many users, one plan, one journal; a bad user does not stop the others.

use crate::test_support::{call, error_message, text};
use crate::wire::Status;

fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for f in ["ad.ldif", "entra-users.json", "entra-sync.json"] {
        std::fs::copy(repo.join("examples/demo").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

fn ad_mobile(dir: &std::path::Path, upn: &str) -> serde_json::Value {
    let (status, v) = call(&serde_json::json!({"V":1,"Op":"DirSync.Get","Args":{
        "Source":{"Kind":"Snapshot","Path":dir},"Identity":upn,"From":"AD"}}));
    assert_eq!(status, Status::Ok, "{v}");
    v["Ok"]["Mobile"].clone()
}

/// Calls `op` with `args` on the snapshot in `dir`, applied and journaled in `journals`; asserts that the call
/// succeeded and returns its answer.
fn apply_on(
    dir: &std::path::Path,
    journals: &std::path::Path,
    op: &str,
    mut args: serde_json::Value,
) -> serde_json::Value {
    args["Source"] = serde_json::json!({"Kind": "Snapshot", "Path": dir});
    args["Apply"] = serde_json::json!(true);
    args["JournalPath"] = serde_json::json!(journals);
    let (status, v) = call(&serde_json::json!({"V": 1, "Op": op, "Args": args}));
    assert_eq!(status, Status::Ok, "{v}");
    v
}

const USERS: [&str; 3] = [
    "ada.lovelace@contoso.com",
    "tim.mcmichael@contoso.com",
    "grace.hopper@contoso.com",
];

#[test]
fn a_pipeline_of_users_is_one_plan_with_one_journal() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let items: Vec<serde_json::Value> = USERS
        .iter()
        .enumerate()
        .map(
            |(i, u)| serde_json::json!({"Identity": u, "MobileInAD": format!("+1 425 555 020{i}")}),
        )
        .collect();
    let args = |apply: bool| {
        serde_json::json!({"V":1,"Op":"DirSync.Set","Args":{
            "Source":{"Kind":"Snapshot","Path":dir.path()}, "Items": items,
            "Apply": apply, "JournalPath": journals.path()}})
    };
    let (status, v) = call(&args(false));
    assert_eq!(status, Status::Ok, "{v}");
    let planned = v["Ok"]["Planned"].as_array().unwrap();
    assert_eq!(planned.len(), 3, "{v}");
    let seqs: Vec<u64> = planned.iter().map(|p| p["Seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3]);

    let (status, v) = call(&args(true));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Report"]["Writes"], 3, "{v}");
    assert_eq!(
        std::fs::read_dir(journals.path()).unwrap().count(),
        1,
        "one journal for the whole pipeline"
    );
    for (i, u) in USERS.iter().enumerate() {
        assert_eq!(ad_mobile(dir.path(), u), format!("+1 425 555 020{i}"));
    }
}

#[test]
fn a_bad_user_is_an_item_error_and_the_others_are_written() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let items = serde_json::json!({"Items": [
        {"Identity": USERS[0], "MobileInAD": "+1 1"},
        {"Identity": "nobody@contoso.com", "MobileInAD": "+1 2"},
        {"Identity": USERS[1], "MobileInEntra": "+1 3"},
        {"Identity": USERS[0], "MobileInAD": "+1 4"},
        {"Identity": USERS[2]}
    ]});
    let v = apply_on(dir.path(), journals.path(), "DirSync.Set", items);
    let errors = v["Ok"]["ItemErrors"].as_array().unwrap();
    let by: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e["Identity"].as_str().unwrap(), e["Kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        by,
        [
            ("nobody@contoso.com", "Invalid"),
            (USERS[1], "Source.Refused"),
            (USERS[0], "Invalid"),
            (USERS[2], "InvalidArgs"),
        ],
        "{v}"
    );
    assert!(text(&errors[2]["Message"]).contains("more than once"));
    assert_eq!(v["Ok"]["Report"]["Writes"], 1, "{v}");
    assert_eq!(ad_mobile(dir.path(), USERS[0]), "+1 1");
}

#[test]
fn clear_takes_identities_and_applies_only_the_confirmed_ones() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let args = serde_json::json!({"Identities": USERS, "MobileInAD": true, "Only": [USERS[1]]});
    let v = apply_on(dir.path(), journals.path(), "DirSync.Clear", args);
    assert_eq!(v["Ok"]["Report"]["Writes"], 1, "{v}");
    assert!(ad_mobile(dir.path(), USERS[1]).is_null());
    assert_eq!(ad_mobile(dir.path(), USERS[0]), "+1 425 555 0101");
}

#[test]
fn identity_and_a_pipeline_together_or_neither_are_refused() {
    for (args, needle) in [
        (
            serde_json::json!({"Source":{"Kind":"Demo"},"Identity":"a@b","Items":[{"Identity":"c@d","MobileInAD":"1"}]}),
            "not both",
        ),
        (
            serde_json::json!({"Source":{"Kind":"Demo"},"MobileInAD":"1"}),
            "name the user",
        ),
    ] {
        let (status, v) = call(&serde_json::json!({"V":1,"Op":"DirSync.Set","Args":args}));
        assert_eq!(status, Status::Error, "{v}");
        assert!(
            v["Err"]["Message"].as_str().unwrap().contains(needle),
            "{v}"
        );
    }
}

#[test]
fn a_source_without_the_side_written_fails_the_whole_pipeline() {
    let dir = demo_copy();
    let entra = dir.path().join("entra-users.json");
    let (status, v) = call(&serde_json::json!({"V":1,"Op":"DirSync.Set","Args":{
        "Source":{"Kind":"Files","Entra":entra},
        "Items":[{"Identity": USERS[0], "MobileInAD": "+1 1"}, {"Identity": USERS[1], "MobileInAD": "+1 2"}]}}));
    let message = error_message(status, &v);
    assert_eq!(v["Err"]["Kind"], "InvalidArgs", "{v}");
    assert!(message.contains("names no Active Directory data"), "{v}");
}

#[test]
fn an_item_without_identity_is_refused_naming_it() {
    let (status, v) = call(&serde_json::json!({"V":1,"Op":"DirSync.Set","Args":{
        "Source":{"Kind":"Demo"},
        "Items":[{"Identity": USERS[0], "MobileInAD": "+1 1"}, {"MobileInAD": "+1 2"}]}}));
    let message = error_message(status, &v);
    assert!(message.contains("Items[1].Identity"), "{v}");
}
