//! `idrift dirsync ...`: DirSyncOverrides (AD mobile/otherMobile versus Entra mobilePhone): compare, per-user
//! get/set/clear, persist Entra values into AD, and the BypassDirSyncOverrides switch.
//!
//! Every mutating subcommand is a dry run unless `--apply` is given, asks for confirmation unless `--yes` is
//! given (and refuses, rather than wait, when standard input is not a terminal), journals every write (the
//! journal path is printed at the start and at the end), prints the values before and after, ends with a
//! per-user outcome table, and exits with 1 when any user failed or conflicted.

mod bypass;

use idrift_app::snapshot::Loaded;
use idrift_core::lean::{LeanAd, LeanCloud};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use idrift_app::dirsync_ops;
use idrift_app::journal::{self, RunOptions};
use idrift_app::ops::compare::CsvOut;
use idrift_app::ops::dirsync_writes::{self, Apply, EditProblem, PhoneEdit, Users, WriteRun};
use idrift_app::snapshot::LoadProfile;
use idrift_core::dirsync::{DirSyncOverrideRow, DirSyncReport};
use idrift_core::phone::PhoneOptions;

use crate::cmd::write::Sides as _;
pub(crate) use crate::cmd::write::block_on;
use crate::cmd::write::{
    DIRSYNC_TEXT, RunArgs, RunSpec, WriteArgs, conclude, confirm_writes, op_label, open_targets,
    print_machine, render_plan, run_plan, system_clock,
};
use crate::output::{Format, escape, fields, write_table_with};
use crate::source::{CliNames, SourceArgs};
use crate::{Ctx, UsageError};

/// The `dirsync` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum DirsyncCommand {
    /// Compare AD mobile/otherMobile with Entra mobilePhone and write the ADSyncTools CSV.
    #[command(after_help = crate::examples::COMPARE)]
    Compare(CompareArgs),
    /// Show one user's mobile numbers in AD or Entra ID (Get-ADSyncToolsDirSyncOverridesUser).
    #[command(after_help = crate::examples::GET)]
    Get(GetArgs),
    /// Set one user's mobile numbers in AD, or a cloud-only user's in Entra ID (Set-ADSyncToolsDirSyncOverridesUser).
    #[command(after_help = crate::examples::SET)]
    Set(SetArgs),
    /// Clear one user's mobile numbers in AD, or a cloud-only user's in Entra ID (Clear-ADSyncToolsDirSyncOverridesUser).
    #[command(after_help = crate::examples::CLEAR)]
    Clear(ClearArgs),
    /// Copy the Entra mobile numbers of differing users into AD, before enabling BypassDirSyncOverrides.
    #[command(
        long_about = "Copy the Entra values of every differing user into AD mobile/otherMobile, so that \
enabling BypassDirSyncOverrides loses nothing (Microsoft's documented repair, step 2).\n\n\
The plan comes from the CSV written by `idrift dirsync compare` (--from-csv, accepted unchanged), or from \
comparing the sources. A dry run prints the plan; --apply writes. Before each write the user is read again \
and skipped as a conflict when AD changed since the plan. Every write is journaled; an interrupted run \
continues with --resume JOURNAL, and `idrift undo JOURNAL` restores the values found before each write."
    )]
    #[command(after_help = crate::examples::PERSIST)]
    Persist(PersistArgs),
    /// BypassDirSyncOverrides: status, preview of the values it would overwrite, enable, disable.
    Bypass {
        #[command(subcommand)]
        cmd: bypass::BypassCommand,
    },
}

/// Arguments of `idrift dirsync compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// With --format table, the CSV file to write (default: the ADSyncTools file name in --out-dir).
    #[arg(long, value_name = "FILE", conflicts_with = "out_dir")]
    out: Option<PathBuf>,
    /// With --format table, the folder for the CSV under its ADSyncTools file name, ADSyncTools-DirSyncOverrides_<time>.csv (default: the current directory).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Output: table (writes the CSV, prints a table), json (prints JSON, writes no file), csv (prints the CSV, writes no file).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Region for numbers written without a country code when deciding whether a difference is formatting only (ISO 3166 code, e.g. US, DE).
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
    /// Exit with code 3 when the comparison finds this, for scheduled tasks: drift (a user whose numbers differ in value), any (formatting-only differences too).
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Option<CompareFailOn>,
}

