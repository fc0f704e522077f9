//! Tests of the DirSyncOverrides comparison, one per rule of the module documentation.

use super::*;
use crate::anchor::immutable_id_from_guid;
use crate::guid::Guid;

fn g(n: u8) -> Guid {
    Guid::from_bytes([n; 16])
}

fn ad(n: u8, upn: &str, mobile: Option<&str>, other: &[&str]) -> OnPremUser {
    OnPremUser {
        distinguished_name: format!("CN=user{n},OU=Users,DC=corp,DC=example"),
        object_guid: Some(g(n)),
        user_principal_name: Some(upn.to_owned()),
        mobile: mobile.map(str::to_owned),
        other_mobile: other.iter().map(|s| (*s).to_owned()).collect(),
        ..OnPremUser::default()
    }
}

fn entra(n: u8, upn: &str, mobile: Option<&str>, alternate: Option<&[&str]>) -> CloudUser {
    CloudUser {
        id: format!("00000000-0000-0000-0000-0000000000{n:02}"),
        user_principal_name: Some(upn.to_owned()),
        on_premises_immutable_id: Some(immutable_id_from_guid(&g(n))),
        on_premises_sync_enabled: Some(true),
        mobile_phone: mobile.map(str::to_owned),
        alternate_mobile_phones: alternate.map(|a| a.iter().map(|s| (*s).to_owned()).collect()),
        ..CloudUser::default()
    }
}

fn us() -> PhoneOptions {
    PhoneOptions::with_region("US")
}

fn one(a: OnPremUser, c: CloudUser) -> DirSyncReport {
    compare_dirsync(&[a], &[c], &us(), Default::default())
}

#[test]
fn equal_values_give_no_row() {
    let r = one(
        ad(1, "a@x", Some("8035551212"), &["1", "2"]),
        entra(1, "a@x", Some("8035551212"), Some(&["2", "1"])),
    );
    assert!(r.rows.is_empty());
    assert_eq!(
        (
            r.summary.synced_matched,
            r.summary.rows,
            r.summary.real_drift
        ),
        (1, 0, 0)
    );
}

#[test]
fn empty_string_equals_absent() {
    let r = one(
        ad(1, "a@x", Some(""), &["", " "]),
        entra(1, "a@x", None, Some(&[])),
    );
    assert!(r.rows.is_empty());
    let r = one(
        ad(1, "a@x", None, &[]),
        entra(1, "a@x", Some("  "), Some(&[""])),
    );
    assert!(r.rows.is_empty());
}

#[test]
fn value_in_ad_only() {
    let r = one(
        ad(1, "a@x", Some("9991112222"), &[]),
        entra(1, "a@x", Some(""), None),
    );
    assert_eq!(r.rows.len(), 1);
    let row = &r.rows[0];
    assert_eq!(row.mobile_in_ad.as_deref(), Some("9991112222"));
    assert_eq!(row.mobile_in_entra, None);
    assert!(!row.format_only, "one side empty is real drift");
    assert_eq!((r.summary.real_drift, r.summary.format_only), (1, 0));
}

#[test]
fn value_in_cloud_only() {
    let r = one(
        ad(1, "a@x", None, &[]),
        entra(1, "a@x", Some("1234567890"), None),
    );
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].mobile_in_ad, None);
    assert_eq!(r.rows[0].mobile_in_entra.as_deref(), Some("1234567890"));
    assert!(!r.rows[0].format_only);
}

#[test]
fn both_differ_article_000() {
    // Article 000: AD says 0987654321, the cloud edit left 1234567890.
    let r = one(
        ad(1, "testmobile@domain.com", Some("0987654321"), &[]),
        entra(1, "testmobile@domain.com", Some("1234567890"), None),
    );
    let row = &r.rows[0];
    assert_eq!(
        row,
        &DirSyncOverrideRow {
            user_principal_name: "testmobile@domain.com".to_owned(),
            mobile_in_ad: Some("0987654321".to_owned()),
            mobile_in_entra: Some("1234567890".to_owned()),
            other_mobile_in_ad: vec![],
            alternate_mobile_phones_in_entra: None,
            on_premises_immutable_id: immutable_id_from_guid(&g(1)),
            object_id: "00000000-0000-0000-0000-000000000001".to_owned(),
            distinguished_name: "CN=user1,OU=Users,DC=corp,DC=example".to_owned(),
            format_only: false,
        }
    );
}

#[test]
fn format_only_difference() {
    let r = one(
        ad(1, "a@x", Some("(803) 555-1212"), &[]),
        entra(1, "a@x", Some("+1 803 555 1212"), None),
    );
    assert_eq!(
        r.rows.len(),
        1,
        "exact text differs, so the row is reported"
    );
    assert!(r.rows[0].format_only);
    assert_eq!(
        (r.summary.rows, r.summary.real_drift, r.summary.format_only),
        (1, 0, 1)
    );
}

#[test]
fn format_only_needs_the_region_for_national_numbers() {
    let r = compare_dirsync(
        &[ad(1, "a@x", Some("(803) 555-1212"), &[])],
        &[entra(1, "a@x", Some("+1 803 555 1212"), None)],
        &PhoneOptions::default(),
        Default::default(),
    );
    assert!(
        !r.rows[0].format_only,
        "without a region the national number cannot be normalized"
    );
}

