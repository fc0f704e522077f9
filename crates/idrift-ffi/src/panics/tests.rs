//! Tests of the panic guard: a panic becomes a status-2 response, and the thread stays usable.

use super::*;

fn decode(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap()
}

#[test]
fn a_text_panic_becomes_an_internal_error_with_its_location() {
    let (status, body) = guard(|| panic!("boom {}", 7));
    assert_eq!(status, Status::Internal);
    let v = decode(&body);
    assert_eq!(v["Err"]["Kind"], "Internal");
    let message = v["Err"]["Message"].as_str().unwrap();
    assert!(message.contains("boom 7"), "{message}");
    assert!(message.contains("panics/tests.rs"), "{message}");
}

#[test]
fn a_non_text_panic_is_reported_too() {
    let (status, body) = guard(|| std::panic::panic_any(5_u8));
    assert_eq!(status, Status::Internal);
    let message = decode(&body)["Err"]["Message"].as_str().unwrap().to_owned();
    assert!(message.contains("not text"), "{message}");
}

#[test]
fn the_guard_passes_results_through_and_leaves_the_thread_unowned() {
    let (status, body) = guard(|| (Status::Ok, b"{}".to_vec()));
    assert_eq!((status, body.as_slice()), (Status::Ok, &b"{}"[..]));
    assert!(!on_owned_thread());
    let _ = guard(|| panic!("x"));
    assert!(!on_owned_thread());
}
