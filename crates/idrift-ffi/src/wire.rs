//! The wire envelope: what a request and a response look like as JSON.
//!
//! A request is `{"V": 1, "Op": "DirSync.Compare", "Args": {...}}`. A response is
//! `{"V": 1, "Ok": ..., "Warnings": [...]}` or `{"V": 1, "Err": {"Kind": ..., "Message": ...}}`, and the status
//! returned by `idrift_call` says which (see [`Status`]). Keys are PascalCase so objects from
//! `ConvertFrom-Json` look native in PowerShell. Unknown fields are ignored everywhere (no
//! `deny_unknown_fields`), so a newer module can talk to an older library and the reverse; `V` changes only
//! when a change would be misread by the other side. `docs/wire-protocol.md` is the specification; the golden
//! tests in `tests/it/ffi_abi.rs` make every change of a response visible. A missing `Option` field is `None`
//! (serde's rule for `Option`), so only the other optional fields carry `#[serde(default)]`.

use std::path::PathBuf;

use idrift_app::source::{CloudSettings, LdapSettings};
use serde::{Deserialize, Serialize};

use crate::error::CallError;

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
    /// A name the host chose for this call, to poll its progress with `idrift_progress` while it runs.
    pub(crate) progress: Option<String>,
}

/// The error object of a response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ErrorBody<'a> {
    /// A stable, machine-readable kind, e.g. `Parse`, `MissingFile`, `Source.Unauthorized`.
    pub(crate) kind: &'a str,
    /// A sentence for the user naming the file, line or field involved. Never holds a secret.
    pub(crate) message: std::borrow::Cow<'a, str>,
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
/// [`CallError::Internal`] when the serializer fails (only for values that cannot be JSON, such as a map with
/// non-string keys).
pub(crate) fn ok<T: Serialize>(ok: &T, warnings: &[String]) -> Result<Vec<u8>, CallError> {
    serde_json::to_vec(&OkEnvelope {
        v: WIRE_VERSION,
        ok,
        warnings,
    })
    .map_err(|e| CallError::Internal(format!("the response could not be encoded: {e}")))
}

/// Encodes an error response.
pub(crate) fn encode_err(kind: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(&ErrEnvelope {
        v: WIRE_VERSION,
        err: ErrorBody {
            kind,
            message: message.into(),
        },
    })
    .unwrap_or_else(|_| ENCODING_FAILED.to_vec())
}

/// Where an operation reads (and, for writers, writes) its data: the connection profile of `Connect-Drift`,
/// sent with every request. The same choices as the CLI's `--demo`, `--snapshot` and `--ad/--entra/--exo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SourceSpec {
    /// `Kind` and the fields of that kind.
    #[serde(flatten)]
    pub(crate) kind: SourceKind,
    /// Read a Graph export whose last page still carries `@odata.nextLink`, with a warning, instead of
    /// refusing it as incomplete (the CLI's `--allow-incomplete`). The demo takes it and the two below as the CLI's `--demo` does.
    #[serde(default)]
    pub(crate) allow_incomplete: bool,
    /// Read a source that holds no user, with a warning, instead of refusing it (`--allow-empty`).
    #[serde(default)]
    pub(crate) allow_empty: bool,
    /// The source anchor Entra Connect matches users by, when not its default: an AD attribute such as
    /// `employeeID` (the CLI's `--source-anchor`).
    pub(crate) source_anchor: Option<String>,
}

