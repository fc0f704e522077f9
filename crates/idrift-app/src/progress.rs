//! The latest progress of a running call, for hosts that poll it instead of drawing each event (the
//! PowerShell module's `Write-Progress`, through `idrift-ffi`'s `idrift_progress`).
//!
//! [`Latest`] is a [`Progress`] that keeps only the newest read, wait and write step, with a counter a host
//! compares to redraw only on change; a wait disappears when its time is up.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use idrift_core::ports::Progress;
use serde::Serialize;

/// The latest state of one call.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Snapshot {
    /// Counts the events so far; a host redraws only when it changes.
    pub seq: u64,
    /// The latest read: what is read (`Active Directory`, `GET /users`), pages and items so far.
    pub read: Option<Read>,
    /// A wait in progress (for its length; reads of other sources go on meanwhile).
    pub waiting: Option<Waiting>,
    /// The latest write step.
    pub step: Option<Step>,
}

/// Items read so far from one source.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Read {
    /// What is read.
    pub source: String,
    /// Pages read.
    pub pages: usize,
    /// Items read.
    pub items: usize,
}

/// A wait before trying again.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Waiting {
    /// What is tried again.
    pub what: String,
    /// How long the wait is.
    pub seconds: u64,
    /// Why, in words.
    pub cause: String,
}

/// Operations of a write run handled so far.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Step {
    /// Handled.
    pub done: usize,
    /// In the run.
    pub total: usize,
    /// The object of the latest one.
    pub target: String,
}

/// One call's record: the snapshot, and when its wait ends.
#[derive(Debug, Default)]
pub struct Latest(Mutex<(Snapshot, Option<Instant>)>);

impl Latest {
    fn update(&self, f: impl FnOnce(&mut Snapshot, &mut Option<Instant>)) {
        let mut guard = lock(&self.0);
        let (s, until) = &mut *guard;
        s.seq += 1;
        f(s, until);
    }

    /// The snapshot, without a wait that has ended.
    pub fn now(&self) -> Snapshot {
        let mut guard = lock(&self.0);
        let (s, until) = &mut *guard;
        if until.is_some_and(|t| Instant::now() >= t) {
            // The end of a wait is an event too: a host redraws on a new `Seq`.
            *until = None;
            s.waiting = None;
            s.seq += 1;
        }
        s.clone()
    }
}

impl Progress for Latest {
    fn read(&self, source: &str, pages: usize, items: usize) {
        self.update(|s, _| {
            s.read = Some(Read {
                source: source.to_owned(),
                pages,
                items,
            });
        });
    }

    fn waiting(&self, what: &str, seconds: u64, cause: &str) {
        self.update(|s, until| {
            *until = Some(Instant::now() + Duration::from_secs(seconds));
            s.waiting = Some(Waiting {
                what: what.to_owned(),
                seconds,
                cause: cause.to_owned(),
            });
        });
    }

    fn step(&self, done: usize, total: usize, target: &str) {
        self.update(|s, _| {
            s.step = Some(Step {
                done,
                total,
                target: target.to_owned(),
            });
        });
    }
}

/// A poisoned lock only means another call panicked while it held it; the snapshot is still whole.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
