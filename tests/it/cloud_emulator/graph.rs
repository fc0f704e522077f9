//! Every Graph endpoint through `GraphClient`, with the emulator's state checked after mutations.

use idrift_cloud::CloudError;
use idrift_core::model::{AssignedLicense, CloudUser, SyncFeatures};
use idrift_core::ports::{CloudDirectory, SourceError};

use super::*;
use idrift_cloud_emulator::{E3_SKU, generate_users};

fn synced(id: &str, upn: &str, mobile: &str) -> CloudUser {
    CloudUser {
        id: id.to_owned(),
        user_principal_name: Some(upn.to_owned()),
        display_name: Some(upn.to_owned()),
        on_premises_immutable_id: Some("PC0eD1pLeGmHlqW0w9Lh8A==".to_owned()),
        on_premises_sync_enabled: Some(true),
        mobile_phone: Some(mobile.to_owned()),
        proxy_addresses: vec![format!("SMTP:{upn}")],
        assigned_licenses: vec![AssignedLicense {
            sku_id: E3_SKU.to_owned(),
            disabled_plans: vec![],
        }],
        ..CloudUser::default()
    }
}

fn cloud_only(id: &str, upn: &str) -> CloudUser {
    CloudUser {
        id: id.to_owned(),
        user_principal_name: Some(upn.to_owned()),
        ..CloudUser::default()
    }
}

#[tokio::test]
async fn list_users_round_trips_every_property() {
    let e = start().await;
    let mut users = generate_users(25, "contoso.onmicrosoft.com");
    users[3].on_premises_provisioning_errors =
        vec![idrift_core::model::OnPremisesProvisioningError {
            category: Some("PropertyConflict".into()),
            property_causing_error: Some("ProxyAddresses".into()),
            value: Some("smtp:dup@contoso.com".into()),
            occurred_date_time: Some("2026-11-01T10:00:00Z".into()),
        }];
    users[4].service_provisioning_errors = vec![idrift_core::model::ServiceProvisioningError {
        created_date_time: Some("2026-11-02T10:00:00Z".into()),
        is_resolved: Some(false),
        service_instance: Some("exchange/eurprd01-001-01".into()),
        error_detail: Some("<ServiceInstance><ObjectErrors/></ServiceInstance>".into()),
    }];
    e.add_users(users.clone());
    let got = graph(&e).list_users().await.unwrap();
    let mut want = users;
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got, want);
    // One page, one token: the $select and $top went out.
    let reqs = e.requests();
    let page = reqs.iter().find(|r| r.path == "/v1.0/users").unwrap();
    let q = page.query.as_deref().unwrap();
    assert!(q.contains("%24top=999") || q.contains("$top=999"), "{q}");
    assert!(q.contains("onPremisesImmutableId"), "{q}");
    assert_eq!(e.token_requests(), 1);
}

#[tokio::test]
async fn a_paged_read_of_100k_users_is_complete_with_one_request_per_page() {
    let e = start().await;
    e.seed_users(100_000);
    let client = graph(&e);
    e.clear_requests();
    let got = client.list_users().await.unwrap();
    assert_eq!(got.len(), 100_000);
    let mut ids: Vec<&str> = got.iter().map(|u| u.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 100_000, "no user twice");
    let pages = e.request_count("/v1.0/users");
    assert_eq!(pages, 101);
    assert_eq!(e.token_requests(), 1);
    assert_eq!(e.requests().len(), pages + 1);
    // Every page after the first followed the previous page's nextLink.
    assert_eq!(
        e.requests()
            .iter()
            .filter(|r| r.query.as_deref().is_some_and(|q| q.contains("skiptoken")))
            .count(),
        100
    );
}

#[tokio::test]
async fn cloud_directory_port_reads_users_and_sync() {
    let e = start().await;
    e.seed_users(10);
    let port: Box<dyn CloudDirectory> = Box::new(graph(&e));
    assert_eq!(port.users().await.unwrap().len(), 10);
    let sync = port.tenant_sync().await.unwrap().unwrap();
    assert_eq!(sync.id, "12cce4b4-4ab8-40b7-be4d-f5d7742ec185");
    assert!(sync.features.soft_match_on_upn_enabled);
    e.set_tenant_sync(None);
    assert_eq!(port.tenant_sync().await.unwrap(), None);
}

#[tokio::test]
async fn get_user_by_id_and_upn_and_not_found() {
    let e = start().await;
    e.add_users([
        synced("u1", "ann@contoso.com", "+1 1"),
        cloud_only("u2", "bob#EXT#@contoso.onmicrosoft.com"),
    ]);
    let g = graph(&e);
    assert_eq!(
        g.get_user("u1").await.unwrap().mobile_phone.as_deref(),
        Some("+1 1")
    );
    assert_eq!(g.get_user("ANN@contoso.com").await.unwrap().id, "u1");
    assert_eq!(
        g.get_user("bob#EXT#@contoso.onmicrosoft.com")
            .await
            .unwrap()
            .id,
        "u2"
    );
    let err = g.get_user("nobody").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(matches!(SourceError::from(err), SourceError::NotFound(_)));
}

