//! Secrets never show: not in `Debug` output, not in error text, not in any log line (captured at TRACE
//! level across a read with faults); certificate authentication works and is refused clearly.

use idrift_cloud::{CloudError, Credential, SecretString};

use super::*;
use idrift_cloud_emulator::{
    Fault, FaultRule, OTHER_APP_CERT_AND_KEY_PEM, RetryAfter, TEST_APP_CERT_AND_KEY_PEM,
    TEST_APP_CERT_AND_PKCS1_KEY_PEM,
};

/// The base64 body of the private key in a PEM, in lines (any of which must never appear).
fn key_lines(pem: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in pem.lines() {
        if line.contains("PRIVATE KEY-----") {
            inside = line.starts_with("-----BEGIN");
            continue;
        }
        if inside && line.len() > 20 {
            out.push(line.to_owned());
        }
    }
    out
}

fn assert_clean(text: &str, secret: &str, tokens: &[String]) {
    assert!(!text.contains(secret), "the client secret leaked:\n{text}");
    for t in tokens {
        assert!(
            !text.contains(t.as_str()),
            "an access token leaked:\n{text}"
        );
    }
    for l in key_lines(TEST_APP_CERT_AND_KEY_PEM) {
        assert!(!text.contains(&l), "private key material leaked");
    }
    assert!(
        !text.contains("client_assertion="),
        "a client assertion leaked:\n{text}"
    );
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let e = start().await;
    let secret = e.config().client_secret.unwrap();
    let mut c = config(&e);
    let text = format!("{c:?} {:?} {:?}", graph(&e), exo_client(&e));
    assert_clean(&text, &secret, &[]);
    assert!(text.contains("REDACTED"), "{text}");
    c.credential = Credential::Certificate {
        pem: SecretString::from(TEST_APP_CERT_AND_KEY_PEM),
    };
    let text = format!("{c:?} {:?}", GraphClient::new(&c).unwrap());
    assert_clean(&text, &secret, &[]);
    assert!(text.contains("x5t#S256"), "{text}");
}

#[tokio::test]
async fn no_secret_or_token_in_any_log_line() {
    let (logs, _guard) = capture_logs();
    let e = start().await;
    e.seed_users(2500);
    let secret = e.config().client_secret.unwrap();
    let g = graph(&e);
    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(0)),
        "skiptoken",
        1,
    ));
    e.inject(FaultRule::new(Fault::ExpireToken, "/v1.0/users", 1).after(2));
    e.inject(FaultRule::new(Fault::DropConnection, "/v1.0/users", 1).after(1));
    assert_eq!(g.list_users().await.unwrap().len(), 2500);
    let text = logs.text();
    assert!(
        text.contains("retrying"),
        "the retries were logged:\n{text}"
    );
    assert!(
        text.contains("x-ms-throttle-scope="),
        "throttling headers are logged at debug:\n{text}"
    );
    let tokens = e.issued_tokens();
    assert_eq!(tokens.len(), 2);
    assert_clean(&text, &secret, &tokens);
}

#[tokio::test]
async fn no_secret_in_error_text() {
    let e = start().await;
    let mut c = config(&e);
    let wrong = "wrong-secret-Qx7~this-must-not-leak";
    c.credential = Credential::Secret(SecretString::from(wrong));
    let err = GraphClient::new(&c)
        .unwrap()
        .list_users()
        .await
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, CloudError::Auth(_)), "{text}");
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(!text.contains(wrong), "{text}");
    let source = idrift_core::ports::SourceError::from(err);
    assert!(matches!(
        source,
        idrift_core::ports::SourceError::Unauthorized(_)
    ));
    assert!(!source.to_string().contains(wrong));
}

#[tokio::test]
async fn certificate_authentication_works_with_pkcs8_and_pkcs1_keys() {
    let e = start().await;
    e.seed_users(3);
    for pem in [TEST_APP_CERT_AND_KEY_PEM, TEST_APP_CERT_AND_PKCS1_KEY_PEM] {
        let mut c = config(&e);
        c.credential = Credential::Certificate {
            pem: SecretString::from(pem),
        };
        assert_eq!(
            GraphClient::new(&c)
                .unwrap()
                .list_users()
                .await
                .unwrap()
                .len(),
            3
        );
    }
    // Each token request carried a fresh assertion (the emulator refuses a reused jti).
    assert_eq!(e.token_requests(), 2);
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_clearly() {
    let e = start().await;
    let mut c = config(&e);
    c.credential = Credential::Certificate {
        pem: SecretString::from(OTHER_APP_CERT_AND_KEY_PEM),
    };
    let err = GraphClient::new(&c)
        .unwrap()
        .list_users()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, CloudError::Auth(_)), "{text}");
    assert!(
        text.contains("AADSTS700027") && text.contains("x5t#S256"),
        "{text}"
    );
    for l in key_lines(OTHER_APP_CERT_AND_KEY_PEM) {
        assert!(!text.contains(&l));
    }
}

#[tokio::test]
async fn unusable_certificate_files_fail_before_any_request() {
    let e = start().await;
    let mut c = config(&e);
    let cert_only: String = TEST_APP_CERT_AND_KEY_PEM
        .split("-----BEGIN PRIVATE KEY-----")
        .next()
        .unwrap()
        .to_owned();
    for (pem, expect) in [
        (cert_only.as_str(), "no PRIVATE KEY"),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "CERTIFICATE",
        ),
        ("not a pem", "no CERTIFICATE block"),
    ] {
        c.credential = Credential::Certificate {
            pem: SecretString::from(pem),
        };
        let err = GraphClient::new(&c).unwrap_err();
        assert!(matches!(err, CloudError::Config(_)), "{err}");
        assert!(err.to_string().contains(expect), "{err}");
    }
    let encrypted = format!(
        "{cert_only}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
    );
    c.credential = Credential::Certificate {
        pem: SecretString::from(encrypted),
    };
    assert!(
        GraphClient::new(&c)
            .unwrap_err()
            .to_string()
            .contains("encrypted")
    );
    assert!(e.requests().is_empty());
}

#[tokio::test]
async fn the_request_log_keeps_no_credentials() {
    let e = start().await;
    e.seed_users(2);
    graph(&e).list_users().await.unwrap();
    let secret = e.config().client_secret.unwrap();
    let dump = format!("{:?}", e.requests());
    assert_clean(&dump, &secret, &e.issued_tokens());
}
