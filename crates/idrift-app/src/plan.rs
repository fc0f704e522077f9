//! `idrift plan UPN`: the remediation options for one user's findings.
//!
//! The plan is computed from a fresh scan of the same snapshot ([`idrift_core::plan`]), so it always rests
//! on the data it will act on. Steps can be written as CSV, one row per step of each option.

use std::io::Write;

use idrift_core::exchange::same_address;
use idrift_core::model::Snapshot;
use idrift_core::plan::{PlanOptions, RemediationPlan, plan_with};
use idrift_core::scan::{ScanOptions, ScanReport, scan};

use crate::AppError;

/// The steps CSV columns, in order.
pub const CSV_COLUMNS: [&str; 6] = [
    "Option",
    "Recommended",
    "Order",
    "Action",
    "Command",
    "Automated",
];

/// A plan and the scan it was made from.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The plan; `None` when the user has no finding.
    pub plan: Option<RemediationPlan>,
    /// The scan of the snapshot (its notes say which checks were skipped).
    pub report: ScanReport,
}

/// Whether the snapshot knows a user by this UPN (AD or Entra, case-insensitive).
pub fn knows_user(snapshot: &Snapshot, upn: &str) -> bool {
    let is = |u: Option<&str>| u.is_some_and(|u| same_address(u, upn));
    snapshot
        .on_prem
        .iter()
        .any(|u| is(u.user_principal_name.as_deref()))
        || snapshot
            .cloud
            .iter()
            .any(|u| is(u.user_principal_name.as_deref()))
}

/// Scans the snapshot and plans the remediation for `upn`.
///
/// # Errors
/// [`AppError::NotFound`] when the snapshot has no user with that UPN.
pub fn plan(
    snapshot: &Snapshot,
    upn: &str,
    scan_opts: &ScanOptions,
    plan_opts: &PlanOptions,
) -> Result<Planned, AppError> {
    let upn = upn.trim();
    if !knows_user(snapshot, upn) {
        return Err(AppError::NotFound(format!(
            "no user with the UPN {upn:?} in AD or Entra ID (check the spelling, or the source given)"
        )));
    }
    let report = scan(snapshot, scan_opts);
    let plan = plan_with(upn, &report, snapshot, plan_opts);
    Ok(Planned { plan, report })
}

/// Writes every step of every option as CSV.
///
/// # Errors
/// The writer's I/O error.
pub fn write_steps_csv(w: &mut dyn Write, plan: &RemediationPlan) -> std::io::Result<()> {
    let mut csv = crate::files::csv_writer(w, &CSV_COLUMNS)?;
    for o in &plan.options {
        for s in &o.steps {
            csv.write_record(idrift_core::csv_cell::cells(&[
                o.id.as_str(),
                if o.recommended { "True" } else { "False" },
                s.order.to_string().as_str(),
                s.action.as_str(),
                s.command.as_str(),
                if s.automated { "True" } else { "False" },
            ]))
            .map_err(std::io::Error::other)?;
        }
    }
    csv.flush()
}

#[cfg(test)]
mod tests;
