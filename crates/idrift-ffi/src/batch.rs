//! Pipelines of the per-user writers: `DirSync.Set` with `Items` and `DirSync.Clear` with `Identities`.
//!
//! A PowerShell pipeline of users is one run, as the CLI's `dirsync persist` is: every user is planned
//! against the same source, the writes form one plan with one journal, and a user that cannot be planned
//! (unknown, a synced user's Entra phone, named twice) comes back in `ItemErrors` while the others go ahead.
//! Errors about the call itself (no AD data in the source, an unreachable or refusing directory) still fail
//! the whole request. Planning one user is the same code as the single-user call (`Identity`).

use idrift_app::journal::RunOptions;
use idrift_app::ops::dirsync_writes::{self, EditProblem, PhoneEdit, Users, UsersProblem};

use crate::error::CallError;
use crate::targets::WireNames;
use crate::wire::{SourceSpec, WriteArgs};
use crate::{runtime, writes};

/// One user of a request: who, and the edit asked for (or why the request names none).
pub(crate) type Edit = dirsync_writes::UserEdit<CallError>;

/// The wire's words for an [`EditProblem`]; `nothing` says what is missing (`the new value`, `what to clear`).
pub(crate) fn edit(
    op: &'static str,
    edit: Result<PhoneEdit, EditProblem>,
    nothing: &str,
) -> Result<PhoneEdit, CallError> {
    edit.map_err(|p| {
        CallError::invalid(
            op,
            match p {
                EditProblem::Nothing => {
                    format!("name {nothing}: MobileInAD, OtherMobileInAD or MobileInEntra")
                }
                EditProblem::Mixed => {
                    "MobileInEntra cannot be combined with MobileInAD or OtherMobileInAD".to_owned()
                }
            },
        )
    })
}

/// `idrift dirsync set` and `clear`: one user (`one`, by `Identity`), or a pipeline's users (`many`, the
/// wire's `field`), each with the edit `edit` reads from it, planned by [`dirsync_writes::plan_users`] against the same source as one plan with one
/// journal. With `many`, only the writes to the targets in `only` (the ones the host confirmed) are run.
///
/// # Errors
/// [`CallError::InvalidArgs`] when the request names no user, or both `Identity` and `field`; opening the
/// source, planning, [`writes::run`].
pub(crate) fn per_user<T>(
    (op, command, field): (&'static str, &str, &str),
    source: &SourceSpec,
    write: &WriteArgs,
    (one, many, only): (&T, &[T], &[String]),
    edit: impl Fn(&T) -> Edit,
) -> Result<Vec<u8>, CallError> {
    let users = Users::of(edit(one), many.iter().map(edit).collect()).map_err(|p| {
        CallError::invalid(
            op,
            match p {
                UsersProblem::Nobody => format!("name the user: Identity, or {field} for several"),
                UsersProblem::Both => format!("give Identity or {field}, not both"),
            },
        )
    })?;
    let t = crate::targets::open(op, source)?;
    let out = writes::result(command, &t);
    let planned = dirsync_writes::plan_users(&t, &WireNames, users, (only, out), CallError::kind);
    let (spec, out) = runtime::block_on(planned)??;
    let preview = "Set-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Enable -WhatIf";
    let reminder = dirsync_writes::reminder(&spec.ops, preview);
    let run = RunOptions::default();
    let out = writes::run(op, &t, &spec, write, run, reminder.as_deref(), out)?;
    crate::wire::ok(&out, &t.warnings)
}

#[cfg(test)]
mod tests;
