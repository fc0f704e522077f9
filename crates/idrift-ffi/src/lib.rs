//! The C ABI of IdentityDrift, for the PowerShell module `IdentityDrift` (and any other host that can call C).
//!
//! Four exports, all in [`abi`]: [`idrift_call`] takes one UTF-8 JSON request and writes one Rust-owned
//! JSON response into an [`IdriftBuf`], [`idrift_progress`] reports how far a running call has got (for a
//! host's progress bar, from another thread), [`idrift_buf_free`] releases a buffer, and
//! [`idrift_abi_version`] says which ABI the library speaks. The request and response envelopes are in [`wire`] (`"V": 1`,
//! PascalCase, unknown fields ignored); `docs/wire-protocol.md` is their specification.
//!
//! This crate translates and nothing else: `dispatch` decodes a request, calls the operation in
//! `idrift-app` that the CLI calls for the same command, and encodes the result. `targets` turns the
//! request's `Source` into loaded data or write targets (opened by `idrift_app::targets`, as in the CLI),
//! `remediation` runs remediation options and undoes journals, `profile` reads the CLI's connection
//! profiles, `writes` is the dry-run-or-apply tail of the mutating commands (journaled through
//! `idrift_app::journal`), and `runtime` holds the one tokio runtime, built on first use. Like the CLI it is
//! a composition root, so it is one of the two places that read the clock (`host`).
//!
//! Every export runs inside `catch_unwind`; a panic becomes status 2 with a message, and the panic hook
//! keeps the message off the host's stderr (it goes to `tracing`). [`abi`] is the only module with `unsafe`.
#![deny(unsafe_code)]

pub mod abi;
mod batch;
mod dispatch;
mod error;
mod host;
mod lint;
mod panics;
mod profile;
pub mod progress;
mod remediation;
mod runtime;
mod targets;
#[cfg(test)]
mod test_support;
mod trend;
pub mod wire;
mod writes;

pub use abi::{
    ABI_VERSION, IdriftBuf, idrift_abi_version, idrift_buf_free, idrift_call, idrift_progress,
};
pub use wire::{MAX_REQUEST_BYTES, Status, WIRE_VERSION};
