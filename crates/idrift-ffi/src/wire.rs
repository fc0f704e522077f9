//! The wire envelope: what a request and a response look like as JSON.
//!
//! A request is `{"V": 1, "Op": "DirSync.Compare", "Args": {...}}`. A response is
//! `{"V": 1, "Ok": ..., "Warnings": [...]}` or `{"V": 1, "Err": {"Kind": ..., "Message": ...}}`, and the status
//! returned by `idrift_call` says which (see [`Status`]). Keys are PascalCase so objects from
//! `ConvertFrom-Json` look native in PowerShell. Unknown fields are ignored everywhere (no
//! `deny_unknown_fields`), so a newer module can talk to an older library and the reverse; `V` changes only
//! when a change would be misread by the other side. `docs/wire-protocol.md` is the specification; the golden
//! tests in `tests/it/ffi_abi.rs` make every change of a response visible.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The envelope version this library reads and writes.
pub const WIRE_VERSION: u32 = 1;

/// The largest request `idrift_call` reads, in bytes (16 MiB). Longer requests are answered with an
/// `Err` of kind `RequestTooLarge` without reading them.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// What `idrift_call` returns; the response buffer is written in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Status {
    /// The operation ran; the response has `Ok`.
    Ok = 0,
    /// The request or the operation failed in a way the caller can act on; the response has `Err`.
    Error = 1,
    /// A bug: a panic or an internal failure; the response has `Err` with kind `Internal`.
    Internal = 2,
}

impl Status {
    /// The integer the C ABI returns.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// A request envelope. `Args` is decoded by the operation named in `Op`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Request {
    /// The envelope version the caller speaks.
    pub(crate) v: u64,
    /// The operation, e.g. `DirSync.Compare`.
    pub(crate) op: String,
    /// The operation's arguments (absent or `null` means `{}`).
    #[serde(default)]
    pub(crate) args: serde_json::Value,
}

/// The error object of a response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ErrorBody<'a> {
    /// A stable, machine-readable kind, e.g. `Parse`, `MissingFile`, `Source.Unauthorized`.
    pub(crate) kind: &'a str,
    /// A sentence for the user naming the file, line or field involved. Never holds a secret.
    pub(crate) message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OkEnvelope<'a, T: Serialize> {
    v: u32,
    ok: &'a T,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrEnvelope<'a> {
    v: u32,
    err: ErrorBody<'a>,
}

/// The response written when even encoding failed (it cannot fail itself).
pub(crate) const ENCODING_FAILED: &[u8] =
    br#"{"V":1,"Err":{"Kind":"Internal","Message":"the response could not be encoded"}}"#;

/// Encodes a success response.
///
/// # Errors
/// The serializer's error (only for values that cannot be JSON, such as a map with non-string keys).
pub(crate) fn encode_ok<T: Serialize>(ok: &T, warnings: &[String]) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&OkEnvelope {
        v: WIRE_VERSION,
        ok,
        warnings,
    })
}

/// Encodes an error response.
pub(crate) fn encode_err(kind: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(&ErrEnvelope {
        v: WIRE_VERSION,
        err: ErrorBody { kind, message },
    })
    .unwrap_or_else(|_| ENCODING_FAILED.to_vec())
}

/// Where an operation reads its data: the connection profile of `Connect-Drift`, sent with every request.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "Kind", rename_all_fields = "PascalCase")]
pub(crate) enum SourceSpec {
    /// The demo snapshot compiled into the library.
    Demo,
    /// A snapshot directory (`ad.ldif`, `entra-users.json`, optional files).
    Snapshot {
        /// The directory, absolute (the host resolves relative paths against its own current location).
        path: PathBuf,
    },
    /// An AD LDIF export and an Entra user JSON export.
    Files {
        /// The LDIF file.
        ad: PathBuf,
        /// The Graph user JSON file.
        entra: PathBuf,
    },
}

/// `Source.Check`: load the source once and describe it (what `Connect-Drift` shows).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SourceCheckArgs {
    pub(crate) source: SourceSpec,
}

/// The result of `Source.Check`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SourceSummary {
    /// `Demo`, `Snapshot` or `Files`.
    pub(crate) kind: &'static str,
    /// AD users read.
    pub(crate) on_prem_users: usize,
    /// Entra ID users read.
    pub(crate) cloud_users: usize,
    /// Whether the tenant sync object (`entra-sync.json`) was present.
    pub(crate) has_tenant_sync: bool,
    /// Exchange Online recipients read, when `exo-recipients.json` was present.
    pub(crate) exo_recipients: Option<usize>,
    /// Exchange Online `Get-User` records read, when `exo-users.json` was present.
    pub(crate) exo_users: Option<usize>,
}

fn yes() -> bool {
    true
}

/// `DirSync.Compare`: the DirSyncOverrides comparison (Compare-ADSyncToolsDirSyncOverrides).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DirSyncCompareArgs {
    pub(crate) source: SourceSpec,
    /// Region for numbers without a country code (ISO 3166, e.g. `DE`), for the formatting-only test.
    #[serde(default)]
    pub(crate) default_region: Option<String>,
    /// Write the ADSyncTools CSV (default true).
    #[serde(default = "yes")]
    pub(crate) write_csv: bool,
    /// Where to write it: an existing directory (the ADSyncTools file name is used inside it) or a file path.
    /// Absent: the process's current directory.
    #[serde(default)]
    pub(crate) out_path: Option<PathBuf>,
}

/// The result of `DirSync.Compare`: the report (`Summary`, `Rows`) and the CSV written, if any.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DirSyncCompareResult<'a> {
    pub(crate) summary: &'a idrift_core::dirsync::DirSyncSummary,
    pub(crate) rows: &'a [idrift_core::dirsync::DirSyncOverrideRow],
    pub(crate) csv_path: Option<PathBuf>,
}

/// The result of `Describe`: what this library is and which operations it serves.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Description {
    pub(crate) abi_version: u32,
    pub(crate) wire_version: u32,
    pub(crate) library_version: &'static str,
    pub(crate) ops: &'static [&'static str],
}

#[cfg(test)]
mod tests;
