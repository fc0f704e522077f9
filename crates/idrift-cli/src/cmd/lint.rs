//! `idrift lint`: IdFix's checks before a directory sync, without its false positives (issue 17), and
//! `idrift lint apply --from-csv FILE`: the fixes of the CSV (lint's or IdFix's, edited in Excel) through the
//! journal. Exit codes: lint 0 nothing found, 3 errors found, 1 input unreadable; apply 0 done (or a dry run),
//! 1 a write failed or conflicted.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use idrift_app::journal;
use idrift_app::lint::{FixPlan, LintTarget};
use idrift_core::lint::{LintMode, LintOptions, LintReport};

use crate::cmd::write::{
    OpText, RunSpec, WriteArgs, block_on, confirm_writes, exit_code, journal_exists, print_machine,
    print_outcome, render_report, system_clock,
};
use crate::output::{Format, table, table_rows};
use crate::source::SourceArgs;
use crate::{Ctx, UsageError};

/// IdFix's two rule sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeArg {
    /// Microsoft 365 multi-tenant (IdFix's default).
    MultiTenant,
    /// Exchange Online Dedicated.
    Dedicated,
}

/// Arguments of `idrift lint`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct LintArgs {
    #[command(subcommand)]
    command: Option<LintCommand>,
    #[command(flatten)]
    check: CheckArgs,
}

/// The subcommands of `idrift lint`.
#[derive(Debug, Subcommand)]
pub(crate) enum LintCommand {
    /// Apply the fixes of lint's CSV (or one exported from IdFix) after UPDATE and ACTION were edited: EDIT sets the value to UPDATE, REMOVE deletes it, COMPLETE or blank does nothing; Duplicate rows are refused. Dry run unless --apply; journaled, re-read before each write; `idrift undo JOURNAL` restores; an undo LDIF for ldifde is written beside the journal.
    Apply(ApplyArgs),
}

/// Arguments of a lint run.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// IdFix's rule set.
    #[arg(long, value_enum, default_value_t = ModeArg::MultiTenant)]
    mode: ModeArg,
    /// A verified domain of the tenant (repeatable); a routable UPN suffix outside them is reported as NotVerifiedDomain. With --entra graph the tenant's verified domains are read from Graph (GET /domains) too.
    #[arg(long = "verified-domain", value_name = "DOMAIN")]
    verified_domain: Vec<String>,
    /// The tenant's domains as GET /domains JSON (or Get-MgDomain | ConvertTo-Json): its verified ones count as --verified-domain. Replaces Graph's list and a snapshot's entra-domains.json.
    #[arg(long = "entra-domains", value_name = "FILE")]
    entra_domains: Option<PathBuf>,
    /// An OU in sync scope (repeatable); objects outside every one are excluded and counted.
    #[arg(long = "sync-scope", value_name = "DN")]
    sync_scope: Vec<String>,
    /// Output: table (default), json ({"Summary":...,"Errors":[...]}), csv (IdFix's export columns).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Also write the CSV (IdFix's columns) to this file, for editing UPDATE and ACTION.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `idrift lint apply`.
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// The CSV: lint's --format csv / --out, or IdFix's export (UTF-8, BOM and CRLF welcome).
    #[arg(long = "from-csv", value_name = "FILE")]
    from_csv: PathBuf,
    /// Where to write: --ad ldaps://DC (live) or --ad FILE.ldif / --snapshot DIR (rehearsal: the LDIF is edited in place).
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    write: WriteArgs,
    /// The undo LDIF to write (default: the journal's path with .undo.ldif added).
    #[arg(long = "undo-ldif", value_name = "PATH")]
    undo_ldif: Option<PathBuf>,
    /// Output: table, json (the run envelope of every write, with "Refused", "Complete" and "UndoLdif"), csv (one row per write).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `idrift lint` or `idrift lint apply`.
pub(crate) fn run(args: LintArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(LintCommand::Apply(a)) => block_on(apply(a, ctx)),
        None => block_on(check(args.check, ctx)),
    }
}

fn refuse_other_sources(src: &SourceArgs) -> anyhow::Result<()> {
    if src.demo || src.exo.is_some() || src.exo_users.is_some() || src.entra_sync.is_some() {
        return Err(UsageError(
            "lint reads Active Directory: --ad FILE.ldif|ldaps://DC or --snapshot DIR".to_owned(),
        )
        .into());
    }
    Ok(())
}

