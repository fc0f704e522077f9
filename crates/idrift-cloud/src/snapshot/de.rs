//! The streaming JSON driver shared by the snapshot readers.
//!
//! A reader hands [`read_all`] an [`Item`] type (a Graph user, an Exchange recipient, the tenant sync
//! object); the driver walks the top-level JSON values (a bare item, an array of items, a page object
//! `{"value":[...]}`, an array of pages, or page objects one after another) and deserializes each item
//! straight into its model type. No `serde_json::Value` is built, so memory stays proportional to the
//! output. A [`Tracker`] follows the JSON path as the walk proceeds, so that an error can name where it
//! happened (`$[3].proxyAddresses[1]`, `page 2: value[17].id`) next to serde_json's line and column.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::io::{self, BufReader, Read};
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::SnapshotError;

/// Makes a visitor its own [`DeserializeSeed`]: `visitor_seed!(deserialize_any: Text)` hands the visitor
/// to `deserialize_any` and gives what it gives; a generic parameter and its bound follow the type
/// (`visitor_seed!(deserialize_map: ItemSeed<'_, T>, T: Item)`).
macro_rules! visitor_seed {
    ($how:ident: $ty:ty $(, $param:ident: $bound:path)?) => {
        impl<'de $(, $param: $bound)?> serde::de::DeserializeSeed<'de> for $ty {
            type Value = <Self as serde::de::Visitor<'de>>::Value;

            fn deserialize<D: serde::de::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.$how(self)
            }
        }
    };
}
pub(super) use visitor_seed;

/// Where the walk is: enough to render a JSON path when an error surfaces.
#[derive(Debug, Clone, Copy, Default)]
struct PathState {
    /// Index of the top-level JSON value (several when page objects follow one another).
    doc: usize,
    /// Index in a top-level array.
    outer: Option<usize>,
    /// The page number (1-based) while inside a page object's `value` array.
    page: Option<usize>,
    /// Index in the `value` array of a page.
    item: Option<usize>,
    /// A wrapper object inside an item, e.g. `AdditionalProperties`.
    nested: Option<&'static str>,
    /// The item property being read.
    field: Option<&'static str>,
    /// Index within that property's array.
    elem: Option<usize>,
    /// Property of that array element.
    sub: Option<&'static str>,
}

/// Follows the JSON path during a read (interior mutability: seeds only hold `&Tracker`).
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    state: Cell<PathState>,
    pages: Cell<usize>,
    meta: RefCell<PageMeta>,
}

/// The paging annotations of the page objects read: the last page's `@odata.nextLink` (`None` when the
/// last page has none: the export is complete), the last `@odata.deltaLink`, and every
/// `@adminapi.warnings` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageMeta {
    /// `@odata.nextLink` (or the bare `odata.nextLink` some Exchange responses use).
    pub(crate) next_link: Option<String>,
    /// `@odata.deltaLink`.
    pub(crate) delta_link: Option<String>,
    /// `@adminapi.warnings`.
    pub(crate) warnings: Vec<String>,
}

impl Tracker {
    fn update(&self, f: impl FnOnce(&mut PathState)) {
        let mut s = self.state.get();
        f(&mut s);
        self.state.set(s);
    }

    /// Enters the property `name` of the current item.
    pub(super) fn field(&self, name: &'static str) {
        self.update(|s| {
            s.field = Some(name);
            s.elem = None;
            s.sub = None;
        });
    }

    /// Leaves the current property.
    pub(super) fn end_field(&self) {
        self.update(|s| {
            s.field = None;
            s.elem = None;
            s.sub = None;
        });
    }

    /// Enters element `i` of the current property's array.
    pub(super) fn elem(&self, i: usize) {
        self.update(|s| {
            s.elem = Some(i);
            s.sub = None;
        });
    }

    /// Enters property `name` of the current array element.
    pub(super) fn sub(&self, name: Option<&'static str>) {
        self.update(|s| s.sub = name);
    }

