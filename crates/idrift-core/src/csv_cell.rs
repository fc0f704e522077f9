//! Spreadsheet formula injection guard for every CSV idrift writes (OWASP "CSV Injection").
//!
//! Users can edit their own mobile numbers, so a cell may hold `=HYPERLINK(…)` or `-2+3+cmd|…`. A cell
//! that starts with `=`, `@`, TAB or CR, or with `+` or `-` not followed by a phone-number shape, is written
//! with a leading apostrophe, which spreadsheets show as text. [`restore`] undoes exactly what [`neutralise`]
//! added, so a CSV written by idrift reads back to the same values (`persist --from-csv`): a value that
//! itself starts with apostrophes before such a character gets one more, so the pair is a bijection.

use std::borrow::Cow;

/// Whether `v` would be read as a formula: it starts with `=`, `@`, TAB or CR, or with `+`/`-` not
/// followed by a phone number.
fn formula_like(v: &str) -> bool {
    match v.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !phone_list(v),
        _ => false,
    }
}

/// A phone number, or several joined by `;` as the ADSyncTools-style CSV joins `otherMobile` and
/// `alternateMobilePhones` (`+1 617 555 0170;+1 617 555 0171`): every piece is a number, optionally starting
/// with `+` (the first may start with `-`), or a `;ext=NN` extension of the piece before it.
fn phone_list(v: &str) -> bool {
    v.split(';').enumerate().all(|(i, part)| {
        let p = part.trim();
        if i > 0
            && let Some(ext) = strip_prefix_ci(p, "ext=")
        {
            return !ext.is_empty() && ext.bytes().all(|b| b.is_ascii_digit());
        }
        let body = match p.as_bytes().first() {
            Some(b'+') => p.get(1..).unwrap_or_default(),
            Some(b'-') if i == 0 => p.get(1..).unwrap_or_default(),
            _ => p,
        };
        phone_shape(body)
    })
}

/// `s` without the ASCII prefix `prefix` (given in lower case), matched ignoring ASCII case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.as_bytes().get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix.as_bytes()) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `str::rsplit_once` for an ASCII separator (given in lower case), matched ignoring ASCII case: the text
/// before and after its last occurrence. The separators used here cannot overlap themselves, so the last
/// occurrence is the one `rsplit_once` on the lower-cased text finds.
fn rsplit_once_ci<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let (bytes, sep_bytes) = (s.as_bytes(), sep.as_bytes());
    let last = bytes.len().checked_sub(sep_bytes.len())?;
    let at = (0..=last)
        .rev()
        .find(|&i| bytes[i..i + sep_bytes.len()].eq_ignore_ascii_case(sep_bytes))?;
    Some((s.get(..at)?, s.get(at + sep_bytes.len()..)?))
}

/// Digits with spaces, `( ) - . /` between them, and an optional extension (`x12`, `ext 12`):
/// nothing a spreadsheet can call.
///
/// Letters are matched ignoring ASCII case, without a lower-cased copy: every cell of a compare CSV with a
/// million drifted rows passes here.
fn phone_shape(rest: &str) -> bool {
    let main = ["x", "ext.", "ext"]
        .iter()
        .find_map(|sep| {
            let (head, tail) = rsplit_once_ci(rest, sep)?;
            let tail = tail.trim();
            (!tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit())).then_some(head)
        })
        .unwrap_or(rest);
    main.bytes().any(|b| b.is_ascii_digit())
        && main
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'-' | b'.' | b'/'))
}

/// Whether [`neutralise`] prefixes `v`: it is formula-like, or apostrophes followed by a formula-like text.
fn needs_prefix(v: &str) -> bool {
    formula_like(v.trim_start_matches('\''))
}

/// The cell as written: `v` with a leading apostrophe when a spreadsheet would read it as a formula.
pub fn neutralise(v: &str) -> Cow<'_, str> {
    if needs_prefix(v) {
        Cow::Owned(format!("'{v}"))
    } else {
        Cow::Borrowed(v)
    }
}

/// The value of a cell written by [`neutralise`]: the apostrophe it added is removed, nothing else.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_prefix(rest) => rest,
        _ => cell,
    }
}

/// A neutralised cell, as the `csv` crate's writers take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<'a>(Cow<'a, str>);

impl AsRef<[u8]> for Cell<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Every cell of a record, neutralised: `writer.write_record(cells([...]))`.
pub fn cells<'a, I, S>(record: I) -> Vec<Cell<'a>>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    record
        .into_iter()
        .map(|c| Cell(neutralise(c.as_ref())))
        .collect()
}

#[cfg(test)]
mod tests;
