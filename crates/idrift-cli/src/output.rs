//! Rendering helpers: tables, the escaping every text renderer uses, and the `--format` switch.
//!
//! A table goes to a terminal fitted to its width (comfy-table wraps long cells; nothing is cut), and to a
//! file or pipe as plain aligned columns with every value whole. Either way each cell passes through
//! [`escape`], so a value holding an escape sequence (a user who typed ESC into their own mobile number)
//! shows as `\x1b[2J` instead of clearing the administrator's screen.

use std::borrow::Cow;
use std::fmt::Write as _;

use clap::ValueEnum;
use unicode_width::UnicodeWidthStr;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Format {
    /// A readable table and a summary.
    #[default]
    Table,
    /// JSON on standard output (the documented contract of each command).
    Json,
    /// CSV on standard output.
    Csv,
}

/// The text encoding of CSV output (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Encoding {
    /// UTF-8 without a byte order mark (the default; what scripts and most tools expect).
    #[default]
    Utf8,
    /// UTF-8 with a byte order mark, so Excel opens non-ASCII names (Zoë, 山田) intact.
    Utf8bom,
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Starts CSV output on `w`: the byte order mark when `bom`.
pub(crate) fn csv_start(w: &mut dyn std::io::Write, bom: bool) -> std::io::Result<()> {
    if bom {
        w.write_all(BOM)?;
    }
    Ok(())
}

/// Writes a CSV file atomically (see [`idrift_app::files::write_atomic`]), with a byte order mark when `bom`.
pub(crate) fn write_csv_file(
    path: &std::path::Path,
    bom: bool,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), idrift_app::AppError> {
    idrift_app::files::write_atomic(path, |w| {
        csv_start(w, bom)
            .and_then(|()| fill(w))
            .map_err(|source| idrift_app::AppError::Write {
                path: path.to_path_buf(),
                source,
            })
    })
}

/// Whether `c` must not reach a terminal raw: C0 and C1 controls, DEL, and the bidirectional overrides and
/// isolates that reorder what an administrator reads.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The text with every control character written as an escape: `\x1b` for ESC and the other controls up to
/// U+00FF, `\u{202e}` for the bidirectional controls. Text without any is borrowed as it is. Backslashes
/// are left alone (distinguished names use them), so the escape is for reading, not for parsing back.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if u32::from(c) <= 0xff {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// Like [`escape`], keeping line breaks: for messages of several lines.
pub(crate) fn escape_lines(s: &str) -> String {
    s.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// A writer that escapes ASCII control characters other than the line feed (as [`escape`] does) in
/// everything written through it: standard error's warnings and notes quote values from files and servers.
pub(crate) struct Escaping<'a>(pub(crate) &'a mut dyn std::io::Write);

impl std::io::Write for Escaping<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Control bytes below 0x80 never occur inside a UTF-8 sequence, so bytes can be escaped one by one.
        let mut start = 0;
        for (i, b) in buf.iter().enumerate() {
            if (b.is_ascii_control() && *b != b'\n') || *b == 0x7f {
                self.0.write_all(&buf[start..i])?;
                write!(self.0, "\\x{b:02x}")?;
                start = i + 1;
            }
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The cells of a table: one row of `row`'s strings for each item.
pub(crate) fn table_rows<T>(items: &[T], row: impl FnMut(&T) -> Vec<String>) -> Vec<Vec<String>> {
    items.iter().map(row).collect()
}

/// Renders rows as a table. `width` is the terminal's width when standard output is a terminal: the table
/// is fitted to it, long cells wrapped. Without one (a file or a pipe) every value is printed whole in
/// left-aligned columns under a header rule. Cells are escaped (see [`escape`]) and measured in display
/// columns, so names in CJK scripts or with combining marks line up.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>], width: Option<usize>) -> String {
    let cells: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| escape(c)).collect())
        .collect();
    match width {
        Some(w) => fitted(headers, &cells, w),
        None => plain(headers, &cells),
    }
}

