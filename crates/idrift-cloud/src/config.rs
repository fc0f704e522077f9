//! Configuration of the live client: tenant, application credential, endpoints and retry policy.
//!
//! Secrets (the client secret, the certificate's private key) are held in [`SecretString`], whose `Debug`
//! prints `[REDACTED]`, so a configuration can be logged or put in an error without leaking them.

use std::time::Duration;

use secrecy::SecretString;

/// The public cloud's login authority.
pub const DEFAULT_AUTHORITY_URL: &str = "https://login.microsoftonline.com";
/// Microsoft Graph v1.0 in the public cloud.
pub const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com/v1.0";
/// Exchange Online in the public cloud.
pub const DEFAULT_EXO_URL: &str = "https://outlook.office365.com";

/// How the application proves its identity to the token endpoint.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A client secret.
    Secret(SecretString),
    /// An X.509 certificate and its RSA private key in one PEM text (`CERTIFICATE` plus `PRIVATE KEY`
    /// or `RSA PRIVATE KEY` blocks), used to sign a JWT client assertion.
    Certificate {
        /// The PEM text.
        pem: SecretString,
    },
}

/// Retries of one request (every page of a paged read is one request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The first backoff delay (exponential, jittered) when the service gives no `Retry-After`.
    pub initial_backoff: Duration,
    /// The largest backoff delay.
    pub max_backoff: Duration,
    /// The longest a request may take, all attempts and waits included; a `Retry-After` that would
    /// overrun it ends the request at once.
    pub total_budget: Duration,
    /// The time limit of a single attempt.
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            total_budget: Duration::from_secs(600),
            request_timeout: Duration::from_secs(100),
        }
    }
}

/// Everything the Graph and Exchange Online clients need.
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// The tenant: its id (GUID) or a verified domain such as `contoso.onmicrosoft.com`.
    pub tenant: String,
    /// The application (client) id.
    pub client_id: String,
    /// The application credential.
    pub credential: Credential,
    /// The login authority, e.g. `https://login.microsoftonline.com` (`https://login.microsoftonline.us`,
    /// `https://login.chinacloudapi.cn`). Plain `http://` is accepted only for a loopback address (an
    /// emulator); the same holds for the Graph and Exchange URLs.
    pub authority_url: String,
    /// Microsoft Graph including the version, e.g. `https://graph.microsoft.com/v1.0`.
    pub graph_url: String,
    /// Exchange Online, e.g. `https://outlook.office365.com`.
    pub exo_url: String,
    /// The tenant's initial domain (`contoso.onmicrosoft.com`) for Exchange Online's app-only anchor
    /// mailbox; needed when `tenant` is a GUID.
    pub exo_organization: Option<String>,
    /// Retries of each request.
    pub retry: RetryPolicy,
    /// Accept any TLS certificate. Only for a lab behind a TLS-intercepting proxy; never the default.
    pub danger_accept_invalid_certs: bool,
    /// Hosts besides the request's own that a Graph or Exchange Online redirect may lead to (over https
    /// only). Empty by default: a redirect is followed only to https on the same host and port. The token
    /// request never follows a redirect.
    pub redirect_hosts: Vec<String>,
    /// Where paged reads report the items read so far, and retries their waits (nowhere by default).
    pub progress: idrift_core::ports::ProgressHook,
}

impl CloudConfig {
    /// A configuration for the public cloud with the default retry policy.
    pub fn new(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        credential: Credential,
    ) -> Self {
        CloudConfig {
            tenant: tenant.into(),
            client_id: client_id.into(),
            credential,
            authority_url: DEFAULT_AUTHORITY_URL.to_owned(),
            graph_url: DEFAULT_GRAPH_URL.to_owned(),
            exo_url: DEFAULT_EXO_URL.to_owned(),
            exo_organization: None,
            retry: RetryPolicy::default(),
            danger_accept_invalid_certs: false,
            redirect_hosts: Vec::new(),
            progress: idrift_core::ports::ProgressHook::default(),
        }
    }
}
