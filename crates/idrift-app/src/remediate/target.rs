//! The directories a remediation acts on, behind one trait: [`RemediationTarget`] names every read and write
//! the steps of a plan need (Graph, Exchange Online, Active Directory), and [`LiveTarget`] implements it with
//! the live adapters. [`super::RehearsalTarget`] implements it over a snapshot directory.
//!
//! A target that lacks a side (no Exchange Online client, a snapshot without Exchange files) answers
//! [`RemediationTarget::has`] with `false`, and its methods for that side return [`SourceError::Refused`]
//! naming what to pass.

use async_trait::async_trait;
use idrift_cloud::{CloudError, ExoClient, GraphClient, MailboxRestoreRequest};
use idrift_core::Guid;
use idrift_core::model::{AssignedLicense, CloudUser, ExoRecipient, OnPremUser};
use idrift_core::ports::SourceError;
use idrift_core::writes::UserKey;
use idrift_ldap::{LdapDirectory, UserRef};
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};

/// The services a remediation step talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Side {
    /// Active Directory (LDAP).
    ActiveDirectory,
    /// Entra ID (Microsoft Graph).
    Graph,
    /// Exchange Online (the admin API).
    ExchangeOnline,
}

impl Side {
    /// The service in words.
    pub fn name(self) -> &'static str {
        match self {
            Side::ActiveDirectory => "Active Directory",
            Side::Graph => "Entra ID",
            Side::ExchangeOnline => "Exchange Online",
        }
    }
}

/// A mailbox restore request, as `Get-MailboxRestoreRequest` shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreRequest {
    /// `Identity`, e.g. `alice\MailboxRestore`.
    #[serde(default)]
    pub identity: Option<String>,
    /// `RequestGuid`.
    #[serde(default)]
    pub request_guid: Option<String>,
    /// `Status` (`Queued`, `InProgress`, `Completed`, `Failed`, ...).
    #[serde(default)]
    pub status: Option<String>,
    /// `SourceMailbox`.
    #[serde(default)]
    pub source_mailbox: Option<String>,
    /// `TargetMailbox`.
    #[serde(default)]
    pub target_mailbox: Option<String>,
}

impl From<MailboxRestoreRequest> for RestoreRequest {
    fn from(r: MailboxRestoreRequest) -> RestoreRequest {
        RestoreRequest {
            identity: r.identity,
            request_guid: r.request_guid,
            status: r.status,
            source_mailbox: r.source_mailbox,
            target_mailbox: r.target_mailbox,
        }
    }
}

/// Everything the steps of a remediation read and write.
///
/// Identities of Exchange objects are resolved as Exchange does: the Identity (or its last segment), the
/// ExternalDirectoryObjectId, the UPN, the primary SMTP address or the ExchangeGuid ([`names`]).
#[async_trait]
pub trait RemediationTarget: Send + Sync {
    /// What the steps act on, in words (shown before anything runs).
    fn description(&self) -> String;

    /// Whether this target reaches `side`.
    fn has(&self, side: Side) -> bool;

    /// An Entra user by object id or UPN, `None` when there is none (deleted users are not returned).
    ///
    /// # Errors
    /// The service's error; [`SourceError::Refused`] when the target has no Graph side.
    async fn cloud_user(&self, id_or_upn: &str) -> Result<Option<CloudUser>, SourceError>;

    /// A user in the recycle bin by object id, `None` when it is not there.
    ///
    /// # Errors
    /// As for [`RemediationTarget::cloud_user`].
    async fn deleted_user(&self, id: &str) -> Result<Option<CloudUser>, SourceError>;

    /// `DELETE /users/{id}`: into the recycle bin.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] when there is no such user; the service's refusal.
    async fn delete_user(&self, id: &str) -> Result<(), SourceError>;

    /// `DELETE /directory/deletedItems/{id}`: out of the recycle bin for good.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] when the user is not in the recycle bin.
    async fn purge_deleted_user(&self, id: &str) -> Result<(), SourceError>;

