//! Undoing one journal, or several of one kind as one plan with one journal, in one request (the FFI's
//! `Undo`): the plan, what it writes to, and with an apply the journaled run, as one serializable [`UndoRun`].

use std::path::PathBuf;

use idrift_core::ports::ProgressHook;
use serde::Serialize;

use crate::AppError;
use crate::journal::{Clock, NotUndone};
use crate::ops::dirsync_writes::WriteRun;
use crate::ops::remediation::Source;
use crate::undo;

/// What an undo did, or would do.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UndoRun {
    /// `DirSync`, `Remediation` or `Lint`: which kind of journal is undone.
    pub kind: &'static str,
    /// The journal undone (the first, when several are).
    pub undoing: PathBuf,
    /// Every journal undone by this one plan.
    pub journals: Vec<PathBuf>,
    /// The command of the run undone.
    pub undoing_command: String,
    /// Operations of that run that cannot be reversed, and why.
    pub not_undone: Vec<NotUndone>,
    /// The writes planned or made.
    #[serde(flatten)]
    pub write: WriteRun,
}

/// Plans undoing `paths` and, when it writes anything, opens what the journals wrote to from `source`; with
/// `apply` runs the plan into the journal `journal` names for the command, each operation reported to
/// `progress`. Returns the run and the warnings of reading the journals and opening the target.
///
/// # Errors
/// The journals' read errors and refusals, `journal`'s error, the target's and the run's errors.
pub async fn run<E: From<AppError>>(
    paths: &[PathBuf],
    source: &Source<'_, '_>,
    apply: bool,
    journal: impl FnOnce(&str) -> Result<PathBuf, E>,
    clock: Clock,
    progress: &ProgressHook,
) -> Result<(UndoRun, Vec<String>), E> {
    let plan = undo::plan(paths)?;
    let mut warnings = plan.warnings.clone();
    let mut write = WriteRun::new(&plan.spec.command, "");
    write.planned = plan.spec.ops.clone();
    if !plan.spec.ops.is_empty() {
        let (target, w) = undo::open_target(&plan, source.spec, source.resolver).await?;
        warnings.extend(w);
        write.writes_to = target.description();
        if apply {
            let path = journal(&plan.spec.command)?;
            let report = undo::apply(&plan, &target, &path, clock, progress).await?;
            if report.writes > 0 {
                write.notes.extend(plan.after_apply().map(str::to_owned));
            }
            write.applied = true;
            write.journal_path = Some(path);
            write.report = Some(report);
        }
    }
    let run = UndoRun {
        kind: plan.kind.name(),
        undoing: plan.journals.first().cloned().unwrap_or_default(),
        journals: plan.journals.clone(),
        undoing_command: plan.undoing_command(),
        not_undone: plan.not_undone,
        write,
    };
    Ok((run, warnings))
}
