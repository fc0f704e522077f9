//! [`Stepped`]: an executor that reports each operation of a run to a progress hook.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use idrift_core::ports::{ProgressHook, SourceError};
use serde_json::Value;

use super::{OpExecutor, Planned};

/// An executor that reports each operation it is asked about to the progress hook: the journal re-reads
/// every object just before writing it, so each read is one step of the run.
pub struct Stepped<'a, E> {
    inner: E,
    progress: &'a ProgressHook,
    total: usize,
    done: AtomicUsize,
}

impl<'a, E: OpExecutor> Stepped<'a, E> {
    /// Wraps `inner` for a run of `total` operations.
    pub fn new(inner: E, progress: &'a ProgressHook, total: usize) -> Self {
        Stepped {
            inner,
            progress,
            total,
            done: AtomicUsize::new(0),
        }
    }
}

impl<E: OpExecutor> OpExecutor for Stepped<'_, E> {
    fn read(
        &self,
        op: &Planned,
    ) -> impl Future<Output = Result<Option<Value>, SourceError>> + Send {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress
            .get()
            .step(done.min(self.total), self.total, &op.target);
        self.inner.read(op)
    }

    fn same(&self, op: &Planned, a: &Value, b: &Value) -> bool {
        self.inner.same(op, a, b)
    }

    fn write(
        &self,
        op: &Planned,
        current: &Value,
    ) -> impl Future<Output = Result<Value, SourceError>> + Send {
        self.inner.write(op, current)
    }

    fn describe(&self, op: &Planned, value: &Value) -> String {
        self.inner.describe(op, value)
    }

    fn handles(&self, op: &str) -> bool {
        self.inner.handles(op)
    }

    // The batching methods must be forwarded too: left to their defaults, every write to a snapshot file
    // would rewrite the whole file once per operation.
    fn batch_limit(&self, op: &Planned) -> usize {
        self.inner.batch_limit(op)
    }

    fn write_held(
        &self,
        op: &Planned,
        current: &Value,
    ) -> impl Future<Output = Result<Value, SourceError>> + Send {
        self.inner.write_held(op, current)
    }

    fn flush(&self) -> impl Future<Output = Result<(), SourceError>> + Send {
        self.inner.flush()
    }
}
