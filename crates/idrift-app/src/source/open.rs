//! Opening what a [`SourceSpec`] names for writing.

use super::{AdSource, Base, EntraSource, ExoSource, Missing, Resolver, SourceSpec};
use crate::AppError;
use crate::lint::LintTarget;
use crate::remediate::RemediationTarget;
use crate::targets::{self, WriteTargets};

/// Opens the directories `spec` names for the dirsync writers (repairs, the bypass switch, undo). A
/// snapshot directory or an export file is edited in place (a rehearsal of the repair); the demo is
/// read-only. Each file target holds its lock from here until it is dropped.
///
/// # Errors
/// [`AppError::Settings`] when nothing writable is named (worded by [`super::Names::missing`]) or a setting is
/// wrong; the readers' and connectors' errors.
pub async fn open_writers(spec: &SourceSpec, r: &Resolver<'_>) -> Result<WriteTargets, AppError> {
    let anchor = spec.anchor()?;
    match &spec.base {
        Some(Base::Demo) => return targets::demo_writers(),
        Some(Base::Snapshot(dir)) => return targets::snapshot_writers_anchored(dir, &anchor),
        None => {}
    }
    let mut warnings = Vec::new();
    let ad = match &spec.ad {
        Some(AdSource::Ldap(s)) => {
            let mut cfg = super::ldap_config(s, r, &mut warnings)?;
            cfg.anchor.clone_from(&anchor.attribute);
            Some(targets::open_ad_writer(s.url.trim(), &cfg).await?)
        }
        Some(AdSource::File(p)) => Some(targets::ad_file_writer_anchored(p, &anchor)?),
        None => None,
    };
    let cloud = match &spec.entra {
        Some(EntraSource::Graph) => Some(targets::graph_writer(&super::cloud_config(
            &spec.cloud,
            r,
        )?)?),
        Some(EntraSource::File(p)) => {
            Some(targets::entra_files_writer(p, spec.entra_sync.as_deref())?)
        }
        None => None,
    };
    let mut opened = targets::combine(ad, cloud)
        .ok_or_else(|| AppError::Settings(r.names.missing(Missing::Writers)))?;
    warnings.append(&mut opened.warnings);
    opened.warnings = warnings;
    Ok(opened)
}

/// Opens what remediation steps act on: a snapshot directory, rehearsed on (its files are edited in place as the
/// services would change), or the live services `spec` names. The demo is read-only and export files alone
/// cannot be written. Returns the target and the warnings of its readers and settings.
///
/// # Errors
/// [`AppError::Settings`] for the demo and when no live service or snapshot is named; the connectors' errors.
pub async fn open_remediation_target(
    spec: &SourceSpec,
    r: &Resolver<'_>,
) -> Result<(Box<dyn RemediationTarget>, Vec<String>), AppError> {
    match &spec.base {
        Some(Base::Demo) => {
            return Err(AppError::Settings(format!(
                "the bundled demo is read-only: copy examples/demo to a directory to rehearse on it; {}",
                r.names.missing(Missing::RemediationTarget)
            )));
        }
        Some(Base::Snapshot(dir)) => {
            let (target, warnings) = targets::rehearsal_target(dir)?;
            return Ok((Box::new(target), warnings));
        }
        None => {}
    }
    let mut warnings = Vec::new();
    let ldap = match &spec.ad {
        Some(AdSource::Ldap(s)) => Some((s.url.trim(), super::ldap_config(s, r, &mut warnings)?)),
        _ => None,
    };
    let graph = spec.entra == Some(EntraSource::Graph);
    let exo = spec.exo == Some(ExoSource::Live);
    let cloud = if graph || exo {
        Some(super::cloud_config(&spec.cloud, r)?)
    } else {
        None
    };
    let target = targets::live_remediation_target(
        ldap.as_ref().map(|(url, cfg)| (*url, cfg)),
        cloud.as_ref(),
        graph,
        exo,
    )
    .await?
    .ok_or_else(|| AppError::Settings(r.names.missing(Missing::RemediationTarget)))?;
    Ok((Box::new(target), warnings))
}

/// Opens what `lint apply` (and its undo) writes to: the `ad.ldif` of a snapshot directory or an LDIF export,
/// edited in place under its lock, or a domain controller (with the warnings of its settings). Entra ID
/// is never written by lint.
///
/// # Errors
/// [`AppError::Settings`] for the demo and when no AD source is named; the readers' and connectors' errors.
pub async fn open_lint_target(
    spec: &SourceSpec,
    r: &Resolver<'_>,
) -> Result<(Box<dyn LintTarget>, Vec<String>), AppError> {
    match (&spec.base, &spec.ad) {
        (Some(Base::Snapshot(dir)), _) => {
            Ok((Box::new(crate::lint::file_target(dir)?), Vec::new()))
        }
        (None, Some(AdSource::File(p))) => Ok((Box::new(crate::lint::file_target(p)?), Vec::new())),
        (None, Some(AdSource::Ldap(s))) => {
            let mut warnings = Vec::new();
            let cfg = super::ldap_config(s, r, &mut warnings)?;
            let target = crate::lint::live_target(s.url.trim(), &cfg).await?;
            Ok((Box::new(target), warnings))
        }
        (Some(Base::Demo), _) | (None, None) => {
            Err(AppError::Settings(r.names.missing(Missing::LintTarget)))
        }
    }
}

/// Lints the Active Directory side `spec` names: a snapshot's `ad.ldif`, an LDIF export, or a domain controller
/// read live. The warnings are the settings' (a plaintext bind, say).
///
/// # Errors
/// [`AppError::Settings`] when the spec names no AD side (the demo, or Entra alone); the readers' errors.
pub async fn lint_ad(
    spec: &SourceSpec,
    r: &Resolver<'_>,
    options: idrift_core::lint::LintOptions,
) -> Result<(idrift_core::lint::LintReport, Vec<String>), AppError> {
    match (&spec.base, &spec.ad) {
        (Some(Base::Snapshot(dir)), _) => {
            Ok((crate::lint::lint_snapshot(dir, options)?, Vec::new()))
        }
        (None, Some(AdSource::File(p))) => Ok((crate::lint::lint_ldif(p, options)?, Vec::new())),
        (None, Some(AdSource::Ldap(s))) => {
            let mut warnings = Vec::new();
            let cfg = super::ldap_config(s, r, &mut warnings)?;
            let dir = crate::live::open_ad(&cfg).await?;
            let report = crate::lint::lint_live(&dir, s.url.trim(), options).await?;
            Ok((report, warnings))
        }
        (Some(Base::Demo), _) | (None, None) => {
            Err(AppError::Settings(r.names.missing(Missing::AdSide)))
        }
    }
}
