//! The cloud side of lint: addresses already held by cloud-only Entra ID objects, which a synced object
//! may not take (Entra Connect reports AttributeValueMustBeUnique at sync time), unless soft match joins
//! the AD object to that very cloud object.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::CloudUser;

use super::LintObject;
use super::address::smtp_part;

/// A cloud-only object (one that directory sync does not manage) and the addresses it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudHolder {
    /// How a CloudDuplicate row names it: its display name, UPN and object id, as far as they are known
    /// (`Ann Smith <ann@contoso.com> (id 5f0c…)`).
    pub name: String,
    /// Its userPrincipalName: soft match joins an AD object with the same UPN to it.
    pub upn: Option<String>,
    /// Its primary SMTP address: soft match joins an AD object with the same primary SMTP address to it.
    pub primary_smtp: Option<String>,
    /// Every address it holds: the UPN, mail and the SMTP proxy addresses (without prefix).
    pub addresses: Vec<String>,
}

impl CloudHolder {
    /// The cloud-only users of `users` as holders (synced users are the AD objects themselves and hold
    /// nothing against them).
    pub fn of_users(users: &[CloudUser]) -> Vec<CloudHolder> {
        users
            .iter()
            .filter(|u| !u.is_synced())
            .map(|u| {
                let mut addresses: Vec<String> = Vec::new();
                let mut add = |a: &str| {
                    let a = a.trim();
                    if !a.is_empty() && !addresses.iter().any(|x| x.eq_ignore_ascii_case(a)) {
                        addresses.push(a.to_owned());
                    }
                };
                if let Some(upn) = &u.user_principal_name {
                    add(upn);
                }
                if let Some(mail) = &u.mail {
                    add(mail);
                }
                for p in &u.proxy_addresses {
                    if let Some(a) = smtp_part(p) {
                        add(a);
                    }
                }
                CloudHolder {
                    name: holder_name(u),
                    upn: u.user_principal_name.clone(),
                    primary_smtp: u.primary_smtp().map(str::to_owned),
                    addresses,
                }
            })
            .collect()
    }
}

/// A cloud user as a CloudDuplicate row names it: `Display Name <upn> (id ID)`, leaving out what it lacks.
fn holder_name(u: &CloudUser) -> String {
    let present = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut parts = Vec::new();
    let upn = present(&u.user_principal_name);
    if let Some(d) = present(&u.display_name) {
        parts.push(d);
    }
    if let Some(upn) = upn {
        parts.push(if parts.is_empty() {
            upn
        } else {
            format!("<{upn}>")
        });
    }
    let id = u.id.trim();
    if !id.is_empty() {
        parts.push(if parts.is_empty() {
            format!("id {id}")
        } else {
            format!("(id {id})")
        });
    }
    parts.join(" ")
}

/// Lower-case `s`, borrowing when it already is.
fn folded(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// The holders looked up by address, UPN and primary SMTP address (lower-case keys).
#[derive(Debug, Default)]
pub(super) struct CloudIndex {
    by_address: HashMap<String, u32>,
    by_upn: HashMap<String, u32>,
    by_smtp: HashMap<String, u32>,
    /// The holders' names, by number.
    names: Vec<String>,
    /// Soft match is blocked in the tenant (`blockSoftMatchEnabled`): no AD object joins a cloud one.
    soft_match_blocked: bool,
}

impl CloudIndex {
    pub(super) fn new(holders: &[CloudHolder], soft_match_blocked: bool) -> CloudIndex {
        let mut index = CloudIndex {
            soft_match_blocked,
            ..CloudIndex::default()
        };
        for (i, h) in holders.iter().enumerate() {
            index.names.push(h.name.clone());
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for a in &h.addresses {
                index.by_address.entry(a.to_lowercase()).or_insert(i);
            }
            if let Some(u) = &h.upn {
                index.by_upn.entry(u.trim().to_lowercase()).or_insert(i);
            }
            if let Some(s) = &h.primary_smtp {
                index.by_smtp.entry(s.trim().to_lowercase()).or_insert(i);
            }
        }
        index
    }

    pub(super) fn is_empty(&self) -> bool {
        self.by_address.is_empty()
    }

    /// The cloud objects soft match would join `o` to: the one with its primary SMTP address and the one
    /// with its UPN (none when soft match is blocked).
    pub(super) fn partners(&self, o: &LintObject) -> [Option<u32>; 2] {
        if self.soft_match_blocked {
            return [None, None];
        }
        let smtp = o
            .proxy_addresses
            .iter()
            .find_map(|p| p.strip_prefix("SMTP:"))
            .or(o.mail.as_deref());
        let by = |map: &HashMap<String, u32>, key: Option<&str>| {
            key.and_then(|k| map.get(folded(k.trim()).as_ref()).copied())
        };
        [by(&self.by_smtp, smtp), by(&self.by_upn, o.upn.as_deref())]
    }

    /// The name of the holder of `address`, when it is not one of `partners`.
    pub(super) fn held_by_other(&self, address: &str, partners: &[Option<u32>; 2]) -> Option<&str> {
        self.by_address
            .get(folded(address.trim()).as_ref())
            .filter(|h| !partners.contains(&Some(**h)))
            .map(|h| self.names.get(*h as usize).map_or("", String::as_str))
    }
}
