//! Tests of the error mapping at the write-port seam (the requests themselves are tested against the
//! cloud emulator).

use super::*;

#[test]
fn the_synced_phone_refusal_is_the_one_plain_sentence() {
    let e = phone_error(CloudError::SyncedPhoneBlocked {
        user: "a@b.c".to_owned(),
    });
    assert_eq!(e, SourceError::Refused(SYNCED_PHONE_REFUSAL.to_owned()));
}

#[test]
fn other_phone_errors_keep_their_port_meaning() {
    let e = phone_error(CloudError::NotFound {
        what: "PATCH /users/x".to_owned(),
        message: "gone".to_owned(),
    });
    assert!(matches!(e, SourceError::NotFound(_)), "{e:?}");
}
