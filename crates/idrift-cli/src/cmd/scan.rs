//! `idrift scan`: every hybrid health check (duplicate mailboxes, the PreviousRecipientTypeDetails trap,
//! GUID mismatches, soft-match collisions, routing addresses, provisioning errors, DirSyncOverrides).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_app::ops::scan::ScanFilter;
use idrift_app::snapshot::LoadProfile;
use idrift_core::phone::PhoneOptions;
use idrift_core::scan::{FindingKind, ScanOptions, ScanReport, Severity};

use crate::Ctx;
use crate::output::{Format, escape, table, table_rows};
use crate::source::SourceArgs;

/// Arguments of `idrift scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    scan: ScanOptArgs,
    /// Output: table (findings and a summary), json ({"Summary":...,"Findings":[...]}), csv (one row per finding).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Report only these kinds (repeat, or separate with commas): DirSyncOverride, DuplicateMailbox, DuplicateMailboxRisk, ExchangeGuidMismatch, SoftMatchCollision, MissingRoutingAddress, ProvisioningError.
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    kind: Vec<FindingKind>,
    /// Report only findings at least this severe: Info, Low, Medium, High, Critical.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// With --format table, also write the findings CSV to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exit with code 3 when any finding reported is at least this severe (Info, Low, Medium, High, Critical), for scheduled tasks.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
}

fn parse_kind(s: &str) -> Result<FindingKind, String> {
    s.parse()
        .map_err(|e: idrift_core::scan::UnknownName| e.to_string())
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: idrift_core::scan::UnknownName| e.to_string())
}

/// The options of the health checks, the same for scan, plan, diff and report.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Checks")]
pub(crate) struct ScanOptArgs {
    /// The hybrid routing domain (<tenant>.mail.onmicrosoft.com); detected from the data when not given.
    #[arg(long, value_name = "DOMAIN")]
    routing_domain: Option<String>,
    /// An OU in sync scope (repeat for several); only unsynced AD users are filtered by it. Default: every AD user in the data is in scope.
    #[arg(long = "sync-scope", value_name = "DN")]
    pub(crate) sync_scope: Vec<String>,
    /// Region for numbers written without a country code when comparing mobile numbers (ISO 3166 code, e.g. US).
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
}

impl ScanOptArgs {
    /// The options as the checks take them.
    pub(crate) fn options(&self) -> ScanOptions {
        ScanOptions {
            phone: PhoneOptions {
                default_region: self.default_region.clone(),
            },
            routing_domain: self.routing_domain.clone(),
            sync_scope: self.sync_scope.clone(),
        }
    }
}

/// Runs `idrift scan`.
pub(crate) fn run(args: ScanArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    // Only the attributes the checks read are kept: a million users fit in far less memory.
    let loaded = args.source.load_with(ctx, LoadProfile::Scan)?;
    let opts = args.scan.options();
    let filter = ScanFilter {
        kinds: args.kind,
        min_severity: args.min_severity,
    };
    let report = idrift_app::ops::scan::scan(&loaded.snapshot, &opts, &filter);
    for n in &report.notes {
        writeln!(ctx.err, "note: {n}")?;
    }
    match args.format {
        Format::Json => {
            ctx.print_json(&report)?;
        }
        Format::Csv => {
            crate::output::csv_start(ctx.out, ctx.csv_bom)?;
            idrift_app::scan::write_csv(ctx.out, &report.findings)?;
        }
        Format::Table => {
            render_table(&report, ctx)?;
            if let Some(path) = &args.out {
                crate::output::write_csv_file(path, ctx.csv_bom, |w| {
                    idrift_app::scan::write_csv(w, &report.findings)
                })?;
                writeln!(
                    ctx.out,
                    "Wrote {} finding(s) to {}",
                    report.findings.len(),
                    path.display()
                )?;
            }
        }
    }
    let alert = args
        .fail_on
        .is_some_and(|min| report.findings.iter().any(|f| f.severity >= min));
    // Freed (or, in the binary, forgotten) by whoever runs the command; see `Retained`.
    ctx.retained.keep(report);
    ctx.retained.keep(loaded);
    Ok(super::found_code(alert))
}

pub(crate) use idrift_app::scan::detail;

fn render_table(report: &ScanReport, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    if report.findings.is_empty() {
        writeln!(ctx.out, "No findings.")?;
    } else {
        let rows = table_rows(&report.findings, |f| {
            vec![
                f.severity.to_string(),
                f.kind.to_string(),
                f.user_principal_name.clone(),
                detail(f),
            ]
        });
        write!(
            ctx.out,
            "{}",
            table(
                &["Severity", "Kind", "UserPrincipalName", "Detail"],
                &rows,
                ctx.term.width
            )
        )?;
    }
    writeln!(ctx.out)?;
    let counts: Vec<String> = FindingKind::ALL
        .iter()
        .map(|k| format!("{k} {}", report.summary.count(*k)))
        .collect();
    writeln!(
        ctx.out,
        "Findings: {} ({})",
        report.summary.total,
        counts.join(", ")
    )?;
    if let Some(line) = report.summary.not_synced_by_default.describe() {
        writeln!(ctx.out, "Not synced by default: {line}")?;
    }
    if let Some(d) = &report.routing_domain {
        writeln!(ctx.out, "Routing domain: {}", escape(d))?;
    }
    if report
        .findings
        .iter()
        .any(|f| f.kind != FindingKind::DirSyncOverride)
    {
        writeln!(
            ctx.out,
            "Run `idrift plan <UPN>` (same source options) for a user's remediation options; --format json shows the evidence."
        )?;
    }
    Ok(())
}
