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
    /// The attribute's logical lines as a file held them, each with the number of the entry's logical lines
    /// before it (see [`AttrPlace::lines`]). When they hold exactly `values`, in order, they are written back
    /// verbatim (folding, base64, line ends) at those places instead of the writer's form, so undoing a
    /// change gives back every byte; otherwise they are ignored.
    pub lines: Vec<(usize, Vec<u8>)>,
}

impl AttrValues {
    /// Sets the attribute `name` to `values`, in the writer's form, where its lines are or at the entry's end.
    pub fn new(name: &str, values: Vec<Vec<u8>>) -> AttrValues {
        AttrValues {
            name: name.to_owned(),
            values,
            at: None,
            lines: Vec::new(),
        }
    }
}

/// Where an attribute sits in an entry of an LDIF file, as [`places`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPlace {
    /// The attribute's name, lower-cased.
    pub name: String,
    /// The number of logical lines of the entry (its `dn:` line and comments included) before its first line.
    pub at: usize,
    /// Its logical lines as the file has them (continuation lines and line ends included), each with the
    /// number of the entry's logical lines before it; empty when they are exactly what [`patch`] writes for
    /// their values at `at` (one plain or base64 line per value, in a row, with the `dn:` line's line end and
    /// the name spelled as it was asked for).
    pub lines: Vec<(usize, Vec<u8>)>,
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
    for r in records(text) {
        let dn_line = parse_logical(text, r.start, r.dn_end, r.line)?;
        let dn = String::from_utf8_lossy(&dn_line.value).to_lowercase();
        if let Some(&i) = wanted.get(&dn)
            && !is_change_record(text, r.dn_end, r.end)
        {
            let lines = record_lines(text, r.start, r.end, r.line)?;
            out.extend_from_slice(&text[copied..r.start]);
            let eol = line_end(&text[r.start..r.dn_end]);
            edit_record(&mut out, text, &lines, &edits[i], eol);
            copied = r.end;
            done[i] = true;
        }
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
    for r in records(text) {
        let dn_line = parse_logical(text, r.start, r.dn_end, r.line)?;
        if String::from_utf8_lossy(&dn_line.value).to_lowercase() == wanted
            && !is_change_record(text, r.dn_end, r.end)
        {
            let old = &text[r.start..r.dn_end];
            let mut out = Vec::with_capacity(text.len() + new_dn.len());
            out.extend_from_slice(&text[..r.start]);
            write_lines(
                &mut out,
                b"dn",
                &[new_dn.as_bytes().to_vec()],
                line_end(old),
                old.ends_with(b"\n"),
            );
            out.extend_from_slice(&text[r.dn_end..]);
            return Ok(out);
        }
    }
    Err(LdifError {
        line: 0,
        message: format!("no entry {dn:?} to rename"),
    })
}

/// Where one record of a file stands: its `dn:` logical line `start..dn_end`, on physical line `line`, and
/// the record's end (the empty line that closes it, or the end of the text).
struct RecordSpan {
    start: usize,
    dn_end: usize,
    end: usize,
    line: usize,
}

/// The records of an LDIF text in file order, past a byte-order mark, and the comments, `version:` line and
/// empty lines between records.
struct Records<'a> {
    text: &'a [u8],
    pos: usize,
    line_no: usize,
}

fn records(text: &[u8]) -> Records<'_> {
    let pos = usize::from(text.starts_with(b"\xEF\xBB\xBF")) * 3;
    Records {
        text,
        pos,
        line_no: 1,
    }
}

