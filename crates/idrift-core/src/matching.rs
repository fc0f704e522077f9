//! User matching: which AD user is which Entra ID user.
//!
//! [`match_users`] follows Entra Connect's join rules (hybrid-identity.md §4.7):
//!
//! 1. **Hard match.** The AD user's source anchor ([`OnPremUser::source_anchor`]: `mS-DS-ConsistencyGuid`,
//!    else `objectGUID`; or the [`Anchor`] given, such as a custom attribute's value) equals the Entra
//!    user's `onPremisesImmutableId`. The ImmutableId is decoded to its
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
//! is a seeded folded multiply rather than SipHash. The three classifications (anchors, AD UPNs, Entra UPNs)
//! do not depend on each other and run on three threads; the rules then read them in order. Memory beyond the
//! report stays small next to the users themselves: each side's users are read once, per-user index vectors
//! hold `u32`, and each classification is dropped once its rule is done.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use serde::{Deserialize, Serialize};

use crate::anchor::{guid_from_immutable_id_fast, immutable_id_from_guid};
use crate::guid::Guid;
use crate::model::{CloudUser, OnPremUser};

/// What matching reads of an AD user: its anchors, UPN and primary SMTP address. [`OnPremUser`] and the
/// comparison's compact [`crate::lean::LeanAd`] implement it.
pub trait AdKeys {
    /// `objectGUID`.
    fn object_guid(&self) -> Option<Guid>;
    /// `mS-DS-ConsistencyGuid`.
    fn consistency_guid(&self) -> Option<Guid>;
    /// The custom source anchor's value, when one was read.
    fn custom_anchor(&self) -> Option<&str>;
    /// `userPrincipalName`.
    fn upn(&self) -> Option<&str>;
    /// The primary SMTP address ([`OnPremUser::primary_smtp`]).
    fn primary_smtp(&self) -> Option<&str>;
    /// `mS-DS-ConsistencyGuid`, else `objectGUID` ([`OnPremUser::source_anchor`]).
    fn source_anchor(&self) -> Option<Guid> {
        self.consistency_guid().or(self.object_guid())
    }
}

/// What matching reads of an Entra ID user: its ImmutableId, UPN and primary SMTP address. [`CloudUser`] and
/// the comparison's compact [`crate::lean::LeanCloud`] implement it.
pub trait CloudKeys {
    /// `onPremisesImmutableId`.
    fn immutable_id(&self) -> Option<&str>;
    /// `userPrincipalName`.
    fn upn(&self) -> Option<&str>;
    /// The primary SMTP address ([`CloudUser::primary_smtp`]).
    fn primary_smtp(&self) -> Option<&str>;
}

impl AdKeys for OnPremUser {
    fn object_guid(&self) -> Option<Guid> {
        self.object_guid
    }
    fn consistency_guid(&self) -> Option<Guid> {
        self.consistency_guid
    }
    fn custom_anchor(&self) -> Option<&str> {
        self.custom_anchor.as_deref()
    }
    fn upn(&self) -> Option<&str> {
        self.user_principal_name.as_deref()
    }
    fn primary_smtp(&self) -> Option<&str> {
        OnPremUser::primary_smtp(self)
    }
}

impl CloudKeys for CloudUser {
    fn immutable_id(&self) -> Option<&str> {
        self.on_premises_immutable_id.as_deref()
    }
    fn upn(&self) -> Option<&str> {
        self.user_principal_name.as_deref()
    }
    fn primary_smtp(&self) -> Option<&str> {
        CloudUser::primary_smtp(self)
    }
}

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

/// Which AD value hard matching compares with `onPremisesImmutableId`: the source anchor Entra Connect was
/// installed with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// `mS-DS-ConsistencyGuid`, else `objectGUID` ([`OnPremUser::source_anchor`]): Entra Connect's default.
    #[default]
    ConsistencyGuid,
    /// `objectGUID` alone (the default of Azure AD Connect before version 1.1.524).
    ObjectGuid,
    /// A custom attribute, whose value the reader kept in [`OnPremUser::custom_anchor`] (a string attribute
    /// as it is, a binary one in base64). A user without it has no anchor.
    Custom,
}

impl Anchor {
    /// The `onPremisesImmutableId` sync gives `u` under this anchor (`None` when `u` has no anchor value).
    pub fn immutable_id(self, u: &impl AdKeys) -> Option<String> {
        on_prem_anchor(u, self).map(AnchorKey::to_text)
    }
}

