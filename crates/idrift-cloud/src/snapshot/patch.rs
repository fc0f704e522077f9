//! In-place edits of a JSON snapshot file: [`patch`] sets one property of the objects with a given id and
//! leaves every other byte as it was (key order, whitespace, indentation, escapes, the properties idrift
//! does not model). An object is found by its `id` (or MSOnline's `ObjectId`) property, at any depth and in
//! any of the shapes the readers accept (an array, pages, several pages one after another).
//!
//! A property that is already there has its value text replaced, and only when the value differs; an
//! absent one is added after the object's last property, with the whitespace that precedes that property.
//! UTF-16 files (with a byte-order mark) are edited as text and written back in the same encoding.

use std::collections::HashMap;

use idrift_core::writes::ValueSpelling;
use serde_json::Value;

use super::SnapshotError;

/// Sets the property at `path` (names compared without regard to case; the last one is added when absent)
/// in the objects whose id is `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonEdit {
    /// The object's `id` (compared without regard to case).
    pub id: String,
    /// The property, e.g. `["mobilePhone"]` or `["features", "bypassDirSyncOverridesEnabled"]`.
    pub path: Vec<String>,
    /// The new value.
    pub value: Value,
    /// How a file held the property before (see [`spellings`]): its text is written verbatim when it means
    /// `value`; when it was absent and `value` is null, the property is removed. `None`: the value as
    /// `serde_json` writes it.
    pub spelling: Option<ValueSpelling>,
}

impl JsonEdit {
    /// Sets the property at `path` of the objects with id `id` to `value`, as `serde_json` writes it.
    pub fn new(id: &str, path: &[&str], value: Value) -> JsonEdit {
        JsonEdit {
            id: id.to_owned(),
            path: path.iter().map(|p| (*p).to_owned()).collect(),
            value,
            spelling: None,
        }
    }
}

/// The deepest nesting [`patch`] follows; the snapshot readers refuse deeper input first.
const MAX_DEPTH: usize = 512;

/// Applies `edits` to the JSON `text`, returning the new bytes. Objects are found by their `id` (or
/// `ObjectId`) property.
///
/// # Errors
/// [`SnapshotError`] when `text` is not JSON, when no object has an edit's id, or when a property on an
/// edit's path (other than the last) is missing or not an object.
pub fn patch(text: &[u8], edits: &[JsonEdit]) -> Result<Vec<u8>, SnapshotError> {
    in_utf8(text, |t| patch_utf8(t, ID_KEYS, edits))
}

/// [`patch`] with the objects found by the property `key` instead of `id` (names compared without regard
/// to case), e.g. Exchange's `ExternalDirectoryObjectId`. Every object with the id is edited.
///
/// # Errors
/// As for [`patch`].
pub fn patch_by(text: &[u8], key: &str, edits: &[JsonEdit]) -> Result<Vec<u8>, SnapshotError> {
    in_utf8(text, |t| patch_utf8(t, &[key], edits))
}

/// Removes the array elements that are objects whose `key` property (`None`: `id` or `ObjectId`) is one of
/// `ids` (compared without regard to case). Returns the new text and the removed objects' bytes, as they
/// were, in the order of the input; every other byte stays (the separator before or after a removed element
/// goes with it).
///
/// # Errors
/// [`SnapshotError`] when `text` is not JSON, or when an id names no object.
pub fn remove(
    text: &[u8],
    key: Option<&str>,
    ids: &[String],
) -> Result<(Vec<u8>, Vec<Vec<u8>>), SnapshotError> {
    let mut removed = Vec::new();
    let out = in_utf8(text, |t| {
        let one;
        let keys = match key {
            Some(k) => {
                one = [k];
                &one[..]
            }
            None => ID_KEYS,
        };
        let (out, r) = remove_utf8(t, keys, ids)?;
        removed = r;
        Ok(out)
    })?;
    Ok((out, removed))
}

/// Appends `objects` (JSON texts, kept byte for byte) to the array of records of `text`: the last array
/// holding objects with an `id` (or `ObjectId`), else the document when it is an array, else its `value`
/// array. Each goes after the last element, with the separator whitespace the array uses.
///
/// # Errors
/// [`SnapshotError`] when `text` is not JSON or has no array to add to.
pub fn append(text: &[u8], objects: &[Vec<u8>]) -> Result<Vec<u8>, SnapshotError> {
    in_utf8(text, |t| append_utf8(t, objects))
}

