//! Active Directory for IdentityDrift: LDIF exports and a live domain controller over LDAP.
//!
//! Two sources of [`idrift_core::model::OnPremUser`]s live here:
//!
//! - [`ldif`]: a streaming RFC 2849 reader for `ldapsearch -LLL` and `ldifde -f` exports
//!   ([`ldif::read_users`], [`ldif::parse_users`]) and a writer that reads back to the same users
//!   ([`ldif::write_users`]).
//! - [`LdapDirectory`]: a live directory over ldap3 on tokio. [`LdapDirectory::connect`] takes an
//!   [`LdapConfig`] (`ldaps://`, or `ldap://` upgraded with StartTLS, certificates verified with rustls; plain
//!   LDAP only when allowed), binds once (DN, UPN or `DOMAIN\user`), then reads users in pages
//!   ([`LdapDirectory::read_users`]), looks one up ([`LdapDirectory::find_user`] with a [`UserRef`]), writes
//!   phones ([`LdapDirectory::set_phones`] with the core's [`idrift_core::writes::Phones`]), adds a proxy address, moves a user, and
//!   reads any objects with the attributes asked for ([`LdapDirectory::read_objects`]) and rewrites single
//!   values of one attribute conditionally ([`LdapDirectory::replace_values`]), and
//!   reads what changed since the previous run ([`LdapDirectory::read_changes`], [`AdChanges`], with the
//!   directory-synchronization control). It implements the core's
//!   [`idrift_core::ports::OnPremDirectory`].
//!
//! Errors are [`LdapError`], which maps into the core's `SourceError`; no ldap3 or rustls type appears in
//! the public API, and no error or log line carries the password.
#![forbid(unsafe_code)]

mod attributes;
mod changes;
mod config;
mod connection;
mod directory;
mod entry;
mod error;
pub mod ldif;
pub mod ldif_patch;
mod objects;
mod ports_impl;
mod user_ref;
mod write;

pub use changes::{AdChanges, ChangeState, DeletedObject, PendingState};
pub use config::LdapConfig;
pub use directory::LdapDirectory;
pub use error::LdapError;
pub use objects::RawObject;
pub use secrecy::{ExposeSecret, SecretString};
pub use user_ref::UserRef;
