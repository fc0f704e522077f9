//! Source selection: a snapshot directory, single export files, the bundled demo, or live directories.

use std::path::PathBuf;

use clap::Args;
use idrift_app::snapshot::{self, Loaded};

use crate::{Ctx, UsageError};

/// Where the on-premises and cloud data come from.
#[derive(Debug, Clone, Args)]
pub(crate) struct SourceArgs {
    /// A snapshot directory (ad.ldif, entra-users.json, and optionally entra-sync.json, exo-recipients.json, exo-users.json).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["ad", "entra", "demo"])]
    pub(crate) snapshot: Option<PathBuf>,
    /// Active Directory: an LDIF export (ldapsearch -LLL or ldifde -f).
    #[arg(long, value_name = "FILE")]
    pub(crate) ad: Option<String>,
    /// Entra ID: a Graph user JSON export (Graph pages, a JSON array, or Get-MgUser | ConvertTo-Json).
    #[arg(long, value_name = "FILE")]
    pub(crate) entra: Option<String>,
    /// Use the bundled demo snapshot (examples/demo).
    #[arg(long, conflicts_with_all = ["ad", "entra"])]
    pub(crate) demo: bool,
    /// Exchange Online recipients: Get-Recipient / Get-Mailbox / Get-MailUser JSON (InvokeCommand pages or ConvertTo-Json); replaces a snapshot's exo-recipients.json.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub(crate) exo: Option<PathBuf>,
    /// Exchange Online Get-User JSON (PreviousRecipientTypeDetails, SKUAssigned); replaces a snapshot's exo-users.json.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub(crate) exo_users: Option<PathBuf>,
}

impl SourceArgs {
    /// Loads the data the arguments name, printing reader warnings to standard error.
    pub(crate) fn load(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<Loaded> {
        let mut loaded = if self.demo {
            idrift_app::demo::load()?
        } else if let Some(dir) = &self.snapshot {
            snapshot::load_dir(dir)?
        } else {
            match (&self.ad, &self.entra) {
                (Some(ad), Some(entra)) => {
                    snapshot::load_pair(&PathBuf::from(ad), &PathBuf::from(entra))?
                }
                _ => {
                    return Err(UsageError(
                        "name the data: --snapshot DIR, or --ad FILE.ldif --entra FILE.json, or --demo"
                            .to_owned(),
                    )
                    .into());
                }
            }
        };
        if let Some(p) = &self.exo {
            loaded.snapshot.exo_recipients = Some(snapshot::load_exo_file(p)?);
        }
        if let Some(p) = &self.exo_users {
            loaded.snapshot.exo_users = Some(snapshot::load_exo_file(p)?);
        }
        for w in &loaded.warnings {
            writeln!(ctx.err, "warning: {w}")?;
        }
        Ok(loaded)
    }
}
