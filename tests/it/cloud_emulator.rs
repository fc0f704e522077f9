//! `idrift_cloud`'s Graph and Exchange clients against the emulator, for every
//! endpoint, paging at scale, every injected fault, secret hygiene and request counts.

mod domains;
mod exo;
mod faults;
mod graph;
mod secrets;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use idrift_cloud::{CloudConfig, ExoClient, GraphClient, RetryPolicy};
use idrift_cloud_emulator::{Emulator, EmulatorConfig};

/// A retry policy fast enough for tests.
fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        total_budget: Duration::from_secs(20),
        request_timeout: Duration::from_secs(20),
    }
}

/// A client configuration for the emulator `e`, with [`fast_retry`].
fn config(e: &Emulator) -> CloudConfig {
    let mut c = crate::support::client_config(e);
    c.retry = fast_retry();
    c
}

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

fn graph(e: &Emulator) -> GraphClient {
    GraphClient::new(&config(e)).unwrap()
}

fn exo_client(e: &Emulator) -> ExoClient {
    ExoClient::new(&config(e)).unwrap()
}

/// Captures tracing output of the current thread (use with a current-thread runtime).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Installs a TRACE-level subscriber writing into the returned buffer, for the current thread.
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // With a single registered dispatcher, tracing-core computes a callsite's interest from the default of
    // whichever thread hits it first; a test on another thread (no subscriber) would then switch this
    // thread's events off. A second, process-long dispatcher makes it consult every registered one.
    static KEEP_TWO_DISPATCHERS: OnceLock<tracing::Dispatch> = OnceLock::new();
    KEEP_TWO_DISPATCHERS
        .get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}
