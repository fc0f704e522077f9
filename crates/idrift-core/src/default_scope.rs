//! What Entra Connect's out-of-box rules never export, so that no count or finding includes it: the one list
//! of such objects, shared by the analyses (through [`split`]) and by `lint` (its well-known names and
//! system recipient types).
//!
//! The rules are those of the "In from AD - User" sync rules as Microsoft documents them ("Microsoft Entra
//! Connect Sync: Understanding the default configuration", section "User out-of-box rules"); each
//! [`NotSynced`] category names the rule it follows. The rule on a missing `sAMAccountName` is not applied:
//! exports trimmed to a few attributes often lack it, and it only concerns domains upgraded from NT4.

use serde::{Deserialize, Serialize};

use crate::model::OnPremUser;

/// Name prefixes (compared without case) of objects IdFix and Entra Connect leave alone: built-in and
/// service accounts and Exchange's system mailboxes. `lint` excludes every one (IdFix's list); the analyses
/// leave out the Exchange system mailboxes among them ([`EXCHANGE_SYSTEM_MAILBOX_PREFIXES`]).
pub const WELL_KNOWN_PREFIXES: &[&str] = &[
    "admini",
    "cas_{",
    "discoverysearchmailbox",
    "federatedemail",
    "guest",
    "httpconnector",
    "krbtgt",
    "iusr_",
    "iwam",
    "msol",
    "support_",
    "systemmailbox",
    "wwioadmini",
    "healthmailbox",
    "exchange online-applicationaccount",
    "migration.8f3e7716",
];

/// The common names (prefixes, compared without case) of Exchange's system and arbitration mailboxes:
/// `SystemMailbox{…}`, `DiscoverySearchMailbox {…}`, `FederatedEmail.…`, `Migration.8f3e7716-…` and the
/// monitoring `HealthMailbox…` users. All are in [`WELL_KNOWN_PREFIXES`].
pub const EXCHANGE_SYSTEM_MAILBOX_PREFIXES: &[&str] = &[
    "systemmailbox",
    "discoverysearchmailbox",
    "federatedemail",
    "migration.8f3e7716",
    "healthmailbox",
];

/// The `msExchRecipientTypeDetails` values the default scoping filter drops
/// (`BitAnd([msExchRecipientTypeDetails], &H21C07000) > 0`): PublicFolder, SystemAttendantMailbox,
/// SystemMailbox, MicrosoftExchange, ArbitrationMailbox, MailboxPlan, DiscoveryMailbox.
pub const FILTERED_RECIPIENT_TYPES: &[i64] = &[
    0x1000,
    0x2000,
    0x4000,
    0x40_0000,
    0x80_0000,
    0x100_0000,
    0x2000_0000,
];

/// [`FILTERED_RECIPIENT_TYPES`] as the mask the rule tests: `0x21C07000`.
pub const FILTERED_RECIPIENT_TYPE_MASK: i64 = {
    let mut mask = 0;
    let mut i = 0;
    while i < FILTERED_RECIPIENT_TYPES.len() {
        mask |= FILTERED_RECIPIENT_TYPES[i];
        i += 1;
    }
    mask
};

/// Why Entra Connect's default rules do not export an AD user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NotSynced {
    /// `IsPresent([isCriticalSystemObject])`: built-in objects such as Administrator and krbtgt.
    CriticalSystemObject,
    /// `CBool(InStr(DNComponent(CRef([dn]),1),"\\0ACNF:")>0)`: a replication conflict object.
    ConflictObject,
    /// `Left([sAMAccountName],4) = "AAD_"`, `Left([sAMAccountName],5) = "MSOL_"`: Entra Connect's own
    /// service accounts.
    SyncServiceAccount,
    /// `[sAMAccountName] = "SUPPORT_388945a0"`, `Left([mailNickname],14) = "SystemMailbox{"`, `CAS_…}`
    /// names, and Exchange's other system mailboxes by name ([`EXCHANGE_SYSTEM_MAILBOX_PREFIXES`]).
    ExchangeSystemMailbox,
    /// An `msExchRecipientTypeDetails` in [`FILTERED_RECIPIENT_TYPES`].
    FilteredRecipientType,
}

impl NotSynced {
    /// Every category, in the order [`classify`] tests them.
    pub const ALL: [NotSynced; 5] = [
        NotSynced::CriticalSystemObject,
        NotSynced::ConflictObject,
        NotSynced::SyncServiceAccount,
        NotSynced::ExchangeSystemMailbox,
        NotSynced::FilteredRecipientType,
    ];

    /// How a summary names the category.
    pub fn label(self) -> &'static str {
        match self {
            NotSynced::CriticalSystemObject => "critical system objects",
            NotSynced::ConflictObject => "replication conflict objects",
            NotSynced::SyncServiceAccount => "Entra Connect service accounts",
            NotSynced::ExchangeSystemMailbox => "Exchange system mailboxes",
            NotSynced::FilteredRecipientType => "filtered Exchange recipient types",
        }
    }
}

