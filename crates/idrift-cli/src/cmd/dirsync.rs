//! `idrift dirsync ...`: DirSyncOverrides (AD mobile/otherMobile versus Entra mobilePhone): compare, per-user
//! get/set/clear, persist Entra values into AD, and the BypassDirSyncOverrides switch.
//!
//! Every mutating subcommand is a dry run unless `--apply` is given, asks for confirmation unless `--yes` is
//! given (and refuses, rather than wait, when standard input is not a terminal), journals every write (the
//! journal path is printed at the start and at the end), prints the values before and after, ends with a
//! per-user outcome table, and exits with 1 when any user failed or conflicted.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use idrift_app::dirsync_ops::{
    self, AdPhoneEdit, BypassPreview, DirSyncExecutor, OP_AD_PHONES, OP_BYPASS, OP_ENTRA_MOBILE,
};
use idrift_app::journal::{self, Clock, OpStatus, PlanSpec, Planned, RunOptions, RunReport};
use idrift_app::snapshot::LoadProfile;
use idrift_app::targets;
use idrift_core::dirsync::{DirSyncOverrideRow, DirSyncReport};
use idrift_core::phone::PhoneOptions;
use idrift_core::ports::{OnPremPhoneWriter, TenantSyncAdmin};

use crate::output::{Format, table};
use crate::source::{SourceArgs, is_graph, is_ldap_url};
use crate::{Ctx, UsageError};

/// The `dirsync` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum DirsyncCommand {
    /// Compare AD mobile/otherMobile with Entra mobilePhone and write the ADSyncTools CSV.
    Compare(CompareArgs),
    /// Show one user's mobile numbers in AD or Entra ID (Get-ADSyncToolsDirSyncOverridesUser).
    Get(GetArgs),
    /// Set one user's mobile numbers in AD, or a cloud-only user's in Entra ID (Set-ADSyncToolsDirSyncOverridesUser).
    Set(SetArgs),
    /// Clear one user's mobile numbers in AD, or a cloud-only user's in Entra ID (Clear-ADSyncToolsDirSyncOverridesUser).
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
    Persist(PersistArgs),
    /// BypassDirSyncOverrides: status, preview of the values it would overwrite, enable, disable.
    Bypass {
        #[command(subcommand)]
        cmd: BypassCommand,
    },
}

/// The `dirsync bypass` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BypassCommand {
    /// Show whether BypassDirSyncOverrides is enabled (Graph, or a snapshot's entra-sync.json).
    Status(StatusArgs),
    /// List every user whose Entra values enabling BypassDirSyncOverrides would overwrite with AD's: the data at risk.
    Preview(PreviewArgs),
    /// Enable BypassDirSyncOverrides; refuses while the preview lists users, unless --accept-overwrite.
    Enable(EnableArgs),
    /// Disable BypassDirSyncOverrides (cloud edits of synced mobile numbers create DirSyncOverrides again).
    Disable(DisableArgs),
}

/// Arguments of `idrift dirsync compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Where to write the CSV: a file, or a directory for the ADSyncTools file name (default: the current directory).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
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
        DirsyncCommand::Bypass { cmd } => match cmd {
            BypassCommand::Status(args) => block_on(bypass_status(args, ctx)),
            BypassCommand::Preview(args) => block_on(bypass_preview(args, ctx)),
            BypassCommand::Enable(args) => block_on(bypass_enable(args, ctx)),
            BypassCommand::Disable(args) => block_on(bypass_disable(args, ctx)),
        },
    }
}

