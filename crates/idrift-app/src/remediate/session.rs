//! What every front end does around a remediation run: open what its steps act on from a [`SourceSpec`]
//! (refusing before the first step when a step needs a service the source does not name), and find the
//! journal a resume continues.

use std::path::Path;

use idrift_core::plan::OptionId;

use super::RemediationNote;
use super::spec::{missing_sides, remediation_note};
use super::target::RemediationTarget;
use crate::AppError;
use crate::journal::{self, JournalLog, Planned};
use crate::source::{Resolver, SourceSpec};

/// Opens what `ops` act on, from `spec`, with the warnings of its readers and settings. `what` names the run
/// in the refusal ("the steps of ReprovisionCloudAlias", "reversing these steps").
///
/// # Errors
/// [`AppError::Settings`] when a step needs a service `spec` does not name (the message names it as the
/// front end does, through [`crate::source::Names::side`]); as for
/// [`crate::source::open_remediation_target`].
pub async fn open_target_for(
    what: &str,
    ops: &[Planned],
    spec: &SourceSpec,
    r: &Resolver<'_>,
) -> Result<(Box<dyn RemediationTarget>, Vec<String>), AppError> {
    let (target, warnings) = crate::source::open_remediation_target(spec, r).await?;
    let missing = missing_sides(ops, target.as_ref());
    if !missing.is_empty() {
        return Err(AppError::Settings(format!(
            "{what} need {} as well, or rehearse every step on a snapshot directory",
            missing
                .iter()
                .map(|s| r.names.side(*s))
                .collect::<Vec<_>>()
                .join(" and ")
        )));
    }
    Ok((target, warnings))
}

/// Reads the remediation journal at `path` for a resume of `option` for `upn`, checking that it can be
/// resumed and that it runs that option for that user.
///
/// # Errors
/// The journal's read errors; as for [`journal::check_resumable`] and [`remediation_note`];
/// [`AppError::Settings`] when the journal runs another option or user.
pub fn resumable(
    path: &Path,
    upn: &str,
    option: OptionId,
) -> Result<(JournalLog, RemediationNote), AppError> {
    let log = journal::read(path)?;
    journal::check_resumable(&log)?;
    let note = remediation_note(&log)?;
    let upn = upn.trim();
    if note.option != option || !note.user_principal_name.eq_ignore_ascii_case(upn) {
        return Err(AppError::Settings(format!(
            "{} runs {} for {}, not {option} for {upn}",
            log.path.display(),
            note.option,
            note.user_principal_name,
        )));
    }
    Ok((log, note))
}