/// What `dirsync compare --fail-on` alerts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CompareFailOn {
    /// A user whose AD and Entra numbers differ in value.
    Drift,
    /// Any row, formatting-only differences included.
    Any,
}

/// Runs a `dirsync` subcommand.
pub(crate) fn run(cmd: DirsyncCommand, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match cmd {
        DirsyncCommand::Compare(args) => compare(args, ctx),
        DirsyncCommand::Get(args) => block_on(get(args, ctx)),
        DirsyncCommand::Set(args) => block_on(set(args, ctx)),
        DirsyncCommand::Clear(args) => block_on(clear(args, ctx)),
        DirsyncCommand::Persist(args) => block_on(persist(args, ctx)),
        DirsyncCommand::Bypass { cmd } => bypass::run(cmd, ctx),
    }
}

fn compare(args: CompareArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    // Only the attributes the comparison reads are kept, each user in one compact value: a million users
    // fit in far less memory.
    let loaded: Loaded<LeanAd, LeanCloud> = args.source.load_with(ctx, LoadProfile::Phones)?;
    let phone = PhoneOptions {
        default_region: args.default_region.clone(),
    };
    // The table view writes the CSV too; the other formats print the rows instead.
    let csv = match args.format {
        Format::Table => Some(CsvOut {
            path: csv_path(&args, ctx)?,
            encoding: ctx.csv_encoding(),
        }),
        Format::Json | Format::Csv => None,
    };
    let compared = idrift_app::ops::compare::compare(&loaded.snapshot, &phone, csv)?;
    let report = compared.report;
    match (args.format, compared.csv_path) {
        (Format::Json, _) => {
            // `DirSyncReport` serializes as {"Summary":{...},"Rows":[...]}, rows in the CSV's column order.
            ctx.print_json(&report)?;
        }
        (Format::Csv, _) => {
            crate::output::csv_start(ctx.out, ctx.csv_bom)?;
            idrift_app::dirsync::write_csv(ctx.out, &report.rows)?;
        }
        (Format::Table, path) => {
            render_table(&report, ctx)?;
            if let Some(path) = path {
                writeln!(
                    ctx.out,
                    "\nWrote {} row(s) to {}",
                    report.rows.len(),
                    path.display()
                )?;
            }
        }
    }
    let alert = match args.fail_on {
        None => false,
        Some(CompareFailOn::Drift) => report.summary.real_drift > 0,
        Some(CompareFailOn::Any) => !report.rows.is_empty(),
    };
    // Freed (or, in the binary, forgotten) by whoever runs the command; see `Retained`.
    ctx.retained.keep(report);
    ctx.retained.keep(loaded);
    Ok(super::found_code(alert))
}

/// The CSV file compare writes: `--out FILE`, or the ADSyncTools file name in `--out-dir` (default: here).
/// `--out DIR`, the spelling of earlier releases, still works for one release, with a warning.
fn csv_path(args: &CompareArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<PathBuf> {
    let (path, out_was_dir) =
        idrift_app::dirsync::csv_target(args.out.as_deref(), args.out_dir.as_deref(), ctx.now_unix);
    if out_was_dir && let Some(p) = &args.out {
        ctx.warn(format!(
            "--out {} is a folder; --out names a file now, use --out-dir for a folder (--out DIR stops working in the next release)",
            p.display()
        ))?;
    }
    Ok(path)
}

/// Writes `values` joined with `;` into `cell`.
fn join_into(cell: &mut String, values: &[String]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            cell.push(';');
        }
        cell.push_str(v);
    }
}

/// A user's phone numbers as a table row: the comparison's and the bypass preview's.
pub(super) struct PhoneRow<'a> {
    pub(super) upn: &'a str,
    pub(super) mobile_in_ad: Option<&'a str>,
    pub(super) mobile_in_entra: Option<&'a str>,
    pub(super) other_mobile_in_ad: &'a [String],
    pub(super) alternate_in_entra: Option<&'a [String]>,
    /// The last column (the drift, or what the switch does).
    pub(super) last: &'a str,
}

