//! Source selection: a snapshot directory, single export files, the bundled demo, or live directories
//! (`--ad ldaps://…`, `--entra graph`, `--exo exo`), with connection settings from flags or a profile.

use idrift_core::lean::{KeepAd, KeepCloud};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use idrift_app::live::{CloudConfig, LdapConfig, SecretString};
use idrift_app::remediate::Side;
use idrift_app::snapshot::{self, LoadProfile, Loaded};
use idrift_app::source::{
    self, AdSource, Base, CloudSettings, EntraSource, ExoSource, LdapSettings, Missing, Names,
    Resolver, SecretSources, Setting, SourceSpec,
};
pub(crate) use idrift_app::source::{Need, Sides};

use crate::profile::Profile;
use crate::{Ctx, UsageError};

/// The help headings of the connection settings.
const AD: &str = "Active Directory";
const CLOUD: &str = "Entra ID and Exchange Online";

/// Where the on-premises and cloud data come from.
#[derive(Debug, Clone, Args)]
pub(crate) struct SourceArgs {
    /// A snapshot directory (ad.ldif, entra-users.json, and optionally entra-sync.json, exo-recipients.json, exo-users.json).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["ad", "entra", "demo"])]
    pub(crate) snapshot: Option<PathBuf>,
    /// Active Directory: an LDIF export (ldapsearch -LLL or ldifde -f), or a domain controller: ldaps://host[:port], or ldap://host (StartTLS).
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) ad: Option<String>,
    /// Entra ID: a Graph user export (Graph pages, a JSON array, Get-MgUser | ConvertTo-Json, or Get-MgUser | Export-Clixml), or `graph` to read Microsoft Graph.
    #[arg(long, value_name = "FILE|graph")]
    pub(crate) entra: Option<String>,
    /// The tenant sync object (GET /directory/onPremisesSynchronization JSON) to go with --entra FILE.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["snapshot", "demo"])]
    pub(crate) entra_sync: Option<PathBuf>,
    /// Use the bundled demo snapshot (examples/demo).
    #[arg(long, conflicts_with_all = ["ad", "entra"])]
    pub(crate) demo: bool,
    /// Exchange Online recipients: Get-Recipient / Get-EXORecipient / Get-Mailbox / Get-RemoteMailbox / Get-MailUser output (InvokeCommand pages, ConvertTo-Json or Export-Clixml), or `exo` to read Exchange Online (Get-Recipient and Get-User through the admin API endpoint the ExchangeOnlineManagement module uses, which Microsoft does not document); replaces a snapshot's exo-recipients.json.
    #[arg(long, value_name = "FILE|exo", conflicts_with = "demo")]
    pub(crate) exo: Option<PathBuf>,
    /// Exchange Online Get-User output, JSON or Export-Clixml (PreviousRecipientTypeDetails, SKUAssigned); replaces a snapshot's exo-users.json.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub(crate) exo_users: Option<PathBuf>,
    /// Read a Graph export whose last page still carries @odata.nextLink (one saved page of a longer list), with a warning, instead of refusing it as incomplete.
    #[arg(long)]
    pub(crate) allow_incomplete: bool,
    /// Read an AD or Entra source that holds no user, with a warning, instead of refusing it.
    #[arg(long)]
    pub(crate) allow_empty: bool,
    /// The source anchor Entra Connect matches users by, when it is not the default (mS-DS-ConsistencyGuid, else objectGUID): an AD attribute such as employeeID. A string attribute is compared with onPremisesImmutableId as it is, a binary one in base64, as Entra Connect writes it.
    #[arg(long, value_name = "ATTRIBUTE")]
    pub(crate) source_anchor: Option<String>,
    #[command(flatten)]
    pub(crate) conn: ConnArgs,
}

