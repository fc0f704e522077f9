//! The dry-run-or-apply tail of the DirSyncOverrides writers (set, clear, persist, bypass) for a front end
//! that answers in one request: without an apply the planned writes come back and nothing is written; with
//! one (the host has asked its user) the plan is journaled and run through [`crate::journal`], and the
//! outcome of each operation comes back in a [`WriteRun`]. Also where such a run's journal goes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use idrift_core::ports::ProgressHook;
use serde::Serialize;

use crate::AppError;
use crate::dirsync_ops::{self, AdPhoneEdit, BypassPreview, NotPlanned, OP_AD_PHONES};
use crate::journal::{self, Clock, PlanSpec, Planned, RunOptions, RunReport, Stepped};
use crate::source::Names;
use crate::targets::WriteTargets;

/// What a mutating operation did, or would do.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteRun {
    /// The command recorded in the journal, e.g. `dirsync set`.
    pub command: String,
    /// What the writes go to, in words.
    pub writes_to: String,
    /// Whether the writes were executed (false for a dry run, or when there was nothing to write).
    pub applied: bool,
    /// The planned writes, with the values before and after.
    pub planned: Vec<Planned>,
    /// The outcome of each write, after an apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RunReport>,
    /// The journal written (after an apply, or the one resumed).
    pub journal_path: Option<PathBuf>,
    /// Sentences for the user: reminders, and notes about the plan.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Users named but not planned, and why (persist).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_planned: Vec<NotPlanned>,
    /// The users whose Entra values enabling BypassDirSyncOverrides overwrites (bypass).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<BypassPreview>,
    /// Users of a pipeline that could not be planned, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub item_errors: Vec<ItemError>,
}

/// A user of a pipeline that could not be planned.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemError {
    /// The user as named.
    pub identity: String,
    /// The kind of error, in the front end's vocabulary.
    pub kind: &'static str,
    /// Why.
    pub message: String,
}

impl WriteRun {
    /// An empty result of `command` writing to `writes_to`, to be filled.
    #[must_use]
    pub fn new(command: &str, writes_to: &str) -> WriteRun {
        WriteRun {
            command: command.to_owned(),
            writes_to: writes_to.to_owned(),
            applied: false,
            planned: Vec::new(),
            report: None,
            journal_path: None,
            notes: Vec::new(),
            not_planned: Vec::new(),
            preview: None,
            item_errors: Vec::new(),
        }
    }
}

/// Where a run's journal goes when the front end names `given`: `given` itself, or when it is a directory the
/// default file name of `command` inside it (see [`free_name`]).
#[must_use]
pub fn journal_file(given: &Path, command: &str, now_unix: i64) -> PathBuf {
    if given.is_dir() {
        free_name(given, &journal::default_file_name(command, now_unix))
    } else {
        given.to_path_buf()
    }
}

/// `dir/name`, or when that exists (another run in the same second) the first free `…-N.journal.jsonl`.
#[must_use]
pub fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let stem = name.strip_suffix(".journal.jsonl").unwrap_or(name);
    for n in 2_u32..10_000 {
        let next = dir.join(format!("{stem}-{n}.journal.jsonl"));
        if !next.exists() {
            return next;
        }
    }
    first
}

/// How a run is carried out: apply or only plan, its limits, its progress and its clock.
pub struct Apply<'a> {
    /// Execute the writes; otherwise the plan only.
    pub apply: bool,
    /// The run's limits.
    pub opts: RunOptions,
    /// Where each operation is reported.
    pub progress: &'a ProgressHook,
    /// What journal entries are stamped with.
    pub clock: Clock,
}

/// Runs `spec` on `targets`: the plan only (into `out`) unless `how.apply`, else journaled execution into the
/// journal `journal` names for the command (asked only when there is something to write). After writes,
/// `after_apply` is added to the notes.
///
/// # Errors
/// `journal`'s error; the journal's write errors.
pub async fn run<E: From<AppError>>(
    targets: &WriteTargets,
    spec: &PlanSpec,
    how: Apply<'_>,
    journal: impl FnOnce(&str) -> Result<PathBuf, E>,
    after_apply: Option<&str>,
    mut out: WriteRun,
) -> Result<WriteRun, E> {
    out.planned = spec.ops.clone();
    if spec.ops.is_empty() || !how.apply {
        return Ok(out);
    }
    let path = journal(&spec.command)?;
    let exec = Stepped::new(targets.executor(), how.progress, spec.ops.len());
    let report = journal::apply(&path, spec, &exec, how.clock, how.opts).await?;
    if report.writes > 0
        && let Some(reminder) = after_apply
    {
        out.notes.push(reminder.to_owned());
    }
    out.applied = true;
    out.journal_path = Some(path);
    out.report = Some(report);
    Ok(out)
}

