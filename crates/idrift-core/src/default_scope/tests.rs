//! Each default-rule category, the order they are tested in, and the list lint shares.

use super::*;

fn user(dn: &str) -> OnPremUser {
    OnPremUser {
        distinguished_name: dn.to_owned(),
        ..OnPremUser::default()
    }
}

#[test]
fn the_mask_is_the_one_the_default_rule_tests() {
    assert_eq!(FILTERED_RECIPIENT_TYPE_MASK, 0x21C0_7000);
    for p in EXCHANGE_SYSTEM_MAILBOX_PREFIXES {
        assert!(WELL_KNOWN_PREFIXES.contains(p), "{p}");
    }
}

#[test]
fn each_category_is_recognised() {
    let mut critical = user("CN=Administrator,CN=Users,DC=contoso,DC=com");
    critical.critical_system_object = true;
    assert_eq!(classify(&critical), Some(NotSynced::CriticalSystemObject));

    let conflict =
        user("CN=Zoe\\0ACNF:5f3c1a0e-1b2c-4d3e-8f40-5a6b7c8d9e0f,OU=Staff,DC=contoso,DC=com");
    assert_eq!(classify(&conflict), Some(NotSynced::ConflictObject));

    let mut msol =
        user("CN=On-Premises Directory Synchronization Service Account,CN=Users,DC=contoso,DC=com");
    msol.sam_account_name = Some("MSOL_0123456789ab".to_owned());
    assert_eq!(classify(&msol), Some(NotSynced::SyncServiceAccount));
    let mut aad = user("CN=AAD_0123,CN=Users,DC=contoso,DC=com");
    aad.sam_account_name = Some("aad_0123".to_owned());
    assert_eq!(classify(&aad), Some(NotSynced::SyncServiceAccount));

    for dn in [
        "CN=SystemMailbox{1f05a927-0000-0000-0000-000000000000},CN=Users,DC=contoso,DC=com",
        "CN=DiscoverySearchMailbox {D919BA05-46A6-415f-80AD-7E09334BB852},CN=Users,DC=contoso,DC=com",
        "CN=FederatedEmail.4c1f4d8b-8179-4148-93bf-00a95fa1e042,CN=Users,DC=contoso,DC=com",
        "CN=Migration.8f3e7716-2011-43e4-96b1-aba62d229136,CN=Users,DC=contoso,DC=com",
        "CN=HealthMailbox0123456789abcdef,CN=Monitoring Mailboxes,CN=Microsoft Exchange System Objects,DC=contoso,DC=com",
        "CN=CAS_{0123},CN=Users,DC=contoso,DC=com",
    ] {
        assert_eq!(
            classify(&user(dn)),
            Some(NotSynced::ExchangeSystemMailbox),
            "{dn}"
        );
    }
    let mut support = user("CN=SUPPORT_388945a0,CN=Users,DC=contoso,DC=com");
    support.sam_account_name = Some("SUPPORT_388945a0".to_owned());
    assert_eq!(classify(&support), Some(NotSynced::ExchangeSystemMailbox));
    // Known by the UPN alone (an export without a telling CN).
    let mut health = user("CN=x,DC=contoso,DC=com");
    health.user_principal_name = Some("HealthMailboxabc@contoso.com".to_owned());
    assert_eq!(classify(&health), Some(NotSynced::ExchangeSystemMailbox));

    for t in FILTERED_RECIPIENT_TYPES {
        let mut u = user("CN=Something,OU=Exchange,DC=contoso,DC=com");
        u.recipient_type_details = Some(*t);
        assert_eq!(
            classify(&u),
            Some(NotSynced::FilteredRecipientType),
            "{t:#x}"
        );
    }
}

#[test]
fn ordinary_users_are_kept() {
    for (dn, sam, rtd) in [
        (
            "CN=Zoë Müller,OU=Zürich,DC=contoso,DC=com",
            Some("zoe"),
            Some(1),
        ),
        (
            "CN=Migration Team,OU=Staff,DC=contoso,DC=com",
            Some("migration"),
            Some(4),
        ),
        (
            "CN=Health Mailbox Owner,OU=Staff,DC=contoso,DC=com",
            None,
            Some(0x8000_0000),
        ),
        (
            "CN=Casey\\, Jo,OU=Staff,DC=contoso,DC=com",
            Some("cas_jo"),
            Some(128),
        ),
        (
            "CN=msol user,OU=Staff,DC=contoso,DC=com",
            Some("msoluser"),
            None,
        ),
    ] {
        let mut u = user(dn);
        u.sam_account_name = sam.map(str::to_owned);
        u.recipient_type_details = rtd;
        assert_eq!(classify(&u), None, "{dn}");
    }
}

#[test]
fn split_keeps_order_and_counts_each_category() {
    let mut critical = user("CN=krbtgt,CN=Users,DC=contoso,DC=com");
    critical.critical_system_object = true;
    let mut arbitration = user("CN=Arb,CN=Users,DC=contoso,DC=com");
    arbitration.recipient_type_details = Some(0x80_0000);
    let users = vec![
        user("CN=A,DC=contoso,DC=com"),
        critical,
        user("CN=SystemMailbox{x},CN=Users,DC=contoso,DC=com"),
        user("CN=HealthMailbox1,DC=contoso,DC=com"),
        arbitration,
        user("CN=B,DC=contoso,DC=com"),
    ];
    let (kept, counts) = split(users);
    let dns: Vec<&str> = kept.iter().map(|u| u.distinguished_name.as_str()).collect();
    assert_eq!(dns, ["CN=A,DC=contoso,DC=com", "CN=B,DC=contoso,DC=com"]);
    assert_eq!(
        counts,
        NotSyncedCounts {
            critical_system_object: 1,
            exchange_system_mailbox: 2,
            filtered_recipient_type: 1,
            total: 4,
            ..NotSyncedCounts::default()
        }
    );
    assert_eq!(
        counts.describe().as_deref(),
        Some(
            "4 AD user(s) not synced by default, left out of every count (critical system objects 1, \
             Exchange system mailboxes 2, filtered Exchange recipient types 1)"
        )
    );
    assert_eq!(NotSyncedCounts::default().describe(), None);
}
