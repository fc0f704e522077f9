//! `lint`: IdFix's checks over the AD side of a source, completed by what the Entra side says about the tenant
//! (its users and verified domains). The CLI's `idrift lint` and the FFI's `Lint` both call [`check`].

use std::path::Path;

use idrift_core::lint::{LintOptions, LintReport};

use crate::AppError;
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
