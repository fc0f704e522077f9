//! Loading what a [`SourceSpec`] names.

use std::path::{Path, PathBuf};

use idrift_core::lean::{KeepAd, KeepCloud};
use idrift_core::matching::CloudKeys;
use idrift_core::model::{ExoRecipient, Snapshot};

use super::{AdSource, Base, EntraSource, ExoSource, Missing, Resolver, Setting, SourceSpec};
use crate::AppError;
use crate::live::{self, LiveData, LiveSpec};
use crate::snapshot::{self, AllowNames, Completeness, LoadProfile, Loaded};

/// Which directories a load needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Active Directory and Entra ID (or a base holding both): compare, scan, plan, report.
    Both,
    /// At least one of them: taking a snapshot.
    Any,
    /// Whatever is named, Active Directory left out (the caller reads it itself, as `snapshot take --since`
    /// does); none at all is fine.
    NotAd,
}

/// Which directories a load read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    /// Active Directory users.
    pub ad: bool,
    /// Entra ID users.
    pub entra: bool,
}

/// The file parts of a spec, owned so they can be read on a blocking thread while live parts are read.
struct FileParts {
    base: Option<Base>,
    ad: Option<PathBuf>,
    entra: Option<PathBuf>,
    entra_sync: Option<PathBuf>,
    exo: Option<PathBuf>,
    exo_users: Option<PathBuf>,
    profile: LoadProfile,
    completeness: Completeness,
    /// The custom source anchor attribute the AD reader keeps.
    anchor: Option<String>,
}

/// Loads the data `spec` names.
///
/// With [`Need::Both`] (the analyses), the AD users Entra Connect's default rules never sync are left out
/// of the snapshot and counted in [`idrift_core::model::Snapshot::not_synced_by_default`].
///
/// Two export files are parsed on two threads; live directories are read concurrently with each other and
/// with the files. Completeness is checked for every source (an Entra export whose last page carries
/// `@odata.nextLink`, a source with no user), as [`SourceSpec::completeness`] allows, and each user keeps
/// what `profile` reads. The warnings of every reader, and of the credentials, are in [`Loaded::warnings`],
/// each naming its file or service.
///
/// # Errors
/// [`AppError::Settings`] when `need` is not met (worded by [`super::Names::missing`]) or a setting is wrong;
/// the readers' and the services' errors, naming the file or service. Nothing partial is returned.
pub async fn load(
    spec: &SourceSpec,
    r: &Resolver<'_>,
    need: Need,
    profile: LoadProfile,
) -> Result<(Loaded, Sides), AppError> {
    load_as(spec, r, need, profile).await
}

