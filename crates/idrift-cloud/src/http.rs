//! The one HTTP core under Graph and Exchange Online: bounded, jittered retries with `Retry-After`, a
//! time budget per request, token refresh on a rejected token, TLS through rustls on `ring`, and a
//! paged read in which every page goes through the same retries.
//!
//! Retried: 429, 503 and 504 (honouring `Retry-After` in seconds or as an HTTP-date, measured against the
//! response's `Date`), connection failures, and, for requests that are safe to repeat, timeouts, broken
//! bodies and success bodies that are not the expected JSON. A 401 on a bearer request drops the cached
//! token and retries once with a new one. When the attempts or the budget run out, the request fails
//! with the last cause; a paged read then fails as a whole ([`CloudError::Incomplete`]), never short.
//! Throttling headers (`x-ms-throttle-*`, `x-ms-resource-unit`, `Retry-After`, `Rate-Limit-*`) are
//! logged at debug level; request bodies and `Authorization` headers are never logged.
//!
//! Secrets: the token request follows no redirect (a 3xx is an error naming the status and the
//! `Location`'s origin, and the client secret is never re-posted); Graph and Exchange Online follow one only
//! to https on the same host, or to a host the configuration names. Every error text built from a server's
//! reply is scrubbed of the request's secrets and cut to a short excerpt ([`crate::scrub`]).

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use url::Url;

use crate::auth::TokenSource;
use crate::clock;
use crate::config::{CloudConfig, RetryPolicy};
use crate::error::CloudError;
use crate::graph::{parse_base, scope_for};
use crate::snapshot::de::{Item, PageMeta, read_slice};

