//! Sources: turning the request's `Source` into loaded data (readers) or into the directories a command
//! writes to (writers), as the CLI's `--demo`, `--snapshot` and `--ad/--entra/--exo` options and its
//! connection options do. The writers and remediation targets themselves are opened by
//! `idrift_app::targets`, which the CLI's `open_targets` calls too; this module turns the wire's `Source`
//! into the configurations those functions take and says the wire's own argument errors. Secrets come from
//! environment variables the request names, or from the request itself; they go straight into
//! `SecretString`s and are never echoed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use idrift_app::dirsync_ops::DirSyncExecutor;
use idrift_app::live::{
    CloudConfig, Credential, DEFAULT_AUTHORITY_URL, DEFAULT_EXO_URL, DEFAULT_GRAPH_URL, LdapConfig,
    LiveSpec, SecretString,
};
use idrift_app::remediate::RemediationTarget;
use idrift_app::snapshot::{self, Loaded};
use idrift_app::targets;
use idrift_core::ports::{OnPremPhoneWriter, TenantSyncAdmin};

use crate::error::CallError;
use crate::wire::{CloudSpec, LdapSpec, SourceSpec};
use crate::{host, runtime};

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
        SourceSpec::Live { .. } => "Live",
    }
}

fn invalid(op: &'static str, message: impl Into<String>) -> CallError {
    CallError::InvalidArgs {
        op,
        message: message.into(),
    }
}

/// The LDAP configuration of a live domain controller (the CLI's `ldap_config`), and a warning when it allows
/// plain text.
pub(crate) fn ldap_config(
    op: &'static str,
    spec: &LdapSpec,
) -> Result<(LdapConfig, Option<String>), CallError> {
    let mut cfg = LdapConfig::new(spec.url.trim());
    cfg.base_dns = spec.base_dn.clone();
    cfg.filter = spec.filter.clone();
    cfg.bind = spec.bind.clone();
    cfg.ca_file = optional(op, "Source.Ad.CaFile", spec.ca_file.as_ref())?.map(Path::to_path_buf);
    cfg.allow_plaintext = spec.allow_plaintext;
    if let Some(n) = spec.page_size {
        if !(1..=100_000).contains(&n) {
            return Err(invalid(
                op,
                format!("Source.Ad.PageSize must be 1 to 100000, not {n}"),
            ));
        }
        cfg.page_size = n;
    }
    let warning = (cfg.allow_plaintext && spec.url.trim().to_ascii_lowercase().starts_with("ldap://")).then(|| {
        "Source.Ad.AllowPlaintext: the bind password and directory data cross the network unencrypted".to_owned()
    });
    if cfg.bind.is_some() {
        cfg.password = Some(match (&spec.password_env, &spec.password) {
            (Some(var), _) => SecretString::from(host::env(var).ok_or_else(|| {
                invalid(
                    op,
                    format!("Source.Ad.PasswordEnv {var}: the variable is not set"),
                )
            })?),
            (None, Some(secret)) => SecretString::from(secret.0.clone()),
            (None, None) => match &spec.password_file {
                // The first line, as the CLI's --ad-password-file reads it.
                Some(path) => {
                    let text =
                        std::fs::read_to_string(absolute(op, "Source.Ad.PasswordFile", path)?)
                            .map_err(|e| {
                                invalid(
                                    op,
                                    format!(
                                        "Source.Ad.PasswordFile {}: cannot read: {e}",
                                        path.display()
                                    ),
                                )
                            })?;
                    SecretString::from(text.lines().next().unwrap_or("").to_owned())
                }
                None => {
                    return Err(invalid(
                        op,
                        "Source.Ad.Bind needs a password: Source.Ad.PasswordEnv, Source.Ad.PasswordFile or \
                         Source.Ad.Password",
                    ));
                }
            },
        });
    }
    Ok((cfg, warning))
}

fn read_pem(op: &'static str, field: &str, path: &Path) -> Result<SecretString, CallError> {
    let text = std::fs::read_to_string(absolute(op, field, path)?)
        .map_err(|e| invalid(op, format!("{field} {}: cannot read: {e}", path.display())))?;
    Ok(SecretString::from(text))
}