/// Matches AD users with Entra users by Entra Connect's default anchor; see the module documentation for the
/// rules.
pub fn match_users(on_prem: &[OnPremUser], cloud: &[CloudUser]) -> MatchReport {
    match_users_by(on_prem, cloud, Anchor::default())
}

/// Matches AD users with Entra users, comparing `anchor` with `onPremisesImmutableId`; see the module
/// documentation for the rules.
pub fn match_users_by<A: AdKeys + Sync, C: CloudKeys + Sync>(
    on_prem: &[A],
    cloud: &[C],
    anchor: Anchor,
) -> MatchReport {
    // The per-user index vectors hold `u32` when every user fits, which halves them (and the memory traffic
    // of building them); `usize` serves any larger input.
    if on_prem.len().saturating_add(cloud.len()) < u32::MAX as usize {
        match_with::<u32, A, C>(on_prem, cloud, anchor)
    } else {
        match_with::<usize, A, C>(on_prem, cloud, anchor)
    }
}

/// An index into the users: the element type of the per-user vectors.
trait Ix: Copy + Eq + Ord + Hash + Send + Sync {
    /// "No index": the sentinel of the index vectors.
    const NONE: Self;
    /// The index `i`; callers only pass indices below the number of users, which fit.
    fn at(i: usize) -> Self;
    /// The index as a `usize` ([`Ix::NONE`] becomes `usize::MAX`).
    fn get(self) -> usize;
}

impl Ix for u32 {
    const NONE: u32 = u32::MAX;

    fn at(i: usize) -> u32 {
        u32::try_from(i).unwrap_or(u32::MAX)
    }

    fn get(self) -> usize {
        if self == u32::MAX {
            usize::MAX
        } else {
            self as usize
        }
    }
}

impl Ix for usize {
    const NONE: usize = usize::MAX;

    fn at(i: usize) -> usize {
        i
    }

    fn get(self) -> usize {
        self
    }
}

/// The source anchor of an Entra user as compared: its `onPremisesImmutableId` decoded to a GUID, else the
/// trimmed text; `None` when absent or blank.
fn cloud_anchor(u: &impl CloudKeys) -> Option<AnchorKey<'_>> {
    let text = u.immutable_id().map_or("", trim);
    if text.is_empty() {
        return None;
    }
    Some(guid_from_immutable_id_fast(text).map_or(AnchorKey::Text(text), AnchorKey::Guid))
}

/// The source anchor of an AD user as compared, under `anchor`. A custom value is read as an ImmutableId is
/// (a base64 GUID becomes the GUID), so both sides compare alike.
fn on_prem_anchor(u: &impl AdKeys, anchor: Anchor) -> Option<AnchorKey<'_>> {
    match anchor {
        Anchor::ConsistencyGuid => u.source_anchor().map(AnchorKey::Guid),
        Anchor::ObjectGuid => u.object_guid().map(AnchorKey::Guid),
        Anchor::Custom => {
            let text = u.custom_anchor().map_or("", trim);
            if text.is_empty() {
                return None;
            }
            Some(guid_from_immutable_id_fast(text).map_or(AnchorKey::Text(text), AnchorKey::Guid))
        }
    }
}

/// Rule 1's classification: every AD user's source anchor (under `anchor`) and every Entra user's
/// ImmutableId in one classification (cloud user j is item `on_prem.len() + j`).
fn anchor_classes<'a, I: Ix, A: AdKeys, C: CloudKeys>(
    on_prem: &'a [A],
    cloud: &'a [C],
    anchor: Anchor,
    state: &FastState,
) -> Classes<I> {
    let n_on = on_prem.len();
    let on_prem_keys = on_prem
        .iter()
        .enumerate()
        .filter_map(|(i, u)| Some((on_prem_anchor(u, anchor)?, i)));
    let cloud_keys = cloud
        .iter()
        .enumerate()
        .filter_map(|(j, u)| Some((cloud_anchor(u)?, n_on + j)));
    classify::<AnchorKey<'_>, I>(
        n_on + cloud.len(),
        n_on,
        state,
        on_prem_keys.chain(cloud_keys),
        SideCounts::is_ambiguous,
    )
}

