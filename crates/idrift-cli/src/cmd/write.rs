//! What every mutating command shares (`dirsync set|clear|persist`, `dirsync bypass enable|disable`,
//! `undo`): the write flags, opening the targets, confirmation, and the run itself, printed as a table or
//! as the run envelope of `--format json|csv`.
//!
//! The JSON envelope, the same for every write and dry run (`lint apply` included; a dry run as JSON is the
//! plan a script inspects before `--apply`):
//!
//! ```text
//! {"Command": "dirsync persist", "DryRun": true, "Journal": "<path>", "WritesTo": "<targets>",
//!  "Planned": [{"Seq", "Op", "Target", "Locator", "Before", "After"}...],
//!  "Outcome": null | {"Journal", "Ops": [{"Seq", "Op", "Target", "Status", "Before", "After", "Message"?,
//!                     "ThisRun"}...], "Writes", "StoppedAtLimit"},
//!  "Warnings": ["..."],
//!  ...command-specific keys (e.g. "Preview" for bypass enable, "Refused" for lint apply)}
//! ```
//!
//! CSV is one row per operation: `Seq,Target,Attribute,Before,After,Outcome,Note` (Outcome empty in a dry
//! run).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use idrift_app::dirsync_ops::{self, OP_AD_PHONES, OP_BYPASS, OP_ENTRA_MOBILE};

use idrift_app::AppError;
use idrift_app::journal::{self, Clock, OpStatus, PlanSpec, Planned, RunOptions, RunReport};
use idrift_app::ops::dirsync_writes::{self, Apply, WriteRun};
use idrift_core::ports::{OnPremPhoneWriter, TenantSyncAdmin};
use serde_json::{Map, Value, json};

use crate::output::{Format, escape, table, table_rows};
use crate::source::SourceArgs;
use crate::{Ctx, UsageError};

/// Options every mutating command shares.
#[derive(Debug, Clone, Args)]
pub(crate) struct WriteArgs {
    /// Execute the writes. Without it, a dry run prints what would be written and writes nothing.
    #[arg(long)]
    pub(crate) apply: bool,
    /// Do not ask for confirmation (required when standard input is not a terminal).
    #[arg(long)]
    pub(crate) yes: bool,
    /// The journal file to create (default: idrift-<command>_<time>.journal.jsonl in the current directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) journal: Option<PathBuf>,
}

/// The write options with the output of the run envelope, as the dirsync writers and `undo` take them.
#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) write: WriteArgs,
    /// Output: table, json (the run envelope: Command, DryRun, Journal, Planned, Outcome), csv (one row per write).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

/// Runs a command body on a single-threaded runtime (the CLI is a composition root).
pub(crate) fn block_on<T, F: Future<Output = anyhow::Result<T>>>(f: F) -> anyhow::Result<T> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(f)
}

/// The clock journal entries are stamped with.
pub(crate) fn system_clock() -> Clock {
    Clock::new(crate::now_unix)
}

/// The directories a command writes to (and reads from): live directories, or a snapshot being rehearsed on.
pub(crate) use idrift_app::targets::WriteTargets as Targets;

/// The sides of [`Targets`], with the CLI's words for a missing one.
pub(crate) trait Sides {
    /// The AD side, or a usage error naming the flags that give it.
    fn ad(&self) -> anyhow::Result<&dyn OnPremPhoneWriter>;
    /// The Entra ID side, or a usage error naming the flags that give it.
    fn cloud(&self) -> anyhow::Result<&dyn TenantSyncAdmin>;
}

impl Sides for Targets {
    fn ad(&self) -> anyhow::Result<&dyn OnPremPhoneWriter> {
        Ok(self.ad_side(&crate::source::CliNames)?)
    }

    fn cloud(&self) -> anyhow::Result<&dyn TenantSyncAdmin> {
        Ok(self.cloud_side(&crate::source::CliNames)?)
    }
}

