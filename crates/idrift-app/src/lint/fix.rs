//! `lint apply --from-csv`: the rows of lint's CSV (or of one IdFix exported), after an administrator edited
//! UPDATE and ACTION, turned into a journal plan and run through [`crate::journal`]'s executor.
//!
//! Each EDIT or REMOVE row becomes one [`OP_LINT_VALUE`] operation on one attribute of one object. Its values
//! are the attribute's values that the row is about: for a single-valued attribute all of them (zero or one),
//! for `proxyAddresses` the values equal to the row's VALUE or UPDATE, so the other addresses are never
//! touched (an UPDATE the object already holds in another case, such as its primary `SMTP:` address, is not
//! added again: the edit only removes the bad value). The before-value is what lint found (`[VALUE]`); the after-value is
//! `[UPDATE]` for EDIT and `[]` for REMOVE. The journal re-reads the object before each write, so a value
//! changed since the lint is a conflict, and `idrift undo` restores the values found just before each write.
//! Rows whose ERROR is Duplicate are refused: which object keeps the value is a human's choice, so every
//! object the CSV lists with that value is named. COMPLETE or a blank ACTION does nothing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use idrift_core::ports::SourceError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AppError;
use crate::journal::{JournalLog, OpExecutor, OpStatus, PlanSpec, Planned, RunReport};

/// The operation that rewrites values of one attribute of one AD object.
pub const OP_LINT_VALUE: &str = "ad.lintValue";
/// The journal command of `lint apply`.
pub const COMMAND: &str = "lint apply";

/// The attributes `lint apply` writes (the ones lint checks values of), and whether each is multi-valued.
const WRITABLE: [(&str, bool); 7] = [
    ("userPrincipalName", false),
    ("mail", false),
    ("mailNickname", false),
    ("proxyAddresses", true),
    ("targetAddress", false),
    ("sAMAccountName", false),
    ("displayName", false),
];

/// What a row asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum FixAction {
    /// Set the value to UPDATE.
    Edit,
    /// Remove the value.
    Remove,
    /// Nothing (COMPLETE, or a blank ACTION).
    #[default]
    Complete,
}

impl FixAction {
    /// ACTION's text: EDIT, REMOVE, COMPLETE or blank, in any case, spaces around ignored.
    ///
    /// # Errors
    /// Why the text is none of them (the text, upper-cased).
    pub fn parse(text: &str) -> Result<FixAction, String> {
        match text.trim().to_ascii_uppercase().as_str() {
            "EDIT" => Ok(FixAction::Edit),
            "REMOVE" => Ok(FixAction::Remove),
            "COMPLETE" | "" => Ok(FixAction::Complete),
            other => Err(format!("{other:?} is not EDIT, REMOVE, COMPLETE or blank")),
        }
    }
}

/// The row objects of a front end (lint's error objects, edited) carry ACTION as text, read as [`FixAction::parse`]
/// reads the CSV's.
impl<'de> Deserialize<'de> for FixAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        FixAction::parse(&text).map_err(|e| serde::de::Error::custom(format!("Action {e}")))
    }
}

fn trimmed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(String::deserialize(d)?.trim().to_owned())
}

/// One row of the CSV, or one of lint's error objects (`Lint`'s wire result, `error_json`) sent back edited:
/// the object's keys are the CSV's columns in PascalCase, and only `DistinguishedName` and `Attribute` are
/// required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FixRow {
    /// The CSV line the row starts on (the header is line 1); for objects, the caller numbers them.
    #[serde(default)]
    pub line: u64,
    /// DISTINGUISHEDNAME.
    #[serde(deserialize_with = "trimmed")]
    pub distinguished_name: String,
    /// COMMONNAME.
    #[serde(default)]
    pub common_name: String,
    /// OBJECTCLASS.
    #[serde(default)]
    pub object_class: String,
    /// ATTRIBUTE.
    #[serde(deserialize_with = "trimmed")]
    pub attribute: String,
    /// ERROR (one or more categories, comma-separated).
    #[serde(default)]
    pub error: String,
    /// VALUE: the value lint found.
    #[serde(default)]
    pub value: String,
    /// UPDATE: the value to write for EDIT.
    #[serde(default)]
    pub update: String,
    /// ACTION.
    #[serde(default)]
    pub action: FixAction,
}

/// The columns read: those lint writes, IdFix's export columns.
const COLUMNS: [&str; 8] = crate::lint::CSV_HEADER;

