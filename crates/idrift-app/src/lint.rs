//! `lint`: reads the users, contacts and groups of an AD source into the core's [`LintObject`]s and runs
//! the IdFix rule set over them ([`idrift_core::lint`]).
//!
//! The LDIF reader here is lint's own: it keeps exactly the attributes the rules read (proxy addresses,
//! targetAddress, mailNickname, certificate counts, photo size, mS-DS-ConsistencyGuid, ...) for every object
//! class, streaming entry by entry so a million-object export never sits in memory as text. A live domain
//! controller is read in pages with the same attributes ([`lint_live`]).
//!
//! `lint apply` ([`fix`]) turns the CSV (lint's own, or IdFix's export after an administrator edited UPDATE
//! and ACTION) into a journal plan run through [`crate::journal`], on a live directory ([`LiveLintTarget`]) or
//! an LDIF file rewritten as a rehearsal ([`LdifFileTarget`]), and writes an undo LDIF for `ldifde`.

mod cloud;
pub mod fix;
mod ldif;
mod ldif_target;

use std::path::Path;

use idrift_core::lint::{Checked, LintError, LintObject, LintOptions, LintReport, Linter};

use crate::AppError;

pub use cloud::{CloudFacts, cloud_facts, load_domains_file, snapshot_domains};
pub use fix::{
    FixAction, FixPlan, FixRow, LintExecutor, LintTarget, LiveLintTarget, OP_LINT_VALUE, Refused,
    is_lint_journal, plan_fixes, read_fix_csv,
};
pub use ldif::{ReadError, read_objects};
pub use ldif_target::LdifFileTarget;

use crate::journal::{self, Clock, PlanSpec, RunOptions, RunReport};

/// The filter of a live lint read: users (not computers), contacts and groups.
pub const LIVE_FILTER: &str =
    "(|(&(objectClass=user)(!(objectClass=computer)))(objectClass=contact)(objectClass=group))";

/// Lints a live domain controller: every user, contact and group under its base DNs, read in pages with the
/// attributes the rules need. A lost page fails the read: lint never reports on a partial directory.
///
/// # Errors
/// [`AppError::Live`] naming the directory and why the read failed.
pub async fn lint_live(
    dir: &idrift_ldap::LdapDirectory,
    url: &str,
    options: LintOptions,
) -> Result<LintReport, AppError> {
    let mut linter = Linter::new(options);
    dir.read_objects(LIVE_FILTER, &ldif::LIVE_ATTRIBUTES, &mut |raw| {
        linter.push(&ldif::object_of(raw.dn, raw.attrs));
    })
    .await
    .map_err(|e| AppError::Live {
        context: format!("Active Directory {url} (lint read)"),
        source: e.into(),
    })?;
    Ok(linter.finish())
}

/// The LDIF a `lint apply` rehearses on: the file itself (locked by `.NAME.lock` beside it), or a snapshot
/// directory's `ad.ldif` (locked by the directory's `.idrift.lock`, as dirsync writes lock it).
///
/// # Errors
/// [`AppError::MissingFile`] for a snapshot without `ad.ldif`; as for [`LdifFileTarget::open`].
pub fn file_target(path: &Path) -> Result<LdifFileTarget, AppError> {
    if path.is_dir() {
        let file = path.join("ad.ldif");
        if !file.is_file() {
            return Err(AppError::MissingFile {
                dir: path.to_owned(),
                file: "ad.ldif",
            });
        }
        // The snapshot's lock, the one every writer of the directory takes.
        let lock = crate::lock::acquire_dir(path, std::slice::from_ref(&file))?;
        return LdifFileTarget::open_locked(&file, lock);
    }
    LdifFileTarget::open(path)
}

/// Connects to a domain controller for `lint apply` or its undo.
///
/// # Errors
/// As for [`crate::live::open_ad`].
pub async fn live_target(
    url: &str,
    cfg: &crate::live::LdapConfig,
) -> Result<LiveLintTarget, AppError> {
    Ok(LiveLintTarget::new(crate::live::open_ad(cfg).await?, url))
}

