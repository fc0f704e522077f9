//! `Report` (`idrift report`) and `Scan.Diff` (`idrift diff`): the same `idrift_app::report` and
//! `idrift_app::diff` calls the CLI makes, for `Export-DriftReport` and `Compare-DriftScan`.

use std::path::PathBuf;

use idrift_app::ops::trend::{self as op, ReportRequest};
use idrift_app::report::{Extras, Header};

use crate::error::CallError;
use crate::targets::{self, absolute};
use crate::wire::{ReportArgs, ScanDiffArgs, SourceKind, SourceSpec};
use crate::{host, wire};

/// What the report's header says was read.
fn describe(source: &SourceSpec) -> String {
    match &source.kind {
        SourceKind::Demo => "demo snapshot".to_owned(),
        SourceKind::Snapshot { path, .. } => format!("snapshot {}", path.display()),
        SourceKind::Files { ad, entra, .. } => {
            let names: Vec<String> = [ad, entra]
                .into_iter()
                .flatten()
                .map(|p| p.display().to_string())
                .collect();
            format!("files {}", names.join(", "))
        }
        SourceKind::Live { .. } => "live directories".to_owned(),
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
    let out = op::report_path(absolute(OP, "OutPath", &args.out_path)?);
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
    let opts = args.scope.options();
    let header = Header {
        source: describe(&args.source),
        generated: idrift_app::timefmt::iso8601(host::now_unix()),
    };
    let req = ReportRequest {
        scan: &opts,
        extras: &extras,
        header,
        demo: matches!(args.source.kind, SourceKind::Demo),
    };
    let body = op::report(&loaded.snapshot, req, &out)?;
    wire::ok(&body, &loaded.warnings)
}

/// `idrift diff OLD NEW`.
pub(crate) fn diff(args: ScanDiffArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Scan.Diff";
    let old = absolute(OP, "Old", &args.old)?;
    let new = absolute(OP, "New", &args.new)?;
    let opts = args.scope.options();
    let d = op::scan_diff(old, new, &opts)?;
    wire::ok(&d, &[])
}

#[cfg(test)]
mod tests;