/// Reads lint's CSV or IdFix's export: a UTF-8 BOM, CRLF line ends, quoted cells and any column order are
/// accepted; the eight columns must all be there.
///
/// # Errors
/// [`AppError::Read`] when the file cannot be read; [`AppError::Parse`] naming the line for a missing column,
/// a row of the wrong width, text that cannot be decoded or an unknown ACTION.
pub fn read_fix_csv(path: &Path) -> Result<Vec<FixRow>, AppError> {
    let bytes = std::fs::read(path).map_err(|source| AppError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_fix_csv(&bytes).map_err(|message| AppError::Parse {
        path: path.to_owned(),
        message,
    })
}

/// [`read_fix_csv`] on bytes; the error is the message (with its line).
pub fn parse_fix_csv(bytes: &[u8]) -> Result<Vec<FixRow>, String> {
    // The shared decoder: UTF-8 (BOM or not), UTF-16 (Excel's "Unicode text", PowerShell 5.1's
    // `Export-Csv -Encoding Unicode`) and Windows-1252 (Excel's plain "CSV").
    let (text, _) = idrift_core::text::decode(bytes).map_err(|e| format!("line 1: {e}"))?;
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let headers = reader
        .byte_headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    let mut index = [0usize; 8];
    for (i, want) in COLUMNS.iter().enumerate() {
        index[i] = headers
            .iter()
            .position(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(want)
            })
            .ok_or_else(|| {
                format!(
                    "line 1: no {want} column; the header must name {}",
                    COLUMNS.join(",")
                )
            })?;
    }
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {e}", p.line()),
            None => e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| {
            line_at(bytes, usize::try_from(p.byte()).unwrap_or(usize::MAX))
        });
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let cell = |i: usize| -> Result<String, String> {
            let raw = record.get(index[i]).unwrap_or_default();
            String::from_utf8(raw.to_vec())
                .map_err(|_| format!("line {line}: the {} cell is not UTF-8", COLUMNS[i]))
        };
        let action = FixAction::parse(&cell(7)?).map_err(|e| format!("line {line}: ACTION {e}"))?;
        rows.push(FixRow {
            line,
            distinguished_name: cell(0)?.trim().to_owned(),
            common_name: cell(1)?,
            object_class: cell(2)?,
            attribute: cell(3)?.trim().to_owned(),
            error: cell(4)?,
            value: cell(5)?,
            update: cell(6)?,
            action,
        });
    }
    Ok(rows)
}

/// The 1-based line of the record starting at byte `at` (the csv reader may place a record's start on the
/// line end before it, so line ends there are skipped).
fn line_at(bytes: &[u8], at: usize) -> u64 {
    let mut at = at.min(bytes.len());
    while bytes.get(at).is_some_and(|b| *b == b'\r' || *b == b'\n') {
        at += 1;
    }
    let before = bytes.get(..at).unwrap_or(bytes);
    u64::try_from(before.iter().filter(|b| **b == b'\n').count()).unwrap_or(u64::MAX) + 1
}

/// Where an [`OP_LINT_VALUE`] operation reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValueLocator {
    /// The object.
    pub distinguished_name: String,
    /// The attribute, spelled as LDAP spells it.
    pub attribute: String,
    /// Whether the attribute holds several values (then only `values` are read and written).
    pub multi_valued: bool,
    /// For a multi-valued attribute: the values the operation is about (VALUE and UPDATE).
    pub values: Vec<String>,
}

/// A row `lint apply` will not act on, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Refused {
    /// The row.
    pub row: FixRow,
    /// Why, in words.
    pub reason: String,
    /// For a duplicate: every object the CSV lists with the value (DN and attribute), for a human to choose.
    pub holders: Vec<String>,
}

/// The plan made from a CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct FixPlan {
    /// The journal plan: one operation per EDIT or REMOVE row accepted.
    pub spec: PlanSpec,
    /// Rows refused (duplicates, attributes lint apply does not write, EDIT without UPDATE, ...).
    pub refused: Vec<Refused>,
    /// Rows with nothing to do (COMPLETE or blank ACTION).
    pub complete: usize,
}

fn writable(attribute: &str) -> Option<(&'static str, bool)> {
    WRITABLE
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(attribute.trim()))
        .copied()
}

fn is_duplicate(error: &str) -> bool {
    error
        .split(',')
        .any(|e| e.trim().eq_ignore_ascii_case("Duplicate"))
}

/// The key under which duplicate values meet: lower case, and SMTP proxy addresses without their prefix
/// (a proxy address of one object is a duplicate of the mail of another).
fn duplicate_key(value: &str) -> String {
    let v = value.trim();
    let v = match v.split_once(':') {
        Some((p, rest)) if p.eq_ignore_ascii_case("smtp") => rest,
        _ => v,
    };
    v.to_lowercase()
}

