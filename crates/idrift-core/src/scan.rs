//! The hybrid health scan: every check over one snapshot, as a list of findings.
//!
//! [`scan`] runs the DirSyncOverrides comparison ([`compare_dirsync`]) and reuses its user matching, then
//! checks every user once for the Exchange hybrid problems of articles 001–003 (hybrid-identity.md §3–4):
//!
//! | Kind | Raised for | Severity |
//! |---|---|---|
//! | [`FindingKind::DirSyncOverride`] | each row of `dirsync compare` | Low; Info when the numbers differ in formatting only |
//! | [`FindingKind::DuplicateMailbox`] | a matched user whose AD object is an on-premises mailbox ([`RecipientTypeDetails::is_mailbox`]) and whose Exchange Online recipient is a mailbox too | Critical |
//! | [`FindingKind::DuplicateMailboxRisk`] | an on-premises mailbox whose cloud object is a MailUser (or plain User) with a mailbox `PreviousRecipientTypeDetails`: a license provisions a new, empty cloud mailbox although the ExchangeGuid is synced (article 002) | Medium; High when the Entra user holds a license (assigned, or pending in Exchange) |
//! | [`FindingKind::ExchangeGuidMismatch`] | a matched user whose EXO `ExchangeGuid` differs from `msExchMailboxGuid`, or is all zeros while AD has one (not raised next to a `DuplicateMailbox`, whose evidence already shows both GUIDs) | High |
//! | [`FindingKind::SoftMatchCollision`] | a cloud-only Entra user (no `onPremisesImmutableId`) whose UPN or primary SMTP address equals that of an unmatched, in-scope AD user, when the tenant lets sync soft-match on that attribute | Critical when the AD user has a mailbox and the cloud user has one, or had one (a mailbox `PreviousRecipientTypeDetails`: article 002's exact sequence); Medium otherwise |
//! | [`FindingKind::MissingRoutingAddress`] | an AD remote mailbox, or an on-premises mailbox of a synced user (one to be migrated), with no `smtp:` proxy address in the routing domain; a remote mailbox whose `targetAddress` is none of the cloud addresses; a routing-domain address present in AD but missing in the cloud (article 003) | High when the `targetAddress` is missing in the cloud (mail to it bounces); Medium otherwise |
//! | [`FindingKind::ProvisioningError`] | an Entra user with `onPremisesProvisioningErrors`, or unresolved Exchange `serviceProvisioningErrors` (article 001's Option #3) | High |
//!
//! Joins: AD and Entra users through [`crate::matching`] (hard match on the source anchor); Exchange Online
//! recipients and `Get-User` rows to Entra users through `ExternalDirectoryObjectId` = Entra object id,
//! falling back to the UPN for rows without a usable id; soft-deleted recipients are left out. Tenant
//! features come from [`Snapshot::tenant_sync`]; when it is absent, UPN soft match is assumed enabled and
//! soft match not blocked (the tenant defaults), and a note says so.
//!
//! A check whose data is missing (no Exchange Online export, no routing domain) is skipped and named in
//! [`ScanReport::notes`], never guessed. The work is one pass over the users after the comparison, with
//! hash maps built once over the Exchange rows; the only allocations per user are the findings.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::dirsync::{DirSyncOverrideRow, compare_dirsync};
use crate::exchange::{
    RecipientTypeDetails, addresses_in_domain, ends_with_ci, local_part, same_address, smtp_address,
};
use crate::guid::Guid;
use crate::matching::SoftMatchBasis;
use crate::model::{CloudUser, ExoRecipient, OnPremUser, Snapshot, SyncFeatures};
use crate::phone::PhoneOptions;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FindingKind {
    /// AD `mobile`/`otherMobile` differ from Entra (a row of `dirsync compare`).
    DirSyncOverride,
    /// The user has a mailbox on-premises and in Exchange Online.
    DuplicateMailbox,
    /// Licensing the user would create a second, empty cloud mailbox.
    DuplicateMailboxRisk,
    /// The cloud ExchangeGuid is not the AD `msExchMailboxGuid`.
    ExchangeGuidMismatch,
    /// The next sync will soft-match a cloud-only user to an AD user.
    SoftMatchCollision,
    /// The routing address (`@<tenant>.mail.onmicrosoft.com`) is missing somewhere.
    MissingRoutingAddress,
    /// Entra ID or Exchange Online reports provisioning errors for the user.
    ProvisioningError,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::DirSyncOverride,
        FindingKind::DuplicateMailbox,
        FindingKind::DuplicateMailboxRisk,
        FindingKind::ExchangeGuidMismatch,
        FindingKind::SoftMatchCollision,
        FindingKind::MissingRoutingAddress,
        FindingKind::ProvisioningError,
    ];

    /// The name used in JSON, CSV and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingKind::DirSyncOverride => "DirSyncOverride",
            FindingKind::DuplicateMailbox => "DuplicateMailbox",
            FindingKind::DuplicateMailboxRisk => "DuplicateMailboxRisk",
            FindingKind::ExchangeGuidMismatch => "ExchangeGuidMismatch",
            FindingKind::SoftMatchCollision => "SoftMatchCollision",
            FindingKind::MissingRoutingAddress => "MissingRoutingAddress",
            FindingKind::ProvisioningError => "ProvisioningError",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no [`FindingKind`] or [`Severity`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} (expected one of: {expected})")]
