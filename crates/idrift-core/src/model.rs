//! The directory model: on-premises users, Entra ID users, Exchange Online recipients and tenant sync features.
//!
//! These are plain values, filled by the readers in `idrift-ldap` (LDIF, LDAP) and `idrift-cloud` (Graph JSON,
//! Graph, Exchange Online), and consumed by the pure functions of this crate.
//! Field names follow the directory attribute they carry; the serialized form (PascalCase) is what the
//! PowerShell module and `--format json` show.

use serde::{Deserialize, Serialize};

use crate::guid::Guid;

/// A user object read from Active Directory (LDAP or an LDIF export).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnPremUser {
    /// `distinguishedName` (the LDIF `dn:` line).
    pub distinguished_name: String,
    /// `objectGUID`, decoded from its 16 little-endian bytes.
    pub object_guid: Option<Guid>,
    /// `mS-DS-ConsistencyGuid`, decoded from its 16 little-endian bytes.
    pub consistency_guid: Option<Guid>,
    /// `sAMAccountName`.
    pub sam_account_name: Option<String>,
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `mail`.
    pub mail: Option<String>,
    /// `proxyAddresses`, in directory order (`SMTP:` marks the primary address).
    pub proxy_addresses: Vec<String>,
    /// `targetAddress` (for remote mailboxes, `SMTP:alias@tenant.mail.onmicrosoft.com`).
    pub target_address: Option<String>,
    /// `mobile`.
    pub mobile: Option<String>,
    /// `otherMobile`, in directory order.
    pub other_mobile: Vec<String>,
    /// `msExchMailboxGuid` (EXO `ExchangeGuid`).
    pub mailbox_guid: Option<Guid>,
    /// `msExchRecipientTypeDetails` (a Large Integer of flags; see [`crate::exchange::RecipientTypeDetails`]).
    pub recipient_type_details: Option<i64>,
    /// `msExchRemoteRecipientType`.
    pub remote_recipient_type: Option<i64>,
    /// `msExchRecipientDisplayType` (32-bit signed; values above 2^31 read back negative).
    pub recipient_display_type: Option<i32>,
    /// `whenChanged`, as the directory wrote it (generalized time, e.g. `20261125143005.0Z`).
    pub when_changed: Option<String>,
    /// `isCriticalSystemObject` is TRUE (built-in objects such as Administrator and krbtgt): Entra Connect's
    /// default rules never sync the user (see [`crate::default_scope`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub critical_system_object: bool,
    /// The value of a custom source anchor attribute (such as `employeeID`), as Entra Connect writes it to
    /// `onPremisesImmutableId`: a string attribute as it is, a binary one in base64. Read only when a custom
    /// anchor is named; hard matching compares it under [`crate::matching::Anchor::Custom`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_anchor: Option<String>,
}

impl OnPremUser {
    /// The source anchor bytes sync uses: `mS-DS-ConsistencyGuid` when set, else `objectGUID`.
    pub fn source_anchor(&self) -> Option<Guid> {
        self.consistency_guid.or(self.object_guid)
    }

    /// The primary SMTP address: the `SMTP:` proxy address, else `mail`.
    pub fn primary_smtp(&self) -> Option<&str> {
        primary_smtp(&self.proxy_addresses).or(self.mail.as_deref())
    }
}

/// A license assigned to an Entra ID user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssignedLicense {
    /// The SKU id (a GUID string).
    pub sku_id: String,
    /// Service plans switched off within the SKU.
    #[serde(default)]
    pub disabled_plans: Vec<String>,
}

/// One entry of `onPremisesProvisioningErrors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnPremisesProvisioningError {
    /// Category, e.g. `PropertyConflict`.
    pub category: Option<String>,
    /// The property that caused the error, e.g. `ProxyAddresses`.
    pub property_causing_error: Option<String>,
    /// The conflicting value.
    pub value: Option<String>,
    /// When it occurred (ISO 8601 as Graph returns it).
    pub occurred_date_time: Option<String>,
}

/// One entry of `serviceProvisioningErrors` (Exchange reports its provisioning failures here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceProvisioningError {
    /// When it was created.
    pub created_date_time: Option<String>,
    /// Whether the service marked it resolved.
    pub is_resolved: Option<bool>,
    /// The reporting service, e.g. `exchange`.
    pub service_instance: Option<String>,
    /// The XML error detail of `serviceProvisioningXmlError`.
    pub error_detail: Option<String>,
}

