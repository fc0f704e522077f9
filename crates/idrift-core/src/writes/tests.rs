//! Tests of the write-port values: directory comparison of phone values and user keys.

use super::*;

#[test]
fn blank_mobile_is_absent() {
    assert!(Phones::new(Some("  "), &[]).same_values(&Phones::new(None, &[])));
    assert!(Phones::new(Some(""), &[""]).is_empty());
    assert!(!Phones::new(Some("1"), &[]).same_values(&Phones::new(None, &[])));
}

#[test]
fn other_mobile_is_a_set() {
    assert!(Phones::new(None, &["a", "b"]).same_values(&Phones::new(None, &["b", "a", "a", " "])));
    assert!(!Phones::new(None, &["a", "b"]).same_values(&Phones::new(None, &["a"])));
}

#[test]
fn mobile_is_exact_text() {
    assert!(
        !Phones::new(Some("+1 803 555 1212"), &[])
            .same_values(&Phones::new(Some("8035551212"), &[]))
    );
}

#[test]
fn normalized_drops_blanks_and_repeats_keeping_order() {
    let n = Phones::new(Some(" "), &["b", "", "a", "b"]).normalized();
    assert_eq!(n, Phones::new(None, &["b", "a"]));
}

#[test]
fn display_names_both_attributes() {
    assert_eq!(
        Phones::new(Some("1"), &["2", "3"]).to_string(),
        "mobile=1 otherMobile=2;3"
    );
    assert_eq!(
        Phones::new(None, &[]).to_string(),
        "mobile=(none) otherMobile=(none)"
    );
}

#[test]
fn phones_serialize_in_journal_shape() {
    let json = serde_json::to_value(Phones::new(Some("1"), &["2"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"Mobile": "1", "OtherMobile": ["2"]})
    );
    let back: Phones = serde_json::from_value(serde_json::json!({"Mobile": null})).unwrap();
    assert_eq!(back, Phones::default());
}

#[test]
fn user_key_matches_case_insensitively() {
    let guid: Guid = "0b9ea9e5-3e39-4d6f-8f4e-6c1d2d3e4f50".parse().unwrap();
    let user = OnPremUser {
        distinguished_name: "CN=Tim,OU=Users,DC=example,DC=com".to_owned(),
        user_principal_name: Some("Tim@Example.com".to_owned()),
        object_guid: Some(guid),
        ..OnPremUser::default()
    };
    assert!(UserKey::Upn("tim@example.COM".to_owned()).matches(&user));
    assert!(UserKey::Dn("cn=tim,ou=users,dc=example,dc=com".to_owned()).matches(&user));
    assert!(UserKey::ObjectGuid(guid).matches(&user));
    assert!(!UserKey::Upn("other@example.com".to_owned()).matches(&user));
    assert!(!UserKey::ObjectGuid(Guid::from_bytes_le([0; 16])).matches(&user));
}
