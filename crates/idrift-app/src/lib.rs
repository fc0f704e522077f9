//! IdentityDrift's application layer: the operations the CLI and the PowerShell module (through `idrift-ffi`)
//! share.
//!
//! It chooses sources (a snapshot directory, single export files, the bundled demo, or live directories),
//! loads them, runs the pure functions of `idrift-core`, and reads and writes the files admins exchange
//! (the ADSyncTools-compatible CSV, journals). Both front ends call the same functions here, so a command
//! behaves the same from `idrift` and from `Compare-DriftDirSyncOverrides`.
//! It does I/O but never prints: results are returned as typed values, and rendering is the front end's job.
#![forbid(unsafe_code)]

pub mod demo;
pub mod diff;
pub mod dirsync;
pub mod dirsync_ops;
pub mod error;
pub mod files;
mod inputs;
pub mod journal;
pub mod lint;
pub mod live;
pub mod lock;
pub mod migration;
pub mod ops;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod remediate;
pub mod report;
pub mod scan;
pub mod snapshot;
pub mod source;
pub mod strict;
pub mod take;
pub mod targets;
pub mod undo;

pub use error::AppError;
/// Civil-time formatting lives in idrift-core (the snapshot reader needs it too); this is its old path.
pub use idrift_core::timefmt;
