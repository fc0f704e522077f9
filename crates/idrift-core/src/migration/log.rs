//! Reading the move report log for interruptions: the stalls and restarts that make "Data migrated"
//! (`BytesTransferred`) exceed the mailbox size.
//!
//! - A **stall** is an entry naming a throttling state `StalledDueTo…` (e.g.
//!   `StalledDueToTarget_DiskLatency`), an entry saying the job "has been paused temporarily", or one
//!   saying the service is "relinquishing" the job. One entry counts once.
//! - A **failure** is an entry saying an error occurred that the service does not retry (`Fatal error …
//!   has occurred`, `… failed`; not `Transient error … The system will retry`). A "Relinquishing job" entry
//!   after a failure, before the copy goes on and not naming server health or budget (throttling), is the
//!   service giving the job up because of that failure: it is part of the failure, not a stall.
//! - A **restart** is the copy starting again: an entry "Request processing continued, stage
//!   LoadingMessages" (or CopyingMessages), or the log entering `LoadingMessages`/`CopyingMessages` again
//!   after a stall or after an earlier pass. The first pass of a log that starts from the beginning is not
//!   a restart.
//!
//! Each restart copies data again, and `BytesTransferred` counts every copy.

use std::collections::BTreeMap;

use serde::Serialize;

/// What the report log says about interruptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogSummary {
    /// Log entries read.
    pub entries: usize,
    /// Stall entries (`StalledDueTo…`, "paused temporarily", "relinquishing").
    pub stalls: u32,
    /// Times the message copy started again (`LoadingMessages`/`CopyingMessages` re-entered).
    pub restarts: u32,
    /// Copy passes seen (a pass is a run of `LoadingMessages`/`CopyingMessages` stages).
    pub copy_passes: u32,
    /// Stall states named in the log, with how many entries named each.
    pub stall_states: BTreeMap<String, u32>,
    /// Failure entries, as logged (an error occurred; a "Relinquishing job" after one is part of it).
    pub failures: Vec<String>,
}

impl LogSummary {
    /// Stalls plus restarts.
    pub fn interruptions(&self) -> u32 {
        self.stalls.saturating_add(self.restarts)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Loading,
    Copying,
    Other,
}

/// Counts stalls and restarts in report log entries, in order.
pub fn analyze_log<S: AsRef<str>>(entries: &[S]) -> LogSummary {
    let mut summary = LogSummary {
        entries: entries.len(),
        ..LogSummary::default()
    };
    let mut in_pass = false;
    let mut last_stage: Option<Stage> = None;
    let mut after_failure = false;
    for entry in entries {
        let e = entry.as_ref();
        let lower = e.to_ascii_lowercase();
        if is_failure(&lower) {
            summary.failures.push(e.trim().to_owned());
            after_failure = true;
            in_pass = false;
            last_stage = None;
            continue;
        }
        let state = stall_state(e);
        let relinquished = lower.contains("relinquishing job");
        let throttled = lower.contains("server health") || lower.contains("budget");
        if relinquished && after_failure && state.is_none() && !throttled {
            // The service gives the failed job up: the failure is already counted.
            continue;
        }
        let stalled = state.is_some() || lower.contains("paused temporarily") || relinquished;
        if stalled {
            after_failure = false;
            summary.stalls = summary.stalls.saturating_add(1);
            if let Some(s) = state {
                let n = summary.stall_states.entry(s).or_insert(0);
                *n = n.saturating_add(1);
            }
            in_pass = false;
            last_stage = None;
            continue;
        }
        let Some(stage) = stage_of(e) else {
            continue;
        };
        after_failure = false;
        if stage == Stage::Other {
            last_stage = Some(stage);
            continue;
        }
        let continued = lower.contains("processing continued");
        let back_to_loading =
            in_pass && stage == Stage::Loading && last_stage == Some(Stage::Copying);
        if continued || !in_pass || back_to_loading {
            summary.copy_passes = summary.copy_passes.saturating_add(1);
            if continued || summary.copy_passes > 1 {
                summary.restarts = summary.restarts.saturating_add(1);
            }
            in_pass = true;
        }
        last_stage = Some(stage);
    }
    summary
}

/// Whether an entry (lower-cased) reports an error the job does not retry: "Fatal error X has occurred",
/// "… failed". A transient error the service retries ("The system will retry (1/60)") is not a failure.
fn is_failure(lower: &str) -> bool {
    if lower.contains("will retry") {
        return false;
    }
    (lower.contains("error") && lower.contains("has occurred"))
        || lower.contains("fatal error")
        || lower.contains(" failed")
}

/// The `StalledDueTo…` state an entry names, if any.
fn stall_state(e: &str) -> Option<String> {
    let i = e.find("StalledDueTo")?;
    let name: String = e[i..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some(name)
}

/// The stage an entry reports: `Stage: X.` or `…, stage X.`.
fn stage_of(e: &str) -> Option<Stage> {
    let lower = e.to_ascii_lowercase();
    let i = lower.find("stage")?;
    let rest = e[i + "stage".len()..].trim_start_matches(':').trim_start();
    let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    if name.is_empty() {
        return None;
    }
    Some(match name.as_str() {
        "LoadingMessages" => Stage::Loading,
        "CopyingMessages" => Stage::Copying,
        _ => Stage::Other,
    })
}

#[cfg(test)]
mod tests;
