//! Tests of user matching: hard match, ambiguity, soft-match candidates, and the bucket property over
//! generated inputs.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::anchor::immutable_id_from_guid;

fn pair(on_prem: usize, cloud: usize) -> MatchedPair {
    MatchedPair { on_prem, cloud }
}

fn g(n: u8) -> Guid {
    let mut b = [0x11u8; 16];
    b[15] = n;
    b[0] = n.wrapping_mul(7);
    Guid::from_bytes(b)
}

fn ad(dn: &str, anchor: Option<Guid>, upn: Option<&str>) -> OnPremUser {
    OnPremUser {
        distinguished_name: dn.to_owned(),
        object_guid: anchor,
        user_principal_name: upn.map(str::to_owned),
        ..OnPremUser::default()
    }
}

fn entra(id: &str, immutable_id: Option<&str>, upn: Option<&str>) -> CloudUser {
    CloudUser {
        id: id.to_owned(),
        on_premises_immutable_id: immutable_id.map(str::to_owned),
        user_principal_name: upn.map(str::to_owned),
        on_premises_sync_enabled: Some(true),
        ..CloudUser::default()
    }
}

fn iid(n: u8) -> String {
    immutable_id_from_guid(&g(n))
}

#[test]
fn empty_inputs() {
    let r = match_users(&[], &[]);
    assert_eq!(r, MatchReport::default());
}

#[test]
fn hard_match_on_object_guid() {
    let on_prem = [
        ad("CN=a", Some(g(1)), Some("a@x")),
        ad("CN=b", Some(g(2)), Some("b@x")),
    ];
    let cloud = [
        entra("c2", Some(&iid(2)), Some("b@x")),
        entra("c1", Some(&iid(1)), Some("a@x")),
    ];
    let r = match_users(&on_prem, &cloud);
    assert_eq!(r.matched, vec![pair(0, 1), pair(1, 0)]);
    assert!(
        r.unmatched_on_prem.is_empty() && r.unmatched_cloud.is_empty() && r.ambiguous.is_empty()
    );
    assert!(r.soft_match_candidates.is_empty());
    assert_eq!(
        r.counts,
        MatchCounts {
            on_prem_total: 2,
            cloud_total: 2,
            matched: 2,
            ..MatchCounts::default()
        }
    );
}

#[test]
fn consistency_guid_is_the_anchor_when_set() {
    let mut u = ad("CN=a", Some(g(1)), None);
    u.consistency_guid = Some(g(9));
    let cloud = [
        entra("by-object-guid", Some(&iid(1)), None),
        entra("by-consistency", Some(&iid(9)), None),
    ];
    let r = match_users(&[u], &cloud);
    assert_eq!(r.matched, vec![pair(0, 1)]);
    assert_eq!(r.unmatched_cloud, vec![0]);
}

#[test]
fn published_vector_matches_by_decoded_guid_whatever_the_text_form() {
    // hybrid-identity.md §4.5: ImmutableId QF5HMK7n80qvdYsUPIHa9Q== is GUID 30475e40-e7ae-4af3-af75-8b143c81daf5.
    let anchor: Guid = "30475e40-e7ae-4af3-af75-8b143c81daf5".parse().unwrap();
    for text in [
        "QF5HMK7n80qvdYsUPIHa9Q==",
        "QF5HMK7n80qvdYsUPIHa9Q",
        " QF5HMK7n80qvdYsUPIHa9Q== ",
    ] {
        let r = match_users(
            &[ad("CN=a", Some(anchor), None)],
            &[entra("c", Some(text), None)],
        );
        assert_eq!(r.matched, vec![pair(0, 0)], "{text:?}");
    }
}

#[test]
fn padding_variants_of_one_immutable_id_are_duplicates() {
    let cloud = [
        entra("c1", Some("QF5HMK7n80qvdYsUPIHa9Q=="), None),
        entra("c2", Some("QF5HMK7n80qvdYsUPIHa9Q"), None),
    ];
    let r = match_users(&[], &cloud);
    assert_eq!(
        r.ambiguous,
        vec![AmbiguousGroup {
            reason: AmbiguityReason::DuplicateImmutableIdInCloud,
            key: "QF5HMK7n80qvdYsUPIHa9Q==".to_owned(),
            on_prem: vec![],
            cloud: vec![0, 1],
        }]
    );
}

