//! Tests of the scan: a scenario per finding kind, the false-positive guards, and the report shape.

use super::*;
use crate::anchor::immutable_id_from_guid;
use crate::model::{
    AssignedLicense, OnPremisesProvisioningError, ServiceProvisioningError, TenantSync,
};

use RecipientTypeDetails as T;

pub(crate) const RD: &str = "contoso.mail.onmicrosoft.com";
pub(crate) const SKU: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";

fn anchor(n: u8) -> Guid {
    Guid::from_bytes([n; 16])
}

pub(crate) fn mailbox_guid(n: u8) -> Guid {
    Guid::from_bytes([0x80 | n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, n])
}

pub(crate) fn cloud_mailbox_guid(n: u8) -> Guid {
    Guid::from_bytes([0xc0 | n, 9, 9, 9, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, n])
}

pub(crate) fn object_id(n: u8) -> String {
    format!("0000c10d-0000-4000-8000-0000000000{n:02x}")
}

/// An AD user `name@contoso.com` with the routing address, of the given recipient type.
pub(crate) fn ad(n: u8, name: &str, t: RecipientTypeDetails) -> OnPremUser {
    let exchange = t.is_mailbox() || t.is_remote_mailbox();
    OnPremUser {
        distinguished_name: format!("CN={name},OU=Sync,DC=contoso,DC=com"),
        object_guid: Some(anchor(n)),
        sam_account_name: Some(name.to_owned()),
        user_principal_name: Some(format!("{name}@contoso.com")),
        mail: Some(format!("{name}@contoso.com")),
        proxy_addresses: if exchange {
            vec![
                format!("SMTP:{name}@contoso.com"),
                format!("smtp:{name}@{RD}"),
            ]
        } else {
            vec![format!("SMTP:{name}@contoso.com")]
        },
        target_address: t.is_remote_mailbox().then(|| format!("SMTP:{name}@{RD}")),
        mailbox_guid: exchange.then(|| mailbox_guid(n)),
        recipient_type_details: (!t.is_empty()).then(|| t.bits().cast_signed()),
        remote_recipient_type: t.is_remote_mailbox().then_some(4),
        ..OnPremUser::default()
    }
}

/// The Entra user synced from [`ad`], licensed.
pub(crate) fn entra(n: u8, name: &str) -> CloudUser {
    CloudUser {
        id: object_id(n),
        user_principal_name: Some(format!("{name}@contoso.com")),
        display_name: Some(name.to_owned()),
        mail: Some(format!("{name}@contoso.com")),
        on_premises_immutable_id: Some(immutable_id_from_guid(&anchor(n))),
        on_premises_sync_enabled: Some(true),
        proxy_addresses: vec![
            format!("SMTP:{name}@contoso.com"),
            format!("smtp:{name}@{RD}"),
        ],
        assigned_licenses: vec![AssignedLicense {
            sku_id: SKU.to_owned(),
            disabled_plans: Vec::new(),
        }],
        ..CloudUser::default()
    }
}

/// A cloud-only Entra user (never synced).
pub(crate) fn cloud_only(n: u8, upn: &str) -> CloudUser {
    CloudUser {
        id: object_id(n),
        user_principal_name: Some(upn.to_owned()),
        mail: Some(upn.to_owned()),
        proxy_addresses: vec![format!("SMTP:{upn}")],
        assigned_licenses: vec![AssignedLicense {
            sku_id: SKU.to_owned(),
            disabled_plans: Vec::new(),
        }],
        ..CloudUser::default()
    }
}

/// The Exchange Online recipient of Entra user `n`.
pub(crate) fn rec(n: u8, upn: &str, details: &str, guid: Guid) -> ExoRecipient {
    ExoRecipient {
        identity: Some(upn.to_owned()),
        external_directory_object_id: Some(object_id(n)),
        user_principal_name: Some(upn.to_owned()),
        primary_smtp_address: Some(upn.to_owned()),
        recipient_type: Some(
            if details.ends_with("Mailbox") {
                "UserMailbox"
            } else {
                details
            }
            .to_owned(),
        ),
        recipient_type_details: Some(details.to_owned()),
        exchange_guid: Some(guid),
        email_addresses: vec![format!("SMTP:{upn}")],
        is_dir_synced: Some(true),
        ..ExoRecipient::default()
    }
}