/// The classifications of rules 1 and 2b: anchors, then each side's UPN keys with their duplicates.
type AllClasses<'a, I> = (
    Classes<I>,
    (FoldedKeys<'a>, Classes<I>),
    (FoldedKeys<'a>, Classes<I>),
);

/// Computes [`AllClasses`]. The three do not depend on each other: the UPN ones run on threads of their own
/// while this one classifies the anchors; the rules then read them in order.
fn classifications<'a, I: Ix, A: AdKeys + Sync, C: CloudKeys + Sync>(
    on_prem: &'a [A],
    cloud: &'a [C],
    anchor: Anchor,
    state: &FastState,
) -> AllClasses<'a, I> {
    let op_work = || {
        let keys = FoldedKeys::build(on_prem.iter().map(AdKeys::upn));
        let dups = keys.classify::<I>(state);
        (keys, dups)
    };
    let cl_work = || {
        let keys = FoldedKeys::build(cloud.iter().map(CloudKeys::upn));
        let dups = keys.classify::<I>(state);
        (keys, dups)
    };
    std::thread::scope(|s| {
        let op = std::thread::Builder::new().spawn_scoped(s, op_work).ok();
        let cl = std::thread::Builder::new().spawn_scoped(s, cl_work).ok();
        let anchors = anchor_classes::<I, A, C>(on_prem, cloud, anchor, state);
        // A thread that could not be started leaves its work to this one; a panic on one is passed on.
        let op = match op {
            Some(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => op_work(),
        };
        let cl = match cl {
            Some(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => cl_work(),
        };
        (anchors, op, cl)
    })
}

/// Rules 1 and 2a: which anchors pair up one-to-one (each user's partner on the other side, or `I::NONE`),
/// and the groups of duplicate anchors or ImmutableIds.
fn anchor_pairs<I: Ix, A: AdKeys, C: CloudKeys>(
    on_prem: &[A],
    cloud: &[C],
    anchor: Anchor,
    anchors: &Classes<I>,
    groups: &mut Groups<I>,
) -> (Vec<I>, Vec<I>) {
    // Rule 1: anchors and ImmutableIds, and which of them pair up one-to-one. One classification holds both
    // sides (cloud user j is item n_on + j), so each class counts the users of each side with one anchor.
    let n_on = on_prem.len();
    let mut op_partner = vec![I::NONE; n_on];
    let mut cl_partner = vec![I::NONE; cloud.len()];
    {
        for c in &anchors.counts {
            let j = c.last_second.get().wrapping_sub(n_on);
            if c.first == 1
                && c.second == 1
                && let (Some(p), Some(q)) = (
                    op_partner.get_mut(c.last_first.get()),
                    cl_partner.get_mut(j),
                )
            {
                *p = I::at(j);
                *q = c.last_first;
            }
        }

        // Rule 2a: duplicate anchors or ImmutableIds; each key's users form one group, created in the order
        // of their first user (AD users before Entra users).
        let mut anchor_group: FastMap<I, usize> = fast_map(0);
        for &(item, c) in &anchors.repeated {
            let i = item.get();
            let g = match anchor_group.get(&c) {
                Some(&g) => g,
                None => {
                    let on_prem_duplicate = anchors
                        .counts
                        .get(c.get())
                        .is_some_and(|counts| counts.first >= 2);
                    let reason = if on_prem_duplicate {
                        AmbiguityReason::DuplicateAnchorOnPrem
                    } else {
                        AmbiguityReason::DuplicateImmutableIdInCloud
                    };
                    let key = if i < n_on {
                        on_prem_anchor(&on_prem[i], anchor)
                    } else {
                        cloud.get(i - n_on).and_then(cloud_anchor)
                    };
                    let text = key.map(AnchorKey::to_text).unwrap_or_default();
                    let g = groups.create(reason, text);
                    anchor_group.insert(c, g);
                    g
                }
            };
            if i < n_on {
                groups.add_on_prem(g, i);
            } else {
                groups.add_cloud(g, i - n_on);
            }
        }
    }
    (op_partner, cl_partner)
}

/// Rule 2b: duplicate UPNs within one side (each side's UPN keys with their classification).
fn upn_duplicates<'a, I: Ix>(
    groups: &mut Groups<I>,
    (op_upn, op_dups): (&'a FoldedKeys<'a>, Classes<I>),
    (cl_upn, cl_dups): (&'a FoldedKeys<'a>, Classes<I>),
    op_partner: &[I],
    cl_partner: &[I],
) {
    // Rule 2b: duplicate UPNs within one side. The duplicates join a group with their hard-match partners
    // and with the unpaired users of the other side that carry the same UPN (looked up only when there are
    // duplicates, through a map of the duplicated UPNs alone). AD's duplicates are grouped first.
    side_upn_duplicates(
        groups,
        Side::OnPrem,
        (op_upn, op_dups),
        op_partner,
        (cl_upn, cl_partner),
    );
    side_upn_duplicates(
        groups,
        Side::Cloud,
        (cl_upn, cl_dups),
        cl_partner,
        (op_upn, op_partner),
    );
}