#[test]
fn non_guid_immutable_ids_match_only_as_text() {
    // A 12-byte value (a custom sourceAnchor) and junk: never equal to an AD GUID anchor.
    let on_prem = [ad("CN=a", Some(g(1)), None)];
    let cloud = [
        entra("c1", Some("AAAAAAAAAAAAAAAA"), None),
        entra("c2", Some("not base64!"), None),
        entra("c3", Some("not base64!"), None),
        entra("c4", Some(""), None),
    ];
    let r = match_users(&on_prem, &cloud);
    assert!(r.matched.is_empty());
    assert_eq!(r.unmatched_on_prem, vec![0]);
    assert_eq!(r.unmatched_cloud, vec![0, 3]);
    assert_eq!(
        r.ambiguous,
        vec![AmbiguousGroup {
            reason: AmbiguityReason::DuplicateImmutableIdInCloud,
            key: "not base64!".to_owned(),
            on_prem: vec![],
            cloud: vec![1, 2],
        }]
    );
}

#[test]
fn users_without_anchor_are_unmatched() {
    let r = match_users(&[ad("CN=a", None, None)], &[entra("c", None, None)]);
    assert_eq!(r.unmatched_on_prem, vec![0]);
    assert_eq!(r.unmatched_cloud, vec![0]);
}

#[test]
fn duplicate_anchor_on_prem_is_ambiguous_with_its_cloud_user() {
    let on_prem = [
        ad("CN=a", Some(g(1)), Some("a@x")),
        ad("CN=b", Some(g(2)), None),
        ad("CN=a2", Some(g(1)), None),
    ];
    let cloud = [
        entra("c1", Some(&iid(1)), None),
        entra("c2", Some(&iid(2)), None),
    ];
    let r = match_users(&on_prem, &cloud);
    assert_eq!(r.matched, vec![pair(1, 1)]);
    assert_eq!(
        r.ambiguous,
        vec![AmbiguousGroup {
            reason: AmbiguityReason::DuplicateAnchorOnPrem,
            key: iid(1),
            on_prem: vec![0, 2],
            cloud: vec![0],
        }]
    );
    assert_eq!(
        (r.counts.ambiguous_on_prem, r.counts.ambiguous_cloud),
        (2, 1)
    );
}

#[test]
fn duplicate_anchor_on_both_sides_is_one_group() {
    let on_prem = [ad("CN=a", Some(g(1)), None), ad("CN=b", Some(g(1)), None)];
    let cloud = [
        entra("c1", Some(&iid(1)), None),
        entra("c2", Some(&iid(1)), None),
    ];
    let r = match_users(&on_prem, &cloud);
    assert_eq!(r.ambiguous.len(), 1);
    assert_eq!(
        r.ambiguous[0].reason,
        AmbiguityReason::DuplicateAnchorOnPrem
    );
    assert_eq!(
        (r.ambiguous[0].on_prem.clone(), r.ambiguous[0].cloud.clone()),
        (vec![0, 1], vec![0, 1])
    );
}

#[test]
fn duplicate_immutable_id_in_cloud_is_ambiguous_with_its_ad_user() {
    let on_prem = [ad("CN=a", Some(g(1)), None)];
    let cloud = [
        entra("c1", Some(&iid(1)), None),
        entra("c2", None, None),
        entra("c3", Some(&iid(1)), None),
    ];
    let r = match_users(&on_prem, &cloud);
    assert!(r.matched.is_empty());
    assert_eq!(
        r.ambiguous,
        vec![AmbiguousGroup {
            reason: AmbiguityReason::DuplicateImmutableIdInCloud,
            key: iid(1),
            on_prem: vec![0],
            cloud: vec![0, 2],
        }]
    );
    assert_eq!(r.unmatched_cloud, vec![1]);
}

