//! Connection profiles: named sets of connection settings in a TOML file, so admins need not repeat them.
//! The CLI (`--profile NAME --config PATH`) and the PowerShell module (`Connect-Drift -Profile NAME
//! -ConfigPath PATH`, through `idrift-ffi`) read the same file with this module.
//!
//! ```toml
//! [profiles.contoso]
//! ad = "ldaps://dc1.contoso.com"
//! ad_base_dn = ["OU=Sync,DC=contoso,DC=com"]
//! ad_bind = "CONTOSO\\svc-idrift"
//! ad_password_env = "IDRIFT_AD_PASSWORD"
//! tenant = "contoso.onmicrosoft.com"
//! client_id = "00000000-0000-0000-0000-000000000000"
//! certificate = "/etc/idrift/app.pem"
//! source_anchor = "employeeID"   # only when Entra Connect uses a custom source anchor
//! ```
//!
//! A profile names where secrets are (an environment variable, a file), never the secrets themselves;
//! unknown keys are errors, so a typo does not silently fall back to a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::source::{CloudSettings, LdapSettings, SecretSources};

/// One profile's settings; every field is optional and an explicit option of the front end overrides it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A domain controller (`ldaps://dc`) or an LDIF export.
    pub ad: Option<String>,
    /// Subtrees to read users from.
    #[serde(default)]
    pub ad_base_dn: Vec<String>,
    /// An extra LDAP filter ANDed with the user filter.
    pub ad_filter: Option<String>,
    /// The account to bind as.
    pub ad_bind: Option<String>,
    /// The environment variable holding the bind password.
    pub ad_password_env: Option<String>,
    /// A file whose first line is the bind password.
    pub ad_password_file: Option<PathBuf>,
    /// CA certificates (PEM) to trust instead of the system store.
    pub ad_ca_file: Option<PathBuf>,
    /// Allow `ldap://` without TLS.
    pub ad_allow_plaintext: Option<bool>,
    /// Entries per page.
    pub ad_page_size: Option<i32>,
    /// The Entra tenant.
    pub tenant: Option<String>,
    /// The app registration's client id.
    pub client_id: Option<String>,
    /// The environment variable holding the client secret.
    pub client_secret_env: Option<String>,
    /// A PEM file with the app's certificate and private key.
    pub certificate: Option<PathBuf>,
    /// The token authority.
    pub authority_url: Option<String>,
    /// Microsoft Graph.
    pub graph_url: Option<String>,
    /// Exchange Online's REST endpoint.
    pub exo_url: Option<String>,
    /// The Exchange Online organization.
    pub exo_organization: Option<String>,
    /// Hosts besides a request's own that a Graph or Exchange Online redirect may reach (https only).
    #[serde(default)]
    pub redirect_hosts: Vec<String>,
    /// The source anchor Entra Connect matches users by, when not its default: an AD attribute such as
    /// `employeeID` (see [`crate::source::SourceSpec::source_anchor`]).
    pub source_anchor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// `$IDRIFT_CONFIG`, else `%APPDATA%\idrift\config.toml`, else `~/.config/idrift/config.toml`; `env` reads an
/// environment variable (the front end's composition root supplies it).
pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(p) = env("IDRIFT_CONFIG") {
        return Some(PathBuf::from(p));
    }
    if let Some(appdata) = env("APPDATA") {
        return Some(Path::new(&appdata).join("idrift").join("config.toml"));
    }
    env("HOME").map(|h| Path::new(&h).join(".config/idrift/config.toml"))
}

/// Parses a configuration file's text and returns the profile `name`, its relative paths taken relative to the
/// file's directory ([`Profile::relative_to`]).
///
/// # Errors
/// [`AppError::Parse`] naming the file and line (never quoting it: the line could hold a secret);
/// [`AppError::Invalid`] when there is no such profile, listing the profiles there are.
pub fn parse(path: &Path, text: &str, name: &str) -> Result<Profile, AppError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| {
                text.as_bytes()[..s.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1
            })
            .unwrap_or(0);
        AppError::parse(path, format!("line {line}: {}", e.message()))
    })?;
    let profile = file.profiles.get(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        AppError::Invalid(format!(
            "{}: no profile {name:?} (profiles: {})",
            path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ))
    })?;
    Ok(profile.relative_to(path.parent().unwrap_or(Path::new(""))))
}

impl Profile {
    /// The profile's domain controller as a source's settings, when its `ad` is an LDAP URL.
    #[must_use]
    pub fn ldap_settings(&self) -> Option<LdapSettings> {
        let url = self.ad.as_deref().filter(|a| is_ldap_url(a))?;
        Some(self.ldap_at(url.trim()))
    }

    /// The domain controller at `url` with the profile's bind and search settings (a front end's `--ad URL`
    /// over the profile's `ad`).
    #[must_use]
    pub fn ldap_at(&self, url: &str) -> LdapSettings {
        LdapSettings {
            url: url.to_owned(),
            base_dns: self.ad_base_dn.clone(),
            filter: self.ad_filter.clone(),
            bind: self.ad_bind.clone(),
            password: SecretSources {
                env: self.ad_password_env.clone(),
                file: self.ad_password_file.clone(),
                ..SecretSources::default()
            },
            ca_file: self.ad_ca_file.clone(),
            allow_plaintext: self.ad_allow_plaintext.unwrap_or(false),
            page_size: self.ad_page_size,
        }
    }

    /// The profile's app registration as a source's settings.
    #[must_use]
    pub fn cloud_settings(&self) -> CloudSettings {
        CloudSettings {
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
            secret: SecretSources {
                env: self.client_secret_env.clone(),
                ..SecretSources::default()
            },
            certificate: self.certificate.clone(),
            authority_url: self.authority_url.clone(),
            graph_url: self.graph_url.clone(),
            exo_url: self.exo_url.clone(),
            exo_organization: self.exo_organization.clone(),
            timeout: None,
            redirect_hosts: self.redirect_hosts.clone(),
        }
    }

    /// The profile with each relative path in it (an LDIF `ad`, `ad_password_file`, `ad_ca_file`,
    /// `certificate`) taken relative to `dir`, the configuration file's directory: a profile means the same
    /// files whichever directory the CLI or PowerShell runs in.
    #[must_use]
    pub fn relative_to(mut self, dir: &Path) -> Profile {
        let join = |p: &mut Option<PathBuf>| {
            if let Some(p) = p.as_mut().filter(|p| p.is_relative()) {
                *p = dir.join(&*p);
            }
        };
        join(&mut self.ad_password_file);
        join(&mut self.ad_ca_file);
        join(&mut self.certificate);
        if let Some(ad) = self
            .ad
            .as_mut()
            .filter(|a| !is_ldap_url(a) && Path::new(a).is_relative())
        {
            *ad = dir.join(&*ad).display().to_string();
        }
        self
    }
}

/// Reads the configuration file at `path` and returns the profile `name`.
///
/// # Errors
/// [`AppError::Read`] when the file cannot be read; as for [`parse`].
pub fn load(path: &Path, name: &str) -> Result<Profile, AppError> {
    let text = std::fs::read_to_string(path).map_err(|source| AppError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text, name)
}

/// Whether a profile's `ad` names a domain controller rather than a file.
pub fn is_ldap_url(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    l.starts_with("ldap://") || l.starts_with("ldaps://") || l.starts_with("ldapi://")
}

#[cfg(test)]
mod tests;
