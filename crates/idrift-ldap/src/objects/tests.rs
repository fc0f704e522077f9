//! Unit tests of the generic object read: an attribute returned in ranges is an error, not a short list.

use super::*;

#[test]
fn an_attribute_in_ranges_is_refused_naming_the_object() {
    let obj = RawObject {
        dn: "CN=Big Group,OU=G,DC=x".to_owned(),
        attrs: vec![("member;range=0-1499".to_owned(), vec![b"CN=a".to_vec()])],
    };
    let err = check_range(&obj).unwrap_err().to_string();
    assert!(err.contains("CN=Big Group"), "{err}");
    assert!(err.contains("range"), "{err}");
    let fine = RawObject {
        dn: "CN=u".to_owned(),
        attrs: vec![("userCertificate;binary".to_owned(), vec![vec![1, 2]])],
    };
    assert!(check_range(&fine).is_ok());
}
