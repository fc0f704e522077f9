//! `Profile.Get`: one profile of the CLI's configuration file, read with [`idrift_app::profile`] (the parser
//! the CLI's `--profile` uses) and returned as the `Source.Ad` / `Source.AdFile` / `Source.Cloud` parts a host
//! sends back with each request (`Connect-Drift -Profile`).

use std::path::{Path, PathBuf};

use idrift_app::profile::{self, Profile};

use crate::error::CallError;
use crate::host;
use crate::wire::{self, CloudSpec, LdapSpec, ProfileGetArgs, ProfileResult};

/// A path from the file: as written when absolute, else relative to the file's directory (the host's
/// current directory means nothing to the library).
fn resolve(dir: &Path, p: Option<PathBuf>) -> Option<PathBuf> {
    p.map(|p| if p.is_absolute() { p } else { dir.join(p) })
}

/// The profile as `Source` parts.
pub(crate) fn to_result(name: String, config_path: PathBuf, p: Profile) -> ProfileResult {
    let dir = config_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let source_anchor = p.source_anchor;
    let (ad, ad_file) = match p.ad {
        Some(url) if profile::is_ldap_url(&url) => (
            Some(LdapSpec {
                url: url.trim().to_owned(),
                base_dn: p.ad_base_dn,
                filter: p.ad_filter,
                bind: p.ad_bind,
                password_env: p.ad_password_env,
                password: None,
                password_file: resolve(&dir, p.ad_password_file),
                ca_file: resolve(&dir, p.ad_ca_file),
                allow_plaintext: p.ad_allow_plaintext.unwrap_or(false),
                page_size: p.ad_page_size,
            }),
            None,
        ),
        Some(file) => (None, resolve(&dir, Some(PathBuf::from(file)))),
        None => (None, None),
    };
    let cloud = CloudSpec {
        tenant: p.tenant,
        client_id: p.client_id,
        client_secret_env: p.client_secret_env,
        client_secret: None,
        certificate_path: resolve(&dir, p.certificate),
        authority_url: p.authority_url,
        graph_url: p.graph_url,
        exo_url: p.exo_url,
        exo_organization: p.exo_organization,
        timeout_seconds: None,
        redirect_hosts: p.redirect_hosts,
    };
    ProfileResult {
        name,
        config_path,
        ad,
        ad_file,
        cloud,
        source_anchor,
    }
}

/// `Profile.Get`.
pub(crate) fn get(args: ProfileGetArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Profile.Get";
    let path = match &args.config_path {
        Some(p) => p.clone(),
        None => profile::default_path(&host::env).ok_or_else(|| {
            let message = "no configuration file: give ConfigPath (no $IDRIFT_CONFIG, %APPDATA% or $HOME \
                           to find config.toml)";
            CallError::invalid(OP, message)
        })?,
    };
    let p = profile::load(&path, &args.name)?;
    let body = to_result(args.name, path, p);
    wire::ok(&body, &[])
}

#[cfg(test)]
mod tests;
