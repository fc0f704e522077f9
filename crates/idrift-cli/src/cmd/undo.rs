//! `idrift undo JOURNAL`: restores the values a journaled run found before each of its writes.
//!
//! The undo is itself a plan run through the journal machinery: a dry run unless `--apply`, confirmation
//! unless `--yes`, a journal of its own (so an interrupted undo can be inspected and undone in turn), and a
//! conflict, not a write, for any object changed since the run being undone.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_app::journal::RunOptions;
use idrift_app::undo::{self, UndoKind, UndoPlan};

use crate::Ctx;
use crate::cmd::write::{RunSpec, WriteArgs, block_on, open_targets, run_plan};
use crate::output::Format;
use crate::source::SourceArgs;

/// Arguments of `idrift undo`.
#[derive(Debug, Args)]
pub(crate) struct UndoArgs {
    /// The journal of the run to undo (printed by that run); several journals of one kind are undone as one
    /// run with one journal, in the order given.
    #[arg(value_name = "JOURNAL", required = true, num_args = 1..)]
    journal_files: Vec<PathBuf>,
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
    let plan = undo::plan(&args.journal_files)?;
    for w in &plan.warnings {
        ctx.warn(w.clone())?;
    }
    match plan.kind {
        UndoKind::Remediation => {
            return crate::cmd::plan::undo_remediation(&plan, &args.source, &args.write, ctx).await;
        }
        UndoKind::Lint => {
            return crate::cmd::lint::undo(&plan, &args.source, &args.write, args.format, ctx)
                .await;
        }
        UndoKind::DirSync => {}
    }
    for n in &plan.not_undone {
        ctx.warn(format!(
            "operation {} ({}) cannot be undone: {}",
            n.seq, n.target, n.reason
        ))?;
    }
    let text = args.format == Format::Table;
    if text {
        writeln!(
            ctx.out,
            "{}: {} write(s) to restore, newest first.",
            undoing_line(&plan),
            plan.spec.ops.len()
        )?;
    }
    if plan.spec.ops.is_empty() && text {
        writeln!(
            ctx.out,
            "The journal records no applied write: nothing to undo."
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let targets = open_targets(&args.source, ctx).await?;
    let run = RunSpec {
        spec: &plan.spec,
        write: &args.write,
        question: format!(
            "Restore the {} value(s) recorded in {}?",
            plan.spec.ops.len(),
            journals(&plan)
        ),
        opts: RunOptions::default(),
        after_apply: plan.after_apply(),
        format: args.format,
        extra: serde_json::Map::new(),
    };
    run_plan(ctx, &targets, run).await
}

/// The journals undone, as one line.
pub(crate) fn journals(plan: &UndoPlan) -> String {
    plan.journals
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Undoing JOURNAL (COMMAND, created WHEN)", for one journal or several.
pub(crate) fn undoing_line(plan: &UndoPlan) -> String {
    format!(
        "Undoing {} ({}, created {})",
        journals(plan),
        plan.undoing_command(),
        plan.created.join(", ")
    )
}
