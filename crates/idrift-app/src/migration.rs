//! Migration verification over files: reads saved `Get-MigrationUserStatistics -IncludeReport` output
//! (CLIXML, JSON or Format-List text, detected per file by content; a folder of files is a batch) and
//! returns the typed [`VerificationReport`] of `idrift-core`.
//!
//! Files are decoded the way Windows writes them: UTF-8 (with or without a BOM), UTF-16 (Windows
//! PowerShell 5.1's `Export-Clixml` and `Out-File` default), and Windows-1252 for text saved as "ANSI".
//! A file that cannot be read does not stop the batch: it is reported beside the users that could be read.
//!
//! The live form ([`verify_live`]) asks Exchange Online for `Get-MigrationUserStatistics -IncludeReport`
//! through `idrift-cloud`'s InvokeCommand client and reads the answer with the same JSON reader; the
//! front end builds its `CloudConfig` (flags, profile, environment) as for every other live source.

use std::fs;
use std::path::{Path, PathBuf};

use idrift_cloud::{CloudConfig, ExoClient};
use idrift_core::migration::{
    InputFormat, MigrationError, UserVerification, VerificationReport, parse_auto, verify,
};

use crate::AppError;

/// One input file, read and verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedFile {
    /// The file.
    pub path: PathBuf,
    /// The form it was in.
    pub format: InputFormat,
    /// Its migration users, verified, in file order.
    pub users: Vec<UserVerification>,
}

/// The result of verifying a set of files and folders.
#[derive(Debug)]
pub struct VerifyOutcome {
    /// Every user read, with the batch summary.
    pub report: VerificationReport,
    /// The files read, in order.
    pub files: Vec<VerifiedFile>,
    /// The inputs that could not be read, each naming its file and the position.
    pub errors: Vec<AppError>,
}

/// Verifies every file named, expanding folders into the files they hold (sorted by name; hidden files
/// and subfolders are skipped). Unreadable inputs are collected in [`VerifyOutcome::errors`].
pub fn verify_paths(paths: &[PathBuf]) -> VerifyOutcome {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match input_files(path) {
            Ok(list) => {
                for file in list {
                    match verify_file(&file) {
                        Ok(f) => files.push(f),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let users = files.iter().flat_map(|f| f.users.iter().cloned()).collect();
    VerifyOutcome {
        report: VerificationReport::new(users),
        files,
        errors,
    }
}

/// The files a path stands for: the file itself, or the files directly inside a folder.
///
/// # Errors
/// [`AppError::Read`] when the path does not exist or the folder cannot be listed;
/// [`AppError::Parse`] when a folder holds no files.
pub fn input_files(path: &Path) -> Result<Vec<PathBuf>, AppError> {
    let read_err = |source| AppError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(read_err)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let is_file = entry.file_type().map_err(read_err)?.is_file();
        if is_file && !hidden {
            files.push(entry.path());
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(AppError::parse(
            path,
            "the folder holds no files to verify".to_owned(),
        ));
    }
    Ok(files)
}

/// Reads and verifies one file. Users the file does not name are named after the file.
///
/// # Errors
/// [`AppError::Read`] when the file cannot be read; [`AppError::Parse`] naming the file and the line and
/// column (or property path) when its content is not a readable migration report.
pub fn verify_file(path: &Path) -> Result<VerifiedFile, AppError> {
    let bytes = fs::read(path).map_err(|source| AppError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode_text(&bytes).map_err(|message| AppError::Parse {
        path: path.to_path_buf(),
        message,
    })?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let (format, mut users) =
        verify_text(&name, &text).map_err(|e| AppError::parse(path, e.to_string()))?;
    for u in &mut users {
        u.source_file = Some(path.display().to_string());
    }
    Ok(VerifiedFile {
        path: path.to_path_buf(),
        format,
        users,
    })
}

/// Verifies the text of one saved report. Users the text does not name get `fallback_name`.
///
/// # Errors
/// The [`MigrationError`] of the reader, with the line and column or the property path.
pub fn verify_text(
    fallback_name: &str,
    text: &str,
) -> Result<(InputFormat, Vec<UserVerification>), MigrationError> {
    let (format, stats) = parse_auto(text)?;
    let many = stats.len() > 1;
    let users = stats
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            if s.identity.is_none() {
                s.identity = Some(if many {
                    format!("{fallback_name} #{}", i + 1)
                } else {
                    fallback_name.to_owned()
                });
            }
            let mut u = verify(&s);
            u.input_format = Some(format);
            u
        })
        .collect();
    Ok((format, users))
}

/// What the live form read.
#[derive(Debug)]
pub struct LiveOutcome {
    /// The users, verified, in the order asked.
    pub users: Vec<UserVerification>,
    /// `@adminapi.warnings` Exchange Online attached to the answers.
    pub warnings: Vec<String>,
}

/// Fetches `Get-MigrationUserStatistics <identity> -IncludeReport` from Exchange Online for each identity
/// and verifies the answers like a saved InvokeCommand response.
///
/// # Errors
/// [`AppError::Source`] when Exchange Online cannot be reached, refuses the credential, or does not know
/// an identity; [`AppError::Parse`] when an answer is not a readable report.
pub async fn verify_live(
    config: &CloudConfig,
    identities: &[String],
) -> Result<LiveOutcome, AppError> {
    let client = ExoClient::new(config).map_err(|e| AppError::Source(e.into()))?;
    let mut users = Vec::new();
    let mut warnings = Vec::new();
    for identity in identities {
        let out = client
            .get_migration_user_statistics(identity, true)
            .await
            .map_err(|e| AppError::Source(e.into()))?;
        warnings.extend(out.warnings);
        let origin =
            format!("Exchange Online (Get-MigrationUserStatistics {identity} -IncludeReport)");
        let text = serde_json::Value::Array(out.items).to_string();
        let (_, verified) = verify_text(identity, &text).map_err(|e| AppError::Parse {
            path: PathBuf::from(&origin),
            message: e.to_string(),
        })?;
        users.extend(verified.into_iter().map(|mut u| {
            u.source_file = Some(origin.clone());
            u
        }));
    }
    Ok(LiveOutcome { users, warnings })
}

/// Decodes a file as Windows tools write it, with the shared decoder ([`idrift_core::text::decode`]):
/// UTF-8 (BOM optional), UTF-16 LE/BE (with a BOM, or recognized by its zero bytes), else Windows-1252.
///
/// # Errors
/// A message when UTF-16 content has an odd length or invalid surrogates.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    idrift_core::text::decode(bytes)
        .map(|(text, _)| text.into_owned())
        .map_err(|e| e.message)
}

#[cfg(test)]
mod tests;
