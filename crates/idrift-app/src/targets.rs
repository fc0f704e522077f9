//! Write targets: the directories a mutating command reads and writes, opened from a source description the
//! same way for the CLI (`--demo`, `--snapshot DIR`, `--ad ldaps://DC|FILE`, `--entra graph|FILE`) and for the
//! PowerShell module (`idrift-ffi`'s `Source`). Front ends turn their options into configurations (and say
//! their own usage errors); everything after that is here: which target type serves which source, what each
//! is called in the "writes to" line, and the reader warnings to show.
//!
//! - dirsync writers: [`demo_writers`], [`snapshot_writers`], or one side at a time with [`open_ad_writer`] /
//!   [`ad_file_writer`] and [`graph_writer`] / [`entra_file_writer`], put together by [`combine`]. A snapshot
//!   directory or an export file is edited in place (a rehearsal of the repair); the demo is read-only.
//! - remediation targets: [`rehearsal_target`] for a snapshot directory, [`live_remediation_target`] for the
//!   services named.

use std::path::Path;
use std::sync::Arc;

use idrift_core::model::Snapshot;
use idrift_core::ports::{OnPremPhoneWriter, TenantSyncAdmin};

use crate::AppError;
use crate::dirsync_ops::{DirSyncExecutor, SnapshotTarget};
use crate::live::{self, CloudConfig, LdapConfig};
use crate::remediate::{LiveTarget, RehearsalTarget};
use crate::source::{AnchorRead, Missing, Names};

/// The directories a dirsync writer reads and writes.
pub struct WriteTargets {
    /// The AD side, if the source names one.
    pub ad: Option<Arc<dyn OnPremPhoneWriter>>,
    /// The Entra side, if the source names one.
    pub cloud: Option<Arc<dyn TenantSyncAdmin>>,
    /// What the writes go to, in words ("the snapshot DIR (rehearsal: edited in place, only the values written change)").
    pub description: String,
    /// Reader warnings, each naming its file and line, in the order read.
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for WriteTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTargets")
            .field("ad", &self.ad.is_some())
            .field("cloud", &self.cloud.is_some())
            .field("description", &self.description)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl WriteTargets {
    /// The executor the journal runs the planned writes through.
    pub fn executor(&self) -> DirSyncExecutor<'_> {
        DirSyncExecutor::new(self.ad.as_deref(), self.cloud.as_deref())
    }

    /// The AD side, for a command that writes AD values.
    ///
    /// # Errors
    /// [`AppError::Settings`] when the source names no Active Directory (worded by `names`).
    pub fn ad_side(&self, names: &dyn Names) -> Result<&dyn OnPremPhoneWriter, AppError> {
        self.ad
            .as_deref()
            .ok_or_else(|| AppError::Settings(names.missing(Missing::AdSide)))
    }

    /// The Entra side, for a command that writes Entra values or the tenant switch.
    ///
    /// # Errors
    /// [`AppError::Settings`] when the source names no Entra ID (worded by `names`).
    pub fn cloud_side(&self, names: &dyn Names) -> Result<&dyn TenantSyncAdmin, AppError> {
        self.cloud
            .as_deref()
            .ok_or_else(|| AppError::Settings(names.missing(Missing::EntraSide)))
    }
}

/// One side of a write target, opened.
pub struct Side<T: ?Sized> {
    /// The directory.
    pub target: Arc<T>,
    /// What it is, in words.
    pub description: String,
    /// Reader warnings.
    pub warnings: Vec<String>,
}

impl<T: ?Sized> std::fmt::Debug for Side<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Side")
            .field("description", &self.description)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// The bundled demo, both sides (read-only: its writes fail as outcomes).
///
/// # Errors
/// As for [`crate::demo::load`].
pub fn demo_writers() -> Result<WriteTargets, AppError> {
    let loaded = crate::demo::load()?;
    let t = Arc::new(SnapshotTarget::for_files(None, None, loaded.snapshot));
    Ok(WriteTargets {
        ad: Some(t.clone()),
        cloud: Some(t),
        description: "the bundled demo (read-only)".to_owned(),
        warnings: loaded.warnings,
    })
}

/// A snapshot directory, both sides, edited in place.
///
/// # Errors
/// As for [`crate::snapshot::load_dir`].
pub fn snapshot_writers(dir: &Path) -> Result<WriteTargets, AppError> {
    snapshot_writers_anchored(dir, &AnchorRead::default())
}

