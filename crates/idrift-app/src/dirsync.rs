//! DirSyncOverrides: the comparison of AD `mobile`/`otherMobile` with Entra `mobilePhone`
//! (Compare-ADSyncToolsDirSyncOverrides), and its ADSyncTools-compatible CSV.
//!
//! The CSV is written with every field quoted, as PowerShell's `Export-Csv` does, so `Import-Csv` reads it
//! unchanged; multi-valued cells are joined with `;`. A cell a spreadsheet would read as a formula gets a
//! leading apostrophe ([`idrift_core::csv_cell`]). It is also the input of `idrift dirsync persist`, so
//! [`read_csv`] reads back exactly what [`write_csv`] wrote, apostrophes removed where they were added.

use std::io::Write;
use std::path::Path;

use idrift_core::dirsync::{
    AdPhones, CloudPhones, DirSyncOverrideRow, DirSyncReport, compare_dirsync,
};
use idrift_core::model::Snapshot;
use idrift_core::phone::PhoneOptions;

use crate::AppError;
use crate::files::read_text;
use crate::timefmt::adsynctools_stamp;

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 9] = [
    "UserPrincipalName",
    "MobileInAD",
    "MobileInEntra",
    "OtherMobileInAD",
    "AlternateMobilePhonesInEntra",
    "OnPremisesImmutableId",
    "ObjectId",
    "DistinguishedName",
    "FormatOnly",
];

/// Runs the comparison on a loaded snapshot (of full or lean users).
pub fn compare<A: AdPhones + Sync, C: CloudPhones + Sync>(
    snapshot: &Snapshot<A, C>,
    phone: &PhoneOptions,
) -> DirSyncReport {
    let mut report = compare_dirsync(&snapshot.on_prem, &snapshot.cloud, phone, snapshot.anchor);
    report.summary.not_synced_by_default = snapshot.not_synced_by_default;
    report
}

/// The ADSyncTools file name for a run at `now_unix` (UTC): `ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv`.
pub fn csv_file_name(now_unix: i64) -> String {
    format!(
        "ADSyncTools-DirSyncOverrides_{}.csv",
        adsynctools_stamp(now_unix)
    )
}

/// Where the comparison's CSV goes, the same rule for every front end: the file named, or the ADSyncTools
/// file name ([`csv_file_name`]) inside the folder named; a `file` that names an existing folder is taken as
/// that folder (the second value says so, for front ends that warn about it); with neither, the file name
/// alone (the current directory).
pub fn csv_target(
    file: Option<&std::path::Path>,
    dir: Option<&std::path::Path>,
    now_unix: i64,
) -> (std::path::PathBuf, bool) {
    match (file, dir) {
        (Some(p), _) if p.is_dir() => (p.join(csv_file_name(now_unix)), true),
        (Some(p), _) => (p.to_path_buf(), false),
        (None, Some(d)) => (d.join(csv_file_name(now_unix)), false),
        (None, None) => (std::path::PathBuf::from(csv_file_name(now_unix)), false),
    }
}

fn join(values: &[String]) -> String {
    values.join(";")
}

fn split(cell: &str) -> Vec<String> {
    if cell.is_empty() {
        Vec::new()
    } else {
        cell.split(';').map(str::to_owned).collect()
    }
}

fn opt(cell: &str) -> Option<String> {
    (!cell.is_empty()).then(|| cell.to_owned())
}

/// Writes the rows as the ADSyncTools-compatible CSV.
///
/// # Errors
/// The writer's I/O error.
pub fn write_csv(w: &mut dyn Write, rows: &[DirSyncOverrideRow]) -> std::io::Result<()> {
    let mut csv = crate::files::csv_writer(w, &CSV_COLUMNS)?;
    for r in rows {
        let alt = r
            .alternate_mobile_phones_in_entra
            .as_deref()
            .map(join)
            .unwrap_or_default();
        csv.write_record(idrift_core::csv_cell::cells(&[
            r.user_principal_name.as_str(),
            r.mobile_in_ad.as_deref().unwrap_or(""),
            r.mobile_in_entra.as_deref().unwrap_or(""),
            join(&r.other_mobile_in_ad).as_str(),
            alt.as_str(),
            r.on_premises_immutable_id.as_str(),
            r.object_id.as_str(),
            r.distinguished_name.as_str(),
            if r.format_only { "True" } else { "False" },
        ]))
        .map_err(std::io::Error::other)?;
    }
    csv.flush()
}

/// Writes the CSV to `path` atomically, in `encoding`.
///
/// # Errors
/// [`AppError::Write`] naming the file.
pub fn write_csv_file(
    path: &Path,
    rows: &[DirSyncOverrideRow],
    encoding: crate::files::CsvEncoding,
) -> Result<(), AppError> {
    crate::files::write_csv_file(path, encoding, |w| write_csv(w, rows))
}