#[test]
fn duplicate_upn_on_prem_is_case_insensitive_and_takes_partners_along() {
    let on_prem = [
        ad("CN=a", Some(g(1)), Some("Dup@X.com")),
        ad("CN=b", Some(g(2)), Some("dup@x.COM")),
        ad("CN=c", Some(g(3)), Some("c@x.com")),
        ad("CN=d", None, Some(" DUP@x.com ")),
    ];
    let cloud = [
        entra("c1", Some(&iid(1)), Some("dup@x.com")),
        entra("c3", Some(&iid(3)), Some("c@x.com")),
        entra("unpaired", None, Some("DUP@X.COM")),
        entra("paired-elsewhere", Some(&iid(4)), Some("dup@x.com")),
    ];
    let mut on_prem = on_prem.to_vec();
    on_prem.push(ad("CN=e", Some(g(4)), Some("e@x.com")));
    let r = match_users(&on_prem, &cloud);
    // The AD duplicates take along their partner c1 and the unpaired cloud user with their UPN. The cloud user
    // hard-matched to e also has that UPN, making it a cloud duplicate as well: a second group, with e.
    assert_eq!(
        r.ambiguous,
        vec![
            AmbiguousGroup {
                reason: AmbiguityReason::DuplicateUpnOnPrem,
                key: "dup@x.com".to_owned(),
                on_prem: vec![0, 1, 3],
                cloud: vec![0, 2],
            },
            AmbiguousGroup {
                reason: AmbiguityReason::DuplicateUpnInCloud,
                key: "dup@x.com".to_owned(),
                on_prem: vec![4],
                cloud: vec![3],
            },
        ]
    );
    assert_eq!(r.matched, vec![pair(2, 1)]);
    assert!(r.unmatched_on_prem.is_empty() && r.unmatched_cloud.is_empty());
}

#[test]
fn duplicate_upn_in_cloud_takes_partners_and_unpaired_ad_users_along() {
    let on_prem = [
        ad("CN=a", Some(g(1)), Some("a@x")),
        ad("CN=b", None, Some("DUP@x")),
        ad("CN=z", Some(g(9)), None),
    ];
    let cloud = [
        entra("c1", Some(&iid(1)), Some("dup@x")),
        entra("c2", None, Some("Dup@X")),
        entra("c9", Some(&iid(9)), Some("z@x")),
    ];
    let r = match_users(&on_prem, &cloud);
    assert_eq!(
        r.ambiguous,
        vec![AmbiguousGroup {
            reason: AmbiguityReason::DuplicateUpnInCloud,
            key: "dup@x".to_owned(),
            on_prem: vec![0, 1],
            cloud: vec![0, 1],
        }]
    );
    assert_eq!(r.matched, vec![pair(2, 2)]);
}

#[test]
fn upn_case_folding_covers_non_ascii() {
    let on_prem = [
        ad("CN=a", None, Some("ÄRGER@x.de")),
        ad("CN=b", None, Some("ärger@X.DE")),
    ];
    let r = match_users(&on_prem, &[]);
    assert_eq!(r.ambiguous.len(), 1);
    assert_eq!(r.ambiguous[0].key, "ärger@x.de");
}

