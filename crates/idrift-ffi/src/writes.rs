//! Writers: the wire's side of the dry-run-or-apply tail every mutating operation shares
//! ([`idrift_app::ops::dirsync_writes`]). A request without `Apply` returns the planned writes and writes
//! nothing; with `Apply` (the host has asked for confirmation, e.g. PowerShell's ShouldProcess) the plan is
//! journaled and executed, and the per-operation outcome comes back.

use std::path::{Path, PathBuf};

use idrift_app::journal::{Clock, PlanSpec, RunOptions};
use idrift_app::ops::dirsync_writes::{self as op, Apply};
use idrift_core::ports::ProgressHook;

use crate::error::CallError;
use crate::targets::Targets;
use crate::wire::{WriteArgs, WriteResult};
use crate::{host, runtime};

/// The clock journal entries are stamped with.
pub(crate) fn clock() -> Clock {
    Clock::new(host::now_unix)
}

/// How `write` says to carry a run out, reporting to `hook`.
fn how<'a>(write: &WriteArgs, opts: RunOptions, hook: &'a ProgressHook) -> Apply<'a> {
    let (apply, clock) = (write.apply, clock());
    Apply {
        apply,
        opts,
        progress: hook,
        clock,
    }
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
        let message = "JournalPath is required when Apply is true (a file, or a directory for the default name)";
        return Err(CallError::invalid(op, message));
    };
    Ok(op::journal_file(given, command, host::now_unix()))
}

/// [`journal_path`], which must not exist yet; `hint` says what to do instead.
///
/// # Errors
/// As [`journal_path`]; [`CallError::InvalidArgs`] when the journal exists.
pub(crate) fn new_journal(
    op: &'static str,
    write: &WriteArgs,
    command: &str,
    hint: &str,
) -> Result<PathBuf, CallError> {
    let path = journal_path(op, write, command)?;
    if path.exists() {
        let message = format!("the journal {} already exists: {hint}", path.display());
        return Err(CallError::invalid(op, message));
    }
    Ok(path)
}

/// An empty result for `command`, to be filled by the caller.
pub(crate) fn result(command: &str, targets: &Targets) -> WriteResult {
    WriteResult::new(command, &targets.description)
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
    out: WriteResult,
) -> Result<WriteResult, CallError> {
    let hook = crate::progress::hook();
    let journal = |command: &str| journal_path(op, write, command);
    let how = how(write, opts, &hook);
    runtime::block_on(op::run(targets, spec, how, journal, after_apply, out))?
}

/// The journal `Resume` names, absolute; a run that resumes writes to it, so `JournalPath` must be left out.
///
/// # Errors
/// [`CallError::InvalidArgs`] when `JournalPath` is also given or the path is relative.
pub(crate) fn resumed<'a>(
    op: &'static str,
    write: &WriteArgs,
    journal_file: &'a Path,
) -> Result<&'a Path, CallError> {
    if write.journal_path.is_some() {
        let message = "Resume continues its own journal; leave out JournalPath";
        return Err(CallError::invalid(op, message));
    }
    Ok(journal_file)
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
    out: WriteResult,
) -> Result<WriteResult, CallError> {
    let journal_file = resumed(op, write, journal_file)?;
    let hook = crate::progress::hook();
    let how = how(write, opts, &hook);
    Ok(runtime::block_on(op::resume(
        targets,
        journal_file,
        how,
        out,
    ))??)
}
