//! `Export-Clixml` files of users and recipients: `Get-MgUser`/`Get-EntraUser`, and `Get-Recipient`,
//! `Get-EXORecipient`, `Get-Mailbox`, `Get-RemoteMailbox` or `Get-User`. The one CLIXML reader
//! ([`idrift_core::clixml`]) writes the objects as the JSON `ConvertTo-Json` would have written, and the JSON
//! readers read that, so both forms follow the same rules. Errors name the CLIXML line of the object.

use idrift_core::clixml::{ClixmlItems, items_as_json};
use idrift_core::migration::MigrationError;
use idrift_core::model::{CloudUser, ExoRecipient};

use super::{SnapshotError, UsersRead, de};

/// [`super::read_users_each_str`] for an `Export-Clixml` file of `Get-MgUser` or `Get-EntraUser` output.
///
/// # Errors
/// Malformed or truncated CLIXML (line and column), or what the JSON reader refuses, at the CLIXML line
/// of the object.
pub fn read_users_clixml_each(
    text: &str,
    mut each: impl FnMut(CloudUser),
) -> Result<UsersRead, SnapshotError> {
    let items = items_as_json(text).map_err(|e| reader_error(&e))?;
    let mut count = 0usize;
    let meta = de::read_slice::<CloudUser>(items.json.as_bytes(), &mut |u| {
        count += 1;
        each(u);
    })
    .map_err(|e| at_object(&items, e))?;
    Ok(UsersRead {
        count,
        next_link: meta.next_link,
        delta_link: meta.delta_link,
    })
}

/// [`super::read_exo_recipients_str`] for an `Export-Clixml` file of recipients or `Get-User` output.
///
/// # Errors
/// As for [`read_users_clixml_each`].
pub fn read_exo_recipients_clixml(text: &str) -> Result<Vec<ExoRecipient>, SnapshotError> {
    let items = items_as_json(text).map_err(|e| reader_error(&e))?;
    let mut out = Vec::new();
    de::read_slice::<ExoRecipient>(items.json.as_bytes(), &mut |r| out.push(r))
        .map_err(|e| at_object(&items, e))?;
    Ok(out)
}

fn reader_error(e: &MigrationError) -> SnapshotError {
    let (line, column) = match e {
        MigrationError::Syntax { line, column, .. }
        | MigrationError::Truncated { line, column, .. } => (*line, *column),
        _ => (0, 0),
    };
    let full = e.to_string();
    let prefix = format!("line {line}, column {column}: ");
    let message = full.strip_prefix(&prefix).unwrap_or(&full).to_owned();
    SnapshotError {
        path: "$".to_owned(),
        line,
        column,
        message,
    }
}

/// Moves a JSON reader error onto the CLIXML: the object's line instead of the generated JSON's, the path
/// inside the object, and the export command the hints name.
fn at_object(items: &ClixmlItems, e: SnapshotError) -> SnapshotError {
    let message = if e.message.contains("-Depth") {
        e.message.replace("ConvertTo-Json", "Export-Clixml")
    } else {
        e.message
    };
    let Some(line) = items.clixml_line(e.line) else {
        return SnapshotError {
            path: e.path,
            line: 0,
            column: 0,
            message,
        };
    };
    // `$[3].proxyAddresses[1]` -> `proxyAddresses[1] of the CLIXML object on line 12`.
    let inner = e
        .path
        .strip_prefix("$[")
        .and_then(|p| p.split_once(']'))
        .map_or("", |(_, rest)| rest.trim_start_matches('.'));
    let path = if inner.is_empty() {
        format!("the CLIXML object on line {line}")
    } else {
        format!("{inner} of the CLIXML object on line {line}")
    };
    SnapshotError {
        path,
        line: 0,
        column: 0,
        message,
    }
}

#[cfg(test)]
mod tests;
