//! `idrift dirsync bypass status|preview|enable|disable`: the tenant switch BypassDirSyncOverrides, the
//! users whose Entra values it would overwrite, and turning it on and off through the journal.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use idrift_app::dirsync_ops::{self, BypassPreview, BypassSet};
use idrift_app::journal::{PlanSpec, RunOptions};
use idrift_core::phone::PhoneOptions;

use super::PhoneRow;
use super::phone_options;
use crate::Ctx;
use crate::cmd::write::Sides as _;
use crate::cmd::write::{RunArgs, RunSpec, Targets, WriteArgs, block_on, open_targets, run_plan};
use crate::output::{Format, escape, table, table_rows};
use crate::source::SourceArgs;

/// The `dirsync bypass` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BypassCommand {
    /// Show whether BypassDirSyncOverrides is enabled (Graph, or a snapshot's entra-sync.json).
    #[command(after_help = crate::examples::BYPASS_STATUS)]
    Status(StatusArgs),
    /// List every user whose Entra values enabling BypassDirSyncOverrides would overwrite with AD's: the data at risk.
    #[command(after_help = crate::examples::BYPASS_PREVIEW)]
    Preview(PreviewArgs),
    /// Enable BypassDirSyncOverrides; refuses while the preview lists users, unless --accept-overwrite.
    #[command(after_help = crate::examples::BYPASS_ENABLE)]
    Enable(EnableArgs),
    /// Disable BypassDirSyncOverrides (cloud edits of synced mobile numbers create DirSyncOverrides again).
    #[command(after_help = crate::examples::BYPASS_DISABLE)]
    Disable(DisableArgs),
}

/// Runs a `dirsync bypass` subcommand.
pub(crate) fn run(cmd: BypassCommand, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match cmd {
        BypassCommand::Status(args) => block_on(bypass_status(args, ctx)),
        BypassCommand::Preview(args) => block_on(bypass_preview(args, ctx)),
        BypassCommand::Enable(args) => block_on(bypass_enable(args, ctx)),
        BypassCommand::Disable(args) => block_on(bypass_disable(args, ctx)),
    }
}

/// Arguments of `idrift dirsync bypass status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output: table (a sentence), json ({"Id":...,"BypassDirSyncOverridesEnabled":bool}), csv (the same two columns).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

