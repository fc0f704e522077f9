//! The host's clock: this crate is a composition root, like the CLI, so it reads the time here and passes it on.

/// Seconds since the Unix epoch, now (0 if the clock is before 1970).
pub(crate) fn now_unix() -> i64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "composition root: the only place idrift-ffi reads the clock"
    )]
    let now = std::time::SystemTime::now();
    now.duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
