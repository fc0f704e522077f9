//! `dirsync persist`, planned once for every front end: where the rows come from, which users are left out,
//! the per-user writes into AD and the users whose AD value persisting removes. The front ends confirm, run
//! the plan through the journal and render.

use std::path::PathBuf;

use idrift_core::dirsync::DirSyncOverrideRow;
use idrift_core::phone::PhoneOptions;
use idrift_core::ports::{CloudDirectory, OnPremDirectory};

use super::{PersistPlan, compare_sources, plan_persist, removes_ad_value};
use crate::AppError;

/// Where persist takes the Entra values to write into AD.
pub enum PersistRows<'a> {
    /// Rows the caller holds (PowerShell's pipeline); CSV guard apostrophes are removed.
    Rows(Vec<DirSyncOverrideRow>),
    /// A compare CSV (ours or ADSyncTools').
    Csv(PathBuf),
    /// A fresh compare of AD with this Entra side.
    Compare {
        /// The Entra side.
        cloud: &'a dyn CloudDirectory,
        /// How numbers without a country code are read.
        phone: PhoneOptions,
    },
}

/// What persist will write.
#[derive(Debug, Clone)]
pub struct Persist {
    /// The writes and the users named but not planned.
    pub plan: PersistPlan,
    /// Users for whom Entra ID has no value where AD has one: persisting clears AD's.
    pub removing: Vec<String>,
}

impl Persist {
    /// The note when persisting clears AD values (`None` when it clears none); `leave_out` is how the front
    /// end leaves a user out (`--skip UPN`, the `Skip` argument).
    #[must_use]
    pub fn removing_note(&self, leave_out: &str) -> Option<String> {
        (!self.removing.is_empty()).then(|| {
            format!(
                "Entra ID lacks a number AD has for {} user(s) ({}): persisting removes it from AD. Where AD's \
                 number is the one to keep, leave the user out with {leave_out}; the switch then writes AD's \
                 number to Entra ID.",
                self.removing.len(),
                self.removing.join(", ")
            )
        })
    }
}

/// Plans persist: the rows from `rows`, less the users in `skip`, restricted to `only` when it names any
/// (UPNs, compared trimmed and case-insensitively).
///
/// # Errors
/// The CSV's read and parse errors; [`AppError::Source`] when a compare read fails.
pub async fn persist(
    ad: &dyn OnPremDirectory,
    rows: PersistRows<'_>,
    only: &[String],
    skip: &[String],
) -> Result<Persist, AppError> {
    let rows = match rows {
        PersistRows::Rows(rows) => rows.into_iter().map(crate::dirsync::restore_row).collect(),
        PersistRows::Csv(path) => crate::dirsync::read_csv(&path)?,
        PersistRows::Compare { cloud, phone } => compare_sources(ad, cloud, &phone).await?.rows,
    };
    let skipped = |upn: &str| {
        skip.iter()
            .any(|s| s.trim().eq_ignore_ascii_case(upn.trim()))
    };
    let rows: Vec<DirSyncOverrideRow> = rows
        .into_iter()
        .filter(|r| !skipped(&r.user_principal_name))
        .collect();
    let plan = plan_persist(&rows, only);
    let removing = plan
        .spec
        .ops
        .iter()
        .filter(|o| removes_ad_value(o))
        .map(|o| o.target.clone())
        .collect();
    Ok(Persist { plan, removing })
}
