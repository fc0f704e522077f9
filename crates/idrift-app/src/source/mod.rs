//! Sources: what a command reads and what it writes to, described once for every front end.
//!
//! The CLI (`--snapshot`, `--ad`, `--entra`, `--exo`, the connection options and `--profile`), the
//! PowerShell module (`Connect-Drift`, through `idrift-ffi`'s `Source`) and any other host translate their
//! options into one [`SourceSpec`]. Everything after that is here:
//!
//! - **credentials**, resolved in one documented order ([`credentials`]);
//! - **loading** with [`load`]: the demo, a snapshot directory, export files or live directories, with the
//!   sides read at the same time wherever two are read (two files on two threads; a live read while the
//!   files are parsed), completeness checked the same way for every front end, and each user kept only with
//!   what the command's [`LoadProfile`] reads;
//! - **writers** with [`open_writers`] (dirsync repairs, bypass, undo) and [`open_remediation_target`]
//!   (remediation steps): which target serves which source, and what it is called in the "writes to" line.
//!
//! Messages name the front end's own options through [`Names`], so a PowerShell user reads
//! `Source.Ad.PasswordEnv` (or a parameter) where a CLI user reads the flag; nothing here spells either.

mod credentials;
mod keys;
mod load;
mod open;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use credentials::{cloud_config, ldap_config};
pub use load::{Need, Sides, load, load_as};
pub use open::{lint_ad, open_lint_target, open_remediation_target, open_writers};

use idrift_core::matching::Anchor;
use idrift_core::ports::ProgressHook;
use idrift_ldap::SecretString;

use crate::AppError;

pub use crate::snapshot::{AllowNames, Completeness, LoadProfile};

/// Where a command's data comes from, and how to reach the live parts.
#[derive(Debug, Clone, Default)]
pub struct SourceSpec {
    /// The demo or a snapshot directory; `None` when the sides are named one by one.
    pub base: Option<Base>,
    /// Active Directory, when named on its own.
    pub ad: Option<AdSource>,
    /// Entra ID, when named on its own.
    pub entra: Option<EntraSource>,
    /// The tenant sync object (`GET /directory/onPremisesSynchronization` JSON) to go with an Entra file.
    pub entra_sync: Option<PathBuf>,
    /// Exchange Online recipients (replacing a snapshot's `exo-recipients.json`), a file or live.
    pub exo: Option<ExoSource>,
    /// Exchange Online `Get-User` JSON (replacing a snapshot's `exo-users.json`).
    pub exo_users: Option<PathBuf>,
    /// The app registration for Microsoft Graph and Exchange Online (read when either is live).
    pub cloud: CloudSettings,
    /// What file sources may lack and still be read.
    pub completeness: Completeness,
    /// The source anchor Entra Connect matches users by: an AD attribute such as `employeeID` (a custom
    /// anchor), `objectGUID` or `mS-DS-ConsistencyGuid`; `None` is Entra Connect's default
    /// (`mS-DS-ConsistencyGuid`, else `objectGUID`). See [`SourceSpec::anchor`].
    pub source_anchor: Option<String>,
}

/// A source anchor resolved: how users are matched, and the custom attribute the AD readers keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorRead {
    /// What hard matching compares with `onPremisesImmutableId`.
    pub anchor: Anchor,
    /// The custom attribute the AD readers keep in each user's `custom_anchor` ([`Anchor::Custom`] only).
    pub attribute: Option<String>,
}

impl AnchorRead {
    /// The anchor named by `name`: `objectGUID` and `mS-DS-ConsistencyGuid` (any case) are the GUID anchors,
    /// any other attribute is a custom anchor; `None` or blank is Entra Connect's default.
    ///
    /// # Errors
    /// [`AppError::Settings`] when `name` is not an LDAP attribute name (a letter, then letters, digits
    /// and hyphens).
    pub fn named(name: Option<&str>) -> Result<AnchorRead, AppError> {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(AnchorRead::default());
        };
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(AppError::Settings(format!(
                "the source anchor {name:?} is not an attribute name (a letter, then letters, digits and \
                 hyphens, such as employeeID)"
            )));
        }
        let anchor = if name.eq_ignore_ascii_case("objectGUID") {
            Anchor::ObjectGuid
        } else if name.eq_ignore_ascii_case("mS-DS-ConsistencyGuid") {
            Anchor::ConsistencyGuid
        } else {
            return Ok(AnchorRead {
                anchor: Anchor::Custom,
                attribute: Some(name.to_owned()),
            });
        };
        Ok(AnchorRead {
            anchor,
            attribute: None,
        })
    }
}

