//! Connection profiles: named sets of connection settings in a TOML file, so admins need not repeat them.
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
//! ```
//!
//! A profile names where secrets are (an environment variable, a file), never the secrets themselves;
//! unknown keys are errors, so a typo does not silently fall back to a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use crate::UsageError;

/// One profile's settings; every field is optional and a command-line flag overrides it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    pub(crate) ad: Option<String>,
    #[serde(default)]
    pub(crate) ad_base_dn: Vec<String>,
    pub(crate) ad_filter: Option<String>,
    pub(crate) ad_bind: Option<String>,
    pub(crate) ad_password_env: Option<String>,
    pub(crate) ad_password_file: Option<PathBuf>,
    pub(crate) ad_ca_file: Option<PathBuf>,
    pub(crate) ad_allow_plaintext: Option<bool>,
    pub(crate) ad_page_size: Option<i32>,
    pub(crate) tenant: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret_env: Option<String>,
    pub(crate) certificate: Option<PathBuf>,
    pub(crate) authority_url: Option<String>,
    pub(crate) graph_url: Option<String>,
    pub(crate) exo_url: Option<String>,
    pub(crate) exo_organization: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// `$IDRIFT_CONFIG`, else `~/.config/idrift/config.toml` (`%APPDATA%\idrift\config.toml` on Windows).
pub(crate) fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(p) = env("IDRIFT_CONFIG") {
        return Some(PathBuf::from(p));
    }
    if let Some(appdata) = env("APPDATA") {
        return Some(Path::new(&appdata).join("idrift").join("config.toml"));
    }
    env("HOME").map(|h| Path::new(&h).join(".config/idrift/config.toml"))
}

/// Parses a configuration file's text and returns the profile `name`.
pub(crate) fn parse(path: &Path, text: &str, name: &str) -> anyhow::Result<Profile> {
    // Only the message and the line: toml's own rendering quotes the offending line, which could hold a secret.
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
        UsageError(format!("{}: line {line}: {}", path.display(), e.message()))
    })?;
    file.profiles.get(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        UsageError(format!(
            "{}: no profile {name:?} (profiles: {})",
            path.display(),
            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
        ))
        .into()
    })
}

/// Reads the configuration file at `path` and returns the profile `name`.
pub(crate) fn load(path: &Path, name: &str) -> anyhow::Result<Profile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the configuration file", path.display()))?;
    parse(path, &text, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_profile_and_rejects_typos_and_unknown_names() {
        let text = "[profiles.contoso]\nad = \"ldaps://dc1\"\nad_base_dn = [\"OU=Sync,DC=c\"]\ntenant = \"contoso.onmicrosoft.com\"\n";
        let p = parse(Path::new("c.toml"), text, "contoso").unwrap();
        assert_eq!(p.ad.as_deref(), Some("ldaps://dc1"));
        assert_eq!(p.ad_base_dn, vec!["OU=Sync,DC=c".to_owned()]);
        let err = parse(Path::new("c.toml"), text, "fabrikam").unwrap_err().to_string();
        assert!(err.contains("no profile \"fabrikam\"") && err.contains("contoso"), "{err}");
        let typo = "[profiles.x]\nclient_secret = \"s3cret\"\n";
        let err = parse(Path::new("c.toml"), typo, "x").unwrap_err().to_string();
        assert!(err.contains("c.toml") && err.contains("client_secret"), "{err}");
        assert!(!err.contains("s3cret"), "a secret value must not be echoed: {err}");
    }
}
