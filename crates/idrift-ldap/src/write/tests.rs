//! Tests of phone value comparison and RDN splitting.

use idrift_core::writes::Phones;

use super::{check_values, split_rdn, unchanged};
use crate::error::LdapError;

#[test]
fn other_mobile_compares_as_a_set() {
    let same = |a: Phones, b: Phones| unchanged(&a, &b);
    assert!(same(
        Phones::new(Some("1"), &["a", "b"]),
        Phones::new(Some("1"), &["b", "a"])
    ));
    assert!(!same(
        Phones::new(Some("1"), &["a"]),
        Phones::new(Some("1"), &["a", "a"])
    ));
    assert!(!same(Phones::new(Some("1"), &[]), Phones::new(None, &[])));
    assert!(same(Phones::new(None, &[]), Phones::default()));
}

#[test]
fn empty_and_repeated_values_are_refused() {
    assert!(check_values(&Phones::new(None, &[])).is_ok());
    assert!(matches!(
        check_values(&Phones::new(Some(" "), &[])),
        Err(LdapError::InvalidInput(_))
    ));
    assert!(matches!(
        check_values(&Phones::new(None, &["a", ""])),
        Err(LdapError::InvalidInput(_))
    ));
    assert!(matches!(
        check_values(&Phones::new(None, &["a", "a"])),
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
