//! Journals: the durable record of every write a command makes, and the machinery that applies, resumes and
//! undoes a plan of writes.
//!
//! A journal is a JSON Lines file. Its first line is a [`Header`] (command, plan hash, creation time); then
//! come the [`Planned`] operations and any [`Note`]s (such as the BypassDirSyncOverrides preview), made
//! durable as one block before the first write; then, for each operation, a [`Started`] entry carrying the
//! values found just before the write, and an [`OutcomeEntry`] (applied, skipped, conflict, failed). Every entry
//! after the plan is written, flushed and `fsync`ed before the tool moves on, so a run killed at any point
//! leaves a journal that says exactly what may have been written.
//!
//! Operations are generic: each has an operation name (`"ad.phones"`, `"tenant.bypassDirSyncOverrides"`,
//! the remediation steps of later commands), a target, a locator, and before/after values as JSON. An
//! [`OpExecutor`] knows how to read, compare and write one kind of operation; [`execute`] runs the state
//! machine that every command shares:
//!
//! 1. re-read the object; when it already has the planned value, record `skipped` (or `applied`, when an
//!    interrupted run had started this write);
//! 2. when it no longer has the planned before-value, record `conflict` and write nothing;
//! 3. record `started` with the value just read, write (the executor passes that value as the expected one,
//!    so the directory refuses a write racing another change), record `applied` with the value read back.
//!
//! Every write of every command goes through that one path ([`run_one`]: dirsync writes, the bypass switch,
//! undo, lint fixes and the write steps of a remediation), so the outcomes mean the same everywhere:
//!
//! | found on the re-read | outcome | final for a resume |
//! |---|---|---|
//! | the planned after-value | `skipped` (`applied` when an earlier attempt had started the write) | yes |
//! | the planned before-value | the write is made: `applied`, or `failed` / `conflict` as the directory answers | when applied |
//! | another value | `conflict`: changed since the plan, nothing written | yes (plan again) |
//! | no object (it vanished) | `conflict`: it no longer matches the plan, nothing written | yes (plan again) |
//! | the read failed | `failed`: nothing written | no (read again) |
//!
//! A remediation run ([`crate::remediate`]) stops at the first step that does not end `applied` or
//! `skipped`, and its resume runs every step not applied or skipped again (through the same re-read).
//!
//! [`resume`] continues a journal: operations with an outcome of applied, skipped or conflict are final; those
//! pending, failed or in doubt (started without an outcome) go through the same steps, so nothing is written
//! twice. [`undo_ops`] turns the applied operations of a journal into a new plan that restores the before
//! values, which [`start`] and [`execute`] run like any other plan, into a journal of its own.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::timefmt::{adsynctools_stamp, iso8601};

mod run;
mod stepped;

pub(crate) use run::run_one;
pub use run::{
    Chain, OpExecutor, OpReport, REPLANNED, RunOptions, RunReport, apply, check_resumable, execute,
    number, resume,
};
pub use stepped::Stepped;

/// The journal format version written in [`Header::v`].
pub const JOURNAL_VERSION: u32 = 1;

/// Reads the clock for journal timestamps. The front ends pass the system clock; tests pass a fixed one.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// A clock reading `f` (seconds since the Unix epoch).
    pub fn new(f: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(f))
    }

    /// A clock that always reads `secs`.
    pub fn fixed(secs: i64) -> Clock {
        Clock::new(move || secs)
    }

    /// The current time as ISO 8601 UTC.
    pub fn now_iso(&self) -> String {
        iso8601((self.0)())
    }

    /// The current time in seconds since the Unix epoch.
    pub fn now_unix(&self) -> i64 {
        (self.0)()
    }

    /// A time the front end read as seconds since the Unix epoch: 0 before 1970, [`i64::MAX`] past its range.
    pub fn unix_seconds(time: std::time::SystemTime) -> i64 {
        time.duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Header {
    /// The format version ([`JOURNAL_VERSION`]).
    #[serde(rename = "V")]
    pub v: u32,
    /// The command that wrote it, e.g. `dirsync persist`.
    pub command: String,
    /// [`plan_hash`] of the planned operations: a resumed run checks the plan is complete and unchanged.
    pub plan_hash: String,
    /// How many operations were planned.
    pub operations: usize,
    /// When the run started (ISO 8601 UTC).
    pub created: String,
    /// The tool and version that wrote it.
    pub tool: String,
    /// For an undo run: the journal it undoes, and that journal's plan hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
}

/// One planned write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Planned {
    /// Its number within the journal, from 1.
    pub seq: u64,
    /// The operation name, which selects the [`OpExecutor`], e.g. `ad.phones`.
    pub op: String,
    /// What an administrator calls the object (a UPN, or `tenant`).
    pub target: String,
    /// How the executor finds the object (operation-specific).
    pub locator: Value,
    /// The value the object had when the plan was made; a different value at write time is a conflict.
    pub before: Value,
    /// The value to write.
    pub after: Value,
}

