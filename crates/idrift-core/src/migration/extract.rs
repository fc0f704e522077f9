//! Reads [`MigrationStats`] out of the document model, whichever form it came from.
//!
//! Top-level values may be statistics objects (`MigrationUserStatistics`, `MoveRequestStatistics`), a bare
//! `Report`, or loose `MailboxVerification` records (someone saved `$stats.Report.MailboxVerification`);
//! lists are walked into. A `FolderSizeRec` may arrive as an object with properties, as an object with
//! only its `ToString`, or as that string itself; a `CountAndSize` as `10188 [1.152 GB (…)]` text or as an
//! object with `Count`/`Size` (or `C`/`S`). Every error names the property path and, when known, the line.

use super::doc::{Doc, Obj, Value};
use super::size::{ByteSize, CountAndSize};
use super::{FolderVerification, InputFormat, MigrationError, MigrationStats, Verification};

const STATS_KEYS: [&str; 9] = [
    "BytesTransferred",
    "EstimatedTotalTransferSize",
    "EstimatedTotalTransferCount",
    "Report",
    "StatusSummary",
    "MailboxIdentifier",
    "SyncedItemCount",
    "TotalMailboxSize",
    "BytesTransferredPerMinute",
];

const IDENTITY_KEYS: [&str; 8] = [
    "Identity",
    "EmailAddress",
    "MailboxIdentifier",
    "UserPrincipalName",
    "PrimarySmtpAddress",
    "DisplayName",
    "Alias",
    "Name",
];

const EXTRA_BUCKETS: [&str; 4] = [
    "MissingInSourceExtraItemsInTargetBucket",
    "MismatchedSyncFolderIdExtraItemsInTargetBucket",
    "NonMRSSyncedExtraItemsInTargetBucket",
    "FolderExclusionExtraItemsInTargetBucket",
];

/// The deepest list nesting walked into at the top level.
const MAX_DEPTH: usize = 8;

/// Extracts every user's statistics from a document.
///
/// # Errors
/// [`MigrationError::Field`] for a value of the wrong shape; [`MigrationError::NotRecognized`] when
/// nothing in the document is migration statistics.
pub(crate) fn extract(
    doc: &Doc,
    format: InputFormat,
) -> Result<Vec<MigrationStats>, MigrationError> {
    let mut x = Extractor {
        doc,
        users: Vec::new(),
        loose: Vec::new(),
    };
    let single = doc.roots.len() == 1;
    for (i, root) in doc.roots.iter().enumerate() {
        let path = if single {
            String::new()
        } else {
            format!("[{i}]")
        };
        x.visit(root, &path, 0)?;
    }
    let Extractor {
        mut users, loose, ..
    } = x;
    if !loose.is_empty() {
        let identity = loose.iter().find_map(|f| f.mailbox_guid.clone());
        users.push(MigrationStats::verification_only(
            identity,
            Verification::Folders(loose),
            Vec::new(),
        ));
    }
    if users.is_empty() {
        return Err(MigrationError::NotRecognized {
            format,
            message: "expected Get-MigrationUserStatistics output (BytesTransferred, Report, \
                      MailboxVerification)"
                .to_owned(),
        });
    }
    Ok(users)
}

struct Extractor<'d> {
    doc: &'d Doc,
    users: Vec<MigrationStats>,
    /// `MailboxVerification` records found at the top level, outside any statistics object.
    loose: Vec<FolderVerification>,
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn field(path: &str, line: Option<usize>, message: impl Into<String>) -> MigrationError {
    MigrationError::Field {
        path: if path.is_empty() {
            "(top level)".to_owned()
        } else {
            path.to_owned()
        },
        line,
        message: message.into(),
    }
}