/// A user object read from Entra ID (Microsoft Graph or an export of it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudUser {
    /// The Entra object id.
    pub id: String,
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `mail`.
    pub mail: Option<String>,
    /// `onPremisesImmutableId`: the base64 source anchor of a synced user.
    pub on_premises_immutable_id: Option<String>,
    /// `onPremisesSyncEnabled`: `Some(true)` synced, `Some(false)` was synced, `None` never synced.
    pub on_premises_sync_enabled: Option<bool>,
    /// `mobilePhone`.
    pub mobile_phone: Option<String>,
    /// `AlternateMobilePhones`: only legacy (MSOnline) exports carry it; `None` when the source does not.
    pub alternate_mobile_phones: Option<Vec<String>>,
    /// `businessPhones`.
    pub business_phones: Vec<String>,
    /// `proxyAddresses`.
    pub proxy_addresses: Vec<String>,
    /// `assignedLicenses`.
    pub assigned_licenses: Vec<AssignedLicense>,
    /// `onPremisesProvisioningErrors`.
    pub on_premises_provisioning_errors: Vec<OnPremisesProvisioningError>,
    /// `serviceProvisioningErrors`.
    pub service_provisioning_errors: Vec<ServiceProvisioningError>,
}

impl CloudUser {
    /// Whether sync manages this user (`onPremisesSyncEnabled` is true).
    pub fn is_synced(&self) -> bool {
        self.on_premises_sync_enabled == Some(true)
    }

    /// The primary SMTP address: the `SMTP:` proxy address, else `mail`.
    pub fn primary_smtp(&self) -> Option<&str> {
        primary_smtp(&self.proxy_addresses).or(self.mail.as_deref())
    }
}

/// The feature flags of `GET /directory/onPremisesSynchronization` (one object per tenant).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[allow(
    missing_docs,
    reason = "each field is the Graph feature flag of the same name"
)]
pub struct SyncFeatures {
    pub block_cloud_object_takeover_through_hard_match_enabled: bool,
    pub block_soft_match_enabled: bool,
    pub bypass_dir_sync_overrides_enabled: bool,
    pub cloud_password_policy_for_password_synced_users_enabled: bool,
    pub concurrent_credential_update_enabled: bool,
    pub concurrent_org_id_provisioning_enabled: bool,
    pub device_writeback_enabled: bool,
    pub directory_extensions_enabled: bool,
    pub fope_conflict_resolution_enabled: bool,
    pub group_write_back_enabled: bool,
    pub password_sync_enabled: bool,
    pub password_writeback_enabled: bool,
    pub quarantine_upon_proxy_addresses_conflict_enabled: bool,
    pub quarantine_upon_upn_conflict_enabled: bool,
    pub soft_match_on_upn_enabled: bool,
    pub synchronize_upn_for_managed_users_enabled: bool,
    pub unified_group_writeback_enabled: bool,
    pub user_force_password_change_on_logon_enabled: bool,
    pub user_writeback_enabled: bool,
}

/// The tenant's directory synchronization object: its id (needed to PATCH it) and its features.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantSync {
    /// The object id used in `PATCH /directory/onPremisesSynchronization/{id}`.
    pub id: String,
    /// The feature flags.
    #[serde(default)]
    pub features: SyncFeatures,
}

/// A domain of the tenant (`GET /domains`): only a verified one can be a user's UPN suffix; sync gives a
/// user whose suffix is not verified the tenant's `onmicrosoft.com` address instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantDomain {
    /// The domain name, e.g. `contoso.com`.
    pub id: String,
    /// Ownership was proven (or it is the initial `onmicrosoft.com` domain).
    #[serde(default)]
    pub is_verified: bool,
    /// The default domain for new users.
    #[serde(default)]
    pub is_default: bool,
    /// The tenant's initial `onmicrosoft.com` domain.
    #[serde(default)]
    pub is_initial: bool,
}