fn values_of(v: &str) -> Vec<String> {
    if v.is_empty() {
        Vec::new()
    } else {
        vec![v.to_owned()]
    }
}

/// Turns the rows into a plan (see the module documentation).
pub fn plan_fixes(rows: &[FixRow]) -> FixPlan {
    let mut holders: HashMap<String, Vec<String>> = HashMap::new();
    for r in rows.iter().filter(|r| is_duplicate(&r.error)) {
        holders
            .entry(duplicate_key(&r.value))
            .or_default()
            .push(format!("{} ({})", r.distinguished_name, r.attribute));
    }
    let mut ops = Vec::new();
    let mut refused = Vec::new();
    let mut complete = 0;
    // Single-valued attributes already planned (and the values of multi-valued ones), per object.
    let mut planned: HashMap<(String, String, String), u64> = HashMap::new();
    for r in rows {
        if r.action == FixAction::Complete {
            complete += 1;
            continue;
        }
        let refuse = |reason: String, holders: Vec<String>| Refused {
            row: r.clone(),
            reason,
            holders,
        };
        if is_duplicate(&r.error) {
            let mut list = holders
                .get(&duplicate_key(&r.value))
                .cloned()
                .unwrap_or_default();
            list.dedup();
            refused.push(refuse(
                "a duplicate is never fixed automatically: choose which object keeps the value, edit the others"
                    .to_owned(),
                list,
            ));
            continue;
        }
        let Some((attribute, multi)) = writable(&r.attribute) else {
            refused.push(refuse(
                format!(
                    "{} is not a value lint apply writes (only {})",
                    r.attribute,
                    WRITABLE.map(|(n, _)| n).join(", ")
                ),
                Vec::new(),
            ));
            continue;
        };
        if r.distinguished_name.is_empty() {
            refused.push(refuse(
                "the row has no DISTINGUISHEDNAME".to_owned(),
                Vec::new(),
            ));
            continue;
        }
        let after = match r.action {
            FixAction::Edit if r.update.trim().is_empty() => {
                refused.push(refuse(
                    "EDIT needs an UPDATE value (use REMOVE to delete the value)".to_owned(),
                    Vec::new(),
                ));
                continue;
            }
            FixAction::Edit => vec![r.update.clone()],
            _ => Vec::new(),
        };
        if r.action == FixAction::Edit && r.update == r.value {
            complete += 1;
            continue;
        }
        let slot = (
            r.distinguished_name.to_ascii_lowercase(),
            attribute.to_ascii_lowercase(),
            if multi {
                r.value.to_lowercase()
            } else {
                String::new()
            },
        );
        if let Some(first) = planned.get(&slot) {
            refused.push(refuse(
                format!("line {first} already changes this value; one change per value"),
                Vec::new(),
            ));
            continue;
        }
        planned.insert(slot, r.line);
        let locator = ValueLocator {
            distinguished_name: r.distinguished_name.clone(),
            attribute: attribute.to_owned(),
            multi_valued: multi,
            values: if multi {
                let mut v = vec![r.value.clone()];
                if r.action == FixAction::Edit {
                    v.push(r.update.clone());
                }
                v
            } else {
                Vec::new()
            },
        };
        ops.push(Planned {
            seq: 0,
            op: OP_LINT_VALUE.to_owned(),
            target: r.distinguished_name.clone(),
            locator: serde_json::to_value(&locator).unwrap_or(Value::Null),
            before: strings(&values_of(&r.value)),
            after: strings(&after),
        });
    }
    FixPlan {
        spec: PlanSpec::numbered(COMMAND, ops),
        refused,
        complete,
    }
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().cloned().map(Value::String).collect())
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The locator of an [`OP_LINT_VALUE`] operation.
///
/// # Errors
/// [`SourceError::InvalidData`] when the journal's locator is not a [`ValueLocator`].
pub fn locator(op: &Planned) -> Result<ValueLocator, SourceError> {
    serde_json::from_value(op.locator.clone()).map_err(|e| {
        SourceError::InvalidData(format!(
            "journal operation {} ({}): the locator is not valid: {e}",
            op.seq, op.op
        ))
    })
}

/// Whether a journal was written by `lint apply` (or undoes one), so `idrift undo` runs it with
/// [`LintExecutor`].
pub fn is_lint_journal(log: &JournalLog) -> bool {
    let ops = log.ops();
    !ops.is_empty() && ops.iter().all(|o| o.planned.op == OP_LINT_VALUE)
}