impl<'d> Extractor<'d> {
    fn visit(&mut self, v: &'d Value, path: &str, depth: usize) -> Result<(), MigrationError> {
        let doc = self.doc;
        match v {
            Value::Nil => Ok(()),
            Value::Str(s) if is_folder_string(s) => {
                let f = folder_from_str(s, path, None)?;
                self.loose.push(f);
                Ok(())
            }
            Value::Obj(_) => {
                let Some(o) = doc.obj(v) else {
                    return Err(field(path, None, "dangling object reference"));
                };
                if is_stats(doc, o) {
                    let stats = self.stats(o, path)?;
                    self.users.push(stats);
                } else if is_report(doc, o) {
                    let (verification, log) = self.report(o, path)?;
                    let stats = MigrationStats::verification_only(None, verification, log);
                    self.users.push(stats);
                } else if is_folder(doc, o) {
                    let f = self.folder(v, path)?;
                    self.loose.push(f);
                } else if let Some(items) = doc.items(v) {
                    if depth >= MAX_DEPTH {
                        return Err(field(path, o.line, "lists nested too deeply"));
                    }
                    for (i, item) in items.iter().enumerate() {
                        self.visit(item, &format!("{path}[{i}]"), depth + 1)?;
                    }
                } else {
                    let kind = o
                        .type_names
                        .first()
                        .map(|t| format!(" (type {t})"))
                        .unwrap_or_default();
                    return Err(field(
                        path,
                        o.line,
                        format!(
                            "not migration statistics{kind}: expected an object with BytesTransferred, \
                             Report or MailboxVerification"
                        ),
                    ));
                }
                Ok(())
            }
            other => Err(field(
                path,
                None,
                format!(
                    "expected migration statistics, found {}",
                    describe(doc, other)
                ),
            )),
        }
    }

    fn stats(&self, o: &'d Obj, path: &str) -> Result<MigrationStats, MigrationError> {
        let doc = self.doc;
        // An identity object serialized without its ToString (ConvertTo-Json) still has an `Id`.
        let identity = IDENTITY_KEYS.iter().find_map(|k| {
            let v = doc.prop(o, k)?;
            doc.text(v)
                .or_else(|| {
                    let io = doc.obj(v)?;
                    doc.prop_any(io, &["Id", "Name"])
                        .and_then(|(_, id)| doc.text(id))
                })
                .filter(|s| !s.trim().is_empty())
        });
        // ConvertTo-Json writes a deserialized enum as its number; prefer a name.
        let status_of = |name: &str| {
            doc.prop(o, name)
                .and_then(|v| doc.text(v))
                .filter(|s| !s.trim().is_empty())
        };
        let status = match (status_of("Status"), status_of("StatusSummary")) {
            (Some(s), summary) if s.chars().all(|c| c.is_ascii_digit()) => summary.or(Some(s)),
            (Some(s), _) => Some(s),
            (None, summary) => summary,
        };
        let bytes_transferred = self.size_prop(o, path, "BytesTransferred")?;
        let estimated_transfer_size = self.size_prop(o, path, "EstimatedTotalTransferSize")?;
        let total_mailbox_size = self.size_prop(o, path, "TotalMailboxSize")?;
        let estimated_transfer_count = match doc.prop(o, "EstimatedTotalTransferCount") {
            None | Some(Value::Nil) => None,
            Some(v) => Some(int_value(doc, v).ok_or_else(|| {
                field(
                    &join(path, "EstimatedTotalTransferCount"),
                    o.line,
                    format!("expected an item count, found {}", describe(doc, v)),
                )
            })?),
        };
        let stalled_duration = doc
            .prop_any(o, &["TotalStalledDuration", "StalledDuration"])
            .and_then(|(_, v)| doc.text(v))
            .filter(|s| !s.trim().is_empty());
        let (verification, log) = match doc.prop(o, "Report") {
            None | Some(Value::Nil) => match doc.prop(o, "MailboxVerification") {
                Some(mv) => (
                    self.verification(mv, o, &join(path, "MailboxVerification"))?,
                    Vec::new(),
                ),
                None => (Verification::NoReport, Vec::new()),
            },
            Some(r) => match doc.obj(r) {
                Some(ro) if !ro.props.is_empty() || ro.items.is_some() => {
                    self.report(ro, &join(path, "Report"))?
                }
                _ => {
                    // The report was saved as its text only (its ToString is the log).
                    let text = doc.text(r).unwrap_or_default();
                    let log = split_log(&text);
                    let verification = if text.trim().is_empty() {
                        Verification::NoReport
                    } else {
                        Verification::NotSerialized(
                            "the report was saved as its log text only".to_owned(),
                        )
                    };
                    (verification, log)
                }
            },
        };
        Ok(MigrationStats {
            identity,
            status,
            bytes_transferred,
            estimated_transfer_size,
            estimated_transfer_count,
            total_mailbox_size,
            stalled_duration,
            verification,
            log,
        })
    }