/// [`snapshot_writers`], its users matched by `anchor`.
///
/// # Errors
/// As for [`crate::snapshot::load_dir`].
pub fn snapshot_writers_anchored(
    dir: &Path,
    anchor: &AnchorRead,
) -> Result<WriteTargets, AppError> {
    if !dir.is_dir() {
        // The reader names what is missing; no lock file is created in a directory that is not there.
        crate::snapshot::load_dir(dir)?;
    }
    let files = [
        crate::snapshot::AD_FILE,
        crate::snapshot::ENTRA_USERS_FILE,
        crate::snapshot::ENTRA_SYNC_FILE,
    ]
    .map(|f| dir.join(f));
    let lock = crate::lock::acquire_dir(dir, &files)?;
    let mut loaded = crate::snapshot::load_dir_anchored(dir, anchor.attribute.as_deref())?;
    loaded.snapshot.anchor = anchor.anchor;
    let t = Arc::new(SnapshotTarget::for_dir(dir, loaded.snapshot).with_lock(lock));
    Ok(WriteTargets {
        ad: Some(t.clone()),
        cloud: Some(t),
        description: format!(
            "the snapshot {} (rehearsal: edited in place, only the values written change)",
            dir.display()
        ),
        warnings: loaded.warnings,
    })
}

/// A live domain controller; `url` is the address as the administrator gave it (for the description).
///
/// # Errors
/// As for [`live::open_ad`].
pub async fn open_ad_writer(
    url: &str,
    cfg: &LdapConfig,
) -> Result<Side<dyn OnPremPhoneWriter>, AppError> {
    let dir = live::open_ad(cfg).await?;
    Ok(Side {
        target: Arc::new(dir),
        description: format!("Active Directory at {url}"),
        warnings: Vec::new(),
    })
}

/// An AD LDIF export, edited in place.
///
/// # Errors
/// As for [`crate::snapshot::load_ad_file`].
pub fn ad_file_writer(path: &Path) -> Result<Side<dyn OnPremPhoneWriter>, AppError> {
    ad_file_writer_anchored(path, &AnchorRead::default())
}

/// [`ad_file_writer`], its users matched by `anchor`.
///
/// # Errors
/// As for [`crate::snapshot::load_ad_file`].
pub fn ad_file_writer_anchored(
    path: &Path,
    anchor: &AnchorRead,
) -> Result<Side<dyn OnPremPhoneWriter>, AppError> {
    if !path.is_file() {
        crate::snapshot::load_ad_file(path)?;
    }
    let lock = lock_file(path, &[path])?;
    let (on_prem, warnings) = crate::snapshot::read_ad(
        path,
        crate::snapshot::LoadProfile::Full,
        anchor.attribute.as_deref(),
    )?;
    let snap = Snapshot {
        on_prem,
        anchor: anchor.anchor,
        ..Snapshot::default()
    };
    Ok(Side {
        target: Arc::new(SnapshotTarget::for_files(Some(path), None, snap).with_lock(lock)),
        description: format!(
            "the AD export {} (rehearsal: edited in place, only the values written change)",
            path.display()
        ),
        warnings,
    })
}

/// Entra ID through Microsoft Graph.
///
/// # Errors
/// As for [`live::open_graph`].
pub fn graph_writer(cfg: &CloudConfig) -> Result<Side<dyn TenantSyncAdmin>, AppError> {
    let client = live::open_graph(cfg)?;
    Ok(Side {
        target: Arc::new(client),
        description: format!("Entra ID (Microsoft Graph, tenant {})", cfg.tenant),
        warnings: Vec::new(),
    })
}

/// A Graph user JSON export, edited in place.
///
/// # Errors
/// As for [`crate::snapshot::load_entra_file`].
pub fn entra_file_writer(path: &Path) -> Result<Side<dyn TenantSyncAdmin>, AppError> {
    entra_files_writer(path, None)
}