/// What [`apply_fixes`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct FixRun {
    /// The journal's outcome of every operation.
    pub report: RunReport,
    /// The undo LDIF written (none when nothing was applied).
    pub undo_ldif: Option<std::path::PathBuf>,
}

/// Runs a `lint apply` plan into a new journal at `journal` (re-read before each write, before-values
/// journaled first), then writes the undo LDIF (`undo_ldif`, or `<journal>.undo.ldif`).
///
/// # Errors
/// As for [`journal::apply`]; [`AppError::Write`] for the undo LDIF.
pub async fn apply_fixes(
    journal_path: &Path,
    spec: &PlanSpec,
    target: &dyn LintTarget,
    clock: Clock,
    undo_ldif: Option<&Path>,
) -> Result<FixRun, AppError> {
    let exec = LintExecutor::new(target);
    let report = journal::apply(journal_path, spec, &exec, clock, RunOptions::default()).await?;
    let undo = undo_ldif.map_or_else(|| fix::undo_ldif_path(journal_path), Path::to_path_buf);
    let written = fix::write_undo_ldif(&undo, spec, &report)?;
    Ok(FixRun {
        report,
        undo_ldif: written.then_some(undo),
    })
}

/// Lints an LDIF export (`ldifde -f` or `ldapsearch -LLL`).
///
/// A UTF-8 export (what both tools write by default) streams from the file in blocks, so a million-object
/// export never sits in memory whole. UTF-16 (`ldifde -u`) and Windows-1252 exports are decoded whole by the
/// shared decoder first; a file found not to be UTF-8 part way is read again that way, from the start, by a
/// fresh linter.
///
/// # Errors
/// [`AppError::Read`] when the file cannot be read, [`AppError::Parse`] naming the file and line.
pub fn lint_ldif(path: &Path, options: LintOptions) -> Result<LintReport, AppError> {
    let read_err = |source| AppError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut head = [0u8; 2];
    let n = crate::files::read_head(&mut file, &mut head).map_err(read_err)?;
    let utf16 = matches!(&head[..n], [0xFF, 0xFE] | [0xFE, 0xFF] | [_, 0] | [0, _]);
    if !utf16 {
        use std::io::Seek as _;
        file.rewind().map_err(read_err)?;
        match lint_reader(path, std::io::BufReader::new(file), size, options.clone()) {
            Err(AppError::Parse { message, .. }) if message.ends_with(ldif::NOT_UTF8) => {}
            other => return other,
        }
    }
    // Decoded once by the shared decoder: UTF-16 (`ldifde -u`), Windows-1252 and BOMs are read.
    let text = crate::files::read_decoded(path)?;
    lint_reader(path, text.text().as_bytes(), size, options)
}

/// The fewest bytes an export entry of a user, contact or group with the attributes lint reads usually takes
/// (a DN, objectClass lines, cn, UPN, mail, proxy addresses...): the number of objects to make room for is
/// guessed from the file's size with it.
const BYTES_PER_ENTRY: u64 = 640;