/// The Graph / Exchange Online configuration (the CLI's `cloud_config`, without profiles).
pub(crate) fn cloud_config(
    op: &'static str,
    spec: Option<&CloudSpec>,
) -> Result<CloudConfig, CallError> {
    let default = CloudSpec::default();
    let spec = spec.unwrap_or(&default);
    let tenant = spec
        .tenant
        .clone()
        .or_else(|| host::env("AZURE_TENANT_ID"))
        .ok_or_else(|| {
            invalid(
                op,
                "live Entra ID / Exchange Online needs Source.Cloud.Tenant (or $AZURE_TENANT_ID)",
            )
        })?;
    let client_id = spec
        .client_id
        .clone()
        .or_else(|| host::env("AZURE_CLIENT_ID"))
        .ok_or_else(|| {
            invalid(
                op,
                "live Entra ID / Exchange Online needs Source.Cloud.ClientId (or $AZURE_CLIENT_ID)",
            )
        })?;
    let credential = if let Some(var) = &spec.client_secret_env {
        let secret = host::env(var).ok_or_else(|| {
            invalid(
                op,
                format!("Source.Cloud.ClientSecretEnv {var}: the variable is not set"),
            )
        })?;
        Credential::Secret(SecretString::from(secret))
    } else if let Some(secret) = &spec.client_secret {
        Credential::Secret(SecretString::from(secret.0.clone()))
    } else if let Some(path) = &spec.certificate_path {
        Credential::Certificate {
            pem: read_pem(op, "Source.Cloud.CertificatePath", path)?,
        }
    } else if let Some(secret) = host::env("AZURE_CLIENT_SECRET") {
        Credential::Secret(SecretString::from(secret))
    } else if let Some(path) = host::env("AZURE_CLIENT_CERTIFICATE_PATH") {
        Credential::Certificate {
            pem: read_pem(op, "AZURE_CLIENT_CERTIFICATE_PATH", Path::new(&path))?,
        }
    } else {
        return Err(invalid(
            op,
            "live Entra ID / Exchange Online needs a credential: Source.Cloud.ClientSecretEnv, ClientSecret or \
             CertificatePath",
        ));
    };
    let mut cfg = CloudConfig::new(tenant, client_id, credential);
    cfg.authority_url = spec
        .authority_url
        .clone()
        .unwrap_or_else(|| DEFAULT_AUTHORITY_URL.to_owned());
    cfg.graph_url = spec
        .graph_url
        .clone()
        .unwrap_or_else(|| DEFAULT_GRAPH_URL.to_owned());
    cfg.exo_url = spec
        .exo_url
        .clone()
        .unwrap_or_else(|| DEFAULT_EXO_URL.to_owned());
    cfg.exo_organization = spec.exo_organization.clone();
    Ok(cfg)
}

/// Either a live part or its file, never both.
fn one_of<L>(
    op: &'static str,
    what: &str,
    live: Option<L>,
    file: Option<&PathBuf>,
) -> Result<(), CallError> {
    if live.is_some() && file.is_some() {
        return Err(invalid(
            op,
            format!("{what}: name the live source or the file, not both"),
        ));
    }
    Ok(())
}

