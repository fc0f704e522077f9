//! Any directory object, not only users: a paged read of the objects matching a filter with the attributes
//! asked for (as raw values), and the read and conditional write of one attribute of one object by DN.
//!
//! `idrift lint` reads users, contacts and groups with the attributes its rules need, and `lint apply`
//! re-reads and rewrites single values found by it. The write is conditional twice over: the caller compares a
//! fresh read with what it planned from, and the modify deletes the exact old values and adds the new ones in
//! one request, which the server refuses as a whole when an old value is gone or a new one already there.

use std::collections::HashSet;

use ldap3::{Mod, Scope};

use crate::connection::{op_error, result_error};
use crate::directory::LdapDirectory;
use crate::entry::decode;
use crate::error::LdapError;

/// One object as read: its DN and its attributes with their raw values, in server order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawObject {
    /// distinguishedName.
    pub dn: String,
    /// The attributes the server returned (names as the server spells them, options such as `;binary`
    /// included) with their values as bytes.
    pub attrs: Vec<(String, Vec<Vec<u8>>)>,
}

fn check_range(obj: &RawObject) -> Result<(), LdapError> {
    for (name, _) in &obj.attrs {
        if name.to_ascii_lowercase().contains(";range=") {
            return Err(LdapError::InvalidData {
                dn: obj.dn.clone(),
                message: format!(
                    "{name}: more values than the server returns at once; range retrieval is not supported"
                ),
            });
        }
    }
    Ok(())
}

impl LdapDirectory {
    /// Reads every object matching `filter` (and the configured extra filter) under every base DN, in pages,
    /// handing each to `each` (once, when bases overlap), and returns how many were read. A lost page fails
    /// the whole read.
    ///
    /// # Errors
    /// [`LdapError::InvalidConfig`] for a filter that does not parse; as for
    /// [`LdapDirectory::read_users`], and [`LdapError::InvalidData`] for an attribute returned in ranges.
    pub async fn read_objects(
        &self,
        filter: &str,
        attrs: &[&str],
        each: &mut (dyn FnMut(RawObject) + Send),
    ) -> Result<u64, LdapError> {
        let filter = match self.extra_filter.as_deref().map(str::trim) {
            Some(f) if f.starts_with('(') => format!("(&{filter}{f})"),
            Some(f) if !f.is_empty() => format!("(&{filter}({f}))"),
            _ => filter.to_owned(),
        };
        let filter = filter.as_str();
        if ldap3::parse_filter(filter).is_err() {
            return Err(LdapError::InvalidConfig(format!(
                "the filter {filter:?} is not a valid LDAP filter (RFC 4515)"
            )));
        }
        let mut seen: HashSet<String> = HashSet::new();
        let dedupe = self.base_dns.len() > 1;
        let mut count = 0u64;
        for base in &self.base_dns {
            self.session
                .search_paged(base, Scope::Subtree, filter, attrs, &mut |tag| {
                    let e = decode(tag)?;
                    let obj = RawObject {
                        dn: e.dn,
                        attrs: e.attrs,
                    };
                    check_range(&obj)?;
                    if !dedupe || seen.insert(obj.dn.to_ascii_lowercase()) {
                        count += 1;
                        each(obj);
                    }
                    Ok(())
                })
                .await?;
        }
        Ok(count)
    }

    /// The values of one attribute of the object `dn` as text (empty when it has none), or `None` when there
    /// is no such object.
    ///
    /// # Errors
    /// [`LdapError::InvalidInput`] for an empty or malformed DN; connection, access and server errors.
    pub async fn read_values(
        &self,
        dn: &str,
        attr: &str,
    ) -> Result<Option<Vec<String>>, LdapError> {
        let dn = dn.trim();
        if dn.is_empty() {
            return Err(LdapError::InvalidInput(
                "an empty DN names no object".to_owned(),
            ));
        }
        let tags = self
            .session
            .search_base(dn, "(objectClass=*)", &[attr])
            .await?;
        let Some(tag) = tags.into_iter().next() else {
            return Ok(None);
        };
        let obj = decode(tag)?;
        let obj = RawObject {
            dn: obj.dn,
            attrs: obj.attrs,
        };
        check_range(&obj)?;
        let values = obj
            .attrs
            .into_iter()
            .filter(|(n, _)| {
                n.split(';')
                    .next()
                    .is_some_and(|b| b.eq_ignore_ascii_case(attr))
            })
            .flat_map(|(_, v)| v)
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .collect();
        Ok(Some(values))
    }

    /// Removes the exact values `remove` from one attribute of `dn` and adds `add`, in one modify. The server
    /// refuses it as a whole when a value to remove is gone or a value to add is already there: that is a
    /// [`LdapError::Conflict`], and nothing is written.
    ///
    /// # Errors
    /// [`LdapError::Conflict`] as above; [`LdapError::InvalidInput`] for an empty DN or an empty value to add;
    /// access, server and connection errors.
    pub async fn replace_values(
        &self,
        dn: &str,
        attr: &str,
        remove: &[String],
        add: &[String],
    ) -> Result<(), LdapError> {
        let dn = dn.trim();
        if dn.is_empty() {
            return Err(LdapError::InvalidInput(
                "an empty DN names no object".to_owned(),
            ));
        }
        if add.iter().any(|v| v.is_empty()) {
            return Err(LdapError::InvalidInput(format!(
                "{attr}: an empty value cannot be written; remove the value instead"
            )));
        }
        let mut mods: Vec<Mod<&str>> = Vec::new();
        if !remove.is_empty() {
            mods.push(Mod::Delete(
                attr,
                remove.iter().map(String::as_str).collect(),
            ));
        }
        if !add.is_empty() {
            mods.push(Mod::Add(attr, add.iter().map(String::as_str).collect()));
        }
        if mods.is_empty() {
            return Ok(());
        }
        let mut ldap = self.session.writer();
        let res = ldap
            .modify(dn, mods)
            .await
            .map_err(|e| op_error("modify", self.session.timeout(), e))?;
        match res.rc {
            0 => Ok(()),
            16 | 20 => Err(LdapError::Conflict {
                dn: dn.to_owned(),
                message: format!(
                    "{attr} changed while writing: a value to remove is gone or a value to add is already there ({})",
                    res.text.trim()
                ),
            }),
            _ => Err(result_error("modify", dn, &res)),
        }
    }
}

#[cfg(test)]
mod tests;
