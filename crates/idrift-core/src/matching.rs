//! User matching: which AD user is which Entra ID user.
//!
//! [`match_users`] follows Entra Connect's join rules (hybrid-identity.md §4.7):
//!
//! 1. **Hard match.** The AD user's source anchor ([`OnPremUser::source_anchor`]: `mS-DS-ConsistencyGuid`,
//!    else `objectGUID`) equals the Entra user's `onPremisesImmutableId`. The ImmutableId is decoded to its
//!    GUID before comparing, so padding or whitespace variants of the base64 text do not matter; an
//!    ImmutableId that is not the base64 of 16 bytes is kept as text and can only equal the same text.
//! 2. **Ambiguity.** Two AD users with one anchor, two Entra users with one ImmutableId, or two users of one
//!    side with one UPN (case-insensitive) cannot be joined with confidence. They, and the users they would
//!    have been joined with, go into an [`AmbiguousGroup`]: reported, never fatal.
//! 3. **Soft-match candidates.** A UPN or primary-SMTP equality (case-insensitive) between an unmatched AD
//!    user and an unmatched Entra user is reported as a [`SoftMatchCandidate`], never as a match: sync would
//!    only soft-match a *new* object, under tenant settings this function does not know. Both users stay
//!    unmatched.
//!
//! Every user lands in exactly one bucket (matched, unmatched, ambiguous), so [`MatchCounts`] adds up.
//!
//! The work is linear and sized for a million users per side: equal anchors and equal UPNs are found with
//! hash maps over radix partitions small enough to stay in the CPU cache (see `classify`), keys borrow from
//! the input or from one shared buffer of lower-cased UPNs (no per-user string is allocated), and the hash
//! is a seeded folded multiply rather than SipHash.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use serde::{Deserialize, Serialize};

use crate::anchor::{guid_from_immutable_id_fast, immutable_id_from_guid};
use crate::guid::Guid;
use crate::model::{CloudUser, OnPremUser};

/// An AD user and the Entra user it is hard-matched to (indices into the input slices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MatchedPair {
    /// Index into the on-premises slice.
    pub on_prem: usize,
    /// Index into the cloud slice.
    pub cloud: usize,
}

/// The attribute two users share in a [`SoftMatchCandidate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SoftMatchBasis {
    /// `userPrincipalName`, case-insensitive.
    Upn,
    /// The primary SMTP address (`SMTP:` proxy address, else `mail`), case-insensitive.
    PrimarySmtp,
}

/// An unmatched AD user and an unmatched Entra user that a soft match could join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftMatchCandidate {
    /// Index into the on-premises slice.
    pub on_prem: usize,
    /// Index into the cloud slice.
    pub cloud: usize,
    /// What they share; [`SoftMatchBasis::Upn`] when they share both.
    pub basis: SoftMatchBasis,
    /// The Entra user already carries an `onPremisesImmutableId` (of some other anchor), so sync would refuse
    /// the soft match.
    pub cloud_has_other_anchor: bool,
}

/// Why an [`AmbiguousGroup`] cannot be matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AmbiguityReason {
    /// Several AD users have the same source anchor.
    DuplicateAnchorOnPrem,
    /// Several Entra users have the same `onPremisesImmutableId`.
    DuplicateImmutableIdInCloud,
    /// Several AD users have the same UPN (case-insensitive).
    DuplicateUpnOnPrem,
    /// Several Entra users have the same UPN (case-insensitive).
    DuplicateUpnInCloud,
}

/// Users that cannot be matched with confidence, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AmbiguousGroup {
    /// Why.
    pub reason: AmbiguityReason,
    /// The shared value: the ImmutableId (canonical base64 of the GUID, or the text as found) for anchor
    /// duplicates, the lower-cased UPN for UPN duplicates.
    pub key: String,
    /// The AD users involved, ascending. For an on-premises duplicate: the duplicates; otherwise the AD
    /// users that would have been joined with the cloud duplicates.
    pub on_prem: Vec<usize>,
    /// The Entra users involved, ascending, by the same logic.
    pub cloud: Vec<usize>,
}

