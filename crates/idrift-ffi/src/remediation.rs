//! The remediation writers: `Remediation.Apply` (`idrift plan UPN --option ID --apply`, with `--resume`) and
//! `Undo` (`idrift undo JOURNAL`), over the same `idrift_app::remediate` and `idrift_app::journal` calls the
//! CLI makes.
//!
//! One request is one run, so the CLI's question before each step becomes data: the host asks for a dry run
//! (the steps, nothing run), asks its user about each write (PowerShell's ShouldProcess), and sends the apply
//! with the approved steps in `Approve` (and, on a resume, the manual steps confirmed done in `ManualDone`).
//! [`ApprovedGate`] answers the runner's questions from those lists: a write whose step and target were not
//! approved stops the run before it (`Declined`), with nothing journaled for it.

use std::path::Path;

use idrift_app::journal;
use idrift_app::remediate::{self, Ask, Gate, RemediationReport, RemediationTarget, Stop};
use idrift_app::undo;
use idrift_core::phone::PhoneOptions;
use idrift_core::plan::{OptionId, PlanOptions};
use idrift_core::scan::ScanOptions;

use crate::error::CallError;
use crate::targets::{self, absolute};
use crate::wire::{
    self, ApprovedStep, RemediationApplyArgs, RemediationResult, UndoArgs, UndoResult,
};
use crate::{runtime, writes};

/// Answers the runner from the host's approvals: a write runs only when its step number and target were
/// approved; a manual step waiting since an earlier run counts as done only when the host says so.
#[derive(Debug, Default)]
pub(crate) struct ApprovedGate {
    approve: Vec<ApprovedStep>,
    manual_done: Vec<usize>,
}

