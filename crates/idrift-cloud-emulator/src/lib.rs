//! A stateful Microsoft cloud emulator for IdentityDrift's tests and benchmarks.
//!
//! [`Emulator::start`] serves, on `127.0.0.1`, the token endpoint (client secret or certificate
//! assertion), the Microsoft Graph endpoints idrift uses (users with paging and delta, the tenant's
//! onPremisesSynchronization object, the recycle bin, assignLicense, onPremisesSyncBehavior, PATCH of a
//! user's phone, refused for synced users as Graph does), and Exchange Online's InvokeCommand endpoint
//! (Get-User, Get-Recipient, Get-Mailbox, Get-MailUser, Set-User, mailbox restore requests, migration
//! statistics). Responses follow Microsoft's documented shapes and error bodies.
//!
//! State lives behind one mutex, shared by a wiremock responder: mutations change it and later reads show
//! it. Faults are injected per path ([`FaultRule`]): 429 with `Retry-After` in seconds or as a date, 503,
//! 504, a dropped connection, a body cut off mid-transfer, a truncated JSON body, and a token that
//! expires in the middle of a read. A small TCP front ([`front`]) makes the connection-level faults real.
//! Every request is recorded (without credentials), so tests can count pages and token requests.
#![forbid(unsafe_code)]

mod config;
mod exo;
mod faults;
mod front;
mod graph;
mod render;
mod reply;
mod seed;
mod state;
mod token;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use idrift_core::model::{CloudUser, ExoRecipient, TenantDomain, TenantSync};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub use config::{
    EmulatorConfig, OTHER_APP_CERT_AND_KEY_PEM, TEST_APP_CERT_AND_KEY_PEM,
    TEST_APP_CERT_AND_PKCS1_KEY_PEM, TEST_APP_CERT_PEM,
};
pub use exo::APP_ONLY_ANCHOR;
pub use faults::{Fault, FaultRule, RetryAfter};
pub use graph::SYNCED_OBJECT_MESSAGE;
pub use seed::{E3_SKU, generate_users, guid};
pub use state::RecordedRequest;

use crate::front::{FAULT_HEADER, Front};
use crate::reply::Reply;
use crate::state::State;

/// A running emulator. Dropping it stops it.
#[derive(Debug)]
pub struct Emulator {
    _server: MockServer,
    _front: Front,
    shared: Arc<Mutex<State>>,
    uri: String,
}

