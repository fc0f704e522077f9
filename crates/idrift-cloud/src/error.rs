//! `CloudError`: what can go wrong talking to Microsoft Graph and Exchange Online, and its mapping to
//! the port error [`SourceError`] at the seam.
//!
//! No message carries a secret: request bodies (which hold the client secret or assertion) and
//! `Authorization` headers are never formatted into an error.

use idrift_core::ports::SourceError;

/// An error of the Graph or Exchange Online client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CloudError {
    /// The configuration cannot work (bad URL, unreadable certificate, missing organization).
    #[error("cloud configuration: {0}")]
    Config(String),
    /// The token endpoint refused the application's credential.
    #[error("sign-in of the application failed: {0}")]
    Auth(String),
    /// The service refused the token or the application lacks a permission.
    #[error("access denied for {what} (HTTP {status}): {message}")]
    Forbidden {
        /// The request, e.g. `GET /users`.
        what: String,
        /// 401 or 403.
        status: u16,
        /// The service's message.
        message: String,
    },
    /// The service kept throttling until the retry attempts or the time budget ran out.
    #[error("{what} was throttled (HTTP 429) {attempts} times; gave up{}", retry_after_hint(*.retry_after_secs))]
    Throttled {
        /// The request.
        what: String,
        /// Attempts made.
        attempts: u32,
        /// The last `Retry-After`, in seconds.
        retry_after_secs: Option<u64>,
    },
    /// The service could not be reached, answered 503/504, or broke the connection, on every attempt.
    #[error("{what} failed after {attempts} attempts: {detail}")]
    Unavailable {
        /// The request.
        what: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        detail: String,
    },
    /// The TLS handshake or the server certificate check failed.
    #[error("TLS failure on {what}: {detail}")]
    Tls {
        /// The request.
        what: String,
        /// The TLS error.
        detail: String,
    },
    /// The object does not exist.
    #[error("{what}: not found: {message}")]
    NotFound {
        /// The request.
        what: String,
        /// The service's message.
        message: String,
    },
    /// Graph refused to change the phone number of a synced user.
    #[error(
        "cloud edits of synced users' phone numbers are blocked since 2020; the fix is in AD \
         (idrift dirsync set {user} --mobile-in-ad …)"
    )]
    SyncedPhoneBlocked {
        /// The user (UPN or id) the edit was for.
        user: String,
    },
    /// The service answered an error status.
    #[error("{what}: HTTP {status} {code}: {message}")]
    Service {
        /// The request.
        what: String,
        /// The HTTP status.
        status: u16,
        /// The service's error code (`Request_BadRequest`, ...).
        code: String,
        /// The service's message.
        message: String,
    },
    /// A success response whose body could not be read as expected (on every attempt).
    #[error("{what}: unexpected response: {detail}")]
    InvalidResponse {
        /// The request.
        what: String,
        /// What was wrong.
        detail: String,
    },
    /// A paged read stopped at a page that failed for good; nothing of it is returned.
    #[error(
        "{what} is incomplete: page {page} failed after {items} items had been read, so nothing is returned: {source}"
    )]
    Incomplete {
        /// The read.
        what: String,
        /// The page that failed (1-based).
        page: usize,
        /// Items read before it.
        items: usize,
        /// Why the page failed.
        #[source]
        source: Box<CloudError>,
    },
    /// The service answered with a redirect that is not followed: the token request follows none, and Graph
    /// and Exchange Online follow one only to https on the same host or a host the configuration names.
    #[error(
        "{what}: the service redirected (HTTP {status}) to {location}, which is not followed: {rule}"
    )]
    Redirected {
        /// The request.
        what: String,
        /// The 3xx status.
        status: u16,
        /// The scheme, host and port of the `Location` (never its path or query).
        location: String,
        /// Which rule refused it.
        rule: String,
    },
    /// An Exchange Online cmdlet failed.
    #[error("{cmdlet} failed (HTTP {status}): {message}")]
    Exchange {
        /// The cmdlet.
        cmdlet: String,
        /// The HTTP status.
        status: u16,
        /// The error text Exchange gave.
        message: String,
    },
}

fn retry_after_hint(secs: Option<u64>) -> String {
    match secs {
        Some(s) => format!(" (the service last asked to wait {s} s)"),
        None => String::new(),
    }
}

impl CloudError {
    /// Whether the service throttled the request (directly or as the cause of an incomplete read).
    pub fn is_throttled(&self) -> bool {
        match self {
            CloudError::Throttled { .. } => true,
            CloudError::Incomplete { source, .. } => source.is_throttled(),
            _ => false,
        }
    }

    /// Whether the object was not found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, CloudError::NotFound { .. })
    }
}

impl From<CloudError> for SourceError {
    fn from(e: CloudError) -> SourceError {
        let text = e.to_string();
        match &e {
            CloudError::Config(_) => SourceError::Other(text),
            CloudError::Auth(_) | CloudError::Forbidden { .. } => SourceError::Unauthorized(text),
            CloudError::Throttled { .. } => SourceError::Throttled(text),
            CloudError::Unavailable { .. } => SourceError::Unavailable(text),
            CloudError::Tls { .. } => SourceError::Tls(text),
            CloudError::NotFound { .. } => SourceError::NotFound(text),
            CloudError::SyncedPhoneBlocked { .. } => SourceError::Refused(text),
            CloudError::Service {
                status: 409 | 412, ..
            } => SourceError::Conflict(text),
            CloudError::Service { status: 400, .. } => SourceError::Refused(text),
            CloudError::Service { .. } | CloudError::Exchange { .. } => SourceError::Other(text),
            CloudError::Redirected { .. } => SourceError::Refused(text),
            CloudError::InvalidResponse { .. } => SourceError::InvalidData(text),
            CloudError::Incomplete { source, .. } if source.is_throttled() => {
                SourceError::Throttled(text)
            }
            CloudError::Incomplete { .. } => SourceError::Incomplete(text),
        }
    }
}
