//! Tests of the journal: its format, durability rules, resume after interruption, and undo.

use crate::journal::test_support::{apply_at_zero, apply_limited, message_of, resume_at_zero};
use std::collections::HashMap;
use std::sync::Mutex;

use idrift_core::ports::SourceError;
use serde_json::json;

use super::*;

/// A key-value "directory" whose values are JSON; counts writes and can be told to fail one key.
#[derive(Default)]
struct MapExec {
    values: Mutex<HashMap<String, Value>>,
    writes: Mutex<Vec<String>>,
    fail: Mutex<Option<String>>,
    /// The one operation name it runs (for a [`Chain`]); every one when `None`.
    only: Option<&'static str>,
    /// Reports every write failed after it landed, as a timeout after the server applied the change does.
    lands_then_fails: bool,
}

impl MapExec {
    fn with(pairs: &[(&str, Value)]) -> MapExec {
        let m = MapExec::default();
        for (k, v) in pairs {
            m.values.lock().unwrap().insert((*k).to_owned(), v.clone());
        }
        m
    }
    fn get(&self, k: &str) -> Value {
        self.values
            .lock()
            .unwrap()
            .get(k)
            .cloned()
            .unwrap_or(Value::Null)
    }
    fn set(&self, k: &str, v: Value) {
        self.values.lock().unwrap().insert(k.to_owned(), v);
    }
    fn write_count(&self) -> usize {
        self.writes.lock().unwrap().len()
    }
}

impl OpExecutor for MapExec {
    async fn read(&self, op: &Planned) -> Result<Option<Value>, SourceError> {
        Ok(self.values.lock().unwrap().get(&op.target).cloned())
    }
    fn same(&self, _op: &Planned, a: &Value, b: &Value) -> bool {
        a == b
    }
    async fn write(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        if self.fail.lock().unwrap().as_deref() == Some(op.target.as_str()) {
            return Err(SourceError::Unavailable("server went away".to_owned()));
        }
        let mut values = self.values.lock().unwrap();
        if values.get(&op.target) != Some(current) {
            return Err(SourceError::Conflict("raced".to_owned()));
        }
        values.insert(op.target.clone(), op.after.clone());
        self.writes.lock().unwrap().push(op.target.clone());
        if self.lands_then_fails {
            return Err(SourceError::Unavailable(
                "timed out waiting for the reply".to_owned(),
            ));
        }
        Ok(op.after.clone())
    }
    fn handles(&self, op: &str) -> bool {
        self.only.is_none_or(|only| only == op)
    }
}

fn op(target: &str, before: Value, after: Value) -> Planned {
    Planned {
        seq: 0,
        op: "test.value".to_owned(),
        target: target.to_owned(),
        locator: json!({ "Key": target }),
        before,
        after,
    }
}

fn spec(ops: Vec<Planned>) -> PlanSpec {
    let mut ops = ops;
    number(&mut ops);
    PlanSpec {
        command: "test run".to_owned(),
        ops,
        notes: vec![("Preview".to_owned(), json!({"Users": []}))],
        undoes: None,
    }
}

/// A journal path `j.jsonl` in a new temporary directory, which lives as long as the directory returned.
fn temp_journal() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    (dir, path)
}

fn three() -> (MapExec, PlanSpec) {
    let exec = MapExec::with(&[("a", json!(1)), ("b", json!(2)), ("c", json!(3))]);
    let spec = spec(vec![
        op("a", json!(1), json!(10)),
        op("b", json!(2), json!(20)),
        op("c", json!(3), json!(30)),
    ]);
    (exec, spec)
}