/// How each object with an id (by lower-cased id) holds its property `name` (compared without regard to
/// case), where [`patch`] would write it otherwise: [`ValueSpelling::Absent`] when the object lacks it,
/// [`ValueSpelling::Text`] when its text differs from `serde_json`'s for the same value (escapes, number
/// forms, whitespace inside arrays or objects). Objects whose property is in `serde_json`'s form are left
/// out.
///
/// # Errors
/// [`SnapshotError`] when `text` is not JSON.
pub fn spellings(text: &[u8], name: &str) -> Result<HashMap<String, ValueSpelling>, SnapshotError> {
    let spell = |t: &[u8]| Ok(scan(t, ID_KEYS, &[], &[], Some(name))?.spelled);
    match utf16(text) {
        Some((_, units)) => {
            let decoded = String::from_utf16(&units).map_err(|_| error(0, "not UTF-16 text"))?;
            spell(decoded.as_bytes())
        }
        None => spell(text),
    }
}

/// The properties that hold an object's id for [`patch`].
const ID_KEYS: &[&str] = &["id", "objectid"];

/// Runs `f` on the text as UTF-8: a UTF-16 text (with a byte-order mark) is decoded first and the result
/// encoded back the same way.
fn in_utf8(
    text: &[u8],
    f: impl FnOnce(&[u8]) -> Result<Vec<u8>, SnapshotError>,
) -> Result<Vec<u8>, SnapshotError> {
    if let Some((big_endian, units)) = utf16(text) {
        let decoded = String::from_utf16(&units).map_err(|_| error(0, "not UTF-16 text"))?;
        let patched = f(decoded.as_bytes())?;
        let patched = String::from_utf8(patched).map_err(|_| error(0, "not UTF-8 text"))?;
        let mut out = Vec::with_capacity(text.len());
        for unit in std::iter::once(0xFEFF).chain(patched.encode_utf16()) {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        return Ok(out);
    }
    f(text)
}

/// The code units of a UTF-16 text with a byte-order mark (the mark removed), and whether it is big-endian.
fn utf16(text: &[u8]) -> Option<(bool, Vec<u16>)> {
    let big_endian = match text.get(..2) {
        Some([0xFF, 0xFE]) => false,
        Some([0xFE, 0xFF]) => true,
        _ => return None,
    };
    let units = text[2..]
        .chunks_exact(2)
        .map(|c| {
            let pair = [c[0], c[1]];
            if big_endian {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        })
        .collect();
    Some((big_endian, units))
}

fn error(offset: usize, message: impl Into<String>) -> SnapshotError {
    SnapshotError {
        path: format!("byte {offset}"),
        line: 0,
        column: 0,
        message: message.into(),
    }
}

fn scan<'a>(
    text: &'a [u8],
    keys: &[&str],
    edits: &'a [JsonEdit],
    remove: &[String],
    spell: Option<&str>,
) -> Result<Scan<'a>, SnapshotError> {
    let mut scan = Scan {
        spell: spell.map(str::to_owned),
        spelled: HashMap::new(),
        text,
        edits,
        keys: keys.iter().map(|k| k.to_ascii_lowercase()).collect(),
        by_id: HashMap::with_capacity(edits.len()),
        done: vec![false; edits.len()],
        replacements: Vec::new(),
        remove: remove.iter().map(|id| id.to_lowercase()).collect(),
        removed: Vec::new(),
        record_array: None,
        top: None,
    };
    for (i, e) in edits.iter().enumerate() {
        scan.by_id.entry(e.id.to_lowercase()).or_default().push(i);
    }
    let mut pos = if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    loop {
        pos = scan.skip_ws(pos);
        if pos >= text.len() {
            break;
        }
        let start = pos;
        let (end, object, _) = scan.value(pos, 0)?;
        if scan.top.is_none() {
            scan.top = Some((start, object));
        }
        pos = end;
    }
    Ok(scan)
}

/// `text` with `replacements` (sorted, not overlapping) applied.
fn replaced(text: &[u8], mut replacements: Vec<(usize, usize, Vec<u8>)>) -> Vec<u8> {
    replacements.sort_by_key(|r| r.0);
    let mut out = Vec::with_capacity(text.len() + replacements.len() * 16);
    let mut copied = 0;
    for (start, end, with) in replacements {
        out.extend_from_slice(&text[copied..start]);
        out.extend_from_slice(&with);
        copied = end;
    }
    out.extend_from_slice(&text[copied..]);
    out
}

