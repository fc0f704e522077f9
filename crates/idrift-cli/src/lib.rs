//! The `idrift` command line.
//!
//! `main.rs` calls [`main`]; tests call [`run`] with their own argument list and output buffers, so the
//! whole CLI can be driven in-process. This crate parses arguments, reads the clock and the environment
//! (it is a composition root), picks the sources, calls `idrift-app`, and renders results as tables, CSV
//! or JSON. Exit codes: 0 when a command ran (drift is data, not an error), 1 when input could not be read
//! or an operation failed (an unknown user included), 2 for usage errors, 3 when a command ran and found
//! what it was asked to alert on (`--fail-on`). Colour, progress and table widths follow [`term::Term`]; a closed pipe
//! ends the command quietly with status 0.
#![forbid(unsafe_code)]

mod cmd;
mod examples;
pub mod huge_pages;
mod output;
mod profile;
mod progress;
mod source;
mod term;

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
    /// The terminal facts of standard output and error (tests use `Term::default()`: pipes).
    pub(crate) term: term::Term,
    /// Large results a command hands back instead of freeing them (see [`Retained`]).
    pub(crate) retained: &'a mut Retained,
    /// Progress bars, when standard error is a terminal and `--quiet` is not given.
    pub(crate) progress: Option<std::sync::Arc<progress::Bars>>,
    /// `--encoding utf8bom`: CSV output starts with a byte order mark.
    pub(crate) csv_bom: bool,
    /// The warnings this run produced so far (also printed on standard error unless `--quiet`); every JSON
    /// result carries them as `"Warnings"`.
    pub(crate) warnings: Vec<String>,
}

impl Ctx<'_> {
    /// The hook live readers report their progress to (nowhere unless bars are drawn).
    pub(crate) fn progress_hook(&self) -> idrift_core::ports::ProgressHook {
        self.progress
            .as_ref()
            .map(progress::Bars::hook)
            .unwrap_or_default()
    }

    /// The encoding of CSV files (`--encoding`).
    pub(crate) fn csv_encoding(&self) -> idrift_app::files::CsvEncoding {
        if self.csv_bom {
            idrift_app::files::CsvEncoding::Utf8Bom
        } else {
            idrift_app::files::CsvEncoding::Utf8
        }
    }

    /// Reports a warning: printed on standard error as `warning: ...` (nothing with `--quiet`) and kept for
    /// the `"Warnings"` of a JSON result.
    pub(crate) fn warn(&mut self, message: impl Into<String>) -> std::io::Result<()> {
        let message = message.into();
        writeln!(self.err, "warning: {message}")?;
        self.warnings.push(message);
        Ok(())
    }

    /// Prints a JSON result (an object) on standard output with the run's `"Warnings"` added as its last
    /// key: the one envelope convention of every command.
    pub(crate) fn print_json(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let body = output::WithWarnings {
            result: value,
            warnings: &self.warnings,
        };
        serde_json::to_writer_pretty(&mut *self.out, &body)?;
        writeln!(self.out)?;
        Ok(())
    }

    /// Starts a CSV result on standard output (the byte order mark with `--encoding utf8bom`) and returns the
    /// writer of its records.
    pub(crate) fn csv_writer(&mut self) -> std::io::Result<csv::Writer<&mut dyn Write>> {
        output::csv_start(self.out, self.csv_bom)?;
        Ok(csv::Writer::from_writer(&mut *self.out))
    }

    /// Ends the live progress bars, leaving their summary lines (before a prompt or a result).
    pub(crate) fn settle_progress(&self) {
        if let Some(bars) = &self.progress {
            bars.settle();
        }
    }
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

/// The exit codes, shown at the end of `idrift --help` and in the README.
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  the command ran (drift found is data, not an error)
  1  input could not be read or an operation failed (an unknown user included)
  2  usage: the command line is wrong
  3  the command ran and found what it was asked to alert on: scan --fail-on SEVERITY (a finding that
     severe or worse), dirsync compare --fail-on drift, migration verify --fail-on-fail, lint when errors
     are found, diff when a finding is new

