//! `Lint` and `Lint.Fix`: `idrift lint` and `idrift lint apply` for the module's `Invoke-DriftLint` and
//! `Invoke-DriftLintFix`, calling the same `idrift_app::lint` functions as the CLI.
//!
//! `Lint.Fix` takes the CSV (`FromCsv`) or the error objects `Lint` returned (`Rows`, e.g. piped and edited in
//! PowerShell), plans through `idrift_app::lint::plan_fixes`, and either returns the plan (a dry run) or, with
//! `Apply`, runs it through the journal with only the objects the host approved (`Only`, DNs).

use std::path::PathBuf;

use idrift_app::journal::{Planned, RunReport, number};
use idrift_app::lint::{FixRow, LintTarget, Refused};
use idrift_core::lint::{LintMode, LintOptions};
use serde::{Deserialize, Serialize};

use crate::error::CallError;
use crate::wire::{SourceSpec, WriteArgs};
use crate::{runtime, writes};

/// `Lint`: IdFix's checks over the AD side of the source.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LintArgs {
    source: SourceSpec,
    /// `MultiTenant` (default) or `Dedicated`.
    mode: Option<String>,
    /// Verified domains of the tenant.
    #[serde(default)]
    verified_domain: Vec<String>,
    /// OUs in sync scope.
    #[serde(default)]
    sync_scope: Vec<String>,
    /// The tenant's domains (`GET /domains` JSON); its verified ones count as verified domains.
    entra_domains: Option<PathBuf>,
    /// Also write IdFix's CSV here.
    out_path: Option<PathBuf>,
    /// The CSV's encoding: `Utf8` (default) or `Utf8Bom` (for Excel).
    #[serde(default)]
    encoding: idrift_app::files::CsvEncoding,
}

pub(crate) fn lint(args: LintArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Lint";
    let mode = args.mode.as_deref().map(str::parse::<LintMode>).transpose();
    let mode = mode
        .map_err(|e| CallError::invalid(OP, e))?
        .unwrap_or_default();
    let options = LintOptions {
        mode,
        verified_domains: args.verified_domain,
        sync_scope: args.sync_scope,
        ..LintOptions::default()
    };
    let (out, domains) = (args.out_path.as_deref(), args.entra_domains.as_deref());
    let spec = crate::targets::spec(OP, &args.source)?;
    let r = crate::targets::resolver();
    let (report, warnings) =
        runtime::block_on(idrift_app::ops::lint::check(&spec, &r, domains, options))??;
    if let Some(path) = out {
        idrift_app::lint::write_csv_file(path, &report.errors, args.encoding)?;
    }
    crate::wire::ok(&idrift_app::lint::report_json(&report), &warnings)
}

/// `Lint.Fix`: lint apply.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LintFixArgs {
    source: SourceSpec,
    /// Lint's CSV or IdFix's export.
    from_csv: Option<PathBuf>,
    /// Or the error objects (`Lint`'s, edited).
    rows: Option<Vec<serde_json::Value>>,
    /// Apply only the writes to these objects (DNs), as the host approved them.
    #[serde(default)]
    only: Vec<String>,
    /// The undo LDIF (default: beside the journal).
    undo_ldif_path: Option<PathBuf>,
    #[serde(flatten)]
    write: WriteArgs,
}

/// What `Lint.Fix` did or would do.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct LintFixResult {
    command: String,
    writes_to: String,
    applied: bool,
    planned: Vec<Planned>,
    refused: Vec<Refused>,
    complete: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<RunReport>,
    journal_path: Option<PathBuf>,
    undo_ldif_path: Option<PathBuf>,
}

/// `Rows`, numbered from 1 as the lines of a CSV would be; a bad row is named by its index.
fn rows_of(op: &'static str, rows: Vec<serde_json::Value>) -> Result<Vec<FixRow>, CallError> {
    rows.into_iter()
        .zip(1..)
        .map(|(v, line)| {
            let row: FixRow = serde_json::from_value(v)
                .map_err(|e| CallError::invalid(op, format!("Rows[{}]: {e}", line - 1)))?;
            Ok(FixRow { line, ..row })
        })
        .collect()
}

/// Opens what `Lint.Fix` (and the undo of its journal) writes to, through
/// [`idrift_app::source::open_lint_target`] (as the CLI does), with the warnings of its settings.
pub(crate) fn open_target(
    op: &'static str,
    source: &SourceSpec,
) -> Result<(Box<dyn LintTarget>, Vec<String>), CallError> {
    let spec = crate::targets::spec(op, source)?;
    Ok(runtime::block_on(idrift_app::source::open_lint_target(
        &spec,
        &crate::targets::resolver(),
    ))??)
}

pub(crate) fn fix(args: LintFixArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Lint.Fix";
    let rows = match (args.rows, &args.from_csv) {
        (Some(_), Some(_)) => return Err(CallError::invalid(OP, "give Rows or FromCsv, not both")),
        (Some(rows), None) => rows_of(OP, rows)?,
        (None, Some(csv)) => idrift_app::lint::read_fix_csv(csv)?,
        (None, None) => return Err(CallError::invalid(OP, "give FromCsv or Rows")),
    };
    let mut plan = idrift_app::lint::plan_fixes(&rows);
    let (target, warnings) = open_target(OP, &args.source)?;
    if args.write.apply && !args.only.is_empty() {
        plan.spec
            .ops
            .retain(|o| args.only.iter().any(|d| d.eq_ignore_ascii_case(&o.target)));
        number(&mut plan.spec.ops);
    }
    let mut out = LintFixResult {
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
    if args.write.apply && !plan.spec.ops.is_empty() {
        let path = writes::journal_path(OP, &args.write, &plan.spec.command)?;
        let undo = args.undo_ldif_path.as_deref();
        let run = runtime::block_on(idrift_app::lint::apply_fixes(
            &path,
            &plan.spec,
            target.as_ref(),
            writes::clock(),
            undo,
        ))??;
        out.applied = true;
        out.journal_path = Some(path);
        out.undo_ldif_path = run.undo_ldif;
        out.report = Some(run.report);
    }
    crate::wire::ok(&out, &warnings)
}

#[cfg(test)]
mod tests;