/// A Graph user JSON export and, when given, the tenant sync object beside it (`--entra-sync FILE`,
/// the response of `GET /directory/onPremisesSynchronization`), both edited in place.
///
/// # Errors
/// As for [`crate::snapshot::load_entra_file`] and [`crate::snapshot::load_tenant_sync_file`].
pub fn entra_files_writer(
    path: &Path,
    sync: Option<&Path>,
) -> Result<Side<dyn TenantSyncAdmin>, AppError> {
    if !path.is_file() {
        crate::snapshot::load_entra_file(path)?;
    }
    let lock = lock_file(
        path,
        &[Some(path), sync].into_iter().flatten().collect::<Vec<_>>(),
    )?;
    let cloud = crate::snapshot::load_entra_file(path)?;
    let tenant_sync = match sync {
        Some(p) => crate::snapshot::load_tenant_sync_file(p)?,
        None => None,
    };
    let snap = Snapshot {
        cloud,
        tenant_sync,
        ..Snapshot::default()
    };
    let description = match sync {
        Some(p) => format!(
            "the Entra exports {} and {} (rehearsal: edited in place, only the values written change)",
            path.display(),
            p.display()
        ),
        None => format!(
            "the Entra export {} (rehearsal: edited in place, only the values written change)",
            path.display()
        ),
    };
    Ok(Side {
        target: Arc::new(
            SnapshotTarget::for_files(None, Some(path), snap)
                .with_sync_file(sync)
                .with_lock(lock),
        ),
        description,
        warnings: Vec::new(),
    })
}

/// Locks the export file `path` (`.NAME.lock` beside it) for this run, sweeping the stale temporary files of
/// `files`; a file that is not there is left to its reader to report.
fn lock_file(path: &Path, files: &[&Path]) -> Result<crate::lock::TargetLock, AppError> {
    let files: Vec<_> = files.iter().map(|f| f.to_path_buf()).collect();
    crate::lock::acquire_file(path, &files)
}

/// The two sides as one set of targets; `None` when neither is named (each front end says so its own way).
pub fn combine(
    ad: Option<Side<dyn OnPremPhoneWriter>>,
    cloud: Option<Side<dyn TenantSyncAdmin>>,
) -> Option<WriteTargets> {
    if ad.is_none() && cloud.is_none() {
        return None;
    }
    let mut described = Vec::new();
    let mut warnings = Vec::new();
    let ad = ad.map(|s| {
        described.push(s.description);
        warnings.extend(s.warnings);
        s.target
    });
    let cloud = cloud.map(|s| {
        described.push(s.description);
        warnings.extend(s.warnings);
        s.target
    });
    Some(WriteTargets {
        ad,
        cloud,
        description: described.join(" and "),
        warnings,
    })
}

/// A snapshot directory to rehearse remediation steps on, and its reader warnings.
///
/// # Errors
/// As for [`RehearsalTarget::open`].
pub fn rehearsal_target(dir: &Path) -> Result<(RehearsalTarget, Vec<String>), AppError> {
    RehearsalTarget::open(dir)
}

/// The live services remediation steps act on: a domain controller (`ad`: its address as given, and its
/// configuration), Microsoft Graph and Exchange Online (with `cloud`). `None` when nothing is named.
///
/// # Errors
/// As for [`live::open_ad`], [`live::open_graph`] and [`live::open_exo`]; [`AppError::Invalid`] when `graph` or
/// `exo` is asked for without a cloud configuration.
pub async fn live_remediation_target(
    ad: Option<(&str, &LdapConfig)>,
    cloud: Option<&CloudConfig>,
    graph: bool,
    exo: bool,
) -> Result<Option<LiveTarget>, AppError> {
    let mut described = Vec::new();
    let ad_dir = match ad {
        Some((url, cfg)) => {
            let dir = live::open_ad(cfg).await?;
            described.push(format!("Active Directory at {url}"));
            Some(dir)
        }
        None => None,
    };
    let needs_cloud = || {
        AppError::Invalid(
            "Microsoft Graph and Exchange Online need the app registration (tenant, client id, credential)"
                .to_owned(),
        )
    };
    let graph_client = if graph {
        let cfg = cloud.ok_or_else(needs_cloud)?;
        described.push(format!("Entra ID (Microsoft Graph, tenant {})", cfg.tenant));
        Some(live::open_graph(cfg)?)
    } else {
        None
    };
    let exo_client = if exo {
        let cfg = cloud.ok_or_else(needs_cloud)?;
        described.push(format!("Exchange Online (tenant {})", cfg.tenant));
        Some(live::open_exo(cfg)?)
    } else {
        None
    };
    if described.is_empty() {
        return Ok(None);
    }
    Ok(Some(LiveTarget::new(
        ad_dir,
        graph_client,
        exo_client,
        described.join(", "),
    )))
}

#[cfg(test)]
mod tests;
