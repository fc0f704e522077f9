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

mod rehearsal;
mod target;

use std::fmt;
use std::path::{Path, PathBuf};

use idrift_core::Guid;
use idrift_core::exchange::{RecipientTypeDetails, same_address, smtp_address};
use idrift_core::model::{AssignedLicense, CloudUser, ExoRecipient, Snapshot};
use idrift_core::plan::{Check, Operation, OptionId, RemediationPlan};
use idrift_core::ports::SourceError;
use idrift_core::scan::Finding;
use idrift_core::writes::UserKey;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use rehearsal::{DELETED_USERS_FILE, RESTORE_REQUESTS_FILE, RehearsalTarget};
pub use target::{LiveTarget, RemediationTarget, RestoreRequest, Side, names};

use crate::AppError;
use crate::journal::{
    self, Clock, Entry, JournalLog, JournalWriter, OpExecutor, OpState, OpStatus, Outcome,
    OutcomeEntry, PlanSpec, Planned, Resumed, Started,
};

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

/// The state of an Entra user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum EntraState {
    /// In the directory.
    Active,
    /// In the recycle bin.
    Deleted,
    /// Neither: purged (or never there).
    Purged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserValue {
    state: EntraState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LicenseValue {
    licenses: Vec<AssignedLicense>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ClearedValue {
    cleared: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_recipient_type_details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RestoreValue {
    requested: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    request_guid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProxyValue {
    proxy_address: String,
    present: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DnValue {
    distinguished_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GuidValue {
    exchange_guid: Option<Guid>,
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Compares two journaled values of `op` by what matters for it (`same`), or as JSON when either does not
/// decode as `T`.
fn same_as<T: for<'de> Deserialize<'de>>(
    op: &Planned,
    a: &Value,
    b: &Value,
    same: impl Fn(&T, &T) -> bool,
) -> bool {
    match (
        from_value::<T>(op, "value", a),
        from_value::<T>(op, "value", b),
    ) {
        (Ok(x), Ok(y)) => same(&x, &y),
        _ => a == b,
    }
}

/// A license value's SKU ids, lower-cased and sorted, so order and case do not count as a difference.
fn sorted_skus(v: &LicenseValue) -> Vec<String> {
    let mut s: Vec<String> = v
        .licenses
        .iter()
        .map(|l| l.sku_id.to_ascii_lowercase())
        .collect();
    s.sort();
    s
}

fn from_value<T: for<'de> Deserialize<'de>>(
    op: &Planned,
    what: &str,
    v: &Value,
) -> Result<T, SourceError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        SourceError::InvalidData(format!(
            "journal operation {} ({}): {what} is not valid: {e}",
            op.seq, op.op
        ))
    })
}

/// The step an operation was planned from.
///
/// # Errors
/// [`SourceError::InvalidData`] when the locator is not a [`StepLocator`] (a journal edited by hand).
pub fn locator(op: &Planned) -> Result<StepLocator, SourceError> {
    from_value(op, "Locator", &op.locator)
}

fn operation(op: &Planned) -> Result<Operation, SourceError> {
    locator(op)?.operation.ok_or_else(|| {
        SourceError::InvalidData(format!(
            "journal operation {} ({}) has no Operation",
            op.seq, op.op
        ))
    })
}

/// Distinguished-name helpers (escape-aware).
mod dn {
    /// The first RDN and the parent of a DN (split at the first unescaped comma).
    pub(super) fn split_dn(dn: &str) -> (&str, &str) {
        let b = dn.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b',' => {
                    let rdn = dn.get(..i).unwrap_or(dn).trim();
                    let parent = dn.get(i + 1..).unwrap_or("").trim();
                    return (rdn, parent);
                }
                _ => i += 1,
            }
        }
        (dn.trim(), "")
    }

    /// A DN compared the way AD does for our purposes: case-insensitive, ignoring spaces around commas.
    pub(super) fn normalize(dn: &str) -> String {
        let mut out = String::with_capacity(dn.len());
        let mut rest = dn.trim();
        loop {
            let (rdn, parent) = split_dn(rest);
            out.push_str(&rdn.to_ascii_lowercase());
            if parent.is_empty() {
                return out;
            }
            out.push(',');
            rest = parent;
        }
    }

    /// Whether two DNs name the same object.
    pub(super) fn same_dn(a: &str, b: &str) -> bool {
        normalize(a) == normalize(b)
    }
}

use dn::{same_dn, split_dn};

/// The service an operation talks to.
fn side_of(op: &Operation) -> Side {
    match op {
        Operation::RecordExchangeGuid { .. }
        | Operation::ExoClearPreviousMailboxInfo { .. }
        | Operation::ExoNewMailboxRestoreRequest { .. } => Side::ExchangeOnline,
        Operation::GraphDeleteUser { .. }
        | Operation::GraphPurgeDeletedUser { .. }
        | Operation::GraphRestoreDeletedUser { .. }
        | Operation::GraphAssignLicense { .. } => Side::Graph,
        Operation::LdapAddProxyAddress { .. } | Operation::LdapMoveUser { .. } => {
            Side::ActiveDirectory
        }
        Operation::Check(c) => match c {
            Check::CloudUserState { .. }
            | Check::UserInRecycleBin { .. }
            | Check::CloudOnly { .. }
            | Check::CloudHasAddress { .. }
            | Check::Matched { .. } => Side::Graph,
            Check::SoftDeletedMailbox { .. }
            | Check::MailUserWithGuid { .. }
            | Check::MailboxWithGuid { .. }
            | Check::NoCloudMailbox { .. }
            | Check::PreviousMailboxInfoCleared { .. }
            | Check::RestoreCompleted { .. } => Side::ExchangeOnline,
            Check::OnPremMailboxGuid { .. } => Side::ActiveDirectory,
        },
    }
}

/// The services the steps of a plan need, in order of first use.
pub fn sides(ops: &[Planned]) -> Vec<Side> {
    let mut out = Vec::new();
    for op in ops {
        if let Ok(Some(o)) = locator(op).map(|l| l.operation) {
            let s = side_of(&o);
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// The services the steps need that `target` cannot reach.
pub fn missing_sides(ops: &[Planned], target: &dyn RemediationTarget) -> Vec<Side> {
    sides(ops).into_iter().filter(|s| !target.has(*s)).collect()
}

fn op_name(op: &Operation) -> &'static str {
    match op {
        Operation::RecordExchangeGuid { .. } => OP_RECORD_GUID,
        Operation::GraphDeleteUser { .. } => OP_GRAPH_DELETE,
        Operation::GraphPurgeDeletedUser { .. } => OP_GRAPH_PURGE,
        Operation::GraphRestoreDeletedUser { .. } => OP_GRAPH_RESTORE,
        Operation::GraphAssignLicense { .. } => OP_GRAPH_LICENSE,
        Operation::ExoClearPreviousMailboxInfo { .. } => OP_EXO_CLEAR,
        Operation::ExoNewMailboxRestoreRequest { .. } => OP_EXO_RESTORE,
        Operation::LdapAddProxyAddress { .. } => OP_AD_PROXY,
        Operation::LdapMoveUser { .. } => OP_AD_MOVE,
        Operation::Check(_) => OP_CHECK,
    }
}

fn user_value(state: EntraState) -> Value {
    to_value(&UserValue { state })
}

/// The licenses of `user` among `skus` (case-insensitive), sorted by SKU.
fn licenses_among(user: Option<&CloudUser>, skus: &[String]) -> Vec<AssignedLicense> {
    let mut out: Vec<AssignedLicense> = user
        .map(|u| u.assigned_licenses.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|l| skus.iter().any(|s| s.eq_ignore_ascii_case(&l.sku_id)))
        .cloned()
        .collect();
    out.sort_by_key(|l| l.sku_id.to_ascii_lowercase());
    out
}

/// Builds the journal plan of one option of `plan` (see the module documentation). `snapshot` is the data
/// the plan was made from: it gives the AD user's objectGUID and the licenses a removal expects.
///
/// # Errors
/// [`AppError::Invalid`] when the plan has no such option, or an automated step still carries a placeholder
/// (a value the data did not have, such as `<an OU outside the sync scope>`).
pub fn plan_spec(
    plan: &RemediationPlan,
    option: OptionId,
    snapshot: &Snapshot,
) -> Result<PlanSpec, AppError> {
    let opt = plan.option(option).ok_or_else(|| {
        AppError::Invalid(format!(
            "{option} is not an option for {}",
            plan.user_principal_name
        ))
    })?;
    let subject_dn = plan
        .findings
        .iter()
        .map(|f| f.distinguished_name.as_str())
        .find(|d| !d.is_empty());
    let object_guid = subject_dn.and_then(|dn| {
        snapshot
            .on_prem
            .iter()
            .find(|u| same_dn(&u.distinguished_name, dn))
            .and_then(|u| u.object_guid)
    });
    let mut ops = Vec::with_capacity(opt.steps.len());
    for step in &opt.steps {
        let mut loc = StepLocator {
            order: step.order,
            action: step.action.clone(),
            command: step.command.clone(),
            operation: step.operation.clone(),
            object_guid: None,
        };
        let Some(operation) = &step.operation else {
            ops.push(Planned {
                seq: 0,
                op: OP_MANUAL.to_owned(),
                target: plan.user_principal_name.clone(),
                locator: to_value(&loc),
                before: Value::Null,
                after: Value::Null,
            });
            continue;
        };
        let text = to_value(operation).to_string();
        if text.contains('<') {
            return Err(AppError::Invalid(format!(
                "step {} of {option} is missing a value the data did not have ({}); give it (for example \
                 the out-of-scope OU) and plan again",
                step.order, step.command
            )));
        }
        let (target, before, after) = match operation {
            Operation::RecordExchangeGuid { identity, expected } => {
                let v = to_value(&GuidValue {
                    exchange_guid: Some(*expected),
                });
                (identity.clone(), v.clone(), v)
            }
            Operation::GraphDeleteUser { object_id } => (
                object_id.clone(),
                user_value(EntraState::Active),
                user_value(EntraState::Deleted),
            ),
            Operation::GraphPurgeDeletedUser { object_id } => (
                object_id.clone(),
                user_value(EntraState::Deleted),
                user_value(EntraState::Purged),
            ),
            Operation::GraphRestoreDeletedUser { object_id } => (
                object_id.clone(),
                user_value(EntraState::Deleted),
                user_value(EntraState::Active),
            ),
            Operation::GraphAssignLicense {
                object_id,
                add,
                remove,
            } => {
                let user = snapshot.cloud.iter().find(|u| u.id == *object_id);
                let mut before = licenses_among(user, remove);
                for sku in remove {
                    if !before.iter().any(|l| l.sku_id.eq_ignore_ascii_case(sku)) {
                        before.push(AssignedLicense {
                            sku_id: sku.clone(),
                            disabled_plans: Vec::new(),
                        });
                    }
                }
                let mut after = add.clone();
                after.sort_by_key(|l| l.sku_id.to_ascii_lowercase());
                (
                    object_id.clone(),
                    to_value(&LicenseValue { licenses: before }),
                    to_value(&LicenseValue { licenses: after }),
                )
            }
            Operation::ExoClearPreviousMailboxInfo { identity } => (
                identity.clone(),
                to_value(&ClearedValue {
                    cleared: false,
                    previous_recipient_type_details: None,
                }),
                to_value(&ClearedValue {
                    cleared: true,
                    previous_recipient_type_details: None,
                }),
            ),
            Operation::ExoNewMailboxRestoreRequest { target, .. } => (
                target.clone(),
                to_value(&RestoreValue {
                    requested: false,
                    request_guid: None,
                    status: None,
                }),
                to_value(&RestoreValue {
                    requested: true,
                    request_guid: None,
                    status: None,
                }),
            ),
            Operation::LdapAddProxyAddress {
                distinguished_name,
                proxy_address,
            } => {
                loc.object_guid = object_guid;
                (
                    distinguished_name.clone(),
                    to_value(&ProxyValue {
                        proxy_address: proxy_address.clone(),
                        present: false,
                    }),
                    to_value(&ProxyValue {
                        proxy_address: proxy_address.clone(),
                        present: true,
                    }),
                )
            }
            Operation::LdapMoveUser {
                distinguished_name,
                new_parent,
            } => {
                loc.object_guid = object_guid;
                let (rdn, _) = split_dn(distinguished_name);
                (
                    distinguished_name.clone(),
                    to_value(&DnValue {
                        distinguished_name: distinguished_name.clone(),
                    }),
                    to_value(&DnValue {
                        distinguished_name: format!("{rdn},{}", new_parent.trim()),
                    }),
                )
            }
            Operation::Check(check) => (
                plan.user_principal_name.clone(),
                Value::Null,
                to_value(check),
            ),
        };
        ops.push(Planned {
            seq: 0,
            op: op_name(operation).to_owned(),
            target,
            locator: to_value(&loc),
            before,
            after,
        });
    }
    journal::number(&mut ops);
    let note = RemediationNote {
        user_principal_name: plan.user_principal_name.clone(),
        option,
        recommended: opt.recommended,
        data_at_risk: opt.data_at_risk.clone(),
        preconditions: opt.preconditions.clone(),
        findings: plan.findings.clone(),
    };
    Ok(PlanSpec {
        command: command(&plan.user_principal_name, option),
        ops,
        notes: vec![(NOTE_REMEDIATION.to_owned(), to_value(&note))],
        undoes: None,
    })
}

/// The remediation note of a journal.
///
/// # Errors
/// [`AppError::Invalid`] when the journal is not a remediation journal (another command wrote it).
pub fn remediation_note(log: &JournalLog) -> Result<RemediationNote, AppError> {
    let note = log
        .notes()
        .into_iter()
        .find(|n| n.kind == NOTE_REMEDIATION)
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "{}: not a remediation journal (it was written by `idrift {}`)",
                log.path.display(),
                log.header.command
            ))
        })?;
    serde_json::from_value(note.data).map_err(|e| AppError::Parse {
        path: log.path.clone(),
        message: format!("the {NOTE_REMEDIATION} note is not valid: {e}"),
    })
}