/// The kinds of [`SourceSpec`], by `Kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "Kind", rename_all_fields = "PascalCase")]
pub(crate) enum SourceKind {
    /// The demo snapshot compiled into the library (read-only).
    Demo,
    /// A snapshot directory (`ad.ldif`, `entra-users.json`, optional files). Writers edit its files in place: a
    /// rehearsal of the repair.
    Snapshot {
        /// The directory, absolute (the host resolves relative paths against its own current location).
        path: PathBuf,
        /// Exchange Online recipients JSON, replacing the directory's `exo-recipients.json`.
        exo: Option<PathBuf>,
        /// Exchange Online `Get-User` JSON, replacing the directory's `exo-users.json`.
        exo_users: Option<PathBuf>,
    },
    /// Live directories, each part optional and each replaceable by an export file: the CLI's
    /// `--ad ldaps://DC|FILE --entra graph|FILE --exo exo|FILE` with the connection options.
    Live {
        /// A domain controller.
        ad: Option<Box<LdapSettings>>,
        /// Or an AD LDIF export.
        ad_file: Option<PathBuf>,
        /// Read Entra ID from Microsoft Graph.
        #[serde(default)]
        graph: bool,
        /// Or a Graph user JSON export.
        entra_file: Option<PathBuf>,
        /// The tenant sync object JSON to go with `EntraFile`.
        entra_sync_file: Option<PathBuf>,
        /// Read Exchange Online (Get-Recipient and Get-User).
        #[serde(default)]
        exo: bool,
        /// Or Exchange Online recipients JSON.
        exo_file: Option<PathBuf>,
        /// Exchange Online Get-User JSON.
        exo_users_file: Option<PathBuf>,
        /// The app registration for Graph and Exchange Online.
        cloud: Option<Box<CloudSettings>>,
    },
    /// Export files: an AD LDIF and a Graph user JSON (readers need both; a writer may name one side).
    Files {
        /// The LDIF file.
        ad: Option<PathBuf>,
        /// The Graph user JSON file.
        entra: Option<PathBuf>,
        /// Exchange Online recipients JSON.
        exo: Option<PathBuf>,
        /// Exchange Online `Get-User` JSON.
        exo_users: Option<PathBuf>,
    },
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
    pub(crate) default_region: Option<String>,
    /// Write the ADSyncTools CSV (default true).
    #[serde(default = "yes")]
    pub(crate) write_csv: bool,
    /// Where to write it (absolute): an existing directory (the ADSyncTools file name is used inside it) or a
    /// file path. Required when `write_csv` is true: the library's current directory is not the host's.
    pub(crate) out_path: Option<PathBuf>,
    /// The CSV's encoding: `Utf8` (default) or `Utf8Bom` (for Excel).
    #[serde(default)]
    pub(crate) encoding: idrift_app::files::CsvEncoding,
}

/// The write options every mutating operation shares (the CLI's `--apply` and `--journal`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct WriteArgs {
    /// Execute the writes (the host has confirmed). Without it, the planned writes come back and nothing is
    /// written.
    pub(crate) apply: bool,
    /// The journal to create: a file, or an existing directory for the default name. Required with `Apply`.
    pub(crate) journal_path: Option<PathBuf>,
}

/// What a mutating operation did, or would do.
pub(crate) use idrift_app::ops::dirsync_writes::WriteRun as WriteResult;

/// Which directory a per-user DirSyncOverrides operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum Side {
    /// Active Directory (`mobile`, `otherMobile`).
    #[serde(rename = "AD")]
    Ad,
    /// Entra ID (`mobilePhone`, and `AlternateMobilePhones` when the source has it).
    Entra,
}

/// `DirSync.Get`: one user's phone values (Get-ADSyncToolsDirSyncOverridesUser).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DirSyncGetArgs {
    pub(crate) source: SourceSpec,
    /// UPN, distinguished name or objectGUID (AD); UPN or object id (Entra ID).
    pub(crate) identity: String,
    /// `AD` or `Entra`.
    pub(crate) from: Side,
}

/// `DirSync.Set`: new phone values for one user (Set-ADSyncToolsDirSyncOverridesUser).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DirSyncSetArgs {
    pub(crate) source: SourceSpec,
    /// The user (one user per call; `Identity` empty when `Items` names the users) and its new values.
    #[serde(flatten)]
    pub(crate) item: DirSyncSetItem,
    /// A pipeline's users, each with its own new values: planned together as one plan with one journal.
    #[serde(default)]
    pub(crate) items: Vec<DirSyncSetItem>,
    /// With `Items`: apply only the writes to these targets (the ones the host confirmed).
    #[serde(default)]
    pub(crate) only: Vec<String>,
    #[serde(flatten)]
    pub(crate) write: WriteArgs,
}