    /// Enters or leaves a wrapper object inside the item.
    pub(super) fn nested(&self, name: Option<&'static str>) {
        self.update(|s| {
            s.nested = name;
            s.field = None;
            s.elem = None;
            s.sub = None;
        });
    }

    fn item(&self, outer: Option<usize>, item: Option<usize>) {
        self.update(|s| {
            s.outer = outer;
            s.item = item;
            s.nested = None;
            s.field = None;
            s.elem = None;
            s.sub = None;
        });
    }

    /// The JSON path of the current position.
    pub(super) fn path(&self) -> String {
        let s = self.state.get();
        let mut p = String::new();
        if let Some(n) = s.page {
            let _ = write!(p, "page {n}: value");
            if let Some(i) = s.item {
                let _ = write!(p, "[{i}]");
            }
        } else {
            if s.doc > 0 {
                let _ = write!(p, "document {}: ", s.doc + 1);
            }
            p.push('$');
            if let Some(o) = s.outer {
                let _ = write!(p, "[{o}]");
            }
        }
        if let Some(n) = s.nested {
            let _ = write!(p, ".{n}");
        }
        if let Some(f) = s.field {
            let _ = write!(p, ".{f}");
            if let Some(e) = s.elem {
                let _ = write!(p, "[{e}]");
                if let Some(sub) = s.sub {
                    let _ = write!(p, ".{sub}");
                }
            }
        }
        p
    }

    /// Turns a serde_json error into a [`SnapshotError`] at the current path.
    pub(super) fn error(&self, e: &serde_json::Error) -> SnapshotError {
        let line = e.line();
        let column = e.column();
        let full = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        let message = if e.is_eof() {
            format!("{message} (the file ends early: truncated?)")
        } else {
            message
        };
        SnapshotError {
            path: self.path(),
            line,
            column,
            message,
        }
    }
}

/// How a property name of an item object is classified.
pub(crate) enum Key<F> {
    /// `value`: the object is a page, this is its item array.
    Page,
    /// A property the item keeps.
    Field(F),
    /// Anything else (ignored).
    Ignore,
}

/// A model type read from JSON objects with case-insensitive property names.
pub(crate) trait Item: Sized {
    /// The property selector.
    type Field;
    /// The state built while the object's properties arrive.
    type Acc: Default;
    /// What one item is, for messages ("a user object").
    const WHAT: &'static str;

    /// Classifies a property name (case-insensitively).
    fn classify(key: &str) -> Key<Self::Field>;

    /// Classifies a property name of an item inside a page's `value` array (where `value` is no longer
    /// the page's item array).
    fn item_key(key: &str) -> Key<Self::Field> {
        Self::classify(key)
    }

