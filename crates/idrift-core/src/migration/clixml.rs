//! A reader for PowerShell's CLIXML (`Export-Clixml`, EXO `X-ResponseFormat: clixml`), as specified in
//! MS-PSRP §2.2.5: `<Objs>` holding `<Obj RefId>` objects with `<TN RefId>`/`<TNRef>` type names, a
//! `<ToString>`, `<Props>` and `<MS>` property sets, `<LST>`/`<IE>`/`<STK>`/`<QUE>` lists, `<DCT>`
//! dictionaries, primitives (`<S>`, `<I32>`, `<U64>`, `<B>`, `<DT>`, `<G>`, `<Nil/>`, ...) and
//! `<Ref RefId>` back-references.
//!
//! It uses quick-xml's event reader, because references and type-name references need a table that a
//! serde mapping cannot keep. Strings are decoded from PowerShell's `_xHHHH_` escapes. Every error names
//! the line and column; a document that ends inside an element is reported as truncated.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::doc::{Doc, Obj, ObjId, Value, line_col};
use super::{InputFormat, MigrationError};

/// Reads a CLIXML document.
///
/// # Errors
/// [`MigrationError::Syntax`] for XML that is not well formed or not CLIXML, and
/// [`MigrationError::Truncated`] when the document ends inside an element; both name the line and column.
pub(crate) fn parse(text: &str) -> Result<Doc, MigrationError> {
    // PowerShell remoting streams start with a `#< CLIXML` marker line; skip it but keep offsets exact.
    let body_start = match text.trim_start_matches('\u{feff}').trim_start() {
        t if t.starts_with("#< CLIXML") => {
            let marker = text.len() - t.len();
            text[marker..]
                .find('\n')
                .map_or(text.len(), |i| marker + i + 1)
        }
        // quick-xml skips a byte-order mark without counting it: start after it, so offsets stay exact.
        _ => text
            .strip_prefix('\u{feff}')
            .map_or(0, |_| '\u{feff}'.len_utf8()),
    };
    let mut parser = Parser {
        text,
        base: body_start,
        doc: Doc::default(),
        stack: Vec::new(),
        refs: HashMap::new(),
        type_names: HashMap::new(),
        seen_root: false,
        line_pos: 0,
        line_no: 1,
    };
    parser.run(&text[body_start..])?;
    Ok(parser.doc)
}

/// What an open element is, and what it is collecting.
#[derive(Debug)]
enum Frame {
    /// The `<Objs>` root.
    Objs,
    /// An `<Obj>` being filled.
    Obj { id: ObjId, name: Option<String> },
    /// `<TN>` collecting `<T>` names.
    TypeNames {
        ref_id: Option<String>,
        names: Vec<String>,
    },
    /// A `<T>` inside `<TN>`.
    TypeName { text: String },
    /// `<ToString>` of the enclosing object.
    ToString { text: String },
    /// `<Props>` or `<MS>` of an object.
    Members { obj: ObjId },
    /// `<LST>`, `<IE>`, `<STK>` or `<QUE>` of an object.
    List { obj: ObjId },
    /// `<DCT>` of an object.
    Dict { obj: ObjId },
    /// An `<En>` entry of a dictionary.
    Entry {
        obj: ObjId,
        key: Option<Value>,
        value: Option<Value>,
    },
    /// A primitive element collecting its text.
    Prim {
        tag: String,
        name: Option<String>,
        text: String,
    },
    /// An element whose content is not needed (`<PR>`, `<XD>` children, ...).
    Skip,
}

impl Frame {
    fn tag(&self) -> &str {
        match self {
            Frame::Objs => "Objs",
            Frame::Obj { .. } => "Obj",
            Frame::TypeNames { .. } => "TN",
            Frame::TypeName { .. } => "T",
            Frame::ToString { .. } => "ToString",
            Frame::Members { .. } => "Props",
            Frame::List { .. } => "LST",
            Frame::Dict { .. } => "DCT",
            Frame::Entry { .. } => "En",
            Frame::Prim { tag, .. } => tag,
            Frame::Skip => "element",
        }
    }
}

struct Parser<'t> {
    text: &'t str,
    /// Offset of the XML body in `text` (after a `#< CLIXML` marker).
    base: usize,
    doc: Doc,
    /// Open elements with the byte offset where each started.
    stack: Vec<(Frame, usize)>,
    /// `<Obj RefId>` to object id.
    refs: HashMap<String, ObjId>,
    /// `<TN RefId>` to type names.
    type_names: HashMap<String, Vec<String>>,
    seen_root: bool,
    /// The offset up to which newlines are counted, and the line there: objects open in increasing
    /// order, so each object's line costs only the text since the previous one (linear, not quadratic).
    line_pos: usize,
    line_no: usize,
}

