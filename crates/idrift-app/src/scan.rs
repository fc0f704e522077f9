//! `idrift scan`: the Exchange hybrid health scan over a loaded snapshot, and its CSV.
//!
//! The checks themselves are pure ([`idrift_core::scan`]); this module runs them and writes findings as CSV
//! the way PowerShell's `Export-Csv` does (every field quoted, CRLF line ends), so `Import-Csv` reads the
//! file unchanged. The evidence, a JSON object, goes into one column as compact JSON.

use std::io::Write;
use std::path::Path;

use idrift_core::model::Snapshot;
use idrift_core::scan::{Finding, FindingKind, ScanOptions, ScanReport, scan as run_scan};
use serde_json::Value;

use crate::AppError;

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 7] = [
    "Kind",
    "Severity",
    "UserPrincipalName",
    "ObjectId",
    "DistinguishedName",
    "Recommendation",
    "Evidence",
];

/// Runs every check on a loaded snapshot.
pub fn scan(snapshot: &Snapshot, opts: &ScanOptions) -> ScanReport {
    run_scan(snapshot, opts)
}

/// Writes findings as CSV (header first, even when there are none).
///
/// # Errors
/// The writer's I/O error.
pub fn write_csv(w: &mut dyn Write, findings: &[Finding]) -> std::io::Result<()> {
    let mut csv = crate::files::csv_writer(w, &CSV_COLUMNS)?;
    for f in findings {
        let evidence = serde_json::to_string(&f.evidence).map_err(std::io::Error::other)?;
        csv.write_record(idrift_core::csv_cell::cells(&[
            f.kind.as_str(),
            f.severity.as_str(),
            f.user_principal_name.as_str(),
            f.object_id.as_str(),
            f.distinguished_name.as_str(),
            f.recommendation.as_str(),
            evidence.as_str(),
        ]))
        .map_err(std::io::Error::other)?;
    }
    csv.flush()
}

/// Writes the findings CSV to `path` atomically, in `encoding`.
///
/// # Errors
/// [`AppError::Write`] naming the file.
pub fn write_csv_file(
    path: &Path,
    findings: &[Finding],
    encoding: crate::files::CsvEncoding,
) -> Result<(), AppError> {
    crate::files::write_csv_file(path, encoding, |w| write_csv(w, findings))
}

fn s<'a>(f: &'a Finding, key: &str) -> &'a str {
    f.evidence.get(key).and_then(Value::as_str).unwrap_or("-")
}

/// A one-line summary of a finding's evidence.
pub fn detail(f: &Finding) -> String {
    let list = |key: &str| -> String {
        f.evidence
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    match f.kind {
        FindingKind::DirSyncOverride => {
            let fmt = if f.evidence.get("FormatOnly") == Some(&Value::Bool(true)) {
                " (format only)"
            } else {
                ""
            };
            if f.evidence.get("MobileInAD") == f.evidence.get("MobileInEntra") {
                format!(
                    "AD otherMobile {} / Entra AlternateMobilePhones {}{fmt}",
                    list("OtherMobileInAD"),
                    list("AlternateMobilePhonesInEntra")
                )
            } else {
                format!(
                    "AD mobile {} / Entra {}{fmt}",
                    s(f, "MobileInAD"),
                    s(f, "MobileInEntra")
                )
            }
        }
        FindingKind::DuplicateMailbox => format!(
            "on-prem {} {} / cloud {} {}",
            s(f, "OnPremRecipientTypeDetails"),
            s(f, "OnPremExchangeGuid"),
            s(f, "CloudRecipientTypeDetails"),
            s(f, "CloudExchangeGuid")
        ),
        FindingKind::DuplicateMailboxRisk => format!(
            "cloud {} with PreviousRecipientTypeDetails {}; license {}",
            s(f, "CloudRecipientTypeDetails"),
            s(f, "PreviousRecipientTypeDetails"),
            s(f, "LicenseState")
        ),
        FindingKind::ExchangeGuidMismatch => format!(
            "AD {} / cloud {}",
            s(f, "OnPremExchangeGuid"),
            s(f, "CloudExchangeGuid")
        ),
        FindingKind::SoftMatchCollision => format!(
            "{} {} = cloud-only {} ({})",
            s(f, "Basis"),
            s(f, "SharedValue"),
            s(f, "CloudUserPrincipalName"),
            s(f, "CloudRecipientTypeDetails")
        ),
        FindingKind::MissingRoutingAddress => {
            format!("{} ({})", list("Problems"), s(f, "RoutingDomain"))
        }
        FindingKind::ProvisioningError => {
            let count = |key: &str| {
                f.evidence
                    .get(key)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            };
            format!(
                "{} sync error(s), {} Exchange error(s)",
                count("OnPremisesProvisioningErrors"),
                count("ServiceProvisioningErrors")
            )
        }
    }
}

#[cfg(test)]
mod tests;