    fn report(
        &self,
        ro: &'d Obj,
        path: &str,
    ) -> Result<(Verification, Vec<String>), MigrationError> {
        let doc = self.doc;
        let log = match doc.prop(ro, "Entries") {
            Some(entries) => match doc.items(entries) {
                Some(items) => items.iter().filter_map(|e| entry_text(doc, e)).collect(),
                None => split_log(&doc.text(entries).unwrap_or_default()),
            },
            None => split_log(ro.to_string.as_deref().unwrap_or_default()),
        };
        let verification = match doc.prop(ro, "MailboxVerification") {
            None | Some(Value::Nil) => Verification::NotInReport,
            Some(mv) => self.verification(mv, ro, &join(path, "MailboxVerification"))?,
        };
        Ok((verification, log))
    }

    fn verification(
        &self,
        mv: &'d Value,
        owner: &Obj,
        path: &str,
    ) -> Result<Verification, MigrationError> {
        let doc = self.doc;
        if let Some(items) = doc.items(mv) {
            if items.is_empty() {
                return Ok(Verification::Empty);
            }
            let folders = items
                .iter()
                .enumerate()
                .map(|(i, item)| self.folder(item, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Verification::Folders(folders));
        }
        if let Some(o) = doc.obj(mv)
            && is_folder(doc, o)
        {
            return Ok(Verification::Folders(vec![self.folder(mv, path)?]));
        }
        match doc.text(mv) {
            Some(t) if t.lines().any(is_folder_string) => {
                let folders = t
                    .lines()
                    .filter(|l| is_folder_string(l))
                    .map(|l| folder_from_str(l.trim(), path, owner.line))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Verification::Folders(folders))
            }
            Some(t) if !t.trim().is_empty() => Ok(Verification::NotSerialized(t.trim().to_owned())),
            _ => Ok(Verification::Empty),
        }
    }

