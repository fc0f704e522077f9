//! The `idrift` command line.
//!
//! `main.rs` calls [`main`]; tests call [`run`] with their own argument list and output buffers, so the
//! whole CLI can be driven in-process. This crate parses arguments, reads the clock and the environment
//! (it is a composition root), picks the sources, calls `idrift-app`, and renders results as tables, CSV
//! or JSON. Exit codes: 0 when a command ran (drift is data, not an error), 1 when input could not be read
//! or an operation failed, 2 for usage errors.
#![forbid(unsafe_code)]

mod cmd;
mod output;
mod profile;
mod source;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Everything a command needs from its surroundings.
pub(crate) struct Ctx<'a> {
    /// Standard output (or a test buffer).
    pub(crate) out: &'a mut dyn Write,
    /// Standard error (or a test buffer): warnings, progress, reminders.
    pub(crate) err: &'a mut dyn Write,
    /// Whether standard input is a terminal (interactive confirmation is possible).
    pub(crate) stdin_is_terminal: bool,
    /// Seconds since the Unix epoch when the command started.
    pub(crate) now_unix: i64,
    /// Reads an environment variable (the one door to the environment).
    pub(crate) env: &'a dyn Fn(&str) -> Option<String>,
    /// Large results a command hands back instead of freeing them (see [`Retained`]).
    pub(crate) retained: &'a mut Retained,
}

/// Large results (a loaded snapshot, a report) that commands hand back instead of freeing.
///
/// `run` frees them like any value; the binary's `main` forgets them, because the process ends with the
/// command and returning a million users to the allocator string by string only delays the exit.
#[derive(Default)]
pub struct Retained(Vec<Box<dyn std::any::Any>>);

impl Retained {
    /// Keeps `value` alive until the holder is dropped or forgotten.
    pub(crate) fn keep<T: 'static>(&mut self, value: T) {
        self.0.push(Box::new(value));
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "idrift",
    version,
    about = "Find and safely repair drift between Active Directory and Entra ID / Exchange Online.",
    long_about = "Find and safely repair drift between on-premises Active Directory and Microsoft Entra ID / Exchange Online.\n\nWorks on live directories or offline on snapshots (exports), so data can be analysed without credentials. Every write is a dry run unless --apply is given."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// DirSyncOverrides: compare AD mobile/otherMobile with Entra ID (Compare-ADSyncToolsDirSyncOverrides).
    Dirsync {
        #[command(subcommand)]
        cmd: cmd::dirsync::DirsyncCommand,
    },
    /// Mailbox migrations: verify a move folder by folder (MailboxVerification), not by "Data migrated".
    Migration {
        #[command(subcommand)]
        cmd: cmd::migration::MigrationCommand,
    },
    /// Snapshots: export live directories to files that every command can read offline.
    Snapshot {
        #[command(subcommand)]
        cmd: cmd::snapshot::SnapshotCommand,
    },
    /// Undo a journaled run: restore the values found before each of its writes (dry run unless --apply).
    Undo(cmd::undo::UndoArgs),
    /// Exchange hybrid health: duplicate mailboxes, at-risk users, GUID mismatches, soft-match collisions, routing addresses, provisioning errors.
    Scan(cmd::scan::ScanArgs),
    /// Remediation options for one user's findings, with exact steps (cmdlets and Graph calls).
    Plan(cmd::plan::PlanArgs),
    /// What changed between two scans (scan JSON files or snapshot directories): new, resolved and changed findings; exit 3 when anything is new.
    Diff(cmd::diff::DiffArgs),
    /// One self-contained HTML report (summary, DirSyncOverrides at risk, Exchange fixes, migrations, changes, trend) to hand over.
    Report(cmd::report::ReportArgs),
    /// Prepare AD for sync (replaces IdFix): IdFix's checks on users, contacts and groups, without its false positives. Exit 3 when errors are found.
    Lint(cmd::lint::LintArgs),
}

/// Runs the CLI with `args` (the first item is the program name), writing to `out` and `err`.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_retaining(args, out, err, &mut Retained::default())
}

/// Like [`run`], but large results are handed to `retained` instead of being freed (the binary forgets them).
pub fn run_retaining<I, T>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
    retained: &mut Retained,
) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let env = |name: &str| -> Option<String> {
        #[expect(
            clippy::disallowed_methods,
            reason = "composition root: the CLI's one door to the environment"
        )]
        std::env::var(name).ok()
    };
    let ctx = Ctx {
        out,
        err,
        stdin_is_terminal: std::io::stdin().is_terminal(),
        now_unix: now_unix(),
        env: &env,
        retained,
    };
    run_with(args, ctx)
}

/// Runs the CLI with an explicit context (tests use this to fix the clock and the environment).
pub(crate) fn run_with<I, T>(args: I, mut ctx: Ctx<'_>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let rendered = e.render().ansi().to_string();
            let target: &mut dyn Write = if e.use_stderr() { ctx.err } else { ctx.out };
            let _ = write!(target, "{rendered}");
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Dirsync { cmd } => cmd::dirsync::run(cmd, &mut ctx),
        Command::Migration { cmd } => cmd::migration::run(cmd, &mut ctx),
        Command::Snapshot { cmd } => cmd::snapshot::run(cmd, &mut ctx),
        Command::Undo(args) => cmd::undo::run(args, &mut ctx),
        Command::Scan(args) => cmd::scan::run(args, &mut ctx),
        Command::Plan(args) => cmd::plan::run(args, &mut ctx),
        Command::Diff(args) => cmd::diff::run(args, &mut ctx),
        Command::Report(args) => cmd::report::run(args, &mut ctx),
        Command::Lint(args) => cmd::lint::run(args, &mut ctx),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let usage = e
                .downcast_ref::<idrift_app::AppError>()
                .is_some_and(idrift_app::AppError::is_usage)
                || e.downcast_ref::<UsageError>().is_some();
            let _ = writeln!(ctx.err, "idrift: error: {e:#}");
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// An error in how the command was called (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);

fn now_unix() -> i64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "composition root: the only place the CLI reads the clock"
    )]
    let now = std::time::SystemTime::now();
    now.duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The binary's entry point: runs the process's command line on stdout and stderr; large results go to
/// `retained`, which the binary forgets.
pub fn main(retained: &mut Retained) -> ExitCode {
    init_tracing();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let code = run_retaining(std::env::args_os(), &mut out, &mut err, retained);
    let _ = out.flush();
    code
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    #[expect(
        clippy::disallowed_methods,
        reason = "composition root: log filter from IDRIFT_LOG"
    )]
    let filter = std::env::var("IDRIFT_LOG").unwrap_or_else(|_| "warn".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests;
