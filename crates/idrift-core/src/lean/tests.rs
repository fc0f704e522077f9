//! The lean users against the full ones they come from: every accessor, the default-scope category, the
//! once-stored repeated text, and the comparison's report, equal for both.

use super::*;
use crate::dirsync::compare_dirsync;
use crate::matching::Anchor;
use crate::phone::PhoneOptions;

fn guid(n: u8) -> Guid {
    Guid::from_bytes([n; 16])
}

fn ad(n: u8) -> OnPremUser {
    OnPremUser {
        distinguished_name: format!("CN=User {n},OU=Sync,DC=contoso,DC=com"),
        object_guid: Some(guid(n)),
        user_principal_name: Some(format!("user{n}@contoso.com")),
        proxy_addresses: vec![
            format!("smtp:u{n}@contoso.onmicrosoft.com"),
            format!("SMTP:user{n}@contoso.com"),
        ],
        mobile: Some(format!("+1 425 555 01{n:02}")),
        ..OnPremUser::default()
    }
}

fn cloud(n: u8, mobile: &str) -> CloudUser {
    CloudUser {
        id: format!("id-{n}"),
        user_principal_name: Some(format!("user{n}@contoso.com")),
        mail: Some(format!("user{n}@contoso.com")),
        on_premises_immutable_id: Some(crate::anchor::immutable_id_from_guid(&guid(n))),
        on_premises_sync_enabled: Some(true),
        mobile_phone: Some(mobile.to_owned()),
        ..CloudUser::default()
    }
}

#[test]
fn a_lean_user_reads_back_what_the_full_one_holds() {
    let mut u = ad(7);
    u.custom_anchor = Some("E123".to_owned());
    u.other_mobile = vec!["+1 1".to_owned(), "".to_owned()];
    u.consistency_guid = Some(guid(9));
    let lean = LeanAd::new(u.clone()).expect("fits");
    assert_eq!(lean.dn(), u.distinguished_name);
    assert_eq!(AdKeys::upn(&lean), u.user_principal_name.as_deref());
    assert_eq!(AdKeys::primary_smtp(&lean), u.primary_smtp());
    assert_eq!(AdPhones::mobile(&lean), u.mobile.as_deref());
    assert_eq!(lean.custom_anchor(), Some("E123"));
    assert_eq!(lean.other_mobile(), u.other_mobile.as_slice());
    assert_eq!(AdKeys::source_anchor(&lean), Some(guid(9)));
    assert_eq!(lean.object_guid(), Some(guid(7)));
    assert_eq!(lean.not_synced(), None);

    let empty = LeanAd::new(OnPremUser::default()).expect("fits");
    assert_eq!(empty.dn(), "");
    assert_eq!(AdKeys::upn(&empty), None);
    assert_eq!(AdKeys::primary_smtp(&empty), None);
    assert_eq!(empty.custom_anchor(), None);

    let c = cloud(3, "+1 425 555 0103");
    let lean = LeanCloud::new(c.clone()).expect("fits");
    assert_eq!(lean.id(), "id-3");
    assert_eq!(CloudKeys::upn(&lean), c.user_principal_name.as_deref());
    assert_eq!(CloudKeys::primary_smtp(&lean), c.primary_smtp());
    assert_eq!(lean.immutable_id(), c.on_premises_immutable_id.as_deref());
    assert_eq!(CloudPhones::mobile(&lean), c.mobile_phone.as_deref());
    assert_eq!(CloudPhones::alternate_mobile_phones(&lean), None);
    assert!(CloudPhones::is_synced(&lean));
    let unsynced = LeanCloud::new(CloudUser {
        id: "x".to_owned(),
        on_premises_sync_enabled: Some(false),
        alternate_mobile_phones: Some(vec!["+1".to_owned()]),
        ..CloudUser::default()
    })
    .expect("fits");
    assert!(!CloudPhones::is_synced(&unsynced));
    assert_eq!(
        CloudPhones::alternate_mobile_phones(&unsynced),
        Some(&["+1".to_owned()][..])
    );
}

