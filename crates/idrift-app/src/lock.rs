//! One writer at a time: [`TargetLock`] is an exclusive advisory lock (`File::try_lock`) on a lock file beside
//! a write target (`DIR/.idrift.lock` for a snapshot directory, `.NAME.lock` beside an export file), held for
//! as long as the target is open. The operating system releases it when the holder exits, killed or not, so a
//! lock is never stale. The holder writes its process id into the file so a refused run can name it.
//!
//! While holding the lock, a run removes the temporary files (`.NAME.partial-PID`) a killed writer of the
//! same target left behind: no other writer can be using them.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::AppError;

/// How long a run waits for another run's lock before refusing.
pub const LOCK_WAIT: Duration = Duration::from_secs(3);

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// The lock file of a snapshot directory.
pub const DIR_LOCK_FILE: &str = ".idrift.lock";

/// An exclusive lock on a write target, released when dropped.
#[derive(Debug)]
pub struct TargetLock {
    path: PathBuf,
    _file: File,
}

impl TargetLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file beside the export file `target` (`.NAME.lock`).
pub fn file_lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.lock"))
}

/// Locks the snapshot directory `dir` (its [`DIR_LOCK_FILE`], the lock every writer of the directory takes),
/// waiting up to [`LOCK_WAIT`]; then removes the stale temporary files of `files` (its files).
///
/// # Errors
/// As for [`acquire`].
pub fn acquire_dir(dir: &Path, files: &[PathBuf]) -> Result<TargetLock, AppError> {
    acquire(&dir.join(DIR_LOCK_FILE), files, LOCK_WAIT)
}

/// Locks the export file `target` (its [`file_lock_path`]), waiting up to [`LOCK_WAIT`]; then removes the stale
/// temporary files of `files`.
///
/// # Errors
/// As for [`acquire`].
pub fn acquire_file(target: &Path, files: &[PathBuf]) -> Result<TargetLock, AppError> {
    acquire(&file_lock_path(target), files, LOCK_WAIT)
}

/// Locks the target whose lock file is `lock`, waiting up to `wait` for another holder; then removes the
/// stale temporary files of `files` (the target's files).
///
/// # Errors
/// [`AppError::Write`] naming the lock file when it cannot be created, or when another run still holds it
/// after `wait` (the message names that run's process id).
pub fn acquire(lock: &Path, files: &[PathBuf], wait: Duration) -> Result<TargetLock, AppError> {
    let fail = |source: std::io::Error| AppError::Write {
        path: lock.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock)
        .map_err(fail)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => pause(POLL),
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = holder_pid(&mut file).map_or_else(
                    || "another idrift run".to_owned(),
                    |p| format!("another idrift run (PID {p})"),
                );
                return Err(fail(std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    format!(
                        "{holder} is writing to this target and still held the lock after {} s; try again when \
                         it has finished",
                        wait.as_secs()
                    ),
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
    }
    let pid = std::process::id().to_string();
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(pid.as_bytes()))
        .and_then(|()| file.flush())
        .map_err(fail)?;
    for f in files {
        sweep_partials(f);
    }
    Ok(TargetLock {
        path: lock.to_path_buf(),
        _file: file,
    })
}

/// Waits between two tries of the lock. The targets are opened synchronously, before any I/O of the run,
/// so a short blocking pause holds up nothing else.
#[allow(
    clippy::disallowed_methods,
    reason = "a short pause between two tries of a lock, before the run does any async work"
)]
fn pause(d: Duration) {
    std::thread::sleep(d);
}

fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Removes `.NAME.partial-*` beside `target`: temporary files of a killed writer (the caller holds the lock).
fn sweep_partials(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.partial-", name.to_string_lossy());
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            // Best effort: a file that cannot be removed is left for the next run.
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests;
