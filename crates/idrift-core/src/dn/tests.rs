//! Tests of the distinguished-name helpers.

use super::{same_dn, split_dn};

#[test]
fn distinguished_names_split_and_compare_like_ad() {
    assert_eq!(
        split_dn("CN=Doe\\, Jane,OU=Sync,DC=contoso,DC=com"),
        ("CN=Doe\\, Jane", "OU=Sync,DC=contoso,DC=com")
    );
    assert_eq!(split_dn("DC=com"), ("DC=com", ""));
    assert!(same_dn(
        "CN=A, OU=Sync,DC=Contoso,DC=com",
        "cn=a,ou=sync,dc=contoso,dc=com"
    ));
    assert!(!same_dn("CN=A,OU=Sync,DC=x", "CN=A,OU=NoSync,DC=x"));
}
