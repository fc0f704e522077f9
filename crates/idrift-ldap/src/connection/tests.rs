//! Tests of transport selection, TLS set-up errors and BER helpers.

use ldap3::asn1::{PL, StructureTag, TagClass};

use super::{Transport, ber_integer, paged_cookie, tls_config, transport};
use crate::config::LdapConfig;
use crate::error::LdapError;

#[test]
fn transport_follows_the_scheme_and_allow_plaintext() {
    let t = |url: &str, plain: bool| {
        transport(&LdapConfig {
            allow_plaintext: plain,
            ..LdapConfig::new(url)
        })
    };
    assert_eq!(t("ldaps://dc1:636", false).unwrap(), Transport::Ldaps);
    assert_eq!(t("LDAPS://dc1", true).unwrap(), Transport::Ldaps);
    assert_eq!(t("ldap://dc1", false).unwrap(), Transport::StartTls);
    assert_eq!(t("ldap://dc1", true).unwrap(), Transport::Plain);
    assert_eq!(
        t("ldapi://%2Frun%2Fldapi", false).unwrap(),
        Transport::Socket
    );
    assert!(matches!(
        t("dc1:389", false),
        Err(LdapError::InvalidConfig(_))
    ));
}

#[test]
fn ca_file_problems_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let cfg = LdapConfig {
        ca_file: Some(missing.clone()),
        ..LdapConfig::new("ldaps://dc")
    };
    let err = tls_config(&cfg).unwrap_err();
    assert!(
        matches!(&err, LdapError::CaFile { path, .. } if path.contains("missing.pem")),
        "{err:?}"
    );
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let err = tls_config(&LdapConfig {
        ca_file: Some(empty),
        ..LdapConfig::new("ldaps://dc")
    })
    .unwrap_err();
    assert!(
        matches!(&err, LdapError::CaFile { message, .. } if message.contains("no PEM certificate")),
        "{err:?}"
    );
}

#[test]
fn ber_integers_are_twos_complement() {
    let int = |b: &[u8]| {
        ber_integer(&StructureTag {
            class: TagClass::Universal,
            id: 2,
            payload: PL::P(b.to_vec()),
        })
    };
    assert_eq!(int(&[0x00]), Some(0));
    assert_eq!(int(&[0x01]), Some(1));
    assert_eq!(int(&[0xff]), Some(-1));
    assert_eq!(int(&[0x00, 0x80, 0x00, 0x00, 0x01]), Some(2_147_483_649));
    assert_eq!(int(&[0x80, 0x00, 0x00, 0x06]), Some(-2_147_483_642));
    assert_eq!(int(&[]), None);
    assert_eq!(int(&[1; 9]), None);
}

#[test]
fn malformed_paged_control_is_an_error_not_a_panic() {
    let control = |val: &[u8]| {
        vec![ldap3::controls::Control(
            None,
            ldap3::controls::RawControl {
                ctype: "1.2.840.113556.1.4.319".into(),
                crit: false,
                val: Some(val.to_vec()),
            },
        )]
    };
    assert_eq!(
        paged_cookie(&control(&[0x30, 0x05, 0x02, 0x01, 0x00, 0x04, 0x00])).unwrap(),
        Vec::<u8>::new()
    );
    assert_eq!(
        paged_cookie(&control(&[0x30, 0x06, 0x02, 0x01, 0x00, 0x04, 0x01, 0x41])).unwrap(),
        b"A".to_vec()
    );
    assert!(paged_cookie(&control(&[0x30, 0x09, 0x02])).is_err());
    assert!(paged_cookie(&control(&[])).is_err());
    assert_eq!(paged_cookie(&[]).unwrap(), Vec::<u8>::new());
}
