//! Tests of the sync model, rule by rule: each test is named after the rule of `docs/sync-model.md` it checks.

use super::*;
use crate::anchor::immutable_id_from_guid;
use crate::dirsync::compare_dirsync;
use crate::guid::Guid;
use crate::phone::PhoneOptions;

fn g(n: u8) -> Guid {
    Guid::from_bytes([n; 16])
}

fn ad(n: u8, mobile: Option<&str>, other: &[&str]) -> OnPremUser {
    OnPremUser {
        distinguished_name: format!("CN=user{n},DC=corp"),
        object_guid: Some(g(n)),
        user_principal_name: Some(format!("user{n}@corp.example")),
        mobile: mobile.map(str::to_owned),
        other_mobile: other.iter().map(|s| (*s).to_owned()).collect(),
        ..OnPremUser::default()
    }
}

fn entra(n: u8, mobile: Option<&str>, alternates: Option<&[&str]>) -> CloudUser {
    CloudUser {
        id: format!("cloud-{n}"),
        user_principal_name: Some(format!("user{n}@corp.example")),
        on_premises_immutable_id: Some(immutable_id_from_guid(&g(n))),
        on_premises_sync_enabled: Some(true),
        mobile_phone: mobile.map(str::to_owned),
        alternate_mobile_phones: alternates.map(|a| a.iter().map(|s| (*s).to_owned()).collect()),
        ..CloudUser::default()
    }
}

/// The prediction in the usual state: BypassDirSyncOverrides off, the user's override not known.
fn usual(a: &OnPremUser, c: &CloudUser) -> SyncPrediction {
    predict_user(a, c, &switch(false), OverrideState::Unknown)
}

/// The prediction once BypassDirSyncOverrides is on, the user's override not known.
fn bypassed(a: &OnPremUser, c: &CloudUser) -> SyncPrediction {
    predict_user(a, c, &switch(true), OverrideState::Unknown)
}

/// Article 000's user: Entra's mobilePhone was edited to 1234567890 in the cloud, then AD's mobile changed
/// to 0987654321.
fn article_000() -> (OnPremUser, CloudUser) {
    (
        ad(1, Some("0987654321"), &[]),
        entra(1, Some("1234567890"), None),
    )
}

fn switch(on: bool) -> SyncFeatures {
    SyncFeatures {
        bypass_dir_sync_overrides_enabled: on,
        ..SyncFeatures::default()
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

// R1: only synced users are written by sync.

#[test]
fn r1_no_longer_synced_user_keeps_cloud_values() {
    let mut c = entra(1, Some("1234567890"), Some(&["5"]));
    c.on_premises_sync_enabled = Some(false);
    for on in [false, true] {
        let a = ad(1, Some("0987654321"), &[]);
        let p = predict_user(&a, &c, &switch(on), OverrideState::Unknown);
        assert_eq!(p.outcome, SyncOutcome::NotSynced);
        assert_eq!(p.predicted_mobile.as_deref(), Some("1234567890"));
        assert_eq!(p.predicted_alternate_mobile_phones, Some(strings(&["5"])));
        assert!(!p.at_risk);
        assert_eq!(
            p.explanation,
            "The Entra user is no longer synced (onPremisesSyncEnabled is false): sync does not write its phones, \
             so Entra keeps mobilePhone 1234567890"
        );
    }
}

#[test]
fn r1_never_synced_user_keeps_cloud_values() {
    let mut c = entra(1, None, None);
    c.on_premises_sync_enabled = None;
    let a = ad(1, Some("0987654321"), &[]);
    let p = predict_user(&a, &c, &switch(true), OverrideState::Absent);
    assert_eq!(p.outcome, SyncOutcome::NotSynced);
    assert_eq!(p.predicted_mobile, None);
    assert!(
        p.explanation
            .starts_with("The Entra user was never synced (onPremisesSyncEnabled is null)")
    );
    assert!(p.explanation.ends_with("Entra keeps mobilePhone empty"));
}

#[test]
fn r1_predict_all_leaves_out_unsynced_users() {
    let mut unsynced = entra(2, Some("1"), None);
    unsynced.on_premises_sync_enabled = Some(false);
    let all = predict_all(
        &[ad(1, Some("1"), &[]), ad(2, Some("2"), &[])],
        &[entra(1, Some("1"), None), unsynced],
        &switch(false),
        Default::default(),
    );
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].object_id, "cloud-1");
}

