//! `UserRef`: how a caller names one user (UPN, DN or objectGUID), and the LDAP lookup each one becomes.

use std::fmt;

use idrift_core::guid::Guid;

/// One user, named by a UPN, a DN or an objectGUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// `userPrincipalName`, looked up under the configured base DNs.
    Upn(String),
    /// `distinguishedName`, read directly.
    Dn(String),
    /// `objectGUID`, looked up in the whole naming context.
    ObjectGuid(Guid),
}

impl UserRef {
    /// Reads a user reference: GUID text (with or without braces) is an objectGUID, text containing `=` a DN,
    /// anything else a UPN.
    pub fn parse(text: &str) -> UserRef {
        let t = text.trim();
        if let Ok(g) = t.parse::<Guid>() {
            return UserRef::ObjectGuid(g);
        }
        if t.contains('=') {
            UserRef::Dn(t.to_owned())
        } else {
            UserRef::Upn(t.to_owned())
        }
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserRef::Upn(upn) => write!(f, "with UPN {upn:?}"),
            UserRef::Dn(dn) => write!(f, "with DN {dn:?}"),
            UserRef::ObjectGuid(g) => write!(f, "with objectGUID {g}"),
        }
    }
}

/// The filter matching user objects (not computers, contacts or groups).
pub(crate) const USER_FILTER: &str = "(&(objectCategory=person)(objectClass=user))";

/// `(&<user filter><extra>)`, with the extra filter given parentheses when it has none.
pub(crate) fn and_user_filter(extra: Option<&str>) -> String {
    match extra.map(str::trim).filter(|f| !f.is_empty()) {
        None => USER_FILTER.to_owned(),
        Some(f) if f.starts_with('(') => format!("(&{USER_FILTER}{f})"),
        Some(f) => format!("(&{USER_FILTER}({f}))"),
    }
}

/// The filter finding a user by UPN, the value escaped per RFC 4515.
pub(crate) fn upn_filter(upn: &str) -> String {
    format!(
        "(&{USER_FILTER}(userPrincipalName={}))",
        ldap3::ldap_escape(upn)
    )
}

/// The filter finding an object by objectGUID, every byte hex-escaped.
pub(crate) fn guid_filter(guid: &Guid) -> String {
    format!("(objectGUID={})", guid.ldap_filter_value())
}

#[cfg(test)]
mod tests;
