//! `Export-Clixml` files as directory sources: the one CLIXML reader (the migration report reader's, in
//! `migration::clixml`: linear time, elements nested at most [`MAX_DEPTH`] deep) turns the file into
//! PowerShell's object graph, and [`items_as_json`] writes its top-level objects as the JSON array that
//! `ConvertTo-Json` would have written, so the JSON snapshot readers read them with every rule they have.
//!
//! How CLIXML values become JSON:
//! - a list (`<LST>`, `<IE>`, ...) is an array; a dictionary (`<DCT>`) and an object's properties (`<Props>`,
//!   `<MS>`) are an object, the first of names differing only in case winning (PowerShell matches names
//!   case-insensitively);
//! - a nested object whose `<ToString>` is its value rather than its type name (Exchange's `SmtpAddress`,
//!   `ProxyAddress`, `ADObjectId`, an enumeration such as `RecipientTypeDetails`) is that text, as the
//!   Exchange cmdlets print it; an object whose `ToString` is its type name (a Graph model such as
//!   `MicrosoftGraphAssignedLicense`) keeps its properties;
//! - `<Nil/>` is `null`, `<B>` a Boolean, the numbers numbers, and every other primitive (`<S>`, `<DT>`,
//!   `<G>`, `<URI>`, ...) its text;
//! - one top-level list (`Export-Clixml -InputObject $list`) stands for its items.
//!
//! `<Ref>` lets several places share one object, so expanding references could multiply the output; it is
//! kept linear by a budget of emitted objects ([`items_as_json`] fails past it) and a nesting limit past
//! which a value is written as its text.

use std::fmt::Write as _;

use crate::migration::MigrationError;
use crate::migration::doc::{Doc, Obj, Value};

pub use crate::migration::clixml::MAX_DEPTH;

/// JSON nesting written at most; deeper values are written as their text (no directory attribute nests
/// this deep, and the JSON readers stop at 128 levels).
const MAX_JSON_DEPTH: usize = 32;

/// Whether `text` is CLIXML, judged by its content: the `#< CLIXML` marker of a remoting stream, or an
/// `<Objs` root element (after an optional byte-order mark, XML declaration and white space).
pub fn is_clixml(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("#< CLIXML") || t.starts_with("<Objs") {
        return true;
    }
    if let Some(rest) = t.strip_prefix("<?xml")
        && let Some(end) = rest.find("?>")
    {
        return rest[end + 2..].trim_start().starts_with("<Objs");
    }
    false
}

/// The top-level objects of a CLIXML document as one JSON array, one object per line (line `i + 2` holds
/// object `i`), and the CLIXML line where each object starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClixmlItems {
    /// `[\n{...},\n{...}\n]`.
    pub json: String,
    /// For each item, the 1-based line of its `<Obj>` in the CLIXML (`None` for a primitive item).
    pub lines: Vec<Option<usize>>,
}

impl ClixmlItems {
    /// The CLIXML line of the item a JSON reader reported an error on (`json_line`, 1-based), if the line
    /// holds an item.
    pub fn clixml_line(&self, json_line: usize) -> Option<usize> {
        json_line
            .checked_sub(2)
            .and_then(|i| self.lines.get(i).copied().flatten())
    }
}

/// Reads a CLIXML document and writes its top-level objects as JSON (see the module documentation).
///
/// # Errors
/// The reader's [`MigrationError`] (line and column of malformed or truncated CLIXML, or nesting deeper
/// than [`MAX_DEPTH`]), or a [`MigrationError::Syntax`] when `<Ref>` references would expand the document
/// beyond a multiple of its size.
pub fn items_as_json(text: &str) -> Result<ClixmlItems, MigrationError> {
    let doc = crate::migration::clixml::parse(text)?;
    let roots: Vec<&Value> = match doc.roots.as_slice() {
        [only] => match doc.obj(only).and_then(|o| o.items.as_deref()) {
            Some(items) => items.iter().collect(),
            None => vec![only],
        },
        all => all.iter().collect(),
    };
    let mut w = Writer {
        doc: &doc,
        budget: doc.objs.len().saturating_mul(4).saturating_add(10_000),
        out: String::with_capacity(text.len() / 4),
    };
    let mut lines = Vec::with_capacity(roots.len());
    w.out.push_str("[\n");
    for (i, v) in roots.iter().enumerate() {
        if i > 0 {
            w.out.push_str(",\n");
        }
        lines.push(doc.obj(v).and_then(|o| o.line));
        if w.value(v, 0, true).is_err() {
            let (line, column) = (lines.last().copied().flatten().unwrap_or(1), 1);
            return Err(MigrationError::Syntax {
                format: crate::migration::InputFormat::Clixml,
                line,
                column,
                message:
                    "<Ref> references expand this document far beyond its size: this is not an \
                          Export-Clixml file"
                        .to_owned(),
            });
        }
    }
    w.out.push_str("\n]\n");
    Ok(ClixmlItems { json: w.out, lines })
}