pub struct UnknownName {
    /// `"finding kind"` or `"severity"`.
    pub what: &'static str,
    /// The offending text.
    pub value: String,
    /// The valid names.
    pub expected: &'static str,
}

impl FromStr for FindingKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FindingKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownName {
                what: "finding kind",
                value: s.to_owned(),
                expected: "DirSyncOverride, DuplicateMailbox, DuplicateMailboxRisk, ExchangeGuidMismatch, SoftMatchCollision, MissingRoutingAddress, ProvisioningError",
            })
    }
}

/// How urgent a finding is, lowest first (so `Ord` sorts by urgency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// Nothing to fix; worth knowing.
    Info,
    /// Drift with little consequence.
    Low,
    /// A problem that bites on the next change (a license, a migration, a sync).
    Medium,
    /// Something is broken now, or a fix is due before the next change.
    High,
    /// Mail is split, or is about to be, between two mailboxes.
    Critical,
}

impl Severity {
    /// The name used in JSON and CSV.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| UnknownName {
            what: "severity",
            value: s.to_owned(),
            expected: "Info, Low, Medium, High, Critical",
        })
    }
}

/// One problem with one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// How urgent.
    pub severity: Severity,
    /// The user's UPN: the Entra UPN when the user is in Entra ID, else the AD one. For a soft-match
    /// collision, the AD user's UPN (the identity sync will keep).
    pub user_principal_name: String,
    /// The Entra object id (empty when the user is not in Entra ID).
    pub object_id: String,
    /// The AD distinguished name (empty when the user is not in AD).
    pub distinguished_name: String,
    /// The values that raised the finding (a JSON object with PascalCase keys).
    pub evidence: Value,
    /// What to do, in one or two sentences.
    pub recommendation: String,
}

/// Findings per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(
    missing_docs,
    reason = "each field counts the findings of the kind of the same name"
)]
pub struct ScanSummary {
    pub dir_sync_override: usize,
    pub duplicate_mailbox: usize,
    pub duplicate_mailbox_risk: usize,
    pub exchange_guid_mismatch: usize,
    pub soft_match_collision: usize,
    pub missing_routing_address: usize,
    pub provisioning_error: usize,
    /// All findings.
    pub total: usize,
    /// AD users left out of every finding because Entra Connect's default rules never sync them.
    #[serde(
        default,
        skip_serializing_if = "crate::default_scope::NotSyncedCounts::is_empty"
    )]
    pub not_synced_by_default: crate::default_scope::NotSyncedCounts,
}

impl ScanSummary {
    /// The counts of a list of findings.
    pub fn of(findings: &[Finding]) -> ScanSummary {
        let mut s = ScanSummary::default();
        for f in findings {
            s.add(f.kind);
        }
        s
    }

    /// The count of one kind.
    pub fn count(&self, kind: FindingKind) -> usize {
        match kind {
            FindingKind::DirSyncOverride => self.dir_sync_override,
            FindingKind::DuplicateMailbox => self.duplicate_mailbox,
            FindingKind::DuplicateMailboxRisk => self.duplicate_mailbox_risk,
            FindingKind::ExchangeGuidMismatch => self.exchange_guid_mismatch,
            FindingKind::SoftMatchCollision => self.soft_match_collision,
            FindingKind::MissingRoutingAddress => self.missing_routing_address,
            FindingKind::ProvisioningError => self.provisioning_error,
        }
    }

    fn add(&mut self, kind: FindingKind) {
        let slot = match kind {
            FindingKind::DirSyncOverride => &mut self.dir_sync_override,
            FindingKind::DuplicateMailbox => &mut self.duplicate_mailbox,
            FindingKind::DuplicateMailboxRisk => &mut self.duplicate_mailbox_risk,
            FindingKind::ExchangeGuidMismatch => &mut self.exchange_guid_mismatch,
            FindingKind::SoftMatchCollision => &mut self.soft_match_collision,
            FindingKind::MissingRoutingAddress => &mut self.missing_routing_address,
            FindingKind::ProvisioningError => &mut self.provisioning_error,
        };
        *slot += 1;
        self.total += 1;
    }
}

/// The outcome of [`scan`]. Serializes as `{"Summary":{...},"Findings":[...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanReport {
    /// Findings per kind.
    pub summary: ScanSummary,
    /// The findings, most severe first, then by kind, UPN (case-insensitive) and DN.
    pub findings: Vec<Finding>,
    /// The routing domain the checks used (given or detected); `None` when none was found.
    #[serde(skip)]
    pub routing_domain: Option<String>,
    /// Checks that were skipped or ran on assumptions, and why (for the front end to show).
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl ScanReport {
    /// Keeps the findings `keep` accepts and recounts the summary.
    pub fn retain(&mut self, keep: impl FnMut(&Finding) -> bool) {
        self.findings.retain(keep);
        self.summary = ScanSummary {
            not_synced_by_default: self.summary.not_synced_by_default,
            ..ScanSummary::of(&self.findings)
        };
    }

    /// The findings for one user (UPN compared case-insensitively).
    pub fn findings_for<'a>(&'a self, upn: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| same_address(&f.user_principal_name, upn))
    }
}

