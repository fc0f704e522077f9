//! `idrift migration verify FILE...`: judges mailbox moves by the folder-by-folder MailboxVerification of
//! their reports, and explains why "Data migrated" is larger than the mailbox.
//!
//! Inputs are files saved from `Get-MigrationUserStatistics <user> -IncludeReport` (Export-Clixml,
//! ConvertTo-Json, an InvokeCommand response, or Format-List console text); a folder is a batch.
//! With `--exo exo --identity UPN` the statistics are fetched live from Exchange Online.
//! Exit codes: 0 when the command ran, whatever the verdicts (a Fail is data); 1 when an input could
//! not be read (the readable ones are still reported); 2 for usage errors; with `--fail-on-fail`, 3
//! when every input was read and at least one user failed verification.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use idrift_core::migration::{ByteSize, Summary, UserVerification, Verdict, VerificationReport};
use serde::Serialize;

use crate::Ctx;
use crate::output::{escape, table, table_rows};

/// The `migration` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum MigrationCommand {
    /// Verify moves from saved Get-MigrationUserStatistics -IncludeReport output: Pass, Fail or Unknown per user.
    #[command(
        long_about = "Verify mailbox moves from saved `Get-MigrationUserStatistics <user> -IncludeReport` output.\n\n\
A move is judged by the report's MailboxVerification, folder by folder: Pass when no folder lost items \
(target count at least the source count, empty missing bucket, no missing or misplaced folder), Fail naming \
the folders and counts, Unknown when the report has no verification yet (the move has not finalized).\n\n\
\"Data migrated\" (BytesTransferred) is shown beside EstimatedTotalTransferSize and the source size, with \
the stalls and restarts found in the report log: data copied again after interruptions explains why it \
exceeds the mailbox size.\n\n\
Each FILE may be Export-Clixml output, ConvertTo-Json output, an Exchange admin API InvokeCommand response, \
or Format-List console text saved to a file (the format is detected from the content); a folder is read \
as a batch of such files. With --exo exo --identity UPN the statistics are fetched live from Exchange Online.\n\n\
Exit codes: 0 when it ran (a Fail verdict is data), 1 when an input could not be read, 2 for usage errors, \
3 with --fail-on-fail when at least one user failed."
    )]
    #[command(after_help = crate::examples::MIGRATION_VERIFY)]
    Verify(VerifyArgs),
}

/// Output of `idrift migration verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum VerifyFormat {
    /// A readable report per user: verdict first, failing folders, the Data migrated explanation.
    #[default]
    Table,
    /// `{"Users":[…],"Summary":{…},"Errors":[…]}` on standard output.
    Json,
    /// One row per user: Identity,Verdict,Status,MissingItems,DataMigratedBytes,EstimatedTransferBytes,SourceMailboxBytes,Stalls,Restarts,Reason.
    Csv,
}

/// Arguments of `idrift migration verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Saved statistics files, or folders of them (a folder is a batch).
    #[arg(value_name = "FILE", required_unless_present = "exo")]
    files: Vec<PathBuf>,
    /// Fetch the statistics live: `--exo exo` asks Exchange Online (admin API InvokeCommand) for
    /// Get-MigrationUserStatistics -IncludeReport of each --identity. Connection: --tenant, --client-id,
    /// --client-secret-env or --certificate (or a --profile; AZURE_TENANT_ID, AZURE_CLIENT_ID,
    /// AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH as defaults).
    #[arg(long, value_name = "SOURCE", value_parser = ["exo"], requires = "identity")]
    exo: Option<String>,
    /// The migration user to fetch with --exo (UPN or e-mail address); repeat for several.
    #[arg(long, value_name = "UPN", requires = "exo")]
    identity: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Table)]
    format: VerifyFormat,
    /// Exit with code 3 when any user fails verification (for scripts and CI); Unknown does not count.
    #[arg(long)]
    fail_on_fail: bool,
    #[command(flatten)]
    conn: crate::source::ConnArgs,
}

/// The JSON document: the report's users and summary, and the inputs that could not be read.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonOutput<'a> {
    users: &'a [UserVerification],
    summary: &'a Summary,
    errors: &'a [String],
}

/// Runs a `migration` subcommand.
pub(crate) fn run(cmd: MigrationCommand, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match cmd {
        MigrationCommand::Verify(args) => verify(&args, ctx),
    }
}

