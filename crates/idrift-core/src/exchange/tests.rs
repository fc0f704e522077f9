//! Tests of the recipient type codecs and the routing-domain detection.

use super::*;

#[test]
fn every_named_flag_round_trips_through_name_and_integer() {
    for (value, name) in RTD_NAMES {
        let t = RecipientTypeDetails::from_bits(value);
        assert_eq!(t.name(), Some(name));
        assert_eq!(t.to_string(), name);
        assert_eq!(RecipientTypeDetails::parse(name), Ok(t));
        assert_eq!(RecipientTypeDetails::parse(&value.to_string()), Ok(t));
        assert!(value.is_power_of_two(), "{name} is a single bit");
    }
}

#[test]
fn large_integer_values_of_the_reference_table() {
    assert_eq!(
        RecipientTypeDetails::REMOTE_USER_MAILBOX.bits(),
        2_147_483_648
    );
    assert_eq!(
        RecipientTypeDetails::REMOTE_SHARED_MAILBOX.bits(),
        34_359_738_368
    );
    assert_eq!(
        RecipientTypeDetails::GUEST_MAIL_USER.bits(),
        35_184_372_088_832
    );
    assert_eq!(
        RecipientTypeDetails::from_i64(2_147_483_648),
        RecipientTypeDetails::REMOTE_USER_MAILBOX
    );
    assert_eq!(
        "remoteusermailbox".parse::<RecipientTypeDetails>(),
        Ok(RecipientTypeDetails::REMOTE_USER_MAILBOX)
    );
}

#[test]
fn several_flags_print_and_parse_as_a_list() {
    let t = RecipientTypeDetails::from_bits(1 | 4);
    assert_eq!(t.to_string(), "UserMailbox, SharedMailbox");
    assert_eq!(
        t.names().collect::<Vec<_>>(),
        ["UserMailbox", "SharedMailbox"]
    );
    assert_eq!(t.name(), None);
    assert_eq!(
        RecipientTypeDetails::parse("UserMailbox, SharedMailbox"),
        Ok(t)
    );
    assert_eq!(
        RecipientTypeDetails::parse("UserMailbox|SharedMailbox"),
        Ok(t)
    );
}

#[test]
fn unnamed_bits_print_as_the_number() {
    let t = RecipientTypeDetails::from_bits(1 << 50);
    assert_eq!(t.to_string(), (1u64 << 50).to_string());
    assert_eq!(RecipientTypeDetails::NONE.to_string(), "0");
}

#[test]
fn unknown_names_are_errors_naming_the_part() {
    let e = RecipientTypeDetails::parse("UserMailbox, Mailboxx").unwrap_err();
    assert!(e.to_string().contains("\"Mailboxx\""), "{e}");
    assert_eq!(
        RecipientTypeDetails::lenient(Some("nonsense")),
        RecipientTypeDetails::NONE
    );
    assert_eq!(
        RecipientTypeDetails::lenient(None),
        RecipientTypeDetails::NONE
    );
}

#[test]
fn mailbox_classes() {
    use RecipientTypeDetails as T;
    let local = [
        T::USER_MAILBOX,
        T::LINKED_MAILBOX,
        T::SHARED_MAILBOX,
        T::ROOM_MAILBOX,
        T::EQUIPMENT_MAILBOX,
    ];
    let remote = [
        T::REMOTE_USER_MAILBOX,
        T::REMOTE_SHARED_MAILBOX,
        T::REMOTE_ROOM_MAILBOX,
        T::REMOTE_EQUIPMENT_MAILBOX,
    ];
    for (types, is_local) in [(&local[..], true), (&remote[..], false)] {
        for t in types {
            assert_eq!(t.is_mailbox(), is_local, "{t}");
            assert_eq!(t.is_remote_mailbox(), !is_local, "{t}");
        }
    }
    assert!(T::USER_MAILBOX.is_user_mailbox());
    assert!(
        !T::SHARED_MAILBOX.is_user_mailbox(),
        "a shared mailbox is not a user mailbox"
    );
    assert!(T::SHARED_MAILBOX.is_shared() && T::REMOTE_SHARED_MAILBOX.is_shared());
    assert!(T::REMOTE_ROOM_MAILBOX.is_resource() && T::EQUIPMENT_MAILBOX.is_resource());
    assert!(T::MAIL_USER.is_mail_user() && T::GUEST_MAIL_USER.is_mail_user());
    for t in [
        T::ARBITRATION_MAILBOX,
        T::DISCOVERY_MAILBOX,
        T::GROUP_MAILBOX,
        T::PUBLIC_FOLDER_MAILBOX,
        T::REMOTE_GROUP_MAILBOX,
        T::MAIL_USER,
        T::USER,
    ] {
        assert!(
            !t.is_mailbox() && !t.is_remote_mailbox(),
            "{t} is no user's mailbox"
        );
    }
}

