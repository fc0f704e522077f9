//! Active Directory for IdentityDrift: LDIF exports and live LDAP.
#![forbid(unsafe_code)]

mod attributes;
pub mod ldif;
