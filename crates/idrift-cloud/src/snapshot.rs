//! Snapshot readers and writers for the cloud half of a snapshot directory: `entra-users.json`,
//! `entra-sync.json`, `entra-domains.json`, `exo-recipients.json` and `exo-users.json`.
//!
//! The readers accept the JSON admins really have:
//! - Graph users as a JSON array, one page object `{"value":[...]}` (with `@odata.*` keys), several
//!   pages (an array of page objects, or page objects one after another), or `Get-MgUser | ConvertTo-Json`
//!   output with PascalCase keys and `AdditionalProperties`; legacy MSOnline exports too;
//! - the `GET /directory/onPremisesSynchronization` response, or the bare sync object;
//! - the `GET /domains` response, a bare array of domains, or `Get-MgDomain | ConvertTo-Json` output;
//! - Exchange Online InvokeCommand pages and `ConvertTo-Json` of `Get-Recipient`, `Get-Mailbox`,
//!   `Get-MailUser` and `Get-User`, with enumerations as names or integers;
//! - `Export-Clixml` files of the same cmdlets and of `Get-MgUser`/`Get-EntraUser` ([`clixml`]).
//!
//! Property names are case-insensitive and unknown properties are ignored. Input is streamed: users are
//! deserialized one at a time straight into [`CloudUser`], so a file of a million users needs memory for
//! the users, not for a JSON tree. UTF-8 (with or without a byte-order mark) and UTF-16 (what Windows
//! PowerShell's `Out-File` writes) are accepted. Every error names the line, the column and the JSON path.
//!
//! The writers produce the Graph shape (camelCase) and the InvokeCommand shape (PascalCase), which the
//! readers read back to the same values.

pub mod clixml;
pub(crate) mod de;
pub(crate) mod domains;
pub(crate) mod exo;
pub(crate) mod fast;
pub(crate) mod par;
pub mod patch;
pub(crate) mod sync;
pub(crate) mod users;

use std::fmt;
use std::io::{self, BufWriter, Read, Write};

use idrift_core::model::{CloudUser, ExoRecipient, TenantDomain, TenantSync};
use serde::Serialize;

pub use exo::{
    recipient_type_details_name, recipient_type_details_value, recipient_type_for_details,
};

/// Why a snapshot file could not be read: where (line, column, JSON path) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotError {
    /// The JSON path of the offending value, e.g. `$[3].proxyAddresses[1]` or `page 2: value[17].id`.
    pub path: String,
    /// 1-based line (0 when the input could not be read at all).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What was wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "line {}, column {}, at {}: {}",
                self.line, self.column, self.path, self.message
            )
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for SnapshotError {}

/// Reads Entra ID users from Graph JSON (any of the shapes in the module documentation).
///
/// Delta `@removed` entries are skipped. `alternateMobilePhones` is `Some` only when the property is
/// present (legacy MSOnline exports); an MSOnline `LastDirSyncTime` marks the user as synced when
/// `onPremisesSyncEnabled` is absent.
///
/// # Errors
/// [`SnapshotError`] for malformed or truncated JSON, a value of the wrong type, a user without an id,
/// a license without a `skuId`, or an empty input.
pub fn read_users<R: Read>(reader: R) -> Result<Vec<CloudUser>, SnapshotError> {
    let mut out = Vec::new();
    de::read_all::<CloudUser, R>(reader, &mut |u| out.push(u))?;
    Ok(out)
}

/// Like [`read_users`], but hands each user to `each` as soon as it is read instead of collecting them,
/// so a caller that indexes or filters users never holds the whole list. Returns the number of users.
///
/// `each` may have been called for some users before an error is returned; discard what it collected
/// when this fails.
///
/// # Errors
/// As for [`read_users`].
pub fn read_users_each<R: Read>(
    reader: R,
    mut each: impl FnMut(CloudUser),
) -> Result<usize, SnapshotError> {
    let mut n = 0usize;
    de::read_all::<CloudUser, R>(reader, &mut |u| {
        n += 1;
        each(u);
    })?;
    Ok(n)
}

/// What [`read_users_each_str`] read besides the users: how many, and the paging annotations that tell
/// whether the export is complete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersRead {
    /// The number of users handed over.
    pub count: usize,
    /// The last page's `@odata.nextLink`: `Some` means the export stopped before the last page.
    pub next_link: Option<String>,
    /// The last `@odata.deltaLink` (a delta export's final page carries one).
    pub delta_link: Option<String>,
}

