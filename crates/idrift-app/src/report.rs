//! `idrift report`: everything idrift knows about a tenant, gathered for one self-contained HTML file that
//! an admin hands to a manager, a change board or a customer.
//!
//! [`build`] runs the scan, the DirSyncOverrides comparison, the bypass preview and the remediation plans
//! over a loaded snapshot, reads the optional migration reports, change journals and previous scan, and
//! returns a [`Report`]; [`html::render`] turns it into HTML (every directory value escaped) and
//! [`write_html`] writes it atomically. [`lint_source`] lints the AD source when it is a file, a snapshot or the
//! demo, so the report carries IdFix's checks too.

pub mod html;

use std::path::{Path, PathBuf};

use idrift_core::dirsync::DirSyncSummary;
use idrift_core::lint::{LintOptions, LintReport};
use idrift_core::migration::UserVerification;
use idrift_core::model::Snapshot;
use idrift_core::plan::{PlanOptions, RemediationOption, plan_with};
use idrift_core::scan::{FindingKind, ScanOptions, ScanReport};

use crate::AppError;
use crate::diff::{ScanDiff, diff, load_scan, parse_scan_json};
use crate::dirsync_ops::{BypassPreview, bypass_preview};
use crate::files::write_atomic;
use crate::journal::{JournalLog, OpStatus};

/// How many users get their remediation options worked out in full; past that, findings show the
/// recommendation and the `idrift plan` command (planning is per user and would dominate a huge report).
pub const PLAN_LIMIT: usize = 500;

/// An Exchange finding's recommended fix.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedFix {
    /// The user.
    pub user_principal_name: String,
    /// The recommended option (the first one when none is marked), with its exact steps.
    pub option: Option<RemediationOption>,
}

/// One change record of a journal.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    /// The object changed (a UPN, or `tenant`).
    pub target: String,
    /// The operation (`ad.phones`, ...).
    pub op: String,
    /// When it was written (the outcome's time, else the start's, else the journal's).
    pub at: String,
    /// The value before, as compact JSON.
    pub before: String,
    /// The value after, as compact JSON.
    pub after: String,
    /// Where it stands: `applied`, `skipped`, `conflict`, ...
    pub status: String,
}

/// One journal read for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalSummary {
    /// The file.
    pub path: PathBuf,
    /// The command that wrote it.
    pub command: String,
    /// The tool and version that ran it (journals record no account; the run's operator is whoever ran it).
    pub tool: String,
    /// When the run started.
    pub created: String,
    /// The journal this one undoes, when it is an undo run.
    pub undoes: Option<String>,
    /// Whether another journal given undoes this one.
    pub undone: bool,
    /// The planned writes with their outcome.
    pub changes: Vec<ChangeRecord>,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// What was read (e.g. `demo snapshot`, a directory, or the live sources).
    pub source: String,
    /// When the report was made (ISO 8601 UTC, from the caller's clock).
    pub generated: String,
    /// The tool and version.
    pub tool: String,
    /// The scan.
    pub scan: ScanReport,
    /// The DirSyncOverrides totals (users matched and unmatched, real and format-only drift).
    pub dirsync: DirSyncSummary,
    /// What enabling BypassDirSyncOverrides would overwrite.
    pub bypass: BypassPreview,
    /// The recommended fix per user with Exchange findings (at most [`PLAN_LIMIT`] users).
    pub fixes: Vec<PlannedFix>,
    /// The IdFix-style lint of the AD source, when it was linted.
    pub lint: Option<LintReport>,
    /// Migration verdicts, when reports were given.
    pub migration: Option<Vec<UserVerification>>,
    /// The journals given.
    pub journals: Vec<JournalSummary>,
    /// The trend against a previous scan, with the previous scan's name.
    pub trend: Option<(String, ScanDiff)>,
    /// Inputs that could not be read (named) and notes of the scan.
    pub notes: Vec<String>,
}

