//! Sources: turning the request's `Source` into loaded data (readers) or into the directories a command
//! writes to (writers), exactly as the CLI's `--demo`, `--snapshot` and `--ad/--entra/--exo` options do
//! (`idrift-cli/src/source.rs` and `open_targets` in `idrift-cli/src/cmd/dirsync.rs`).

use std::path::Path;
use std::sync::Arc;

use idrift_app::dirsync_ops::{DirSyncExecutor, SnapshotTarget};
use idrift_app::snapshot::{self, Loaded};
use idrift_core::model::Snapshot;
use idrift_core::ports::{OnPremPhoneWriter, TenantSyncAdmin};

use crate::error::CallError;
use crate::wire::SourceSpec;

/// Checks that a path from the request is absolute. Paths arrive from a host whose current directory is not
/// the process's (PowerShell's `$PWD`), so a relative path would silently mean something else here.
pub(crate) fn absolute<'a>(
    op: &'static str,
    field: &str,
    path: &'a Path,
) -> Result<&'a Path, CallError> {
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(CallError::InvalidArgs {
            op,
            message: format!(
                "{field} must be an absolute path (the host resolves relative paths), got {}",
                path.display()
            ),
        })
    }
}

fn optional<'a>(
    op: &'static str,
    field: &str,
    path: Option<&'a std::path::PathBuf>,
) -> Result<Option<&'a Path>, CallError> {
    path.map(|p| absolute(op, field, p)).transpose()
}

/// The name of a source's kind, as the wire spells it.
pub(crate) fn kind(source: &SourceSpec) -> &'static str {
    match source {
        SourceSpec::Demo => "Demo",
        SourceSpec::Snapshot { .. } => "Snapshot",
        SourceSpec::Files { .. } => "Files",
    }
}

/// Loads the data a source names, for the read-only commands.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a relative path or a `Files` source without both files; the loaders' errors.
pub(crate) fn load(op: &'static str, source: &SourceSpec) -> Result<Loaded, CallError> {
    let (mut loaded, exo, exo_users) = match source {
        SourceSpec::Demo => (idrift_app::demo::load()?, None, None),
        SourceSpec::Snapshot {
            path,
            exo,
            exo_users,
        } => (
            snapshot::load_dir(absolute(op, "Source.Path", path)?)?,
            optional(op, "Source.Exo", exo.as_ref())?,
            optional(op, "Source.ExoUsers", exo_users.as_ref())?,
        ),
        SourceSpec::Files {
            ad,
            entra,
            exo,
            exo_users,
        } => {
            let (Some(ad), Some(entra)) = (ad, entra) else {
                return Err(CallError::InvalidArgs {
                    op,
                    message:
                        "a Files source needs both Source.Ad (LDIF) and Source.Entra (Graph JSON)"
                            .to_owned(),
                });
            };
            (
                snapshot::load_pair(
                    absolute(op, "Source.Ad", ad)?,
                    absolute(op, "Source.Entra", entra)?,
                )?,
                optional(op, "Source.Exo", exo.as_ref())?,
                optional(op, "Source.ExoUsers", exo_users.as_ref())?,
            )
        }
    };
    if let Some(p) = exo {
        loaded.snapshot.exo_recipients = Some(snapshot::load_exo_file(p)?);
    }
    if let Some(p) = exo_users {
        loaded.snapshot.exo_users = Some(snapshot::load_exo_file(p)?);
    }
    Ok(loaded)
}

/// The directories a writer reads and writes: here always snapshots (a rehearsal), since live sources are not
/// wired into the writers yet (as in the CLI).
pub(crate) struct Targets {
    pub(crate) ad: Option<Arc<dyn OnPremPhoneWriter>>,
    pub(crate) cloud: Option<Arc<dyn TenantSyncAdmin>>,
    /// What the writes go to, in words.
    pub(crate) description: String,
    /// Reader warnings, each naming its file and line.
    pub(crate) warnings: Vec<String>,
}

