//! Panics: the guard every export runs in, and the hook that keeps panic messages off the host's stderr.
//!
//! A panic unwinding out of an `extern "C"` function aborts the process, which for us means a dead
//! `pwsh.exe`, so every export runs its body through [`guard`] (or its own `catch_unwind`). A caught panic
//! becomes a status-2 response whose message names the panic's location; the message is read inside a
//! second `catch_unwind`, because even reading or dropping a payload runs foreign code.
//!
//! The hook routes panics to `tracing` only on threads that are running an export or belong to the
//! library's runtime; any other panic in the process goes to the hook that was installed before, so a host
//! (or a test harness linking the rlib) keeps its own reporting.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::wire::{self, Status};

thread_local! {
    /// Greater than zero while this thread runs an export (or for good, on a runtime worker thread).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Where the last panic on this thread happened, set by the hook and taken by the guard.
    static LAST_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn on_owned_thread() -> bool {
    DEPTH.try_with(Cell::get).unwrap_or(0) > 0
}

/// Installs the hook, once per process.
pub(crate) fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !on_owned_thread() {
                previous(info);
                return;
            }
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            let message = payload_text(info.payload());
            tracing::error!(
                target: "idrift_ffi",
                location = location.as_deref().unwrap_or("unknown"),
                "panic: {message}"
            );
            let _ = LAST_LOCATION.try_with(|c| {
                if let Ok(mut slot) = c.try_borrow_mut() {
                    *slot = location;
                }
            });
        }));
    });
}

/// Marks the current thread as the library's own for the rest of its life (runtime worker threads).
pub(crate) fn adopt_thread() {
    let _ = DEPTH.try_with(|d| d.set(d.get().saturating_add(1)));
}

/// Marks the current thread as running an export until dropped.
struct InExport;

impl InExport {
    fn enter() -> Self {
        adopt_thread();
        InExport
    }
}

impl Drop for InExport {
    fn drop(&mut self) {
        let _ = DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Runs an export's body; a panic becomes a status-2 response.
pub(crate) fn guard<F>(body: F) -> (Status, Vec<u8>)
where
    F: FnOnce() -> (Status, Vec<u8>),
{
    install_hook();
    let _in_export = InExport::enter();
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(response) => response,
        Err(payload) => (Status::Internal, panic_response(payload)),
    }
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic payload that is not text)".to_owned()
    }
}

/// The status-2 response for a caught panic.
fn panic_response(payload: Box<dyn Any + Send>) -> Vec<u8> {
    let message = panic::catch_unwind(AssertUnwindSafe(|| {
        let text = payload_text(&*payload);
        let location = LAST_LOCATION
            .try_with(|c| c.try_borrow_mut().ok().and_then(|mut slot| slot.take()))
            .ok()
            .flatten();
        match location {
            Some(at) => format!("idrift_ffi panicked at {at}: {text} (this is a bug in IdentityDrift; please report it)"),
            None => format!("idrift_ffi panicked: {text} (this is a bug in IdentityDrift; please report it)"),
        }
    }))
    .unwrap_or_else(|_| "idrift_ffi panicked, and its message could not be read".to_owned());
    // Dropping the payload runs its destructor, which could itself panic.
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
    wire::encode_err("Internal", &message)
}

#[cfg(test)]
mod tests;