impl Emulator {
    /// Starts the emulator on `127.0.0.1` (a random port).
    ///
    /// # Errors
    /// When the front cannot listen.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        Emulator::start_on(config, 0).await
    }

    /// Starts the emulator on `127.0.0.1:<port>` (0: a random port).
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start_on(config: EmulatorConfig, port: u16) -> std::io::Result<Emulator> {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let front = Front::start(*server.address(), port).await?;
        let uri = format!("http://{}", front.addr);
        let shared = Arc::new(Mutex::new(State::new(config, uri.clone())));
        Mock::given(any())
            .respond_with(Router(shared.clone()))
            .mount(&server)
            .await;
        Ok(Emulator {
            _server: server,
            _front: front,
            shared,
            uri,
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The login authority to configure (`--authority-url`).
    pub fn authority_url(&self) -> String {
        self.uri.clone()
    }

    /// The Graph URL to configure (`--graph-url`), with `/v1.0`.
    pub fn graph_url(&self) -> String {
        format!("{}/v1.0", self.uri)
    }

    /// The Exchange Online URL to configure (`--exo-url`).
    pub fn exo_url(&self) -> String {
        self.uri.clone()
    }

    /// The configuration it runs with.
    pub fn config(&self) -> EmulatorConfig {
        self.state().config.clone()
    }

    // -- Seeding and inspecting state ------------------------------------------------------------

    /// Adds (or replaces) users.
    pub fn add_users(&self, users: impl IntoIterator<Item = CloudUser>) {
        let mut st = self.state();
        for u in users {
            st.put_user(u);
        }
    }

    /// Adds `n` deterministic generated users ([`generate_users`]).
    pub fn seed_users(&self, n: usize) {
        let domain = self.state().config.tenant_domain.clone();
        self.add_users(generate_users(n, &domain));
    }

    /// A user by id.
    pub fn user(&self, id: &str) -> Option<CloudUser> {
        self.state().users.get(id).map(|r| r.user.clone())
    }

    /// Every user, in id order.
    pub fn users(&self) -> Vec<CloudUser> {
        self.state()
            .users
            .values()
            .map(|r| r.user.clone())
            .collect()
    }

    /// The number of users.
    pub fn user_count(&self) -> usize {
        self.state().users.len()
    }

    /// Deletes the user `id` as Graph's DELETE does: into the recycle bin, its mailbox soft-deleted.
    /// False when no such user exists.
    pub fn delete_user(&self, id: &str) -> bool {
        self.state().delete_user(id)
    }

    /// Users in the recycle bin, in id order.
    pub fn deleted_users(&self) -> Vec<CloudUser> {
        self.state()
            .deleted
            .values()
            .map(|d| d.user.clone())
            .collect()
    }

    /// Sets a user's `onPremisesSyncBehavior.isCloudManaged`.
    pub fn set_cloud_managed(&self, id: &str, cloud_managed: bool) {
        let mut st = self.state();
        let version = st.bump();
        if let Some(r) = st.users.get_mut(id) {
            r.cloud_managed = cloud_managed;
            r.version = version;
        }
    }

    /// The tenant sync object.
    pub fn tenant_sync(&self) -> Option<TenantSync> {
        self.state().sync.clone()
    }

    /// Replaces the tenant sync object (`None`: the tenant has none).
    pub fn set_tenant_sync(&self, sync: Option<TenantSync>) {
        self.state().sync = sync;
    }

    /// The tenant's domains (`GET /domains`), the initial `onmicrosoft.com` one first.
    pub fn domains(&self) -> Vec<TenantDomain> {
        self.state().domains.clone()
    }

    /// Adds a domain, or replaces the one with the same name (case-insensitive).
    pub fn add_domain(&self, domain: TenantDomain) {
        let mut st = self.state();
        match st
            .domains
            .iter_mut()
            .find(|d| d.id.eq_ignore_ascii_case(&domain.id))
        {
            Some(d) => *d = domain,
            None => st.domains.push(domain),
        }
    }

    /// Adds an Exchange recipient (served by Get-Recipient, Get-Mailbox, Get-MailUser).
    pub fn add_exo_recipient(&self, r: ExoRecipient) {
        self.state().exo_recipients.push(r);
    }

    /// Adds an Exchange user (served by Get-User).
    pub fn add_exo_user(&self, r: ExoRecipient) {
        self.state().exo_users.push(r);
    }

    /// The Exchange recipients.
    pub fn exo_recipients(&self) -> Vec<ExoRecipient> {
        self.state().exo_recipients.clone()
    }

    /// The Exchange users.
    pub fn exo_users(&self) -> Vec<ExoRecipient> {
        self.state().exo_users.clone()
    }

    /// Changes the Exchange recipients and users in place, as Exchange Online does by itself between
    /// cmdlets (a mailbox turned into a MailUser after its license was removed, a migration completed).
    pub fn edit_exo<R>(
        &self,
        f: impl FnOnce(&mut Vec<ExoRecipient>, &mut Vec<ExoRecipient>) -> R,
    ) -> R {
        let mut st = self.state();
        let st = &mut *st;
        f(&mut st.exo_recipients, &mut st.exo_users)
    }

    /// The mailbox restore requests, as Get-MailboxRestoreRequest returns them.
    pub fn restore_requests(&self) -> Vec<Value> {
        self.state().restore_requests.clone()
    }

    /// Sets the `Status` of restore requests whose `RequestGuid` or `Identity` is `id`.
    pub fn set_restore_status(&self, id: &str, status: &str) {
        for r in &mut self.state().restore_requests {
            let hit = ["RequestGuid", "Identity"]
                .iter()
                .any(|k| r.get(*k).and_then(Value::as_str) == Some(id));
            if hit && let Some(o) = r.as_object_mut() {
                o.insert("Status".to_owned(), Value::String(status.to_owned()));
            }
        }
    }

    /// Sets what Get-MigrationUserStatistics returns for `identity` (its `Report` property only with
    /// `-IncludeReport`).
    pub fn set_migration_statistics(&self, identity: &str, stats: Value) {
        self.state()
            .migration_stats
            .insert(identity.to_ascii_lowercase(), stats);
    }

    // -- Faults, tokens and the request log ----------------------------------------------------------

    /// Adds a fault rule.
    pub fn inject(&self, rule: FaultRule) {
        self.state().faults.push(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// Fault rules not yet used up.
    pub fn pending_faults(&self) -> usize {
        self.state().faults.len()
    }

    /// Expires every issued token now.
    pub fn revoke_tokens(&self) {
        self.state().revoke_tokens();
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// How many requests had a path starting with `path_prefix` (`/v1.0/users`, `/adminapi`).
    pub fn request_count(&self, path_prefix: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path.starts_with(path_prefix))
            .count()
    }

    /// How many token requests were made.
    pub fn token_requests(&self) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
            .count()
    }

    /// Every access token issued so far (for tests that check no token leaks into logs).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state().tokens.keys().cloned().collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }
}

/// The wiremock responder: every request goes through here.
struct Router(Arc<Mutex<State>>);

impl Respond for Router {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut st = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let method = req.method.as_str().to_owned();
        let path = req.url.path().to_owned();
        let path_and_query = match req.url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let is_token = path.ends_with("/oauth2/v2.0/token");
        let fault = faults::take(&mut st.faults, &method, &path_and_query);
        let reply = match fault {
            Some(
                f @ (Fault::Throttle(_)
                | Fault::Unavailable(_)
                | Fault::GatewayTimeout
                | Fault::Forbidden
                | Fault::ExpireToken),
            ) => fault_reply(&mut st, f),
            Some(Fault::DropConnection) => Reply::no_content().header(FAULT_HEADER, "drop"),
            other => {
                let r = route(&mut st, req, &method, &path, &headers);
                match other {
                    Some(Fault::CutBody) => r.header(FAULT_HEADER, "cut"),
                    Some(Fault::TruncatedJson) => {
                        let mut r = r;
                        r.body.truncate(r.body.len() / 2);
                        r
                    }
                    _ => r,
                }
            }
        };
        st.requests.push(RecordedRequest {
            method,
            path,
            query: req.url.query().map(str::to_owned),
            status: reply.status,
            headers: headers
                .into_iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
                .collect(),
            body: if is_token {
                String::new()
            } else {
                String::from_utf8_lossy(&req.body).into_owned()
            },
        });
        drop(st);
        to_template(reply)
    }
}

fn to_template(reply: Reply) -> ResponseTemplate {
    let mut t = ResponseTemplate::new(reply.status);
    if reply.status != 204 {
        t = t.set_body_raw(reply.body, reply.content_type);
    }
    for (k, v) in reply.headers {
        t = t.insert_header(k.as_str(), v.as_str());
    }
    t
}

/// The wall clock, for `Date` and HTTP-date `Retry-After` headers.
fn now() -> SystemTime {
    #[expect(
        clippy::disallowed_methods,
        reason = "the emulator writes Date and HTTP-date Retry-After headers, as the real service does"
    )]
    let t = SystemTime::now();
    t
}

