//! What the journal's tests and its callers' tests share: a run or a resume at the epoch with the default
//! options, expected to succeed.

use std::path::Path;

use super::{Clock, JournalLog, OpExecutor, PlanSpec, RunOptions, RunReport, apply, resume};

/// [`apply`] at time 0 with the default options; panics when the run cannot start.
pub(crate) async fn apply_at_zero<E: OpExecutor>(
    path: &Path,
    spec: &PlanSpec,
    exec: &E,
) -> RunReport {
    apply(path, spec, exec, Clock::fixed(0), RunOptions::default())
        .await
        .unwrap()
}

/// [`resume`] at time 0 with the default options; panics when the journal cannot be resumed.
pub(crate) async fn resume_at_zero<E: OpExecutor>(log: &JournalLog, exec: &E) -> RunReport {
    resume(log, exec, Clock::fixed(0), RunOptions::default())
        .await
        .unwrap()
}

/// [`apply`] at time 0 that stops after `max_writes` writes; panics when the run cannot start.
pub(crate) async fn apply_limited<E: OpExecutor>(
    path: &Path,
    spec: &PlanSpec,
    exec: &E,
    max_writes: usize,
) -> RunReport {
    let opts = RunOptions {
        max_writes: Some(max_writes),
    };
    apply(path, spec, exec, Clock::fixed(0), opts)
        .await
        .unwrap()
}

/// The message the run recorded for its `i`-th operation; panics when there is none.
pub(crate) fn message_of(report: &RunReport, i: usize) -> &str {
    report.ops[i].message.as_deref().unwrap()
}