/// The `Get-User` row of Entra user `n`.
pub(crate) fn exo_user(
    n: u8,
    upn: &str,
    details: &str,
    previous: Option<&str>,
    sku: bool,
) -> ExoRecipient {
    ExoRecipient {
        external_directory_object_id: Some(object_id(n)),
        user_principal_name: Some(upn.to_owned()),
        recipient_type_details: Some(details.to_owned()),
        previous_recipient_type_details: previous.map(str::to_owned),
        sku_assigned: Some(sku),
        ..ExoRecipient::default()
    }
}

pub(crate) fn features(upn: bool, block: bool) -> TenantSync {
    TenantSync {
        id: "12cce4b4-4ab8-40b7-be4d-f5d7742ec185".to_owned(),
        features: SyncFeatures {
            soft_match_on_upn_enabled: upn,
            block_soft_match_enabled: block,
            ..SyncFeatures::default()
        },
    }
}

pub(crate) fn snap(
    on_prem: Vec<OnPremUser>,
    cloud: Vec<CloudUser>,
    recipients: Vec<ExoRecipient>,
    users: Vec<ExoRecipient>,
) -> Snapshot {
    Snapshot {
        on_prem,
        cloud,
        tenant_sync: Some(features(true, false)),
        exo_recipients: Some(recipients),
        exo_users: Some(users),
        ..Snapshot::default()
    }
}

/// One synced user `name@contoso.com`: in AD as `ad_type`, its Entra twin, and its Exchange Online recipient
/// of type `details` holding the ExchangeGuid `guid`; no `Get-User` rows.
pub(crate) fn synced(
    n: u8,
    name: &str,
    ad_type: RecipientTypeDetails,
    details: &str,
    guid: Guid,
) -> Snapshot {
    let upn = format!("{name}@contoso.com");
    snap(
        vec![ad(n, name, ad_type)],
        vec![entra(n, name)],
        vec![rec(n, &upn, details, guid)],
        vec![],
    )
}

/// [`synced`], the cloud recipient holding its own mailbox ([`cloud_mailbox_guid`]).
fn synced_in_cloud(n: u8, name: &str, ad_type: RecipientTypeDetails, details: &str) -> Snapshot {
    synced(n, name, ad_type, details, cloud_mailbox_guid(n))
}

/// A duplicate mailbox: dup@contoso.com has a mailbox on-premises and another in the cloud.
pub(crate) fn duplicate() -> Snapshot {
    Snapshot {
        exo_users: Some(vec![exo_user(
            1,
            "dup@contoso.com",
            "UserMailbox",
            None,
            true,
        )]),
        ..synced_in_cloud(1, "dup", T::USER_MAILBOX, "UserMailbox")
    }
}

/// Article 003: bounced@contoso.com's remote mailbox targets the routing address, which the cloud lost.
pub(crate) fn article_003() -> Snapshot {
    let mut s = synced(
        18,
        "bounced",
        T::REMOTE_USER_MAILBOX,
        "UserMailbox",
        mailbox_guid(18),
    );
    s.cloud[0].proxy_addresses.retain(|p| !p.contains(RD));
    s
}

fn run(s: &Snapshot) -> ScanReport {
    scan(s, &ScanOptions::default())
}

fn kinds(r: &ScanReport) -> Vec<(FindingKind, Severity, &str)> {
    r.findings
        .iter()
        .map(|f| (f.kind, f.severity, f.user_principal_name.as_str()))
        .collect()
}

/// The report's one finding, which must be of `kind` and `severity` for `upn`.
fn the_one<'r>(r: &'r ScanReport, kind: FindingKind, severity: Severity, upn: &str) -> &'r Finding {
    assert_eq!(kinds(r), [(kind, severity, upn)]);
    &r.findings[0]
}

/// Asserts that one of `lines` (notes, preconditions) contains `text`.
#[track_caller]
pub(crate) fn assert_mentions(lines: &[String], text: &str) {
    assert!(
        lines.iter().any(|l| l.contains(text)),
        "nothing says {text:?} in {lines:#?}"
    );
}

/// Asserts the ExchangeGuids the evidence gives for both sides.
#[track_caller]
fn assert_guids(f: &Finding, on_prem: Guid, cloud: Guid) {
    assert_eq!(*ev(f, "OnPremExchangeGuid"), on_prem.to_string());
    assert_eq!(*ev(f, "CloudExchangeGuid"), cloud.to_string());
}

/// Asserts that the finding's recommendation names `option`.
#[track_caller]
fn assert_recommends(f: &Finding, option: &str) {
    assert!(f.recommendation.contains(option), "{}", f.recommendation);
}