    /// `POST /directory/deletedItems/{id}/restore`.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] when the user is not in the recycle bin; the service's refusal (a UPN now
    /// taken by another user).
    async fn restore_deleted_user(&self, id: &str) -> Result<(), SourceError>;

    /// `assignLicense` with one license in `addLicenses`.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] when there is no such user; the service's refusal.
    async fn add_license(
        &self,
        user_id: &str,
        license: &AssignedLicense,
    ) -> Result<(), SourceError>;

    /// `assignLicense` with one SKU in `removeLicenses`.
    ///
    /// # Errors
    /// As for [`RemediationTarget::add_license`]; a refusal when the SKU is not assigned directly.
    async fn remove_license(&self, user_id: &str, sku_id: &str) -> Result<(), SourceError>;

    /// `Get-Recipient -Identity`: a live (not soft-deleted) recipient, `None` when there is none.
    ///
    /// # Errors
    /// The service's error; [`SourceError::Refused`] when the target has no Exchange Online side.
    async fn exo_recipient(&self, identity: &str) -> Result<Option<ExoRecipient>, SourceError>;

    /// `Get-User -Identity` (carries `PreviousRecipientTypeDetails`), `None` when there is none.
    ///
    /// # Errors
    /// As for [`RemediationTarget::exo_recipient`].
    async fn exo_user(&self, identity: &str) -> Result<Option<ExoRecipient>, SourceError>;

    /// `Get-Mailbox -SoftDeletedMailbox -Identity <guid>`, `None` when no soft-deleted mailbox has it.
    ///
    /// # Errors
    /// As for [`RemediationTarget::exo_recipient`].
    async fn soft_deleted_mailbox(
        &self,
        exchange_guid: Guid,
    ) -> Result<Option<ExoRecipient>, SourceError>;

    /// `Set-User -Identity … -PermanentlyClearPreviousMailboxInfo -Confirm:$false`.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] when there is no such user; the service's refusal.
    async fn clear_previous_mailbox_info(&self, identity: &str) -> Result<(), SourceError>;

    /// `Get-MailboxRestoreRequest`: every restore request.
    ///
    /// # Errors
    /// As for [`RemediationTarget::exo_recipient`].
    async fn restore_requests(&self) -> Result<Vec<RestoreRequest>, SourceError>;

    /// `New-MailboxRestoreRequest -SourceMailbox <guid> -TargetMailbox <target> -AllowLegacyDNMismatch`.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] when either mailbox is missing; the service's refusal.
    async fn new_restore_request(
        &self,
        source: Guid,
        target: &str,
    ) -> Result<RestoreRequest, SourceError>;

    /// An AD user, `None` when there is none.
    ///
    /// # Errors
    /// The directory's error; [`SourceError::Refused`] when the target has no AD side.
    async fn ad_user(&self, key: &UserKey) -> Result<Option<OnPremUser>, SourceError>;

    /// Adds one `proxyAddresses` value to the AD user `dn`.
    ///
    /// # Errors
    /// [`SourceError::Conflict`] when the address is there with another case; lookup and write errors.
    async fn add_proxy_address(&self, dn: &str, proxy_address: &str) -> Result<(), SourceError>;

    /// Moves the AD user `dn` below `new_parent` and returns its new DN.
    ///
    /// # Errors
    /// Lookup and write errors (no such parent, the name taken there).
    async fn move_user(&self, dn: &str, new_parent: &str) -> Result<String, SourceError>;
}

/// Whether `identity` names the recipient the way Exchange resolves `-Identity`: its Identity (or the
/// last segment of it), ExternalDirectoryObjectId, UPN, primary SMTP address or ExchangeGuid.
pub fn names(r: &ExoRecipient, identity: &str) -> bool {
    r.is_named_by(identity)
}

