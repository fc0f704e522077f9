//! Writes to one user: `mobile`/`otherMobile` (set, clear, compare-and-set), a proxy address, and a move.
//!
//! Every write reads the user first (so the caller gets the values it replaced) and touches only the
//! attributes asked for; nothing is written when the values already match. A conditional write
//! (`expected`) is checked twice: against a fresh read, and on the server, by deleting the exact old values
//! and adding the new ones in one modify, which AD rejects as a whole if any old value is gone or any new one
//! already there.

use std::collections::HashSet;

use ldap3::Mod;

use idrift_core::writes::{PhoneChange, Phones};

use crate::connection::{op_error, result_error};
use crate::directory::LdapDirectory;
use crate::error::LdapError;
use crate::user_ref::UserRef;

/// Same `mobile`, and the same `otherMobile` values in any order (AD does not keep value order); unlike
/// [`Phones::same_values`], blank and repeated values count, as given.
fn unchanged(found: &Phones, expected: &Phones) -> bool {
    fn sorted(v: &[String]) -> Vec<&str> {
        let mut v: Vec<&str> = v.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
    found.mobile == expected.mobile && sorted(&found.other_mobile) == sorted(&expected.other_mobile)
}

fn check_values(new: &Phones) -> Result<(), LdapError> {
    if new.mobile.as_deref().is_some_and(|m| m.trim().is_empty()) {
        return Err(LdapError::InvalidInput(
            "mobile must not be empty; pass no value to clear it".to_owned(),
        ));
    }
    let mut seen = HashSet::new();
    for v in &new.other_mobile {
        if v.trim().is_empty() {
            return Err(LdapError::InvalidInput(
                "otherMobile values must not be empty".to_owned(),
            ));
        }
        if !seen.insert(v.as_str()) {
            return Err(LdapError::InvalidInput(format!(
                "otherMobile value {v:?} is given twice"
            )));
        }
    }
    Ok(())
}

fn set_of(values: &[String]) -> HashSet<&str> {
    values.iter().map(String::as_str).collect()
}

/// The RDN of `dn` (everything before the first unescaped comma) and its parent's DN.
pub(crate) fn split_rdn(dn: &str) -> (&str, &str) {
    let mut escaped = false;
    for (i, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => return (dn[..i].trim(), dn[i + 1..].trim()),
            _ => {}
        }
    }
    (dn.trim(), "")
}

