//! The runner: one step at a time through the [`Gate`], journaling each, stopping at the first step that
//! does not succeed.

use std::path::{Path, PathBuf};

use idrift_core::plan::Operation;
use serde::Serialize;
use serde_json::Value;

use super::executor::RemediationExecutor;
use super::target::RemediationTarget;
use super::values::describe_value;
use super::{StepKind, locator, operation, remediation_note, step_kind};
use crate::AppError;
use crate::journal::{
    self, Clock, Entry, JournalLog, JournalWriter, OpExecutor, OpState, OpStatus, Outcome,
    OutcomeEntry, PlanSpec, Resumed, Started,
};

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stop {
    /// Every step is done.
    Completed,
    /// At a manual step, handed to the administrator; resume once it is done.
    Manual {
        /// The step.
        order: usize,
    },
    /// A check does not hold yet; resume once it does.
    CheckNotMet {
        /// The step.
        order: usize,
    },
    /// The object no longer matches the plan; nothing was written.
    Conflict {
        /// The step.
        order: usize,
    },
    /// A read or a write failed.
    Failed {
        /// The step.
        order: usize,
    },
    /// The administrator did not confirm the step; nothing was written for it.
    Declined {
        /// The step.
        order: usize,
    },
}

impl Stop {
    /// The step the run stopped at, `None` when it completed.
    pub fn order(self) -> Option<usize> {
        match self {
            Stop::Completed => None,
            Stop::Manual { order }
            | Stop::CheckNotMet { order }
            | Stop::Conflict { order }
            | Stop::Failed { order }
            | Stop::Declined { order } => Some(order),
        }
    }

    /// Whether the run ended as designed (completed, or waiting at a manual step).
    pub fn is_ok(self) -> bool {
        matches!(self, Stop::Completed | Stop::Manual { .. })
    }
}

/// One step of a run, for the outcome table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepRow {
    /// The step's number.
    pub order: usize,
    /// The operation name.
    pub op: String,
    /// What kind of step.
    pub kind: StepKind,
    /// What it does.
    pub action: String,
    /// The cmdlet line or API call.
    pub command: String,
    /// The object.
    pub target: String,
    /// Where it stands.
    pub status: OpStatus,
    /// The value before (planned, or read just before the write).
    pub before: Value,
    /// The value found (after the write, or by the check or record).
    pub found: Value,
    /// Why, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Whether this run decided it.
    pub this_run: bool,
}

impl StepRow {
    /// The status in words, by kind of step.
    pub fn label(&self) -> &'static str {
        match (self.kind, self.status) {
            (_, OpStatus::Pending) => "pending",
            (StepKind::Manual, OpStatus::InDoubt) => "waiting",
            (StepKind::Manual, _) => "done by hand",
            (StepKind::Check, OpStatus::Skipped | OpStatus::Applied) => "passed",
            (StepKind::Check, _) => "not met",
            (StepKind::Record, OpStatus::Skipped | OpStatus::Applied) => "recorded",
            (StepKind::Record, OpStatus::Conflict) => "differs",
            (_, OpStatus::Applied) => "done",
            (_, OpStatus::Skipped) => "already done",
            (_, OpStatus::Conflict) => "conflict",
            (_, OpStatus::Failed) => "failed",
            (_, OpStatus::InDoubt) => "in doubt",
        }
    }

    fn of(state: &OpState) -> StepRow {
        let p = &state.planned;
        let loc = locator(p).ok();
        StepRow {
            order: loc
                .as_ref()
                .map_or(usize::try_from(p.seq).unwrap_or(usize::MAX), |l| l.order),
            op: p.op.clone(),
            kind: step_kind(&p.op).unwrap_or(StepKind::Write),
            action: loc.as_ref().map(|l| l.action.clone()).unwrap_or_default(),
            command: loc.map(|l| l.command).unwrap_or_default(),
            target: p.target.clone(),
            status: state.status,
            before: state
                .started
                .as_ref()
                .map_or_else(|| p.before.clone(), |s| s.before.clone()),
            found: state
                .outcome
                .as_ref()
                .and_then(|o| o.after.clone())
                .unwrap_or(Value::Null),
            message: state.outcome.as_ref().and_then(|o| o.message.clone()),
            this_run: false,
        }
    }
}

