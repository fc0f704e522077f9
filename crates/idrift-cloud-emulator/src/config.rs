//! The emulated tenant and application: names, credentials, token lifetime and page sizes.

use std::time::Duration;

/// The test application's certificate (public part), trusted by default for JWT client assertions.
pub const TEST_APP_CERT_PEM: &str = include_str!("../fixtures/cert.pem");

/// The test application's certificate and PKCS#8 private key (test-only; see `fixtures/README.md`).
pub const TEST_APP_CERT_AND_KEY_PEM: &str = include_str!("../fixtures/test-app-cert-and-key.pem");

/// The same certificate with the key in PKCS#1 (`RSA PRIVATE KEY`) form.
pub const TEST_APP_CERT_AND_PKCS1_KEY_PEM: &str =
    include_str!("../fixtures/test-app-cert-and-pkcs1-key.pem");

/// A certificate and key the emulator does not trust.
pub const OTHER_APP_CERT_AND_KEY_PEM: &str = include_str!("../fixtures/other-app-cert-and-key.pem");

/// What the emulator accepts and how it pages.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The tenant's initial domain (used in URLs, the anchor mailbox and UPNs).
    pub tenant_domain: String,
    /// The tenant id; URLs may use it instead of the domain.
    pub tenant_id: String,
    /// The registered application.
    pub client_id: String,
    /// Its client secret (`None`: secrets are refused).
    pub client_secret: Option<String>,
    /// Its certificate (PEM, public part) for client assertions (`None`: assertions are refused).
    pub certificate_pem: Option<String>,
    /// `expires_in` of issued tokens.
    pub token_lifetime: Duration,
    /// Graph page size without `$top`.
    pub graph_default_page: usize,
    /// The largest `$top` Graph accepts.
    pub graph_max_page: usize,
    /// Page size of the users delta.
    pub graph_delta_page: usize,
    /// The largest page InvokeCommand returns (`Prefer: odata.maxpagesize` may ask for less).
    pub exo_max_page: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            tenant_domain: "contoso.onmicrosoft.com".to_owned(),
            tenant_id: "6babcaad-604b-40ac-a9d7-9fd97c0b779f".to_owned(),
            client_id: "4a1aa1d5-c567-49d0-ad0b-cd957a47f842".to_owned(),
            client_secret: Some("emulator-secret-Zq8~not-for-production".to_owned()),
            certificate_pem: Some(TEST_APP_CERT_PEM.to_owned()),
            token_lifetime: Duration::from_secs(3599),
            graph_default_page: 100,
            graph_max_page: 999,
            graph_delta_page: 200,
            exo_max_page: 1000,
        }
    }
}
