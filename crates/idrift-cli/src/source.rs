//! Source selection: a snapshot directory, single export files, the bundled demo, or live directories
//! (`--ad ldaps://…`, `--entra graph`, `--exo exo`), with connection settings from flags or a profile.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use idrift_app::live::{
    CloudConfig, Credential, DEFAULT_AUTHORITY_URL, DEFAULT_EXO_URL, DEFAULT_GRAPH_URL, LdapConfig,
    LiveSpec, SecretString,
};
use idrift_app::snapshot::{self, LoadProfile, Loaded};

use crate::profile::Profile;
use crate::{Ctx, UsageError};

/// Where the on-premises and cloud data come from.
#[derive(Debug, Clone, Args)]
pub(crate) struct SourceArgs {
    /// A snapshot directory (ad.ldif, entra-users.json, and optionally entra-sync.json, exo-recipients.json, exo-users.json).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["ad", "entra", "demo"])]
    pub(crate) snapshot: Option<PathBuf>,
    /// Active Directory: an LDIF export (ldapsearch -LLL or ldifde -f), or a domain controller: ldaps://host[:port], or ldap://host (StartTLS).
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) ad: Option<String>,
    /// Entra ID: a Graph user JSON export (Graph pages, a JSON array, or Get-MgUser | ConvertTo-Json), or `graph` to read Microsoft Graph.
    #[arg(long, value_name = "FILE|graph")]
    pub(crate) entra: Option<String>,
    /// The tenant sync object (GET /directory/onPremisesSynchronization JSON) to go with --entra FILE.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["snapshot", "demo"])]
    pub(crate) entra_sync: Option<PathBuf>,
    /// Use the bundled demo snapshot (examples/demo).
    #[arg(long, conflicts_with_all = ["ad", "entra"])]
    pub(crate) demo: bool,
    /// Exchange Online recipients: Get-Recipient / Get-Mailbox / Get-MailUser JSON (InvokeCommand pages or ConvertTo-Json), or `exo` to read Exchange Online (Get-Recipient and Get-User through the admin API endpoint the ExchangeOnlineManagement module uses, which Microsoft does not document); replaces a snapshot's exo-recipients.json.
    #[arg(long, value_name = "FILE|exo", conflicts_with = "demo")]
    pub(crate) exo: Option<PathBuf>,
    /// Exchange Online Get-User JSON (PreviousRecipientTypeDetails, SKUAssigned); replaces a snapshot's exo-users.json.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub(crate) exo_users: Option<PathBuf>,
    /// Read a Graph export whose last page still carries @odata.nextLink (one saved page of a longer list), with a warning, instead of refusing it as incomplete.
    #[arg(long)]
    pub(crate) allow_incomplete: bool,
    /// Read an AD or Entra source that holds no user, with a warning, instead of refusing it.
    #[arg(long)]
    pub(crate) allow_empty: bool,
    #[command(flatten)]
    pub(crate) conn: ConnArgs,
}

/// How to reach and authenticate to live directories. Flags override the profile.
#[derive(Debug, Clone, Args, Default)]
pub(crate) struct ConnArgs {
    /// Subtree to read AD users from (repeatable; default: the whole domain).
    #[arg(long, value_name = "DN", help_heading = "Active Directory")]
    pub(crate) ad_base_dn: Vec<String>,
    /// Extra LDAP filter ANDed with the user filter, e.g. "(department=Sales)".
    #[arg(long, value_name = "FILTER", help_heading = "Active Directory")]
    pub(crate) ad_filter: Option<String>,
    /// Bind as this account: a DN, a UPN or DOMAIN\user (read rights for compare; write on mobile/otherMobile for repairs).
    #[arg(long, value_name = "WHO", help_heading = "Active Directory")]
    pub(crate) ad_bind: Option<String>,
    /// Read the bind password from this environment variable.
    #[arg(long, value_name = "VAR", help_heading = "Active Directory")]
    pub(crate) ad_password_env: Option<String>,
    /// Read the bind password from this file (first line).
    #[arg(long, value_name = "PATH", help_heading = "Active Directory")]
    pub(crate) ad_password_file: Option<PathBuf>,
    /// The bind password itself (discouraged: it is visible in the process list and shell history).
    #[arg(long, value_name = "PASSWORD", help_heading = "Active Directory")]
    pub(crate) ad_password: Option<String>,
    /// Trust these CA certificates (PEM) instead of the system store.
    #[arg(long, value_name = "PATH", help_heading = "Active Directory")]
    pub(crate) ad_ca_file: Option<PathBuf>,
    /// Allow ldap:// without TLS (passwords cross the network in clear text).
    #[arg(long, help_heading = "Active Directory")]
    pub(crate) ad_allow_plaintext: bool,
    /// Entries per page of the paged search.
    #[arg(long, value_name = "N", help_heading = "Active Directory")]
    pub(crate) ad_page_size: Option<i32>,

