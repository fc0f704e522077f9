//! The verdict on a migration user, and the explanation of "Data migrated".
//!
//! The verdict reads only the folder verification: `Pass` when no folder lost items (target count at
//! least the source count, the missing bucket empty, no folder missing or misplaced), `Fail` naming the
//! folders and counts otherwise, `Unknown` when there is no verification. Corrupt, large, skipped,
//! duplicated and folder-associated (FAI) counts are reported but do not decide the verdict.
//!
//! "Data migrated" (`BytesTransferred`) is set beside `EstimatedTotalTransferSize` and the source size,
//! with the stalls and restarts found in the report log, because data copied again after interruptions
//! is what makes it exceed the mailbox size. A target larger than the source is normal.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::log::{LogSummary, analyze_log};
use super::size::ByteSize;
use super::{FolderVerification, InputFormat, MigrationStats, Verification};

/// The outcome of a move's folder verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Verdict {
    /// No folder lost items.
    Pass,
    /// At least one folder lost items, or is missing or misplaced in the target.
    Fail,
    /// The report has no folder verification (yet).
    Unknown,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "Pass",
            Verdict::Fail => "Fail",
            Verdict::Unknown => "Unknown",
        })
    }
}

/// One folder's verification, flattened for output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FolderResult {
    /// The folder's path in the source mailbox.
    pub folder_path: String,
    /// The folder's path in the target, when the record has it and it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_folder_path: Option<String>,
    /// The well-known folder type (`Inbox`, `DeletedItems`, ...), when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub well_known_folder: Option<String>,
    /// Items in the source folder.
    pub source_count: u64,
    /// Bytes in the source folder.
    pub source_bytes: u64,
    /// Items in the target folder.
    pub target_count: u64,
    /// Bytes in the target folder.
    pub target_bytes: u64,
    /// Items in the missing bucket.
    pub missing_count: u64,
    /// Bytes in the missing bucket.
    pub missing_bytes: u64,
    /// Folder-associated items in the source.
    pub source_fai_count: u64,
    /// Folder-associated bytes in the source.
    pub source_fai_bytes: u64,
    /// Folder-associated items in the target.
    pub target_fai_count: u64,
    /// Folder-associated bytes in the target.
    pub target_fai_bytes: u64,
    /// Corrupt items.
    pub corrupt_count: u64,
    /// Corrupt bytes.
    pub corrupt_bytes: u64,
    /// Large items.
    pub large_count: u64,
    /// Large bytes.
    pub large_bytes: u64,
    /// Skipped items.
    pub skipped_count: u64,
    /// Skipped bytes.
    pub skipped_bytes: u64,
    /// Items duplicated in the target.
    pub duplicated_count: u64,
    /// Bytes duplicated in the target.
    pub duplicated_bytes: u64,
    /// Items in the target that are not in the source.
    pub extra_in_target_count: u64,
    /// The folder is missing in the target.
    pub folder_is_missing: bool,
    /// The folder is misplaced in the target.
    pub folder_is_misplaced: bool,
    /// How many items fewer the target has than the source (0 when it has as many or more).
    pub items_short: u64,
    /// Whether this folder fails the verification.
    pub lost_items: bool,
}

/// The verification of one migration user.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserVerification {
    /// The user (the input's `Identity`, or whatever names it best).
    pub identity: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why: the folders and counts that failed, or what is missing for a verdict.
    pub verdict_reason: String,
    /// The migration status, when the input has it.
    pub status: Option<String>,
    /// Every verified folder, in report order.
    pub folders: Vec<FolderResult>,
    /// Items lost over all folders (per folder, the larger of the missing bucket and the shortfall).
    pub missing_items: u64,
    /// "Data migrated": `BytesTransferred`.
    pub data_migrated_bytes: Option<u64>,
    /// `EstimatedTotalTransferSize`.
    pub estimated_transfer_bytes: Option<u64>,
    /// The source mailbox size: `TotalMailboxSize`, else the sum of the verified source folders.
    pub source_mailbox_bytes: Option<u64>,
    /// The sum of the verified target folders.
    pub target_mailbox_bytes: Option<u64>,
    /// Data migrated divided by the estimated transfer size (or by the source size without an estimate).
    pub overhead_ratio: Option<f64>,
    /// Data migrated beyond that size.
    pub overhead_bytes: Option<u64>,
    /// Stall entries in the report log.
    pub stalls: u32,
    /// Restarts of the message copy in the report log.
    pub restarts: u32,
    /// Stall states named in the log, with counts.
    pub stall_states: BTreeMap<String, u32>,
    /// Report log entries read.
    pub log_entries: usize,
    /// Failure entries in the report log, as logged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// `TotalStalledDuration` as printed, when present.
    pub stalled_duration: Option<String>,
    /// Sentences explaining "Data migrated" against the mailbox size.
    pub explanation: Vec<String>,
    /// The file this user was read from (set by the caller that read it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_file: Option<String>,
    /// The form that file was in (set by the caller that read it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_format: Option<InputFormat>,
}

