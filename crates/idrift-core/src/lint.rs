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
mod rules;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

pub use address::{is_known_tld, is_routable_domain};

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

/// What lint checks beyond the object itself.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The rule set.
    pub mode: LintMode,
    /// The tenant's verified domains; when not empty, a routable UPN suffix outside them is reported.
    pub verified_domains: Vec<String>,
    /// OUs in sync scope (DNs); when not empty, objects outside all of them are excluded.
    pub sync_scope: Vec<String>,
    /// Addresses (UPNs and proxy addresses, without prefix) already held by cloud-only objects, each with
    /// the cloud object's name.
    pub cloud_addresses: Vec<(String, String)>,
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

/// Which unique namespace a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    /// UPNs, mail and SMTP proxy addresses: one namespace in Entra ID.
    Address,
    /// Non-SMTP proxy addresses (X500, SIP, ...), by their full value.
    Proxy,
    MailNickname,
    SamAccountName,
    TargetAddress,
    ConsistencyGuid,
}

#[derive(Debug, Clone)]
struct Holder {
    object: u32,
    attribute: &'static str,
    value: Box<str>,
}

/// Streams objects through the checks: [`Linter::push`] each object, then [`Linter::finish`].
#[derive(Debug)]
pub struct Linter {
    options: LintOptions,
    scope: Vec<String>,
    verified: Vec<String>,
    report: LintReport,
    /// DN, cn and class of every checked object, for duplicate rows.
    objects: Vec<(Box<str>, Box<str>, LintClass)>,
    first: HashMap<(Space, Box<str>), Holder>,
    more: HashMap<(Space, Box<str>), Vec<Holder>>,
    cloud: HashMap<String, String>,
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
        let cloud = options
            .cloud_addresses
            .iter()
            .map(|(a, who)| (a.to_lowercase(), who.clone()))
            .collect();
        Linter {
            options,
            scope,
            verified,
            report: LintReport::default(),
            objects: Vec::new(),
            first: HashMap::new(),
            more: HashMap::new(),
            cloud,
        }
    }

    /// Checks one object (objects without a lint class are ignored).
    pub fn push(&mut self, object: &LintObject) {
        let Some(class) = object.class else {
            return;
        };
        self.report.summary.objects_read += 1;
        if let Some(why) = rules::exclusion(object, class, &self.scope) {
            *self.report.summary.excluded.entry(why).or_insert(0) += 1;
            return;
        }
        self.report.summary.objects_checked += 1;
        let index = u32::try_from(self.objects.len()).unwrap_or(u32::MAX);
        self.objects
            .push((object.dn.as_str().into(), object.cn.as_str().into(), class));
        let ctx = rules::Ctx {
            mode: self.options.mode,
            verified: &self.verified,
            cloud: &self.cloud,
        };
        let mut rows = Vec::new();
        rules::check_object(&ctx, object, class, &mut rows);
        for row in rows {
            self.record(row);
        }
        self.index_unique(index, object);
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

    fn index_unique(&mut self, index: u32, o: &LintObject) {
        let multi = self.options.mode == LintMode::MultiTenant;
        if let Some(upn) = &o.upn {
            self.note(Space::Address, index, "userPrincipalName", upn, upn);
        }
        if let Some(mail) = &o.mail {
            self.note(Space::Address, index, "mail", mail, mail);
        }
        for p in &o.proxy_addresses {
            match address::smtp_part(p) {
                Some(a) => self.note(Space::Address, index, "proxyAddresses", p, a),
                None => self.note(Space::Proxy, index, "proxyAddresses", p, p),
            }
        }
        if let Some(n) = &o.mail_nickname {
            self.note(Space::MailNickname, index, "mailNickname", n, n);
        }
        if multi
            && o.upn.is_none()
            && let Some(s) = &o.sam_account_name
        {
            self.note(Space::SamAccountName, index, "sAMAccountName", s, s);
        }
        if multi && let Some(t) = &o.target_address {
            self.note(Space::TargetAddress, index, "targetAddress", t, t);
        }
        if let Some(g) = &o.consistency_guid {
            self.note(Space::ConsistencyGuid, index, "mS-DS-ConsistencyGuid", g, g);
        }
    }

    fn note(&mut self, space: Space, object: u32, attribute: &'static str, value: &str, key: &str) {
        let key = key.trim();
        if key.is_empty() {
            return;
        }
        let holder = Holder {
            object,
            attribute,
            value: value.into(),
        };
        let key: Box<str> = key.to_lowercase().into();
        match self.first.get(&(space, key.clone())) {
            None => {
                self.first.insert((space, key), holder);
            }
            Some(_) => self.more.entry((space, key)).or_default().push(holder),
        }
    }

    /// Adds the duplicate rows and returns the report.
    pub fn finish(mut self) -> LintReport {
        let mut dup_rows: Vec<(u32, LintError)> = Vec::new();
        let more = std::mem::take(&mut self.more);
        for (key, extra) in more {
            let Some(first) = self.first.get(&key) else {
                continue;
            };
            let mut holders: Vec<&Holder> = std::iter::once(first).chain(extra.iter()).collect();
            if holders.iter().all(|h| h.object == first.object) {
                continue;
            }
            holders.sort_by(|a, b| (a.object, a.attribute).cmp(&(b.object, b.attribute)));
            holders.dedup_by(|a, b| {
                a.object == b.object && a.attribute == b.attribute && a.value == b.value
            });
            for h in holders {
                let Some((dn, cn, class)) = self.objects.get(h.object as usize) else {
                    continue;
                };
                dup_rows.push((
                    h.object,
                    LintError {
                        dn: dn.to_string(),
                        cn: cn.to_string(),
                        class: *class,
                        attribute: h.attribute,
                        errors: vec![LintErrorKind::Duplicate],
                        value: h.value.to_string(),
                        update: String::new(),
                        action: LintAction::Complete,
                    },
                ));
            }
        }
        dup_rows.sort_by(|a, b| {
            (a.0, a.1.attribute, &a.1.value).cmp(&(b.0, b.1.attribute, &b.1.value))
        });
        for (_, row) in dup_rows {
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