/// Parses the CSV written by [`write_csv`] (or by ADSyncTools: a file with `UserPrincipalName` and
/// `MobileInEntra` columns, `MobileInAAD` accepted as its older name). Columns are matched by header name,
/// case-insensitively; unknown columns are ignored.
///
/// # Errors
/// [`AppError::Parse`] naming the line and column when a required column is missing or a value is invalid.
pub fn parse_csv(path: &Path, text: &str) -> Result<Vec<DirSyncOverrideRow>, AppError> {
    let perr = |message: String| AppError::Parse {
        path: path.to_path_buf(),
        message,
    };
    crate::strict::check_no_nul(path, text)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| perr(format!("line 1: cannot read the header: {e}")))?
        .clone();
    if let Some(dup) = idrift_core::strict::duplicate_header(headers.iter()) {
        return Err(perr(format!(
            "line 1: the column {:?} appears twice (which one holds the value would be a guess)",
            dup.trim()
        )));
    }
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let upn = find(&["UserPrincipalName"])
        .ok_or_else(|| perr("line 1: no UserPrincipalName column".to_owned()))?;
    let mobile_entra =
        find(&["MobileInEntra", "MobileInAAD", "MobilePhoneInAAD"]).ok_or_else(|| {
            perr("line 1: no MobileInEntra column (MobileInAAD is accepted too)".to_owned())
        })?;
    let mobile_ad = find(&["MobileInAD"]);
    let other_ad = find(&["OtherMobileInAD"]);
    let alt = find(&[
        "AlternateMobilePhonesInEntra",
        "AlternateMobilePhonesInAAD",
        "OtherMobileInAAD",
    ]);
    let immutable = find(&["OnPremisesImmutableId", "ImmutableId"]);
    let object_id = find(&["ObjectId", "Id"]);
    let dn = find(&["DistinguishedName"]);
    let format_only = find(&["FormatOnly"]);
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| perr(format!("line {line}: {e}")))?;
        // Cells come back as written: the apostrophe write_csv put before a formula-like value is removed.
        let cell = |idx: Option<usize>| {
            idx.and_then(|i| rec.get(i))
                .map_or("", idrift_core::csv_cell::restore)
        };
        let user_principal_name = cell(Some(upn)).trim().to_owned();
        if user_principal_name.is_empty() {
            return Err(perr(format!("line {line}: UserPrincipalName is empty")));
        }
        let fo = cell(format_only).trim();
        let format_only = match fo {
            "" => false,
            f if f.eq_ignore_ascii_case("true") => true,
            f if f.eq_ignore_ascii_case("false") => false,
            other => {
                return Err(perr(format!(
                    "line {line}: FormatOnly must be True or False, found {other:?}"
                )));
            }
        };
        rows.push(DirSyncOverrideRow {
            user_principal_name,
            mobile_in_ad: opt(cell(mobile_ad)),
            mobile_in_entra: opt(cell(Some(mobile_entra))),
            other_mobile_in_ad: split(cell(other_ad)),
            alternate_mobile_phones_in_entra: alt.and_then(|_| {
                let c = cell(alt);
                (!c.is_empty()).then(|| split(c))
            }),
            on_premises_immutable_id: cell(immutable).to_owned(),
            object_id: cell(object_id).to_owned(),
            distinguished_name: cell(dn).to_owned(),
            format_only,
        });
    }
    Ok(rows)
}

/// Undoes the CSV guard on a row that came back from the compare CSV through another reader than
/// [`parse_csv`] (PowerShell's `Import-Csv` piped into the module): every text the writer may have prefixed
/// with an apostrophe is restored ([`idrift_core::csv_cell::restore`] removes only what the writer added).
pub fn restore_row(mut row: DirSyncOverrideRow) -> DirSyncOverrideRow {
    let fix = |s: &mut String| {
        let restored = idrift_core::csv_cell::restore(s);
        if restored.len() != s.len() {
            *s = restored.to_owned();
        }
    };
    fix(&mut row.user_principal_name);
    for v in row
        .mobile_in_ad
        .iter_mut()
        .chain(row.mobile_in_entra.iter_mut())
    {
        fix(v);
    }
    for v in row
        .other_mobile_in_ad
        .iter_mut()
        .chain(row.alternate_mobile_phones_in_entra.iter_mut().flatten())
    {
        fix(v);
    }
    fix(&mut row.on_premises_immutable_id);
    fix(&mut row.object_id);
    fix(&mut row.distinguished_name);
    row
}

/// Reads a DirSyncOverrides CSV file.
///
/// # Errors
/// As [`parse_csv`], plus [`AppError::Read`].
pub fn read_csv(path: &Path) -> Result<Vec<DirSyncOverrideRow>, AppError> {
    let text = read_text(path)?;
    parse_csv(path, &text)
}

#[cfg(test)]
mod tests;