/// Why a write of a remediation cannot be reversed by idrift, `None` when it can (a delete is restored, a
/// restore deleted again, licenses assigned back, a move moved back).
fn irreversible(op: &Planned) -> Option<String> {
    match op.op.as_str() {
        OP_GRAPH_PURGE => Some(format!(
            "{} was purged from the recycle bin: it cannot be brought back",
            op.target
        )),
        OP_EXO_CLEAR => Some(
            "the previous mailbox info was cleared: that mailbox's data is gone for good".to_owned(),
        ),
        OP_EXO_RESTORE => Some(
            "a mailbox restore request is not undone; the items it merged stay (remove the request with \
             Remove-MailboxRestoreRequest)"
                .to_owned(),
        ),
        OP_AD_PROXY => {
            let proxy = op
                .after
                .get("ProxyAddress")
                .and_then(Value::as_str)
                .unwrap_or("the address");
            Some(format!(
                "idrift does not remove proxy addresses; remove it by hand: Set-ADUser -Identity '{}' -Remove \
                 @{{proxyAddresses='{proxy}'}}",
                op.target
            ))
        }
        _ => None,
    }
}

/// The plan that reverses the writes of a remediation journal, newest first ([`journal::undo_ops`]), run with
/// [`RemediationExecutor`]. Checks, records and manual steps changed nothing idrift can reverse and are left
/// out; writes that cannot be reversed (a purge, a cleared previous mailbox, a restore request, an added
/// proxy address) are listed with the reason, and so is a delete whose user was purged afterwards.
///
/// # Errors
/// As for [`remediation_note`].
pub fn undo_spec(log: &JournalLog) -> Result<(PlanSpec, Vec<journal::NotUndone>), AppError> {
    let note = remediation_note(log)?;
    let (ops, mut not_undone) = journal::undo_ops(log);
    let step =
        |op: &Planned| locator(op).map_or(op.seq, |l| u64::try_from(l.order).unwrap_or(u64::MAX));
    let purged: Vec<String> = ops
        .iter()
        .filter(|o| o.op == OP_GRAPH_PURGE)
        .map(|o| o.target.to_ascii_lowercase())
        .collect();
    let mut kept = Vec::new();
    for op in ops {
        if step_kind(&op.op) != Some(StepKind::Write) {
            continue;
        }
        let reason = irreversible(&op).or_else(|| {
            (op.op == OP_GRAPH_DELETE && purged.contains(&op.target.to_ascii_lowercase())).then(
                || {
                    format!(
                        "{} was purged afterwards: the delete cannot be reversed",
                        op.target
                    )
                },
            )
        });
        match reason {
            Some(reason) => not_undone.push(journal::NotUndone {
                seq: step(&op),
                target: op.target.clone(),
                reason,
            }),
            None => kept.push(op),
        }
    }
    journal::number(&mut kept);
    let spec = PlanSpec {
        command: format!("undo {}", log.header.command),
        ops: kept,
        notes: vec![(NOTE_REMEDIATION.to_owned(), to_value(&note))],
        undoes: Some(format!(
            "{} (plan {})",
            log.path.display(),
            log.header.plan_hash
        )),
    };
    Ok((spec, not_undone))
}

