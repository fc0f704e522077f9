//! Running one option of a user's remediation plan (the FFI's `Remediation.Apply`), and continuing it from its
//! journal: the plan, the steps as they stand, the run through a [`Gate`], and what the stop means.
//!
//! One request is one run, so a host without a terminal turns the runner's questions into data: it asks for a
//! dry run (the steps, nothing run), asks its user about each write, and sends the apply with the approved
//! steps (and, on a resume, the manual steps confirmed done). [`ApprovedGate`] answers the runner from those
//! lists: a write whose step and target were not approved stops the run before it (`Declined`), with nothing
//! journaled for it.

use std::path::{Path, PathBuf};

use idrift_core::model::Snapshot;
use idrift_core::plan::{OptionId, PlanOptions};
use idrift_core::scan::ScanOptions;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::journal::{Clock, Planned};
use crate::remediate::{self, Ask, Gate, RemediationReport, RemediationTarget, StepRow, Stop};
use crate::source::{Resolver, SourceSpec};

/// A write the host's user approved: its step number and the object it acts on.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Approval {
    /// The step's number.
    pub order: usize,
    /// The object the step writes to (an approval given for another object does not count).
    pub target: String,
}

/// Answers the runner from the host's approvals: a write runs only when its step number and target were
/// approved; a manual step waiting since an earlier run counts as done only when the host says so.
#[derive(Debug, Default)]
pub struct ApprovedGate {
    approve: Vec<Approval>,
    manual_done: Vec<usize>,
}

impl ApprovedGate {
    /// A gate approving the writes in `approve` and the manual steps in `manual_done`.
    #[must_use]
    pub fn new(approve: Vec<Approval>, manual_done: Vec<usize>) -> ApprovedGate {
        ApprovedGate {
            approve,
            manual_done,
        }
    }
}

impl Gate for ApprovedGate {
    fn ask(&mut self, ask: Ask<'_>) -> std::io::Result<bool> {
        Ok(match ask {
            Ask::Write(row) => self
                .approve
                .iter()
                .any(|a| a.order == row.order && a.target == row.target),
            Ask::ManualDone(row) => self.manual_done.contains(&row.order),
        })
    }
}

/// A step of a remediation run with its status in words (`Label`: pending, done, already done, passed, not
/// met, recorded, waiting, done by hand, conflict, failed, in doubt).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepView {
    /// The step.
    #[serde(flatten)]
    pub row: StepRow,
    /// Its status in words.
    pub label: &'static str,
}

impl StepView {
    /// Every row with its label.
    #[must_use]
    pub fn all(rows: Vec<StepRow>) -> Vec<StepView> {
        rows.into_iter()
            .map(|row| StepView {
                label: row.label(),
                row,
            })
            .collect()
    }
}

/// What a remediation run did, or would do (a dry run).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemediationRun {
    /// The command recorded in the journal, e.g. `plan --option DeleteAndMerge user@contoso.com`.
    pub command: String,
    /// The user.
    pub user_principal_name: String,
    /// The option run.
    pub option: OptionId,
    /// Whether the plan recommends this option.
    pub recommended: bool,
    /// What the option may lose.
    pub data_at_risk: String,
    /// What must hold before the option is run.
    pub preconditions: Vec<String>,
    /// What the steps act on, in words (after an apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acts_on: Option<String>,
    /// Whether steps were run (false for a dry run).
    pub applied: bool,
    /// Every step in order, as it stands: pending on a dry run of a new run, from the journal on a resume.
    pub steps: Vec<StepView>,
    /// Why the run stopped (after an apply), serialized by name: `Completed`, `Manual`, `CheckNotMet`,
    /// `Conflict`, `Failed` or `Declined`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_stop"
    )]
    pub stop: Option<Stop>,
    /// The step the run stopped at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<usize>,
    /// Writes made by this run.
    pub writes: usize,
    /// The journal written (after an apply), or resumed.
    pub journal_path: Option<PathBuf>,
    /// Sentences for the user: what the stop means and how to continue.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn serialize_stop<S: serde::Serializer>(stop: &Option<Stop>, s: S) -> Result<S::Ok, S::Error> {
    match stop {
        Some(stop) => s.serialize_str(stop_name(*stop)),
        None => s.serialize_none(),
    }
}

