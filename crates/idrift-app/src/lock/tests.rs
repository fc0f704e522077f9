//! Tests of the target lock: a second holder is refused with the lock file and the holder's PID, the lock
//! is released on drop, and stale temporary files are swept.

use std::time::Duration;

use super::*;

#[test]
fn a_second_run_is_refused_naming_the_lock_file_and_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join(DIR_LOCK_FILE);
    let first = acquire(&lock, &[], Duration::ZERO).unwrap();
    assert_eq!(first.path(), lock);
    let err = acquire(&lock, &[], Duration::from_millis(250)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(&lock.display().to_string()), "{msg}");
    assert!(
        msg.contains(&format!("PID {}", std::process::id())),
        "{msg}"
    );
    drop(first);
    acquire(&lock, &[], Duration::ZERO).unwrap();
}

#[test]
fn a_waiting_run_gets_the_lock_when_the_holder_lets_go() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("x.lock");
    let first = acquire(&lock, &[], Duration::ZERO).unwrap();
    let waiter = {
        let lock = lock.clone();
        std::thread::spawn(move || acquire(&lock, &[], Duration::from_secs(10)).map(|_| ()))
    };
    // Let the waiter try at least once before the holder lets go.
    let (_tx, rx) = std::sync::mpsc::channel::<()>();
    let _ = rx.recv_timeout(Duration::from_millis(300));
    drop(first);
    waiter.join().unwrap().unwrap();
}

#[test]
fn stale_partial_files_of_the_target_are_swept_and_others_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("ad.ldif");
    std::fs::write(&target, "version: 1\n").unwrap();
    let stale = tmp.path().join(".ad.ldif.partial-999999");
    let other = tmp.path().join(".entra-users.json.partial-999999");
    std::fs::write(&stale, "half").unwrap();
    std::fs::write(&other, "half").unwrap();
    let _l = acquire(
        &file_lock_path(&target),
        std::slice::from_ref(&target),
        Duration::ZERO,
    )
    .unwrap();
    assert!(!stale.exists());
    assert!(other.exists());
    assert!(target.exists());
    assert_eq!(file_lock_path(&target), tmp.path().join(".ad.ldif.lock"));
}