/// [`load`], keeping the users as `A` and `C`: the full users, or the comparison's lean ones
/// ([`idrift_core::lean`]), each made as its reader hands the full user over.
///
/// # Errors
/// As for [`load`], and [`AppError::Parse`] naming the source when a user cannot be kept as `A` or `C`.
pub async fn load_as<A: KeepAd, C: KeepCloud>(
    spec: &SourceSpec,
    r: &Resolver<'_>,
    need: Need,
    profile: LoadProfile,
) -> Result<(Loaded<A, C>, Sides), AppError> {
    let ad = match need {
        Need::NotAd => None,
        Need::Both | Need::Any => spec.ad.as_ref(),
    };
    let sides = match &spec.base {
        Some(_) if ad.is_some() || spec.entra.is_some() => {
            return Err(AppError::Settings(
                "a snapshot (or the demo) holds both directories: name no other Active Directory or \
                 Entra ID source with it"
                    .to_owned(),
            ));
        }
        Some(_) => Sides {
            ad: true,
            entra: true,
        },
        None => Sides {
            ad: ad.is_some(),
            entra: spec.entra.is_some(),
        },
    };
    let missing = match need {
        Need::Both => spec.base.is_none() && !(sides.ad && sides.entra),
        Need::Any => spec.base.is_none() && !sides.ad && !sides.entra,
        Need::NotAd => false,
    };
    if missing {
        let m = if need == Need::Both {
            Missing::BothSides
        } else {
            Missing::AnySide
        };
        return Err(AppError::Settings(r.names.missing(m)));
    }

    let anchor = spec.anchor()?;
    let completeness = Completeness {
        names: Some(AllowNames {
            incomplete: r.name(Setting::AllowIncomplete),
            empty: r.name(Setting::AllowEmpty),
        }),
        ..spec.completeness
    };
    let mut warnings = Vec::new();
    let mut live = LiveSpec::default();
    if let Some(AdSource::Ldap(s)) = ad {
        let mut cfg = super::ldap_config(s, r, &mut warnings)?;
        cfg.anchor.clone_from(&anchor.attribute);
        live.ad = Some(cfg);
    }
    if spec.entra == Some(EntraSource::Graph) {
        live.graph = Some(super::cloud_config(&spec.cloud, r)?);
    }
    if spec.exo == Some(ExoSource::Live) {
        live.exo = Some(super::cloud_config(&spec.cloud, r)?);
    }
    let files = FileParts {
        base: spec.base.clone(),
        ad: match ad {
            Some(AdSource::File(p)) => Some(p.clone()),
            _ => None,
        },
        entra: match &spec.entra {
            Some(EntraSource::File(p)) => Some(p.clone()),
            _ => None,
        },
        entra_sync: spec.entra_sync.clone(),
        exo: match &spec.exo {
            Some(ExoSource::File(p)) => Some(p.clone()),
            _ => None,
        },
        exo_users: spec.exo_users.clone(),
        profile,
        completeness,
        anchor: anchor.attribute.clone(),
    };

    let (mut loaded, exo_users) = if live.ad.is_none() && live.graph.is_none() && live.exo.is_none()
    {
        load_files::<A, C>(files)?
    } else {
        // The files are parsed on a blocking thread while the services answer.
        let files = tokio::task::spawn_blocking(move || load_files::<A, C>(files));
        let (files, data) = tokio::join!(files, live::read(&live));
        let (mut loaded, exo_users) = files.map_err(|e| {
            AppError::Invalid(format!("the file reader stopped unexpectedly: {e}"))
        })??;
        merge_live(&live, data?, completeness, profile, &mut loaded)?;
        (loaded, exo_users)
    };
    if let Some(users) = exo_users {
        // A Get-User export given on its own replaces what the snapshot or the live read brought.
        loaded.snapshot.exo_users = Some(users);
    }
    if need == Need::Both {
        // The analyses leave out what Entra Connect's default rules never sync; a snapshot being taken
        // keeps every user.
        let users = std::mem::take(&mut loaded.snapshot.on_prem);
        let (kept, counts) = idrift_core::default_scope::split(users);
        loaded.snapshot.on_prem = kept;
        loaded.snapshot.not_synced_by_default = counts;
    }
    loaded.snapshot.anchor = anchor.anchor;
    loaded
        .snapshot
        .anchor_attribute
        .clone_from(&anchor.attribute);
    if let Some(attribute) = &anchor.attribute {
        if sides.ad
            && !loaded.snapshot.on_prem.is_empty()
            && loaded
                .snapshot
                .on_prem
                .iter()
                .all(|u| u.custom_anchor().is_none())
        {
            loaded.warnings.push(format!(
                "no Active Directory user has a value of {attribute}, the source anchor: nobody can be \
                 matched (check the attribute's name, and that the export includes it)"
            ));
        }
    } else if let Some(w) = idrift_core::anchor::custom_anchor_warning(
        loaded
            .snapshot
            .cloud
            .iter()
            .filter_map(CloudKeys::immutable_id),
    ) {
        loaded.warnings.push(w);
        loaded.custom_anchor_suspected = true;
    }
    warnings.append(&mut loaded.warnings);
    loaded.warnings = warnings;
    Ok((loaded, sides))
}