#[test]
fn serde_uses_names_and_accepts_integers() {
    let t = RecipientTypeDetails::REMOTE_USER_MAILBOX;
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"RemoteUserMailbox\"");
    assert_eq!(
        serde_json::from_str::<RecipientTypeDetails>("2147483648").unwrap(),
        t
    );
    assert_eq!(
        serde_json::from_str::<RecipientTypeDetails>("\"RemoteUserMailbox\"").unwrap(),
        t
    );
    assert!(serde_json::from_str::<RecipientTypeDetails>("\"Bogus\"").is_err());
}

#[test]
fn remote_recipient_type_names() {
    assert_eq!(RemoteRecipientType::from_i64(0).to_string(), "None");
    assert_eq!(
        RemoteRecipientType::from_i64(1).to_string(),
        "ProvisionMailbox"
    );
    assert_eq!(RemoteRecipientType::from_i64(4).to_string(), "Migrated");
    assert_eq!(
        RemoteRecipientType::from_i64(6).to_string(),
        "ProvisionArchive, Migrated"
    );
    assert_eq!(
        RemoteRecipientType::from_i64(100).to_string(),
        "Migrated, SharedMailbox"
    );
    assert_eq!(
        RemoteRecipientType::from_i64(36).to_string(),
        "Migrated, RoomMailbox"
    );
    assert!(RemoteRecipientType::from_i64(100).contains(RemoteRecipientType::SHARED_MAILBOX));
    assert!(!RemoteRecipientType::from_i64(36).contains(RemoteRecipientType::SHARED_MAILBOX));
    assert!(RemoteRecipientType::from_i64(4).is_migrated());
    assert_eq!(RemoteRecipientType::from_i64(1024).to_string(), "1024");
}

#[test]
fn display_type_accepts_both_signed_forms() {
    let signed = RecipientDisplayType::from_i64(-2_147_483_642).unwrap();
    let unsigned = RecipientDisplayType::from_i64(2_147_483_654).unwrap();
    assert_eq!(signed, unsigned);
    assert_eq!(signed.value(), -2_147_483_642);
    assert_eq!(signed.to_string(), "SyncedMailboxUser");
    assert!(signed.is_synced_mailbox());
    assert_eq!(RecipientDisplayType::from_i32(6).to_string(), "MailUser");
    assert_eq!(RecipientDisplayType::from_i32(42).to_string(), "42");
    assert_eq!(RecipientDisplayType::from_i64(1 << 33), None);
}

#[test]
fn smtp_address_parsing() {
    assert_eq!(smtp_address("SMTP:a@contoso.com"), Some("a@contoso.com"));
    assert_eq!(smtp_address("smtp:a@contoso.com"), Some("a@contoso.com"));
    assert_eq!(smtp_address("Smtp: a@contoso.com "), Some("a@contoso.com"));
    assert_eq!(smtp_address("a@contoso.com"), Some("a@contoso.com"));
    assert_eq!(smtp_address("x500:/o=Org/cn=a"), None);
    assert_eq!(smtp_address("SIP:a@contoso.com"), None);
    assert_eq!(smtp_address("no address"), None);
    assert_eq!(domain_of("a@b.c"), Some("b.c"));
    assert_eq!(local_part("a@b.c"), Some("a"));
    assert_eq!(domain_of("a@"), None);
    assert!(same_address("A@Contoso.com", " a@contoso.COM"));
}