    /// Reads the value of property `f` into `acc`.
    fn field<'de, A: MapAccess<'de>>(
        acc: &mut Self::Acc,
        f: Self::Field,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error>;

    /// Builds the item once the object is closed: `Ok(None)` drops it (e.g. a delta `@removed` entry).
    ///
    /// # Errors
    /// When the object lacks what identifies an item.
    fn finish<E: de::Error>(acc: Self::Acc) -> Result<Option<Self>, E>;

    /// Reads the item object whose `{` is at `data[pos]` without serde, where the type has such a reader and
    /// it is certain to give exactly what [`ItemSeed`] gives: the item and the offset just after its `}`.
    /// `None` (the default) leaves the object to [`ItemSeed`], which also names every error.
    fn scan(data: &[u8], pos: usize) -> Option<(Option<Self>, usize)> {
        let _ = (data, pos);
        None
    }
}

/// The field of `all` whose `name` is `k` in any case, else [`Key::Ignore`].
pub(super) fn named<F: Copy>(k: &str, all: &[F], name: fn(F) -> &'static str) -> Key<F> {
    all.iter()
        .find(|f| name(**f).eq_ignore_ascii_case(k))
        .map_or(Key::Ignore, |f| Key::Field(*f))
}

/// Case-insensitive ASCII comparison of a property name with a lower-case candidate.
pub(super) fn is(key: &str, lower: &str) -> bool {
    key.len() == lower.len() && key.eq_ignore_ascii_case(lower)
}

/// Reads every item of every top-level JSON value in `reader`, handing each to `sink`.
///
/// A UTF-8 byte-order mark is skipped; UTF-16 input (what Windows PowerShell's `Out-File` writes) is
/// transcoded on the fly.
pub(super) fn read_all<T: Item, R: Read>(
    reader: R,
    sink: &mut dyn FnMut(T),
) -> Result<PageMeta, SnapshotError> {
    let mut buffered = BufReader::with_capacity(256 * 1024, reader);
    let encoding = sniff_encoding(&mut buffered).map_err(|e| io_error(&e))?;
    match encoding {
        Encoding::Utf8 => drive(&mut serde_json::Deserializer::from_reader(buffered), sink),
        Encoding::Utf16 { big_endian } => drive(
            &mut serde_json::Deserializer::from_reader(BufReader::with_capacity(
                256 * 1024,
                Utf16Reader::new(buffered, big_endian),
            )),
            sink,
        ),
    }
}

/// Reads every item of an in-memory UTF-8 document (an HTTP response body), handing each to `sink`.
pub(crate) fn read_slice<T: Item>(
    bytes: &[u8],
    sink: &mut dyn FnMut(T),
) -> Result<PageMeta, SnapshotError> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    drive(&mut serde_json::Deserializer::from_slice(bytes), sink)
}

fn io_error(e: &io::Error) -> SnapshotError {
    SnapshotError {
        path: "$".to_owned(),
        line: 0,
        column: 0,
        message: format!("cannot read the input: {e}"),
    }
}

fn drive<'de, T: Item, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    sink: &mut dyn FnMut(T),
) -> Result<PageMeta, SnapshotError> {
    let tracker = Tracker::default();
    let mut doc = 0usize;
    loop {
        match de.end() {
            Ok(()) => break,
            Err(e) if e.is_io() => return Err(tracker.error(&e)),
            // Trailing characters: another top-level value follows.
            Err(_) => {}
        }
        tracker.update(|s| {
            *s = PathState {
                doc,
                ..PathState::default()
            }
        });
        TopSeed::<T> {
            out: &mut *sink,
            t: &tracker,
        }
        .deserialize(&mut *de)
        .map_err(|e| tracker.error(&e))?;
        doc += 1;
    }
    if doc == 0 {
        return Err(SnapshotError {
            path: "$".to_owned(),
            line: 1,
            column: 0,
            message: format!(
                "the input is empty; expected an array of {}s, a page object {{\"value\":[...]}} or {}",
                T::WHAT.trim_start_matches("a ").trim_start_matches("an "),
                T::WHAT
            ),
        });
    }
    Ok(tracker.meta.into_inner())
}

enum Encoding {
    Utf8,
    Utf16 { big_endian: bool },
}

/// Skips a UTF-8 BOM and detects UTF-16 (BOM, or a NUL in the first two bytes).
fn sniff_encoding<R: Read>(r: &mut BufReader<R>) -> io::Result<Encoding> {
    use std::io::BufRead;
    let buf = r.fill_buf()?;
    let (enc, skip) = match buf {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8, 3),
        [0xFF, 0xFE, ..] => (Encoding::Utf16 { big_endian: false }, 2),
        [0xFE, 0xFF, ..] => (Encoding::Utf16 { big_endian: true }, 2),
        [a, 0, ..] if *a != 0 => (Encoding::Utf16 { big_endian: false }, 0),
        [0, b, ..] if *b != 0 => (Encoding::Utf16 { big_endian: true }, 0),
        _ => (Encoding::Utf8, 0),
    };
    r.consume(skip);
    Ok(enc)
}