fn only(r: &ScanReport, kind: FindingKind) -> &Finding {
    let found: Vec<&Finding> = r.findings.iter().filter(|f| f.kind == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} expected in {:#?}", r.findings);
    found[0]
}

fn ev<'a>(f: &'a Finding, key: &str) -> &'a Value {
    f.evidence
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {}", f.evidence))
}

#[test]
fn duplicate_mailbox_shows_both_guids_and_types() {
    let r = run(&duplicate());
    let f = the_one(
        &r,
        FindingKind::DuplicateMailbox,
        Severity::Critical,
        "dup@contoso.com",
    );
    assert_guids(f, mailbox_guid(1), cloud_mailbox_guid(1));
    assert_eq!(ev(f, "OnPremRecipientTypeDetails"), "UserMailbox");
    assert_eq!(ev(f, "CloudRecipientTypeDetails"), "UserMailbox");
    assert_eq!(f.object_id, object_id(1));
    assert_eq!(f.distinguished_name, "CN=dup,OU=Sync,DC=contoso,DC=com");
    assert_eq!(r.summary.duplicate_mailbox, 1);
    assert_eq!(
        r.summary.exchange_guid_mismatch, 0,
        "the duplicate's evidence already has both GUIDs"
    );
}

#[test]
fn a_duplicate_shared_mailbox_is_reported_as_shared_not_as_a_user_mailbox() {
    let s = synced_in_cloud(2, "team", T::SHARED_MAILBOX, "SharedMailbox");
    let r = run(&s);
    let f = only(&r, FindingKind::DuplicateMailbox);
    assert_eq!(ev(f, "OnPremRecipientTypeDetails"), "SharedMailbox");
    assert_eq!(ev(f, "CloudRecipientTypeDetails"), "SharedMailbox");
    assert!(
        !f.recommendation.contains("UserMailbox"),
        "{}",
        f.recommendation
    );
}