/// [`read_users_each`] on text already decoded (the shared decoder, [`idrift_core::text`], turns a file in
/// any encoding into this text). This is the entry point file loaders use; it also returns the paging
/// annotations, so a loader can refuse an export whose last page still carries `@odata.nextLink`.
///
/// # Errors
/// As for [`read_users`].
pub fn read_users_each_str(
    text: &str,
    mut each: impl FnMut(CloudUser),
) -> Result<UsersRead, SnapshotError> {
    let mut count = 0usize;
    let meta = de::read_slice::<CloudUser>(text.as_bytes(), &mut |u| {
        count += 1;
        each(u);
    })?;
    Ok(UsersRead {
        count,
        next_link: meta.next_link,
        delta_link: meta.delta_link,
    })
}

/// What [`read_users_each_stream`] keeps of each user. Whatever is kept, every property is checked alike,
/// so an input is accepted or refused the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UsersKeep {
    /// Every property the reader knows.
    #[default]
    All,
    /// What the DirSyncOverrides comparison reads: `displayName`, `businessPhones` and `assignedLicenses`
    /// are dropped, and
    /// `proxyAddresses` holds only its first `SMTP:` value (else its first value, so that it is empty
    /// exactly when the full list is).
    Compare,
}

/// [`read_users_each_str`] on a stream of UTF-8 text (a file, say), read a block at a time on all cores:
/// the common shape of a large export, one page object `{"value":[...]}`, is read without holding the whole
/// input, and gives the same users, in the same order, as [`read_users_each_str`].
///
/// `None` when the input is of another shape, is not UTF-8, or is not valid: `each` may have been called
/// for some users then; discard them and read the whole text with [`read_users_each_str`], which gives the
/// users or the error with its line and JSON path.
///
/// With [`UsersKeep::Compare`], what the DirSyncOverrides comparison does not read is checked but not kept.
pub fn read_users_each_stream<R: Read>(
    reader: R,
    keep: UsersKeep,
    mut each: impl FnMut(CloudUser),
) -> Option<UsersRead> {
    let mut count = 0usize;
    let meta = match keep {
        UsersKeep::All => par::read_stream::<CloudUser, R>(reader, &mut |u| {
            count += 1;
            each(u);
        })?,
        UsersKeep::Compare => par::read_stream::<users::LeanUser, R>(reader, &mut |u| {
            count += 1;
            each(u.0);
        })?,
    };
    Some(UsersRead {
        count,
        next_link: meta.next_link,
        delta_link: meta.delta_link,
    })
}

/// Reads the tenant sync object: the `GET /directory/onPremisesSynchronization` response
/// (`{"value":[{...}]}`) or the bare object. An empty collection reads as `None`.
///
/// # Errors
/// [`SnapshotError`] for malformed JSON, a flag that is not a Boolean, an object without an id, or a
/// collection with more than one object.
pub fn read_tenant_sync(text: &str) -> Result<Option<TenantSync>, SnapshotError> {
    let mut all = Vec::new();
    de::read_all::<TenantSync, &[u8]>(text.as_bytes(), &mut |s| all.push(s))?;
    match all.len() {
        0 => Ok(None),
        1 => Ok(all.pop()),
        n => Err(SnapshotError {
            path: "$.value".to_owned(),
            line: 0,
            column: 0,
            message: format!(
                "expected one onPremisesDirectorySynchronization object (one per tenant), found {n}"
            ),
        }),
    }
}

/// Reads the tenant's domains (`GET /domains` JSON: a page `{"value":[...]}`, an array, or
/// `Get-MgDomain | ConvertTo-Json` output).
///
/// # Errors
/// [`SnapshotError`] for malformed or truncated JSON, values of the wrong type, or a domain without `id`.
pub fn read_domains<R: Read>(reader: R) -> Result<Vec<TenantDomain>, SnapshotError> {
    let mut out = Vec::new();
    de::read_all::<TenantDomain, R>(reader, &mut |d| out.push(d))?;
    Ok(out)
}

/// Reads Exchange Online recipients: InvokeCommand JSON pages, or `ConvertTo-Json` output of
/// `Get-Recipient`, `Get-Mailbox`, `Get-MailUser` or `Get-User` (an array, or one object).
///
/// `RecipientTypeDetails` and `PreviousRecipientTypeDetails` given as integers become their names; an
/// integer `RecipientType` is derived from `RecipientTypeDetails`. `Name` stands in for a missing
/// `Identity`. `WhenSoftDeleted`, `IsSoftDeletedByRemove`, `IsSoftDeletedByDisable` or `IsSoftDeleted`
/// mark a soft-deleted recipient.
///
/// # Errors
/// [`SnapshotError`] for malformed or truncated JSON, values of the wrong type, an unknown enumeration
/// value, a malformed GUID, an object with no recipient property, or an empty input.
pub fn read_exo_recipients<R: Read>(reader: R) -> Result<Vec<ExoRecipient>, SnapshotError> {
    let mut out = Vec::new();
    de::read_all::<ExoRecipient, R>(reader, &mut |r| out.push(r))?;
    Ok(out)
}