#[test]
fn other_mobile_set_equality_ignores_order_and_repeats() {
    let r = one(
        ad(1, "a@x", None, &["111", "222", "111"]),
        entra(1, "a@x", None, Some(&["222", "111"])),
    );
    assert!(r.rows.is_empty());
    assert!(r.summary.alternate_mobile_compared);
}

#[test]
fn other_mobile_difference_is_a_row() {
    let r = one(
        ad(1, "a@x", Some("5"), &["8035551212", "8035551213"]),
        entra(1, "a@x", Some("5"), Some(&["8035551212"])),
    );
    assert_eq!(r.rows.len(), 1);
    assert_eq!(
        r.rows[0].other_mobile_in_ad,
        vec!["8035551212", "8035551213"]
    );
    assert_eq!(
        r.rows[0].alternate_mobile_phones_in_entra,
        Some(vec!["8035551212".to_owned()])
    );
    assert!(!r.rows[0].format_only);
}

#[test]
fn other_mobile_format_only() {
    let r = one(
        ad(1, "a@x", None, &["(803) 555-1212", "+49 30 1234567"]),
        entra(1, "a@x", None, Some(&["0049301234567", "+18035551212"])),
    );
    assert_eq!(r.rows.len(), 1);
    assert!(r.rows[0].format_only);
}

#[test]
fn format_only_requires_every_difference_to_be_cosmetic() {
    let r = one(
        ad(1, "a@x", Some("(803) 555-1212"), &["111"]),
        entra(1, "a@x", Some("+18035551212"), Some(&["222"])),
    );
    assert!(!r.rows[0].format_only);
}

#[test]
fn alternate_phones_absent_are_not_compared() {
    // Graph has no AlternateMobilePhones: otherMobile cannot be compared, so no row.
    let r = one(
        ad(1, "a@x", Some("5"), &["111"]),
        entra(1, "a@x", Some("5"), None),
    );
    assert!(r.rows.is_empty());
    assert!(!r.summary.alternate_mobile_compared);
}

#[test]
fn alternate_phones_present_but_empty_are_compared() {
    let r = one(
        ad(1, "a@x", Some("5"), &["111"]),
        entra(1, "a@x", Some("5"), Some(&[])),
    );
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].alternate_mobile_phones_in_entra, Some(vec![]));
    assert!(r.summary.alternate_mobile_compared);
}

#[test]
fn not_synced_matched_users_are_skipped() {
    let mut was_synced = entra(1, "a@x", Some("1"), None);
    was_synced.on_premises_sync_enabled = Some(false);
    let mut never_synced = entra(2, "b@x", Some("1"), None);
    never_synced.on_premises_sync_enabled = None;
    let r = compare_dirsync(
        &[ad(1, "a@x", Some("2"), &[]), ad(2, "b@x", Some("2"), &[])],
        &[was_synced, never_synced],
        &us(),
        Default::default(),
    );
    assert!(r.rows.is_empty());
    assert_eq!(
        (
            r.summary.matching.matched,
            r.summary.synced_matched,
            r.summary.not_synced_matched
        ),
        (2, 0, 2)
    );
}

#[test]
fn ambiguous_and_unmatched_users_are_skipped() {
    // Two AD users with one anchor, their cloud user differing: ambiguous, not compared.
    let mut twin = ad(1, "twin@x", Some("2"), &[]);
    twin.distinguished_name = "CN=twin".to_owned();
    let on_prem = [
        ad(1, "a@x", Some("2"), &[]),
        twin,
        ad(3, "c@x", Some("2"), &[]),
    ];
    let cloud = [
        entra(1, "a@x", Some("1"), None),
        entra(4, "d@x", Some("1"), None),
    ];
    let r = compare_dirsync(&on_prem, &cloud, &us(), Default::default());
    assert!(r.rows.is_empty());
    let s = r.summary;
    assert_eq!(
        (
            s.matching.ambiguous_on_prem,
            s.matching.ambiguous_cloud,
            s.matching.unmatched_on_prem,
            s.matching.unmatched_cloud
        ),
        (2, 1, 1, 1)
    );
    assert_eq!((s.matching.matched, s.synced_matched), (0, 0));
}

#[test]
fn row_upn_is_the_cloud_one_else_the_ad_one() {
    let mut c = entra(1, "ignored", Some("1"), None);
    c.user_principal_name = None;
    let r = one(ad(1, "ad@x", Some("2"), &[]), c);
    assert_eq!(r.rows[0].user_principal_name, "ad@x");
    let r = one(
        ad(1, "ad@x", Some("2"), &[]),
        entra(1, "Cloud@X", Some("1"), None),
    );
    assert_eq!(r.rows[0].user_principal_name, "Cloud@X");
}