fn patch_utf8(text: &[u8], keys: &[&str], edits: &[JsonEdit]) -> Result<Vec<u8>, SnapshotError> {
    let scan = scan(text, keys, edits, &[], None)?;
    if let Some(i) = scan.done.iter().position(|d| !d) {
        return Err(error(
            0,
            format!("no object with id {:?} to write to", edits[i].id),
        ));
    }
    Ok(replaced(text, scan.replacements))
}

fn remove_utf8(
    text: &[u8],
    keys: &[&str],
    ids: &[String],
) -> Result<(Vec<u8>, Vec<Vec<u8>>), SnapshotError> {
    let scan = scan(text, keys, &[], ids, None)?;
    let mut removed = scan.removed;
    removed.sort_by_key(|r| r.0);
    for id in ids {
        let id = id.to_lowercase();
        if !removed.iter().any(|(_, _, got)| *got == id) {
            return Err(error(0, format!("no object with id {id:?} to remove")));
        }
    }
    let objects = removed
        .iter()
        .map(|(s, e, _)| text[*s..*e].to_vec())
        .collect();
    Ok((replaced(text, scan.replacements), objects))
}

fn append_utf8(text: &[u8], objects: &[Vec<u8>]) -> Result<Vec<u8>, SnapshotError> {
    let scan = scan(text, ID_KEYS, &[], &[], None)?;
    let array = match scan.record_array {
        Some(a) => a,
        None => match &scan.top {
            Some((start, None)) if text.get(*start) == Some(&b'[') => scan.array_at(*start)?,
            Some((_, Some(object))) => {
                let value = object
                    .members
                    .iter()
                    .find(|m| m.key.eq_ignore_ascii_case("value"))
                    .filter(|m| text.get(m.value_start) == Some(&b'['))
                    .ok_or_else(|| error(object.open, "no array of objects to add to"))?;
                scan.array_at(value.value_start)?
            }
            _ => return Err(error(0, "no array of objects to add to")),
        },
    };
    let mut added = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 || array.last_end.is_some() {
            added.push(b',');
            added.extend_from_slice(&array.separator);
        } else {
            added.extend_from_slice(&array.separator);
        }
        added.extend_from_slice(o);
    }
    let at = array.last_end.unwrap_or(array.open + 1);
    if array.last_end.is_none() && !objects.is_empty() {
        // An empty array: the closing bracket goes on a line of its own when the elements do.
        if array.separator.contains(&b'\n') {
            added.push(b'\n');
        }
        return Ok(replaced(text, vec![(at, array.close, added)]));
    }
    Ok(replaced(text, vec![(at, at, added)]))
}

/// An array [`append`] adds to.
#[derive(Clone)]
struct ArrayInfo {
    open: usize,
    close: usize,
    /// The end of its last element, when it has one.
    last_end: Option<usize>,
    /// The whitespace before its elements (that before the last one).
    separator: Vec<u8>,
}

/// One property of an object: where its key and value are.
struct Member {
    /// The key, decoded.
    key: String,
    key_start: usize,
    key_end: usize,
    value_start: usize,
    value_end: usize,
    /// The value's object, when it is one.
    object: Option<Object>,
    /// The value, when it is a string.
    string: Option<String>,
}

struct Object {
    open: usize,
    members: Vec<Member>,
}

struct Scan<'a> {
    text: &'a [u8],
    edits: &'a [JsonEdit],
    /// The lower-cased names of the property that holds an object's id.
    keys: Vec<String>,
    by_id: HashMap<String, Vec<usize>>,
    /// The lower-cased ids of the objects to remove from their arrays.
    remove: std::collections::HashSet<String>,
    /// The removed elements: their span and id.
    removed: Vec<(usize, usize, String)>,
    /// The last array (by its end) holding an object with an id.
    record_array: Option<ArrayInfo>,
    /// The first top-level value: where it starts, and its object when it is one.
    top: Option<(usize, Option<Object>)>,
    done: Vec<bool>,
    /// Byte ranges to replace, with their new text.
    replacements: Vec<(usize, usize, Vec<u8>)>,
    /// The property whose spellings [`spellings`] collects, and what it found.
    spell: Option<String>,
    spelled: HashMap<String, ValueSpelling>,
}

