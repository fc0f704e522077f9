//! Pipelines of the per-user writers: `DirSync.Set` with `Items` and `DirSync.Clear` with `Identities`.
//!
//! A PowerShell pipeline of users is one run, as the CLI's `dirsync persist` is: every user is planned
//! against the same source, the writes form one plan with one journal, and a user that cannot be planned
//! (unknown, a synced user's Entra phone, named twice) comes back in `ItemErrors` while the others go ahead.
//! Errors about the call itself (no AD data in the source, an unreachable or refusing directory) still fail
//! the whole request. Planning one user is the same code as the single-user call (`Identity`).

use idrift_app::AppError;
use idrift_app::dirsync_ops::{self, AdPhoneEdit};
use idrift_app::journal::{Planned, RunOptions};
use idrift_app::ops::dirsync_writes::{self, Planning};
use idrift_core::ports::SourceError;

use crate::error::CallError;
use crate::targets::Sides as _;
use crate::targets::Targets;
use crate::wire::{DirSyncSetItem, WriteArgs, WriteResult};
use crate::{runtime, writes};

/// Plans one user's new values (`idrift dirsync set`); `None` when the user already has them.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a request naming no value or mixing sides; the planning errors of
/// `idrift_app::dirsync_ops` (unknown user, a synced user's Entra phone).
pub(crate) fn plan_set(
    op: &'static str,
    t: &Targets,
    item: &DirSyncSetItem,
) -> Result<Option<Planned>, CallError> {
    if let Some(m) = &item.mobile_in_entra {
        if item.mobile_in_ad.is_some() || item.other_mobile_in_ad.is_some() {
            return Err(CallError::InvalidArgs {
                op,
                message: "MobileInEntra cannot be combined with MobileInAD or OtherMobileInAD"
                    .to_owned(),
            });
        }
        return Ok(runtime::block_on(dirsync_ops::plan_entra_edit(
            t.cloud()?,
            &item.identity,
            Some(m.clone()),
        ))??);
    }
    let edit = AdPhoneEdit {
        mobile: item.mobile_in_ad.clone().map(Some),
        other_mobile: item.other_mobile_in_ad.clone().filter(|v| !v.is_empty()),
    };
    if edit == AdPhoneEdit::default() {
        return Err(CallError::InvalidArgs {
            op,
            message: "name the new value: MobileInAD, OtherMobileInAD or MobileInEntra".to_owned(),
        });
    }
    Ok(runtime::block_on(dirsync_ops::plan_ad_edit(
        t.ad()?,
        &item.identity,
        &edit,
    ))??)
}

/// What `DirSync.Clear` clears.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClearWhat {
    pub(crate) mobile_in_ad: bool,
    pub(crate) other_mobile_in_ad: bool,
    pub(crate) mobile_in_entra: bool,
}

impl ClearWhat {
    /// Refuses a request that clears nothing or mixes sides.
    ///
    /// # Errors
    /// [`CallError::InvalidArgs`].
    pub(crate) fn check(self, op: &'static str) -> Result<(), CallError> {
        if !(self.mobile_in_ad || self.other_mobile_in_ad || self.mobile_in_entra) {
            return Err(CallError::InvalidArgs {
                op,
                message: "name what to clear: MobileInAD, OtherMobileInAD or MobileInEntra"
                    .to_owned(),
            });
        }
        if self.mobile_in_entra && (self.mobile_in_ad || self.other_mobile_in_ad) {
            return Err(CallError::InvalidArgs {
                op,
                message: "MobileInEntra cannot be combined with MobileInAD or OtherMobileInAD"
                    .to_owned(),
            });
        }
        Ok(())
    }
}

/// Plans clearing one user's values (`idrift dirsync clear`); `None` when they are already empty.
///
/// # Errors
/// The planning errors of `idrift_app::dirsync_ops`.
pub(crate) fn plan_clear(
    t: &Targets,
    identity: &str,
    what: ClearWhat,
) -> Result<Option<Planned>, CallError> {
    if what.mobile_in_entra {
        return Ok(runtime::block_on(dirsync_ops::plan_entra_edit(
            t.cloud()?,
            identity,
            None,
        ))??);
    }
    let edit = AdPhoneEdit {
        mobile: what.mobile_in_ad.then_some(None),
        other_mobile: what.other_mobile_in_ad.then(Vec::new),
    };
    Ok(runtime::block_on(dirsync_ops::plan_ad_edit(
        t.ad()?,
        identity,
        &edit,
    ))??)
}

/// Whether an error planning one user is about the whole call (the directory cannot be used at all), so the
/// other users would fail the same way.
fn is_call_level(e: &CallError) -> bool {
    match e {
        CallError::App(AppError::Source(s) | AppError::Live { source: s, .. }) => matches!(
            s,
            SourceError::Unauthorized(_)
                | SourceError::Unavailable(_)
                | SourceError::Tls(_)
                | SourceError::Throttled(_)
        ),
        CallError::App(_) => false,
        CallError::InvalidArgs { message, .. } => message.starts_with("the source names no"),
        _ => true,
    }
}

/// Records what planning `identity` gave in `planning`.
///
/// # Errors
/// An error about the call itself (see [`is_call_level`]) ends the whole request.
pub(crate) fn add(
    planning: &mut Planning,
    identity: &str,
    planned: Result<Option<Planned>, CallError>,
) -> Result<(), CallError> {
    match planned {
        Ok(p) => planning.planned(identity, p),
        Err(e) if is_call_level(&e) => return Err(e),
        Err(e) => planning.failed(identity, e.kind(), e.to_string()),
    }
    Ok(())
}

/// Runs the planned writes (those in `only` when it is not empty) as one plan with one journal.
///
/// # Errors
/// As [`writes::run`].
pub(crate) fn run(
    planning: Planning,
    op: &'static str,
    command: &str,
    t: &Targets,
    only: &[String],
    write: &WriteArgs,
) -> Result<WriteResult, CallError> {
    let (spec, out) = planning.into_spec(command, only);
    let reminder = dirsync_writes::reminder(&spec.ops);
    writes::run(op, t, &spec, write, RunOptions::default(), reminder, out)
}

#[cfg(test)]
mod tests;