/// A source that holds both directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The demo snapshot compiled into the library (read-only).
    Demo,
    /// A snapshot directory (`ad.ldif`, `entra-users.json` and optional files).
    Snapshot(PathBuf),
}

/// Active Directory: an LDIF export or a domain controller.
#[derive(Debug, Clone)]
pub enum AdSource {
    /// An LDIF export (`ldapsearch -LLL`, `ldifde -f`).
    File(PathBuf),
    /// A domain controller.
    Ldap(Box<LdapSettings>),
}

/// Entra ID: a Graph user export or Microsoft Graph itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntraSource {
    /// A Graph user export (JSON, or Export-Clixml of Get-MgUser).
    File(PathBuf),
    /// Microsoft Graph, with [`SourceSpec::cloud`].
    Graph,
}

/// Exchange Online: a recipients export or the service itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExoSource {
    /// `Get-Recipient` / `Get-Mailbox` / `Get-MailUser` JSON.
    File(PathBuf),
    /// Exchange Online (`Get-Recipient` and `Get-User`), with [`SourceSpec::cloud`].
    Live,
}

/// Where a secret is. [`credentials`] documents the order in which they are tried.
#[derive(Debug, Clone, Default)]
pub struct SecretSources {
    /// The environment variable holding it.
    pub env: Option<String>,
    /// A file holding it (for a password: its first line).
    pub file: Option<PathBuf>,
    /// The secret itself (a PSCredential's password, a SecureString).
    pub value: Option<SecretString>,
    /// Whether [`SecretSources::value`] was typed where others can see it (a command-line argument): when
    /// it is the one used, a warning says so.
    pub value_exposed: bool,
}

/// A domain controller and how to bind to it.
///
/// A host speaking JSON (the PowerShell module's `Source.Ad`, `docs/wire-protocol.md`) sends it in this
/// shape: PascalCase keys (`Url`, `BaseDn`, `Filter`, `Bind`, `PasswordEnv`, `Password`, `PasswordFile`,
/// `CaFile`, `AllowPlaintext`, `PageSize`), `Url` required. Serialized, it never holds the password itself.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LdapSettings {
    /// `ldaps://host[:port]`, `ldap://host` (StartTLS) or a bare host name (LDAPS).
    pub url: String,
    /// Subtrees to read users from (empty: the whole domain).
    #[serde(default, rename = "BaseDn", skip_serializing_if = "Vec::is_empty")]
    pub base_dns: Vec<String>,
    /// An extra LDAP filter ANDed with the user filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The account to bind as (DN, UPN or `DOMAIN\user`); `None` binds anonymously.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    /// Where the bind password is.
    #[serde(flatten, with = "keys::password")]
    pub password: SecretSources,
    /// CA certificates (PEM) to trust instead of the system store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Allow `ldap://` without TLS.
    #[serde(default)]
    pub allow_plaintext: bool,
    /// Entries per page of the paged search (1 to 100,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i32>,
}

/// The app registration used for Microsoft Graph and Exchange Online. Unset values fall back to
/// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` and `AZURE_CLIENT_CERTIFICATE_PATH`.
///
/// A host speaking JSON (the module's `Source.Cloud`) sends it in this shape, every key optional: `Tenant`,
/// `ClientId`, `ClientSecretEnv`, `ClientSecret`, `CertificatePath`, `AuthorityUrl`, `GraphUrl`, `ExoUrl`,
/// `ExoOrganization`, `TimeoutSeconds`, `RedirectHosts`. Serialized, it never holds the secret itself.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct CloudSettings {
    /// The tenant id or a verified domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The application (client) id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Where the client secret is (its `file` is not used: a secret file is a certificate).
    #[serde(flatten, with = "keys::client_secret")]
    pub secret: SecretSources,
    /// A PEM file with the certificate and its private key.
    #[serde(rename = "CertificatePath", skip_serializing_if = "Option::is_none")]
    pub certificate: Option<PathBuf>,
    /// The login authority (national clouds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority_url: Option<String>,
    /// Microsoft Graph with its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_url: Option<String>,
    /// Exchange Online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exo_url: Option<String>,
    /// The tenant's initial domain, for Exchange Online when the tenant is a GUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exo_organization: Option<String>,
    /// The longest one request may take, retries and waits included (default: [`idrift_cloud::RetryPolicy`]'s).
    #[serde(
        rename = "TimeoutSeconds",
        with = "keys::seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub timeout: Option<std::time::Duration>,
    /// Hosts a redirect may also reach, over https.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirect_hosts: Vec<String>,
}

