//! The runner of the journal's state machine (see [`crate::journal`]): [`execute`], [`apply`] and [`resume`],
//! the one journaled write ([`run_one`]) and batches of writes to one file.

use std::future::Future;
use std::path::{Path, PathBuf};

use idrift_core::ports::SourceError;
use serde::Serialize;
use serde_json::Value;

use super::{
    Clock, Entry, JournalLog, JournalWriter, OpState, OpStatus, Outcome, OutcomeEntry, PlanSpec,
    Planned, Resumed, Started, open_append, start, tool_version,
};
use crate::AppError;

/// Reads, compares and writes one kind of operation. Values are the JSON the plan records.
pub trait OpExecutor: Sync {
    /// Reads the object's current value, `None` when it does not exist.
    ///
    /// # Errors
    /// The source's error; the operation is recorded as failed.
    fn read(&self, op: &Planned)
    -> impl Future<Output = Result<Option<Value>, SourceError>> + Send;

    /// Whether two values of this operation are the same (with the directory's comparison rules).
    fn same(&self, op: &Planned, a: &Value, b: &Value) -> bool;

    /// Writes `op.after`, refusing when the object no longer has `current`; returns the value after the write.
    ///
    /// # Errors
    /// [`SourceError::Conflict`] when the object changed since `current` was read (recorded as a conflict);
    /// any other error is recorded as failed.
    fn write(
        &self,
        op: &Planned,
        current: &Value,
    ) -> impl Future<Output = Result<Value, SourceError>> + Send;

    /// A value in words, for messages.
    fn describe(&self, _op: &Planned, value: &Value) -> String {
        value.to_string()
    }

    /// Whether this executor runs operations named `op` (used by [`Chain`] to route them).
    fn handles(&self, _op: &str) -> bool {
        true
    }

    /// How many writes of operations like `op` [`execute`] may group into one batch: 1 (the default) writes
    /// each through [`OpExecutor::write`].
    fn batch_limit(&self, _op: &Planned) -> usize {
        1
    }

    /// Like [`OpExecutor::write`], but the target may hold the change until [`OpExecutor::flush`].
    ///
    /// # Errors
    /// As for [`OpExecutor::write`].
    fn write_held(
        &self,
        op: &Planned,
        current: &Value,
    ) -> impl Future<Output = Result<Value, SourceError>> + Send {
        self.write(op, current)
    }

    /// Makes every held write durable; when it fails none of them is kept.
    ///
    /// # Errors
    /// Why the held writes could not be made.
    fn flush(&self) -> impl Future<Output = Result<(), SourceError>> + Send {
        async { Ok(()) }
    }
}

/// Two executors as one: each operation goes to the first that [`OpExecutor::handles`] it, so a journal
/// mixing the operations of several commands can be resumed or undone in one run.
#[derive(Debug, Clone, Copy)]
pub struct Chain<A, B>(pub A, pub B);

impl<A: OpExecutor, B: OpExecutor> OpExecutor for Chain<A, B> {
    async fn read(&self, op: &Planned) -> Result<Option<Value>, SourceError> {
        if self.0.handles(&op.op) {
            self.0.read(op).await
        } else {
            self.1.read(op).await
        }
    }

    fn same(&self, op: &Planned, a: &Value, b: &Value) -> bool {
        if self.0.handles(&op.op) {
            self.0.same(op, a, b)
        } else {
            self.1.same(op, a, b)
        }
    }

    async fn write(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        if self.0.handles(&op.op) {
            self.0.write(op, current).await
        } else {
            self.1.write(op, current).await
        }
    }

    fn describe(&self, op: &Planned, value: &Value) -> String {
        if self.0.handles(&op.op) {
            self.0.describe(op, value)
        } else {
            self.1.describe(op, value)
        }
    }

    fn handles(&self, op: &str) -> bool {
        self.0.handles(op) || self.1.handles(op)
    }

