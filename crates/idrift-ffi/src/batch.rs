//! Pipelines of the per-user writers: `DirSync.Set` with `Items` and `DirSync.Clear` with `Identities`.
//!
//! A PowerShell pipeline of users is one run, as the CLI's `dirsync persist` is: every user is planned
//! against the same source, the writes form one plan with one journal, and a user that cannot be planned
//! (unknown, a synced user's Entra phone, named twice) comes back in `ItemErrors` while the others go ahead.
//! Errors about the call itself (no AD data in the source, an unreachable or refusing directory) still fail
//! the whole request. Planning one user is the same code as the single-user call (`Identity`).

use idrift_app::dirsync_ops;
use idrift_app::journal::{Planned, RunOptions};
use idrift_app::ops::dirsync_writes::{self, EditProblem, PhoneEdit, Planning};

use crate::error::CallError;
use crate::targets::{Targets, WireNames};
use crate::wire::{SourceSpec, WriteArgs};
use crate::{runtime, writes};

/// One user of a request: who, and the edit asked for (or why the request names none).
pub(crate) type Edit = (String, Result<PhoneEdit, CallError>);

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

/// Plans one user's edit (`idrift dirsync set` and `clear`); `None` when the user already has the values.
fn plan(t: &Targets, identity: &str, edit: PhoneEdit) -> Result<Option<Planned>, CallError> {
    let planned = dirsync_writes::plan_edit(t, &WireNames, identity, edit);
    Ok(runtime::block_on(planned)??)
}

/// Whether an error stops the whole call rather than failing one user: the envelope's own errors, and the
/// application's [`idrift_app::AppError::stops_batch`].
fn is_call_level(e: &CallError) -> bool {
    match e {
        CallError::App(e) => e.stops_batch(),
        CallError::InvalidArgs { .. } => false,
        _ => true,
    }
}

/// `idrift dirsync set` and `clear`: one user (`one`, by `Identity`), or a pipeline's users (`many`, the
/// wire's `field`) planned against the same source as one plan with one journal, where a user that cannot be
/// planned is an item error and an error about the call itself (see [`is_call_level`]) ends the whole
/// request. With `many`, only the writes to the targets in `only` (the ones the host confirmed) are run.
///
/// # Errors
/// [`CallError::InvalidArgs`] when the request names no user, or both `Identity` and `field`; opening the
/// source, planning the single user, [`writes::run`].
pub(crate) fn per_user(
    (op, command, field): (&'static str, &str, &str),
    source: &SourceSpec,
    write: &WriteArgs,
    (one, many, only): (Edit, Vec<Edit>, &[String]),
) -> Result<Vec<u8>, CallError> {
    match (one.0.trim().is_empty(), many.is_empty()) {
        (true, true) => {
            let message = format!("name the user: Identity, or {field} for several");
            return Err(CallError::invalid(op, message));
        }
        (false, false) => {
            return Err(CallError::invalid(
                op,
                format!("give Identity or {field}, not both"),
            ));
        }
        _ => {}
    }
    let t = crate::targets::open(op, source)?;
    let mut out = writes::result(command, &t);
    let spec = if many.is_empty() {
        let (identity, edit) = one;
        let Some(planned) = plan(&t, &identity, edit?)? else {
            out.notes.push(dirsync_writes::unchanged_note(&identity));
            return crate::wire::ok(&out, &t.warnings);
        };
        dirsync_ops::single_spec(command, planned)
    } else {
        let mut planning = Planning::new(out);
        for (identity, edit) in many {
            match edit.and_then(|e| plan(&t, &identity, e)) {
                Ok(p) => planning.planned(&identity, p),
                Err(e) if is_call_level(&e) => return Err(e),
                Err(e) => planning.failed(&identity, e.kind(), e.to_string()),
            }
        }
        let spec;
        (spec, out) = planning.into_spec(command, only);
        spec
    };
    let reminder = dirsync_writes::reminder(&spec.ops);
    let out = writes::run(op, &t, &spec, write, RunOptions::default(), reminder, out)?;
    crate::wire::ok(&out, &t.warnings)
}

#[cfg(test)]
mod tests;
