//! The trend commands as operations: the HTML report of one source (`idrift report`, the FFI's `Report`) and
//! what changed between two scans (`idrift diff`, the FFI's `Scan.Diff`).

use std::path::{Path, PathBuf};

use idrift_core::model::Snapshot;
use idrift_core::scan::ScanOptions;
use serde::Serialize;

use crate::AppError;
use crate::diff::{ScanDiff, diff, load_scan};
use crate::report::{Extras, Header, build, demo_extras, write_html};

/// The file name a report gets inside a directory.
pub const REPORT_FILE: &str = "idrift-report.html";

/// Where a report named `given` is written: `given`, or [`REPORT_FILE`] inside it when it is a directory.
#[must_use]
pub fn report_path(given: &Path) -> PathBuf {
    if given.is_dir() {
        given.join(REPORT_FILE)
    } else {
        given.to_path_buf()
    }
}

/// A report written.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReportWritten {
    /// The file written.
    pub path: PathBuf,
    /// How many findings the report holds.
    pub findings: usize,
}

/// What a report is made of besides the data: the scan's options, the extra files, the header, and whether the
/// data is the demo's (which brings its own migration reports and journals).
pub struct ReportRequest<'a> {
    /// How the findings are scanned.
    pub scan: &'a ScanOptions,
    /// Migration reports, journals, the previous scan, lint.
    pub extras: &'a Extras,
    /// What was read, and when.
    pub header: Header,
    /// The data is the demo snapshot.
    pub demo: bool,
}

/// Builds the report of `snapshot` and writes it to `out` as one self-contained HTML file.
///
/// # Errors
/// The extra files' read errors; the write error (nothing partial is left).
pub fn report(
    snapshot: &Snapshot,
    req: ReportRequest<'_>,
    out: &Path,
) -> Result<ReportWritten, AppError> {
    let mut report = build(snapshot, req.scan, req.extras, req.header)?;
    if req.demo {
        demo_extras(&mut report)?;
    }
    write_html(out, &report)?;
    Ok(ReportWritten {
        path: out.to_path_buf(),
        findings: report.scan.summary.total,
    })
}

/// What changed between the scan at `old` and the one at `new` (scan JSON, or a snapshot directory scanned
/// now with `opts`).
///
/// # Errors
/// Either file's read or parse errors.
pub fn scan_diff(old: &Path, new: &Path, opts: &ScanOptions) -> Result<ScanDiff, AppError> {
    let old = load_scan(old, opts)?;
    let new = load_scan(new, opts)?;
    Ok(diff(&old.findings, &new.findings))
}

#[cfg(test)]
mod tests;