async fn check(args: CheckArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    refuse_other_sources(&args.source)?;
    let options = LintOptions {
        mode: match args.mode {
            ModeArg::MultiTenant => LintMode::MultiTenant,
            ModeArg::Dedicated => LintMode::Dedicated,
        },
        verified_domains: args.verified_domain.clone(),
        sync_scope: args.sync_scope.clone(),
        ..LintOptions::default()
    };
    // The Entra side (--entra FILE|graph, or a snapshot's Entra files) and the tenant's domains.
    let spec = args.source.spec(ctx)?;
    let domains = args.entra_domains.as_deref();
    let (report, warnings) =
        idrift_app::ops::lint::check(&spec, &crate::source::resolver(ctx), domains, options)
            .await?;
    for w in warnings {
        ctx.warn(w)?;
    }
    match args.format {
        Format::Json => {
            ctx.print_json(&idrift_app::lint::report_json(&report))?;
        }
        Format::Csv => {
            crate::output::csv_start(ctx.out, ctx.csv_bom)?;
            idrift_app::lint::write_csv(&mut *ctx.out, &report.errors)?;
        }
        Format::Table => render_table(&report, ctx)?,
    }
    if let Some(path) = &args.out {
        idrift_app::lint::write_csv_file(path, &report.errors, ctx.csv_encoding())?;
    }
    Ok(ExitCode::from(if report.errors.is_empty() { 0 } else { 3 }))
}

fn render_table(report: &LintReport, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    // The cloud holder of CloudDuplicate rows gets a column when there is one to show.
    let holders = report.errors.iter().any(|e| e.held_by.is_some());
    let rows = table_rows(&report.errors, |e| {
        let mut row = vec![
            e.cn.clone(),
            e.class.as_str().to_owned(),
            e.attribute.to_owned(),
            e.error_text(),
            e.value.clone(),
            e.update.clone(),
            e.action.as_str().to_owned(),
        ];
        if holders {
            row.push(e.held_by.clone().unwrap_or_default());
        }
        row
    });
    if !rows.is_empty() {
        let mut headers = vec![
            "CommonName",
            "Class",
            "Attribute",
            "Error",
            "Value",
            "Update",
            "Action",
        ];
        if holders {
            headers.push("CloudHolder");
        }
        write!(ctx.out, "{}", table(&headers, &rows, ctx.term.width))?;
        writeln!(ctx.out)?;
    }
    let s = &report.summary;
    let excluded: u64 = s.excluded.values().sum();
    writeln!(
        ctx.out,
        "{} objects read, {} checked, {} excluded, {} errors.",
        s.objects_read, s.objects_checked, excluded, s.errors
    )?;
    for (why, n) in &s.excluded {
        writeln!(ctx.out, "  excluded {why:?}: {n}")?;
    }
    for (kind, n) in &s.by_error {
        writeln!(ctx.out, "  {kind}: {n}")?;
    }
    Ok(())
}