#[test]
fn soft_match_candidates_by_upn_and_smtp_stay_unmatched() {
    let mut a = ad("CN=a", Some(g(1)), Some("Alice@X.com"));
    a.proxy_addresses = vec!["smtp:old@x.com".to_owned(), "SMTP:alice@x.com".to_owned()];
    let mut b = ad("CN=b", Some(g(2)), Some("bob@corp.local"));
    b.mail = Some("Bob@X.com".to_owned());
    let c = ad("CN=c", Some(g(3)), Some("carol@x.com"));
    let on_prem = [a, b, c];

    let mut alice = entra("alice", None, Some("alice@x.com"));
    alice.proxy_addresses = vec!["SMTP:Alice@x.com".to_owned()];
    let mut bob = entra("bob", Some(&iid(7)), Some("bob@x.onmicrosoft.com"));
    bob.mail = Some("bob@x.com".to_owned());
    let mut carol = entra("carol", Some(&iid(3)), Some("carol@x.com"));
    carol.mail = Some("alice@x.com".to_owned());
    let cloud = [alice, bob, carol];

    let r = match_users(&on_prem, &cloud);
    assert_eq!(
        r.matched,
        vec![pair(2, 2)],
        "carol is hard-matched, never a candidate"
    );
    assert_eq!(r.unmatched_on_prem, vec![0, 1]);
    assert_eq!(r.unmatched_cloud, vec![0, 1]);
    assert_eq!(
        r.soft_match_candidates,
        vec![
            SoftMatchCandidate {
                on_prem: 0,
                cloud: 0,
                basis: SoftMatchBasis::Upn,
                cloud_has_other_anchor: false
            },
            SoftMatchCandidate {
                on_prem: 1,
                cloud: 1,
                basis: SoftMatchBasis::PrimarySmtp,
                cloud_has_other_anchor: true
            },
        ]
    );
    assert_eq!(r.counts.soft_match_candidates, 2);
    assert_eq!(
        r.counts.matched + r.counts.unmatched_on_prem + r.counts.ambiguous_on_prem,
        3
    );
}

#[test]
fn soft_match_candidates_list_every_cloud_user_sharing_an_address() {
    let mut a = ad("CN=a", None, Some("a@x"));
    a.mail = Some("shared@x".to_owned());
    let mut c1 = entra("c1", None, Some("c1@x"));
    c1.mail = Some("SHARED@x".to_owned());
    let mut c2 = entra("c2", None, Some("a@x"));
    c2.mail = Some("shared@x".to_owned());
    let mut c3 = entra("c3", None, Some("c3@x"));
    c3.mail = Some("shared@x".to_owned());
    let r = match_users(&[a], &[c1, c2, c3]);
    let got: Vec<(usize, SoftMatchBasis)> = r
        .soft_match_candidates
        .iter()
        .map(|c| (c.cloud, c.basis))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, SoftMatchBasis::PrimarySmtp),
            (1, SoftMatchBasis::Upn),
            (2, SoftMatchBasis::PrimarySmtp)
        ]
    );
}

#[test]
fn ambiguous_users_are_not_soft_match_candidates() {
    let on_prem = [
        ad("CN=a", None, Some("dup@x")),
        ad("CN=b", None, Some("dup@x")),
    ];
    let cloud = [entra("c", None, Some("dup@x"))];
    let r = match_users(&on_prem, &cloud);
    assert!(r.soft_match_candidates.is_empty());
    assert_eq!(r.ambiguous[0].cloud, vec![0]);
}

#[test]
fn report_serializes_in_pascal_case() {
    let on_prem = [
        ad("CN=a", Some(g(1)), Some("a@x")),
        ad("CN=b", None, Some("b@x")),
    ];
    let cloud = [
        entra("c1", Some(&iid(1)), None),
        entra("c2", None, Some("B@x")),
    ];
    let v = serde_json::to_value(match_users(&on_prem, &cloud)).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "Matched": [{"OnPrem": 0, "Cloud": 0}],
            "UnmatchedOnPrem": [1],
            "UnmatchedCloud": [1],
            "Ambiguous": [],
            "SoftMatchCandidates": [{"OnPrem": 1, "Cloud": 1, "Basis": "Upn", "CloudHasOtherAnchor": false}],
            "Counts": {
                "OnPremTotal": 2, "CloudTotal": 2, "Matched": 1, "UnmatchedOnPrem": 1, "UnmatchedCloud": 1,
                "AmbiguousOnPrem": 0, "AmbiguousCloud": 0, "SoftMatchCandidates": 1
            }
        })
    );
    let back: MatchReport = serde_json::from_value(v).unwrap();
    assert_eq!(back, match_users(&on_prem, &cloud));
}