/// Opens the directories the source arguments name, for reading and writing.
///
/// A snapshot directory (or single export files) is written in place: this rehearses a repair offline.
/// The bundled demo is read-only.
pub(crate) async fn open_targets(src: &SourceArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<Targets> {
    let spec = src.spec(ctx)?;
    let opened = idrift_app::source::open_writers(&spec, &crate::source::resolver(ctx)).await?;
    for w in &opened.warnings {
        ctx.warn(w.clone())?;
    }
    Ok(opened)
}

/// Asks "question [y/N]" on a terminal. Without a terminal it refuses (unless `--yes`), never waits.
pub(crate) fn confirm(ctx: &mut Ctx<'_>, yes: bool, question: &str) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    ctx.settle_progress();
    if ctx.term.quiet {
        // The prompt would go to standard error, which --quiet silences: refuse rather than ask unseen.
        return Err(UsageError(format!(
            "{question}: this needs confirmation and --quiet hides the prompt; pass --yes to confirm, or leave out --quiet"
        ))
        .into());
    }
    if !ctx.stdin_is_terminal {
        return Err(UsageError(format!(
            "{question}: this needs confirmation and standard input is not a terminal; pass --yes to confirm"
        ))
        .into());
    }
    write!(ctx.err, "{question} [y/N] ")?;
    ctx.err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    let a = answer.trim().to_ascii_lowercase();
    Ok(a == "y" || a == "yes")
}

/// [`confirm`] for the writes of a run: declined, it says that nothing was written.
pub(crate) fn confirm_writes(ctx: &mut Ctx<'_>, yes: bool, question: &str) -> anyhow::Result<bool> {
    let confirmed = confirm(ctx, yes, question)?;
    if !confirmed {
        writeln!(ctx.err, "Not confirmed: nothing was written.")?;
    }
    Ok(confirmed)
}

/// The attribute an operation writes, in words.
pub(crate) fn op_label(op: &str) -> &str {
    match op {
        OP_AD_PHONES => "AD mobile/otherMobile",
        OP_ENTRA_MOBILE => "Entra mobilePhone",
        OP_BYPASS => "BypassDirSyncOverrides",
        other => other,
    }
}

/// Prints planned operations with their before and after values.
pub(crate) fn render_plan(ctx: &mut Ctx<'_>, ops: &[Planned]) -> anyhow::Result<()> {
    let rows = table_rows(ops, |o| {
        vec![
            o.target.clone(),
            op_label(&o.op).to_owned(),
            dirsync_ops::describe_value(&o.op, &o.before),
            dirsync_ops::describe_value(&o.op, &o.after),
        ]
    });
    write!(
        ctx.out,
        "{}",
        table(
            &["Target", "Attribute", "Before", "After"],
            &rows,
            ctx.term.width
        )
    )?;
    Ok(())
}

/// The note of an outcome row.
fn outcome_note(o: &journal::OpReport) -> String {
    let mut note = o.message.clone().unwrap_or_default();
    if o.status == OpStatus::Pending {
        note = "not written yet (--limit reached)".to_owned();
    } else if !o.this_run {
        note = format!("(earlier run) {note}").trim_end().to_owned();
    }
    note
}

/// Prints the per-user outcome table and the totals.
pub(crate) fn render_report(ctx: &mut Ctx<'_>, report: &RunReport) -> anyhow::Result<()> {
    let rows = table_rows(&report.ops, |o| {
        vec![
            o.target.clone(),
            op_label(&o.op).to_owned(),
            o.status.label().to_owned(),
            dirsync_ops::describe_value(&o.op, &o.before),
            dirsync_ops::describe_value(&o.op, &o.after),
            outcome_note(o),
        ]
    });
    writeln!(ctx.out)?;
    write!(
        ctx.out,
        "{}",
        table(
            &["Target", "Attribute", "Outcome", "Before", "After", "Note"],
            &rows,
            ctx.term.width
        )
    )?;
    writeln!(
        ctx.out,
        "\n{} applied, {} skipped, {} conflict, {} failed, {} pending ({} write(s) in this run)",
        report.count(OpStatus::Applied),
        report.count(OpStatus::Skipped),
        report.count(OpStatus::Conflict),
        report.count(OpStatus::Failed),
        report.count(OpStatus::Pending) + report.count(OpStatus::InDoubt),
        report.writes
    )?;
    Ok(())
}

fn journal_path(write: &WriteArgs, command: &str, now_unix: i64) -> PathBuf {
    write
        .journal
        .clone()
        .unwrap_or_else(|| PathBuf::from(journal::default_file_name(command, now_unix)))
}

/// How a plan is run.
pub(crate) struct RunSpec<'a> {
    pub(crate) spec: &'a PlanSpec,
    pub(crate) write: &'a WriteArgs,
    pub(crate) question: String,
    pub(crate) opts: RunOptions,
    /// Printed after an apply (the initial-sync reminder).
    pub(crate) after_apply: Option<&'a str>,
    /// How the run is printed.
    pub(crate) format: Format,
    /// Command-specific keys of the JSON envelope (e.g. `Preview`).
    pub(crate) extra: Map<String, Value>,
}

