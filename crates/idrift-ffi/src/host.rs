//! The host's clock and environment: this crate is a composition root, like the CLI, so it reads them here and passes them on.

/// Seconds since the Unix epoch, now (0 if the clock is before 1970).
pub(crate) fn now_unix() -> i64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "composition root: the only place idrift-ffi reads the clock"
    )]
    let now = std::time::SystemTime::now();
    idrift_app::journal::Clock::unix_seconds(now)
}

/// Reads an environment variable: secrets named by the host (`PasswordEnv`, `ClientSecretEnv`) and the
/// `AZURE_*` defaults the CLI also honours.
pub(crate) fn env(name: &str) -> Option<String> {
    #[expect(
        clippy::disallowed_methods,
        reason = "composition root: the one door of idrift-ffi to the environment"
    )]
    let value = std::env::var(name).ok();
    value
}