/// One change of an attribute's values that [`LintTarget::replace_values`] makes: the exact values to remove
/// and those to add.
#[derive(Debug, Clone, Copy)]
pub struct ValuesEdit<'a> {
    /// The DN of the object changed.
    pub dn: &'a str,
    /// The attribute changed.
    pub attribute: &'a str,
    /// The values to remove, exactly as the object holds them.
    pub remove: &'a [String],
    /// The values to add.
    pub add: &'a [String],
}

/// A directory `lint apply` writes to: a live domain controller, or an LDIF file rewritten as a rehearsal.
#[async_trait]
pub trait LintTarget: Send + Sync {
    /// The values of `attribute` of the object `dn`; `None` when there is no such object.
    async fn read_values(
        &self,
        dn: &str,
        attribute: &str,
    ) -> Result<Option<Vec<String>>, SourceError>;

    /// Makes the change `edit`, refusing with [`SourceError::Conflict`] when a value to remove is gone or a
    /// value to add already there.
    async fn replace_values(&self, edit: &ValuesEdit<'_>) -> Result<(), SourceError>;

    /// What it is, in words ("Active Directory at ldaps://dc1").
    fn description(&self) -> String;
}

/// A live domain controller as a [`LintTarget`].
pub struct LiveLintTarget {
    dir: idrift_ldap::LdapDirectory,
    description: String,
}

impl std::fmt::Debug for LiveLintTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl LiveLintTarget {
    /// The directory, described by the address the administrator gave.
    pub fn new(dir: idrift_ldap::LdapDirectory, url: &str) -> Self {
        LiveLintTarget {
            dir,
            description: format!("Active Directory at {url}"),
        }
    }
}

#[async_trait]
impl LintTarget for LiveLintTarget {
    async fn read_values(
        &self,
        dn: &str,
        attribute: &str,
    ) -> Result<Option<Vec<String>>, SourceError> {
        Ok(self.dir.read_values(dn, attribute).await?)
    }

    async fn replace_values(&self, edit: &ValuesEdit<'_>) -> Result<(), SourceError> {
        let (dn, attribute) = (edit.dn, edit.attribute);
        Ok(self
            .dir
            .replace_values(dn, attribute, edit.remove, edit.add)
            .await?)
    }

    fn description(&self) -> String {
        self.description.clone()
    }
}

/// Reads, compares and writes [`OP_LINT_VALUE`] operations on a [`LintTarget`].
pub struct LintExecutor<'a> {
    target: &'a dyn LintTarget,
}

impl std::fmt::Debug for LintExecutor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LintExecutor")
    }
}

impl<'a> LintExecutor<'a> {
    /// An executor writing to `target`.
    pub fn new(target: &'a dyn LintTarget) -> Self {
        LintExecutor { target }
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

impl LintExecutor<'_> {
    async fn all_values(&self, loc: &ValueLocator) -> Result<Option<Vec<String>>, SourceError> {
        self.target
            .read_values(&loc.distinguished_name, &loc.attribute)
            .await
    }

    async fn current(&self, op: &Planned) -> Result<Option<Vec<String>>, SourceError> {
        let loc = locator(op)?;
        Ok(self.all_values(&loc).await?.map(|v| the_values(&loc, v)))
    }
}

/// The values an operation is about: all of a single-valued attribute's, and of a multi-valued one those
/// equal to the row's VALUE or UPDATE (exactly: a value whose case changed since the lint is a change).
fn the_values(loc: &ValueLocator, values: Vec<String>) -> Vec<String> {
    if !loc.multi_valued {
        return values;
    }
    values
        .into_iter()
        .filter(|v| loc.values.contains(v))
        .collect()
}

impl OpExecutor for LintExecutor<'_> {
    async fn read(&self, op: &Planned) -> Result<Option<Value>, SourceError> {
        Ok(self.current(op).await?.map(|v| strings(&v)))
    }

    fn same(&self, _op: &Planned, a: &Value, b: &Value) -> bool {
        sorted(list(a)) == sorted(list(b))
    }