/// A request body.
pub(crate) enum Body {
    None,
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`; it may hold a client secret or assertion, hence wrapped.
    Form(SecretString),
}

/// Who answers: decides how an error response is read.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Token,
    Graph,
    Exo { cmdlet: String },
}

/// One request, as sent on every attempt.
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// Extra headers (never secrets).
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    /// Whether sending it twice is harmless (reads, PATCH with the same value); only then are timeouts
    /// and broken responses retried. A request that never left (connection refused) is always retried.
    pub(crate) idempotent: bool,
    /// For messages: `GET /users`, `Get-Recipient`, ...
    pub(crate) what: String,
    pub(crate) kind: Kind,
}

/// The reqwest clients plus the retry policy.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    /// For Graph and Exchange Online: follows a redirect only where [`redirect_allowed`] says.
    client: reqwest::Client,
    /// For the token request: follows no redirect, so the client secret is never re-posted elsewhere.
    token_client: reqwest::Client,
    retry: RetryPolicy,
    /// Where paged reads and retry waits are reported.
    progress: idrift_core::ports::ProgressHook,
    /// The service's name in progress reports ("Graph", "Exchange Online").
    service: &'static str,
}

/// The most redirects one Graph or Exchange Online request follows.
const MAX_REDIRECTS: usize = 5;

/// The longest a `Retry-After` makes a request wait before one attempt (the documented maximum).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Attempts while the connection is refused: a service that is not listening fails fast (3 tries in
/// about 2 s), not after the whole retry budget.
const REFUSED_ATTEMPTS: u32 = 3;

/// The wait between attempts while the connection is refused.
const REFUSED_DELAY: Duration = Duration::from_secs(1);

/// Why the last attempt failed, kept to build the final error.
enum Last {
    Throttled(Option<Duration>),
    Status(String),
    Connection(String),
    Body(String),
}

impl Transport {
    /// Builds the HTTP clients (rustls with the `ring` provider; certificate checks on unless `danger`).
    /// `redirect_hosts` are the hosts besides a request's own that a Graph or Exchange redirect may reach.
    pub(crate) fn new(
        retry: RetryPolicy,
        danger_accept_invalid_certs: bool,
        redirect_hosts: &[String],
    ) -> Result<Transport, CloudError> {
        // reqwest is built with `rustls-no-provider`: install ring as the process default unless the host
        // application installed another provider first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let hosts = redirect_hosts.to_vec();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            let allowed = attempt.previous().len() <= MAX_REDIRECTS
                && attempt
                    .previous()
                    .first()
                    .is_some_and(|from| redirect_allowed(from, attempt.url(), &hosts));
            if allowed {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let build = |policy: reqwest::redirect::Policy| {
            reqwest::Client::builder()
                .tls_backend_rustls()
                .tls_danger_accept_invalid_certs(danger_accept_invalid_certs)
                .connect_timeout(Duration::from_secs(30))
                .pool_idle_timeout(Duration::from_secs(60))
                .user_agent(concat!("idrift/", env!("CARGO_PKG_VERSION")))
                .redirect(policy)
                .build()
                .map_err(|e| {
                    CloudError::Config(format!("cannot build the HTTP client: {}", chain(&e)))
                })
        };
        Ok(Transport {
            client: build(policy)?,
            token_client: build(reqwest::redirect::Policy::none())?,
            retry,
            progress: idrift_core::ports::ProgressHook::default(),
            service: "the service",
        })
    }

    /// Reports paged reads and retry waits to `progress`, naming the service `service`.
    pub(crate) fn with_progress(
        mut self,
        progress: idrift_core::ports::ProgressHook,
        service: &'static str,
    ) -> Transport {
        self.progress = progress;
        self.service = service;
        self
    }

    /// Sends `req` until it succeeds and `parse` accepts the body, or the retries run out.
    ///
    /// `auth` is the token source and scope for a bearer request. `parse` sees the body and headers of a
    /// 2xx response; its `Err` is a broken body (retried when the request is idempotent).
    pub(crate) async fn send<T>(
        &self,
        req: &Request,
        auth: Option<(&TokenSource, &str)>,
        mut parse: impl FnMut(&[u8], &HeaderMap) -> Result<T, String>,
    ) -> Result<T, CloudError> {
        let policy = &self.retry;
        let deadline = Instant::now() + policy.total_budget;
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(policy.initial_backoff)
            .with_max_delay(policy.max_backoff)
            .with_jitter()
            .without_max_times()
            .build();
        let mut attempt: u32 = 0;
        let mut refused: u32 = 0;
        let mut token_refreshed = false;
        loop {
            attempt += 1;
            let token = match auth {
                Some((tokens, scope)) => Some(tokens.get(self, scope).await?),
                None => None,
            };
            let rb = self.request_builder(req, token.as_ref(), deadline);
            let (last, hint) = match rb.send().await.map_err(reqwest::Error::without_url) {
                Err(e) => {
                    if let Some(tls) = tls_error(&e) {
                        return Err(CloudError::Tls {
                            what: req.what.clone(),
                            detail: tls,
                        });
                    }
                    if !(e.is_connect() || req.idempotent) {
                        return Err(CloudError::Unavailable {
                            what: req.what.clone(),
                            attempts: attempt,
                            detail: format!(
                                "{} (not retried: the request may have reached the service)",
                                chain(&e)
                            ),
                        });
                    }
                    if e.is_connect() {
                        refused += 1;
                        if refused >= REFUSED_ATTEMPTS {
                            return Err(final_error(
                                req,
                                attempt,
                                Last::Connection(chain(&e)),
                                &format!(
                                    " (no connection on {refused} tries; not retried further)"
                                ),
                            ));
                        }
                        (
                            Last::Connection(chain(&e)),
                            Some(REFUSED_DELAY.min(policy.max_backoff)),
                        )
                    } else {
                        (Last::Connection(chain(&e)), None)
                    }
                }
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    if status.is_redirection() {
                        return Err(redirect_error(req, status, resp.url(), &headers));
                    }
                    log_throttling(&req.what, status, &headers);
                    let body = resp.bytes().await.map_err(reqwest::Error::without_url);
                    match (status, body) {
                        (s, Err(e)) if s.is_success() && !req.idempotent => {
                            return Err(CloudError::Unavailable {
                                what: req.what.clone(),
                                attempts: attempt,
                                detail: format!(
                                    "the response was cut off ({}); the change may have been applied",
                                    chain(&e)
                                ),
                            });
                        }
                        (_, Err(e)) => (
                            Last::Connection(format!("the response was cut off: {}", chain(&e))),
                            None,
                        ),
                        (s, Ok(body)) if s.is_success() => match parse(&body, &headers) {
                            Ok(v) => return Ok(v),
                            Err(detail) if req.idempotent => {
                                (Last::Body(scrub_text(req, token.as_ref(), &detail)), None)
                            }
                            Err(detail) => {
                                return Err(CloudError::InvalidResponse {
                                    what: req.what.clone(),
                                    detail: scrub_text(req, token.as_ref(), &detail),
                                });
                            }
                        },
                        (StatusCode::UNAUTHORIZED, Ok(body)) => {
                            if let (Some((tokens, scope)), Some(t), false) =
                                (auth, &token, token_refreshed)
                            {
                                tracing::debug!(what = %req.what, "token rejected (401); getting a new one");
                                tokens.invalidate(scope, t).await;
                                token_refreshed = true;
                                continue;
                            }
                            return Err(status_error(req, token.as_ref(), status, &body));
                        }
                        (StatusCode::TOO_MANY_REQUESTS, Ok(_)) => {
                            let wait = retry_after(&headers);
                            (Last::Throttled(wait), wait)
                        }
                        (
                            StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT,
                            Ok(body),
                        ) => {
                            let (_, message) = reply_text(req, token.as_ref(), &body);
                            let detail = format!("HTTP {}: {message}", status.as_u16());
                            (Last::Status(detail), retry_after(&headers))
                        }
                        (_, Ok(body)) => {
                            return Err(status_error(req, token.as_ref(), status, &body));
                        }
                    }
                }
            };
            if let Some(e) = self
                .wait(req, attempt, deadline, hint, &mut backoff, last)
                .await
            {
                return Err(e);
            }
        }
    }

    /// One attempt's request: the client for its kind (the token client for a token request), a timeout
    /// that the total deadline bounds, the headers, the bearer token and the body.
    fn request_builder(
        &self,
        req: &Request,
        token: Option<&SecretString>,
        deadline: Instant,
    ) -> reqwest::RequestBuilder {
        let policy = &self.retry;
        let client = match req.kind {
            Kind::Token => &self.token_client,
            Kind::Graph | Kind::Exo { .. } => &self.client,
        };
        let mut rb = client
            .request(req.method.clone(), req.url.clone())
            // The total deadline bounds each attempt too, so a hanging service cannot overrun it.
            .timeout(
                policy
                    .request_timeout
                    .min(deadline.saturating_duration_since(Instant::now()))
                    .max(Duration::from_millis(1)),
            );
        for (name, value) in &req.headers {
            rb = rb.header(*name, value);
        }
        if let Some(t) = token {
            rb = rb.header(AUTHORIZATION, format!("Bearer {}", t.expose_secret()));
        }
        match &req.body {
            Body::None => rb,
            Body::Json(bytes) => rb
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Form(form) => rb
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form.expose_secret().to_owned()),
        }
    }

    /// Sleeps before the next attempt, or returns the final error when no attempt is left.
    async fn wait(
        &self,
        req: &Request,
        attempt: u32,
        deadline: Instant,
        retry_after: Option<Duration>,
        backoff: &mut impl Iterator<Item = Duration>,
        last: Last,
    ) -> Option<CloudError> {
        let delay = next_delay(&self.retry, retry_after, backoff);
        let out_of_attempts = attempt >= self.retry.max_attempts;
        let out_of_time = Instant::now() + delay > deadline;
        if out_of_attempts || out_of_time {
            let why = if out_of_attempts {
                String::new()
            } else {
                format!(
                    " (the next wait of {} s would overrun the retry budget of {} s)",
                    delay.as_secs(),
                    self.retry.total_budget.as_secs()
                )
            };
            return Some(final_error(req, attempt, last, &why));
        }
        let reason = match &last {
            Last::Throttled(_) => "throttled (429)".to_owned(),
            Last::Status(s) => s.clone(),
            Last::Connection(c) => c.clone(),
            Last::Body(b) => b.clone(),
        };
        let seconds = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
        let service = self.service;
        let cause = match (&last, retry_after) {
            (Last::Throttled(_), Some(_)) => {
                format!("{service} asked us to wait {seconds} s (throttled, HTTP 429)")
            }
            (Last::Throttled(_), None) => {
                format!("{service} throttled the request (HTTP 429); backing off {seconds} s")
            }
            (Last::Status(s), Some(_)) => format!("{service} asked us to wait {seconds} s ({s})"),
            _ => format!("{service}: {reason}; retrying in {seconds} s"),
        };
        self.progress.get().waiting(&req.what, seconds, &cause);
        tracing::warn!(
            what = %req.what,
            attempt,
            max_attempts = self.retry.max_attempts,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying: {reason}"
        );
        tokio::time::sleep(delay).await;
        None
    }
}

/// The wait before the next attempt: the service's `Retry-After` capped at [`MAX_RETRY_AFTER`], else the
/// next jittered backoff capped at the policy's `max_backoff` (jitter may overshoot it otherwise).
pub(crate) fn next_delay(
    policy: &RetryPolicy,
    retry_after: Option<Duration>,
    backoff: &mut impl Iterator<Item = Duration>,
) -> Duration {
    match retry_after {
        Some(d) => d.min(MAX_RETRY_AFTER),
        None => backoff
            .next()
            .unwrap_or(policy.max_backoff)
            .min(policy.max_backoff),
    }
}

fn final_error(req: &Request, attempts: u32, last: Last, why: &str) -> CloudError {
    match last {
        Last::Throttled(w) => CloudError::Throttled {
            what: format!("{}{why}", req.what),
            attempts,
            retry_after_secs: w.map(|d| d.as_secs()),
        },
        Last::Status(d) | Last::Connection(d) => CloudError::Unavailable {
            what: req.what.clone(),
            attempts,
            detail: format!("{d}{why}"),
        },
        Last::Body(d) => CloudError::InvalidResponse {
            what: req.what.clone(),
            detail: format!("{d} (on each of {attempts} attempts){why}"),
        },
    }
}

/// Whether a Graph or Exchange Online request that started at `from` may follow a redirect to `to`: only
/// to https on the same host and port, or to https on a host of `extra_hosts`. A loopback emulator reached
/// over plain http may redirect within its own origin.
pub(crate) fn redirect_allowed(from: &Url, to: &Url, extra_hosts: &[String]) -> bool {
    let same_origin = to.origin() == from.origin();
    match to.scheme() {
        "https" => {
            same_origin
                || to
                    .host_str()
                    .is_some_and(|h| extra_hosts.iter().any(|x| x.eq_ignore_ascii_case(h)))
        }
        "http" => same_origin && crate::graph::is_loopback(to),
        _ => false,
    }
}

/// The error for a redirect that was not followed: it names the status and the `Location`'s origin.
fn redirect_error(req: &Request, status: StatusCode, at: &Url, headers: &HeaderMap) -> CloudError {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| at.join(v).ok())
        .map_or_else(
            || "(no readable Location)".to_owned(),
            |u| u.origin().ascii_serialization(),
        );
    let rule = match req.kind {
        Kind::Token => "the token request never follows a redirect".to_owned(),
        Kind::Graph | Kind::Exo { .. } => format!(
            "redirects are followed only to https on the same host, or to a host the configuration names, \
             at most {MAX_REDIRECTS} times"
        ),
    };
    CloudError::Redirected {
        what: req.what.clone(),
        status: status.as_u16(),
        location,
        rule,
    }
}

/// The error for a non-retryable status.
fn status_error(
    req: &Request,
    token: Option<&SecretString>,
    status: StatusCode,
    body: &[u8],
) -> CloudError {
    let (code, message) = reply_text(req, token, body);
    let what = req.what.clone();
    let status_u16 = status.as_u16();
    match &req.kind {
        Kind::Token => CloudError::Auth(if code.is_empty() {
            format!("HTTP {status_u16}: {message}")
        } else {
            format!("{code}: {message}")
        }),
        _ if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN => {
            CloudError::Forbidden {
                what,
                status: status_u16,
                message,
            }
        }
        Kind::Graph if status == StatusCode::NOT_FOUND => CloudError::NotFound { what, message },
        Kind::Graph => CloudError::Service {
            what,
            status: status_u16,
            code,
            message,
        },
        Kind::Exo { cmdlet } => CloudError::Exchange {
            cmdlet: cmdlet.clone(),
            status: status_u16,
            message,
        },
    }
}

/// [`error_text`] scrubbed of the request's secrets (see [`scrub_text`]) and cut to a short excerpt: a
/// server that echoes the request cannot put a secret into an error message.
fn reply_text(req: &Request, token: Option<&SecretString>, body: &[u8]) -> (String, String) {
    let (code, message) = error_text(body);
    (
        scrub_text(req, token, &code),
        scrub_text(req, token, &message),
    )
}

/// `text` (built from a server's reply) scrubbed of every secret value the request's form body carried
/// (the client secret, an assertion), of the bearer token it was sent with, and of secret-shaped patterns
/// (`client_secret=`, `Bearer …`, JWTs), then cut to a short excerpt.
fn scrub_text(req: &Request, token: Option<&SecretString>, text: &str) -> String {
    let mut values: Vec<String> = match &req.body {
        Body::Form(form) => {
            let secret_key = |k: &str| {
                matches!(
                    k,
                    "client_secret"
                        | "client_assertion"
                        | "assertion"
                        | "password"
                        | "refresh_token"
                )
            };
            let decoded = url::form_urlencoded::parse(form.expose_secret().as_bytes())
                .filter(|(k, _)| secret_key(k))
                .map(|(_, v)| v.into_owned());
            let raw = form
                .expose_secret()
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .filter(|(k, _)| secret_key(k))
                .map(|(_, v)| v.to_owned());
            decoded.chain(raw).collect()
        }
        Body::None | Body::Json(_) => Vec::new(),
    };
    if let Some(t) = token {
        values.push(t.expose_secret().to_owned());
    }
    let secrets: Vec<&str> = values.iter().map(String::as_str).collect();
    crate::scrub::scrub(text, &secrets)
}

/// The error code and message of an error body: Graph (`error.code`, `error.message`), Exchange
/// (`error.details.message`, `error.innererror.internalException.message`) or the token endpoint
/// (`error`, `error_description`). Falls back to the raw body (uncut: [`scrub_text`] cuts it).
pub(crate) fn error_text(body: &[u8]) -> (String, String) {
    let raw = || {
        // Not cut here: the scrubbing sees the whole text (a secret cut in half would escape it), and cuts.
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        if text.is_empty() {
            "(empty response)".to_owned()
        } else {
            text.to_owned()
        }
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (String::new(), raw());
    };
    let s = |v: Option<&serde_json::Value>| v.and_then(|x| x.as_str()).map(str::to_owned);
    match v.get("error") {
        Some(serde_json::Value::String(code)) => {
            let message = s(v.get("error_description")).unwrap_or_else(raw);
            (code.clone(), message)
        }
        Some(e @ serde_json::Value::Object(_)) => {
            let code = s(e.get("code")).unwrap_or_default();
            let details = e.get("details").map(|d| match d {
                serde_json::Value::Array(a) => a.first().and_then(|x| x.get("message")),
                other => other.get("message"),
            });
            let message = s(details.flatten())
                .or_else(|| {
                    s(e.get("innererror")
                        .or_else(|| e.get("innerError"))
                        .and_then(|i| i.get("internalException"))
                        .and_then(|x| x.get("message")))
                })
                .or_else(|| s(e.get("message")))
                .unwrap_or_else(raw);
            (code, message)
        }
        _ => (String::new(), raw()),
    }
}

/// `Retry-After` as a delay: delta-seconds, or an HTTP-date measured against the response's `Date`.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    let now = headers
        .get(DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .unwrap_or_else(clock::system_now);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

fn log_throttling(what: &str, status: StatusCode, headers: &HeaderMap) {
    let mut found = String::new();
    for (name, value) in headers {
        let n = name.as_str();
        if n.starts_with("x-ms-throttle")
            || n == "x-ms-resource-unit"
            || n == "retry-after"
            || n.starts_with("rate-limit")
        {
            let _ = write!(found, "{n}={} ", value.to_str().unwrap_or("?"));
        }
    }
    tracing::debug!(
        what,
        status = status.as_u16(),
        throttling = found.trim_end(),
        "response"
    );
}

/// The error and its causes, joined.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cur = c.source();
    }
    s
}

/// The TLS failure inside a reqwest error, if that is what it is.
fn tls_error(e: &reqwest::Error) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(t) = c.downcast_ref::<rustls::Error>() {
            return Some(t.to_string());
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && let Some(t) = io.get_ref().and_then(|x| x.downcast_ref::<rustls::Error>())
        {
            return Some(t.to_string());
        }
        cur = c.source();
    }
    None
}

/// How the next page of a paged read is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextPage {
    /// Graph: GET the `@odata.nextLink`.
    Get,
    /// Exchange InvokeCommand: POST the same body to the `@odata.nextLink`.
    PostSameBody,
}

/// A transport with a token source and scope: what the Graph and Exchange clients hold.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) transport: Transport,
    pub(crate) tokens: Arc<TokenSource>,
    pub(crate) scope: String,
}

impl Session {
    /// The session a client of the service at `base` opens from `config`: its token source (from the
    /// authority URL), its transport (progress reported as `service`) and the scope the service's tokens are asked for.
    pub(crate) fn open(
        config: &CloudConfig,
        base: &Url,
        service: &'static str,
    ) -> Result<Session, CloudError> {
        let authority = parse_base(&config.authority_url, "authority URL")?;
        let tokens = TokenSource::new(
            &authority,
            &config.tenant,
            &config.client_id,
            &config.credential,
        )?;
        let transport = Transport::new(
            config.retry.clone(),
            config.danger_accept_invalid_certs,
            &config.redirect_hosts,
        )?
        .with_progress(config.progress.clone(), service);
        Ok(Session {
            transport,
            tokens: Arc::new(tokens),
            scope: scope_for(base),
        })
    }

    /// Sends one authorized request.
    pub(crate) async fn send<T>(
        &self,
        req: &Request,
        parse: impl FnMut(&[u8], &HeaderMap) -> Result<T, String>,
    ) -> Result<T, CloudError> {
        self.transport
            .send(req, Some((&self.tokens, &self.scope)), parse)
            .await
    }

    /// Reads every page, handing items to `sink` page by page; returns the last page's annotations
    /// (delta link) and every warning.
    ///
    /// A page is handed over only once it has been read completely. When any page fails for good the
    /// read fails with [`CloudError::Incomplete`] (for the first page: the page's own error).
    pub(crate) async fn read_pages<T: Item>(
        &self,
        mut req: Request,
        next: NextPage,
        sink: &mut (dyn FnMut(Vec<T>) + Send),
    ) -> Result<PageMeta, CloudError> {
        let origin = req.url.origin();
        let what = req.what.clone();
        let mut page = 0usize;
        let mut items = 0usize;
        let mut warnings = Vec::new();
        loop {
            page += 1;
            let result = self
                .send(&req, |body, _| {
                    let mut got = Vec::new();
                    let meta = read_slice::<T>(body, &mut |t| got.push(t)).map_err(|e| {
                        format!(
                            "the body of page {page} is not valid JSON: line {}, column {}, at {}: {}",
                            e.line,
                            e.column,
                            e.path.trim_start_matches("page 1: "),
                            e.message
                        )
                    })?;
                    Ok((got, meta))
                })
                .await;
            let (got, meta) = match result {
                Ok(v) => v,
                Err(e) if page == 1 => return Err(e),
                Err(e) => {
                    return Err(CloudError::Incomplete {
                        what,
                        page,
                        items,
                        source: Box::new(e),
                    });
                }
            };
            items += got.len();
            sink(got);
            self.transport.progress.get().read(&what, page, items);
            warnings.extend(meta.warnings.iter().cloned());
            match meta.next_link.as_deref() {
                None => {
                    tracing::debug!(what = %what, pages = page, items, "paged read complete");
                    return Ok(PageMeta {
                        next_link: None,
                        delta_link: meta.delta_link,
                        warnings,
                    });
                }
                Some(link) => {
                    let url = Url::parse(link).map_err(|e| CloudError::InvalidResponse {
                        what: what.clone(),
                        detail: format!("page {page} has a nextLink that is not a URL ({e})"),
                    })?;
                    if url.origin() != origin {
                        return Err(CloudError::InvalidResponse {
                            what: what.clone(),
                            detail: format!(
                                "page {page} points its nextLink to another host ({}); not following it with \
                                 the access token",
                                url.origin().ascii_serialization()
                            ),
                        });
                    }
                    req.url = url;
                    if next == NextPage::Get {
                        req.method = Method::GET;
                        req.body = Body::None;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