/// Transcodes UTF-16 to UTF-8 as it reads.
struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    /// Encoded bytes not yet handed out.
    pending: Vec<u8>,
    pos: usize,
    /// A high surrogate waiting for its pair.
    high: Option<u16>,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Utf16Reader {
            inner,
            big_endian,
            pending: Vec::with_capacity(64 * 1024),
            pos: 0,
            high: None,
        }
    }

    fn refill(&mut self) -> io::Result<bool> {
        let mut raw = [0u8; 32 * 1024];
        let mut n = 0;
        // Read an even number of bytes (at least one unit), or reach the end.
        loop {
            let got = self.inner.read(&mut raw[n..])?;
            n += got;
            if got == 0 || (n >= 2 && n % 2 == 0) {
                break;
            }
        }
        self.pending.clear();
        self.pos = 0;
        if n == 0 {
            if self.high.take().is_some() {
                self.pending.extend_from_slice("\u{FFFD}".as_bytes());
                return Ok(true);
            }
            return Ok(false);
        }
        if n % 2 == 1 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "UTF-16 input ends in the middle of a character",
            ));
        }
        let mut tmp = [0u8; 4];
        for pair in raw[..n].chunks_exact(2) {
            let unit = if self.big_endian {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from_le_bytes([pair[0], pair[1]])
            };
            let c = match (self.high.take(), unit) {
                (None, 0xD800..=0xDBFF) => {
                    self.high = Some(unit);
                    continue;
                }
                (Some(h), 0xDC00..=0xDFFF) => {
                    let cp = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    char::from_u32(cp).unwrap_or('\u{FFFD}')
                }
                (Some(_), 0xD800..=0xDBFF) => {
                    self.pending.extend_from_slice("\u{FFFD}".as_bytes());
                    self.high = Some(unit);
                    continue;
                }
                (Some(_), u) => {
                    self.pending.extend_from_slice("\u{FFFD}".as_bytes());
                    char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}')
                }
                (None, u) => char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'),
            };
            self.pending
                .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        Ok(true)
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.pending.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Deserializes a property name into a [`Key`].
struct KeySeed<T>(PhantomData<T>);

visitor_seed!(deserialize_identifier: KeySeed<T>, T: Item);

impl<'de, T: Item> Visitor<'de> for KeySeed<T> {
    type Value = Key<T::Field>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::classify(v))
    }
}

/// A property name of a top-level object: a paging annotation or an item key.
enum TopKey<F> {
    NextLink,
    DeltaLink,
    Warnings,
    Item(Key<F>),
}

struct TopKeySeed<T>(PhantomData<T>);

visitor_seed!(deserialize_identifier: TopKeySeed<T>, T: Item);

impl<'de, T: Item> Visitor<'de> for TopKeySeed<T> {
    type Value = TopKey<T::Field>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(if is(v, "@odata.nextlink") || is(v, "odata.nextlink") {
            TopKey::NextLink
        } else if is(v, "@odata.deltalink") {
            TopKey::DeltaLink
        } else if is(v, "@adminapi.warnings") {
            TopKey::Warnings
        } else {
            TopKey::Item(T::classify(v))
        })
    }
}

/// One top-level JSON value.
struct TopSeed<'a, T> {
    out: &'a mut dyn FnMut(T),
    t: &'a Tracker,
}

visitor_seed!(deserialize_any: TopSeed<'_, T>, T: Item);

impl<'de, T: Item> Visitor<'de> for TopSeed<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a JSON array of {}s, a page object {{\"value\":[...]}}, an array of pages, or {}",
            T::WHAT,
            T::WHAT
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.t.item(Some(i), None);
            let seed = ObjectSeed::<T> {
                out: &mut *self.out,
                t: self.t,
                outer: Some(i),
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            i += 1;
        }
        self.t.item(None, None);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ObjectSeed::<T> {
            out: self.out,
            t: self.t,
            outer: None,
        }
        .visit_map(map)
    }
}

/// A top-level object (or an element of a top-level array): a page or an item, decided by its keys.
struct ObjectSeed<'a, T> {
    out: &'a mut dyn FnMut(T),
    t: &'a Tracker,
    outer: Option<usize>,
}

