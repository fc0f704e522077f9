//! `dirsync compare`: the comparison of a loaded snapshot and, when asked for, its ADSyncTools CSV. Loading
//! stays with the front end (each has its own resolver); every decision after it is made here.

use std::path::{Path, PathBuf};

use idrift_core::dirsync::{AdPhones, CloudPhones, DirSyncReport};
use idrift_core::model::Snapshot;
use idrift_core::phone::PhoneOptions;
use serde::Serialize;

use crate::AppError;
use crate::files::CsvEncoding;

/// The CSV file a comparison writes, and its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOut {
    /// The file.
    pub path: PathBuf,
    /// Its encoding.
    pub encoding: CsvEncoding,
}

/// The CSV was asked for, but no place to write it was given (a library's current directory is not its
/// host's, so there is no default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvPathMissing;

/// The CSV of a request that asks for it (`write`) at `out`: a file, or an existing folder for the
/// ADSyncTools file name ([`crate::dirsync::csv_target`]). Decided before loading, so a request without a
/// path fails before the slow part.
///
/// # Errors
/// [`CsvPathMissing`] when `write` is set and `out` is not.
pub fn csv_out(
    write: bool,
    out: Option<&Path>,
    encoding: CsvEncoding,
    now_unix: i64,
) -> Result<Option<CsvOut>, CsvPathMissing> {
    match (out, write) {
        (Some(p), true) => Ok(Some(CsvOut {
            path: crate::dirsync::csv_target(Some(p), None, now_unix).0,
            encoding,
        })),
        (None, true) => Err(CsvPathMissing),
        (_, false) => Ok(None),
    }
}

/// What a comparison found, and the CSV it wrote. Serializes as `{"Summary":{...},"Rows":[...],"CsvPath":...}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Compared {
    /// The report (`Summary` and `Rows`).
    #[serde(flatten)]
    pub report: DirSyncReport,
    /// The CSV written, if one was asked for.
    pub csv_path: Option<PathBuf>,
}

/// Compares the snapshot's two sides and writes the rows to `csv` (atomically) when given.
///
/// # Errors
/// [`AppError::Write`] naming the CSV file.
pub fn compare<A: AdPhones + Sync, C: CloudPhones + Sync>(
    snapshot: &Snapshot<A, C>,
    phone: &PhoneOptions,
    csv: Option<CsvOut>,
) -> Result<Compared, AppError> {
    let report = crate::dirsync::compare(snapshot, phone);
    if let Some(out) = &csv {
        crate::dirsync::write_csv_file(&out.path, &report.rows, out.encoding)?;
    }
    Ok(Compared {
        report,
        csv_path: csv.map(|c| c.path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use idrift_core::model::{CloudUser, OnPremUser};

    #[test]
    fn the_csv_needs_a_path_only_when_asked_for() {
        let enc = CsvEncoding::Utf8;
        assert_eq!(csv_out(true, None, enc, 0), Err(CsvPathMissing));
        assert_eq!(csv_out(false, None, enc, 0), Ok(None));
        assert_eq!(
            csv_out(false, Some(Path::new("/nowhere/x.csv")), enc, 0),
            Ok(None)
        );
        let file = Path::new("/nowhere/x.csv");
        assert_eq!(
            csv_out(true, Some(file), CsvEncoding::Utf8Bom, 0),
            Ok(Some(CsvOut {
                path: file.to_path_buf(),
                encoding: CsvEncoding::Utf8Bom
            }))
        );
    }

    #[test]
    fn a_folder_gets_the_adsynctools_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let got = csv_out(true, Some(dir.path()), CsvEncoding::Utf8, 0)
            .unwrap()
            .unwrap();
        assert_eq!(got.path, dir.path().join(crate::dirsync::csv_file_name(0)));
    }

    #[test]
    fn the_csv_is_written_with_the_bom_asked_for_and_named_in_the_result() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        let csv = CsvOut {
            path: path.clone(),
            encoding: CsvEncoding::Utf8Bom,
        };
        let got = compare(
            &Snapshot::<OnPremUser, CloudUser>::default(),
            &PhoneOptions::default(),
            Some(csv),
        )
        .unwrap();
        assert_eq!(got.csv_path.as_deref(), Some(path.as_path()));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with("\u{feff}\"UserPrincipalName\"".as_bytes()));
        let json = serde_json::to_string(&got).unwrap();
        assert!(json.starts_with("{\"Summary\":{"), "{json}");
        assert!(json.contains(",\"Rows\":[],\"CsvPath\":"), "{json}");
    }
}