    fn batch_limit(&self, op: &Planned) -> usize {
        if self.0.handles(&op.op) {
            self.0.batch_limit(op)
        } else {
            self.1.batch_limit(op)
        }
    }

    async fn write_held(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        if self.0.handles(&op.op) {
            self.0.write_held(op, current).await
        } else {
            self.1.write_held(op, current).await
        }
    }

    async fn flush(&self) -> Result<(), SourceError> {
        let first = self.0.flush().await;
        let second = self.1.flush().await;
        first.and(second)
    }
}

/// Limits on a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Stop after this many writes (the rest stay pending, for a later resume).
    pub max_writes: Option<usize>,
}

/// What happened to one operation, for the outcome table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OpReport {
    /// The operation number.
    pub seq: u64,
    /// The operation name.
    pub op: String,
    /// The object.
    pub target: String,
    /// Where it stands after this run.
    pub status: OpStatus,
    /// The value before (found just before the write, else planned).
    pub before: Value,
    /// The value after (read back, else planned).
    pub after: Value,
    /// Why, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Whether this run decided it (false for outcomes recorded by an earlier run).
    pub this_run: bool,
}

/// The result of [`execute`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunReport {
    /// The journal.
    pub journal: PathBuf,
    /// One row per planned operation, in plan order.
    pub ops: Vec<OpReport>,
    /// Writes made by this run.
    pub writes: usize,
    /// Whether the run stopped at [`RunOptions::max_writes`] with operations still pending.
    pub stopped_at_limit: bool,
}

impl RunReport {
    /// Whether any operation failed or conflicted (the command exits with 1).
    pub fn has_failures(&self) -> bool {
        self.ops.iter().any(|o| {
            matches!(
                o.status,
                OpStatus::Failed | OpStatus::Conflict | OpStatus::InDoubt
            )
        })
    }

    /// How many operations this run planned again because the journal called them written but the directory
    /// did not hold the written value (each row's message starts with [`REPLANNED`]).
    pub fn replanned(&self) -> usize {
        self.ops
            .iter()
            .filter(|o| {
                o.this_run
                    && o.message
                        .as_deref()
                        .is_some_and(|m| m.starts_with(REPLANNED))
            })
            .count()
    }

    /// How many operations stand at `status`.
    pub fn count(&self, status: OpStatus) -> usize {
        self.ops.iter().filter(|o| o.status == status).count()
    }
}

/// The report row of an operation not touched by this run.
fn prior_report(op: &OpState) -> OpReport {
    OpReport {
        seq: op.planned.seq,
        op: op.planned.op.clone(),
        target: op.planned.target.clone(),
        status: op.status,
        before: op
            .started
            .as_ref()
            .map_or_else(|| op.planned.before.clone(), |s| s.before.clone()),
        after: op
            .outcome
            .as_ref()
            .and_then(|o| o.after.clone())
            .unwrap_or_else(|| op.planned.after.clone()),
        message: op.outcome.as_ref().and_then(|o| o.message.clone()),
        this_run: false,
    }
}

