//! Tests of the live reader against a fake AD on loopback: paging past AD's MaxPageSize, references,
//! failed pages and dropped connections (which must fail the whole read), and one bind attempt only.

mod fake_ad;

use std::sync::atomic::Ordering;

use idrift_core::guid::Guid;
use idrift_core::ports::{OnPremDirectory, SourceError};

use super::{LdapDirectory, domain_root, is_under, read_scope};
use crate::config::LdapConfig;
use crate::error::LdapError;
use crate::user_ref::UserRef;
use fake_ad::Behaviour;

fn config(url: &str, page_size: i32) -> LdapConfig {
    LdapConfig {
        bind: Some("CN=reader,DC=fake,DC=test".into()),
        password: Some("right".into()),
        allow_plaintext: true,
        page_size,
        op_timeout: std::time::Duration::from_secs(10),
        connect_timeout: std::time::Duration::from_secs(10),
        ..LdapConfig::new(url)
    }
}

fn ad(users: usize) -> Behaviour {
    Behaviour {
        users,
        max_page: 1000,
        ..Behaviour::default()
    }
}

/// The error of a read of `users` users from a fake AD with the fault `fault` sets.
async fn failed_read(users: usize, fault: fn(&mut Behaviour)) -> LdapError {
    let mut behaviour = ad(users);
    fault(&mut behaviour);
    connected(behaviour).await.read_users().await.unwrap_err()
}

/// A reader connected (pages of 1000) to a fake AD that behaves as `behaviour` says.
async fn connected(behaviour: Behaviour) -> LdapDirectory {
    let (url, _) = fake_ad::start(behaviour).await;
    LdapDirectory::connect(&config(&url, 1000)).await.unwrap()
}

#[tokio::test]
async fn pages_through_more_users_than_ads_max_page_size() {
    let (url, seen) = fake_ad::start(Behaviour {
        reference: true,
        ..ad(2500)
    })
    .await;
    // Asking for pages of 5000 still gets 1000 per page from "AD": every page must be followed.
    let dir = LdapDirectory::connect(&config(&url, 5000)).await.unwrap();
    assert_eq!(dir.naming_context(), "DC=fake,DC=test");
    let users = dir.read_users().await.unwrap();
    assert_eq!(users.len(), 2500);
    assert_eq!(
        users[2499].user_principal_name.as_deref(),
        Some("user2499@fake.test")
    );
    // rootDSE + 3 pages
    assert_eq!(seen.searches.load(Ordering::SeqCst), 4);
    let u = &users[7];
    assert_eq!(
        u.object_guid,
        Some(Guid::from_bytes_le(*b"GUID000000000007"))
    );
    assert_eq!(u.other_mobile, ["+1 1", "+1 2"]);
    assert_eq!(u.recipient_type_details, Some(2_147_483_648));
    assert_eq!(u.recipient_display_type, Some(-2_147_483_642));
    assert_eq!(u.distinguished_name, "CN=User 7,OU=Fake,DC=fake,DC=test");
}

#[tokio::test]
async fn a_failed_page_fails_the_whole_read() {
    let err = failed_read(2500, |b| b.fail_page_at = Some((1000, 51))).await;
    assert!(matches!(err, LdapError::Server { code: 51, .. }), "{err:?}");
    assert!(matches!(
        SourceError::from(err),
        SourceError::Unavailable(_)
    ));
}

#[tokio::test]
async fn an_unpaged_size_limit_is_an_error_not_a_short_list() {
    let dir = connected(Behaviour {
        fail_page_at: Some((0, 4)),
        ..ad(10)
    })
    .await;
    let err = OnPremDirectory::users(&dir).await.unwrap_err();
    assert!(matches!(err, SourceError::Incomplete(_)), "{err:?}");
}

#[tokio::test]
async fn a_dropped_connection_fails_the_read() {
    let err = failed_read(2500, |b| b.cut_after_entries = Some(1500)).await;
    assert!(matches!(err, LdapError::ConnectionLost { .. }), "{err:?}");
    assert!(matches!(SourceError::from(err), SourceError::Incomplete(_)));
}