visitor_seed!(deserialize_map: ObjectSeed<'_, T>, T: Item);

impl<'de, T: Item> Visitor<'de> for ObjectSeed<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} or a page object {{\"value\":[...]}}", T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, true);
        let mut acc = T::Acc::default();
        let mut page = false;
        // This object's own `@odata.nextLink`: the last page's is the one that tells a complete export.
        let mut next_link = None;
        while let Some(key) = map.next_key_seed(TopKeySeed::<T>(PhantomData))? {
            let key = match key {
                TopKey::Item(k) => k,
                TopKey::NextLink => {
                    next_link = map.next_value::<Option<String>>()?;
                    continue;
                }
                TopKey::DeltaLink => {
                    self.t.meta.borrow_mut().delta_link = map.next_value::<Option<String>>()?;
                    continue;
                }
                TopKey::Warnings => {
                    let w = map.next_value_seed(StringList(self.t))?;
                    self.t.meta.borrow_mut().warnings.extend(w);
                    continue;
                }
            };
            match key {
                Key::Page => {
                    if page {
                        return Err(de::Error::custom(
                            "duplicate \"value\" property in a page object",
                        ));
                    }
                    page = true;
                    let n = self.t.pages.get() + 1;
                    self.t.pages.set(n);
                    self.t.update(|s| s.page = Some(n));
                    self.t.item(self.outer, None);
                    map.next_value_seed(PageSeed::<T> {
                        out: &mut *self.out,
                        t: self.t,
                        outer: self.outer,
                    })?;
                    self.t.update(|s| s.page = None);
                    self.t.item(self.outer, None);
                }
                Key::Field(f) => T::field(&mut acc, f, &mut map, self.t)?,
                Key::Ignore => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if page {
            self.t.meta.borrow_mut().next_link = next_link;
        } else {
            self.t.item(self.outer, None);
            if let Some(item) = T::finish(acc)? {
                (self.out)(item);
            }
        }
        Ok(())
    }
}

/// The `value` array of a page.
struct PageSeed<'a, T> {
    out: &'a mut dyn FnMut(T),
    t: &'a Tracker,
    outer: Option<usize>,
}

visitor_seed!(deserialize_seq: PageSeed<'_, T>, T: Item);

impl<'de, T: Item> Visitor<'de> for PageSeed<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of {}s", T::WHAT)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.t.item(self.outer, Some(i));
            match seq.next_element_seed(ItemSeed::<T>(PhantomData, self.t))? {
                None => break,
                Some(None) => {}
                Some(Some(item)) => (self.out)(item),
            }
            i += 1;
        }
        Ok(())
    }
}

/// One item object inside a page.
pub(crate) struct ItemSeed<'a, T>(pub(crate) PhantomData<T>, pub(crate) &'a Tracker);

visitor_seed!(deserialize_map: ItemSeed<'_, T>, T: Item);

impl<'de, T: Item> Visitor<'de> for ItemSeed<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, true);
        let mut acc = T::Acc::default();
        while let Some(key) = map.next_key_seed(KeySeed::<T>(PhantomData))? {
            let key = match key {
                Key::Page => T::item_key("value"),
                other => other,
            };
            match key {
                Key::Field(f) => T::field(&mut acc, f, &mut map, self.1)?,
                Key::Page | Key::Ignore => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.1.end_field();
        T::finish(acc)
    }
}

// ---------------------------------------------------------------------------------------------
// Property value readers shared by the item types.

/// A string property; `null` reads as `None`.
pub(super) fn opt_string<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<String>, A::Error> {
    no_nul::<A::Error>(map.next_value::<Option<String>>()?)
}

/// Refuses a value holding a NUL character (it would reach a directory write).
pub(super) fn no_nul<E: de::Error>(v: Option<String>) -> Result<Option<String>, E> {
    match v {
        Some(s) if s.contains('\0') => Err(E::custom(idrift_core::strict::NUL_MESSAGE)),
        other => Ok(other),
    }
}