impl Scan<'_> {
    fn skip_ws(&self, mut pos: usize) -> usize {
        while pos < self.text.len() && matches!(self.text[pos], b' ' | b'\t' | b'\r' | b'\n') {
            pos += 1;
        }
        pos
    }

    fn want(&self, pos: usize, what: u8) -> Result<usize, SnapshotError> {
        if self.text.get(pos) == Some(&what) {
            Ok(pos + 1)
        } else {
            Err(error(pos, format!("expected `{}`", char::from(what))))
        }
    }

    /// Scans the value at `pos`; returns its end, and its object or string when it is one.
    fn value(
        &mut self,
        pos: usize,
        depth: usize,
    ) -> Result<(usize, Option<Object>, Option<String>), SnapshotError> {
        if depth > MAX_DEPTH {
            return Err(error(pos, "nested too deeply"));
        }
        match self.text.get(pos) {
            Some(b'{') => {
                let (end, object) = self.object(pos, depth)?;
                Ok((end, Some(object), None))
            }
            Some(b'[') => Ok((self.array(pos, depth)?, None, None)),
            Some(b'"') => {
                let (end, s) = self.string(pos)?;
                Ok((end, None, Some(s)))
            }
            Some(_) => {
                let mut end = pos;
                while end < self.text.len()
                    && !matches!(
                        self.text[end],
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'
                    )
                {
                    end += 1;
                }
                if end == pos {
                    return Err(error(pos, "expected a value"));
                }
                Ok((end, None, None))
            }
            None => Err(error(pos, "the input ends where a value should be")),
        }
    }

    fn string(&self, pos: usize) -> Result<(usize, String), SnapshotError> {
        let mut end = pos + 1;
        let mut escaped = false;
        loop {
            match self.text.get(end) {
                None => return Err(error(pos, "unterminated string")),
                Some(b'\\') => {
                    escaped = true;
                    end += 2;
                }
                Some(b'"') => break,
                Some(_) => end += 1,
            }
        }
        let raw = &self.text[pos..=end];
        let s = if escaped {
            serde_json::from_slice::<String>(raw).map_err(|e| error(pos, e.to_string()))?
        } else {
            String::from_utf8(raw[1..raw.len() - 1].to_vec())
                .map_err(|_| error(pos, "not UTF-8 text"))?
        };
        Ok((end + 1, s))
    }

    fn array(&mut self, pos: usize, depth: usize) -> Result<usize, SnapshotError> {
        let mut p = self.skip_ws(pos + 1);
        // Each element's span and, for an object, its id.
        let mut elements: Vec<(usize, usize, Option<String>)> = Vec::new();
        let close = if self.text.get(p) == Some(&b']') {
            p
        } else {
            loop {
                let start = p;
                let (end, object, _) = self.value(p, depth + 1)?;
                let id = object.as_ref().and_then(|o| self.id_of(o));
                elements.push((start, end, id));
                p = self.skip_ws(end);
                match self.text.get(p) {
                    Some(b',') => p = self.skip_ws(p + 1),
                    Some(b']') => break p,
                    _ => return Err(error(p, "expected `,` or `]`")),
                }
            }
        };
        if elements.iter().any(|e| e.2.is_some()) {
            let last = elements.len() - 1;
            let before_last = if last == 0 {
                pos + 1
            } else {
                self.comma_after(elements[last - 1].1) + 1
            };
            self.record_array = Some(ArrayInfo {
                open: pos,
                close,
                last_end: Some(elements[last].1),
                separator: self.text[before_last..elements[last].0].to_vec(),
            });
        }
        if !self.remove.is_empty()
            && elements
                .iter()
                .any(|e| e.2.as_ref().is_some_and(|id| self.remove.contains(id)))
        {
            self.remove_elements(&elements);
        }
        Ok(close + 1)
    }

    /// The position of the `,` after an element ending at `end`.
    fn comma_after(&self, end: usize) -> usize {
        self.skip_ws(end)
    }

    /// Records one replacement that drops the elements to remove from the array whose `elements` are given,
    /// keeping each kept element's bytes and the separator that preceded it.
    fn remove_elements(&mut self, elements: &[(usize, usize, Option<String>)]) {
        let gone = |e: &(usize, usize, Option<String>)| {
            e.2.as_ref().is_some_and(|id| self.remove.contains(id))
        };
        let (first, last) = (elements[0].0, elements[elements.len() - 1].1);
        let mut kept = Vec::new();
        let mut any_kept = false;
        for (i, e) in elements.iter().enumerate() {
            if gone(e) {
                self.removed
                    .push((e.0, e.1, e.2.clone().unwrap_or_default()));
                continue;
            }
            if any_kept && i > 0 {
                kept.extend_from_slice(&self.text[elements[i - 1].1..e.0]);
            }
            kept.extend_from_slice(&self.text[e.0..e.1]);
            any_kept = true;
        }
        self.replacements.push((first, last, kept));
    }

    /// Scans the array at `pos` again for what [`append`] needs.
    fn array_at(&self, pos: usize) -> Result<ArrayInfo, SnapshotError> {
        let mut probe = Scan {
            text: self.text,
            edits: &[],
            keys: vec!["\u{0}".to_owned()],
            by_id: HashMap::new(),
            done: Vec::new(),
            replacements: Vec::new(),
            remove: std::collections::HashSet::new(),
            removed: Vec::new(),
            record_array: None,
            top: None,
            spell: None,
            spelled: HashMap::new(),
        };
        let mut p = probe.skip_ws(pos + 1);
        let mut last: Option<(usize, usize)> = None;
        let mut separator: Vec<u8>;
        let close = if probe.text.get(p) == Some(&b']') {
            separator = self.text[pos + 1..p].to_vec();
            p
        } else {
            loop {
                let ws_start = match last {
                    Some((_, e)) => probe.comma_after(e) + 1,
                    None => pos + 1,
                };
                separator = self.text[ws_start..p].to_vec();
                let start = p;
                let end = probe.value(p, 1)?.0;
                last = Some((start, end));
                p = probe.skip_ws(end);
                match probe.text.get(p) {
                    Some(b',') => p = probe.skip_ws(p + 1),
                    Some(b']') => break p,
                    _ => return Err(error(p, "expected `,` or `]`")),
                }
            }
        };
        Ok(ArrayInfo {
            open: pos,
            close,
            last_end: last.map(|l| l.1),
            separator,
        })
    }

    fn object(&mut self, pos: usize, depth: usize) -> Result<(usize, Object), SnapshotError> {
        let mut object = Object {
            open: pos,
            members: Vec::new(),
        };
        let mut p = self.skip_ws(pos + 1);
        if self.text.get(p) == Some(&b'}') {
            self.check(&object)?;
            return Ok((p + 1, object));
        }
        loop {
            let key_start = p;
            if self.text.get(p) != Some(&b'"') {
                return Err(error(p, "expected a property name"));
            }
            let (key_end, key) = self.string(p)?;
            p = self.want(self.skip_ws(key_end), b':')?;
            let value_start = self.skip_ws(p);
            let (value_end, child, string) = self.value(value_start, depth + 1)?;
            object.members.push(Member {
                key,
                key_start,
                key_end,
                value_start,
                value_end,
                object: child,
                string,
            });
            p = self.skip_ws(value_end);
            match self.text.get(p) {
                Some(b',') => p = self.skip_ws(p + 1),
                Some(b'}') => {
                    self.check(&object)?;
                    return Ok((p + 1, object));
                }
                _ => return Err(error(p, "expected `,` or `}`")),
            }
        }
    }

    /// The id of `object`: the string value of its first property named by one of the keys.
    fn id_of(&self, object: &Object) -> Option<String> {
        object
            .members
            .iter()
            .find(|m| m.string.is_some() && self.keys.iter().any(|k| m.key.eq_ignore_ascii_case(k)))
            .and_then(|m| m.string.as_deref())
            .map(str::to_lowercase)
    }

    /// Records the edits of `object` when its id is one of those edited.
    fn check(&mut self, object: &Object) -> Result<(), SnapshotError> {
        if let Some(name) = &self.spell
            && let Some(id) = self.id_of(object)
        {
            let spelling = match object
                .members
                .iter()
                .find(|m| m.key.eq_ignore_ascii_case(name))
            {
                None => Some(ValueSpelling::Absent),
                Some(m) => {
                    let raw = &self.text[m.value_start..m.value_end];
                    let canonical = serde_json::from_slice::<Value>(raw)
                        .ok()
                        .and_then(|v| serde_json::to_vec(&v).ok());
                    (canonical.as_deref() != Some(raw))
                        .then(|| ValueSpelling::Text(String::from_utf8_lossy(raw).into_owned()))
                }
            };
            if let Some(spelling) = spelling {
                self.spelled.insert(id, spelling);
            }
        }
        if self.by_id.is_empty() {
            return Ok(());
        }
        let Some(id) = self.id_of(object) else {
            return Ok(());
        };
        let Some(indices) = self.by_id.get(&id).cloned() else {
            return Ok(());
        };
        let pascal = object
            .members
            .iter()
            .find(|m| self.keys.iter().any(|k| m.key.eq_ignore_ascii_case(k)))
            .is_some_and(|m| m.key.starts_with(|c: char| c.is_ascii_uppercase()));
        for i in indices {
            let edit = &self.edits[i];
            let r = edit_object(self.text, object, edit, pascal)?;
            self.replacements.extend(r);
            self.done[i] = true;
        }
        Ok(())
    }
}

