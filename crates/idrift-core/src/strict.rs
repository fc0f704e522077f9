//! Strict reading, shared by every reader of the workspace: a duplicate JSON key, a NUL character in a
//! value and a duplicate CSV header are errors naming where they are, never silently last-wins or passed on
//! into a write.
//!
//! - [`UniqueKeys`] wraps any serde [`MapAccess`] and fails on a key seen twice in one object; the
//!   streaming snapshot readers wrap each object they read with it.
//! - [`check_json`] walks a whole JSON text once with it (and refuses NUL in strings), for the readers that
//!   parse a document at once (scan reports, journals, migration reports, FFI requests).
//! - [`nul_line`] finds a NUL character in a text; [`duplicate_header`] a repeated CSV header.
//!
//! Nesting is bounded by serde_json's recursion limit (128), so a deeply nested input is an error after a
//! number of steps proportional to its length, never a stack overflow.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::fmt::{self, Write as _};

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A strictness violation in a JSON text: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}, at {path}: {message}")]
pub struct StrictError {
    /// The JSON path of the object or value, e.g. `$[3].proxyAddresses`.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, e.g. `duplicate key "mobilePhone"`.
    pub message: String,
}

/// The message of a duplicate key, shared so every reader words it alike.
pub fn duplicate_key_message(key: &str) -> String {
    format!("duplicate key {key:?} (a JSON object may name each property once)")
}

/// The message of a NUL character in a value.
pub const NUL_MESSAGE: &str =
    "a NUL character in a value (refused: it would reach a directory write)";

/// A [`MapAccess`] that fails on a key it has already seen in this object (ASCII case folded when
/// `fold_case`, for readers that match property names case-insensitively).
///
/// Keys are kept as the input lends them (not copied when they hold no escape) and compared one by one: an
/// object of a directory export has a few dozen keys at most, where a scan is quicker than hashing each.
/// Past [`UniqueKeys::SCAN`] keys a hash set takes over, so a huge object stays linear.
pub struct UniqueKeys<'de, A> {
    inner: A,
    fold_case: bool,
    seen: Vec<Cow<'de, str>>,
    /// The keys seen, folded, once there are more than [`UniqueKeys::SCAN`].
    many: Option<HashSet<String, foldhash::fast::RandomState>>,
}

impl<'de, A> UniqueKeys<'de, A> {
    /// The most keys compared one by one.
    const SCAN: usize = 32;

    /// Wraps `inner`.
    pub fn new(inner: A, fold_case: bool) -> Self {
        UniqueKeys {
            inner,
            fold_case,
            seen: Vec::new(),
            many: None,
        }
    }

    fn fold(&self, key: &str) -> String {
        if self.fold_case {
            key.to_ascii_lowercase()
        } else {
            key.to_owned()
        }
    }

    /// Records `key`; false when this object already named it.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if self.many.is_some() {
            let folded = self.fold(&key);
            return self.many.as_mut().is_some_and(|m| m.insert(folded));
        }
        let fold_case = self.fold_case;
        let same = |k: &Cow<'de, str>| {
            if fold_case {
                k.eq_ignore_ascii_case(&key)
            } else {
                **k == *key
            }
        };
        if self.seen.iter().any(same) {
            return false;
        }
        if self.seen.len() < Self::SCAN {
            self.seen.push(key);
            return true;
        }
        let mut many: HashSet<String, foldhash::fast::RandomState> =
            self.seen.iter().map(|k| self.fold(k)).collect();
        many.insert(self.fold(&key));
        self.seen = Vec::new();
        self.many = Some(many);
        true
    }
}

/// A property name as the input holds it: borrowed when it has no escape.
struct KeyText<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyTextVisitor)
    }
}

struct KeyTextVisitor;

