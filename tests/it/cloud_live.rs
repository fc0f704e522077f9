//! The live cloud sources end to end against the emulator: Graph and Exchange Online read through the core
//! ports, written as snapshot files, read back unchanged; failures surface as port errors, never as short
//! lists; and a read costs exactly one request per page plus the token requests.

use crate::support::client_config;
use idrift_cloud::{ExoClient, GraphClient, snapshot};
use idrift_cloud_emulator::{Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter};
use idrift_core::Guid;
use idrift_core::model::ExoRecipient;
use idrift_core::ports::{CloudDirectory, ExchangeDirectory, SourceError};

fn recipient(i: usize, details: &str, previous: &str) -> ExoRecipient {
    ExoRecipient {
        identity: Some(format!("user{i:07}")),
        external_directory_object_id: Some(idrift_cloud_emulator::guid(1, i as u64).to_string()),
        user_principal_name: Some(format!("user{i:07}@contoso.onmicrosoft.com")),
        primary_smtp_address: Some(format!("user{i:07}@contoso.onmicrosoft.com")),
        recipient_type: Some(
            if details == "UserMailbox" {
                "UserMailbox"
            } else {
                "MailUser"
            }
            .to_owned(),
        ),
        recipient_type_details: Some(details.to_owned()),
        previous_recipient_type_details: Some(previous.to_owned()),
        exchange_guid: Some(idrift_cloud_emulator::guid(3, i as u64)),
        archive_guid: Some(Guid::NIL),
        email_addresses: vec![format!("SMTP:user{i:07}@contoso.onmicrosoft.com")],
        sku_assigned: Some(details == "UserMailbox"),
        is_dir_synced: Some(true),
        is_soft_deleted: false,
    }
}

async fn tenant() -> Emulator {
    let e = Emulator::start(EmulatorConfig::default()).await.unwrap();
    e.seed_users(2500);
    for i in 0..40 {
        let (details, previous) = if i % 4 == 0 {
            ("MailUser", "UserMailbox")
        } else {
            ("UserMailbox", "None")
        };
        e.add_exo_recipient(recipient(i, details, previous));
        e.add_exo_user(ExoRecipient {
            primary_smtp_address: None,
            exchange_guid: None,
            archive_guid: None,
            email_addresses: Vec::new(),
            ..recipient(i, details, previous)
        });
    }
    e
}

#[tokio::test]
async fn live_reads_become_snapshot_files_that_read_back_unchanged() {
    let e = tenant().await;
    let config = client_config(&e);
    let cloud: Box<dyn CloudDirectory> = Box::new(GraphClient::new(&config).unwrap());
    let exo: Box<dyn ExchangeDirectory> = Box::new(ExoClient::new(&config).unwrap());

    let users = cloud.users().await.unwrap();
    let sync = cloud.tenant_sync().await.unwrap();
    let recipients = exo.recipients().await.unwrap().unwrap();
    let exo_users = exo.users().await.unwrap().unwrap();
    assert_eq!(users.len(), 2500);
    assert_eq!(
        users,
        e.users(),
        "every property of every user, as the tenant holds them"
    );
    assert_eq!(sync, e.tenant_sync());
    assert_eq!(recipients.len(), 40);
    assert_eq!(exo_users.len(), 40);
    assert_eq!(
        exo_users
            .iter()
            .filter(|u| u.previous_recipient_type_details.as_deref() == Some("UserMailbox"))
            .count(),
        10
    );

    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    snapshot::write_users(
        std::fs::File::create(path("entra-users.json")).unwrap(),
        &users,
    )
    .unwrap();
    snapshot::write_tenant_sync(
        std::fs::File::create(path("entra-sync.json")).unwrap(),
        sync.as_ref(),
    )
    .unwrap();
    snapshot::write_exo_recipients(
        std::fs::File::create(path("exo-recipients.json")).unwrap(),
        &recipients,
    )
    .unwrap();
    snapshot::write_exo_recipients(
        std::fs::File::create(path("exo-users.json")).unwrap(),
        &exo_users,
    )
    .unwrap();

    assert_eq!(
        snapshot::read_users(std::fs::File::open(path("entra-users.json")).unwrap()).unwrap(),
        users
    );
    let sync_text = std::fs::read_to_string(path("entra-sync.json")).unwrap();
    assert_eq!(snapshot::read_tenant_sync(&sync_text).unwrap(), sync);
    assert_eq!(
        snapshot::read_exo_recipients(std::fs::File::open(path("exo-recipients.json")).unwrap())
            .unwrap(),
        recipients
    );
    assert_eq!(
        snapshot::read_exo_recipients(std::fs::File::open(path("exo-users.json")).unwrap())
            .unwrap(),
        exo_users
    );
}

#[tokio::test]
async fn a_read_costs_one_request_per_page_plus_the_token_requests() {
    let e = tenant().await;
    let config = client_config(&e);
    let graph = GraphClient::new(&config).unwrap();
    let exo = ExoClient::new(&config).unwrap();
    graph.list_users().await.unwrap();
    graph.list_users().await.unwrap();
    exo.get_recipients(false).await.unwrap();
    // Two full reads of three pages each share one cached token; Exchange got its own client's token.
    assert_eq!(e.request_count("/v1.0/users"), 6);
    assert_eq!(e.request_count("/adminapi"), 1);
    assert_eq!(e.token_requests(), 2);
    assert_eq!(e.requests().len(), 6 + 1 + 2);
}

#[tokio::test]
async fn a_page_that_keeps_failing_is_a_port_error_never_a_short_list() {
    let e = tenant().await;
    let mut config = client_config(&e);
    config.retry.max_attempts = 3;
    config.retry.initial_backoff = std::time::Duration::from_millis(10);
    let cloud: Box<dyn CloudDirectory> = Box::new(GraphClient::new(&config).unwrap());

    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(0)),
        "skiptoken",
        3,
    ));
    let err = cloud.users().await.unwrap_err();
    assert!(
        matches!(&err, SourceError::Throttled(m) if m.contains("page 2")),
        "{err}"
    );

    e.inject(FaultRule::new(Fault::Unavailable(RetryAfter::None), "skiptoken", 3).after(1));
    let err = cloud.users().await.unwrap_err();
    assert!(
        matches!(&err, SourceError::Incomplete(m) if m.contains("page 3")),
        "{err}"
    );

    // With the faults used up, the same source reads everything.
    assert_eq!(e.pending_faults(), 0);
    assert_eq!(cloud.users().await.unwrap().len(), 2500);
}

#[tokio::test]
async fn a_wrong_secret_is_unauthorized_and_names_no_secret() {
    let e = tenant().await;
    let mut config = client_config(&e);
    config.credential =
        idrift_cloud::Credential::Secret(idrift_cloud::SecretString::from("not-the-secret-4711"));
    let cloud: Box<dyn CloudDirectory> = Box::new(GraphClient::new(&config).unwrap());
    let err = cloud.users().await.unwrap_err();
    assert!(matches!(err, SourceError::Unauthorized(_)), "{err}");
    assert!(!err.to_string().contains("not-the-secret-4711"));
}
