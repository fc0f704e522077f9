//! `snapshot take --since STATE`: keep a snapshot's AD users current from what changed in the directory since
//! the previous run, instead of reading every user again.
//!
//! The AD side is read with [`LdapDirectory::read_changes`]: the first run (no state file) reads every user,
//! later runs only the users added, changed, moved or deleted since. The changes are applied to the
//! snapshot's `ad.ldif` by objectGUID, the file is replaced atomically under the snapshot's lock, and only
//! then is the new state committed, bound to a SHA-256 digest of the `ad.ldif` it belongs to. A later run
//! refuses a snapshot whose `ad.ldif` no longer has that digest (edited by hand, written by a rehearsal, or
//! a run interrupted between the two renames): changes apply only to the file they were read against, and
//! a full read (a new state file) is always correct.
//!
//! Other sources read in the same run (Entra ID, Exchange Online) are read in full by the caller and their
//! files replaced too.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use idrift_core::guid::Guid;
use idrift_core::model::{OnPremUser, Snapshot};
use idrift_ldap::{AdChanges, ChangeState, LdapConfig, LdapError};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::files::{write_atomic, write_err};
use crate::lock;
use crate::snapshot::{
    AD_FILE, ENTRA_SYNC_FILE, ENTRA_USERS_FILE, EXO_RECIPIENTS_FILE, EXO_USERS_FILE, LoadProfile,
    Parts, read_ad, write_dir, write_parts,
};

/// What an incremental take reads and where it writes.
#[derive(Debug, Clone, Copy)]
pub struct SinceSpec<'a> {
    /// The domain controller. Its custom source anchor ([`LdapConfig::anchor`]) is read with the changes,
    /// kept in the users the snapshot already holds, and written back as the `ad.ldif` attribute it names.
    pub ad: &'a LdapConfig,
    /// The change state file (created by the first run).
    pub state: &'a Path,
    /// The snapshot directory: created by the first run, refreshed by the later ones.
    pub dir: &'a Path,
}

/// What an incremental take did to the snapshot's AD users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SinceReport {
    /// Every user was read (a first run, or a new state file).
    pub full: bool,
    /// Users new to the snapshot.
    pub added: usize,
    /// Users the snapshot held, replaced by their new values.
    pub updated: usize,
    /// Users removed: deleted in AD, or moved out of the base DNs or the filter.
    pub removed: usize,
    /// AD users in the snapshot after the run.
    pub ad_users: usize,
}

fn ad_err(cfg: &LdapConfig) -> impl Fn(LdapError) -> AppError + '_ {
    move |e| AppError::Live {
        context: format!("Active Directory {}", cfg.url),
        source: e.into(),
    }
}

/// Reads what changed in AD since `spec.state` and writes it into the snapshot `spec.dir`, with the parts
/// of `others` that `parts` names (`parts.ad` is ignored: the AD file is always written).
///
/// # Errors
/// [`AppError::Invalid`] for a state with no snapshot; [`AppError::Parse`] for an `ad.ldif` changed since
/// the state was stored (or a state bound to no file); [`AppError::Live`] for the directory;
/// [`AppError::Write`] naming the file or the lock another run holds. Nothing is committed on any error.
pub async fn take_since(
    spec: &SinceSpec<'_>,
    others: &Snapshot,
    parts: Parts,
) -> Result<SinceReport, AppError> {
    let state = ChangeState::open(spec.state).map_err(ad_err(spec.ad))?;
    let existing = is_snapshot_dir(spec.dir)?;
    let ad_path = spec.dir.join(AD_FILE);
    if !state.is_first() {
        if !existing {
            return Err(AppError::Invalid(format!(
                "{}: the change state {} belongs to a snapshot, and this directory holds none; give the \
                 snapshot it was used with, or a new state file for a full read",
                spec.dir.display(),
                spec.state.display()
            )));
        }
        check_binding(&state, &ad_path)?;
    }
    let _lock = if existing {
        let files = snapshot_files(spec.dir);
        Some(lock::acquire_dir(spec.dir, &files)?)
    } else {
        None
    };
    let directory = crate::live::open_ad(spec.ad).await?;
    let (changes, pending) = directory
        .read_changes(&state)
        .await
        .map_err(ad_err(spec.ad))?;
    let anchor = spec
        .ad
        .anchor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let mut snapshot = others.clone();
    snapshot.anchor_attribute = anchor.map(str::to_owned);
    let report = if changes.full {
        let ad_users = changes.changed.len();
        snapshot.on_prem = changes.changed;
        SinceReport {
            full: true,
            added: ad_users,
            ad_users,
            ..SinceReport::default()
        }
    } else {
        let (mut users, _) = read_ad(&ad_path, LoadProfile::Full, anchor)?;
        let mut report = apply_changes(&mut users, &changes);
        report.ad_users = users.len();
        snapshot.on_prem = users;
        report
    };
    let digest = if existing {
        let digest = write_hashed(&ad_path, &snapshot.on_prem, anchor)?;
        write_parts(
            spec.dir,
            &snapshot,
            Parts {
                ad: false,
                entra: parts.entra,
            },
        )?;
        digest
    } else {
        write_dir(
            spec.dir,
            &snapshot,
            Parts {
                ad: true,
                entra: parts.entra,
            },
        )?;
        file_digest(&ad_path)?
    };
    pending.commit(Some(&digest)).map_err(ad_err(spec.ad))?;
    Ok(report)
}