/// [`three`] applied at time zero to the journal `path` after `key` was set to `value` behind the plan's back.
async fn three_applied_after(path: &Path, key: &str, value: Value) -> (MapExec, RunReport) {
    let (exec, spec) = three();
    exec.set(key, value);
    let report = apply_at_zero(path, &spec, &exec).await;
    (exec, report)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn apply_journals_header_plan_notes_then_started_and_outcome_per_write() {
    let (_dir, path) = temp_journal();
    let (exec, spec) = three();
    let report = apply(
        &path,
        &spec,
        &exec,
        Clock::fixed(1_795_617_005),
        RunOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.writes, 3);
    assert_eq!(report.count(OpStatus::Applied), 3);
    assert!(!report.has_failures());
    assert_eq!(exec.get("b"), json!(20));
    let l = lines(&path);
    let types: Vec<&str> = l.iter().map(|v| v["Type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "Header", "Planned", "Planned", "Planned", "Note", "Started", "Outcome", "Started",
            "Outcome", "Started", "Outcome"
        ]
    );
    assert_eq!(l[0]["V"], json!(1));
    assert_eq!(l[0]["Command"], json!("test run"));
    assert_eq!(l[0]["Created"], json!("2026-11-25T14:30:05Z"));
    assert_eq!(l[0]["Operations"], json!(3));
    assert_eq!(l[0]["PlanHash"], json!(plan_hash(&spec.ops)));
    assert_eq!(
        l[5],
        json!({"Type": "Started", "Seq": 1, "Before": 1, "At": "2026-11-25T14:30:05Z"})
    );
    assert_eq!(
        l[6],
        json!({"Type": "Outcome", "Seq": 1, "Outcome": "Applied", "After": 10, "At": "2026-11-25T14:30:05Z"})
    );
    let log = read(&path).unwrap();
    assert!(log.plan_complete);
    assert!(log.ops().iter().all(|o| o.status == OpStatus::Applied));
    assert_eq!(log.notes()[0].kind, "Preview");
}

#[tokio::test]
async fn a_value_changed_after_planning_is_a_conflict_and_is_not_written() {
    let (_dir, path) = temp_journal();
    let (exec, report) = three_applied_after(&path, "b", json!(99)).await;
    assert_eq!(report.ops[1].status, OpStatus::Conflict);
    assert!(message_of(&report, 1).contains("planned from 2, found 99"));
    assert!(report.has_failures());
    assert_eq!(exec.get("b"), json!(99));
    assert_eq!(report.writes, 2);
    let log = read(&path).unwrap();
    assert!(
        !log.entries
            .iter()
            .any(|e| matches!(e, Entry::Started(s) if s.seq == 2))
    );
}

#[tokio::test]
async fn an_object_already_at_the_planned_value_is_skipped() {
    let (_dir, path) = temp_journal();
    let (exec, report) = three_applied_after(&path, "c", json!(30)).await;
    assert_eq!(report.ops[2].status, OpStatus::Skipped);
    assert!(!report.has_failures());
    assert_eq!(exec.write_count(), 2);
}

#[tokio::test]
async fn a_race_during_the_write_is_a_conflict_and_a_failure_is_failed() {
    let (_dir, path) = temp_journal();
    let (exec, spec) = three();
    *exec.fail.lock().unwrap() = Some("a".to_owned());
    let report = apply_at_zero(&path, &spec, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Failed);
    assert!(message_of(&report, 0).contains("server went away"));
    assert!(report.has_failures());
    // The failed write is retried by a resume, once the server is back.
    *exec.fail.lock().unwrap() = None;
    let log = read(&path).unwrap();
    let report = resume_at_zero(&log, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Applied);
    assert!(report.ops[0].this_run);
    assert!(!report.ops[1].this_run);
    assert_eq!(exec.get("a"), json!(10));
    assert_eq!(exec.write_count(), 3);
}

#[tokio::test]
async fn a_run_stopped_after_n_writes_resumes_without_writing_anything_twice() {
    let (_dir, path) = temp_journal();
    let (exec, spec) = three();
    let opts = RunOptions {
        max_writes: Some(1),
    };
    let report = apply(&path, &spec, &exec, Clock::fixed(0), opts)
        .await
        .unwrap();
    assert!(report.stopped_at_limit);
    assert_eq!(report.count(OpStatus::Pending), 2);
    let log = read(&path).unwrap();
    let report = resume_at_zero(&log, &exec).await;
    assert_eq!(report.count(OpStatus::Applied), 3);
    assert_eq!(*exec.writes.lock().unwrap(), ["a", "b", "c"]);
    assert!(
        read(&path)
            .unwrap()
            .entries
            .iter()
            .any(|e| matches!(e, Entry::Resumed(_)))
    );
}

#[tokio::test]
async fn a_kill_between_write_and_outcome_is_resolved_by_rereading_not_rewriting() {
    let (_dir, path) = temp_journal();
    let (exec, spec) = three();
    apply_limited(&path, &spec, &exec, 2).await;
    // Simulate a kill right after the second write reached the directory: drop its Outcome line and leave
    // half a line behind, as an interrupted append would.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut kept: Vec<&str> = text.lines().collect();
    assert!(kept.pop().unwrap().contains("\"Outcome\""));
    let torn = format!("{}\n{{\"Type\":\"Outcome\",\"Se", kept.join("\n"));
    std::fs::write(&path, torn).unwrap();

    let log = read(&path).unwrap();
    assert_eq!(log.warnings.len(), 1, "{:?}", log.warnings);
    let states = log.ops();
    assert_eq!(states[1].status, OpStatus::InDoubt);
    let report = resume_at_zero(&log, &exec).await;
    assert_eq!(report.ops[1].status, OpStatus::Applied);
    assert!(message_of(&report, 1).contains("interrupted or failed attempt had written it"));
    assert_eq!(report.ops[1].before, json!(2));
    assert_eq!(*exec.writes.lock().unwrap(), ["a", "b", "c"]);
    // The torn bytes were cut before appending: every line parses.
    let log = read(&path).unwrap();
    assert!(log.warnings.is_empty());
    assert!(log.ops().iter().all(|o| o.status == OpStatus::Applied));
}

#[tokio::test]
async fn a_kill_before_the_write_reached_the_directory_writes_it_once_on_resume() {
    let (_dir, path) = temp_journal();
    let (exec, spec) = three();
    apply_limited(&path, &spec, &exec, 1).await;
    // Write a Started for op 2 by hand, as if the process died just after journaling it.
    let mut w = open_append(&path, Clock::fixed(0)).unwrap();
    w.append(&Entry::Started(Started {
        seq: 2,
        before: json!(2),
        at: String::new(),
    }))
    .unwrap();
    let log = read(&path).unwrap();
    assert_eq!(log.ops()[1].status, OpStatus::InDoubt);
    let report = resume_at_zero(&log, &exec).await;
    assert_eq!(report.count(OpStatus::Applied), 3);
    assert_eq!(*exec.writes.lock().unwrap(), ["a", "b", "c"]);
}

#[tokio::test]
async fn undo_restores_the_values_found_before_each_write() {
    let (dir, path) = temp_journal();
    // c is skipped: nothing to undo for it.
    let (exec, _) = three_applied_after(&path, "c", json!(30)).await;
    let log = read(&path).unwrap();
    let (undo, not_undone) = undo_spec(&log);
    assert!(not_undone.is_empty());
    assert_eq!(undo.command, "undo test run");
    assert!(
        undo.undoes
            .as_deref()
            .unwrap()
            .contains(&log.header.plan_hash)
    );
    let targets: Vec<&str> = undo.ops.iter().map(|o| o.target.as_str()).collect();
    assert_eq!(targets, ["b", "a"], "newest first");
    assert_eq!(undo.ops[0].seq, 1);
    assert_eq!(
        (undo.ops[0].before.clone(), undo.ops[0].after.clone()),
        (json!(20), json!(2))
    );
    let upath = dir.path().join("undo.jsonl");
    let report = apply_at_zero(&upath, &undo, &exec).await;
    assert_eq!(report.count(OpStatus::Applied), 2);
    assert_eq!(
        (exec.get("a"), exec.get("b"), exec.get("c")),
        (json!(1), json!(2), json!(30))
    );
    assert_eq!(read(&upath).unwrap().header.undoes, undo.undoes);
}

#[tokio::test]
async fn undo_skips_a_value_changed_since_the_write_as_a_conflict() {
    let (dir, path) = temp_journal();
    let (exec, spec) = three();
    apply_at_zero(&path, &spec, &exec).await;
    exec.set("a", json!(11));
    let (undo, _) = undo_spec(&read(&path).unwrap());
    let report = apply_at_zero(&dir.path().join("u.jsonl"), &undo, &exec).await;
    let a = report.ops.iter().find(|o| o.target == "a").unwrap();
    assert_eq!(a.status, OpStatus::Conflict);
    assert_eq!(exec.get("a"), json!(11));
    assert_eq!(exec.get("b"), json!(2));
}

#[tokio::test]
async fn start_refuses_to_overwrite_an_existing_journal() {
    let (_dir, path) = temp_journal();
    let (_, spec) = three();
    start(&path, &spec, Clock::fixed(0)).unwrap();
    let err = start(&path, &spec, Clock::fixed(0)).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

/// A journal started for [`three`], its text then rewritten by `edit`, read back.
fn three_started_then_edited(edit: impl FnOnce(&str) -> String) -> JournalLog {
    let (_, spec) = three();
    let (_dir, path) = temp_journal();
    start(&path, &spec, Clock::fixed(0)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    read(&path).unwrap()
}

#[test]
fn a_plan_cut_short_cannot_be_resumed() {
    // The header and 2 of the 3 planned operations.
    let log = three_started_then_edited(|text| {
        let cut: Vec<&str> = text.lines().take(3).collect();
        cut.join("\n") + "\n"
    });
    assert!(!log.plan_complete);
    let err = check_resumable(&log).unwrap_err();
    assert!(err.to_string().contains("incomplete"), "{err}");
}

#[test]
fn an_altered_plan_is_detected() {
    let log = three_started_then_edited(|text| text.replace("\"After\":20", "\"After\":21"));
    assert!(!log.plan_complete);
}

#[test]
fn unreadable_journals_name_the_line() {
    let p = Path::new("j.jsonl");
    let header = r#"{"Type":"Header","V":1,"Command":"c","PlanHash":"h","Operations":0,"Created":"x","Tool":"t"}"#;
    let cases: Vec<(String, &str)> = vec![
        (
            "{\"Type\":\"Planned\"}\n".to_owned(),
            "line 1: invalid Planned entry",
        ),
        (
            r#"{"Type":"Resumed","At":"x","Tool":"t"}"#.to_owned(),
            "line 1: the first entry must be the journal Header",
        ),
        (
            format!("{header}\nnot json\n{header}\n"),
            "line 2: not a JSON journal entry",
        ),
        (
            format!("{header}\n{{\"Type\":\"Bogus\"}}\n"),
            "line 2: unknown entry Type \"Bogus\"",
        ),
        (
            format!("{header}\n{header}\n"),
            "line 2: a second Header entry",
        ),
        (
            format!("{header}\n{{\"Type\":\"Outcome\",\"Seq\":4,\"Outcome\":\"Applied\"}}\n"),
            "line 2: entry for operation 4, which is not planned",
        ),
        (
            header.replace("\"V\":1", "\"V\":2"),
            "line 1: journal format version 2 is newer",
        ),
        (String::new(), "empty journal"),
    ];
    for (text, want) in cases {
        let err = parse(p, &text).unwrap_err().to_string();
        assert!(err.starts_with("j.jsonl: "), "{err}");
        assert!(err.contains(want), "{text:?}: {err}");
    }
}

#[test]
fn unknown_fields_are_tolerated() {
    let text = r#"{"Type":"Header","V":1,"Command":"c","PlanHash":"h","Operations":0,"Created":"x","Tool":"t","Future":1}"#;
    let log = parse(Path::new("j"), text).unwrap();
    assert_eq!(log.header.command, "c");
}

#[test]
fn default_file_names_carry_the_command_and_time() {
    assert_eq!(
        default_file_name("dirsync persist", 1_795_617_005),
        "idrift-dirsync-persist_2026Nov25-143005.journal.jsonl"
    );
}

#[test]
fn plan_hash_depends_on_every_field() {
    let (_, spec) = three();
    let mut other = spec.ops.clone();
    other[2].locator = json!({"Key": "z"});
    assert_ne!(plan_hash(&spec.ops), plan_hash(&other));
    assert_eq!(plan_hash(&spec.ops).len(), 64);
}

#[tokio::test]
async fn a_chain_routes_each_operation_to_the_executor_that_handles_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = MapExec {
        only: Some("other.value"),
        ..MapExec::with(&[("x", json!(1))])
    };
    let second = MapExec::with(&[("a", json!(1))]);
    let mut other = op("x", json!(1), json!(2));
    other.op = "other.value".to_owned();
    let spec = spec(vec![other, op("a", json!(1), json!(10))]);
    let chain = Chain(first, second);
    assert!(chain.handles("other.value") && chain.handles("test.value"));
    let report = apply_at_zero(&dir.path().join("j"), &spec, &chain).await;
    assert_eq!(report.count(OpStatus::Applied), 2);
    assert_eq!(chain.0.get("x"), json!(2));
    assert_eq!(chain.1.get("a"), json!(10));
    assert_eq!(chain.0.write_count() + chain.1.write_count(), 2);
}

#[tokio::test]
async fn a_write_reported_failed_that_landed_is_applied_on_resume_and_undone_by_undo() {
    let (_dir, path) = temp_journal();
    let mut exec = MapExec {
        lands_then_fails: true,
        ..MapExec::with(&[("a", json!(1))])
    };
    let spec = spec(vec![op("a", json!(1), json!(10))]);
    let report = apply_at_zero(&path, &spec, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Failed);
    exec.lands_then_fails = false;
    let report = resume_at_zero(&read(&path).unwrap(), &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Applied);
    assert_eq!(report.writes, 0);
    let (undo, _) = undo_spec(&read(&path).unwrap());
    assert_eq!(
        (undo.ops[0].before.clone(), undo.ops[0].after.clone()),
        (json!(10), json!(1))
    );
}
