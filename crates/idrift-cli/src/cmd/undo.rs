//! `idrift undo JOURNAL`: restores the values a journaled run found before each of its writes.
//!
//! The undo is itself a plan run through the journal machinery: a dry run unless `--apply`, confirmation
//! unless `--yes`, a journal of its own (so an interrupted undo can be inspected and undone in turn), and a
//! conflict, not a write, for any object changed since the run being undone.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_app::journal::{RunOptions, RunReport};
use idrift_app::undo::{self, UndoKind, UndoPlan, UndoTarget};

use crate::Ctx;
use crate::cmd::write::{Go, RunArgs, RunSpec, block_on, conclude, present, system_clock};
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
    run: RunArgs,
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
    if plan.kind == UndoKind::Remediation {
        return crate::cmd::plan::undo_remediation(&plan, &args.source, &args.run.write, ctx).await;
    }
    for n in &plan.not_undone {
        ctx.warn(format!(
            "operation {} ({}) cannot be undone: {}",
            n.seq, n.target, n.reason
        ))?;
    }
    let text = args.run.format == Format::Table;
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
    if plan.kind == UndoKind::Lint {
        return crate::cmd::lint::undo(&plan, &args.source, &args.run.write, args.run.format, ctx)
            .await;
    }
    let target = open_target(&plan, &args.source, ctx).await?;
    let writes_to = target.description();
    let run = RunSpec {
        spec: &plan.spec,
        write: &args.run.write,
        question: format!(
            "Restore the {} value(s) recorded in {}?",
            plan.spec.ops.len(),
            journals(&plan)
        ),
        opts: RunOptions::default(),
        after_apply: plan.after_apply(),
        format: args.run.format,
        extra: serde_json::Map::new(),
    };
    let path = match present(ctx, &writes_to, &run)? {
        Go::Apply(path) => path,
        Go::Done(code) => return Ok(code),
    };
    let report = apply(&plan, &target, &path, ctx).await?;
    conclude(ctx, &writes_to, &run, &report)
}

/// Opens what `plan`'s journals wrote to ([`undo::open_target`], for every kind), printing its warnings.
pub(crate) async fn open_target(
    plan: &UndoPlan,
    src: &SourceArgs,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<UndoTarget> {
    let spec = src.spec(ctx)?;
    let (target, warnings) = undo::open_target(plan, &spec, &crate::source::resolver(ctx)).await?;
    for w in warnings {
        ctx.warn(w)?;
    }
    Ok(target)
}

/// Runs `plan` into the new journal `path` ([`undo::apply`], for every kind), with progress.
pub(crate) async fn apply(
    plan: &UndoPlan,
    target: &UndoTarget,
    path: &std::path::Path,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<RunReport> {
    let hook = ctx.progress_hook();
    let report = undo::apply(plan, target, path, system_clock(), &hook).await?;
    ctx.settle_progress();
    Ok(report)
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
