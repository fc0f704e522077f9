//! `idrift plan UPN --option ID --apply`: runs one option's steps one at a time through
//! [`idrift_app::remediate`].
//!
//! Like the other mutating commands it is a dry run unless `--apply` is given, asks before each write unless
//! `--yes` is given (and refuses, rather than wait, when standard input is not a terminal), journals every
//! step (the journal path is printed at the start and at the end), and ends with a per-step outcome table.
//! A manual step, a check that does not hold yet, a conflict or a failure stops the run, and the last lines
//! say exactly how to continue: `idrift plan UPN --option ID --apply --resume JOURNAL` with the same source
//! options. The exit code is 0 when the run completed or stopped at a manual step, 1 otherwise.
//!
//! On a snapshot directory the steps are rehearsed: its files are edited in place as the services would change
//! (see [`idrift_app::remediate::RehearsalTarget`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use idrift_app::journal;
use idrift_app::ops::remediation::{self as ops, ApplyRequest, RemediationRun, Source};
use idrift_app::remediate::{self, Ask, Gate, StepKind, StepRow, Stop};
use idrift_app::source::{Resolver, SourceSpec};
use idrift_core::model::Snapshot;
use idrift_core::plan::{OptionId, PlanOptions, RemediationPlan};
use idrift_core::scan::ScanOptions;

use super::PlanArgs;
use crate::cmd::write::{block_on, confirm, journal_exists, system_clock};
use crate::output::{table, table_rows};
use crate::source::{SourceArgs, is_exo, is_graph, is_ldap_url};
use crate::{Ctx, UsageError};

/// Asks on the terminal before each write (unless `--yes`), and prints each step's outcome as it happens.
struct CliGate<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    yes: bool,
    /// For a new run, the journal it writes: printed with every step before the first one runs.
    new_journal: Option<PathBuf>,
}

impl Gate for CliGate<'_, '_> {
    fn opened(
        &mut self,
        acts_on: &str,
        steps: &[StepRow],
        warnings: &[String],
    ) -> std::io::Result<()> {
        let io = |e: anyhow::Error| std::io::Error::other(e.to_string());
        for w in warnings {
            self.ctx.warn(w.clone())?;
        }
        let Some(journal) = &self.new_journal else {
            return writeln!(self.ctx.out, "Acts on: {acts_on}\n");
        };
        writeln!(self.ctx.out, "Acts on: {acts_on}")?;
        writeln!(self.ctx.out, "Journal: {}", journal.display())?;
        writeln!(self.ctx.out, "{}:", counts(steps))?;
        render_steps(steps, self.ctx).map_err(io)?;
        writeln!(self.ctx.out)
    }

    fn ask(&mut self, ask: Ask<'_>) -> std::io::Result<bool> {
        let (row, question) = match ask {
            Ask::Write(row) => (row, format!("Run step {}?", row.order)),
            Ask::ManualDone(row) => (
                row,
                format!(
                    "Step {} is manual: has it been done (answer no to stop here)?",
                    row.order
                ),
            ),
        };
        if !self.yes {
            writeln!(self.ctx.err, "\nStep {}: {}", row.order, row.action)?;
            writeln!(self.ctx.err, "    {}", row.command)?;
        }
        confirm(self.ctx, self.yes, &question).map_err(|e| std::io::Error::other(e.to_string()))
    }

    fn done(&mut self, row: &StepRow) -> std::io::Result<()> {
        writeln!(
            self.ctx.out,
            "  step {:>2} {:<7} {:<12} {}",
            row.order,
            kind_label(row.kind),
            row.label(),
            row.message.as_deref().unwrap_or("")
        )
    }
}

fn kind_label(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Write => "write",
        StepKind::Record => "record",
        StepKind::Check => "check",
        StepKind::Manual => "manual",
    }
}

/// Quotes a command-line argument for a POSIX or PowerShell prompt when it needs quoting.
fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@._-/:=,+".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// The source options of this run, to repeat in the resume command.
fn source_flags(src: &SourceArgs) -> String {
    let mut parts = Vec::new();
    if let Some(d) = &src.snapshot {
        parts.push(format!("--snapshot {}", quote(&d.display().to_string())));
    }
    if let Some(a) = &src.ad {
        parts.push(format!("--ad {}", quote(a)));
    }
    if let Some(e) = &src.entra {
        parts.push(format!("--entra {}", quote(e)));
    }
    if let Some(x) = &src.exo {
        parts.push(format!("--exo {}", quote(&x.display().to_string())));
    }
    let live = src.ad.as_deref().is_some_and(is_ldap_url)
        || src.entra.as_deref().is_some_and(is_graph)
        || src.exo.as_deref().is_some_and(is_exo);
    if live || src.conn.profile.is_some() {
        parts.push("(and the same connection options)".to_owned());
    }
    parts.join(" ")
}

