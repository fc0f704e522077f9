//! `dirsync bypass enable|disable`, decided once for every front end: the switch as it is, the preview of
//! what enabling overwrites, the journaled plan and the interlock. The front ends confirm, run the plan
//! through the journal and render.

use idrift_core::phone::PhoneOptions;
use idrift_core::ports::{CloudDirectory, OnPremDirectory};

use super::{BypassPreview, EnableBlocker, bypass_preview_sources, enable_blocker, plan_bypass};
use crate::AppError;
use crate::journal::PlanSpec;

/// What switching BypassDirSyncOverrides to [`BypassSet::enable`] takes.
#[derive(Debug, Clone)]
pub struct BypassSet {
    /// The tenant sync object's id.
    pub sync_id: String,
    /// Enabling (`true`) or disabling.
    pub enable: bool,
    /// When enabling: the users whose Entra values the switch overwrites, and what the AD read could not see.
    pub preview: Option<BypassPreview>,
    /// The journaled switch, or `None` when it is already in that state.
    pub spec: Option<PlanSpec>,
    /// When enabling would overwrite values the caller did not accept to lose: why it is refused. The front
    /// end must not run `spec` then.
    pub blocker: Option<EnableBlocker>,
    /// The risks accepted with `accept_overwrite` (journaled with the preview before the switch is flipped).
    pub accepted: Vec<String>,
}

impl BypassSet {
    /// The note when the switch is already in the state asked for (`spec` is `None`).
    #[must_use]
    pub fn unchanged_note(&self) -> String {
        let state = if self.enable { "enabled" } else { "disabled" };
        format!(
            "BypassDirSyncOverrides is already {state} (sync object {}).",
            self.sync_id
        )
    }

    /// The note naming the accepted risks, after `flag` (the front end's name for accepting them); `None`
    /// when none were accepted.
    #[must_use]
    pub fn accepted_note(&self, flag: &str) -> Option<String> {
        (!self.accepted.is_empty()).then(|| {
            format!(
                "{flag}: {}; the preview and these risks are journaled before the switch is flipped",
                self.accepted.join("; ")
            )
        })
    }
}

/// Reads the tenant switch (and, to enable, both directories for the preview) and decides the run.
///
/// `ad` is needed only to enable; the interlock (`blocker`) applies only when there is something to switch.
///
/// # Errors
/// [`AppError::Invalid`] when enabling without an AD side or when the Entra source has no tenant sync object;
/// [`AppError::Source`] when a read fails.
pub async fn bypass_set(
    ad: Option<&dyn OnPremDirectory>,
    cloud: &dyn CloudDirectory,
    enable: bool,
    accept_overwrite: bool,
    phone: &PhoneOptions,
) -> Result<BypassSet, AppError> {
    let sync = super::tenant_sync(cloud).await?;
    let preview = if enable {
        let ad = ad.ok_or_else(|| {
            AppError::Invalid(
                "enabling BypassDirSyncOverrides needs the AD side, to preview whose values it overwrites"
                    .to_owned(),
            )
        })?;
        Some(bypass_preview_sources(ad, cloud, phone).await?)
    } else {
        None
    };
    let spec = plan_bypass(&sync, enable, preview.as_ref());
    let (blocker, accepted) = match (&preview, &spec) {
        (Some(p), Some(_)) => match enable_blocker(p, accept_overwrite) {
            Some(b) => (Some(b), Vec::new()),
            None => (None, p.risks()),
        },
        _ => (None, Vec::new()),
    };
    Ok(BypassSet {
        sync_id: sync.id,
        enable,
        preview,
        spec,
        blocker,
        accepted,
    })
}