/// How many users landed in each bucket. `matched + unmatched_on_prem + ambiguous_on_prem == on_prem_total`
/// and `matched + unmatched_cloud + ambiguous_cloud == cloud_total`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MatchCounts {
    /// AD users given.
    pub on_prem_total: usize,
    /// Entra users given.
    pub cloud_total: usize,
    /// Hard-matched pairs.
    pub matched: usize,
    /// AD users neither matched nor ambiguous.
    pub unmatched_on_prem: usize,
    /// Entra users neither matched nor ambiguous.
    pub unmatched_cloud: usize,
    /// AD users in an ambiguous group.
    pub ambiguous_on_prem: usize,
    /// Entra users in an ambiguous group.
    pub ambiguous_cloud: usize,
    /// Soft-match candidate pairs (a user may appear in several).
    pub soft_match_candidates: usize,
}

/// The outcome of [`match_users`]. All lists are in ascending index order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MatchReport {
    /// Hard-matched pairs, by AD index.
    pub matched: Vec<MatchedPair>,
    /// AD users without a match.
    pub unmatched_on_prem: Vec<usize>,
    /// Entra users without a match.
    pub unmatched_cloud: Vec<usize>,
    /// Groups that cannot be matched with confidence, in order of first appearance.
    pub ambiguous: Vec<AmbiguousGroup>,
    /// Possible soft matches among the unmatched users, by AD index then Entra index.
    pub soft_match_candidates: Vec<SoftMatchCandidate>,
    /// The bucket sizes.
    pub counts: MatchCounts,
}

/// "No index": the sentinel of the index vectors below.
const NONE: usize = usize::MAX;

