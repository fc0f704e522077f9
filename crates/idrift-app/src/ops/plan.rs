//! `plan`: one user's remediation options, narrowed to the option asked for. The CLI's `idrift plan` and the
//! FFI's `Plan` both call [`plan`].

use idrift_core::model::Snapshot;
use idrift_core::plan::{OptionId, PlanOptions, RemediationPlan};
use idrift_core::scan::ScanOptions;

use crate::AppError;

/// A user's plan and the scan's notes (which checks were skipped). Serializes as the plan's fields followed by
/// `Notes` (the FFI's `Plan` result).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPlan {
    /// The plan: empty (no finding, no option) for a healthy user; with an option asked for, only that one.
    #[serde(flatten)]
    pub plan: RemediationPlan,
    /// The scan's notes.
    pub notes: Vec<String>,
}

/// Plans `upn`'s remediation; with `option`, keeps only that option.
///
/// # Errors
/// [`AppError::NotFound`] for a user the snapshot does not know; [`AppError::Invalid`] when `option` is not one
/// of the user's options (the message lists those there are).
pub fn plan(
    snapshot: &Snapshot,
    upn: &str,
    scan_opts: &ScanOptions,
    plan_opts: &PlanOptions,
    option: Option<OptionId>,
) -> Result<UserPlan, AppError> {
    let planned = crate::plan::plan(snapshot, upn, scan_opts, plan_opts)?;
    let mut plan = planned.plan.unwrap_or_else(|| RemediationPlan {
        user_principal_name: upn.trim().to_owned(),
        findings: Vec::new(),
        options: Vec::new(),
    });
    if let Some(id) = option {
        if plan.option(id).is_none() {
            let offered: Vec<&str> = plan.options.iter().map(|o| o.id.as_str()).collect();
            return Err(AppError::Invalid(format!(
                "{id} is not an option for {}: {}",
                plan.user_principal_name,
                if offered.is_empty() {
                    "the user has no Exchange remediation option".to_owned()
                } else {
                    format!("the options are {}", offered.join(", "))
                }
            )));
        }
        plan.options.retain(|o| o.id == id);
    }
    Ok(UserPlan {
        plan,
        notes: planned.report.notes,
    })
}

#[cfg(test)]
mod tests;
