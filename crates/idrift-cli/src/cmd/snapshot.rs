//! `idrift snapshot take`: read the sources once and write a snapshot directory every command can read offline.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use idrift_app::snapshot::{Parts, write_dir};

use crate::Ctx;
use crate::output::{Format, print_record};
use crate::source::SourceArgs;

/// The `snapshot` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SnapshotCommand {
    /// Read the sources and write ad.ldif, entra-users.json (and the optional files) into a new directory.
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
    let (loaded, sides) = args.source.load_any(ctx)?;
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
