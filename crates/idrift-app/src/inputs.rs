//! Which reader an Entra or Exchange Online export file needs, judged by its content, not its extension:
//! `Export-Clixml` output (the `#< CLIXML` marker or an `<Objs>` root) goes to the CLIXML reader, anything
//! else to the JSON reader. Both hand over the same model values, so every command reads both forms.

use std::path::Path;

use idrift_cloud::snapshot::{self, UsersRead};
use idrift_core::model::{CloudUser, ExoRecipient};

use crate::AppError;

/// Reads Entra ID users from decoded text: Graph JSON in any of its shapes, or an `Export-Clixml` file of
/// `Get-MgUser` / `Get-EntraUser` output.
///
/// # Errors
/// [`AppError::Parse`] naming the file and the line (and JSON path, or CLIXML object) of the problem.
pub(crate) fn read_entra_text(
    path: &Path,
    text: &str,
    each: impl FnMut(CloudUser),
) -> Result<UsersRead, AppError> {
    let read = if idrift_core::clixml::is_clixml(text) {
        snapshot::clixml::read_users_clixml_each(text, each)
    } else {
        snapshot::read_users_each_str(text, each)
    };
    read.map_err(|e| parse_error(path, &e))
}

/// Reads Exchange Online recipients (or `Get-User` output) from decoded text: JSON, or an `Export-Clixml`
/// file of `Get-Recipient`, `Get-EXORecipient`, `Get-Mailbox`, `Get-RemoteMailbox` or `Get-User`.
///
/// # Errors
/// As for [`read_entra_text`].
pub(crate) fn read_exo_text(path: &Path, text: &str) -> Result<Vec<ExoRecipient>, AppError> {
    let read = if idrift_core::clixml::is_clixml(text) {
        snapshot::clixml::read_exo_recipients_clixml(text)
    } else {
        snapshot::read_exo_recipients_str(text)
    };
    read.map_err(|e| parse_error(path, &e))
}

fn parse_error(path: &Path, e: &snapshot::SnapshotError) -> AppError {
    AppError::parse(path, e.to_string())
}
