//! Tests of the HTTP core's pure parts (`Retry-After`, error bodies, status mapping) and of its retry
//! loop against plain wiremock mocks.

use std::time::Duration;

use idrift_core::ports::SourceError;
use reqwest::header::{HeaderMap, HeaderValue};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn retry_after_in_seconds_and_as_a_date() {
    assert_eq!(
        retry_after(&headers(&[("retry-after", "7")])),
        Some(Duration::from_secs(7))
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after", " 0 ")])),
        Some(Duration::ZERO)
    );
    assert_eq!(
        retry_after(&headers(&[
            ("retry-after", "Wed, 25 Nov 2026 14:30:35 GMT"),
            ("date", "Wed, 25 Nov 2026 14:30:05 GMT"),
        ])),
        Some(Duration::from_secs(30))
    );
    // A date in the past: retry at once.
    assert_eq!(
        retry_after(&headers(&[
            ("retry-after", "Wed, 25 Nov 2026 14:29:00 GMT"),
            ("date", "Wed, 25 Nov 2026 14:30:05 GMT"),
        ])),
        Some(Duration::ZERO)
    );
    assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
    assert_eq!(retry_after(&HeaderMap::new()), None);
}

#[test]
fn error_text_reads_every_documented_shape() {
    let graph = br#"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.","innerError":{"request-id":"r"}}}"#;
    assert_eq!(
        error_text(graph),
        (
            "Request_ResourceNotFound".to_owned(),
            "Resource 'x' does not exist.".to_owned()
        )
    );
    let exo_details = br#"{"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"code":"X","message":"The operation couldn't be performed."}]}}"#;
    assert_eq!(
        error_text(exo_details).1,
        "The operation couldn't be performed."
    );
    let exo_details_obj =
        br#"{"error":{"code":"BadRequest","message":"m","details":{"message":"from details"}}}"#;
    assert_eq!(error_text(exo_details_obj).1, "from details");
    let exo_inner = br#"{"error":{"code":"InternalServerError","message":"An error has occurred.","innererror":{"message":"x","internalException":{"message":"The term 'Get-X' is not recognized."}}}}"#;
    assert_eq!(
        error_text(exo_inner).1,
        "The term 'Get-X' is not recognized."
    );
    let token = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#;
    assert_eq!(
        error_text(token),
        (
            "invalid_client".to_owned(),
            "AADSTS7000215: Invalid client secret provided.".to_owned()
        )
    );
    assert_eq!(
        error_text(b"<html>Bad gateway</html>").1,
        "<html>Bad gateway</html>"
    );
    assert_eq!(error_text(b"").1, "(empty response)");
    // The raw text is not cut before scrubbing (a secret cut in half would escape the mask); the reply text
    // an error carries is.
    assert_eq!(error_text(&[b'x'; 1000]).1.len(), 1000);
    let req = get_to("http://127.0.0.1:9/x");
    assert_eq!(
        reply_text(&req, None, &[b'x'; 1000]).1.chars().count(),
        crate::scrub::EXCERPT_CHARS + 1
    );
}

/// Short delays, so the retry tests run fast.
fn policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        total_budget: Duration::from_secs(10),
        request_timeout: Duration::from_secs(5),
    }
}

fn transport(max_attempts: u32) -> Transport {
    Transport::new(policy(max_attempts), false, &[]).unwrap()
}

fn get_to(url: &str) -> Request {
    Request {
        method: Method::GET,
        url: Url::parse(url).unwrap(),
        headers: vec![],
        body: Body::None,
        idempotent: true,
        what: "GET /x".to_owned(),
        kind: Kind::Graph,
    }
}

fn get(server: &MockServer, p: &str, idempotent: bool) -> Request {
    Request {
        method: Method::GET,
        url: Url::parse(&format!("{}{p}", server.uri())).unwrap(),
        headers: vec![],
        body: Body::None,
        idempotent,
        what: format!("GET {p}"),
        kind: Kind::Graph,
    }
}

/// Answers `GET p` with `response`.
fn get_at(p: &str, response: ResponseTemplate) -> Mock {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(response)
}