fn compare(args: CompareArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    // Only the attributes the comparison reads are kept: a million users fit in far less memory.
    let loaded = args.source.load_with(ctx, LoadProfile::Phones)?;
    let phone = PhoneOptions {
        default_region: args.default_region.clone(),
    };
    let report = idrift_app::dirsync::compare(&loaded.snapshot, &phone);
    match args.format {
        Format::Json => {
            // `DirSyncReport` serializes as {"Summary":{...},"Rows":[...]}, rows in the CSV's column order.
            serde_json::to_writer_pretty(&mut *ctx.out, &report)?;
            writeln!(ctx.out)?;
        }
        Format::Csv => {
            idrift_app::dirsync::write_csv(ctx.out, &report.rows)?;
        }
        Format::Table => {
            let path = csv_path(args.out.as_deref(), ctx.now_unix);
            idrift_app::dirsync::write_csv_file(&path, &report.rows)?;
            render_table(&report, ctx)?;
            writeln!(
                ctx.out,
                "\nWrote {} row(s) to {}",
                report.rows.len(),
                path.display()
            )?;
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
    Ok(if alert {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn csv_path(out: Option<&Path>, now_unix: i64) -> PathBuf {
    let name = idrift_app::dirsync::csv_file_name(now_unix);
    match out {
        Some(p) if p.is_dir() => p.join(name),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(name),
    }
}

fn join(v: &[String]) -> String {
    v.join(";")
}

fn row_cells(r: &DirSyncOverrideRow, with_alt: bool) -> Vec<String> {
    let mut cells = vec![
        r.user_principal_name.clone(),
        r.mobile_in_ad.clone().unwrap_or_default(),
        r.mobile_in_entra.clone().unwrap_or_default(),
        join(&r.other_mobile_in_ad),
    ];
    if with_alt {
        cells.push(
            r.alternate_mobile_phones_in_entra
                .as_deref()
                .map(join)
                .unwrap_or_default(),
        );
    }
    cells.push(
        if r.format_only {
            "format only"
        } else {
            "value"
        }
        .to_owned(),
    );
    cells
}

fn render_table(report: &DirSyncReport, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let with_alt = report
        .rows
        .iter()
        .any(|r| r.alternate_mobile_phones_in_entra.is_some());
    let mut headers = vec![
        "UserPrincipalName",
        "MobileInAD",
        "MobileInEntra",
        "OtherMobileInAD",
    ];
    if with_alt {
        headers.push("AlternateMobilePhonesInEntra");
    }
    headers.push("Drift");
    let rows: Vec<Vec<String>> = report.rows.iter().map(|r| row_cells(r, with_alt)).collect();
    if rows.is_empty() {
        writeln!(
            ctx.out,
            "No DirSyncOverrides: every matched synced user has the same mobile numbers in AD and Entra ID."
        )?;
    } else {
        write!(ctx.out, "{}", table(&headers, &rows, 48))?;
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
    if !s.alternate_mobile_compared {
        writeln!(
            ctx.out,
            "otherMobile was not compared: the Entra source carries no AlternateMobilePhones (Microsoft Graph has none)."
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Shared by the mutating subcommands (and `idrift undo`).

/// Options every mutating command shares.
#[derive(Debug, Clone, Args)]
pub(crate) struct WriteArgs {
    /// Execute the writes. Without it, a dry run prints what would be written and writes nothing.
    #[arg(long)]
    pub(crate) apply: bool,
    /// Do not ask for confirmation (required when standard input is not a terminal).
    #[arg(long)]
    pub(crate) yes: bool,
    /// The journal file to create (default: idrift-<command>_<time>.journal.jsonl in the current directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) journal: Option<PathBuf>,
}

/// Output of the read-only subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum ViewFormat {
    /// Readable text.
    #[default]
    Table,
    /// JSON on standard output.
    Json,
}

/// Runs a command body on a single-threaded runtime (the CLI is a composition root).
pub(crate) fn block_on<F: Future<Output = anyhow::Result<ExitCode>>>(
    f: F,
) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(f)
}

/// The clock journal entries are stamped with.
pub(crate) fn system_clock() -> Clock {
    Clock::new(|| {
        #[expect(
            clippy::disallowed_methods,
            reason = "composition root: journal timestamps read the system clock"
        )]
        let now = std::time::SystemTime::now();
        now.duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// The directories a command writes to (and reads from): live directories, or a snapshot being rehearsed on.
pub(crate) struct Targets {
    pub(crate) ad: Option<Arc<dyn OnPremPhoneWriter>>,
    pub(crate) cloud: Option<Arc<dyn TenantSyncAdmin>>,
    /// What a dry run or an apply writes to, in words.
    pub(crate) description: String,
}

impl Targets {
    pub(crate) fn executor(&self) -> DirSyncExecutor<'_> {
        DirSyncExecutor::new(self.ad.as_deref(), self.cloud.as_deref())
    }

    fn ad(&self) -> anyhow::Result<&dyn OnPremPhoneWriter> {
        self.ad.as_deref().ok_or_else(|| {
            UsageError(
                "name Active Directory: --ad ldaps://DC or --ad FILE.ldif, or --snapshot DIR"
                    .to_owned(),
            )
            .into()
        })
    }

    fn cloud(&self) -> anyhow::Result<&dyn TenantSyncAdmin> {
        self.cloud.as_deref().ok_or_else(|| {
            UsageError(
                "name Entra ID: --entra graph or --entra FILE.json, or --snapshot DIR".to_owned(),
            )
            .into()
        })
    }
}

/// Opens the directories the source arguments name, for reading and writing.
///
/// A snapshot directory (or single export files) is written in place: this rehearses a repair offline.
/// The bundled demo is read-only.
pub(crate) async fn open_targets(src: &SourceArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<Targets> {
    let warn = |ctx: &mut Ctx<'_>, warnings: &[String]| -> anyhow::Result<()> {
        for w in warnings {
            writeln!(ctx.err, "warning: {w}")?;
        }
        Ok(())
    };
    // The targets themselves are opened by idrift_app::targets (shared with idrift-ffi); this turns the
    // options into configurations and prints each reader warning as soon as its file is read.
    let opened = if src.demo {
        let t = targets::demo_writers()?;
        warn(ctx, &t.warnings)?;
        t
    } else if let Some(dir) = &src.snapshot {
        let t = targets::snapshot_writers(dir)?;
        warn(ctx, &t.warnings)?;
        t
    } else {
        let ad = match src.ad.as_deref() {
            Some(url) if is_ldap_url(url) => {
                let cfg = src.conn.ldap_config(url, ctx)?;
                Some(targets::open_ad_writer(url, &cfg).await?)
            }
            Some(file) => {
                let mut side = targets::ad_file_writer(Path::new(file))?;
                warn(ctx, &std::mem::take(&mut side.warnings))?;
                Some(side)
            }
            None => None,
        };
        let cloud = match src.entra.as_deref() {
            Some(g) if is_graph(g) => {
                let cfg = src.conn.cloud_config(ctx)?;
                Some(targets::graph_writer(&cfg)?)
            }
            Some(file) => Some(targets::entra_files_writer(
                Path::new(file),
                src.entra_sync.as_deref(),
            )?),
            None => None,
        };
        targets::combine(ad, cloud).ok_or_else(|| {
            UsageError(
                "name the data: --snapshot DIR, or --ad FILE.ldif and/or --entra FILE.json, or --demo"
                    .to_owned(),
            )
        })?
    };
    Ok(Targets {
        ad: opened.ad,
        cloud: opened.cloud,
        description: opened.description,
    })
}

/// Asks "question [y/N]" on a terminal. Without a terminal it refuses (unless `--yes`), never waits.
pub(crate) fn confirm(ctx: &mut Ctx<'_>, yes: bool, question: &str) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    if ctx.term.quiet {
        // The prompt would go to standard error, which --quiet silences: refuse rather than ask unseen.
        return Err(UsageError(format!(
            "{question}: this needs confirmation and --quiet hides the prompt; pass --yes to confirm, or leave out --quiet"
        ))
        .into());
    }
    if !ctx.stdin_is_terminal {
        return Err(UsageError(format!(
            "{question}: this needs confirmation and standard input is not a terminal; pass --yes to confirm"
        ))
        .into());
    }
    write!(ctx.err, "{question} [y/N] ")?;
    ctx.err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    let a = answer.trim().to_ascii_lowercase();
    Ok(a == "y" || a == "yes")
}

fn op_label(op: &str) -> &str {
    match op {
        OP_AD_PHONES => "AD mobile/otherMobile",
        OP_ENTRA_MOBILE => "Entra mobilePhone",
        OP_BYPASS => "BypassDirSyncOverrides",
        other => other,
    }
}

/// Prints planned operations with their before and after values.
pub(crate) fn render_plan(ctx: &mut Ctx<'_>, ops: &[Planned]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = ops
        .iter()
        .map(|o| {
            vec![
                o.target.clone(),
                op_label(&o.op).to_owned(),
                dirsync_ops::describe_value(&o.op, &o.before),
                dirsync_ops::describe_value(&o.op, &o.after),
            ]
        })
        .collect();
    write!(
        ctx.out,
        "{}",
        table(&["Target", "Attribute", "Before", "After"], &rows, 60)
    )?;
    Ok(())
}

/// Prints the per-user outcome table and the totals.
pub(crate) fn render_report(ctx: &mut Ctx<'_>, report: &RunReport) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = report
        .ops
        .iter()
        .map(|o| {
            let mut note = o.message.clone().unwrap_or_default();
            if o.status == OpStatus::Pending {
                note = "not written yet (--limit reached)".to_owned();
            } else if !o.this_run {
                note = format!("(earlier run) {note}").trim_end().to_owned();
            }
            vec![
                o.target.clone(),
                op_label(&o.op).to_owned(),
                o.status.label().to_owned(),
                dirsync_ops::describe_value(&o.op, &o.before),
                dirsync_ops::describe_value(&o.op, &o.after),
                note,
            ]
        })
        .collect();
    writeln!(ctx.out)?;
    write!(
        ctx.out,
        "{}",
        table(
            &["Target", "Attribute", "Outcome", "Before", "After", "Note"],
            &rows,
            90
        )
    )?;
    writeln!(
        ctx.out,
        "\n{} applied, {} skipped, {} conflict, {} failed, {} pending ({} write(s) in this run)",
        report.count(OpStatus::Applied),
        report.count(OpStatus::Skipped),
        report.count(OpStatus::Conflict),
        report.count(OpStatus::Failed),
        report.count(OpStatus::Pending) + report.count(OpStatus::InDoubt),
        report.writes
    )?;
    Ok(())
}

fn journal_path(write: &WriteArgs, command: &str, now_unix: i64) -> PathBuf {
    write
        .journal
        .clone()
        .unwrap_or_else(|| PathBuf::from(journal::default_file_name(command, now_unix)))
}

/// How a plan is run.
pub(crate) struct RunSpec<'a> {
    pub(crate) spec: &'a PlanSpec,
    pub(crate) write: &'a WriteArgs,
    pub(crate) question: String,
    pub(crate) opts: RunOptions,
    /// Printed after an apply (the initial-sync reminder).
    pub(crate) after_apply: Option<&'a str>,
}

/// The common tail of every mutating command: journal path, plan, dry run or confirmation, apply, outcome
/// table, journal path again, exit code.
pub(crate) async fn run_plan(
    ctx: &mut Ctx<'_>,
    targets: &Targets,
    run: RunSpec<'_>,
) -> anyhow::Result<ExitCode> {
    let path = journal_path(run.write, &run.spec.command, ctx.now_unix);
    if run.spec.ops.is_empty() {
        writeln!(ctx.out, "Nothing to write.")?;
        return Ok(ExitCode::SUCCESS);
    }
    if run.write.apply {
        writeln!(ctx.out, "Journal: {}", path.display())?;
    } else {
        writeln!(
            ctx.out,
            "Dry run: nothing is written. With --apply the journal is {}",
            path.display()
        )?;
    }
    writeln!(ctx.out, "Writes to {}:", targets.description)?;
    render_plan(ctx, &run.spec.ops)?;
    if !run.write.apply {
        writeln!(
            ctx.out,
            "\nDry run: {} write(s) planned, none made. Run again with --apply to write.",
            run.spec.ops.len()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if path.exists() {
        return Err(UsageError(format!(
            "{}: journal already exists; continue it with --resume, or name a new one with --journal",
            path.display()
        ))
        .into());
    }
    if !confirm(ctx, run.write.yes, &run.question)? {
        writeln!(ctx.out, "Not confirmed: nothing was written.")?;
        return Ok(ExitCode::from(1));
    }
    let exec = targets.executor();
    let report = journal::apply(&path, run.spec, &exec, system_clock(), run.opts).await?;
    finish(ctx, &report, run.after_apply)
}

fn finish(
    ctx: &mut Ctx<'_>,
    report: &RunReport,
    after_apply: Option<&str>,
) -> anyhow::Result<ExitCode> {
    render_report(ctx, report)?;
    if report.stopped_at_limit {
        writeln!(
            ctx.out,
            "Stopped at the --limit; continue with --resume {}",
            report.journal.display()
        )?;
    }
    if report.writes > 0
        && !report.stopped_at_limit
        && let Some(reminder) = after_apply
    {
        writeln!(ctx.out, "{reminder}")?;
    }
    writeln!(ctx.out, "Journal: {}", report.journal.display())?;
    if report.writes > 0 {
        writeln!(
            ctx.out,
            "Undo with: idrift undo {} --apply (plus the same source options)",
            report.journal.display()
        )?;
    }
    Ok(if report.has_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn phone_options(region: Option<&String>) -> anyhow::Result<PhoneOptions> {
    let phone = PhoneOptions {
        default_region: region.cloned(),
    };
    phone.validate().map_err(|e| UsageError(e.to_string()))?;
    Ok(phone)
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    format: ViewFormat,
}

async fn get(args: GetArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    match args.from {
        Side::Ad => {
            let v = dirsync_ops::get_ad(targets.ad()?, &args.identity).await?;
            if args.format == ViewFormat::Json {
                serde_json::to_writer_pretty(&mut *ctx.out, &v)?;
                writeln!(ctx.out)?;
            } else {
                writeln!(
                    ctx.out,
                    "UserPrincipalName : {}",
                    v.user_principal_name.as_deref().unwrap_or("")
                )?;
                writeln!(ctx.out, "DistinguishedName : {}", v.distinguished_name)?;
                writeln!(
                    ctx.out,
                    "Mobile            : {}",
                    v.mobile.as_deref().unwrap_or("")
                )?;
                writeln!(ctx.out, "OtherMobile       : {}", v.other_mobile.join(";"))?;
            }
        }
        Side::Entra => {
            let v = dirsync_ops::get_entra(targets.cloud()?, &args.identity).await?;
            if args.format == ViewFormat::Json {
                serde_json::to_writer_pretty(&mut *ctx.out, &v)?;
                writeln!(ctx.out)?;
            } else {
                writeln!(
                    ctx.out,
                    "UserPrincipalName     : {}",
                    v.user_principal_name.as_deref().unwrap_or("")
                )?;
                writeln!(ctx.out, "ObjectId              : {}", v.object_id)?;
                writeln!(
                    ctx.out,
                    "Synced                : {}",
                    if v.synced {
                        "yes (phone numbers come from AD)"
                    } else {
                        "no (cloud-only)"
                    }
                )?;
                writeln!(
                    ctx.out,
                    "MobilePhone           : {}",
                    v.mobile_phone.as_deref().unwrap_or("")
                )?;
                match &v.alternate_mobile_phones {
                    Some(alt) => writeln!(ctx.out, "AlternateMobilePhones : {}", alt.join(";"))?,
                    None => writeln!(
                        ctx.out,
                        "AlternateMobilePhones : (not in this source; Graph has no such property)"
                    )?,
                }
            }
        }
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
    write: WriteArgs,
}

async fn set(args: SetArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    let op = if let Some(m) = args.mobile_in_entra {
        dirsync_ops::plan_entra_edit(targets.cloud()?, &args.identity, Some(m)).await?
    } else {
        let edit = AdPhoneEdit {
            mobile: args.mobile_in_ad.map(Some),
            other_mobile: (!args.other_mobile_in_ad.is_empty()).then_some(args.other_mobile_in_ad),
        };
        if edit == AdPhoneEdit::default() {
            return Err(UsageError(
                "name the new value: --mobile-in-ad, --other-mobile-in-ad or --mobile-in-entra"
                    .to_owned(),
            )
            .into());
        }
        dirsync_ops::plan_ad_edit(targets.ad()?, &args.identity, &edit).await?
    };
    run_single(
        ctx,
        &targets,
        "dirsync set",
        op,
        &args.write,
        &args.identity,
    )
    .await
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
    write: WriteArgs,
}

async fn clear(args: ClearArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    if !(args.mobile_in_ad || args.other_mobile_in_ad || args.mobile_in_entra) {
        return Err(UsageError(
            "name what to clear: --mobile-in-ad, --other-mobile-in-ad or --mobile-in-entra"
                .to_owned(),
        )
        .into());
    }
    let targets = open_targets(&args.source, ctx).await?;
    let op = if args.mobile_in_entra {
        dirsync_ops::plan_entra_edit(targets.cloud()?, &args.identity, None).await?
    } else {
        let edit = AdPhoneEdit {
            mobile: args.mobile_in_ad.then_some(None),
            other_mobile: args.other_mobile_in_ad.then(Vec::new),
        };
        dirsync_ops::plan_ad_edit(targets.ad()?, &args.identity, &edit).await?
    };
    run_single(
        ctx,
        &targets,
        "dirsync clear",
        op,
        &args.write,
        &args.identity,
    )
    .await
}

async fn run_single(
    ctx: &mut Ctx<'_>,
    targets: &Targets,
    command: &str,
    op: Option<Planned>,
    write: &WriteArgs,
    identity: &str,
) -> anyhow::Result<ExitCode> {
    let Some(op) = op else {
        writeln!(
            ctx.out,
            "{identity} already has these values: nothing to write."
        )?;
        return Ok(ExitCode::SUCCESS);
    };
    let reminder = (op.op == OP_AD_PHONES).then_some(
        "AD changes reach Entra ID at the next sync cycle, unless the user carries a DirSyncOverride: then only \
         with BypassDirSyncOverrides enabled (see idrift dirsync bypass preview).",
    );
    let question = format!("Write {} of {}?", op_label(&op.op), op.target);
    let spec = dirsync_ops::single_spec(command, op);
    let run = RunSpec {
        spec: &spec,
        write,
        question,
        opts: RunOptions::default(),
        after_apply: reminder,
    };
    run_plan(ctx, targets, run).await
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
    write: WriteArgs,
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
        Some(csv) => idrift_app::dirsync::read_csv(csv)?,
        None => {
            let ad = targets.ad()?;
            let cloud = targets.cloud()?;
            dirsync_ops::compare_sources(ad, cloud, &phone).await?.rows
        }
    };
    targets.ad()?;
    let rows: Vec<DirSyncOverrideRow> = rows
        .into_iter()
        .filter(|r| {
            !args
                .skip
                .iter()
                .any(|s| s.trim().eq_ignore_ascii_case(r.user_principal_name.trim()))
        })
        .collect();
    let plan = dirsync_ops::plan_persist(&rows, &args.only);
    for n in &plan.not_planned {
        writeln!(
            ctx.err,
            "not planned: {}: {}",
            n.user_principal_name, n.reason
        )?;
    }
    let removing: Vec<&str> = plan
        .spec
        .ops
        .iter()
        .filter(|o| dirsync_ops::removes_ad_value(o))
        .map(|o| o.target.as_str())
        .collect();
    if !removing.is_empty() {
        writeln!(
            ctx.err,
            "note: Entra ID lacks a number AD has for {} user(s) ({}): persisting removes it from AD. \
             Where AD's number is the one to keep, leave the user out with --skip UPN (the switch then writes \
             AD's number to Entra ID).",
            removing.len(),
            removing.join(", ")
        )?;
    }
    let question = format!(
        "Write the Entra mobile numbers of {} user(s) into AD?",
        plan.spec.ops.len()
    );
    let run = RunSpec {
        spec: &plan.spec,
        write: &args.write,
        question,
        opts,
        after_apply: Some(
            "Next: idrift dirsync bypass preview (it should list nobody now), then idrift dirsync bypass enable.",
        ),
    };
    run_plan(ctx, &targets, run).await
}

async fn persist_resume(
    args: &PersistArgs,
    path: &Path,
    opts: RunOptions,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<ExitCode> {
    if args.write.journal.is_some() {
        return Err(UsageError(
            "--resume continues its own journal; leave out --journal".to_owned(),
        )
        .into());
    }
    let log = journal::read(path)?;
    for w in &log.warnings {
        writeln!(ctx.err, "warning: {w}")?;
    }
    journal::check_resumable(&log)?;
    let targets = open_targets(&args.source, ctx).await?;
    writeln!(
        ctx.out,
        "Journal: {} (resuming {})",
        path.display(),
        log.header.command
    )?;
    let states = log.ops();
    let remaining: Vec<Planned> = states
        .iter()
        .filter(|s| !s.status.is_final())
        .map(|s| s.planned.clone())
        .collect();
    let done = states.len() - remaining.len();
    writeln!(
        ctx.out,
        "{done} of {} operation(s) already final; remaining:",
        states.len()
    )?;
    if remaining.is_empty() {
        writeln!(ctx.out, "Nothing left to do.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(ctx.out, "Writes to {}:", targets.description)?;
    render_plan(ctx, &remaining)?;
    if !args.write.apply {
        writeln!(
            ctx.out,
            "\nDry run: {} operation(s) would be checked and written where still needed. Run again with --apply.",
            remaining.len()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let question = format!(
        "Continue {} operation(s) of {}?",
        remaining.len(),
        path.display()
    );
    if !confirm(ctx, args.write.yes, &question)? {
        writeln!(ctx.out, "Not confirmed: nothing was written.")?;
        return Ok(ExitCode::from(1));
    }
    let exec = targets.executor();
    let report = journal::resume(&log, &exec, system_clock(), opts).await?;
    finish(ctx, &report, None)
}

// ---------------------------------------------------------------------------------------------------------
// bypass

/// Arguments of `idrift dirsync bypass status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    format: ViewFormat,
}

async fn bypass_status(args: StatusArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    let sync = dirsync_ops::tenant_sync(targets.cloud()?).await?;
    let enabled = sync.features.bypass_dir_sync_overrides_enabled;
    if args.format == ViewFormat::Json {
        let body = serde_json::json!({ "Id": sync.id, "BypassDirSyncOverridesEnabled": enabled });
        serde_json::to_writer_pretty(&mut *ctx.out, &body)?;
        writeln!(ctx.out)?;
    } else if enabled {
        writeln!(
            ctx.out,
            "BypassDirSyncOverrides: enabled (sync object {}). AD mobile/otherMobile win: sync overwrites cloud edits.",
            sync.id
        )?;
    } else {
        writeln!(
            ctx.out,
            "BypassDirSyncOverrides: disabled (sync object {}). A cloud edit of a synced user's mobile number \
             creates a DirSyncOverride, and AD changes stop reaching that user.",
            sync.id
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `idrift dirsync bypass preview`.
#[derive(Debug, Args)]
pub(crate) struct PreviewArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output: table, or json (`{"Users":[...]}`).
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    format: ViewFormat,
    /// Region for numbers without a country code, to mark formatting-only differences (ISO 3166 code).
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
}

async fn load_preview(targets: &Targets, phone: &PhoneOptions) -> anyhow::Result<BypassPreview> {
    Ok(dirsync_ops::bypass_preview_sources(targets.ad()?, targets.cloud()?, phone).await?)
}

fn render_preview(ctx: &mut Ctx<'_>, preview: &BypassPreview) -> anyhow::Result<()> {
    if preview.risks().is_empty() {
        writeln!(
            ctx.out,
            "Nobody's Entra mobile numbers differ from AD's: enabling BypassDirSyncOverrides overwrites nothing."
        )?;
        return Ok(());
    }
    if !preview.users.is_empty() {
        render_preview_users(ctx, preview)?;
    }
    if !preview.synced_without_ad_match.is_empty() {
        let rows: Vec<Vec<String>> = preview
            .synced_without_ad_match
            .iter()
            .map(|u| {
                vec![
                    u.user_principal_name.clone(),
                    u.mobile_in_entra.clone().unwrap_or_default(),
                ]
            })
            .collect();
        writeln!(
            ctx.out,
            "\nSynced Entra users with no match in the AD read (their AD values are unknown):"
        )?;
        write!(
            ctx.out,
            "{}",
            table(&["UserPrincipalName", "MobileInEntra"], &rows, 100)
        )?;
    }
    for r in &preview.ad_read_incomplete {
        writeln!(
            ctx.out,
            "warning: {r}, so it may not cover every synced user of the tenant."
        )?;
    }
    writeln!(ctx.out, "\nSummary: {}.", preview.summary())?;
    Ok(())
}

fn render_preview_users(ctx: &mut Ctx<'_>, preview: &BypassPreview) -> anyhow::Result<()> {
    let with_alt = preview
        .users
        .iter()
        .any(|u| u.alternate_mobile_phones_in_entra.is_some());
    let mut headers = vec![
        "UserPrincipalName",
        "MobileInAD",
        "MobileInEntra",
        "OtherMobileInAD",
    ];
    if with_alt {
        headers.push("AlternateMobilePhonesInEntra");
    }
    headers.push("What the switch does");
    let rows: Vec<Vec<String>> = preview
        .users
        .iter()
        .map(|u| {
            let mut r = vec![
                u.user_principal_name.clone(),
                u.mobile_in_ad.clone().unwrap_or_default(),
                u.mobile_in_entra.clone().unwrap_or_default(),
                u.other_mobile_in_ad.join(";"),
            ];
            if with_alt {
                r.push(
                    u.alternate_mobile_phones_in_entra
                        .as_deref()
                        .map(|a| a.join(";"))
                        .unwrap_or_default(),
                );
            }
            r.push(u.explanation.clone());
            r
        })
        .collect();
    write!(ctx.out, "{}", table(&headers, &rows, 100))?;
    writeln!(
        ctx.out,
        "\n{} user(s): enabling BypassDirSyncOverrides replaces their Entra values with AD's at the next sync.",
        preview.users.len()
    )?;
    Ok(())
}

async fn bypass_preview(args: PreviewArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let phone = phone_options(args.default_region.as_ref())?;
    let targets = open_targets(&args.source, ctx).await?;
    let preview = load_preview(&targets, &phone).await?;
    if args.format == ViewFormat::Json {
        serde_json::to_writer_pretty(&mut *ctx.out, &preview)?;
        writeln!(ctx.out)?;
    } else {
        render_preview(ctx, &preview)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `idrift dirsync bypass enable`.
#[derive(Debug, Args)]
pub(crate) struct EnableArgs {
    /// Enable even though the preview lists users whose Entra values will be overwritten (they are lost).
    #[arg(long)]
    accept_overwrite: bool,
    /// Region for numbers without a country code, to mark formatting-only differences (ISO 3166 code).
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    write: WriteArgs,
}

async fn bypass_enable(args: EnableArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let phone = phone_options(args.default_region.as_ref())?;
    let targets = open_targets(&args.source, ctx).await?;
    let sync = dirsync_ops::tenant_sync(targets.cloud()?).await?;
    let preview = load_preview(&targets, &phone).await?;
    let Some(spec) = dirsync_ops::plan_bypass(&sync, true, Some(&preview)) else {
        writeln!(
            ctx.out,
            "BypassDirSyncOverrides is already enabled (sync object {}).",
            sync.id
        )?;
        render_preview(ctx, &preview)?;
        return Ok(ExitCode::SUCCESS);
    };
    render_preview(ctx, &preview)?;
    if let Some(blocker) = dirsync_ops::enable_blocker(&preview, args.accept_overwrite) {
        let text = blocker.describe("idrift dirsync persist", "--accept-overwrite");
        writeln!(ctx.err, "idrift: {text}")?;
        return Ok(ExitCode::from(1));
    }
    let risks = preview.risks();
    if !risks.is_empty() {
        writeln!(
            ctx.err,
            "warning: --accept-overwrite: {}; the preview and these risks are journaled before the switch is \
             flipped",
            risks.join("; ")
        )?;
    }
    let run = RunSpec {
        spec: &spec,
        write: &args.write,
        question: "Enable BypassDirSyncOverrides for the whole tenant?".to_owned(),
        opts: RunOptions::default(),
        after_apply: Some(dirsync_ops::INITIAL_SYNC_REMINDER),
    };
    let code = run_plan(ctx, &targets, run).await?;
    if !args.write.apply {
        writeln!(ctx.out, "{}", dirsync_ops::INITIAL_SYNC_REMINDER)?;
    }
    Ok(code)
}

/// Arguments of `idrift dirsync bypass disable`.
#[derive(Debug, Args)]
pub(crate) struct DisableArgs {
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    write: WriteArgs,
}

async fn bypass_disable(args: DisableArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    let sync = dirsync_ops::tenant_sync(targets.cloud()?).await?;
    let Some(spec) = dirsync_ops::plan_bypass(&sync, false, None) else {
        writeln!(
            ctx.out,
            "BypassDirSyncOverrides is already disabled (sync object {}).",
            sync.id
        )?;
        return Ok(ExitCode::SUCCESS);
    };
    writeln!(ctx.out, "{}", dirsync_ops::DISABLE_CONSEQUENCE)?;
    let run = RunSpec {
        spec: &spec,
        write: &args.write,
        question: "Disable BypassDirSyncOverrides for the whole tenant?".to_owned(),
        opts: RunOptions::default(),
        after_apply: Some(dirsync_ops::INITIAL_SYNC_REMINDER),
    };
    let code = run_plan(ctx, &targets, run).await?;
    if !args.write.apply {
        writeln!(ctx.out, "{}", dirsync_ops::INITIAL_SYNC_REMINDER)?;
    }
    Ok(code)
}

#[cfg(test)]
mod tests;
