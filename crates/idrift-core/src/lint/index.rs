//! The duplicate index: every value that must be unique (per namespace), with the objects that hold it.
//!
//! Built for a million objects with eight unique values each: the values of a run of objects live in one
//! string (each object's DN and cn first, then its values), an entry is 20 bytes pointing into it, and the
//! hash table holds one `u32` and a 32-bit hash per distinct key. Keys are compared lower-cased without
//! being stored lower-cased, so indexing a value allocates nothing beyond its run's string. The holders of
//! one key form a chain, in the order they were noted.

use std::hash::BuildHasher as _;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use super::{LintAction, LintClass, LintError, LintErrorKind, address};

/// Which unique namespace a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Space {
    /// UPNs, mail and SMTP proxy addresses: one namespace in Entra ID.
    Address,
    /// Non-SMTP proxy addresses (X500, SIP, ...), by their full value.
    Proxy,
    MailNickname,
    SamAccountName,
    TargetAddress,
    ConsistencyGuid,
}

/// The attributes whose values are indexed, by their number in a [`Note`].
pub(super) const ATTRS: [&str; 7] = [
    "userPrincipalName",
    "mail",
    "proxyAddresses",
    "mailNickname",
    "sAMAccountName",
    "targetAddress",
    "mS-DS-ConsistencyGuid",
];

/// The number of `proxyAddresses` in [`ATTRS`].
pub(super) const PROXY: u8 = 2;

/// One value of a checked object to index: its namespace, attribute and place in the object's text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Note {
    pub(super) space: Space,
    pub(super) attr: u8,
    pub(super) start: u32,
    pub(super) len: u32,
    /// [`key_hash`] of the value, computed where the object is checked (on any thread).
    pub(super) hash: u32,
}

/// A checked object of a run not indexed yet: where its text starts in the run's text (DN, then cn, then
/// the noted values), and where its notes end in the run's notes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub(super) class: LintClass,
    pub(super) start: usize,
    pub(super) dn_len: u32,
    pub(super) cn_len: u32,
    pub(super) notes_end: usize,
}

/// A checked object: its class and where its text (DN, then cn, then the noted values) starts.
#[derive(Debug)]
struct Object {
    /// The run's text in [`Index::texts`].
    text: u32,
    start: u32,
    dn_len: u32,
    cn_len: u32,
    class: LintClass,
}

const NONE: u32 = u32::MAX;

/// One holder of a key.
#[derive(Debug, Clone, Copy)]
struct Entry {
    object: u32,
    start: u32,
    len: u32,
    /// The next holder of the same key: for the first holder the latest one noted, for the others the one
    /// noted before them (so the chain after the first is newest first).
    next: u32,
    attr: u8,
    space: Space,
}

/// The key of a value: an SMTP proxy address without its prefix, trimmed.
pub(super) fn key_of(space: Space, attr: u8, value: &str) -> &str {
    let key = if space == Space::Address && attr == PROXY {
        address::smtp_part(value).unwrap_or(value)
    } else {
        value
    };
    key.trim()
}

/// Writes `key` lower-cased into `out` (ASCII without allocating).
fn lower_into(key: &str, out: &mut String) {
    out.clear();
    if key.is_ascii() {
        out.push_str(key);
        out.make_ascii_lowercase();
    } else {
        out.push_str(&key.to_lowercase());
    }
}

/// Whether `key` lower-cased is `lower`.
fn lower_eq(key: &str, lower: &str) -> bool {
    if key.is_ascii() {
        key.len() == lower.len()
            && key
                .bytes()
                .zip(lower.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        key.to_lowercase() == lower
    }
}

/// The 32-bit hash of a key (already [`key_of`]) in its namespace, lower-cased without case mattering.
/// The same everywhere: the hasher's seed is fixed.
pub(super) fn key_hash(space: Space, key: &str) -> u32 {
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with(|s| {
        let mut lower = s.borrow_mut();
        lower_into(key, &mut lower);
        FixedState::default().hash_one((space, lower.as_str())) as u32
    })
}

/// The index.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// The text of each run of objects added.
    texts: Vec<Box<str>>,
    objects: Vec<Object>,
    entries: Vec<Entry>,
    /// The first holder of each key (in `entries`) and the key's hash, per namespace.
    table: HashTable<(u32, u32)>,
    scratch: String,
    /// The first holder of each key held more than once (in `entries`): the only keys that can give
    /// duplicate rows, so the end of a run need not walk the whole table.
    shared: Vec<u32>,
}

/// A 64-bit hash from the 32 bits kept, with different bits for the bucket and the tag.
fn spread(h: u32) -> u64 {
    u64::from(h) | (u64::from(h) << 32)
}

/// The values a checked object is expected to index (UPN, mail, three proxy addresses, mailNickname,
/// targetAddress, mS-DS-ConsistencyGuid), for [`Index::reserve`].
const NOTES_PER_OBJECT: usize = 8;

impl Index {
    /// Makes room for about `objects` more checked objects, so that indexing a large directory does not
    /// grow (and copy) the tables again and again. Room not used costs address space, not memory.
    pub(super) fn reserve(&mut self, objects: usize) {
        self.objects.reserve(objects);
        let notes = objects.saturating_mul(NOTES_PER_OBJECT);
        self.entries.reserve(notes);
        // A UPN is mostly also the mail and the primary SMTP address: about three keys in four notes.
        self.table.reserve(notes / 4 * 3, |&(_, fh)| spread(fh));
    }

