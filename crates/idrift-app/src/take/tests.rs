//! Tests of applying AD changes to a snapshot's users, and of the state binding.

use idrift_core::guid::Guid;
use idrift_core::model::OnPremUser;
use idrift_ldap::{AdChanges, ChangeState, DeletedObject};

use super::{SinceReport, apply_changes, check_binding, file_digest, write_hashed};
use crate::AppError;

fn user(n: u8, mobile: &str) -> OnPremUser {
    OnPremUser {
        distinguished_name: format!("CN=u{n},OU=People,DC=contoso,DC=test"),
        object_guid: Some(Guid::from_bytes([n; 16])),
        mobile: Some(mobile.to_owned()),
        ..OnPremUser::default()
    }
}

#[test]
fn changes_replace_add_and_remove_by_object_guid_keeping_the_order() {
    let mut users = vec![user(1, "+1"), user(2, "+2"), user(3, "+3"), user(4, "+4")];
    let mut moved = user(4, "+4");
    moved.distinguished_name = "CN=u4,OU=Elsewhere,DC=contoso,DC=test".to_owned();
    let changes = AdChanges {
        full: false,
        changed: vec![user(5, "+5"), user(2, "+22")],
        deleted: vec![DeletedObject {
            object_guid: Guid::from_bytes([3; 16]),
            dn: "CN=u3\\0ADEL:x,CN=Deleted Objects,DC=contoso,DC=test".to_owned(),
            last_known_parent: None,
        }],
        out_of_scope: vec![moved],
    };
    let report = apply_changes(&mut users, &changes);
    assert_eq!(
        report,
        SinceReport {
            full: false,
            added: 1,
            updated: 1,
            removed: 2,
            ad_users: 0,
        }
    );
    let mobiles: Vec<_> = users.iter().map(|u| u.mobile.clone().unwrap()).collect();
    assert_eq!(mobiles, ["+1", "+22", "+5"]);
}

#[test]
fn a_user_without_object_guid_is_kept_and_nothing_changes_for_no_changes() {
    let mut no_guid = user(9, "+9");
    no_guid.object_guid = None;
    let mut users = vec![user(1, "+1"), no_guid.clone()];
    let before = users.clone();
    let report = apply_changes(&mut users, &AdChanges::default());
    assert_eq!(report, SinceReport::default());
    assert_eq!(users, before);
}

#[test]
fn the_state_must_be_bound_to_the_file_it_is_used_with() {
    let dir = tempfile::tempdir().unwrap();
    let ad = dir.path().join("ad.ldif");
    let digest = write_hashed(&ad, &[user(1, "+1")], None).unwrap();
    assert_eq!(
        digest,
        file_digest(&ad).unwrap(),
        "the digest is of the bytes written"
    );
    assert!(
        digest.starts_with("sha256:") && digest.len() == 7 + 64,
        "{digest}"
    );

    let state = dir.path().join("ad-changes.state");
    let text = |bound: &str| {
        format!(
            "idrift-ad-changes-state: 1\nnaming-context: DC=contoso,DC=test\ncookie: AAEC\n{bound}"
        )
    };
    std::fs::write(&state, text(&format!("bound-to: {digest}\n"))).unwrap();
    check_binding(&ChangeState::open(&state).unwrap(), &ad).unwrap();

    std::fs::write(&ad, b"version: 1\n\ndn: CN=edited,DC=contoso,DC=test\n").unwrap();
    let err = check_binding(&ChangeState::open(&state).unwrap(), &ad).unwrap_err();
    assert!(
        matches!(&err, AppError::Parse { path, message } if message.contains("changed since the change state") && path.ends_with("ad.ldif")),
        "{err}"
    );
    std::fs::write(&state, text("")).unwrap();
    let err = check_binding(&ChangeState::open(&state).unwrap(), &ad).unwrap_err();
    assert!(
        matches!(&err, AppError::Parse { message, .. } if message.contains("bound to no snapshot")),
        "{err}"
    );
}
