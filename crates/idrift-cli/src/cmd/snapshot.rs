//! `idrift snapshot take`: read the sources once and write a snapshot directory every command can read offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use idrift_app::snapshot::{Parts, write_dir};
use idrift_app::take::{SinceSpec, take_since as take_since_app};

use crate::Ctx;
use crate::UsageError;
use crate::output::{Format, escape, print_record};
use crate::source::{SourceArgs, is_ldap_url, runtime};

/// The `snapshot` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SnapshotCommand {
    /// Read the sources and write ad.ldif, entra-users.json (and the optional files: entra-domains.json when Entra ID is read from Graph) into a new directory.
    #[command(after_help = crate::examples::SNAPSHOT_TAKE)]
    Take(TakeArgs),
}

/// Arguments of `idrift snapshot take`.
#[derive(Debug, Args)]
pub(crate) struct TakeArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The directory to create (it must not exist, or be empty). Written only when every read succeeded.
    /// (`--out` is a hidden alias, kept for one release.)
    #[arg(long = "out-dir", alias = "out", value_name = "DIR")]
    out: PathBuf,
    /// Read only what changed in AD since the run that stored STATE, and refresh the snapshot in DIR with it
    /// (needs --ad ldaps://DC). The first run (no STATE file) reads every user and creates DIR; STATE is
    /// stored only when DIR was written, and is bound to DIR's ad.ldif. Other sources named (--entra, --exo)
    /// are read in full and their files replaced.
    #[arg(long, value_name = "STATE", conflicts_with_all = ["snapshot", "demo"])]
    since: Option<PathBuf>,
    /// Output: table (a sentence), json ({"OutDir","AdUsers","EntraUsers","ExoRecipients"}), csv (the same columns).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs a `snapshot` subcommand.
pub(crate) fn run(cmd: SnapshotCommand, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match cmd {
        SnapshotCommand::Take(args) => take(args, ctx),
    }
}

fn take(args: TakeArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    if let Some(state) = &args.since {
        return take_since(&args, state, ctx);
    }
    let (mut loaded, sides) = args.source.load_any(ctx)?;
    loaded.snapshot.domains = tenant_domains(&args.source, ctx)?;
    let parts = Parts {
        ad: sides.ad,
        entra: sides.entra,
    };
    write_dir(&args.out, &loaded.snapshot, parts)?;
    let s = &loaded.snapshot;
    let mut what = Vec::new();
    if sides.ad {
        what.push(format!("{} AD user(s)", s.on_prem.len()));
    }
    if sides.entra {
        what.push(format!("{} Entra ID user(s)", s.cloud.len()));
    }
    if let Some(d) = &s.domains {
        what.push(format!("{} tenant domain(s)", d.len()));
    }
    if let Some(r) = &s.exo_recipients {
        what.push(format!("{} Exchange Online recipient(s)", r.len()));
    }
    if args.format != Format::Table {
        let count = |on: bool, n: usize| {
            if on {
                serde_json::json!(n)
            } else {
                serde_json::Value::Null
            }
        };
        let record = [
            ("OutDir", serde_json::json!(args.out)),
            ("AdUsers", count(sides.ad, s.on_prem.len())),
            ("EntraUsers", count(sides.entra, s.cloud.len())),
            (
                "ExoRecipients",
                s.exo_recipients
                    .as_ref()
                    .map_or(serde_json::Value::Null, |r| serde_json::json!(r.len())),
            ),
        ];
        print_record(ctx, args.format, &record)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        ctx.out,
        "Wrote snapshot {}: {}",
        args.out.display(),
        what.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The tenant's domains for `entra-domains.json`, when Entra ID is read from Graph (lint reads the file).
fn tenant_domains(
    source: &SourceArgs,
    ctx: &mut Ctx<'_>,
) -> anyhow::Result<Option<Vec<idrift_core::model::TenantDomain>>> {
    let spec = source.spec(ctx)?;
    let (domains, warnings) = runtime()?.block_on(idrift_app::lint::snapshot_domains(
        &spec,
        &crate::source::resolver(ctx),
    ))?;
    for w in warnings {
        ctx.warn(w)?;
    }
    Ok(domains)
}

fn take_since(args: &TakeArgs, state: &Path, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let Some(url) = args.source.ad_value(ctx)?.filter(|a| is_ldap_url(a)) else {
        return Err(UsageError(
            "--since reads what changed in a live domain controller: give --ad ldaps://DC (or ldap://DC, \
             upgraded with StartTLS)"
                .to_owned(),
        )
        .into());
    };
    let mut cfg = args.source.conn.ldap_config(&url, ctx)?;
    cfg.anchor = args.source.spec(ctx)?.anchor()?.attribute;
    let (mut others, sides) = args.source.load_without_ad(ctx)?;
    others.snapshot.domains = tenant_domains(&args.source, ctx)?;
    let spec = SinceSpec {
        ad: &cfg,
        state,
        dir: &args.out,
    };
    let parts = Parts {
        ad: true,
        entra: sides.entra,
    };
    let report = runtime()?.block_on(take_since_app(&spec, &others.snapshot, parts))?;
    if args.format != Format::Table {
        let record = [
            ("OutDir", serde_json::json!(args.out)),
            ("Full", serde_json::json!(report.full)),
            ("Added", serde_json::json!(report.added)),
            ("Updated", serde_json::json!(report.updated)),
            ("Removed", serde_json::json!(report.removed)),
            ("AdUsers", serde_json::json!(report.ad_users)),
        ];
        print_record(ctx, args.format, &record)?;
        return Ok(ExitCode::SUCCESS);
    }
    let what = if report.full {
        format!("read every AD user ({})", report.ad_users)
    } else {
        format!(
            "{} added, {} updated, {} removed since the last run; {} AD user(s) now",
            report.added, report.updated, report.removed, report.ad_users
        )
    };
    writeln!(
        ctx.out,
        "Snapshot {}: {what}; change state stored in {}",
        escape(&args.out.display().to_string()),
        escape(&state.display().to_string())
    )?;
    Ok(ExitCode::SUCCESS)
}
