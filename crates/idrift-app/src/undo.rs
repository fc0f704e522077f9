//! Undo: reversing journaled runs, one journal or several, as one plan with one journal of its own.
//!
//! Every writer journals the value it found before each write; [`plan`] turns journals back into a plan that
//! writes those values back, newest first, and [`open_target`] opens what the journals wrote to from a
//! [`SourceSpec`]. The journals of one undo must be of one kind:
//! - **dirsync** writes (repairs, persist, the bypass switch) go back through the dirsync writers;
//! - **remediation** steps go back through the remediation target (a snapshot rehearsed on, or the live
//!   services), each reversible step reversed and the others listed as not undone;
//! - **lint** fixes go back to the same LDIF or domain controller.
//!
//! Several journals of a kind are reversed in the order given (each journal's newest write first) and
//! renumbered into one plan; a PowerShell pipeline of journals is one undo run with one journal.

use std::path::{Path, PathBuf};

use crate::AppError;
use crate::dirsync_ops::{INITIAL_SYNC_REMINDER, OP_AD_PHONES, OP_BYPASS};
use idrift_core::ports::ProgressHook;

use crate::journal::{
    self, Clock, JournalLog, NotUndone, PlanSpec, RunOptions, RunReport, Stepped,
};
use crate::lint::{LintExecutor, LintTarget};
use crate::remediate::{self, RemediationExecutor, RemediationTarget};
use crate::source::{Resolver, SourceSpec};
use crate::targets::WriteTargets;

/// The kind of run a journal records, which decides how it is reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoKind {
    /// DirSyncOverrides repairs, persist and the bypass switch.
    DirSync,
    /// Remediation steps (`plan --option ... --apply`).
    Remediation,
    /// `lint apply` fixes.
    Lint,
}

impl UndoKind {
    /// The name hosts show (`DirSync`, `Remediation`, `Lint`).
    pub fn name(self) -> &'static str {
        match self {
            UndoKind::DirSync => "DirSync",
            UndoKind::Remediation => "Remediation",
            UndoKind::Lint => "Lint",
        }
    }

    fn of(log: &JournalLog) -> UndoKind {
        if remediate::remediation_note(log).is_ok() {
            UndoKind::Remediation
        } else if crate::lint::is_lint_journal(log) {
            UndoKind::Lint
        } else {
            UndoKind::DirSync
        }
    }
}

/// The reversal of one or more journals.
#[derive(Debug, Clone)]
pub struct UndoPlan {
    /// What the journals record.
    pub kind: UndoKind,
    /// The writes that put the before-values back, newest first, numbered from 1.
    pub spec: PlanSpec,
    /// The writes that cannot be reversed, and why.
    pub not_undone: Vec<NotUndone>,
    /// The journals undone, in the order given.
    pub journals: Vec<PathBuf>,
    /// The commands of the runs undone, each once, in order.
    pub commands: Vec<String>,
    /// When each journal was created, in order.
    pub created: Vec<String>,
    /// The journals' reader warnings (a torn last line, and the like).
    pub warnings: Vec<String>,
}

impl UndoPlan {
    /// The commands undone, as one line.
    pub fn undoing_command(&self) -> String {
        self.commands.join(", ")
    }

    /// What to tell the user after the writes landed: a dirsync undo takes effect at the next sync cycle.
    pub fn after_apply(&self) -> Option<&'static str> {
        self.spec
            .ops
            .iter()
            .any(|o| o.op == OP_BYPASS || o.op == OP_AD_PHONES)
            .then_some(INITIAL_SYNC_REMINDER)
    }
}

