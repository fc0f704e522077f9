//! `LdapConfig`: where the directory is, how to reach it safely, who to bind as, and what to read.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

/// How to connect to a domain controller and which users to read.
///
/// `Debug` shows the password as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct LdapConfig {
    /// `ldaps://host[:port]` (TLS from the start), `ldap://host[:port]` (upgraded with StartTLS unless
    /// [`LdapConfig::allow_plaintext`]), or `ldapi://` (a local socket).
    pub url: String,
    /// The subtrees to read users from. Empty: the domain's naming context (`defaultNamingContext`).
    pub base_dns: Vec<String>,
    /// An extra LDAP filter ANDed with the user filter, e.g. `(department=Sales)`; outer parentheses optional.
    pub filter: Option<String>,
    /// The simple-bind name: a DN, a UPN or `DOMAIN\user`. `None` binds anonymously.
    pub bind: Option<String>,
    /// The bind password (required with `bind`: an empty password would be an unauthenticated bind).
    pub password: Option<SecretString>,
    /// A PEM file of CA certificates to trust instead of the system store.
    pub ca_file: Option<PathBuf>,
    /// Allow `ldap://` without TLS (a warning is logged). Without it, `ldap://` uses StartTLS.
    pub allow_plaintext: bool,
    /// Entries per page of a paged search (AD returns at most 1000).
    pub page_size: i32,
    /// How long to wait for the TCP connection and TLS handshake.
    pub connect_timeout: Duration,
    /// How long to wait for each reply of an operation (each page entry of a search).
    pub op_timeout: Duration,
    /// Where paged reads report the entries read so far (nowhere by default).
    pub progress: idrift_core::ports::ProgressHook,
    /// A custom source anchor attribute (such as `employeeID`) read with the core model's attributes into
    /// each user's `custom_anchor`; users are then matched by it.
    pub anchor: Option<String>,
}

impl LdapConfig {
    /// A configuration for `url` with the defaults: no bind, the naming context as base, pages of 1000,
    /// 30 s to connect and 120 s per reply.
    pub fn new(url: impl Into<String>) -> LdapConfig {
        LdapConfig {
            url: url.into(),
            base_dns: Vec::new(),
            filter: None,
            bind: None,
            password: None,
            ca_file: None,
            allow_plaintext: false,
            page_size: 1000,
            connect_timeout: Duration::from_secs(30),
            op_timeout: Duration::from_secs(120),
            progress: idrift_core::ports::ProgressHook::default(),
            anchor: None,
        }
    }
}
