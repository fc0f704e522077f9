//! Dispatch: decode a request, call the `idrift-app` operation the CLI calls for the same command, and encode
//! its result. No decision about directories is made here; each function below mirrors the CLI command named
//! in its documentation, minus the rendering.

use idrift_app::snapshot::Loaded;
use idrift_core::lean::{LeanAd, LeanCloud};
use std::path::Path;

use idrift_app::dirsync_ops::{self, INITIAL_SYNC_REMINDER, PersistRows};
use idrift_app::journal::RunOptions;
use idrift_app::ops::compare;
use idrift_app::ops::dirsync_writes::PhoneEdit;
use idrift_app::ops::scan::ScanFilter;
use idrift_app::snapshot::LoadProfile;
use idrift_core::phone::PhoneOptions;
use serde::de::DeserializeOwned;

use crate::error::CallError;
use crate::targets;
use crate::targets::WireNames as W;
use crate::wire::{self, Request, Side, Status, WIRE_VERSION, ok};
use crate::{batch, host, lint, profile, progress, remediation, runtime, trend, writes};

/// The operations this library serves: [`OPS`], in the order `Describe` lists them (with feature
/// `test-ops`, the test-only `Test.Panic` last), and `call`, which decodes `Args` for the operation named
/// and runs it.
macro_rules! ops {
    ($($(#[$cfg:meta])* $name:literal => $run:path,)*) => {
        pub(crate) const OPS: &[&str] = &[$($(#[$cfg])* $name,)*];

        fn call(op: String, args: serde_json::Value) -> Result<Vec<u8>, CallError> {
            match op.as_str() {
                $($(#[$cfg])* $name => $run(decode($name, args)?),)*
                _ => Err(CallError::UnknownOp { op, known: OPS.join(", ") }),
            }
        }
    };
}

ops! {
    "Describe" => describe,
    "Source.Check" => source_check,
    "DirSync.Compare" => dirsync_compare,
    "DirSync.Get" => dirsync_get,
    "DirSync.Set" => dirsync_set,
    "DirSync.Clear" => dirsync_clear,
    "DirSync.Persist" => dirsync_persist,
    "DirSync.Bypass.Status" => bypass_status,
    "DirSync.Bypass.Preview" => bypass_preview,
    "DirSync.Bypass.Set" => bypass_set,
    "Scan" => scan,
    "Plan" => plan,
    "Migration.Verify" => migration_verify,
    "Remediation.Apply" => remediation::apply,
    "Undo" => remediation::undo,
    "Profile.Get" => profile::get,
    "Report" => trend::report,
    "Scan.Diff" => trend::diff,
    "Lint" => lint::lint,
    "Lint.Fix" => lint::fix,
    #[cfg(feature = "test-ops")]
    "Test.Panic" => test_panic,
}

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
    if let Ok(text) = std::str::from_utf8(bytes) {
        idrift_core::strict::check_json(text).map_err(|e| CallError::Malformed(e.to_string()))?;
    }
    let req: Request =
        serde_json::from_slice(bytes).map_err(|e| CallError::Malformed(e.to_string()))?;
    if req.v != u64::from(WIRE_VERSION) {
        return Err(CallError::UnsupportedVersion(req.v));
    }
    let _progress = progress::register(req.progress.as_deref()).map_err(CallError::Malformed)?;
    call(req.op, req.args)
}

/// Decodes `Args` for `op`; absent or `null` means `{}`.
fn decode<T: DeserializeOwned>(op: &'static str, value: serde_json::Value) -> Result<T, CallError> {
    let value = if value.is_null() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        value
    };
    check_paths(op, &value, "")?;
    serde_json::from_value(value).map_err(|e| CallError::invalid(op, e.to_string()))
}

/// The argument keys that hold a path (a string or an array of strings) wherever they appear, `Source`'s
/// included.
#[rustfmt::skip]
const PATH_KEYS: &[&str] = &[
    "Path", "Paths", "OutPath", "JournalPath", "Journal", "Journals", "Resume", "FromCsv", "ConfigPath",
    "Old", "New", "Previous", "Migration", "EntraDomains", "UndoLdifPath", "Ad", "AdFile", "Entra",
    "EntraFile", "EntraSyncFile", "Exo", "ExoFile", "ExoUsers", "ExoUsersFile", "PasswordFile", "CaFile",
    "CertificatePath",
];

/// Checks that every path in the arguments (objects nested in objects included, e.g. `Source.Ad.CaFile`) is
/// absolute: paths arrive from a host whose current directory is not the library's (PowerShell's `$PWD`), so
/// a relative one would silently mean something else here.
fn check_paths(op: &'static str, value: &serde_json::Value, at: &str) -> Result<(), CallError> {
    let serde_json::Value::Object(map) = value else {
        return Ok(());
    };
    for (key, v) in map {
        let field = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        if PATH_KEYS.contains(&key.as_str()) {
            let paths = v.as_array().map_or_else(|| vec![v], |a| a.iter().collect());
            let mut strings = paths.into_iter().filter_map(serde_json::Value::as_str);
            if let Some(path) = strings.find(|p| !Path::new(p).is_absolute()) {
                let message = format!(
                    "{field} must be an absolute path (the host resolves relative paths), got {path}"
                );
                return Err(CallError::invalid(op, message));
            }
        }
        check_paths(op, v, &field)?;
    }
    Ok(())
}

/// Phone options with the region checked, as the CLI's `phone_options` does.
fn phone_options(op: &'static str, region: Option<String>) -> Result<PhoneOptions, CallError> {
    PhoneOptions::for_region(region).map_err(|e| CallError::invalid(op, e.to_string()))
}

/// `Describe` (its `Args`, if any, are ignored).
fn describe(_: serde::de::IgnoredAny) -> Result<Vec<u8>, CallError> {
    let body = wire::Description {
        abi_version: crate::abi::ABI_VERSION,
        wire_version: WIRE_VERSION,
        library_version: env!("CARGO_PKG_VERSION"),
        ops: OPS,
    };
    ok(&body, &[])
}

/// What `Connect-Drift` shows: the source loaded once and counted.
fn source_check(args: wire::SourceArgs) -> Result<Vec<u8>, CallError> {
    let loaded: Loaded = targets::load("Source.Check", &args.source, LoadProfile::Full)?;
    let s = &loaded.snapshot;
    let body = wire::SourceSummary {
        kind: targets::kind(&args.source),
        on_prem_users: s.on_prem.len(),
        cloud_users: s.cloud.len(),
        has_tenant_sync: s.tenant_sync.is_some(),
        exo_recipients: s.exo_recipients.as_ref().map(Vec::len),
        exo_users: s.exo_users.as_ref().map(Vec::len),
    };
    ok(&body, &loaded.warnings)
}

/// `idrift dirsync compare`.
fn dirsync_compare(args: wire::DirSyncCompareArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Compare";
    let out = args.out_path.as_deref().filter(|_| args.write_csv);
    let csv = compare::csv_out(args.write_csv, out, args.encoding, host::now_unix()).map_err(
        |compare::CsvPathMissing| {
            CallError::invalid(OP, "OutPath is required when WriteCsv is true")
        },
    )?;
    let loaded: Loaded<LeanAd, LeanCloud> = targets::load(OP, &args.source, LoadProfile::Phones)?;
    let phone = PhoneOptions {
        default_region: args.default_region,
    };
    ok(
        &compare::compare(&loaded.snapshot, &phone, csv)?,
        &loaded.warnings,
    )
}

/// `idrift dirsync get`.
fn dirsync_get(args: wire::DirSyncGetArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Get";
    let t = targets::open(OP, &args.source)?;
    match args.from {
        Side::Ad => {
            let ad = t.ad_side(&W)?;
            let view = runtime::block_on(dirsync_ops::get_ad(ad, &args.identity))??;
            ok(&view, &t.warnings)
        }
        Side::Entra => {
            let cloud = t.cloud_side(&W)?;
            let view = runtime::block_on(dirsync_ops::get_entra(cloud, &args.identity))??;
            ok(&view, &t.warnings)
        }
    }
}

/// `idrift dirsync set` (with `Items`, a pipeline of users as one plan).
fn dirsync_set(args: wire::DirSyncSetArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Set";
    if let Some(i) = args.items.iter().position(|i| i.identity.trim().is_empty()) {
        return Err(CallError::invalid(
            OP,
            format!("Items[{i}].Identity is required"),
        ));
    }
    let edit = |i: &wire::DirSyncSetItem| {
        let (ad, other, entra) = (&i.mobile_in_ad, &i.other_mobile_in_ad, &i.mobile_in_entra);
        let e = PhoneEdit::set(ad.clone(), other.clone(), entra.clone());
        (i.identity.clone(), batch::edit(OP, e, "the new value"))
    };
    let users = (&args.item, &*args.items, &*args.only);
    let names = (OP, "dirsync set", "Items");
    batch::per_user(names, &args.source, &args.write, users, edit)
}

/// `idrift dirsync clear` (with `Identities`, a pipeline of users as one plan).
fn dirsync_clear(args: wire::DirSyncClearArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Clear";
    let w = args.what;
    let e = PhoneEdit::clear(w.mobile_in_ad, w.other_mobile_in_ad, w.mobile_in_entra);
    let e = batch::edit(OP, e, "what to clear")?;
    let edit = |identity: &String| (identity.clone(), Ok(e.clone()));
    let users = (&args.identity, &*args.identities, &*args.only);
    let names = (OP, "dirsync clear", "Identities");
    batch::per_user(names, &args.source, &args.write, users, edit)
}

/// `idrift dirsync persist` (with `Rows` as well as the CLI's `--from-csv`, for objects from the pipeline).
fn dirsync_persist(args: wire::DirSyncPersistArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Persist";
    let opts = RunOptions {
        max_writes: args.limit,
    };
    let given = [
        args.rows.is_some(),
        args.from_csv.is_some(),
        args.resume.is_some(),
    ];
    if given.into_iter().filter(|g| *g).count() > 1 {
        let message = "give at most one of Rows, FromCsv and Resume";
        return Err(CallError::invalid(OP, message));
    }
    let phone = phone_options(OP, args.default_region)?;
    let t = targets::open(OP, &args.source)?;
    if let Some(journal) = &args.resume {
        if !args.only.is_empty() || !args.skip.is_empty() {
            let message = "Resume continues the journal's own plan; leave out Only and Skip";
            return Err(CallError::invalid(OP, message));
        }
        let out = writes::resume(
            OP,
            &t,
            journal,
            &args.write,
            opts,
            writes::result(dirsync_ops::PERSIST_COMMAND, &t),
        )?;
        return ok(&out, &t.warnings);
    }
    let rows = match (args.rows, &args.from_csv) {
        // Rows from `Import-Csv` carry the CSV guard's apostrophes; the app removes them (and parse_csv for FromCsv).
        (Some(rows), _) => PersistRows::Rows(rows),
        (None, Some(csv)) => PersistRows::Csv(csv.clone()),
        (None, None) => PersistRows::Compare {
            cloud: t.cloud_side(&W)?,
            phone,
        },
    };
    let persist = runtime::block_on(dirsync_ops::persist(
        t.ad_side(&W)?,
        rows,
        &args.only,
        &args.skip,
    ))??;
    let mut out = writes::result(&persist.plan.spec.command, &t);
    out.notes
        .extend(persist.removing_note("Skip, or filter the rows with Where-Object"));
    let plan = persist.plan;
    out.not_planned = plan.not_planned.clone();
    let next = "Next: preview BypassDirSyncOverrides (it should list nobody now), then enable it.";
    let out = writes::run(OP, &t, &plan.spec, &args.write, opts, Some(next), out)?;
    ok(&out, &t.warnings)
}

/// `idrift dirsync bypass status`.
fn bypass_status(args: wire::SourceArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Bypass.Status";
    let t = targets::open(OP, &args.source)?;
    let sync = runtime::block_on(dirsync_ops::tenant_sync(t.cloud_side(&W)?))??;
    let body = wire::BypassStatus {
        bypass_dir_sync_overrides_enabled: sync.features.bypass_dir_sync_overrides_enabled,
        id: sync.id,
    };
    ok(&body, &t.warnings)
}

/// `idrift dirsync bypass preview`.
fn bypass_preview(args: wire::SourceArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Bypass.Preview";
    let phone = phone_options(OP, args.default_region)?;
    let t = targets::open(OP, &args.source)?;
    let (ad, cloud) = (t.ad_side(&W)?, t.cloud_side(&W)?);
    let body = runtime::block_on(dirsync_ops::bypass_preview_sources(ad, cloud, &phone))??;
    ok(&body, &t.warnings)
}

/// `idrift dirsync bypass enable` and `disable`.
fn bypass_set(args: wire::BypassSetArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "DirSync.Bypass.Set";
    let phone = phone_options(OP, args.default_region)?;
    let t = targets::open(OP, &args.source)?;
    let ad = if args.enable {
        Some(t.ad_side(&W)?)
    } else {
        None
    };
    let mut set = runtime::block_on(dirsync_ops::bypass_set(
        ad.map(|a| a as _),
        t.cloud_side(&W)?,
        args.enable,
        args.accept_overwrite,
        &phone,
    ))??;
    let command = if set.enable {
        "dirsync bypass enable"
    } else {
        "dirsync bypass disable"
    };
    let mut out = writes::result(command, &t);
    out.preview = set.preview.take();
    let Some(spec) = set.spec.take() else {
        out.notes.push(set.unchanged_note());
        return ok(&out, &t.warnings);
    };
    if let Some(blocker) = &set.blocker {
        return Err(idrift_app::AppError::Invalid(
            blocker.describe("Set-DriftDirSyncOverridesUser", "-AcceptOverwrite"),
        )
        .into());
    }
    if let Some(note) = set.accepted_note("AcceptOverwrite") {
        out.notes.push(format!("{note}."));
    }
    if !set.enable {
        out.notes.push(dirsync_ops::DISABLE_CONSEQUENCE.to_owned());
    }
    let reminder = set.enable.then_some(INITIAL_SYNC_REMINDER);
    let out = writes::run(
        OP,
        &t,
        &spec,
        &args.write,
        RunOptions::default(),
        reminder,
        out,
    )?;
    ok(&out, &t.warnings)
}

/// `idrift scan`.
fn scan(args: wire::ScanArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Scan";
    let csv = args.out_path.as_deref();
    let loaded = targets::load(OP, &args.source, LoadProfile::Scan)?;
    let opts = args.scope.options();
    let filter = ScanFilter {
        kinds: args.kinds,
        min_severity: args.min_severity,
    };
    let report = idrift_app::ops::scan::scan(&loaded.snapshot, &opts, &filter);
    if let Some(path) = csv {
        idrift_app::scan::write_csv_file(path, &report.findings, args.encoding)?;
    }
    let body = wire::ScanResult {
        report: &report,
        routing_domain: report.routing_domain.as_deref(),
        notes: &report.notes,
        csv_path: csv.map(Path::to_path_buf),
    };
    ok(&body, &loaded.warnings)
}

/// `idrift plan`.
fn plan(args: wire::PlanArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Plan";
    let loaded = targets::load(OP, &args.source, LoadProfile::Full)?;
    let planned = idrift_app::ops::plan::plan(
        &loaded.snapshot,
        &args.user.user_principal_name,
        &args.user.scope.options(),
        &args.user.plan_options(),
        args.option,
    )?;
    ok(&planned, &loaded.warnings)
}

/// `idrift migration verify` (files, and with `Identities` a live fetch from Exchange Online): unreadable
/// inputs are reported beside the users that could be read.
fn migration_verify(args: wire::MigrationVerifyArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Migration.Verify";
    if args.paths.is_empty() && args.identities.is_empty() {
        return Err(CallError::invalid(
            OP,
            "Paths and Identities are empty: name at least one file, folder or migration user",
        ));
    }
    let live = !args.identities.is_empty();
    let config = live
        .then(|| targets::cloud_config(args.cloud.as_ref()))
        .transpose()?;
    let live = config.as_ref().map(|c| (c, args.identities.as_slice()));
    let outcome = runtime::block_on(idrift_app::ops::verify::verify(&args.paths, live))?;
    let errors = outcome.errors.iter().map(|e| wire::ErrorBody {
        kind: crate::error::app_kind(e),
        message: e.to_string().into(),
    });
    let body = wire::MigrationVerifyResult {
        report: &outcome.report,
        errors: errors.collect(),
    };
    ok(&body, &outcome.warnings)
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
    /// Panic inside a task on the library's runtime instead of on the calling thread.
    #[serde(default)]
    in_runtime: bool,
}

#[cfg(feature = "test-ops")]
#[expect(clippy::panic, reason = "the test-only operation exists to panic")]
fn test_panic(args: TestPanicArgs) -> Result<Vec<u8>, CallError> {
    if args.in_runtime {
        let message = args.message.clone();
        let joined =
            runtime::block_on(
                async move { tokio::spawn(async move { panic!("{message}") }).await },
            )?;
        // A task's panic is caught by tokio and reported as a JoinError; re-raise it on this thread.
        if let Err(e) = joined
            && e.is_panic()
        {
            std::panic::resume_unwind(e.into_panic());
        }
        return Err(CallError::Internal("the task did not panic".to_owned()));
    }
    if args.non_text {
        std::panic::panic_any(42_u32);
    }
    panic!("{}", args.message)
}

#[cfg(test)]
mod tests;