/// Counts over a batch of users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Summary {
    /// Users verified.
    pub users: usize,
    /// Users that passed.
    pub pass: usize,
    /// Users that failed.
    pub fail: usize,
    /// Users without a verification.
    pub unknown: usize,
    /// Items lost over all users.
    pub missing_items: u64,
}

/// The output of `idrift migration verify`: `{"Users":[…],"Summary":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerificationReport {
    /// One entry per migration user, in input order.
    pub users: Vec<UserVerification>,
    /// Counts over the users.
    pub summary: Summary,
}

impl VerificationReport {
    /// A report over `users`, with its summary.
    pub fn new(users: Vec<UserVerification>) -> VerificationReport {
        let mut summary = Summary {
            users: users.len(),
            ..Summary::default()
        };
        for u in &users {
            match u.verdict {
                Verdict::Pass => summary.pass += 1,
                Verdict::Fail => summary.fail += 1,
                Verdict::Unknown => summary.unknown += 1,
            }
            summary.missing_items = summary.missing_items.saturating_add(u.missing_items);
        }
        VerificationReport { users, summary }
    }
}

/// Verifies every user of a parsed file.
pub fn verify_all(stats: &[MigrationStats]) -> Vec<UserVerification> {
    stats.iter().map(verify).collect()
}

/// Verifies one migration user: the verdict from its folder verification and the explanation of its
/// "Data migrated".
pub fn verify(stats: &MigrationStats) -> UserVerification {
    let folders: Vec<FolderResult> = match &stats.verification {
        Verification::Folders(fs) => fs.iter().map(folder_result).collect(),
        _ => Vec::new(),
    };
    let (verdict, verdict_reason) = verdict(stats, &folders);
    let missing_items = folders
        .iter()
        .map(|f| f.missing_count.max(f.items_short))
        .fold(0u64, u64::saturating_add);
    let log = analyze_log(&stats.log);

    let verified = matches!(&stats.verification, Verification::Folders(fs) if !fs.is_empty());
    let folder_source = verified.then(|| {
        folders
            .iter()
            .map(|f| f.source_bytes.saturating_add(f.source_fai_bytes))
            .fold(0u64, u64::saturating_add)
    });
    let target_mailbox_bytes = verified.then(|| {
        folders
            .iter()
            .map(|f| f.target_bytes.saturating_add(f.target_fai_bytes))
            .fold(0u64, u64::saturating_add)
    });
    let source_mailbox_bytes = stats.total_mailbox_size.or(folder_source);
    let basis = stats
        .estimated_transfer_size
        .or(source_mailbox_bytes)
        .filter(|b| *b > 0);
    let (overhead_ratio, overhead_bytes) = match (stats.bytes_transferred, basis) {
        (Some(data), Some(base)) => {
            // Ratios are shown to three decimals; the exact bytes are beside them.
            let ratio = (data as f64 / base as f64 * 1000.0).round() / 1000.0;
            (Some(ratio), Some(data.saturating_sub(base)))
        }
        _ => (None, None),
    };

    let mut user = UserVerification {
        identity: stats
            .identity
            .clone()
            .unwrap_or_else(|| "(unnamed migration user)".to_owned()),
        verdict,
        verdict_reason,
        status: stats.status.clone(),
        folders,
        missing_items,
        data_migrated_bytes: stats.bytes_transferred,
        estimated_transfer_bytes: stats.estimated_transfer_size,
        source_mailbox_bytes,
        target_mailbox_bytes,
        overhead_ratio,
        overhead_bytes,
        stalls: log.stalls,
        restarts: log.restarts,
        stall_states: log.stall_states.clone(),
        log_entries: log.entries,
        failures: log.failures.clone(),
        stalled_duration: stats.stalled_duration.clone(),
        explanation: Vec::new(),
        source_file: None,
        input_format: None,
    };
    user.explanation = explain(stats, &user, &log, folder_source);
    user
}