/// What [`scan`] needs besides the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// How phone numbers are read by the DirSyncOverrides comparison.
    pub phone: PhoneOptions,
    /// The routing domain (`<tenant>.mail.onmicrosoft.com`); `None` detects it from the data.
    pub routing_domain: Option<String>,
    /// Distinguished names of the OUs (or containers) in sync scope; empty means every AD user in the
    /// snapshot is in scope. Only unmatched AD users are filtered by it (matched users are synced).
    pub sync_scope: Vec<String>,
}

/// "No index".
const NONE: usize = usize::MAX;

/// Runs every check; see the module documentation.
pub fn scan(snapshot: &Snapshot, opts: &ScanOptions) -> ScanReport {
    let on_prem = snapshot.on_prem.as_slice();
    let cloud = snapshot.cloud.as_slice();
    let dirsync = compare_dirsync(on_prem, cloud, &opts.phone, snapshot.anchor);
    let matching = &dirsync.matching;
    let mut notes = Vec::new();

    let exo = ExoIndex::build(snapshot);
    if !exo.known {
        notes.push(
            "No Exchange Online data (exo-recipients.json, exo-users.json): DuplicateMailbox, DuplicateMailboxRisk \
             and ExchangeGuidMismatch were not checked, and SoftMatchCollision cannot see cloud mailboxes."
                .to_owned(),
        );
    } else if snapshot.exo_users.is_none() && !exo.any_previous {
        notes.push(
            "No Get-User output (exo-users.json) and no PreviousRecipientTypeDetails in the recipients: \
             DuplicateMailboxRisk could not be checked."
                .to_owned(),
        );
    }
    let routing_domain = opts
        .routing_domain
        .as_deref()
        .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .or_else(|| {
            crate::exchange::detect_routing_domain(
                on_prem,
                cloud,
                snapshot.exo_recipients.as_deref(),
            )
        });
    if routing_domain.is_none() {
        notes.push(
            "No routing domain (<tenant>.mail.onmicrosoft.com) found in the data: MissingRoutingAddress was not \
             checked; give the routing domain as an input."
                .to_owned(),
        );
    }
    let features = snapshot.tenant_sync.as_ref().map(|t| &t.features);
    if features.is_none() {
        notes.push(
            "Tenant sync features unknown (no entra-sync.json): SoftMatchCollision assumes soft match on UPN \
             is enabled and soft match is not blocked (the tenant defaults)."
                .to_owned(),
        );
    } else if features.is_some_and(|f| f.block_soft_match_enabled) {
        notes.push(
            "blockSoftMatchEnabled is on: sync soft-matches nothing, so no SoftMatchCollision is reported."
                .to_owned(),
        );
    }

    let mut ctx = Checker {
        exo: &exo,
        routing_domain: routing_domain.as_deref(),
        buf: String::new(),
        findings: Vec::new(),
    };
    for pair in &matching.matched {
        ctx.matched_user(&on_prem[pair.on_prem], &cloud[pair.cloud]);
    }
    for &i in &matching.unmatched_on_prem {
        let ad = &on_prem[i];
        if in_scope(&ad.distinguished_name, &opts.sync_scope) {
            ctx.unmatched_ad_user(ad);
        }
    }
    for cand in &matching.soft_match_candidates {
        let ad = &on_prem[cand.on_prem];
        if !cand.cloud_has_other_anchor && in_scope(&ad.distinguished_name, &opts.sync_scope) {
            ctx.soft_match(ad, &cloud[cand.cloud], cand.basis, features);
        }
    }
    let mut cloud_partner: Vec<usize> = Vec::new();
    for (j, c) in cloud.iter().enumerate() {
        if has_provisioning_errors(c) {
            if cloud_partner.is_empty() {
                cloud_partner = vec![NONE; cloud.len()];
                for p in &matching.matched {
                    cloud_partner[p.cloud] = p.on_prem;
                }
            }
            let ad = on_prem.get(cloud_partner[j]);
            ctx.provisioning_error(c, ad);
        }
    }
    let mut findings = ctx.findings;
    findings.extend(dirsync.rows.into_iter().map(dirsync_finding));
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| cmp_ci(&a.user_principal_name, &b.user_principal_name))
            .then_with(|| a.distinguished_name.cmp(&b.distinguished_name))
            .then_with(|| a.object_id.cmp(&b.object_id))
    });
    let summary = ScanSummary {
        not_synced_by_default: snapshot.not_synced_by_default,
        ..ScanSummary::of(&findings)
    };
    ScanReport {
        summary,
        findings,
        routing_domain,
        notes,
    }
}