impl Iterator for Records<'_> {
    type Item = RecordSpan;

    fn next(&mut self) -> Option<RecordSpan> {
        let text = self.text;
        while self.pos < text.len() {
            let (first, next, lines) = logical_line(text, self.pos);
            let content = strip_eol(&text[self.pos..first]);
            if content.is_empty() || content[0] == b'#' || !starts_with_ignore_case(content, b"dn:")
            {
                self.pos = next;
                self.line_no += lines;
                continue;
            }
            let (start, line) = (self.pos, self.line_no);
            let (mut end, mut end_line) = (next, line + lines);
            while end < text.len() {
                let (f, n, l) = logical_line(text, end);
                if strip_eol(&text[end..f]).is_empty() {
                    break;
                }
                end = n;
                end_line += l;
            }
            self.pos = end;
            self.line_no = end_line;
            return Some(RecordSpan {
                start,
                dn_end: next,
                end,
                line,
            });
        }
        None
    }
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

/// Where the attributes `names` (compared without regard to case) sit in each content record of `text`, by
/// lower-cased DN: each attribute's first place (the [`AttrValues::at`] that puts it back there) and, when
/// [`patch`] would write them differently, its lines as the file has them (the [`AttrValues::lines`] that
/// put back the same bytes).
///
/// # Errors
/// [`LdifError`] naming the line of a malformed `dn:` line.
pub fn places(text: &[u8], names: &[&str]) -> Result<HashMap<String, Vec<AttrPlace>>, LdifError> {
    let lowered: Vec<Vec<u8>> = names
        .iter()
        .map(|n| n.to_ascii_lowercase().into_bytes())
        .collect();
    let mut found = HashMap::new();
    for r in records(text) {
        let dn_line = parse_logical(text, r.start, r.dn_end, r.line)?;
        let eol = line_end(&text[r.start..r.dn_end]);
        // Per attribute asked for (by its index in `names`): its lines' places and spans.
        let mut at: Vec<(usize, Spans)> = Vec::new();
        let change = is_change_record(text, r.dn_end, r.end);
        let (mut p, mut index) = (r.dn_end, 1usize);
        while p < r.end {
            let (f, n, _) = logical_line(text, p);
            let line = strip_eol(&text[p..f]);
            let name = line
                .split(|&b| b == b':' || b == b';')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if line[0] != b'#'
                && let Some(k) = lowered.iter().position(|w| *w == name)
            {
                match at.iter_mut().find(|(kk, _)| *kk == k) {
                    Some((_, spans)) => spans.push((index, p, n)),
                    None => at.push((k, vec![(index, p, n)])),
                }
            }
            index += 1;
            p = n;
        }
        if !change && !at.is_empty() {
            let attrs = at
                .into_iter()
                .map(|(k, spans)| AttrPlace {
                    name: String::from_utf8_lossy(&lowered[k]).into_owned(),
                    at: spans[0].0,
                    lines: if written_form(text, names[k], &spans, eol) {
                        Vec::new()
                    } else {
                        spans
                            .iter()
                            .map(|&(i, s, e)| (i, text[s..e].to_vec()))
                            .collect()
                    },
                })
                .collect();
            found.insert(
                String::from_utf8_lossy(&dn_line.value).to_lowercase(),
                attrs,
            );
        }
    }
    Ok(found)
}

/// Each logical line of an attribute in a record: its place (the number of the record's lines before it),
/// start and end.
type Spans = Vec<(usize, usize, usize)>;

/// Whether the logical lines `spans` (place, start, end) of the attribute `name` are exactly what [`patch`]
/// writes for their values: in a row, one line per value in the writer's form, each ending with `eol`.
fn written_form(text: &[u8], name: &str, spans: &[(usize, usize, usize)], eol: &[u8]) -> bool {
    let in_a_row = spans.windows(2).all(|w| w[1].0 == w[0].0 + 1);
    let mut values = Vec::with_capacity(spans.len());
    for &(_, s, e) in spans {
        match parse_logical(text, s, e, 0) {
            Ok(l) => values.push(l.value),
            Err(_) => return false,
        }
    }
    let mut written = Vec::new();
    write_lines(&mut written, name.as_bytes(), &values, eol, true);
    let mut had = Vec::new();
    for &(_, s, e) in spans {
        had.extend_from_slice(&text[s..e]);
    }
    in_a_row && written == had
}

