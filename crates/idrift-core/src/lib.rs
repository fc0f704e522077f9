//! IdentityDrift's pure domain.
//!
//! It holds the directory model ([`model::OnPremUser`], [`model::CloudUser`], [`model::ExoRecipient`],
//! [`model::TenantSync`]), the GUID and source-anchor codecs, user matching, the DirSyncOverrides comparison,
//! the sync model, the Exchange hybrid checks and remediation plans, and the migration report reader.
//! Everything here is a function of its inputs: this crate does no I/O and reads no clock and no environment
//! (a tidy test in `xtask` enforces it). Directory inconsistency is returned as data, never as `Err`.
//! The ports in [`ports`] are how adapters plug in; [`in_memory::InMemoryDirectory`] serves snapshots.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod anchor;
pub mod clixml;
pub mod csv_cell;
pub mod default_scope;
pub mod dirsync;
pub mod dn;
pub mod exchange;
pub mod guid;
pub mod in_memory;
pub mod lean;
pub mod lint;
pub mod matching;
pub mod migration;
pub mod model;
pub mod phone;
pub mod plan;
pub mod ports;
pub mod scan;
pub mod strict;
pub mod sync_model;
pub mod text;
pub mod timefmt;
pub mod writes;

pub use guid::Guid;