/// Runs the operations that are not final, in order, journaling each step (see the module documentation).
///
/// # Errors
/// [`AppError::Write`] when the journal cannot be written: the run stops at once, because a write that cannot
/// be journaled must not be made. Directory errors are outcomes, not errors.
pub async fn execute<E: OpExecutor>(
    journal: &mut JournalWriter,
    ops: Vec<OpState>,
    exec: &E,
    opts: RunOptions,
) -> Result<RunReport, AppError> {
    let mut report = RunReport {
        journal: journal.path().to_path_buf(),
        ops: Vec::with_capacity(ops.len()),
        writes: 0,
        stopped_at_limit: false,
    };
    let mut batch: Vec<OpState> = Vec::new();
    let mut in_batch = std::collections::HashSet::new();
    for op in ops {
        if !in_batch.insert(op.planned.target.to_lowercase()) {
            // One object twice in a batch: the second must read what the first wrote.
            run_batch(journal, std::mem::take(&mut batch), exec, &mut report).await?;
            in_batch.clear();
            in_batch.insert(op.planned.target.to_lowercase());
        }
        if op.status.is_final() {
            if !lost_write(exec, &op).await {
                report.ops.push(prior_report(&op));
                continue;
            }
            if opts.max_writes.is_some_and(|max| report.writes >= max) {
                report.stopped_at_limit = true;
                report.ops.push(prior_report(&op));
                continue;
            }
            // The journal says the value was written, the directory says otherwise: plan it again.
            let was = op.status.label();
            let again = OpState::pending(op.planned.clone());
            let mut row = run_one(journal, &again, exec, &mut report.writes)
                .await?
                .row;
            row.message = Some(format!(
                "{REPLANNED}: the journal recorded it as {was}, but {} did not hold the written value{}",
                op.planned.target,
                row.message.map(|m| format!("; {m}")).unwrap_or_default()
            ));
            report.ops.push(row);
            continue;
        }
        if opts.max_writes.is_some_and(|max| report.writes >= max) {
            report.stopped_at_limit = true;
            report.ops.push(prior_report(&op));
            continue;
        }
        let limit = exec.batch_limit(&op.planned);
        if limit > 1 {
            if batch
                .last()
                .is_some_and(|b: &OpState| b.planned.op != op.planned.op)
            {
                // One kind of write per batch, so a failed flush fails only the writes it held.
                run_batch(journal, std::mem::take(&mut batch), exec, &mut report).await?;
                in_batch.clear();
                in_batch.insert(op.planned.target.to_lowercase());
            }
            batch.push(op);
            let full = batch.len() >= limit
                || opts
                    .max_writes
                    .is_some_and(|max| report.writes + batch.len() >= max);
            if full {
                run_batch(journal, std::mem::take(&mut batch), exec, &mut report).await?;
                in_batch.clear();
            }
            continue;
        }
        run_batch(journal, std::mem::take(&mut batch), exec, &mut report).await?;
        let row = run_one(journal, &op, exec, &mut report.writes).await?.row;
        report.ops.push(row);
    }
    run_batch(journal, batch, exec, &mut report).await?;
    report.ops.sort_by_key(|o| o.seq);
    Ok(report)
}

/// Runs a batch of operations whose target holds writes: each is read and checked, its `started` entry
/// appended; the entries are synced; the target makes every held write durable at once; then the outcomes
/// are appended and synced. A kill at any point leaves each operation pending, in doubt (re-read on resume)
/// or final, as for single writes.
async fn run_batch<E: OpExecutor>(
    journal: &mut JournalWriter,
    batch: Vec<OpState>,
    exec: &E,
    report: &mut RunReport,
) -> Result<(), AppError> {
    if batch.is_empty() {
        return Ok(());
    }
    let clock = journal.clock().clone();
    let mut held = Vec::with_capacity(batch.len());
    for op in &batch {
        match run_checks(journal, op, exec, false).await? {
            Checked::Done(row, _) => report.ops.push(row),
            Checked::Ready(row, current) => {
                let p = &op.planned;
                journal.append_unsynced(&Entry::Started(Started {
                    seq: p.seq,
                    before: current.clone(),
                    at: clock.now_iso(),
                }))?;
                held.push((row, exec.write_held(p, &current).await));
            }
        }
    }
    journal.sync()?;
    let flushed = exec.flush().await;
    for (mut row, written) in held {
        let written = match (written, &flushed) {
            (Ok(_), Err(e)) => Err(e.clone()),
            (w, _) => w,
        };
        let (outcome, after, message) = write_outcome(written, &mut report.writes);
        record(journal, &mut row, true, outcome, after, message)?;
        report.ops.push(row);
    }
    journal.sync()
}

/// How the message of a re-planned operation starts (see [`RunReport::replanned`]).
pub const REPLANNED: &str = "re-planned";

