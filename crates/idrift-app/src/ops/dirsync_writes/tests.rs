//! Tests of the journal naming and the result's wire shape.

use super::{WriteRun, free_name, journal_file};

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