/// A Boolean property; `null` reads as `None`.
pub(super) fn opt_bool<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<bool>, A::Error> {
    map.next_value::<Option<bool>>()
}

/// Windows PowerShell 5.1's `ConvertTo-Json` writes a date as `/Date(milliseconds since 1970)/`, with an
/// optional `+hhmm` offset that does not change the instant; this reads it as ISO 8601 UTC (what Graph
/// writes). Any other text is `None`.
pub(super) fn ms_date(v: &str) -> Option<String> {
    let inner = v.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map_or(inner.len(), |(i, _)| i);
    let ms: i64 = inner.get(..digits_end)?.parse().ok()?;
    Some(idrift_core::timefmt::iso8601(ms.div_euclid(1000)))
}

/// The error for a value `ConvertTo-Json` cut off at its default `-Depth` (2): where an array or object
/// belongs, it wrote the .NET type name (`System.Object[]`, `System.Collections.Hashtable`, a Graph model
/// class) or a `@{...}` rendering instead.
pub(super) fn truncated_by_depth<E: de::Error>(v: &str) -> Option<E> {
    let cut = v == "System.Object[]"
        || v.starts_with("System.Collections.")
        || v.starts_with("Microsoft.Graph.PowerShell.Models.")
        || (v.starts_with("@{") && v.ends_with('}'));
    cut.then(|| {
        E::custom(format!(
            "found the text {v:?} where ConvertTo-Json cut off a nested value at its default -Depth of 2; \
             export again with ConvertTo-Json -Depth 10"
        ))
    })
}

/// A string collection: an array of strings, `null` (empty), a lone string (one value), or the
/// `{"value":[...],"Count":n}` wrapper Windows PowerShell 5.1's `ConvertTo-Json` writes for some arrays.
pub(super) struct StringList<'a>(pub(super) &'a Tracker);

impl<'de> DeserializeSeed<'de> for StringList<'_> {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        StringListKeep(self.0, ListKeep::All).deserialize(d)
    }
}

/// Which values of a string collection a reader keeps. Every value is checked alike whatever is kept, so
/// a collection is refused or accepted the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ListKeep {
    /// Every value.
    All,
    /// None (the collection reads as empty).
    Nothing,
    /// The first `SMTP:` value (the primary address), else the first value: a list kept this way is
    /// empty exactly when the full list is, and holds the same primary address.
    PrimarySmtp,
}

/// A [`StringList`] keeping what [`ListKeep`] says; values not kept are never allocated.
pub(super) struct StringListKeep<'a>(pub(super) &'a Tracker, pub(super) ListKeep);

visitor_seed!(deserialize_any: StringListKeep<'_>);

/// Adds `v` to `out` if `keep` keeps it (`v` is already checked).
pub(super) fn keep_value(out: &mut Vec<String>, keep: ListKeep, v: &str) {
    match keep {
        ListKeep::All => out.push(v.to_owned()),
        ListKeep::Nothing => {}
        ListKeep::PrimarySmtp => {
            let have_primary = out.first().is_some_and(|p| p.starts_with("SMTP:"));
            if out.is_empty() {
                out.push(v.to_owned());
            } else if !have_primary && v.starts_with("SMTP:") {
                *out = vec![v.to_owned()];
            }
        }
    }
}

impl<'de> Visitor<'de> for StringListKeep<'_> {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        if let Some(e) = truncated_by_depth(v) {
            return Err(e);
        }
        check_nul(v)?;
        let mut out = Vec::new();
        keep_value(&mut out, self.1, v);
        Ok(out)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = if self.1 == ListKeep::All {
            Vec::with_capacity(seq.size_hint().unwrap_or(0))
        } else {
            Vec::new()
        };
        let mut i = 0usize;
        loop {
            self.0.elem(i);
            let elem = ListElem {
                out: &mut out,
                keep: self.1,
            };
            if seq.next_element_seed(elem)?.is_none() {
                break;
            }
            i += 1;
        }
        // Exact capacity: a million users keep millions of these lists.
        out.shrink_to_fit();
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<String>, A::Error> {
        // PowerShell's wrapper: names as written.
        wrapped_value(map, false, || StringListKeep(self.0, self.1))?.ok_or_else(|| {
            de::Error::custom(
                "expected an array of strings, found an object without a \"value\" array",
            )
        })
    }
}