#[test]
fn routing_domain_recognition() {
    assert!(is_routing_domain("contoso.mail.onmicrosoft.com"));
    assert!(is_routing_domain("Contoso.MAIL.onmicrosoft.com"));
    assert!(!is_routing_domain("contoso.onmicrosoft.com"));
    assert!(!is_routing_domain(".mail.onmicrosoft.com"));
    assert!(!is_routing_domain("contoso.com"));
}

fn ad(proxies: &[&str], target: Option<&str>) -> OnPremUser {
    OnPremUser {
        proxy_addresses: proxies.iter().map(|s| (*s).to_owned()).collect(),
        target_address: target.map(str::to_owned),
        ..OnPremUser::default()
    }
}

fn cloud(upn: &str, proxies: &[&str]) -> CloudUser {
    CloudUser {
        user_principal_name: Some(upn.to_owned()),
        proxy_addresses: proxies.iter().map(|s| (*s).to_owned()).collect(),
        ..CloudUser::default()
    }
}

#[test]
fn routing_domain_is_the_most_used_in_ad() {
    let on_prem = [
        ad(
            &["SMTP:a@contoso.com", "smtp:a@contoso.mail.onmicrosoft.com"],
            Some("SMTP:a@contoso.mail.onmicrosoft.com"),
        ),
        ad(
            &["SMTP:b@contoso.com"],
            Some("SMTP:b@Contoso.Mail.Onmicrosoft.com"),
        ),
        ad(&["smtp:c@fabrikam.mail.onmicrosoft.com"], None),
    ];
    assert_eq!(
        detect_routing_domain(&on_prem, &[], None).as_deref(),
        Some("contoso.mail.onmicrosoft.com")
    );
}

#[test]
fn routing_domain_falls_back_to_cloud_then_initial_domain() {
    let c = [cloud(
        "x@contoso.com",
        &["SMTP:x@contoso.com", "smtp:x@tailspin.mail.onmicrosoft.com"],
    )];
    assert_eq!(
        detect_routing_domain(&[ad(&["SMTP:x@contoso.com"], None)], &c, None).as_deref(),
        Some("tailspin.mail.onmicrosoft.com")
    );
    let exo = [ExoRecipient {
        email_addresses: vec!["smtp:y@woodgrove.mail.onmicrosoft.com".to_owned()],
        ..ExoRecipient::default()
    }];
    assert_eq!(
        detect_routing_domain(&[], &[], Some(&exo)).as_deref(),
        Some("woodgrove.mail.onmicrosoft.com")
    );
    let c = [
        cloud("admin@litware.onmicrosoft.com", &[]),
        cloud("u@litware.com", &["SMTP:u@litware.com"]),
    ];
    assert_eq!(
        detect_routing_domain(&[], &c, None).as_deref(),
        Some("litware.mail.onmicrosoft.com")
    );
    assert_eq!(
        detect_routing_domain(&[ad(&["SMTP:x@contoso.com"], None)], &[], None),
        None
    );
}

#[test]
fn routing_domain_votes_are_bounded_on_hostile_input() {
    let on_prem: Vec<OnPremUser> = (0..500)
        .map(|i| ad(&[&format!("smtp:u@t{i}.mail.onmicrosoft.com")], None))
        .chain((0..3).map(|_| ad(&["smtp:u@t1.mail.onmicrosoft.com"], None)))
        .collect();
    assert_eq!(
        detect_routing_domain(&on_prem, &[], None).as_deref(),
        Some("t1.mail.onmicrosoft.com")
    );
}