/// Whether the journal records `op` as written (applied, or already holding the value) while the directory,
/// read again now, does not hold the written value: a resume trusts the directory, not the journal. A read
/// that fails or finds nothing leaves the journal's word standing.
async fn lost_write<E: OpExecutor>(exec: &E, op: &OpState) -> bool {
    if !matches!(op.status, OpStatus::Applied | OpStatus::Skipped) {
        return false;
    }
    match exec.read(&op.planned).await {
        Ok(Some(current)) => !exec.same(&op.planned, &current, &op.planned.after),
        Ok(None) | Err(_) => false,
    }
}

/// What the checks before a write decided: the operation is done (its outcome journaled), or ready to write
/// (the value just read).
enum Checked {
    /// Decided without a write: the row, and the value found (journaled as the outcome's after-value).
    Done(OpReport, Option<Value>),
    /// Ready to write: the row, and the value read just before.
    Ready(OpReport, Value),
}

/// One operation run by [`run_one`]: its row, and the value journaled with its outcome (read back after the
/// write, or found by the re-read), `None` when nothing was read.
#[derive(Debug, Clone)]
pub(crate) struct Ran {
    pub(crate) row: OpReport,
    pub(crate) found: Option<Value>,
}

/// Appends an outcome entry (synced unless `batched`) and records it in `row`.
fn record(
    journal: &mut JournalWriter,
    row: &mut OpReport,
    batched: bool,
    outcome: Outcome,
    after: Option<Value>,
    message: Option<String>,
) -> Result<Option<Value>, AppError> {
    let entry = Entry::Outcome(OutcomeEntry {
        seq: row.seq,
        outcome,
        after: after.clone(),
        message: message.clone(),
        at: journal.clock().now_iso(),
    });
    if batched {
        journal.append_unsynced(&entry)?;
    } else {
        journal.append(&entry)?;
    }
    row.status = outcome.into();
    if let Some(a) = &after {
        row.after = a.clone();
    }
    row.message = message;
    Ok(after)
}

/// Steps 1 and 2 of the module documentation: re-read the object, then skip, conflict or go ahead.
async fn run_checks<E: OpExecutor>(
    journal: &mut JournalWriter,
    op: &OpState,
    exec: &E,
    batched: bool,
) -> Result<Checked, AppError> {
    let p = &op.planned;
    let mut row = OpReport {
        seq: p.seq,
        op: p.op.clone(),
        target: p.target.clone(),
        status: OpStatus::Failed,
        before: p.before.clone(),
        after: p.after.clone(),
        message: None,
        this_run: true,
    };
    let current = match exec.read(p).await {
        Ok(Some(v)) => v,
        Ok(None) => {
            // Vanished since the plan: it no longer matches the plan, like any other change (a conflict).
            let msg = format!("{}: not found; nothing was written", p.target);
            let found = record(
                journal,
                &mut row,
                batched,
                Outcome::Conflict,
                None,
                Some(msg),
            )?;
            return Ok(Checked::Done(row, found));
        }
        Err(e) => {
            let msg = format!("read failed: {e}; nothing was written");
            let found = record(journal, &mut row, batched, Outcome::Failed, None, Some(msg))?;
            return Ok(Checked::Done(row, found));
        }
    };
    if exec.same(p, &current, &p.after) {
        row.before = op
            .started
            .as_ref()
            .map_or_else(|| current.clone(), |s| s.before.clone());
        // A write was attempted (interrupted, or reported as failed) and the value is there: it landed.
        let attempted =
            op.started.is_some() && matches!(op.status, OpStatus::InDoubt | OpStatus::Failed);
        let (outcome, msg) = if attempted {
            (
                Outcome::Applied,
                "an earlier, interrupted or failed attempt had written it; found the planned value",
            )
        } else {
            (Outcome::Skipped, "already has the planned value")
        };
        let m = Some(msg.to_owned());
        let found = record(journal, &mut row, batched, outcome, Some(current), m)?;
        return Ok(Checked::Done(row, found));
    }
    row.before = current.clone();
    if !exec.same(p, &current, &p.before) {
        let msg = format!(
            "changed since the plan: planned from {}, found {}; not written",
            exec.describe(p, &p.before),
            exec.describe(p, &current)
        );
        let c = Some(current);
        let found = record(journal, &mut row, batched, Outcome::Conflict, c, Some(msg))?;
        return Ok(Checked::Done(row, found));
    }
    Ok(Checked::Ready(row, current))
}

