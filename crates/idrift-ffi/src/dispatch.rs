//! Dispatch: decode a request, call the `idrift-app` operation the CLI calls for the same command, and encode
//! its result. No decision about directories is made here; this module only translates.

use std::path::{Path, PathBuf};

use idrift_app::snapshot::{self, Loaded};
use idrift_core::phone::PhoneOptions;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::CallError;
use crate::host;
use crate::wire::{self, Request, SourceSpec, Status, WIRE_VERSION};

/// The operations this library serves, in the order `Describe` lists them.
#[cfg(not(feature = "test-ops"))]
pub(crate) const OPS: &[&str] = &["Describe", "Source.Check", "DirSync.Compare"];
/// The operations this library serves, in the order `Describe` lists them (with the test-only ones).
#[cfg(feature = "test-ops")]
pub(crate) const OPS: &[&str] = &["Describe", "Source.Check", "DirSync.Compare", "Test.Panic"];

/// Handles one request (the bytes `idrift_call` was given) and returns the status and the response body.
pub(crate) fn handle(bytes: &[u8]) -> (Status, Vec<u8>) {
    match run(bytes) {
        Ok(body) => (Status::Ok, body),
        Err(e) => reject(&e),
    }
}

/// The response for an error.
pub(crate) fn reject(e: &CallError) -> (Status, Vec<u8>) {
    (e.status(), wire::encode_err(e.kind(), &e.to_string()))
}

fn run(bytes: &[u8]) -> Result<Vec<u8>, CallError> {
    let req: Request =
        serde_json::from_slice(bytes).map_err(|e| CallError::Malformed(e.to_string()))?;
    if req.v != u64::from(WIRE_VERSION) {
        return Err(CallError::UnsupportedVersion(req.v));
    }
    match req.op.as_str() {
        "Describe" => describe(),
        "Source.Check" => source_check(args("Source.Check", req.args)?),
        "DirSync.Compare" => dirsync_compare(args("DirSync.Compare", req.args)?),
        #[cfg(feature = "test-ops")]
        "Test.Panic" => test_panic(args("Test.Panic", req.args)?),
        _ => Err(CallError::UnknownOp {
            op: req.op,
            known: OPS.join(", "),
        }),
    }
}

/// Decodes `Args` for `op`; absent or `null` means `{}`.
fn args<T: DeserializeOwned>(op: &'static str, value: serde_json::Value) -> Result<T, CallError> {
    let value = if value.is_null() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        value
    };
    serde_json::from_value(value).map_err(|e| CallError::InvalidArgs {
        op,
        message: e.to_string(),
    })
}

fn ok<T: Serialize>(body: &T, warnings: &[String]) -> Result<Vec<u8>, CallError> {
    wire::encode_ok(body, warnings)
        .map_err(|e| CallError::Internal(format!("the response could not be encoded: {e}")))
}

/// Paths arrive from a host whose current directory is not the process's (PowerShell's `$PWD`), so a
/// relative path would silently mean something else here.
fn absolute<'a>(op: &'static str, field: &str, path: &'a Path) -> Result<&'a Path, CallError> {
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(CallError::InvalidArgs {
            op,
            message: format!(
                "{field} must be an absolute path (the host resolves relative paths), got {}",
                path.display()
            ),
        })
    }
}

/// Loads the data a source names, as the CLI's `--demo`, `--snapshot` and `--ad/--entra` do.
fn load(op: &'static str, source: &SourceSpec) -> Result<Loaded, CallError> {
    let loaded = match source {
        SourceSpec::Demo => idrift_app::demo::load()?,
        SourceSpec::Snapshot { path } => snapshot::load_dir(absolute(op, "Source.Path", path)?)?,
        SourceSpec::Files { ad, entra } => snapshot::load_pair(
            absolute(op, "Source.Ad", ad)?,
            absolute(op, "Source.Entra", entra)?,
        )?,
    };
    Ok(loaded)
}

fn describe() -> Result<Vec<u8>, CallError> {
    let body = wire::Description {
        abi_version: crate::abi::ABI_VERSION,
        wire_version: WIRE_VERSION,
        library_version: env!("CARGO_PKG_VERSION"),
        ops: OPS,
    };
    ok(&body, &[])
}

fn source_check(args: wire::SourceCheckArgs) -> Result<Vec<u8>, CallError> {
    let loaded = load("Source.Check", &args.source)?;
    let s = &loaded.snapshot;
    let body = wire::SourceSummary {
        kind: match args.source {
            SourceSpec::Demo => "Demo",
            SourceSpec::Snapshot { .. } => "Snapshot",
            SourceSpec::Files { .. } => "Files",
        },
        on_prem_users: s.on_prem.len(),
        cloud_users: s.cloud.len(),
        has_tenant_sync: s.tenant_sync.is_some(),
        exo_recipients: s.exo_recipients.as_ref().map(Vec::len),
        exo_users: s.exo_users.as_ref().map(Vec::len),
    };
    ok(&body, &loaded.warnings)
}

/// Where the CSV goes: inside `out` when it is a directory (ADSyncTools file name), else `out` itself, as
/// `idrift dirsync compare --out` does.
fn csv_path(out: &Path, now_unix: i64) -> PathBuf {
    if out.is_dir() {
        out.join(idrift_app::dirsync::csv_file_name(now_unix))
    } else {
        out.to_path_buf()
    }
}

fn dirsync_compare(args: wire::DirSyncCompareArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Compare";
    let out = match (&args.out_path, args.write_csv) {
        (Some(p), true) => Some(csv_path(absolute(OP, "OutPath", p)?, host::now_unix())),
        (None, true) => {
            return Err(CallError::InvalidArgs {
                op: OP,
                message: "OutPath is required when WriteCsv is true".to_owned(),
            });
        }
        (_, false) => None,
    };
    let loaded = load(OP, &args.source)?;
    let phone = PhoneOptions {
        default_region: args.default_region,
    };
    let report = idrift_app::dirsync::compare(&loaded.snapshot, &phone);
    if let Some(path) = &out {
        idrift_app::dirsync::write_csv_file(path, &report.rows)?;
    }
    let body = wire::DirSyncCompareResult {
        summary: &report.summary,
        rows: &report.rows,
        csv_path: out,
    };
    ok(&body, &loaded.warnings)
}

/// `Test.Panic` (feature `test-ops` only): panics on purpose, so tests can prove the panic comes back as
/// status 2 and the process survives.
#[cfg(feature = "test-ops")]
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TestPanicArgs {
    #[serde(default)]
    message: String,
    /// Panic with a payload that is not text.
    #[serde(default)]
    non_text: bool,
}

#[cfg(feature = "test-ops")]
#[expect(clippy::panic, reason = "the test-only operation exists to panic")]
fn test_panic(args: TestPanicArgs) -> Result<Vec<u8>, CallError> {
    if args.non_text {
        std::panic::panic_any(42_u32);
    }
    panic!("{}", args.message)
}

#[cfg(test)]
mod tests;
