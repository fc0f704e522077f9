//! The Entra side of a lint run: the cloud-only users whose addresses a synced object may not take, whether
//! the tenant blocks soft match, and the tenant's verified domains. Read from an Entra export, a snapshot
//! directory (`entra-users.json`, `entra-sync.json`, `entra-domains.json`) or Microsoft Graph (users, the
//! sync object and `GET /domains`, read at the same time), plus a domains file given on its own.

use std::path::{Path, PathBuf};

use idrift_core::lint::{CloudHolder, LintOptions};
use idrift_core::model::TenantDomain;

use crate::AppError;
use crate::snapshot::{ENTRA_DOMAINS_FILE, ENTRA_SYNC_FILE, ENTRA_USERS_FILE, LoadProfile};
use crate::source::{self, Base, EntraSource, Need, Resolver, SourceSpec};

/// What lint knows of the tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudFacts {
    /// The cloud-only objects and their addresses.
    pub holders: Vec<CloudHolder>,
    /// The tenant blocks soft match (`blockSoftMatchEnabled` of the sync object).
    pub soft_match_blocked: bool,
    /// The tenant's domains, when they were read (Graph, a domains file or the snapshot's).
    pub domains: Option<Vec<TenantDomain>>,
    /// The readers' warnings, each naming its file or service.
    pub warnings: Vec<String>,
}

impl CloudFacts {
    /// Adds these facts to `options`: the holders, the soft-match setting, and the verified domains
    /// (after the ones already given).
    pub fn apply_to(self, options: &mut LintOptions) {
        options.cloud = self.holders;
        options.soft_match_blocked = self.soft_match_blocked;
        for d in self.domains.into_iter().flatten().filter(|d| d.is_verified) {
            if !options
                .verified_domains
                .iter()
                .any(|v| v.trim().eq_ignore_ascii_case(&d.id))
            {
                options.verified_domains.push(d.id);
            }
        }
    }
}

/// Reads the tenant's domains from a `GET /domains` JSON file (or `Get-MgDomain | ConvertTo-Json`).
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file (and the line and JSON path).
pub fn load_domains_file(path: &Path) -> Result<Vec<TenantDomain>, AppError> {
    let text = crate::files::read_decoded(path)?;
    idrift_cloud::snapshot::read_domains(text.text().as_bytes())
        .map_err(|e| AppError::parse(path, e.to_string()))
}

/// The Entra parts of `spec` that lint reads, as a spec of their own: a snapshot's Entra files, an Entra
/// export with its sync object, or Graph. `None` when `spec` names no Entra side.
fn entra_spec(spec: &SourceSpec) -> Option<(SourceSpec, Option<PathBuf>)> {
    let (entra, entra_sync, domains) = match (&spec.base, &spec.entra) {
        (Some(Base::Snapshot(dir)), _) => {
            let users = dir.join(ENTRA_USERS_FILE);
            if !users.is_file() {
                return None;
            }
            let optional = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
            (
                EntraSource::File(users),
                optional(ENTRA_SYNC_FILE),
                optional(ENTRA_DOMAINS_FILE),
            )
        }
        (Some(Base::Demo), _) | (None, None) => return None,
        (None, Some(e)) => (e.clone(), spec.entra_sync.clone(), None),
    };
    let sub = SourceSpec {
        entra: Some(entra),
        entra_sync,
        cloud: spec.cloud.clone(),
        completeness: spec.completeness,
        ..SourceSpec::default()
    };
    Some((sub, domains))
}

/// Reads the Entra side of `spec` (if it names one) and the domains file `domains_file` (if given; it
/// replaces the snapshot's or Graph's domains).
///
/// # Errors
/// As for [`source::load`]; [`AppError::Live`] when Graph's `GET /domains` fails; as for
/// [`load_domains_file`]. Nothing partial is returned: lint never checks against half a tenant.
pub async fn cloud_facts(
    spec: &SourceSpec,
    r: &Resolver<'_>,
    domains_file: Option<&Path>,
) -> Result<CloudFacts, AppError> {
    let mut facts = CloudFacts::default();
    if let Some((sub, snapshot_domains)) = entra_spec(spec) {
        let graph = sub.entra == Some(EntraSource::Graph) && domains_file.is_none();
        let users = source::load(&sub, r, Need::NotAd, LoadProfile::Full);
        let (loaded, domains) = if graph {
            let cfg = source::cloud_config(&sub.cloud, r)?;
            let client = crate::live::open_graph(&cfg)?;
            let domains = async {
                client.list_domains().await.map_err(|e| AppError::Live {
                    context: "Microsoft Graph (GET /domains)".to_owned(),
                    source: e.into(),
                })
            };
            let (loaded, domains) = tokio::join!(users, domains);
            (loaded?.0, Some(domains?))
        } else {
            let domains = snapshot_domains
                .as_deref()
                .map(load_domains_file)
                .transpose()?;
            (users.await?.0, domains)
        };
        facts.holders = CloudHolder::of_users(&loaded.snapshot.cloud);
        facts.soft_match_blocked = loaded
            .snapshot
            .tenant_sync
            .as_ref()
            .is_some_and(|s| s.features.block_soft_match_enabled);
        facts.domains = domains;
        facts.warnings = loaded.warnings;
    }
    if let Some(path) = domains_file {
        facts.domains = Some(load_domains_file(path)?);
    }
    Ok(facts)
}

/// The tenant's domains for a snapshot's `entra-domains.json`: read from Graph (`GET /domains`) when `spec`
/// reads Entra ID from Graph, else `None`. A tenant that refuses the read (403: the app lacks
/// `Domain.Read.All`) gives `None` and a warning saying the file is not written, so a snapshot that needs no
/// domains is still taken; any other failure fails the read.
///
/// # Errors
/// [`AppError::Live`] naming `GET /domains`; as for [`source::cloud_config`].
pub async fn snapshot_domains(
    spec: &SourceSpec,
    r: &Resolver<'_>,
) -> Result<(Option<Vec<TenantDomain>>, Vec<String>), AppError> {
    if spec.base.is_some() || spec.entra != Some(EntraSource::Graph) {
        return Ok((None, Vec::new()));
    }
    let cfg = source::cloud_config(&spec.cloud, r)?;
    let client = crate::live::open_graph(&cfg)?;
    match client.list_domains().await {
        Ok(domains) => Ok((Some(domains), Vec::new())),
        Err(idrift_cloud::CloudError::Forbidden { status: 403, .. }) => Ok((
            None,
            vec![format!(
                "Microsoft Graph (GET /domains): forbidden (the app needs Domain.Read.All); \
                 {ENTRA_DOMAINS_FILE} is not written, so lint of this snapshot cannot tell \
                 verified UPN suffixes from unverified ones"
            )],
        )),
        Err(e) => Err(AppError::Live {
            context: "Microsoft Graph (GET /domains)".to_owned(),
            source: e.into(),
        }),
    }
}