/// [`read_exo_recipients`] on text already decoded (see [`read_users_each_str`]).
///
/// # Errors
/// As for [`read_exo_recipients`].
pub fn read_exo_recipients_str(text: &str) -> Result<Vec<ExoRecipient>, SnapshotError> {
    let mut out = Vec::new();
    de::read_slice::<ExoRecipient>(text.as_bytes(), &mut |r| out.push(r))?;
    Ok(out)
}

/// Writes users as one Graph page `{"value":[...]}` with Graph's camelCase property names.
///
/// [`read_users`] reads the output back to the same users. `alternateMobilePhones` is written only when it
/// is `Some`. What the reader would refuse is refused before anything is written, so the writer never
/// leaves a file its reader cannot read.
///
/// # Errors
/// [`io::ErrorKind::InvalidData`] naming the user and the property, before anything is written, for a user
/// without an id, a license without a `skuId`, or a NUL character in any value; any I/O error of `w`.
pub fn write_users<W: Write>(w: W, users: &[CloudUser]) -> io::Result<()> {
    for (i, u) in users.iter().enumerate() {
        check_writable(i, u)?;
    }
    write_page(w, users.iter().map(GraphUser))
}

/// Refuses a user [`read_users`] could not read back: no id, a license without a `skuId`, a NUL in a value.
fn check_writable(index: usize, u: &CloudUser) -> io::Result<()> {
    let refuse = |what: &str| {
        let who = if u.id.is_empty() {
            format!("user {} of the list", index + 1)
        } else {
            format!("user {:?}", u.id)
        };
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("cannot write {who}: {what}, which the reader refuses"),
        ))
    };
    if u.id.is_empty() {
        return refuse("it has no \"id\"");
    }
    if u.assigned_licenses.iter().any(|l| l.sku_id.is_empty()) {
        return refuse("a license in \"assignedLicenses\" has an empty \"skuId\"");
    }
    let opt = |v: &Option<String>| v.as_deref().is_some_and(|s| s.contains('\0'));
    let any = |vs: &[String]| vs.iter().any(|s| s.contains('\0'));
    let nul_in = [
        ("id", u.id.contains('\0')),
        ("userPrincipalName", opt(&u.user_principal_name)),
        ("displayName", opt(&u.display_name)),
        ("mail", opt(&u.mail)),
        ("onPremisesImmutableId", opt(&u.on_premises_immutable_id)),
        ("mobilePhone", opt(&u.mobile_phone)),
        (
            "alternateMobilePhones",
            u.alternate_mobile_phones.as_deref().is_some_and(any),
        ),
        ("businessPhones", any(&u.business_phones)),
        ("proxyAddresses", any(&u.proxy_addresses)),
        (
            "assignedLicenses",
            u.assigned_licenses
                .iter()
                .any(|l| l.sku_id.contains('\0') || any(&l.disabled_plans)),
        ),
        (
            "onPremisesProvisioningErrors",
            u.on_premises_provisioning_errors.iter().any(|e| {
                opt(&e.category)
                    || opt(&e.property_causing_error)
                    || opt(&e.value)
                    || opt(&e.occurred_date_time)
            }),
        ),
        (
            "serviceProvisioningErrors",
            u.service_provisioning_errors.iter().any(|e| {
                opt(&e.created_date_time) || opt(&e.service_instance) || opt(&e.error_detail)
            }),
        ),
    ];
    if let Some((name, _)) = nul_in.iter().find(|(_, nul)| *nul) {
        return refuse(&format!("its \"{name}\" holds a NUL character (U+0000)"));
    }
    Ok(())
}

/// Writes recipients as one InvokeCommand page `{"value":[...]}` with Exchange's PascalCase names.
///
/// [`read_exo_recipients`] reads the output back to the same recipients.
///
/// # Errors
/// Any I/O error of `w`.
pub fn write_exo_recipients<W: Write>(w: W, recipients: &[ExoRecipient]) -> io::Result<()> {
    write_page(w, recipients.iter().map(ExoOut))
}

/// Writes the tenant sync object as the Graph collection response `{"value":[{...}]}` (empty when
/// `None`); [`read_tenant_sync`] reads it back.
///
/// # Errors
/// Any I/O error of `w`.
pub fn write_tenant_sync<W: Write>(w: W, sync: Option<&TenantSync>) -> io::Result<()> {
    write_page(w, sync.into_iter())
}

/// Writes domains as the Graph collection response `{"value":[...]}`; [`read_domains`] reads it back.
///
/// # Errors
/// Any I/O error of `w`.
pub fn write_domains<W: Write>(w: W, domains: &[TenantDomain]) -> io::Result<()> {
    write_page(w, domains.iter())
}