fn folder_result(f: &FolderVerification) -> FolderResult {
    let items_short = f.source.count.saturating_sub(f.target.count);
    let lost_items =
        items_short > 0 || !f.missing.is_empty() || f.folder_is_missing || f.folder_is_misplaced;
    FolderResult {
        folder_path: f.folder_path.clone(),
        target_folder_path: f.target_path.clone().filter(|t| *t != f.folder_path),
        well_known_folder: f
            .well_known
            .clone()
            .filter(|w| !w.eq_ignore_ascii_case("None")),
        source_count: f.source.count,
        source_bytes: f.source.size,
        target_count: f.target.count,
        target_bytes: f.target.size,
        missing_count: f.missing.count,
        missing_bytes: f.missing.size,
        source_fai_count: f.source_fai.count,
        source_fai_bytes: f.source_fai.size,
        target_fai_count: f.target_fai.count,
        target_fai_bytes: f.target_fai.size,
        corrupt_count: f.corrupt.count,
        corrupt_bytes: f.corrupt.size,
        large_count: f.large.count,
        large_bytes: f.large.size,
        skipped_count: f.skipped.count,
        skipped_bytes: f.skipped.size,
        duplicated_count: f.duplicated.count,
        duplicated_bytes: f.duplicated.size,
        extra_in_target_count: f.extra_in_target.count,
        folder_is_missing: f.folder_is_missing,
        folder_is_misplaced: f.folder_is_misplaced,
        items_short,
        lost_items,
    }
}

impl FolderResult {
    /// What the folder lost, e.g. `/Inbox: source 10188, target 10180 (8 short), missing 8 [...]`.
    pub fn failure_text(&self) -> String {
        describe_failure(self)
    }
}

fn describe_failure(f: &FolderResult) -> String {
    let mut s = format!(
        "{}: source {}, target {}",
        f.folder_path, f.source_count, f.target_count
    );
    if f.items_short > 0 {
        let _ = write!(s, " ({} short)", f.items_short);
    }
    if f.missing_count > 0 || f.missing_bytes > 0 {
        let _ = write!(
            s,
            ", missing {} [{}]",
            f.missing_count,
            ByteSize(f.missing_bytes)
        );
    }
    if f.folder_is_missing {
        s.push_str(", folder missing in the target");
    }
    if f.folder_is_misplaced {
        s.push_str(", folder misplaced in the target");
    }
    s
}

fn verdict(stats: &MigrationStats, folders: &[FolderResult]) -> (Verdict, String) {
    let status = stats
        .status
        .as_deref()
        .map(|s| format!(" (status {s})"))
        .unwrap_or_default();
    match &stats.verification {
        Verification::Folders(_) if !folders.is_empty() => {
            let failing: Vec<&FolderResult> = folders.iter().filter(|f| f.lost_items).collect();
            let source = folders
                .iter()
                .map(|f| f.source_count)
                .fold(0u64, u64::saturating_add);
            let target = folders
                .iter()
                .map(|f| f.target_count)
                .fold(0u64, u64::saturating_add);
            if failing.is_empty() {
                (
                    Verdict::Pass,
                    format!(
                        "all {} folder(s) verified: {target} item(s) in the target for {source} in the \
                         source, no missing items, no missing or misplaced folders",
                        folders.len()
                    ),
                )
            } else {
                let list: Vec<String> = failing.iter().map(|f| describe_failure(f)).collect();
                (
                    Verdict::Fail,
                    format!(
                        "{} of {} folder(s) lost items: {}",
                        failing.len(),
                        folders.len(),
                        list.join("; ")
                    ),
                )
            }
        }
        Verification::Folders(_) | Verification::Empty => (
            Verdict::Unknown,
            format!("the report's MailboxVerification lists no folders{status}"),
        ),
        Verification::NoReport => (
            Verdict::Unknown,
            format!(
                "no move report{status}: save the statistics with \
                 `Get-MigrationUserStatistics <user> -IncludeReport`"
            ),
        ),
        Verification::NotInReport => (
            Verdict::Unknown,
            format!(
                "the report has no MailboxVerification yet{status}: folders are verified when the move \
                 finalizes"
            ),
        ),
        Verification::NotSerialized(found) => {
            let shown: String = found.chars().take(100).collect();
            (
                Verdict::Unknown,
                format!(
                    "MailboxVerification was saved only as {shown:?}{status}; save it with \
                     `Export-Clixml -Depth 5`, `ConvertTo-Json -Depth 6`, or paste \
                     `$stats.Report.MailboxVerification | Format-List`"
                ),
            )
        }
    }
}

