//! Tests of the progress registry: a call's record, its token, and its end.

use super::*;

#[test]
fn a_registered_call_reports_and_is_forgotten_when_it_ends() {
    let reg = register(Some("t-1")).unwrap();
    hook().get().read("GET /users", 2, 200);
    hook()
        .get()
        .waiting("GET /users", 3, "Graph asked us to wait 3 s");
    let s = snapshot("t-1").unwrap();
    assert_eq!(s.seq, 2);
    assert_eq!(s.read.as_ref().unwrap().items, 200);
    assert_eq!(s.waiting.as_ref().unwrap().seconds, 3);
    // Another source's read during the wait does not end it: the wait lasts its length.
    hook().get().read("Active Directory", 1, 3);
    let s = snapshot("t-1").unwrap();
    assert_eq!(s.waiting.as_ref().unwrap().seconds, 3);
    assert_eq!(s.read.as_ref().unwrap().source, "Active Directory");
    hook()
        .get()
        .waiting("GET /users", 0, "Graph asked us to wait 0 s");
    hook().get().step(1, 4, "a@contoso.test");
    let s = snapshot("t-1").unwrap();
    assert!(s.waiting.is_none(), "a wait of 0 s is over");
    assert_eq!(s.seq, 6, "its end counts as an event");
    assert_eq!(s.step.unwrap().total, 4);
    drop(reg);
    assert!(snapshot("t-1").is_none());
    // The thread's hook reports nowhere again.
    hook().get().read("x", 1, 1);
    assert!(snapshot("t-1").is_none());
}

#[test]
fn tokens_are_checked() {
    assert!(register(Some(&"x".repeat(MAX_TOKEN_LEN + 1))).is_err());
    let _a = register(Some("t-2")).unwrap();
    let e = std::thread::spawn(|| register(Some("t-2")).map(|_| ()))
        .join()
        .unwrap()
        .unwrap_err();
    assert!(e.contains("still running"), "{e}");
    let none = register(None).unwrap();
    drop(none);
}