/// The rows of a journal as it stands (nothing run).
pub fn rows(log: &JournalLog) -> Vec<StepRow> {
    log.ops().iter().map(StepRow::of).collect()
}

/// The rows of a plan not yet run.
pub fn pending_rows(spec: &PlanSpec) -> Vec<StepRow> {
    spec.ops
        .iter()
        .cloned()
        .map(OpState::pending)
        .map(|s| StepRow::of(&s))
        .collect()
}

/// The result of [`apply`] or [`resume`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemediationReport {
    /// The journal.
    pub journal: PathBuf,
    /// Every step, in order, as it stands after the run.
    pub steps: Vec<StepRow>,
    /// Why the run stopped.
    pub stop: Stop,
    /// Writes made by this run.
    pub writes: usize,
}

impl RemediationReport {
    /// The row of the step the run stopped at.
    pub fn stopped_at(&self) -> Option<&StepRow> {
        let order = self.stop.order()?;
        self.steps.iter().find(|s| s.order == order)
    }
}

/// What the runner asks before it acts.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'a> {
    /// May this write run now?
    Write(&'a StepRow),
    /// Was this manual step done (asked when a resumed run reaches the step it stopped at)?
    ManualDone(&'a StepRow),
}

/// Confirms steps and hears about each outcome: the front end's side of a run.
pub trait Gate {
    /// Whether to go ahead; `false` stops the run before the step (nothing is journaled for it).
    ///
    /// # Errors
    /// An I/O error reading the answer; the run stops.
    fn ask(&mut self, ask: Ask<'_>) -> std::io::Result<bool>;

    /// Called once what the steps act on is open, before the first step: its description, every step as it
    /// stands, and the warnings of opening it (which the operation also returns).
    ///
    /// # Errors
    /// An I/O error writing them; the run does not start.
    fn opened(
        &mut self,
        _acts_on: &str,
        _steps: &[StepRow],
        _warnings: &[String],
    ) -> std::io::Result<()> {
        Ok(())
    }

    /// Called after each step this run decided.
    ///
    /// # Errors
    /// An I/O error writing progress; the run stops.
    fn done(&mut self, _row: &StepRow) -> std::io::Result<()> {
        Ok(())
    }
}

/// A gate that says yes to everything (`--yes`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Yes;

impl Gate for Yes {
    fn ask(&mut self, _ask: Ask<'_>) -> std::io::Result<bool> {
        Ok(true)
    }
}

pub(crate) fn gate_err(e: std::io::Error) -> AppError {
    AppError::Invalid(format!("confirmation: {e}"))
}

/// Starts a journal for `spec` (see [`plan_spec`]) and runs its steps.
///
/// # Errors
/// As for [`journal::start`]; [`AppError::Write`] when the journal cannot be written (the run stops at once);
/// the gate's I/O error. Step failures are outcomes, not errors.
pub async fn apply<G: Gate + ?Sized>(
    path: &Path,
    spec: &PlanSpec,
    target: &dyn RemediationTarget,
    clock: Clock,
    gate: &mut G,
) -> Result<RemediationReport, AppError> {
    let mut journal = journal::start(path, spec, clock)?;
    let ops = spec.ops.iter().cloned().map(OpState::pending).collect();
    run(&mut journal, ops, target, gate).await
}

/// Continues a remediation journal: records the resumption, then runs every step that is not final, from
/// the first one.
///
/// # Errors
/// As for [`journal::check_resumable`] and [`remediation_note`]; as for [`apply`].
pub async fn resume<G: Gate + ?Sized>(
    log: &JournalLog,
    target: &dyn RemediationTarget,
    clock: Clock,
    gate: &mut G,
) -> Result<RemediationReport, AppError> {
    journal::check_resumable(log)?;
    remediation_note(log)?;
    let mut journal = journal::open_append(&log.path, clock)?;
    let at = journal.clock().now_iso();
    journal.append(&Entry::Resumed(Resumed {
        at,
        tool: journal::tool_version(),
    }))?;
    run(&mut journal, log.ops(), target, gate).await
}

/// What one step did.
enum StepEnd {
    /// Carry on with the next step.
    Next,
    /// Stop here.
    Stop(Stop),
}

async fn run<G: Gate + ?Sized>(
    journal: &mut JournalWriter,
    ops: Vec<OpState>,
    target: &dyn RemediationTarget,
    gate: &mut G,
) -> Result<RemediationReport, AppError> {
    let exec = RemediationExecutor::new(target);
    let mut report = RemediationReport {
        journal: journal.path().to_path_buf(),
        steps: Vec::with_capacity(ops.len()),
        stop: Stop::Completed,
        writes: 0,
    };
    let mut stopped = false;
    for state in ops {
        let mut row = StepRow::of(&state);
        let final_ = matches!(state.status, OpStatus::Applied | OpStatus::Skipped);
        if stopped || final_ {
            report.steps.push(row);
            continue;
        }
        let end = run_step(journal, &state, &exec, gate, &mut row, &mut report.writes).await?;
        if row.this_run {
            gate.done(&row).map_err(gate_err)?;
        }
        report.steps.push(row);
        if let StepEnd::Stop(stop) = end {
            report.stop = stop;
            stopped = true;
        }
    }
    Ok(report)
}

/// The step being run: the journal its outcome goes to, the row that reports it, and the operation.
struct Step<'a> {
    journal: &'a mut JournalWriter,
    row: &'a mut StepRow,
    state: &'a OpState,
}

impl Step<'_> {
    /// Journals the step's `outcome` with what was read (`after`) and `message`, and reports them in the row.
    fn outcome(
        &mut self,
        outcome: Outcome,
        after: Option<Value>,
        message: Option<String>,
    ) -> Result<(), AppError> {
        let at = self.journal.clock().now_iso();
        self.journal.append(&Entry::Outcome(OutcomeEntry {
            seq: self.state.planned.seq,
            outcome,
            after: after.clone(),
            message: message.clone(),
            at,
        }))?;
        self.row.status = outcome.into();
        self.row.found = after.unwrap_or(Value::Null);
        self.row.message = message;
        self.row.this_run = true;
        Ok(())
    }

    /// Journals `message` as the step's failure (nothing read); the run stops there.
    fn failed(&mut self, message: String) -> Result<StepEnd, AppError> {
        let order = self.row.order;
        self.outcome(Outcome::Failed, None, Some(message))?;
        Ok(StepEnd::Stop(Stop::Failed { order }))
    }

    /// Journals `message` as the step's conflict with what was read (`found`); the run stops there.
    fn conflict(&mut self, found: Option<Value>, message: String) -> Result<StepEnd, AppError> {
        let order = self.row.order;
        self.outcome(Outcome::Conflict, found, Some(message))?;
        Ok(StepEnd::Stop(Stop::Conflict { order }))
    }

    /// A manual step: handed to the administrator (the run stops), or, when a resumed run reaches the step
    /// it stopped at, confirmed done through the gate.
    fn manual<G: Gate + ?Sized>(&mut self, gate: &mut G) -> Result<StepEnd, AppError> {
        let order = self.row.order;
        if self.state.status == OpStatus::InDoubt {
            if !gate.ask(Ask::ManualDone(self.row)).map_err(gate_err)? {
                return Ok(StepEnd::Stop(Stop::Declined { order }));
            }
            let msg = "done by the administrator (confirmed when the run was resumed)".to_owned();
            self.outcome(Outcome::Skipped, None, Some(msg))?;
            return Ok(StepEnd::Next);
        }
        let at = self.journal.clock().now_iso();
        let seq = self.state.planned.seq;
        self.journal.append(&Entry::Started(Started {
            seq,
            before: Value::Null,
            at,
        }))?;
        self.row.status = OpStatus::InDoubt;
        self.row.this_run = true;
        self.row.message = Some("handed to the administrator: do it, then resume".to_owned());
        Ok(StepEnd::Stop(Stop::Manual { order }))
    }

    /// A check: journals what it read; a check that does not hold stops the run.
    async fn check(&mut self, exec: &RemediationExecutor<'_>) -> Result<StepEnd, AppError> {
        let order = self.row.order;
        let Ok(Operation::Check(check)) = operation(&self.state.planned) else {
            return self.failed("the journal's check is not readable".to_owned());
        };
        match exec.check(&check).await {
            Ok(r) if r.passed => {
                self.outcome(Outcome::Skipped, Some(r.found), Some(r.message))?;
                Ok(StepEnd::Next)
            }
            Ok(r) => {
                let msg = format!("not met: {}", r.message);
                self.outcome(Outcome::Failed, Some(r.found), Some(msg))?;
                Ok(StepEnd::Stop(Stop::CheckNotMet { order }))
            }
            Err(e) => self.failed(format!("the check could not read the state: {e}")),
        }
    }

    /// Recording a value (the ExchangeGuid): a live value other than the planned one stops the run.
    async fn record(&mut self, exec: &RemediationExecutor<'_>) -> Result<StepEnd, AppError> {
        let p = &self.state.planned;
        match exec.read(p).await {
            Ok(Some(v)) if exec.same(p, &v, &p.after) => {
                let msg = format!("recorded {}", describe_value(&p.op, &v));
                self.outcome(Outcome::Skipped, Some(v), Some(msg))?;
                Ok(StepEnd::Next)
            }
            Ok(Some(v)) => {
                let msg = format!(
                    "the live value differs from the plan: planned {}, found {}; nothing was changed. Plan \
                     again from fresh data",
                    describe_value(&p.op, &p.after),
                    describe_value(&p.op, &v)
                );
                self.conflict(Some(v), msg)
            }
            Ok(None) => self.conflict(None, format!("{}: no mailbox found", p.target)),
            Err(e) => self.failed(format!("read failed: {e}")),
        }
    }

    /// A write, through the one journaled write of every command ([`journal::run_one`]): re-read, skip when
    /// already done, conflict when changed since the plan, else journal the value read, write, journal the
    /// outcome.
    async fn write(
        &mut self,
        exec: &RemediationExecutor<'_>,
        writes: &mut usize,
    ) -> Result<StepEnd, AppError> {
        let (row, p) = (&mut *self.row, &self.state.planned);
        let order = row.order;
        let ran = journal::run_one(self.journal, self.state, exec, writes).await?;
        row.status = ran.row.status;
        row.before = ran.row.before;
        row.found = ran.found.unwrap_or(Value::Null);
        row.this_run = true;
        row.message = ran.row.message.or_else(|| {
            (row.status == OpStatus::Applied).then(|| {
                format!(
                    "was {}, now {}",
                    describe_value(&p.op, &row.before),
                    describe_value(&p.op, &row.found)
                )
            })
        });
        Ok(match row.status {
            OpStatus::Applied | OpStatus::Skipped => StepEnd::Next,
            OpStatus::Conflict => StepEnd::Stop(Stop::Conflict { order }),
            OpStatus::Pending | OpStatus::InDoubt | OpStatus::Failed => {
                StepEnd::Stop(Stop::Failed { order })
            }
        })
    }
}

async fn run_step<G: Gate + ?Sized>(
    journal: &mut JournalWriter,
    state: &OpState,
    exec: &RemediationExecutor<'_>,
    gate: &mut G,
    row: &mut StepRow,
    writes: &mut usize,
) -> Result<StepEnd, AppError> {
    let order = row.order;
    let mut step = Step {
        journal,
        row,
        state,
    };
    match step_kind(&state.planned.op) {
        None => {
            let msg = format!(
                "operation {:?} is not a remediation step; this idrift cannot run it",
                state.planned.op
            );
            step.failed(msg)
        }
        Some(StepKind::Manual) => step.manual(gate),
        Some(StepKind::Check) => step.check(exec).await,
        Some(StepKind::Record) => step.record(exec).await,
        Some(StepKind::Write) => {
            if !gate.ask(Ask::Write(step.row)).map_err(gate_err)? {
                return Ok(StepEnd::Stop(Stop::Declined { order }));
            }
            step.write(exec, writes).await
        }
    }
}