// R2: mobile flows to mobilePhone, otherMobile to AlternateMobilePhones.

#[test]
fn r2_mobile_maps_to_mobile_phone_and_other_mobile_to_alternates() {
    let p = bypassed(
        &ad(1, Some("111"), &["222", "333"]),
        &entra(1, Some("999"), Some(&["888"])),
    );
    assert_eq!(p.predicted_mobile.as_deref(), Some("111"));
    assert_eq!(
        p.predicted_alternate_mobile_phones,
        Some(strings(&["222", "333"]))
    );
}

// R3: blank equals absent, exact text for mobile, sets for otherMobile, alternates only when carried.

#[test]
fn r3_blank_equals_absent() {
    let p = usual(&ad(1, Some("  "), &[""]), &entra(1, None, Some(&[])));
    assert_eq!(p.outcome, SyncOutcome::InSync);
    assert_eq!(p.predicted_mobile, None);
}

#[test]
fn r3_one_side_empty_is_a_difference() {
    let p = usual(&ad(1, None, &[]), &entra(1, Some("1234567890"), None));
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
}

#[test]
fn r3_mobile_is_compared_as_exact_text() {
    let p = usual(
        &ad(1, Some("(803) 555-1212"), &[]),
        &entra(1, Some("+18035551212"), None),
    );
    assert_eq!(
        p.outcome,
        SyncOutcome::OverrideKeepsCloud,
        "a formatting difference is still a difference"
    );
}

#[test]
fn r3_other_mobile_is_compared_as_a_set() {
    let p = usual(
        &ad(1, Some("1"), &["b", "a", "a"]),
        &entra(1, Some("1"), Some(&["a", "b"])),
    );
    assert_eq!(p.outcome, SyncOutcome::InSync);
}

#[test]
fn r3_alternates_are_compared_only_when_carried() {
    let p = usual(&ad(1, Some("1"), &["a"]), &entra(1, Some("1"), None));
    assert_eq!(p.outcome, SyncOutcome::InSync);
    let p = usual(&ad(1, Some("1"), &["a"]), &entra(1, Some("1"), Some(&[])));
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
}

#[test]
fn r3_format_only_rows_are_flagged_by_the_comparison() {
    let r = compare_dirsync(
        &[ad(1, Some("(803) 555-1212"), &[])],
        &[entra(1, Some("+1 803 555 1212"), None)],
        &PhoneOptions::with_region("US"),
        Default::default(),
    );
    assert_eq!(r.rows.len(), 1);
    assert!(r.rows[0].format_only);
}

// R4: equal values, nothing changes, whatever the switch and the override.

#[test]
fn r4_in_sync_under_every_switch_and_override_state() {
    for on in [false, true] {
        for state in [
            OverrideState::Unknown,
            OverrideState::Present,
            OverrideState::Absent,
        ] {
            let a = ad(1, Some("8035551212"), &["1"]);
            let c = entra(1, Some("8035551212"), Some(&["1"]));
            let p = predict_user(&a, &c, &switch(on), state);
            assert_eq!(p.outcome, SyncOutcome::InSync, "{on} {state:?}");
            assert_eq!(p.predicted_mobile.as_deref(), Some("8035551212"));
            assert_eq!(p.predicted_alternate_mobile_phones, Some(strings(&["1"])));
            assert!(!p.at_risk);
            assert_eq!(
                p.explanation,
                "AD mobile and Entra mobilePhone are both 8035551212, and otherMobile equals AlternateMobilePhones: \
                 the next sync cycle changes nothing"
            );
        }
    }
}

// R5: an override keeps the cloud value.