/// Opens what `lint apply` writes to: a live DC, an LDIF file, or a snapshot's ad.ldif.
async fn open_lint_target(
    src: &SourceArgs,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<Box<dyn LintTarget>> {
    check_lint_target(src)?;
    let spec = src.spec(ctx)?;
    let (target, warnings) =
        idrift_app::source::open_lint_target(&spec, &crate::source::resolver(ctx)).await?;
    for w in warnings {
        ctx.warn(w)?;
    }
    Ok(target)
}

/// Refuses the source options a lint write cannot use.
pub(crate) fn check_lint_target(src: &SourceArgs) -> anyhow::Result<()> {
    refuse_other_sources(src)?;
    if src.entra.is_some() {
        return Err(
            UsageError("lint apply writes Active Directory only: drop --entra".to_owned()).into(),
        );
    }
    Ok(())
}

fn render_plan(ctx: &mut Ctx<'_>, plan: &FixPlan) -> anyhow::Result<()> {
    let rows = table_rows(&plan.spec.ops, |o| {
        let attribute = idrift_app::lint::fix::locator(o)
            .map(|l| l.attribute)
            .unwrap_or_default();
        vec![
            o.target.clone(),
            attribute,
            idrift_app::lint::fix::describe_value(&o.before),
            idrift_app::lint::fix::describe_value(&o.after),
        ]
    });
    if !rows.is_empty() {
        write!(
            ctx.out,
            "{}",
            table(
                &["Object", "Attribute", "Before", "After"],
                &rows,
                ctx.term.width
            )
        )?;
    }
    Ok(())
}

fn render_refused(ctx: &mut Ctx<'_>, plan: &FixPlan) -> anyhow::Result<()> {
    if plan.refused.is_empty() {
        return Ok(());
    }
    writeln!(ctx.out, "\nRefused ({}):", plan.refused.len())?;
    for r in &plan.refused {
        writeln!(
            ctx.out,
            "  line {}: {} {} {:?}: {}",
            r.row.line, r.row.distinguished_name, r.row.attribute, r.row.value, r.reason
        )?;
        for h in &r.holders {
            writeln!(ctx.out, "      held by {h}")?;
        }
    }
    Ok(())
}

/// How lint's operations read in a run's CSV: the attribute from the locator, values joined by `; `.
const LINT_TEXT: OpText = OpText {
    attribute: |o| {
        idrift_app::lint::fix::locator(o)
            .map(|l| l.attribute)
            .unwrap_or_default()
    },
    value: |_, v| idrift_app::lint::fix::describe_value(v),
};

/// The keys `lint apply` adds to the run envelope: the refused rows (a duplicate with every holder), the
/// rows with nothing to do, and the undo LDIF.
fn apply_extra(
    plan: &FixPlan,
    undo_ldif: Option<&Path>,
) -> serde_json::Map<String, serde_json::Value> {
    let refused: Vec<serde_json::Value> = plan
        .refused
        .iter()
        .map(|r| {
            serde_json::json!({
                "Line": r.row.line,
                "DistinguishedName": r.row.distinguished_name,
                "Attribute": r.row.attribute,
                "Value": r.row.value,
                "Reason": r.reason,
                "Holders": r.holders,
            })
        })
        .collect();
    let mut extra = serde_json::Map::new();
    extra.insert("Refused".into(), refused.into());
    extra.insert("Complete".into(), plan.complete.into());
    extra.insert("UndoLdif".into(), serde_json::json!(undo_ldif));
    extra
}

async fn apply(args: ApplyArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let rows = idrift_app::lint::read_fix_csv(&args.from_csv)?;
    let plan = idrift_app::ops::lint::plan(&rows, &[]);
    let target = open_lint_target(&args.source, ctx).await?;
    let path = args.write.journal.clone().unwrap_or_else(|| {
        PathBuf::from(journal::default_file_name(
            idrift_app::lint::fix::COMMAND,
            ctx.now_unix,
        ))
    });
    let text = args.format == Format::Table;
    let writes_to = target.description();
    let question = format!(
        "Write the {} change(s) of {} to {}?",
        plan.spec.ops.len(),
        args.from_csv.display(),
        writes_to
    );
    let mut run = RunSpec {
        spec: &plan.spec,
        write: &args.write,
        question,
        opts: journal::RunOptions::default(),
        after_apply: None,
        format: args.format,
        extra: apply_extra(&plan, None),
    };
    if text {
        writeln!(
            ctx.out,
            "{}: {} row(s): {} change(s) planned, {} refused, {} with nothing to do.",
            args.from_csv.display(),
            rows.len(),
            plan.spec.ops.len(),
            plan.refused.len(),
            plan.complete
        )?;
    }
    if plan.spec.ops.is_empty() || !args.write.apply {
        return dry_run(ctx, &run, &plan, &path, &writes_to);
    }
    if text {
        writeln!(ctx.out, "Journal: {}", path.display())?;
        writeln!(ctx.out, "Writes to {writes_to}:")?;
        render_plan(ctx, &plan)?;
        render_refused(ctx, &plan)?;
    }
    if path.exists() {
        return Err(journal_exists(&path, false));
    }
    if !confirm_writes(ctx, args.write.yes, &run.question)? {
        return Ok(ExitCode::from(1));
    }
    // The same plan the FFI's `Lint.Fix` makes (`ops::lint::plan`), written by the same journaled apply.
    let fixes = idrift_app::lint::apply_fixes(
        &path,
        &plan.spec,
        target.as_ref(),
        system_clock(),
        args.undo_ldif.as_deref(),
    )
    .await?;
    run.extra = apply_extra(&plan, fixes.undo_ldif.as_deref());
    let code = outcome(ctx, &run, &writes_to, &fixes.report)?;
    if !text {
        return Ok(code);
    }
    if let Some(u) = &fixes.undo_ldif {
        writeln!(ctx.out, "Undo LDIF (ldifde -i -f): {}", u.display())?;
    }
    if fixes.report.writes > 0 {
        writeln!(
            ctx.out,
            "Undo with: idrift undo {} --apply (plus the same --ad/--snapshot option)",
            fixes.report.journal.display()
        )?;
    }
    Ok(code)
}

/// The end of a `lint apply` that writes nothing (nothing to write, or a dry run): the plan as a table or as
/// the run envelope.
fn dry_run(
    ctx: &mut Ctx<'_>,
    run: &RunSpec<'_>,
    plan: &FixPlan,
    path: &Path,
    writes_to: &str,
) -> anyhow::Result<ExitCode> {
    if run.format != Format::Table {
        print_machine(ctx, run, path, writes_to, &plan.spec.ops, None, LINT_TEXT)?;
        return Ok(ExitCode::SUCCESS);
    }
    if plan.spec.ops.is_empty() {
        render_refused(ctx, plan)?;
        writeln!(ctx.out, "Nothing to write.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        ctx.out,
        "Dry run: nothing is written. With --apply the journal is {}",
        path.display()
    )?;
    writeln!(ctx.out, "Writes to {writes_to}:")?;
    render_plan(ctx, plan)?;
    render_refused(ctx, plan)?;
    writeln!(
        ctx.out,
        "\nDry run: {} write(s) planned, none made. Run again with --apply to write.",
        plan.spec.ops.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `idrift undo` of a `lint apply` journal, printed as a table or as the run envelope (`format`).
pub(crate) async fn undo(
    undo_plan: &idrift_app::undo::UndoPlan,
    src: &SourceArgs,
    write: &WriteArgs,
    format: Format,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<ExitCode> {
    let spec = undo_plan.spec.clone();
    let text = format == Format::Table;
    check_lint_target(src)?;
    let target = crate::cmd::undo::open_target(undo_plan, src, ctx).await?;
    let writes_to = target.description();
    let plan = FixPlan {
        spec,
        refused: Vec::new(),
        complete: 0,
    };
    let path = write.journal.clone().unwrap_or_else(|| {
        PathBuf::from(journal::default_file_name(&plan.spec.command, ctx.now_unix))
    });
    let run = RunSpec {
        spec: &plan.spec,
        write,
        question: format!(
            "Restore the {} value(s) recorded in {}?",
            plan.spec.ops.len(),
            crate::cmd::undo::journals(undo_plan)
        ),
        opts: journal::RunOptions::default(),
        after_apply: None,
        format,
        extra: serde_json::Map::new(),
    };
    if plan.spec.ops.is_empty() || !write.apply {
        return dry_run(ctx, &run, &plan, &path, &writes_to);
    }
    if text {
        writeln!(ctx.out, "Writes to {writes_to}:")?;
        render_plan(ctx, &plan)?;
    }
    if !confirm_writes(ctx, write.yes, &run.question)? {
        return Ok(ExitCode::from(1));
    }
    let report = crate::cmd::undo::apply(undo_plan, &target, &path, ctx).await?;
    outcome(ctx, &run, &writes_to, &report)
}

/// The outcome of a lint run (`lint apply` or its undo): the run envelope, or the table and the journal.
fn outcome(
    ctx: &mut Ctx<'_>,
    run: &RunSpec<'_>,
    writes_to: &str,
    report: &journal::RunReport,
) -> anyhow::Result<ExitCode> {
    let code = exit_code(report);
    if run.format != Format::Table {
        print_outcome(ctx, run, writes_to, report, LINT_TEXT)?;
        return Ok(code);
    }
    render_report(ctx, report)?;
    writeln!(ctx.out, "Journal: {}", report.journal.display())?;
    Ok(code)
}