/// Writes a table of `n` rows to `out`, as [`table`] renders it, asking `fill` for the cells of row `i`
/// (into a vector it reuses). Without a terminal width no row is held: the columns are measured in one pass
/// and the lines written in a second, through a buffer, so a table of a million rows (every user of a tenant
/// drifted) needs no more memory than one row.
pub(crate) fn write_table_with(
    out: &mut dyn std::io::Write,
    headers: &[&str],
    n: usize,
    width: Option<usize>,
    fill: &mut dyn FnMut(usize, &mut Vec<String>),
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut row = Vec::new();
    if width.is_some() {
        let rows: Vec<Vec<String>> = (0..n)
            .map(|i| {
                fill(i, &mut row);
                std::mem::take(&mut row)
            })
            .collect();
        return out.write_all(table(headers, &rows, width).as_bytes());
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for i in 0..n {
        fill(i, &mut row);
        for (w, c) in widths.iter_mut().zip(&row) {
            *w = (*w).max(escape(c).width());
        }
    }
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut buf = String::new();
    let mut emit = |buf: &mut String, items: &mut dyn Iterator<Item = &str>| {
        buf.clear();
        for (i, item) in items.enumerate() {
            if i > 0 {
                buf.push_str("  ");
            }
            buf.push_str(item);
            for _ in item.width()..widths.get(i).copied().unwrap_or(0) {
                buf.push(' ');
            }
        }
        w.write_all(buf.trim_end().as_bytes())?;
        w.write_all(b"\n")
    };
    emit(&mut buf, &mut headers.iter().copied())?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    emit(&mut buf, &mut rule.iter().map(String::as_str))?;
    for i in 0..n {
        fill(i, &mut row);
        let cells: Vec<Cow<'_, str>> = row.iter().map(|c| escape(c)).collect();
        emit(&mut buf, &mut cells.iter().map(AsRef::as_ref))?;
    }
    w.flush()
}

/// A table fitted to `width` terminal columns.
fn fitted(headers: &[&str], cells: &[Vec<Cow<'_, str>>], width: usize) -> String {
    use comfy_table::{LineStyle, TableStyle};
    // Columns apart, one rule under the header: the plain table's look, fitted.
    const STYLE: TableStyle =
        TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));
    let mut t = comfy_table::Table::new();
    t.load_style(STYLE)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX))
        .set_header(headers.iter().map(|h| escape(h).into_owned()));
    for r in cells {
        t.add_row(r.iter().map(|c| c.as_ref()));
    }
    let mut out = t.to_string();
    out.push('\n');
    out
}

/// A table with whole values: columns as wide as their widest cell.
fn plain(headers: &[&str], cells: &[Vec<Cow<'_, str>>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for r in cells {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, items: &mut dyn Iterator<Item = &str>| {
        let mut buf = String::new();
        for (i, item) in items.enumerate() {
            if i > 0 {
                buf.push_str("  ");
            }
            let w = widths.get(i).copied().unwrap_or(0);
            buf.push_str(item);
            for _ in item.width()..w {
                buf.push(' ');
            }
        }
        out.push_str(buf.trim_end());
        out.push('\n');
    };
    line(&mut out, &mut headers.iter().copied());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut out, &mut rule.iter().map(String::as_str));
    for r in cells {
        line(&mut out, &mut r.iter().map(AsRef::as_ref));
    }
    out
}

/// A JSON result with the run's warnings added as its last key, `"Warnings"` (an array, empty when there
/// were none). The result must serialize as an object (a struct or a map); its keys keep their order.
#[derive(serde::Serialize)]
pub(crate) struct WithWarnings<'a, T: serde::Serialize> {
    #[serde(flatten)]
    pub(crate) result: &'a T,
    #[serde(rename = "Warnings")]
    pub(crate) warnings: &'a [String],
}

/// Prints a one-record result (what a command wrote, and how much) as JSON (with the run's `"Warnings"`) or
/// CSV; `Format::Table` is the caller's sentence.
pub(crate) fn print_record(
    ctx: &mut crate::Ctx<'_>,
    format: Format,
    record: &[(&str, serde_json::Value)],
) -> anyhow::Result<()> {
    match format {
        Format::Table => {}
        Format::Json => {
            let body: serde_json::Map<String, serde_json::Value> = record
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            ctx.print_json(&body)?;
        }
        Format::Csv => {
            let mut w = ctx.csv_writer()?;
            w.write_record(record.iter().map(|(k, _)| *k))?;
            w.write_record(record.iter().map(|(_, v)| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            }))?;
            w.flush()?;
        }
    }
    Ok(())
}

/// Renders `name : value` lines (the look of PowerShell's Format-List), names padded to one width and values
/// escaped.
pub(crate) fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        let _ = writeln!(out, "{k:<width$} : {}", escape(v));
    }
    out
}

#[cfg(test)]
mod tests;