// ---------------------------------------------------------------------------------------------------------
// The executor: reads, compares and writes the objects of the steps.

/// What a check found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// Whether it holds.
    pub passed: bool,
    /// What was read (journaled).
    pub found: Value,
    /// What it means, in words.
    pub message: String,
}

/// Reads, compares and writes the objects remediation steps act on, through a [`RemediationTarget`].
/// It is an [`OpExecutor`] for the write and record operations; checks go through
/// [`RemediationExecutor::check`].
#[derive(Clone, Copy)]
pub struct RemediationExecutor<'a> {
    target: &'a dyn RemediationTarget,
}

impl fmt::Debug for RemediationExecutor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemediationExecutor")
            .field("target", &self.target.description())
            .finish()
    }
}

fn is_mailbox(r: &ExoRecipient) -> bool {
    RecipientTypeDetails::lenient(r.recipient_type_details.as_deref()).is_mailbox()
}

fn is_mail_user(r: &ExoRecipient) -> bool {
    RecipientTypeDetails::lenient(r.recipient_type_details.as_deref()).is_mail_user()
}

fn cleared(previous: Option<&str>) -> bool {
    previous.is_none_or(|p| p.trim().is_empty() || p.trim().eq_ignore_ascii_case("None"))
}

fn recipient_found(r: &ExoRecipient) -> Value {
    json!({
        "Identity": r.identity,
        "RecipientTypeDetails": r.recipient_type_details,
        "PreviousRecipientTypeDetails": r.previous_recipient_type_details,
        "ExchangeGuid": r.exchange_guid,
        "ExternalDirectoryObjectId": r.external_directory_object_id,
    })
}

fn user_found(u: &CloudUser) -> Value {
    json!({
        "Id": u.id,
        "UserPrincipalName": u.user_principal_name,
        "OnPremisesImmutableId": u.on_premises_immutable_id,
        "OnPremisesSyncEnabled": u.on_premises_sync_enabled,
        "AssignedLicenses": u.assigned_licenses,
        "ProxyAddresses": u.proxy_addresses,
    })
}

/// The status words of restore requests that mean the merge is done.
fn restore_done(status: Option<&str>) -> bool {
    status.is_some_and(|s| {
        s.eq_ignore_ascii_case("Completed") || s.eq_ignore_ascii_case("CompletedWithWarning")
    })
}