impl PhoneRow<'_> {
    /// The headers of such rows, with Entra's AlternateMobilePhones when `with_alt`, and `last`.
    pub(super) fn headers(with_alt: bool, last: &'static str) -> Vec<&'static str> {
        let mut headers = vec![
            "UserPrincipalName",
            "MobileInAD",
            "MobileInEntra",
            "OtherMobileInAD",
        ];
        if with_alt {
            headers.push("AlternateMobilePhonesInEntra");
        }
        headers.push(last);
        headers
    }

    /// The cells, written into `cells` (its strings reused).
    pub(super) fn cells(&self, with_alt: bool, cells: &mut Vec<String>) {
        cells.resize_with(if with_alt { 6 } else { 5 }, String::new);
        for c in cells.iter_mut() {
            c.clear();
        }
        let mut it = cells.iter_mut();
        let mut next = || it.next();
        if let Some(c) = next() {
            c.push_str(self.upn);
        }
        if let Some(c) = next() {
            c.push_str(self.mobile_in_ad.unwrap_or_default());
        }
        if let Some(c) = next() {
            c.push_str(self.mobile_in_entra.unwrap_or_default());
        }
        if let Some(c) = next() {
            join_into(c, self.other_mobile_in_ad);
        }
        if with_alt && let Some(c) = next() {
            join_into(c, self.alternate_in_entra.unwrap_or_default());
        }
        if let Some(c) = next() {
            c.push_str(self.last);
        }
    }
}

/// The table cells of a row, written into `cells` (its strings reused).
fn row_cells(r: &DirSyncOverrideRow, with_alt: bool, cells: &mut Vec<String>) {
    let row = PhoneRow {
        upn: &r.user_principal_name,
        mobile_in_ad: r.mobile_in_ad.as_deref(),
        mobile_in_entra: r.mobile_in_entra.as_deref(),
        other_mobile_in_ad: &r.other_mobile_in_ad,
        alternate_in_entra: r.alternate_mobile_phones_in_entra.as_deref(),
        last: if r.format_only {
            "format only"
        } else {
            "value"
        },
    };
    row.cells(with_alt, cells);
}

fn render_table(report: &DirSyncReport, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let with_alt = report
        .rows
        .iter()
        .any(|r| r.alternate_mobile_phones_in_entra.is_some());
    let headers = PhoneRow::headers(with_alt, "Drift");
    if report.rows.is_empty() {
        writeln!(
            ctx.out,
            "No DirSyncOverrides: every matched synced user has the same mobile numbers in AD and Entra ID."
        )?;
    } else {
        write_table_with(
            ctx.out,
            &headers,
            report.rows.len(),
            ctx.term.width,
            &mut |i, cells| {
                if let Some(r) = report.rows.get(i) {
                    row_cells(r, with_alt, cells);
                }
            },
        )?;
    }
    let s = &report.summary;
    let m = &s.matching;
    writeln!(ctx.out)?;
    writeln!(
        ctx.out,
        "Users: {} in AD, {} in Entra ID",
        m.on_prem_total, m.cloud_total
    )?;
    writeln!(
        ctx.out,
        "Matched by source anchor: {} ({} synced, {} no longer synced)",
        m.matched, s.synced_matched, s.not_synced_matched
    )?;
    writeln!(
        ctx.out,
        "Unmatched: {} in AD, {} in Entra ID; ambiguous: {} in AD, {} in Entra ID; soft-match candidates: {}",
        m.unmatched_on_prem,
        m.unmatched_cloud,
        m.ambiguous_on_prem,
        m.ambiguous_cloud,
        m.soft_match_candidates
    )?;
    writeln!(
        ctx.out,
        "DirSyncOverrides: {} row(s): {} with different values, {} differing in formatting only",
        s.rows, s.real_drift, s.format_only
    )?;
    if let Some(line) = s.not_synced_by_default.describe() {
        writeln!(ctx.out, "Not synced by default: {line}")?;
    }
    if !s.alternate_mobile_compared {
        writeln!(
            ctx.out,
            "otherMobile was not compared: the Entra source carries no AlternateMobilePhones (Microsoft Graph has none)."
        )?;
    }
    Ok(())
}

fn phone_options(region: Option<&String>) -> anyhow::Result<PhoneOptions> {
    Ok(PhoneOptions::for_region(region.cloned()).map_err(|e| UsageError(e.to_string()))?)
}