/// The live directories: any of AD over LDAP, Microsoft Graph and Exchange Online.
pub struct LiveTarget {
    ad: Option<LdapDirectory>,
    graph: Option<GraphClient>,
    exo: Option<ExoClient>,
    description: String,
}

impl std::fmt::Debug for LiveTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveTarget")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl LiveTarget {
    /// A target over the clients given; `description` says which services they reach (shown to the
    /// administrator).
    pub fn new(
        ad: Option<LdapDirectory>,
        graph: Option<GraphClient>,
        exo: Option<ExoClient>,
        description: impl Into<String>,
    ) -> LiveTarget {
        LiveTarget {
            ad,
            graph,
            exo,
            description: description.into(),
        }
    }

    fn missing(side: Side) -> SourceError {
        SourceError::Refused(format!(
            "this step needs {}, which this run was not given",
            side.name()
        ))
    }

    fn graph(&self) -> Result<&GraphClient, SourceError> {
        self.graph
            .as_ref()
            .ok_or_else(|| LiveTarget::missing(Side::Graph))
    }

    fn exo(&self) -> Result<&ExoClient, SourceError> {
        self.exo
            .as_ref()
            .ok_or_else(|| LiveTarget::missing(Side::ExchangeOnline))
    }

    fn ad(&self) -> Result<&LdapDirectory, SourceError> {
        self.ad
            .as_ref()
            .ok_or_else(|| LiveTarget::missing(Side::ActiveDirectory))
    }

    /// Runs a `Get-*` cmdlet with `-Identity` and reads its first object, `None` when Exchange says the
    /// object does not exist.
    async fn exo_one(
        &self,
        cmdlet: &str,
        identity: &str,
        soft_deleted: bool,
    ) -> Result<Option<ExoRecipient>, SourceError> {
        let mut p = Map::new();
        p.insert("Identity".to_owned(), json!(identity));
        if soft_deleted {
            p.insert("SoftDeletedMailbox".to_owned(), json!(true));
        }
        let out = match self.exo()?.invoke(cmdlet, p).await {
            Ok(out) => out,
            Err(e) if exo_not_found(&e) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if out.items.is_empty() {
            return Ok(None);
        }
        let page = serde_json::to_vec(&json!({ "value": out.items }))
            .map_err(|e| SourceError::InvalidData(format!("{cmdlet}: {e}")))?;
        let mut found = idrift_cloud::snapshot::read_exo_recipients(page.as_slice())
            .map_err(|e| SourceError::InvalidData(format!("{cmdlet} -Identity {identity}: {e}")))?;
        if soft_deleted {
            for r in &mut found {
                r.is_soft_deleted = true;
            }
        }
        Ok(found.into_iter().next())
    }
}

/// Whether an Exchange error says the object does not exist (`ManagementObjectNotFoundException`).
fn exo_not_found(e: &CloudError) -> bool {
    match e {
        CloudError::Exchange { message, .. } => {
            let m = message.to_ascii_lowercase();
            m.contains("couldn't be found") || m.contains("managementobjectnotfound")
        }
        other => other.is_not_found(),
    }
}

fn user_ref(key: &UserKey) -> UserRef {
    match key {
        UserKey::Upn(u) => UserRef::Upn(u.clone()),
        UserKey::Dn(d) => UserRef::Dn(d.clone()),
        UserKey::ObjectGuid(g) => UserRef::ObjectGuid(*g),
    }
}

#[async_trait]
impl RemediationTarget for LiveTarget {
    fn description(&self) -> String {
        self.description.clone()
    }

    fn has(&self, side: Side) -> bool {
        match side {
            Side::ActiveDirectory => self.ad.is_some(),
            Side::Graph => self.graph.is_some(),
            Side::ExchangeOnline => self.exo.is_some(),
        }
    }