/// Reads the journals at `paths` and plans their reversal as one run.
///
/// # Errors
/// [`AppError::Settings`] for no journal, or journals of different kinds; the journals' read errors; a
/// remediation journal whose note cannot be read.
pub fn plan(paths: &[PathBuf]) -> Result<UndoPlan, AppError> {
    let mut logs = Vec::with_capacity(paths.len());
    for p in paths {
        logs.push(journal::read(p)?);
    }
    let Some(first) = logs.first() else {
        return Err(AppError::Settings("name the journal to undo".to_owned()));
    };
    let kind = UndoKind::of(first);
    let mut out = UndoPlan {
        kind,
        spec: PlanSpec {
            command: String::new(),
            ops: Vec::new(),
            notes: Vec::new(),
            undoes: None,
        },
        not_undone: Vec::new(),
        journals: Vec::new(),
        commands: Vec::new(),
        created: Vec::new(),
        warnings: Vec::new(),
    };
    let mut undoes = Vec::new();
    for log in &logs {
        let this = UndoKind::of(log);
        if this != kind {
            return Err(AppError::Settings(format!(
                "{}: a {} journal cannot be undone in the same run as a {} journal ({}); undo them separately",
                log.path.display(),
                this.name(),
                kind.name(),
                first.path.display()
            )));
        }
        let (spec, not_undone) = match kind {
            UndoKind::Remediation => remediate::undo_spec(log)?,
            UndoKind::DirSync | UndoKind::Lint => journal::undo_spec(log),
        };
        out.warnings.extend(log.warnings.iter().cloned());
        out.spec.ops.extend(spec.ops);
        out.spec.notes.extend(spec.notes);
        undoes.extend(spec.undoes);
        out.not_undone.extend(not_undone);
        if !out.commands.contains(&log.header.command) {
            out.commands.push(log.header.command.clone());
        }
        out.journals.push(log.path.clone());
        out.created.push(log.header.created.clone());
        if logs.len() == 1 {
            out.spec.command = spec.command;
        }
    }
    if logs.len() > 1 {
        journal::number(&mut out.spec.ops);
        out.spec.command = format!("undo {}", out.undoing_command());
    }
    out.spec.undoes = Some(undoes.join("; "));
    Ok(out)
}

/// What an undo writes to, opened for its kind.
pub enum UndoTarget {
    /// The dirsync writers.
    DirSync(WriteTargets),
    /// The remediation target.
    Remediation(Box<dyn RemediationTarget>),
    /// The lint target.
    Lint(Box<dyn LintTarget>),
}

impl std::fmt::Debug for UndoTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("UndoTarget")
            .field(&self.description())
            .finish()
    }
}

impl UndoTarget {
    /// What the writes go to, in words.
    pub fn description(&self) -> String {
        match self {
            UndoTarget::DirSync(t) => t.description.clone(),
            UndoTarget::Remediation(t) => t.description(),
            UndoTarget::Lint(t) => t.description(),
        }
    }
}

/// Opens what `plan`'s journals wrote to, from `spec`, with the warnings of its readers.
///
/// # Errors
/// [`AppError::Settings`] when `spec` names too little for the kind (a remediation step's service, a lint
/// journal's directory); the readers' and connectors' errors.
pub async fn open_target(
    plan: &UndoPlan,
    spec: &SourceSpec,
    r: &Resolver<'_>,
) -> Result<(UndoTarget, Vec<String>), AppError> {
    match plan.kind {
        UndoKind::DirSync => {
            let mut t = crate::source::open_writers(spec, r).await?;
            let warnings = std::mem::take(&mut t.warnings);
            Ok((UndoTarget::DirSync(t), warnings))
        }
        UndoKind::Remediation => {
            let (target, warnings) =
                remediate::open_target_for("reversing these steps", &plan.spec.ops, spec, r)
                    .await?;
            Ok((UndoTarget::Remediation(target), warnings))
        }
        UndoKind::Lint => {
            let (target, warnings) = crate::source::open_lint_target(spec, r).await?;
            Ok((UndoTarget::Lint(target), warnings))
        }
    }
}

/// Runs `plan` into a new journal at `journal_path` through `target`, reporting each operation to
/// `progress` (every kind alike).
///
/// # Errors
/// [`AppError::Invalid`] when `target` is not of the plan's kind; as for [`journal::apply`].
pub async fn apply(
    plan: &UndoPlan,
    target: &UndoTarget,
    journal_path: &Path,
    clock: Clock,
    progress: &ProgressHook,
) -> Result<RunReport, AppError> {
    let opts = RunOptions::default();
    let total = plan.spec.ops.len();
    match (plan.kind, target) {
        (UndoKind::DirSync, UndoTarget::DirSync(t)) => {
            let exec = Stepped::new(t.executor(), progress, total);
            journal::apply(journal_path, &plan.spec, &exec, clock, opts).await
        }
        (UndoKind::Remediation, UndoTarget::Remediation(t)) => {
            let exec = Stepped::new(RemediationExecutor::new(t.as_ref()), progress, total);
            journal::apply(journal_path, &plan.spec, &exec, clock, opts).await
        }
        (UndoKind::Lint, UndoTarget::Lint(t)) => {
            let exec = Stepped::new(LintExecutor::new(t.as_ref()), progress, total);
            journal::apply(journal_path, &plan.spec, &exec, clock, opts).await
        }
        (kind, t) => Err(AppError::Invalid(format!(
            "a {} undo cannot run on {}",
            kind.name(),
            t.description()
        ))),
    }
}

#[cfg(test)]
mod tests;
