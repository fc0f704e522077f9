//! `Profile.Get`: one profile of the CLI's configuration file, read with [`idrift_app::profile`] (the parser
//! the CLI's `--profile` uses) and returned as the `Source.Ad` / `Source.AdFile` / `Source.Cloud` parts a host
//! sends back with each request (`Connect-Drift -Profile`).

use std::path::PathBuf;

use idrift_app::profile::{self, Profile};

use crate::error::CallError;
use crate::host;
use crate::wire::{self, ProfileGetArgs, ProfileResult};

/// The profile as `Source` parts.
pub(crate) fn to_result(name: String, config_path: PathBuf, p: Profile) -> ProfileResult {
    let ad = p.ldap_settings();
    let ad_file = p.ad.clone().filter(|_| ad.is_none()).map(PathBuf::from);
    ProfileResult {
        name,
        config_path,
        ad,
        ad_file,
        cloud: p.cloud_settings(),
        source_anchor: p.source_anchor,
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
