//! Every injected fault ends in a complete result or a clear error, never a short list; retries never
//! fetch a page twice except the page that failed.

use idrift_cloud::CloudError;
use idrift_core::ports::SourceError;

use super::*;
use idrift_cloud_emulator::{Fault, FaultRule, RetryAfter};

/// 2,500 users: three pages of 999.
async fn three_pages() -> (Emulator, GraphClient) {
    let e = start().await;
    e.seed_users(2500);
    let g = graph(&e);
    (e, g)
}

/// Reads all users and checks the result is complete and each page was fetched once plus `extra`.
async fn read_complete(
    e: &Emulator,
    g: &GraphClient,
    extra_page_requests: usize,
    extra_tokens: usize,
) {
    e.clear_requests();
    let users = g
        .list_users()
        .await
        .unwrap_or_else(|err| panic!("read failed: {err}"));
    assert_eq!(users.len(), 2500, "complete");
    assert_eq!(e.pending_faults(), 0, "every fault was hit");
    assert_eq!(e.request_count("/v1.0/users"), 3 + extra_page_requests);
    assert_eq!(e.token_requests(), extra_tokens);
}

fn on_page(n: usize) -> FaultRule {
    // Page n (1-based) is the n-th GET of /v1.0/users.
    FaultRule::new(Fault::GatewayTimeout, "/v1.0/users", 1).after(n - 1)
}

#[tokio::test]
async fn throttling_with_retry_after_seconds_is_waited_out() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap(); // token cached
    e.inject(FaultRule {
        fault: Fault::Throttle(RetryAfter::Seconds(1)),
        ..on_page(2)
    });
    let started = std::time::Instant::now();
    read_complete(&e, &g, 1, 0).await;
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    let throttled = e.requests().into_iter().filter(|r| r.status == 429).count();
    assert_eq!(throttled, 1);
}

#[tokio::test]
async fn throttling_with_retry_after_as_a_date_is_waited_out() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule {
        fault: Fault::Throttle(RetryAfter::Date(2)),
        ..on_page(3)
    });
    let started = std::time::Instant::now();
    read_complete(&e, &g, 1, 0).await;
    // The date has one-second resolution: at least one second of waiting.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn service_unavailable_and_gateway_timeout_are_retried() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule {
        fault: Fault::Unavailable(RetryAfter::None),
        ..on_page(1)
    });
    e.inject(FaultRule {
        fault: Fault::Unavailable(RetryAfter::Seconds(0)),
        ..on_page(2)
    });
    e.inject(on_page(3));
    read_complete(&e, &g, 3, 0).await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule {
        fault: Fault::DropConnection,
        ..on_page(2)
    });
    read_complete(&e, &g, 1, 0).await;
}

#[tokio::test]
async fn a_body_cut_off_mid_transfer_is_retried() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule {
        fault: Fault::CutBody,
        ..on_page(2)
    });
    read_complete(&e, &g, 1, 0).await;
}

#[tokio::test]
async fn a_truncated_json_body_is_retried() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule {
        fault: Fault::TruncatedJson,
        ..on_page(3)
    });
    read_complete(&e, &g, 1, 0).await;
}

#[tokio::test]
async fn a_token_expiring_mid_read_is_refreshed_once() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule {
        fault: Fault::ExpireToken,
        ..on_page(2)
    });
    read_complete(&e, &g, 1, 1).await;
    let statuses: Vec<u16> = e.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 401, 200, 200, 200]);
}

