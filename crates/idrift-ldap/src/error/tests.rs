//! Tests of error texts and their mapping to `SourceError`.

use idrift_core::ports::SourceError;

use super::{LdapError, bind_reason, result_name};

#[test]
fn bind_reason_decodes_ad_data_codes() {
    let text =
        "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1";
    assert!(
        bind_reason(text)
            .starts_with("invalid credentials (wrong password or unknown account) [80090308")
    );
    assert!(bind_reason("... data 775, v1db1").starts_with("account locked out"));
    assert!(bind_reason("... data 533, v1db1").starts_with("account disabled"));
    assert_eq!(bind_reason(""), "invalid credentials");
}

#[test]
fn mapping_to_source_error() {
    let bind = LdapError::Bind {
        who: "CONTOSO\\a".into(),
        message: "invalid credentials".into(),
    };
    assert_eq!(
        bind.to_string(),
        "bind as CONTOSO\\a refused: invalid credentials"
    );
    let tls = LdapError::Tls {
        url: "ldaps://dc".into(),
        message: "invalid peer certificate: UnknownIssuer".into(),
    };
    let lost = LdapError::ConnectionLost {
        op: "search",
        message: "reset".into(),
    };
    let busy = LdapError::Server {
        op: "search",
        target: "DC=x".into(),
        code: 51,
        name: result_name(51),
        message: String::new(),
    };
    let conflict = LdapError::Conflict {
        dn: "CN=a".into(),
        message: "changed".into(),
    };
    // (the LDAP error, the kind of source error it maps to)
    for (e, kind) in [
        (bind, SourceError::Unauthorized(String::new())),
        (tls, SourceError::Tls(String::new())),
        (lost, SourceError::Incomplete(String::new())),
        (busy, SourceError::Unavailable(String::new())),
        (conflict, SourceError::Conflict(String::new())),
        (
            LdapError::NotFound("x".into()),
            SourceError::NotFound(String::new()),
        ),
    ] {
        let text = e.to_string();
        let mapped = SourceError::from(e);
        assert_eq!(
            std::mem::discriminant(&mapped),
            std::mem::discriminant(&kind),
            "{text}: {mapped:?}"
        );
    }
}