fn retry_after(reply: Reply, ra: RetryAfter) -> Reply {
    let now = now();
    let reply = reply.header("date", httpdate::fmt_http_date(now));
    match ra {
        RetryAfter::None => reply,
        RetryAfter::Seconds(s) => reply.header("retry-after", s.to_string()),
        RetryAfter::Date(s) => reply.header(
            "retry-after",
            httpdate::fmt_http_date(now + Duration::from_secs(s)),
        ),
    }
}

fn fault_reply(st: &mut State, fault: Fault) -> Reply {
    match fault {
        Fault::Throttle(ra) => {
            let scope = format!(
                "Tenant_Application/ReadWrite/{}/{}",
                st.config.client_id, st.config.tenant_id
            );
            retry_after(
                Reply::graph_error(429, "TooManyRequests", "Too many requests.")
                    .header("x-ms-throttle-scope", scope)
                    .header("x-ms-throttle-information", "ResourceUnitLimitExceeded")
                    .header("x-ms-throttle-limit-percentage", "1.8")
                    .header("x-ms-resource-unit", "1"),
                ra,
            )
        }
        Fault::Unavailable(ra) => retry_after(
            Reply::graph_error(
                503,
                "serviceNotAvailable",
                "The service is temporarily unavailable.",
            ),
            ra,
        ),
        Fault::GatewayTimeout => Reply::graph_error(504, "UnknownError", "The gateway timed out."),
        Fault::Forbidden => Reply::graph_error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
        _ => {
            st.revoke_tokens();
            unauthorized("Lifetime validation failed, the token is expired.")
        }
    }
}

fn unauthorized(message: &str) -> Reply {
    Reply::graph_error(401, "InvalidAuthenticationToken", message).header(
        "www-authenticate",
        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", \
         client_id=\"00000003-0000-0000-c000-000000000000\", error=\"invalid_token\"",
    )
}

/// Checks the bearer token.
fn authorized(st: &State, headers: &[(String, String)]) -> Result<(), Reply> {
    let token = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.strip_prefix("Bearer "));
    match token {
        None => Err(unauthorized("Access token is empty.")),
        Some(t) if st.tokens.contains_key(t) && !st.token_valid(t) => Err(unauthorized(
            "Lifetime validation failed, the token is expired.",
        )),
        Some(t) if !st.token_valid(t) => Err(unauthorized("IDX14100: JWT is not well formed.")),
        Some(_) => Ok(()),
    }
}

/// Decodes `%XX` escapes of a path segment.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of the first `(name, value)` pair named `name` (compared without regard to ASCII case):
/// a header or a query parameter.
fn find_pair<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The value of one hexadecimal digit, either case.
fn hex(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

fn route(
    st: &mut State,
    req: &Request,
    method: &str,
    path: &str,
    headers: &[(String, String)],
) -> Reply {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match s.as_slice() {
        [tenant, "oauth2", "v2.0", "token"] if method == "POST" => {
            token::token(st, tenant, &req.body)
        }
        ["v1.0", ..] => {
            if let Err(r) = authorized(st, headers) {
                return r;
            }
            let query: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
            graph::handle(
                st,
                &graph::GraphRequest {
                    method,
                    segments: segs[1..].to_vec(),
                    query,
                    body: &req.body,
                },
            )
        }
        ["adminapi", "beta", tenant, "InvokeCommand"] if method == "POST" => {
            if let Err(r) = authorized(st, headers) {
                return r;
            }
            let skiptoken = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "$skiptoken")
                .map(|(_, v)| v.into_owned());
            exo::invoke(
                st,
                &exo::InvokeRequest {
                    tenant,
                    headers,
                    skiptoken: skiptoken.as_deref(),
                    body: &req.body,
                },
            )
        }
        _ => Reply::graph_error(
            404,
            "UnknownError",
            &format!("No route for {method} {path}."),
        ),
    }
}