#[tokio::test]
async fn a_malformed_entry_is_an_error() {
    let err = failed_read(10, |b| b.malformed_at = Some(3)).await;
    assert!(
        matches!(&err, LdapError::InvalidData { dn, .. } if dn == "CN=broken"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_one_bind_attempt_and_a_clear_error() {
    let (url, seen) = fake_ad::start(ad(1)).await;
    let cfg = LdapConfig {
        password: Some("wrong-secret".into()),
        ..config(&url, 1000)
    };
    let err = LdapDirectory::connect(&cfg).await.unwrap_err();
    let text = err.to_string();
    assert!(err.is_bind(), "{err:?}");
    assert!(text.contains("invalid credentials"), "{text}");
    assert!(!text.contains("wrong-secret") && !format!("{err:?}").contains("wrong-secret"));
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    assert_eq!(seen.binds.load(Ordering::SeqCst), 1);
    assert!(matches!(
        SourceError::from(err),
        SourceError::Unauthorized(_)
    ));
}

#[tokio::test]
async fn configuration_mistakes_are_refused_before_connecting() {
    let (url, seen) = fake_ad::start(ad(1)).await;
    // Each case changes one setting of a good configuration.
    let cases: [fn(&mut LdapConfig); 6] = [
        |c| c.password = None,
        |c| c.password = Some("".into()),
        |c| c.bind = None,
        |c| c.filter = Some("(broken".into()),
        |c| c.page_size = 0,
        |c| c.url = "http://127.0.0.1".into(),
    ];
    for change in cases {
        let mut cfg = config(&url, 1000);
        change(&mut cfg);
        let err = LdapDirectory::connect(&cfg).await.unwrap_err();
        assert!(matches!(err, LdapError::InvalidConfig(_)), "{err:?}");
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn starttls_is_the_default_for_ldap_urls() {
    // The fake server speaks no TLS: without allow_plaintext the client must attempt StartTLS and fail.
    let (url, _) = fake_ad::start(ad(1)).await;
    let cfg = LdapConfig {
        allow_plaintext: false,
        ..config(&url, 1000)
    };
    let err = LdapDirectory::connect(&cfg).await.unwrap_err();
    assert!(
        matches!(&err, LdapError::Tls { message, .. } if message.contains("refused StartTLS")),
        "{err:?}"
    );
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = LdapDirectory::connect(&config(&format!("ldap://{addr}"), 1000))
        .await
        .unwrap_err();
    assert!(matches!(err, LdapError::Connect { .. }), "{err:?}");
}

#[tokio::test]
async fn find_user_escapes_and_reports_ambiguity() {
    let dir = connected(ad(3)).await;
    // The fake ignores filters and returns all 3 users: a UPN lookup must not pick one of them.
    let err = dir
        .find_user(&UserRef::Upn("user1@fake.test".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LdapError::Ambiguous { count: 3, .. }),
        "{err:?}"
    );
    let err = dir.find_user(&UserRef::Upn("  ".into())).await.unwrap_err();
    assert!(matches!(err, LdapError::InvalidInput(_)), "{err:?}");
}

#[test]
fn is_under_respects_rdn_boundaries_and_escapes() {
    assert!(is_under("CN=A,OU=Sync,DC=x", "OU=Sync,DC=x"));
    assert!(is_under("CN=A,ou=sync,dc=X", "OU=Sync,DC=x"));
    assert!(is_under("OU=Sync,DC=x", "ou=sync,dc=x"));
    assert!(!is_under("CN=A,OU=NotSync,DC=x", "OU=Sync,DC=x"));
    assert!(!is_under("CN=A\\,OU=Sync,DC=x", "OU=Sync,DC=x"));
    assert!(is_under("CN=A\\\\,OU=Sync,DC=x", "OU=Sync,DC=x"));
    assert!(!is_under("DC=x", "OU=Sync,DC=x"));
    assert!(!is_under("Ä,OU=Sync,DC=x", "ÖOU=Sync,DC=x"));
}

#[test]
fn domain_root_is_the_dc_suffix() {
    assert_eq!(
        domain_root("OU=Sync,DC=contoso,DC=test"),
        "DC=contoso,DC=test"
    );
    assert_eq!(domain_root("OU=Sync"), "");
}

#[test]
fn read_scope_names_a_base_dn_below_the_root_and_a_filter() {
    let root = "DC=corp,DC=example";
    assert_eq!(read_scope(root, &[root.to_owned()], None), None);
    assert_eq!(
        read_scope(root, &["dc=corp,dc=example".to_owned()], Some(" ")),
        None
    );
    let sub = read_scope(root, &[format!("OU=Sales,{root}")], None);
    assert_eq!(
        sub.as_deref(),
        Some("the AD read is scoped (base DN OU=Sales,DC=corp,DC=example)")
    );
    let filtered = read_scope(root, &[root.to_owned()], Some("(department=Sales)"));
    assert_eq!(
        filtered.as_deref(),
        Some("the AD read is scoped (filter (department=Sales))")
    );
}
