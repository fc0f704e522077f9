//! Connection profiles for `--profile NAME --config PATH`: the file format and its parsing live in
//! [`idrift_app::profile`] (shared with the PowerShell module's `Connect-Drift -Profile`); this module maps
//! their errors onto the CLI's: a malformed file or an unknown profile is a usage error (exit code 2).

use std::path::Path;

use anyhow::Context as _;
use idrift_app::AppError;

pub(crate) use idrift_app::profile::{Profile, default_path};

use crate::UsageError;

fn usage(e: AppError) -> anyhow::Error {
    match e {
        AppError::Parse { .. } | AppError::Invalid(_) => UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

/// Parses a configuration file's text and returns the profile `name`.
#[cfg(test)]
pub(crate) fn parse(path: &Path, text: &str, name: &str) -> anyhow::Result<Profile> {
    idrift_app::profile::parse(path, text, name).map_err(usage)
}

/// Reads the configuration file at `path` and returns the profile `name`.
pub(crate) fn load(path: &Path, name: &str) -> anyhow::Result<Profile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the configuration file", path.display()))?;
    idrift_app::profile::parse(path, &text, name).map_err(usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The fields and messages are idrift-app's (its tests check them); this module adds the usage error.
    #[test]
    fn a_malformed_file_or_an_unknown_profile_is_a_usage_error() {
        let text = "[profiles.contoso]\nad = \"ldaps://dc1\"\n";
        assert!(parse(Path::new("c.toml"), text, "contoso").is_ok());
        let typo = "[profiles.x]\nclient_secret = \"s3cret\"\n";
        // (file text, profile name, what the message names): an unknown name, then a key with a typo.
        let cases = [
            (text, "fabrikam", &["no profile \"fabrikam\"", "contoso"]),
            (typo, "x", &["c.toml", "client_secret"]),
        ];
        for (text, name, names) in cases {
            let err = parse(Path::new("c.toml"), text, name).unwrap_err();
            assert!(
                err.downcast_ref::<UsageError>().is_some(),
                "a usage error: {err}"
            );
            let err = err.to_string();
            assert!(names.iter().all(|n| err.contains(n)), "{err}");
            assert!(
                !err.contains("s3cret"),
                "a secret value must not be echoed: {err}"
            );
        }
    }
}