impl RemediationRun {
    /// The step the run stopped at.
    #[must_use]
    pub fn stopped_at_step(&self) -> Option<&StepRow> {
        let order = self.stopped_at?;
        self.steps.iter().map(|v| &v.row).find(|r| r.order == order)
    }

    fn finish(&mut self, target: &dyn RemediationTarget, report: RemediationReport) {
        self.acts_on = Some(target.description());
        self.applied = true;
        self.notes.push(stop_note(&report, self.option));
        self.stop = Some(report.stop);
        self.stopped_at = report.stop.order();
        self.writes = report.writes;
        self.journal_path = Some(report.journal);
        self.steps = StepView::all(report.steps);
    }
}

/// The name of a stop.
#[must_use]
pub fn stop_name(stop: Stop) -> &'static str {
    match stop {
        Stop::Completed => "Completed",
        Stop::Manual { .. } => "Manual",
        Stop::CheckNotMet { .. } => "CheckNotMet",
        Stop::Conflict { .. } => "Conflict",
        Stop::Failed { .. } => "Failed",
        Stop::Declined { .. } => "Declined",
    }
}

/// What a stop means and how to go on, in words (without a command line: each front end spells the resume its
/// own way).
#[must_use]
pub fn stop_note(report: &RemediationReport, option: OptionId) -> String {
    let journal = report.journal.display();
    let at = report.stopped_at();
    let message = |default: &str| {
        at.and_then(|r| r.message.clone())
            .unwrap_or_else(|| default.to_owned())
    };
    match report.stop {
        Stop::Completed => format!(
            "All {} steps of {option} are done ({} write(s) in this run).",
            report.steps.len(),
            report.writes
        ),
        Stop::Manual { order } => format!(
            "Stopped at step {order}, which is manual: {} ({}). Do it, then resume from {journal}.",
            at.map(|r| r.action.as_str()).unwrap_or_default(),
            at.map(|r| r.command.as_str()).unwrap_or_default()
        ),
        Stop::CheckNotMet { order } => format!(
            "Stopped at step {order}: {}. When it holds, resume from {journal}.",
            message("the check does not hold")
        ),
        Stop::Conflict { order } => format!(
            "Stopped at step {order}: {}. Nothing was written for it; when the object matches the plan again, \
             resume from {journal}, or plan again from fresh data.",
            message("the object changed since the plan")
        ),
        Stop::Failed { order } => format!(
            "Step {order} failed: {}. Nothing after it was run; fix the cause, then resume from {journal} (the \
             step is checked again first, so nothing is done twice).",
            message("(no message)")
        ),
        Stop::Declined { order } => format!(
            "Not approved: stopped before step {order}; nothing was done for it. Resume later from {journal}."
        ),
    }
}

/// Where the steps of a run act: the source they are opened from, and how its credentials are resolved.
pub struct Source<'s, 'r> {
    /// The source the request named.
    pub spec: &'s SourceSpec,
    /// How its secrets are resolved.
    pub resolver: &'s Resolver<'r>,
}

impl Source<'_, '_> {
    async fn open_for(
        &self,
        option: OptionId,
        ops: &[Planned],
    ) -> Result<(Box<dyn RemediationTarget>, Vec<String>), AppError> {
        let what = format!("the steps of {option}");
        remediate::open_target_for(&what, ops, self.spec, self.resolver).await
    }
}

/// A new run of one option.
pub struct ApplyRequest<'a> {
    /// The user.
    pub user_principal_name: &'a str,
    /// The option to run.
    pub option: OptionId,
    /// How the user's findings are scanned.
    pub scan: &'a ScanOptions,
    /// How the plan is made.
    pub plan: &'a PlanOptions,
    /// The journal to create; `None` for a dry run.
    pub journal: Option<PathBuf>,
}