/// Rule 2b for the users of `side`: each duplicated UPN (`upn` keys, `dups` classes) makes a group of its
/// users not grouped yet, joined by their hard-match partners (`partner`) and by the unpaired users of the
/// other side (`other_upn` keys, `other_partner`) with the same UPN.
fn side_upn_duplicates<'a, I: Ix>(
    groups: &mut Groups<I>,
    side: Side,
    (upn, dups): (&'a FoldedKeys<'a>, Classes<I>),
    partner: &[I],
    (other_upn, other_partner): (&'a FoldedKeys<'a>, &[I]),
) {
    let (reason, other) = match side {
        Side::OnPrem => (AmbiguityReason::DuplicateUpnOnPrem, Side::Cloud),
        Side::Cloud => (AmbiguityReason::DuplicateUpnInCloud, Side::OnPrem),
    };
    let mut duplicated: FastMap<&str, usize> = fast_map(0);
    {
        let mut upn_group: FastMap<I, usize> = fast_map(0);
        for &(item, c) in &dups.repeated {
            let i = item.get();
            if groups.of(side)[i] != I::NONE {
                continue;
            }
            let g = match upn_group.get(&c) {
                Some(&g) => g,
                None => {
                    let key = upn.get(i).unwrap_or_default();
                    let g = groups.create(reason, key.to_owned());
                    upn_group.insert(c, g);
                    duplicated.insert(key, g);
                    g
                }
            };
            groups.add(side, g, i);
            let p = partner[i];
            if p != I::NONE && groups.of(other)[p.get()] == I::NONE {
                groups.add(other, g, p.get());
            }
        }
    }
    if !duplicated.is_empty() {
        for (j, &p) in other_partner.iter().enumerate() {
            if p == I::NONE
                && groups.of(other)[j] == I::NONE
                && let Some(&g) = other_upn.get(j).and_then(|k| duplicated.get(k))
            {
                groups.add(other, g, j);
            }
        }
    }
}

