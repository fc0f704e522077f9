//! In-place edits of an LDIF file: [`patch`] changes the values of named attributes in named entries and
//! leaves every other byte as it was, so a rehearsal on an export keeps what idrift does not model (`cn`,
//! `description`, `memberOf`, `manager`, comments, folding, base64 values, CRLF line ends, groups and
//! contacts).
//!
//! The input is split into records by physical lines: a record starts at its `dn:` line and ends before the
//! empty line (or the end of the input) that closes it; a logical line is a physical line and the lines
//! starting with a space that continue it. An edited record keeps every logical line except those of the
//! attributes written; when the new values equal the old ones (as decoded values, in order) those lines stay
//! too. New lines take the place of the attribute's first old line, or go at the end of the record, and use
//! the line end of the record's `dn:` line. Change records (`changetype:` other than `add`) are never edited.

use std::collections::HashMap;

use base64::Engine as _;

use crate::ldif::{BASE64, LdifError, is_safe_string};

/// The values one attribute of an entry is set to (an empty list removes the attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrValues {
    /// The attribute's LDAP name, e.g. `mobile` (compared without regard to case).
    pub name: String,
    /// Its values, in order.
    pub values: Vec<Vec<u8>>,
    /// Where the attribute's lines go when the entry has none: the number of logical lines of the entry
    /// (its `dn:` line and comments included) before them, as [`places`] found it before a removal, so
    /// undoing the removal puts the lines back where they were. `None`, or a place past the entry's end: at
    /// the end.
    pub at: Option<usize>,
}

/// The attributes to set in one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryEdit {
    /// The entry's DN as the export spells it (compared without regard to case).
    pub dn: String,
    /// The attributes to set.
    pub attrs: Vec<AttrValues>,
}

/// One logical line of a record: its byte span (terminators included), name and decoded value.
struct Logical {
    start: usize,
    end: usize,
    /// Lower-cased, options (`;binary`) removed; empty for comments.
    name: Vec<u8>,
    /// The attribute name as written (for new lines of the same attribute).
    spelled: Vec<u8>,
    value: Vec<u8>,
}

/// Applies `edits` to the LDIF `text`, returning the new bytes; nothing outside the attributes written
/// changes.
///
/// # Errors
/// [`LdifError`] naming the line of a malformed line in an edited record (bad base64, no colon, a URL value),
/// and (line 0) an edit whose DN no content record of `text` has, or a value holding a NUL byte.
pub fn patch(text: &[u8], edits: &[EntryEdit]) -> Result<Vec<u8>, LdifError> {
    // The reader refuses a NUL; the writer does too, so none reaches a file another tool imports.
    for e in edits {
        if let Some(a) = e
            .attrs
            .iter()
            .find(|a| a.values.iter().any(|v| v.contains(&0)))
        {
            return Err(LdifError {
                line: 0,
                message: format!(
                    "refusing to write a NUL byte (U+0000) in the value of `{}` of {}: no directory text \
                     value may hold one",
                    a.name, e.dn
                ),
            });
        }
    }
    let mut wanted: HashMap<String, usize> = HashMap::with_capacity(edits.len());
    for (i, e) in edits.iter().enumerate() {
        wanted.insert(e.dn.to_lowercase(), i);
    }
    let mut done = vec![false; edits.len()];
    let mut out = Vec::with_capacity(text.len() + edits.len() * 32);
    let mut copied = 0usize;
    let mut pos = 0usize;
    let mut line_no = 1usize;
    if text.starts_with(b"\xEF\xBB\xBF") {
        pos = 3;
    }
    while pos < text.len() {
        let (first, next, lines) = logical_line(text, pos);
        let content = strip_eol(&text[pos..first]);
        if content.is_empty() || content[0] == b'#' || !starts_with_ignore_case(content, b"dn:") {
            pos = next;
            line_no += lines;
            continue;
        }
        // A record: from this `dn:` line to the empty line that closes it.
        let record_start = pos;
        let record_line = line_no;
        let mut end = next;
        let mut end_line = line_no + lines;
        while end < text.len() {
            let (f, n, l) = logical_line(text, end);
            if strip_eol(&text[end..f]).is_empty() {
                break;
            }
            end = n;
            end_line += l;
        }
        let dn_line = parse_logical(text, record_start, next, record_line)?;
        let dn = String::from_utf8_lossy(&dn_line.value).to_lowercase();
        if let Some(&i) = wanted.get(&dn)
            && !is_change_record(text, next, end)
        {
            let lines = record_lines(text, record_start, end, record_line)?;
            out.extend_from_slice(&text[copied..record_start]);
            let eol = line_end(&text[record_start..next]);
            edit_record(&mut out, text, &lines, &edits[i], eol);
            copied = end;
            done[i] = true;
        }
        pos = end;
        line_no = end_line;
    }
    if let Some(i) = done.iter().position(|d| !d) {
        return Err(LdifError {
            line: 0,
            message: format!("no entry {:?} to write to", edits[i].dn),
        });
    }
    out.extend_from_slice(&text[copied..]);
    Ok(out)
}