/// One user of `DirSync.Set` and its new values.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct DirSyncSetItem {
    /// The user.
    pub(crate) identity: String,
    /// New AD `mobile`.
    #[serde(rename = "MobileInAD")]
    pub(crate) mobile_in_ad: Option<String>,
    /// New AD `otherMobile` (replaces the current values).
    #[serde(rename = "OtherMobileInAD")]
    pub(crate) other_mobile_in_ad: Option<Vec<String>>,
    /// New Entra `mobilePhone` of a cloud-only user (refused for synced users).
    pub(crate) mobile_in_entra: Option<String>,
}

/// `DirSync.Clear`: clears one user's phone values (Clear-ADSyncToolsDirSyncOverridesUser).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DirSyncClearArgs {
    pub(crate) source: SourceSpec,
    /// The user (one user per call); empty when `Identities` names the users.
    #[serde(default)]
    pub(crate) identity: String,
    /// A pipeline's users: planned together as one plan with one journal.
    #[serde(default)]
    pub(crate) identities: Vec<String>,
    /// With `Identities`: apply only the writes to these targets (the ones the host confirmed).
    #[serde(default)]
    pub(crate) only: Vec<String>,
    #[serde(flatten)]
    pub(crate) what: ClearWhat,
    #[serde(flatten)]
    pub(crate) write: WriteArgs,
}

/// What `DirSync.Clear` clears.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct ClearWhat {
    /// Clear AD `mobile`.
    #[serde(rename = "MobileInAD")]
    pub(crate) mobile_in_ad: bool,
    /// Clear AD `otherMobile`.
    #[serde(rename = "OtherMobileInAD")]
    pub(crate) other_mobile_in_ad: bool,
    /// Clear the Entra `mobilePhone` of a cloud-only user.
    pub(crate) mobile_in_entra: bool,
}

/// `DirSync.Persist`: copies the Entra values of differing users into AD.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DirSyncPersistArgs {
    pub(crate) source: SourceSpec,
    /// The comparison rows to persist (objects of `DirSync.Compare`, or rows of its CSV).
    pub(crate) rows: Option<Vec<idrift_core::dirsync::DirSyncOverrideRow>>,
    /// Or a CSV written by `DirSync.Compare` (or ADSyncTools).
    pub(crate) from_csv: Option<PathBuf>,
    /// Or continue this journal.
    pub(crate) resume: Option<PathBuf>,
    /// Only these UPNs.
    #[serde(default)]
    pub(crate) only: Vec<String>,
    /// Leave these UPNs out (where AD's number is the one to keep; the CLI's `--skip`).
    #[serde(default)]
    pub(crate) skip: Vec<String>,
    /// Write at most this many users in this run.
    pub(crate) limit: Option<usize>,
    pub(crate) default_region: Option<String>,
    #[serde(flatten)]
    pub(crate) write: WriteArgs,
}

/// `Source.Check` (load the source once and describe it: what `Connect-Drift` shows), `DirSync.Bypass.Status`
/// and `DirSync.Bypass.Preview` (which also reads `DefaultRegion`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SourceArgs {
    pub(crate) source: SourceSpec,
    pub(crate) default_region: Option<String>,
}

/// The result of `DirSync.Bypass.Status`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BypassStatus {
    /// The tenant sync object id.
    pub(crate) id: String,
    /// `features.bypassDirSyncOverridesEnabled`.
    pub(crate) bypass_dir_sync_overrides_enabled: bool,
}

/// `DirSync.Bypass.Set`: enables or disables BypassDirSyncOverrides.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BypassSetArgs {
    pub(crate) source: SourceSpec,
    pub(crate) enable: bool,
    /// Enable even though the preview lists users whose Entra values are overwritten.
    #[serde(default)]
    pub(crate) accept_overwrite: bool,
    pub(crate) default_region: Option<String>,
    #[serde(flatten)]
    pub(crate) write: WriteArgs,
}

/// `Scan`: the Exchange hybrid health checks (`idrift scan`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ScanArgs {
    pub(crate) source: SourceSpec,
    #[serde(flatten)]
    pub(crate) scope: ScopeArgs,
    /// Report only these kinds.
    #[serde(default)]
    pub(crate) kinds: Vec<idrift_core::scan::FindingKind>,
    /// Report only findings at least this severe.
    pub(crate) min_severity: Option<idrift_core::scan::Severity>,
    /// Also write the findings CSV to this file.
    pub(crate) out_path: Option<PathBuf>,
    /// The CSV's encoding: `Utf8` (default) or `Utf8Bom` (for Excel).
    #[serde(default)]
    pub(crate) encoding: idrift_app::files::CsvEncoding,
}