/// Whether an AD user's DN is under one of the scope DNs (or there is no scope).
fn in_scope(dn: &str, scope: &[String]) -> bool {
    scope.is_empty()
        || scope
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .any(|s| {
                ends_with_ci(dn, s)
                    && (dn.len() == s.len()
                        || dn.as_bytes().get(dn.len() - s.len() - 1) == Some(&b','))
            })
}

/// Case-insensitive (ASCII) ordering without allocating.
fn cmp_ci(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// `haystack` contains `needle`, ASCII case-insensitively.
fn contains_ci(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn has_provisioning_errors(c: &CloudUser) -> bool {
    !c.on_premises_provisioning_errors.is_empty()
        || c.service_provisioning_errors
            .iter()
            .any(is_open_exchange_error)
}

fn is_open_exchange_error(e: &crate::model::ServiceProvisioningError) -> bool {
    e.is_resolved != Some(true)
        && e.service_instance
            .as_deref()
            .is_some_and(|s| contains_ci(s, "exchange"))
}

/// The Exchange Online rows of one Entra user: its recipient and its `Get-User` row.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ExoView<'a> {
    pub(crate) recipient: Option<&'a ExoRecipient>,
    pub(crate) user: Option<&'a ExoRecipient>,
}

impl<'a> ExoView<'a> {
    fn first<T>(&self, f: impl Fn(&'a ExoRecipient) -> Option<T>) -> Option<T> {
        self.recipient
            .and_then(&f)
            .or_else(|| self.user.and_then(&f))
    }

    /// Whether Exchange Online knows the user at all.
    pub(crate) fn present(&self) -> bool {
        self.recipient.is_some() || self.user.is_some()
    }

    /// `RecipientTypeDetails` as printed (the recipient's, else `Get-User`'s).
    pub(crate) fn type_text(&self) -> Option<&'a str> {
        self.first(|r| {
            r.recipient_type_details
                .as_deref()
                .filter(|t| !t.trim().is_empty())
        })
    }

    /// `RecipientTypeDetails` as flags (none when absent or unknown).
    pub(crate) fn type_details(&self) -> RecipientTypeDetails {
        RecipientTypeDetails::lenient(self.type_text())
    }

    /// `PreviousRecipientTypeDetails` as printed (`Get-User`'s, else the recipient's).
    pub(crate) fn previous_text(&self) -> Option<&'a str> {
        let f = |r: &'a ExoRecipient| {
            r.previous_recipient_type_details
                .as_deref()
                .filter(|t| !t.trim().is_empty() && !t.trim().eq_ignore_ascii_case("None"))
        };
        self.user.and_then(f).or_else(|| self.recipient.and_then(f))
    }

    /// `PreviousRecipientTypeDetails` as flags.
    pub(crate) fn previous(&self) -> RecipientTypeDetails {
        RecipientTypeDetails::lenient(self.previous_text())
    }

    /// `ExchangeGuid`.
    pub(crate) fn exchange_guid(&self) -> Option<Guid> {
        self.first(|r| r.exchange_guid)
    }

    /// `SKUAssigned` (`Get-User`'s, else the recipient's).
    pub(crate) fn sku_assigned(&self) -> Option<bool> {
        self.user
            .and_then(|r| r.sku_assigned)
            .or_else(|| self.recipient.and_then(|r| r.sku_assigned))
    }

    /// `EmailAddresses` of the recipient (else of the `Get-User` row).
    pub(crate) fn email_addresses(&self) -> &'a [String] {
        match (self.recipient, self.user) {
            (Some(r), _) if !r.email_addresses.is_empty() => &r.email_addresses,
            (_, Some(u)) => &u.email_addresses,
            (Some(r), None) => &r.email_addresses,
            (None, None) => &[],
        }
    }
}

/// One list of Exchange Online rows, indexed by Entra object id, and by UPN for rows without a usable id.
#[derive(Default)]
struct RowIndex<'a> {
    rows: &'a [ExoRecipient],
    by_id: HashMap<Guid, usize>,
    by_upn: HashMap<String, usize>,
}

impl<'a> RowIndex<'a> {
    fn build(rows: &'a [ExoRecipient]) -> RowIndex<'a> {
        let mut by_id = HashMap::with_capacity(rows.len());
        let mut by_upn = HashMap::new();
        for (k, r) in rows.iter().enumerate() {
            if r.is_soft_deleted {
                continue;
            }
            let id = r
                .external_directory_object_id
                .as_deref()
                .and_then(|s| s.trim().parse::<Guid>().ok())
                .filter(|g| !g.is_nil());
            match id {
                Some(g) => {
                    by_id.entry(g).or_insert(k);
                }
                None => {
                    if let Some(upn) = r
                        .user_principal_name
                        .as_deref()
                        .map(str::trim)
                        .filter(|u| !u.is_empty())
                    {
                        by_upn.entry(upn.to_lowercase()).or_insert(k);
                    }
                }
            }
        }
        RowIndex {
            rows,
            by_id,
            by_upn,
        }
    }

    fn get(&self, id: Option<Guid>, upn_folded: Option<&str>) -> Option<&'a ExoRecipient> {
        let k = id
            .and_then(|g| self.by_id.get(&g))
            .or_else(|| upn_folded.and_then(|u| self.by_upn.get(u)))?;
        self.rows.get(*k)
    }
}

