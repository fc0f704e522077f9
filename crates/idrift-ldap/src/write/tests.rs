//! Tests of phone value comparison and RDN splitting.

use super::{PhoneValues, check_values, split_rdn};
use crate::error::LdapError;

fn phones(mobile: Option<&str>, other: &[&str]) -> PhoneValues {
    PhoneValues {
        mobile: mobile.map(str::to_owned),
        other_mobile: other.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn other_mobile_compares_as_a_set() {
    assert!(phones(Some("1"), &["a", "b"]).same_as(&phones(Some("1"), &["b", "a"])));
    assert!(!phones(Some("1"), &["a"]).same_as(&phones(Some("1"), &["a", "a"])));
    assert!(!phones(Some("1"), &[]).same_as(&phones(None, &[])));
    assert!(phones(None, &[]).same_as(&PhoneValues::default()));
}

#[test]
fn empty_and_repeated_values_are_refused() {
    assert!(check_values(&phones(None, &[])).is_ok());
    assert!(matches!(
        check_values(&phones(Some(" "), &[])),
        Err(LdapError::InvalidInput(_))
    ));
    assert!(matches!(
        check_values(&phones(None, &["a", ""])),
        Err(LdapError::InvalidInput(_))
    ));
    assert!(matches!(
        check_values(&phones(None, &["a", "a"])),
        Err(LdapError::InvalidInput(_))
    ));
}

#[test]
fn rdn_split_honours_escapes() {
    assert_eq!(split_rdn("CN=A,OU=Sync,DC=x"), ("CN=A", "OU=Sync,DC=x"));
    assert_eq!(
        split_rdn("CN=Anders\\, Alice,OU=Sync,DC=x"),
        ("CN=Anders\\, Alice", "OU=Sync,DC=x")
    );
    assert_eq!(split_rdn("CN=Back\\\\,OU=Sync"), ("CN=Back\\\\", "OU=Sync"));
    assert_eq!(split_rdn("DC=x"), ("DC=x", ""));
}