/// Mounts on `server` the answer `response` to `GET p`, at most `times` times when given.
async fn mount_get(server: &MockServer, p: &str, response: ResponseTemplate, times: Option<u64>) {
    let mock = get_at(p, response);
    match times {
        Some(n) => mock.up_to_n_times(n).mount(server).await,
        None => mock.mount(server).await,
    }
}

/// A 200 answer with the body `body`.
fn ok_with(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(body)
}

/// A server that answers every request with `response`.
async fn serving(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// Sends `req` through `t` and returns the body as text.
async fn text(t: &Transport, req: &Request) -> Result<String, CloudError> {
    t.send(
        req,
        None,
        |b, _| Ok(String::from_utf8_lossy(b).into_owned()),
    )
    .await
}

/// Sends `req` through `t`, which must fail, and returns the error.
async fn fails(t: &Transport, req: &Request) -> CloudError {
    match t.send(req, None, |_, _| Ok(())).await {
        Ok(()) => panic!("{} succeeded", req.what),
        Err(e) => e,
    }
}

/// A local port nobody listens on (a listener bound and dropped).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn throttled_then_ok_is_retried_with_the_same_request() {
    let server = MockServer::start().await;
    let throttled = ResponseTemplate::new(429).insert_header("retry-after", "0");
    mount_get(&server, "/x", throttled, Some(2)).await;
    mount_get(&server, "/x", ok_with("ok"), None).await;
    let body = text(&transport(5), &get(&server, "/x", true)).await;
    assert_eq!(body.unwrap(), "ok");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn statuses_map_to_errors_without_retrying() {
    let server = MockServer::start().await;
    for (p, status) in [
        ("/nf", 404),
        ("/fb", 403),
        ("/bad", 400),
        ("/conflict", 409),
    ] {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(status).set_body_string(
                r#"{"error":{"code":"Some_Code","message":"the service's words"}}"#,
            ))
            .mount(&server)
            .await;
    }
    let t = transport(5);
    let e = fails(&t, &get(&server, "/nf", true)).await;
    assert!(matches!(e, CloudError::NotFound { .. }), "{e}");
    let e = fails(&t, &get(&server, "/fb", true)).await;
    assert!(
        matches!(e, CloudError::Forbidden { status: 403, .. }),
        "{e}"
    );
    assert!(matches!(SourceError::from(e), SourceError::Unauthorized(_)));
    let e = fails(&t, &get(&server, "/bad", true)).await;
    assert_eq!(
        e.to_string(),
        "GET /bad: HTTP 400 Some_Code: the service's words"
    );
    assert!(matches!(SourceError::from(e), SourceError::Refused(_)));
    let e = fails(&t, &get(&server, "/conflict", true)).await;
    assert!(matches!(SourceError::from(e), SourceError::Conflict(_)));
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_cause_is_reported() {
    let server = serving(
        ResponseTemplate::new(503)
            .set_body_string(r#"{"error":{"code":"x","message":"down for maintenance"}}"#),
    )
    .await;
    let e = fails(&transport(3), &get(&server, "/busy", true)).await;
    assert_eq!(
        e.to_string(),
        "GET /busy failed after 3 attempts: HTTP 503: down for maintenance"
    );
    assert!(matches!(SourceError::from(e), SourceError::Unavailable(_)));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_broken_body_is_retried_only_when_the_request_is_idempotent() {
    let server = serving(ok_with("{\"value\":[")).await;
    let t = transport(3);
    let parse = |b: &[u8], _: &HeaderMap| {
        serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string())
    };
    let e = t
        .send(&get(&server, "/j", true), None, parse)
        .await
        .unwrap_err();
    assert!(matches!(e, CloudError::InvalidResponse { .. }), "{e}");
    assert!(e.to_string().contains("on each of 3 attempts"), "{e}");
    let e = t
        .send(&get(&server, "/j", false), None, parse)
        .await
        .unwrap_err();
    assert!(matches!(e, CloudError::InvalidResponse { .. }), "{e}");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_as_unavailable() {
    let port = closed_port();
    let req = Request {
        method: Method::POST,
        url: Url::parse(&format!("http://127.0.0.1:{port}/x")).unwrap(),
        headers: vec![],
        body: Body::Json(b"{}".to_vec()),
        idempotent: false,
        what: "POST /x".to_owned(),
        kind: Kind::Graph,
    };
    let e = fails(&transport(2), &req).await;
    let text = e.to_string();
    assert!(
        matches!(e, CloudError::Unavailable { attempts: 2, .. }),
        "{text}"
    );
    assert!(!text.contains("http://"), "no URL in the message: {text}");
}

/// The error of the read `what` whose page `page` failed with `source` after `items` items.
fn incomplete(what: &str, page: usize, items: usize, source: CloudError) -> CloudError {
    CloudError::Incomplete {
        what: what.into(),
        page,
        items,
        source: Box::new(source),
    }
}

#[test]
fn incomplete_maps_to_throttled_or_incomplete() {
    let source = CloudError::Throttled {
        what: "GET /v1.0/users".into(),
        attempts: 8,
        retry_after_secs: Some(30),
    };
    let throttled = incomplete("GET /v1.0/users", 3, 1998, source);
    assert_eq!(
        throttled.to_string(),
        "GET /v1.0/users is incomplete: page 3 failed after 1998 items had been read, so nothing is returned: \
         GET /v1.0/users was throttled (HTTP 429) 8 times; gave up (the service last asked to wait 30 s)"
    );
    assert!(matches!(
        SourceError::from(throttled),
        SourceError::Throttled(_)
    ));
    let source = CloudError::Unavailable {
        what: "w".into(),
        attempts: 8,
        detail: "connection reset".into(),
    };
    let broken = incomplete("w", 2, 999, source);
    assert!(matches!(
        SourceError::from(broken),
        SourceError::Incomplete(_)
    ));
}

fn token_request(server: &MockServer) -> Request {
    Request {
        method: Method::POST,
        url: Url::parse(&format!("{}/tenant/oauth2/v2.0/token", server.uri())).unwrap(),
        headers: vec![],
        body: Body::Form(SecretString::from(
            "grant_type=client_credentials&client_id=app&client_secret=Hunter2-Very-Secret&scope=s"
                .to_owned(),
        )),
        idempotent: true,
        what: "the token request".to_owned(),
        kind: Kind::Token,
    }
}

#[tokio::test]
async fn the_token_request_never_follows_a_redirect() {
    let hostile = serving(ok_with("{}")).await;
    let server = serving(
        ResponseTemplate::new(307).insert_header("location", format!("{}/steal", hostile.uri())),
    )
    .await;
    let err = fails(&transport(1), &token_request(&server)).await;
    assert!(
        matches!(err, CloudError::Redirected { status: 307, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("307"), "{text}");
    assert!(
        text.contains(&hostile.address().to_string()),
        "names the Location host: {text}"
    );
    assert!(!text.contains("Hunter2"), "{text}");
    assert!(hostile.received_requests().await.unwrap().is_empty());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "not re-posted"
    );
}

#[tokio::test]
async fn an_echoing_token_server_cannot_put_the_secret_into_the_error() {
    let server = serving(ResponseTemplate::new(400).set_body_string(
        r#"{"error":"invalid_request","error_description":"you sent client_secret=Hunter2-Very-Secret and Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig plus Hunter2-Very-Secret"}"#,
    ))
    .await;
    let err = fails(&transport(1), &token_request(&server))
        .await
        .to_string();
    assert!(!err.contains("Hunter2"), "{err}");
    assert!(!err.contains("eyJhbGci"), "{err}");
    assert!(err.contains("invalid_request"), "{err}");
}

#[tokio::test]
async fn graph_follows_no_redirect_to_another_host_or_to_plain_http() {
    let other = serving(ok_with("stolen")).await;
    let server =
        serving(ResponseTemplate::new(302).insert_header("location", format!("{}/x", other.uri())))
            .await;
    let err = text(&transport(1), &get(&server, "/x", true))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("302"), "{err}");
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[test]
fn redirects_are_allowed_only_to_https_on_the_same_host_or_a_named_host() {
    let from = Url::parse("https://graph.microsoft.com/v1.0/users").unwrap();
    let named = ["graph.microsoft.us".to_owned()];
    let ok = |to: &str| redirect_allowed(&from, &Url::parse(to).unwrap(), &named);
    assert!(ok("https://graph.microsoft.com/v1.0/users?page=2"));
    assert!(ok("https://GRAPH.microsoft.us/v1.0/users"));
    assert!(!ok("http://graph.microsoft.com/v1.0/users"));
    assert!(!ok("http://graph.microsoft.us/v1.0/users"));
    assert!(!ok("https://evil.example/v1.0/users"));
    assert!(!ok("https://graph.microsoft.com:8443/v1.0/users"));
    // A loopback emulator over http may redirect within its own origin, and nowhere else.
    let emu = Url::parse("http://127.0.0.1:8080/v1.0/users").unwrap();
    let ok = |to: &str| redirect_allowed(&emu, &Url::parse(to).unwrap(), &[]);
    assert!(ok("http://127.0.0.1:8080/v1.0/users?page=2"));
    assert!(!ok("http://127.0.0.1:8081/x"));
    assert!(!ok("http://10.0.0.1:8080/x"));
}

#[tokio::test]
async fn graph_follows_a_redirect_within_its_own_origin() {
    let server = MockServer::start().await;
    let moved = ResponseTemplate::new(301).insert_header("location", "/new");
    mount_get(&server, "/old", moved, None).await;
    mount_get(&server, "/new", ok_with("moved"), None).await;
    let body = text(&transport(1), &get(&server, "/old", true)).await;
    assert_eq!(body.unwrap(), "moved");
}

#[test]
fn a_graph_error_that_echoes_the_bearer_token_does_not_show_it() {
    let req = get_to("https://graph.microsoft.com/v1.0/users");
    let token = SecretString::from("tok-plain-1234567".to_owned());
    let body =
        br#"{"error":{"code":"Echo","message":"you sent tok-plain-1234567 as Authorization"}}"#;
    let text = status_error(&req, Some(&token), StatusCode::BAD_REQUEST, body).to_string();
    assert!(!text.contains("tok-plain"), "{text}");
    assert!(
        text.contains("Echo: you sent *** as Authorization"),
        "{text}"
    );
}

#[test]
fn every_delay_is_capped_at_its_documented_maximum() {
    let policy = RetryPolicy::default();
    // Jitter can push a backoff past max_backoff (a 96.6 s wait was seen against a 60 s maximum).
    let mut overshooting = std::iter::once(Duration::from_millis(96_600));
    assert_eq!(
        next_delay(&policy, None, &mut overshooting),
        policy.max_backoff
    );
    let mut any = std::iter::repeat(Duration::from_secs(1));
    assert_eq!(
        next_delay(&policy, Some(Duration::from_secs(3600)), &mut any),
        MAX_RETRY_AFTER
    );
    assert_eq!(
        next_delay(&policy, Some(Duration::from_secs(7)), &mut any),
        Duration::from_secs(7)
    );
    assert_eq!(policy.total_budget, Duration::from_secs(60));
}

#[tokio::test]
async fn a_refused_connection_fails_after_three_tries() {
    let req = get_to(&format!("http://127.0.0.1:{}/x", closed_port()));
    let started = std::time::Instant::now();
    let e = fails(&transport(8), &req).await;
    assert!(
        matches!(e, CloudError::Unavailable { attempts: 3, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("no connection on 3 tries"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5), "fails fast");
}

#[tokio::test]
async fn the_total_deadline_bounds_a_hanging_attempt() {
    let server = serving(
        ResponseTemplate::new(200)
            .set_body_string("late")
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let policy = RetryPolicy {
        total_budget: Duration::from_millis(500),
        request_timeout: Duration::from_secs(30),
        ..policy(1)
    };
    let t = Transport::new(policy, false, &[]).unwrap();
    let started = std::time::Instant::now();
    let e = fails(&t, &get(&server, "/x", true)).await;
    assert!(matches!(e, CloudError::Unavailable { .. }), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3), "{e}");
}
