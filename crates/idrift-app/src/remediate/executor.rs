//! The executor: reads, compares and writes the objects of the steps.

use std::fmt;

use idrift_core::Guid;
use idrift_core::exchange::RecipientTypeDetails;
use idrift_core::model::ExoRecipient;
use idrift_core::plan::Operation;
use idrift_core::ports::SourceError;
use idrift_core::writes::UserKey;
use serde_json::Value;

use super::spec::{licenses_among, user_value};
use super::target::{RemediationTarget, RestoreRequest, names};
use super::values::{
    ClearedValue, DnValue, EntraState, GuidValue, LicenseValue, ProxyValue, RestoreValue,
    UserValue, describe_value, from_value, same_as, sorted_skus, to_value,
};
use super::{
    OP_AD_MOVE, OP_AD_PROXY, OP_EXO_CLEAR, OP_EXO_RESTORE, OP_GRAPH_DELETE, OP_GRAPH_LICENSE,
    OP_GRAPH_PURGE, OP_GRAPH_RESTORE, OP_RECORD_GUID, StepKind, StepLocator, locator, operation,
    step_kind,
};
use crate::journal::{OpExecutor, Planned};
use idrift_core::dn::{same_dn, split_dn};

/// Reads, compares and writes the objects remediation steps act on, through a [`RemediationTarget`].
/// It is an [`OpExecutor`] for the write and record operations; checks go through
/// [`RemediationExecutor::check`].
#[derive(Clone, Copy)]
pub struct RemediationExecutor<'a> {
    pub(super) target: &'a dyn RemediationTarget,
}

impl fmt::Debug for RemediationExecutor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemediationExecutor")
            .field("target", &self.target.description())
            .finish()
    }
}

pub(super) fn is_mailbox(r: &ExoRecipient) -> bool {
    RecipientTypeDetails::lenient(r.recipient_type_details.as_deref()).is_mailbox()
}

pub(super) fn is_mail_user(r: &ExoRecipient) -> bool {
    RecipientTypeDetails::lenient(r.recipient_type_details.as_deref()).is_mail_user()
}

pub(super) fn cleared(previous: Option<&str>) -> bool {
    previous.is_none_or(|p| p.trim().is_empty() || p.trim().eq_ignore_ascii_case("None"))
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
