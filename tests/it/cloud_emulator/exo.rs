//! Every Exchange Online cmdlet through `ExoClient`: headers, paging by POSTing the same body, warnings,
//! both error shapes, and mutations visible in later reads.

use idrift_cloud::{CloudError, ExoClient};
use idrift_core::Guid;
use idrift_core::model::ExoRecipient;
use idrift_core::ports::ExchangeDirectory;
use serde_json::json;

use super::*;
use idrift_cloud_emulator::APP_ONLY_ANCHOR;

fn mailbox(i: usize, soft_deleted: bool) -> ExoRecipient {
    ExoRecipient {
        identity: Some(format!("user{i:04}")),
        external_directory_object_id: Some(format!("edo-{i:04}")),
        user_principal_name: Some(format!("user{i:04}@contoso.com")),
        primary_smtp_address: Some(format!("user{i:04}@contoso.com")),
        recipient_type: Some("UserMailbox".into()),
        recipient_type_details: Some("UserMailbox".into()),
        previous_recipient_type_details: Some("None".into()),
        exchange_guid: Some(idrift_cloud_emulator::guid(9, i as u64)),
        archive_guid: Some(Guid::NIL),
        email_addresses: vec![
            format!("SMTP:user{i:04}@contoso.com"),
            format!("smtp:user{i:04}@contoso.mail.onmicrosoft.com"),
        ],
        sku_assigned: Some(true),
        is_dir_synced: Some(true),
        is_soft_deleted: soft_deleted,
    }
}

fn mail_user(i: usize) -> ExoRecipient {
    ExoRecipient {
        recipient_type: Some("MailUser".into()),
        recipient_type_details: Some("MailUser".into()),
        previous_recipient_type_details: Some("UserMailbox".into()),
        sku_assigned: Some(false),
        ..mailbox(i, false)
    }
}

/// Get-Mailbox and Get-MailUser output carries no PreviousRecipientTypeDetails.
fn without_previous(r: ExoRecipient) -> ExoRecipient {
    ExoRecipient {
        previous_recipient_type_details: None,
        ..r
    }
}

fn get_user_view(r: &ExoRecipient) -> ExoRecipient {
    ExoRecipient {
        primary_smtp_address: None,
        exchange_guid: None,
        archive_guid: None,
        email_addresses: vec![],
        ..r.clone()
    }
}

async fn seeded() -> (Emulator, ExoClient) {
    let e = start().await;
    for i in 0..5 {
        e.add_exo_recipient(mailbox(i, false));
    }
    e.add_exo_recipient(mail_user(5));
    e.add_exo_recipient(mailbox(6, true));
    e.add_exo_user(get_user_view(&mail_user(5)));
    e.add_exo_user(get_user_view(&mailbox(0, false)));
    let c = exo_client(&e);
    (e, c)
}

#[tokio::test]
async fn get_recipient_round_trips_and_sends_the_module_headers() {
    let (e, c) = seeded().await;
    let out = c.get_recipients(false).await.unwrap();
    assert!(out.warnings.is_empty());
    let want: Vec<ExoRecipient> = (0..6)
        .map(|i| {
            if i == 5 {
                mail_user(5)
            } else {
                mailbox(i, false)
            }
        })
        .collect();
    assert_eq!(out.items, want);
    let r = e
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/InvokeCommand"))
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.path,
        "/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand"
    );
    assert_eq!(r.header("x-cmdletname"), Some("Get-Recipient"));
    assert_eq!(
        r.header("x-anchormailbox").unwrap(),
        format!("UPN:{APP_ONLY_ANCHOR}@contoso.onmicrosoft.com")
    );
    assert_eq!(r.header("prefer"), Some("odata.maxpagesize=1000"));
    assert!(uuid::Uuid::parse_str(r.header("client-request-id").unwrap()).is_ok());
    assert!(uuid::Uuid::parse_str(r.header("connection-id").unwrap()).is_ok());
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        body,
        json!({"CmdletInput":{"CmdletName":"Get-Recipient","Parameters":{"ResultSize":"Unlimited"}}})
    );
}