/// Renames the entry `dn` (compared without regard to case) to `new_dn`, as a move does: only its `dn:` line
/// changes (written plainly, or base64 when the DN is not a safe LDIF string, with the line end it had);
/// every other byte of the file, the entry's attributes included, stays.
///
/// # Errors
/// [`LdifError`] naming the line of a malformed `dn:` line; (line 0) when no content record has `dn`, or
/// when `new_dn` holds a NUL byte.
pub fn rename(text: &[u8], dn: &str, new_dn: &str) -> Result<Vec<u8>, LdifError> {
    if new_dn.contains('\0') {
        return Err(LdifError {
            line: 0,
            message: format!("refusing to write a NUL byte (U+0000) in the new DN of {dn}"),
        });
    }
    let wanted = dn.to_lowercase();
    let mut pos = if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut line_no = 1usize;
    while pos < text.len() {
        let (first, next, lines) = logical_line(text, pos);
        let content = strip_eol(&text[pos..first]);
        if !content.is_empty() && content[0] != b'#' && starts_with_ignore_case(content, b"dn:") {
            let dn_line = parse_logical(text, pos, next, line_no)?;
            let mut end = next;
            while end < text.len() {
                let (f, n, _) = logical_line(text, end);
                if strip_eol(&text[end..f]).is_empty() {
                    break;
                }
                end = n;
            }
            if String::from_utf8_lossy(&dn_line.value).to_lowercase() == wanted
                && !is_change_record(text, next, end)
            {
                let old = &text[pos..next];
                let mut out = Vec::with_capacity(text.len() + new_dn.len());
                out.extend_from_slice(&text[..pos]);
                write_lines(
                    &mut out,
                    b"dn",
                    &[new_dn.as_bytes().to_vec()],
                    line_end(old),
                    old.ends_with(b"\n"),
                );
                out.extend_from_slice(&text[next..]);
                return Ok(out);
            }
        }
        pos = next;
        line_no += lines;
    }
    Err(LdifError {
        line: 0,
        message: format!("no entry {dn:?} to rename"),
    })
}

fn starts_with_ignore_case(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn line_end(line: &[u8]) -> &'static [u8] {
    if line.ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    }
}

/// The physical line at `pos`: the end of its first physical line, the start of the next logical line, and
/// how many physical lines it spans.
fn logical_line(text: &[u8], pos: usize) -> (usize, usize, usize) {
    let line_after = |p: usize| memchr::memchr(b'\n', &text[p..]).map_or(text.len(), |i| p + i + 1);
    let first = line_after(pos);
    let mut next = first;
    let mut lines = 1;
    while next < text.len() && text[next] == b' ' {
        next = line_after(next);
        lines += 1;
    }
    (first, next, lines)
}