#[test]
fn r5_present_override_keeps_the_cloud_value() {
    let (a, c) = article_000();
    let p = predict_user(&a, &c, &switch(false), OverrideState::Present);
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
    assert_eq!(p.predicted_mobile.as_deref(), Some("1234567890"));
    assert_eq!(
        p.predicted_alternate_mobile_phones, None,
        "R10: unknown alternates stay unknown"
    );
    assert!(p.at_risk);
    assert_eq!(
        p.explanation,
        "AD mobile is 0987654321 but Entra keeps 1234567890: the user's DirSyncOverride makes sync ignore AD; \
         enabling BypassDirSyncOverrides will replace it with AD's value"
    );
}

// R6: a differing synced user is presumed to carry an override (article 000's sentence).

#[test]
fn r6_differing_user_is_presumed_to_carry_an_override() {
    let (a, c) = article_000();
    let p = usual(&a, &c);
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
    assert_eq!(p.predicted_mobile.as_deref(), Some("1234567890"));
    assert!(p.at_risk);
    assert_eq!(
        p.explanation,
        "AD mobile is 0987654321 but Entra keeps 1234567890: a cloud edit created a DirSyncOverride; \
         enabling BypassDirSyncOverrides will replace it with AD's value"
    );
}

#[test]
fn r6_empty_ad_value_would_be_cleared() {
    let p = usual(&ad(1, None, &[]), &entra(1, Some("1234567890"), None));
    assert_eq!(
        p.explanation,
        "AD mobile is empty but Entra keeps 1234567890: a cloud edit created a DirSyncOverride; \
         enabling BypassDirSyncOverrides will clear it"
    );
}

// R7: without an override, AD's value flows.

#[test]
fn r7_absent_override_lets_ad_flow() {
    let a = ad(1, Some("0987654321"), &["2"]);
    let c = entra(1, Some("1234567890"), None);
    let p = predict_user(&a, &c, &switch(false), OverrideState::Absent);
    assert_eq!(p.outcome, SyncOutcome::SyncWritesAd);
    assert_eq!(p.predicted_mobile.as_deref(), Some("0987654321"));
    assert_eq!(
        p.predicted_alternate_mobile_phones,
        Some(strings(&["2"])),
        "R10: AD wins, so otherMobile is known"
    );
    assert!(!p.at_risk, "a stale copy of AD is not data at risk");
    assert_eq!(
        p.explanation,
        "AD mobile is 0987654321 but Entra still has 1234567890: no DirSyncOverride blocks AD, \
         so the next sync cycle will replace it with AD's value"
    );
}

// R8: the switch makes AD win, including an empty AD value.

#[test]
fn r8_bypass_overwrites_the_cloud_whatever_the_override() {
    for state in [
        OverrideState::Unknown,
        OverrideState::Present,
        OverrideState::Absent,
    ] {
        let (a, c) = article_000();
        let p = predict_user(&a, &c, &switch(true), state);
        assert_eq!(p.outcome, SyncOutcome::BypassOverwritesCloud, "{state:?}");
        assert_eq!(p.predicted_mobile.as_deref(), Some("0987654321"));
        assert_eq!(
            p.explanation,
            "AD mobile is 0987654321 but Entra has 1234567890: BypassDirSyncOverrides is on, \
             so the next sync cycle will replace it with AD's value"
        );
        assert_eq!(p.at_risk, state != OverrideState::Absent, "{state:?}");
    }
}

#[test]
fn r8_bypass_with_empty_ad_clears_the_cloud() {
    let p = bypassed(
        &ad(1, None, &[]),
        &entra(1, Some("1234567890"), Some(&["5"])),
    );
    assert_eq!(p.predicted_mobile, None);
    assert_eq!(p.predicted_alternate_mobile_phones, Some(vec![]));
    assert_eq!(
        p.explanation,
        "AD mobile is empty and otherMobile empty but Entra has 1234567890 and AlternateMobilePhones [5]: \
         BypassDirSyncOverrides is on, so the next sync cycle will clear them"
    );
}

#[test]
fn r8_other_mobile_difference_alone() {
    let p = bypassed(
        &ad(1, Some("1"), &["2", "3"]),
        &entra(1, Some("1"), Some(&["4"])),
    );
    assert_eq!(p.outcome, SyncOutcome::BypassOverwritesCloud);
    assert_eq!(
        p.predicted_alternate_mobile_phones,
        Some(strings(&["2", "3"]))
    );
    assert_eq!(
        p.explanation,
        "AD otherMobile is [2, 3] but Entra has AlternateMobilePhones [4]: BypassDirSyncOverrides is on, \
         so the next sync cycle will replace it with AD's value"
    );
}