impl ApprovedGate {
    pub(crate) fn new(approve: Vec<ApprovedStep>, manual_done: Vec<usize>) -> ApprovedGate {
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

/// The wire name of a stop.
pub(crate) fn stop_name(stop: Stop) -> &'static str {
    match stop {
        Stop::Completed => "Completed",
        Stop::Manual { .. } => "Manual",
        Stop::CheckNotMet { .. } => "CheckNotMet",
        Stop::Conflict { .. } => "Conflict",
        Stop::Failed { .. } => "Failed",
        Stop::Declined { .. } => "Declined",
    }
}

/// What a stop means and how to go on, in words (the CLI's `finish`, without its command line: each host
/// spells the resume its own way).
fn stop_notes(report: &RemediationReport, option: OptionId) -> Vec<String> {
    let journal = report.journal.display();
    let at = report.stopped_at();
    let message = |default: &str| {
        at.and_then(|r| r.message.clone())
            .unwrap_or_else(|| default.to_owned())
    };
    let note = match report.stop {
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
    };
    vec![note]
}

/// Opens what the steps of `option` act on, from the request's `Source`.
fn open_target(
    op: &'static str,
    option: OptionId,
    ops: &[journal::Planned],
    source: &wire::SourceSpec,
) -> Result<(Box<dyn RemediationTarget>, Vec<String>), CallError> {
    let spec = targets::spec(op, source)?;
    let what = format!("the steps of {option}");
    Ok(runtime::block_on(remediate::open_target_for(
        &what,
        ops,
        &spec,
        &targets::resolver(),
    ))??)
}

/// `Remediation.Apply`.
pub(crate) fn apply(args: RemediationApplyArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Remediation.Apply";
    if let Some(journal_file) = &args.resume {
        return resume(OP, &args, journal_file);
    }
    // The journal is checked before anything is read: a second apply into the same journal is refused even
    // when the first one changed the data the plan is made from.
    let path = if args.write.apply {
        let command = remediate::command(args.user_principal_name.trim(), args.option);
        let path = writes::journal_path(OP, &args.write, &command)?;
        if path.exists() {
            return Err(CallError::InvalidArgs {
                op: OP,
                message: format!(
                    "the journal {} already exists: name a new one, or continue that run with Resume",
                    path.display()
                ),
            });
        }
        Some(path)
    } else {
        None
    };
    let loaded = targets::load(OP, &args.source, idrift_app::snapshot::LoadProfile::Full)?;
    let scan_opts = ScanOptions {
        phone: PhoneOptions {
            default_region: args.default_region.clone(),
        },
        routing_domain: args.routing_domain.clone(),
        sync_scope: args.sync_scope.clone(),
    };
    let plan_opts = PlanOptions {
        out_of_scope_ou: args.out_of_scope_ou.clone(),
        remote_host_name: args.remote_host.clone(),
    };
    let planned = idrift_app::plan::plan(
        &loaded.snapshot,
        &args.user_principal_name,
        &scan_opts,
        &plan_opts,
    )?;
    let upn = args.user_principal_name.trim().to_owned();
    let Some(plan) = planned.plan.filter(|p| p.option(args.option).is_some()) else {
        return Err(idrift_app::AppError::Invalid(format!(
            "{} is not an option for {upn} (Plan lists the user's options)",
            args.option
        ))
        .into());
    };
    let spec = remediate::plan_spec(&plan, args.option, &loaded.snapshot)?;
    let opt = plan.option(args.option);
    let mut out = RemediationResult {
        command: spec.command.clone(),
        user_principal_name: plan.user_principal_name.clone(),
        option: args.option,
        recommended: opt.is_some_and(|o| o.recommended),
        data_at_risk: opt.map(|o| o.data_at_risk.clone()).unwrap_or_default(),
        preconditions: opt.map(|o| o.preconditions.clone()).unwrap_or_default(),
        acts_on: None,
        applied: false,
        steps: wire::StepView::all(remediate::pending_rows(&spec)),
        stop: None,
        stopped_at: None,
        writes: 0,
        journal_path: None,
        notes: planned.report.notes.clone(),
    };
    let mut warnings = loaded.warnings;
    let Some(path) = path else {
        return ok(&out, &warnings);
    };
    let (target, w) = open_target(OP, args.option, &spec.ops, &args.source)?;
    warnings.extend(w);
    let mut gate = ApprovedGate::new(args.approve, args.manual_done);
    let report = runtime::block_on(remediate::apply(
        &path,
        &spec,
        target.as_ref(),
        writes::clock(),
        &mut gate,
    ))??;
    out.acts_on = Some(target.description());
    finish(&mut out, report);
    ok(&out, &warnings)
}

fn finish(out: &mut RemediationResult, report: RemediationReport) {
    out.applied = true;
    out.notes.extend(stop_notes(&report, out.option));
    out.stop = Some(stop_name(report.stop));
    out.stopped_at = report.stop.order();
    out.writes = report.writes;
    out.journal_path = Some(report.journal);
    out.steps = wire::StepView::all(report.steps);
}

/// `Remediation.Apply` with `Resume`.
fn resume(
    op: &'static str,
    args: &RemediationApplyArgs,
    journal_file: &Path,
) -> Result<Vec<u8>, CallError> {
    if args.write.journal_path.is_some() {
        return Err(CallError::InvalidArgs {
            op,
            message: "Resume continues its own journal; leave out JournalPath".to_owned(),
        });
    }
    let (log, note) = remediate::resumable(
        absolute(op, "Resume", journal_file)?,
        &args.user_principal_name,
        args.option,
    )?;
    let mut warnings = log.warnings.clone();
    let mut out = RemediationResult {
        command: log.header.command.clone(),
        user_principal_name: note.user_principal_name.clone(),
        option: note.option,
        recommended: note.recommended,
        data_at_risk: note.data_at_risk.clone(),
        preconditions: note.preconditions.clone(),
        acts_on: None,
        applied: false,
        steps: wire::StepView::all(remediate::rows(&log)),
        stop: None,
        stopped_at: None,
        writes: 0,
        journal_path: Some(log.path.clone()),
        notes: Vec::new(),
    };
    if !args.write.apply {
        return ok(&out, &warnings);
    }
    let (target, w) = open_target(op, note.option, &log.planned(), &args.source)?;
    warnings.extend(w);
    let mut gate = ApprovedGate::new(args.approve.clone(), args.manual_done.clone());
    let report = runtime::block_on(remediate::resume(
        &log,
        target.as_ref(),
        writes::clock(),
        &mut gate,
    ))??;
    out.acts_on = Some(target.description());
    finish(&mut out, report);
    ok(&out, &warnings)
}

/// `Undo`: one journal or several of one kind (dirsync, remediation or lint) reversed as one plan with one
/// journal, through what the journals wrote to, opened from `Source` ([`idrift_app::undo`], as the CLI's
/// `idrift undo`).
pub(crate) fn undo(args: UndoArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Undo";
    let paths = args
        .paths(OP)?
        .iter()
        .map(|p| absolute(OP, "Journal", p).map(Path::to_path_buf))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = undo::plan(&paths)?;
    let mut warnings = plan.warnings.clone();
    let mut write = wire::WriteResult {
        command: plan.spec.command.clone(),
        writes_to: String::new(),
        applied: false,
        planned: plan.spec.ops.clone(),
        report: None,
        journal_path: None,
        notes: Vec::new(),
        not_planned: Vec::new(),
        preview: None,
        item_errors: Vec::new(),
    };
    if !plan.spec.ops.is_empty() {
        let spec = targets::spec(OP, &args.source)?;
        let (target, w) =
            runtime::block_on(undo::open_target(&plan, &spec, &targets::resolver()))??;
        warnings.extend(w);
        write.writes_to = target.description();
        if args.write.apply {
            let path = writes::journal_path(OP, &args.write, &plan.spec.command)?;
            if path.exists() {
                return Err(CallError::InvalidArgs {
                    op: OP,
                    message: format!(
                        "the journal {} already exists: name a new one",
                        path.display()
                    ),
                });
            }
            let report = runtime::block_on(undo::apply(&plan, &target, &path, writes::clock()))??;
            if report.writes > 0 {
                write.notes.extend(plan.after_apply().map(str::to_owned));
            }
            write.applied = true;
            write.journal_path = Some(path);
            write.report = Some(report);
        }
    }
    let body = UndoResult {
        kind: plan.kind.name(),
        undoing: plan.journals.first().cloned().unwrap_or_default(),
        journals: plan.journals.clone(),
        undoing_command: plan.undoing_command(),
        not_undone: plan.not_undone,
        write,
    };
    ok(&body, &warnings)
}

fn ok<T: serde::Serialize>(body: &T, warnings: &[String]) -> Result<Vec<u8>, CallError> {
    wire::encode_ok(body, warnings)
        .map_err(|e| CallError::Internal(format!("the response could not be encoded: {e}")))
}

#[cfg(test)]
mod tests;