/// Plans `req.option` for the user from `snapshot` and, with a journal, runs its steps through `gate`.
/// Returns the run and the warnings of opening what the steps act on.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown user, [`AppError::Invalid`] when the option is not one of the user's;
/// the errors of opening the target and of the run.
pub async fn apply<G: Gate + ?Sized>(
    snapshot: &Snapshot,
    source: &Source<'_, '_>,
    req: ApplyRequest<'_>,
    gate: &mut G,
    clock: Clock,
) -> Result<(RemediationRun, Vec<String>), AppError> {
    let planned = crate::plan::plan(snapshot, req.user_principal_name, req.scan, req.plan)?;
    let upn = req.user_principal_name.trim();
    let Some(plan) = planned.plan.filter(|p| p.option(req.option).is_some()) else {
        return Err(AppError::Invalid(format!(
            "{} is not an option for {upn} (the user's plan lists the options)",
            req.option
        )));
    };
    let spec = remediate::plan_spec(&plan, req.option, snapshot)?;
    let opt = plan.option(req.option);
    let mut run = RemediationRun {
        command: spec.command.clone(),
        user_principal_name: plan.user_principal_name.clone(),
        option: req.option,
        recommended: opt.is_some_and(|o| o.recommended),
        data_at_risk: opt.map(|o| o.data_at_risk.clone()).unwrap_or_default(),
        preconditions: opt.map(|o| o.preconditions.clone()).unwrap_or_default(),
        acts_on: None,
        applied: false,
        steps: StepView::all(remediate::pending_rows(&spec)),
        stop: None,
        stopped_at: None,
        writes: 0,
        journal_path: None,
        notes: planned.report.notes.clone(),
    };
    let Some(path) = req.journal else {
        return Ok((run, Vec::new()));
    };
    let (target, warnings) = source.open_for(req.option, &spec.ops).await?;
    let steps = remediate::pending_rows(&spec);
    gate.opened(&target.description(), &steps, &warnings)
        .map_err(remediate::gate_err)?;
    let report = remediate::apply(&path, &spec, target.as_ref(), clock, gate).await?;
    run.finish(target.as_ref(), report);
    Ok((run, warnings))
}

/// Continues the run journaled in `journal` (which must be of `upn` and `option`): the steps as the journal
/// has them, and with `apply` the rest of the run through `gate`. Returns the run and the warnings of reading
/// the journal and opening what the steps act on.
///
/// # Errors
/// A journal of another run or not resumable; the errors of opening the target and of the run.
pub async fn resume<G: Gate + ?Sized>(
    journal: &Path,
    upn: &str,
    option: OptionId,
    apply: bool,
    source: &Source<'_, '_>,
    gate: &mut G,
    clock: Clock,
) -> Result<(RemediationRun, Vec<String>), AppError> {
    let (log, note) = remediate::resumable(journal, upn, option)?;
    let mut warnings = log.warnings.clone();
    let mut run = RemediationRun {
        command: log.header.command.clone(),
        user_principal_name: note.user_principal_name.clone(),
        option: note.option,
        recommended: note.recommended,
        data_at_risk: note.data_at_risk.clone(),
        preconditions: note.preconditions.clone(),
        acts_on: None,
        applied: false,
        steps: StepView::all(remediate::rows(&log)),
        stop: None,
        stopped_at: None,
        writes: 0,
        journal_path: Some(log.path.clone()),
        notes: Vec::new(),
    };
    if !apply {
        return Ok((run, warnings));
    }
    let (target, w) = source.open_for(note.option, &log.planned()).await?;
    gate.opened(&target.description(), &remediate::rows(&log), &w)
        .map_err(remediate::gate_err)?;
    warnings.extend(w);
    let report = remediate::resume(&log, target.as_ref(), clock, gate).await?;
    run.finish(target.as_ref(), report);
    Ok((run, warnings))
}

#[cfg(test)]
mod tests;