/// How to reach and authenticate to live directories. Flags override the profile.
#[derive(Debug, Clone, Args, Default)]
pub(crate) struct ConnArgs {
    /// Subtree to read AD users from (repeatable; default: the whole domain).
    #[arg(long, value_name = "DN", help_heading = AD)]
    pub(crate) ad_base_dn: Vec<String>,
    /// Extra LDAP filter ANDed with the user filter, e.g. "(department=Sales)".
    #[arg(long, value_name = "FILTER", help_heading = AD)]
    pub(crate) ad_filter: Option<String>,
    /// Bind as this account: a DN, a UPN or DOMAIN\user (read rights for compare; write on mobile/otherMobile for repairs).
    #[arg(long, value_name = "WHO", help_heading = AD)]
    pub(crate) ad_bind: Option<String>,
    /// Read the bind password from this environment variable.
    #[arg(long, value_name = "VAR", help_heading = AD)]
    pub(crate) ad_password_env: Option<String>,
    /// Read the bind password from this file (first line).
    #[arg(long, value_name = "PATH", help_heading = AD)]
    pub(crate) ad_password_file: Option<PathBuf>,
    /// The bind password itself (discouraged: it is visible in the process list and shell history).
    #[arg(long, value_name = "PASSWORD", help_heading = AD)]
    pub(crate) ad_password: Option<String>,
    /// Trust these CA certificates (PEM) instead of the system store.
    #[arg(long, value_name = "PATH", help_heading = AD)]
    pub(crate) ad_ca_file: Option<PathBuf>,
    /// Allow ldap:// without TLS (passwords cross the network in clear text).
    #[arg(long, help_heading = AD)]
    pub(crate) ad_allow_plaintext: bool,
    /// Entries per page of the paged search.
    #[arg(long, value_name = "N", help_heading = AD)]
    pub(crate) ad_page_size: Option<i32>,

    /// The tenant: its id or a verified domain (default: $AZURE_TENANT_ID).
    #[arg(long, value_name = "TENANT", help_heading = CLOUD)]
    pub(crate) tenant: Option<String>,
    /// The longest one Graph or Exchange Online request may take, retries and waits included (default 60).
    #[arg(
        long,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600),
        help_heading = CLOUD
    )]
    pub(crate) timeout: Option<u64>,
    /// Let a Graph or Exchange Online redirect reach this host too, over https (repeatable; by default a
    /// redirect may only stay on the request's own host).
    #[arg(long = "redirect-host", value_name = "HOST", help_heading = CLOUD)]
    pub(crate) redirect_host: Vec<String>,
    /// The application (client) id (default: $AZURE_CLIENT_ID).
    #[arg(long, value_name = "ID", help_heading = CLOUD)]
    pub(crate) client_id: Option<String>,
    /// Read the client secret from this environment variable (default: AZURE_CLIENT_SECRET when set).
    #[arg(long, value_name = "VAR", help_heading = CLOUD)]
    pub(crate) client_secret_env: Option<String>,
    /// Authenticate with this certificate: a PEM file with the certificate and its private key (default: $AZURE_CLIENT_CERTIFICATE_PATH).
    #[arg(long, value_name = "PATH", help_heading = CLOUD)]
    pub(crate) certificate: Option<PathBuf>,
    /// The login authority (US Government: https://login.microsoftonline.us; China: https://login.chinacloudapi.cn).
    #[arg(long, value_name = "URL", help_heading = CLOUD)]
    pub(crate) authority_url: Option<String>,
    /// Microsoft Graph with its version (https://graph.microsoft.us/v1.0, https://microsoftgraph.chinacloudapi.cn/v1.0).
    #[arg(long, value_name = "URL", help_heading = CLOUD)]
    pub(crate) graph_url: Option<String>,
    /// Exchange Online (https://outlook.office365.us, https://outlook.office365.cn).
    #[arg(long, value_name = "URL", help_heading = CLOUD)]
    pub(crate) exo_url: Option<String>,
    /// The tenant's initial domain (contoso.onmicrosoft.com), for Exchange Online when --tenant is a GUID.
    #[arg(long, value_name = "DOMAIN", help_heading = CLOUD)]
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

    /// The domain controller at `url` and how to bind to it: each flag over the profile's value.
    fn ldap_settings(&self, url: &str, p: &Profile) -> LdapSettings {
        let s = p.ldap_at(url);
        LdapSettings {
            base_dns: if self.ad_base_dn.is_empty() {
                s.base_dns
            } else {
                self.ad_base_dn.clone()
            },
            filter: self.ad_filter.clone().or(s.filter),
            bind: self.ad_bind.clone().or(s.bind),
            password: SecretSources {
                env: self.ad_password_env.clone().or(s.password.env),
                file: self.ad_password_file.clone().or(s.password.file),
                value: self.ad_password.clone().map(SecretString::from),
                value_exposed: true,
            },
            ca_file: self.ad_ca_file.clone().or(s.ca_file),
            allow_plaintext: self.ad_allow_plaintext || s.allow_plaintext,
            page_size: self.ad_page_size.or(s.page_size),
            url: s.url,
        }
    }

    /// The app registration: each flag over the profile's value.
    fn cloud_settings(&self, p: &Profile) -> CloudSettings {
        let s = p.cloud_settings();
        CloudSettings {
            tenant: self.tenant.clone().or(s.tenant),
            client_id: self.client_id.clone().or(s.client_id),
            secret: SecretSources {
                env: self.client_secret_env.clone().or(s.secret.env),
                ..SecretSources::default()
            },
            certificate: self.certificate.clone().or(s.certificate),
            authority_url: self.authority_url.clone().or(s.authority_url),
            graph_url: self.graph_url.clone().or(s.graph_url),
            exo_url: self.exo_url.clone().or(s.exo_url),
            exo_organization: self.exo_organization.clone().or(s.exo_organization),
            timeout: self.timeout.map(std::time::Duration::from_secs),
            redirect_hosts: if self.redirect_host.is_empty() {
                s.redirect_hosts
            } else {
                self.redirect_host.clone()
            },
        }
    }

    /// The LDAP configuration for the domain controller at `url` (credentials in the order
    /// [`idrift_app::source`] documents), printing its warnings.
    pub(crate) fn ldap_config(&self, url: &str, ctx: &mut Ctx<'_>) -> anyhow::Result<LdapConfig> {
        let settings = self.ldap_settings(url, &self.profile(ctx)?);
        let mut warnings = Vec::new();
        let cfg = source::ldap_config(&settings, &resolver(ctx), &mut warnings)?;
        warn_all(ctx, &warnings)?;
        Ok(cfg)
    }

    /// The Graph / Exchange Online configuration.
    pub(crate) fn cloud_config(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<CloudConfig> {
        let settings = self.cloud_settings(&self.profile(ctx)?);
        Ok(source::cloud_config(&settings, &resolver(ctx))?)
    }
}