Environment: NO_COLOR, CLICOLOR_FORCE (colour; see --color), IDRIFT_LOG (diagnostic log filter, e.g. debug).";

#[derive(Debug, Parser)]
#[command(
    name = "idrift",
    version,
    about = "Find and safely repair drift between Active Directory and Entra ID / Exchange Online.",
    long_about = "Find and safely repair drift between on-premises Active Directory and Microsoft Entra ID / Exchange Online.\n\nWorks on live directories or offline on snapshots (exports), so data can be analysed without credentials. Every write is a dry run unless --apply is given.",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    /// Colour: auto (only on a terminal; honours NO_COLOR and CLICOLOR_FORCE), always or never.
    #[arg(long, global = true, value_enum, default_value_t = term::ColorChoice::Auto, value_name = "WHEN")]
    color: term::ColorChoice,
    /// Print nothing on standard error but errors (no progress, warnings or reminders).
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    /// The encoding of CSV output, files and standard output alike: utf8 (the default), or utf8bom for Excel (non-ASCII names intact).
    #[arg(long, global = true, value_enum, default_value_t = output::Encoding::Utf8, value_name = "ENCODING")]
    encoding: output::Encoding,
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
    #[command(after_help = crate::examples::UNDO)]
    Undo(cmd::undo::UndoArgs),
    /// Exchange hybrid health: duplicate mailboxes, at-risk users, GUID mismatches, soft-match collisions, routing addresses, provisioning errors.
    #[command(after_help = crate::examples::SCAN)]
    Scan(cmd::scan::ScanArgs),
    /// Remediation options for one user's findings, with exact steps (cmdlets and Graph calls).
    #[command(after_help = crate::examples::PLAN)]
    Plan(cmd::plan::PlanArgs),
    /// What changed between two scans (scan JSON files or snapshot directories): new, resolved and changed findings; exit 3 when anything is new.
    #[command(after_help = crate::examples::DIFF)]
    Diff(cmd::diff::DiffArgs),
    /// One self-contained HTML report (summary, DirSyncOverrides at risk, Exchange fixes, migrations, changes, trend) to hand over.
    #[command(after_help = crate::examples::REPORT)]
    Report(cmd::report::ReportArgs),
    /// Prepare AD for sync (replaces IdFix): IdFix's checks on users, contacts and groups, without its false positives. Exit 3 when errors are found.
    #[command(after_help = crate::examples::LINT)]
    #[command(mut_subcommand("apply", |c: clap::Command| c.after_help(crate::examples::LINT_APPLY)))]
    Lint(Box<cmd::lint::LintArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const COMPLETIONS_HELP: &str = "\
Examples:
  idrift completions bash > ~/.local/share/bash-completion/completions/idrift
  idrift completions zsh > ~/.zfunc/_idrift
  idrift completions fish > ~/.config/fish/completions/idrift.fish
  idrift completions powershell | Out-String | Invoke-Expression        # this session
  idrift completions powershell >> $PROFILE                             # every session";

/// Runs the CLI with `args` (the first item is the program name), writing to `out` and `err`, which are
/// taken to be files or pipes (no colour, no progress, full values).
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_on(
        args,
        out,
        err,
        term::Term::default(),
        &mut Retained::default(),
    )
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
    run_on(args, out, err, term::Term::default(), retained)
}

/// Runs the CLI on streams whose terminal facts are `term`.
fn run_on<I, T>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
    term: term::Term,
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
        term,
        retained,
        progress: None,
        csv_bom: false,
        warnings: Vec::new(),
    };
    run_with(args, ctx)
}