/// The result of `Scan`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ScanResult<'a> {
    #[serde(flatten)]
    pub(crate) report: &'a idrift_core::scan::ScanReport,
    /// The routing domain the checks used (given or detected).
    pub(crate) routing_domain: Option<&'a str>,
    /// Checks that were skipped or ran on assumptions, and why.
    pub(crate) notes: &'a [String],
    /// The CSV written, if any.
    pub(crate) csv_path: Option<PathBuf>,
}

/// `Plan`: the remediation options for one user (`idrift plan`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlanArgs {
    pub(crate) source: SourceSpec,
    /// Only this option.
    pub(crate) option: Option<idrift_core::plan::OptionId>,
    #[serde(flatten)]
    pub(crate) user: PlanUserArgs,
}

/// The user and the planning settings `Plan` and `Remediation.Apply` share (the CLI's `idrift plan UPN` and its
/// options).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlanUserArgs {
    pub(crate) user_principal_name: String,
    pub(crate) out_of_scope_ou: Option<String>,
    pub(crate) remote_host: Option<String>,
    #[serde(flatten)]
    pub(crate) scope: ScopeArgs,
}

impl PlanUserArgs {
    /// The plan options these settings name.
    pub(crate) fn plan_options(&self) -> idrift_core::plan::PlanOptions {
        idrift_core::plan::PlanOptions {
            out_of_scope_ou: self.out_of_scope_ou.clone(),
            remote_host_name: self.remote_host.clone(),
        }
    }
}

/// The scan settings of `Scan`, `Plan`, `Remediation.Apply`, `Report` and `Scan.Diff` (the CLI's
/// `--routing-domain`, `--sync-scope` and `--default-region`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct ScopeArgs {
    pub(crate) routing_domain: Option<String>,
    pub(crate) sync_scope: Vec<String>,
    pub(crate) default_region: Option<String>,
}

impl ScopeArgs {
    /// The scan options these settings name.
    pub(crate) fn options(&self) -> idrift_core::scan::ScanOptions {
        idrift_core::scan::ScanOptions {
            phone: idrift_core::phone::PhoneOptions {
                default_region: self.default_region.clone(),
            },
            routing_domain: self.routing_domain.clone(),
            sync_scope: self.sync_scope.clone(),
        }
    }
}

/// A step the host approved (PowerShell's ShouldProcess said yes): its number and its target, both as the
/// dry run listed them. A write runs only when its step is approved with the same target; the run stops
/// before the first one that is not (`Stop` `Declined`), so a plan that changed between the dry run and the
/// apply is never run on the strength of an approval given for another object.
pub(crate) use idrift_app::ops::remediation::Approval as ApprovedStep;

/// `Remediation.Apply`: runs one option of a user's plan step by step (`idrift plan UPN --option ID --apply`,
/// and `--resume JOURNAL`). Without `Apply` it is a dry run: the steps and where they stand, nothing run.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RemediationApplyArgs {
    pub(crate) source: SourceSpec,
    /// The option to run.
    pub(crate) option: idrift_core::plan::OptionId,
    #[serde(flatten)]
    pub(crate) user: PlanUserArgs,
    /// Continue the run this journal records (the steps already done are not repeated).
    pub(crate) resume: Option<PathBuf>,
    /// The writes the host approved; every other write stops the run before it.
    #[serde(default)]
    pub(crate) approve: Vec<ApprovedStep>,
    /// Manual steps the administrator confirmed done (asked when a resumed run reaches the step it stopped
    /// at); any other manual step waiting stops the run again.
    #[serde(default)]
    pub(crate) manual_done: Vec<usize>,
    #[serde(flatten)]
    pub(crate) write: WriteArgs,
}

/// `Undo`: restores the values a journaled run found before its writes (`idrift undo JOURNAL`), for dirsync
/// and remediation journals alike. Without `Apply` it is a dry run.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UndoArgs {
    /// The directories the run wrote to (the same source it was given).
    pub(crate) source: SourceSpec,
    /// The journal of the run to undo.
    pub(crate) journal: Option<PathBuf>,
    /// Several dirsync journals undone as one plan with one journal (a pipeline of `Undo-DriftChange`),
    /// newest last as given.
    #[serde(default)]
    pub(crate) journals: Vec<PathBuf>,
    #[serde(flatten)]
    pub(crate) write: WriteArgs,
}