/// The run envelope of `--format json` (see the module documentation).
fn envelope(
    run: &RunSpec<'_>,
    journal: &Path,
    writes_to: &str,
    planned: &[Planned],
    outcome: Option<&RunReport>,
) -> anyhow::Result<Value> {
    let mut body = Map::new();
    body.insert("Command".into(), json!(run.spec.command));
    body.insert("DryRun".into(), json!(!run.write.apply));
    body.insert("Journal".into(), json!(journal));
    body.insert("WritesTo".into(), json!(writes_to));
    body.insert("Planned".into(), serde_json::to_value(planned)?);
    body.insert("Outcome".into(), serde_json::to_value(outcome)?);
    for (k, v) in &run.extra {
        body.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(body))
}

/// How the rows of a run's CSV word an operation: its attribute and its values.
#[derive(Clone, Copy)]
pub(crate) struct OpText {
    /// The attribute a planned operation writes.
    pub(crate) attribute: fn(&Planned) -> String,
    /// A before or after value of an operation (`op`, value).
    pub(crate) value: fn(&str, &Value) -> String,
}

/// The wording of the dirsync operations (phones, mobilePhone, the bypass switch).
pub(crate) const DIRSYNC_TEXT: OpText = OpText {
    attribute: |o| op_label(&o.op).to_owned(),
    value: dirsync_ops::describe_value,
};