// R9: predictions are for the next cycle; the switch is read from the tenant features.

#[test]
fn r9_the_switch_is_read_from_the_tenant_features() {
    let features: SyncFeatures = serde_json::from_str(
        r#"{"bypassDirSyncOverridesEnabled":true,"softMatchOnUpnEnabled":true}"#,
    )
    .unwrap();
    let a = ad(1, Some("1"), &[]);
    let c = entra(1, Some("2"), None);
    let p = predict_user(&a, &c, &features, OverrideState::Unknown);
    assert_eq!(p.outcome, SyncOutcome::BypassOverwritesCloud);
    let a = ad(1, Some("1"), &[]);
    let c = entra(1, Some("2"), None);
    let p = predict_user(&a, &c, &SyncFeatures::default(), OverrideState::Unknown);
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
}

// R10: unknown alternates.

#[test]
fn r10_unknown_alternates_are_known_only_when_ad_wins() {
    let (a, c) = (ad(1, Some("1"), &["7"]), entra(1, Some("1"), None));
    let p = predict_user(&a, &c, &switch(false), OverrideState::Unknown);
    assert_eq!(
        (p.outcome, p.predicted_alternate_mobile_phones),
        (SyncOutcome::InSync, None)
    );
    let p = predict_user(&a, &c, &switch(false), OverrideState::Absent);
    assert_eq!(p.predicted_alternate_mobile_phones, Some(strings(&["7"])));
    let p = predict_user(&a, &c, &switch(true), OverrideState::Unknown);
    assert_eq!(p.predicted_alternate_mobile_phones, Some(strings(&["7"])));
    let a = ad(1, Some("1"), &["7"]);
    let c = entra(1, Some("2"), None);
    let p = predict_user(&a, &c, &switch(false), OverrideState::Present);
    assert_eq!(p.predicted_alternate_mobile_phones, None);
}

// R11: one override state covers both attributes.

#[test]
fn r11_one_override_covers_both_attributes() {
    let a = ad(1, Some("1"), &["a"]);
    let c = entra(1, Some("2"), Some(&["b"]));
    let p = usual(&a, &c);
    assert_eq!(p.predicted_mobile.as_deref(), Some("2"));
    assert_eq!(p.predicted_alternate_mobile_phones, Some(strings(&["b"])));
    assert_eq!(
        p.explanation,
        "AD mobile is 1 and otherMobile [a] but Entra keeps 2 and AlternateMobilePhones [b]: a cloud edit created \
         a DirSyncOverride; enabling BypassDirSyncOverrides will replace them with AD's values"
    );
    let p = predict_user(&a, &c, &switch(false), OverrideState::Absent);
    assert_eq!(p.predicted_mobile.as_deref(), Some("1"));
    assert_eq!(p.predicted_alternate_mobile_phones, Some(strings(&["a"])));
}

// R12: the data at risk.

#[test]
fn r12_cloud_value_missing_from_ad_is_at_risk() {
    let p = usual(&ad(1, Some("1"), &[]), &entra(1, Some("2"), None));
    assert!(p.at_risk);
}

#[test]
fn r12_empty_cloud_side_loses_nothing() {
    let p = usual(&ad(1, Some("1"), &["a"]), &entra(1, None, Some(&[])));
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
    assert!(!p.at_risk);
}

#[test]
fn r12_cloud_alternates_contained_in_ad_lose_nothing() {
    let p = bypassed(
        &ad(1, Some("1"), &["a", "b"]),
        &entra(1, Some("1"), Some(&["a"])),
    );
    assert_eq!(p.outcome, SyncOutcome::BypassOverwritesCloud);
    assert!(!p.at_risk);
    let p = bypassed(
        &ad(1, Some("1"), &["a"]),
        &entra(1, Some("1"), Some(&["a", "c"])),
    );
    assert!(p.at_risk);
}

