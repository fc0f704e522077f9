//! Tests of planning an undo from one journal or several.

use std::collections::HashMap;
use std::sync::Mutex;

use idrift_core::ports::SourceError;
use serde_json::{Value, json};

use super::*;
use crate::journal::{OpExecutor, Planned};

/// A key-value directory for writing journals to undo.
#[derive(Default)]
struct Map(Mutex<HashMap<String, Value>>);

impl OpExecutor for Map {
    async fn read(&self, op: &Planned) -> Result<Option<Value>, SourceError> {
        Ok(self.0.lock().unwrap().get(&op.target).cloned())
    }
    fn same(&self, _op: &Planned, a: &Value, b: &Value) -> bool {
        a == b
    }
    async fn write(&self, op: &Planned, _current: &Value) -> Result<Value, SourceError> {
        self.0
            .lock()
            .unwrap()
            .insert(op.target.clone(), op.after.clone());
        Ok(op.after.clone())
    }
}

fn run(path: &Path, command: &str, op_name: &str, targets: &[&str]) {
    let map = Map::default();
    let ops: Vec<Planned> = targets
        .iter()
        .map(|t| {
            map.0.lock().unwrap().insert((*t).to_owned(), json!("old"));
            Planned {
                seq: 0,
                op: op_name.to_owned(),
                target: (*t).to_owned(),
                locator: json!({ "Key": t }),
                before: json!("old"),
                after: json!("new"),
            }
        })
        .collect();
    let spec = PlanSpec::numbered(command, ops);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = rt
        .block_on(journal::apply(
            path,
            &spec,
            &map,
            Clock::new(|| 1_700_000_000),
            RunOptions::default(),
        ))
        .unwrap();
    assert_eq!(report.writes, targets.len());
}

#[test]
fn several_journals_of_one_kind_become_one_plan_newest_first_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    run(&a, "dirsync set", OP_AD_PHONES, &["u1", "u2"]);
    run(&b, "dirsync set", OP_AD_PHONES, &["u3"]);
    let plan = plan(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(plan.kind, UndoKind::DirSync);
    let order: Vec<(u64, &str)> = plan
        .spec
        .ops
        .iter()
        .map(|o| (o.seq, o.target.as_str()))
        .collect();
    assert_eq!(order, vec![(1, "u2"), (2, "u1"), (3, "u3")]);
    assert!(plan.spec.ops.iter().all(|o| o.after == json!("old")));
    assert_eq!(plan.journals, vec![a.clone(), b]);
    assert_eq!(plan.undoing_command(), "dirsync set");
    assert_eq!(plan.spec.command, "undo dirsync set");
    assert_eq!(plan.after_apply(), Some(INITIAL_SYNC_REMINDER));

    let one = super::plan(std::slice::from_ref(&a)).unwrap();
    assert_eq!(one.spec.ops.len(), 2);
    assert_eq!(one.spec.command, "undo dirsync set");
}

#[test]
fn journals_of_different_kinds_and_no_journal_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (d, l) = (dir.path().join("d.jsonl"), dir.path().join("l.jsonl"));
    run(&d, "dirsync set", OP_AD_PHONES, &["u1"]);
    run(&l, "lint apply", crate::lint::OP_LINT_VALUE, &["CN=x"]);
    assert_eq!(plan(std::slice::from_ref(&l)).unwrap().kind, UndoKind::Lint);
    let err = plan(&[d, l.clone()]).unwrap_err();
    assert!(matches!(err, AppError::Settings(_)));
    let err = err.to_string();
    assert!(
        err.contains("l.jsonl") && err.contains("Lint") && err.contains("DirSync"),
        "{err}"
    );
    assert!(matches!(plan(&[]), Err(AppError::Settings(_))));
}