/// Runs the CLI with an explicit context (tests use this to fix the clock and the environment).
pub(crate) fn run_with<I, T>(args: I, ctx: Ctx<'_>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let term = ctx
                .term
                .configure(term::color_from_args(&args), false, ctx.env);
            let code = if e.use_stderr() { 2 } else { 0 };
            let styled = e.render();
            let (target, color): (&mut dyn Write, bool) = if e.use_stderr() {
                (ctx.err, term.color_err)
            } else {
                (ctx.out, term.color_out)
            };
            let rendered = if color {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            let _ = write!(target, "{rendered}");
            return ExitCode::from(code);
        }
    };
    let term = ctx.term.configure(cli.color, cli.quiet, ctx.env);
    let err = ctx.err;
    let mut sink = std::io::sink();
    let bars = (term.stderr_is_terminal && !term.quiet).then(progress::Bars::stderr);
    let result = {
        let mut safe_err = output::Escaping(&mut *err);
        let mut settled_err = progress::Settling {
            inner: &mut safe_err,
            bars: bars.clone(),
        };
        let mut settled_out = progress::Settling {
            inner: ctx.out,
            bars: bars.clone(),
        };
        let mut inner = Ctx {
            out: &mut settled_out,
            err: if term.quiet {
                &mut sink
            } else {
                &mut settled_err
            },
            stdin_is_terminal: ctx.stdin_is_terminal,
            now_unix: ctx.now_unix,
            env: ctx.env,
            term,
            retained: &mut *ctx.retained,
            progress: bars,
            csv_bom: cli.encoding == output::Encoding::Utf8bom,
            warnings: Vec::new(),
        };
        let result = dispatch(cli.command, &mut inner);
        inner.settle_progress();
        result
    };
    let color_err = term.color_err;
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let usage = e
                .downcast_ref::<idrift_app::AppError>()
                .is_some_and(idrift_app::AppError::is_usage)
                || e.downcast_ref::<UsageError>().is_some();
            let message = output::escape_lines(&error_text(&e));
            let _ = writeln!(err, "idrift: {} {message}", term::error_label(color_err));
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn dispatch(command: Command, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match command {
        Command::Dirsync { cmd } => cmd::dirsync::run(cmd, ctx),
        Command::Migration { cmd } => cmd::migration::run(cmd, ctx),
        Command::Snapshot { cmd } => cmd::snapshot::run(cmd, ctx),
        Command::Undo(args) => cmd::undo::run(args, ctx),
        Command::Scan(args) => cmd::scan::run(args, ctx),
        Command::Plan(args) => cmd::plan::run(args, ctx),
        Command::Diff(args) => cmd::diff::run(args, ctx),
        Command::Report(args) => cmd::report::run(args, ctx),
        Command::Lint(args) => cmd::lint::run(*args, ctx),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "idrift", ctx.out);
            ctx.out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The error and its causes, `: `-separated, each cause once: an error whose text already holds its cause's
/// (`PATH: cannot write: REASON`, with REASON also its source) does not repeat it.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// Whether the error is standard output having been closed by its reader (`idrift ... | head -1`): the
/// command ends quietly with status 0, as ripgrep and git do.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            // serde_json's `source()` skips the io::Error it wraps; ask it directly.
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}

/// An error in how the command was called (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);

/// The system clock in seconds since 1970: the run's start time and the journals' timestamps.
pub(crate) fn now_unix() -> i64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "composition root: the only place the CLI reads the clock"
    )]
    let now = std::time::SystemTime::now();
    idrift_app::journal::Clock::unix_seconds(now)
}

/// The binary's entry point: runs the process's command line on stdout and stderr; large results go to
/// `retained`, which the binary forgets.
pub fn main(retained: &mut Retained) -> ExitCode {
    init_tracing();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let code = run_on(
        std::env::args_os(),
        &mut out,
        &mut err,
        term::Term::detect(),
        retained,
    );
    // A reader that closed the pipe early is not an error (see `is_broken_pipe`).
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
mod test_support;
#[cfg(test)]
mod tests;
