//! The strict-reading checks of [`idrift_core::strict`] as the app's errors: every JSON file the app
//! parses at once (scan reports, journals, restore requests) goes through [`check_json`] first, so a
//! duplicate key or a NUL character is an error naming the file, line and JSON path.

use std::path::Path;

use crate::AppError;

/// Checks the JSON `text` of `path` (`first_line` is the file line `text` starts on, for one journal line).
///
/// # Errors
/// [`AppError::Parse`] naming the file, line, column and JSON path of a duplicate key or a NUL.
pub fn check_json(path: &Path, text: &str, first_line: usize) -> Result<(), AppError> {
    idrift_core::strict::check_json(text).map_err(|e| {
        AppError::parse(
            path,
            format!(
                "line {} column {}, at {}: {}",
                e.line + first_line.saturating_sub(1),
                e.column,
                e.path,
                e.message
            ),
        )
    })
}

/// Refuses a text holding a NUL character (CSV, CLIXML, LDIF: every value reader).
///
/// # Errors
/// [`AppError::Parse`] naming the file and line.
pub fn check_no_nul(path: &Path, text: &str) -> Result<(), AppError> {
    match idrift_core::strict::nul_line(text) {
        Some(line) => Err(AppError::parse(
            path,
            format!("line {line}: {}", idrift_core::strict::NUL_MESSAGE),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
