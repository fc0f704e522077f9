//! `lint`: the checks IdFix made before a first directory sync, and the ones Entra Connect reports at sync
//! time that IdFix never had, as pure functions over [`LintObject`]s.
//!
//! The facts come from IdFix's published rule set (characters, format, top-level domain, domain part, local
//! part, length, blank and duplicate checks per attribute, in a multi-tenant and a dedicated mode) without its
//! known false positives: only SMTP addresses get address checks (X500 and X400 keep their own character
//! rules), and top-level domains come from the public suffix list. Objects Entra Connect never syncs (well-known
//! system names, conflict objects, critical system objects, objects outside the sync scope) are counted, never
//! reported. [`Linter`] takes objects one at a time, so a million-object directory streams through it;
//! duplicates across objects are reported by [`Linter::finish`].

mod address;
mod cloud;
mod index;
mod rules;

use std::fmt;

use serde::Serialize;

pub use address::{is_known_tld, is_routable_domain};
pub use cloud::CloudHolder;

use index::{Index, Note, Space};

/// The kind of directory object, as IdFix names it in its OBJECTCLASS column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LintClass {
    /// A user (or inetOrgPerson).
    #[serde(rename = "user")]
    User,
    /// A mail contact.
    #[serde(rename = "contact")]
    Contact,
    /// A group.
    #[serde(rename = "group")]
    Group,
}

impl LintClass {
    /// IdFix's lower-case name of the class.
    pub fn as_str(self) -> &'static str {
        match self {
            LintClass::User => "user",
            LintClass::Contact => "contact",
            LintClass::Group => "group",
        }
    }
}

/// One AD object with exactly the attributes the checks read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LintObject {
    /// distinguishedName.
    pub dn: String,
    /// cn (the first RDN value when the export has no cn).
    pub cn: String,
    /// The object's class; `None` for objects lint does not read (computers, OUs, ...).
    pub class: Option<LintClass>,
    /// userPrincipalName.
    pub upn: Option<String>,
    /// mail.
    pub mail: Option<String>,
    /// mailNickname.
    pub mail_nickname: Option<String>,
    /// proxyAddresses, in directory order.
    pub proxy_addresses: Vec<String>,
    /// targetAddress.
    pub target_address: Option<String>,
    /// sAMAccountName.
    pub sam_account_name: Option<String>,
    /// displayName.
    pub display_name: Option<String>,
    /// isCriticalSystemObject is TRUE.
    pub critical_system_object: bool,
    /// msExchHideFromAddressLists is TRUE.
    pub hidden_from_address_lists: bool,
    /// msExchRecipientTypeDetails.
    pub recipient_type_details: Option<i64>,
    /// groupType (negative for security groups).
    pub group_type: Option<i64>,
    /// homeMDB is present (the object has an on-premises mailbox).
    pub has_home_mdb: bool,
    /// The number of userCertificate values.
    pub user_certificates: usize,
    /// The number of userSMIMECertificate values.
    pub smime_certificates: usize,
    /// The size of thumbnailPhoto in bytes.
    pub thumbnail_photo_bytes: usize,
    /// mS-DS-ConsistencyGuid as lower-case hex of its bytes.
    pub consistency_guid: Option<String>,
}

/// IdFix's two rule sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LintMode {
    /// Microsoft 365 multi-tenant (the default).
    #[default]
    MultiTenant,
    /// Exchange Online Dedicated.
    Dedicated,
}

impl std::str::FromStr for LintMode {
    type Err = String;

    /// `MultiTenant` (or `multi-tenant`) and `Dedicated`, in any case.
    fn from_str(s: &str) -> Result<LintMode, String> {
        match s.to_ascii_lowercase().as_str() {
            "multitenant" | "multi-tenant" => Ok(LintMode::MultiTenant),
            "dedicated" => Ok(LintMode::Dedicated),
            _ => Err(format!("Mode {s:?} is not MultiTenant or Dedicated")),
        }
    }
}

/// What lint checks beyond the object itself.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The rule set.
    pub mode: LintMode,
    /// The tenant's verified domains; when not empty, a routable UPN suffix outside them is reported.
    pub verified_domains: Vec<String>,
    /// OUs in sync scope (DNs); when not empty, objects outside all of them are excluded.
    pub sync_scope: Vec<String>,
    /// Cloud-only Entra ID objects and the addresses they hold: a UPN or SMTP proxy address held by one
    /// of them (other than the one soft match joins the object to) is reported as CloudDuplicate.
    pub cloud: Vec<CloudHolder>,
    /// The tenant blocks soft match (`blockSoftMatchEnabled`): an AD object joins no cloud object, so any
    /// address a cloud object holds is a conflict.
    pub soft_match_blocked: bool,
}