/// An Exchange Online recipient (`Get-Recipient`, `Get-Mailbox`, `Get-MailUser` or `Get-User` output).
///
/// Enumerations are kept as the names Exchange prints (`UserMailbox`, `MailUser`, ...); readers turn integer
/// forms into names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExoRecipient {
    /// `Identity` or `Name`.
    pub identity: Option<String>,
    /// `ExternalDirectoryObjectId`: the Entra user id.
    pub external_directory_object_id: Option<String>,
    /// `UserPrincipalName` (on Get-User, Get-Mailbox and Get-MailUser output).
    pub user_principal_name: Option<String>,
    /// `PrimarySmtpAddress`.
    pub primary_smtp_address: Option<String>,
    /// `RecipientType`, e.g. `UserMailbox`, `MailUser`.
    pub recipient_type: Option<String>,
    /// `RecipientTypeDetails`, e.g. `UserMailbox`, `SharedMailbox`, `MailUser`.
    pub recipient_type_details: Option<String>,
    /// `PreviousRecipientTypeDetails` (Get-User, Get-Recipient).
    pub previous_recipient_type_details: Option<String>,
    /// `ExchangeGuid`.
    pub exchange_guid: Option<Guid>,
    /// `ArchiveGuid`.
    pub archive_guid: Option<Guid>,
    /// `EmailAddresses`.
    pub email_addresses: Vec<String>,
    /// `SKUAssigned`.
    pub sku_assigned: Option<bool>,
    /// `IsDirSynced`.
    pub is_dir_synced: Option<bool>,
    /// `WhenSoftDeleted` or a soft-deleted listing: the recipient is soft-deleted.
    pub is_soft_deleted: bool,
}

impl ExoRecipient {
    /// Whether `identity` names this recipient the way Exchange resolves `-Identity`: its Identity (or the
    /// last segment of it), ExternalDirectoryObjectId, UPN, primary SMTP address or ExchangeGuid, ignoring
    /// case and surrounding white space. An empty `identity` names nothing.
    pub fn is_named_by(&self, identity: &str) -> bool {
        let identity = identity.trim();
        if identity.is_empty() {
            return false;
        }
        let eq =
            |v: Option<&str>| v.is_some_and(|x| !x.is_empty() && x.eq_ignore_ascii_case(identity));
        eq(self.identity.as_deref())
            || eq(self
                .identity
                .as_deref()
                .and_then(|i| i.rsplit(['/', '\\']).next()))
            || eq(self.external_directory_object_id.as_deref())
            || eq(self.user_principal_name.as_deref())
            || eq(self.primary_smtp_address.as_deref())
            || self
                .exchange_guid
                .is_some_and(|g| identity.parse::<Guid>().is_ok_and(|i| i == g))
    }
}

/// Everything read from the two directories for one run: what a snapshot directory holds.
///
/// The users are [`OnPremUser`] and [`CloudUser`]; a comparison that reads only a few of their attributes
/// holds them as the compact [`crate::lean::LeanAd`] and [`crate::lean::LeanCloud`] instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Snapshot<A = OnPremUser, C = CloudUser> {
    /// Active Directory users.
    pub on_prem: Vec<A>,
    /// Entra ID users.
    pub cloud: Vec<C>,
    /// The tenant sync object, when known.
    pub tenant_sync: Option<TenantSync>,
    /// Exchange Online recipients (`exo-recipients.json`), when known.
    pub exo_recipients: Option<Vec<ExoRecipient>>,
    /// Exchange Online `Get-User` output (`exo-users.json`), when known.
    pub exo_users: Option<Vec<ExoRecipient>>,
    /// The tenant's domains (`entra-domains.json`, what `GET /domains` returned), when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<TenantDomain>>,
    /// The AD users left out of `on_prem` because Entra Connect's default rules never sync them, per
    /// category (see [`crate::default_scope::split`]); empty when none were left out.
    #[serde(
        default,
        skip_serializing_if = "crate::default_scope::NotSyncedCounts::is_empty"
    )]
    pub not_synced_by_default: crate::default_scope::NotSyncedCounts,
    /// The source anchor hard matching compares with `onPremisesImmutableId` (a custom one is kept in each
    /// user's [`OnPremUser::custom_anchor`] by the reader).
    #[serde(skip)]
    pub anchor: crate::matching::Anchor,
    /// With a custom anchor: the AD attribute whose values the users' `custom_anchor` hold, so a snapshot
    /// written from this one keeps them.
    #[serde(skip)]
    pub anchor_attribute: Option<String>,
}

/// The `SMTP:` (upper-case prefix) address among proxy addresses, without its prefix.
pub fn primary_smtp(proxy_addresses: &[String]) -> Option<&str> {
    proxy_addresses.iter().find_map(|p| p.strip_prefix("SMTP:"))
}