// ---------------------------------------------------------------------------------------------------------
// get / set / clear

/// Which directory a per-user command reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Side {
    /// Active Directory (mobile, otherMobile).
    Ad,
    /// Entra ID (mobilePhone, and AlternateMobilePhones when the source has it).
    Entra,
}

/// Arguments of `idrift dirsync get`.
#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// The user: UPN, distinguished name or objectGUID (AD); UPN or object id (Entra ID).
    #[arg(value_name = "USER")]
    identity: String,
    /// Which directory to read.
    #[arg(long, value_enum)]
    from: Side,
    #[command(flatten)]
    source: SourceArgs,
    /// Output: table (one field a line), json (the fields as an object), csv (a header and one row).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

async fn get(args: GetArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    let (json, pairs) = match args.from {
        Side::Ad => {
            let v = dirsync_ops::get_ad(targets.ad()?, &args.identity).await?;
            let pairs = vec![
                (
                    "UserPrincipalName",
                    v.user_principal_name.clone().unwrap_or_default(),
                ),
                ("DistinguishedName", v.distinguished_name.clone()),
                ("Mobile", v.mobile.clone().unwrap_or_default()),
                ("OtherMobile", v.other_mobile.join(";")),
            ];
            (serde_json::to_value(&v)?, pairs)
        }
        Side::Entra => {
            let v = dirsync_ops::get_entra(targets.cloud()?, &args.identity).await?;
            let synced = if v.synced {
                "yes (phone numbers come from AD)"
            } else {
                "no (cloud-only)"
            };
            let alt = match &v.alternate_mobile_phones {
                Some(alt) => alt.join(";"),
                None if args.format == Format::Table => {
                    "(not in this source; Graph has no such property)".to_owned()
                }
                None => String::new(),
            };
            let pairs = vec![
                (
                    "UserPrincipalName",
                    v.user_principal_name.clone().unwrap_or_default(),
                ),
                ("ObjectId", v.object_id.clone()),
                ("Synced", synced.to_owned()),
                ("MobilePhone", v.mobile_phone.clone().unwrap_or_default()),
                ("AlternateMobilePhones", alt),
            ];
            (serde_json::to_value(&v)?, pairs)
        }
    };
    match args.format {
        Format::Json => {
            ctx.print_json(&json)?;
        }
        Format::Csv => {
            let mut w = ctx.csv_writer()?;
            w.write_record(pairs.iter().map(|(k, _)| *k))?;
            w.write_record(idrift_core::csv_cell::cells(pairs.iter().map(|(_, v)| v)))?;
            w.flush()?;
        }
        Format::Table => write!(ctx.out, "{}", fields(&pairs))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `idrift dirsync set`.
#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The user: UPN, distinguished name or objectGUID (AD); UPN or object id (Entra ID).
    #[arg(value_name = "USER")]
    identity: String,
    /// New AD mobile.
    #[arg(long, value_name = "NUMBER")]
    mobile_in_ad: Option<String>,
    /// New AD otherMobile (repeat for several values; replaces the current ones).
    #[arg(long, value_name = "NUMBER")]
    other_mobile_in_ad: Vec<String>,
    /// New Entra mobilePhone of a cloud-only user (Entra ID refuses it for synced users: change AD instead).
    #[arg(long, value_name = "NUMBER", conflicts_with_all = ["mobile_in_ad", "other_mobile_in_ad"])]
    mobile_in_entra: Option<String>,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    run: RunArgs,
}

async fn set(args: SetArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let other = (!args.other_mobile_in_ad.is_empty()).then_some(args.other_mobile_in_ad);
    let edit = PhoneEdit::set(args.mobile_in_ad, other, args.mobile_in_entra);
    let single = Single::new("dirsync set", &args.identity, &args.run);
    run_single(ctx, &args.source, (edit, "the new value"), single).await
}

/// Arguments of `idrift dirsync clear`.
#[derive(Debug, Args)]
pub(crate) struct ClearArgs {
    /// The user: UPN, distinguished name or objectGUID (AD); UPN or object id (Entra ID).
    #[arg(value_name = "USER")]
    identity: String,
    /// Clear AD mobile.
    #[arg(long)]
    mobile_in_ad: bool,
    /// Clear AD otherMobile.
    #[arg(long)]
    other_mobile_in_ad: bool,
    /// Clear the Entra mobilePhone of a cloud-only user (Entra ID refuses it for synced users).
    #[arg(long, conflicts_with_all = ["mobile_in_ad", "other_mobile_in_ad"])]
    mobile_in_entra: bool,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    run: RunArgs,
}

async fn clear(args: ClearArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let (ad, other, entra) = (
        args.mobile_in_ad,
        args.other_mobile_in_ad,
        args.mobile_in_entra,
    );
    let edit = PhoneEdit::clear(ad, other, entra);
    let single = Single::new("dirsync clear", &args.identity, &args.run);
    run_single(ctx, &args.source, (edit, "what to clear"), single).await
}

/// What `set` and `clear` share.
struct Single<'a> {
    command: &'a str,
    write: &'a WriteArgs,
    identity: &'a str,
    format: Format,
}

