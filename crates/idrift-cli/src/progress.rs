//! Progress on standard error while it is a terminal (indicatif): users and pages read per source, the
//! waits of throttled requests with their cause, and the operations of a write run. Never drawn into a file
//! or a pipe, nor with `--quiet` (the CLI then creates no [`Bars`] at all).
//!
//! The readers and the HTTP core report through [`idrift_core::ports::Progress`]; a finished phase is
//! replaced by one summary line, so what stays on the screen is short and a prompt is never drawn over.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use idrift_core::ports::{Progress, ProgressHook};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::escape;

/// One live line per source being read, and one for the write run.
pub(crate) struct Bars {
    multi: MultiProgress,
    /// Live bars by source, with the summary line each leaves when settled.
    live: Mutex<BTreeMap<String, (ProgressBar, String)>>,
}

/// The key of the write run's bar.
const WRITES: &str = "\u{0}writes";

impl Bars {
    /// Bars drawn on standard error.
    pub(crate) fn stderr() -> Arc<Bars> {
        Arc::new(Bars {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            live: Mutex::new(BTreeMap::new()),
        })
    }

    /// The hook the readers report to.
    pub(crate) fn hook(self: &Arc<Bars>) -> ProgressHook {
        ProgressHook::new(self.clone())
    }

    /// Updates (or starts) the bar of `key`: `message` now, `summary` when it is settled.
    fn update(&self, key: &str, message: String, summary: String, steps: Option<(u64, u64)>) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = live.entry(key.to_owned()).or_insert_with(|| {
            let bar = match steps {
                Some((_, total)) => {
                    let bar = ProgressBar::new(total);
                    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
                        bar.set_style(style);
                    }
                    bar
                }
                None => {
                    let bar = ProgressBar::new_spinner();
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                }
            };
            (self.multi.add(bar), String::new())
        });
        if let Some((done, _)) = steps {
            entry.0.set_position(done);
        }
        entry.0.set_message(message);
        entry.1 = summary;
    }

    /// Ends every live bar, leaving its summary line: called before a prompt and when the command ends.
    pub(crate) fn settle(&self) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        for (_, (bar, summary)) in std::mem::take(&mut *live) {
            bar.finish_and_clear();
            if !summary.is_empty() {
                let _ = self.multi.println(summary);
            }
        }
    }
}

impl Progress for Bars {
    fn read(&self, source: &str, pages: usize, items: usize) {
        let source = escape(source);
        let pages_word = if pages == 1 { "page" } else { "pages" };
        self.update(
            &source,
            format!("{source}: {items} read ({pages} {pages_word})"),
            format!("{source}: {items} read in {pages} {pages_word}"),
            None,
        );
    }

    fn waiting(&self, what: &str, seconds: u64, cause: &str) {
        let what = escape(what);
        self.update(
            &what,
            format!("{what}: {} (waiting {seconds} s)", escape(cause)),
            format!("{what}: waited {seconds} s: {}", escape(cause)),
            None,
        );
    }

    fn step(&self, done: usize, total: usize, target: &str) {
        let total = u64::try_from(total).unwrap_or(u64::MAX);
        let done = u64::try_from(done).unwrap_or(u64::MAX);
        self.update(
            WRITES,
            escape(target).into_owned(),
            format!("Handled {done} of {total} operation(s)"),
            Some((done, total)),
        );
    }
}

/// A stream that ends the live bars before anything is written to it, so results and warnings are never
/// drawn over (a spinner keeps redrawing the lines below the cursor).
pub(crate) struct Settling<'a> {
    /// The stream written to.
    pub(crate) inner: &'a mut dyn std::io::Write,
    /// The bars to end first.
    pub(crate) bars: Option<Arc<Bars>>,
}

impl std::io::Write for Settling<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(bars) = &self.bars {
            bars.settle();
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