impl<'a> RemediationExecutor<'a> {
    /// An executor acting on `target`.
    pub fn new(target: &'a dyn RemediationTarget) -> RemediationExecutor<'a> {
        RemediationExecutor { target }
    }

    async fn entra_state(&self, id: &str) -> Result<EntraState, SourceError> {
        if self.target.cloud_user(id).await?.is_some() {
            return Ok(EntraState::Active);
        }
        if self.target.deleted_user(id).await?.is_some() {
            return Ok(EntraState::Deleted);
        }
        Ok(EntraState::Purged)
    }

    async fn find_ad(
        &self,
        loc: &StepLocator,
        dns: &[&str],
    ) -> Result<Option<idrift_core::model::OnPremUser>, SourceError> {
        if let Some(g) = loc.object_guid
            && let Some(u) = self.target.ad_user(&UserKey::ObjectGuid(g)).await?
        {
            return Ok(Some(u));
        }
        for dn in dns {
            if let Some(u) = self.target.ad_user(&UserKey::Dn((*dn).to_owned())).await? {
                return Ok(Some(u));
            }
        }
        Ok(None)
    }

    /// The restore request of `source` into `target`, if one exists and has not failed.
    async fn restore_request(
        &self,
        source: Guid,
        target: &str,
    ) -> Result<Option<RestoreRequest>, SourceError> {
        let src = self.target.soft_deleted_mailbox(source).await?;
        let dst = self.target.exo_recipient(target).await?;
        let guid = source.to_string();
        let requests = self.target.restore_requests().await?;
        Ok(requests.into_iter().find(|r| {
            let src_ok = r.source_mailbox.as_deref().is_some_and(|s| {
                s.to_ascii_lowercase().contains(&guid) || src.as_ref().is_some_and(|m| names(m, s))
            });
            let dst_ok = r.target_mailbox.as_deref().is_some_and(|t| {
                t.eq_ignore_ascii_case(target) || dst.as_ref().is_some_and(|m| names(m, t))
            });
            src_ok
                && dst_ok
                && !r
                    .status
                    .as_deref()
                    .is_some_and(|s| s.to_ascii_lowercase().starts_with("failed"))
        }))
    }

    /// Evaluates a check against the live state.
    ///
    /// # Errors
    /// The source's error when the state cannot be read.
    pub async fn check(&self, check: &Check) -> Result<CheckResult, SourceError> {
        let t = self.target;
        let result = |passed: bool, found: Value, message: String| CheckResult {
            passed,
            found,
            message,
        };
        Ok(match check {
            Check::CloudUserState { object_id } => match t.cloud_user(object_id).await? {
                Some(u) => result(
                    true,
                    user_found(&u),
                    format!(
                        "recorded: {} license(s) {}, {} proxy address(es)",
                        u.assigned_licenses.len(),
                        u.assigned_licenses
                            .iter()
                            .map(|l| l.sku_id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        u.proxy_addresses.len()
                    ),
                ),
                None => result(
                    false,
                    Value::Null,
                    format!("the Entra user {object_id} does not exist"),
                ),
            },
            Check::UserInRecycleBin { object_id } => {
                if let Some(u) = t.deleted_user(object_id).await? {
                    result(
                        true,
                        user_found(&u),
                        format!("{object_id} is in the recycle bin"),
                    )
                } else if let Some(u) = t.cloud_user(object_id).await? {
                    result(
                        false,
                        user_found(&u),
                        format!(
                            "{object_id} is still active: the deletion has not happened yet (run the step before \
                             this one, then resume)"
                        ),
                    )
                } else {
                    result(
                        false,
                        Value::Null,
                        format!(
                            "{object_id} is neither active nor in the recycle bin: it was purged, and cannot be \
                             restored"
                        ),
                    )
                }
            }
            Check::CloudOnly { object_id } => match t.cloud_user(object_id).await? {
                Some(u) if !u.is_synced() => result(
                    true,
                    user_found(&u),
                    format!("{object_id} is a cloud-only user"),
                ),
                Some(u) => result(
                    false,
                    user_found(&u),
                    format!("{object_id} is still synced (onPremisesSyncEnabled is true)"),
                ),
                None => result(
                    false,
                    Value::Null,
                    format!("the Entra user {object_id} does not exist"),
                ),
            },
            Check::SoftDeletedMailbox { exchange_guid } => {
                match t.soft_deleted_mailbox(*exchange_guid).await? {
                    Some(r) => result(
                        true,
                        recipient_found(&r),
                        format!("the mailbox {exchange_guid} is soft-deleted"),
                    ),
                    None => result(
                        false,
                        Value::Null,
                        format!(
                            "no soft-deleted mailbox has ExchangeGuid {exchange_guid} (Exchange Online may take \
                             a while after the purge; resume later)"
                        ),
                    ),
                }
            }
            Check::MailUserWithGuid {
                identity,
                exchange_guid,
            }
            | Check::MailboxWithGuid {
                identity,
                exchange_guid,
            } => {
                let want_mailbox = matches!(check, Check::MailboxWithGuid { .. });
                let what = if want_mailbox {
                    "a mailbox"
                } else {
                    "a MailUser"
                };
                match t.exo_recipient(identity).await? {
                    Some(r) => {
                        let type_ok = if want_mailbox {
                            is_mailbox(&r)
                        } else {
                            is_mail_user(&r)
                        };
                        let guid_ok = exchange_guid.is_none_or(|g| r.exchange_guid == Some(g));
                        let passed = type_ok && guid_ok;
                        let message = if passed {
                            format!(
                                "{identity} is {what} with ExchangeGuid {}",
                                r.exchange_guid.map(|g| g.to_string()).unwrap_or_default()
                            )
                        } else {
                            format!(
                                "{identity} is {} with ExchangeGuid {}, expected {what}{}",
                                r.recipient_type_details.as_deref().unwrap_or("(no type)"),
                                r.exchange_guid
                                    .map_or_else(|| "(none)".to_owned(), |g| g.to_string()),
                                exchange_guid
                                    .map(|g| format!(" with ExchangeGuid {g}"))
                                    .unwrap_or_default()
                            )
                        };
                        result(passed, recipient_found(&r), message)
                    }
                    None => result(
                        false,
                        Value::Null,
                        format!("Exchange Online has no recipient {identity} yet"),
                    ),
                }
            }
            Check::NoCloudMailbox { identity } => match t.exo_user(identity).await? {
                Some(r) if !is_mailbox(&r) => result(
                    true,
                    recipient_found(&r),
                    format!(
                        "{identity} is now {}",
                        r.recipient_type_details
                            .as_deref()
                            .unwrap_or("not a mailbox")
                    ),
                ),
                Some(r) => result(
                    false,
                    recipient_found(&r),
                    format!(
                        "{identity} is still a {} (Exchange Online applies a license change within minutes \
                         to hours; resume later)",
                        r.recipient_type_details.as_deref().unwrap_or("mailbox")
                    ),
                ),
                None => result(
                    false,
                    Value::Null,
                    format!("Exchange Online has no user {identity}"),
                ),
            },
            Check::PreviousMailboxInfoCleared { identity } => match t.exo_user(identity).await? {
                Some(r) if cleared(r.previous_recipient_type_details.as_deref()) => result(
                    true,
                    recipient_found(&r),
                    format!("{identity}: PreviousRecipientTypeDetails is empty"),
                ),
                Some(r) => result(
                    false,
                    recipient_found(&r),
                    format!(
                        "{identity}: PreviousRecipientTypeDetails is still {}",
                        r.previous_recipient_type_details.as_deref().unwrap_or("")
                    ),
                ),
                None => result(
                    false,
                    Value::Null,
                    format!("Exchange Online has no user {identity}"),
                ),
            },
            Check::CloudHasAddress { object_id, address } => match t.cloud_user(object_id).await? {
                Some(u) => {
                    let has = u
                        .proxy_addresses
                        .iter()
                        .filter_map(|p| smtp_address(p))
                        .any(|a| same_address(a, address));
                    result(
                        has,
                        user_found(&u),
                        if has {
                            format!("{object_id} has {address}")
                        } else {
                            format!("{object_id} does not have {address} yet")
                        },
                    )
                }
                None => result(
                    false,
                    Value::Null,
                    format!("the Entra user {object_id} does not exist"),
                ),
            },
            Check::Matched {
                identity,
                immutable_id,
            } => match t.cloud_user(identity).await? {
                Some(u)
                    if u.is_synced()
                        && u.on_premises_immutable_id.as_deref() == Some(immutable_id.as_str()) =>
                {
                    result(
                        true,
                        user_found(&u),
                        format!("{identity} is synced with ImmutableId {immutable_id}"),
                    )
                }
                Some(u) => result(
                    false,
                    user_found(&u),
                    format!(
                        "{identity} is not matched yet (onPremisesSyncEnabled {}, ImmutableId {})",
                        u.on_premises_sync_enabled
                            .map_or_else(|| "null".to_owned(), |b| b.to_string()),
                        u.on_premises_immutable_id.as_deref().unwrap_or("(none)")
                    ),
                ),
                None => result(
                    false,
                    Value::Null,
                    format!("the Entra user {identity} does not exist"),
                ),
            },
            Check::RestoreCompleted { target } => {
                let dst = t.exo_recipient(target).await?;
                let mine: Vec<RestoreRequest> = t
                    .restore_requests()
                    .await?
                    .into_iter()
                    .filter(|r| {
                        r.target_mailbox.as_deref().is_some_and(|m| {
                            m.eq_ignore_ascii_case(target)
                                || dst.as_ref().is_some_and(|d| names(d, m))
                        })
                    })
                    .collect();
                let found = serde_json::to_value(&mine).unwrap_or(Value::Null);
                if mine.iter().any(|r| restore_done(r.status.as_deref())) {
                    result(true, found, format!("the restore into {target} completed"))
                } else if mine.is_empty() {
                    result(false, found, format!("no restore request into {target}"))
                } else {
                    let statuses: Vec<&str> = mine
                        .iter()
                        .map(|r| r.status.as_deref().unwrap_or("(unknown)"))
                        .collect();
                    let failed = statuses
                        .iter()
                        .any(|s| s.to_ascii_lowercase().starts_with("failed"));
                    result(
                        false,
                        found,
                        if failed {
                            format!(
                                "the restore into {target} is {}: read its report \
                                 (Get-MailboxRestoreRequestStatistics -IncludeReport); a FailedOther with \
                                 RecipientNotFoundPermanentException after complete copy progress did copy \
                                 everything",
                                statuses.join(", ")
                            )
                        } else {
                            format!(
                                "the restore into {target} is still {} (resume later)",
                                statuses.join(", ")
                            )
                        },
                    )
                }
            }
            Check::OnPremMailboxGuid {
                distinguished_name,
                exchange_guid,
            } => match t.ad_user(&UserKey::Dn(distinguished_name.clone())).await? {
                Some(u) if u.mailbox_guid == Some(*exchange_guid) => result(
                    true,
                    json!({ "DistinguishedName": u.distinguished_name, "MsExchMailboxGuid": u.mailbox_guid }),
                    format!("msExchMailboxGuid is {exchange_guid}"),
                ),
                Some(u) => result(
                    false,
                    json!({ "DistinguishedName": u.distinguished_name, "MsExchMailboxGuid": u.mailbox_guid }),
                    format!(
                        "msExchMailboxGuid is {}, expected {exchange_guid}",
                        u.mailbox_guid
                            .map_or_else(|| "(none)".to_owned(), |g| g.to_string())
                    ),
                ),
                None => result(
                    false,
                    Value::Null,
                    format!("no AD user {distinguished_name:?}"),
                ),
            },
        })
    }
}

fn refused(op: &Planned, why: &str) -> SourceError {
    SourceError::Refused(format!("step {} ({}): {why}", op.seq, op.op))
}

impl OpExecutor for RemediationExecutor<'_> {
    async fn read(&self, op: &Planned) -> Result<Option<Value>, SourceError> {
        let t = self.target;
        match operation(op)? {
            Operation::RecordExchangeGuid { identity, expected } => {
                if let Some(r) = t.exo_recipient(&identity).await? {
                    return Ok(Some(to_value(&GuidValue {
                        exchange_guid: r.exchange_guid.filter(|_| is_mailbox(&r)),
                    })));
                }
                // Deleted since the plan (by an earlier, interrupted run or by someone else): the mailbox is
                // soft-deleted, and still the one to merge.
                Ok(t.soft_deleted_mailbox(expected).await?.map(|r| {
                    to_value(&GuidValue {
                        exchange_guid: r.exchange_guid,
                    })
                }))
            }
            Operation::GraphDeleteUser { object_id }
            | Operation::GraphPurgeDeletedUser { object_id }
            | Operation::GraphRestoreDeletedUser { object_id } => {
                Ok(Some(user_value(self.entra_state(&object_id).await?)))
            }
            Operation::GraphAssignLicense {
                object_id,
                add,
                remove,
            } => {
                let mut skus: Vec<String> = add.iter().map(|l| l.sku_id.clone()).collect();
                skus.extend(remove.iter().cloned());
                Ok(t.cloud_user(&object_id).await?.map(|u| {
                    to_value(&LicenseValue {
                        licenses: licenses_among(Some(&u), &skus),
                    })
                }))
            }
            Operation::ExoClearPreviousMailboxInfo { identity } => {
                Ok(t.exo_user(&identity).await?.map(|r| {
                    to_value(&ClearedValue {
                        cleared: cleared(r.previous_recipient_type_details.as_deref()),
                        previous_recipient_type_details: r.previous_recipient_type_details,
                    })
                }))
            }
            Operation::ExoNewMailboxRestoreRequest { source, target } => {
                let found = self.restore_request(source, &target).await?;
                Ok(Some(to_value(&RestoreValue {
                    requested: found.is_some(),
                    request_guid: found.as_ref().and_then(|r| r.request_guid.clone()),
                    status: found.and_then(|r| r.status),
                })))
            }
            Operation::LdapAddProxyAddress {
                distinguished_name,
                proxy_address,
            } => {
                let loc = locator(op)?;
                let user = self.find_ad(&loc, &[distinguished_name.as_str()]).await?;
                Ok(user.map(|u| {
                    to_value(&ProxyValue {
                        present: u
                            .proxy_addresses
                            .iter()
                            .any(|p| p.eq_ignore_ascii_case(&proxy_address)),
                        proxy_address: proxy_address.clone(),
                    })
                }))
            }
            Operation::LdapMoveUser { .. } => {
                let loc = locator(op)?;
                let before: DnValue = from_value(op, "Before", &op.before)?;
                let after: DnValue = from_value(op, "After", &op.after)?;
                let user = self
                    .find_ad(
                        &loc,
                        &[
                            before.distinguished_name.as_str(),
                            after.distinguished_name.as_str(),
                        ],
                    )
                    .await?;
                Ok(user.map(|u| {
                    to_value(&DnValue {
                        distinguished_name: u.distinguished_name,
                    })
                }))
            }
            Operation::Check(_) => Err(refused(op, "a check is evaluated, not read")),
        }
    }

    fn same(&self, op: &Planned, a: &Value, b: &Value) -> bool {
        match op.op.as_str() {
            OP_RECORD_GUID => {
                same_as::<GuidValue>(op, a, b, |x, y| x.exchange_guid == y.exchange_guid)
            }
            OP_GRAPH_DELETE | OP_GRAPH_PURGE | OP_GRAPH_RESTORE => {
                same_as::<UserValue>(op, a, b, |x, y| x.state == y.state)
            }
            OP_GRAPH_LICENSE => {
                same_as::<LicenseValue>(op, a, b, |x, y| sorted_skus(x) == sorted_skus(y))
            }
            OP_EXO_CLEAR => same_as::<ClearedValue>(op, a, b, |x, y| x.cleared == y.cleared),
            OP_EXO_RESTORE => same_as::<RestoreValue>(op, a, b, |x, y| x.requested == y.requested),
            OP_AD_PROXY => same_as::<ProxyValue>(op, a, b, |x, y| x.present == y.present),
            OP_AD_MOVE => same_as::<DnValue>(op, a, b, |x, y| {
                same_dn(&x.distinguished_name, &y.distinguished_name)
            }),
            _ => a == b,
        }
    }

    async fn write(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        let t = self.target;
        match operation(op)? {
            Operation::GraphDeleteUser { object_id }
            | Operation::GraphPurgeDeletedUser { object_id }
            | Operation::GraphRestoreDeletedUser { object_id } => {
                let from: UserValue = from_value(op, "the value read", current)?;
                let to: UserValue = from_value(op, "After", &op.after)?;
                match (from.state, to.state) {
                    (EntraState::Active, EntraState::Deleted) => t.delete_user(&object_id).await?,
                    (EntraState::Deleted, EntraState::Purged) => {
                        t.purge_deleted_user(&object_id).await?;
                    }
                    (EntraState::Deleted, EntraState::Active) => {
                        t.restore_deleted_user(&object_id).await?;
                    }
                    (EntraState::Purged, _) => {
                        return Err(refused(
                            op,
                            &format!("{object_id} was purged: it cannot be brought back"),
                        ));
                    }
                    (f, s) => {
                        return Err(refused(
                            op,
                            &format!("cannot go from {f:?} to {s:?} in one step"),
                        ));
                    }
                }
                Ok(user_value(self.entra_state(&object_id).await?))
            }
            Operation::GraphAssignLicense { object_id, .. } => {
                let from: LicenseValue = from_value(op, "the value read", current)?;
                let to: LicenseValue = from_value(op, "After", &op.after)?;
                let has = |v: &LicenseValue, sku: &str| {
                    v.licenses
                        .iter()
                        .any(|l| l.sku_id.eq_ignore_ascii_case(sku))
                };
                for l in &from.licenses {
                    if !has(&to, &l.sku_id) {
                        t.remove_license(&object_id, &l.sku_id).await?;
                    }
                }
                for l in &to.licenses {
                    if !has(&from, &l.sku_id) {
                        t.add_license(&object_id, l).await?;
                    }
                }
                let mut skus: Vec<String> =
                    from.licenses.iter().map(|l| l.sku_id.clone()).collect();
                skus.extend(to.licenses.iter().map(|l| l.sku_id.clone()));
                let user = t.cloud_user(&object_id).await?;
                Ok(to_value(&LicenseValue {
                    licenses: licenses_among(user.as_ref(), &skus),
                }))
            }
            Operation::ExoClearPreviousMailboxInfo { identity } => {
                let to: ClearedValue = from_value(op, "After", &op.after)?;
                if !to.cleared {
                    return Err(refused(
                        op,
                        "cleared previous mailbox info cannot be restored: that mailbox's data is gone",
                    ));
                }
                t.clear_previous_mailbox_info(&identity).await?;
                let after = t.exo_user(&identity).await?;
                Ok(to_value(&ClearedValue {
                    cleared: after
                        .as_ref()
                        .is_some_and(|r| cleared(r.previous_recipient_type_details.as_deref())),
                    previous_recipient_type_details: after
                        .and_then(|r| r.previous_recipient_type_details),
                }))
            }
            Operation::ExoNewMailboxRestoreRequest { source, target } => {
                let to: RestoreValue = from_value(op, "After", &op.after)?;
                if !to.requested {
                    return Err(refused(
                        op,
                        "idrift does not remove restore requests: use Remove-MailboxRestoreRequest",
                    ));
                }
                let r = t.new_restore_request(source, &target).await?;
                Ok(to_value(&RestoreValue {
                    requested: true,
                    request_guid: r.request_guid,
                    status: r.status,
                }))
            }
            Operation::LdapAddProxyAddress {
                distinguished_name,
                proxy_address,
            } => {
                let to: ProxyValue = from_value(op, "After", &op.after)?;
                if !to.present {
                    return Err(refused(
                        op,
                        &format!(
                            "idrift does not remove proxy addresses: Set-ADUser -Identity '{distinguished_name}' \
                             -Remove @{{proxyAddresses='{proxy_address}'}}"
                        ),
                    ));
                }
                let loc = locator(op)?;
                let user = self
                    .find_ad(&loc, &[distinguished_name.as_str()])
                    .await?
                    .ok_or_else(|| {
                        SourceError::NotFound(format!("AD user {distinguished_name:?}"))
                    })?;
                t.add_proxy_address(&user.distinguished_name, &proxy_address)
                    .await?;
                let after = self
                    .find_ad(&loc, &[user.distinguished_name.as_str()])
                    .await?;
                Ok(to_value(&ProxyValue {
                    present: after.is_some_and(|u| {
                        u.proxy_addresses
                            .iter()
                            .any(|p| p.eq_ignore_ascii_case(&proxy_address))
                    }),
                    proxy_address,
                }))
            }
            Operation::LdapMoveUser { .. } => {
                let from: DnValue = from_value(op, "the value read", current)?;
                let to: DnValue = from_value(op, "After", &op.after)?;
                let (_, parent) = split_dn(&to.distinguished_name);
                let new_dn = t.move_user(&from.distinguished_name, parent).await?;
                Ok(to_value(&DnValue {
                    distinguished_name: new_dn,
                }))
            }
            Operation::RecordExchangeGuid { .. } => {
                Err(refused(op, "recording a value writes nothing"))
            }
            Operation::Check(_) => Err(refused(op, "a check writes nothing")),
        }
    }

    fn describe(&self, op: &Planned, value: &Value) -> String {
        describe_value(&op.op, value)
    }

    fn handles(&self, op: &str) -> bool {
        matches!(step_kind(op), Some(StepKind::Write | StepKind::Record))
    }
}

/// A value of a remediation operation in words.
pub fn describe_value(op: &str, value: &Value) -> String {
    if value.is_null() {
        return String::new();
    }
    let parsed = |op: &str| -> Option<String> {
        Some(match op {
            OP_RECORD_GUID => {
                let v: GuidValue = serde_json::from_value(value.clone()).ok()?;
                match v.exchange_guid {
                    Some(g) => format!("ExchangeGuid {g}"),
                    None => "no mailbox".to_owned(),
                }
            }
            OP_GRAPH_DELETE | OP_GRAPH_PURGE | OP_GRAPH_RESTORE => {
                let v: UserValue = serde_json::from_value(value.clone()).ok()?;
                match v.state {
                    EntraState::Active => "active".to_owned(),
                    EntraState::Deleted => "in the recycle bin".to_owned(),
                    EntraState::Purged => "purged".to_owned(),
                }
            }
            OP_GRAPH_LICENSE => {
                let v: LicenseValue = serde_json::from_value(value.clone()).ok()?;
                if v.licenses.is_empty() {
                    "no license".to_owned()
                } else {
                    v.licenses
                        .iter()
                        .map(|l| {
                            if l.disabled_plans.is_empty() {
                                l.sku_id.clone()
                            } else {
                                format!(
                                    "{} (disabled plans {})",
                                    l.sku_id,
                                    l.disabled_plans.join(", ")
                                )
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            }
            OP_EXO_CLEAR => {
                let v: ClearedValue = serde_json::from_value(value.clone()).ok()?;
                if v.cleared {
                    "PreviousRecipientTypeDetails empty".to_owned()
                } else {
                    format!(
                        "PreviousRecipientTypeDetails {}",
                        v.previous_recipient_type_details
                            .as_deref()
                            .unwrap_or("set")
                    )
                }
            }
            OP_EXO_RESTORE => {
                let v: RestoreValue = serde_json::from_value(value.clone()).ok()?;
                if v.requested {
                    format!(
                        "restore request {} {}",
                        v.request_guid.as_deref().unwrap_or(""),
                        v.status.as_deref().unwrap_or("")
                    )
                    .trim_end()
                    .to_owned()
                } else {
                    "no restore request".to_owned()
                }
            }
            OP_AD_PROXY => {
                let v: ProxyValue = serde_json::from_value(value.clone()).ok()?;
                format!(
                    "{} {}",
                    v.proxy_address,
                    if v.present { "present" } else { "absent" }
                )
            }
            OP_AD_MOVE => {
                let v: DnValue = serde_json::from_value(value.clone()).ok()?;
                v.distinguished_name
            }
            _ => return None,
        })
    };
    parsed(op).unwrap_or_else(|| value.to_string())
}

// ---------------------------------------------------------------------------------------------------------
// The runner.

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stop {
    /// Every step is done.
    Completed,
    /// At a manual step, handed to the administrator; resume once it is done.
    Manual {
        /// The step.
        order: usize,
    },
    /// A check does not hold yet; resume once it does.
    CheckNotMet {
        /// The step.
        order: usize,
    },
    /// The object no longer matches the plan; nothing was written.
    Conflict {
        /// The step.
        order: usize,
    },
    /// A read or a write failed.
    Failed {
        /// The step.
        order: usize,
    },
    /// The administrator did not confirm the step; nothing was written for it.
    Declined {
        /// The step.
        order: usize,
    },
}

impl Stop {
    /// The step the run stopped at, `None` when it completed.
    pub fn order(self) -> Option<usize> {
        match self {
            Stop::Completed => None,
            Stop::Manual { order }
            | Stop::CheckNotMet { order }
            | Stop::Conflict { order }
            | Stop::Failed { order }
            | Stop::Declined { order } => Some(order),
        }
    }

    /// Whether the run ended as designed (completed, or waiting at a manual step).
    pub fn is_ok(self) -> bool {
        matches!(self, Stop::Completed | Stop::Manual { .. })
    }
}

/// One step of a run, for the outcome table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepRow {
    /// The step's number.
    pub order: usize,
    /// The operation name.
    pub op: String,
    /// What kind of step.
    pub kind: StepKind,
    /// What it does.
    pub action: String,
    /// The cmdlet line or API call.
    pub command: String,
    /// The object.
    pub target: String,
    /// Where it stands.
    pub status: OpStatus,
    /// The value before (planned, or read just before the write).
    pub before: Value,
    /// The value found (after the write, or by the check or record).
    pub found: Value,
    /// Why, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Whether this run decided it.
    pub this_run: bool,
}

impl StepRow {
    /// The status in words, by kind of step.
    pub fn label(&self) -> &'static str {
        match (self.kind, self.status) {
            (_, OpStatus::Pending) => "pending",
            (StepKind::Manual, OpStatus::InDoubt) => "waiting",
            (StepKind::Manual, _) => "done by hand",
            (StepKind::Check, OpStatus::Skipped | OpStatus::Applied) => "passed",
            (StepKind::Check, _) => "not met",
            (StepKind::Record, OpStatus::Skipped | OpStatus::Applied) => "recorded",
            (StepKind::Record, OpStatus::Conflict) => "differs",
            (_, OpStatus::Applied) => "done",
            (_, OpStatus::Skipped) => "already done",
            (_, OpStatus::Conflict) => "conflict",
            (_, OpStatus::Failed) => "failed",
            (_, OpStatus::InDoubt) => "in doubt",
        }
    }

    fn of(state: &OpState) -> StepRow {
        let p = &state.planned;
        let loc = locator(p).ok();
        StepRow {
            order: loc
                .as_ref()
                .map_or(usize::try_from(p.seq).unwrap_or(usize::MAX), |l| l.order),
            op: p.op.clone(),
            kind: step_kind(&p.op).unwrap_or(StepKind::Write),
            action: loc.as_ref().map(|l| l.action.clone()).unwrap_or_default(),
            command: loc.map(|l| l.command).unwrap_or_default(),
            target: p.target.clone(),
            status: state.status,
            before: state
                .started
                .as_ref()
                .map_or_else(|| p.before.clone(), |s| s.before.clone()),
            found: state
                .outcome
                .as_ref()
                .and_then(|o| o.after.clone())
                .unwrap_or(Value::Null),
            message: state.outcome.as_ref().and_then(|o| o.message.clone()),
            this_run: false,
        }
    }
}

/// The rows of a journal as it stands (nothing run).
pub fn rows(log: &JournalLog) -> Vec<StepRow> {
    log.ops().iter().map(StepRow::of).collect()
}

/// The rows of a plan not yet run.
pub fn pending_rows(spec: &PlanSpec) -> Vec<StepRow> {
    spec.ops
        .iter()
        .cloned()
        .map(OpState::pending)
        .map(|s| StepRow::of(&s))
        .collect()
}

/// The result of [`apply`] or [`resume`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemediationReport {
    /// The journal.
    pub journal: PathBuf,
    /// Every step, in order, as it stands after the run.
    pub steps: Vec<StepRow>,
    /// Why the run stopped.
    pub stop: Stop,
    /// Writes made by this run.
    pub writes: usize,
}

impl RemediationReport {
    /// The row of the step the run stopped at.
    pub fn stopped_at(&self) -> Option<&StepRow> {
        let order = self.stop.order()?;
        self.steps.iter().find(|s| s.order == order)
    }
}

/// What the runner asks before it acts.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'a> {
    /// May this write run now?
    Write(&'a StepRow),
    /// Was this manual step done (asked when a resumed run reaches the step it stopped at)?
    ManualDone(&'a StepRow),
}

/// Confirms steps and hears about each outcome: the front end's side of a run.
pub trait Gate {
    /// Whether to go ahead; `false` stops the run before the step (nothing is journaled for it).
    ///
    /// # Errors
    /// An I/O error reading the answer; the run stops.
    fn ask(&mut self, ask: Ask<'_>) -> std::io::Result<bool>;

    /// Called after each step this run decided.
    ///
    /// # Errors
    /// An I/O error writing progress; the run stops.
    fn done(&mut self, _row: &StepRow) -> std::io::Result<()> {
        Ok(())
    }
}

/// A gate that says yes to everything (`--yes`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Yes;

impl Gate for Yes {
    fn ask(&mut self, _ask: Ask<'_>) -> std::io::Result<bool> {
        Ok(true)
    }
}

fn gate_err(e: std::io::Error) -> AppError {
    AppError::Invalid(format!("confirmation: {e}"))
}

/// Starts a journal for `spec` (see [`plan_spec`]) and runs its steps.
///
/// # Errors
/// As for [`journal::start`]; [`AppError::Write`] when the journal cannot be written (the run stops at once);
/// the gate's I/O error. Step failures are outcomes, not errors.
pub async fn apply<G: Gate + ?Sized>(
    path: &Path,
    spec: &PlanSpec,
    target: &dyn RemediationTarget,
    clock: Clock,
    gate: &mut G,
) -> Result<RemediationReport, AppError> {
    let mut journal = journal::start(path, spec, clock)?;
    let ops = spec.ops.iter().cloned().map(OpState::pending).collect();
    run(&mut journal, ops, target, gate).await
}

/// Continues a remediation journal: records the resumption, then runs every step that is not final, from
/// the first one.
///
/// # Errors
/// As for [`journal::check_resumable`] and [`remediation_note`]; as for [`apply`].
pub async fn resume<G: Gate + ?Sized>(
    log: &JournalLog,
    target: &dyn RemediationTarget,
    clock: Clock,
    gate: &mut G,
) -> Result<RemediationReport, AppError> {
    journal::check_resumable(log)?;
    remediation_note(log)?;
    let mut journal = journal::open_append(&log.path, clock)?;
    let at = journal.clock().now_iso();
    journal.append(&Entry::Resumed(Resumed {
        at,
        tool: journal::tool_version(),
    }))?;
    run(&mut journal, log.ops(), target, gate).await
}

fn outcome(
    journal: &mut JournalWriter,
    row: &mut StepRow,
    seq: u64,
    outcome: Outcome,
    after: Option<Value>,
    message: Option<String>,
) -> Result<(), AppError> {
    let at = journal.clock().now_iso();
    journal.append(&Entry::Outcome(OutcomeEntry {
        seq,
        outcome,
        after: after.clone(),
        message: message.clone(),
        at,
    }))?;
    row.status = outcome.into();
    row.found = after.unwrap_or(Value::Null);
    row.message = message;
    row.this_run = true;
    Ok(())
}

fn started(journal: &mut JournalWriter, seq: u64, before: Value) -> Result<(), AppError> {
    let at = journal.clock().now_iso();
    journal.append(&Entry::Started(Started { seq, before, at }))
}

/// What one step did.
enum StepEnd {
    /// Carry on with the next step.
    Next,
    /// Stop here.
    Stop(Stop),
}

async fn run<G: Gate + ?Sized>(
    journal: &mut JournalWriter,
    ops: Vec<OpState>,
    target: &dyn RemediationTarget,
    gate: &mut G,
) -> Result<RemediationReport, AppError> {
    let exec = RemediationExecutor::new(target);
    let mut report = RemediationReport {
        journal: journal.path().to_path_buf(),
        steps: Vec::with_capacity(ops.len()),
        stop: Stop::Completed,
        writes: 0,
    };
    let mut stopped = false;
    for state in ops {
        let mut row = StepRow::of(&state);
        let final_ = matches!(state.status, OpStatus::Applied | OpStatus::Skipped);
        if stopped || final_ {
            report.steps.push(row);
            continue;
        }
        let end = run_step(journal, &state, &exec, gate, &mut row, &mut report.writes).await?;
        if row.this_run {
            gate.done(&row).map_err(gate_err)?;
        }
        report.steps.push(row);
        if let StepEnd::Stop(stop) = end {
            report.stop = stop;
            stopped = true;
        }
    }
    Ok(report)
}

async fn run_step<G: Gate + ?Sized>(
    journal: &mut JournalWriter,
    state: &OpState,
    exec: &RemediationExecutor<'_>,
    gate: &mut G,
    row: &mut StepRow,
    writes: &mut usize,
) -> Result<StepEnd, AppError> {
    let p = &state.planned;
    let order = row.order;
    let Some(kind) = step_kind(&p.op) else {
        outcome(
            journal,
            row,
            p.seq,
            Outcome::Failed,
            None,
            Some(format!(
                "operation {:?} is not a remediation step; this idrift cannot run it",
                p.op
            )),
        )?;
        return Ok(StepEnd::Stop(Stop::Failed { order }));
    };
    match kind {
        StepKind::Manual => {
            if state.status == OpStatus::InDoubt {
                if !gate.ask(Ask::ManualDone(row)).map_err(gate_err)? {
                    return Ok(StepEnd::Stop(Stop::Declined { order }));
                }
                outcome(
                    journal,
                    row,
                    p.seq,
                    Outcome::Skipped,
                    None,
                    Some(
                        "done by the administrator (confirmed when the run was resumed)".to_owned(),
                    ),
                )?;
                return Ok(StepEnd::Next);
            }
            started(journal, p.seq, Value::Null)?;
            row.status = OpStatus::InDoubt;
            row.this_run = true;
            row.message = Some("handed to the administrator: do it, then resume".to_owned());
            Ok(StepEnd::Stop(Stop::Manual { order }))
        }
        StepKind::Check => {
            let check: Check = match operation(p) {
                Ok(Operation::Check(c)) => c,
                Ok(_) | Err(_) => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Failed,
                        None,
                        Some("the journal's check is not readable".to_owned()),
                    )?;
                    return Ok(StepEnd::Stop(Stop::Failed { order }));
                }
            };
            match exec.check(&check).await {
                Ok(r) if r.passed => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Skipped,
                        Some(r.found),
                        Some(r.message),
                    )?;
                    Ok(StepEnd::Next)
                }
                Ok(r) => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Failed,
                        Some(r.found),
                        Some(format!("not met: {}", r.message)),
                    )?;
                    Ok(StepEnd::Stop(Stop::CheckNotMet { order }))
                }
                Err(e) => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Failed,
                        None,
                        Some(format!("the check could not read the state: {e}")),
                    )?;
                    Ok(StepEnd::Stop(Stop::Failed { order }))
                }
            }
        }
        StepKind::Record => match exec.read(p).await {
            Ok(Some(v)) if exec.same(p, &v, &p.after) => {
                let msg = format!("recorded {}", describe_value(&p.op, &v));
                outcome(journal, row, p.seq, Outcome::Skipped, Some(v), Some(msg))?;
                Ok(StepEnd::Next)
            }
            Ok(Some(v)) => {
                let msg = format!(
                    "the live value differs from the plan: planned {}, found {}; nothing was changed. Plan \
                     again from fresh data",
                    describe_value(&p.op, &p.after),
                    describe_value(&p.op, &v)
                );
                outcome(journal, row, p.seq, Outcome::Conflict, Some(v), Some(msg))?;
                Ok(StepEnd::Stop(Stop::Conflict { order }))
            }
            Ok(None) => {
                let msg = format!("{}: no mailbox found", p.target);
                outcome(journal, row, p.seq, Outcome::Conflict, None, Some(msg))?;
                Ok(StepEnd::Stop(Stop::Conflict { order }))
            }
            Err(e) => {
                outcome(
                    journal,
                    row,
                    p.seq,
                    Outcome::Failed,
                    None,
                    Some(format!("read failed: {e}")),
                )?;
                Ok(StepEnd::Stop(Stop::Failed { order }))
            }
        },
        StepKind::Write => {
            if !gate.ask(Ask::Write(row)).map_err(gate_err)? {
                return Ok(StepEnd::Stop(Stop::Declined { order }));
            }
            // The precondition, read again just before the write.
            let current = match exec.read(p).await {
                Ok(Some(v)) => v,
                Ok(None) => {
                    let msg = format!("{}: not found; nothing was written", p.target);
                    outcome(journal, row, p.seq, Outcome::Conflict, None, Some(msg))?;
                    return Ok(StepEnd::Stop(Stop::Conflict { order }));
                }
                Err(e) => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Failed,
                        None,
                        Some(format!("read failed: {e}; nothing was written")),
                    )?;
                    return Ok(StepEnd::Stop(Stop::Failed { order }));
                }
            };
            if exec.same(p, &current, &p.after) {
                let (o, msg) = if state.started.is_some() {
                    (
                        Outcome::Applied,
                        "an earlier, interrupted or failed attempt had done it; found the planned result",
                    )
                } else {
                    (Outcome::Skipped, "already done: found the planned result")
                };
                row.before = state
                    .started
                    .as_ref()
                    .map_or_else(|| current.clone(), |s| s.before.clone());
                outcome(journal, row, p.seq, o, Some(current), Some(msg.to_owned()))?;
                return Ok(StepEnd::Next);
            }
            row.before = current.clone();
            if !exec.same(p, &current, &p.before) {
                let msg = format!(
                    "changed since the plan: planned {}, found {}; nothing was written",
                    describe_value(&p.op, &p.before),
                    describe_value(&p.op, &current)
                );
                outcome(
                    journal,
                    row,
                    p.seq,
                    Outcome::Conflict,
                    Some(current),
                    Some(msg),
                )?;
                return Ok(StepEnd::Stop(Stop::Conflict { order }));
            }
            started(journal, p.seq, current.clone())?;
            match exec.write(p, &current).await {
                Ok(after) => {
                    *writes += 1;
                    let msg = format!(
                        "was {}, now {}",
                        describe_value(&p.op, &current),
                        describe_value(&p.op, &after)
                    );
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Applied,
                        Some(after),
                        Some(msg),
                    )?;
                    Ok(StepEnd::Next)
                }
                Err(SourceError::Conflict(m)) => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Conflict,
                        None,
                        Some(format!("changed during the write: {m}")),
                    )?;
                    Ok(StepEnd::Stop(Stop::Conflict { order }))
                }
                Err(e) => {
                    outcome(
                        journal,
                        row,
                        p.seq,
                        Outcome::Failed,
                        None,
                        Some(format!("write failed: {e}")),
                    )?;
                    Ok(StepEnd::Stop(Stop::Failed { order }))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