#[tokio::test]
async fn sync_features_patch_changes_state() {
    let e = start().await;
    let g = graph(&e);
    let id = g.tenant_sync().await.unwrap().unwrap().id;
    g.set_bypass_dir_sync_overrides(&id, true).await.unwrap();
    assert!(
        e.tenant_sync()
            .unwrap()
            .features
            .bypass_dir_sync_overrides_enabled
    );
    assert!(
        g.tenant_sync()
            .await
            .unwrap()
            .unwrap()
            .features
            .bypass_dir_sync_overrides_enabled
    );
    // The emulator's default features, before this patch (bypass back off, as it starts).
    let defaults = SyncFeatures {
        bypass_dir_sync_overrides_enabled: false,
        ..e.tenant_sync().unwrap().features
    };
    g.update_sync_features(
        &id,
        &[
            ("BLOCKSOFTMATCHENABLED", true),
            ("bypassDirSyncOverridesEnabled", false),
        ],
    )
    .await
    .unwrap();
    let f = e.tenant_sync().unwrap().features;
    assert_eq!(
        f,
        SyncFeatures {
            block_soft_match_enabled: true,
            ..defaults
        }
    );
    let patch = e
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(
        patch.path,
        format!("/v1.0/directory/onPremisesSynchronization/{id}")
    );
    assert_eq!(
        patch.body,
        r#"{"features":{"blockSoftMatchEnabled":true,"bypassDirSyncOverridesEnabled":false}}"#
    );
    // Unknown names never leave the client; Graph's own refusals come back as errors.
    assert!(matches!(
        g.update_sync_features(&id, &[("noSuchFlag", true)]).await,
        Err(CloudError::Config(_))
    ));
    let err = g
        .update_sync_features(&id, &[("passwordWritebackEnabled", true)])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
    assert!(
        g.set_bypass_dir_sync_overrides("wrong-id", true)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn mobile_phone_of_cloud_only_user_is_patched() {
    let e = start().await;
    e.add_users([cloud_only("c1", "cloud@contoso.com")]);
    let g = graph(&e);
    g.set_mobile_phone("c1", Some("+49 30 1234567"))
        .await
        .unwrap();
    assert_eq!(
        e.user("c1").unwrap().mobile_phone.as_deref(),
        Some("+49 30 1234567")
    );
    assert_eq!(
        g.get_user("c1").await.unwrap().mobile_phone.as_deref(),
        Some("+49 30 1234567")
    );
    g.set_mobile_phone("cloud@contoso.com", None).await.unwrap();
    assert_eq!(e.user("c1").unwrap().mobile_phone, None);
}

#[tokio::test]
async fn mobile_phone_of_synced_user_is_refused_with_the_ad_side_fix() {
    let e = start().await;
    e.add_users([synced("s1", "sync@contoso.com", "+1 1")]);
    let g = graph(&e);
    let err = g
        .set_mobile_phone("sync@contoso.com", Some("+1 2"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, CloudError::SyncedPhoneBlocked { .. }),
        "{text}"
    );
    assert_eq!(
        text,
        "cloud edits of synced users' phone numbers are blocked since 2020; the fix is in AD \
         (idrift dirsync set sync@contoso.com --mobile-in-ad …)"
    );
    assert!(matches!(SourceError::from(err), SourceError::Refused(_)));
    assert_eq!(
        e.user("s1").unwrap().mobile_phone.as_deref(),
        Some("+1 1"),
        "state unchanged"
    );
    // The refusal is not retried: one PATCH.
    assert_eq!(
        e.requests().iter().filter(|r| r.method == "PATCH").count(),
        1
    );
    // Once the object's source of authority is the cloud, Graph accepts the edit.
    e.set_cloud_managed("s1", true);
    assert!(g.on_premises_sync_behavior("s1").await.unwrap());
    g.set_mobile_phone("s1", Some("+1 2")).await.unwrap();
    assert_eq!(e.user("s1").unwrap().mobile_phone.as_deref(), Some("+1 2"));
}

#[tokio::test]
async fn delete_restore_and_purge_move_users_through_the_recycle_bin() {
    let e = start().await;
    e.add_users([
        synced("a", "a@contoso.com", "1"),
        synced("b", "b@contoso.com", "2"),
    ]);
    let g = graph(&e);
    g.delete_user("a").await.unwrap();
    assert!(e.user("a").is_none());
    assert_eq!(g.list_users().await.unwrap().len(), 1);
    let deleted = g.list_deleted_users().await.unwrap();
    assert_eq!(
        deleted.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    assert_eq!(deleted[0].mobile_phone.as_deref(), Some("1"));
    let restored = g.restore_deleted_user("a").await.unwrap();
    assert_eq!(restored.id, "a");
    assert!(e.user("a").is_some());
    assert!(g.list_deleted_users().await.unwrap().is_empty());
    g.delete_user("b").await.unwrap();
    g.purge_deleted_user("b").await.unwrap();
    assert!(e.deleted_users().is_empty());
    assert!(g.purge_deleted_user("b").await.unwrap_err().is_not_found());
    assert!(g.delete_user("b").await.unwrap_err().is_not_found());
    assert!(
        g.restore_deleted_user("zzz")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn deleted_users_are_paged() {
    let e = start().await;
    e.seed_users(1500);
    let ids: Vec<String> = e.users().iter().take(1200).map(|u| u.id.clone()).collect();
    for id in &ids {
        assert!(e.delete_user(id));
    }
    let got = graph(&e).list_deleted_users().await.unwrap();
    assert_eq!(got.len(), 1200);
    assert_eq!(e.request_count("/v1.0/directory/deletedItems"), 2);
}

#[tokio::test]
async fn a_top_above_the_maximum_is_a_clear_error() {
    let cfg = EmulatorConfig {
        graph_max_page: 7,
        ..EmulatorConfig::default()
    };
    let e = Emulator::start(cfg).await.unwrap();
    e.seed_users(30);
    let g = GraphClient::new(&config(&e)).unwrap_or_else(|err| panic!("{err}"));
    // The client asks for $top=999, above this emulator's maximum: a clear 400.
    let err = g.list_users().await.unwrap_err();
    assert!(err.to_string().contains("Invalid page size"), "{err}");
}

#[tokio::test]
async fn remove_license_changes_state_and_refuses_a_missing_license() {
    let e = start().await;
    e.add_users([synced("a", "a@contoso.com", "1")]);
    let g = graph(&e);
    g.remove_license("a", E3_SKU).await.unwrap();
    assert!(e.user("a").unwrap().assigned_licenses.is_empty());
    let body = &e
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("assignLicense"))
        .unwrap()
        .body;
    assert_eq!(
        body,
        &format!(r#"{{"addLicenses":[],"removeLicenses":["{E3_SKU}"]}}"#)
    );
    let err = g.remove_license("a", E3_SKU).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("does not have a corresponding license"),
        "{err}"
    );
}

#[tokio::test]
async fn on_premises_sync_behavior_reads_the_flag() {
    let e = start().await;
    e.add_users([synced("a", "a@contoso.com", "1")]);
    let g = graph(&e);
    assert!(!g.on_premises_sync_behavior("a").await.unwrap());
    e.set_cloud_managed("a", true);
    assert!(g.on_premises_sync_behavior("a").await.unwrap());
    assert!(
        g.on_premises_sync_behavior("x")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn users_delta_returns_everything_then_only_changes_and_removals() {
    let e = start().await;
    e.seed_users(450); // three delta pages of 200
    let g = graph(&e);
    let first = g.users_delta(None).await.unwrap();
    assert_eq!(first.changed.len(), 450);
    assert!(first.removed.is_empty());
    assert!(
        first.delta_link.contains("deltatoken"),
        "{}",
        first.delta_link
    );
    let ids: Vec<String> = e.users().iter().map(|u| u.id.clone()).collect();
    // Nothing changed: an empty round with a new link.
    let quiet = g.users_delta(Some(&first.delta_link)).await.unwrap();
    assert!(quiet.changed.is_empty() && quiet.removed.is_empty());
    // A cloud-only user's phone changes, a user is deleted, a user is added.
    let cloud_only_id = e.users().into_iter().find(|u| !u.is_synced()).unwrap().id;
    g.set_mobile_phone(&cloud_only_id, Some("+1 999"))
        .await
        .unwrap();
    g.delete_user(&ids[5]).await.unwrap();
    e.add_users([cloud_only("zzzz-new", "new@contoso.com")]);
    let next = g.users_delta(Some(&quiet.delta_link)).await.unwrap();
    let mut changed: Vec<&str> = next.changed.iter().map(|u| u.id.as_str()).collect();
    changed.sort_unstable();
    let mut want = vec![cloud_only_id.as_str(), "zzzz-new"];
    want.sort_unstable();
    assert_eq!(changed, want);
    assert_eq!(next.removed, [ids[5].clone()]);
    // A delta link of another host is refused before any request.
    assert!(matches!(
        g.users_delta(Some("https://evil.example/v1.0/users/delta?$deltatoken=x"))
            .await,
        Err(CloudError::Config(_))
    ));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    // A hand-made Graph that points its nextLink elsewhere: the token must not travel there.
    let e = start().await;
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/v1.0/users"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(
            r#"{"value":[{"id":"a"}],"@odata.nextLink":"http://203.0.113.9/v1.0/users?$skiptoken=x"}"#,
        ))
        .mount(&server)
        .await;
    let mut c = config(&e);
    c.graph_url = format!("{}/v1.0", server.uri());
    let err = GraphClient::new(&c)
        .unwrap()
        .list_users()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another host"), "{err}");
}