/// A journal value of any type: `Null` in the impossible case that it does not serialise.
pub(crate) fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Decodes `v`, the value of `op` that `what` names (`Before`, `After`, the value read), as `T`; an error names
/// the operation.
pub(crate) fn from_value<T: for<'de> Deserialize<'de>>(
    op: &Planned,
    what: &str,
    v: &Value,
) -> Result<T, idrift_core::ports::SourceError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        idrift_core::ports::SourceError::InvalidData(format!(
            "journal operation {} ({}): {what} is not valid: {e}",
            op.seq, op.op
        ))
    })
}

/// Data recorded with a plan before anything is written, such as the users a tenant switch will overwrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Note {
    /// What it is, e.g. `BypassPreview`.
    pub kind: String,
    /// The data.
    pub data: Value,
    /// When it was recorded.
    #[serde(default)]
    pub at: String,
}

/// A write is about to happen: the value found just before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Started {
    /// The planned operation.
    pub seq: u64,
    /// The value read just before the write: what undo restores.
    pub before: Value,
    /// When.
    #[serde(default)]
    pub at: String,
}

/// How one operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Written.
    Applied,
    /// Not written because nothing needed writing.
    Skipped,
    /// Not written because the object changed since the plan.
    Conflict,
    /// The write (or the read before it) failed.
    Failed,
}

/// The result of one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutcomeEntry {
    /// The planned operation.
    pub seq: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// The value read back after the write (or found, when skipped or in conflict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// Why, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When.
    #[serde(default)]
    pub at: String,
}

/// A later run continued this journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resumed {
    /// When.
    pub at: String,
    /// The tool and version that resumed it.
    pub tool: String,
}

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "Type")]
pub enum Entry {
    /// The first line.
    Header(Header),
    /// A planned write.
    Planned(Planned),
    /// Data recorded with the plan.
    Note(Note),
    /// A write is about to happen.
    Started(Started),
    /// How an operation ended.
    Outcome(OutcomeEntry),
    /// A later run continued the journal.
    Resumed(Resumed),
}

const ENTRY_TYPES: [&str; 6] = ["Header", "Planned", "Note", "Started", "Outcome", "Resumed"];

/// The tool name and version recorded in journals.
pub fn tool_version() -> String {
    format!("idrift {}", env!("CARGO_PKG_VERSION"))
}