/// The `"value"` property (named in any case) of the object Windows PowerShell 5.1's `ConvertTo-Json`
/// writes around some values (`{"value":...,"Count":n}`), each read with a fresh `seed()`; the other
/// properties are skipped. `None` when there is none. `fold_case` is [`UniqueKeys::new`]'s: whether names
/// differing only in case count as the same name.
///
/// [`UniqueKeys::new`]: idrift_core::strict::UniqueKeys::new
pub(super) fn wrapped_value<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: A,
    fold_case: bool,
    seed: impl Fn() -> S,
) -> Result<Option<S::Value>, A::Error> {
    let mut map = idrift_core::strict::UniqueKeys::new(map, fold_case);
    let mut out = None;
    while let Some(k) = map.next_key::<String>()? {
        if is(&k, "value") {
            out = Some(map.next_value_seed(seed())?);
        } else {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(out)
}

/// Refuses a text holding a NUL character, as [`no_nul`] does.
fn check_nul<E: de::Error>(v: &str) -> Result<(), E> {
    if v.contains('\0') {
        return Err(E::custom(idrift_core::strict::NUL_MESSAGE));
    }
    Ok(())
}

/// One element of a string array: a string (no other type), checked, added to `out` if kept.
struct ListElem<'a> {
    out: &'a mut Vec<String>,
    keep: ListKeep,
}

visitor_seed!(deserialize_str: ListElem<'_>);

impl<'de> Visitor<'de> for ListElem<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        check_nul(v)?;
        keep_value(self.out, self.keep, v);
        Ok(())
    }
}

/// A string property that is checked as [`opt_string`] checks it (a string or `null`, no NUL character)
/// but not kept, so it is never allocated.
pub(super) fn skip_opt_string<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<Option<SkipStr>>().map(drop)
}

/// A string checked as [`opt_string`] checks it (no NUL character) and dropped: only whether it was
/// empty is kept (see [`skip_opt_string`]).
pub(super) struct SkipStr {
    pub(super) empty: bool,
}

impl<'de> Deserialize<'de> for SkipStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SkipStr, D::Error> {
        d.deserialize_str(SkipStrVisitor)
    }
}

struct SkipStrVisitor;

impl<'de> Visitor<'de> for SkipStrVisitor {
    type Value = SkipStr;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SkipStr, E> {
        check_nul(v)?;
        Ok(SkipStr {
            empty: v.is_empty(),
        })
    }
}

/// A date-time or other scalar kept as text: a string, `null`, a number, or the
/// `{"value":...,"DateTime":...}` object Windows PowerShell 5.1 writes for dates.
pub(super) struct Text;

visitor_seed!(deserialize_any: Text);

impl<'de> Visitor<'de> for Text {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<String>, E> {
        match ms_date(v) {
            Some(iso) => Ok(Some(iso)),
            None => no_nul(Some(v.to_owned())),
        }
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Option<String>, E> {
        match ms_date(&v) {
            Some(iso) => Ok(Some(iso)),
            None => no_nul(Some(v)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<String>, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<String>, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<String>, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<String>, A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, false); // PowerShell's wrapper: names as written.
        let mut value = None;
        let mut date_time = None;
        while let Some(k) = map.next_key::<String>()? {
            if is(&k, "value") {
                value = map.next_value_seed(Text)?;
            } else if is(&k, "datetime") {
                date_time = map.next_value_seed(Text)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(value.or(date_time))
    }
}