/// Runs one operation, journaled: the one write path of every command (dirsync writes, bypass, undo,
/// remediation steps). See the module documentation for the outcomes.
pub(crate) async fn run_one<E: OpExecutor>(
    journal: &mut JournalWriter,
    op: &OpState,
    exec: &E,
    writes: &mut usize,
) -> Result<Ran, AppError> {
    let (mut row, current) = match run_checks(journal, op, exec, false).await? {
        Checked::Done(row, found) => return Ok(Ran { row, found }),
        Checked::Ready(row, current) => (row, current),
    };
    let p = &op.planned;
    let at = journal.clock().now_iso();
    journal.append(&Entry::Started(Started {
        seq: p.seq,
        before: current.clone(),
        at,
    }))?;
    let (outcome, after, message) = write_outcome(exec.write(p, &current).await, writes);
    let found = record(journal, &mut row, false, outcome, after, message)?;
    Ok(Ran { row, found })
}

/// The outcome of a write (counted in `writes` when applied): a conflict raised by the directory during the
/// write stays a conflict, any other error is a failure.
fn write_outcome(
    written: Result<Value, SourceError>,
    writes: &mut usize,
) -> (Outcome, Option<Value>, Option<String>) {
    match written {
        Ok(after) => {
            *writes += 1;
            (Outcome::Applied, Some(after), None)
        }
        Err(SourceError::Conflict(m)) => (
            Outcome::Conflict,
            None,
            Some(format!("changed during the write: {m}")),
        ),
        Err(e) => (Outcome::Failed, None, Some(format!("write failed: {e}"))),
    }
}

/// Numbers operations from 1 in order.
pub fn number(ops: &mut [Planned]) {
    for (i, op) in ops.iter_mut().enumerate() {
        op.seq = u64::try_from(i).map_or(u64::MAX, |i| i + 1);
    }
}

/// Starts a journal for `spec` and runs it.
///
/// # Errors
/// As [`start`] and [`execute`].
pub async fn apply<E: OpExecutor>(
    path: &Path,
    spec: &PlanSpec,
    exec: &E,
    clock: Clock,
    opts: RunOptions,
) -> Result<RunReport, AppError> {
    let mut journal = start(path, spec, clock)?;
    let ops = spec.ops.iter().cloned().map(OpState::pending).collect();
    execute(&mut journal, ops, exec, opts).await
}

/// Checks that a journal can be resumed: its plan was written completely.
///
/// # Errors
/// [`AppError::Invalid`] when the plan is incomplete (the run was killed while writing it, before any write:
/// start over).
pub fn check_resumable(log: &JournalLog) -> Result<(), AppError> {
    if log.plan_complete {
        Ok(())
    } else {
        Err(AppError::Invalid(format!(
            "{}: the plan in this journal is incomplete or altered (plan hash mismatch); nothing from it was \
             written; plan the run again",
            log.path.display()
        )))
    }
}

/// Continues a journal: records the resumption, then runs every operation that is not final.
///
/// # Errors
/// As [`check_resumable`] and [`execute`].
pub async fn resume<E: OpExecutor>(
    log: &JournalLog,
    exec: &E,
    clock: Clock,
    opts: RunOptions,
) -> Result<RunReport, AppError> {
    check_resumable(log)?;
    let mut journal = open_append(&log.path, clock)?;
    let at = journal.clock().now_iso();
    journal.append(&Entry::Resumed(Resumed {
        at,
        tool: tool_version(),
    }))?;
    execute(&mut journal, log.ops(), exec, opts).await
}