/// Parses the logical line `start..end` (which starts at physical line `line_no`).
fn parse_logical(
    text: &[u8],
    start: usize,
    end: usize,
    line_no: usize,
) -> Result<Logical, LdifError> {
    let mut joined = Vec::new();
    let mut p = start;
    let mut first = true;
    while p < end {
        let e = memchr::memchr(b'\n', &text[p..end]).map_or(end, |i| p + i + 1);
        let part = strip_eol(&text[p..e]);
        joined.extend_from_slice(if first { part } else { &part[1..] });
        first = false;
        p = e;
    }
    if joined.first() == Some(&b'#') {
        return Ok(Logical {
            start,
            end,
            name: Vec::new(),
            spelled: Vec::new(),
            value: Vec::new(),
        });
    }
    let bad = |message: String| LdifError {
        line: line_no,
        message,
    };
    let colon = memchr::memchr(b':', &joined)
        .ok_or_else(|| bad("expected `attribute: value`".to_owned()))?;
    let spelled = joined[..colon].to_vec();
    let base = spelled
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut rest = &joined[colon + 1..];
    let base64 = rest.first() == Some(&b':');
    if base64 {
        rest = &rest[1..];
    } else if rest.first() == Some(&b'<') {
        return Err(bad("URL values (`:<`) are not supported".to_owned()));
    }
    while let Some((b' ', r)) = rest.split_first() {
        rest = r;
    }
    let value = if base64 {
        let mut v = Vec::new();
        BASE64
            .decode_vec(rest.trim_ascii_end(), &mut v)
            .map_err(|e| bad(format!("bad base64 value ({e})")))?;
        v
    } else {
        rest.to_vec()
    };
    Ok(Logical {
        start,
        end,
        name: base,
        spelled,
        value,
    })
}

fn record_lines(
    text: &[u8],
    start: usize,
    end: usize,
    mut line_no: usize,
) -> Result<Vec<Logical>, LdifError> {
    let mut lines = Vec::new();
    let mut p = start;
    while p < end {
        let (_, next, n) = logical_line(text, p);
        let next = next.min(end);
        lines.push(parse_logical(text, p, next, line_no)?);
        line_no += n;
        p = next;
    }
    Ok(lines)
}

/// Whether the record whose lines after `dn:` are `start..end` is a change record (`changetype:` other than
/// `add` after the `dn:` and any `control:` lines).
fn is_change_record(text: &[u8], start: usize, end: usize) -> bool {
    let mut p = start;
    while p < end {
        let (first, next, _) = logical_line(text, p);
        let line = strip_eol(&text[p..first.min(end)]);
        if line.first() == Some(&b'#') || starts_with_ignore_case(line, b"control:") {
            p = next;
            continue;
        }
        if !starts_with_ignore_case(line, b"changetype:") {
            return false;
        }
        let value = line[b"changetype:".len()..].trim_ascii();
        return !value.eq_ignore_ascii_case(b"add");
    }
    false
}

/// Where the attributes `names` (compared without regard to case) start in each content record of `text`:
/// by lower-cased DN, each attribute's lower-cased name and the number of logical lines of its record before
/// its first line (the [`AttrValues::at`] that puts it back there).
///
/// # Errors
/// [`LdifError`] naming the line of a malformed `dn:` line.
pub fn places(
    text: &[u8],
    names: &[&str],
) -> Result<HashMap<String, Vec<(String, usize)>>, LdifError> {
    let names: Vec<Vec<u8>> = names
        .iter()
        .map(|n| n.to_ascii_lowercase().into_bytes())
        .collect();
    let mut found = HashMap::new();
    let mut pos = usize::from(text.starts_with(b"\xEF\xBB\xBF")) * 3;
    let mut line_no = 1usize;
    while pos < text.len() {
        let (first, next, lines) = logical_line(text, pos);
        let content = strip_eol(&text[pos..first]);
        if content.is_empty() || content[0] == b'#' || !starts_with_ignore_case(content, b"dn:") {
            pos = next;
            line_no += lines;
            continue;
        }
        let dn_line = parse_logical(text, pos, next, line_no)?;
        let mut at: Vec<(String, usize)> = Vec::new();
        let change = is_change_record(text, next, text.len());
        let (mut p, mut index) = (next, 1usize);
        line_no += lines;
        while p < text.len() {
            let (f, n, l) = logical_line(text, p);
            let line = strip_eol(&text[p..f]);
            if line.is_empty() {
                break;
            }
            let name = line
                .split(|&b| b == b':' || b == b';')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if line[0] != b'#' && names.contains(&name) {
                let name = String::from_utf8_lossy(&name).into_owned();
                if !at.iter().any(|(n, _)| *n == name) {
                    at.push((name, index));
                }
            }
            index += 1;
            line_no += l;
            p = n;
        }
        if !change && !at.is_empty() {
            found.insert(String::from_utf8_lossy(&dn_line.value).to_lowercase(), at);
        }
        pos = p;
    }
    Ok(found)
}