    /// The tenant: its id or a verified domain (default: $AZURE_TENANT_ID).
    #[arg(
        long,
        value_name = "TENANT",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) tenant: Option<String>,
    /// The longest one Graph or Exchange Online request may take, retries and waits included (default 60).
    #[arg(
        long,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600),
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) timeout: Option<u64>,
    /// Let a Graph or Exchange Online redirect reach this host too, over https (repeatable; by default a
    /// redirect may only stay on the request's own host).
    #[arg(
        long = "redirect-host",
        value_name = "HOST",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) redirect_host: Vec<String>,
    /// The application (client) id (default: $AZURE_CLIENT_ID).
    #[arg(long, value_name = "ID", help_heading = "Entra ID and Exchange Online")]
    pub(crate) client_id: Option<String>,
    /// Read the client secret from this environment variable (default: AZURE_CLIENT_SECRET when set).
    #[arg(
        long,
        value_name = "VAR",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) client_secret_env: Option<String>,
    /// Authenticate with this certificate: a PEM file with the certificate and its private key (default: $AZURE_CLIENT_CERTIFICATE_PATH).
    #[arg(
        long,
        value_name = "PATH",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) certificate: Option<PathBuf>,
    /// The login authority (US Government: https://login.microsoftonline.us; China: https://login.chinacloudapi.cn).
    #[arg(
        long,
        value_name = "URL",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) authority_url: Option<String>,
    /// Microsoft Graph with its version (https://graph.microsoft.us/v1.0, https://microsoftgraph.chinacloudapi.cn/v1.0).
    #[arg(
        long,
        value_name = "URL",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) graph_url: Option<String>,
    /// Exchange Online (https://outlook.office365.us, https://outlook.office365.cn).
    #[arg(
        long,
        value_name = "URL",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) exo_url: Option<String>,
    /// The tenant's initial domain (contoso.onmicrosoft.com), for Exchange Online when --tenant is a GUID.
    #[arg(
        long,
        value_name = "DOMAIN",
        help_heading = "Entra ID and Exchange Online"
    )]
    pub(crate) exo_organization: Option<String>,

    /// Take connection settings from this profile of the configuration file.
    #[arg(long, value_name = "NAME", help_heading = "Profiles")]
    pub(crate) profile: Option<String>,
    /// The configuration file (default: $IDRIFT_CONFIG, else ~/.config/idrift/config.toml).
    #[arg(long, value_name = "PATH", help_heading = "Profiles")]
    pub(crate) config: Option<PathBuf>,
}

/// Whether `s` names a domain controller rather than a file.
pub(crate) use idrift_app::profile::is_ldap_url;

/// Whether `--entra` names live Microsoft Graph.
pub(crate) fn is_graph(s: &str) -> bool {
    s.eq_ignore_ascii_case("graph")
}

/// Whether `--exo` names live Exchange Online.
pub(crate) fn is_exo(p: &Path) -> bool {
    p.as_os_str().eq_ignore_ascii_case("exo")
}

impl ConnArgs {
    /// The profile named by `--profile`, if any.
    pub(crate) fn profile(&self, ctx: &Ctx<'_>) -> anyhow::Result<Profile> {
        match &self.profile {
            None => Ok(Profile::default()),
            Some(name) => {
                let path = match &self.config {
                    Some(p) => p.clone(),
                    None => crate::profile::default_path(ctx.env).ok_or_else(|| {
                        UsageError(
                            "--profile needs --config PATH (no $IDRIFT_CONFIG or $HOME to find config.toml)"
                                .to_owned(),
                        )
                    })?,
                };
                crate::profile::load(&path, name)
            }
        }
    }

