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
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Runs a `snapshot` subcommand.
pub(crate) fn run(cmd: SnapshotCommand, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match cmd {
        SnapshotCommand::Take(args) => take(args, ctx),
    }
}

fn take(args: TakeArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let loaded = args.source.load(ctx)?;
    let parts = Parts {
        ad: true,
        entra: true,
    };
    write_dir(&args.out, &loaded.snapshot, parts)?;
    writeln!(
        ctx.out,
        "Wrote snapshot {}: {} AD user(s), {} Entra ID user(s)",
        args.out.display(),
        loaded.snapshot.on_prem.len(),
        loaded.snapshot.cloud.len()
    )?;
    Ok(ExitCode::SUCCESS)
}