/// How the CLI names its settings in the messages of [`idrift_app::source`].
pub(crate) struct CliNames;

impl Names for CliNames {
    fn setting(&self, s: Setting) -> &'static str {
        match s {
            Setting::AdBind => "--ad-bind",
            Setting::AdPasswordEnv => "--ad-password-env",
            Setting::AdPasswordFile => "--ad-password-file",
            Setting::AdPassword => "--ad-password",
            Setting::AdAllowPlaintext => "--ad-allow-plaintext",
            Setting::AdPageSize => "--ad-page-size",
            Setting::Tenant => "--tenant",
            Setting::ClientId => "--client-id",
            Setting::ClientSecretEnv => "--client-secret-env",
            // The CLI takes no secret as an argument: the default variable is the other way to give one.
            Setting::ClientSecret => "$AZURE_CLIENT_SECRET",
            Setting::Certificate => "--certificate",
            Setting::AllowIncomplete => "--allow-incomplete",
            Setting::AllowEmpty => "--allow-empty",
        }
    }

    fn missing(&self, m: Missing) -> String {
        match m {
            Missing::BothSides | Missing::AnySide => {
                "name the data: --snapshot DIR, or --ad FILE.ldif|ldaps://DC --entra FILE.json|graph, or --demo"
            }
            Missing::Writers => {
                "name the data: --snapshot DIR, or --ad FILE.ldif|ldaps://DC and/or --entra FILE.json|graph, or --demo"
            }
            Missing::RemediationTarget => {
                "name what the steps act on: live services (--ad ldaps://DC, --entra graph, --exo exo), or a \
                 snapshot directory to rehearse on (--snapshot DIR); export files alone cannot be written"
            }
            Missing::LintTarget => {
                "name the directory to write: --ad ldaps://DC, --ad FILE.ldif or --snapshot DIR"
            }
            Missing::AdSide => {
                "name Active Directory: --ad ldaps://DC or --ad FILE.ldif, or --snapshot DIR"
            }
            Missing::EntraSide => {
                "name Entra ID: --entra graph or --entra FILE.json, or --snapshot DIR"
            }
        }
        .to_owned()
    }

    fn side(&self, side: Side) -> String {
        let flag = match side {
            Side::ActiveDirectory => "--ad ldaps://DC",
            Side::Graph => "--entra graph",
            Side::ExchangeOnline => "--exo exo",
        };
        format!("{} ({flag})", side.name())
    }
}

