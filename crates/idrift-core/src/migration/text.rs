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

/// Reads Format-List console text.
///
/// # Errors
/// [`MigrationError::Field`] naming the line when the text holds two different users (save one per
/// file), and [`MigrationError::NotRecognized`] when it holds no statistics, records or log lines.
pub(crate) fn parse(text: &str) -> Result<Doc, MigrationError> {
    let mut records: Vec<(Record, usize)> = Vec::new();
    let mut current = Record::default();
    let mut current_line = 0usize;
    // Log entries with the line they start on, so pasted lines and a `Report :` value keep file order.
    let mut log: Vec<(usize, String)> = Vec::new();
    let mut folder_lines: Vec<(String, usize)> = Vec::new();
    let mut bare_email: Option<String> = None;
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
            close(&mut current, current_line, &mut records);
            continue;
        }
        let indented = line.starts_with(char::is_whitespace);
        if indented && let Some(last) = current.fields.last_mut() {
            last.value.push('\n');
            last.value.push_str(t);
            continue;
        }
        if is_log_entry(t) {
            log.push((line_no, t.to_owned()));
            continue;
        }
        if is_folder_string(t) {
            folder_lines.push((t.to_owned(), line_no));
            continue;
        }
        if let Some(prop) = prompt_property(t) {
            close(&mut current, current_line, &mut records);
            pending = Some(prop);
            continue;
        }
        if let Some((key, value)) = key_value(t) {
            pending = None;
            if current.has(&key) {
                close(&mut current, current_line, &mut records);
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
            records.push((
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
        if bare_email.is_none() && is_email(t) {
            bare_email = Some(t.to_owned());
        }
    }
    close(&mut current, current_line, &mut records);

    let mut doc = Doc::default();
    let mut stats: Vec<(String, String)> = Vec::new();
    let mut identity: Option<(String, usize)> = None;
    let mut verification: Vec<(usize, Value)> = Vec::new();
    let mut mailbox_verification_text: Option<String> = None;
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
            verification.push((line, Value::Obj(id)));
            continue;
        }
        for f in record.fields {
            let key = canonical_key(&f.key);
            if key.eq_ignore_ascii_case("Report") || key.eq_ignore_ascii_case("Entries") {
                // Format-List wraps long entries; a line that does not start with a date continues the entry.
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
                continue;
            }
            if key.eq_ignore_ascii_case("MailboxVerification") {
                for l in f
                    .value
                    .lines()
                    .map(str::trim)
                    .filter(|l| is_folder_string(l))
                {
                    folder_lines.push((l.to_owned(), f.line));
                }
                if !f.value.trim().is_empty() {
                    mailbox_verification_text = Some(f.value.trim().to_owned());
                }
                continue;
            }
            if key.eq_ignore_ascii_case("Identity") && !f.value.trim().is_empty() {
                match &identity {
                    Some((first, first_line)) if !first.eq_ignore_ascii_case(f.value.trim()) => {
                        return Err(MigrationError::Field {
                            path: "Identity".to_owned(),
                            line: Some(f.line),
                            message: format!(
                                "a second user ({:?}, after {first:?} on line {first_line}); save one user per file",
                                f.value.trim()
                            ),
                        });
                    }
                    Some(_) => {}
                    None => identity = Some((f.value.trim().to_owned(), f.line)),
                }
            }
            let present = stats
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case(&key) && !v.is_empty());
            if !present {
                stats.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
                stats.push((key, f.value.trim().to_owned()));
            }
        }
    }
    for (l, line) in folder_lines {
        verification.push((line, Value::Str(l)));
    }
    verification.sort_by_key(|(line, _)| *line);

    let known = stats
        .iter()
        .any(|(k, _)| KNOWN_KEYS.iter().any(|known| known.eq_ignore_ascii_case(k)));
    if !known && verification.is_empty() && log.is_empty() && mailbox_verification_text.is_none() {
        return Err(MigrationError::NotRecognized {
            format: InputFormat::FormatList,
            message: "expected the console text of `$stats | Format-List` or \
                      `$stats.Report.MailboxVerification | Format-List` (lines of `Name : value`)"
                .to_owned(),
        });
    }

    let mut report_props: Vec<(String, Value)> = Vec::new();
    if !verification.is_empty() {
        let items = verification.into_iter().map(|(_, v)| v).collect();
        let list = doc.push(Obj {
            items: Some(items),
            ..Obj::default()
        });
        report_props.push(("MailboxVerification".to_owned(), Value::Obj(list)));
    } else if let Some(t) = mailbox_verification_text {
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
    let mut props: Vec<(String, Value)> = stats
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
    if identity.is_none()
        && let Some(email) = bare_email
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
    Ok(doc)
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