/// Applies `changes` (not a full read) to `users` by objectGUID: changed users replace the user with their
/// GUID or are appended in the order read, deleted users and users out of scope are removed. Users without
/// an objectGUID are kept as they are.
pub fn apply_changes(users: &mut Vec<OnPremUser>, changes: &AdChanges) -> SinceReport {
    let gone: HashSet<Guid> = changes
        .deleted
        .iter()
        .map(|d| d.object_guid)
        .chain(changes.out_of_scope.iter().filter_map(|u| u.object_guid))
        .collect();
    let mut changed: HashMap<Guid, &OnPremUser> = changes
        .changed
        .iter()
        .filter_map(|u| u.object_guid.map(|g| (g, u)))
        .collect();
    let mut report = SinceReport::default();
    let before = users.len();
    users.retain_mut(|u| match u.object_guid {
        Some(g) if gone.contains(&g) && !changed.contains_key(&g) => false,
        Some(g) => {
            if let Some(new) = changed.remove(&g) {
                *u = new.clone();
                report.updated += 1;
            }
            true
        }
        None => true,
    });
    report.removed = before - users.len();
    for u in &changes.changed {
        if u.object_guid.is_some_and(|g| changed.contains_key(&g)) {
            users.push(u.clone());
            report.added += 1;
        }
    }
    report
}

/// Whether `dir` holds anything (a snapshot to refresh) rather than being absent or empty.
fn is_snapshot_dir(dir: &Path) -> Result<bool, AppError> {
    if !dir.exists() {
        return Ok(false);
    }
    let mut entries = std::fs::read_dir(dir).map_err(|source| AppError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(entries.next().is_some())
}

fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    [
        AD_FILE,
        ENTRA_USERS_FILE,
        ENTRA_SYNC_FILE,
        EXO_RECIPIENTS_FILE,
        EXO_USERS_FILE,
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect()
}

fn check_binding(state: &ChangeState, ad_path: &Path) -> Result<(), AppError> {
    let Some(bound) = state.bound_to() else {
        return Err(AppError::Parse {
            path: state.path().to_path_buf(),
            message: "this change state is bound to no snapshot file (it was not stored by `snapshot take`); \
                      use a new state file for a full read"
                .to_owned(),
        });
    };
    let digest = file_digest(ad_path)?;
    if digest != bound {
        return Err(AppError::Parse {
            path: ad_path.to_path_buf(),
            message: format!(
                "the file changed since the change state {} was stored (edited, written by a rehearsal, or \
                 an interrupted run), so the changes read since then may not apply to it; use a new state \
                 file for a full read",
                state.path().display()
            ),
        });
    }
    Ok(())
}

/// The SHA-256 digest of a file, as `sha256:HEX`.
fn file_digest(path: &Path) -> Result<String, AppError> {
    let mut file = std::fs::File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            AppError::MissingFile {
                dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                file: AD_FILE,
            }
        } else {
            AppError::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|source| AppError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex_digest(hasher))
}

fn hex_digest(hasher: Sha256) -> String {
    let mut out = String::from("sha256:");
    for b in hasher.finalize() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Writes the users to `path` atomically (with the custom source anchor attribute `anchor`, when named) and
/// returns the digest of the bytes written.
fn write_hashed(
    path: &Path,
    users: &[OnPremUser],
    anchor: Option<&str>,
) -> Result<String, AppError> {
    struct Hashing<'a> {
        inner: &'a mut dyn Write,
        hasher: Sha256,
    }
    impl Write for Hashing<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.inner.write(buf)?;
            self.hasher.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }
    let mut digest = String::new();
    write_atomic(path, |w| {
        let mut h = Hashing {
            inner: w,
            hasher: Sha256::new(),
        };
        idrift_ldap::ldif::write_users_anchored(&mut h, users, anchor).map_err(write_err(path))?;
        digest = hex_digest(h.hasher);
        Ok(())
    })?;
    Ok(digest)
}

#[cfg(test)]
mod tests;