/// The Exchange Online exports, joined to Entra users.
pub(crate) struct ExoIndex<'a> {
    recipients: RowIndex<'a>,
    users: RowIndex<'a>,
    /// Some Exchange Online export was given.
    pub(crate) known: bool,
    /// Some row carries a `PreviousRecipientTypeDetails`.
    any_previous: bool,
}

impl<'a> ExoIndex<'a> {
    pub(crate) fn build(snapshot: &'a Snapshot) -> ExoIndex<'a> {
        let recipients = snapshot.exo_recipients.as_deref().unwrap_or_default();
        let users = snapshot.exo_users.as_deref().unwrap_or_default();
        let any_previous = recipients
            .iter()
            .chain(users)
            .any(|r| r.previous_recipient_type_details.is_some());
        ExoIndex {
            recipients: RowIndex::build(recipients),
            users: RowIndex::build(users),
            known: snapshot.exo_recipients.is_some() || snapshot.exo_users.is_some(),
            any_previous,
        }
    }

    /// The rows of one Entra user; `buf` is scratch space for the lower-cased UPN.
    pub(crate) fn lookup(&self, c: &CloudUser, buf: &mut String) -> ExoView<'a> {
        if !self.known {
            return ExoView::default();
        }
        let id = c.id.trim().parse::<Guid>().ok();
        let need_upn = !self.recipients.by_upn.is_empty() || !self.users.by_upn.is_empty();
        let upn = if need_upn {
            buf.clear();
            if let Some(u) = c.user_principal_name.as_deref() {
                buf.extend(u.trim().chars().flat_map(char::to_lowercase));
            }
            Some(buf.as_str()).filter(|s| !s.is_empty())
        } else {
            None
        };
        ExoView {
            recipient: self.recipients.get(id, upn),
            user: self.users.get(id, upn),
        }
    }
}

fn guid_json(g: Option<Guid>) -> Value {
    g.map_or(Value::Null, |g| Value::String(g.to_string()))
}

fn ad_type(ad: &OnPremUser) -> RecipientTypeDetails {
    ad.recipient_type_details
        .map(RecipientTypeDetails::from_i64)
        .unwrap_or_default()
}

fn ad_type_json(ad: &OnPremUser) -> Value {
    ad.recipient_type_details.map_or(Value::Null, |v| {
        Value::String(RecipientTypeDetails::from_i64(v).to_string())
    })
}

fn sku_ids(c: &CloudUser) -> Value {
    Value::Array(
        c.assigned_licenses
            .iter()
            .map(|l| Value::String(l.sku_id.clone()))
            .collect(),
    )
}

fn non_blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The UPN a finding names: the Entra one, else the AD one.
fn upn_of(ad: Option<&OnPremUser>, c: Option<&CloudUser>) -> String {
    non_blank(c.and_then(|c| c.user_principal_name.as_deref()))
        .or_else(|| non_blank(ad.and_then(|a| a.user_principal_name.as_deref())))
        .unwrap_or_default()
        .to_owned()
}

/// The address an AD user's routing address should have: the alias of its `targetAddress` or of an
/// existing routing address, else of its primary SMTP address, else its `sAMAccountName`.
pub(crate) fn expected_routing_address(ad: &OnPremUser, domain: &str) -> Option<String> {
    let target_alias = ad
        .target_address
        .as_deref()
        .and_then(smtp_address)
        .filter(|a| crate::exchange::domain_of(a).is_some_and(|d| d.eq_ignore_ascii_case(domain)))
        .and_then(local_part);
    let alias = target_alias
        .or_else(|| {
            addresses_in_domain(&ad.proxy_addresses, domain)
                .next()
                .and_then(local_part)
        })
        .or_else(|| ad.primary_smtp().and_then(local_part))
        .or_else(|| non_blank(ad.sam_account_name.as_deref()))?;
    Some(format!("{alias}@{domain}"))
}

/// Whether an address is among proxy addresses (SMTP ones, case-insensitive).
fn has_address(proxies: &[String], address: &str) -> bool {
    proxies
        .iter()
        .filter_map(|p| smtp_address(p))
        .any(|a| same_address(a, address))
}

/// The per-user checks, and the findings so far.
struct Checker<'s, 'a> {
    exo: &'s ExoIndex<'a>,
    routing_domain: Option<&'s str>,
    buf: String,
    findings: Vec<Finding>,
}

impl Checker<'_, '_> {
    fn push(
        &mut self,
        kind: FindingKind,
        severity: Severity,
        ad: Option<&OnPremUser>,
        c: Option<&CloudUser>,
        evidence: Value,
        recommendation: String,
    ) {
        self.findings.push(Finding {
            kind,
            severity,
            user_principal_name: upn_of(ad, c),
            object_id: c.map(|c| c.id.clone()).unwrap_or_default(),
            distinguished_name: ad.map(|a| a.distinguished_name.clone()).unwrap_or_default(),
            evidence,
            recommendation,
        });
    }