/// Matches AD users with Entra users; see the module documentation for the rules.
pub fn match_users(on_prem: &[OnPremUser], cloud: &[CloudUser]) -> MatchReport {
    let (n_on, n_cl) = (on_prem.len(), cloud.len());
    let mut groups = Groups::new(n_on, n_cl);
    let state = FastState::new();

    // Rule 1: anchors and ImmutableIds, and which of them pair up one-to-one. One classification holds both
    // sides (cloud user j is item n_on + j), so each class counts the users of each side with one anchor.
    let mut anchor_items: Vec<(AnchorKey<'_>, usize)> = Vec::with_capacity(n_on + n_cl);
    for (i, u) in on_prem.iter().enumerate() {
        if let Some(g) = u.source_anchor() {
            anchor_items.push((AnchorKey::Guid(g), i));
        }
    }
    for (j, u) in cloud.iter().enumerate() {
        let text = u.on_premises_immutable_id.as_deref().map_or("", str::trim);
        if !text.is_empty() {
            let key =
                guid_from_immutable_id_fast(text).map_or(AnchorKey::Text(text), AnchorKey::Guid);
            anchor_items.push((key, n_on + j));
        }
    }
    let anchors = classify(n_on + n_cl, n_on, &anchor_items, &state);
    drop(anchor_items);
    let (op_anchor, cl_anchor) = anchors.of.split_at(n_on);
    let mut op_partner = vec![NONE; n_on];
    let mut cl_partner = vec![NONE; n_cl];
    for c in &anchors.counts {
        if c.first == 1 && c.second == 1 {
            op_partner[c.last_first] = c.last_second - n_on;
            cl_partner[c.last_second - n_on] = c.last_first;
        }
    }

    // Rule 2a: duplicate anchors or ImmutableIds; each key's users form one group.
    let mut anchor_group = vec![NONE; anchors.keys.len()];
    let mut anchor_group_of = |c: usize, groups: &mut Groups| {
        if anchor_group[c] == NONE {
            let reason = if anchors.counts[c].first >= 2 {
                AmbiguityReason::DuplicateAnchorOnPrem
            } else {
                AmbiguityReason::DuplicateImmutableIdInCloud
            };
            anchor_group[c] = groups.create(reason, anchors.keys[c].to_text());
        }
        anchor_group[c]
    };
    for (i, &c) in op_anchor.iter().enumerate() {
        if c != NONE && anchors.counts[c].is_ambiguous() {
            let g = anchor_group_of(c, &mut groups);
            groups.add_on_prem(g, i);
        }
    }
    for (j, &c) in cl_anchor.iter().enumerate() {
        if c != NONE && anchors.counts[c].is_ambiguous() {
            let g = anchor_group_of(c, &mut groups);
            groups.add_cloud(g, j);
        }
    }

    // Rule 2b: duplicate UPNs within one side. The duplicates join a group with their hard-match partners
    // and with the unpaired users of the other side that carry the same UPN (looked up only when there are
    // duplicates, through a map of the duplicated UPNs alone).
    let op_upn = FoldedKeys::build(on_prem.iter().map(|u| u.user_principal_name.as_deref()));
    let cl_upn = FoldedKeys::build(cloud.iter().map(|u| u.user_principal_name.as_deref()));
    let op_upn_classes = op_upn.classify(&state);
    let cl_upn_classes = cl_upn.classify(&state);

    let mut op_upn_group = vec![NONE; op_upn_classes.keys.len()];
    let mut duplicated: FastMap<&str, usize> = fast_map(0);
    for (i, &c) in op_upn_classes.of.iter().enumerate() {
        if c == NONE || op_upn_classes.counts[c].first < 2 || groups.on_prem_of[i] != NONE {
            continue;
        }
        if op_upn_group[c] == NONE {
            let key = op_upn_classes.keys[c];
            op_upn_group[c] = groups.create(AmbiguityReason::DuplicateUpnOnPrem, key.to_owned());
            duplicated.insert(key, op_upn_group[c]);
        }
        let g = op_upn_group[c];
        groups.add_on_prem(g, i);
        if op_partner[i] != NONE && groups.cloud_of[op_partner[i]] == NONE {
            groups.add_cloud(g, op_partner[i]);
        }
    }
    if !duplicated.is_empty() {
        for (j, &partner) in cl_partner.iter().enumerate() {
            if partner == NONE
                && groups.cloud_of[j] == NONE
                && let Some(&g) = cl_upn.get(j).and_then(|k| duplicated.get(k))
            {
                groups.add_cloud(g, j);
            }
        }
    }

    let mut cl_upn_group = vec![NONE; cl_upn_classes.keys.len()];
    duplicated.clear();
    for (j, &c) in cl_upn_classes.of.iter().enumerate() {
        if c == NONE || cl_upn_classes.counts[c].first < 2 || groups.cloud_of[j] != NONE {
            continue;
        }
        if cl_upn_group[c] == NONE {
            let key = cl_upn_classes.keys[c];
            cl_upn_group[c] = groups.create(AmbiguityReason::DuplicateUpnInCloud, key.to_owned());
            duplicated.insert(key, cl_upn_group[c]);
        }
        let g = cl_upn_group[c];
        groups.add_cloud(g, j);
        if cl_partner[j] != NONE && groups.on_prem_of[cl_partner[j]] == NONE {
            groups.add_on_prem(g, cl_partner[j]);
        }
    }
    if !duplicated.is_empty() {
        for (i, &partner) in op_partner.iter().enumerate() {
            if partner == NONE
                && groups.on_prem_of[i] == NONE
                && let Some(&g) = op_upn.get(i).and_then(|k| duplicated.get(k))
            {
                groups.add_on_prem(g, i);
            }
        }
    }

    // Rule 1 again: the pairs whose users are in no group are the matches.
    let mut matched = Vec::with_capacity(n_on.min(n_cl));
    let mut cl_matched = vec![false; n_cl];
    for (i, &j) in op_partner.iter().enumerate() {
        if j != NONE && groups.on_prem_of[i] == NONE && groups.cloud_of[j] == NONE {
            matched.push(MatchedPair {
                on_prem: i,
                cloud: j,
            });
            cl_matched[j] = true;
        }
    }
    let mut op_matched = vec![false; n_on];
    for p in &matched {
        op_matched[p.on_prem] = true;
    }
    let unmatched_on_prem: Vec<usize> = (0..n_on)
        .filter(|&i| !op_matched[i] && groups.on_prem_of[i] == NONE)
        .collect();
    let unmatched_cloud: Vec<usize> = (0..n_cl)
        .filter(|&j| !cl_matched[j] && groups.cloud_of[j] == NONE)
        .collect();

    // Rule 3: soft-match candidates among the unmatched.
    let soft_match_candidates = soft_match(
        on_prem,
        cloud,
        &unmatched_on_prem,
        &unmatched_cloud,
        &op_upn,
        &cl_upn,
    );

    let ambiguous = groups.finish();
    let counts = MatchCounts {
        on_prem_total: n_on,
        cloud_total: n_cl,
        matched: matched.len(),
        unmatched_on_prem: unmatched_on_prem.len(),
        unmatched_cloud: unmatched_cloud.len(),
        ambiguous_on_prem: ambiguous.iter().map(|g| g.on_prem.len()).sum(),
        ambiguous_cloud: ambiguous.iter().map(|g| g.cloud.len()).sum(),
        soft_match_candidates: soft_match_candidates.len(),
    };
    MatchReport {
        matched,
        unmatched_on_prem,
        unmatched_cloud,
        ambiguous,
        soft_match_candidates,
        counts,
    }
}

/// UPN and primary-SMTP equalities between unmatched users, each pair once (UPN preferred).
fn soft_match(
    on_prem: &[OnPremUser],
    cloud: &[CloudUser],
    unmatched_on_prem: &[usize],
    unmatched_cloud: &[usize],
    op_upn: &FoldedKeys<'_>,
    cl_upn: &FoldedKeys<'_>,
) -> Vec<SoftMatchCandidate> {
    let mut cl_unmatched = vec![false; cloud.len()];
    for &j in unmatched_cloud {
        cl_unmatched[j] = true;
    }
    let cl_smtp = FoldedKeys::build(cloud.iter().enumerate().map(|(j, u)| {
        if cl_unmatched[j] {
            u.primary_smtp()
        } else {
            None
        }
    }));
    let upn_chains = Chains::build(unmatched_cloud, cl_upn);
    let smtp_chains = Chains::build(unmatched_cloud, &cl_smtp);

    let mut out = Vec::new();
    let mut smtp_key = String::new();
    for &i in unmatched_on_prem {
        let upn = op_upn.get(i);
        let start = out.len();
        if let Some(key) = upn {
            for j in upn_chains.iter(key) {
                out.push(candidate(cloud, i, j, SoftMatchBasis::Upn));
            }
        }
        if let Some(smtp) = on_prem[i].primary_smtp() {
            smtp_key.clear();
            push_folded(&mut smtp_key, smtp.trim());
            for j in smtp_chains.iter(&smtp_key) {
                if upn.is_none() || cl_upn.get(j) != upn {
                    out.push(candidate(cloud, i, j, SoftMatchBasis::PrimarySmtp));
                }
            }
        }
        out[start..].sort_unstable_by_key(|c| c.cloud);
    }
    out
}

fn candidate(
    cloud: &[CloudUser],
    on_prem: usize,
    j: usize,
    basis: SoftMatchBasis,
) -> SoftMatchCandidate {
    let cloud_has_other_anchor = cloud[j]
        .on_premises_immutable_id
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    SoftMatchCandidate {
        on_prem,
        cloud: j,
        basis,
        cloud_has_other_anchor,
    }
}

/// The ambiguous groups under construction, and which group (if any) each user belongs to.
struct Groups {
    groups: Vec<AmbiguousGroup>,
    on_prem_of: Vec<usize>,
    cloud_of: Vec<usize>,
}

impl Groups {
    fn new(n_on: usize, n_cl: usize) -> Groups {
        Groups {
            groups: Vec::new(),
            on_prem_of: vec![NONE; n_on],
            cloud_of: vec![NONE; n_cl],
        }
    }

    fn create(&mut self, reason: AmbiguityReason, key: String) -> usize {
        self.groups.push(AmbiguousGroup {
            reason,
            key,
            on_prem: Vec::new(),
            cloud: Vec::new(),
        });
        self.groups.len() - 1
    }

    fn add_on_prem(&mut self, g: usize, i: usize) {
        self.on_prem_of[i] = g;
        self.groups[g].on_prem.push(i);
    }

    fn add_cloud(&mut self, g: usize, j: usize) {
        self.cloud_of[j] = g;
        self.groups[g].cloud.push(j);
    }

    fn finish(mut self) -> Vec<AmbiguousGroup> {
        for g in &mut self.groups {
            g.on_prem.sort_unstable();
            g.cloud.sort_unstable();
        }
        self.groups
    }
}

/// A source anchor as compared: a decoded GUID, or an ImmutableId text that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum AnchorKey<'a> {
    Guid(Guid),
    Text(&'a str),
}

impl AnchorKey<'_> {
    fn to_text(self) -> String {
        match self {
            AnchorKey::Guid(g) => immutable_id_from_guid(&g),
            AnchorKey::Text(t) => t.to_owned(),
        }
    }
}

