//! The values the write ports exchange: which user to write, the phone values of an AD user, and what a
//! write changed.
//!
//! The ports themselves ([`crate::ports::OnPremPhoneWriter`], [`crate::ports::TenantSyncAdmin`]) live with
//! the read ports. These types carry no directory library's types, so `idrift-ldap`, `idrift-cloud` and
//! [`crate::in_memory::InMemoryDirectory`] implement the same contract, and the application layer is tested
//! against the in-memory directory.
//!
//! Phone values are compared with directory semantics ([`Phones::same_values`]): an empty or blank `mobile`
//! is the same as an absent one, and `otherMobile` is a set (AD does not keep the order of a multi-valued
//! attribute, and blanks cannot be stored).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::guid::Guid;
use crate::model::OnPremUser;

/// How a write names its AD user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserKey {
    /// `userPrincipalName`, compared case-insensitively.
    Upn(String),
    /// `distinguishedName`, compared case-insensitively.
    Dn(String),
    /// `objectGUID`.
    ObjectGuid(Guid),
}

impl UserKey {
    /// Whether `user` is the user this key names.
    pub fn matches(&self, user: &OnPremUser) -> bool {
        match self {
            UserKey::Upn(upn) => user
                .user_principal_name
                .as_deref()
                .is_some_and(|u| u.trim().eq_ignore_ascii_case(upn.trim())),
            UserKey::Dn(dn) => user
                .distinguished_name
                .trim()
                .eq_ignore_ascii_case(dn.trim()),
            UserKey::ObjectGuid(g) => user.object_guid == Some(*g),
        }
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserKey::Upn(upn) => write!(f, "UPN {upn}"),
            UserKey::Dn(dn) => write!(f, "DN {dn}"),
            UserKey::ObjectGuid(g) => write!(f, "objectGUID {g}"),
        }
    }
}

/// Where a directory kept in a file holds the phone attributes of one entry, and their lines as the file
/// spells them: journaled with the value found before a write changes them, so that undo puts back the same
/// bytes at the same places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneLines {
    /// By lower-cased attribute name (`mobile`, `othermobile`): the number of the entry's lines before the
    /// attribute's first line.
    pub places: std::collections::BTreeMap<String, usize>,
    /// By lower-cased attribute name: the attribute's lines as the file has them, only where the file's writer
    /// would spell them differently (folded, base64, split, another spelling or line end).
    pub lines: std::collections::BTreeMap<String, Vec<FileLine>>,
}

/// One line (with its continuation lines and line end) of an attribute in a file, and its place: the number
/// of the entry's lines before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FileLine {
    /// The number of the entry's lines before this one.
    pub at: usize,
    /// The line as the file has it.
    pub text: String,
}

/// How a JSON file held a property before a write changed it, where its writer would write it otherwise:
/// journaled with the value found, so that undo puts back the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSpelling {
    /// The object had no such property: undoing a write that added it as `null` removes it.
    Absent,
    /// The value's JSON text as the file had it (escapes, number form), written back verbatim when it still
    /// means the value put back.
    Text(String),
}

/// The two AD phone attributes DirSyncOverrides are about: `mobile` and `otherMobile`.
///
/// Serialized as `{"Mobile": "..." | null, "OtherMobile": [...]}`, the shape journals record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Phones {
    /// `mobile`; `None` clears it.
    #[serde(default)]
    pub mobile: Option<String>,
    /// `otherMobile`; empty clears it.
    #[serde(default)]
    pub other_mobile: Vec<String>,
}

impl Phones {
    /// The values given, as they are (not normalized).
    pub fn new(mobile: Option<&str>, other_mobile: &[&str]) -> Phones {
        Phones {
            mobile: mobile.map(str::to_owned),
            other_mobile: other_mobile.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The values of a user as read.
    pub fn of(user: &OnPremUser) -> Phones {
        Phones {
            mobile: user.mobile.clone(),
            other_mobile: user.other_mobile.clone(),
        }
    }

    /// The same values as a directory stores them: a blank `mobile` becomes `None`, blank `otherMobile` values
    /// and repeats are dropped (first occurrence kept, order otherwise kept), surrounding spaces are kept.
    pub fn normalized(&self) -> Phones {
        let mut seen = BTreeSet::new();
        Phones {
            mobile: self.mobile.clone().filter(|m| !m.trim().is_empty()),
            other_mobile: self
                .other_mobile
                .iter()
                .filter(|v| !v.trim().is_empty() && seen.insert(v.as_str()))
                .cloned()
                .collect(),
        }
    }

    /// Whether two values are the same in the directory: `mobile` equal as text once blanks count as absent,
    /// `otherMobile` equal as sets of non-blank values.
    pub fn same_values(&self, other: &Phones) -> bool {
        let (a, b) = (self.normalized(), other.normalized());
        a.mobile == b.mobile && set(&a.other_mobile) == set(&b.other_mobile)
    }

    /// Whether both attributes are empty.
    pub fn is_empty(&self) -> bool {
        let n = self.normalized();
        n.mobile.is_none() && n.other_mobile.is_empty()
    }
}

impl fmt::Display for Phones {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.normalized();
        write!(f, "mobile={}", n.mobile.as_deref().unwrap_or("(none)"))?;
        if n.other_mobile.is_empty() {
            write!(f, " otherMobile=(none)")
        } else {
            write!(f, " otherMobile={}", n.other_mobile.join(";"))
        }
    }
}

fn set(values: &[String]) -> BTreeSet<&str> {
    values.iter().map(String::as_str).collect()
}

/// What a phone write did: the user's DN, and the values before and after, as read from the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PhoneChange {
    /// The user written.
    pub distinguished_name: String,
    /// The values found just before the write.
    pub before: Phones,
    /// The values after the write.
    pub after: Phones,
}

/// The one sentence Graph's refusal of a synced user's phone write is reported with, everywhere.
pub const SYNCED_PHONE_REFUSAL: &str = "Entra ID does not accept phone-number changes for users synchronized from \
     on-premises Active Directory (Microsoft Graph has refused them since October 2020); change the number in AD \
     (its mobile value) and let sync carry it, with BypassDirSyncOverrides enabled if the user \
     carries a DirSyncOverride";

#[cfg(test)]
mod tests;
