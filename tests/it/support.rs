//! Shared helpers: run the CLI in-process, locate fixtures, compare with golden files.

use std::path::PathBuf;
use std::process::ExitCode;

/// The outcome of one in-process CLI run.
pub(crate) struct Run {
    pub(crate) code: ExitCode,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `idrift ARGS...` in-process.
pub(crate) fn idrift(args: &[&str]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut full = vec!["idrift"];
    full.extend_from_slice(args);
    let code = idrift_cli::run(full, &mut out, &mut err);
    Run {
        code,
        stdout: String::from_utf8(out).expect("stdout is UTF-8"),
        stderr: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A path under `tests/fixtures/`.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Asserts `actual` equals the golden file `tests/fixtures/golden/NAME`; with `UPDATE_GOLDEN=1` rewrites it.
#[track_caller]
pub(crate) fn assert_golden(name: &str, actual: &str) {
    let path = fixture("golden").join(name);
    #[expect(
        clippy::disallowed_methods,
        reason = "test switch to refresh golden files"
    )]
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    if update {
        std::fs::create_dir_all(path.parent().expect("golden dir")).expect("create golden dir");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "output differs from {} (UPDATE_GOLDEN=1 refreshes it after review)",
        path.display()
    );
}

/// A Graph/Exchange client configuration for `emulator`, with its client secret and a short first backoff.
pub(crate) fn client_config(
    emulator: &idrift_cloud_emulator::Emulator,
) -> idrift_cloud::CloudConfig {
    use idrift_cloud::{CloudConfig, Credential, RetryPolicy, SecretString};
    let cfg = emulator.config();
    let mut c = CloudConfig::new(
        cfg.tenant_domain.clone(),
        cfg.client_id.clone(),
        Credential::Secret(SecretString::from(cfg.client_secret.unwrap_or_default())),
    );
    c.authority_url = emulator.authority_url();
    c.graph_url = emulator.graph_url();
    c.exo_url = emulator.exo_url();
    c.retry = RetryPolicy {
        initial_backoff: std::time::Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    c
}