#[test]
fn r12_bypass_preview_lists_rows_whose_cloud_values_would_be_lost() {
    let on_prem = [
        ad(1, Some("0987654321"), &[]),     // cloud differs: at risk
        ad(2, Some("5"), &[]),              // cloud empty: nothing lost
        ad(3, None, &[]),                   // cloud has a value, AD none: at risk
        ad(4, Some("(803) 555-1212"), &[]), // format only: listed, flagged
        ad(5, Some("7"), &["a", "b"]),      // cloud alternates a subset of AD's: nothing lost
        ad(6, Some("7"), &[]),              // equal: no row at all
    ];
    let cloud = [
        entra(1, Some("1234567890"), None),
        entra(2, None, None),
        entra(3, Some("1234567890"), None),
        entra(4, Some("+18035551212"), None),
        entra(5, Some("7"), Some(&["a"])),
        entra(6, Some("7"), None),
    ];
    let report = compare_dirsync(
        &on_prem,
        &cloud,
        &PhoneOptions::with_region("US"),
        Default::default(),
    );
    assert_eq!(report.rows.len(), 5);
    let preview = bypass_preview(&report);
    let listed: Vec<(&str, bool)> = preview
        .iter()
        .map(|r| (r.object_id.as_str(), r.format_only))
        .collect();
    assert_eq!(
        listed,
        vec![("cloud-1", false), ("cloud-3", false), ("cloud-4", true)]
    );
    // The preview and the per-user predictions agree.
    let at_risk: Vec<String> = predict_all(&on_prem, &cloud, &switch(false), Default::default())
        .into_iter()
        .filter(|p| p.at_risk)
        .map(|p| p.object_id)
        .collect();
    assert_eq!(at_risk, vec!["cloud-1", "cloud-3", "cloud-4"]);
}

#[test]
fn r12_row_helper_reads_rows_from_a_csv_import() {
    let row = DirSyncOverrideRow {
        user_principal_name: "a@x".to_owned(),
        mobile_in_ad: Some("1".to_owned()),
        mobile_in_entra: Some(" ".to_owned()),
        alternate_mobile_phones_in_entra: Some(vec!["9".to_owned()]),
        other_mobile_in_ad: vec!["9".to_owned()],
        ..DirSyncOverrideRow::default()
    };
    assert!(
        !row_cloud_value_at_risk(&row),
        "blank cloud mobile, alternates contained in AD"
    );
}

// R13: only matched users are predicted.

#[test]
fn r13_ambiguous_and_unmatched_users_are_not_predicted() {
    let mut twin = ad(1, Some("9"), &[]);
    twin.distinguished_name = "CN=twin,DC=corp".to_owned();
    twin.user_principal_name = Some("twin@corp.example".to_owned());
    let on_prem = [
        ad(1, Some("1"), &[]),
        twin,
        ad(3, Some("1"), &[]),
        ad(4, Some("1"), &[]),
    ];
    let mut soft = entra(9, Some("2"), None);
    soft.on_premises_immutable_id = None;
    soft.user_principal_name = Some("user3@corp.example".to_owned());
    let cloud = [entra(1, Some("2"), None), soft, entra(4, Some("2"), None)];
    let all = predict_all(&on_prem, &cloud, &switch(false), Default::default());
    let ids: Vec<&str> = all.iter().map(|p| p.object_id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["cloud-4"],
        "user 1 is ambiguous, user 3 only a soft-match candidate"
    );
}

#[test]
fn r13_predict_all_is_sorted_by_upn() {
    let mut a = ad(1, Some("1"), &[]);
    a.user_principal_name = Some("b@x".to_owned());
    let mut b = ad(2, Some("1"), &[]);
    b.user_principal_name = Some("A@x".to_owned());
    let mut ca = entra(1, Some("1"), None);
    ca.user_principal_name = None;
    let mut cb = entra(2, Some("1"), None);
    cb.user_principal_name = None;
    let all = predict_all(&[a, b], &[ca, cb], &switch(false), Default::default());
    let upns: Vec<&str> = all.iter().map(|p| p.user_principal_name.as_str()).collect();
    assert_eq!(
        upns,
        vec!["A@x", "b@x"],
        "the AD UPN stands in when the cloud has none"
    );
}

