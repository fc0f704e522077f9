//! `idrift diff`: what changed between two scans. A finding's identity is its kind plus its object (the
//! Entra ObjectId, else the AD DistinguishedName, else the UPN, compared case-insensitively), so a finding
//! that keeps its identity but changes severity, evidence or recommendation is *changed*, not new.
//!
//! Each side is a scan JSON file (`idrift scan --format json`, `{"Summary":...,"Findings":[...]}`) or a
//! snapshot directory, which is scanned on the fly with default options.

use std::collections::HashMap;
use std::path::Path;

use idrift_core::scan::{Finding, ScanOptions, ScanReport};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::files::read_text;
use crate::snapshot::{LoadProfile, load_dir_with};

/// Counts of a diff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiffSummary {
    /// Findings only in the new scan.
    pub new: usize,
    /// Findings only in the old scan.
    pub resolved: usize,
    /// Findings in both whose severity, evidence, recommendation or names changed.
    pub changed: usize,
    /// Findings in both, identical.
    pub unchanged: usize,
}

/// One finding present in both scans that differs between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangedFinding {
    /// The finding as the old scan had it.
    pub before: Finding,
    /// The finding as the new scan has it.
    pub after: Finding,
    /// The fields that differ (`Severity`, `Evidence`, `Recommendation`, `UserPrincipalName`,
    /// `ObjectId`, `DistinguishedName`).
    pub fields: Vec<String>,
}

/// The outcome of [`diff`]: `{"Summary":{...},"New":[...],"Resolved":[...],"Changed":[...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanDiff {
    /// The counts.
    pub summary: DiffSummary,
    /// Findings only in the new scan, in its order.
    pub new: Vec<Finding>,
    /// Findings only in the old scan, in its order.
    pub resolved: Vec<Finding>,
    /// Findings in both that differ, in the new scan's order.
    pub changed: Vec<ChangedFinding>,
    /// Findings in both, identical (not serialized; the trend section of the report lists them).
    #[serde(skip)]
    pub unchanged: Vec<Finding>,
}

impl ScanDiff {
    /// Whether the new scan has findings the old one did not.
    pub fn has_new(&self) -> bool {
        !self.new.is_empty()
    }
}

/// A finding's identity: its kind and the first non-empty of ObjectId, DistinguishedName and UPN
/// (lower-cased; directory names compare case-insensitively).
pub fn identity(f: &Finding) -> (String, String) {
    let object = [&f.object_id, &f.distinguished_name, &f.user_principal_name]
        .into_iter()
        .find(|s| !s.is_empty())
        .map(|s| s.to_lowercase())
        .unwrap_or_default();
    (f.kind.as_str().to_owned(), object)
}

fn changed_fields(a: &Finding, b: &Finding) -> Vec<String> {
    let mut fields = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            fields.push(name.to_owned());
        }
    };
    check("Severity", a.severity != b.severity);
    check("Evidence", a.evidence != b.evidence);
    check("Recommendation", a.recommendation != b.recommendation);
    check(
        "UserPrincipalName",
        a.user_principal_name != b.user_principal_name,
    );
    check("ObjectId", a.object_id != b.object_id);
    check(
        "DistinguishedName",
        a.distinguished_name != b.distinguished_name,
    );
    fields
}

/// Compares two lists of findings. Findings that share an identity within one scan are paired in order.
pub fn diff(old: &[Finding], new: &[Finding]) -> ScanDiff {
    // Old findings by identity, as a stack of indices so the first one pairs first.
    let mut pending: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, f) in old.iter().enumerate().rev() {
        pending.entry(identity(f)).or_default().push(i);
    }
    let mut paired = vec![false; old.len()];
    let mut out = ScanDiff::default();
    for f in new {
        let before = pending
            .get_mut(&identity(f))
            .and_then(Vec::pop)
            .and_then(|i| {
                let slot = paired.get_mut(i)?;
                *slot = true;
                old.get(i)
            });
        match before {
            None => out.new.push(f.clone()),
            Some(before) => {
                let fields = changed_fields(before, f);
                if fields.is_empty() {
                    out.unchanged.push(f.clone());
                } else {
                    out.changed.push(ChangedFinding {
                        before: before.clone(),
                        after: f.clone(),
                        fields,
                    });
                }
            }
        }
    }
    // What is left of the old scan was resolved, in the old scan's order.
    out.resolved = old
        .iter()
        .zip(&paired)
        .filter(|(_, p)| !**p)
        .map(|(f, _)| f.clone())
        .collect();
    out.summary = DiffSummary {
        new: out.new.len(),
        resolved: out.resolved.len(),
        changed: out.changed.len(),
        unchanged: out.unchanged.len(),
    };
    out
}

/// Parses scan JSON (`{"Summary":...,"Findings":[...]}`, or a bare array of findings).
///
/// # Errors
/// [`AppError::Parse`] naming the file, the line and column, and what was expected.
pub fn parse_scan_json(path: &Path, text: &str) -> Result<ScanReport, AppError> {
    let text = text.trim_start_matches('\u{feff}');
    crate::strict::check_json(path, text, 1)?;
    let parse_err = |e: serde_json::Error| {
        AppError::parse(
            path,
            format!(
                "line {} column {}: not scan JSON ({{\"Summary\":...,\"Findings\":[...]}}, the JSON report of a scan): {e}",
                e.line(),
                e.column()
            ),
        )
    };
    if text.trim_start().starts_with('[') {
        let findings: Vec<Finding> = serde_json::from_str(text).map_err(parse_err)?;
        let mut report = ScanReport {
            findings,
            ..ScanReport::default()
        };
        report.retain(|_| true);
        return Ok(report);
    }
    let mut report: ScanReport = serde_json::from_str(text).map_err(parse_err)?;
    // The summary is recounted so a hand-edited file cannot disagree with its findings.
    report.retain(|_| true);
    Ok(report)
}

/// Reads one side of a diff: a scan JSON file, or a snapshot directory scanned with `opts`.
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file; the snapshot loader's errors.
pub fn load_scan(path: &Path, opts: &ScanOptions) -> Result<ScanReport, AppError> {
    if path.is_dir() {
        let loaded = load_dir_with(path, LoadProfile::Scan)?;
        return Ok(crate::scan::scan(&loaded.snapshot, opts));
    }
    let text = read_text(path)?;
    parse_scan_json(path, &text)
}

#[cfg(test)]
mod tests;
