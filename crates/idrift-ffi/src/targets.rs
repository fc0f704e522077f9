//! Sources: turning the request's `Source` into loaded data (readers) or into the directories a command
//! writes to (writers), as the CLI's `--demo`, `--snapshot` and `--ad/--entra/--exo` options and its
//! connection options do. The writers and remediation targets themselves are opened by
//! `idrift_app::targets`, which the CLI's `open_targets` calls too; this module turns the wire's `Source`
//! into the configurations those functions take and says the wire's own argument errors. Secrets come from
//! environment variables the request names, or from the request itself; they go straight into
//! `SecretString`s and are never echoed.

use idrift_app::live::CloudConfig;
use idrift_app::snapshot::{LoadProfile, Loaded};
use idrift_app::source::{
    self, AdSource, Base, CloudSettings, EntraSource, ExoSource, Missing, Names, Need, Resolver,
    Setting,
};
use idrift_core::lean::{KeepAd, KeepCloud};

use crate::error::CallError;
use crate::wire::{SourceKind, SourceSpec};
use crate::{host, runtime};

/// The name of a source's kind, as the wire spells it.
pub(crate) fn kind(source: &SourceSpec) -> &'static str {
    match source.kind {
        SourceKind::Demo => "Demo",
        SourceKind::Snapshot { .. } => "Snapshot",
        SourceKind::Files { .. } => "Files",
        SourceKind::Live { .. } => "Live",
    }
}

/// How the wire names its fields in the messages of [`idrift_app::source`].
pub(crate) struct WireNames;

impl Names for WireNames {
    fn setting(&self, s: Setting) -> &'static str {
        match s {
            Setting::AdBind => "Source.Ad.Bind",
            Setting::AdPasswordEnv => "Source.Ad.PasswordEnv",
            Setting::AdPasswordFile => "Source.Ad.PasswordFile",
            Setting::AdPassword => "Source.Ad.Password",
            Setting::AdAllowPlaintext => "Source.Ad.AllowPlaintext",
            Setting::AdPageSize => "Source.Ad.PageSize",
            Setting::Tenant => "Source.Cloud.Tenant",
            Setting::ClientId => "Source.Cloud.ClientId",
            Setting::ClientSecretEnv => "Source.Cloud.ClientSecretEnv",
            Setting::ClientSecret => "Source.Cloud.ClientSecret",
            Setting::Certificate => "Source.Cloud.CertificatePath",
            Setting::AllowIncomplete => "Source.AllowIncomplete (Connect-Drift -AllowIncomplete)",
            Setting::AllowEmpty => "Source.AllowEmpty (Connect-Drift -AllowEmpty)",
        }
    }

    fn missing(&self, m: Missing) -> String {
        match m {
            Missing::BothSides => {
                "the source needs Active Directory (Source.Ad or Source.AdFile) and Entra ID (Source.Graph or \
                 Source.EntraFile), or a Snapshot or the Demo"
            }
            Missing::AnySide => {
                "the source needs Active Directory (Source.Ad or Source.AdFile) or Entra ID (Source.Graph or \
                 Source.EntraFile)"
            }
            Missing::Writers => {
                "the source names nothing to write: Source.Ad, Source.AdFile, Source.Graph or \
                 Source.EntraFile, or a Snapshot"
            }
            Missing::RemediationTarget => {
                "name what the steps act on: live services (Source.Ad, Source.Graph, Source.Exo), or a \
                 Snapshot source to rehearse on; export files alone cannot be written"
            }
            Missing::LintTarget => {
                "name the directory to write: Source.Ad (a domain controller), Source.AdFile or a Snapshot"
            }
            Missing::AdSide => {
                "the source names no Active Directory data: give Source.Ad, or a Snapshot"
            }
            Missing::EntraSide => "the source names no Entra ID data: give Source.Entra, or a Snapshot",
        }
        .to_owned()
    }
}

/// What resolving a source may consult: the process environment (no prompt: the host asks for credentials
/// itself, as PSCredentials and SecureStrings) and the progress record of the call, when it has one.
pub(crate) fn resolver() -> Resolver<'static> {
    Resolver {
        env: &host::env,
        prompt: None,
        progress: crate::progress::hook(),
        names: &WireNames,
    }
}

/// The Graph / Exchange Online configuration.
pub(crate) fn cloud_config(spec: Option<&CloudSettings>) -> Result<CloudConfig, CallError> {
    let settings = spec.cloned().unwrap_or_default();
    Ok(source::cloud_config(&settings, &resolver())?)
}