/// The SHA-256 (hex) of the planned operations, each serialized as its journal line.
pub fn plan_hash(planned: &[Planned]) -> String {
    let mut h = Sha256::new();
    for p in planned {
        // Serializing plain data into memory cannot fail; an empty line would still change the hash.
        h.update(serde_json::to_string(p).unwrap_or_default().as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The default journal file name for `command` run at `now_unix`:
/// `idrift-dirsync-persist_2026Nov25-143005.journal.jsonl`.
pub fn default_file_name(command: &str, now_unix: i64) -> String {
    let slug: String = command
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "idrift-{slug}_{}.journal.jsonl",
        adsynctools_stamp(now_unix)
    )
}

/// Appends entries to a journal, each one written, flushed and synced to disk before `append` returns.
#[derive(Debug)]
pub struct JournalWriter {
    path: PathBuf,
    file: File,
    clock: Clock,
}

impl JournalWriter {
    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The clock used for timestamps.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Appends one entry and syncs it to disk.
    ///
    /// # Errors
    /// [`AppError::Write`] naming the journal.
    pub fn append(&mut self, entry: &Entry) -> Result<(), AppError> {
        let line = entry_line(entry, &self.path)?;
        self.file
            .write_all(line.as_bytes())
            .map_err(self.write_err())?;
        self.file.flush().map_err(self.write_err())?;
        self.file.sync_data().map_err(self.write_err())
    }

    /// Appends one entry without syncing it; [`JournalWriter::sync`] makes it durable (batched writes).
    ///
    /// # Errors
    /// [`AppError::Write`] naming the journal.
    pub fn append_unsynced(&mut self, entry: &Entry) -> Result<(), AppError> {
        let line = entry_line(entry, &self.path)?;
        self.file
            .write_all(line.as_bytes())
            .map_err(self.write_err())
    }

    /// Syncs every entry appended so far to disk.
    ///
    /// # Errors
    /// [`AppError::Write`] naming the journal.
    pub fn sync(&mut self) -> Result<(), AppError> {
        self.file.flush().map_err(self.write_err())?;
        self.file.sync_data().map_err(self.write_err())
    }

    fn write_err(&self) -> impl FnOnce(std::io::Error) -> AppError + '_ {
        move |source| AppError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

fn entry_line(entry: &Entry, path: &Path) -> Result<String, AppError> {
    let mut line = serde_json::to_string(entry).map_err(|e| AppError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    line.push('\n');
    Ok(line)
}

/// What [`start`] writes before the first operation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanSpec {
    /// The command, e.g. `dirsync persist`.
    pub command: String,
    /// The operations, numbered from 1 in order.
    pub ops: Vec<Planned>,
    /// Data recorded with the plan.
    pub notes: Vec<(String, Value)>,
    /// For an undo: the journal undone.
    pub undoes: Option<String>,
}

impl PlanSpec {
    /// The plan of `command` running `ops` in order (numbered here from 1), with no notes.
    pub fn numbered(command: &str, mut ops: Vec<Planned>) -> PlanSpec {
        number(&mut ops);
        PlanSpec {
            command: command.to_owned(),
            ops,
            ..PlanSpec::default()
        }
    }
}

/// Creates a new journal at `path` (it must not exist) and writes the header, the plan and the notes, synced
/// to disk as one block, together with the directory entry of the new file.
///
/// # Errors
/// [`AppError::Invalid`] when `path` exists (resume it, or choose another path); [`AppError::Write`] naming
/// the journal.
pub fn start(path: &Path, spec: &PlanSpec, clock: Clock) -> Result<JournalWriter, AppError> {
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(AppError::Invalid(format!(
                "{}: journal already exists; resume it, or name a new journal",
                path.display()
            )));
        }
        Err(source) => {
            return Err(AppError::Write {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let header = Header {
        v: JOURNAL_VERSION,
        command: spec.command.clone(),
        plan_hash: plan_hash(&spec.ops),
        operations: spec.ops.len(),
        created: clock.now_iso(),
        tool: tool_version(),
        undoes: spec.undoes.clone(),
    };
    let mut block = entry_line(&Entry::Header(header), path)?;
    for op in &spec.ops {
        block.push_str(&entry_line(&Entry::Planned(op.clone()), path)?);
    }
    for (kind, data) in &spec.notes {
        let note = Note {
            kind: kind.clone(),
            data: data.clone(),
            at: clock.now_iso(),
        };
        block.push_str(&entry_line(&Entry::Note(note), path)?);
    }
    let werr = |source| AppError::Write {
        path: path.to_path_buf(),
        source,
    };
    file.write_all(block.as_bytes()).map_err(werr)?;
    file.sync_all().map_err(werr)?;
    sync_parent(path);
    Ok(JournalWriter {
        path: path.to_path_buf(),
        file,
        clock,
    })
}

/// Syncs the directory holding `path`, so a new file's name survives a crash (best effort: some platforms
/// cannot open a directory for syncing, and the file's own data is already synced).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

/// Opens an existing journal for appending. A last line cut short by a crash is removed first, so the next
/// entry starts on a line of its own.
///
/// # Errors
/// [`AppError::Write`] naming the journal.
pub fn open_append(path: &Path, clock: Clock) -> Result<JournalWriter, AppError> {
    let werr = |source| AppError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(werr)?;
    let mut content = Vec::new();
    file.read_to_end(&mut content).map_err(werr)?;
    let keep = content
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    if keep < content.len() {
        file.set_len(keep as u64).map_err(werr)?;
        file.sync_all().map_err(werr)?;
    }
    file.seek(SeekFrom::End(0)).map_err(werr)?;
    Ok(JournalWriter {
        path: path.to_path_buf(),
        file,
        clock,
    })
}

/// Where an operation stands according to its journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OpStatus {
    /// Planned, not attempted.
    Pending,
    /// A write started and no outcome was recorded: the run was interrupted. It may or may not have been
    /// written; a resume re-reads the object to find out.
    InDoubt,
    /// Written.
    Applied,
    /// Nothing needed writing.
    Skipped,
    /// The object changed since the plan; not written.
    Conflict,
    /// The write or the read before it failed.
    Failed,
}

impl OpStatus {
    /// Whether a resume leaves this operation alone.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OpStatus::Applied | OpStatus::Skipped | OpStatus::Conflict
        )
    }

    /// The word used in outcome tables.
    pub fn label(self) -> &'static str {
        match self {
            OpStatus::Pending => "pending",
            OpStatus::InDoubt => "in doubt",
            OpStatus::Applied => "applied",
            OpStatus::Skipped => "skipped",
            OpStatus::Conflict => "conflict",
            OpStatus::Failed => "failed",
        }
    }
}

impl From<Outcome> for OpStatus {
    fn from(o: Outcome) -> OpStatus {
        match o {
            Outcome::Applied => OpStatus::Applied,
            Outcome::Skipped => OpStatus::Skipped,
            Outcome::Conflict => OpStatus::Conflict,
            Outcome::Failed => OpStatus::Failed,
        }
    }
}

/// One planned operation and what the journal records about it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpState {
    /// The plan.
    pub planned: Planned,
    /// The latest `started` entry.
    pub started: Option<Started>,
    /// The latest outcome.
    pub outcome: Option<OutcomeEntry>,
    /// Where it stands.
    pub status: OpStatus,
}

