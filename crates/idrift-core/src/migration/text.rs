//! A reader for console text pasted into a file: `$stats | Format-List`,
//! `$stats.Report.MailboxVerification | Format-List`, report log lines, and the migration portal's
//! "Data migrated: 1.4 GB (1,503,707,494 bytes)" panel, in any mix.
//!
//! Format-List prints one `Name : value` per line, names padded so the colons align, and records
//! separated by blank lines; a long or multi-line value continues on indented lines. A record with
//! `Source` (or `FolderSourcePath`/`FolderPath`) is a `MailboxVerification` record; the other records are
//! the statistics of one user. Lines that start with a date (`7/3/2018 2:22:35 PM [server] …`) are report
//! log entries, and `FolderSizeRec.ToString()` lines (`/Inbox: Source: …, Target …`) are folders too.
//! Prompts, headings and other prose are ignored.

use super::doc::{Doc, Obj, Value};
use super::extract::is_folder_string;
use super::{InputFormat, MigrationError};

/// Statistics keys whose presence shows the text is migration statistics.
const KNOWN_KEYS: [&str; 16] = [
    "Identity",
    "EmailAddress",
    "MailboxIdentifier",
    "Status",
    "StatusSummary",
    "BytesTransferred",
    "EstimatedTotalTransferSize",
    "EstimatedTotalTransferCount",
    "TotalMailboxSize",
    "SyncedItemCount",
    "SkippedItemCount",
    "PercentageComplete",
    "BatchId",
    "Report",
    "MailboxVerification",
    "TotalStalledDuration",
];

#[derive(Debug)]
struct Field {
    key: String,
    value: String,
    line: usize,
}

#[derive(Debug, Default)]
struct Record {
    fields: Vec<Field>,
}

impl Record {
    fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key.eq_ignore_ascii_case(key))
    }
}

/// What one pass over the lines found: the `Name : value` records (with the line each starts on), report
/// log entries and folder lines (with their lines, so they keep file order), and a bare e-mail address.
#[derive(Debug, Default)]
struct Scanned {
    records: Vec<(Record, usize)>,
    log: Vec<(usize, String)>,
    folder_lines: Vec<(String, usize)>,
    bare_email: Option<String>,
}

/// What the statistics records say.
#[derive(Debug, Default)]
struct Gathered {
    stats: Vec<(String, String)>,
    identity: Option<(String, usize)>,
    verification: Vec<(usize, Value)>,
    mailbox_verification_text: Option<String>,
}

/// Reads Format-List console text.
///
/// # Errors
/// [`MigrationError::Field`] naming the line when the text holds two different users (save one per
/// file), and [`MigrationError::NotRecognized`] when it holds no statistics, records or log lines.
pub(crate) fn parse(text: &str) -> Result<Doc, MigrationError> {
    let mut scanned = scan(text);
    let mut doc = Doc::default();
    let records = std::mem::take(&mut scanned.records);
    let mut g = gather(records, &mut scanned, &mut doc)?;
    for (l, line) in std::mem::take(&mut scanned.folder_lines) {
        g.verification.push((line, Value::Str(l)));
    }
    g.verification.sort_by_key(|(line, _)| *line);

    let known = g
        .stats
        .iter()
        .any(|(k, _)| KNOWN_KEYS.iter().any(|known| known.eq_ignore_ascii_case(k)));
    if !known
        && g.verification.is_empty()
        && scanned.log.is_empty()
        && g.mailbox_verification_text.is_none()
    {
        return Err(MigrationError::NotRecognized {
            format: InputFormat::FormatList,
            message: "expected the console text of `$stats | Format-List` or \
                      `$stats.Report.MailboxVerification | Format-List` (lines of `Name : value`)"
                .to_owned(),
        });
    }
    Ok(build(doc, g, scanned))
}

