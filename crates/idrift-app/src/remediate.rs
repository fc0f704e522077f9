//! Running a remediation option: `idrift plan UPN --option ID --apply`.
//!
//! [`plan_spec`] turns the steps of one [`RemediationOption`] into a journal plan ([`PlanSpec`]), one
//! [`Planned`] operation per step, in order. Each operation's locator is the step as planned
//! ([`StepLocator`]: its text, its command and its typed [`Operation`]), so a journal can be resumed without
//! planning again; its before- and after-values are what the object must look like before the step and after
//! it (an Entra user `Active`, `Deleted` or `Purged`; the licenses of the SKUs involved; whether
//! `PreviousRecipientTypeDetails` is cleared; whether the restore request exists; whether AD holds the proxy
//! address; the AD user's DN).
//!
//! [`apply`] and [`resume`] run the steps one at a time, against a [`RemediationTarget`] (the live services,
//! or a snapshot being rehearsed on), and stop at the first step that does not succeed:
//!
//! - a write (Graph delete, purge, restore, assignLicense; Exchange `Set-User
//!   -PermanentlyClearPreviousMailboxInfo`, `New-MailboxRestoreRequest`; an LDAP proxy-address add or move) is
//!   confirmed through the [`Gate`], then its object is read again just before the write: when it already has
//!   the after-value the step is done (`skipped`), when it no longer has the before-value the run stops with a
//!   conflict and writes nothing; otherwise a `Started` entry with the value read is journaled, the write is
//!   made, and its outcome (with the value read back) is journaled;
//! - recording the ExchangeGuid reads the cloud mailbox and journals the GUID found; a different GUID stops
//!   the run;
//! - a check reads the live state and journals what it found; a check that does not hold stops the run (the
//!   sync cycle has not run yet, the restore is still queued), and resuming runs it again;
//! - a manual step (a sync cycle, a migration, an on-premises cmdlet) is journaled as handed to the
//!   administrator and the run stops there. Resuming asks whether it was done and carries on after it.
//!
//! Steps with an outcome of applied or skipped are final: a resume never repeats them. A step that failed, was
//! in conflict, or was interrupted during its write is read again on resume, so nothing is written twice.

mod check;
mod executor;
mod rehearsal;
mod run;
pub(crate) use run::gate_err;
mod session;
mod spec;
mod target;
mod values;

use idrift_core::Guid;
use idrift_core::plan::{Operation, OptionId};
use idrift_core::ports::SourceError;
use idrift_core::scan::Finding;
use serde::{Deserialize, Serialize};

pub use check::CheckResult;
pub use executor::RemediationExecutor;
pub use rehearsal::{DELETED_USERS_FILE, RESTORE_REQUESTS_FILE, RehearsalTarget};
pub use run::{
    Ask, Gate, RemediationReport, StepRow, Stop, Yes, apply, pending_rows, resume, rows,
};
pub use session::{open_target_for, resumable};
pub use spec::{missing_sides, plan_spec, remediation_note, sides, undo_spec};
pub use target::{LiveTarget, RemediationTarget, RestoreRequest, Side, names};
pub use values::describe_value;

use crate::journal::Planned;
use values::from_value;

/// Records the cloud mailbox's ExchangeGuid.
pub const OP_RECORD_GUID: &str = "exo.recordExchangeGuid";
/// `DELETE /users/{id}`.
pub const OP_GRAPH_DELETE: &str = "graph.deleteUser";
/// `DELETE /directory/deletedItems/{id}`.
pub const OP_GRAPH_PURGE: &str = "graph.purgeDeletedUser";
/// `POST /directory/deletedItems/{id}/restore`.
pub const OP_GRAPH_RESTORE: &str = "graph.restoreDeletedUser";
/// `POST /users/{id}/assignLicense`.
pub const OP_GRAPH_LICENSE: &str = "graph.assignLicense";
/// `Set-User -PermanentlyClearPreviousMailboxInfo`.
pub const OP_EXO_CLEAR: &str = "exo.clearPreviousMailboxInfo";
/// `New-MailboxRestoreRequest`.
pub const OP_EXO_RESTORE: &str = "exo.newMailboxRestoreRequest";
/// LDAP: add a `proxyAddresses` value.
pub const OP_AD_PROXY: &str = "ad.addProxyAddress";
/// LDAP: move the user to another OU.
pub const OP_AD_MOVE: &str = "ad.moveUser";
/// A live check between steps.
pub const OP_CHECK: &str = "check";
/// A step the administrator does by hand.
pub const OP_MANUAL: &str = "manual";

/// The [`journal::Note`] kind journaled with a remediation plan ([`RemediationNote`]).
pub const NOTE_REMEDIATION: &str = "Remediation";

/// The journal command of a remediation: `plan <option> <upn>`.
pub fn command(upn: &str, option: OptionId) -> String {
    format!("plan {option} {}", upn.trim())
}

/// What a step is, for the runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepKind {
    /// A write through an API.
    Write,
    /// Reading and recording a value (the ExchangeGuid).
    Record,
    /// A live check.
    Check,
    /// Done by the administrator.
    Manual,
}

/// The kind of step an operation name stands for, `None` for an operation that is not a remediation step.
pub fn step_kind(op: &str) -> Option<StepKind> {
    match op {
        OP_GRAPH_DELETE | OP_GRAPH_PURGE | OP_GRAPH_RESTORE | OP_GRAPH_LICENSE | OP_EXO_CLEAR
        | OP_EXO_RESTORE | OP_AD_PROXY | OP_AD_MOVE => Some(StepKind::Write),
        OP_RECORD_GUID => Some(StepKind::Record),
        OP_CHECK => Some(StepKind::Check),
        OP_MANUAL => Some(StepKind::Manual),
        _ => None,
    }
}

/// The locator of every remediation operation: the step as it was planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepLocator {
    /// The step's number in the option.
    pub order: usize,
    /// What it does, for a person.
    pub action: String,
    /// The cmdlet line or API call.
    pub command: String,
    /// What idrift runs; `None` for a manual step.
    #[serde(default)]
    pub operation: Option<Operation>,
    /// The AD user's objectGUID (for AD steps: it still finds the user after a move).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_guid: Option<Guid>,
}

/// The data journaled with a remediation plan, before any step runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemediationNote {
    /// The user.
    pub user_principal_name: String,
    /// The option run.
    pub option: OptionId,
    /// Whether idrift recommended it.
    pub recommended: bool,
    /// What may be lost.
    pub data_at_risk: String,
    /// What must hold before and while the steps run.
    pub preconditions: Vec<String>,
    /// The findings the plan was made for.
    pub findings: Vec<Finding>,
}

/// The step an operation was planned from.
///
/// # Errors
/// [`SourceError::InvalidData`] when the locator is not a [`StepLocator`] (a journal edited by hand).
pub fn locator(op: &Planned) -> Result<StepLocator, SourceError> {
    from_value(op, "Locator", &op.locator)
}

pub(crate) fn operation(op: &Planned) -> Result<Operation, SourceError> {
    locator(op)?.operation.ok_or_else(|| {
        SourceError::InvalidData(format!(
            "journal operation {} ({}) has no Operation",
            op.seq, op.op
        ))
    })
}

#[cfg(test)]
mod tests;