/// The AD users left out as not synced by default, per category. Serializes with PascalCase names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotSyncedCounts {
    /// [`NotSynced::CriticalSystemObject`].
    pub critical_system_object: usize,
    /// [`NotSynced::ConflictObject`].
    pub conflict_object: usize,
    /// [`NotSynced::SyncServiceAccount`].
    pub sync_service_account: usize,
    /// [`NotSynced::ExchangeSystemMailbox`].
    pub exchange_system_mailbox: usize,
    /// [`NotSynced::FilteredRecipientType`].
    pub filtered_recipient_type: usize,
    /// All of them.
    pub total: usize,
}

impl NotSyncedCounts {
    /// The count of one category.
    pub fn count(&self, c: NotSynced) -> usize {
        match c {
            NotSynced::CriticalSystemObject => self.critical_system_object,
            NotSynced::ConflictObject => self.conflict_object,
            NotSynced::SyncServiceAccount => self.sync_service_account,
            NotSynced::ExchangeSystemMailbox => self.exchange_system_mailbox,
            NotSynced::FilteredRecipientType => self.filtered_recipient_type,
        }
    }

    fn add(&mut self, c: NotSynced) {
        let slot = match c {
            NotSynced::CriticalSystemObject => &mut self.critical_system_object,
            NotSynced::ConflictObject => &mut self.conflict_object,
            NotSynced::SyncServiceAccount => &mut self.sync_service_account,
            NotSynced::ExchangeSystemMailbox => &mut self.exchange_system_mailbox,
            NotSynced::FilteredRecipientType => &mut self.filtered_recipient_type,
        };
        *slot += 1;
        self.total += 1;
    }

    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// One line for a summary: `3 AD users not synced by default (critical system objects 1, Exchange
    /// system mailboxes 2)`; `None` when nothing was left out.
    pub fn describe(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let parts: Vec<String> = NotSynced::ALL
            .iter()
            .filter(|c| self.count(**c) > 0)
            .map(|c| format!("{} {}", c.label(), self.count(*c)))
            .collect();
        Some(format!(
            "{} AD user(s) not synced by default, left out of every count ({})",
            self.total,
            parts.join(", ")
        ))
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The value of a DN's first RDN (`CN=Zoë\, M,OU=x` -> `Zoë\, M`, escapes kept).
fn first_rdn_value(dn: &str) -> &str {
    let dn = dn.trim_start();
    let mut escaped = false;
    let mut end = dn.len();
    for (i, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' | '+' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let rdn = &dn[..end];
    rdn.split_once('=').map_or(rdn, |(_, v)| v.trim())
}

/// Why the default rules do not export `u`, if they do not.
pub fn classify(u: &OnPremUser) -> Option<NotSynced> {
    if u.critical_system_object {
        return Some(NotSynced::CriticalSystemObject);
    }
    let cn = first_rdn_value(&u.distinguished_name);
    if cn.to_ascii_uppercase().contains("\\0ACNF:") || cn.contains("\nCNF:") {
        return Some(NotSynced::ConflictObject);
    }
    let sam = u.sam_account_name.as_deref().unwrap_or("");
    if starts_with_ci(sam, "AAD_") || starts_with_ci(sam, "MSOL_") {
        return Some(NotSynced::SyncServiceAccount);
    }
    let upn_local = u
        .user_principal_name
        .as_deref()
        .and_then(|p| p.split('@').next())
        .unwrap_or("");
    let cas = |s: &str| starts_with_ci(s, "CAS_") && s.contains('}');
    if sam.eq_ignore_ascii_case("SUPPORT_388945a0")
        || cas(sam)
        || cas(cn)
        || [cn, sam, upn_local].iter().any(|name| {
            EXCHANGE_SYSTEM_MAILBOX_PREFIXES
                .iter()
                .any(|p| starts_with_ci(name, p))
        })
    {
        return Some(NotSynced::ExchangeSystemMailbox);
    }
    if u.recipient_type_details
        .is_some_and(|t| t & FILTERED_RECIPIENT_TYPE_MASK != 0)
    {
        return Some(NotSynced::FilteredRecipientType);
    }
    None
}

/// An AD user whose category under the default rules is known ([`classify`]): [`OnPremUser`], and the
/// comparison's compact [`crate::lean::LeanAd`], which classifies the user it was made from.
pub trait Scoped {
    /// Why the default rules do not export the user; `None` when they do.
    fn not_synced(&self) -> Option<NotSynced>;
}

impl Scoped for OnPremUser {
    fn not_synced(&self) -> Option<NotSynced> {
        classify(self)
    }
}

/// Splits AD users into those the default rules export and the counts of those they do not.
pub fn split<U: Scoped>(users: Vec<U>) -> (Vec<U>, NotSyncedCounts) {
    let mut counts = NotSyncedCounts::default();
    let mut kept = users;
    kept.retain(|u| match u.not_synced() {
        Some(c) => {
            counts.add(c);
            false
        }
        None => true,
    });
    (kept, counts)
}

#[cfg(test)]
mod tests;