fn verify(args: &VerifyArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let config = match args.exo {
        Some(_) => Some(args.conn.cloud_config(ctx)?),
        None => None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let live = config.as_ref().map(|c| (c, args.identity.as_slice()));
    let outcome = rt.block_on(idrift_app::ops::verify::verify(&args.files, live));
    for w in &outcome.warnings {
        ctx.warn(w.clone())?;
    }
    let errors: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
    match args.format {
        VerifyFormat::Json => {
            let body = JsonOutput {
                users: &outcome.report.users,
                summary: &outcome.report.summary,
                errors: &errors,
            };
            ctx.print_json(&body)?;
        }
        VerifyFormat::Csv => {
            crate::output::csv_start(ctx.out, ctx.csv_bom)?;
            write_csv(&outcome.report, ctx.out)?;
        }
        VerifyFormat::Table => render(&outcome.report, ctx.out, ctx.term.width)?,
    }
    for e in &errors {
        writeln!(ctx.err, "idrift: error: {e}")?;
    }
    if !errors.is_empty() {
        return Ok(ExitCode::from(1));
    }
    if args.fail_on_fail && outcome.report.summary.fail > 0 {
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// The report as CSV, one row per user.
fn write_csv(report: &VerificationReport, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "Identity",
        "Verdict",
        "Status",
        "MissingItems",
        "DataMigratedBytes",
        "EstimatedTransferBytes",
        "SourceMailboxBytes",
        "Stalls",
        "Restarts",
        "Reason",
    ])?;
    let n = |b: Option<u64>| b.map(|b| b.to_string()).unwrap_or_default();
    for u in &report.users {
        let verdict = match u.verdict {
            Verdict::Pass => "Pass",
            Verdict::Fail => "Fail",
            Verdict::Unknown => "Unknown",
        };
        w.write_record([
            u.identity.clone(),
            verdict.to_owned(),
            u.status.clone().unwrap_or_default(),
            u.missing_items.to_string(),
            n(u.data_migrated_bytes),
            n(u.estimated_transfer_bytes),
            n(u.source_mailbox_bytes),
            u.stalls.to_string(),
            u.restarts.to_string(),
            u.verdict_reason.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Renders the report for an administrator: per user the verdict first, then what failed, then the
/// "Data migrated" figures and their explanation; a summary line for a batch.
fn render(
    report: &VerificationReport,
    out: &mut dyn Write,
    width: Option<usize>,
) -> std::io::Result<()> {
    for (i, u) in report.users.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        render_user(u, out, width)?;
    }
    if report.users.len() > 1 {
        let s = &report.summary;
        writeln!(
            out,
            "\n{} migration users: {} Pass, {} Fail, {} Unknown; {} item(s) lost.",
            s.users, s.pass, s.fail, s.unknown, s.missing_items
        )?;
    }
    Ok(())
}

fn render_user(
    u: &UserVerification,
    out: &mut dyn Write,
    width: Option<usize>,
) -> std::io::Result<()> {
    let verdict = match u.verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Unknown => "UNKNOWN",
    };
    writeln!(out, "{verdict}  {}", escape(&u.identity))?;
    let mut context = Vec::new();
    if let Some(s) = &u.status {
        context.push(format!("status {s}"));
    }
    if let Some(f) = &u.source_file {
        match u.input_format {
            Some(fmt) => context.push(format!("read from {f} ({fmt})")),
            None => context.push(format!("read from {f}")),
        }
    }
    if !context.is_empty() {
        writeln!(out, "  {}", escape(&context.join(", ")))?;
    }
    match u.verdict {
        Verdict::Fail => {
            let failing: Vec<_> = u.folders.iter().filter(|f| f.lost_items).collect();
            writeln!(
                out,
                "  {} of {} folder(s) lost items ({} item(s) in all):",
                failing.len(),
                u.folders.len(),
                u.missing_items
            )?;
            let rows = table_rows(&failing, |f| {
                let mut notes = Vec::new();
                if f.folder_is_missing {
                    notes.push("folder missing in target");
                }
                if f.folder_is_misplaced {
                    notes.push("folder misplaced in target");
                }
                vec![
                    f.folder_path.clone(),
                    f.source_count.to_string(),
                    f.target_count.to_string(),
                    f.items_short.to_string(),
                    f.missing_count.to_string(),
                    notes.join(", "),
                ]
            });
            let t = table(
                &["Folder", "Source", "Target", "Short", "Missing", "Notes"],
                &rows,
                // The table is indented by four columns.
                width.map(|w| w.saturating_sub(4)),
            );
            for line in t.lines() {
                writeln!(out, "    {line}")?;
            }
        }
        Verdict::Pass | Verdict::Unknown => writeln!(out, "  {}", escape(&u.verdict_reason))?,
    }

    writeln!(out)?;
    let size = |b: Option<u64>| b.map_or_else(|| "-".to_owned(), |b| ByteSize(b).to_string());
    let source_label = if u.folders.is_empty() {
        "Source mailbox size"
    } else {
        "Source folders (verified)"
    };
    let mut figures = vec![
        (
            "Data migrated (BytesTransferred)",
            size(u.data_migrated_bytes),
        ),
        ("Estimated transfer size", size(u.estimated_transfer_bytes)),
        (source_label, size(u.source_mailbox_bytes)),
    ];
    if u.target_mailbox_bytes.is_some() {
        figures.push(("Target folders (verified)", size(u.target_mailbox_bytes)));
    }
    if let (Some(r), Some(extra)) = (u.overhead_ratio, u.overhead_bytes) {
        figures.push(("Overhead", format!("{r} times, {} more", ByteSize(extra))));
    }
    let log = if u.log_entries == 0 {
        "no report log in the input".to_owned()
    } else {
        format!(
            "{} stall(s), {} restart(s) in {} log entries",
            u.stalls, u.restarts, u.log_entries
        )
    };
    figures.push(("Interruptions", log));
    if let Some(d) = &u.stalled_duration {
        figures.push(("Stalled duration", d.clone()));
    }
    let width = figures.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &figures {
        writeln!(out, "  {k:<width$}  {}", escape(v))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "  Why \"Data migrated\" differs from the mailbox size:"
    )?;
    for sentence in &u.explanation {
        writeln!(out, "  - {}", escape(sentence))?;
    }
    Ok(())
}
