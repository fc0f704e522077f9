//! Tests of the scrubbing of server replies.

use super::*;

#[test]
fn an_echoed_form_body_loses_its_secret_and_assertion() {
    let echo = "bad request: grant_type=client_credentials&client_id=abc&client_secret=S3cr3t%21xyz&scope=x \
                client_assertion=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&x=1";
    let out = scrub(echo, &[]);
    assert!(!out.contains("S3cr3t"), "{out}");
    assert!(!out.contains("eyJhbGci"), "{out}");
    assert!(out.contains("client_secret=***&scope=x"), "{out}");
    assert!(out.contains("client_id=abc"), "{out}");
}

#[test]
fn bearer_tokens_json_secrets_and_known_values_are_masked() {
    let echo = r#"{"headers":{"Authorization":"Bearer abc.def-ghi"},"client_secret" : "p\"w","note":"my-plain-secret"}"#;
    let out = scrub(echo, &["my-plain-secret", ""]);
    assert!(!out.contains("abc.def-ghi"), "{out}");
    assert!(!out.contains("p\\\"w"), "{out}");
    assert!(!out.contains("my-plain-secret"), "{out}");
    assert!(out.contains("Bearer ***"), "{out}");
    assert!(out.contains(r#""client_secret" : "***""#), "{out}");
}

#[test]
fn long_replies_are_cut_to_an_excerpt() {
    let long = "x".repeat(5000);
    let out = scrub(&long, &[]);
    assert_eq!(out.chars().count(), EXCERPT_CHARS + 1);
    assert!(out.ends_with('…'));
    assert_eq!(scrub("short", &[]), "short");
    // Multi-byte text and a dangling prefix do not panic.
    assert_eq!(scrub("é client_secret=", &[]), "é client_secret=");
    assert_eq!(scrub("eyJ", &[]), "eyJ");
}