/// The pass over the lines: records of `Name : value` lines separated by blank lines (indented lines
/// continue the last value), log entries, folder lines, a prompt's value, a bare e-mail address.
fn scan(text: &str) -> Scanned {
    let mut out = Scanned::default();
    let mut current = Record::default();
    let mut current_line = 0usize;
    let mut pending: Option<String> = None;

    let close = |current: &mut Record, line: usize, records: &mut Vec<(Record, usize)>| {
        if !current.fields.is_empty() {
            records.push((std::mem::take(current), line));
        }
    };

    let text = text.trim_start_matches('\u{feff}');
    // Text pasted with a common indentation (from an e-mail, a ticket) is read as if it had none.
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.get(indent..).unwrap_or(raw.trim_start()).trim_end();
        let t = line.trim();
        if t.is_empty() {
            close(&mut current, current_line, &mut out.records);
            continue;
        }
        let indented = line.starts_with(char::is_whitespace);
        if indented && let Some(last) = current.fields.last_mut() {
            last.value.push('\n');
            last.value.push_str(t);
            continue;
        }
        if is_log_entry(t) {
            out.log.push((line_no, t.to_owned()));
            continue;
        }
        if is_folder_string(t) {
            out.folder_lines.push((t.to_owned(), line_no));
            continue;
        }
        if let Some(prop) = prompt_property(t) {
            close(&mut current, current_line, &mut out.records);
            pending = Some(prop);
            continue;
        }
        if let Some((key, value)) = key_value(t) {
            pending = None;
            if current.has(&key) {
                close(&mut current, current_line, &mut out.records);
            }
            if current.fields.is_empty() {
                current_line = line_no;
            }
            current.fields.push(Field {
                key,
                value,
                line: line_no,
            });
            continue;
        }
        if let Some(prop) = pending.take() {
            // The value printed by `PS C:\> $stats.EstimatedTotalTransferSize`.
            out.records.push((
                Record {
                    fields: vec![Field {
                        key: prop,
                        value: t.to_owned(),
                        line: line_no,
                    }],
                },
                line_no,
            ));
            continue;
        }
        if out.bare_email.is_none() && is_email(t) {
            out.bare_email = Some(t.to_owned());
        }
    }
    close(&mut current, current_line, &mut out.records);
    out
}

/// Sorts the records: folder records become verification objects in `doc`; a statistics record's `Report`
/// entries join the log, its `MailboxVerification` folder lines join the folders, and its other fields are
/// the statistics (the first non-empty value of each key wins).
///
/// # Errors
/// [`MigrationError::Field`] naming the line of a second, different `Identity`.
fn gather(
    records: Vec<(Record, usize)>,
    scanned: &mut Scanned,
    doc: &mut Doc,
) -> Result<Gathered, MigrationError> {
    let mut g = Gathered::default();
    for (record, line) in records {
        let is_folder =
            record.has("Source") || record.has("FolderSourcePath") || record.has("FolderPath");
        if is_folder {
            let props = record
                .fields
                .into_iter()
                .map(|f| (f.key, Value::Str(f.value)))
                .collect();
            let id = doc.push(Obj {
                props,
                line: Some(line),
                ..Obj::default()
            });
            g.verification.push((line, Value::Obj(id)));
            continue;
        }
        for f in record.fields {
            let key = canonical_key(&f.key);
            if key.eq_ignore_ascii_case("Report") || key.eq_ignore_ascii_case("Entries") {
                report_entries(&f, &mut scanned.log);
                continue;
            }
            if key.eq_ignore_ascii_case("MailboxVerification") {
                for l in f
                    .value
                    .lines()
                    .map(str::trim)
                    .filter(|l| is_folder_string(l))
                {
                    scanned.folder_lines.push((l.to_owned(), f.line));
                }
                if !f.value.trim().is_empty() {
                    g.mailbox_verification_text = Some(f.value.trim().to_owned());
                }
                continue;
            }
            if key.eq_ignore_ascii_case("Identity") && !f.value.trim().is_empty() {
                one_identity(&mut g.identity, &f)?;
            }
            let present = g
                .stats
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case(&key) && !v.is_empty());
            if !present {
                g.stats.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
                g.stats.push((key, f.value.trim().to_owned()));
            }
        }
    }
    Ok(g)
}

/// The log entries of a `Report :` value. Format-List wraps long entries; a line that does not start with a
/// date continues the entry.
fn report_entries(f: &Field, log: &mut Vec<(usize, String)>) {
    let mut entry: Option<(usize, String)> = None;
    for (i, l) in f.value.lines().map(str::trim).enumerate() {
        match (&mut entry, is_log_entry(l)) {
            (_, true) => {
                log.extend(entry.take());
                entry = Some((f.line + i, l.to_owned()));
            }
            (Some((_, e)), false) if !l.is_empty() => {
                e.push(' ');
                e.push_str(l);
            }
            _ => {}
        }
    }
    log.extend(entry);
}

/// Keeps the first `Identity`; a second, different one is an error (one user per file).
fn one_identity(identity: &mut Option<(String, usize)>, f: &Field) -> Result<(), MigrationError> {
    match identity {
        Some((first, first_line)) if !first.eq_ignore_ascii_case(f.value.trim()) => {
            Err(MigrationError::Field {
                path: "Identity".to_owned(),
                line: Some(f.line),
                message: format!(
                    "a second user ({:?}, after {first:?} on line {first_line}); save one user per file",
                    f.value.trim()
                ),
            })
        }
        Some(_) => Ok(()),
        None => {
            *identity = Some((f.value.trim().to_owned(), f.line));
            Ok(())
        }
    }
}