// R14: persisting the cloud values to AD makes the switch safe (article 000's story end to end).

#[test]
fn r14_article_000_story_persist_then_enable() {
    let features_off = switch(false);
    // The user is synced with AD's number.
    let mut a = ad(1, Some("9991112222"), &[]);
    let mut c = entra(1, Some("9991112222"), None);
    assert_eq!(
        predict_user(&a, &c, &features_off, OverrideState::Unknown).outcome,
        SyncOutcome::InSync
    );
    // A cloud edit (the user's profile page) sets 1234567890; then AD changes to 0987654321.
    c.mobile_phone = Some("1234567890".to_owned());
    a.mobile = Some("0987654321".to_owned());
    let p = predict_user(&a, &c, &features_off, OverrideState::Unknown);
    assert_eq!(p.outcome, SyncOutcome::OverrideKeepsCloud);
    assert_eq!(
        p.predicted_mobile.as_deref(),
        Some("1234567890"),
        "the AD change does not reach the cloud"
    );
    // The comparison shows the row; the preview shows the data at risk.
    let report = compare_dirsync(
        std::slice::from_ref(&a),
        std::slice::from_ref(&c),
        &PhoneOptions::default(),
        Default::default(),
    );
    assert_eq!(report.rows.len(), 1);
    assert_eq!(
        report.rows[0].mobile_in_entra.as_deref(),
        Some("1234567890")
    );
    assert_eq!(bypass_preview(&report).len(), 1);
    // Persist: the Entra value is written into AD.
    a.mobile = report.rows[0].mobile_in_entra.clone();
    let report = compare_dirsync(
        std::slice::from_ref(&a),
        std::slice::from_ref(&c),
        &PhoneOptions::default(),
        Default::default(),
    );
    assert!(report.rows.is_empty());
    assert!(bypass_preview(&report).is_empty());
    // Enable the switch: the prediction equals AD, and nothing was lost.
    let p = predict_user(&a, &c, &switch(true), OverrideState::Unknown);
    assert_eq!(p.outcome, SyncOutcome::InSync);
    assert_eq!(p.predicted_mobile, a.mobile);
    // From now on an AD change wins at the next cycle.
    a.mobile = Some("5550001111".to_owned());
    let p = predict_user(&a, &c, &switch(true), OverrideState::Unknown);
    assert_eq!(
        (p.outcome, p.predicted_mobile.as_deref()),
        (SyncOutcome::BypassOverwritesCloud, Some("5550001111"))
    );
}

#[test]
fn predictions_serialize_in_pascal_case() {
    let p = usual(&ad(1, Some("1"), &[]), &entra(1, Some("2"), None));
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["Outcome"], "OverrideKeepsCloud");
    assert_eq!(v["PredictedMobile"], "2");
    assert_eq!(v["PredictedAlternateMobilePhones"], serde_json::Value::Null);
    assert_eq!(v["AtRisk"], true);
    assert_eq!(v["UserPrincipalName"], "user1@corp.example");
    let back: SyncPrediction = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
}

#[test]
fn r12_synced_cloud_users_without_an_ad_match_are_counted() {
    let on_prem = [ad(1, Some("1"), &[])];
    let mut unsynced = entra(3, Some("3"), None);
    unsynced.on_premises_sync_enabled = Some(false);
    let mut no_anchor = entra(4, Some("4"), None);
    no_anchor.on_premises_immutable_id = None;
    let cloud = [
        entra(1, Some("1"), None),
        entra(2, Some("2"), None),
        unsynced,
        no_anchor,
    ];
    let report = compare_dirsync(
        &on_prem,
        &cloud,
        &PhoneOptions::default(),
        Default::default(),
    );
    // Nothing differs among the matched users, yet cloud-2 is synced and AD has no match for it.
    assert!(bypass_preview(&report).is_empty());
    assert_eq!(synced_without_ad_match(&report.matching, &cloud), vec![1]);
    // An empty AD read: every synced user is unseen.
    let report =
        compare_dirsync::<OnPremUser, _>(&[], &cloud, &PhoneOptions::default(), Default::default());
    assert_eq!(
        synced_without_ad_match(&report.matching, &cloud),
        vec![0, 1]
    );
}