#[test]
fn a_lean_user_keeps_its_default_scope_category() {
    let mut svc = ad(1);
    svc.sam_account_name = Some("MSOL_0123456789ab".to_owned());
    let lean = LeanAd::new(svc).expect("fits");
    assert_eq!(
        lean.not_synced(),
        Some(crate::default_scope::NotSynced::SyncServiceAccount)
    );
    let (kept, counts) = crate::default_scope::split(vec![lean, LeanAd::new(ad(2)).expect("fits")]);
    assert_eq!(kept.len(), 1);
    assert_eq!(counts.sync_service_account, 1);
}

#[test]
fn the_lean_comparison_gives_the_full_comparisons_report() {
    let on_prem: Vec<OnPremUser> = (0..6).map(ad).collect();
    let mut cloud: Vec<CloudUser> = (0..6)
        .map(|n| cloud(n, &format!("+1 425 555 01{n:02}")))
        .collect();
    cloud[1].mobile_phone = Some("+14255550101".to_owned()); // formatting only
    cloud[2].mobile_phone = Some("+1 206 555 0000".to_owned()); // real drift
    cloud[3].on_premises_sync_enabled = Some(false); // not compared
    cloud[4].on_premises_immutable_id = None; // unmatched: a soft-match candidate
    cloud.push(CloudUser {
        id: "dup".to_owned(),
        on_premises_immutable_id: cloud[5].on_premises_immutable_id.clone(),
        ..CloudUser::default()
    }); // ambiguous with user 5
    let opts = PhoneOptions::default();
    let full = compare_dirsync(&on_prem, &cloud, &opts, Anchor::default());
    let lean_on_prem: Vec<LeanAd> = on_prem.into_iter().filter_map(LeanAd::new).collect();
    let lean_cloud: Vec<LeanCloud> = cloud.into_iter().filter_map(LeanCloud::new).collect();
    let lean = compare_dirsync(&lean_on_prem, &lean_cloud, &opts, Anchor::default());
    assert_eq!(lean, full);
    assert_eq!(full.rows.len(), 2, "{full:?}");
    assert_eq!(full.summary.format_only, 1);
    assert_eq!(full.summary.matching.soft_match_candidates, 1);
    assert_eq!(full.summary.matching.ambiguous_cloud, 2);
}

#[test]
fn a_text_equal_to_the_one_before_is_stored_once_and_read_back() {
    // The UPN is the primary SMTP address: stored once.
    let mut u = ad(4);
    u.proxy_addresses = vec!["SMTP:user4@contoso.com".to_owned()];
    let lean = LeanAd::new(u.clone()).expect("fits");
    assert_eq!(AdKeys::upn(&lean), Some("user4@contoso.com"));
    assert_eq!(AdKeys::primary_smtp(&lean), Some("user4@contoso.com"));
    assert_eq!(AdPhones::mobile(&lean), u.mobile.as_deref());
    assert_eq!(
        lean.texts.text.len(),
        u.distinguished_name.len()
            + "user4@contoso.com".len()
            + u.mobile.as_deref().map_or(0, str::len)
    );
    // Equal in another case is another text.
    u.proxy_addresses = vec!["SMTP:User4@Contoso.com".to_owned()];
    let lean = LeanAd::new(u).expect("fits");
    assert_eq!(AdKeys::primary_smtp(&lean), Some("User4@Contoso.com"));
    assert_eq!(AdKeys::upn(&lean), Some("user4@contoso.com"));
    // An absent text before an equal one is no repeat.
    let c = LeanCloud::new(CloudUser {
        id: "x".to_owned(),
        user_principal_name: None,
        mail: Some("x@contoso.com".to_owned()),
        on_premises_immutable_id: Some("x@contoso.com".to_owned()),
        ..CloudUser::default()
    })
    .expect("fits");
    assert_eq!(CloudKeys::upn(&c), None);
    assert_eq!(CloudKeys::primary_smtp(&c), Some("x@contoso.com"));
    assert_eq!(c.immutable_id(), Some("x@contoso.com"));
    assert_eq!(c.id(), "x");
}