fn resume_command(upn: &str, id: OptionId, journal: &Path, src: &SourceArgs) -> String {
    format!(
        "idrift plan {} --option {id} --apply --resume {} {}",
        quote(upn),
        quote(&journal.display().to_string()),
        source_flags(src)
    )
    .trim_end()
    .to_owned()
}

fn render_steps(rows: &[StepRow], ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let cells = table_rows(rows, |r| {
        vec![
            r.order.to_string(),
            kind_label(r.kind).to_owned(),
            r.label().to_owned(),
            r.action.clone(),
        ]
    });
    write!(
        ctx.out,
        "{}",
        table(
            &["Step", "Kind", "Status", "Action"],
            &cells,
            ctx.term.width
        )
    )?;
    Ok(())
}

fn counts(rows: &[StepRow]) -> String {
    let n = |k: StepKind| rows.iter().filter(|r| r.kind == k).count();
    format!(
        "{} step(s): {} write(s), {} check(s), {} record(s), {} manual",
        rows.len(),
        n(StepKind::Write),
        n(StepKind::Check),
        n(StepKind::Record),
        n(StepKind::Manual)
    )
}

fn journal_path(args: &PlanArgs, command: &str, now_unix: i64) -> PathBuf {
    args.write
        .journal
        .clone()
        .unwrap_or_else(|| PathBuf::from(journal::default_file_name(command, now_unix)))
}

/// Refuses `--journal PATH` when the file exists, before anything is read.
pub(super) fn check_new_journal(args: &PlanArgs) -> anyhow::Result<()> {
    match &args.write.journal {
        Some(p) if p.exists() => Err(journal_exists(p, true)),
        _ => Ok(()),
    }
}

/// Printed under `idrift plan UPN --option ID` (table output): what `--apply` would do.
pub(super) fn dry_run_note(
    args: &PlanArgs,
    id: OptionId,
    plan: &RemediationPlan,
    snapshot: &Snapshot,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<()> {
    let spec = match remediate::plan_spec(plan, id, snapshot) {
        Ok(spec) => spec,
        Err(e) => {
            writeln!(
                ctx.out,
                "\nDry run: nothing was changed. --apply cannot run this option yet: {e}"
            )?;
            return Ok(());
        }
    };
    let rows = remediate::pending_rows(&spec);
    let path = journal_path(args, &spec.command, ctx.now_unix);
    writeln!(
        ctx.out,
        "\nDry run: nothing was changed. {}. With --apply, idrift runs them in order, asking before each write \
         (--yes to skip the questions), journals each one to {}, and stops at the first manual step or check that \
         does not hold yet.",
        counts(&rows),
        path.display()
    )?;
    Ok(())
}

fn refuse_without_terminal(args: &PlanArgs, ctx: &Ctx<'_>) -> anyhow::Result<()> {
    if args.write.yes || ctx.stdin_is_terminal {
        return Ok(());
    }
    Err(UsageError(
        "each step needs confirmation and standard input is not a terminal; pass --yes to confirm them all"
            .to_owned(),
    )
    .into())
}

/// What a run of the steps reads and writes: the source the command line names and how its credentials are
/// resolved; refused first when the steps would ask for confirmations nobody can give.
fn run_source<'a>(args: &PlanArgs, ctx: &Ctx<'a>) -> anyhow::Result<(SourceSpec, Resolver<'a>)> {
    refuse_without_terminal(args, ctx)?;
    Ok((args.source.spec(ctx)?, crate::source::resolver(ctx)))
}

