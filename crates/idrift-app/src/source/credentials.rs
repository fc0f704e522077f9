//! Credentials and connection settings, resolved the same way for every front end.
//!
//! **The AD bind password** is taken from the first of these that is given:
//! 1. the environment variable named ([`SecretSources::env`]);
//! 2. the file named, its first line ([`SecretSources::file`]);
//! 3. the password itself ([`SecretSources::value`]: a PSCredential, or a command-line argument, which is
//!    warned about);
//! 4. a prompt, when a person is there to answer ([`Resolver::prompt`]).
//!
//! Without any of them a bind fails before connecting. No bind account means an anonymous bind.
//!
//! **The app's credential** for Microsoft Graph and Exchange Online is the first of:
//! 1. the client secret in the environment variable named;
//! 2. the client secret itself (a SecureString);
//! 3. the certificate file named (a PEM file with the certificate and its private key);
//! 4. `AZURE_CLIENT_SECRET`, then `AZURE_CLIENT_CERTIFICATE_PATH`.
//!
//! The tenant and client id default to `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`. Front ends merge their
//! profile under their explicit options before building the spec, so an explicit option always wins over
//! the profile, and a profile never holds a secret, only where one is.

use std::path::Path;

use idrift_cloud::{
    CloudConfig, Credential, DEFAULT_AUTHORITY_URL, DEFAULT_EXO_URL, DEFAULT_GRAPH_URL,
};
use idrift_ldap::{LdapConfig, SecretString};

use super::{CloudSettings, LdapSettings, Resolver, SecretSources, Setting};
use crate::AppError;

fn invalid(message: String) -> AppError {
    AppError::Settings(message)
}

/// The LDAP configuration of a domain controller: settings checked, the bind password found. A warning
/// goes to `warnings` when the connection or the password is exposed.
///
/// # Errors
/// [`AppError::Settings`] naming the setting: a page size out of range, an unset variable, an unreadable
/// password file, a bind account with no password to be found.
pub fn ldap_config(
    s: &LdapSettings,
    r: &Resolver<'_>,
    warnings: &mut Vec<String>,
) -> Result<LdapConfig, AppError> {
    let url = s.url.trim();
    let mut cfg = LdapConfig::new(url);
    cfg.progress = r.progress.clone();
    cfg.base_dns = s.base_dns.clone();
    cfg.filter = s.filter.clone();
    cfg.bind = s.bind.clone();
    cfg.ca_file = s.ca_file.clone();
    cfg.allow_plaintext = s.allow_plaintext;
    if let Some(n) = s.page_size {
        if !(1..=100_000).contains(&n) {
            return Err(invalid(format!(
                "{} must be 1 to 100000, not {n}",
                r.name(Setting::AdPageSize)
            )));
        }
        cfg.page_size = n;
    }
    if cfg.allow_plaintext && url.to_ascii_lowercase().starts_with("ldap://") {
        warnings.push(format!(
            "{}: the bind password and directory data cross the network unencrypted",
            r.name(Setting::AdAllowPlaintext)
        ));
    }
    if cfg.bind.is_some() {
        cfg.password = Some(bind_password(&s.password, r, warnings)?);
    }
    Ok(cfg)
}

fn bind_password(
    p: &SecretSources,
    r: &Resolver<'_>,
    warnings: &mut Vec<String>,
) -> Result<SecretString, AppError> {
    if let Some(var) = &p.env {
        let value = (r.env)(var).ok_or_else(|| {
            invalid(format!(
                "{} {var}: the variable is not set",
                r.name(Setting::AdPasswordEnv)
            ))
        })?;
        return Ok(SecretString::from(value));
    }
    if let Some(path) = &p.file {
        let text = read_secret_file(path, r.name(Setting::AdPasswordFile))?;
        return Ok(SecretString::from(
            text.lines().next().unwrap_or("").to_owned(),
        ));
    }
    if let Some(value) = &p.value {
        if p.value_exposed {
            warnings.push(format!(
                "a password given as {} is visible in the process list and shell history; use {} or {}",
                r.name(Setting::AdPassword),
                r.name(Setting::AdPasswordEnv),
                r.name(Setting::AdPasswordFile)
            ));
        }
        return Ok(value.clone());
    }
    if let Some(prompt) = r.prompt {
        let pw = prompt("AD bind password: ")
            .map_err(|e| invalid(format!("cannot read the password from the terminal: {e}")))?;
        return Ok(SecretString::from(pw));
    }
    Err(invalid(format!(
        "{} needs a password: {} VAR, {} PATH or {} (no terminal to ask on)",
        r.name(Setting::AdBind),
        r.name(Setting::AdPasswordEnv),
        r.name(Setting::AdPasswordFile),
        r.name(Setting::AdPassword),
    )))
}