    async fn write(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        let loc = locator(op)?;
        let now = list(current);
        let want = list(&op.after);
        let remove: Vec<String> = now.iter().filter(|v| !want.contains(v)).cloned().collect();
        let mut add: Vec<String> = want.iter().filter(|v| !now.contains(v)).cloned().collect();
        if loc.multi_valued {
            // A proxy address the object already holds in another case (`SMTP:` beside `smtp:`) is there
            // already: AD compares them without case, so only the bad value is removed.
            let all = self.all_values(&loc).await?.unwrap_or_default();
            add.retain(|a| {
                !all.iter()
                    .any(|v| !now.contains(v) && v.eq_ignore_ascii_case(a))
            });
        }
        let edit = ValuesEdit {
            dn: &loc.distinguished_name,
            attribute: &loc.attribute,
            remove: &remove,
            add: &add,
        };
        self.target.replace_values(&edit).await?;
        match self.current(op).await? {
            Some(v) => Ok(strings(&v)),
            None => Err(SourceError::NotFound(format!(
                "{} after writing {}",
                loc.distinguished_name, loc.attribute
            ))),
        }
    }

    fn describe(&self, _op: &Planned, value: &Value) -> String {
        describe_value(value)
    }

    fn handles(&self, op: &str) -> bool {
        op == OP_LINT_VALUE
    }
}

/// A value of an [`OP_LINT_VALUE`] operation in words: the values joined by `; `, or `(none)`.
pub fn describe_value(value: &Value) -> String {
    let v = list(value);
    if v.is_empty() {
        "(none)".to_owned()
    } else {
        v.join("; ")
    }
}

/// Whether an LDIF value must be written base64 (RFC 2849's SAFE-STRING rules).
fn needs_base64(v: &str) -> bool {
    v.starts_with([' ', ':', '<'])
        || v.ends_with(' ')
        || v.bytes()
            .any(|b| b == 0 || b == b'\n' || b == b'\r' || !b.is_ascii())
}

/// One `name: value` (or `name:: base64`) LDIF line, without its line end.
pub(crate) fn ldif_line(name: &str, value: &str) -> String {
    if needs_base64(value) {
        format!("{name}:: {}", STANDARD.encode(value.as_bytes()))
    } else {
        format!("{name}: {value}")
    }
}

/// One modification of a `changetype: modify` record: `kind: attr`, a line per value, and `-`.
fn modification(out: &mut String, kind: &str, attr: &str, values: &[&String]) {
    out.push_str(&format!("{kind}: {attr}\n"));
    for v in values {
        out.push_str(&ldif_line(attr, v));
        out.push('\n');
    }
    out.push_str("-\n");
}

/// The undo LDIF of a run, as IdFix writes one for `ldifde -i`: for each write applied, a `changetype:
/// modify` record restoring the values found just before it (a single-valued attribute is replaced; the
/// values of a multi-valued one that the write added are deleted and those it removed added back).
pub fn undo_ldif(spec: &PlanSpec, report: &RunReport) -> String {
    let planned: BTreeMap<u64, &Planned> = spec.ops.iter().map(|p| (p.seq, p)).collect();
    let mut out = String::new();
    for row in report.ops.iter().rev() {
        if row.status != OpStatus::Applied || !row.this_run {
            continue;
        }
        let Some(op) = planned.get(&row.seq) else {
            continue;
        };
        let Ok(loc) = locator(op) else {
            continue;
        };
        let (before, after) = (list(&row.before), list(&row.after));
        let attr = loc.attribute.as_str();
        out.push_str(&ldif_line("dn", &loc.distinguished_name));
        out.push_str("\nchangetype: modify\n");
        if loc.multi_valued {
            let added: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
            let removed: Vec<&String> = before.iter().filter(|v| !after.contains(v)).collect();
            if !added.is_empty() {
                modification(&mut out, "delete", attr, &added);
            }
            if !removed.is_empty() {
                modification(&mut out, "add", attr, &removed);
            }
        } else if before.is_empty() {
            modification(&mut out, "delete", attr, &[]);
        } else {
            modification(
                &mut out,
                "replace",
                attr,
                &before.iter().collect::<Vec<_>>(),
            );
        }
        out.push('\n');
    }
    out
}

/// The default undo LDIF beside a journal: `<journal>.undo.ldif`.
pub fn undo_ldif_path(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".undo.ldif");
    PathBuf::from(name)
}

/// Writes [`undo_ldif`] to `path` atomically; nothing is written when no write was applied.
///
/// # Errors
/// [`AppError::Write`] naming the file.
pub fn write_undo_ldif(path: &Path, spec: &PlanSpec, report: &RunReport) -> Result<bool, AppError> {
    let text = undo_ldif(spec, report);
    if text.is_empty() {
        return Ok(false);
    }
    crate::files::write_atomic(path, |f| {
        f.write_all(text.as_bytes())
            .map_err(crate::files::write_err(path))
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests;