/// The replacement that sets `edit.path` in `object`, or none when it already has the value.
fn edit_object(
    text: &[u8],
    object: &Object,
    edit: &JsonEdit,
    pascal: bool,
) -> Result<Option<(usize, usize, Vec<u8>)>, SnapshotError> {
    let Some((last, parents)) = edit.path.split_last() else {
        return Ok(None);
    };
    let mut cur = object;
    for name in parents {
        cur = cur
            .members
            .iter()
            .find(|m| m.key.eq_ignore_ascii_case(name))
            .and_then(|m| m.object.as_ref())
            .ok_or_else(|| {
                error(
                    object.open,
                    format!(
                        "the object with id {:?} has no object property {name:?}",
                        edit.id
                    ),
                )
            })?;
    }
    // The text a file had for this value goes back verbatim; an absent property set to null is removed.
    let spelled = match &edit.spelling {
        Some(ValueSpelling::Text(t))
            if t.trim() == t
                && serde_json::from_str::<Value>(t).ok().as_ref() == Some(&edit.value) =>
        {
            Some(t.as_bytes().to_vec())
        }
        _ => None,
    };
    let remove = edit.value.is_null() && edit.spelling == Some(ValueSpelling::Absent);
    let verbatim = spelled.is_some();
    let new = match spelled {
        Some(t) => t,
        None => serde_json::to_vec(&edit.value).map_err(|e| error(object.open, e.to_string()))?,
    };
    if let Some(i) = cur
        .members
        .iter()
        .position(|m| m.key.eq_ignore_ascii_case(last))
    {
        let m = &cur.members[i];
        if remove {
            // The inverse of adding it: with the separator before it, or after it when it comes first.
            let (start, end) = match (i.checked_sub(1), cur.members.get(i + 1)) {
                (Some(before), _) => (cur.members[before].value_end, m.value_end),
                (None, Some(next)) => (m.key_start, next.key_start),
                (None, None) => (m.key_start, m.value_end),
            };
            return Ok(Some((start, end, Vec::new())));
        }
        let had = &text[m.value_start..m.value_end];
        let old: Option<Value> = serde_json::from_slice(had).ok();
        if old.as_ref() == Some(&edit.value) && (!verbatim || had == new) {
            return Ok(None);
        }
        return Ok(Some((m.value_start, m.value_end, new)));
    }
    if remove {
        return Ok(None);
    }
    let key = if pascal {
        let mut k = last.clone();
        if let Some(first) = k.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        k
    } else {
        last.clone()
    };
    let key = serde_json::to_vec(&key).map_err(|e| error(object.open, e.to_string()))?;
    let mut added = Vec::new();
    let at = match cur.members.last() {
        Some(m) => {
            // The whitespace before the last key, and what separates a key from its value.
            let mut ws_start = m.key_start;
            while ws_start > 0 && matches!(text[ws_start - 1], b' ' | b'\t' | b'\r' | b'\n') {
                ws_start -= 1;
            }
            added.push(b',');
            added.extend_from_slice(&text[ws_start..m.key_start]);
            added.extend_from_slice(&key);
            added.extend_from_slice(&text[m.key_end..m.value_start]);
            m.value_end
        }
        None => {
            added.extend_from_slice(&key);
            added.push(b':');
            cur.open + 1
        }
    };
    added.extend_from_slice(&new);
    Ok(Some((at, at, added)))
}

#[cfg(test)]
mod tests;