/// Continues the journal at `journal_file`: its remaining operations (the plan only), or their execution with
/// `how.apply`.
///
/// # Errors
/// The journal's read errors, one that cannot be resumed, and its write errors.
pub async fn resume(
    targets: &WriteTargets,
    journal_file: &Path,
    how: Apply<'_>,
    mut out: WriteRun,
) -> Result<WriteRun, AppError> {
    let log = journal::read(journal_file)?;
    out.notes.extend(log.warnings.iter().cloned());
    journal::check_resumable(&log)?;
    let remaining = log.remaining();
    out.command = remaining.command;
    out.journal_path = Some(log.path.clone());
    out.planned = remaining.ops;
    if out.planned.is_empty() || !how.apply {
        return Ok(out);
    }
    let exec = Stepped::new(targets.executor(), how.progress, out.planned.len());
    let report = journal::resume(&log, &exec, how.clock, how.opts).await?;
    out.applied = true;
    out.report = Some(report);
    Ok(out)
}

/// The reminder a run of `ops` ends with once it has written AD phones: AD's values reach Entra ID at the next
/// sync cycle, or, for a user with a DirSyncOverride, only with the switch on. `preview` is how the front end
/// names the BypassDirSyncOverrides preview (a command line, a cmdlet call).
#[must_use]
pub fn reminder(ops: &[Planned], preview: &str) -> Option<String> {
    ops.iter().any(|o| o.op == OP_AD_PHONES).then(|| {
        format!(
            "AD changes reach Entra ID at the next sync cycle, unless the user carries a DirSyncOverride: then \
             only with BypassDirSyncOverrides enabled (see {preview})."
        )
    })
}

/// A change of one user's phone values (`dirsync set` and `clear`): AD's, or a cloud-only user's Entra
/// `mobilePhone` (`None` clears it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneEdit {
    /// New AD `mobile` and `otherMobile` values.
    Ad(AdPhoneEdit),
    /// A new Entra `mobilePhone`, or `None` to clear it.
    Entra(Option<String>),
}

/// Why the values a front end was given name no [`PhoneEdit`]; it words this with its own options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditProblem {
    /// No value is named.
    Nothing,
    /// Entra's `mobilePhone` is named together with AD values.
    Mixed,
}

impl PhoneEdit {
    /// `dirsync set`: new AD `mobile` and `otherMobile` (an empty list names nothing), or Entra's `mobilePhone`.
    ///
    /// # Errors
    /// [`EditProblem`] when nothing is named, or Entra's value with AD's.
    pub fn set(
        mobile_in_ad: Option<String>,
        other_mobile_in_ad: Option<Vec<String>>,
        mobile_in_entra: Option<String>,
    ) -> Result<PhoneEdit, EditProblem> {
        let mixed = mobile_in_ad.is_some() || other_mobile_in_ad.is_some();
        let ad = AdPhoneEdit {
            mobile: mobile_in_ad.map(Some),
            other_mobile: other_mobile_in_ad.filter(|v| !v.is_empty()),
        };
        match mobile_in_entra {
            Some(_) if mixed => Err(EditProblem::Mixed),
            Some(m) => Ok(PhoneEdit::Entra(Some(m))),
            None if ad == AdPhoneEdit::default() => Err(EditProblem::Nothing),
            None => Ok(PhoneEdit::Ad(ad)),
        }
    }

    /// `dirsync clear`: AD's `mobile` and/or `otherMobile`, or Entra's `mobilePhone`.
    ///
    /// # Errors
    /// [`EditProblem`] when nothing is named, or Entra's value with AD's.
    pub fn clear(
        mobile_in_ad: bool,
        other_mobile_in_ad: bool,
        mobile_in_entra: bool,
    ) -> Result<PhoneEdit, EditProblem> {
        match (mobile_in_entra, mobile_in_ad || other_mobile_in_ad) {
            (true, true) => Err(EditProblem::Mixed),
            (true, false) => Ok(PhoneEdit::Entra(None)),
            (false, false) => Err(EditProblem::Nothing),
            (false, true) => Ok(PhoneEdit::Ad(AdPhoneEdit {
                mobile: mobile_in_ad.then_some(None),
                other_mobile: other_mobile_in_ad.then(Vec::new),
            })),
        }
    }
}

/// Plans `edit` of the user `identity` on the side it names (`None` when the user already has the values).
///
/// # Errors
/// [`AppError::Settings`] when `targets` lacks that side (worded by `names`); the planning errors of
/// [`dirsync_ops::plan_ad_edit`] and [`dirsync_ops::plan_entra_edit`].
pub async fn plan_edit(
    targets: &WriteTargets,
    names: &dyn Names,
    identity: &str,
    edit: PhoneEdit,
) -> Result<Option<Planned>, AppError> {
    match edit {
        PhoneEdit::Ad(e) => dirsync_ops::plan_ad_edit(targets.ad_side(names)?, identity, &e).await,
        PhoneEdit::Entra(m) => {
            dirsync_ops::plan_entra_edit(targets.cloud_side(names)?, identity, m).await
        }
    }
}

/// The users of a pipeline (set or clear), planned as one run: one write each at most, in the order given; a
/// user named twice, or already holding the values, is reported and not planned again.
#[derive(Debug)]
pub struct Planning {
    out: WriteRun,
    ops: Vec<Planned>,
    seen: BTreeSet<String>,
}