fn write_page<W: Write, T: Serialize>(w: W, items: impl Iterator<Item = T>) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(256 * 1024, w);
    w.write_all(b"{\"value\":[")?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(b"\n")?;
        serde_json::to_writer(&mut w, &item)?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}

/// A [`CloudUser`] in Graph's shape.
struct GraphUser<'a>(&'a CloudUser);

impl Serialize for GraphUser<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let u = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &u.id)?;
        m.serialize_entry("userPrincipalName", &u.user_principal_name)?;
        m.serialize_entry("displayName", &u.display_name)?;
        m.serialize_entry("mail", &u.mail)?;
        m.serialize_entry("onPremisesImmutableId", &u.on_premises_immutable_id)?;
        m.serialize_entry("onPremisesSyncEnabled", &u.on_premises_sync_enabled)?;
        m.serialize_entry("mobilePhone", &u.mobile_phone)?;
        if let Some(alt) = &u.alternate_mobile_phones {
            m.serialize_entry("alternateMobilePhones", alt)?;
        }
        m.serialize_entry("businessPhones", &u.business_phones)?;
        m.serialize_entry("proxyAddresses", &u.proxy_addresses)?;
        let licenses: Vec<License<'_>> = u.assigned_licenses.iter().map(License).collect();
        m.serialize_entry("assignedLicenses", &licenses)?;
        let errors: Vec<OnPremError<'_>> = u
            .on_premises_provisioning_errors
            .iter()
            .map(OnPremError)
            .collect();
        m.serialize_entry("onPremisesProvisioningErrors", &errors)?;
        let service: Vec<ServiceError<'_>> = u
            .service_provisioning_errors
            .iter()
            .map(ServiceError)
            .collect();
        m.serialize_entry("serviceProvisioningErrors", &service)?;
        m.end()
    }
}

struct License<'a>(&'a idrift_core::model::AssignedLicense);

impl Serialize for License<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("disabledPlans", &self.0.disabled_plans)?;
        m.serialize_entry("skuId", &self.0.sku_id)?;
        m.end()
    }
}

struct OnPremError<'a>(&'a idrift_core::model::OnPremisesProvisioningError);

impl Serialize for OnPremError<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("category", &e.category)?;
        m.serialize_entry("occurredDateTime", &e.occurred_date_time)?;
        m.serialize_entry("propertyCausingError", &e.property_causing_error)?;
        m.serialize_entry("value", &e.value)?;
        m.end()
    }
}

struct ServiceError<'a>(&'a idrift_core::model::ServiceProvisioningError);

impl Serialize for ServiceError<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.0;
        let mut m = s.serialize_map(None)?;
        if e.error_detail.is_some() {
            m.serialize_entry(
                "@odata.type",
                "#microsoft.graph.serviceProvisioningXmlError",
            )?;
        }
        m.serialize_entry("createdDateTime", &e.created_date_time)?;
        m.serialize_entry("isResolved", &e.is_resolved)?;
        m.serialize_entry("serviceInstance", &e.service_instance)?;
        if e.error_detail.is_some() {
            m.serialize_entry("errorDetail", &e.error_detail)?;
        }
        m.end()
    }
}

/// An [`ExoRecipient`] in the InvokeCommand shape.
struct ExoOut<'a>(&'a ExoRecipient);

impl Serialize for ExoOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Identity", &r.identity)?;
        m.serialize_entry("ExternalDirectoryObjectId", &r.external_directory_object_id)?;
        m.serialize_entry("UserPrincipalName", &r.user_principal_name)?;
        m.serialize_entry("PrimarySmtpAddress", &r.primary_smtp_address)?;
        m.serialize_entry("RecipientType", &r.recipient_type)?;
        m.serialize_entry("RecipientTypeDetails", &r.recipient_type_details)?;
        m.serialize_entry(
            "PreviousRecipientTypeDetails",
            &r.previous_recipient_type_details,
        )?;
        m.serialize_entry("ExchangeGuid@odata.type", "#Guid")?;
        m.serialize_entry("ExchangeGuid", &r.exchange_guid)?;
        m.serialize_entry("ArchiveGuid@odata.type", "#Guid")?;
        m.serialize_entry("ArchiveGuid", &r.archive_guid)?;
        m.serialize_entry("EmailAddresses@odata.type", "#Collection(String)")?;
        m.serialize_entry("EmailAddresses", &r.email_addresses)?;
        m.serialize_entry("SKUAssigned", &r.sku_assigned)?;
        m.serialize_entry("IsDirSynced", &r.is_dir_synced)?;
        m.serialize_entry("IsSoftDeleted", &r.is_soft_deleted)?;
        m.end()
    }
}

#[cfg(test)]
mod tests;
