//! Tests of the journal naming and the result's wire shape.

use serde_json::Value;

use super::{Planning, WriteRun, free_name, journal_file, reminder};
use crate::dirsync_ops::{OP_AD_PHONES, OP_ENTRA_MOBILE};
use crate::journal::Planned;

fn write(op: &str, target: &str) -> Planned {
    Planned {
        seq: 0,
        op: op.to_owned(),
        target: target.to_owned(),
        locator: Value::Null,
        before: Value::Null,
        after: Value::Null,
    }
}

#[test]
fn a_pipeline_plans_each_user_once_keeps_the_named_ones_and_numbers_them() {
    let mut p = Planning::new(WriteRun::new("dirsync set", "x"));
    p.planned("a", Some(write(OP_ENTRA_MOBILE, "a@contoso.com")));
    p.planned("b", None);
    p.planned("A again", Some(write(OP_ENTRA_MOBILE, "A@contoso.com")));
    p.failed("c", "NotFound", "no such user".to_owned());
    p.planned("d", Some(write(OP_AD_PHONES, "d@contoso.com")));
    let (spec, out) = p.into_spec("dirsync set", &[]);
    let targets: Vec<(u64, &str)> = spec
        .ops
        .iter()
        .map(|o| (o.seq, o.target.as_str()))
        .collect();
    assert_eq!(targets, [(1, "a@contoso.com"), (2, "d@contoso.com")]);
    assert_eq!(out.notes, ["b already has these values: nothing to write."]);
    let errors: Vec<(&str, &str)> = out
        .item_errors
        .iter()
        .map(|e| (e.identity.as_str(), e.kind))
        .collect();
    assert_eq!(errors, [("A again", "Invalid"), ("c", "NotFound")]);
    assert_eq!(
        reminder(&spec.ops, "the preview").as_deref(),
        Some(
            "AD changes reach Entra ID at the next sync cycle, unless the user carries a DirSyncOverride: \
             then only with BypassDirSyncOverrides enabled (see the preview)."
        )
    );

    let mut p = Planning::new(WriteRun::new("dirsync set", "x"));
    p.planned("a", Some(write(OP_ENTRA_MOBILE, "a@contoso.com")));
    p.planned("d", Some(write(OP_AD_PHONES, "d@contoso.com")));
    let (spec, _) = p.into_spec("dirsync set", &["A@CONTOSO.COM".to_owned()]);
    assert_eq!(spec.ops.len(), 1);
    assert_eq!(
        (spec.ops[0].seq, spec.ops[0].target.as_str()),
        (1, "a@contoso.com")
    );
    assert_eq!(reminder(&spec.ops, "the preview"), None);
}

#[test]
fn two_runs_in_one_second_get_two_journals() {
    let dir = tempfile::tempdir().unwrap();
    let name = "idrift-undo_2026Dec03-153000.journal.jsonl";
    let first = free_name(dir.path(), name);
    assert_eq!(first, dir.path().join(name));
    std::fs::write(&first, "").unwrap();
    let second = free_name(dir.path(), name);
    assert_eq!(
        second,
        dir.path()
            .join("idrift-undo_2026Dec03-153000-2.journal.jsonl")
    );
}

#[test]
fn a_directory_gets_the_default_name_and_a_file_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let in_dir = journal_file(dir.path(), "dirsync set", 0);
    assert_eq!(in_dir.parent(), Some(dir.path()));
    let name = in_dir.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with(".journal.jsonl"), "{name}");
    let file = dir.path().join("mine.jsonl");
    assert_eq!(journal_file(&file, "dirsync set", 0), file);
}

#[test]
fn an_empty_result_has_the_wire_fields_in_order() {
    let out = WriteRun::new("dirsync set", "snapshot x");
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"Command":"dirsync set","WritesTo":"snapshot x","Applied":false,"Planned":[],"JournalPath":null}"#
    );
}

#[test]
fn a_request_names_one_user_or_a_pipeline_never_neither_or_both() {
    use super::{PhoneEdit, Users, UsersProblem};
    let edit = |who: &str| (who.to_owned(), Ok::<_, String>(PhoneEdit::Entra(None)));
    let problem = |r: Result<Users<String>, UsersProblem>| r.err();
    assert_eq!(
        problem(Users::of(edit(" "), Vec::new())),
        Some(UsersProblem::Nobody)
    );
    assert_eq!(
        problem(Users::of(edit("a"), vec![edit("b")])),
        Some(UsersProblem::Both)
    );
    assert!(matches!(
        Users::of(edit("a"), Vec::new()),
        Ok(Users::One(_))
    ));
    assert!(matches!(Users::of(edit(""), vec![edit("b")]), Ok(Users::Many(v)) if v.len() == 1));
}