#[tokio::test]
async fn soft_deleted_recipients_and_mailboxes() {
    let (_e, c) = seeded().await;
    let all = c.get_recipients(true).await.unwrap().items;
    assert_eq!(all.len(), 7);
    assert!(
        all.iter()
            .any(|r| r.is_soft_deleted && r.identity.as_deref() == Some("user0006"))
    );
    let live = c.get_mailboxes(false).await.unwrap().items;
    assert_eq!(live.len(), 5);
    assert!(live.iter().all(|r| !r.is_soft_deleted));
    let soft = c.get_mailboxes(true).await.unwrap().items;
    assert_eq!(soft, vec![without_previous(mailbox(6, true))]);
}

#[tokio::test]
async fn get_mail_user_and_get_user() {
    let (_e, c) = seeded().await;
    assert_eq!(
        c.get_mail_users().await.unwrap().items,
        vec![without_previous(mail_user(5))]
    );
    let users = c.get_users().await.unwrap().items;
    assert_eq!(users.len(), 2);
    let u5 = users
        .iter()
        .find(|u| u.identity.as_deref() == Some("user0005"))
        .unwrap();
    assert_eq!(
        u5.previous_recipient_type_details.as_deref(),
        Some("UserMailbox")
    );
    assert_eq!(u5.recipient_type_details.as_deref(), Some("MailUser"));
    assert_eq!(u5.sku_assigned, Some(false));
}

#[tokio::test]
async fn exchange_directory_port() {
    let (_e, c) = seeded().await;
    let port: Box<dyn ExchangeDirectory> = Box::new(c);
    assert_eq!(port.recipients().await.unwrap().unwrap().len(), 6);
    assert_eq!(port.users().await.unwrap().unwrap().len(), 2);
}

#[tokio::test]
async fn pages_are_requested_by_posting_the_same_body_to_the_next_link() {
    let cfg = EmulatorConfig {
        exo_max_page: 100,
        ..EmulatorConfig::default()
    };
    let e = Emulator::start(cfg).await.unwrap();
    for i in 0..1050 {
        e.add_exo_recipient(mailbox(i, false));
    }
    let out = exo_client(&e).get_recipients(false).await.unwrap();
    assert_eq!(out.items.len(), 1050);
    let posts: Vec<_> = e
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("InvokeCommand"))
        .collect();
    assert_eq!(posts.len(), 11);
    assert!(
        posts
            .iter()
            .all(|p| p.method == "POST" && p.body == posts[0].body)
    );
    assert_eq!(posts[1].query.as_deref(), Some("$skiptoken=100"));
}

