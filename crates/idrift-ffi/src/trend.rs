//! `Report` (`idrift report`) and `Scan.Diff` (`idrift diff`): the same `idrift_app::report` and
//! `idrift_app::diff` calls the CLI makes, for `Export-DriftReport` and `Compare-DriftScan`.

use std::path::PathBuf;

use idrift_app::ops::trend::{self as op, ReportRequest};
use idrift_app::report::Extras;

use crate::error::CallError;
use crate::targets::{self, absolute};
use crate::wire::{ReportArgs, ScanDiffArgs};
use crate::{host, wire};

fn absolute_all(
    op: &'static str,
    field: &str,
    paths: &[PathBuf],
) -> Result<Vec<PathBuf>, CallError> {
    let own = |p: &PathBuf| Ok(absolute(op, field, p)?.to_path_buf());
    paths.iter().map(own).collect()
}

/// `idrift report`.
pub(crate) fn report(args: ReportArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Report";
    let out = op::report_path(absolute(OP, "OutPath", &args.out_path)?);
    let extras = Extras {
        migration: absolute_all(OP, "Migration", &args.migration)?,
        journals: absolute_all(OP, "Journals", &args.journals)?,
        previous: targets::optional(OP, "Previous", args.previous.as_ref())?,
        lint: None,
    };
    let spec = targets::spec(OP, &args.source)?;
    let loaded = targets::load(OP, &args.source, idrift_app::snapshot::LoadProfile::Full)?;
    let req = ReportRequest {
        scan: &args.scope.options(),
        extras,
        source: &spec,
        generated: idrift_app::timefmt::iso8601(host::now_unix()),
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
