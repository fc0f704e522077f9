//! `idrift report`: one self-contained HTML file with the summary, the DirSyncOverrides at risk, the Exchange
//! findings with their recommended fixes, migration verdicts, change records and the trend.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_app::ops::trend::{ReportRequest, report};
use idrift_app::report::Extras;
use idrift_app::snapshot::LoadProfile;

use crate::Ctx;
use crate::cmd::scan::ScanOptArgs;
use crate::output::{Format, print_record};
use crate::source::SourceArgs;

/// Arguments of `idrift report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE", default_value = "idrift-report.html")]
    out: PathBuf,
    /// Mailbox move reports (Get-MoveRequestStatistics / Get-MigrationUserStatistics -IncludeReport output), a file or a folder; repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    migration: Vec<PathBuf>,
    /// A change journal of an idrift run (repeatable); an undo journal marks the run it undoes.
    #[arg(long, value_name = "FILE")]
    journal: Vec<PathBuf>,
    /// The previous scan for the trend: `idrift scan --format json` output, or a snapshot directory.
    #[arg(long, value_name = "SCAN.json|SNAPSHOT")]
    previous: Option<PathBuf>,
    #[command(flatten)]
    scan: ScanOptArgs,
    /// Output: table (a sentence), json ({"Out","Findings"}), csv (the same columns).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `idrift report`.
pub(crate) fn run(args: ReportArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let loaded = args.source.load_with(ctx, LoadProfile::Full)?;
    let opts = args.scan.options();
    let spec = args.source.spec(ctx)?;
    let req = ReportRequest {
        scan: &opts,
        extras: Extras {
            migration: args.migration,
            journals: args.journal,
            previous: args.previous,
            lint: None,
        },
        source: &spec,
        generated: idrift_app::timefmt::iso8601(ctx.now_unix),
    };
    let written = report(&loaded.snapshot, req, &args.out)?;
    if args.format != Format::Table {
        let record = [
            ("Out", serde_json::json!(args.out)),
            ("Findings", serde_json::json!(written.findings)),
        ];
        print_record(ctx, args.format, &record)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        ctx.out,
        "Wrote the report ({} finding(s)) to {}",
        written.findings,
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
