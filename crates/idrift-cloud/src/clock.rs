//! The one wall-clock read of idrift-cloud.
//!
//! Time is a parameter elsewhere; the live client needs wall-clock seconds in two places that cannot take
//! it from the caller: the `nbf`/`exp` claims of a JWT client assertion, and turning an HTTP-date
//! `Retry-After` into a delay when the response has no `Date` header to measure it against.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "JWT nbf/exp and HTTP-date Retry-After need wall-clock time; this is the only read"
    )]
    let now = SystemTime::now();
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The wall-clock time as a `SystemTime`.
pub(crate) fn system_now() -> SystemTime {
    UNIX_EPOCH + std::time::Duration::from_secs(unix_now())
}
