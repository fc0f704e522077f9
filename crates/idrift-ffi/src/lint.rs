//! `Lint` and `Lint.Fix`: `idrift lint` and `idrift lint apply` for the module's `Invoke-DriftLint` and
//! `Invoke-DriftLintFix`, calling the same `idrift_app::lint` functions as the CLI.
//!
//! `Lint.Fix` takes the CSV (`FromCsv`) or the error objects `Lint` returned (`Rows`, e.g. piped and edited in
//! PowerShell) and hands them to `idrift_app::ops::lint::fix`, which returns the plan (a dry run) or, with
//! `Apply`, runs it through the journal with only the objects the host approved (`Only`, DNs).

use std::path::PathBuf;

use idrift_app::lint::LintTarget;
use idrift_app::ops::lint::FixRequest;
use idrift_core::lint::{LintMode, LintOptions};
use serde::Deserialize;

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
        (Some(rows), None) => idrift_app::ops::lint::rows_of(rows)
            .map_err(|(i, e)| CallError::invalid(OP, format!("Rows[{i}]: {e}")))?,
        (None, Some(csv)) => idrift_app::lint::read_fix_csv(csv)?,
        (None, None) => return Err(CallError::invalid(OP, "give FromCsv or Rows")),
    };
    let (target, warnings) = open_target(OP, &args.source)?;
    let req = FixRequest {
        rows: &rows,
        only: &args.only,
        apply: args.write.apply,
        clock: writes::clock(),
        undo_ldif: args.undo_ldif_path.as_deref(),
    };
    let journal = |command: &str| writes::journal_path(OP, &args.write, command);
    let out = runtime::block_on(idrift_app::ops::lint::fix(req, target.as_ref(), journal))??;
    crate::wire::ok(&out, &warnings)
}

#[cfg(test)]
mod tests;
