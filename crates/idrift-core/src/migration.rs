//! Mailbox migration verification: judge a move by the folder-by-folder `MailboxVerification` of its
//! report, not by the "Data migrated" counter.
//!
//! Admins save `Get-MigrationUserStatistics -IncludeReport` output in three forms, and each has a reader:
//! CLIXML from `Export-Clixml` ([`InputFormat::Clixml`]), JSON from `ConvertTo-Json` or the Exchange admin
//! API's `InvokeCommand` ([`InputFormat::Json`]), and the console text of `Format-List`
//! ([`InputFormat::FormatList`]). All three are read into one document model and then into
//! [`MigrationStats`]; [`verify`] turns those into a [`UserVerification`] with a [`Verdict`]:
//!
//! - `Pass` when no folder lost items: every folder's target count is at least its source count, its
//!   missing bucket is empty, and no folder is missing or misplaced in the target;
//! - `Fail` naming the folders and counts otherwise;
//! - `Unknown` when the report has no verification yet (a move that has not finalized).
//!
//! Beside the verdict it puts "Data migrated" (`BytesTransferred`) next to `EstimatedTotalTransferSize`
//! and the source size, and counts the stalls and restarts in the report log, because data copied again
//! after each interruption is what makes "Data migrated" exceed the mailbox size.
//! Everything here reads `&str` and returns values: no I/O.

use std::fmt;

use serde::Serialize;

pub(crate) mod clixml;
pub(crate) mod doc;
mod extract;
mod json;
mod log;
mod size;
mod text;
mod verify;

pub use log::{LogSummary, analyze_log};
pub use size::{ByteSize, CountAndSize, SizeError, approx, grouped};
pub use verify::{
    FolderResult, Summary, UserVerification, Verdict, VerificationReport, verify, verify_all,
};

/// The form a saved migration report is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InputFormat {
    /// PowerShell CLIXML (`Export-Clixml`, or EXO `X-ResponseFormat: clixml`).
    Clixml,
    /// `ConvertTo-Json` output or an `InvokeCommand` response.
    Json,
    /// Console text of `Format-List` (`$stats | fl`, `$stats.Report.MailboxVerification | fl`).
    FormatList,
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::Clixml => "CLIXML",
            InputFormat::Json => "JSON",
            InputFormat::FormatList => "Format-List text",
        })
    }
}

/// Why a saved report could not be read. Every variant says where (line and column, or the property path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// The text is not well-formed in its format.
    #[error("line {line}, column {column}: invalid {format}: {message}")]
    Syntax {
        /// The format being read.
        format: InputFormat,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// The text ends in the middle of the document.
    #[error(
        "line {line}, column {column}: the {format} ends early ({detail}); the file looks truncated"
    )]
    Truncated {
        /// The format being read.
        format: InputFormat,
        /// 1-based line of the end of the input.
        line: usize,
        /// 1-based column of the end of the input.
        column: usize,
        /// What was still open.
        detail: String,
    },
    /// A property holds something other than what it should.
    #[error("{}{path}: {message}", at_line(*line))]
    Field {
        /// The property path, e.g. `Report.MailboxVerification[1].Source`.
        path: String,
        /// The line where the object starts, when the format has lines.
        line: Option<usize>,
        /// What was expected and found.
        message: String,
    },
    /// Well-formed input that holds no migration statistics.
    #[error("no migration statistics in this {format}: {message}")]
    NotRecognized {
        /// The format being read.
        format: InputFormat,
        /// What was expected.
        message: String,
    },
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

/// What the report says about folder verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The statistics carry no report (saved without `-IncludeReport`).
    NoReport,
    /// The report has no `MailboxVerification` (the move has not reached finalization).
    NotInReport,
    /// `MailboxVerification` is there but holds no folders.
    Empty,
    /// `MailboxVerification` was saved only as text that names no folders (too small a serialization
    /// depth, or Format-List's `{…}` summary); the text found is kept.
    NotSerialized(String),
    /// The per-folder records.
    Folders(Vec<FolderVerification>),
}