    fn folder(&self, v: &'d Value, path: &str) -> Result<FolderVerification, MigrationError> {
        let doc = self.doc;
        let Some(o) = doc.obj(v) else {
            return match v {
                Value::Str(s) => folder_from_str(s, path, None),
                other => Err(field(
                    path,
                    None,
                    format!(
                        "expected a MailboxVerification record, found {}",
                        describe(doc, other)
                    ),
                )),
            };
        };
        if doc.prop_any(o, &["Source", "Target"]).is_none() {
            // An object saved with only its ToString.
            return match &o.to_string {
                Some(s) if is_folder_string(s) => folder_from_str(s, path, o.line),
                _ => Err(field(
                    path,
                    o.line,
                    "a MailboxVerification record without Source and Target counts",
                )),
            };
        }
        let text_prop = |names: &[&'static str]| {
            doc.prop_any(o, names)
                .and_then(|(_, v)| doc.text(v))
                .filter(|s| !s.is_empty())
        };
        let required = |name: &str| -> Result<CountAndSize, MigrationError> {
            match doc.prop(o, name) {
                None | Some(Value::Nil) => Err(field(
                    &join(path, name),
                    o.line,
                    format!(
                        "missing (expected `{name} : count [size]`; a record cut short means a truncated file)"
                    ),
                )),
                Some(v) => count_and_size(doc, v, &join(path, name), o.line),
            }
        };
        let optional = |name: &str| -> Result<Option<CountAndSize>, MigrationError> {
            match doc.prop(o, name) {
                None | Some(Value::Nil) => Ok(None),
                Some(Value::Str(s)) if s.trim().is_empty() => Ok(None),
                Some(v) => count_and_size(doc, v, &join(path, name), o.line).map(Some),
            }
        };
        let flag = |name: &str| -> Result<bool, MigrationError> {
            match doc.prop(o, name) {
                None | Some(Value::Nil) => Ok(false),
                Some(v) => bool_value(doc, v).ok_or_else(|| {
                    field(
                        &join(path, name),
                        o.line,
                        format!("expected True or False, found {}", describe(doc, v)),
                    )
                }),
            }
        };
        // Counts first: a record cut short (a truncated paste) lacks Target before it lacks the path.
        let source = required("Source")?;
        let target = required("Target")?;
        let folder_path = text_prop(&["FolderSourcePath", "FolderPath", "FolderTargetPath"])
            .or_else(|| {
                o.to_string
                    .as_deref()
                    .and_then(|s| s.find(": Source:").map(|i| s[..i].to_owned()))
            })
            .ok_or_else(|| {
                field(
                    path,
                    o.line,
                    "a MailboxVerification record without FolderSourcePath or FolderPath",
                )
            })?;
        let target_path = text_prop(&["FolderTargetPath"]);
        let mut missing = match optional("MissingItemsInTargetBucket")? {
            Some(m) => m,
            None => optional("Missing")?.unwrap_or_default(),
        };
        if let Some(list) = doc.prop(o, "MissingItems").and_then(|m| doc.items(m)) {
            let n = u64::try_from(list.len()).unwrap_or(u64::MAX);
            missing.count = missing.count.max(n);
        }
        let mut extra = CountAndSize::EMPTY;
        for name in EXTRA_BUCKETS {
            if let Some(b) = optional(name)? {
                extra.count = extra.count.saturating_add(b.count);
                extra.size = extra.size.saturating_add(b.size);
            }
        }
        Ok(FolderVerification {
            folder_path,
            target_path,
            well_known: text_prop(&["WKFType"]),
            source,
            source_fai: optional("SourceFAI")?.unwrap_or_default(),
            target,
            target_fai: optional("TargetFAI")?.unwrap_or_default(),
            corrupt: optional("Corrupt")?.unwrap_or_default(),
            large: optional("Large")?.unwrap_or_default(),
            skipped: optional("Skipped")?.unwrap_or_default(),
            missing,
            duplicated: optional("DuplicatedItemsInTargetBucket")?.unwrap_or_default(),
            extra_in_target: extra,
            folder_is_missing: flag("FolderIsMissing")?,
            folder_is_misplaced: flag("FolderIsMisplaced")?,
            mailbox_guid: text_prop(&["MailboxGuid"]),
            line: o.line,
        })
    }

    fn size_prop(&self, o: &Obj, path: &str, name: &str) -> Result<Option<u64>, MigrationError> {
        let doc = self.doc;
        match doc.prop(o, name) {
            None | Some(Value::Nil) => Ok(None),
            Some(Value::Str(s)) if s.trim().is_empty() => Ok(None),
            Some(v) => size_value(doc, v, 0).map(Some).ok_or_else(|| {
                field(
                    &join(path, name),
                    o.line,
                    format!(
                        "expected a size such as `1.152 GB (1,237,342,091 bytes)`, found {}",
                        describe(doc, v)
                    ),
                )
            }),
        }
    }
}

