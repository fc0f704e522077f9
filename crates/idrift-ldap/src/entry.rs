//! Search result entries decoded from BER without panicking, and turned into `OnPremUser`s.
//!
//! ldap3's own `SearchEntry::construct` panics on a malformed entry and sorts values into a text map or a
//! binary map depending on whether they happen to be valid UTF-8. Decoding the entry here keeps every value
//! as bytes (so a binary GUID is read the same way whatever its bytes are) and turns a malformed reply into
//! an error.

use std::borrow::Cow;

use ldap3::asn1::{PL, StructureTag};

use idrift_core::model::OnPremUser;

use crate::attributes::{Applied, Attr, apply};
use crate::error::LdapError;

/// One entry: its DN and its attributes with their raw values, in server order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) dn: String,
    pub(crate) attrs: Vec<(String, Vec<Vec<u8>>)>,
}

fn primitive(tag: StructureTag) -> Option<Vec<u8>> {
    match tag.payload {
        PL::P(bytes) => Some(bytes),
        PL::C(_) => None,
    }
}

fn constructed(tag: StructureTag) -> Option<Vec<StructureTag>> {
    match tag.payload {
        PL::C(items) => Some(items),
        PL::P(_) => None,
    }
}

/// Decodes a `SearchResultEntry` (`[APPLICATION 4] SEQUENCE { objectName, attributes }`).
///
/// # Errors
/// [`LdapError::InvalidData`] when the entry is not shaped as RFC 4511 says.
pub(crate) fn decode(tag: StructureTag) -> Result<Entry, LdapError> {
    let bad = |dn: &str, what: &str| LdapError::InvalidData {
        dn: dn.to_owned(),
        message: format!("malformed entry: {what}"),
    };
    let mut parts = constructed(tag)
        .ok_or_else(|| bad("?", "not a sequence"))?
        .into_iter();
    let dn = parts
        .next()
        .and_then(primitive)
        .ok_or_else(|| bad("?", "no DN"))?;
    let dn = String::from_utf8(dn).map_err(|_| bad("?", "the DN is not UTF-8"))?;
    let list = parts
        .next()
        .and_then(constructed)
        .ok_or_else(|| bad(&dn, "no attribute list"))?;
    let mut attrs = Vec::with_capacity(list.len());
    for item in list {
        let mut pair = constructed(item)
            .ok_or_else(|| bad(&dn, "an attribute is not a sequence"))?
            .into_iter();
        let name = pair
            .next()
            .and_then(primitive)
            .ok_or_else(|| bad(&dn, "an attribute has no name"))?;
        let name =
            String::from_utf8(name).map_err(|_| bad(&dn, "an attribute name is not UTF-8"))?;
        let values = pair
            .next()
            .and_then(constructed)
            .ok_or_else(|| bad(&dn, "an attribute has no value set"))?;
        let values = values
            .into_iter()
            .map(primitive)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad(&dn, "a value is not an octet string"))?;
        attrs.push((name, values));
    }
    Ok(Entry { dn, attrs })
}

impl Entry {
    /// The first value of `name` (compared without regard to case).
    pub(crate) fn first(&self, name: &str) -> Option<&[u8]> {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.first())
            .map(Vec::as_slice)
    }

    /// The values of `name` (compared without regard to case).
    pub(crate) fn values(&self, name: &str) -> &[Vec<u8>] {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default()
    }

    /// The user this entry describes; attributes outside the core model are ignored, except the custom
    /// source anchor `anchor` names, whose first value is kept as Entra Connect encodes it
    /// ([`crate::attributes::anchor_value`]).
    ///
    /// # Errors
    /// [`LdapError::InvalidData`] naming the DN and attribute: a GUID that is not 16 bytes, a number that is
    /// not an integer, text that is not UTF-8, or a multi-valued attribute returned in ranges.
    pub(crate) fn into_user(self, anchor: Option<&str>) -> Result<OnPremUser, LdapError> {
        let Entry { dn, attrs } = self;
        let mut user = OnPremUser {
            distinguished_name: dn,
            ..OnPremUser::default()
        };
        for (full_name, values) in attrs {
            let (name, options) = full_name.split_once(';').unwrap_or((&full_name, ""));
            if let Some(a) = anchor
                && name.eq_ignore_ascii_case(a)
                && user.custom_anchor.is_none()
            {
                user.custom_anchor = values
                    .first()
                    .and_then(|v| crate::attributes::anchor_value(a, v));
            }
            let Some(attr) = Attr::from_name(name.as_bytes()) else {
                continue;
            };
            if options.to_ascii_lowercase().contains("range=") {
                return Err(LdapError::InvalidData {
                    dn: user.distinguished_name,
                    message: format!(
                        "{} has more values than the server returns at once ({full_name}); range retrieval is not supported",
                        attr.ldap_name()
                    ),
                });
            }
            for value in values {
                match apply(&mut user, attr, Cow::Owned(value)) {
                    Ok(Applied::Stored) => {}
                    Ok(Applied::Repeated) => tracing::warn!(
                        dn = %user.distinguished_name,
                        attribute = attr.ldap_name(),
                        "a single-valued attribute has several values; the first is kept"
                    ),
                    Err(message) => {
                        return Err(LdapError::InvalidData {
                            dn: user.distinguished_name,
                            message,
                        });
                    }
                }
            }
        }
        Ok(user)
    }
}

#[cfg(test)]
mod tests;