/// How deeply elements may nest. `Export-Clixml` writes a few levels per `-Depth` step (its default
/// `-Depth` is 2; deeper exports stay far below this); a deeper document is refused at once instead of
/// costing time and memory on what is not a PowerShell export.
pub const MAX_DEPTH: usize = 1_000;

const PRIMITIVES: [&str; 24] = [
    "S", "C", "B", "DT", "TS", "By", "SB", "U16", "I16", "U32", "I32", "U64", "I64", "Sg", "Db",
    "D", "BA", "G", "URI", "Version", "XD", "SBK", "SS", "PR",
];

impl Parser<'_> {
    fn run(&mut self, body: &str) -> Result<(), MigrationError> {
        let mut reader = Reader::from_str(body);
        loop {
            let start = self.base + usize::try_from(reader.buffer_position()).unwrap_or(0);
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = self.base + usize::try_from(reader.error_position()).unwrap_or(0);
                    return Err(self.xml_error(at, &e));
                }
            };
            match event {
                Event::Start(e) => self.open(&e, start, false)?,
                Event::Empty(e) => self.open(&e, start, true)?,
                Event::End(e) => {
                    let name = e.name();
                    self.close(name.as_ref(), start)?;
                }
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.text(&content, start)?;
                }
                Event::CData(c) => {
                    let content = c.xml10_content();
                    self.text(&content, start)?;
                }
                Event::GeneralRef(r) => {
                    let resolved = self.entity(&r, start)?;
                    self.text(&resolved.to_string(), start)?;
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if let Some((frame, opened)) = self.stack.last() {
            let (line, column) = line_col(self.text, self.text.len());
            let (open_line, _) = line_col(self.text, *opened);
            return Err(MigrationError::Truncated {
                format: InputFormat::Clixml,
                line,
                column,
                detail: format!(
                    "<{}> opened on line {open_line} is never closed",
                    frame.tag()
                ),
            });
        }
        if !self.seen_root {
            return Err(self.syntax(self.text.len(), "no <Objs> element: this is not CLIXML"));
        }
        Ok(())
    }

    fn xml_error(&self, at: usize, e: &quick_xml::Error) -> MigrationError {
        use quick_xml::errors::{Error as XmlError, SyntaxError};
        let truncated = matches!(
            e,
            XmlError::Syntax(
                SyntaxError::UnclosedTag
                    | SyntaxError::UnclosedComment
                    | SyntaxError::UnclosedCData
                    | SyntaxError::UnclosedPI
                    | SyntaxError::UnclosedXmlDecl
                    | SyntaxError::UnclosedDoctype
                    | SyntaxError::UnclosedDoubleQuotedAttributeValue
                    | SyntaxError::UnclosedSingleQuotedAttributeValue
            )
        );
        // Every `Unclosed*` error means the input ended inside that construct.
        if truncated {
            let (open_line, open_column) = line_col(self.text, at);
            let (line, column) = line_col(self.text, self.text.len());
            return MigrationError::Truncated {
                format: InputFormat::Clixml,
                line,
                column,
                detail: format!("{e}, begun on line {open_line}, column {open_column}"),
            };
        }
        let (line, column) = line_col(self.text, at);
        MigrationError::Syntax {
            format: InputFormat::Clixml,
            line,
            column,
            message: e.to_string(),
        }
    }

    fn syntax(&self, at: usize, message: impl Into<String>) -> MigrationError {
        let (line, column) = line_col(self.text, at);
        MigrationError::Syntax {
            format: InputFormat::Clixml,
            line,
            column,
            message: message.into(),
        }
    }

    fn entity(&self, r: &BytesRef<'_>, at: usize) -> Result<char, MigrationError> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) => Ok(c),
                _ => Err(self.syntax(at, format!("invalid character reference &{};", &**r))),
            };
        }
        match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(self.syntax(at, format!("unknown entity &{other};"))),
        }
    }

    /// An attribute's value (entities resolved), by name.
    fn attr(
        &self,
        e: &BytesStart<'_>,
        name: &str,
        at: usize,
    ) -> Result<Option<String>, MigrationError> {
        for a in e.attributes() {
            let a = a.map_err(|err| self.syntax(at, format!("bad attribute: {err}")))?;
            if a.key.as_ref() == name {
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| self.syntax(at, format!("bad attribute {name}: {err}")))?;
                let v = decode_ps_escapes(&v);
                if v.contains('\0') {
                    return Err(self.syntax(at, crate::strict::NUL_MESSAGE));
                }
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// The line of byte `at` (at or after the last offset asked for, which is how elements open).
    fn line_at(&mut self, at: usize) -> usize {
        let at = at.min(self.text.len());
        if at < self.line_pos {
            self.line_pos = 0;
            self.line_no = 1;
        }
        let newlines = self
            .text
            .as_bytes()
            .get(self.line_pos..at)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        self.line_no += newlines;
        self.line_pos = at;
        self.line_no
    }

    fn open(&mut self, e: &BytesStart<'_>, at: usize, empty: bool) -> Result<(), MigrationError> {
        if !empty && self.stack.len() >= MAX_DEPTH {
            return Err(self.syntax(
                at,
                format!(
                    "elements nested more than {MAX_DEPTH} levels deep: this is not an Export-Clixml file \
                     (it writes a few levels per -Depth step)"
                ),
            ));
        }
        let qname = e.name();
        let tag = qname.as_ref();
        if matches!(self.stack.last(), Some((Frame::Skip, _))) {
            return self.skip_body(at, empty);
        }
        if self.stack.is_empty() {
            return self.open_root(tag, at, empty);
        }
        let name = self.attr(e, "N", at)?;
        match tag {
            "Obj" => {
                let line = self.line_at(at);
                let id = self.doc.push(Obj {
                    line: Some(line),
                    ..Obj::default()
                });
                if let Some(ref_id) = self.attr(e, "RefId", at)? {
                    self.refs.insert(ref_id, id);
                }
                if empty {
                    self.deliver(name, Value::Obj(id), at)?;
                } else {
                    self.stack.push((Frame::Obj { id, name }, at));
                }
            }
            "Ref" => {
                let ref_id = self.attr(e, "RefId", at)?.unwrap_or_default();
                let Some(&id) = self.refs.get(&ref_id) else {
                    return Err(self.syntax(
                        at,
                        format!(
                            "<Ref RefId=\"{ref_id}\"> refers to no earlier <Obj RefId=\"{ref_id}\">"
                        ),
                    ));
                };
                self.deliver(name, Value::Obj(id), at)?;
                self.skip_body(at, empty)?;
            }
            "Nil" => {
                self.deliver(name, Value::Nil, at)?;
                self.skip_body(at, empty)?;
            }
            "TN" => {
                self.parent_obj(at, "TN")?;
                let ref_id = self.attr(e, "RefId", at)?;
                let names = Vec::new();
                self.enter(Frame::TypeNames { ref_id, names }, at, empty)?;
            }
            "TNRef" => self.open_type_name_ref(e, at, empty)?,
            "T" => {
                if !matches!(self.stack.last(), Some((Frame::TypeNames { .. }, _))) {
                    return Err(self.syntax(at, "<T> outside <TN>"));
                }
                let text = String::new();
                self.enter(Frame::TypeName { text }, at, empty)?;
            }
            "ToString" => {
                self.parent_obj(at, "ToString")?;
                let text = String::new();
                self.enter(Frame::ToString { text }, at, empty)?;
            }
            _ => self.open_container(tag, name, at, empty)?,
        }
        Ok(())
    }

    /// The `<Objs>` root element.
    fn open_root(&mut self, tag: &str, at: usize, empty: bool) -> Result<(), MigrationError> {
        if tag != "Objs" {
            return Err(self.syntax(
                at,
                format!("the root element is <{tag}>, expected <Objs> (PowerShell CLIXML)"),
            ));
        }
        if self.seen_root {
            return Err(self.syntax(at, "a second <Objs> root element"));
        }
        self.seen_root = true;
        if !empty {
            self.stack.push((Frame::Objs, at));
        }
        Ok(())
    }

    /// `<TNRef RefId="n"/>`: the type names of an earlier `<TN RefId="n">`.
    fn open_type_name_ref(
        &mut self,
        e: &BytesStart<'_>,
        at: usize,
        empty: bool,
    ) -> Result<(), MigrationError> {
        let obj = self.parent_obj(at, "TNRef")?;
        let ref_id = self.attr(e, "RefId", at)?.unwrap_or_default();
        let Some(names) = self.type_names.get(&ref_id).cloned() else {
            return Err(self.syntax(
                at,
                format!("<TNRef RefId=\"{ref_id}\"> refers to no earlier <TN RefId=\"{ref_id}\">"),
            ));
        };
        if let Some(o) = self.doc.objs.get_mut(obj) {
            o.type_names = names;
        }
        self.skip_body(at, empty)
    }

    /// Member sets, lists, dictionaries, their entries and primitive values.
    fn open_container(
        &mut self,
        tag: &str,
        name: Option<String>,
        at: usize,
        empty: bool,
    ) -> Result<(), MigrationError> {
        match tag {
            "Props" | "MS" => {
                let obj = self.parent_obj(at, tag)?;
                if !empty {
                    self.stack.push((Frame::Members { obj }, at));
                }
            }
            "LST" | "IE" | "STK" | "QUE" => {
                let obj = self.parent_obj(at, tag)?;
                if let Some(o) = self.doc.objs.get_mut(obj) {
                    o.items.get_or_insert_with(Vec::new);
                }
                if !empty {
                    self.stack.push((Frame::List { obj }, at));
                }
            }
            "DCT" => {
                let obj = self.parent_obj(at, tag)?;
                if !empty {
                    self.stack.push((Frame::Dict { obj }, at));
                }
            }
            "En" => {
                let Some((Frame::Dict { obj }, _)) = self.stack.last() else {
                    return Err(self.syntax(at, "<En> outside <DCT>"));
                };
                let obj = *obj;
                self.enter(
                    Frame::Entry {
                        obj,
                        key: None,
                        value: None,
                    },
                    at,
                    empty,
                )?;
            }
            t if PRIMITIVES.contains(&t) => {
                let frame = Frame::Prim {
                    tag: t.to_owned(),
                    name,
                    text: String::new(),
                };
                self.enter(frame, at, empty)?;
            }
            other => {
                return Err(self.syntax(at, format!("unknown CLIXML element <{other}>")));
            }
        }
        Ok(())
    }

    /// Opens `frame`, or for an empty element (`<X/>`) finishes it at once.
    fn enter(&mut self, frame: Frame, at: usize, empty: bool) -> Result<(), MigrationError> {
        if empty {
            self.finish(frame, at)
        } else {
            self.stack.push((frame, at));
            Ok(())
        }
    }

    /// Skips the content of an element whose value is already taken (`<Ref>`, `<Nil>`, `<TNRef>`).
    fn skip_body(&mut self, at: usize, empty: bool) -> Result<(), MigrationError> {
        if !empty {
            self.stack.push((Frame::Skip, at));
        }
        Ok(())
    }

    /// The object an element like `<TN>` or `<Props>` belongs to (its parent must be an `<Obj>`).
    fn parent_obj(&self, at: usize, tag: &str) -> Result<ObjId, MigrationError> {
        match self.stack.last() {
            Some((Frame::Obj { id, .. }, _)) => Ok(*id),
            _ => Err(self.syntax(at, format!("<{tag}> outside <Obj>"))),
        }
    }

    fn text(&mut self, content: &str, at: usize) -> Result<(), MigrationError> {
        match self.stack.last_mut() {
            Some((
                Frame::TypeName { text } | Frame::ToString { text } | Frame::Prim { text, .. },
                _,
            )) => {
                text.push_str(content);
                Ok(())
            }
            Some((Frame::Skip, _)) => Ok(()),
            _ if content.trim().is_empty() => Ok(()),
            Some((frame, _)) => {
                let tag = frame.tag().to_owned();
                Err(self.syntax(at, format!("unexpected text inside <{tag}>")))
            }
            None => Err(self.syntax(at, "text outside the <Objs> element")),
        }
    }

    fn close(&mut self, tag: &str, at: usize) -> Result<(), MigrationError> {
        let Some((frame, _)) = self.stack.pop() else {
            return Err(self.syntax(at, format!("</{tag}> closes nothing")));
        };
        self.finish(frame, at)
    }

    /// Completes an element: converts it to a value and hands it to its parent.
    fn finish(&mut self, frame: Frame, at: usize) -> Result<(), MigrationError> {
        match frame {
            Frame::Objs
            | Frame::Skip
            | Frame::Members { .. }
            | Frame::List { .. }
            | Frame::Dict { .. } => {}
            Frame::Obj { id, name } => self.deliver(name, Value::Obj(id), at)?,
            Frame::TypeNames { ref_id, names } => {
                if let Some(r) = ref_id {
                    self.type_names.insert(r, names.clone());
                }
                if let Some((Frame::Obj { id, .. }, _)) = self.stack.last()
                    && let Some(o) = self.doc.objs.get_mut(*id)
                {
                    o.type_names = names;
                }
            }
            Frame::TypeName { text } => {
                if let Some((Frame::TypeNames { names, .. }, _)) = self.stack.last_mut() {
                    names.push(text);
                }
            }
            Frame::ToString { text } => {
                if let Some((Frame::Obj { id, .. }, _)) = self.stack.last()
                    && let Some(o) = self.doc.objs.get_mut(*id)
                {
                    o.to_string = Some(decode_ps_escapes(&text));
                }
            }
            Frame::Entry { obj, key, value } => {
                let key = key.and_then(|k| self.doc.text(&k)).unwrap_or_default();
                if let Some(o) = self.doc.objs.get_mut(obj) {
                    o.props.push((key, value.unwrap_or(Value::Nil)));
                }
            }
            Frame::Prim { tag, name, text } => {
                let value = self.primitive(&tag, &text, at)?;
                if matches!(&value, Value::Str(v) if v.contains('\0')) {
                    return Err(self.syntax(at, crate::strict::NUL_MESSAGE));
                }
                self.deliver(name, value, at)?;
            }
        }
        Ok(())
    }

    fn primitive(&self, tag: &str, text: &str, at: usize) -> Result<Value, MigrationError> {
        let bad = |what: &str| self.syntax(at, format!("<{tag}> holds {text:?}, expected {what}"));
        let t = text.trim();
        Ok(match tag {
            "S" | "URI" | "Version" | "XD" | "SBK" => Value::Str(decode_ps_escapes(text)),
            "C" => {
                let code: u32 = t.parse().map_err(|_| bad("a character code"))?;
                Value::Str(char::from_u32(code).map(String::from).unwrap_or_default())
            }
            "B" => match t {
                "true" | "True" | "1" => Value::Bool(true),
                "false" | "False" | "0" => Value::Bool(false),
                _ => return Err(bad("true or false")),
            },
            "By" | "SB" | "U16" | "I16" | "U32" | "I32" | "I64" => {
                Value::Int(t.parse().map_err(|_| bad("an integer"))?)
            }
            "U64" => Value::UInt(t.parse().map_err(|_| bad("an unsigned integer"))?),
            "Sg" | "Db" | "D" => Value::Float(t.parse().map_err(|_| bad("a number"))?),
            _ => Value::Other(t.to_owned()),
        })
    }

    /// Hands a finished value to the element that contains it.
    fn deliver(
        &mut self,
        name: Option<String>,
        value: Value,
        at: usize,
    ) -> Result<(), MigrationError> {
        match self.stack.last_mut() {
            Some((Frame::Objs, _)) => self.doc.roots.push(value),
            Some((Frame::Obj { id, .. }, _)) => {
                if let Some(o) = self.doc.objs.get_mut(*id) {
                    o.value = Some(value);
                }
            }
            Some((Frame::Members { obj }, _)) => {
                let obj = *obj;
                let Some(name) = name else {
                    return Err(self.syntax(at, "a property without its N=\"name\" attribute"));
                };
                if let Some(o) = self.doc.objs.get_mut(obj) {
                    o.props.push((name, value));
                }
            }
            Some((Frame::List { obj }, _)) => {
                if let Some(items) = self.doc.objs.get_mut(*obj).and_then(|o| o.items.as_mut()) {
                    items.push(value);
                }
            }
            Some((
                Frame::Entry {
                    key, value: slot, ..
                },
                _,
            )) => match name.as_deref() {
                Some("Key") => *key = Some(value),
                _ => *slot = Some(value),
            },
            Some((Frame::Skip, _)) => {}
            Some((frame, _)) => {
                let tag = frame.tag().to_owned();
                return Err(self.syntax(at, format!("a value inside <{tag}>")));
            }
            None => return Err(self.syntax(at, "a value outside the <Objs> element")),
        }
        Ok(())
    }
}

/// Decodes PowerShell's `_xHHHH_` escapes (UTF-16 code units, used for control characters and `_x`).
pub(crate) fn decode_ps_escapes(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(unit) = escape_at(rest) {
            units.push(unit);
            rest = &rest[7..];
            continue;
        }
        if !units.is_empty() {
            out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{fffd}')));
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{fffd}')));
    out
}

/// The code unit of an `_xHHHH_` escape at the start of `s`.
fn escape_at(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() < 7 || !b.starts_with(b"_x") || b[6] != b'_' {
        return None;
    }
    let hex = s.get(2..6)?;
    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests;
