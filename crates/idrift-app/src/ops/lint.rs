//! `lint`: IdFix's checks over the AD side of a source, completed by what the Entra side says about the tenant
//! (its users and verified domains). The CLI's `idrift lint` and the FFI's `Lint` both call [`check`]; `lint
//! apply` and `Lint.Fix` both plan with [`plan`] and write with [`crate::lint::apply_fixes`], which [`fix`]
//! runs for `Lint.Fix` and turns into its result.

use std::path::{Path, PathBuf};

use idrift_core::lint::{LintOptions, LintReport};
use serde::Serialize;

use crate::AppError;
use crate::journal::{Clock, Planned, RunReport, number};
use crate::lint::{FixPlan, FixRow, LintTarget, Refused};
use crate::source::{Resolver, SourceSpec};

/// Lints the AD side `spec` names with `options`, completed by the facts of the Entra side it names and of
/// `domains_file` (a `GET /domains` export), when given. Returns the report and the warnings of every read,
/// the Entra side's first.
///
/// # Errors
/// As for [`crate::lint::cloud_facts`] and [`crate::source::lint_ad`].
pub async fn check(
    spec: &SourceSpec,
    r: &Resolver<'_>,
    domains_file: Option<&Path>,
    mut options: LintOptions,
) -> Result<(LintReport, Vec<String>), AppError> {
    let facts = crate::lint::cloud_facts(spec, r, domains_file).await?;
    let mut warnings = facts.warnings.clone();
    facts.apply_to(&mut options);
    let (report, more) = crate::source::lint_ad(spec, r, options).await?;
    warnings.extend(more);
    Ok((report, warnings))
}

/// What `lint apply` did, or would do, as the FFI's `Lint.Fix` returns it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FixRun {
    /// The command recorded in the journal.
    pub command: String,
    /// What the writes go to, in words.
    pub writes_to: String,
    /// Whether the writes were executed (false for a dry run, or when there was nothing to write).
    pub applied: bool,
    /// The planned writes, with the values before and after.
    pub planned: Vec<Planned>,
    /// The rows refused (a duplicate with every holder, an attribute lint does not write, ...).
    pub refused: Vec<Refused>,
    /// The rows with nothing to do.
    pub complete: usize,
    /// The outcome of each write, after an apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RunReport>,
    /// The journal written, after an apply.
    pub journal_path: Option<PathBuf>,
    /// The undo LDIF written, after an apply that wrote.
    pub undo_ldif_path: Option<PathBuf>,
}

/// How a `lint apply` is carried out: on which rows, which of their writes, whether to write at all.
pub struct FixRequest<'a> {
    /// The rows: lint's CSV (or IdFix's export) read, or lint's error objects.
    pub rows: &'a [FixRow],
    /// With `apply`: only the writes to these objects (DNs, as the front end's user approved them); all when empty.
    pub only: &'a [String],
    /// Execute the writes; otherwise the plan only.
    pub apply: bool,
    /// What journal entries are stamped with.
    pub clock: Clock,
    /// The undo LDIF to write (default: beside the journal).
    pub undo_ldif: Option<&'a Path>,
}

/// The plan of `rows` ([`crate::lint::plan_fixes`]), keeping only the writes to the objects in `only` (DNs,
/// any case; all when empty), numbered again.
#[must_use]
pub fn plan(rows: &[FixRow], only: &[String]) -> FixPlan {
    let mut plan = crate::lint::plan_fixes(rows);
    if !only.is_empty() {
        let ops = &mut plan.spec.ops;
        ops.retain(|o| only.iter().any(|d| d.eq_ignore_ascii_case(&o.target)));
        number(ops);
    }
    plan
}

/// `lint apply`: plans `req.rows` ([`plan`], `req.only` with `req.apply`) and, with `req.apply` and something
/// to write, runs the plan on `target` into the journal `journal` names for the command, writing the undo
/// LDIF ([`crate::lint::apply_fixes`]).
///
/// # Errors
/// `journal`'s error; as for [`crate::lint::apply_fixes`].
pub async fn fix<E: From<AppError>>(
    req: FixRequest<'_>,
    target: &dyn LintTarget,
    journal: impl FnOnce(&str) -> Result<PathBuf, E>,
) -> Result<FixRun, E> {
    let plan = plan(req.rows, if req.apply { req.only } else { &[] });
    let mut out = FixRun {
        command: plan.spec.command.clone(),
        writes_to: target.description(),
        applied: false,
        planned: plan.spec.ops.clone(),
        refused: plan.refused,
        complete: plan.complete,
        report: None,
        journal_path: None,
        undo_ldif_path: None,
    };
    if req.apply && !plan.spec.ops.is_empty() {
        let path = journal(&plan.spec.command)?;
        let run =
            crate::lint::apply_fixes(&path, &plan.spec, target, req.clock, req.undo_ldif).await?;
        out.applied = true;
        out.journal_path = Some(path);
        out.undo_ldif_path = run.undo_ldif;
        out.report = Some(run.report);
    }
    Ok(out)
}

/// Lint's error objects (the rows of its CSV, as JSON) as rows to fix, numbered from 1 as the lines of a CSV
/// would be.
///
/// # Errors
/// The index (from 0) of the first object that is not a row, and why.
pub fn rows_of(values: Vec<serde_json::Value>) -> Result<Vec<FixRow>, (usize, String)> {
    values
        .into_iter()
        .zip(0..)
        .zip(1..)
        .map(|((v, index), line)| {
            let row: FixRow = serde_json::from_value(v).map_err(|e| (index, e.to_string()))?;
            Ok(FixRow { line, ..row })
        })
        .collect()
}