/// `--apply`: journals the plan of option `id`, then runs it ([`idrift_app::ops::remediation::apply`], the
/// run the FFI's `Remediation.Apply` makes), asking through the terminal.
pub(super) fn apply(
    args: &PlanArgs,
    id: OptionId,
    plan: &RemediationPlan,
    snapshot: &Snapshot,
    opts: (&ScanOptions, &PlanOptions),
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<ExitCode> {
    let spec = remediate::plan_spec(plan, id, snapshot)?;
    let path = journal_path(args, &spec.command, ctx.now_unix);
    if let Some(opt) = plan.option(id) {
        writeln!(
            ctx.out,
            "Option {id} for {}{}",
            plan.user_principal_name,
            if opt.recommended {
                " (recommended)"
            } else {
                ""
            }
        )?;
        writeln!(ctx.out, "Data at risk: {}", opt.data_at_risk)?;
        for p in &opt.preconditions {
            writeln!(ctx.out, "Precondition: {p}")?;
        }
    }
    if path.exists() {
        return Err(journal_exists(&path, true));
    }
    let (source_spec, resolver) = run_source(args, ctx)?;
    let source = Source {
        spec: &source_spec,
        resolver: &resolver,
    };
    let req = ApplyRequest {
        user_principal_name: &args.upn,
        option: id,
        scan: opts.0,
        plan: opts.1,
        journal: Some(path.clone()),
    };
    let yes = args.write.yes;
    let (run, _) = block_on(async {
        let mut gate = CliGate {
            ctx: &mut *ctx,
            yes,
            new_journal: Some(path),
        };
        Ok(ops::apply(snapshot, &source, req, &mut gate, system_clock()).await?)
    })?;
    finish(args, id, &plan.user_principal_name, &run, ctx)
}

/// `--resume JOURNAL`: continues a run from its journal (without `--apply`, shows what is left).
pub(super) fn resume(args: &PlanArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let Some(path) = args.resume.as_deref() else {
        return Ok(ExitCode::SUCCESS);
    };
    let Some(id) = args.option else {
        return Err(UsageError(
            "--resume continues one option: name it with --option ID (the one the journal runs)"
                .to_owned(),
        )
        .into());
    };
    if args.write.journal.is_some() {
        return Err(UsageError(
            "--resume continues its own journal; leave out --journal".to_owned(),
        )
        .into());
    }
    let (log, note) = remediate::resumable(path, &args.upn, id)?;
    for w in &log.warnings {
        ctx.warn(w.clone())?;
    }
    let rows = remediate::rows(&log);
    let done = rows
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                idrift_app::journal::OpStatus::Applied | idrift_app::journal::OpStatus::Skipped
            )
        })
        .count();
    writeln!(
        ctx.out,
        "Journal: {} (option {id} for {}, created {})",
        path.display(),
        note.user_principal_name,
        log.header.created
    )?;
    writeln!(ctx.out, "{done} of {} step(s) done:", rows.len())?;
    render_steps(&rows, ctx)?;
    if done == rows.len() {
        writeln!(ctx.out, "\nNothing left to do: every step is done.")?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.write.apply {
        writeln!(
            ctx.out,
            "\nDry run: nothing was changed. Run again with --apply to continue from step {}.",
            rows.iter()
                .find(|r| !matches!(
                    r.status,
                    idrift_app::journal::OpStatus::Applied | idrift_app::journal::OpStatus::Skipped
                ))
                .map_or(0, |r| r.order)
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let (source_spec, resolver) = run_source(args, ctx)?;
    let source = Source {
        spec: &source_spec,
        resolver: &resolver,
    };
    let yes = args.write.yes;
    let (run, _) = block_on(async {
        let mut gate = CliGate {
            ctx: &mut *ctx,
            yes,
            new_journal: None,
        };
        Ok(ops::resume(
            path,
            &args.upn,
            id,
            true,
            &source,
            &mut gate,
            system_clock(),
        )
        .await?)
    })?;
    finish(args, id, &note.user_principal_name, &run, ctx)
}

/// The outcome table, what the stop means, and how to continue.
fn finish(
    args: &PlanArgs,
    id: OptionId,
    upn: &str,
    run: &RemediationRun,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<ExitCode> {
    writeln!(ctx.out)?;
    let cells = table_rows(&run.steps, |v| {
        let r = &v.row;
        let mut note = r.message.clone().unwrap_or_default();
        if !r.this_run && r.status != idrift_app::journal::OpStatus::Pending {
            note = format!("(earlier run) {note}").trim_end().to_owned();
        }
        vec![
            r.order.to_string(),
            kind_label(r.kind).to_owned(),
            r.label().to_owned(),
            r.target.clone(),
            note,
        ]
    });
    write!(
        ctx.out,
        "{}",
        table(
            &["Step", "Kind", "Outcome", "Target", "Note"],
            &cells,
            ctx.term.width
        )
    )?;
    writeln!(ctx.out)?;
    let journal = run.journal_path.clone().unwrap_or_default();
    let again = resume_command(upn, id, &journal, &args.source);
    let stop = run.stop.unwrap_or(Stop::Completed);
    match (stop, run.stopped_at_step()) {
        (Stop::Completed, _) => {
            writeln!(
                ctx.out,
                "All {} steps of {id} are done ({} write(s) in this run).",
                run.steps.len(),
                run.writes
            )?;
        }
        (Stop::Manual { order }, Some(row)) => {
            writeln!(
                ctx.out,
                "Stopped at step {order}, which is manual: {}",
                row.action
            )?;
            writeln!(ctx.out, "    {}", row.command)?;
            writeln!(ctx.out, "Do it, then continue with:\n    {again}")?;
        }
        (Stop::CheckNotMet { order }, Some(row)) => {
            writeln!(
                ctx.out,
                "Stopped at step {order}: {}",
                row.message.as_deref().unwrap_or("the check does not hold")
            )?;
            writeln!(ctx.out, "When it holds, continue with:\n    {again}")?;
        }
        (Stop::Conflict { order }, Some(row)) => {
            writeln!(
                ctx.out,
                "Stopped at step {order}: {}",
                row.message
                    .as_deref()
                    .unwrap_or("the object changed since the plan")
            )?;
            writeln!(
                ctx.out,
                "Nothing was written for it. Find out why the object changed; when it matches the plan again, \
                 continue with:\n    {again}\nor plan again from fresh data."
            )?;
        }
        (Stop::Failed { order }, Some(row)) => {
            writeln!(
                ctx.out,
                "Step {order} failed: {}",
                row.message.as_deref().unwrap_or("(no message)")
            )?;
            writeln!(
                ctx.out,
                "Nothing after it was run. Fix the cause, then continue with (the step is checked again first, \
                 so nothing is done twice):\n    {again}"
            )?;
        }
        (Stop::Declined { order }, _) => {
            writeln!(
                ctx.out,
                "Not confirmed: stopped before step {order}; nothing was done for it. Continue later with:\n    {again}"
            )?;
        }
        (stop, None) => {
            writeln!(ctx.out, "Stopped: {stop:?}. Continue with:\n    {again}")?;
        }
    }
    writeln!(ctx.out, "Journal: {}", journal.display())?;
    Ok(if stop.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `idrift undo JOURNAL` for a remediation journal: reverses the writes that can be reversed, newest first,
/// through the same targets (`--snapshot DIR` or the live services), into a journal of its own.
pub(crate) async fn undo(
    plan: &idrift_app::undo::UndoPlan,
    source: &SourceArgs,
    write: &crate::cmd::write::WriteArgs,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<ExitCode> {
    let spec = &plan.spec;
    writeln!(
        ctx.out,
        "{}: {} step(s) to reverse, newest first.",
        crate::cmd::undo::undoing_line(plan),
        spec.ops.len()
    )?;
    for n in &plan.not_undone {
        ctx.warn(format!(
            "step {} ({}) cannot be undone: {}",
            n.seq, n.target, n.reason
        ))?;
    }
    if spec.ops.is_empty() {
        writeln!(ctx.out, "Nothing idrift can reverse.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let target = crate::cmd::undo::open_target(plan, source, ctx).await?;
    let cells = table_rows(&spec.ops, |o| {
        vec![
            remediate::locator(o)
                .map(|l| l.order.to_string())
                .unwrap_or_default(),
            o.target.clone(),
            remediate::describe_value(&o.op, &o.before),
            remediate::describe_value(&o.op, &o.after),
        ]
    });
    writeln!(ctx.out, "Acts on: {}", target.description())?;
    write!(
        ctx.out,
        "{}",
        table(
            &["Step", "Target", "Now", "Back to"],
            &cells,
            ctx.term.width
        )
    )?;
    let path = write
        .journal
        .clone()
        .unwrap_or_else(|| PathBuf::from(journal::default_file_name(&spec.command, ctx.now_unix)));
    if !write.apply {
        writeln!(
            ctx.out,
            "\nDry run: nothing was changed. With --apply the journal is {}",
            path.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if path.exists() {
        return Err(journal_exists(&path, true));
    }
    let question = format!(
        "Reverse the {} step(s) recorded in {}?",
        spec.ops.len(),
        crate::cmd::undo::journals(plan)
    );
    if !confirm(ctx, write.yes, &question)? {
        writeln!(ctx.out, "Not confirmed: nothing was changed.")?;
        return Ok(ExitCode::from(1));
    }
    let report = crate::cmd::undo::apply(plan, &target, &path, ctx).await?;
    let cells = table_rows(&report.ops, |o| {
        vec![
            o.target.clone(),
            o.status.label().to_owned(),
            remediate::describe_value(&o.op, &o.before),
            remediate::describe_value(&o.op, &o.after),
            o.message.clone().unwrap_or_default(),
        ]
    });
    writeln!(ctx.out)?;
    write!(
        ctx.out,
        "{}",
        table(
            &["Target", "Outcome", "Before", "After", "Note"],
            &cells,
            ctx.term.width
        )
    )?;
    writeln!(ctx.out, "Journal: {}", report.journal.display())?;
    Ok(if report.has_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests;
