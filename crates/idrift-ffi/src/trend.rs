//! `Report` (`idrift report`) and `Scan.Diff` (`idrift diff`): the same `idrift_app::report` and
//! `idrift_app::diff` calls the CLI makes, for `Export-DriftReport` and `Compare-DriftScan`.

use idrift_app::ops::trend::{self as op, ReportRequest};
use idrift_app::report::Extras;

use crate::error::CallError;
use crate::targets;
use crate::wire::{ReportArgs, ScanDiffArgs};
use crate::{host, wire};

/// `idrift report`.
pub(crate) fn report(args: ReportArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Report";
    let out = op::report_path(&args.out_path);
    let extras = Extras {
        migration: args.migration,
        journals: args.journals,
        previous: args.previous,
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
    let (old, new) = (&args.old, &args.new);
    let opts = args.scope.options();
    let d = op::scan_diff(old, new, &opts)?;
    wire::ok(&d, &[])
}

#[cfg(test)]
mod tests;