/// Prints a run (or a dry run, `outcome` absent) as JSON or CSV, its operations worded by `text`.
pub(crate) fn print_machine(
    ctx: &mut Ctx<'_>,
    run: &RunSpec<'_>,
    journal: &Path,
    writes_to: &str,
    planned: &[Planned],
    outcome: Option<&RunReport>,
    text: OpText,
) -> anyhow::Result<()> {
    if run.format == Format::Json {
        let body = envelope(run, journal, writes_to, planned, outcome)?;
        ctx.print_json(&body)?;
        return Ok(());
    }
    let mut w = ctx.csv_writer()?;
    w.write_record(idrift_core::csv_cell::cells(&[
        "Seq",
        "Target",
        "Attribute",
        "Before",
        "After",
        "Outcome",
        "Note",
    ]))?;
    // An outcome names its operation by number: the attribute comes from the planned operation.
    let attribute = |seq: u64, op: &str| {
        planned
            .iter()
            .find(|p| p.seq == seq)
            .map_or_else(|| op_label(op).to_owned(), |p| (text.attribute)(p))
    };
    let mut write_row =
        |seq: u64, target: &str, op: &str, b: &Value, a: &Value, st: &str, n: &str| {
            w.write_record(idrift_core::csv_cell::cells(&[
                seq.to_string().as_str(),
                target,
                &attribute(seq, op),
                &(text.value)(op, b),
                &(text.value)(op, a),
                st,
                n,
            ]))
        };
    match outcome {
        Some(r) => {
            for o in &r.ops {
                let note = outcome_note(o);
                write_row(
                    o.seq,
                    &o.target,
                    &o.op,
                    &o.before,
                    &o.after,
                    o.status.label(),
                    &note,
                )?;
            }
        }
        None => {
            for o in planned {
                write_row(o.seq, &o.target, &o.op, &o.before, &o.after, "", "")?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// What the front half of a write ([`present`]) decided.
pub(crate) enum Go {
    /// Confirmed: write, into this new journal.
    Apply(PathBuf),
    /// Nothing (more) to do: nothing to write, a dry run, or not confirmed.
    Done(ExitCode),
}

/// The front half of every mutating command: the journal path, the plan (table) or the dry run (envelope),
/// the refusal of an existing journal, and the confirmation.
pub(crate) fn present(ctx: &mut Ctx<'_>, writes_to: &str, run: &RunSpec<'_>) -> anyhow::Result<Go> {
    let path = journal_path(run.write, &run.spec.command, ctx.now_unix);
    let text = run.format == Format::Table;
    if run.spec.ops.is_empty() {
        if text {
            writeln!(ctx.out, "Nothing to write.")?;
        } else {
            print_machine(ctx, run, &path, writes_to, &[], None, DIRSYNC_TEXT)?;
        }
        return Ok(Go::Done(ExitCode::SUCCESS));
    }
    if text {
        if run.write.apply {
            writeln!(ctx.out, "Journal: {}", escape(&path.display().to_string()))?;
        } else {
            writeln!(
                ctx.out,
                "Dry run: nothing is written. With --apply the journal is {}",
                escape(&path.display().to_string())
            )?;
        }
        writeln!(ctx.out, "Writes to {}:", escape(writes_to))?;
        render_plan(ctx, &run.spec.ops)?;
    }
    if !run.write.apply {
        if text {
            writeln!(
                ctx.out,
                "\nDry run: {} write(s) planned, none made. Run again with --apply to write.",
                run.spec.ops.len()
            )?;
        } else {
            print_machine(
                ctx,
                run,
                &path,
                writes_to,
                &run.spec.ops,
                None,
                DIRSYNC_TEXT,
            )?;
        }
        return Ok(Go::Done(ExitCode::SUCCESS));
    }
    if path.exists() {
        return Err(journal_exists(&path, true));
    }
    if !confirm_writes(ctx, run.write.yes, &run.question)? {
        return Ok(Go::Done(ExitCode::from(1)));
    }
    Ok(Go::Apply(path))
}

/// The refusal of a journal that exists: a new run never writes into an old journal (`resumable`: the
/// command continues one with `--resume`).
pub(crate) fn journal_exists(path: &Path, resumable: bool) -> anyhow::Error {
    let continue_it = if resumable {
        "continue it with --resume, or "
    } else {
        ""
    };
    UsageError(format!(
        "{}: journal already exists; {continue_it}name a new one with --journal",
        path.display()
    ))
    .into()
}

/// The back half: the outcome of a run as a table (with how to undo) or as the run envelope.
pub(crate) fn conclude(
    ctx: &mut Ctx<'_>,
    writes_to: &str,
    run: &RunSpec<'_>,
    report: &RunReport,
) -> anyhow::Result<ExitCode> {
    ctx.settle_progress();
    if run.format != Format::Table {
        print_outcome(ctx, run, writes_to, report, DIRSYNC_TEXT)?;
        return Ok(exit_code(report));
    }
    finish(ctx, report, run.after_apply)
}

/// The run envelope of `report`, the outcome of `run` (for a format other than the table).
pub(crate) fn print_outcome(
    ctx: &mut Ctx<'_>,
    run: &RunSpec<'_>,
    writes_to: &str,
    report: &RunReport,
    text: OpText,
) -> anyhow::Result<()> {
    print_machine(
        ctx,
        run,
        &report.journal,
        writes_to,
        &run.spec.ops,
        Some(report),
        text,
    )
}

/// The common tail of every mutating command: [`present`], the journaled run of
/// [`idrift_app::ops::dirsync_writes::run`] (the one the FFI's writers run), and [`conclude`].
pub(crate) async fn run_plan(
    ctx: &mut Ctx<'_>,
    targets: &Targets,
    run: RunSpec<'_>,
) -> anyhow::Result<ExitCode> {
    let path = match present(ctx, &targets.description, &run)? {
        Go::Apply(path) => path,
        Go::Done(code) => return Ok(code),
    };
    let hook = ctx.progress_hook();
    let how = Apply {
        apply: true,
        opts: run.opts,
        progress: &hook,
        clock: system_clock(),
    };
    let out = WriteRun::new(&run.spec.command, &targets.description);
    let journal = |_: &str| Ok::<_, AppError>(path);
    let done = dirsync_writes::run(targets, run.spec, how, journal, None, out).await?;
    match &done.report {
        Some(report) => conclude(ctx, &targets.description, &run, report),
        None => Ok(ExitCode::SUCCESS),
    }
}

pub(crate) fn exit_code(report: &RunReport) -> ExitCode {
    if report.has_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints the outcome of an apply or a resume as a table, with the journal and how to undo.
pub(crate) fn finish(
    ctx: &mut Ctx<'_>,
    report: &RunReport,
    after_apply: Option<&str>,
) -> anyhow::Result<ExitCode> {
    render_report(ctx, report)?;
    let replanned = report.replanned();
    if replanned > 0 {
        writeln!(
            ctx.out,
            "Re-planned {replanned}: the journal recorded them as written, but the target did not hold the \
             written values (each is marked \"re-planned\" above)"
        )?;
    }
    if report.stopped_at_limit {
        writeln!(
            ctx.out,
            "Stopped at the --limit; continue with --resume {}",
            report.journal.display()
        )?;
    }
    if report.writes > 0
        && !report.stopped_at_limit
        && let Some(reminder) = after_apply
    {
        writeln!(ctx.out, "{reminder}")?;
    }
    writeln!(ctx.out, "Journal: {}", report.journal.display())?;
    if report.writes > 0 {
        writeln!(
            ctx.out,
            "Undo with: idrift undo {} --apply (plus the same source options)",
            report.journal.display()
        )?;
    }
    Ok(exit_code(report))
}
