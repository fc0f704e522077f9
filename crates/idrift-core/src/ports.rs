//! Ports: the narrow traits through which the engine reads directories, and the one error adapters may return.
//!
//! `idrift-ldap` implements [`OnPremDirectory`]; `idrift-cloud` implements [`CloudDirectory`] and
//! [`ExchangeDirectory`]; [`crate::in_memory::InMemoryDirectory`] implements all three over a snapshot.
//! The ports use `async-trait` so that the CLI and the FFI can hold a source chosen at run time as a trait
//! object (ADR 0002).

use async_trait::async_trait;

use crate::model::{CloudUser, ExoRecipient, OnPremUser, TenantSync};
use crate::writes::{PhoneChange, Phones, UserKey};

/// Why a directory could not be read or written. Adapters MUST map their own errors into this at the seam.
///
/// Every message names what failed in words an administrator can act on, and never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The bind or token was refused, or the account lacks the right.
    #[error("not authorized: {0}")]
    Unauthorized(String),
    /// The service kept throttling until the retry budget was spent.
    #[error("throttled: {0}")]
    Throttled(String),
    /// The service could not be reached or broke the connection.
    #[error("directory unavailable: {0}")]
    Unavailable(String),
    /// A TLS handshake or certificate check failed.
    #[error("TLS error: {0}")]
    Tls(String),
    /// A read could not be completed: it MUST fail this way rather than return a short list.
    #[error("incomplete read: {0}")]
    Incomplete(String),
    /// The service answered with data this tool cannot read (location and expectation in the text).
    #[error("invalid data: {0}")]
    InvalidData(String),
    /// The named object does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The service refused the operation for a documented reason (the text says which, and what to do).
    #[error("refused: {0}")]
    Refused(String),
    /// The object changed since it was planned; nothing was written.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else, with the service's own message.
    #[error("{0}")]
    Other(String),
}

/// Read access to the on-premises directory (Active Directory over LDAP, or an LDIF snapshot).
#[async_trait]
pub trait OnPremDirectory: Send + Sync {
    /// Returns every user in scope, with the attributes the core model needs.
    ///
    /// # Errors
    /// MUST return [`SourceError::Unauthorized`] on a failed bind and [`SourceError::Incomplete`] (or
    /// [`SourceError::Unavailable`]) when any page is lost; never a short list.
    async fn users(&self) -> Result<Vec<OnPremUser>, SourceError>;

    /// Why [`OnPremDirectory::users`] may not return every user of the domain (a base DN below the domain
    /// root, an extra filter), in words; `None` for a whole-domain read or an export file.
    fn read_scope(&self) -> Option<String> {
        None
    }

    /// The source anchor [`OnPremDirectory::users`] are matched by: a custom one when the source was opened
    /// with one (its values are in each user's `custom_anchor`), else Entra Connect's default.
    fn anchor(&self) -> crate::matching::Anchor {
        crate::matching::Anchor::default()
    }
}

/// Read access to Entra ID (Microsoft Graph, or a Graph JSON snapshot).
#[async_trait]
pub trait CloudDirectory: Send + Sync {
    /// Returns every user of the tenant with the properties the core model needs.
    ///
    /// # Errors
    /// MUST return [`SourceError::Incomplete`] or [`SourceError::Throttled`] when a page could not be read
    /// after retries; never a short list.
    async fn users(&self) -> Result<Vec<CloudUser>, SourceError>;

    /// Returns the tenant's directory synchronization object, or `None` when the source does not carry it.
    ///
    /// # Errors
    /// As for [`CloudDirectory::users`].
    async fn tenant_sync(&self) -> Result<Option<TenantSync>, SourceError>;
}

