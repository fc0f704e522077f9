//! The duplicate index: every value that must be unique (per namespace), with the objects that hold it.
//!
//! Built for a million objects with eight unique values each: the values of one object live in one string
//! (its DN and cn first), an entry is 20 bytes pointing into it, and the hash table holds one `u32` and
//! a 32-bit hash per distinct key. Keys are compared lower-cased without being stored lower-cased, so
//! indexing a value allocates nothing beyond its object's string. The holders of one key form a chain, in
//! the order they were noted.

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

/// A checked object: its class and its text (DN, then cn, then the noted values).
#[derive(Debug)]
struct Object {
    text: Box<str>,
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

/// The value an entry points at.
fn slice(text: &str, start: u32, len: u32) -> &str {
    let start = start as usize;
    text.get(start..start + len as usize).unwrap_or("")
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
    objects: Vec<Object>,
    entries: Vec<Entry>,
    /// The first holder of each key (in `entries`) and the key's hash, per namespace.
    table: HashTable<(u32, u32)>,
    scratch: String,
}

/// A 64-bit hash from the 32 bits kept, with different bits for the bucket and the tag.
fn spread(h: u32) -> u64 {
    u64::from(h) | (u64::from(h) << 32)
}

impl Index {
    /// Adds a checked object and indexes its notes.
    pub(super) fn add(
        &mut self,
        text: String,
        dn_len: u32,
        cn_len: u32,
        class: LintClass,
        notes: &[Note],
    ) {
        let object = u32::try_from(self.objects.len()).unwrap_or(u32::MAX);
        self.objects.push(Object {
            text: text.into_boxed_str(),
            dn_len,
            cn_len,
            class,
        });
        for n in notes {
            self.note(object, *n);
        }
    }

    fn note(&mut self, object: u32, n: Note) {
        let Some(o) = self.objects.get(object as usize) else {
            return;
        };
        let key = key_of(n.space, n.attr, slice(&o.text, n.start, n.len));
        if key.is_empty() {
            return;
        }
        // The hash (namespace included) was computed with the object's checks; the key is lower-cased
        // here only when a holder with the same hash is found.
        let h = n.hash;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let index = u32::try_from(self.entries.len()).unwrap_or(NONE);
        let (objects, entries) = (&self.objects, &mut self.entries);
        let found = self.table.find(spread(h), |&(first, fh)| {
            fh == h
                && entries.get(first as usize).is_some_and(|e| {
                    if scratch.is_empty() {
                        lower_into(key, &mut scratch);
                    }
                    e.space == n.space
                        && objects.get(e.object as usize).is_some_and(|o| {
                            lower_eq(
                                key_of(e.space, e.attr, slice(&o.text, e.start, e.len)),
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
        for &(first, _) in &self.table {
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
                    .map_or("", |o| slice(&o.text, h.start, h.len))
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
                        dn: slice(&o.text, 0, o.dn_len).to_owned(),
                        cn: slice(&o.text, o.dn_len, o.cn_len).to_owned(),
                        class: o.class,
                        attribute: attr(h),
                        errors: vec![LintErrorKind::Duplicate],
                        value: value(h).to_owned(),
                        update: String::new(),
                        action: LintAction::Complete,
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
