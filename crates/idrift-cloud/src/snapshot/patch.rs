//! In-place edits of a JSON snapshot file: [`patch`] sets one property of the objects with a given id and
//! leaves every other byte as it was (key order, whitespace, indentation, escapes, the properties idrift
//! does not model). An object is found by its `id` (or MSOnline's `ObjectId`) property, at any depth and in
//! any of the shapes the readers accept (an array, pages, several pages one after another).
//!
//! A property that is already there has its value text replaced, and only when the value differs; an
//! absent one is added after the object's last property, with the whitespace that precedes that property.
//! UTF-16 files (with a byte-order mark) are edited as text and written back in the same encoding.

use std::collections::HashMap;

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
}

/// The deepest nesting [`patch`] follows; the snapshot readers refuse deeper input first.
const MAX_DEPTH: usize = 512;

/// Applies `edits` to the JSON `text`, returning the new bytes.
///
/// # Errors
/// [`SnapshotError`] when `text` is not JSON, when no object has an edit's id, or when a property on an
/// edit's path (other than the last) is missing or not an object.
pub fn patch(text: &[u8], edits: &[JsonEdit]) -> Result<Vec<u8>, SnapshotError> {
    if let Some((big_endian, units)) = utf16(text) {
        let decoded = String::from_utf16(&units).map_err(|_| error(0, "not UTF-16 text"))?;
        let patched = patch_utf8(decoded.as_bytes(), edits)?;
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
    patch_utf8(text, edits)
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

fn patch_utf8(text: &[u8], edits: &[JsonEdit]) -> Result<Vec<u8>, SnapshotError> {
    let mut scan = Scan {
        text,
        edits,
        by_id: HashMap::with_capacity(edits.len()),
        done: vec![false; edits.len()],
        replacements: Vec::new(),
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
        pos = scan.value(pos, 0)?.0;
    }
    if let Some(i) = scan.done.iter().position(|d| !d) {
        return Err(error(
            0,
            format!("no object with id {:?} to write to", edits[i].id),
        ));
    }
    let mut replacements = scan.replacements;
    replacements.sort_by_key(|r| r.0);
    let mut out = Vec::with_capacity(text.len() + replacements.len() * 16);
    let mut copied = 0;
    for (start, end, with) in replacements {
        out.extend_from_slice(&text[copied..start]);
        out.extend_from_slice(&with);
        copied = end;
    }
    out.extend_from_slice(&text[copied..]);
    Ok(out)
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
    by_id: HashMap<String, Vec<usize>>,
    done: Vec<bool>,
    /// Byte ranges to replace, with their new text.
    replacements: Vec<(usize, usize, Vec<u8>)>,
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
        if self.text.get(p) == Some(&b']') {
            return Ok(p + 1);
        }
        loop {
            p = self.value(p, depth + 1)?.0;
            p = self.skip_ws(p);
            match self.text.get(p) {
                Some(b',') => p = self.skip_ws(p + 1),
                Some(b']') => return Ok(p + 1),
                _ => return Err(error(p, "expected `,` or `]`")),
            }
        }
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

    /// Records the edits of `object` when its id is one of those edited.
    fn check(&mut self, object: &Object) -> Result<(), SnapshotError> {
        let Some(id_member) = object.members.iter().find(|m| {
            m.string.is_some()
                && (m.key.eq_ignore_ascii_case("id") || m.key.eq_ignore_ascii_case("objectid"))
        }) else {
            return Ok(());
        };
        let id = id_member
            .string
            .as_deref()
            .unwrap_or_default()
            .to_lowercase();
        let Some(indices) = self.by_id.get(&id).cloned() else {
            return Ok(());
        };
        let pascal = id_member.key.starts_with(|c: char| c.is_ascii_uppercase());
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
    let new = serde_json::to_vec(&edit.value).map_err(|e| error(object.open, e.to_string()))?;
    if let Some(m) = cur
        .members
        .iter()
        .find(|m| m.key.eq_ignore_ascii_case(last))
    {
        let old: Option<Value> = serde_json::from_slice(&text[m.value_start..m.value_end]).ok();
        if old.as_ref() == Some(&edit.value) {
            return Ok(None);
        }
        return Ok(Some((m.value_start, m.value_end, new)));
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