impl Targets {
    pub(crate) fn executor(&self) -> DirSyncExecutor<'_> {
        DirSyncExecutor::new(self.ad.as_deref(), self.cloud.as_deref())
    }

    /// The AD side.
    ///
    /// # Errors
    /// [`CallError::InvalidArgs`] when the source names no AD data.
    pub(crate) fn ad(&self, op: &'static str) -> Result<&dyn OnPremPhoneWriter, CallError> {
        self.ad.as_deref().ok_or_else(|| CallError::InvalidArgs {
            op,
            message: "the source names no Active Directory data: give Source.Ad, or a Snapshot"
                .to_owned(),
        })
    }

    /// The Entra side.
    ///
    /// # Errors
    /// [`CallError::InvalidArgs`] when the source names no Entra data.
    pub(crate) fn cloud(&self, op: &'static str) -> Result<&dyn TenantSyncAdmin, CallError> {
        self.cloud.as_deref().ok_or_else(|| CallError::InvalidArgs {
            op,
            message: "the source names no Entra ID data: give Source.Entra, or a Snapshot"
                .to_owned(),
        })
    }
}

/// Opens the directories a source names for reading and writing. A snapshot directory (or single export
/// files) is written in place; the demo is read-only.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a relative path or a `Files` source with neither file; the loaders' errors.
pub(crate) fn open(op: &'static str, source: &SourceSpec) -> Result<Targets, CallError> {
    match source {
        SourceSpec::Demo => {
            let loaded = idrift_app::demo::load()?;
            let t = Arc::new(SnapshotTarget::for_files(None, None, loaded.snapshot));
            Ok(Targets {
                ad: Some(t.clone()),
                cloud: Some(t),
                description: "the bundled demo (read-only)".to_owned(),
                warnings: loaded.warnings,
            })
        }
        SourceSpec::Snapshot { path, .. } => {
            let dir = absolute(op, "Source.Path", path)?;
            let loaded = snapshot::load_dir(dir)?;
            let t = Arc::new(SnapshotTarget::for_dir(dir, loaded.snapshot));
            Ok(Targets {
                ad: Some(t.clone()),
                cloud: Some(t),
                description: format!(
                    "the snapshot {} (rehearsal: its files are rewritten)",
                    dir.display()
                ),
                warnings: loaded.warnings,
            })
        }
        SourceSpec::Files { ad, entra, .. } => {
            let mut described = Vec::new();
            let mut warnings = Vec::new();
            let ad_target: Option<Arc<dyn OnPremPhoneWriter>> = match ad {
                Some(p) => {
                    let path = absolute(op, "Source.Ad", p)?;
                    let (on_prem, w) = snapshot::load_ad_file(path)?;
                    warnings.extend(w);
                    described.push(format!(
                        "the AD export {} (rehearsal: it is rewritten)",
                        path.display()
                    ));
                    let snap = Snapshot {
                        on_prem,
                        ..Snapshot::default()
                    };
                    Some(Arc::new(SnapshotTarget::for_files(Some(path), None, snap)))
                }
                None => None,
            };
            let cloud_target: Option<Arc<dyn TenantSyncAdmin>> = match entra {
                Some(p) => {
                    let path = absolute(op, "Source.Entra", p)?;
                    let cloud = snapshot::load_entra_file(path)?;
                    described.push(format!(
                        "the Entra export {} (rehearsal: it is rewritten)",
                        path.display()
                    ));
                    let snap = Snapshot {
                        cloud,
                        ..Snapshot::default()
                    };
                    Some(Arc::new(SnapshotTarget::for_files(None, Some(path), snap)))
                }
                None => None,
            };
            if ad_target.is_none() && cloud_target.is_none() {
                return Err(CallError::InvalidArgs {
                    op,
                    message: "a Files source needs Source.Ad and/or Source.Entra".to_owned(),
                });
            }
            Ok(Targets {
                ad: ad_target,
                cloud: cloud_target,
                description: described.join(" and "),
                warnings,
            })
        }
    }
}