impl<'de> Visitor<'de> for KeyTextVisitor {
    type Value = KeyText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyText<'de>, E> {
        Ok(KeyText(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText<'de>, E> {
        Ok(KeyText(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<KeyText<'de>, E> {
        Ok(KeyText(Cow::Owned(v)))
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for UniqueKeys<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(KeyText(key)) = self.inner.next_key::<KeyText<'de>>()? else {
            return Ok(None);
        };
        match key {
            Cow::Borrowed(k) => {
                if !self.insert(Cow::Borrowed(k)) {
                    return Err(de::Error::custom(duplicate_key_message(k)));
                }
                seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(k))
                    .map(Some)
            }
            Cow::Owned(k) => {
                if !self.insert(Cow::Owned(k.clone())) {
                    return Err(de::Error::custom(duplicate_key_message(&k)));
                }
                seed.deserialize(StringDeserializer::<A::Error>::new(k))
                    .map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// One step of a JSON path.
enum Seg {
    Key(String),
    Index(usize),
}

/// The walk's shared state: the path, and whether the walk itself raised the error.
#[derive(Default)]
struct WalkState {
    path: RefCell<Vec<Seg>>,
    raised: Cell<bool>,
}

impl WalkState {
    fn path(&self) -> String {
        let mut p = String::from("$");
        for s in self.path.borrow().iter() {
            let _ = match s {
                Seg::Key(k) => write!(p, ".{k}"),
                Seg::Index(i) => write!(p, "[{i}]"),
            };
        }
        p
    }

    fn raise<E: de::Error>(&self, message: &str) -> E {
        self.raised.set(true);
        E::custom(message)
    }
}

/// Checks a whole JSON text: every object names each key once (case-sensitively), and no string holds a
/// NUL character. A text that is not JSON passes: the reader reports that itself, in its own words.
///
/// # Errors
/// [`StrictError`] with the JSON path, line and column of the first violation.
pub fn check_json(text: &str) -> Result<(), StrictError> {
    let state = WalkState::default();
    let mut de = serde_json::Deserializer::from_str(text.trim_start_matches('\u{feff}'));
    loop {
        if de.end().is_ok() {
            return Ok(());
        }
        if let Err(e) = (Walk { s: &state }).deserialize(&mut de) {
            if !state.raised.get() {
                return Ok(());
            }
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            return Err(StrictError {
                path: state.path(),
                line: e.line(),
                column: e.column(),
                message: full.strip_suffix(&suffix).unwrap_or(&full).to_owned(),
            });
        }
    }
}

/// Walks one JSON value.
#[derive(Clone, Copy)]
struct Walk<'a> {
    s: &'a WalkState,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v.contains('\0') {
            return Err(self.s.raise(NUL_MESSAGE));
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.s.path.borrow_mut().push(Seg::Index(i));
            if seq.next_element_seed(self)?.is_none() {
                self.s.path.borrow_mut().pop();
                return Ok(());
            }
            self.s.path.borrow_mut().pop();
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut map = UniqueKeys::new(map, false);
        loop {
            let key = match map.next_key::<String>() {
                Ok(Some(k)) => k,
                Ok(None) => return Ok(()),
                Err(e) => {
                    // A duplicate key: the only error the wrapper raises itself.
                    if e.to_string().starts_with("duplicate key ") {
                        self.s.raised.set(true);
                    }
                    return Err(e);
                }
            };
            if key.contains('\0') {
                return Err(self.s.raise(NUL_MESSAGE));
            }
            self.s.path.borrow_mut().push(Seg::Key(key));
            map.next_value_seed(self)?;
            self.s.path.borrow_mut().pop();
        }
    }
}

/// The 1-based line of the first NUL character in `text`, if any.
pub fn nul_line(text: &str) -> Option<usize> {
    let at = text.find('\0')?;
    Some(text.get(..at).map_or(0, |t| t.matches('\n').count()) + 1)
}

/// The first header that repeats an earlier one (compared trimmed and ASCII case-insensitively, as the
/// CSV readers match columns), if any.
pub fn duplicate_header<'a>(headers: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = HashSet::new();
    headers
        .into_iter()
        .find(|h| !seen.insert(h.trim().to_ascii_lowercase()))
}

#[cfg(test)]
mod tests;
