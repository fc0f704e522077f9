//! `scan`: the health checks over a loaded source, narrowed to the kinds and severity asked for. The CLI's
//! `idrift scan` and the FFI's `Scan` both call [`scan`].

use idrift_core::model::Snapshot;
use idrift_core::scan::{FindingKind, ScanOptions, ScanReport, Severity};

/// Which findings the report keeps.
#[derive(Debug, Clone, Default)]
pub struct ScanFilter {
    /// Only these kinds; empty keeps every kind.
    pub kinds: Vec<FindingKind>,
    /// Only findings at least this severe; `None` keeps every severity.
    pub min_severity: Option<Severity>,
}

impl ScanFilter {
    /// Whether the filter keeps everything.
    fn keeps_all(&self) -> bool {
        self.kinds.is_empty() && self.min_severity.is_none()
    }
}

/// Runs every check on `snapshot` and keeps the findings `filter` selects (the summary counts what is kept).
pub fn scan(snapshot: &Snapshot, opts: &ScanOptions, filter: &ScanFilter) -> ScanReport {
    let mut report = crate::scan::scan(snapshot, opts);
    if !filter.keeps_all() {
        let min = filter.min_severity.unwrap_or(Severity::Info);
        report.retain(|f| {
            (filter.kinds.is_empty() || filter.kinds.contains(&f.kind)) && f.severity >= min
        });
    }
    report
}

#[cfg(test)]
mod tests;
