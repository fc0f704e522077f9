//! The live checks between steps.

use idrift_core::exchange::{same_address, smtp_address};
use idrift_core::model::{CloudUser, ExoRecipient};
use idrift_core::plan::Check;
use idrift_core::ports::SourceError;
use idrift_core::writes::UserKey;
use serde_json::{Value, json};

use super::executor::{RemediationExecutor, cleared, is_mail_user, is_mailbox};
use super::target::{RestoreRequest, names};

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

/// A check's result.
fn result(passed: bool, found: Value, message: String) -> CheckResult {
    CheckResult {
        passed,
        found,
        message,
    }
}

impl RemediationExecutor<'_> {
    /// Evaluates a check against the live state.
    ///
    /// # Errors
    /// The source's error when the state cannot be read.
    pub async fn check(&self, check: &Check) -> Result<CheckResult, SourceError> {
        self.check_cloud(check).await
    }

    /// The checks read from Microsoft Graph; the others go on to [`Self::check_exchange`].
    async fn check_cloud(&self, check: &Check) -> Result<CheckResult, SourceError> {
        let t = self.target;
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
            other => self.check_exchange(other).await?,
        })
    }

    /// The checks of Exchange Online recipients; the others go on to [`Self::check_other`].
    async fn check_exchange(&self, check: &Check) -> Result<CheckResult, SourceError> {
        let t = self.target;
        Ok(match check {
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
            other => self.check_other(other).await?,
        })
    }

    /// The restore requests and the on-premises mailbox GUID.
    async fn check_other(&self, check: &Check) -> Result<CheckResult, SourceError> {
        let t = self.target;
        Ok(match check {
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
            other => result(
                false,
                Value::Null,
                format!("this idrift cannot evaluate the check {other:?}"),
            ),
        })
    }
}
