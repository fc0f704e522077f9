//! Ports: the narrow traits through which the engine reads directories, and the one error adapters may return.
//!
//! `idrift-ldap` implements [`OnPremDirectory`]; `idrift-cloud` implements [`CloudDirectory`] and
//! [`ExchangeDirectory`]; [`crate::in_memory::InMemoryDirectory`] implements all three over a snapshot.
//! The ports use `async-trait` so that the CLI and the FFI can hold a source chosen at run time as a trait
//! object (ADR 0002).

use async_trait::async_trait;

use crate::model::{CloudUser, ExoRecipient, OnPremUser, TenantSync};

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