#[tokio::test]
async fn set_user_clears_previous_mailbox_info_and_reports_warnings() {
    let (e, c) = seeded().await;
    let warnings = c.clear_previous_mailbox_info("user0005").await.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let u = e
        .exo_users()
        .into_iter()
        .find(|u| u.identity.as_deref() == Some("user0005"))
        .unwrap();
    assert_eq!(u.previous_recipient_type_details.as_deref(), Some("None"));
    let users = c.get_users().await.unwrap().items;
    assert!(
        users
            .iter()
            .all(|u| u.previous_recipient_type_details.as_deref() == Some("None"))
    );
    // A second run changes nothing and Exchange says so in @adminapi.warnings.
    let warnings = c.clear_previous_mailbox_info("user0005").await.unwrap();
    assert_eq!(
        warnings,
        ["The command completed successfully but no settings of 'user0005' have been modified."]
    );
    let body: serde_json::Value = serde_json::from_str(
        &e.requests()
            .into_iter()
            .rfind(|r| r.header("x-cmdletname") == Some("Set-User"))
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(
        body["CmdletInput"]["Parameters"],
        json!({"Identity":"user0005","PermanentlyClearPreviousMailboxInfo":true,"Confirm":false})
    );
}

#[tokio::test]
async fn errors_come_from_details_or_the_internal_exception() {
    let (_e, c) = seeded().await;
    let err = c.clear_previous_mailbox_info("nobody").await.unwrap_err();
    assert!(matches!(err, CloudError::Exchange { .. }), "{err}");
    assert!(
        err.to_string().contains(
            "The operation couldn't be performed because object 'nobody' couldn't be found"
        ),
        "{err}"
    );
    let err = c
        .invoke("Get-NoSuchThing", serde_json::Map::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("'Get-NoSuchThing' is not recognized"),
        "{err}"
    );
}

#[tokio::test]
async fn restore_requests_are_created_listed_and_not_duplicated() {
    let (e, c) = seeded().await;
    let created = c
        .new_mailbox_restore_request("user0006", "user0001", true)
        .await
        .unwrap();
    assert_eq!(created.items.len(), 1);
    let req = &created.items[0];
    assert_eq!(req.status.as_deref(), Some("Queued"));
    assert_eq!(req.target_mailbox.as_deref(), Some("user0001"));
    assert_eq!(req.source_mailbox.as_deref(), Some("user0006"));
    assert_eq!(req.identity.as_deref(), Some("user0001\\MailboxRestore"));
    let listed = c.get_mailbox_restore_requests(None).await.unwrap().items;
    assert_eq!(listed, created.items);
    e.set_restore_status(req.request_guid.as_deref().unwrap(), "Completed");
    let one = c
        .get_mailbox_restore_requests(Some("user0001\\MailboxRestore"))
        .await
        .unwrap()
        .items;
    assert_eq!(one[0].status.as_deref(), Some("Completed"));
    // A live request blocks another with the same name; a missing source is reported.
    c.new_mailbox_restore_request("user0006", "user0002", false)
        .await
        .unwrap();
    let err = c
        .new_mailbox_restore_request("user0006", "user0002", false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unique per mailbox"), "{err}");
    let err = c
        .new_mailbox_restore_request("user0003", "user0002", false)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("'user0003' couldn't be found"),
        "{err}"
    );
    assert_eq!(e.restore_requests().len(), 2);
}

#[tokio::test]
async fn migration_statistics_are_returned_raw() {
    let (e, c) = seeded().await;
    let stats = json!({
        "Identity": "user0001@contoso.com",
        "Status": "Synced",
        "BytesTransferred": "25 MB (26,215,094 bytes)",
        "Report": { "MailboxVerification": [ { "FolderPath": "/Inbox", "Source": {"C": 799, "S": 26215094}, "Target": {"C": 799, "S": 26215094} } ] }
    });
    e.set_migration_statistics("user0001@contoso.com", stats.clone());
    let without = c
        .get_migration_user_statistics("user0001@contoso.com", false)
        .await
        .unwrap()
        .items;
    assert!(without[0].get("Report").is_none());
    assert_eq!(without[0]["Status"], "Synced");
    let with = c
        .get_migration_user_statistics("user0001@contoso.com", true)
        .await
        .unwrap()
        .items;
    assert_eq!(with, vec![stats]);
    assert!(
        c.get_migration_user_statistics("x@contoso.com", true)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_guid_tenant_needs_the_organization_for_the_anchor() {
    let e = start().await;
    let mut cfg = config(&e);
    cfg.tenant = e.config().tenant_id;
    let err = ExoClient::new(&cfg).unwrap_err();
    assert!(err.to_string().contains("initial domain"), "{err}");
    cfg.exo_organization = Some("contoso.onmicrosoft.com".into());
    e.add_exo_recipient(mailbox(1, false));
    let out = ExoClient::new(&cfg)
        .unwrap()
        .get_recipients(false)
        .await
        .unwrap();
    assert_eq!(out.items.len(), 1);
    let r = e
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("InvokeCommand"))
        .unwrap();
    assert_eq!(
        r.path,
        format!("/adminapi/beta/{}/InvokeCommand", e.config().tenant_id)
    );
}

#[tokio::test]
async fn without_result_size_exchange_stops_at_1000_and_warns() {
    let (e, c) = seeded().await;
    for i in 10..1100 {
        e.add_exo_recipient(mailbox(i, false));
    }
    let out = c
        .invoke("Get-Recipient", serde_json::Map::new())
        .await
        .unwrap();
    assert_eq!(out.items.len(), 1000);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("ResultSize"));
    // The typed call always asks for Unlimited.
    assert_eq!(c.get_recipients(false).await.unwrap().items.len(), 1096);
}
