//! `migration verify`: report files and folders, and with identities a live fetch from Exchange Online, as one
//! report. Unreadable inputs (and a live fetch that fails) are reported beside the users that could be read.
//! The CLI's `idrift migration verify` and the FFI's `Migration.Verify` both call [`verify`].

use std::path::PathBuf;

use idrift_cloud::CloudConfig;
use idrift_core::migration::VerificationReport;

use crate::AppError;

/// The users verified from every input, and what could not be read.
#[derive(Debug)]
pub struct Verified {
    /// The report over every user read, from files and Exchange Online.
    pub report: VerificationReport,
    /// The inputs that could not be read (a failed live fetch is one of them).
    pub errors: Vec<AppError>,
    /// Warnings Exchange Online attached to its answers, each prefixed with `Exchange Online: `.
    pub warnings: Vec<String>,
}

/// Verifies the files and folders in `paths`, then, with `live`, the identities it names through Exchange
/// Online; the users of both make one report.
pub async fn verify(paths: &[PathBuf], live: Option<(&CloudConfig, &[String])>) -> Verified {
    let mut outcome = crate::migration::verify_paths(paths);
    let mut warnings = Vec::new();
    if let Some((config, identities)) = live {
        match crate::migration::verify_live(config, identities).await {
            Ok(fetched) => {
                warnings.extend(
                    fetched
                        .warnings
                        .iter()
                        .map(|w| format!("Exchange Online: {w}")),
                );
                let mut users = std::mem::take(&mut outcome.report.users);
                users.extend(fetched.users);
                outcome.report = VerificationReport::new(users);
            }
            Err(e) => outcome.errors.push(e),
        }
    }
    Verified {
        report: outcome.report,
        errors: outcome.errors,
        warnings,
    }
}

#[cfg(test)]
mod tests;