/// IdFix's error categories and the ones added for errors Entra Connect reports at sync time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum LintErrorKind {
    /// A character the attribute may not contain.
    Character,
    /// Not an address of the form local@domain.
    Format,
    /// The top-level domain is not on the public suffix list (not routable).
    TopLevelDomain,
    /// The domain part is not a valid host name.
    DomainPart,
    /// The local part is not a valid dot-atom.
    LocalPart,
    /// Too long.
    Length,
    /// Held by more than one object where it must be unique.
    Duplicate,
    /// Blank where a value is needed.
    Blank,
    /// Too many certificate values or too large a photo (Entra Connect's LargeObject).
    LargeObject,
    /// A routable UPN suffix that is not a verified domain of the tenant.
    NotVerifiedDomain,
    /// The mail address is not among the object's proxy addresses.
    MailNotInProxyAddresses,
    /// Already held by a cloud object (AttributeValueMustBeUnique at sync time).
    CloudDuplicate,
}

impl LintErrorKind {
    /// The category's name.
    pub fn as_str(self) -> &'static str {
        match self {
            LintErrorKind::Character => "Character",
            LintErrorKind::Format => "Format",
            LintErrorKind::TopLevelDomain => "TopLevelDomain",
            LintErrorKind::DomainPart => "DomainPart",
            LintErrorKind::LocalPart => "LocalPart",
            LintErrorKind::Length => "Length",
            LintErrorKind::Duplicate => "Duplicate",
            LintErrorKind::Blank => "Blank",
            LintErrorKind::LargeObject => "LargeObject",
            LintErrorKind::NotVerifiedDomain => "NotVerifiedDomain",
            LintErrorKind::MailNotInProxyAddresses => "MailNotInProxyAddresses",
            LintErrorKind::CloudDuplicate => "CloudDuplicate",
        }
    }
}

/// What IdFix suggests doing with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LintAction {
    /// Replace the value with the suggested update.
    #[serde(rename = "EDIT")]
    Edit,
    /// Remove the value.
    #[serde(rename = "REMOVE")]
    Remove,
    /// Leave the value as it is (a human decides; duplicates are never fixed automatically).
    #[serde(rename = "COMPLETE")]
    Complete,
}

impl LintAction {
    /// IdFix's upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LintAction::Edit => "EDIT",
            LintAction::Remove => "REMOVE",
            LintAction::Complete => "COMPLETE",
        }
    }
}

/// One value with one or more errors: a row of IdFix's grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintError {
    /// The object's DN.
    pub dn: String,
    /// The object's cn.
    pub cn: String,
    /// The object's class.
    pub class: LintClass,
    /// The LDAP attribute name, e.g. `proxyAddresses`.
    pub attribute: &'static str,
    /// The categories, in IdFix's order.
    pub errors: Vec<LintErrorKind>,
    /// The value as found.
    pub value: String,
    /// The suggested value (empty when removing or when a human must decide).
    pub update: String,
    /// The suggested action.
    pub action: LintAction,
    /// For CloudDuplicate: the cloud object already holding the value, named by its display name, UPN
    /// and object id ([`CloudHolder::name`]).
    pub held_by: Option<String>,
}

impl LintError {
    /// The categories as IdFix prints them, e.g. `Character, Format`.
    pub fn error_text(&self) -> String {
        let names: Vec<&str> = self.errors.iter().map(|k| k.as_str()).collect();
        names.join(", ")
    }
}

/// Why an object was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Exclusion {
    /// A well-known system name (krbtgt, SystemMailbox*, HealthMailbox*, msol*, a name ending in `$`, ...).
    WellKnownName,
    /// A replication conflict object (`\0ACNF:` in its DN).
    ConflictObject,
    /// isCriticalSystemObject is TRUE.
    CriticalSystemObject,
    /// An Exchange system recipient (arbitration, discovery, monitoring mailboxes...).
    SystemRecipient,
    /// A group that is not mail-enabled (Entra Connect syncs it without mail attributes to check).
    NotMailEnabledGroup,
    /// Outside every `--sync-scope` OU.
    OutOfScope,
}