impl<'a> Single<'a> {
    /// The single write of `command` to the user `identity`, run as `run` says.
    fn new(command: &'a str, identity: &'a str, run: &'a RunArgs) -> Self {
        Single {
            command,
            write: &run.write,
            identity,
            format: run.format,
        }
    }
}

/// Plans `edit` of the one user as the FFI's `DirSync.Set` and `Clear` do ([`dirsync_writes::plan_users`]) and
/// runs it as `single` says; `nothing` says what an edit naming nothing lacks (`the new value`).
async fn run_single(
    ctx: &mut Ctx<'_>,
    source: &SourceArgs,
    (edit, nothing): (Result<PhoneEdit, EditProblem>, &str),
    single: Single<'_>,
) -> anyhow::Result<ExitCode> {
    // Clap refuses Entra's value with AD's, so naming nothing is the one problem left.
    let edit = edit.map_err(|_| {
        let flags = "--mobile-in-ad, --other-mobile-in-ad or --mobile-in-entra";
        UsageError(format!("name {nothing}: {flags}"))
    })?;
    let Single {
        command,
        write,
        identity,
        format,
    } = single;
    let targets = open_targets(source, ctx).await?;
    let out = WriteRun::new(command, &targets.description);
    let users = Users::One((identity.to_owned(), Ok(edit)));
    let no_items = |_: &idrift_app::AppError| "Invalid";
    let planned = dirsync_writes::plan_users(&targets, &CliNames, users, (&[], out), no_items);
    let (spec, _) = planned.await?;
    let question = match spec.ops.first() {
        None if format == Format::Table => {
            let note = dirsync_writes::unchanged_note(identity);
            writeln!(ctx.out, "{}", escape(&note))?;
            return Ok(ExitCode::SUCCESS);
        }
        None => String::new(),
        Some(op) => format!("Write {} of {}?", op_label(&op.op), op.target),
    };
    let reminder = dirsync_writes::reminder(&spec.ops, "idrift dirsync bypass preview");
    let run = RunSpec {
        spec: &spec,
        write,
        question,
        opts: RunOptions::default(),
        after_apply: reminder.as_deref(),
        format,
        extra: serde_json::Map::new(),
    };
    run_plan(ctx, &targets, run).await
}

// ---------------------------------------------------------------------------------------------------------
// persist

/// Arguments of `idrift dirsync persist`.
#[derive(Debug, Args)]
pub(crate) struct PersistArgs {
    /// Plan from this CSV (written by `idrift dirsync compare`, or ADSyncTools') instead of comparing the sources.
    #[arg(long, value_name = "FILE", conflicts_with = "resume")]
    from_csv: Option<PathBuf>,
    /// Continue an interrupted or limited run from its journal (nothing is written twice).
    #[arg(long, value_name = "JOURNAL")]
    resume: Option<PathBuf>,
    /// Only these users (UPN; repeat for several).
    #[arg(long, value_name = "UPN", conflicts_with = "resume")]
    only: Vec<String>,
    /// Leave these users out (UPN; repeat for several), e.g. where AD's number is the one to keep.
    #[arg(long, value_name = "UPN", conflicts_with = "resume")]
    skip: Vec<String>,
    /// Write at most this many users in this run; continue later with --resume.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Region for numbers without a country code, to mark formatting-only differences (ISO 3166 code).
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    run: RunArgs,
}