/// Reads a secret file; the error names the setting and the file, never the content.
fn read_secret_file(path: &Path, setting: &str) -> Result<String, AppError> {
    std::fs::read_to_string(path)
        .map_err(|e| invalid(format!("{setting} {}: cannot read: {e}", path.display())))
}

/// The Graph / Exchange Online configuration: tenant, client id and credential found (see the module
/// documentation for the order), URLs defaulted to the public cloud.
///
/// # Errors
/// [`AppError::Settings`] naming the setting that is missing or unreadable.
pub fn cloud_config(s: &CloudSettings, r: &Resolver<'_>) -> Result<CloudConfig, AppError> {
    let needs = |setting: Setting, var: &str| {
        invalid(format!(
            "live Entra ID / Exchange Online needs {} (or ${var})",
            r.name(setting)
        ))
    };
    let tenant = s
        .tenant
        .clone()
        .or_else(|| (r.env)("AZURE_TENANT_ID"))
        .ok_or_else(|| needs(Setting::Tenant, "AZURE_TENANT_ID"))?;
    let client_id = s
        .client_id
        .clone()
        .or_else(|| (r.env)("AZURE_CLIENT_ID"))
        .ok_or_else(|| needs(Setting::ClientId, "AZURE_CLIENT_ID"))?;
    let mut cfg = CloudConfig::new(tenant, client_id, app_credential(s, r)?);
    cfg.authority_url = s
        .authority_url
        .clone()
        .unwrap_or_else(|| DEFAULT_AUTHORITY_URL.to_owned());
    cfg.graph_url = s
        .graph_url
        .clone()
        .unwrap_or_else(|| DEFAULT_GRAPH_URL.to_owned());
    cfg.exo_url = s
        .exo_url
        .clone()
        .unwrap_or_else(|| DEFAULT_EXO_URL.to_owned());
    cfg.exo_organization = s.exo_organization.clone();
    cfg.progress = r.progress.clone();
    if let Some(t) = s.timeout {
        cfg.retry.total_budget = t;
    }
    cfg.redirect_hosts = s.redirect_hosts.clone();
    Ok(cfg)
}

fn app_credential(s: &CloudSettings, r: &Resolver<'_>) -> Result<Credential, AppError> {
    let pem = |path: &Path, setting: &str| {
        read_secret_file(path, setting).map(|text| Credential::Certificate {
            pem: SecretString::from(text),
        })
    };
    if let Some(var) = &s.secret.env {
        let secret = (r.env)(var).ok_or_else(|| {
            invalid(format!(
                "{} {var}: the variable is not set",
                r.name(Setting::ClientSecretEnv)
            ))
        })?;
        return Ok(Credential::Secret(SecretString::from(secret)));
    }
    if let Some(secret) = &s.secret.value {
        return Ok(Credential::Secret(secret.clone()));
    }
    if let Some(path) = &s.certificate {
        return pem(path, r.name(Setting::Certificate));
    }
    if let Some(secret) = (r.env)("AZURE_CLIENT_SECRET") {
        return Ok(Credential::Secret(SecretString::from(secret)));
    }
    if let Some(path) = (r.env)("AZURE_CLIENT_CERTIFICATE_PATH") {
        return pem(Path::new(&path), "AZURE_CLIENT_CERTIFICATE_PATH");
    }
    Err(invalid(format!(
        "live Entra ID / Exchange Online needs a credential: {} VAR, {} or {} PATH",
        r.name(Setting::ClientSecretEnv),
        r.name(Setting::ClientSecret),
        r.name(Setting::Certificate),
    )))
}
