//! Tests of the directory-synchronization control encoding, the response parser and the state file.

use super::{
    NOTHING, State, parse_response, read_state, request_control, strip_extended_dn, write_state,
};
use crate::error::LdapError;

#[test]
fn request_control_is_critical_and_ber_encoded() {
    let c = request_control(b"");
    assert_eq!(c.ctype, "1.2.840.113556.1.4.841");
    assert!(c.crit);
    // SEQUENCE { INTEGER 1, INTEGER 0x100000, OCTET STRING "" }
    assert_eq!(
        c.val.unwrap(),
        [
            0x30, 0x0a, 0x02, 0x01, 0x01, 0x02, 0x03, 0x10, 0x00, 0x00, 0x04, 0x00
        ]
    );
    let cookie = vec![0xab; 200];
    let v = request_control(&cookie).val.unwrap();
    assert_eq!(&v[..3], [0x30, 0x81, 0xd3]);
    assert_eq!(&v[v.len() - 200..], cookie.as_slice());
}

#[test]
fn response_parser_reads_more_flag_and_cookie() {
    let val = [
        0x30, 0x0a, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x04, 0x02, 0x4d, 0x53,
    ];
    assert_eq!(parse_response(&val), Some((true, b"MS".to_vec())));
    let done = [0x30, 0x08, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x04, 0x00];
    assert_eq!(parse_response(&done), Some((false, Vec::new())));
    assert_eq!(parse_response(&val[..5]), None);
    assert_eq!(parse_response(&[]), None);
}

#[test]
fn extended_dn_prefixes_are_removed() {
    assert_eq!(
        strip_extended_dn("<GUID=77fb1a4b-1df8>;OU=x,DC=y"),
        "OU=x,DC=y"
    );
    assert_eq!(
        strip_extended_dn("<GUID=a>;<SID=S-1-5>;OU=x,DC=y"),
        "OU=x,DC=y"
    );
    assert_eq!(strip_extended_dn("OU=x,DC=y"), "OU=x,DC=y");
    assert_eq!(strip_extended_dn("<broken"), "<broken");
}

#[test]
fn state_file_round_trips_and_is_replaced_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad-changes.state");
    assert_eq!(read_state(&path).unwrap(), None);
    let state = State {
        naming_context: "DC=contoso,DC=test".into(),
        cookie: vec![0, 1, 2, 255],
        bound_to: None,
    };
    write_state(&path, &state).unwrap();
    assert_eq!(read_state(&path).unwrap(), Some(state.clone()));
    let newer = State {
        cookie: vec![9; 144],
        bound_to: Some("sha256:00ff".into()),
        ..state
    };
    write_state(&path, &newer).unwrap();
    assert_eq!(read_state(&path).unwrap(), Some(newer));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn bad_state_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    for text in [
        "",
        "idrift-ad-changes-state: 1\ncookie: AAAA\n",
        "idrift-ad-changes-state: 1\nnaming-context: DC=x\ncookie: !!\n",
        "garbage",
    ] {
        std::fs::write(&path, text).unwrap();
        assert!(
            matches!(read_state(&path), Err(LdapError::StateFile { .. })),
            "{text:?}"
        );
    }
    let missing_dir = dir.path().join("no/such/dir/state");
    let state = State {
        naming_context: "DC=x".into(),
        cookie: vec![1],
        bound_to: None,
    };
    assert!(matches!(
        write_state(&missing_dir, &state),
        Err(LdapError::StateFile { .. })
    ));
}

#[test]
fn the_match_nothing_filter_is_the_nil_guid() {
    assert!(ldap3::parse_filter(NOTHING).is_ok());
    assert_eq!(
        NOTHING,
        format!(
            "(objectGUID={})",
            idrift_core::guid::Guid::NIL.ldap_filter_value()
        )
    );
}

#[test]
fn a_pending_state_is_stored_only_by_commit_with_its_binding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad-changes.state");
    let opened = super::ChangeState::open(&path).unwrap();
    assert!(opened.is_first());
    assert_eq!(opened.bound_to(), None);
    let pending = super::PendingState {
        path: path.clone(),
        state: State {
            naming_context: "DC=x".into(),
            cookie: vec![7, 7],
            bound_to: None,
        },
    };
    assert!(!path.exists(), "nothing is stored before commit");
    pending.commit(Some("sha256:abc")).unwrap();
    let again = super::ChangeState::open(&path).unwrap();
    assert!(!again.is_first());
    assert_eq!(again.bound_to(), Some("sha256:abc"));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("bound-to: sha256:abc\n")
    );
}
