//! `LdapDirectory`: a live Active Directory, read in pages and looked up by UPN, DN or objectGUID.
//!
//! A read covers every configured base DN with the user filter (plus the configured one) and requests
//! exactly the core model's attributes. A failed page or a dropped connection fails the whole read: the
//! caller gets an error, never a short list.

use std::collections::HashSet;

use async_trait::async_trait;
use ldap3::Scope;

use idrift_core::model::OnPremUser;
use idrift_core::ports::{OnPremDirectory, SourceError};

use crate::attributes::READ_ATTRIBUTES;
use crate::config::LdapConfig;
use crate::connection::{Session, open};
use crate::entry::decode;
use crate::error::LdapError;
use crate::user_ref::{UserRef, and_user_filter, guid_filter, upn_filter};

/// A connection to one domain controller, bound, with the scope to read.
pub struct LdapDirectory {
    pub(crate) session: Session,
    /// The domain's naming context (`defaultNamingContext`).
    pub(crate) naming_context: String,
    /// The subtrees users are read from.
    pub(crate) base_dns: Vec<String>,
    /// The configured extra filter, if any.
    pub(crate) extra_filter: Option<String>,
    /// The full user filter of a read.
    pub(crate) filter: String,
    /// The custom source anchor attribute read with the core model's ([`LdapConfig::anchor`]).
    pub(crate) anchor: Option<String>,
}

impl std::fmt::Debug for LdapDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LdapDirectory")
            .field("naming_context", &self.naming_context)
            .field("base_dns", &self.base_dns)
            .field("filter", &self.filter)
            .finish_non_exhaustive()
    }
}

/// Whether `dn` is `base` or lies below it (compared without regard to case).
pub(crate) fn is_under(dn: &str, base: &str) -> bool {
    let (dn, base) = (dn.trim().as_bytes(), base.trim().as_bytes());
    if dn.len() == base.len() {
        return dn.eq_ignore_ascii_case(base);
    }
    let Some(cut) = dn.len().checked_sub(base.len() + 1) else {
        return false;
    };
    // The comma must be a separator, not escaped: an even number of backslashes before it.
    let escapes = dn[..cut].iter().rev().take_while(|&&b| b == b'\\').count();
    cut > 0 && dn[cut] == b',' && dn[cut + 1..].eq_ignore_ascii_case(base) && escapes % 2 == 0
}