fn match_with<I: Ix, A: AdKeys + Sync, C: CloudKeys + Sync>(
    on_prem: &[A],
    cloud: &[C],
    anchor: Anchor,
) -> MatchReport {
    let (n_on, n_cl) = (on_prem.len(), cloud.len());
    let mut groups = Groups::<I>::new(n_on, n_cl);
    let state = FastState::new();

    let (anchors, (op_upn, op_dups), (cl_upn, cl_dups)) =
        classifications::<I, A, C>(on_prem, cloud, anchor, &state);

    let (op_partner, cl_partner) =
        anchor_pairs::<I, A, C>(on_prem, cloud, anchor, &anchors, &mut groups);
    drop(anchors);

    upn_duplicates::<I>(
        &mut groups,
        (&op_upn, op_dups),
        (&cl_upn, cl_dups),
        &op_partner,
        &cl_partner,
    );

    // Rule 1 again: the pairs whose users are in no group are the matches.
    let mut matched = Vec::with_capacity(n_on.min(n_cl));
    let mut cl_matched = vec![false; n_cl];
    let mut op_matched = vec![false; n_on];
    for (i, &j) in op_partner.iter().enumerate() {
        if j != I::NONE && groups.on_prem_of[i] == I::NONE && groups.cloud_of[j.get()] == I::NONE {
            matched.push(MatchedPair {
                on_prem: i,
                cloud: j.get(),
            });
            op_matched[i] = true;
            cl_matched[j.get()] = true;
        }
    }
    drop(op_partner);
    drop(cl_partner);
    matched.shrink_to_fit();
    let unmatched_on_prem: Vec<usize> = (0..n_on)
        .filter(|&i| !op_matched[i] && groups.on_prem_of[i] == I::NONE)
        .collect();
    let unmatched_cloud: Vec<usize> = (0..n_cl)
        .filter(|&j| !cl_matched[j] && groups.cloud_of[j] == I::NONE)
        .collect();
    drop(op_matched);
    drop(cl_matched);

    // Rule 3: soft-match candidates among the unmatched.
    let soft_match_candidates = soft_match::<I, A, C>(
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
fn soft_match<I: Ix, A: AdKeys, C: CloudKeys>(
    on_prem: &[A],
    cloud: &[C],
    unmatched_on_prem: &[usize],
    unmatched_cloud: &[usize],
    op_upn: &FoldedKeys<'_>,
    cl_upn: &FoldedKeys<'_>,
) -> Vec<SoftMatchCandidate> {
    if unmatched_on_prem.is_empty() || unmatched_cloud.is_empty() {
        return Vec::new();
    }
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
    drop(cl_unmatched);
    let upn_chains = Chains::<I>::build(unmatched_cloud, cl_upn);
    let smtp_chains = Chains::<I>::build(unmatched_cloud, &cl_smtp);

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
            push_folded(&mut smtp_key, trim(smtp));
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
    cloud: &[impl CloudKeys],
    on_prem: usize,
    j: usize,
    basis: SoftMatchBasis,
) -> SoftMatchCandidate {
    let cloud_has_other_anchor = cloud[j].immutable_id().is_some_and(|s| !trim(s).is_empty());
    SoftMatchCandidate {
        on_prem,
        cloud: j,
        basis,
        cloud_has_other_anchor,
    }
}

/// `str::trim`, with a fast path for the usual text that starts and ends with a visible ASCII character
/// (every Unicode white space starts with a byte at or below a space, or a non-ASCII byte).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if (0x21..0x80).contains(&a) && (0x21..0x80).contains(&b) => s,
        _ => s.trim(),
    }
}

/// One of the two directories.
#[derive(Clone, Copy)]
enum Side {
    OnPrem,
    Cloud,
}

/// The ambiguous groups under construction, and which group (if any) each user belongs to.
struct Groups<I> {
    groups: Vec<AmbiguousGroup>,
    on_prem_of: Vec<I>,
    cloud_of: Vec<I>,
}