    /// DuplicateMailbox, DuplicateMailboxRisk, ExchangeGuidMismatch and MissingRoutingAddress for a matched
    /// pair.
    fn matched_user(&mut self, ad: &OnPremUser, c: &CloudUser) {
        let t = ad_type(ad);
        let exchange_related = t.is_mailbox() || t.is_remote_mailbox() || ad.mailbox_guid.is_some();
        if !exchange_related {
            return;
        }
        let view = self.exo.lookup(c, &mut self.buf);
        let mut duplicate = false;
        if view.present() {
            let cloud_t = view.type_details();
            if t.is_mailbox() && cloud_t.is_mailbox() {
                duplicate = true;
                self.duplicate(ad, c, &view);
            } else if t.is_mailbox()
                && (cloud_t.is_mail_user() || cloud_t == RecipientTypeDetails::USER)
                && view.previous().is_mailbox()
            {
                self.duplicate_risk(ad, c, &view);
            }
            if !duplicate {
                self.guid_mismatch(ad, c, &view);
            }
        }
        if (t.is_remote_mailbox() || t.is_mailbox())
            && let Some(domain) = self.routing_domain
        {
            self.routing(ad, Some((c, view)), domain);
        }
    }

    /// MissingRoutingAddress for an AD remote mailbox without an Entra user.
    fn unmatched_ad_user(&mut self, ad: &OnPremUser) {
        if ad_type(ad).is_remote_mailbox()
            && let Some(domain) = self.routing_domain
        {
            self.routing(ad, None, domain);
        }
    }

    fn duplicate(&mut self, ad: &OnPremUser, c: &CloudUser, view: &ExoView<'_>) {
        let cloud_type = view.type_text().unwrap_or_default();
        let evidence = json!({
            "OnPremRecipientTypeDetails": ad_type_json(ad),
            "OnPremExchangeGuid": guid_json(ad.mailbox_guid),
            "CloudRecipientTypeDetails": cloud_type,
            "CloudExchangeGuid": guid_json(view.exchange_guid()),
            "CloudSkuAssigned": view.sku_assigned(),
            "AssignedSkuIds": sku_ids(c),
            "OnPremisesSyncEnabled": c.on_premises_sync_enabled,
        });
        let recommendation = format!(
            "Mail is split between the on-premises {} and the Exchange Online {cloud_type}. Record the cloud \
             mailbox's ExchangeGuid before deleting anything, then follow one of the options of `idrift plan` \
             (delete and merge, remove the license, or keep the cloud mailbox).",
            RecipientTypeDetails::from_i64(ad.recipient_type_details.unwrap_or_default()),
        );
        self.push(
            FindingKind::DuplicateMailbox,
            Severity::Critical,
            Some(ad),
            Some(c),
            evidence,
            recommendation,
        );
    }

    fn duplicate_risk(&mut self, ad: &OnPremUser, c: &CloudUser, view: &ExoView<'_>) {
        let licensed = !c.assigned_licenses.is_empty();
        let sku = view.sku_assigned();
        let state = match (licensed, sku) {
            (_, Some(true)) => "Assigned",
            (true, _) => "PendingInExchange",
            (false, _) => "NotAssigned",
        };
        let severity = if state == "NotAssigned" {
            Severity::Medium
        } else {
            Severity::High
        };
        let evidence = json!({
            "OnPremRecipientTypeDetails": ad_type_json(ad),
            "OnPremExchangeGuid": guid_json(ad.mailbox_guid),
            "CloudRecipientTypeDetails": view.type_text(),
            "PreviousRecipientTypeDetails": view.previous_text(),
            "CloudExchangeGuid": guid_json(view.exchange_guid()),
            "CloudSkuAssigned": sku,
            "AssignedSkuIds": sku_ids(c),
            "LicenseState": state,
        });
        let recommendation = if state == "NotAssigned" {
            "Do not assign an Exchange Online license before the mailbox is migrated: with \
             PreviousRecipientTypeDetails set, Exchange Online ignores the synced ExchangeGuid and creates a new, \
             empty mailbox. Migrate first, or clear the previous mailbox info (`idrift plan`)."
                .to_owned()
        } else {
            "A license is assigned (or pending): Exchange Online is about to create a new, empty mailbox next to \
             the on-premises one. Remove the license now and clear the previous mailbox info (`idrift plan`, \
             option RemoveLicense), then migrate before licensing again."
                .to_owned()
        };
        self.push(
            FindingKind::DuplicateMailboxRisk,
            severity,
            Some(ad),
            Some(c),
            evidence,
            recommendation,
        );
    }

