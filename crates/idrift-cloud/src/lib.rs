//! Microsoft Graph and Exchange Online for IdentityDrift: JSON snapshot readers and writers, and (being
//! built) the live client.
//!
//! [`snapshot`] reads and writes the cloud files of a snapshot directory (`entra-users.json`,
//! `entra-sync.json`, `exo-recipients.json`, `exo-users.json`) as streaming readers over the shapes
//! admins export.
#![forbid(unsafe_code)]

pub mod snapshot;