impl<I: Ix> Groups<I> {
    fn new(n_on: usize, n_cl: usize) -> Groups<I> {
        Groups {
            groups: Vec::new(),
            on_prem_of: vec![I::NONE; n_on],
            cloud_of: vec![I::NONE; n_cl],
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
        self.on_prem_of[i] = I::at(g);
        self.groups[g].on_prem.push(i);
    }

    fn add_cloud(&mut self, g: usize, j: usize) {
        self.cloud_of[j] = I::at(g);
        self.groups[g].cloud.push(j);
    }

    /// The group of each user of `side`.
    fn of(&self, side: Side) -> &[I] {
        match side {
            Side::OnPrem => &self.on_prem_of,
            Side::Cloud => &self.cloud_of,
        }
    }

    fn add(&mut self, side: Side, g: usize, i: usize) {
        match side {
            Side::OnPrem => self.add_on_prem(g, i),
            Side::Cloud => self.add_cloud(g, i),
        }
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
struct SideCounts<I> {
    first: u32,
    second: u32,
    last_first: I,
    last_second: I,
}

impl<I: Ix> SideCounts<I> {
    const EMPTY: SideCounts<I> = SideCounts {
        first: 0,
        second: 0,
        last_first: I::NONE,
        last_second: I::NONE,
    };

    fn is_ambiguous(&self) -> bool {
        self.first >= 2 || self.second >= 2
    }

    fn is_repeated_first(&self) -> bool {
        self.first >= 2
    }
}

/// Items sorted into classes of equal keys.
struct Classes<I> {
    /// Per class: its size on each side.
    counts: Vec<SideCounts<I>>,
    /// The items of the classes the caller asked about (duplicates), with their class, in ascending item
    /// order.
    repeated: Vec<(I, I)>,
}

/// Sorts keyed items into classes of equal keys, in linear time.
///
/// `keys` yields `(key, item index)` pairs, indices below `max_items`. Items below `split` are counted as the
/// first side, the others as the second. The items of the classes `repeated` accepts are listed with their
/// class.
///
/// A single hash map over a million keys spends its time waiting for memory, so the items are first
/// partitioned by the top bits of their hash (the radix partitioning of cache-conscious hash joins) and each
/// partition, about a thousand items, is classified with a map that stays in the CPU cache. The users are
/// read once, straight into the partitions. Every item of a key lands in the same partition, so a class is
/// complete when its partition is done: no per-item class vector is needed. Class numbers depend on the
/// hash seed; callers only use them as identities.
fn classify<K: Hash + Eq + Copy, I: Ix>(
    max_items: usize,
    split: usize,
    state: &FastState,
    keys: impl Iterator<Item = (K, usize)>,
    repeated: impl Fn(&SideCounts<I>) -> bool,
) -> Classes<I> {
    let bits = partition_bits(max_items);
    // Hash values spread the items evenly: a partition rarely outgrows its expected size by a fifth.
    let expected = (max_items >> bits) + (max_items >> bits) / 5 + 16;
    let mut parts: Vec<Vec<(u64, K, I)>> = (0..1usize << bits)
        .map(|_| Vec::with_capacity(expected))
        .collect();
    let mut total = 0usize;
    for (k, index) in keys {
        let h = state.hash_one(k);
        if let Some(part) = parts.get_mut(partition_of(h, bits)) {
            part.push((h, k, I::at(index)));
            total += 1;
        }
    }
    let largest = parts.iter().map(Vec::len).max().unwrap_or(0);
    let mut counts: Vec<SideCounts<I>> = Vec::with_capacity(total);
    let mut map: std::collections::HashMap<Prehashed<K>, I, PassThrough> =
        std::collections::HashMap::with_capacity_and_hasher(largest, PassThrough);
    let mut part_class: Vec<I> = Vec::with_capacity(largest);
    let mut out = Vec::new();
    for part in &parts {
        map.clear();
        part_class.clear();
        for &(h, k, index) in part {
            let c = *map.entry(Prehashed { h, k }).or_insert_with(|| {
                counts.push(SideCounts::EMPTY);
                I::at(counts.len() - 1)
            });
            part_class.push(c);
            if let Some(counts) = counts.get_mut(c.get()) {
                if index.get() < split {
                    counts.first = counts.first.saturating_add(1);
                    counts.last_first = index;
                } else {
                    counts.second = counts.second.saturating_add(1);
                    counts.last_second = index;
                }
            }
        }
        for (&(_, _, index), &c) in part.iter().zip(&part_class) {
            if counts.get(c.get()).is_some_and(&repeated) {
                out.push((index, c));
            }
        }
    }
    drop(parts);
    counts.shrink_to_fit();
    out.sort_unstable();
    Classes {
        counts,
        repeated: out,
    }
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
struct Chains<'k, I> {
    head: FastMap<&'k str, usize>,
    next: Vec<I>,
}

impl<'k, I: Ix> Chains<'k, I> {
    fn build(users: &[usize], keys: &'k FoldedKeys<'_>) -> Chains<'k, I> {
        let mut head: FastMap<&'k str, usize> = fast_map(users.len());
        let mut next = vec![I::NONE; keys.len()];
        // Pushing in descending order leaves each list ascending.
        for &j in users.iter().rev() {
            if let Some(key) = keys.get(j) {
                let old = head.insert(key, j).map_or(I::NONE, I::at);
                next[j] = old;
            }
        }
        Chains { head, next }
    }

    fn iter<'s>(&'s self, key: &str) -> impl Iterator<Item = usize> + 's {
        let mut cur = self.head.get(key).copied().unwrap_or(usize::MAX);
        std::iter::from_fn(move || {
            let j = cur;
            cur = self.next.get(j)?.get();
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
            let t = text.map_or("", trim);
            let span = if t.is_empty() {
                Span::Absent
            } else if !t.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
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

    /// The users whose key at least one other user shares, with their class (all on the first side).
    fn classify<I: Ix>(&self, state: &FastState) -> Classes<I> {
        classify::<&str, I>(
            self.len(),
            self.len(),
            state,
            (0..self.len()).filter_map(|i| Some((self.get(i)?, i))),
            SideCounts::is_repeated_first,
        )
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