#[test]
fn guard_a_correctly_migrated_remote_mailbox_raises_nothing() {
    let s = Snapshot {
        exo_users: Some(vec![exo_user(
            3,
            "moved@contoso.com",
            "UserMailbox",
            None,
            true,
        )]),
        ..synced(
            3,
            "moved",
            T::REMOTE_USER_MAILBOX,
            "UserMailbox",
            mailbox_guid(3),
        )
    };
    let r = run(&s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.routing_domain.as_deref(), Some(RD));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn guard_shared_mailboxes_in_their_normal_hybrid_states_raise_nothing() {
    // A migrated shared mailbox: remote shared in AD (msExchRemoteRecipientType 100), shared in EXO, no license.
    let mut migrated = ad(4, "sales", T::REMOTE_SHARED_MAILBOX);
    migrated.remote_recipient_type = Some(100);
    let mut migrated_cloud = entra(4, "sales");
    migrated_cloud.assigned_licenses.clear();
    // A shared mailbox still on-premises: a MailUser in EXO carrying its GUID.
    let onprem = ad(5, "frontdesk", T::SHARED_MAILBOX);
    let mut onprem_cloud = entra(5, "frontdesk");
    onprem_cloud.assigned_licenses.clear();
    let s = snap(
        vec![migrated, onprem],
        vec![migrated_cloud, onprem_cloud],
        vec![
            rec(4, "sales@contoso.com", "SharedMailbox", mailbox_guid(4)),
            rec(5, "frontdesk@contoso.com", "MailUser", mailbox_guid(5)),
        ],
        vec![
            exo_user(4, "sales@contoso.com", "SharedMailbox", None, false),
            exo_user(5, "frontdesk@contoso.com", "MailUser", None, false),
        ],
    );
    let r = run(&s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn guard_a_cloud_only_user_without_an_on_premises_twin_raises_nothing() {
    let s = snap(
        vec![ad(6, "alice", T::REMOTE_USER_MAILBOX)],
        vec![entra(6, "alice"), cloud_only(7, "contractor@contoso.com")],
        vec![
            rec(6, "alice@contoso.com", "UserMailbox", mailbox_guid(6)),
            rec(
                7,
                "contractor@contoso.com",
                "UserMailbox",
                cloud_mailbox_guid(7),
            ),
        ],
        vec![],
    );
    let r = run(&s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

fn risk_snapshot(licensed: bool, sku: bool, previous: Option<&str>) -> Snapshot {
    let mut c = entra(8, "risky");
    if !licensed {
        c.assigned_licenses.clear();
    }
    snap(
        vec![ad(8, "risky", T::USER_MAILBOX)],
        vec![c],
        vec![rec(8, "risky@contoso.com", "MailUser", mailbox_guid(8))],
        vec![exo_user(8, "risky@contoso.com", "MailUser", previous, sku)],
    )
}

#[test]
fn duplicate_mailbox_risk_without_a_license_is_medium() {
    let r = run(&risk_snapshot(false, false, Some("UserMailbox")));
    let f = the_one(
        &r,
        FindingKind::DuplicateMailboxRisk,
        Severity::Medium,
        "risky@contoso.com",
    );
    assert_eq!(ev(f, "PreviousRecipientTypeDetails"), "UserMailbox");
    assert_eq!(ev(f, "LicenseState"), "NotAssigned");
    assert_eq!(*ev(f, "CloudExchangeGuid"), mailbox_guid(8).to_string());
}

#[test]
fn duplicate_mailbox_risk_is_high_when_a_license_is_assigned_or_pending() {
    let r = run(&risk_snapshot(true, false, Some("UserMailbox")));
    let f = only(&r, FindingKind::DuplicateMailboxRisk);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(ev(f, "LicenseState"), "PendingInExchange");
    let r = run(&risk_snapshot(true, true, Some("UserMailbox")));
    assert_eq!(
        ev(only(&r, FindingKind::DuplicateMailboxRisk), "LicenseState"),
        "Assigned"
    );
}

#[test]
fn no_risk_without_a_mailbox_previous_type() {
    for previous in [None, Some("None"), Some("MailUser")] {
        let r = run(&risk_snapshot(true, true, previous));
        assert!(r.findings.is_empty(), "{previous:?}: {:#?}", r.findings);
    }
}

#[test]
fn exchange_guid_mismatch_for_a_remote_mailbox() {
    let s = synced_in_cloud(9, "wrongguid", T::REMOTE_USER_MAILBOX, "UserMailbox");
    let r = run(&s);
    let f = the_one(
        &r,
        FindingKind::ExchangeGuidMismatch,
        Severity::High,
        "wrongguid@contoso.com",
    );
    assert_guids(f, mailbox_guid(9), cloud_mailbox_guid(9));
    assert_eq!(ev(f, "CloudExchangeGuidIsNil"), false);
    assert_recommends(f, "KeepCloudMailbox");
}

#[test]
fn exchange_guid_mismatch_when_the_cloud_guid_is_all_zeros() {
    let s = synced(10, "nilguid", T::USER_MAILBOX, "MailUser", Guid::NIL);
    let r = run(&s);
    let f = only(&r, FindingKind::ExchangeGuidMismatch);
    assert_eq!(ev(f, "CloudExchangeGuidIsNil"), true);
    assert_eq!(
        ev(f, "CloudExchangeGuid"),
        "00000000-0000-0000-0000-000000000000"
    );
}

#[test]
fn no_mismatch_when_ad_has_no_guid_or_exo_does_not_say() {
    let mut a = ad(11, "noguid", T::REMOTE_USER_MAILBOX);
    a.mailbox_guid = None;
    let mut r2 = rec(12, "noexo@contoso.com", "UserMailbox", mailbox_guid(12));
    r2.exchange_guid = None;
    let s = snap(
        vec![a, ad(12, "noexo", T::REMOTE_USER_MAILBOX)],
        vec![entra(11, "noguid"), entra(12, "noexo")],
        vec![
            rec(
                11,
                "noguid@contoso.com",
                "UserMailbox",
                cloud_mailbox_guid(11),
            ),
            r2,
        ],
        vec![],
    );
    assert!(run(&s).findings.is_empty());
}

fn collision(
    ad_type: RecipientTypeDetails,
    cloud_details: Option<&str>,
    previous: Option<&str>,
) -> Snapshot {
    let mut a = ad(13, "test.duplicate", ad_type);
    // Not yet synced: no Entra user carries its anchor.
    a.distinguished_name = "CN=Test Duplicate,OU=Sync,DC=contoso,DC=com".to_owned();
    let c = cloud_only(14, "test.duplicate@contoso.com");
    let recipients = cloud_details
        .map(|d| {
            vec![rec(
                14,
                "test.duplicate@contoso.com",
                d,
                cloud_mailbox_guid(14),
            )]
        })
        .unwrap_or_default();
    let users = vec![exo_user(
        14,
        "test.duplicate@contoso.com",
        cloud_details.unwrap_or("User"),
        previous,
        false,
    )];
    snap(vec![a], vec![c], recipients, users)
}

#[test]
fn soft_match_collision_is_critical_when_both_sides_have_a_mailbox() {
    let r = run(&collision(T::USER_MAILBOX, Some("UserMailbox"), None));
    let f = the_one(
        &r,
        FindingKind::SoftMatchCollision,
        Severity::Critical,
        "test.duplicate@contoso.com",
    );
    assert_eq!(f.object_id, object_id(14));
    assert_eq!(
        f.distinguished_name,
        "CN=Test Duplicate,OU=Sync,DC=contoso,DC=com"
    );
    assert_eq!(ev(f, "Basis"), "UserPrincipalName");
    assert_eq!(
        *ev(f, "CloudExchangeGuid"),
        cloud_mailbox_guid(14).to_string()
    );
}

#[test]
fn soft_match_collision_is_critical_in_article_002s_sequence() {
    // The cloud-only user's license was removed before sync: no mailbox, but PreviousRecipientTypeDetails set.
    let r = run(&collision(T::USER_MAILBOX, None, Some("UserMailbox")));
    let f = only(&r, FindingKind::SoftMatchCollision);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(ev(f, "CloudPreviousRecipientTypeDetails"), "UserMailbox");
}

#[test]
fn soft_match_collision_without_mailboxes_is_medium() {
    let r = run(&collision(T::NONE, None, None));
    assert_eq!(
        only(&r, FindingKind::SoftMatchCollision).severity,
        Severity::Medium
    );
}

#[test]
fn soft_match_follows_the_tenant_features() {
    // UPN soft match off, and the primary SMTP addresses differ: nothing will match.
    let mut s = collision(T::USER_MAILBOX, Some("UserMailbox"), None);
    s.cloud[0].proxy_addresses = vec!["SMTP:td@contoso.onmicrosoft.com".to_owned()];
    s.cloud[0].mail = None;
    s.tenant_sync = Some(features(false, false));
    assert!(run(&s).findings.is_empty());
    // UPN soft match off, but the primary SMTP addresses match: SMTP soft match still happens.
    let mut s = collision(T::USER_MAILBOX, Some("UserMailbox"), None);
    s.tenant_sync = Some(features(false, false));
    let r = run(&s);
    assert_eq!(
        ev(only(&r, FindingKind::SoftMatchCollision), "Basis"),
        "PrimarySmtpAddress"
    );
    // Soft match blocked: nothing, and a note says why.
    let mut s = collision(T::USER_MAILBOX, Some("UserMailbox"), None);
    s.tenant_sync = Some(features(true, true));
    let r = run(&s);
    assert!(r.findings.is_empty());
    assert_mentions(&r.notes, "blockSoftMatchEnabled");
    // Features unknown: the defaults are assumed, and a note says so.
    let mut s = collision(T::USER_MAILBOX, Some("UserMailbox"), None);
    s.tenant_sync = None;
    let r = run(&s);
    assert_eq!(
        ev(
            only(&r, FindingKind::SoftMatchCollision),
            "TenantFeaturesKnown"
        ),
        false
    );
    assert_mentions(&r.notes, "Tenant sync features unknown");
}

#[test]
fn soft_match_collision_needs_an_in_scope_ad_user_and_a_cloud_user_without_anchor() {
    let s = collision(T::USER_MAILBOX, Some("UserMailbox"), None);
    let out_of_scope = ScanOptions {
        sync_scope: vec!["OU=Staging,DC=contoso,DC=com".to_owned()],
        ..ScanOptions::default()
    };
    assert!(scan(&s, &out_of_scope).findings.is_empty());
    let in_scope = ScanOptions {
        sync_scope: vec!["ou=sync,dc=contoso,dc=com".to_owned()],
        ..ScanOptions::default()
    };
    assert_eq!(scan(&s, &in_scope).summary.soft_match_collision, 1);
    let mut s = collision(T::USER_MAILBOX, Some("UserMailbox"), None);
    s.cloud[0].on_premises_immutable_id = Some(immutable_id_from_guid(&anchor(99)));
    assert!(
        run(&s).findings.is_empty(),
        "a cloud user with another anchor is not soft-matched"
    );
}

#[test]
fn missing_routing_address_in_ad() {
    let mut a = ad(15, "noroute", T::REMOTE_USER_MAILBOX);
    a.proxy_addresses.retain(|p| !p.contains(RD));
    let s = snap(
        vec![a, ad(16, "ok", T::REMOTE_USER_MAILBOX)],
        vec![entra(15, "noroute"), entra(16, "ok")],
        vec![
            rec(15, "noroute@contoso.com", "UserMailbox", mailbox_guid(15)),
            rec(16, "ok@contoso.com", "UserMailbox", mailbox_guid(16)),
        ],
        vec![],
    );
    let r = run(&s);
    let f = the_one(
        &r,
        FindingKind::MissingRoutingAddress,
        Severity::Medium,
        "noroute@contoso.com",
    );
    assert_eq!(ev(f, "Problems"), &json!(["NoRoutingAddressInAD"]));
    assert_eq!(
        ev(f, "ExpectedRoutingAddress"),
        &json!(format!("noroute@{RD}"))
    );
    assert_eq!(ev(f, "RoutingDomain"), RD);
}

#[test]
fn missing_routing_address_for_an_on_premises_mailbox_to_be_migrated() {
    let mut a = ad(17, "stay", T::USER_MAILBOX);
    a.proxy_addresses.retain(|p| !p.contains(RD));
    let mut c = entra(17, "stay");
    c.proxy_addresses.retain(|p| !p.contains(RD));
    let s = Snapshot {
        exo_recipients: Some(vec![rec(
            17,
            "stay@contoso.com",
            "MailUser",
            mailbox_guid(17),
        )]),
        ..snap(vec![a], vec![c], vec![], vec![])
    };
    let r = scan(
        &s,
        &ScanOptions {
            routing_domain: Some(RD.to_owned()),
            ..ScanOptions::default()
        },
    );
    assert_eq!(
        ev(only(&r, FindingKind::MissingRoutingAddress), "Problems"),
        &json!(["NoRoutingAddressInAD"])
    );
}

#[test]
fn target_address_missing_in_the_cloud_is_high_and_article_003s_case_is_named() {
    // AD has the routing address and targets it, but the cloud lost it (article 003).
    let r = run(&article_003());
    let f = only(&r, FindingKind::MissingRoutingAddress);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        ev(f, "Problems"),
        &json!(["TargetAddressNotInCloud", "RoutingAddressMissingInCloud"])
    );
    assert_eq!(
        ev(f, "RoutingAddressesInAD"),
        &json!([format!("bounced@{RD}")])
    );
    assert_eq!(ev(f, "RoutingAddressesInCloud"), &json!([]));
    assert_recommends(f, "ReprovisionCloudAlias");
}

#[test]
fn an_address_in_exchange_online_counts_as_present() {
    let a = ad(19, "exoaddr", T::REMOTE_USER_MAILBOX);
    let mut c = entra(19, "exoaddr");
    c.proxy_addresses.retain(|p| !p.contains(RD));
    let mut r19 = rec(19, "exoaddr@contoso.com", "UserMailbox", mailbox_guid(19));
    r19.email_addresses
        .push(format!("smtp:EXOADDR@{}", RD.to_uppercase()));
    let s = snap(vec![a], vec![c], vec![r19], vec![]);
    assert!(run(&s).findings.is_empty());
}

#[test]
fn routing_check_for_an_unsynced_remote_mailbox_and_without_a_routing_domain() {
    let mut a = ad(20, "lonely", T::REMOTE_USER_MAILBOX);
    a.proxy_addresses.retain(|p| !p.contains(RD));
    let s = snap(
        vec![a.clone(), ad(21, "other", T::REMOTE_USER_MAILBOX)],
        vec![],
        vec![],
        vec![],
    );
    let r = run(&s);
    let f = only(&r, FindingKind::MissingRoutingAddress);
    assert_eq!(f.object_id, "");
    assert_eq!(f.user_principal_name, "lonely@contoso.com");
    // Nothing names a routing domain: the check is skipped with a note.
    a.target_address = None;
    let s = snap(vec![a], vec![], vec![], vec![]);
    let r = run(&s);
    assert!(r.findings.is_empty());
    assert_mentions(&r.notes, "give the routing domain as an input");
    let r = scan(
        &s,
        &ScanOptions {
            routing_domain: Some(format!("@{}", RD.to_uppercase())),
            ..ScanOptions::default()
        },
    );
    assert_eq!(r.routing_domain.as_deref(), Some(RD));
    assert_eq!(r.summary.missing_routing_address, 1);
}

#[test]
fn provisioning_errors_from_entra_and_exchange() {
    let mut c1 = entra(22, "conflict");
    c1.on_premises_provisioning_errors
        .push(OnPremisesProvisioningError {
            category: Some("PropertyConflict".to_owned()),
            property_causing_error: Some("ProxyAddresses".to_owned()),
            value: Some("smtp:conflict@contoso.com".to_owned()),
            occurred_date_time: Some("2026-11-20T09:30:00Z".to_owned()),
        });
    let exchange_error = |resolved: bool, instance: &str| ServiceProvisioningError {
        created_date_time: Some("2026-11-20T09:30:00Z".to_owned()),
        is_resolved: Some(resolved),
        service_instance: Some(instance.to_owned()),
        error_detail: Some("<ServiceInstance>...</ServiceInstance>".to_owned()),
    };
    let mut c2 = entra(23, "exoerror");
    c2.service_provisioning_errors
        .push(exchange_error(false, "exchange/namprd06-012-01"));
    let mut c3 = entra(24, "resolved");
    c3.service_provisioning_errors
        .push(exchange_error(true, "exchange/namprd06-012-01"));
    let mut c4 = entra(25, "sharepoint");
    c4.service_provisioning_errors
        .push(exchange_error(false, "SharePoint/NAM-1"));
    let s = snap(
        vec![ad(22, "conflict", T::NONE), ad(23, "exoerror", T::NONE)],
        vec![c1, c2, c3, c4],
        vec![],
        vec![],
    );
    let r = run(&s);
    assert_eq!(
        kinds(&r),
        [
            (
                FindingKind::ProvisioningError,
                Severity::High,
                "conflict@contoso.com"
            ),
            (
                FindingKind::ProvisioningError,
                Severity::High,
                "exoerror@contoso.com"
            ),
        ]
    );
    assert_eq!(
        r.findings[0].distinguished_name,
        "CN=conflict,OU=Sync,DC=contoso,DC=com"
    );
    assert_eq!(
        ev(&r.findings[0], "OnPremisesProvisioningErrors")[0]["PropertyCausingError"],
        "ProxyAddresses"
    );
    assert_eq!(
        ev(&r.findings[1], "ServiceProvisioningErrors")[0]["ServiceInstance"],
        "exchange/namprd06-012-01"
    );
}

#[test]
fn dirsync_rows_become_findings() {
    let mut a = ad(26, "phone", T::NONE);
    a.mobile = Some("+1 425 555 0101".to_owned());
    let mut c = entra(26, "phone");
    c.mobile_phone = Some("+1 206 555 0199".to_owned());
    let mut a2 = ad(27, "format", T::NONE);
    a2.mobile = Some("+1 (425) 555-0103".to_owned());
    let mut c2 = entra(27, "format");
    c2.mobile_phone = Some("+14255550103".to_owned());
    let s = snap(vec![a, a2], vec![c, c2], vec![], vec![]);
    let r = run(&s);
    assert_eq!(
        kinds(&r),
        [
            (
                FindingKind::DirSyncOverride,
                Severity::Low,
                "phone@contoso.com"
            ),
            (
                FindingKind::DirSyncOverride,
                Severity::Info,
                "format@contoso.com"
            ),
        ]
    );
    assert_eq!(ev(&r.findings[0], "MobileInAD"), "+1 425 555 0101");
    assert_eq!(ev(&r.findings[0], "MobileInEntra"), "+1 206 555 0199");
    assert_eq!(ev(&r.findings[1], "FormatOnly"), true);
    assert_eq!(r.summary.dir_sync_override, 2);
}

#[test]
fn without_exchange_data_the_exchange_checks_are_skipped_and_said_so() {
    let s = Snapshot {
        exo_recipients: None,
        exo_users: None,
        ..snap(
            vec![ad(28, "dup", T::USER_MAILBOX)],
            vec![entra(28, "dup")],
            vec![],
            vec![],
        )
    };
    let r = run(&s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_mentions(&r.notes, "No Exchange Online data");
}

#[test]
fn exchange_rows_join_by_upn_when_the_object_id_is_missing_and_soft_deleted_rows_are_ignored() {
    let mut by_upn = rec(
        29,
        "DUP2@contoso.com",
        "UserMailbox",
        cloud_mailbox_guid(29),
    );
    by_upn.external_directory_object_id = None;
    let s = snap(
        vec![ad(29, "dup2", T::USER_MAILBOX)],
        vec![entra(29, "dup2")],
        vec![by_upn],
        vec![],
    );
    assert_eq!(run(&s).summary.duplicate_mailbox, 1);
    let mut s = synced_in_cloud(30, "gone", T::USER_MAILBOX, "UserMailbox");
    for r in s.exo_recipients.iter_mut().flatten() {
        r.is_soft_deleted = true;
    }
    assert!(run(&s).findings.is_empty());
}

#[test]
fn json_shape_matches_the_contract() {
    let v = serde_json::to_value(run(&duplicate())).unwrap();
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, ["Findings", "Summary"]);
    let summary: Vec<&str> = v["Summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in FindingKind::ALL {
        assert!(summary.contains(&k.as_str()), "{k} missing in {summary:?}");
    }
    assert_eq!(v["Summary"]["DuplicateMailbox"], 1);
    assert_eq!(v["Summary"]["Total"], 1);
    let f = &v["Findings"][0];
    let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "DistinguishedName",
            "Evidence",
            "Kind",
            "ObjectId",
            "Recommendation",
            "Severity",
            "UserPrincipalName"
        ]
    );
    assert_eq!(f["Kind"], "DuplicateMailbox");
    assert_eq!(f["Severity"], "Critical");
    assert!(f["Evidence"].is_object());
    let back: ScanReport = serde_json::from_value(v).unwrap();
    assert_eq!(back.findings.len(), 1);
}

#[test]
fn findings_are_sorted_most_severe_first_and_counted() {
    let mut phone = ad(31, "aaa.phone", T::NONE);
    phone.mobile = Some("1".to_owned());
    let s = snap(
        vec![
            phone,
            ad(32, "zzz.dup", T::USER_MAILBOX),
            ad(33, "mmm.risk", T::USER_MAILBOX),
        ],
        vec![
            entra(31, "aaa.phone"),
            entra(32, "zzz.dup"),
            entra(33, "mmm.risk"),
        ],
        vec![
            rec(
                32,
                "zzz.dup@contoso.com",
                "UserMailbox",
                cloud_mailbox_guid(32),
            ),
            rec(33, "mmm.risk@contoso.com", "MailUser", mailbox_guid(33)),
        ],
        vec![exo_user(
            33,
            "mmm.risk@contoso.com",
            "MailUser",
            Some("UserMailbox"),
            false,
        )],
    );
    let r = run(&s);
    let sev: Vec<Severity> = r.findings.iter().map(|f| f.severity).collect();
    assert_eq!(sev, [Severity::Critical, Severity::High, Severity::Low]);
    assert_eq!(r.summary.total, 3);
    assert_eq!(
        FindingKind::ALL
            .iter()
            .map(|k| r.summary.count(*k))
            .sum::<usize>(),
        3
    );
    assert_eq!(r.findings_for("ZZZ.DUP@contoso.com").count(), 1);
    let mut r = r;
    r.retain(|f| f.severity >= Severity::High);
    assert_eq!(
        (
            r.summary.total,
            r.summary.dir_sync_override,
            r.summary.duplicate_mailbox
        ),
        (2, 0, 1)
    );
}

#[test]
fn kind_and_severity_names_parse() {
    for k in FindingKind::ALL {
        assert_eq!(k.as_str().to_lowercase().parse::<FindingKind>(), Ok(k));
    }
    assert_eq!("critical".parse::<Severity>(), Ok(Severity::Critical));
    assert!(
        "Urgent"
            .parse::<Severity>()
            .unwrap_err()
            .to_string()
            .contains("Info, Low")
    );
    assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
}

#[test]
fn scope_matching_is_by_whole_rdns() {
    let scope = vec!["OU=Sync,DC=contoso,DC=com".to_owned()];
    assert!(in_scope("CN=a,OU=Sync,DC=contoso,DC=com", &scope));
    assert!(in_scope("CN=a,OU=x,ou=sync,dc=contoso,dc=com", &scope));
    assert!(in_scope("OU=Sync,DC=contoso,DC=com", &scope));
    assert!(!in_scope("CN=a,OU=NoSync,DC=contoso,DC=com", &scope));
    assert!(!in_scope("CN=a,OU=Staging,DC=contoso,DC=com", &scope));
    assert!(in_scope("anything", &[]));
}