impl LdapDirectory {
    /// Connects, binds once and reads the domain's naming context.
    ///
    /// # Errors
    /// [`LdapError::InvalidConfig`] (bad URL or filter, missing password, plain LDAP not allowed),
    /// [`LdapError::CaFile`], [`LdapError::Connect`], [`LdapError::Tls`], [`LdapError::Bind`].
    pub async fn connect(cfg: &LdapConfig) -> Result<LdapDirectory, LdapError> {
        let filter = and_user_filter(cfg.filter.as_deref());
        if ldap3::parse_filter(&filter).is_err() {
            return Err(LdapError::InvalidConfig(format!(
                "the filter {:?} is not a valid LDAP filter (RFC 4515)",
                cfg.filter.as_deref().unwrap_or_default()
            )));
        }
        let session = open(cfg).await?;
        let root = session
            .search_small(
                "",
                Scope::Base,
                "(objectClass=*)",
                &["defaultNamingContext"],
            )
            .await?;
        let naming_context = root
            .into_iter()
            .next()
            .map(decode)
            .transpose()?
            .and_then(|e| {
                e.first("defaultNamingContext")
                    .map(|v| String::from_utf8_lossy(v).into_owned())
            })
            .or_else(|| cfg.base_dns.first().map(|b| domain_root(b)))
            .filter(|nc| !nc.is_empty())
            .ok_or_else(|| {
                LdapError::InvalidConfig(
                    "the server does not publish defaultNamingContext; give the base DN explicitly"
                        .to_owned(),
                )
            })?;
        let base_dns: Vec<String> = cfg
            .base_dns
            .iter()
            .map(|b| b.trim().to_owned())
            .filter(|b| !b.is_empty())
            .collect();
        let base_dns = if base_dns.is_empty() {
            vec![naming_context.clone()]
        } else {
            base_dns
        };
        let extra_filter = cfg.filter.clone().filter(|f| !f.trim().is_empty());
        let anchor = cfg
            .anchor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned);
        Ok(LdapDirectory {
            session,
            naming_context,
            base_dns,
            extra_filter,
            filter,
            anchor,
        })
    }

    /// The attributes a read requests: the core model's, and the custom source anchor.
    pub(crate) fn read_attributes(&self) -> Vec<&str> {
        let mut attrs = READ_ATTRIBUTES.to_vec();
        if let Some(a) = &self.anchor
            && !attrs.iter().any(|r| r.eq_ignore_ascii_case(a))
        {
            attrs.push(a);
        }
        attrs
    }

    /// The domain's naming context (`defaultNamingContext` of the rootDSE).
    pub fn naming_context(&self) -> &str {
        &self.naming_context
    }

    /// The base DNs users are read from.
    pub fn base_dns(&self) -> &[String] {
        &self.base_dns
    }

    /// Reads every user under the base DNs that matches the filter, in pages.
    ///
    /// # Errors
    /// Any failed page or lost connection ([`LdapError::ConnectionLost`], [`LdapError::Timeout`],
    /// [`LdapError::Server`], [`LdapError::AccessDenied`]); bad data ([`LdapError::InvalidData`]).
    pub async fn read_users(&self) -> Result<Vec<OnPremUser>, LdapError> {
        self.read_filtered(&self.filter).await
    }

    /// Reads the users matching `filter` under every base DN, without duplicates when bases overlap.
    pub(crate) async fn read_filtered(&self, filter: &str) -> Result<Vec<OnPremUser>, LdapError> {
        let mut users = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let dedupe = self.base_dns.len() > 1;
        for base in &self.base_dns {
            self.session
                .search_paged(
                    base,
                    Scope::Subtree,
                    filter,
                    &self.read_attributes(),
                    &mut |tag| {
                        let user = decode(tag)?.into_user(self.anchor.as_deref())?;
                        if !dedupe || seen.insert(user.distinguished_name.to_ascii_lowercase()) {
                            users.push(user);
                        }
                        Ok(())
                    },
                )
                .await?;
        }
        Ok(users)
    }

    /// Looks one user up: by UPN under the base DNs, by DN directly, by objectGUID in the naming context.
    /// The configured extra filter (`--ad-filter`) applies to every lookup, as to a full read, so a user the
    /// filter leaves out is not found (and not written).
    ///
    /// # Errors
    /// [`LdapError::Ambiguous`] when several users carry the UPN; [`LdapError::InvalidInput`] for an empty
    /// name or a malformed DN; connection and server errors as for [`LdapDirectory::read_users`].
    pub async fn find_user(&self, who: &UserRef) -> Result<Option<OnPremUser>, LdapError> {
        let found = match who {
            UserRef::Upn(upn) => {
                if upn.trim().is_empty() {
                    return Err(LdapError::InvalidInput(
                        "an empty UPN names no user".to_owned(),
                    ));
                }
                let filter = format!("(&{}{})", self.filter, upn_filter(upn));
                let mut found = Vec::new();
                for base in &self.base_dns {
                    for tag in self
                        .session
                        .search_small(base, Scope::Subtree, &filter, &self.read_attributes())
                        .await?
                    {
                        found.push(decode(tag)?.into_user(self.anchor.as_deref())?);
                    }
                }
                let mut seen = HashSet::new();
                found.retain(|u| seen.insert(u.distinguished_name.to_ascii_lowercase()));
                found
            }
            UserRef::Dn(dn) => {
                if dn.trim().is_empty() {
                    return Err(LdapError::InvalidInput(
                        "an empty DN names no user".to_owned(),
                    ));
                }
                self.session
                    .search_base(dn.trim(), &self.filter, &self.read_attributes())
                    .await?
                    .into_iter()
                    .map(|t| decode(t)?.into_user(self.anchor.as_deref()))
                    .collect::<Result<Vec<_>, _>>()?
            }
            UserRef::ObjectGuid(guid) => {
                let filter = format!("(&{}{})", self.filter, guid_filter(guid));
                let tags = self
                    .session
                    .search_small(
                        &self.naming_context,
                        Scope::Subtree,
                        &filter,
                        &self.read_attributes(),
                    )
                    .await?;
                tags.into_iter()
                    .map(|t| decode(t)?.into_user(self.anchor.as_deref()))
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.into_iter().next()),
            count => Err(LdapError::Ambiguous {
                who: who.to_string(),
                count,
            }),
        }
    }

    /// Like [`LdapDirectory::find_user`], but a missing user is an error.
    pub(crate) async fn require_user(&self, who: &UserRef) -> Result<OnPremUser, LdapError> {
        self.find_user(who)
            .await?
            .ok_or_else(|| LdapError::NotFound(who.to_string()))
    }
}

/// The `DC=` suffix of a DN: the domain root it lies in.
fn domain_root(dn: &str) -> String {
    let parts: Vec<&str> = dn.split(',').map(str::trim).collect();
    let start = parts
        .iter()
        .position(|p| p.len() > 3 && p.as_bytes()[..3].eq_ignore_ascii_case(b"dc="))
        .unwrap_or(parts.len());
    parts[start..].join(",")
}

#[async_trait]
impl OnPremDirectory for LdapDirectory {
    async fn users(&self) -> Result<Vec<OnPremUser>, SourceError> {
        self.read_users().await.map_err(SourceError::from)
    }

    fn read_scope(&self) -> Option<String> {
        read_scope(
            &self.naming_context,
            &self.base_dns,
            self.extra_filter.as_deref(),
        )
    }

    fn anchor(&self) -> idrift_core::matching::Anchor {
        if self.anchor.is_some() {
            idrift_core::matching::Anchor::Custom
        } else {
            idrift_core::matching::Anchor::default()
        }
    }
}

/// The scope of a read in words, or `None` when it covers the whole domain (its only base DN is the naming
/// context and no extra filter narrows it).
fn read_scope(naming_context: &str, base_dns: &[String], filter: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    let whole = base_dns.len() == 1
        && base_dns
            .first()
            .is_some_and(|b| b.trim().eq_ignore_ascii_case(naming_context.trim()));
    if !whole {
        parts.push(format!("base DN {}", base_dns.join("; ")));
    }
    if let Some(f) = filter.filter(|f| !f.trim().is_empty()) {
        parts.push(format!("filter {f}"));
    }
    (!parts.is_empty()).then(|| format!("the AD read is scoped ({})", parts.join(", ")))
}

#[cfg(test)]
mod tests;