    /// The LDAP configuration for the domain controller at `url`.
    pub(crate) fn ldap_config(&self, url: &str, ctx: &mut Ctx<'_>) -> anyhow::Result<LdapConfig> {
        let p = self.profile(ctx)?;
        let mut cfg = LdapConfig::new(url.trim());
        cfg.progress = ctx.progress_hook();
        cfg.base_dns = if self.ad_base_dn.is_empty() {
            p.ad_base_dn.clone()
        } else {
            self.ad_base_dn.clone()
        };
        cfg.filter = self.ad_filter.clone().or(p.ad_filter.clone());
        cfg.bind = self.ad_bind.clone().or(p.ad_bind.clone());
        cfg.ca_file = self.ad_ca_file.clone().or(p.ad_ca_file.clone());
        cfg.allow_plaintext = self.ad_allow_plaintext || p.ad_allow_plaintext.unwrap_or(false);
        if let Some(n) = self.ad_page_size.or(p.ad_page_size) {
            if !(1..=100_000).contains(&n) {
                return Err(
                    UsageError(format!("--ad-page-size must be 1 to 100000, not {n}")).into(),
                );
            }
            cfg.page_size = n;
        }
        if cfg.allow_plaintext && url.trim().to_ascii_lowercase().starts_with("ldap://") {
            ctx.warn(
                "--ad-allow-plaintext: the bind password and directory data cross the network unencrypted",
            )?;
        }
        if cfg.bind.is_some() {
            cfg.password = Some(self.ad_password(&p, ctx)?);
        }
        Ok(cfg)
    }

    fn ad_password(&self, p: &Profile, ctx: &mut Ctx<'_>) -> anyhow::Result<SecretString> {
        if let Some(var) = self.ad_password_env.as_ref().or(p.ad_password_env.as_ref()) {
            let value = (ctx.env)(var).ok_or_else(|| {
                UsageError(format!("--ad-password-env {var}: the variable is not set"))
            })?;
            return Ok(SecretString::from(value));
        }
        if let Some(path) = self
            .ad_password_file
            .as_ref()
            .or(p.ad_password_file.as_ref())
        {
            return read_secret_file(path, "--ad-password-file");
        }
        if let Some(pw) = &self.ad_password {
            ctx.warn(
                "a password given on the command line is visible in the process list and shell history; use --ad-password-env or --ad-password-file",
            )?;
            return Ok(SecretString::from(pw.clone()));
        }
        if ctx.stdin_is_terminal {
            let pw = rpassword::prompt_password("AD bind password: ")
                .context("cannot read the password from the terminal")?;
            return Ok(SecretString::from(pw));
        }
        Err(UsageError(
            "--ad-bind needs a password: --ad-password-env VAR or --ad-password-file PATH (no terminal to ask on)"
                .to_owned(),
        )
        .into())
    }