/// Merges a live read into `loaded`, checking that each live directory read holds users.
fn merge_live<A: KeepAd, C: KeepCloud>(
    live: &LiveSpec,
    data: LiveData,
    completeness: Completeness,
    profile: LoadProfile,
    loaded: &mut Loaded<A, C>,
) -> Result<(), AppError> {
    if let (Some(cfg), Some(users)) = (&live.ad, &data.on_prem) {
        let url = format!("Active Directory {}", cfg.url);
        completeness.check_empty(
            Path::new(&url),
            "Active Directory",
            users.len(),
            &mut loaded.warnings,
        )?;
    }
    if let (Some(_), Some((users, _))) = (&live.graph, &data.cloud) {
        completeness.check_empty(
            Path::new("Microsoft Graph"),
            "Entra ID",
            users.len(),
            &mut loaded.warnings,
        )?;
    }
    loaded.warnings.extend(
        data.warnings
            .iter()
            .map(|w| format!("Exchange Online: {w}")),
    );
    let mut read = Snapshot::default();
    let (had_ad, had_cloud) = (data.on_prem.is_some(), data.cloud.is_some());
    data.merge_into(&mut read);
    profile.project(&mut read);
    if had_ad {
        let source = Path::new("Active Directory");
        loaded.snapshot.on_prem = snapshot::keep_all(source, read.on_prem, A::keep)?;
    }
    if had_cloud {
        let source = Path::new("Microsoft Graph");
        loaded.snapshot.cloud = snapshot::keep_all(source, read.cloud, C::keep)?;
        loaded.snapshot.tenant_sync = read.tenant_sync;
    }
    if read.exo_recipients.is_some() {
        loaded.snapshot.exo_recipients = read.exo_recipients;
        loaded.snapshot.exo_users = read.exo_users;
    }
    Ok(())
}

/// What [`load_files`] read: the load, and a `Get-User` export given on its own.
type FilesRead<A, C> = (Loaded<A, C>, Option<Vec<ExoRecipient>>);

/// Reads the file parts: the base, or the AD and Entra exports (two at once on two threads), then the
/// optional files. The `Get-User` export comes back apart, to replace a live read's.
fn load_files<A: KeepAd, C: KeepCloud>(f: FileParts) -> Result<FilesRead<A, C>, AppError> {
    let mut loaded = match (&f.base, &f.ad, &f.entra) {
        (Some(Base::Demo), _, _) => {
            let demo = crate::demo::load()?;
            Loaded {
                snapshot: snapshot::keep_snapshot(Path::new("the demo snapshot"), demo.snapshot)?,
                warnings: demo.warnings,
                custom_anchor_suspected: demo.custom_anchor_suspected,
            }
        }
        (Some(Base::Snapshot(dir)), _, _) => {
            snapshot::load_dir_checked(dir, f.profile, f.completeness, f.anchor.as_deref())?
        }
        (None, Some(ad), Some(entra)) => {
            snapshot::load_pair_checked(ad, entra, f.profile, f.completeness, f.anchor.as_deref())?
        }
        (None, ad, entra) => {
            let mut loaded = Loaded::default();
            if let Some(p) = ad {
                let (users, warnings) = snapshot::load_ad_file_checked(
                    p,
                    f.profile,
                    f.completeness,
                    f.anchor.as_deref(),
                )?;
                loaded.snapshot.on_prem = users;
                loaded.warnings.extend(warnings);
            }
            if let Some(p) = entra {
                let (users, warnings) =
                    snapshot::load_entra_file_checked(p, f.profile, f.completeness)?;
                loaded.snapshot.cloud = users;
                loaded.warnings.extend(warnings);
            }
            loaded
        }
    };
    if let Some(p) = &f.entra_sync {
        loaded.snapshot.tenant_sync = snapshot::load_tenant_sync_file(p)?;
    }
    if let Some(p) = &f.exo {
        loaded.snapshot.exo_recipients = Some(snapshot::load_exo_file(p)?);
    }
    let exo_users = f
        .exo_users
        .as_deref()
        .map(snapshot::load_exo_file)
        .transpose()?;
    Ok((loaded, exo_users))
}