impl LdapDirectory {
    /// Sets `mobile` and `otherMobile` of one user to `new` (`None` mobile or an empty `other_mobile`
    /// clears). When `expected` is given, the current values must equal it (otherMobile in any order) or
    /// nothing is written and [`LdapError::Conflict`] is returned.
    ///
    /// # Errors
    /// [`LdapError::NotFound`], [`LdapError::Ambiguous`], [`LdapError::Conflict`], [`LdapError::InvalidInput`]
    /// (an empty or repeated value), [`LdapError::AccessDenied`] and connection errors.
    pub async fn set_phones(
        &self,
        who: &UserRef,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, LdapError> {
        check_values(new)?;
        let user = self.require_user(who).await?;
        let dn = user.distinguished_name.clone();
        let before = Phones::of(&user);
        if let Some(exp) = expected
            && !unchanged(&before, exp)
        {
            return Err(LdapError::Conflict {
                dn,
                message: format!(
                    "expected mobile {:?} and otherMobile {:?}, found {:?} and {:?}",
                    exp.mobile, exp.other_mobile, before.mobile, before.other_mobile
                ),
            });
        }
        let conditional = expected.is_some();
        let mut mods: Vec<Mod<&str>> = Vec::new();
        if before.mobile != new.mobile {
            if conditional {
                if let Some(old) = before.mobile.as_deref() {
                    mods.push(Mod::Delete("mobile", HashSet::from([old])));
                }
                if let Some(v) = new.mobile.as_deref() {
                    mods.push(Mod::Add("mobile", HashSet::from([v])));
                }
            } else {
                mods.push(Mod::Replace(
                    "mobile",
                    new.mobile.as_deref().into_iter().collect(),
                ));
            }
        }
        let (old_set, new_set) = (set_of(&before.other_mobile), set_of(&new.other_mobile));
        if old_set != new_set {
            if conditional {
                let gone: HashSet<&str> = old_set.difference(&new_set).copied().collect();
                let added: HashSet<&str> = new_set.difference(&old_set).copied().collect();
                if !gone.is_empty() {
                    mods.push(Mod::Delete("otherMobile", gone));
                }
                if !added.is_empty() {
                    mods.push(Mod::Add("otherMobile", added));
                }
            } else {
                mods.push(Mod::Replace("otherMobile", new_set));
            }
        }
        if mods.is_empty() {
            return Ok(PhoneChange {
                after: before.clone(),
                before,
                distinguished_name: dn,
            });
        }
        let mut ldap = self.session.writer();
        let res = ldap
            .modify(&dn, mods)
            .await
            .map_err(|e| op_error("modify", self.session.timeout(), e))?;
        match res.rc {
            0 => {}
            16 | 20 if conditional => {
                return Err(LdapError::Conflict {
                    dn,
                    message: format!(
                        "the phone values changed while writing ({})",
                        res.text.trim()
                    ),
                });
            }
            _ => return Err(result_error("modify", &dn, &res)),
        }
        let after = match self.find_user(&UserRef::Dn(dn.clone())).await? {
            Some(u) => Phones::of(&u),
            None => {
                return Err(LdapError::NotFound(format!(
                    "{dn:?} after writing its phones"
                )));
            }
        };
        Ok(PhoneChange {
            distinguished_name: dn,
            before,
            after,
        })
    }

    /// Adds one `proxyAddresses` value (e.g. `smtp:alias@tenant.mail.onmicrosoft.com`) to a user. Adding a
    /// value that is already there, with the same case, does nothing.
    ///
    /// # Errors
    /// [`LdapError::InvalidInput`] for a value without a `type:` prefix; [`LdapError::Conflict`] when the
    /// address is present with a different case (AD compares proxy addresses without regard to case, and
    /// `SMTP:` means primary); lookup, access and connection errors.
    pub async fn add_proxy_address(&self, who: &UserRef, address: &str) -> Result<(), LdapError> {
        let address = address.trim();
        match address.split_once(':') {
            Some((kind, rest))
                if !kind.is_empty() && !rest.is_empty() && !kind.contains(char::is_whitespace) => {}
            _ => {
                return Err(LdapError::InvalidInput(format!(
                    "proxy address {address:?} must look like type:address, e.g. smtp:alias@contoso.com"
                )));
            }
        }
        let user = self.require_user(who).await?;
        let dn = user.distinguished_name;
        if user.proxy_addresses.iter().any(|p| p == address) {
            return Ok(());
        }
        if let Some(p) = user
            .proxy_addresses
            .iter()
            .find(|p| p.eq_ignore_ascii_case(address))
        {
            return Err(LdapError::Conflict {
                dn,
                message: format!("{address:?} is already present as {p:?}"),
            });
        }
        let mut ldap = self.session.writer();
        let res = ldap
            .modify(
                &dn,
                vec![Mod::Add("proxyAddresses", HashSet::from([address]))],
            )
            .await
            .map_err(|e| op_error("modify", self.session.timeout(), e))?;
        match res.rc {
            0 => Ok(()),
            20 => Err(LdapError::Conflict {
                dn,
                message: format!(
                    "{address:?} was added meanwhile, or is used by another object ({})",
                    res.text.trim()
                ),
            }),
            _ => Err(result_error("modify", &dn, &res)),
        }
    }

    /// Moves a user below `new_parent_dn` (an OU or container) and returns its new DN. Moving a user to the
    /// parent it already has does nothing.
    ///
    /// # Errors
    /// [`LdapError::InvalidInput`] for an empty parent; lookup, access, server (no such parent, name taken)
    /// and connection errors.
    pub async fn move_user(&self, who: &UserRef, new_parent_dn: &str) -> Result<String, LdapError> {
        let parent = new_parent_dn.trim();
        if parent.is_empty() {
            return Err(LdapError::InvalidInput(
                "the new parent DN is empty".to_owned(),
            ));
        }
        let user = self.require_user(who).await?;
        let dn = user.distinguished_name;
        let (rdn, current_parent) = split_rdn(&dn);
        if current_parent.eq_ignore_ascii_case(parent) {
            return Ok(dn.clone());
        }
        let mut ldap = self.session.writer();
        let res = ldap
            .modifydn(&dn, rdn, true, Some(parent))
            .await
            .map_err(|e| op_error("move", self.session.timeout(), e))?;
        if res.rc != 0 {
            return Err(result_error("move", &dn, &res));
        }
        Ok(format!("{rdn},{parent}"))
    }
}

#[cfg(test)]
mod tests;