/// The request's `Source` as the application's [`source::SourceSpec`] (its paths were checked to be absolute
/// by the dispatcher), a live part and its file never both ([`source::live_or_file`]).
pub(crate) fn spec(op: &'static str, source: &SourceSpec) -> Result<source::SourceSpec, CallError> {
    let mut spec = source::SourceSpec {
        completeness: source::Completeness {
            allow_incomplete: source.allow_incomplete,
            allow_empty: source.allow_empty,
            names: None,
        },
        source_anchor: source.source_anchor.clone(),
        ..source::SourceSpec::default()
    };
    // Of the file kinds, Exchange Online's two files are named alike; the live kind names its own.
    let (exo, exo_users) = match &source.kind {
        SourceKind::Demo => {
            spec.base = Some(Base::Demo);
            return Ok(spec);
        }
        SourceKind::Snapshot {
            path,
            exo,
            exo_users,
        } => {
            spec.base = Some(Base::Snapshot(path.clone()));
            (exo, exo_users)
        }
        SourceKind::Files {
            ad,
            entra,
            exo,
            exo_users,
        } => {
            spec.ad = ad.clone().map(AdSource::File);
            spec.entra = entra.clone().map(EntraSource::File);
            (exo, exo_users)
        }
        SourceKind::Live {
            ad,
            ad_file,
            graph,
            entra_file,
            entra_sync_file,
            exo,
            exo_file,
            exo_users_file,
            cloud,
        } => {
            let both = |what: &str| {
                let message = format!("{what}: name the live source or the file, not both");
                CallError::invalid(op, message)
            };
            let ldap = ad.clone().map(AdSource::Ldap);
            spec.ad = source::live_or_file(ldap, ad_file.as_ref(), AdSource::File)
                .map_err(|_| both("Active Directory (Source.Ad, Source.AdFile)"))?;
            let graph = graph.then_some(EntraSource::Graph);
            spec.entra = source::live_or_file(graph, entra_file.as_ref(), EntraSource::File)
                .map_err(|_| both("Entra ID (Source.Graph, Source.EntraFile)"))?;
            spec.entra_sync = entra_sync_file.clone();
            let exo = exo.then_some(ExoSource::Live);
            spec.exo = source::live_or_file(exo, exo_file.as_ref(), ExoSource::File)
                .map_err(|_| both("Exchange Online (Source.Exo, Source.ExoFile)"))?;
            spec.exo_users = exo_users_file.clone();
            spec.cloud = cloud.as_deref().cloned().unwrap_or_default();
            return Ok(spec);
        }
    };
    spec.exo = exo.clone().map(ExoSource::File);
    spec.exo_users = exo_users.clone();
    Ok(spec)
}

/// Loads the data a source names (both directories), keeping of each user what `profile` reads.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a relative path or a source naming too little; the loaders' errors.
pub(crate) fn load<A: KeepAd, C: KeepCloud>(
    op: &'static str,
    source: &SourceSpec,
    profile: LoadProfile,
) -> Result<Loaded<A, C>, CallError> {
    let spec = spec(op, source)?;
    let (mut loaded, _) =
        runtime::block_on(source::load_as(&spec, &resolver(), Need::Both, profile))??;
    if loaded.custom_anchor_suspected {
        loaded.warnings.push(CUSTOM_ANCHOR_HINT.to_owned());
    }
    Ok(loaded)
}

/// What the module adds when the cloud's immutable ids look like a custom source anchor.
pub(crate) const CUSTOM_ANCHOR_HINT: &str = "if Entra Connect uses a custom source anchor, name its \
     attribute as the source's SourceAnchor: Connect-Drift -SourceAnchor ATTRIBUTE, e.g. -SourceAnchor employeeID";

/// The directories a writer reads and writes.
pub(crate) use idrift_app::targets::WriteTargets as Targets;

/// Opens the directories a source names for reading and writing, through [`source::open_writers`] (as
/// the CLI does). A snapshot directory (or single export files) is written in place; the demo is read-only.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a relative path or a source naming nothing to write; the loaders' errors.
pub(crate) fn open(op: &'static str, source: &SourceSpec) -> Result<Targets, CallError> {
    let spec = spec(op, source)?;
    Ok(runtime::block_on(source::open_writers(
        &spec,
        &resolver(),
    ))??)
}

#[cfg(test)]
mod tests;