/// The optional inputs of a report.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Migration report files or folders.
    pub migration: Vec<PathBuf>,
    /// Change journals.
    pub journals: Vec<PathBuf>,
    /// A previous scan JSON file or snapshot directory.
    pub previous: Option<PathBuf>,
    /// The lint of the AD source (see [`lint_source`]).
    pub lint: Option<LintReport>,
}

/// The AD source a report lints: the lint reader needs the raw entries (every attribute the IdFix rules read),
/// which files, snapshots and the demo have.
#[derive(Debug, Clone, Copy)]
pub enum LintSource<'a> {
    /// The bundled demo's `ad.ldif`.
    Demo,
    /// A snapshot directory's `ad.ldif`.
    Snapshot(&'a Path),
    /// An LDIF file.
    Ldif(&'a Path),
}

/// Lints `source` for the report, with the scan's sync scope.
///
/// # Errors
/// The LDIF cannot be read or is not LDIF (naming the file and line).
pub fn lint_source(source: LintSource<'_>, sync_scope: &[String]) -> Result<LintReport, AppError> {
    let options = LintOptions {
        sync_scope: sync_scope.to_vec(),
        ..LintOptions::default()
    };
    match source {
        LintSource::Demo => crate::demo::lint(options),
        LintSource::Snapshot(dir) => crate::lint::lint_snapshot(dir, options),
        LintSource::Ldif(path) => crate::lint::lint_ldif(path, options),
    }
}

/// What the report header says.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// What was read.
    pub source: String,
    /// When (ISO 8601 UTC).
    pub generated: String,
}

/// Builds the report over a loaded snapshot.
///
/// # Errors
/// A journal, migration report or previous scan that cannot be read, naming the file and line.
pub fn build(
    snapshot: &Snapshot,
    opts: &ScanOptions,
    extras: &Extras,
    header: Header,
) -> Result<Report, AppError> {
    let scan = crate::scan::scan(snapshot, opts);
    let dirsync = crate::dirsync::compare(snapshot, &opts.phone).summary;
    let features = snapshot
        .tenant_sync
        .as_ref()
        .map(|s| s.features.clone())
        .unwrap_or_default();
    let bypass = bypass_preview(
        &snapshot.on_prem,
        &snapshot.cloud,
        &features,
        &opts.phone,
        snapshot.anchor,
    );
    let fixes = plan_fixes(snapshot, &scan);
    let migration = if extras.migration.is_empty() {
        None
    } else {
        let outcome = crate::migration::verify_paths(&extras.migration);
        if let Some(e) = outcome.errors.into_iter().next() {
            return Err(e);
        }
        Some(outcome.report.users)
    };
    let logs = extras
        .journals
        .iter()
        .map(|p| crate::journal::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let trend = match &extras.previous {
        None => None,
        Some(p) => {
            let previous = load_scan(p, opts)?;
            Some((
                p.display().to_string(),
                diff(&previous.findings, &scan.findings),
            ))
        }
    };
    let notes = scan.notes.clone();
    Ok(Report {
        source: header.source,
        generated: header.generated,
        tool: crate::journal::tool_version(),
        scan,
        dirsync,
        bypass,
        fixes,
        lint: extras.lint.clone(),
        migration,
        journals: summarize_journals(&logs),
        trend,
        notes,
    })
}

/// The recommended option for each user with Exchange findings, up to [`PLAN_LIMIT`] users.
fn plan_fixes(snapshot: &Snapshot, scan: &ScanReport) -> Vec<PlannedFix> {
    let mut seen = std::collections::HashSet::new();
    let mut fixes = Vec::new();
    for f in &scan.findings {
        if f.kind == FindingKind::DirSyncOverride || f.kind == FindingKind::ProvisioningError {
            continue;
        }
        if fixes.len() >= PLAN_LIMIT {
            break;
        }
        if !seen.insert(f.user_principal_name.to_lowercase()) {
            continue;
        }
        let plan = plan_with(
            &f.user_principal_name,
            scan,
            snapshot,
            &PlanOptions::default(),
        );
        let option = plan.and_then(|p| {
            let first = p.options.first().cloned();
            p.options.into_iter().find(|o| o.recommended).or(first)
        });
        fixes.push(PlannedFix {
            user_principal_name: f.user_principal_name.clone(),
            option,
        });
    }
    fixes
}

/// The journals' change records, each marked undone when another journal given undoes it (matched by its
/// plan hash, which an undo journal's header names).
pub fn summarize_journals(logs: &[JournalLog]) -> Vec<JournalSummary> {
    logs.iter()
        .map(|log| {
            let needle = format!("(plan {})", log.header.plan_hash);
            let undone = logs.iter().any(|other| {
                other
                    .header
                    .undoes
                    .as_deref()
                    .is_some_and(|u| u.contains(&needle))
                    && other.ops().iter().any(|o| o.status == OpStatus::Applied)
            });
            let changes = log
                .ops()
                .into_iter()
                .map(|o| {
                    let at = o
                        .outcome
                        .as_ref()
                        .map(|x| x.at.clone())
                        .or_else(|| o.started.as_ref().map(|s| s.at.clone()))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| log.header.created.clone());
                    let before = o.started.as_ref().map_or(&o.planned.before, |s| &s.before);
                    ChangeRecord {
                        target: o.planned.target.clone(),
                        op: o.planned.op.clone(),
                        at,
                        before: compact(before),
                        after: compact(&o.planned.after),
                        status: o.status.label().to_owned(),
                    }
                })
                .collect();
            JournalSummary {
                path: log.path.clone(),
                command: log.header.command.clone(),
                tool: log.header.tool.clone(),
                created: log.header.created.clone(),
                undoes: log.header.undoes.clone(),
                undone,
                changes,
            }
        })
        .collect()
}

fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The bundled demo's extras (a migration report, three journals of which one undoes another, and a
/// previous scan), so `idrift report --demo` fills every section.
///
/// # Errors
/// Only if the bundled files were broken at build time (a test guards against it).
pub fn demo_extras(report: &mut Report) -> Result<(), AppError> {
    const MIGRATION: &str = include_str!("../../../examples/migration/article-user.xml");
    const JOURNALS: [(&str, &str); 3] = [
        (
            "persist-grace.jsonl",
            include_str!("../../../examples/demo/report/persist-grace.jsonl"),
        ),
        (
            "undo-grace.jsonl",
            include_str!("../../../examples/demo/report/undo-grace.jsonl"),
        ),
        (
            "persist-edsger.jsonl",
            include_str!("../../../examples/demo/report/persist-edsger.jsonl"),
        ),
    ];
    const PREVIOUS: &str = include_str!("../../../examples/demo/report/previous-scan.json");
    let demo = |name: &str| PathBuf::from(format!("<demo>/{name}"));
    if report.migration.is_none() {
        let (_, users) = crate::migration::verify_text("article-user", MIGRATION).map_err(|e| {
            AppError::Parse {
                path: demo("article-user.xml"),
                message: e.to_string(),
            }
        })?;
        report.migration = Some(users);
    }
    if report.journals.is_empty() {
        let logs = JOURNALS
            .iter()
            .map(|(name, text)| crate::journal::parse(&demo(name), text))
            .collect::<Result<Vec<_>, _>>()?;
        report.journals = summarize_journals(&logs);
    }
    if report.trend.is_none() {
        let name = demo("previous-scan.json");
        let previous = parse_scan_json(&name, PREVIOUS)?;
        report.trend = Some((
            name.display().to_string(),
            diff(&previous.findings, &report.scan.findings),
        ));
    }
    Ok(())
}

/// Renders the report and writes it to `path` atomically.
///
/// # Errors
/// [`AppError::Write`] naming the file.
pub fn write_html(path: &Path, report: &Report) -> Result<(), AppError> {
    let text = html::render(report);
    write_atomic(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(crate::files::write_err(path))
    })
}

#[cfg(test)]
mod tests;