/// How many items of each side a class has, and the last (highest-index) item of each side.
#[derive(Clone, Copy)]
struct SideCounts {
    first: usize,
    second: usize,
    last_first: usize,
    last_second: usize,
}

impl SideCounts {
    const EMPTY: SideCounts = SideCounts {
        first: 0,
        second: 0,
        last_first: NONE,
        last_second: NONE,
    };

    fn is_ambiguous(&self) -> bool {
        self.first >= 2 || self.second >= 2
    }
}

/// Items sorted into classes of equal keys.
struct Classes<K> {
    /// Per item: its class, or [`NONE`] for an item without a key.
    of: Vec<usize>,
    /// Per class: its key.
    keys: Vec<K>,
    /// Per class: its size on each side.
    counts: Vec<SideCounts>,
}

/// Sorts keyed items into classes of equal keys, in linear time.
///
/// `items` are `(key, item index)` pairs in ascending index order, every index below `n_items`; items below
/// `split` are counted as the first side, the others as the second. A single hash map over a million keys
/// spends its time waiting for memory, so the items are first partitioned by the top bits of their hash
/// (the radix partitioning of cache-conscious hash joins) and each partition, about a thousand items, is
/// classified with a map that stays in the CPU cache. Class numbers therefore depend on the hash seed;
/// callers only use them as identities.
fn classify<K: Hash + Eq + Copy>(
    n_items: usize,
    split: usize,
    items: &[(K, usize)],
    state: &FastState,
) -> Classes<K> {
    let mut classes = Classes {
        of: vec![NONE; n_items],
        keys: Vec::new(),
        counts: Vec::new(),
    };
    let bits = partition_bits(items.len());
    let hashes: Vec<u64> = items.iter().map(|(k, _)| state.hash_one(k)).collect();
    let mut sizes = vec![0usize; 1 << bits];
    for &h in &hashes {
        sizes[partition_of(h, bits)] += 1;
    }
    let mut parts: Vec<Vec<(u64, K, usize)>> =
        sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (&h, &(k, index)) in hashes.iter().zip(items) {
        parts[partition_of(h, bits)].push((h, k, index));
    }
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let mut map: std::collections::HashMap<Prehashed<K>, usize, PassThrough> =
        std::collections::HashMap::with_capacity_and_hasher(largest, PassThrough);
    // Each partition's classes, in the partition's (ascending item) order.
    let mut part_classes: Vec<Vec<usize>> = Vec::with_capacity(parts.len());
    for part in &parts {
        map.clear();
        let mut part_class = Vec::with_capacity(part.len());
        for &(h, k, index) in part {
            let c = *map.entry(Prehashed { h, k }).or_insert_with(|| {
                classes.keys.push(k);
                classes.counts.push(SideCounts::EMPTY);
                classes.keys.len() - 1
            });
            part_class.push(c);
            let counts = &mut classes.counts[c];
            if index < split {
                counts.first += 1;
                counts.last_first = index;
            } else {
                counts.second += 1;
                counts.last_second = index;
            }
        }
        part_classes.push(part_class);
    }
    drop(parts);
    // Back to item order: walking the items again, each partition is read front to back, so `of` is written
    // in ascending order instead of at a million scattered places.
    let mut cursor = vec![0usize; part_classes.len()];
    for (&h, &(_, index)) in hashes.iter().zip(items) {
        let p = partition_of(h, bits);
        let c = part_classes[p].get(cursor[p]).copied().unwrap_or(NONE);
        cursor[p] += 1;
        if let Some(slot) = classes.of.get_mut(index) {
            *slot = c;
        }
    }
    classes
}