impl OpState {
    /// A freshly planned operation.
    pub fn pending(planned: Planned) -> OpState {
        OpState {
            planned,
            started: None,
            outcome: None,
            status: OpStatus::Pending,
        }
    }
}

/// A journal read back.
#[derive(Debug, Clone)]
pub struct JournalLog {
    /// The file.
    pub path: PathBuf,
    /// Its first line.
    pub header: Header,
    /// Every entry after the header, in file order.
    pub entries: Vec<Entry>,
    /// Whether the planned operations hash to [`Header::plan_hash`] and number [`Header::operations`]: false
    /// when the run was killed while writing its plan (then nothing was written).
    pub plan_complete: bool,
    /// Lines that were skipped, with the reason (a last line cut short by a crash).
    pub warnings: Vec<String>,
}

impl JournalLog {
    /// The planned operations, in order.
    pub fn planned(&self) -> Vec<Planned> {
        planned_of(&self.entries)
    }

    /// The notes, in order.
    pub fn notes(&self) -> Vec<Note> {
        self.entries
            .iter()
            .filter_map(|e| match e {
                Entry::Note(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    /// What resuming continues: the operations that are not final yet, under the journal's command.
    pub fn remaining(&self) -> PlanSpec {
        PlanSpec {
            command: self.header.command.clone(),
            ops: self
                .ops()
                .into_iter()
                .filter(|s| !s.status.is_final())
                .map(|s| s.planned)
                .collect(),
            ..PlanSpec::default()
        }
    }

    /// Every planned operation with its latest `started` entry, latest outcome and status.
    pub fn ops(&self) -> Vec<OpState> {
        let mut ops: Vec<OpState> = self.planned().into_iter().map(OpState::pending).collect();
        let positions: std::collections::HashMap<u64, usize> = ops
            .iter()
            .enumerate()
            .map(|(i, o)| (o.planned.seq, i))
            .collect();
        let index = |seq: u64| positions.get(&seq).copied();
        for e in &self.entries {
            match e {
                Entry::Started(s) => {
                    if let Some(i) = index(s.seq)
                        && let Some(op) = ops.get_mut(i)
                    {
                        op.started = Some(s.clone());
                        op.status = OpStatus::InDoubt;
                    }
                }
                Entry::Outcome(o) => {
                    if let Some(i) = index(o.seq)
                        && let Some(op) = ops.get_mut(i)
                    {
                        op.status = o.outcome.into();
                        op.outcome = Some(o.clone());
                    }
                }
                _ => {}
            }
        }
        ops
    }
}

/// Reads a journal.
///
/// A last line without its newline that does not parse is what a crash during a write leaves: it is skipped
/// with a warning. Any other unreadable line is an error naming it.
///
/// # Errors
/// [`AppError::Read`]; [`AppError::Parse`] naming the line when an entry is unreadable, the first line is not
/// a header, the version is newer than this tool's, or an entry refers to an operation that was not planned.
pub fn read(path: &Path) -> Result<JournalLog, AppError> {
    let text = crate::files::read_text(path)?;
    parse(path, &text)
}

/// Parses journal text (see [`read`]).
///
/// # Errors
/// As [`read`].
pub fn parse(path: &Path, text: &str) -> Result<JournalLog, AppError> {
    let perr =
        |line: usize, message: String| AppError::parse(path, format!("line {line}: {message}"));
    let mut header = None;
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut seqs = std::collections::BTreeSet::new();
    for (i, raw) in lines.iter().enumerate() {
        let line_no = i + 1;
        let torn = i + 1 == lines.len() && !raw.ends_with('\n');
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if !torn {
            crate::strict::check_json(path, line, line_no)?;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) if torn => {
                warnings.push(format!(
                    "{}: line {line_no}: incomplete last entry ignored (the run was interrupted while writing it)",
                    path.display()
                ));
                continue;
            }
            Err(e) => return Err(perr(line_no, format!("not a JSON journal entry: {e}"))),
        };
        let kind = value
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !ENTRY_TYPES.contains(&kind.as_str()) {
            return Err(perr(
                line_no,
                format!(
                    "unknown entry Type {kind:?} (expected one of {})",
                    ENTRY_TYPES.join(", ")
                ),
            ));
        }
        let entry: Entry = serde_json::from_value(value)
            .map_err(|e| perr(line_no, format!("invalid {kind} entry: {e}")))?;
        match (&header, entry) {
            (None, Entry::Header(h)) => {
                if h.v > JOURNAL_VERSION {
                    return Err(perr(
                        line_no,
                        format!(
                            "journal format version {} is newer than this tool's ({JOURNAL_VERSION}); use a newer idrift",
                            h.v
                        ),
                    ));
                }
                header = Some(h);
            }
            (None, _) => {
                return Err(perr(
                    line_no,
                    "the first entry must be the journal Header".to_owned(),
                ));
            }
            (Some(_), Entry::Header(_)) => {
                return Err(perr(line_no, "a second Header entry".to_owned()));
            }
            (Some(_), entry) => {
                match &entry {
                    Entry::Planned(p) if !seqs.insert(p.seq) => {
                        return Err(perr(
                            line_no,
                            format!("operation {} is planned twice", p.seq),
                        ));
                    }
                    Entry::Started(Started { seq, .. })
                    | Entry::Outcome(OutcomeEntry { seq, .. })
                        if !seqs.contains(seq) =>
                    {
                        return Err(perr(
                            line_no,
                            format!("entry for operation {seq}, which is not planned"),
                        ));
                    }
                    _ => {}
                }
                entries.push(entry);
            }
        }
    }
    let Some(header) = header else {
        return Err(AppError::parse(
            path,
            "empty journal: no Header entry".to_owned(),
        ));
    };
    let planned = planned_of(&entries);
    let plan_complete =
        planned.len() == header.operations && plan_hash(&planned) == header.plan_hash;
    Ok(JournalLog {
        path: path.to_path_buf(),
        header,
        entries,
        plan_complete,
        warnings,
    })
}

/// An operation of a journal that [`undo_ops`] cannot reverse, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotUndone {
    /// The operation number in the journal undone.
    pub seq: u64,
    /// Its target.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// The plan that restores the before-values of a journal's writes, newest first: for every operation that
/// was applied (or may have been: in doubt, or failed after the write started), write back the value found
/// just before it, expecting the value it wrote; one that never landed is then skipped as already restored.
/// Operations never written (pending, skipped, conflict, failed) are left out, and listed with the reason
/// when they cannot be reversed.
pub fn undo_ops(log: &JournalLog) -> (Vec<Planned>, Vec<NotUndone>) {
    let mut ops = Vec::new();
    let mut not_undone = Vec::new();
    for op in log.ops().into_iter().rev() {
        // A failed write that had started may have landed (a reply lost after the server applied it).
        let maybe_written = matches!(op.status, OpStatus::Applied | OpStatus::InDoubt)
            || (op.status == OpStatus::Failed && op.started.is_some());
        if !maybe_written {
            continue;
        }
        let Some(started) = &op.started else {
            not_undone.push(NotUndone {
                seq: op.planned.seq,
                target: op.planned.target.clone(),
                reason: "applied without a recorded before-value".to_owned(),
            });
            continue;
        };
        let written = op
            .outcome
            .as_ref()
            .filter(|o| o.outcome == Outcome::Applied)
            .and_then(|o| o.after.clone())
            .unwrap_or_else(|| op.planned.after.clone());
        ops.push(Planned {
            seq: 0,
            op: op.planned.op.clone(),
            target: op.planned.target.clone(),
            locator: op.planned.locator.clone(),
            before: written,
            after: started.before.clone(),
        });
    }
    number(&mut ops);
    (ops, not_undone)
}

/// The [`PlanSpec`] of the undo of `log`.
pub fn undo_spec(log: &JournalLog) -> (PlanSpec, Vec<NotUndone>) {
    let (ops, not_undone) = undo_ops(log);
    let spec = PlanSpec {
        command: format!("undo {}", log.header.command),
        ops,
        notes: Vec::new(),
        undoes: Some(format!(
            "{} (plan {})",
            log.path.display(),
            log.header.plan_hash
        )),
    };
    (spec, not_undone)
}

/// The planned operations among `entries`, in order.
fn planned_of(entries: &[Entry]) -> Vec<Planned> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Planned(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