    async fn cloud_user(&self, id_or_upn: &str) -> Result<Option<CloudUser>, SourceError> {
        match self.graph()?.get_user(id_or_upn).await {
            Ok(u) => Ok(Some(u)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn deleted_user(&self, id: &str) -> Result<Option<CloudUser>, SourceError> {
        let deleted = self.graph()?.list_deleted_users().await?;
        Ok(deleted.into_iter().find(|u| u.id.eq_ignore_ascii_case(id)))
    }

    async fn delete_user(&self, id: &str) -> Result<(), SourceError> {
        Ok(self.graph()?.delete_user(id).await?)
    }

    async fn purge_deleted_user(&self, id: &str) -> Result<(), SourceError> {
        Ok(self.graph()?.purge_deleted_user(id).await?)
    }

    async fn restore_deleted_user(&self, id: &str) -> Result<(), SourceError> {
        self.graph()?.restore_deleted_user(id).await?;
        Ok(())
    }

    async fn add_license(
        &self,
        user_id: &str,
        license: &AssignedLicense,
    ) -> Result<(), SourceError> {
        Ok(self
            .graph()?
            .assign_license(user_id, &license.sku_id, &license.disabled_plans)
            .await?)
    }

    async fn remove_license(&self, user_id: &str, sku_id: &str) -> Result<(), SourceError> {
        Ok(self.graph()?.remove_license(user_id, sku_id).await?)
    }

    async fn exo_recipient(&self, identity: &str) -> Result<Option<ExoRecipient>, SourceError> {
        self.exo_one("Get-Recipient", identity, false).await
    }

    async fn exo_user(&self, identity: &str) -> Result<Option<ExoRecipient>, SourceError> {
        self.exo_one("Get-User", identity, false).await
    }

    async fn soft_deleted_mailbox(
        &self,
        exchange_guid: Guid,
    ) -> Result<Option<ExoRecipient>, SourceError> {
        let found = self
            .exo_one("Get-Mailbox", &exchange_guid.to_string(), true)
            .await?;
        Ok(found.filter(|r| r.exchange_guid == Some(exchange_guid)))
    }

    async fn clear_previous_mailbox_info(&self, identity: &str) -> Result<(), SourceError> {
        match self.exo()?.clear_previous_mailbox_info(identity).await {
            Ok(_) => Ok(()),
            Err(e) if exo_not_found(&e) => Err(SourceError::NotFound(e.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    async fn restore_requests(&self) -> Result<Vec<RestoreRequest>, SourceError> {
        let out = self.exo()?.get_mailbox_restore_requests(None).await?;
        Ok(out.items.into_iter().map(RestoreRequest::from).collect())
    }

    async fn new_restore_request(
        &self,
        source: Guid,
        target: &str,
    ) -> Result<RestoreRequest, SourceError> {
        let out = match self
            .exo()?
            .new_mailbox_restore_request(&source.to_string(), target, true)
            .await
        {
            Ok(out) => out,
            Err(e) if exo_not_found(&e) => return Err(SourceError::NotFound(e.to_string())),
            Err(e) => return Err(e.into()),
        };
        out.items
            .into_iter()
            .next()
            .map(RestoreRequest::from)
            .ok_or_else(|| {
                SourceError::InvalidData("New-MailboxRestoreRequest returned no request".to_owned())
            })
    }

    async fn ad_user(&self, key: &UserKey) -> Result<Option<OnPremUser>, SourceError> {
        Ok(self.ad()?.find_user(&user_ref(key)).await?)
    }

    async fn add_proxy_address(&self, dn: &str, proxy_address: &str) -> Result<(), SourceError> {
        Ok(self
            .ad()?
            .add_proxy_address(&UserRef::Dn(dn.to_owned()), proxy_address)
            .await?)
    }

    async fn move_user(&self, dn: &str, new_parent: &str) -> Result<String, SourceError> {
        Ok(self
            .ad()?
            .move_user(&UserRef::Dn(dn.to_owned()), new_parent)
            .await?)
    }
}