/// How many top hash bits choose the partition: about a thousand items per partition, at most 4096 partitions.
fn partition_bits(n: usize) -> u32 {
    (n / 1024).next_power_of_two().trailing_zeros().min(12)
}

fn partition_of(h: u64, bits: u32) -> usize {
    // `checked_shr` turns the shift by 64 of a single partition into 0.
    h.checked_shr(64 - bits).unwrap_or(0) as usize
}

/// A key with its hash computed once, by [`classify`].
#[derive(Clone, Copy)]
struct Prehashed<K> {
    h: u64,
    k: K,
}

impl<K> Hash for Prehashed<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.h);
    }
}

impl<K: PartialEq> PartialEq for Prehashed<K> {
    fn eq(&self, other: &Self) -> bool {
        self.h == other.h && self.k == other.k
    }
}

impl<K: Eq> Eq for Prehashed<K> {}

/// The hasher of the per-partition maps: [`Prehashed`] already carries a hash.
#[derive(Clone, Copy)]
struct PassThrough;

impl BuildHasher for PassThrough {
    type Hasher = PassThroughHasher;

    fn build_hasher(&self) -> PassThroughHasher {
        PassThroughHasher(0)
    }
}

/// The hasher of [`PassThrough`].
struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in rather than lose it.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Within a partition the top bits are all equal; rotate them away from the bits the map uses (the
        // low bits pick the bucket, the top seven are the tag).
        self.0 = n.rotate_left(32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Singly linked lists of user indices per key, ascending, without a `Vec` per key.
struct Chains<'k> {
    head: FastMap<&'k str, usize>,
    next: Vec<usize>,
}

impl<'k> Chains<'k> {
    fn build(users: &[usize], keys: &'k FoldedKeys<'_>) -> Chains<'k> {
        let mut head: FastMap<&'k str, usize> = fast_map(users.len());
        let mut next = vec![NONE; keys.len()];
        // Pushing in descending order leaves each list ascending.
        for &j in users.iter().rev() {
            if let Some(key) = keys.get(j) {
                let old = head.insert(key, j).unwrap_or(NONE);
                next[j] = old;
            }
        }
        Chains { head, next }
    }

    fn iter<'s>(&'s self, key: &str) -> impl Iterator<Item = usize> + 's {
        let mut cur = self.head.get(key).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            if cur == NONE {
                return None;
            }
            let j = cur;
            cur = self.next[j];
            Some(j)
        })
    }
}