fn is_stats(doc: &Doc, o: &Obj) -> bool {
    o.type_names
        .iter()
        .any(|t| t.contains("MigrationUserStatistics") || t.contains("MoveRequestStatistics"))
        || STATS_KEYS.iter().any(|k| doc.prop(o, k).is_some())
}

fn is_report(doc: &Doc, o: &Obj) -> bool {
    o.type_names.iter().any(|t| t.ends_with(".Report"))
        || doc.prop(o, "MailboxVerification").is_some()
        || doc.prop(o, "Entries").is_some()
}

fn is_folder(doc: &Doc, o: &Obj) -> bool {
    o.type_names.iter().any(|t| t.contains("FolderSizeRec"))
        || doc
            .prop_any(o, &["Source", "FolderSourcePath", "FolderPath"])
            .is_some()
        || (o.props.is_empty()
            && o.items.is_none()
            && o.to_string.as_deref().is_some_and(is_folder_string))
}

/// Whether a line is a `FolderSizeRec.ToString()`: `{FolderPath}: Source: {C} [{size}], Target {C} [{size}]…`.
pub(crate) fn is_folder_string(s: &str) -> bool {
    let t = s.trim();
    (t.contains(": Source: ") || t.starts_with("Source: ")) && t.contains("Target")
}

/// Parses `FolderSizeRec.ToString()`:
/// `{FolderPath}: Source: {C} [{size}], Target {C} [{size}]` then `, SourceFAI: …`, `, TargetFAI: …`,
/// `, Corrupt: …`, `, Large: …`, `, Skipped: …`, `, Missing: …` when non-empty.
pub(crate) fn folder_from_str(
    s: &str,
    path: &str,
    line: Option<usize>,
) -> Result<FolderVerification, MigrationError> {
    let t = s.trim();
    let bad = |what: &str| {
        field(
            path,
            line,
            format!(
                "{what} in {t:?} (expected `/Folder: Source: 10 [1 KB (1,024 bytes)], Target 10 [1 KB (1,024 bytes)]`)"
            ),
        )
    };
    let (folder_path, mut rest) = match t.find(": Source: ") {
        Some(i) => (t[..i].to_owned(), &t[i + 2..]),
        None => (String::new(), t),
    };
    let mut f = FolderVerification {
        folder_path,
        line,
        ..FolderVerification::default()
    };
    let (mut have_source, mut have_target) = (false, false);
    while !rest.is_empty() {
        let label_end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let label = &rest[..label_end];
        let after = rest[label_end..].trim_start_matches(':').trim_start();
        let close = after.find(']').ok_or_else(|| bad("no closing `]`"))?;
        let cas: CountAndSize = after[..=close]
            .parse()
            .map_err(|e: super::SizeError| bad(&e.to_string()))?;
        match label {
            "Source" => {
                f.source = cas;
                have_source = true;
            }
            "Target" => {
                f.target = cas;
                have_target = true;
            }
            "SourceFAI" => f.source_fai = cas,
            "TargetFAI" => f.target_fai = cas,
            "Corrupt" => f.corrupt = cas,
            "Large" => f.large = cas,
            "Skipped" => f.skipped = cas,
            "Missing" => f.missing = cas,
            other => return Err(bad(&format!("unknown bucket {other:?}"))),
        }
        rest = after[close + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    if !have_source || !have_target {
        return Err(bad("no Source or no Target count"));
    }
    Ok(f)
}

fn count_and_size(
    doc: &Doc,
    v: &Value,
    path: &str,
    line: Option<usize>,
) -> Result<CountAndSize, MigrationError> {
    let bad = || {
        field(
            path,
            line,
            format!(
                "expected a count and size such as `10188 [1.152 GB (1,237,342,091 bytes)]`, found {}",
                describe(doc, v)
            ),
        )
    };
    if let Some(o) = doc.obj(v) {
        if let Some(parsed) = o.to_string.as_deref().and_then(|s| s.parse().ok()) {
            return Ok(parsed);
        }
        let count = doc
            .prop_any(o, &["Count", "C"])
            .and_then(|(_, c)| int_value(doc, c));
        let size = doc
            .prop_any(o, &["Size", "S"])
            .and_then(|(_, s)| size_value(doc, s, 0));
        return match (count, size) {
            (Some(count), Some(size)) => Ok(CountAndSize { count, size }),
            _ => Err(bad()),
        };
    }
    match v {
        Value::Str(s) | Value::Other(s) => s.parse().map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// A size from a string (`1.152 GB (…)` or digits), a number, or an object (its `ToString`, or a
/// `Value`/`Bytes` property).
fn size_value(doc: &Doc, v: &Value, depth: usize) -> Option<u64> {
    match v {
        Value::Str(s) | Value::Other(s) => s.parse::<ByteSize>().ok().map(|b| b.0),
        Value::Int(n) => u64::try_from(*n).ok(),
        Value::UInt(n) => Some(*n),
        Value::Obj(_) if depth < 4 => {
            let o = doc.obj(v)?;
            if let Some(b) = o
                .to_string
                .as_deref()
                .and_then(|s| s.parse::<ByteSize>().ok())
            {
                return Some(b.0);
            }
            if let Some(inner) = &o.value
                && let Some(b) = size_value(doc, inner, depth + 1)
            {
                return Some(b);
            }
            let (_, inner) = doc.prop_any(o, &["Value", "Bytes", "ToBytes"])?;
            size_value(doc, inner, depth + 1)
        }
        _ => None,
    }
}

fn int_value(doc: &Doc, v: &Value) -> Option<u64> {
    match v {
        Value::Int(n) => u64::try_from(*n).ok(),
        Value::UInt(n) => Some(*n),
        Value::Str(s) | Value::Other(s) => s.trim().replace(',', "").parse().ok(),
        // One level only: an object's wrapped value may itself be an object, even a reference back.
        Value::Obj(_) => match doc.obj(v)?.value.as_ref()? {
            Value::Obj(_) => None,
            inner => int_value(doc, inner),
        },
        _ => None,
    }
}

fn bool_value(doc: &Doc, v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Int(n) => Some(*n != 0),
        Value::Str(_) | Value::Other(_) | Value::Obj(_) => {
            let t = doc.text(v)?;
            let t = t.trim();
            if t.eq_ignore_ascii_case("true") {
                Some(true)
            } else if t.eq_ignore_ascii_case("false") || t.is_empty() {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The text of one report entry: its `ToString`, or `CreationTime [ServerName] Message`.
fn entry_text(doc: &Doc, e: &Value) -> Option<String> {
    if let Some(t) = doc.text(e) {
        return Some(t);
    }
    let o = doc.obj(e)?;
    let message = doc.prop(o, "Message").and_then(|m| doc.text(m))?;
    let time = doc.prop(o, "CreationTime").and_then(|t| doc.text(t));
    let server = doc.prop(o, "ServerName").and_then(|s| doc.text(s));
    Some(match (time, server) {
        (Some(t), Some(s)) => format!("{t} [{s}] {message}"),
        (Some(t), None) => format!("{t} {message}"),
        _ => message,
    })
}

fn split_log(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A short description of a value for error messages.
fn describe(doc: &Doc, v: &Value) -> String {
    match v {
        Value::Nil => "nothing (null)".to_owned(),
        Value::Str(s) | Value::Other(s) => {
            let cut: String = s.chars().take(80).collect();
            format!("{cut:?}")
        }
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Obj(_) => match doc.obj(v) {
            Some(o) if o.items.is_some() => "a list".to_owned(),
            Some(o) => match (&o.to_string, o.type_names.first()) {
                (Some(s), _) => format!("an object shown as {s:?}"),
                (None, Some(t)) => format!("an object of type {t}"),
                _ => "an object".to_owned(),
            },
            None => "an object".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests;
