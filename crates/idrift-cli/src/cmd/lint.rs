//! `idrift lint`: IdFix's checks before a directory sync, without its false positives (issue 17).
//! Exit codes: 0 nothing found, 3 errors found, 1 input unreadable.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use idrift_core::lint::{LintMode, LintOptions, LintReport};

use crate::output::{Format, table};
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
pub(crate) struct LintArgs {
    /// A snapshot directory (its ad.ldif is linted).
    #[arg(long, value_name = "DIR", conflicts_with = "ad")]
    snapshot: Option<PathBuf>,
    /// Active Directory: an LDIF export (ldifde -f or ldapsearch -LLL) of users, contacts and groups.
    #[arg(long, value_name = "FILE")]
    ad: Option<String>,
    /// IdFix's rule set.
    #[arg(long, value_enum, default_value_t = ModeArg::MultiTenant)]
    mode: ModeArg,
    /// A verified domain of the tenant (repeatable); a routable UPN suffix outside them is reported as NotVerifiedDomain.
    #[arg(long = "verified-domain", value_name = "DOMAIN")]
    verified_domain: Vec<String>,
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

/// Runs `idrift lint`.
pub(crate) fn run(args: LintArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let options = LintOptions {
        mode: match args.mode {
            ModeArg::MultiTenant => LintMode::MultiTenant,
            ModeArg::Dedicated => LintMode::Dedicated,
        },
        verified_domains: args.verified_domain.clone(),
        sync_scope: args.sync_scope.clone(),
        cloud_addresses: Vec::new(),
    };
    let report = match (&args.snapshot, &args.ad) {
        (Some(dir), _) => idrift_app::lint::lint_snapshot(dir, options)?,
        (None, Some(ad)) if ad.contains("://") => {
            return Err(UsageError(format!(
                "lint reads an LDIF export or a snapshot; export {ad} first with `idrift snapshot export` or ldifde -f"
            ))
            .into());
        }
        (None, Some(ad)) => idrift_app::lint::lint_ldif(std::path::Path::new(ad), options)?,
        (None, None) => {
            return Err(UsageError("give --ad FILE.ldif or --snapshot DIR".to_owned()).into());
        }
    };
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &idrift_app::lint::report_json(&report))?;
            writeln!(ctx.out)?;
        }
        Format::Csv => idrift_app::lint::write_csv(&mut *ctx.out, &report.errors)?,
        Format::Table => render_table(&report, ctx)?,
    }
    if let Some(path) = &args.out {
        idrift_app::lint::write_csv_file(path, &report.errors)?;
    }
    Ok(ExitCode::from(if report.errors.is_empty() { 0 } else { 3 }))
}

fn render_table(report: &LintReport, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = report
        .errors
        .iter()
        .map(|e| {
            vec![
                e.cn.clone(),
                e.class.as_str().to_owned(),
                e.attribute.to_owned(),
                e.error_text(),
                e.value.clone(),
                e.update.clone(),
                e.action.as_str().to_owned(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let headers = [
            "CommonName",
            "Class",
            "Attribute",
            "Error",
            "Value",
            "Update",
            "Action",
        ];
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
