//! Writers: the dry-run-or-apply tail every mutating operation shares, as the CLI's `run_plan` does it
//! (`idrift-cli/src/cmd/dirsync.rs`). A request without `Apply` returns the planned writes and writes
//! nothing; with `Apply` (the host has asked for confirmation, e.g. PowerShell's ShouldProcess) the plan is
//! journaled and executed through `idrift_app::journal`, and the per-operation outcome comes back.

use std::path::{Path, PathBuf};

use idrift_app::journal::{self, Clock, PlanSpec, RunOptions, Stepped};

use crate::error::CallError;
use crate::targets::{Targets, absolute};
use crate::wire::{WriteArgs, WriteResult};
use crate::{host, runtime};

/// The clock journal entries are stamped with.
pub(crate) fn clock() -> Clock {
    Clock::new(host::now_unix)
}

/// Where the journal goes: `JournalPath` itself, or the default file name inside it when it is a directory.
///
/// # Errors
/// [`CallError::InvalidArgs`] when `JournalPath` is missing or relative.
pub(crate) fn journal_path(
    op: &'static str,
    write: &WriteArgs,
    command: &str,
) -> Result<PathBuf, CallError> {
    let Some(given) = &write.journal_path else {
        return Err(CallError::InvalidArgs {
            op,
            message: "JournalPath is required when Apply is true (a file, or a directory for the default name)"
                .to_owned(),
        });
    };
    let given = absolute(op, "JournalPath", given)?;
    Ok(if given.is_dir() {
        free_name(
            given,
            &journal::default_file_name(command, host::now_unix()),
        )
    } else {
        given.to_path_buf()
    })
}

/// `dir/name`, or when that exists (another run in the same second) the first free `…-N.journal.jsonl`.
pub(crate) fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let stem = name.strip_suffix(".journal.jsonl").unwrap_or(name);
    for n in 2_u32..10_000 {
        let next = dir.join(format!("{stem}-{n}.journal.jsonl"));
        if !next.exists() {
            return next;
        }
    }
    first
}

/// An empty result for `command`, to be filled by the caller.
pub(crate) fn result(command: &str, targets: &Targets) -> WriteResult {
    WriteResult {
        command: command.to_owned(),
        writes_to: targets.description.clone(),
        applied: false,
        planned: Vec::new(),
        report: None,
        journal_path: None,
        notes: Vec::new(),
        not_planned: Vec::new(),
        preview: None,
        item_errors: Vec::new(),
    }
}

/// Runs `spec`: a dry run (the plan only) unless `write.apply`, else journaled execution.
///
/// # Errors
/// [`CallError::InvalidArgs`] without a usable `JournalPath`; the journal's write errors.
pub(crate) fn run(
    op: &'static str,
    targets: &Targets,
    spec: &PlanSpec,
    write: &WriteArgs,
    opts: RunOptions,
    after_apply: Option<&str>,
    mut out: WriteResult,
) -> Result<WriteResult, CallError> {
    out.planned = spec.ops.clone();
    if spec.ops.is_empty() || !write.apply {
        return Ok(out);
    }
    let path = journal_path(op, write, &spec.command)?;
    let hook = crate::progress::hook();
    let exec = Stepped::new(targets.executor(), &hook, spec.ops.len());
    let report = runtime::block_on(journal::apply(&path, spec, &exec, clock(), opts))??;
    if report.writes > 0
        && let Some(reminder) = after_apply
    {
        out.notes.push(reminder.to_owned());
    }
    out.applied = true;
    out.journal_path = Some(path);
    out.report = Some(report);
    Ok(out)
}

/// Continues a journal: the remaining operations (dry run), or their execution with `write.apply`.
///
/// # Errors
/// [`CallError::InvalidArgs`] when `JournalPath` is also given; the journal's read and write errors.
pub(crate) fn resume(
    op: &'static str,
    targets: &Targets,
    journal_file: &Path,
    write: &WriteArgs,
    opts: RunOptions,
    mut out: WriteResult,
) -> Result<WriteResult, CallError> {
    if write.journal_path.is_some() {
        return Err(CallError::InvalidArgs {
            op,
            message: "Resume continues its own journal; leave out JournalPath".to_owned(),
        });
    }
    let log = journal::read(absolute(op, "Resume", journal_file)?)?;
    out.notes.extend(log.warnings.iter().cloned());
    journal::check_resumable(&log)?;
    let remaining = log.remaining();
    out.command = remaining.command;
    out.journal_path = Some(log.path.clone());
    out.planned = remaining.ops;
    if out.planned.is_empty() || !write.apply {
        return Ok(out);
    }
    let hook = crate::progress::hook();
    let exec = Stepped::new(targets.executor(), &hook, out.planned.len());
    let report = runtime::block_on(journal::resume(&log, &exec, clock(), opts))??;
    out.applied = true;
    out.report = Some(report);
    Ok(out)
}
