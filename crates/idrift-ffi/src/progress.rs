//! Progress of running calls, for hosts that poll it (PowerShell's `Write-Progress`).
//!
//! A request may carry `"Progress": "<token>"`, a name the host chose for this call. While the call runs,
//! the reads it makes (pages of LDAP and Graph), the waits it sits out (throttling, retries) and the writes
//! it handles are recorded under that token, and [`crate::abi::idrift_progress`] returns the latest state
//! from any other thread. The record is dropped when the call returns, so a token names one call only.
//!
//! The call's hook reaches the code that opens sources through a thread-local ([`hook`]): the dispatcher
//! registers it on the host's thread before it decodes the arguments, and `targets::resolver` and the write
//! tail read it there. Worker threads of the runtime get the hook through the configurations that carry it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

pub use idrift_app::progress::{Latest as CallProgress, Snapshot};
use idrift_core::ports::ProgressHook;

/// The longest token a host may choose.
pub(crate) const MAX_TOKEN_LEN: usize = 128;

/// A poisoned lock only means another call panicked while it held it; the snapshot is still whole.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

type Calls = Mutex<HashMap<String, Arc<CallProgress>>>;

fn calls() -> &'static Calls {
    static CALLS: OnceLock<Calls> = OnceLock::new();
    CALLS.get_or_init(Calls::default)
}

thread_local! {
    static CURRENT: RefCell<ProgressHook> = RefCell::new(ProgressHook::default());
}

/// The hook of the call running on this thread (reports nowhere outside a call with a token).
pub(crate) fn hook() -> ProgressHook {
    CURRENT.with(|c| c.borrow().clone())
}

/// A call's registration; dropping it forgets the call's progress and the thread's hook.
#[derive(Debug)]
pub(crate) struct Registration {
    token: Option<String>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = ProgressHook::default());
        if let Some(token) = self.token.take() {
            lock(calls()).remove(&token);
        }
    }
}

/// Records the progress of the call on this thread under `token` (nothing when `None` or empty).
///
/// # Errors
/// A message when the token is longer than [`MAX_TOKEN_LEN`] or is already used by a running call.
pub(crate) fn register(token: Option<&str>) -> Result<Registration, String> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(Registration { token: None });
    };
    if token.len() > MAX_TOKEN_LEN {
        return Err(format!(
            "Progress: a token of {} bytes; at most {MAX_TOKEN_LEN}",
            token.len()
        ));
    }
    let record = Arc::new(CallProgress::default());
    {
        let mut map = lock(calls());
        if map.contains_key(token) {
            return Err(format!(
                "Progress: the token {token:?} names a call that is still running; choose a new one per call"
            ));
        }
        map.insert(token.to_owned(), Arc::clone(&record));
    }
    let hook = ProgressHook::new(record);
    CURRENT.with(|c| *c.borrow_mut() = hook);
    Ok(Registration {
        token: Some(token.to_owned()),
    })
}

/// The latest state of the running call named `token`, or `None` when no running call has that name.
pub fn snapshot(token: &str) -> Option<Snapshot> {
    let record = lock(calls()).get(token).cloned()?;
    Some(record.now())
}

#[cfg(test)]
mod tests;