    /// The Graph / Exchange Online configuration.
    pub(crate) fn cloud_config(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<CloudConfig> {
        let p = self.profile(ctx)?;
        let env = ctx.env;
        let tenant = self
            .tenant
            .clone()
            .or(p.tenant.clone())
            .or_else(|| env("AZURE_TENANT_ID"))
            .ok_or_else(|| UsageError("live Entra ID / Exchange Online needs --tenant (or $AZURE_TENANT_ID, or a profile)".to_owned()))?;
        let client_id = self
            .client_id
            .clone()
            .or(p.client_id.clone())
            .or_else(|| env("AZURE_CLIENT_ID"))
            .ok_or_else(|| UsageError("live Entra ID / Exchange Online needs --client-id (or $AZURE_CLIENT_ID, or a profile)".to_owned()))?;
        let credential = if let Some(var) = self
            .client_secret_env
            .as_ref()
            .or(p.client_secret_env.as_ref())
        {
            let secret = env(var).ok_or_else(|| {
                UsageError(format!(
                    "--client-secret-env {var}: the variable is not set"
                ))
            })?;
            Credential::Secret(SecretString::from(secret))
        } else if let Some(path) = self.certificate.as_ref().or(p.certificate.as_ref()) {
            Credential::Certificate {
                pem: read_secret_file(path, "--certificate")?,
            }
        } else if let Some(secret) = env("AZURE_CLIENT_SECRET") {
            Credential::Secret(SecretString::from(secret))
        } else if let Some(path) = env("AZURE_CLIENT_CERTIFICATE_PATH") {
            Credential::Certificate {
                pem: read_secret_file(Path::new(&path), "AZURE_CLIENT_CERTIFICATE_PATH")?,
            }
        } else {
            return Err(UsageError(
                "live Entra ID / Exchange Online needs a credential: --client-secret-env VAR or --certificate PATH"
                    .to_owned(),
            )
            .into());
        };
        let mut cfg = CloudConfig::new(tenant, client_id, credential);
        cfg.authority_url = self
            .authority_url
            .clone()
            .or(p.authority_url.clone())
            .unwrap_or_else(|| DEFAULT_AUTHORITY_URL.to_owned());
        cfg.graph_url = self
            .graph_url
            .clone()
            .or(p.graph_url.clone())
            .unwrap_or_else(|| DEFAULT_GRAPH_URL.to_owned());
        cfg.exo_url = self
            .exo_url
            .clone()
            .or(p.exo_url.clone())
            .unwrap_or_else(|| DEFAULT_EXO_URL.to_owned());
        cfg.exo_organization = self.exo_organization.clone().or(p.exo_organization.clone());
        cfg.progress = ctx.progress_hook();
        if let Some(secs) = self.timeout {
            cfg.retry.total_budget = std::time::Duration::from_secs(secs);
        }
        cfg.redirect_hosts = if self.redirect_host.is_empty() {
            p.redirect_hosts.clone()
        } else {
            self.redirect_host.clone()
        };
        Ok(cfg)
    }
}

fn read_secret_file(path: &Path, flag: &str) -> anyhow::Result<SecretString> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{flag} {}: cannot read", path.display()))?;
    let text = if flag == "--ad-password-file" {
        text.lines().next().unwrap_or("").to_owned()
    } else {
        text
    };
    Ok(SecretString::from(text))
}

impl SourceArgs {
    /// The AD source given by `--ad` or the profile.
    pub(crate) fn ad_value(&self, ctx: &Ctx<'_>) -> anyhow::Result<Option<String>> {
        if self.ad.is_some() {
            return Ok(self.ad.clone());
        }
        Ok(self.conn.profile(ctx)?.ad)
    }

    /// What the completeness checks of file sources allow (`--allow-incomplete`, `--allow-empty`).
    fn completeness(&self) -> snapshot::Completeness {
        snapshot::Completeness {
            allow_incomplete: self.allow_incomplete,
            allow_empty: self.allow_empty,
        }
    }