fn explain(
    stats: &MigrationStats,
    user: &UserVerification,
    log: &LogSummary,
    folder_source: Option<u64>,
) -> Vec<String> {
    let mut out = Vec::new();
    let size = |b: u64| ByteSize(b).to_string();
    match (stats.bytes_transferred, stats.estimated_transfer_size) {
        (Some(data), Some(est)) => {
            let mut s = format!(
                "Data migrated (BytesTransferred) is {}, {} the estimated transfer size \
                 (EstimatedTotalTransferSize) of {}",
                size(data),
                times(user.overhead_ratio),
                size(est)
            );
            if let Some(src) = user.source_mailbox_bytes {
                let _ = write!(s, "; the source mailbox holds {}", size(src));
                if stats.total_mailbox_size.is_none() {
                    s.push_str(" in its verified folders");
                }
            }
            s.push('.');
            out.push(s);
        }
        (Some(data), None) => {
            let mut s = format!("Data migrated (BytesTransferred) is {}", size(data));
            match user.source_mailbox_bytes {
                Some(src) => {
                    let _ = write!(
                        s,
                        ", {} the source mailbox size of {}",
                        times(user.overhead_ratio),
                        size(src)
                    );
                }
                None => s.push_str("; the input gives no size to compare it with"),
            }
            s.push('.');
            out.push(s);
        }
        (None, _) => out.push(
            "The input has no Data migrated (BytesTransferred) figure to explain.".to_owned(),
        ),
    }

    if log.entries == 0 {
        out.push(
            "The input has no report log, so stalls and restarts cannot be counted.".to_owned(),
        );
    } else if log.interruptions() > 0 {
        let states = if log.stall_states.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = log
                .stall_states
                .iter()
                .map(|(k, n)| format!("{k} {n}×"))
                .collect();
            format!(" ({})", parts.join(", "))
        };
        out.push(format!(
            "The report log shows {} stall(s){states} and {} restart(s) of the message copy \
             (LoadingMessages/CopyingMessages entered again).",
            log.stalls, log.restarts
        ));
    } else {
        out.push(format!(
            "The report log ({} entries) shows no stalls or restarts.",
            log.entries
        ));
    }

    if !log.failures.is_empty() {
        let last = log.failures.last().map(String::as_str).unwrap_or_default();
        out.push(format!(
            "The report log shows {} failure(s); the last: \"{last}\". A \"Relinquishing job\" after a failure \
             is the service giving the failed job up, not a stall: look at the failure before resuming.",
            log.failures.len()
        ));
    }

    if let (Some(extra), Some(data)) = (user.overhead_bytes, stats.bytes_transferred) {
        if extra > 0 && log.interruptions() > 0 {
            out.push(format!(
                "Data migrated counts every transfer, so the data copied again after these interruptions \
                 explains the {} overhead; it is not a sign of duplicated or lost items.",
                size(extra)
            ));
        } else if extra > 0 {
            out.push(format!(
                "Data migrated counts every transfer (the initial copy, incremental syncs, and data copied \
                 again after any interruption), and older source servers such as Exchange 2010 \
                 under-report mailbox sizes; the {} overhead is not a sign of duplicated or lost items.",
                size(extra)
            ));
        } else if data > 0 {
            out.push(
                "Data migrated does not exceed the estimate: no data was copied twice.".to_owned(),
            );
        }
    }

    if let (Some(src), Some(tgt)) = (folder_source, user.target_mailbox_bytes)
        && tgt > src
    {
        out.push(format!(
            "The target folders hold {}, more than the {} of the source folders: a larger target is \
             normal across Exchange versions (item sizes are computed differently) and is not a failure.",
            size(tgt),
            size(src)
        ));
    }

    out.push(match user.verdict {
        Verdict::Unknown => "Whether the move is complete can only be judged from the folder \
                             verification (MailboxVerification), which this report does not have."
            .to_owned(),
        _ => "Whether the move is complete is judged by the folder verification (item counts per \
              folder), not by Data migrated."
            .to_owned(),
    });
    out
}

fn times(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) => format!("{r} times"),
        None => "not comparable to".to_owned(),
    }
}

#[cfg(test)]
mod tests;