    /// Adds a run of checked objects, whose text is `text`, and indexes their notes.
    pub(super) fn add_run(&mut self, text: &str, objects: &[Pending], notes: &[Note]) {
        if objects.is_empty() {
            return;
        }
        let run = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        // Copied to a string of its exact size: the run's own string has room to spare, and is used again.
        self.texts.push(Box::from(text));
        let mut from = 0;
        for p in objects {
            let object = u32::try_from(self.objects.len()).unwrap_or(u32::MAX);
            self.objects.push(Object {
                text: run,
                start: u32::try_from(p.start).unwrap_or(u32::MAX),
                dn_len: p.dn_len,
                cn_len: p.cn_len,
                class: p.class,
            });
            for n in notes.get(from..p.notes_end).unwrap_or(&[]) {
                self.note(object, *n);
            }
            from = p.notes_end;
        }
    }

    /// The text of object `o` from its `start`, `len` bytes.
    fn text_of<'a>(texts: &'a [Box<str>], o: &Object, start: u32, len: u32) -> &'a str {
        texts.get(o.text as usize).map_or("", |t| {
            let at = o.start as usize + start as usize;
            t.get(at..at + len as usize).unwrap_or("")
        })
    }

    fn note(&mut self, object: u32, n: Note) {
        let Some(o) = self.objects.get(object as usize) else {
            return;
        };
        let key = key_of(
            n.space,
            n.attr,
            Self::text_of(&self.texts, o, n.start, n.len),
        );
        if key.is_empty() {
            return;
        }
        // The hash (namespace included) was computed with the object's checks; the key is lower-cased
        // here only when a holder with the same hash is found.
        let h = n.hash;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let index = u32::try_from(self.entries.len()).unwrap_or(NONE);
        let (texts, objects, entries) = (&self.texts, &self.objects, &mut self.entries);
        let found = self.table.find(spread(h), |&(first, fh)| {
            fh == h
                && entries.get(first as usize).is_some_and(|e| {
                    if scratch.is_empty() {
                        lower_into(key, &mut scratch);
                    }
                    e.space == n.space
                        && objects.get(e.object as usize).is_some_and(|o| {
                            lower_eq(
                                key_of(e.space, e.attr, Self::text_of(texts, o, e.start, e.len)),
                                &scratch,
                            )
                        })
                })
        });
        let mut entry = Entry {
            object,
            start: n.start,
            len: n.len,
            next: NONE,
            attr: n.attr,
            space: n.space,
        };
        match found {
            Some(&(first, _)) => {
                if let Some(head) = entries.get_mut(first as usize) {
                    if head.next == NONE {
                        self.shared.push(first);
                    }
                    entry.next = head.next;
                    head.next = index;
                }
            }
            None => {
                self.table
                    .insert_unique(spread(h), (index, h), |&(_, fh)| spread(fh));
            }
        }
        self.entries.push(entry);
        self.scratch = scratch;
    }

    /// The holders of the key whose first holder is `first`, in the order they were noted.
    fn chain(&self, first: u32) -> Vec<Entry> {
        let Some(&head) = self.entries.get(first as usize) else {
            return Vec::new();
        };
        let mut rest = Vec::new();
        let mut next = head.next;
        while let Some(e) = self.entries.get(next as usize) {
            rest.push(*e);
            next = e.next;
        }
        rest.push(head);
        rest.reverse();
        rest
    }

    /// The duplicate rows: every holder of a key held by more than one object, sorted by object, attribute
    /// and value, each with the object's index.
    pub(super) fn duplicates(&self) -> Vec<(u32, LintError)> {
        let mut rows: Vec<(u32, LintError)> = Vec::new();
        for &first in &self.shared {
            let Some(head) = self.entries.get(first as usize) else {
                continue;
            };
            if head.next == NONE {
                continue;
            }
            let mut holders = self.chain(first);
            if holders.iter().all(|h| h.object == head.object) {
                continue;
            }
            let value = |h: &Entry| {
                self.objects
                    .get(h.object as usize)
                    .map_or("", |o| Self::text_of(&self.texts, o, h.start, h.len))
            };
            let attr = |h: &Entry| ATTRS.get(usize::from(h.attr)).copied().unwrap_or("");
            holders.sort_by(|a, b| (a.object, attr(a)).cmp(&(b.object, attr(b))));
            holders
                .dedup_by(|a, b| a.object == b.object && a.attr == b.attr && value(a) == value(b));
            for h in &holders {
                let Some(o) = self.objects.get(h.object as usize) else {
                    continue;
                };
                rows.push((
                    h.object,
                    LintError {
                        dn: Self::text_of(&self.texts, o, 0, o.dn_len).to_owned(),
                        cn: Self::text_of(&self.texts, o, o.dn_len, o.cn_len).to_owned(),
                        class: o.class,
                        attribute: attr(h),
                        errors: vec![LintErrorKind::Duplicate],
                        value: value(h).to_owned(),
                        update: String::new(),
                        action: LintAction::Complete,
                        held_by: None,
                    },
                ));
            }
        }
        rows.sort_by(|a, b| {
            (a.0, a.1.attribute, &a.1.value).cmp(&(b.0, b.1.attribute, &b.1.value))
        });
        rows
    }
}