#[test]
fn rows_are_sorted_by_upn_case_insensitive_then_dn() {
    let mut on_prem = vec![];
    let mut cloud = vec![];
    // User 4 has no cloud UPN, so its row shows the AD UPN "a@x", equal to user 2's "A@x" but for case.
    for (n, ad_upn, cloud_upn) in [
        (1, "b@x", Some("b@x")),
        (2, "z@x", Some("A@x")),
        (3, "c@x", Some("C@x")),
        (4, "a@x", None),
    ] {
        on_prem.push(ad(n, ad_upn, Some("1"), &[]));
        let mut c = entra(n, "", Some("2"), None);
        c.user_principal_name = cloud_upn.map(str::to_owned);
        cloud.push(c);
    }
    let r = compare_dirsync(&on_prem, &cloud, &us(), Default::default());
    let order: Vec<(&str, &str)> = r
        .rows
        .iter()
        .map(|r| {
            (
                r.user_principal_name.as_str(),
                r.distinguished_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("A@x", "CN=user2,OU=Users,DC=corp,DC=example"),
            ("a@x", "CN=user4,OU=Users,DC=corp,DC=example"),
            ("b@x", "CN=user1,OU=Users,DC=corp,DC=example"),
            ("C@x", "CN=user3,OU=Users,DC=corp,DC=example"),
        ]
    );
    // The input order does not matter.
    on_prem.reverse();
    cloud.rotate_left(1);
    assert_eq!(
        compare_dirsync(&on_prem, &cloud, &us(), Default::default()).rows,
        r.rows
    );
}

#[test]
fn json_contract() {
    let on_prem = [
        ad(1, "a@x", Some("0987654321"), &["111", "222"]),
        ad(2, "b@x", Some("(803) 555-1212"), &[]),
    ];
    let cloud = [
        entra(1, "a@x", Some("1234567890"), Some(&["111"])),
        entra(2, "b@x", Some("+18035551212"), None),
    ];
    let r = compare_dirsync(&on_prem, &cloud, &us(), Default::default());
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "Summary": {
                "OnPremTotal": 2, "CloudTotal": 2, "Matched": 2, "UnmatchedOnPrem": 0, "UnmatchedCloud": 0,
                "AmbiguousOnPrem": 0, "AmbiguousCloud": 0, "SoftMatchCandidates": 0,
                "SyncedMatched": 2, "NotSyncedMatched": 0, "Rows": 2, "RealDrift": 1, "FormatOnly": 1,
                "AlternateMobileCompared": true
            },
            "Rows": [
                {
                    "UserPrincipalName": "a@x", "MobileInAD": "0987654321", "MobileInEntra": "1234567890",
                    "OtherMobileInAD": ["111", "222"], "AlternateMobilePhonesInEntra": ["111"],
                    "OnPremisesImmutableId": "AQEBAQEBAQEBAQEBAQEBAQ==",
                    "ObjectId": "00000000-0000-0000-0000-000000000001",
                    "DistinguishedName": "CN=user1,OU=Users,DC=corp,DC=example", "FormatOnly": false
                },
                {
                    "UserPrincipalName": "b@x", "MobileInAD": "(803) 555-1212", "MobileInEntra": "+18035551212",
                    "OtherMobileInAD": [], "AlternateMobilePhonesInEntra": null,
                    "OnPremisesImmutableId": "AgICAgICAgICAgICAgICAg==",
                    "ObjectId": "00000000-0000-0000-0000-000000000002",
                    "DistinguishedName": "CN=user2,OU=Users,DC=corp,DC=example", "FormatOnly": true
                }
            ]
        })
    );
    let back: DirSyncReport = serde_json::from_value(v).unwrap();
    assert_eq!((back.summary, back.rows), (r.summary, r.rows));
}

#[test]
fn rows_deserialize_with_missing_optional_columns() {
    let row: DirSyncOverrideRow =
        serde_json::from_str(r#"{"UserPrincipalName":"a@x","MobileInEntra":"1"}"#).unwrap();
    assert_eq!(row.user_principal_name, "a@x");
    assert_eq!(row.mobile_in_entra.as_deref(), Some("1"));
    assert_eq!(row.alternate_mobile_phones_in_entra, None);
    assert!(!row.format_only);
}

#[test]
fn rows_sort_as_lowercased_upn_then_dn_then_object_id() {
    let upns = ["b@x", "B@x", "a@x", "Ä@x", "ä@x", "a@X", "", "z@x", "b@x"];
    let mut rows: Vec<DirSyncOverrideRow> = Vec::new();
    for (i, upn) in upns.iter().enumerate() {
        for dn in ["CN=2", "CN=1"] {
            for id in ["id-b", "id-a"] {
                rows.push(DirSyncOverrideRow {
                    user_principal_name: (*upn).to_owned(),
                    distinguished_name: dn.to_owned(),
                    object_id: id.to_owned(),
                    // Tells rows with equal keys apart: their input order must stay.
                    on_premises_immutable_id: format!("{i}-{dn}-{id}"),
                    ..DirSyncOverrideRow::default()
                });
            }
        }
    }
    let mut expected = rows.clone();
    expected.sort_by_cached_key(|r| {
        (
            r.user_principal_name.to_lowercase(),
            r.distinguished_name.clone(),
            r.object_id.clone(),
        )
    });
    sort_rows(&mut rows);
    assert_eq!(rows, expected);
}