/// A small deterministic generator (xorshift64*), so generated cases are reproducible from their seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// `<prefix><n>@x.com` for a random `n` below `pool`, with random letters upper-cased.
fn random_address(rng: &mut Rng, prefix: &str, pool: u64) -> String {
    let text = format!("{prefix}{}@x.com", rng.below(pool));
    text.chars()
        .map(|c| {
            if rng.chance(50) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

fn generate(rng: &mut Rng) -> (Vec<OnPremUser>, Vec<CloudUser>) {
    let pool = 1 + rng.below(30) as u8;
    let n_on = rng.below(40) as usize;
    let n_cl = rng.below(40) as usize;
    let mut on_prem = Vec::new();
    for i in 0..n_on {
        let mut u = ad(&format!("CN=u{i}"), None, None);
        if rng.chance(85) {
            u.object_guid = Some(g(rng.below(u64::from(pool)) as u8));
        }
        if rng.chance(20) {
            u.consistency_guid = Some(g(rng.below(u64::from(pool)) as u8));
        }
        if rng.chance(80) {
            u.user_principal_name = Some(random_address(rng, "user", 25));
        }
        if rng.chance(50) {
            u.proxy_addresses = vec![format!("SMTP:{}", random_address(rng, "m", 20))];
        } else if rng.chance(30) {
            u.mail = Some(format!("m{}@x.com", rng.below(20)));
        }
        on_prem.push(u);
    }
    let mut cloud = Vec::new();
    for j in 0..n_cl {
        let mut u = entra(&format!("c{j}"), None, None);
        u.on_premises_immutable_id = match rng.below(11) {
            0 => None,
            1 => Some(format!("text{}", rng.below(4))),
            10 => Some(format!(" {}", &iid(rng.below(u64::from(pool)) as u8)[..23])),
            2 => Some(
                iid(rng.below(u64::from(pool)) as u8)
                    .trim_end_matches('=')
                    .to_owned(),
            ),
            _ => Some(iid(rng.below(u64::from(pool)) as u8)),
        };
        if rng.chance(80) {
            u.user_principal_name = Some(random_address(rng, "user", 25));
        }
        if rng.chance(50) {
            u.mail = Some(random_address(rng, "m", 20));
        }
        cloud.push(u);
    }
    (on_prem, cloud)
}

/// The anchor as compared, recomputed independently of the implementation's index.
fn ad_key(u: &OnPremUser) -> Option<String> {
    u.source_anchor().map(|g| immutable_id_from_guid(&g))
}

fn cloud_key(u: &CloudUser) -> Option<String> {
    let t = u.on_premises_immutable_id.as_deref()?.trim();
    if t.is_empty() {
        return None;
    }
    Some(
        crate::anchor::guid_from_immutable_id(t)
            .map_or_else(|_| t.to_owned(), |g| immutable_id_from_guid(&g)),
    )
}

fn lower(s: Option<&str>) -> Option<String> {
    s.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty())
}

fn counts_of<T: Clone + Eq + std::hash::Hash>(
    keys: impl Iterator<Item = Option<T>>,
) -> HashMap<T, usize> {
    let mut m = HashMap::new();
    for k in keys.flatten() {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

#[test]
fn property_every_user_lands_in_exactly_one_bucket() {
    for seed in 1..=400u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let (on_prem, cloud) = generate(&mut rng);
        let r = match_users(&on_prem, &cloud);
        let ctx = format!("seed {seed}");

        // Partition.
        let mut op_seen = vec![0usize; on_prem.len()];
        let mut cl_seen = vec![0usize; cloud.len()];
        for p in &r.matched {
            op_seen[p.on_prem] += 1;
            cl_seen[p.cloud] += 1;
        }
        r.unmatched_on_prem.iter().for_each(|&i| op_seen[i] += 1);
        r.unmatched_cloud.iter().for_each(|&j| cl_seen[j] += 1);
        for grp in &r.ambiguous {
            grp.on_prem.iter().for_each(|&i| op_seen[i] += 1);
            grp.cloud.iter().for_each(|&j| cl_seen[j] += 1);
            assert!(
                grp.on_prem.windows(2).all(|w| w[0] < w[1]),
                "{ctx}: sorted group"
            );
            assert!(
                grp.cloud.windows(2).all(|w| w[0] < w[1]),
                "{ctx}: sorted group"
            );
            assert!(
                !grp.on_prem.is_empty() || !grp.cloud.is_empty(),
                "{ctx}: empty group"
            );
        }
        assert!(
            op_seen.iter().all(|&n| n == 1),
            "{ctx}: AD buckets {op_seen:?}"
        );
        assert!(
            cl_seen.iter().all(|&n| n == 1),
            "{ctx}: cloud buckets {cl_seen:?}"
        );

        // Counts add up.
        let c = r.counts;
        assert_eq!(
            c.matched + c.unmatched_on_prem + c.ambiguous_on_prem,
            on_prem.len(),
            "{ctx}"
        );
        assert_eq!(
            c.matched + c.unmatched_cloud + c.ambiguous_cloud,
            cloud.len(),
            "{ctx}"
        );
        assert_eq!(c.matched, r.matched.len(), "{ctx}");
        assert_eq!(
            c.soft_match_candidates,
            r.soft_match_candidates.len(),
            "{ctx}"
        );

        // Matches are unique anchor equalities; duplicated keys are always ambiguous.
        let op_anchor = counts_of(on_prem.iter().map(ad_key));
        let cl_anchor = counts_of(cloud.iter().map(cloud_key));
        let op_upn = counts_of(
            on_prem
                .iter()
                .map(|u| lower(u.user_principal_name.as_deref())),
        );
        let cl_upn = counts_of(
            cloud
                .iter()
                .map(|u| lower(u.user_principal_name.as_deref())),
        );
        for p in &r.matched {
            let key = ad_key(&on_prem[p.on_prem]).unwrap();
            assert_eq!(Some(&key), cloud_key(&cloud[p.cloud]).as_ref(), "{ctx}");
            assert_eq!((op_anchor[&key], cl_anchor[&key]), (1, 1), "{ctx}");
        }
        let ambiguous_op: HashSet<usize> =
            r.ambiguous.iter().flat_map(|g| g.on_prem.clone()).collect();
        let ambiguous_cl: HashSet<usize> =
            r.ambiguous.iter().flat_map(|g| g.cloud.clone()).collect();
        // A user whose anchor is on more than one user (either side) or whose UPN is on more than one user
        // of its side is ambiguous.
        let sides = [
            (
                "AD",
                on_prem
                    .iter()
                    .map(|u| (ad_key(u), lower(u.user_principal_name.as_deref())))
                    .collect::<Vec<_>>(),
                (&op_anchor, &cl_anchor, &op_upn, &ambiguous_op),
            ),
            (
                "cloud",
                cloud
                    .iter()
                    .map(|u| (cloud_key(u), lower(u.user_principal_name.as_deref())))
                    .collect(),
                (&cl_anchor, &op_anchor, &cl_upn, &ambiguous_cl),
            ),
        ];
        for (side, keys, (anchors, other_anchors, upns, ambiguous)) in sides {
            for (i, (anchor, upn)) in keys.into_iter().enumerate() {
                let dup_anchor = anchor.is_some_and(|k| {
                    anchors[&k] > 1 || other_anchors.get(&k).is_some_and(|&n| n > 1)
                });
                let dup_upn = upn.is_some_and(|k| upns[&k] > 1);
                if dup_anchor || dup_upn {
                    assert!(
                        ambiguous.contains(&i),
                        "{ctx}: {side} {i} should be ambiguous"
                    );
                }
            }
        }

        // No unmatched pair shares an anchor; soft-match candidates are exactly the unmatched pairs sharing
        // a UPN or primary SMTP, each once.
        let mut expected = Vec::new();
        for &i in &r.unmatched_on_prem {
            for &j in &r.unmatched_cloud {
                let (a, b) = (&on_prem[i], &cloud[j]);
                if let Some(k) = ad_key(a) {
                    assert_ne!(
                        Some(k),
                        cloud_key(b),
                        "{ctx}: unmatched pair {i},{j} shares an anchor"
                    );
                }
                let upn = lower(a.user_principal_name.as_deref());
                let basis = if upn.is_some() && upn == lower(b.user_principal_name.as_deref()) {
                    Some(SoftMatchBasis::Upn)
                } else {
                    let smtp = lower(a.primary_smtp());
                    (smtp.is_some() && smtp == lower(b.primary_smtp()))
                        .then_some(SoftMatchBasis::PrimarySmtp)
                };
                if let Some(basis) = basis {
                    expected.push(SoftMatchCandidate {
                        on_prem: i,
                        cloud: j,
                        basis,
                        cloud_has_other_anchor: b
                            .on_premises_immutable_id
                            .as_deref()
                            .is_some_and(|s| !s.trim().is_empty()),
                    });
                }
            }
        }
        assert_eq!(r.soft_match_candidates, expected, "{ctx}");

        // Deterministic.
        assert_eq!(match_users(&on_prem, &cloud), r, "{ctx}");
    }
}

#[test]
fn wide_indices_give_the_same_report() {
    // Inputs beyond `u32` indices cannot be built in a test; the `usize` instantiation must agree with the
    // `u32` one that every realistic input takes.
    for seed in 1..=200u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let (on_prem, cloud) = generate(&mut rng);
        let narrow = match_with::<u32, _, _>(&on_prem, &cloud, Anchor::default());
        assert_eq!(
            match_with::<usize, _, _>(&on_prem, &cloud, Anchor::default()),
            narrow,
            "seed {seed}"
        );
        assert_eq!(match_users(&on_prem, &cloud), narrow, "seed {seed}");
    }
}

#[test]
fn a_custom_anchor_matches_the_attribute_value_and_nothing_else() {
    let mut a = ad("CN=a", Some(g(1)), Some("a@x"));
    a.custom_anchor = Some("E1001".to_owned());
    // A binary custom attribute arrives in base64, as Entra Connect writes it; a GUID-sized one is compared
    // as a GUID, like an ImmutableId.
    let mut b = ad("CN=b", Some(g(2)), Some("b@x"));
    b.custom_anchor = Some(iid(9));
    // No value of the custom attribute: no anchor, even though its objectGUID is some cloud user's id.
    let c = ad("CN=c", Some(g(3)), Some("c@x"));
    let mut d = ad("CN=d", None, Some("d@x"));
    d.custom_anchor = Some("  ".to_owned());
    let on_prem = [a, b, c, d];
    let cloud = [
        entra("c1", Some("E1001"), Some("a@x")),
        entra(
            "c2",
            Some(&format!(" {}", iid(9).trim_end_matches('='))),
            Some("b@x"),
        ),
        entra("c3", Some(&iid(3)), Some("elsewhere@x")),
        entra("c4", Some("e1001"), None),
    ];
    let r = match_users_by(&on_prem, &cloud, Anchor::Custom);
    assert_eq!(r.matched, vec![pair(0, 0), pair(1, 1),]);
    // The value is compared exactly: another case is another anchor.
    assert_eq!(r.unmatched_on_prem, vec![2, 3]);
    assert_eq!(r.unmatched_cloud, vec![2, 3]);
    assert_eq!(
        Anchor::Custom.immutable_id(&on_prem[0]).as_deref(),
        Some("E1001")
    );
    assert_eq!(Anchor::Custom.immutable_id(&on_prem[2]), None);

    // The default anchor pairs only the objectGUID that is an ImmutableId.
    let r = match_users(&on_prem, &cloud);
    assert_eq!(r.matched, vec![pair(2, 2)]);
}

#[test]
fn object_guid_anchor_ignores_the_consistency_guid() {
    let mut a = ad("CN=a", Some(g(1)), Some("a@x"));
    a.consistency_guid = Some(g(2));
    let on_prem = [a];
    let cloud = [entra("c1", Some(&iid(1)), None)];
    assert!(match_users(&on_prem, &cloud).matched.is_empty());
    assert_eq!(
        match_users_by(&on_prem, &cloud, Anchor::ObjectGuid).matched,
        vec![pair(0, 0)]
    );
    assert_eq!(Anchor::default().immutable_id(&on_prem[0]), Some(iid(2)));
}
