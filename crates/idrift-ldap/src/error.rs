//! `LdapError`: why a live directory operation failed, and its mapping to the core's `SourceError`.
//!
//! Messages name the server, the object or the file, and what to do; they never contain the password
//! (nothing here ever sees it). No `ldap3` type appears in this error.

use idrift_core::ports::SourceError;

/// Why talking to the directory failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdapError {
    /// The configuration cannot work (bad URL, plain LDAP not allowed, bad filter, missing password).
    #[error("invalid LDAP configuration: {0}")]
    InvalidConfig(String),
    /// The CA file could not be read or holds no certificate.
    #[error("CA file {path}: {message}")]
    CaFile {
        /// The file named by `ca_file`.
        path: String,
        /// What was wrong with it.
        message: String,
    },
    /// The server could not be reached (refused, unreachable, timed out).
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The server URL.
        url: String,
        /// The system's reason.
        message: String,
    },
    /// The TLS handshake failed, most often because the server certificate is not trusted.
    #[error("TLS with {url} failed: {message}")]
    Tls {
        /// The server URL.
        url: String,
        /// The TLS library's reason and a hint.
        message: String,
    },
    /// The server refused the bind (wrong password, unknown, disabled or locked account).
    #[error("bind as {who} refused: {message}")]
    Bind {
        /// The bind name (DN, UPN or DOMAIN\user).
        who: String,
        /// The reason, decoded from AD's data code when present.
        message: String,
    },
    /// The bound account may not do this.
    #[error("access denied: {op} {target}: {message}")]
    AccessDenied {
        /// The operation (search, modify, ...).
        op: &'static str,
        /// The DN or base it was about.
        target: String,
        /// The server's text.
        message: String,
    },
    /// The connection broke during an operation; nothing partial was returned.
    #[error("connection lost during {op}: {message}")]
    ConnectionLost {
        /// The operation.
        op: &'static str,
        /// What broke.
        message: String,
    },
    /// The server did not answer in time.
    #[error("{op} timed out after {secs} s")]
    Timeout {
        /// The operation.
        op: &'static str,
        /// The timeout.
        secs: u64,
    },
    /// The server returned an LDAP error result.
    #[error("{op} {target} failed: LDAP result {code} ({name}): {message}")]
    Server {
        /// The operation.
        op: &'static str,
        /// The DN or base it was about.
        target: String,
        /// The LDAP result code.
        code: u32,
        /// The result code's RFC 4511 name.
        name: &'static str,
        /// The server's diagnostic text.
        message: String,
    },
    /// No user matches.
    #[error("no user {0}")]
    NotFound(String),
    /// Several users match a name that must be unique.
    #[error("{count} users match {who}")]
    Ambiguous {
        /// The name looked up.
        who: String,
        /// How many matched (at least 2).
        count: usize,
    },
    /// The values changed since they were read or planned; nothing was written.
    #[error("{dn}: {message}; nothing was written")]
    Conflict {
        /// The user's DN.
        dn: String,
        /// Expected and found.
        message: String,
    },
    /// A value passed to a write is not acceptable.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The server returned data this tool cannot read.
    #[error("invalid data from the server at {dn}: {message}")]
    InvalidData {
        /// The entry.
        dn: String,
        /// What was wrong.
        message: String,
    },
    /// The change state file (incremental reads) could not be read or written.
    #[error("change state file {path}: {message}")]
    StateFile {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl LdapError {
    /// Whether the bind was refused (as opposed to a network or TLS failure).
    pub fn is_bind(&self) -> bool {
        matches!(self, LdapError::Bind { .. })
    }

    /// Whether TLS failed (handshake or certificate).
    pub fn is_tls(&self) -> bool {
        matches!(self, LdapError::Tls { .. } | LdapError::CaFile { .. })
    }

    /// Whether the values changed under a conditional write.
    pub fn is_conflict(&self) -> bool {
        matches!(self, LdapError::Conflict { .. })
    }
}

impl From<LdapError> for SourceError {
    fn from(e: LdapError) -> SourceError {
        let text = e.to_string();
        match e {
            LdapError::Bind { .. } | LdapError::AccessDenied { .. } => {
                SourceError::Unauthorized(text)
            }
            LdapError::Tls { .. } | LdapError::CaFile { .. } => SourceError::Tls(text),
            LdapError::Connect { .. } | LdapError::Timeout { .. } => SourceError::Unavailable(text),
            LdapError::ConnectionLost { .. } => SourceError::Incomplete(text),
            LdapError::Server { code: 51 | 52, .. } => SourceError::Unavailable(text),
            LdapError::Server {
                code: 3 | 4 | 11, ..
            } => SourceError::Incomplete(text),
            LdapError::Server { code: 50, .. } => SourceError::Unauthorized(text),
            LdapError::Server { code: 53, .. } => SourceError::Refused(text),
            LdapError::NotFound(_) => SourceError::NotFound(text),
            LdapError::Conflict { .. } => SourceError::Conflict(text),
            LdapError::InvalidData { .. } => SourceError::InvalidData(text),
            LdapError::Ambiguous { .. } | LdapError::InvalidInput(_) => SourceError::Refused(text),
            LdapError::InvalidConfig(_)
            | LdapError::StateFile { .. }
            | LdapError::Server { .. } => SourceError::Other(text),
        }
    }
}

/// The RFC 4511 name of an LDAP result code.
pub(crate) fn result_name(code: u32) -> &'static str {
    match code {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        4 => "sizeLimitExceeded",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        10 => "referral",
        11 => "adminLimitExceeded",
        12 => "unavailableCriticalExtension",
        13 => "confidentialityRequired",
        16 => "noSuchAttribute",
        17 => "undefinedAttributeType",
        18 => "inappropriateMatching",
        19 => "constraintViolation",
        20 => "attributeOrValueExists",
        21 => "invalidAttributeSyntax",
        32 => "noSuchObject",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        64 => "namingViolation",
        65 => "objectClassViolation",
        66 => "notAllowedOnNonLeaf",
        67 => "notAllowedOnRDN",
        68 => "entryAlreadyExists",
        69 => "objectClassModsProhibited",
        71 => "affectsMultipleDSAs",
        80 => "other",
        _ => "unknown",
    }
}

/// AD's reason for an `invalidCredentials` bind, from the `data XXX` code in its diagnostic text.
pub(crate) fn bind_reason(diagnostic: &str) -> String {
    let code = diagnostic
        .split("data ")
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_hexdigit)
                .collect::<String>()
        })
        .unwrap_or_default();
    let reason = match code.to_ascii_lowercase().as_str() {
        "52e" => "invalid credentials (wrong password or unknown account)",
        "525" => "no such user",
        "530" => "logon not permitted at this time",
        "531" => "logon not permitted from this workstation",
        "532" => "password expired",
        "533" => "account disabled",
        "701" => "account expired",
        "773" => "the password must be reset",
        "775" => "account locked out",
        _ => "invalid credentials",
    };
    if diagnostic.is_empty() {
        reason.to_owned()
    } else {
        format!("{reason} [{}]", diagnostic.trim())
    }
}

#[cfg(test)]
mod tests;