/// Loads a `Live` source (the CLI's `SourceArgs::load` with live parts).
fn load_live(op: &'static str, source: &SourceSpec) -> Result<Loaded, CallError> {
    let SourceSpec::Live {
        ad,
        ad_file,
        graph,
        entra_file,
        entra_sync_file,
        exo,
        exo_file,
        exo_users_file,
        cloud,
    } = source
    else {
        return Err(CallError::Internal(
            "load_live was given another kind of source".to_owned(),
        ));
    };
    one_of(
        op,
        "Active Directory (Source.Ad, Source.AdFile)",
        ad.as_ref(),
        ad_file.as_ref(),
    )?;
    one_of(
        op,
        "Entra ID (Source.Graph, Source.EntraFile)",
        graph.then_some(()),
        entra_file.as_ref(),
    )?;
    one_of(
        op,
        "Exchange Online (Source.Exo, Source.ExoFile)",
        exo.then_some(()),
        exo_file.as_ref(),
    )?;
    if ad.is_none() && ad_file.is_none() || !*graph && entra_file.is_none() {
        return Err(invalid(
            op,
            "a Live source needs Active Directory (Source.Ad or Source.AdFile) and Entra ID (Source.Graph or \
             Source.EntraFile)",
        ));
    }
    let mut loaded = Loaded::default();
    let mut live = LiveSpec::default();
    if let Some(spec) = ad {
        let (cfg, warning) = ldap_config(op, spec)?;
        loaded.warnings.extend(warning);
        live.ad = Some(cfg);
    }
    match (ad_file, entra_file) {
        // Two files: read both at once, on two threads.
        (Some(a), Some(e)) => {
            let pair = snapshot::load_pair(
                absolute(op, "Source.AdFile", a)?,
                absolute(op, "Source.EntraFile", e)?,
            )?;
            loaded.snapshot.on_prem = pair.snapshot.on_prem;
            loaded.snapshot.cloud = pair.snapshot.cloud;
            loaded.warnings.extend(pair.warnings);
        }
        (a, e) => {
            if let Some(p) = a {
                let (users, warnings) = snapshot::load_ad_file(absolute(op, "Source.AdFile", p)?)?;
                loaded.snapshot.on_prem = users;
                loaded.warnings.extend(warnings);
            }
            if let Some(p) = e {
                loaded.snapshot.cloud =
                    snapshot::load_entra_file(absolute(op, "Source.EntraFile", p)?)?;
            }
        }
    }
    if *graph {
        live.graph = Some(cloud_config(op, cloud.as_deref())?);
    }
    if let Some(p) = entra_sync_file {
        loaded.snapshot.tenant_sync =
            snapshot::load_tenant_sync_file(absolute(op, "Source.EntraSyncFile", p)?)?;
    }
    if *exo {
        live.exo = Some(cloud_config(op, cloud.as_deref())?);
    }
    if let Some(p) = exo_file {
        loaded.snapshot.exo_recipients =
            Some(snapshot::load_exo_file(absolute(op, "Source.ExoFile", p)?)?);
    }
    if live.ad.is_some() || live.graph.is_some() || live.exo.is_some() {
        let data = runtime::block_on(idrift_app::live::read(&live))??;
        loaded.warnings.extend(
            data.warnings
                .iter()
                .map(|w| format!("Exchange Online: {w}")),
        );
        data.merge_into(&mut loaded.snapshot);
        if exo_users_file.is_some() {
            loaded.snapshot.exo_users = None;
        }
    }
    if let Some(p) = exo_users_file {
        loaded.snapshot.exo_users = Some(snapshot::load_exo_file(absolute(
            op,
            "Source.ExoUsersFile",
            p,
        )?)?);
    }
    Ok(loaded)
}

