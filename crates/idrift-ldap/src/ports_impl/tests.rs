//! Tests of the conversions at the write-port seam (the writes themselves are tested against Samba).

use idrift_core::Guid;

use super::*;

#[test]
fn keys_become_the_same_lookups() {
    let g = Guid::from_bytes_le([7; 16]);
    assert_eq!(
        user_ref(&UserKey::Upn("a@b.c".to_owned())),
        UserRef::Upn("a@b.c".to_owned())
    );
    assert_eq!(
        user_ref(&UserKey::Dn("CN=a,DC=b".to_owned())),
        UserRef::Dn("CN=a,DC=b".to_owned())
    );
    assert_eq!(user_ref(&UserKey::ObjectGuid(g)), UserRef::ObjectGuid(g));
}

#[test]
fn an_ambiguous_upn_is_invalid_data_and_a_conflict_stays_a_conflict() {
    let e = port_error(LdapError::Ambiguous {
        who: "with UPN \"a\"".to_owned(),
        count: 2,
    });
    assert!(matches!(e, SourceError::InvalidData(_)), "{e:?}");
    let e = port_error(LdapError::Conflict {
        dn: "CN=a".to_owned(),
        message: "changed".to_owned(),
    });
    assert!(matches!(e, SourceError::Conflict(_)), "{e:?}");
}
