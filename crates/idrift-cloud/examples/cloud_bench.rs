//! The cloud read benchmark (`cargo xtask bench` runs it): reads `--users N` generated users (100,000 by
//! default) from an in-process emulator through `idrift_cloud::GraphClient`, checks that the request count
//! is exactly the pages plus the token requests (no page fetched twice), and prints one JSON line of figures.
//!
//! It lives with the crate it measures, so the emulator depends on no client.

use std::time::Duration;

use idrift_cloud::{CloudConfig, CloudError, Credential, GraphClient, RetryPolicy, SecretString};
use tokio::time::Instant;

use idrift_cloud_emulator::{Emulator, EmulatorConfig};

/// What one benchmark run measured.
#[derive(Debug, Clone, PartialEq)]
struct BenchReport {
    /// Users read.
    users: usize,
    /// Pages of `/v1.0/users` requested.
    pages: usize,
    /// Token requests.
    token_requests: usize,
    /// Every request the emulator saw during the read.
    requests: usize,
    /// Wall time of the read.
    seconds: f64,
    /// `users / seconds`.
    users_per_second: f64,
}

impl BenchReport {
    /// One JSON line, for `cargo xtask bench`.
    fn to_json(&self) -> String {
        serde_json::json!({
            "users": self.users,
            "pages": self.pages,
            "token_requests": self.token_requests,
            "requests": self.requests,
            "seconds": self.seconds,
            "users_per_second": self.users_per_second,
        })
        .to_string()
    }
}

/// Why a benchmark run failed.
#[derive(Debug, thiserror::Error)]
enum BenchError {
    /// The emulator did not start.
    #[error("the emulator did not start: {0}")]
    Start(#[from] std::io::Error),
    /// The client failed.
    #[error("the read failed: {0}")]
    Client(#[from] CloudError),
    /// The read was wrong: a short list, or more requests than pages plus tokens.
    #[error("{0}")]
    Check(String),
}

/// A client configuration for `emulator` with its client secret.
fn client_config(emulator: &Emulator) -> CloudConfig {
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
        initial_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    c
}

/// Seeds `n` users and reads them all once.
///
/// # Errors
/// [`BenchError`] when the emulator does not start, the read fails, or the counts are off.
async fn run(n: usize) -> Result<BenchReport, BenchError> {
    let emulator = Emulator::start(EmulatorConfig::default()).await?;
    emulator.seed_users(n);
    let client = GraphClient::new(&client_config(&emulator))?;
    emulator.clear_requests();
    let start = Instant::now();
    let users = client.list_users().await?;
    let seconds = start.elapsed().as_secs_f64();
    let pages = emulator.request_count("/v1.0/users");
    let token_requests = emulator.token_requests();
    let requests = emulator.requests().len();
    let expected_pages = n.div_ceil(idrift_cloud::USER_PAGE_SIZE as usize).max(1);
    if users.len() != n {
        return Err(BenchError::Check(format!(
            "read {} users, expected {n}",
            users.len()
        )));
    }
    if pages != expected_pages || requests != pages + token_requests {
        return Err(BenchError::Check(format!(
            "{requests} requests for {pages} pages (expected {expected_pages}) and {token_requests} token requests"
        )));
    }
    Ok(BenchReport {
        users: users.len(),
        pages,
        token_requests,
        requests,
        seconds,
        users_per_second: if seconds > 0.0 {
            users.len() as f64 / seconds
        } else {
            0.0
        },
    })
}

/// `cloud_bench [--users N]`.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut users = 100_000;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--users", Some(n)) => users = n.parse()?,
            _ => return Err(format!("usage: cloud_bench [--users N] (got {arg})").into()),
        }
    }
    let report = run(users).await?;
    #[expect(
        clippy::print_stdout,
        reason = "the benchmark prints its figures on stdout"
    )]
    {
        println!("{}", report.to_json());
    }
    Ok(())
}
