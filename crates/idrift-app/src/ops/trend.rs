//! The trend commands as operations: the HTML report of one source (`idrift report`, the FFI's `Report`) and
//! what changed between two scans (`idrift diff`, the FFI's `Scan.Diff`).

use std::path::{Path, PathBuf};

use idrift_core::model::Snapshot;
use idrift_core::scan::ScanOptions;
use serde::Serialize;

use crate::AppError;
use crate::diff::{ScanDiff, diff, load_scan};
use crate::report::{Extras, Header, LintSource, build, demo_extras, lint_source, write_html};
use crate::source::{AdSource, Base, EntraSource, ExoSource, SourceSpec};

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

/// What a report is made of besides the data: the scan's options, the extra files, the source read (which
/// words the header, says whether the data is the demo's, which brings its own migration reports and journals,
/// and names the AD side the lint section reads) and when.
pub struct ReportRequest<'a> {
    /// How the findings are scanned.
    pub scan: &'a ScanOptions,
    /// Migration reports, journals, the previous scan (the lint is added from `source`).
    pub extras: Extras,
    /// What was read.
    pub source: &'a SourceSpec,
    /// When (ISO 8601 UTC).
    pub generated: String,
}

/// What the report's header says was read, in the same words for every front end: the demo, a snapshot
/// directory, or the parts named one by one (`AD ldaps://dc1, Entra graph`, `AD ad.ldif, Entra users.json`).
#[must_use]
pub fn describe(source: &SourceSpec) -> String {
    match &source.base {
        Some(Base::Demo) => return "demo snapshot".to_owned(),
        Some(Base::Snapshot(dir)) => return format!("snapshot {}", dir.display()),
        None => {}
    }
    let ad = source.ad.as_ref().map(|ad| match ad {
        AdSource::File(p) => format!("AD {}", p.display()),
        AdSource::Ldap(l) => format!("AD {}", l.url),
    });
    let entra = source.entra.as_ref().map(|e| match e {
        EntraSource::File(p) => format!("Entra {}", p.display()),
        EntraSource::Graph => "Entra graph".to_owned(),
    });
    let exo = source.exo.as_ref().map(|x| match x {
        ExoSource::File(p) => format!("Exchange {}", p.display()),
        ExoSource::Live => "Exchange exo".to_owned(),
    });
    [ad, entra, exo]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The AD source the report lints: the demo, a snapshot's `ad.ldif` or an LDIF export (a live read carries
/// only the attributes compare needs, so a live report leaves the lint section out; lint itself covers it).
fn lint_of(source: &SourceSpec) -> Option<LintSource<'_>> {
    match (&source.base, &source.ad) {
        (Some(Base::Demo), _) => Some(LintSource::Demo),
        (Some(Base::Snapshot(dir)), _) => Some(LintSource::Snapshot(dir)),
        (None, Some(AdSource::File(path))) => Some(LintSource::Ldif(path)),
        _ => None,
    }
}

/// Builds the report of `snapshot` and writes it to `out` as one self-contained HTML file.
///
/// # Errors
/// The extra files' read errors; the lint's (an LDIF that cannot be read); the write error (nothing partial is
/// left).
pub fn report(
    snapshot: &Snapshot,
    req: ReportRequest<'_>,
    out: &Path,
) -> Result<ReportWritten, AppError> {
    let lint = lint_of(req.source)
        .map(|src| lint_source(src, &req.scan.sync_scope))
        .transpose()?;
    let extras = Extras { lint, ..req.extras };
    let header = Header {
        source: describe(req.source),
        generated: req.generated,
    };
    let mut report = build(snapshot, req.scan, &extras, header)?;
    if req.source.base == Some(Base::Demo) {
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