#[tokio::test]
async fn a_token_that_keeps_being_refused_is_a_clear_error() {
    let (e, g) = three_pages().await;
    g.list_users().await.unwrap();
    e.inject(FaultRule::new(Fault::ExpireToken, "/v1.0/users", 5).after(1));
    let err = g.list_users().await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            &err,
            CloudError::Incomplete {
                page: 2,
                items: 999,
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(matches!(SourceError::from(err), SourceError::Incomplete(_)));
}

#[tokio::test]
async fn persistent_throttling_on_a_later_page_fails_the_whole_read() {
    let (e, g) = three_pages().await;
    e.inject(FaultRule::new(Fault::Throttle(RetryAfter::Seconds(0)), "skiptoken", 100).after(1));
    let err = g.list_users().await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            &err,
            CloudError::Incomplete {
                page: 3,
                items: 1998,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains("is incomplete: page 3 failed after 1998 items"),
        "{text}"
    );
    assert!(text.contains("throttled (HTTP 429) 5 times"), "{text}");
    assert!(err.is_throttled());
    assert!(matches!(SourceError::from(err), SourceError::Throttled(_)));
    // Exactly the policy's attempts on the failing page.
    assert_eq!(e.requests().iter().filter(|r| r.status == 429).count(), 5);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_fails_at_once() {
    let (e, _) = three_pages().await;
    let mut c = config(&e);
    c.retry.total_budget = Duration::from_secs(2);
    let g = GraphClient::new(&c).unwrap();
    e.inject(FaultRule {
        fault: Fault::Throttle(RetryAfter::Seconds(30)),
        ..on_page(1)
    });
    let started = std::time::Instant::now();
    let err = g.list_users().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no pointless wait"
    );
    let text = err.to_string();
    assert!(matches!(err, CloudError::Throttled { .. }), "{text}");
    assert!(text.contains("would overrun the retry budget"), "{text}");
    assert!(text.contains("30 s"), "{text}");
}

#[tokio::test]
async fn persistent_broken_bodies_are_an_error_not_a_short_list() {
    let (e, g) = three_pages().await;
    e.inject(FaultRule::new(Fault::TruncatedJson, "skiptoken", 100));
    let err = g.list_users().await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, CloudError::Incomplete { page: 2, .. }),
        "{text}"
    );
    assert!(
        text.contains("the body of page 2 is not valid JSON"),
        "{text}"
    );
    assert!(matches!(SourceError::from(err), SourceError::Incomplete(_)));

    e.clear_faults();
    e.inject(FaultRule::new(Fault::DropConnection, "skiptoken", 100));
    let err = g.list_users().await.unwrap_err();
    assert!(
        matches!(&err, CloudError::Incomplete { page: 2, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_mutation_is_not_repeated_after_a_broken_response() {
    let e = start().await;
    e.seed_users(6); // users 0 and 3 hold an E3 license
    let g = graph(&e);
    let licensed: Vec<String> = e
        .users()
        .into_iter()
        .filter(|u| !u.assigned_licenses.is_empty())
        .map(|u| u.id)
        .collect();
    assert_eq!(licensed.len(), 2);
    e.inject(FaultRule::new(Fault::CutBody, "assignLicense", 1));
    let err = g
        .remove_license(&licensed[0], idrift_cloud_emulator::E3_SKU)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("may have been applied"), "{err}");
    assert_eq!(
        e.requests()
            .iter()
            .filter(|r| r.path.ends_with("assignLicense"))
            .count(),
        1,
        "not sent twice"
    );
    assert!(
        e.user(&licensed[0]).unwrap().assigned_licenses.is_empty(),
        "the service did apply it"
    );
    // Throttling is safe to retry for any request: the service did nothing.
    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(0)),
        "assignLicense",
        1,
    ));
    g.remove_license(&licensed[1], idrift_cloud_emulator::E3_SKU)
        .await
        .unwrap();
    assert_eq!(
        e.requests()
            .iter()
            .filter(|r| r.path.ends_with("assignLicense"))
            .count(),
        3
    );
    assert!(e.user(&licensed[1]).unwrap().assigned_licenses.is_empty());
}

#[tokio::test]
async fn exchange_pages_go_through_the_same_retries() {
    let cfg = EmulatorConfig {
        exo_max_page: 100,
        ..EmulatorConfig::default()
    };
    let e = Emulator::start(cfg).await.unwrap();
    for i in 0..350 {
        e.add_exo_recipient(idrift_core::model::ExoRecipient {
            identity: Some(format!("r{i:04}")),
            recipient_type: Some("UserMailbox".into()),
            recipient_type_details: Some("UserMailbox".into()),
            ..Default::default()
        });
    }
    let c = exo_client(&e);
    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(0)),
        "skiptoken=200",
        1,
    ));
    e.inject(FaultRule::new(Fault::DropConnection, "skiptoken=300", 1));
    e.inject(FaultRule::new(Fault::ExpireToken, "skiptoken=100", 1));
    let out = c.get_recipients(false).await.unwrap();
    assert_eq!(out.items.len(), 350);
    assert_eq!(e.pending_faults(), 0);
    assert_eq!(e.request_count("/adminapi"), 4 + 3);
    assert_eq!(e.token_requests(), 2);
}

#[tokio::test]
async fn the_token_endpoint_itself_is_retried_when_throttled() {
    let e = start().await;
    e.seed_users(5);
    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(0)),
        "/oauth2/v2.0/token",
        2,
    ));
    assert_eq!(graph(&e).list_users().await.unwrap().len(), 5);
    assert_eq!(e.token_requests(), 3);
}

/// Records what the HTTP core reports.
#[derive(Default)]
struct Recorded(std::sync::Mutex<Vec<String>>);

impl idrift_core::ports::Progress for Recorded {
    fn read(&self, source: &str, pages: usize, items: usize) {
        self.0
            .lock()
            .unwrap()
            .push(format!("read {source} {pages} {items}"));
    }
    fn waiting(&self, what: &str, seconds: u64, cause: &str) {
        self.0
            .lock()
            .unwrap()
            .push(format!("wait {what} {seconds}: {cause}"));
    }
}

#[tokio::test]
async fn progress_reports_each_page_and_the_throttling_wait_with_its_cause() {
    let e = start().await;
    e.seed_users(2500);
    let recorded = Arc::new(Recorded::default());
    let mut cfg = config(&e);
    cfg.progress = idrift_core::ports::ProgressHook::new(recorded.clone());
    let g = GraphClient::new(&cfg).unwrap();
    e.inject(FaultRule {
        fault: Fault::Throttle(RetryAfter::Seconds(1)),
        ..on_page(2)
    });
    assert_eq!(g.list_users().await.unwrap().len(), 2500);
    let seen = recorded.0.lock().unwrap().clone();
    let reads: Vec<&String> = seen.iter().filter(|s| s.starts_with("read ")).collect();
    assert_eq!(reads.len(), 3, "{seen:?}");
    assert!(reads[2].ends_with(" 3 2500"), "{seen:?}");
    assert!(
        seen.iter()
            .any(|s| s.starts_with("wait ") && s.contains("Graph asked us to wait 1 s")),
        "{seen:?}"
    );
}
