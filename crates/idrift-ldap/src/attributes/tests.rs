//! Tests of the attribute mapping shared by the LDIF and LDAP readers.

use std::borrow::Cow;

use idrift_core::model::OnPremUser;

use super::{Applied, Attr, READ_ATTRIBUTES, apply};

#[test]
fn every_read_attribute_maps_back_to_itself() {
    for name in READ_ATTRIBUTES {
        let attr = Attr::from_name(name.as_bytes()).unwrap();
        assert_eq!(attr.ldap_name(), name);
        assert_eq!(
            Attr::from_name(name.to_ascii_uppercase().as_bytes()),
            Some(attr)
        );
    }
    assert_eq!(Attr::from_name(b"objectClass"), None);
    assert_eq!(Attr::from_name(b"mobil"), None);
}

#[test]
fn binary_guid_is_little_endian() {
    let mut u = OnPremUser::default();
    let bytes: [u8; 16] = [
        0xc6, 0x3d, 0x20, 0xce, 0xe5, 0xac, 0x60, 0x48, 0xa8, 0xdb, 0x94, 0x18, 0xe3, 0x84, 0x45,
        0x0c,
    ];
    apply(&mut u, Attr::ObjectGuid, Cow::Borrowed(&bytes)).unwrap();
    assert_eq!(
        u.object_guid.unwrap().to_string(),
        "ce203dc6-ace5-4860-a8db-9418e384450c"
    );
    apply(
        &mut u,
        Attr::MailboxGuid,
        Cow::Owned(b"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".to_vec()),
    )
    .unwrap();
    assert_eq!(
        u.mailbox_guid.unwrap().to_string(),
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    );
    let err = apply(&mut u, Attr::ConsistencyGuid, Cow::Borrowed(&bytes[..15])).unwrap_err();
    assert_eq!(
        err,
        "mS-DS-ConsistencyGuid must be a 16-byte GUID, found 15 bytes"
    );
}

#[test]
fn large_and_32_bit_integers() {
    let read = |attr: Attr, text: &[u8]| {
        let mut u = OnPremUser::default();
        apply(&mut u, attr, Cow::Borrowed(text)).map(|_| u)
    };
    let u = read(Attr::RecipientTypeDetails, b"8589934592").unwrap();
    assert_eq!(u.recipient_type_details, Some(8_589_934_592));
    // The unsigned and the signed spelling of the same 32-bit value.
    for text in [&b"2147483654"[..], b"-2147483642"] {
        let u = read(Attr::RecipientDisplayType, text).unwrap();
        assert_eq!(u.recipient_display_type, Some(-2_147_483_642), "{text:?}");
    }
    let err = read(Attr::RemoteRecipientType, b"four").unwrap_err();
    assert!(err.contains("decimal integer"), "{err}");
    let err = read(Attr::RecipientDisplayType, b"4294967296").unwrap_err();
    assert!(err.contains("32 bits"), "{err}");
}

#[test]
fn single_valued_keeps_first_and_multi_valued_appends() {
    let mut u = OnPremUser::default();
    assert_eq!(
        apply(&mut u, Attr::Mobile, Cow::Borrowed(b"+1 1")).unwrap(),
        Applied::Stored
    );
    assert_eq!(
        apply(&mut u, Attr::Mobile, Cow::Borrowed(b"+1 2")).unwrap(),
        Applied::Repeated
    );
    assert_eq!(u.mobile.as_deref(), Some("+1 1"));
    apply(&mut u, Attr::OtherMobile, Cow::Borrowed(b"a")).unwrap();
    apply(&mut u, Attr::OtherMobile, Cow::Borrowed(b"b")).unwrap();
    assert_eq!(u.other_mobile, ["a", "b"]);
    assert!(
        apply(&mut u, Attr::Mail, Cow::Borrowed(&[0xff, 0xfe]))
            .unwrap_err()
            .contains("UTF-8")
    );
}