/// Whether `lines` (each one logical line) are lines of the attribute `name` (lower-cased) holding exactly
/// `values`, in order.
fn lines_hold(lines: &[(usize, Vec<u8>)], name: &[u8], values: &[Vec<u8>]) -> bool {
    lines.len() == values.len()
        && lines.iter().zip(values).all(|((_, raw), v)| {
            let (first, next, _) = logical_line(raw, 0);
            let content = strip_eol(&raw[..first]);
            next == raw.len()
                && !content.is_empty()
                && content[0] != b'#'
                && content[0] != b' '
                && parse_logical(raw, 0, raw.len(), 0)
                    .is_ok_and(|l| l.name == name && l.value == *v)
        })
}

/// Writes the record `lines` with `edit` applied.
fn edit_record(out: &mut Vec<u8>, text: &[u8], lines: &[Logical], edit: &EntryEdit, eol: &[u8]) {
    // Per attribute written: its lower-cased name, whether it changes, whether its new lines were written
    // yet, and whether they go back verbatim (the lines a file held for exactly these values).
    let mut changes: Vec<(Vec<u8>, bool, bool, bool)> = edit
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
            let verbatim = !same && !a.values.is_empty() && lines_hold(&a.lines, &name, &a.values);
            (name, !same, false, verbatim)
        })
        .collect();
    // What goes in at a place, in the order of the places: a verbatim line (attribute, line), or the
    // writer's lines of an attribute the entry lacks.
    let mut placed: Vec<(usize, usize, Option<usize>)> = Vec::new();
    for (k, a) in edit.attrs.iter().enumerate() {
        let (name, changed, _, verbatim) = &changes[k];
        if *verbatim {
            placed.extend(
                a.lines
                    .iter()
                    .enumerate()
                    .map(|(j, (at, _))| (*at, k, Some(j))),
            );
        } else if *changed
            && !a.values.is_empty()
            && !lines.iter().skip(1).any(|l| l.name == *name)
            && let Some(at) = a.at
        {
            placed.push((at, k, None));
        }
    }
    placed.sort_unstable();
    let mut placed = placed.into_iter().peekable();
    let mut emitted = 0usize;
    let put = |out: &mut Vec<u8>,
               k: usize,
               line: Option<usize>,
               changes: &mut [(Vec<u8>, bool, bool, bool)]| {
        let a = &edit.attrs[k];
        changes[k].2 = true;
        if !out.ends_with(b"\n") {
            out.extend_from_slice(eol);
        }
        match line {
            Some(j) => {
                out.extend_from_slice(&a.lines[j].1);
                1
            }
            None => {
                write_lines(out, a.name.as_bytes(), &a.values, eol, true);
                a.values.len()
            }
        }
    };
    for (i, l) in lines.iter().enumerate() {
        while i > 0
            && let Some(&(at, k, line)) = placed.peek()
            && at <= emitted
        {
            placed.next();
            emitted += put(out, k, line, &mut changes);
        }
        let hit = if i == 0 {
            None
        } else {
            changes
                .iter()
                .position(|(n, changed, _, _)| *changed && *n == l.name)
        };
        match hit {
            None => {
                if i > 0 && !out.ends_with(b"\n") {
                    out.extend_from_slice(eol);
                }
                out.extend_from_slice(&text[l.start..l.end]);
                emitted += 1;
            }
            Some(k) => {
                // Verbatim lines go in at their places; otherwise the new lines take the first old one's.
                if !changes[k].2 && !changes[k].3 {
                    changes[k].2 = true;
                    let ends_line = text[..l.end].ends_with(b"\n");
                    write_lines(out, &l.spelled, &edit.attrs[k].values, eol, ends_line);
                    emitted += edit.attrs[k].values.len();
                }
            }
        }
    }
    for (_, k, line) in placed {
        put(out, k, line, &mut changes);
    }
    for (k, (_, changed, written, _)) in changes.iter().enumerate() {
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