    fn guid_mismatch(&mut self, ad: &OnPremUser, c: &CloudUser, view: &ExoView<'_>) {
        let (Some(ad_guid), Some(cloud_guid)) = (
            ad.mailbox_guid.filter(|g| !g.is_nil()),
            view.exchange_guid(),
        ) else {
            return;
        };
        if ad_guid == cloud_guid {
            return;
        }
        let t = ad_type(ad);
        let cloud_t = view.type_details();
        let evidence = json!({
            "OnPremExchangeGuid": ad_guid.to_string(),
            "CloudExchangeGuid": cloud_guid.to_string(),
            "CloudExchangeGuidIsNil": cloud_guid.is_nil(),
            "OnPremRecipientTypeDetails": ad_type_json(ad),
            "CloudRecipientTypeDetails": view.type_text(),
        });
        let recommendation = if cloud_guid.is_nil() {
            "Exchange Online has no ExchangeGuid for this user although AD has one: the GUID has not synced. Keep \
             Exchange licenses off until a delta sync carries msExchMailboxGuid, or a new empty mailbox is created."
                .to_owned()
        } else if t.is_remote_mailbox() && cloud_t.is_mailbox() {
            format!(
                "The cloud mailbox ({cloud_guid}) is not the one the AD remote mailbox points to ({ad_guid}): set \
                 the remote mailbox's ExchangeGuid to the cloud one (`idrift plan`, option KeepCloudMailbox)."
            )
        } else {
            format!(
                "The cloud ExchangeGuid {cloud_guid} differs from msExchMailboxGuid {ad_guid}: moves and licensing \
                 will not find the on-premises mailbox. Check which mailbox holds the data before changing either."
            )
        };
        self.push(
            FindingKind::ExchangeGuidMismatch,
            Severity::High,
            Some(ad),
            Some(c),
            evidence,
            recommendation,
        );
    }