/// The note for a user who already has the values asked for.
#[must_use]
pub fn unchanged_note(identity: &str) -> String {
    format!("{identity} already has these values: nothing to write.")
}

impl Planning {
    /// An empty pipeline whose result is `out`.
    #[must_use]
    pub fn new(out: WriteRun) -> Planning {
        Planning {
            out,
            ops: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    /// Records what planning `identity` gave: its write, or `None` when it already has the values.
    pub fn planned(&mut self, identity: &str, planned: Option<Planned>) {
        match planned {
            Some(p) if self.seen.insert(p.target.to_lowercase()) => self.ops.push(p),
            Some(p) => self.out.item_errors.push(ItemError {
                identity: identity.to_owned(),
                kind: "Invalid",
                message: format!(
                    "{identity} ({}) is named more than once in this pipeline; only its first values are planned",
                    p.target
                ),
            }),
            None => self.out.notes.push(unchanged_note(identity)),
        }
    }

    /// Records that `identity` could not be planned (`kind` in the front end's vocabulary); the others go on.
    pub fn failed(&mut self, identity: &str, kind: &'static str, message: String) {
        self.out.item_errors.push(ItemError {
            identity: identity.to_owned(),
            kind,
            message,
        });
    }

    /// The planned writes (those of the targets in `only` when it is not empty) as one numbered plan of
    /// `command`, with the result to fill.
    #[must_use]
    pub fn into_spec(self, command: &str, only: &[String]) -> (PlanSpec, WriteRun) {
        let mut ops = self.ops;
        if !only.is_empty() {
            ops.retain(|o| only.iter().any(|x| x.eq_ignore_ascii_case(&o.target)));
        }
        journal::number(&mut ops);
        let spec = PlanSpec {
            command: command.to_owned(),
            ops,
            notes: Vec::new(),
            undoes: None,
        };
        (spec, self.out)
    }
}

/// One user of a `dirsync set` or `clear` and the edit asked for, or why the request names none (in the front
/// end's error type, worded with its options).
pub type UserEdit<E> = (String, Result<PhoneEdit, E>);

/// The users a `dirsync set` or `clear` names: one, or a pipeline's.
#[derive(Debug)]
pub enum Users<E> {
    /// One user: its errors are the call's.
    One(UserEdit<E>),
    /// A pipeline's users, planned as one run ([`Planning`]).
    Many(Vec<UserEdit<E>>),
}

/// Why a request names no users to edit; the front end words it with its own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsersProblem {
    /// Neither the one user nor several.
    Nobody,
    /// Both the one user and several.
    Both,
}

impl<E> Users<E> {
    /// The one user `one` (whose identity is empty when the request names none) or the pipeline `many`.
    ///
    /// # Errors
    /// [`UsersProblem`] when neither or both name users.
    pub fn of(one: UserEdit<E>, many: Vec<UserEdit<E>>) -> Result<Users<E>, UsersProblem> {
        match (one.0.trim().is_empty(), many.is_empty()) {
            (true, true) => Err(UsersProblem::Nobody),
            (false, false) => Err(UsersProblem::Both),
            (false, true) => Ok(Users::One(one)),
            (true, false) => Ok(Users::Many(many)),
        }
    }
}

/// Plans `dirsync set` or `clear` (`out.command`) for `users` on `targets` as one plan: one user's write (none
/// when it already has the values, with a note), or a pipeline's, where a user that cannot be planned is an
/// item error of kind `kind` (the front end's word for the error) and the others go ahead, unless the error
/// stops the whole run ([`AppError::stops_batch`]). Of a pipeline, only the writes to the targets in `only`
/// are kept when it is not empty.
///
/// # Errors
/// The one user's edit and planning errors; for a pipeline, the errors that stop it.
pub async fn plan_users<E: From<AppError> + std::fmt::Display>(
    targets: &WriteTargets,
    names: &dyn Names,
    users: Users<E>,
    (only, mut out): (&[String], WriteRun),
    kind: impl Fn(&E) -> &'static str,
) -> Result<(PlanSpec, WriteRun), E> {
    let command = out.command.clone();
    let many = match users {
        Users::One((identity, edit)) => {
            let spec = match plan_edit(targets, names, &identity, edit?).await? {
                Some(planned) => dirsync_ops::single_spec(&command, planned),
                None => {
                    out.notes.push(unchanged_note(&identity));
                    PlanSpec {
                        command: command.clone(),
                        ..PlanSpec::default()
                    }
                }
            };
            return Ok((spec, out));
        }
        Users::Many(many) => many,
    };
    let mut planning = Planning::new(out);
    for (identity, edit) in many {
        let planned = match edit {
            Ok(e) => match plan_edit(targets, names, &identity, e).await {
                Err(e) if e.stops_batch() => return Err(e.into()),
                planned => planned.map_err(E::from),
            },
            Err(e) => Err(e),
        };
        match planned {
            Ok(p) => planning.planned(&identity, p),
            Err(e) => planning.failed(&identity, kind(&e), e.to_string()),
        }
    }
    Ok(planning.into_spec(&command, only))
}

#[cfg(test)]
mod tests;
