//! `idrift snapshot take`: read the sources once and write a snapshot directory every command can read offline.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use idrift_app::snapshot::{Parts, write_dir};

use crate::Ctx;
use crate::source::SourceArgs;

/// The `snapshot` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SnapshotCommand {
    /// Read the sources and write ad.ldif, entra-users.json (and the optional files) into a new directory.
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
    writeln!(
        ctx.out,
        "Wrote snapshot {}: {}",
        args.out.display(),
        what.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}
