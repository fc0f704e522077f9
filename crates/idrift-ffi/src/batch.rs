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
use crate::wire::{ClearWhat, DirSyncSetItem, SourceSpec, WriteArgs};
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
            return Err(CallError::invalid(
                op,
                "MobileInEntra cannot be combined with MobileInAD or OtherMobileInAD",
            ));
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
        return Err(CallError::invalid(
            op,
            "name the new value: MobileInAD, OtherMobileInAD or MobileInEntra",
        ));
    }
    Ok(runtime::block_on(dirsync_ops::plan_ad_edit(
        t.ad()?,
        &item.identity,
        &edit,
    ))??)
}

impl ClearWhat {
    /// Refuses a request that clears nothing or mixes sides.
    ///
    /// # Errors
    /// [`CallError::InvalidArgs`].
    pub(crate) fn check(self, op: &'static str) -> Result<(), CallError> {
        if !(self.mobile_in_ad || self.other_mobile_in_ad || self.mobile_in_entra) {
            return Err(CallError::invalid(
                op,
                "name what to clear: MobileInAD, OtherMobileInAD or MobileInEntra",
            ));
        }
        if self.mobile_in_entra && (self.mobile_in_ad || self.other_mobile_in_ad) {
            return Err(CallError::invalid(
                op,
                "MobileInEntra cannot be combined with MobileInAD or OtherMobileInAD",
            ));
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
        // A source naming no AD (or no Entra ID) data: the other users lack it as well.
        CallError::App(AppError::Settings(_)) => true,
        CallError::App(_) | CallError::InvalidArgs { .. } => false,
        _ => true,
    }
}

/// The users of `DirSync.Set` and `DirSync.Clear`: one (`Identity`), or a pipeline's (`Items`, `Identities`)
/// with the targets the host confirmed (`Only`).
pub(crate) enum Users<'a, T> {
    One(&'a str, T),
    Many(&'a [T], &'a [String]),
}

/// The users a request names: `Identity` (with `one`, its values), or `many` (the wire's `field`) for a
/// pipeline. Both or neither is refused.
///
/// # Errors
/// [`CallError::InvalidArgs`].
pub(crate) fn users<'a, T>(
    op: &'static str,
    identity: &'a str,
    one: T,
    many: &'a [T],
    only: &'a [String],
    field: &str,
) -> Result<Users<'a, T>, CallError> {
    let message = match (identity.trim().is_empty(), many.is_empty()) {
        (false, true) => return Ok(Users::One(identity, one)),
        (true, false) => return Ok(Users::Many(many, only)),
        (true, true) => format!("name the user: Identity, or {field} for several"),
        (false, false) => format!("give Identity or {field}, not both"),
    };
    Err(CallError::InvalidArgs { op, message })
}

/// How one user is planned (`None` when nothing changes) and what it is called in `ItemErrors`.
type Planner<P, I> = (P, I);

/// `idrift dirsync set` and `clear`: one user, or a pipeline's users planned against the same source as one
/// plan with one journal, where a user that cannot be planned is an item error and an error about the call
/// itself (see [`is_call_level`]) ends the whole request.
///
/// # Errors
/// Opening the source, planning the single user, [`writes::run`].
pub(crate) fn per_user<T, P, I>(
    (op, command): (&'static str, &str),
    source: &SourceSpec,
    users: Users<'_, T>,
    write: &WriteArgs,
    (plan, id): Planner<P, I>,
) -> Result<Vec<u8>, CallError>
where
    P: Fn(&Targets, &T) -> Result<Option<Planned>, CallError>,
    I: Fn(&T) -> String,
{
    let t = crate::targets::open(op, source)?;
    let mut out = writes::result(command, &t);
    let spec = match users {
        Users::One(identity, item) => {
            let Some(planned) = plan(&t, &item)? else {
                out.notes.push(dirsync_writes::unchanged_note(identity));
                return crate::wire::ok(&out, &t.warnings);
            };
            dirsync_ops::single_spec(command, planned)
        }
        Users::Many(items, only) => {
            let mut planning = Planning::new(out);
            for item in items {
                match plan(&t, item) {
                    Ok(p) => planning.planned(&id(item), p),
                    Err(e) if is_call_level(&e) => return Err(e),
                    Err(e) => planning.failed(&id(item), e.kind(), e.to_string()),
                }
            }
            let spec;
            (spec, out) = planning.into_spec(command, only);
            spec
        }
    };
    let reminder = dirsync_writes::reminder(&spec.ops);
    let out = writes::run(op, &t, &spec, write, RunOptions::default(), reminder, out)?;
    crate::wire::ok(&out, &t.warnings)
}

#[cfg(test)]
mod tests;
