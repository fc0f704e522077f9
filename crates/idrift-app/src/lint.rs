//! `lint`: reads the users, contacts and groups of an AD source into the core's [`LintObject`]s and runs
//! the IdFix rule set over them ([`idrift_core::lint`]).
//!
//! The LDIF reader here is lint's own: it keeps exactly the attributes the rules read (proxy addresses,
//! targetAddress, mailNickname, certificate counts, photo size, mS-DS-ConsistencyGuid, ...) for every object
//! class, streaming entry by entry so a million-object export never sits in memory as text.

mod ldif;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use idrift_core::lint::{LintError, LintOptions, LintReport, Linter};

use crate::AppError;

pub use ldif::{ReadError, read_objects};

/// Lints an LDIF export (`ldifde -f` or `ldapsearch -LLL`).
pub fn lint_ldif(path: &Path, options: LintOptions) -> Result<LintReport, AppError> {
    let file = File::open(path).map_err(|source| AppError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut linter = Linter::new(options);
    read_objects(BufReader::with_capacity(1 << 20, file), |o| linter.push(&o)).map_err(
        |e| match e {
            ldif::ReadError::Io(source) => AppError::Read {
                path: path.to_owned(),
                source,
            },
            ldif::ReadError::Parse { line, message } => AppError::Parse {
                path: path.to_owned(),
                message: format!("line {line}: {message}"),
            },
        },
    )?;
    Ok(linter.finish())
}

/// Lints the AD side of a snapshot directory (its `ad.ldif`).
pub fn lint_snapshot(dir: &Path, options: LintOptions) -> Result<LintReport, AppError> {
    let path = dir.join("ad.ldif");
    if !path.is_file() {
        return Err(AppError::MissingFile {
            dir: dir.to_owned(),
            file: "ad.ldif",
        });
    }
    lint_ldif(&path, options)
}

#[cfg(test)]
mod tests;

/// IdFix's export columns, in its order.
pub const CSV_HEADER: [&str; 8] = [
    "DISTINGUISHEDNAME",
    "COMMONNAME",
    "OBJECTCLASS",
    "ATTRIBUTE",
    "ERROR",
    "VALUE",
    "UPDATE",
    "ACTION",
];

/// Writes the rows as IdFix's CSV export (`DISTINGUISHEDNAME,...,ACTION`).
pub fn write_csv<W: std::io::Write>(w: W, errors: &[LintError]) -> Result<(), AppError> {
    let io = |e: csv::Error| AppError::Write {
        path: "(output)".into(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER).map_err(io)?;
    for e in errors {
        let text = e.error_text();
        out.write_record([
            e.dn.as_str(),
            e.cn.as_str(),
            e.class.as_str(),
            e.attribute,
            text.as_str(),
            e.value.as_str(),
            e.update.as_str(),
            e.action.as_str(),
        ])
        .map_err(io)?;
    }
    out.flush().map_err(|source| AppError::Write {
        path: "(output)".into(),
        source,
    })
}

/// Writes the CSV export to `path` atomically.
pub fn write_csv_file(path: &Path, errors: &[LintError]) -> Result<(), AppError> {
    crate::files::write_atomic(path, |f| write_csv(f, errors))
}

/// One row as JSON, with IdFix's column names.
pub fn error_json(e: &LintError) -> serde_json::Value {
    serde_json::json!({
        "DistinguishedName": e.dn,
        "CommonName": e.cn,
        "ObjectClass": e.class.as_str(),
        "Attribute": e.attribute,
        "Error": e.error_text(),
        "Value": e.value,
        "Update": e.update,
        "Action": e.action.as_str(),
    })
}

/// The report as `{"Summary":{...},"Errors":[...]}`.
pub fn report_json(report: &LintReport) -> serde_json::Value {
    let summary = serde_json::to_value(&report.summary).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "Summary": summary,
        "Errors": report.errors.iter().map(error_json).collect::<Vec<_>>(),
    })
}