/// The emitted-object budget ran out.
struct OverBudget;

struct Writer<'d> {
    doc: &'d Doc,
    budget: usize,
    out: String,
}

impl Writer<'_> {
    fn value(&mut self, v: &Value, depth: usize, top: bool) -> Result<(), OverBudget> {
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Str(s) | Value::Other(s) => push_json_string(&mut self.out, s),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => {
                let _ = write!(self.out, "{n}");
            }
            Value::UInt(n) => {
                let _ = write!(self.out, "{n}");
            }
            Value::Float(x) if x.is_finite() => {
                let _ = write!(self.out, "{x}");
            }
            Value::Float(_) => self.out.push_str("null"),
            Value::Obj(_) => {
                let Some(o) = self.doc.obj(v) else {
                    self.out.push_str("null");
                    return Ok(());
                };
                self.budget = self.budget.checked_sub(1).ok_or(OverBudget)?;
                self.object(o, depth, top)?;
            }
        }
        Ok(())
    }

    fn object(&mut self, o: &Obj, depth: usize, top: bool) -> Result<(), OverBudget> {
        if depth >= MAX_JSON_DEPTH {
            let text = o
                .to_string
                .clone()
                .or_else(|| o.value.as_ref().and_then(|v| self.doc.text(v)));
            match text {
                Some(s) => push_json_string(&mut self.out, &s),
                None => self.out.push_str("null"),
            }
            return Ok(());
        }
        if let Some(items) = &o.items {
            self.out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.value(item, depth + 1, false)?;
            }
            self.out.push(']');
            return Ok(());
        }
        let text_is_value = o
            .to_string
            .as_deref()
            .is_some_and(|s| !names_a_type(s, &o.type_names));
        if !o.props.is_empty() && (top || !text_is_value) {
            self.out.push('{');
            let mut seen: Vec<String> = Vec::with_capacity(o.props.len());
            for (name, v) in &o.props {
                let lower = name.to_lowercase();
                if seen.contains(&lower) {
                    continue;
                }
                if !seen.is_empty() {
                    self.out.push(',');
                }
                seen.push(lower);
                push_json_string(&mut self.out, name);
                self.out.push(':');
                self.value(v, depth + 1, false)?;
            }
            self.out.push('}');
            return Ok(());
        }
        match (&o.to_string, &o.value) {
            (Some(s), _) if text_is_value || (o.value.is_none() && o.props.is_empty()) => {
                push_json_string(&mut self.out, s);
            }
            (_, Some(inner)) => self.value(inner, depth + 1, false)?,
            _ => self.out.push_str("{}"),
        }
        Ok(())
    }
}

/// Whether an object's `ToString` is only its type name (`Lic`, `System.Collections.Hashtable`, a Graph
/// model class, a PSCustomObject's `@{...}`), not a value such as an address.
fn names_a_type(s: &str, type_names: &[String]) -> bool {
    if s.is_empty() || s.starts_with("@{") {
        return true;
    }
    let named = type_names.iter().any(|t| {
        let t = t.strip_prefix("Deserialized.").unwrap_or(t);
        t == s || (t.starts_with(s) && matches!(t.as_bytes().get(s.len()), Some(b'[' | b'`')))
    });
    named
        || (!s.contains(['@', ':', ' ', '/', '\\'])
            && ["System.", "Microsoft.", "Deserialized."]
                .iter()
                .any(|p| s.starts_with(p)))
}

/// Appends `s` as a JSON string literal.
fn push_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