async fn persist(args: PersistArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let opts = RunOptions {
        max_writes: args.limit,
    };
    if let Some(path) = &args.resume {
        return persist_resume(&args, path, opts, ctx).await;
    }
    let phone = phone_options(args.default_region.as_ref())?;
    let targets = open_targets(&args.source, ctx).await?;
    let rows = match &args.from_csv {
        Some(csv) => dirsync_ops::PersistRows::Csv(csv.clone()),
        None => dirsync_ops::PersistRows::Compare {
            cloud: targets.cloud()?,
            phone,
        },
    };
    let persist = dirsync_ops::persist(targets.ad()?, rows, &args.only, &args.skip).await?;
    let note = persist.removing_note("--skip UPN");
    let plan = persist.plan;
    for n in &plan.not_planned {
        writeln!(
            ctx.err,
            "not planned: {}: {}",
            n.user_principal_name, n.reason
        )?;
    }
    if let Some(note) = note {
        writeln!(ctx.err, "note: {note}")?;
    }
    let question = format!(
        "Write the Entra mobile numbers of {} user(s) into AD?",
        plan.spec.ops.len()
    );
    let run = RunSpec {
        spec: &plan.spec,
        write: &args.run.write,
        question,
        opts,
        after_apply: Some(
            "Next: idrift dirsync bypass preview (it should list nobody now), then idrift dirsync bypass enable.",
        ),
        format: args.run.format,
        extra: serde_json::Map::new(),
    };
    run_plan(ctx, &targets, run).await
}

async fn persist_resume(
    args: &PersistArgs,
    path: &Path,
    opts: RunOptions,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<ExitCode> {
    if args.run.write.journal.is_some() {
        return Err(UsageError(
            "--resume continues its own journal; leave out --journal".to_owned(),
        )
        .into());
    }
    let log = journal::read(path)?;
    for w in &log.warnings {
        ctx.warn(w.clone())?;
    }
    journal::check_resumable(&log)?;
    let targets = open_targets(&args.source, ctx).await?;
    let spec = log.remaining();
    let total = log.planned().len();
    let run = RunSpec {
        spec: &spec,
        write: &args.run.write,
        question: format!(
            "Continue {} operation(s) of {}?",
            spec.ops.len(),
            path.display()
        ),
        opts,
        after_apply: None,
        format: args.run.format,
        extra: serde_json::Map::new(),
    };
    let text = args.run.format == Format::Table;
    if text {
        writeln!(
            ctx.out,
            "Journal: {} (resuming {})",
            escape(&path.display().to_string()),
            escape(&log.header.command)
        )?;
        writeln!(
            ctx.out,
            "{} of {} operation(s) already final; remaining:",
            total.saturating_sub(spec.ops.len()),
            total
        )?;
        if spec.ops.is_empty() {
            writeln!(ctx.out, "Nothing left to do.")?;
            return Ok(ExitCode::SUCCESS);
        }
        writeln!(ctx.out, "Writes to {}:", escape(&targets.description))?;
        render_plan(ctx, &spec.ops)?;
    }
    if !args.run.write.apply || spec.ops.is_empty() {
        if text {
            writeln!(
                ctx.out,
                "\nDry run: {} operation(s) would be checked and written where still needed. Run again with --apply.",
                spec.ops.len()
            )?;
        } else {
            let ops = &spec.ops;
            print_machine(
                ctx,
                &run,
                path,
                &targets.description,
                ops,
                None,
                DIRSYNC_TEXT,
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !confirm_writes(ctx, args.run.write.yes, &run.question)? {
        return Ok(ExitCode::from(1));
    }
    // The run itself is the FFI's too: `dirsync_writes::resume` re-reads the journal and continues it.
    let hook = ctx.progress_hook();
    let how = Apply {
        apply: true,
        opts,
        progress: &hook,
        clock: system_clock(),
    };
    let out = WriteRun::new(&spec.command, &targets.description);
    let done = dirsync_writes::resume(&targets, path, how, out).await?;
    match &done.report {
        Some(report) => conclude(ctx, &targets.description, &run, report),
        None => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests;
