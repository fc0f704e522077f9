//! From a remediation option to a journal plan ([`plan_spec`]), and from a remediation journal to the plan
//! that reverses it ([`undo_spec`]).

use idrift_core::Guid;
use idrift_core::model::{AssignedLicense, CloudUser, Snapshot};
use idrift_core::plan::{Check, Operation, OptionId, RemediationPlan};
use serde_json::Value;

use super::target::{RemediationTarget, Side};
use super::values::{
    ClearedValue, DnValue, EntraState, GuidValue, LicenseValue, ProxyValue, RestoreValue,
    UserValue, to_value,
};
use super::{
    NOTE_REMEDIATION, OP_AD_MOVE, OP_AD_PROXY, OP_CHECK, OP_EXO_CLEAR, OP_EXO_RESTORE,
    OP_GRAPH_DELETE, OP_GRAPH_LICENSE, OP_GRAPH_PURGE, OP_GRAPH_RESTORE, OP_MANUAL, OP_RECORD_GUID,
    RemediationNote, StepKind, StepLocator, command, locator, step_kind,
};
use crate::AppError;
use crate::journal::{self, JournalLog, PlanSpec, Planned};
use idrift_core::dn::{same_dn, split_dn};

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

pub(super) fn user_value(state: EntraState) -> Value {
    to_value(&UserValue { state })
}

/// The licenses of `user` among `skus` (case-insensitive), sorted by SKU.
pub(super) fn licenses_among(user: Option<&CloudUser>, skus: &[String]) -> Vec<AssignedLicense> {
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
        let (target, before, after) = step_values(operation, plan, snapshot, &mut loc, object_guid);
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

/// The object a step acts on, and its before- and after-values as planned (see the module documentation).
/// AD steps also record the user's objectGUID in `loc`, so a resume still finds the user after a move.
fn step_values(
    operation: &Operation,
    plan: &RemediationPlan,
    snapshot: &Snapshot,
    loc: &mut StepLocator,
    object_guid: Option<Guid>,
) -> (String, Value, Value) {
    match operation {
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
    }
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
