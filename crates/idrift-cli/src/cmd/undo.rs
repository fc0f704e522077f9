//! `idrift undo JOURNAL`: restores the values a journaled run found before each of its writes.
//!
//! The undo is itself a plan run through the journal machinery: a dry run unless `--apply`, confirmation
//! unless `--yes`, a journal of its own (so an interrupted undo can be inspected and undone in turn), and a
//! conflict, not a write, for any object changed since the run being undone.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_app::dirsync_ops::{INITIAL_SYNC_REMINDER, OP_AD_PHONES, OP_BYPASS};
use idrift_app::journal::{self, RunOptions};

use crate::Ctx;
use crate::cmd::write::{RunSpec, WriteArgs, block_on, open_targets, run_plan};
use crate::output::Format;
use crate::source::SourceArgs;

/// Arguments of `idrift undo`.
#[derive(Debug, Args)]
pub(crate) struct UndoArgs {
    /// The journal of the run to undo (printed by that run).
    #[arg(value_name = "JOURNAL")]
    journal_file: PathBuf,
    /// The directories the run wrote to (the same --ad/--entra/--snapshot options it was given).
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    write: WriteArgs,
    /// Output: table, json (the run envelope: Command, DryRun, Journal, Planned, Outcome), csv (one row per write).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `idrift undo`.
pub(crate) fn run(args: UndoArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    block_on(undo(args, ctx))
}

async fn undo(args: UndoArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let log = journal::read(&args.journal_file)?;
    for w in &log.warnings {
        ctx.warn(w.clone())?;
    }
    if idrift_app::remediate::remediation_note(&log).is_ok() {
        return crate::cmd::plan::undo_remediation(&log, &args.source, &args.write, ctx).await;
    }
    if idrift_app::lint::is_lint_journal(&log) {
        return crate::cmd::lint::undo(&log, &args.source, &args.write, args.format, ctx).await;
    }
    let (spec, not_undone) = journal::undo_spec(&log);
    for n in &not_undone {
        ctx.warn(format!(
            "operation {} ({}) cannot be undone: {}",
            n.seq, n.target, n.reason
        ))?;
    }
    let text = args.format == Format::Table;
    if text {
        writeln!(
            ctx.out,
            "Undoing {} ({}, created {}): {} write(s) to restore, newest first.",
            args.journal_file.display(),
            log.header.command,
            log.header.created,
            spec.ops.len()
        )?;
    }
    if spec.ops.is_empty() && text {
        writeln!(
            ctx.out,
            "The journal records no applied write: nothing to undo."
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let targets = open_targets(&args.source, ctx).await?;
    let reminder = spec
        .ops
        .iter()
        .any(|o| o.op == OP_BYPASS || o.op == OP_AD_PHONES)
        .then_some(INITIAL_SYNC_REMINDER);
    let run = RunSpec {
        spec: &spec,
        write: &args.write,
        question: format!(
            "Restore the {} value(s) recorded in {}?",
            spec.ops.len(),
            args.journal_file.display()
        ),
        opts: RunOptions::default(),
        after_apply: reminder,
        format: args.format,
        extra: serde_json::Map::new(),
    };
    run_plan(ctx, &targets, run).await
}
