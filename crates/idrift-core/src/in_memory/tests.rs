//! Tests of the in-memory directory's write ports: the same contracts the live adapters keep.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::*;
use crate::model::SyncFeatures;

/// Runs a future that never waits (the in-memory directory never does).
fn now<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the in-memory directory never waits"),
    }
}

/// Asserts that `result` is [`SourceError::NotFound`].
#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, SourceError>) {
    assert!(
        matches!(result, Err(SourceError::NotFound(_))),
        "{result:?}"
    );
}

fn dir() -> InMemoryDirectory {
    InMemoryDirectory::new(Snapshot {
        on_prem: vec![
            OnPremUser {
                distinguished_name: "CN=Test Mobile,DC=example,DC=com".to_owned(),
                user_principal_name: Some("testmobile@example.com".to_owned()),
                mobile: Some("9991112222".to_owned()),
                other_mobile: vec!["111".to_owned()],
                ..OnPremUser::default()
            },
            OnPremUser {
                distinguished_name: "CN=Dup A,DC=example,DC=com".to_owned(),
                user_principal_name: Some("dup@example.com".to_owned()),
                ..OnPremUser::default()
            },
            OnPremUser {
                distinguished_name: "CN=Dup B,DC=example,DC=com".to_owned(),
                user_principal_name: Some("DUP@example.com".to_owned()),
                ..OnPremUser::default()
            },
        ],
        cloud: vec![
            CloudUser {
                id: "id-synced".to_owned(),
                user_principal_name: Some("testmobile@example.com".to_owned()),
                on_premises_sync_enabled: Some(true),
                mobile_phone: Some("1234567890".to_owned()),
                ..CloudUser::default()
            },
            CloudUser {
                id: "id-cloud".to_owned(),
                user_principal_name: Some("cloudonly@example.com".to_owned()),
                mobile_phone: Some("555".to_owned()),
                ..CloudUser::default()
            },
        ],
        tenant_sync: Some(TenantSync {
            id: "sync-1".to_owned(),
            features: SyncFeatures::default(),
        }),
        ..Snapshot::default()
    })
}

fn upn(s: &str) -> UserKey {
    UserKey::Upn(s.to_owned())
}

#[test]
fn set_phones_writes_and_returns_before_and_after() {
    let d = dir();
    let new = Phones::new(Some("0987654321"), &[]);
    let change = now(d.set_phones(&upn("TestMobile@example.com"), &new, None)).unwrap();
    assert_eq!(change.before.mobile.as_deref(), Some("9991112222"));
    assert_eq!(change.before.other_mobile, vec!["111".to_owned()]);
    assert_eq!(change.after, new);
    assert_eq!(
        change.distinguished_name,
        "CN=Test Mobile,DC=example,DC=com"
    );
    let read = now(OnPremDirectory::users(&d)).unwrap();
    assert_eq!(read[0].mobile.as_deref(), Some("0987654321"));
    assert!(read[0].other_mobile.is_empty());
}

#[test]
fn set_phones_with_a_stale_expectation_is_a_conflict_and_writes_nothing() {
    let d = dir();
    let stale = Phones::new(Some("8035551212"), &["111"]);
    let new = Phones::new(Some("1"), &[]);
    let err = now(d.set_phones(&upn("testmobile@example.com"), &new, Some(&stale))).unwrap_err();
    assert!(matches!(err, SourceError::Conflict(_)), "{err:?}");
    assert_eq!(
        d.snapshot().on_prem[0].mobile.as_deref(),
        Some("9991112222")
    );
    let fresh = Phones::new(Some("9991112222"), &["111"]);
    now(d.set_phones(&upn("testmobile@example.com"), &new, Some(&fresh))).unwrap();
    assert_eq!(d.snapshot().on_prem[0].mobile.as_deref(), Some("1"));
}

#[test]
fn unknown_and_duplicate_users_are_errors_not_guesses() {
    let d = dir();
    assert_eq!(now(d.find_user(&upn("nobody@example.com"))).unwrap(), None);
    assert_not_found(now(d.set_phones(
        &upn("nobody@example.com"),
        &Phones::default(),
        None,
    )));
    let err = now(d.find_user(&upn("dup@example.com"))).unwrap_err();
    assert!(matches!(err, SourceError::InvalidData(_)), "{err:?}");
    let by_dn = now(d.find_user(&UserKey::Dn("cn=dup b,dc=example,dc=com".to_owned()))).unwrap();
    assert_eq!(
        by_dn.unwrap().distinguished_name,
        "CN=Dup B,DC=example,DC=com"
    );
}

#[test]
fn cloud_mobile_is_refused_for_synced_users_and_written_for_cloud_only_users() {
    let d = dir();
    let err = now(d.set_cloud_mobile("id-synced", Some("1"))).unwrap_err();
    assert_eq!(err, SourceError::Refused(SYNCED_PHONE_REFUSAL.to_owned()));
    now(d.set_cloud_mobile("id-cloud", Some("777"))).unwrap();
    let u = now(d.find_cloud_user("CloudOnly@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(u.mobile_phone.as_deref(), Some("777"));
    now(d.set_cloud_mobile("id-cloud", None)).unwrap();
    assert_eq!(
        now(d.find_cloud_user("id-cloud"))
            .unwrap()
            .unwrap()
            .mobile_phone,
        None
    );
    assert_not_found(now(d.set_cloud_mobile("nope", None)));
}

#[test]
fn bypass_flag_is_set_on_the_named_sync_object_only() {
    let d = dir();
    now(d.set_bypass_dir_sync_overrides("sync-1", true)).unwrap();
    let sync = now(d.tenant_sync()).unwrap().unwrap();
    assert!(sync.features.bypass_dir_sync_overrides_enabled);
    assert_not_found(now(d.set_bypass_dir_sync_overrides("other", false)));
}

#[test]
fn clones_are_independent_and_edit_changes_in_place() {
    let d = dir();
    let copy = d.clone();
    d.edit(|s| s.on_prem[0].mobile = None);
    assert_eq!(d.snapshot().on_prem[0].mobile, None);
    assert_eq!(
        copy.into_snapshot().on_prem[0].mobile.as_deref(),
        Some("9991112222")
    );
}
