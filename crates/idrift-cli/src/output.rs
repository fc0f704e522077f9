//! Rendering helpers: aligned text tables and the `--format` switch.

use clap::ValueEnum;

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

/// Renders rows as a left-aligned text table with a header rule. Cells wider than `max_width` are cut with `…`.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>], max_width: usize) -> String {
    let cut = |s: &str| -> String {
        if s.chars().count() > max_width {
            let mut t: String = s.chars().take(max_width.saturating_sub(1)).collect();
            t.push('…');
            t
        } else {
            s.to_owned()
        }
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cut(c)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &cells {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, items: &mut dyn Iterator<Item = &str>| {
        let mut first = true;
        let mut buf = String::new();
        for (i, item) in items.enumerate() {
            if !first {
                buf.push_str("  ");
            }
            first = false;
            let w = widths.get(i).copied().unwrap_or(0);
            buf.push_str(item);
            for _ in item.chars().count()..w {
                buf.push(' ');
            }
        }
        out.push_str(buf.trim_end());
        out.push('\n');
    };
    line(&mut out, &mut headers.iter().copied());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut out, &mut rule.iter().map(String::as_str));
    for r in &cells {
        line(&mut out, &mut r.iter().map(String::as_str));
    }
    out
}
