//! Tests of user references and the filters they become.

use idrift_core::guid::Guid;

use super::{UserRef, and_user_filter, guid_filter, upn_filter};

#[test]
fn parse_tells_guid_dn_and_upn_apart() {
    let g: Guid = "ce203dc6-ace5-4860-a8db-9418e384450c".parse().unwrap();
    assert_eq!(
        UserRef::parse("ce203dc6-ace5-4860-a8db-9418e384450c"),
        UserRef::ObjectGuid(g)
    );
    assert_eq!(
        UserRef::parse("{CE203DC6-ACE5-4860-A8DB-9418E384450C}"),
        UserRef::ObjectGuid(g)
    );
    assert_eq!(
        UserRef::parse(" CN=Alice,DC=contoso,DC=test "),
        UserRef::Dn("CN=Alice,DC=contoso,DC=test".into())
    );
    assert_eq!(
        UserRef::parse("alice@contoso.test"),
        UserRef::Upn("alice@contoso.test".into())
    );
    assert_eq!(
        UserRef::parse("*)(objectClass=*"),
        UserRef::Dn("*)(objectClass=*".into())
    );
}

#[test]
fn upn_values_are_escaped() {
    assert_eq!(
        upn_filter("*)(objectClass=*"),
        "(&(&(objectCategory=person)(objectClass=user))(userPrincipalName=\\2a\\29\\28objectClass=\\2a))"
    );
    assert_eq!(
        upn_filter("a\\b\0"),
        "(&(&(objectCategory=person)(objectClass=user))(userPrincipalName=a\\5cb\\00))"
    );
}

#[test]
fn guid_filter_escapes_every_byte_in_stored_order() {
    let g: Guid = "ce203dc6-ace5-4860-a8db-9418e384450c".parse().unwrap();
    assert_eq!(
        guid_filter(&g),
        "(objectGUID=\\c6\\3d\\20\\ce\\e5\\ac\\60\\48\\a8\\db\\94\\18\\e3\\84\\45\\0c)"
    );
}

#[test]
fn extra_filter_gets_parentheses() {
    let base = "(&(objectCategory=person)(objectClass=user))";
    assert_eq!(and_user_filter(None), base);
    assert_eq!(and_user_filter(Some("  ")), base);
    assert_eq!(
        and_user_filter(Some("department=Sales")),
        format!("(&{base}(department=Sales))")
    );
    assert_eq!(
        and_user_filter(Some("(|(a=1)(b=2))")),
        format!("(&{base}(|(a=1)(b=2)))")
    );
}