/// Read access to Exchange Online recipients (the admin API, or a JSON snapshot).
#[async_trait]
pub trait ExchangeDirectory: Send + Sync {
    /// `Get-Recipient -ResultSize Unlimited` (mailboxes and mail users), or `None` when the source lacks it.
    ///
    /// # Errors
    /// As for [`CloudDirectory::users`].
    async fn recipients(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError>;

    /// `Get-User -ResultSize Unlimited` (carries `PreviousRecipientTypeDetails`), or `None` when the source lacks it.
    ///
    /// # Errors
    /// As for [`CloudDirectory::users`].
    async fn users(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError>;
}

/// Write access to the AD phone attributes `mobile` and `otherMobile` (LDAP, or a snapshot being rehearsed on).
///
/// Every write is a compare-and-set: the caller passes the values it expects to find, and the adapter re-reads
/// the user and writes nothing when they differ. Values are compared with [`Phones::same_values`].
#[async_trait]
pub trait OnPremPhoneWriter: OnPremDirectory {
    /// Finds one user, with the attributes of [`OnPremDirectory::users`].
    ///
    /// # Errors
    /// MUST return `Ok(None)` when no user matches, and [`SourceError::InvalidData`] when the key matches more
    /// than one user (a duplicate UPN); read failures as for [`OnPremDirectory::users`].
    async fn find_user(&self, user: &UserKey) -> Result<Option<OnPremUser>, SourceError>;

    /// Sets `mobile` and `otherMobile` of one user to `new` (`None` and an empty list clear them) and returns
    /// the values before and after.
    ///
    /// # Errors
    /// MUST return [`SourceError::Conflict`], having written nothing, when `expected` is given and the user's
    /// current values differ from it; [`SourceError::NotFound`] when no user matches; [`SourceError::Unauthorized`]
    /// when the account may not write the attributes.
    async fn set_phones(
        &self,
        user: &UserKey,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, SourceError>;

    /// How many changes [`OnPremPhoneWriter::set_phones_held`] may hold before
    /// [`OnPremPhoneWriter::flush_phones`]: 1 (the default) for a directory that writes every change through.
    fn phone_batch_limit(&self) -> usize {
        1
    }

    /// Like [`OnPremPhoneWriter::set_phones`], but a directory kept in a file may hold the change in memory
    /// (where reads see it) until [`OnPremPhoneWriter::flush_phones`] writes every held change at once. The
    /// default writes through.
    ///
    /// # Errors
    /// As for [`OnPremPhoneWriter::set_phones`].
    async fn set_phones_held(
        &self,
        user: &UserKey,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, SourceError> {
        self.set_phones(user, new, expected).await
    }

    /// Makes every held change durable; when that fails, none of them is kept (reads see the values from
    /// before them again) and the error is returned. The default holds nothing.
    ///
    /// # Errors
    /// The reason the changes could not be written.
    async fn flush_phones(&self) -> Result<(), SourceError> {
        Ok(())
    }

    /// For a directory kept in a file: where `mobile` and `otherMobile` sit in the entry `dn`, and their lines
    /// where the file spells them otherwise than its writer would, recorded before a write changes them so
    /// that undo can put back the same bytes at the same places. `None` (the default): the directory keeps
    /// no order or spelling.
    fn phone_lines(&self, _dn: &str) -> Option<crate::writes::PhoneLines> {
        None
    }

    /// Where, and in which spelling, the next write of the entry `dn` puts values back (as
    /// [`OnPremPhoneWriter::phone_lines`] gave them): lines that hold exactly the values written go back
    /// verbatim at their places, an attribute the entry lacks goes to its place. The default ignores them.
    fn place_phones(&self, _dn: &str, _lines: &crate::writes::PhoneLines) {}
}

/// Write access to the Entra ID settings DirSyncOverrides repairs touch: the tenant's BypassDirSyncOverrides
/// feature (`PATCH /directory/onPremisesSynchronization/{id}`) and a cloud-only user's `mobilePhone`.
#[async_trait]
pub trait TenantSyncAdmin: CloudDirectory {
    /// Finds one Entra user by UPN (case-insensitive) or object id.
    ///
    /// # Errors
    /// MUST return `Ok(None)` when no user matches; read failures as for [`CloudDirectory::users`].
    async fn find_cloud_user(&self, upn_or_id: &str) -> Result<Option<CloudUser>, SourceError>;

    /// Sets the feature `bypassDirSyncOverridesEnabled` of the tenant sync object `sync_id`.
    ///
    /// # Errors
    /// MUST return [`SourceError::NotFound`] when there is no such object, [`SourceError::Unauthorized`] when
    /// the caller lacks `OnPremDirectorySynchronization.ReadWrite.All`.
    async fn set_bypass_dir_sync_overrides(
        &self,
        sync_id: &str,
        enabled: bool,
    ) -> Result<(), SourceError>;

    /// Sets (`Some`) or clears (`None`) `mobilePhone` of the Entra user `user_id`.
    ///
    /// # Errors
    /// MUST return [`SourceError::Refused`] with [`crate::writes::SYNCED_PHONE_REFUSAL`] when the user is
    /// synchronized from AD, [`SourceError::NotFound`] when there is no such user.
    async fn set_cloud_mobile(
        &self,
        user_id: &str,
        mobile: Option<&str>,
    ) -> Result<(), SourceError>;

    /// For users kept in a file: how the file holds `mobilePhone` of the user `user_id`, where its writer
    /// would write it otherwise (absent, escaped), recorded before a write changes it so that undo can put
    /// back the same bytes. `None` (the default): nothing to keep.
    fn mobile_spelling(&self, _user_id: &str) -> Option<crate::writes::ValueSpelling> {
        None
    }

    /// How the next write of `mobilePhone` of the user `user_id` spells the value (as
    /// [`TenantSyncAdmin::mobile_spelling`] gave it) when it still means the value written. The default
    /// ignores it.
    fn spell_mobile(&self, _user_id: &str, _spelling: &crate::writes::ValueSpelling) {}

    /// How many changes [`TenantSyncAdmin::set_cloud_mobile_held`] may hold before
    /// [`TenantSyncAdmin::flush_cloud`]: 1 (the default) for a tenant that writes every change through.
    fn cloud_batch_limit(&self) -> usize {
        1
    }

    /// Like [`TenantSyncAdmin::set_cloud_mobile`], but a tenant kept in a file may hold the change in memory
    /// (where reads see it) until [`TenantSyncAdmin::flush_cloud`] writes every held change at once. The
    /// default writes through.
    ///
    /// # Errors
    /// As for [`TenantSyncAdmin::set_cloud_mobile`].
    async fn set_cloud_mobile_held(
        &self,
        user_id: &str,
        mobile: Option<&str>,
    ) -> Result<(), SourceError> {
        self.set_cloud_mobile(user_id, mobile).await
    }

    /// Makes every held `mobilePhone` change durable; when that fails, none of them is kept and the error is
    /// returned. The default holds nothing.
    ///
    /// # Errors
    /// The reason the changes could not be written.
    async fn flush_cloud(&self) -> Result<(), SourceError> {
        Ok(())
    }
}

/// What a long operation reports while it runs, for a front end to show (the CLI's progress on a terminal).
///
/// Adapters call it as they go: the directory readers after each page, the HTTP core before each retry wait,
/// the write runs after each operation. Every method has a no-op default, and a call must return at once (a
/// front end draws, it does not block the read).
pub trait Progress: Send + Sync {
    /// `items` read so far from `source` (e.g. "Active Directory", "GET /users") after `pages` pages.
    fn read(&self, _source: &str, _pages: usize, _items: usize) {}
    /// The adapter waits `seconds` before trying `what` again; `cause` says why, in words
    /// ("Graph asked us to wait 30 s").
    fn waiting(&self, _what: &str, _seconds: u64, _cause: &str) {}
    /// Operation `done` of `total` of a write run has been handled; `target` is its object.
    fn step(&self, _done: usize, _total: usize, _target: &str) {}
}

/// A [`Progress`] to report to, or none: what configurations carry. The default reports nowhere.
#[derive(Clone, Default)]
pub struct ProgressHook(Option<std::sync::Arc<dyn Progress>>);

/// The progress of nobody watching.
struct NoProgress;

impl Progress for NoProgress {}

impl ProgressHook {
    /// Reports to `progress`.
    pub fn new(progress: std::sync::Arc<dyn Progress>) -> ProgressHook {
        ProgressHook(Some(progress))
    }

    /// The receiver of reports (a no-op when there is none).
    pub fn get(&self) -> &dyn Progress {
        match &self.0 {
            Some(p) => p.as_ref(),
            None => &NoProgress,
        }
    }
}

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ProgressHook(set)"
        } else {
            "ProgressHook(none)"
        })
    }
}