impl UndoArgs {
    /// The journals to undo: `Journal` and `Journals`, each once, in order (the dispatcher checked them to be absolute).
    ///
    /// # Errors
    /// [`CallError::InvalidArgs`] when neither names one, or for a relative path.
    pub(crate) fn paths(&self, op: &'static str) -> Result<Vec<PathBuf>, CallError> {
        let mut out: Vec<PathBuf> = Vec::new();
        for p in self.journal.iter().chain(&self.journals) {
            if !out.iter().any(|o| o == p) {
                out.push(p.clone());
            }
        }
        if out.is_empty() {
            let message = "Journal (or Journals) is required: the journal of the run to undo";
            return Err(CallError::invalid(op, message));
        }
        Ok(out)
    }
}

/// `Profile.Get`: one profile of the CLI's configuration file (`--profile NAME --config PATH`), for
/// `Connect-Drift -Profile`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ProfileGetArgs {
    pub(crate) name: String,
    /// The configuration file, absolute; default `$IDRIFT_CONFIG`, else `%APPDATA%\idrift\config.toml`, else
    /// `~/.config/idrift/config.toml`.
    pub(crate) config_path: Option<PathBuf>,
}

/// The result of `Profile.Get`: the profile as `Source` parts. Paths are absolute (a relative path in the
/// file is taken relative to the file's directory). No secret is in a profile, so none is here.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ProfileResult {
    pub(crate) name: String,
    pub(crate) config_path: PathBuf,
    /// The domain controller (`Source.Ad`), when the profile's `ad` is an LDAP URL.
    pub(crate) ad: Option<LdapSettings>,
    /// The LDIF export (`Source.AdFile`), when the profile's `ad` is a file.
    pub(crate) ad_file: Option<PathBuf>,
    pub(crate) cloud: CloudSettings,
    /// The source anchor (`Source.SourceAnchor`), when the profile names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source_anchor: Option<String>,
}

/// `Migration.Verify`: judges mailbox moves by their MailboxVerification (`idrift migration verify`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct MigrationVerifyArgs {
    /// Saved `Get-MigrationUserStatistics -IncludeReport` files, or folders of them.
    pub(crate) paths: Vec<PathBuf>,
    /// Migration users whose statistics are fetched live from Exchange Online (the CLI's `--exo exo
    /// --identity UPN`).
    pub(crate) identities: Vec<String>,
    /// The app registration for the live fetch (unset values fall back to the `AZURE_*` variables).
    pub(crate) cloud: Option<CloudSettings>,
}

/// The result of `Migration.Verify`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MigrationVerifyResult<'a> {
    #[serde(flatten)]
    pub(crate) report: &'a idrift_core::migration::VerificationReport,
    /// The inputs that could not be read (the others are still verified), each as an `Err` would be.
    pub(crate) errors: Vec<ErrorBody<'a>>,
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

/// `Report`: `idrift report`, one self-contained HTML file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ReportArgs {
    pub(crate) source: SourceSpec,
    /// The HTML file to write, or a directory for `idrift-report.html` inside it.
    pub(crate) out_path: PathBuf,
    /// Mailbox move reports, files or folders.
    #[serde(default)]
    pub(crate) migration: Vec<PathBuf>,
    /// Change journals of idrift runs.
    #[serde(default)]
    pub(crate) journals: Vec<PathBuf>,
    /// The previous scan (scan JSON or a snapshot directory) for the trend.
    pub(crate) previous: Option<PathBuf>,
    #[serde(flatten)]
    pub(crate) scope: ScopeArgs,
}

/// `Scan.Diff`: `idrift diff OLD NEW`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ScanDiffArgs {
    /// The earlier scan: scan JSON, or a snapshot directory (scanned now).
    pub(crate) old: PathBuf,
    /// The later scan, in the same forms.
    pub(crate) new: PathBuf,
    #[serde(flatten)]
    pub(crate) scope: ScopeArgs,
}