/// Loads the data a source names, for the read-only commands.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a relative path or a `Files` source without both files; the loaders' errors.
pub(crate) fn load(op: &'static str, source: &SourceSpec) -> Result<Loaded, CallError> {
    let (mut loaded, exo, exo_users) = match source {
        SourceSpec::Live { .. } => return load_live(op, source),
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

impl From<idrift_app::targets::WriteTargets> for Targets {
    fn from(t: idrift_app::targets::WriteTargets) -> Targets {
        Targets {
            ad: t.ad,
            cloud: t.cloud,
            description: t.description,
            warnings: t.warnings,
        }
    }
}

/// Opens the directories a source names for reading and writing, through `idrift_app::targets` (as the CLI's
/// `open_targets` does). A snapshot directory (or single export files) is written in place; the demo is
/// read-only.
///
/// # Errors
/// [`CallError::InvalidArgs`] for a relative path or a `Files` source with neither file; the loaders' errors.
pub(crate) fn open(op: &'static str, source: &SourceSpec) -> Result<Targets, CallError> {
    match source {
        SourceSpec::Demo => Ok(targets::demo_writers()?.into()),
        SourceSpec::Snapshot { path, .. } => {
            let dir = absolute(op, "Source.Path", path)?;
            Ok(targets::snapshot_writers(dir)?.into())
        }
        SourceSpec::Live {
            ad,
            ad_file,
            graph,
            entra_file,
            cloud,
            ..
        } => open_live(
            op,
            ad.as_deref(),
            ad_file.as_ref(),
            *graph,
            entra_file.as_ref(),
            cloud.as_deref(),
        ),
        SourceSpec::Files { ad, entra, .. } => {
            let ad = ad
                .as_ref()
                .map(|p| {
                    Ok::<_, CallError>(targets::ad_file_writer(absolute(op, "Source.Ad", p)?)?)
                })
                .transpose()?;
            let cloud = entra
                .as_ref()
                .map(|p| {
                    Ok::<_, CallError>(targets::entra_file_writer(absolute(
                        op,
                        "Source.Entra",
                        p,
                    )?)?)
                })
                .transpose()?;
            targets::combine(ad, cloud)
                .map(Targets::from)
                .ok_or_else(|| invalid(op, "a Files source needs Source.Ad and/or Source.Entra"))
        }
    }
}

/// Opens live (or file) directories for a writer, as the CLI's `open_targets` does.
fn open_live(
    op: &'static str,
    ad: Option<&LdapSpec>,
    ad_file: Option<&PathBuf>,
    graph: bool,
    entra_file: Option<&PathBuf>,
    cloud: Option<&CloudSpec>,
) -> Result<Targets, CallError> {
    one_of(
        op,
        "Active Directory (Source.Ad, Source.AdFile)",
        ad,
        ad_file,
    )?;
    one_of(
        op,
        "Entra ID (Source.Graph, Source.EntraFile)",
        graph.then_some(()),
        entra_file,
    )?;
    let mut warnings = Vec::new();
    let ad_side = match (ad, ad_file) {
        (Some(spec), _) => {
            let (cfg, warning) = ldap_config(op, spec)?;
            warnings.extend(warning);
            Some(runtime::block_on(targets::open_ad_writer(
                spec.url.trim(),
                &cfg,
            ))??)
        }
        (None, Some(p)) => Some(targets::ad_file_writer(absolute(op, "Source.AdFile", p)?)?),
        (None, None) => None,
    };
    let cloud_side = match (graph, entra_file) {
        (true, _) => Some(targets::graph_writer(&cloud_config(op, cloud)?)?),
        (false, Some(p)) => Some(targets::entra_file_writer(absolute(
            op,
            "Source.EntraFile",
            p,
        )?)?),
        (false, None) => None,
    };
    let mut t: Targets = targets::combine(ad_side, cloud_side)
        .map(Targets::from)
        .ok_or_else(|| {
            invalid(
                op,
                "a Live source for a writer needs Source.Ad, Source.AdFile, Source.Graph or Source.EntraFile",
            )
        })?;
    warnings.append(&mut t.warnings);
    t.warnings = warnings;
    Ok(t)
}

/// Opens what remediation steps act on (the CLI's `open_target` in `idrift-cli/src/cmd/plan/apply.rs`): a
/// snapshot directory, rehearsed on (its files are rewritten as the services would change), or the live
/// services a `Live` source names. The demo is read-only and export files alone cannot be written.
///
/// # Errors
/// [`CallError::InvalidArgs`] for the demo, a `Files` source, or a `Live` source naming no live service; the
/// loaders' and connectors' errors.
pub(crate) fn remediation_target(
    op: &'static str,
    source: &SourceSpec,
) -> Result<(Box<dyn RemediationTarget>, Vec<String>), CallError> {
    match source {
        SourceSpec::Demo => Err(invalid(
            op,
            "the bundled demo is read-only: copy examples/demo to a directory and rehearse with a Snapshot source",
        )),
        SourceSpec::Files { .. } => Err(invalid(
            op,
            "export files alone cannot be written: name live services (a Live source with Ad, Graph, Exo), or \
             a snapshot directory to rehearse on",
        )),
        SourceSpec::Snapshot { path, .. } => {
            let dir = absolute(op, "Source.Path", path)?;
            let (target, warnings) = targets::rehearsal_target(dir)?;
            Ok((Box::new(target), warnings))
        }
        SourceSpec::Live {
            ad,
            graph,
            exo,
            cloud,
            ..
        } => {
            let mut warnings = Vec::new();
            let ldap = match ad {
                Some(spec) => {
                    let (cfg, warning) = ldap_config(op, spec)?;
                    warnings.extend(warning);
                    Some((spec.url.trim(), cfg))
                }
                None => None,
            };
            let cloud_cfg = if *graph || *exo {
                Some(cloud_config(op, cloud.as_deref())?)
            } else {
                None
            };
            let target = runtime::block_on(targets::live_remediation_target(
                ldap.as_ref().map(|(url, cfg)| (*url, cfg)),
                cloud_cfg.as_ref(),
                *graph,
                *exo,
            ))??
            .ok_or_else(|| {
                invalid(
                    op,
                    "name what the steps act on: live services (Source.Ad, Source.Graph, Source.Exo), or a \
                     Snapshot source to rehearse on; export files alone cannot be written",
                )
            })?;
            Ok((Box::new(target), warnings))
        }
    }
}
