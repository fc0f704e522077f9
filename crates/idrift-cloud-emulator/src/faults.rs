//! Injectable faults: throttling, unavailability, broken connections and bodies, and token expiry.
//!
//! A [`FaultRule`] names a path (substring of the request path and query), optionally a method, how many
//! matching requests pass untouched first, and how many then get the fault.

/// How a 429 or 503 states when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// No `Retry-After` header.
    None,
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP-date>` this many seconds ahead of the response's `Date`.
    Date(u64),
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with Graph's throttling headers.
    Throttle(RetryAfter),
    /// HTTP 503.
    Unavailable(RetryAfter),
    /// HTTP 504.
    GatewayTimeout,
    /// HTTP 403 `Authorization_RequestDenied`: the app lacks the permission the request needs.
    Forbidden,
    /// The connection is closed without any response.
    DropConnection,
    /// The response head and half the body are sent, then the connection is closed.
    CutBody,
    /// A complete HTTP response whose JSON body is cut in half.
    TruncatedJson,
    /// Every issued token expires now; this request gets 401 `invalid_token`.
    ExpireToken,
}

/// When a fault applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// A substring of the request path and query (`/v1.0/users`, `skiptoken`, `InvokeCommand`).
    pub path_contains: String,
    /// Only this method, when set (`GET`, `POST`, ...).
    pub method: Option<String>,
    /// Matching requests that pass untouched before the fault starts.
    pub skip: usize,
    /// Matching requests that get the fault.
    pub times: usize,
}

impl FaultRule {
    /// The fault on the next `times` requests whose path contains `path_contains`.
    pub fn new(fault: Fault, path_contains: impl Into<String>, times: usize) -> FaultRule {
        FaultRule {
            fault,
            path_contains: path_contains.into(),
            method: None,
            skip: 0,
            times,
        }
    }

    /// Lets `skip` matching requests pass first.
    pub fn after(mut self, skip: usize) -> FaultRule {
        self.skip = skip;
        self
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Whether the request matches (ignoring skip and times).
    pub(crate) fn matches(&self, method: &str, path_and_query: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && path_and_query.contains(&self.path_contains)
    }
}

/// Takes the fault for a request from the rules, updating their counters.
pub(crate) fn take(
    rules: &mut Vec<FaultRule>,
    method: &str,
    path_and_query: &str,
) -> Option<Fault> {
    let mut hit = None;
    for rule in rules.iter_mut() {
        if rule.times == 0 || !rule.matches(method, path_and_query) {
            continue;
        }
        if rule.skip > 0 {
            rule.skip -= 1;
            continue;
        }
        rule.times -= 1;
        hit = Some(rule.fault);
        break;
    }
    rules.retain(|r| r.times > 0);
    hit
}