/// The settings a message may name. Each front end spells them its own way ([`Names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The AD bind account.
    AdBind,
    /// The environment variable holding the bind password.
    AdPasswordEnv,
    /// The file holding the bind password.
    AdPasswordFile,
    /// The bind password itself.
    AdPassword,
    /// Allowing `ldap://` without TLS.
    AdAllowPlaintext,
    /// The page size of the AD search.
    AdPageSize,
    /// The tenant.
    Tenant,
    /// The client id.
    ClientId,
    /// The environment variable holding the client secret.
    ClientSecretEnv,
    /// The client secret itself.
    ClientSecret,
    /// The certificate file.
    Certificate,
    /// Reading an export that is visibly incomplete.
    AllowIncomplete,
    /// Reading a source that holds no user.
    AllowEmpty,
}

/// What a load or an open found missing, for the front end to word with its own options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A reader needs both directories (or a base).
    BothSides,
    /// A reader needs at least one directory.
    AnySide,
    /// A writer needs at least one directory to write.
    Writers,
    /// Remediation steps need live services or a snapshot directory to rehearse on.
    RemediationTarget,
    /// Lint fixes (and their undo) need a domain controller, an LDIF export or a snapshot directory.
    LintTarget,
    /// A writer of Active Directory values was given no Active Directory.
    AdSide,
    /// A writer of Entra ID values was given no Entra ID.
    EntraSide,
}

/// How a front end names its settings in messages: the CLI's flags, the wire's fields, PowerShell's
/// parameters.
pub trait Names {
    /// The name of one setting, such as `--ad-password-env` or `Source.Ad.PasswordEnv`.
    fn setting(&self, setting: Setting) -> &'static str;
    /// The sentence that says which sources to give when `missing` is missing.
    fn missing(&self, missing: Missing) -> String;
    /// A directory remediation steps act on, in words with the option that names it.
    fn side(&self, side: crate::remediate::Side) -> String {
        side.name().to_owned()
    }
}

/// Asks a person for a secret; the argument is the prompt.
pub type Prompt = dyn Fn(&str) -> std::io::Result<String>;

/// What resolving a [`SourceSpec`] may consult besides the spec: the environment (the front end's one door
/// to it), a prompt for a password when a person is there to answer, the progress display, and the front
/// end's names for its settings.
pub struct Resolver<'a> {
    /// Reads an environment variable.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Asks for a secret (the argument is the prompt), when someone can answer.
    pub prompt: Option<&'a Prompt>,
    /// Where live reads report progress.
    pub progress: ProgressHook,
    /// How messages name settings.
    pub names: &'a dyn Names,
}

impl std::fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("prompt", &self.prompt.is_some())
            .finish_non_exhaustive()
    }
}

impl Resolver<'_> {
    fn name(&self, s: Setting) -> &'static str {
        self.names.setting(s)
    }
}

impl SourceSpec {
    /// The source anchor [`SourceSpec::source_anchor`] names, resolved.
    ///
    /// # Errors
    /// As for [`AnchorRead::named`].
    pub fn anchor(&self) -> Result<AnchorRead, AppError> {
        AnchorRead::named(self.source_anchor.as_deref())
    }

    /// Whether any part is read from a live service.
    pub fn is_live(&self) -> bool {
        matches!(self.ad, Some(AdSource::Ldap(_)))
            || self.entra == Some(EntraSource::Graph)
            || self.exo == Some(ExoSource::Live)
    }
}

/// A part of a source named both live and by an export file; the front end names the two settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BothNamed;

/// A part of a source (AD, Entra ID, Exchange Online) from a front end that names the live service and the
/// export file apart: the live one, or the file made a source by `from_file`, never both.
///
/// # Errors
/// [`BothNamed`] when both are named.
pub fn live_or_file<T>(
    live: Option<T>,
    file: Option<&PathBuf>,
    from_file: fn(PathBuf) -> T,
) -> Result<Option<T>, BothNamed> {
    if live.is_some() && file.is_some() {
        return Err(BothNamed);
    }
    Ok(live.or(file.cloned().map(from_file)))
}

#[cfg(test)]
mod tests;