/// Counts of what lint read, skipped and found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LintSummary {
    /// Users, contacts and groups read.
    #[serde(rename = "ObjectsRead")]
    pub objects_read: u64,
    /// Objects checked (read minus excluded).
    #[serde(rename = "ObjectsChecked")]
    pub objects_checked: u64,
    /// Excluded objects by reason.
    #[serde(rename = "Excluded")]
    pub excluded: std::collections::BTreeMap<Exclusion, u64>,
    /// Error rows.
    #[serde(rename = "Errors")]
    pub errors: u64,
    /// Error rows by category (a row with two categories counts for both).
    #[serde(rename = "ByError")]
    pub by_error: std::collections::BTreeMap<LintErrorKind, u64>,
    /// Error rows by attribute.
    #[serde(rename = "ByAttribute")]
    pub by_attribute: std::collections::BTreeMap<&'static str, u64>,
}

/// The result of a lint run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintReport {
    /// The counts.
    pub summary: LintSummary,
    /// The rows, in input order of the objects.
    pub errors: Vec<LintError>,
}

/// What the checks of a run of consecutive objects found, before they join the duplicate index: filled by
/// [`Linter::check`] (which needs only `&Linter`, so runs of objects can be checked on several threads) and
/// taken in input order by [`Linter::absorb`]. The indexed text of every checked object of the run lives in
/// one string, so a run costs a handful of allocations however many objects it holds.
#[derive(Debug, Default)]
pub struct Checked {
    /// Objects read (users, contacts and groups, excluded or not).
    read: u64,
    /// Why each excluded object was excluded.
    excluded: Vec<Exclusion>,
    /// The checked objects, in input order.
    objects: Vec<index::Pending>,
    /// Their DNs, cns and the values to index, one after the other.
    text: String,
    /// The values to index of every checked object (each object's are the ones up to its `notes_end`).
    notes: Vec<Note>,
    /// Their rows, in input order.
    rows: Vec<LintError>,
}

impl Checked {
    /// An empty run with room for the objects of about `bytes` bytes of an LDIF export, so that filling it
    /// seldom grows its buffers.
    pub fn with_capacity(bytes: usize) -> Checked {
        Checked {
            objects: Vec::with_capacity(bytes / 512),
            text: String::with_capacity(bytes),
            notes: Vec::with_capacity(bytes / 64),
            ..Checked::default()
        }
    }

    /// The number of objects taken (users, contacts and groups).
    pub fn len(&self) -> u64 {
        self.read
    }

    /// Whether no user, contact or group was taken.
    pub fn is_empty(&self) -> bool {
        self.read == 0
    }
}

/// How many objects [`Linter::push`] checks before they join the index together.
const PUSH_RUN: u64 = 1024;

/// Streams objects through the checks: [`Linter::push`] each object (or [`Linter::check`] runs of objects on
/// any thread and [`Linter::absorb`] the runs in input order), then [`Linter::finish`].
#[derive(Debug)]
pub struct Linter {
    options: LintOptions,
    scope: Vec<String>,
    verified: Vec<String>,
    report: LintReport,
    index: Index,
    cloud: cloud::CloudIndex,
    /// Objects [`Linter::push`] checked that have not joined the index yet.
    pending: Checked,
}

fn len32(s: &str) -> u32 {
    u32::try_from(s.len()).unwrap_or(u32::MAX)
}

/// Collects the values of one object to index into a [`Checked`] run: after the object's DN and cn in the
/// run's text, each with its place counted from the object's start.
struct Notes<'a> {
    /// Where the object's text starts in the run's text.
    base: usize,
    text: &'a mut String,
    notes: &'a mut Vec<Note>,
}

impl Notes<'_> {
    fn add(&mut self, space: Space, attr: u8, value: &str) {
        let key = index::key_of(space, attr, value);
        if key.is_empty() {
            return;
        }
        let start = u32::try_from(self.text.len() - self.base).unwrap_or(u32::MAX);
        self.text.push_str(value);
        self.notes.push(Note {
            space,
            attr,
            start,
            len: len32(value),
            hash: index::key_hash(space, key),
        });
    }
}

impl Linter {
    /// A linter with these options.
    pub fn new(options: LintOptions) -> Self {
        let scope = options
            .sync_scope
            .iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .collect();
        let verified = options
            .verified_domains
            .iter()
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .collect();
        let cloud = cloud::CloudIndex::new(&options.cloud, options.soft_match_blocked);
        Linter {
            options,
            scope,
            verified,
            report: LintReport::default(),
            index: Index::default(),
            cloud,
            pending: Checked::default(),
        }
    }

    /// Makes room for about `objects` objects (a guess from the size of the input is fine: room not used
    /// costs address space, not memory), so that a large directory does not grow the index step by step.
    pub fn reserve(&mut self, objects: usize) {
        self.index.reserve(objects);
    }