    fn routing(&mut self, ad: &OnPremUser, cloud: Option<(&CloudUser, ExoView<'_>)>, domain: &str) {
        let mut problems: Vec<&str> = Vec::new();
        let has_routing = addresses_in_domain(&ad.proxy_addresses, domain)
            .next()
            .is_some();
        if !has_routing {
            problems.push("NoRoutingAddressInAD");
        }
        let t = ad_type(ad);
        let target = ad.target_address.as_deref().and_then(smtp_address);
        let mut in_cloud: Vec<&str> = Vec::new();
        if let Some((c, view)) = &cloud {
            let exo_addresses = view.email_addresses();
            let known = !c.proxy_addresses.is_empty() || !exo_addresses.is_empty();
            let found =
                |a: &str| has_address(&c.proxy_addresses, a) || has_address(exo_addresses, a);
            if known {
                if t.is_remote_mailbox() && target.is_some_and(|a| !found(a)) {
                    problems.push("TargetAddressNotInCloud");
                }
                if addresses_in_domain(&ad.proxy_addresses, domain).any(|a| !found(a)) {
                    problems.push("RoutingAddressMissingInCloud");
                }
                if !problems.is_empty() {
                    in_cloud = addresses_in_domain(&c.proxy_addresses, domain)
                        .chain(addresses_in_domain(exo_addresses, domain))
                        .collect();
                    in_cloud.sort_unstable_by(|a, b| cmp_ci(a, b));
                    in_cloud.dedup_by(|a, b| same_address(a, b));
                }
            }
        }
        if problems.is_empty() {
            return;
        }
        let c = cloud.as_ref().map(|(c, _)| *c);
        let expected = expected_routing_address(ad, domain);
        let in_ad: Vec<&str> = addresses_in_domain(&ad.proxy_addresses, domain).collect();
        let severity = if problems.contains(&"TargetAddressNotInCloud") {
            Severity::High
        } else {
            Severity::Medium
        };
        let recommendation = if !has_routing {
            format!(
                "Add smtp:{} to the AD user's proxyAddresses (option AddRoutingAddressOnPrem) and let sync carry it \
                 to Exchange Online; hybrid moves fail validation without it.",
                expected.as_deref().unwrap_or("<alias>@<routing domain>")
            )
        } else if problems.contains(&"RoutingAddressMissingInCloud") {
            "AD already has the routing address but Exchange Online does not, and sync will not add it: \
             re-provision the cloud alias (option ReprovisionCloudAlias, article 003)."
                .to_owned()
        } else {
            format!(
                "Mail routed to the targetAddress {} bounces: Exchange Online has no such address. Add it to the AD \
                 proxyAddresses or correct the remote routing address.",
                target.unwrap_or_default()
            )
        };
        let evidence = json!({
            "RoutingDomain": domain,
            "Problems": problems,
            "OnPremRecipientTypeDetails": ad_type_json(ad),
            "TargetAddress": ad.target_address,
            "RoutingAddressesInAD": in_ad,
            "RoutingAddressesInCloud": in_cloud,
            "ExpectedRoutingAddress": expected,
        });
        self.push(
            FindingKind::MissingRoutingAddress,
            severity,
            Some(ad),
            c,
            evidence,
            recommendation,
        );
    }

    fn soft_match(
        &mut self,
        ad: &OnPremUser,
        c: &CloudUser,
        basis: SoftMatchBasis,
        features: Option<&SyncFeatures>,
    ) {
        let (block, upn_enabled) = features.map_or((false, true), |f| {
            (f.block_soft_match_enabled, f.soft_match_on_upn_enabled)
        });
        if block {
            return;
        }
        let upn_equal = basis == SoftMatchBasis::Upn;
        let smtp_equal = basis == SoftMatchBasis::PrimarySmtp
            || matches!((ad.primary_smtp(), c.primary_smtp()), (Some(a), Some(b)) if same_address(a, b));
        let by_upn = upn_equal && upn_enabled;
        if !by_upn && !smtp_equal {
            return;
        }
        let t = ad_type(ad);
        let view = self.exo.lookup(c, &mut self.buf);
        let cloud_mailbox = view.type_details().is_mailbox();
        let cloud_had_mailbox = view.previous().is_mailbox();
        let critical = t.is_mailbox() && (cloud_mailbox || cloud_had_mailbox);
        let shared_value = if by_upn {
            ad.user_principal_name.as_deref()
        } else {
            ad.primary_smtp()
        };
        let evidence = json!({
            "Basis": if by_upn { "UserPrincipalName" } else { "PrimarySmtpAddress" },
            "SharedValue": shared_value,
            "CloudUserPrincipalName": c.user_principal_name,
            "OnPremRecipientTypeDetails": ad_type_json(ad),
            "OnPremExchangeGuid": guid_json(ad.mailbox_guid),
            "CloudRecipientTypeDetails": view.type_text(),
            "CloudPreviousRecipientTypeDetails": view.previous_text(),
            "CloudExchangeGuid": guid_json(view.exchange_guid()),
            "AssignedSkuIds": sku_ids(c),
            "SoftMatchOnUpnEnabled": upn_enabled,
            "BlockSoftMatchEnabled": block,
            "TenantFeaturesKnown": features.is_some(),
        });
        let recommendation = if critical {
            "Both sides have a mailbox: after the soft match, licensing the user gives them two mailboxes (article \
             002). Before the next sync, record the cloud mailbox's ExchangeGuid and either remove the cloud \
             mailbox or move the AD user out of sync scope (`idrift plan`)."
                .to_owned()
        } else {
            "The next sync will take over this cloud-only user and overwrite its attributes with AD's. If that \
             is not intended, change the UPN or primary SMTP address on one side, or block soft match."
                .to_owned()
        };
        let severity = if critical {
            Severity::Critical
        } else {
            Severity::Medium
        };
        self.findings.push(Finding {
            kind: FindingKind::SoftMatchCollision,
            severity,
            user_principal_name: upn_of(Some(ad), None),
            object_id: c.id.clone(),
            distinguished_name: ad.distinguished_name.clone(),
            evidence,
            recommendation,
        });
    }

    fn provisioning_error(&mut self, c: &CloudUser, ad: Option<&OnPremUser>) {
        let view = self.exo.lookup(c, &mut self.buf);
        let service: Vec<&crate::model::ServiceProvisioningError> = c
            .service_provisioning_errors
            .iter()
            .filter(|e| is_open_exchange_error(e))
            .collect();
        let evidence = json!({
            "OnPremisesProvisioningErrors": c.on_premises_provisioning_errors,
            "ServiceProvisioningErrors": service,
            "CloudRecipientTypeDetails": view.type_text(),
            "CloudExchangeGuid": guid_json(view.exchange_guid()),
            "OnPremRecipientTypeDetails": ad.map_or(Value::Null, ad_type_json),
            "AssignedSkuIds": sku_ids(c),
        });
        let recommendation = if service.is_empty() {
            "Entra ID reports sync errors for this user (see the property and value): fix the conflicting value \
             on-premises and let the next sync clear them."
                .to_owned()
        } else {
            "Exchange Online reports provisioning errors for this user: its recipient state cannot be trusted. If it \
             also has a mailbox on both sides, remove the Exchange license rather than deleting the account \
             (article 001, Option #3)."
                .to_owned()
        };
        self.push(
            FindingKind::ProvisioningError,
            Severity::High,
            ad,
            Some(c),
            evidence,
            recommendation,
        );
    }
}

/// A `dirsync compare` row as a finding.
fn dirsync_finding(r: DirSyncOverrideRow) -> Finding {
    let (severity, recommendation) = if r.format_only {
        (
            Severity::Info,
            "The same number is written differently in AD and Entra ID; enabling BypassDirSyncOverrides only \
             changes its formatting."
                .to_owned(),
        )
    } else {
        (
            Severity::Low,
            "A cloud edit overrides AD's mobile number (DirSyncOverrides). Decide which value is right: persist the \
             cloud value to AD, then enable BypassDirSyncOverrides (`idrift dirsync`)."
                .to_owned(),
        )
    };
    let evidence = json!({
        "MobileInAD": r.mobile_in_ad,
        "MobileInEntra": r.mobile_in_entra,
        "OtherMobileInAD": r.other_mobile_in_ad,
        "AlternateMobilePhonesInEntra": r.alternate_mobile_phones_in_entra,
        "OnPremisesImmutableId": r.on_premises_immutable_id,
        "FormatOnly": r.format_only,
    });
    Finding {
        kind: FindingKind::DirSyncOverride,
        severity,
        user_principal_name: r.user_principal_name,
        object_id: r.object_id,
        distinguished_name: r.distinguished_name,
        evidence,
        recommendation,
    }
}

#[cfg(test)]
pub(crate) mod tests;
