//! The library's one tokio runtime, built on first use and kept for the life of the process.
//!
//! `idrift_call` blocks the calling (host) thread on it with `block_on`, so several host threads can run
//! operations at once. The runtime's own worker threads are adopted by the panic hook (`panics`), so a panic
//! in a task is kept off the host's stderr too. Calling an export from one of these worker threads would nest
//! `block_on`, which tokio forbids with a panic; that case is refused with an error instead.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::CallError;
use crate::panics;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

fn runtime() -> Result<&'static Runtime, CallError> {
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("idrift-ffi")
                .on_thread_start(panics::adopt_thread)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| CallError::Internal(format!("the async runtime could not start: {e}")))
}

/// Runs `future` to completion on the calling thread.
///
/// # Errors
/// [`CallError::Internal`] when the runtime cannot start, or when called from inside a tokio runtime.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, CallError> {
    if Handle::try_current().is_ok() {
        return Err(CallError::Internal(
            "idrift_call was made from a thread of an async runtime; call it from an ordinary thread".to_owned(),
        ));
    }
    Ok(runtime()?.block_on(future))
}
