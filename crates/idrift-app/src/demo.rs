//! The bundled demo snapshot (`examples/demo/`), compiled into the binary so `--demo` works anywhere.

use idrift_core::lint::{LintOptions, LintReport, Linter};
use idrift_core::model::Snapshot;

use crate::AppError;
use crate::snapshot::Loaded;

const AD: &str = include_str!("../../../examples/demo/ad.ldif");
const ENTRA_USERS: &str = include_str!("../../../examples/demo/entra-users.json");
const ENTRA_SYNC: &str = include_str!("../../../examples/demo/entra-sync.json");
const EXO_RECIPIENTS: &str = include_str!("../../../examples/demo/exo-recipients.json");
const EXO_USERS: &str = include_str!("../../../examples/demo/exo-users.json");

fn parse_err(file: &str, message: String) -> AppError {
    AppError::Parse {
        path: format!("<demo>/{file}").into(),
        message,
    }
}

/// Loads the demo snapshot.
///
/// # Errors
/// Only if the bundled files were broken at build time (a test guards against it).
pub fn load() -> Result<Loaded, AppError> {
    let ad = idrift_ldap::ldif::parse_users(AD).map_err(|e| parse_err("ad.ldif", e.to_string()))?;
    let cloud = idrift_cloud::snapshot::read_users(ENTRA_USERS.as_bytes())
        .map_err(|e| parse_err("entra-users.json", e.to_string()))?;
    let tenant_sync = idrift_cloud::snapshot::read_tenant_sync(ENTRA_SYNC)
        .map_err(|e| parse_err("entra-sync.json", e.to_string()))?;
    let exo_recipients = idrift_cloud::snapshot::read_exo_recipients(EXO_RECIPIENTS.as_bytes())
        .map_err(|e| parse_err("exo-recipients.json", e.to_string()))?;
    let exo_users = idrift_cloud::snapshot::read_exo_recipients(EXO_USERS.as_bytes())
        .map_err(|e| parse_err("exo-users.json", e.to_string()))?;
    Ok(Loaded {
        snapshot: Snapshot {
            on_prem: ad.users,
            cloud,
            tenant_sync,
            exo_recipients: Some(exo_recipients),
            exo_users: Some(exo_users),
            ..Snapshot::default()
        },
        warnings: ad
            .warnings
            .iter()
            .map(|w| format!("<demo>/ad.ldif: line {}: {}", w.line, w.message))
            .collect(),
        custom_anchor_suspected: false,
    })
}

/// Lints the demo's AD (`examples/demo/ad.ldif`) with the IdFix rule set, as `idrift lint` lints a file.
///
/// # Errors
/// Only if the bundled LDIF were broken at build time.
pub fn lint(options: LintOptions) -> Result<LintReport, AppError> {
    let mut linter = Linter::new(options);
    crate::lint::read_objects(AD.as_bytes(), |o| linter.push(&o)).map_err(|e| match e {
        crate::lint::ReadError::Io(e) => parse_err("ad.ldif", e.to_string()),
        crate::lint::ReadError::Parse { line, message } => {
            parse_err("ad.ldif", format!("line {line}: {message}"))
        }
    })?;
    Ok(linter.finish())
}