/// Where one lower-cased key lives.
#[derive(Clone, Copy)]
enum Span<'a> {
    /// No key (absent or blank).
    Absent,
    /// The input was already lower case: the trimmed input itself.
    Borrowed(&'a str),
    /// A range of [`FoldedKeys::arena`].
    Arena(usize, usize),
}

/// Trimmed, lower-cased keys of a list of optional texts, stored in one shared buffer.
struct FoldedKeys<'a> {
    arena: String,
    spans: Vec<Span<'a>>,
}

impl<'a> FoldedKeys<'a> {
    fn build(texts: impl ExactSizeIterator<Item = Option<&'a str>>) -> FoldedKeys<'a> {
        let mut arena = String::new();
        let mut spans = Vec::with_capacity(texts.len());
        for text in texts {
            let t = text.map_or("", str::trim);
            let span = if t.is_empty() {
                Span::Absent
            } else if t.is_ascii() && !t.bytes().any(|b| b.is_ascii_uppercase()) {
                Span::Borrowed(t)
            } else {
                let start = arena.len();
                push_folded(&mut arena, t);
                Span::Arena(start, arena.len())
            };
            spans.push(span);
        }
        FoldedKeys { arena, spans }
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    /// The classes of equal keys among these keys (all on the first side).
    fn classify(&self, state: &FastState) -> Classes<&str> {
        let items: Vec<(&str, usize)> = (0..self.len())
            .filter_map(|i| self.get(i).map(|k| (k, i)))
            .collect();
        classify(self.len(), self.len(), &items, state)
    }

    fn get(&self, i: usize) -> Option<&str> {
        match self.spans.get(i).copied().unwrap_or(Span::Absent) {
            Span::Absent => None,
            Span::Borrowed(s) => Some(s),
            Span::Arena(a, b) => self.arena.get(a..b),
        }
    }
}

/// Appends the lower-case form of `t` to `out`, character by character (ASCII bytes directly).
fn push_folded(out: &mut String, t: &str) {
    if t.is_ascii() {
        out.extend(t.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(t.chars().flat_map(char::to_lowercase));
    }
}

/// The hash maps of matching: std's `HashMap` with [`FastState`].
type FastMap<K, V> = std::collections::HashMap<K, V, FastState>;

fn fast_map<K, V>(capacity: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(capacity, FastState::new())
}

/// A seeded folded-multiply hash (the construction of `foldhash` and `ahash`'s fallback).
///
/// Matching hashes millions of short keys; SipHash, std's default, spent most of the run time there. The seed
/// comes from std's `RandomState` per map, so colliding keys cannot be prepared in advance.
#[derive(Clone)]
struct FastState {
    seed: u64,
}

impl FastState {
    fn new() -> FastState {
        FastState {
            seed: RandomState::new().hash_one(0x6964_7269_6674_u64),
        }
    }
}

impl BuildHasher for FastState {
    type Hasher = FastHasher;

    fn build_hasher(&self) -> FastHasher {
        FastHasher { h: self.seed }
    }
}

/// The hasher of [`FastState`].
struct FastHasher {
    h: u64,
}

/// An odd constant with well-spread bits (the golden ratio).
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// The 128-bit product of `a` and `b`, folded to 64 bits by XOR of its halves.
fn folded_multiply(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    // Truncation is the point: the low and high halves are mixed.
    let (lo, hi) = (p as u64, (p >> 64) as u64);
    lo ^ hi
}

impl FastHasher {
    fn mix(&mut self, word: u64) {
        self.h = folded_multiply(self.h ^ word, MULTIPLIER);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // A byte loop, not a variable-length copy: the `memcpy` call that copy compiles to doubled the
            // cost of a map operation on UPN keys.
            let mut w = 0u64;
            for (k, &b) in rest.iter().enumerate() {
                w |= u64::from(b) << (8 * k);
            }
            // The length keeps "a" and "a\0" apart.
            self.mix(w ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        folded_multiply(self.h, self.h.rotate_left(23) ^ MULTIPLIER)
    }
}

#[cfg(test)]
mod tests;
