//! `Report` (`idrift report`) and `Scan.Diff` (`idrift diff`): the same `idrift_app::report` and
//! `idrift_app::diff` calls the CLI makes, for `Export-DriftReport` and `Compare-DriftScan`.

use std::path::PathBuf;

use idrift_app::report::{Extras, Header, build, demo_extras, write_html};
use idrift_core::phone::PhoneOptions;
use idrift_core::scan::ScanOptions;

use crate::error::CallError;
use crate::targets::{self, absolute};
use crate::wire::{ReportArgs, ReportResult, ScanDiffArgs, SourceSpec};
use crate::{host, wire};

/// The file name a report gets inside a directory, as the CLI's default `--out`.
const REPORT_FILE: &str = "idrift-report.html";

fn scan_options(
    routing_domain: Option<String>,
    sync_scope: Vec<String>,
    default_region: Option<String>,
) -> ScanOptions {
    ScanOptions {
        phone: PhoneOptions { default_region },
        routing_domain,
        sync_scope,
    }
}

/// What the report's header says was read.
fn describe(source: &SourceSpec) -> String {
    match source {
        SourceSpec::Demo => "demo snapshot".to_owned(),
        SourceSpec::Snapshot { path, .. } => format!("snapshot {}", path.display()),
        SourceSpec::Files { ad, entra, .. } => {
            let names: Vec<String> = [ad, entra]
                .into_iter()
                .flatten()
                .map(|p| p.display().to_string())
                .collect();
            format!("files {}", names.join(", "))
        }
        SourceSpec::Live { .. } => "live directories".to_owned(),
    }
}

fn absolute_all(
    op: &'static str,
    field: &str,
    paths: &[PathBuf],
) -> Result<Vec<PathBuf>, CallError> {
    paths
        .iter()
        .map(|p| absolute(op, field, p).map(std::path::Path::to_path_buf))
        .collect()
}

/// `idrift report`.
pub(crate) fn report(args: ReportArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Report";
    let out = absolute(OP, "OutPath", &args.out_path)?;
    let out = if out.is_dir() {
        out.join(REPORT_FILE)
    } else {
        out.to_path_buf()
    };
    let extras = Extras {
        migration: absolute_all(OP, "Migration", &args.migration)?,
        journals: absolute_all(OP, "Journals", &args.journals)?,
        previous: args
            .previous
            .as_deref()
            .map(|p| absolute(OP, "Previous", p).map(std::path::Path::to_path_buf))
            .transpose()?,
        lint: None,
    };
    let loaded = targets::load(OP, &args.source, idrift_app::snapshot::LoadProfile::Full)?;
    let opts = scan_options(args.routing_domain, args.sync_scope, args.default_region);
    let header = Header {
        source: describe(&args.source),
        generated: idrift_app::timefmt::iso8601(host::now_unix()),
    };
    let mut report = build(&loaded.snapshot, &opts, &extras, header)?;
    if matches!(args.source, SourceSpec::Demo) {
        demo_extras(&mut report)?;
    }
    write_html(&out, &report)?;
    let body = ReportResult {
        path: out,
        findings: report.scan.summary.total,
    };
    wire::encode_ok(&body, &loaded.warnings)
        .map_err(|e| CallError::Internal(format!("the response could not be encoded: {e}")))
}

/// `idrift diff OLD NEW`.
pub(crate) fn diff(args: ScanDiffArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Scan.Diff";
    let old = absolute(OP, "Old", &args.old)?;
    let new = absolute(OP, "New", &args.new)?;
    let opts = scan_options(args.routing_domain, args.sync_scope, args.default_region);
    let old = idrift_app::diff::load_scan(old, &opts)?;
    let new = idrift_app::diff::load_scan(new, &opts)?;
    let d = idrift_app::diff::diff(&old.findings, &new.findings);
    wire::encode_ok(&d, &[])
        .map_err(|e| CallError::Internal(format!("the response could not be encoded: {e}")))
}

#[cfg(test)]
mod tests;