/// The document: one root object with the statistics, and a `Report` holding `MailboxVerification` and
/// the log `Entries`.
fn build(mut doc: Doc, g: Gathered, scanned: Scanned) -> Doc {
    let mut log = scanned.log;
    let mut report_props: Vec<(String, Value)> = Vec::new();
    if !g.verification.is_empty() {
        let items = g.verification.into_iter().map(|(_, v)| v).collect();
        let list = doc.push(Obj {
            items: Some(items),
            ..Obj::default()
        });
        report_props.push(("MailboxVerification".to_owned(), Value::Obj(list)));
    } else if let Some(t) = g.mailbox_verification_text {
        report_props.push(("MailboxVerification".to_owned(), Value::Str(t)));
    }
    if !log.is_empty() {
        log.sort_by_key(|(line, _)| *line);
        let entries = log.into_iter().map(|(_, e)| Value::Str(e)).collect();
        let list = doc.push(Obj {
            items: Some(entries),
            ..Obj::default()
        });
        report_props.push(("Entries".to_owned(), Value::Obj(list)));
    }
    let mut props: Vec<(String, Value)> = g
        .stats
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                if v.is_empty() {
                    Value::Nil
                } else {
                    Value::Str(v)
                },
            )
        })
        .collect();
    if g.identity.is_none()
        && let Some(email) = scanned.bare_email
    {
        props.push(("Identity".to_owned(), Value::Str(email)));
    }
    if !report_props.is_empty() {
        let report = doc.push(Obj {
            props: report_props,
            ..Obj::default()
        });
        props.push(("Report".to_owned(), Value::Obj(report)));
    }
    let root = doc.push(Obj {
        props,
        line: Some(1),
        ..Obj::default()
    });
    doc.roots.push(Value::Obj(root));
    doc
}

/// `Name : value` (Format-List) or `Name: value` (the portal). The name starts with a letter and holds
/// letters, digits, spaces, `_`, `-` and `.`.
fn key_value(t: &str) -> Option<(String, String)> {
    let colon = t.find(':')?;
    let after = &t[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ') || after.starts_with('\t')) {
        return None;
    }
    let key = t[..colon].trim_end();
    let valid = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'))
        && !key.contains("  ");
    valid.then(|| (key.to_owned(), after.trim().to_owned()))
}

/// The property a prompt line prints, for `PS C:\> $stats.EstimatedTotalTransferSize` (a bare
/// `$variable.Property` command); `None` for any other line.
fn prompt_property(t: &str) -> Option<String> {
    if !(t.starts_with("PS ") || t.starts_with("[PS] ")) {
        return None;
    }
    let command = t[t.find('>')? + 1..].trim();
    let path = command.strip_prefix('$')?;
    if path.is_empty()
        || !path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let prop = path.rsplit('.').next().filter(|_| path.contains('.'))?;
    (!prop.is_empty()).then(|| prop.to_owned())
}

/// The property name for a label: Format-List names are kept; portal labels ("Data migrated",
/// "Stalled duration") are mapped to the statistics property they show.
fn canonical_key(label: &str) -> String {
    let squashed: String = label
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .collect();
    match squashed.to_ascii_lowercase().as_str() {
        "datamigrated" => "BytesTransferred".to_owned(),
        "migrationrate" => "BytesTransferredPerMinute".to_owned(),
        "stalledduration" => "TotalStalledDuration".to_owned(),
        "lastsuccessfulsyncdate" => "LastSuccessfulSyncTimestamp".to_owned(),
        _ => squashed,
    }
}

/// Whether a line starts with a date and time, as report log entries do (`7/3/2018 2:22:35 PM`,
/// `03.07.2018 14:22:35`, `2018-07-03 14:22:35`).
pub(crate) fn is_log_entry(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, min: usize, max: usize| -> bool {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        *i - start >= min
    };
    let sep = |i: &mut usize, allowed: &[u8]| -> bool {
        if *i < b.len() && allowed.contains(&b[*i]) {
            *i += 1;
            true
        } else {
            false
        }
    };
    digits(&mut i, 1, 4)
        && sep(&mut i, b"/.-")
        && digits(&mut i, 1, 2)
        && sep(&mut i, b"/.-")
        && digits(&mut i, 2, 4)
        && sep(&mut i, b" T")
        && digits(&mut i, 1, 2)
        && sep(&mut i, b":")
        && digits(&mut i, 2, 2)
}

fn is_email(t: &str) -> bool {
    !t.contains(char::is_whitespace)
        && t.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

#[cfg(test)]
mod tests;