    /// Checks one object (objects without a lint class are ignored).
    pub fn push(&mut self, object: &LintObject) {
        let mut pending = std::mem::take(&mut self.pending);
        self.check(object, &mut pending);
        if pending.read >= PUSH_RUN {
            self.absorb_run(&mut pending);
        }
        self.pending = pending;
    }

    /// Runs the per-object checks of `object` and adds what they found to the run `into`;
    /// [`Linter::absorb`] then counts the run's objects, keeps their rows and indexes their unique values.
    pub fn check(&self, object: &LintObject, into: &mut Checked) {
        let Some(class) = object.class else {
            return;
        };
        into.read += 1;
        if let Some(why) = rules::exclusion(object, class, &self.scope) {
            into.excluded.push(why);
            return;
        }
        let ctx = rules::Ctx {
            mode: self.options.mode,
            verified: &self.verified,
            cloud: &self.cloud,
        };
        rules::check_object(&ctx, object, class, &mut into.rows);
        let base = into.text.len();
        into.text.push_str(&object.dn);
        into.text.push_str(&object.cn);
        let mut notes = Notes {
            base,
            text: &mut into.text,
            notes: &mut into.notes,
        };
        self.notes(object, &mut notes);
        into.objects.push(index::Pending {
            class,
            start: base,
            dn_len: len32(&object.dn),
            cn_len: len32(&object.cn),
            notes_end: into.notes.len(),
        });
    }

    /// Takes the objects of a run [`Linter::check`] filled, the next ones in input order, and leaves the run
    /// empty with its buffers, to be filled again.
    pub fn absorb(&mut self, checked: &mut Checked) {
        if !self.pending.is_empty() {
            let mut pending = std::mem::take(&mut self.pending);
            self.absorb_run(&mut pending);
        }
        self.absorb_run(checked);
    }

    fn absorb_run(&mut self, checked: &mut Checked) {
        let s = &mut self.report.summary;
        s.objects_read += checked.read;
        s.objects_checked += checked.objects.len() as u64;
        for why in checked.excluded.drain(..) {
            *s.excluded.entry(why).or_insert(0) += 1;
        }
        for row in checked.rows.drain(..) {
            self.record(row);
        }
        self.index
            .add_run(&checked.text, &checked.objects, &checked.notes);
        checked.read = 0;
        checked.objects.clear();
        checked.text.clear();
        checked.notes.clear();
    }

    fn record(&mut self, row: LintError) {
        let s = &mut self.report.summary;
        s.errors += 1;
        for k in &row.errors {
            *s.by_error.entry(*k).or_insert(0) += 1;
        }
        *s.by_attribute.entry(row.attribute).or_insert(0) += 1;
        self.report.errors.push(row);
    }

    /// The values of `o` that must be unique, with their namespaces.
    fn notes(&self, o: &LintObject, n: &mut Notes<'_>) {
        let multi = self.options.mode == LintMode::MultiTenant;
        if let Some(upn) = &o.upn {
            n.add(Space::Address, 0, upn);
        }
        if let Some(mail) = &o.mail {
            n.add(Space::Address, 1, mail);
        }
        for p in &o.proxy_addresses {
            match address::smtp_part(p) {
                Some(_) => n.add(Space::Address, index::PROXY, p),
                None => n.add(Space::Proxy, index::PROXY, p),
            }
        }
        if let Some(nick) = &o.mail_nickname {
            n.add(Space::MailNickname, 3, nick);
        }
        if multi
            && o.upn.is_none()
            && let Some(s) = &o.sam_account_name
        {
            n.add(Space::SamAccountName, 4, s);
        }
        if multi && let Some(t) = &o.target_address {
            n.add(Space::TargetAddress, 5, t);
        }
        if let Some(g) = &o.consistency_guid {
            n.add(Space::ConsistencyGuid, 6, g);
        }
    }

    /// Adds the duplicate rows and returns the report.
    pub fn finish(mut self) -> LintReport {
        if !self.pending.is_empty() {
            let mut pending = std::mem::take(&mut self.pending);
            self.absorb_run(&mut pending);
        }
        for (_, row) in self.index.duplicates() {
            self.record(row);
        }
        self.report
    }
}

/// Lints a whole list of objects.
pub fn lint(objects: &[LintObject], options: &LintOptions) -> LintReport {
    let mut linter = Linter::new(options.clone());
    for o in objects {
        linter.push(o);
    }
    linter.finish()
}

impl fmt::Display for LintErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
