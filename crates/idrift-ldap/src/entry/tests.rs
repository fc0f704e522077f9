//! Tests of entry decoding: byte-exact values, ranges refused, malformed entries as errors.

use ldap3::asn1::{PL, StructureTag, TagClass};

use super::decode;
use crate::error::LdapError;

fn prim(id: u64, bytes: &[u8]) -> StructureTag {
    StructureTag {
        class: TagClass::Universal,
        id,
        payload: PL::P(bytes.to_vec()),
    }
}

fn cons(id: u64, items: Vec<StructureTag>) -> StructureTag {
    StructureTag {
        class: TagClass::Universal,
        id,
        payload: PL::C(items),
    }
}

fn attr(name: &str, values: &[&[u8]]) -> StructureTag {
    cons(
        16,
        vec![
            prim(4, name.as_bytes()),
            cons(17, values.iter().map(|v| prim(4, v)).collect()),
        ],
    )
}

fn entry(dn: &str, attrs: Vec<StructureTag>) -> StructureTag {
    StructureTag {
        class: TagClass::Application,
        id: 4,
        payload: PL::C(vec![prim(4, dn.as_bytes()), cons(16, attrs)]),
    }
}

#[test]
fn binary_values_are_bytes_whatever_they_look_like() {
    let utf8_guid = *b"0123456789abcdef";
    let binary_guid = [
        0xc6, 0x3d, 0x20, 0xce, 0xe5, 0xac, 0x60, 0x48, 0xa8, 0xdb, 0x94, 0x18, 0xe3, 0x84, 0x45,
        0x0c,
    ];
    let tag = entry(
        "CN=A,DC=x",
        vec![
            attr("OBJECTGUID", &[&binary_guid]),
            attr("msExchMailboxGuid;binary", &[&utf8_guid]),
            attr("proxyAddresses", &[b"SMTP:a@x", b"smtp:b@x"]),
            attr("cn", &[b"A"]),
        ],
    );
    let user = decode(tag).unwrap().into_user(None).unwrap();
    assert_eq!(
        user.object_guid.unwrap().to_string(),
        "ce203dc6-ace5-4860-a8db-9418e384450c"
    );
    assert_eq!(user.mailbox_guid.unwrap().to_bytes_le(), utf8_guid);
    assert_eq!(user.proxy_addresses, ["SMTP:a@x", "smtp:b@x"]);
}

#[test]
fn ranged_values_are_refused() {
    let tag = entry(
        "CN=A,DC=x",
        vec![attr("proxyAddresses;range=0-1499", &[b"smtp:a@x"])],
    );
    let err = decode(tag).unwrap().into_user(None).unwrap_err();
    assert!(
        matches!(&err, LdapError::InvalidData { message, .. } if message.contains("range retrieval")),
        "{err:?}"
    );
}

#[test]
fn malformed_entries_are_errors() {
    let no_attrs = StructureTag {
        class: TagClass::Application,
        id: 4,
        payload: PL::C(vec![prim(4, b"CN=A")]),
    };
    assert!(matches!(
        decode(no_attrs),
        Err(LdapError::InvalidData { .. })
    ));
    assert!(decode(prim(4, b"x")).is_err());
    let bad_value = entry(
        "CN=A",
        vec![cons(
            16,
            vec![prim(4, b"mail"), cons(17, vec![cons(16, vec![])])],
        )],
    );
    assert!(decode(bad_value).is_err());
    let bad_guid = entry("CN=A", vec![attr("objectGUID", &[b"short"])]);
    assert!(decode(bad_guid).unwrap().into_user(None).is_err());
}