/// Lints the LDIF `reader` (the contents of `path`): the per-object checks run on all cores, on a linter of
/// their own (they need only its options), one run of objects per part of the input; the runs join the
/// duplicate index in input order on a thread of their own while the next block is parsed, and their emptied
/// buffers serve later parts.
fn lint_reader(
    path: &Path,
    reader: impl std::io::Read,
    size: u64,
    options: LintOptions,
) -> Result<LintReport, AppError> {
    let checker = Linter::new(options.clone());
    let mut linter = Linter::new(options);
    linter.reserve(usize::try_from(size / BYTES_PER_ENTRY).unwrap_or(0));
    // Runs go back to the parsing threads once absorbed, so their buffers are filled again rather than
    // fresh memory being taken (and zeroed by the kernel) for every part.
    let spent: std::sync::Mutex<Vec<Checked>> = std::sync::Mutex::new(Vec::new());
    ldif::read_runs(
        reader,
        |bytes| {
            spent
                .lock()
                .ok()
                .and_then(|mut runs| runs.pop())
                .unwrap_or_else(|| Checked::with_capacity(bytes))
        },
        |run: &mut Checked, o: &LintObject| checker.check(o, run),
        |mut run| {
            linter.absorb(&mut run);
            if let Ok(mut runs) = spent.lock() {
                runs.push(run);
            }
        },
    )
    .map_err(|e| match e {
        ldif::ReadError::Io(source) => AppError::Read {
            path: path.to_owned(),
            source,
        },
        ldif::ReadError::Parse { line, message } => AppError::Parse {
            path: path.to_owned(),
            message: format!("line {line}: {message}"),
        },
    })?;
    Ok(linter.finish())
}

/// Lints the AD side of a snapshot directory (its `ad.ldif`).
pub fn lint_snapshot(dir: &Path, options: LintOptions) -> Result<LintReport, AppError> {
    let path = dir.join("ad.ldif");
    if !path.is_file() {
        return Err(AppError::MissingFile {
            dir: dir.to_owned(),
            file: "ad.ldif",
        });
    }
    lint_ldif(&path, options)
}

#[cfg(test)]
mod tests;

/// IdFix's export columns, in its order and no others, so the file is the one an IdFix user knows (the cloud
/// holder of a CloudDuplicate row is in the JSON and the table; `lint apply` reads columns by name).
pub const CSV_HEADER: [&str; 8] = [
    "DISTINGUISHEDNAME",
    "COMMONNAME",
    "OBJECTCLASS",
    "ATTRIBUTE",
    "ERROR",
    "VALUE",
    "UPDATE",
    "ACTION",
];

/// Writes the rows as IdFix's CSV export (`DISTINGUISHEDNAME,...,ACTION`).
pub fn write_csv<W: std::io::Write>(w: W, errors: &[LintError]) -> Result<(), AppError> {
    let io = |e: csv::Error| AppError::Write {
        path: "(output)".into(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER).map_err(io)?;
    for e in errors {
        let text = e.error_text();
        out.write_record(idrift_core::csv_cell::cells(&[
            e.dn.as_str(),
            e.cn.as_str(),
            e.class.as_str(),
            e.attribute,
            text.as_str(),
            e.value.as_str(),
            e.update.as_str(),
            e.action.as_str(),
        ]))
        .map_err(io)?;
    }
    out.flush().map_err(|source| AppError::Write {
        path: "(output)".into(),
        source,
    })
}

/// Writes the CSV export to `path` atomically, in `encoding`.
///
/// # Errors
/// [`AppError::Write`] naming the file.
pub fn write_csv_file(
    path: &Path,
    errors: &[LintError],
    encoding: crate::files::CsvEncoding,
) -> Result<(), AppError> {
    crate::files::write_csv_atomic(path, encoding, |f| write_csv(f, errors))
}

/// One row as JSON, with IdFix's column names, then `CloudHolder` (the cloud object holding the value of a
/// CloudDuplicate row, else null).
pub fn error_json(e: &LintError) -> serde_json::Value {
    serde_json::json!({
        "DistinguishedName": e.dn,
        "CommonName": e.cn,
        "ObjectClass": e.class.as_str(),
        "Attribute": e.attribute,
        "Error": e.error_text(),
        "Value": e.value,
        "Update": e.update,
        "Action": e.action.as_str(),
        "CloudHolder": e.held_by,
    })
}

/// The report as `{"Summary":{...},"Errors":[...]}`.
pub fn report_json(report: &LintReport) -> serde_json::Value {
    let summary = serde_json::to_value(&report.summary).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "Summary": summary,
        "Errors": report.errors.iter().map(error_json).collect::<Vec<_>>(),
    })
}
