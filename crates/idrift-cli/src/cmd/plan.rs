//! `idrift plan UPN`: the remediation options for one user's findings, each with exact steps; with
//! `--option ID --apply`, runs that option's automated steps one at a time (see [`apply`]).

mod apply;

pub(crate) use apply::undo as undo_remediation;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_core::plan::{OptionId, PlanOptions, RemediationOption, RemediationPlan};

use crate::cmd::write::WriteArgs;
use crate::output::{Format, escape};
use crate::source::SourceArgs;
use crate::{Ctx, UsageError};

/// Arguments of `idrift plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The user's UPN (AD or Entra ID).
    #[arg(value_name = "UPN")]
    upn: String,
    #[command(flatten)]
    source: SourceArgs,
    /// Output: table (readable), json ({"UserPrincipalName":...,"Findings":[...],"Options":[...]}), csv (one row per step).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Show only this option: DeleteAndMerge, RemoveLicense, KeepCloudMailbox, AddRoutingAddressOnPrem, ReprovisionCloudAlias.
    #[arg(long = "option", value_name = "ID", value_parser = parse_option)]
    option: Option<OptionId>,
    #[command(flatten)]
    scan: super::scan::ScanOptArgs,
    /// An OU outside the sync scope, where ReprovisionCloudAlias moves the user for a while.
    #[arg(long, value_name = "DN")]
    out_of_scope_ou: Option<String>,
    /// The on-premises MRS endpoint used in migration and restore commands (e.g. mail.contoso.com).
    #[arg(long, value_name = "HOST")]
    remote_host: Option<String>,
    /// Continue a run of --option ID from its journal: the steps already done are not repeated.
    #[arg(long, value_name = "JOURNAL")]
    resume: Option<PathBuf>,
    #[command(flatten)]
    write: WriteArgs,
}

fn parse_option(s: &str) -> Result<OptionId, String> {
    s.parse()
        .map_err(|e: idrift_core::scan::UnknownName| e.to_string())
}

/// Runs `idrift plan`.
pub(crate) fn run(args: PlanArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    if args.resume.is_some() {
        return apply::resume(&args, ctx);
    }
    if args.write.apply && args.option.is_none() {
        return Err(UsageError(
            "--apply runs one option: name it with --option ID (idrift plan UPN shows the options)"
                .to_owned(),
        )
        .into());
    }
    if args.write.apply {
        apply::check_new_journal(&args)?;
    }
    let loaded = args.source.load(ctx)?;
    let scan_opts = args.scan.options();
    let plan_opts = PlanOptions {
        out_of_scope_ou: args.out_of_scope_ou.clone(),
        remote_host_name: args.remote_host.clone(),
    };
    let planned = idrift_app::ops::plan::plan(
        &loaded.snapshot,
        &args.upn,
        &scan_opts,
        &plan_opts,
        args.option,
    )?;
    for n in &planned.notes {
        writeln!(ctx.err, "note: {n}")?;
    }
    let plan = planned.plan;
    if let Some(id) = args.option
        && args.write.apply
    {
        return apply::apply(
            &args,
            id,
            &plan,
            &loaded.snapshot,
            (&scan_opts, &plan_opts),
            ctx,
        );
    }
    match args.format {
        Format::Json => {
            ctx.print_json(&plan)?;
        }
        Format::Csv => {
            crate::output::csv_start(ctx.out, ctx.csv_bom)?;
            idrift_app::plan::write_steps_csv(ctx.out, &plan)?;
        }
        Format::Table => {
            render(&plan, ctx)?;
            if let Some(id) = args.option {
                apply::dry_run_note(&args, id, &plan, &loaded.snapshot, ctx)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn render(plan: &RemediationPlan, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let out = &mut *ctx.out;
    if plan.findings.is_empty() {
        writeln!(
            out,
            "No findings for {}: nothing to fix.",
            escape(&plan.user_principal_name)
        )?;
        return Ok(());
    }
    writeln!(out, "Findings for {}:", escape(&plan.user_principal_name))?;
    for f in &plan.findings {
        writeln!(
            out,
            "  {:<8}  {}: {}",
            f.severity.as_str(),
            f.kind,
            escape(&super::scan::detail(f))
        )?;
        writeln!(out, "            {}", escape(&f.recommendation))?;
    }
    if plan.options.is_empty() {
        writeln!(
            out,
            "\nNo Exchange remediation applies (a DirSyncOverride is handled with `idrift dirsync`; a provisioning error at its source)."
        )?;
        return Ok(());
    }
    for o in &plan.options {
        render_option(o, out)?;
    }
    writeln!(
        out,
        "\n[auto] steps have an API idrift can call; [manual] steps are run by hand (on-premises Exchange, the Entra Connect server, a migration)."
    )?;
    Ok(())
}

fn render_option(o: &RemediationOption, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "\nOption {}{}",
        o.id,
        if o.recommended { " (recommended)" } else { "" }
    )?;
    let list =
        |out: &mut dyn std::io::Write, title: &str, items: &[String]| -> std::io::Result<()> {
            if items.is_empty() {
                return Ok(());
            }
            writeln!(out, "  {title}:")?;
            for i in items {
                writeln!(out, "    - {}", escape(i))?;
            }
            Ok(())
        };
    list(out, "Benefits", &o.benefits)?;
    list(out, "Drawbacks", &o.drawbacks)?;
    writeln!(out, "  Data at risk: {}", escape(&o.data_at_risk))?;
    list(out, "Preconditions", &o.preconditions)?;
    writeln!(out, "  Steps:")?;
    for s in &o.steps {
        writeln!(
            out,
            "    {:>2}. [{}] {}",
            s.order,
            if s.automated { "auto" } else { "manual" },
            escape(&s.action)
        )?;
        writeln!(out, "        {}", escape(&s.command))?;
    }
    Ok(())
}