/// Writes the record `lines` with `edit` applied.
fn edit_record(out: &mut Vec<u8>, text: &[u8], lines: &[Logical], edit: &EntryEdit, eol: &[u8]) {
    // Per attribute written: whether it changes, and whether its new lines were written yet.
    let mut changes: Vec<(Vec<u8>, bool, bool)> = edit
        .attrs
        .iter()
        .map(|a| {
            let name = a.name.to_ascii_lowercase().into_bytes();
            let old: Vec<&[u8]> = lines
                .iter()
                .skip(1)
                .filter(|l| l.name == name)
                .map(|l| l.value.as_slice())
                .collect();
            let same = old.len() == a.values.len()
                && old.iter().zip(&a.values).all(|(o, n)| *o == n.as_slice());
            (name, !same, false)
        })
        .collect();
    // Attributes the entry lacks that go back to a place: in the order of their places.
    let mut placed: Vec<(usize, usize)> = edit
        .attrs
        .iter()
        .enumerate()
        .filter(|(k, a)| {
            changes[*k].1
                && !a.values.is_empty()
                && !lines.iter().skip(1).any(|l| l.name == changes[*k].0)
        })
        .filter_map(|(k, a)| a.at.map(|at| (at, k)))
        .collect();
    placed.sort_unstable();
    let mut placed = placed.into_iter().peekable();
    let mut emitted = 0usize;
    for (i, l) in lines.iter().enumerate() {
        while i > 0
            && let Some(&(at, k)) = placed.peek()
            && at <= emitted
        {
            placed.next();
            changes[k].2 = true;
            write_lines(
                out,
                edit.attrs[k].name.as_bytes(),
                &edit.attrs[k].values,
                eol,
                true,
            );
            emitted += edit.attrs[k].values.len();
        }
        let hit = if i == 0 {
            None
        } else {
            changes
                .iter()
                .position(|(n, changed, _)| *changed && *n == l.name)
        };
        match hit {
            None => {
                out.extend_from_slice(&text[l.start..l.end]);
                emitted += 1;
            }
            Some(k) => {
                if !changes[k].2 {
                    changes[k].2 = true;
                    let ends_line = text[..l.end].ends_with(b"\n");
                    write_lines(out, &l.spelled, &edit.attrs[k].values, eol, ends_line);
                    emitted += edit.attrs[k].values.len();
                }
            }
        }
    }
    for (k, (_, changed, written)) in changes.iter().enumerate() {
        let a = &edit.attrs[k];
        if *changed && !*written && !a.values.is_empty() {
            if !out.ends_with(b"\n") {
                out.extend_from_slice(eol);
            }
            write_lines(out, a.name.as_bytes(), &a.values, eol, true);
        }
    }
}

/// Writes one line per value; the last one ends with `eol` only when `last_eol` (the line it replaces did).
fn write_lines(out: &mut Vec<u8>, name: &[u8], values: &[Vec<u8>], eol: &[u8], last_eol: bool) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(eol);
        }
        out.extend_from_slice(name);
        if !is_safe_string(v) {
            out.extend_from_slice(b":: ");
            out.extend_from_slice(
                base64::engine::general_purpose::STANDARD
                    .encode(v)
                    .as_bytes(),
            );
        } else if v.is_empty() {
            out.push(b':');
        } else {
            out.extend_from_slice(b": ");
            out.extend_from_slice(v);
        }
    }
    if last_eol && !values.is_empty() {
        out.extend_from_slice(eol);
    }
}

#[cfg(test)]
mod tests;