/// What resolving a source may consult: the environment through `ctx`, a password prompt when standard input
/// is a terminal, the progress bars.
pub(crate) fn resolver<'a>(ctx: &Ctx<'a>) -> Resolver<'a> {
    fn prompt(question: &str) -> std::io::Result<String> {
        rpassword::prompt_password(question)
    }
    Resolver {
        env: ctx.env,
        prompt: if ctx.stdin_is_terminal {
            Some(&prompt)
        } else {
            None
        },
        progress: ctx.progress_hook(),
        names: &CliNames,
    }
}

fn warn_all(ctx: &mut Ctx<'_>, warnings: &[String]) -> anyhow::Result<()> {
    for w in warnings {
        ctx.warn(w.clone())?;
    }
    Ok(())
}

impl SourceArgs {
    /// The AD source given by `--ad` or the profile.
    pub(crate) fn ad_value(&self, ctx: &Ctx<'_>) -> anyhow::Result<Option<String>> {
        if self.ad.is_some() {
            return Ok(self.ad.clone());
        }
        Ok(self.conn.profile(ctx)?.ad)
    }

    /// The flags (over the profile) as one [`SourceSpec`].
    pub(crate) fn spec(&self, ctx: &Ctx<'_>) -> anyhow::Result<SourceSpec> {
        let p = self.conn.profile(ctx)?;
        let base = if self.demo {
            Some(Base::Demo)
        } else {
            self.snapshot.clone().map(Base::Snapshot)
        };
        let ad = match &base {
            Some(_) => None,
            None => self.ad.clone().or(p.ad.clone()),
        };
        Ok(SourceSpec {
            base,
            ad: ad.map(|a| {
                if is_ldap_url(&a) {
                    AdSource::Ldap(Box::new(self.conn.ldap_settings(&a, &p)))
                } else {
                    AdSource::File(PathBuf::from(a))
                }
            }),
            entra: self.entra.as_deref().map(|e| {
                if is_graph(e) {
                    EntraSource::Graph
                } else {
                    EntraSource::File(PathBuf::from(e))
                }
            }),
            entra_sync: self.entra_sync.clone(),
            exo: self.exo.as_deref().map(|x| {
                if is_exo(x) {
                    ExoSource::Live
                } else {
                    ExoSource::File(x.to_path_buf())
                }
            }),
            exo_users: self.exo_users.clone(),
            cloud: self.conn.cloud_settings(&p),
            completeness: snapshot::Completeness {
                allow_incomplete: self.allow_incomplete,
                allow_empty: self.allow_empty,
                names: None,
            },
            source_anchor: self.source_anchor.clone().or(p.source_anchor),
        })
    }

    /// Loads the data the arguments name (both AD and Entra ID), printing reader warnings to standard error.
    pub(crate) fn load(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<Loaded> {
        self.load_with(ctx, LoadProfile::Full)
    }

    /// Like [`SourceArgs::load`], keeping of each user what `profile` reads.
    pub(crate) fn load_with<A: KeepAd, C: KeepCloud>(
        &self,
        ctx: &mut Ctx<'_>,
        profile: LoadProfile,
    ) -> anyhow::Result<Loaded<A, C>> {
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

    fn load_inner<A: KeepAd, C: KeepCloud>(
        &self,
        ctx: &mut Ctx<'_>,
        need: Need,
        profile: LoadProfile,
    ) -> anyhow::Result<(Loaded<A, C>, Sides)> {
        let spec = self.spec(ctx)?;
        let (loaded, sides) =
            runtime()?.block_on(source::load_as(&spec, &resolver(ctx), need, profile))?;
        warn_all(ctx, &loaded.warnings)?;
        if loaded.custom_anchor_suspected {
            ctx.warn(CUSTOM_ANCHOR_HINT.to_owned())?;
        }
        Ok((loaded, sides))
    }
}

/// What the CLI adds when the cloud's immutable ids look like a custom source anchor.
pub(crate) const CUSTOM_ANCHOR_HINT: &str = "if Entra Connect uses a custom source anchor, name its attribute with \
     --source-anchor ATTRIBUTE (or source_anchor in the profile), e.g. --source-anchor employeeID";

/// A runtime for the live adapters (the CLI is a composition root; commands stay synchronous).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