async fn bypass_status(args: StatusArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    let sync = dirsync_ops::tenant_sync(targets.cloud()?).await?;
    let enabled = sync.features.bypass_dir_sync_overrides_enabled;
    if args.format == Format::Json {
        let body = serde_json::json!({ "Id": sync.id, "BypassDirSyncOverridesEnabled": enabled });
        ctx.print_json(&body)?;
    } else if args.format == Format::Csv {
        let mut w = ctx.csv_writer()?;
        w.write_record(idrift_core::csv_cell::cells(&[
            "Id",
            "BypassDirSyncOverridesEnabled",
        ]))?;
        w.write_record(idrift_core::csv_cell::cells(&[
            sync.id.as_str(),
            if enabled { "True" } else { "False" },
        ]))?;
        w.flush()?;
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
    /// Output: table, json (`{"Users":[...],"SyncedWithoutAdMatch":[...],"AdReadIncomplete":[...]}`), or csv (one row per user at risk).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Region for numbers without a country code, to mark formatting-only differences (ISO 3166 code).
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
}

async fn load_preview(targets: &Targets, phone: &PhoneOptions) -> anyhow::Result<BypassPreview> {
    Ok(dirsync_ops::bypass_preview_sources(targets.ad()?, targets.cloud()?, phone).await?)
}

/// The preview as CSV: the users the switch overwrites, then the synced users the AD read did not see.
fn preview_csv(ctx: &mut Ctx<'_>, preview: &BypassPreview) -> anyhow::Result<()> {
    let mut w = ctx.csv_writer()?;
    w.write_record(idrift_core::csv_cell::cells(&[
        "UserPrincipalName",
        "MobileInAD",
        "MobileInEntra",
        "OtherMobileInAD",
        "AlternateMobilePhonesInEntra",
        "Risk",
    ]))?;
    for u in &preview.users {
        let alt = u
            .alternate_mobile_phones_in_entra
            .as_deref()
            .map(|a| a.join(";"))
            .unwrap_or_default();
        w.write_record(idrift_core::csv_cell::cells(&[
            u.user_principal_name.as_str(),
            u.mobile_in_ad.as_deref().unwrap_or(""),
            u.mobile_in_entra.as_deref().unwrap_or(""),
            &u.other_mobile_in_ad.join(";"),
            &alt,
            &u.explanation,
        ]))?;
    }
    for u in &preview.synced_without_ad_match {
        w.write_record(idrift_core::csv_cell::cells(&[
            u.user_principal_name.as_str(),
            "",
            u.mobile_in_entra.as_deref().unwrap_or(""),
            "",
            "",
            "no match in the AD read: its AD values are unknown",
        ]))?;
    }
    w.flush()?;
    Ok(())
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
        let rows = table_rows(&preview.synced_without_ad_match, |u| {
            vec![
                u.user_principal_name.clone(),
                u.mobile_in_entra.clone().unwrap_or_default(),
            ]
        });
        writeln!(
            ctx.out,
            "\nSynced Entra users with no match in the AD read (their AD values are unknown):"
        )?;
        write!(
            ctx.out,
            "{}",
            table(
                &["UserPrincipalName", "MobileInEntra"],
                &rows,
                ctx.term.width
            )
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
    let headers = PhoneRow::headers(with_alt, "What the switch does");
    let rows = table_rows(&preview.users, |u| {
        let mut cells = Vec::new();
        let row = PhoneRow {
            upn: &u.user_principal_name,
            mobile_in_ad: u.mobile_in_ad.as_deref(),
            mobile_in_entra: u.mobile_in_entra.as_deref(),
            other_mobile_in_ad: &u.other_mobile_in_ad,
            alternate_in_entra: u.alternate_mobile_phones_in_entra.as_deref(),
            last: &u.explanation,
        };
        row.cells(with_alt, &mut cells);
        cells
    });
    write!(ctx.out, "{}", table(&headers, &rows, ctx.term.width))?;
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
    match args.format {
        Format::Json => {
            ctx.print_json(&preview)?;
        }
        Format::Csv => preview_csv(ctx, &preview)?,
        Format::Table => render_preview(ctx, &preview)?,
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
    /// Output: table, json (the run envelope with the "Preview"), csv (one row per write).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

async fn bypass_enable(args: EnableArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let phone = phone_options(args.default_region.as_ref())?;
    let targets = open_targets(&args.source, ctx).await?;
    let set = dirsync_ops::bypass_set(
        Some(targets.ad()?),
        targets.cloud()?,
        true,
        args.accept_overwrite,
        &phone,
    )
    .await?;
    switch(ctx, &targets, set, &args.write, args.format).await
}

/// What enable and disable share: the switch's state or the preview, the interlock, and the journaled run.
async fn switch(
    ctx: &mut Ctx<'_>,
    targets: &Targets,
    set: BypassSet,
    write: &WriteArgs,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let text = format == Format::Table;
    let (verb, command) = if set.enable {
        ("Enable", "dirsync bypass enable")
    } else {
        ("Disable", "dirsync bypass disable")
    };
    if text {
        if set.spec.is_none() {
            writeln!(ctx.out, "{}", escape(&set.unchanged_note()))?;
        }
        if let Some(preview) = &set.preview {
            render_preview(ctx, preview)?;
        } else if set.spec.is_some() {
            writeln!(ctx.out, "{}", dirsync_ops::DISABLE_CONSEQUENCE)?;
        }
        if set.spec.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    if let Some(blocker) = &set.blocker {
        let text = blocker.describe("idrift dirsync persist", "--accept-overwrite");
        writeln!(ctx.err, "idrift: {text}")?;
        return Ok(ExitCode::from(1));
    }
    if let Some(note) = set.accepted_note("--accept-overwrite") {
        ctx.warn(note)?;
    }
    let mut extra = serde_json::Map::new();
    if let Some(preview) = &set.preview {
        extra.insert("Preview".to_owned(), serde_json::to_value(preview)?);
    }
    let spec = set.spec.unwrap_or_else(|| PlanSpec {
        command: command.to_owned(),
        ..PlanSpec::default()
    });
    let run = RunSpec {
        spec: &spec,
        write,
        question: format!("{verb} BypassDirSyncOverrides for the whole tenant?"),
        opts: RunOptions::default(),
        after_apply: Some(dirsync_ops::INITIAL_SYNC_REMINDER),
        format,
        extra,
    };
    let code = run_plan(ctx, targets, run).await?;
    if !write.apply && text {
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
    run: RunArgs,
}

async fn bypass_disable(args: DisableArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let targets = open_targets(&args.source, ctx).await?;
    let phone = PhoneOptions::default();
    let set = dirsync_ops::bypass_set(None, targets.cloud()?, false, false, &phone).await?;
    switch(ctx, &targets, set, &args.run.write, args.run.format).await
}