    /// Loads the data the arguments name (both AD and Entra ID), printing reader warnings to standard error.
    pub(crate) fn load(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<Loaded> {
        self.load_with(ctx, LoadProfile::Full)
    }

    /// Like [`SourceArgs::load`], keeping of each user read from a file what `profile` reads (live sources
    /// and the demo are read whole).
    pub(crate) fn load_with(
        &self,
        ctx: &mut Ctx<'_>,
        profile: LoadProfile,
    ) -> anyhow::Result<Loaded> {
        self.load_inner(ctx, Need::Both, profile)
            .map(|(loaded, _)| loaded)
    }

    /// Loads whichever of AD and Entra ID the arguments name (at least one), for `snapshot take`; returns which.
    pub(crate) fn load_any(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<(Loaded, Sides)> {
        self.load_inner(ctx, Need::Any, LoadProfile::Full)
    }

    /// Loads the sources the arguments name other than AD (none at all is fine), for `snapshot take --since`,
    /// which reads AD itself; returns which.
    pub(crate) fn load_without_ad(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<(Loaded, Sides)> {
        self.load_inner(ctx, Need::NotAd, LoadProfile::Full)
    }

    fn load_inner(
        &self,
        ctx: &mut Ctx<'_>,
        need: Need,
        profile: LoadProfile,
    ) -> anyhow::Result<(Loaded, Sides)> {
        let mut sides = Sides {
            ad: true,
            entra: true,
        };
        let mut live = LiveSpec::default();
        let mut loaded = if self.demo {
            idrift_app::demo::load()?
        } else if let Some(dir) = &self.snapshot {
            snapshot::load_dir_checked(dir, profile, self.completeness())?
        } else {
            let ad = match need {
                Need::NotAd => None,
                Need::Both | Need::Any => self.ad_value(ctx)?,
            };
            let (ad, entra) = (ad.as_deref(), self.entra.as_deref());
            let missing = match need {
                Need::Both => ad.is_none() || entra.is_none(),
                Need::Any => ad.is_none() && entra.is_none(),
                Need::NotAd => false,
            };
            if missing {
                return Err(UsageError(
                    "name the data: --snapshot DIR, or --ad FILE.ldif|ldaps://DC --entra FILE.json|graph, or --demo"
                        .to_owned(),
                )
                .into());
            }
            sides = Sides {
                ad: ad.is_some(),
                entra: entra.is_some(),
            };
            let mut loaded = Loaded::default();
            match (ad, entra) {
                // Two files: read both at once, on two threads.
                (Some(ad), Some(entra)) if !is_ldap_url(ad) && !is_graph(entra) => {
                    loaded = snapshot::load_pair_checked(
                        Path::new(ad),
                        Path::new(entra),
                        profile,
                        self.completeness(),
                    )?;
                }
                _ => self.load_sides(ctx, ad, entra, profile, &mut loaded, &mut live)?,
            }
            if let Some(p) = &self.entra_sync {
                loaded.snapshot.tenant_sync = snapshot::load_tenant_sync_file(p)?;
            }
            loaded
        };
        if let Some(p) = &self.exo {
            if is_exo(p) {
                live.exo = Some(self.conn.cloud_config(ctx)?);
            } else {
                loaded.snapshot.exo_recipients = Some(snapshot::load_exo_file(p)?);
            }
        }
        if live.ad.is_some() || live.graph.is_some() || live.exo.is_some() {
            let data = runtime()?.block_on(idrift_app::live::read(&live))?;
            for w in &data.warnings {
                loaded.warnings.push(format!("Exchange Online: {w}"));
            }
            let exo_users_from_file = self.exo_users.is_some();
            data.merge_into(&mut loaded.snapshot);
            if exo_users_from_file {
                loaded.snapshot.exo_users = None;
            }
        }
        if let Some(p) = &self.exo_users {
            loaded.snapshot.exo_users = Some(snapshot::load_exo_file(p)?);
        }
        if let Some(w) = idrift_core::anchor::custom_anchor_warning(
            loaded
                .snapshot
                .cloud
                .iter()
                .filter_map(|u| u.on_premises_immutable_id.as_deref()),
        ) {
            loaded.warnings.push(w);
        }
        for w in &loaded.warnings {
            ctx.warn(w.clone())?;
        }
        Ok((loaded, sides))
    }
    /// Reads the AD and Entra ID sides one after the other (a live side is only configured here, and read
    /// with the others later).
    fn load_sides(
        &self,
        ctx: &mut Ctx<'_>,
        ad: Option<&str>,
        entra: Option<&str>,
        profile: LoadProfile,
        loaded: &mut Loaded,
        live: &mut LiveSpec,
    ) -> anyhow::Result<()> {
        match ad {
            Some(ad) if is_ldap_url(ad) => live.ad = Some(self.conn.ldap_config(ad, ctx)?),
            Some(ad) => {
                let (users, warnings) =
                    snapshot::load_ad_file_checked(Path::new(ad), profile, self.completeness())?;
                loaded.snapshot.on_prem = users;
                loaded.warnings.extend(warnings);
            }
            None => {}
        }
        match entra {
            Some(entra) if is_graph(entra) => live.graph = Some(self.conn.cloud_config(ctx)?),
            Some(entra) => {
                let (users, warnings) = snapshot::load_entra_file_checked(
                    Path::new(entra),
                    profile,
                    self.completeness(),
                )?;
                loaded.snapshot.cloud = users;
                loaded.warnings.extend(warnings);
            }
            None => {}
        }
        Ok(())
    }
}

/// Which sources a load needs.
#[derive(Debug, Clone, Copy)]
enum Need {
    /// AD and Entra ID.
    Both,
    /// At least one of them.
    Any,
    /// Whatever is named, AD left out.
    NotAd,
}

/// Which directories a load read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sides {
    /// Active Directory users.
    pub(crate) ad: bool,
    /// Entra ID users.
    pub(crate) entra: bool,
}

/// A runtime for the live adapters (the CLI is a composition root; commands stay synchronous).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