/// One `MailboxVerification` record (MRS `FolderSizeRec`): a folder's source and target counts and sizes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderVerification {
    /// The folder's path in the source mailbox (`FolderSourcePath`, or `FolderPath` in older schemas).
    pub folder_path: String,
    /// `FolderTargetPath`, when the record has it.
    pub target_path: Option<String>,
    /// The well-known folder type (`WKFType`, e.g. `Inbox`), when present.
    pub well_known: Option<String>,
    /// Normal items in the source folder.
    pub source: CountAndSize,
    /// Folder-associated (hidden) items in the source folder.
    pub source_fai: CountAndSize,
    /// Normal items in the target folder.
    pub target: CountAndSize,
    /// Folder-associated items in the target folder.
    pub target_fai: CountAndSize,
    /// Items found corrupt.
    pub corrupt: CountAndSize,
    /// Items too large to move.
    pub large: CountAndSize,
    /// Items skipped.
    pub skipped: CountAndSize,
    /// Items missing in the target (`MissingItemsInTargetBucket`, or `Missing` and `MissingItems`).
    pub missing: CountAndSize,
    /// Items duplicated in the target (`DuplicatedItemsInTargetBucket`).
    pub duplicated: CountAndSize,
    /// Items in the target that are not in the source (the four `…ExtraItemsInTargetBucket` buckets).
    pub extra_in_target: CountAndSize,
    /// `FolderIsMissing`: the folder does not exist in the target.
    pub folder_is_missing: bool,
    /// `FolderIsMisplaced`: the folder is under the wrong parent in the target.
    pub folder_is_misplaced: bool,
    /// `MailboxGuid`, when present.
    pub mailbox_guid: Option<String>,
    /// The 1-based line of the record in the input, when the format has lines.
    pub line: Option<usize>,
}

/// One migration user's statistics as read from a saved report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStats {
    /// `Identity` (or `EmailAddress`, `MailboxIdentifier`, ...), when the input names the user.
    pub identity: Option<String>,
    /// `Status` (or `StatusSummary`), e.g. `Completed`, `Synced`, `InProgress`.
    pub status: Option<String>,
    /// "Data migrated": `BytesTransferred`.
    pub bytes_transferred: Option<u64>,
    /// `EstimatedTotalTransferSize`.
    pub estimated_transfer_size: Option<u64>,
    /// `EstimatedTotalTransferCount`.
    pub estimated_transfer_count: Option<u64>,
    /// `TotalMailboxSize` (move request statistics), when present.
    pub total_mailbox_size: Option<u64>,
    /// `TotalStalledDuration` / `StalledDuration` as printed (e.g. `01:21:09.3851867`).
    pub stalled_duration: Option<String>,
    /// The folder verification.
    pub verification: Verification,
    /// The report log, one entry per item (`7/3/2018 2:22:35 PM [server] message`).
    pub log: Vec<String>,
}

impl MigrationStats {
    /// A user known by its folder verification and log alone: no status and no transfer statistics.
    pub fn verification_only(
        identity: Option<String>,
        verification: Verification,
        log: Vec<String>,
    ) -> MigrationStats {
        MigrationStats {
            identity,
            status: None,
            bytes_transferred: None,
            estimated_transfer_size: None,
            estimated_transfer_count: None,
            total_mailbox_size: None,
            stalled_duration: None,
            verification,
            log,
        }
    }
}

/// Guesses the form of a saved report from its first characters: `<` is CLIXML, `{` or a JSON array is
/// JSON, anything else is Format-List text (which may itself start with `[PS] C:\>`).
pub fn detect_format(text: &str) -> InputFormat {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') || t.starts_with("#< CLIXML") {
        return InputFormat::Clixml;
    }
    let after = |prefix: char| t.strip_prefix(prefix).map(str::trim_start);
    if let Some(rest) = after('{')
        && (rest.starts_with('"') || rest.starts_with('}'))
    {
        return InputFormat::Json;
    }
    if let Some(rest) = after('[')
        && rest.starts_with(|c: char| {
            matches!(c, '{' | '[' | '"' | ']' | '-' | 't' | 'f' | 'n') || c.is_ascii_digit()
        })
    {
        return InputFormat::Json;
    }
    InputFormat::FormatList
}

/// Reads migration statistics saved in `format`. A file may hold several users (an array, several
/// top-level CLIXML objects, an `InvokeCommand` page).
///
/// # Errors
/// [`MigrationError`] naming the line and column (syntax, truncation) or the property path and line
/// (a value of the wrong shape), or saying that the input holds no migration statistics.
pub fn parse(text: &str, format: InputFormat) -> Result<Vec<MigrationStats>, MigrationError> {
    if let Some(line) = crate::strict::nul_line(text) {
        return Err(MigrationError::Syntax {
            format,
            line,
            column: 1,
            message: crate::strict::NUL_MESSAGE.to_owned(),
        });
    }
    let doc = match format {
        InputFormat::Clixml => clixml::parse(text)?,
        InputFormat::Json => json::parse(text)?,
        InputFormat::FormatList => text::parse(text)?,
    };
    extract::extract(&doc, format)
}

/// [`detect_format`] then [`parse`].
///
/// # Errors
/// As [`parse`].
pub fn parse_auto(text: &str) -> Result<(InputFormat, Vec<MigrationStats>), MigrationError> {
    let format = detect_format(text);
    parse(text, format).map(|users| (format, users))
}

#[cfg(test)]
mod tests;
