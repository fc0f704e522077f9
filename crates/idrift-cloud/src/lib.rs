//! Microsoft Graph and Exchange Online for IdentityDrift: JSON snapshot readers and writers, and the live
//! client.
//!
//! - [`snapshot`] reads and writes the cloud files of a snapshot directory (`entra-users.json`,
//!   `entra-sync.json`, `exo-recipients.json`, `exo-users.json`) as streaming readers over the shapes
//!   admins export.
//! - [`GraphClient`] (Microsoft Graph) and [`ExoClient`] (Exchange Online's InvokeCommand endpoint) are
//!   built from a [`CloudConfig`] and implement the core ports `CloudDirectory` and `ExchangeDirectory`.
//!   They share one HTTP core: OAuth2 client credentials with a secret or a certificate, tokens cached
//!   per scope, bounded jittered retries honouring `Retry-After` within a time budget, and paged reads
//!   that fail as a whole rather than return a short list.
//! - [`CloudError`] is the client's error; it maps to the port error `SourceError` at the seam.
//!
//! No `reqwest` type appears in the public API, and no secret appears in `Debug` output, errors or logs.
#![forbid(unsafe_code)]

mod auth;
mod clock;
mod config;
mod error;
mod exo;
mod graph;
mod http;
mod ports_impl;
mod scrub;
pub mod snapshot;

pub use config::{
    CloudConfig, Credential, DEFAULT_AUTHORITY_URL, DEFAULT_EXO_URL, DEFAULT_GRAPH_URL, RetryPolicy,
};
pub use error::CloudError;
pub use exo::{ExoClient, ExoOutput, MailboxRestoreRequest};
pub use graph::{GraphClient, USER_PAGE_SIZE, USER_SELECT, UsersDelta};
pub use secrecy::{ExposeSecret, SecretString};
