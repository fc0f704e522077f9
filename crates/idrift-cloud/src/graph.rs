//! `GraphClient`: the Microsoft Graph calls IdentityDrift needs, on the shared HTTP core.
//!
//! Users are listed with `$select` of the model's properties and `$top=999`, following
//! `@odata.nextLink`; the users delta returns its `@odata.deltaLink` for the caller to keep. Tenant sync
//! features are read and patched on `/directory/onPremisesSynchronization`; the tenant's domains are
//! listed from `/domains`. The recycle bin
//! (`/directory/deletedItems`), license removal (`assignLicense`), `onPremisesSyncBehavior` and the
//! mobile phone of cloud-only users complete the set. Graph refuses phone edits of synced users; that
//! refusal comes back as [`CloudError::SyncedPhoneBlocked`] with the AD-side fix.

use async_trait::async_trait;
use idrift_core::model::{CloudUser, TenantDomain, TenantSync};
use idrift_core::ports::{CloudDirectory, SourceError};
use reqwest::Method;
use serde_json::json;
use url::Url;

use crate::config::CloudConfig;
use crate::error::CloudError;
use crate::http::{Body, Kind, NextPage, Request, Session};
use crate::snapshot::de::Item;
use crate::snapshot::sync::feature_name;
use crate::snapshot::users::DeltaEntry;
use crate::snapshot::{self, SnapshotError};

mod assign;
/// The user properties read from Graph (the fields of [`CloudUser`] that Graph has).
pub const USER_SELECT: &str = "id,userPrincipalName,displayName,mail,onPremisesImmutableId,onPremisesSyncEnabled,\
mobilePhone,businessPhones,proxyAddresses,assignedLicenses,onPremisesProvisioningErrors,serviceProvisioningErrors";

/// Graph's largest page of users.
pub const USER_PAGE_SIZE: u32 = 999;

/// The result of a users delta round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersDelta {
    /// Users created or changed since the previous round (all users on the first round). On later rounds
    /// Graph sends the `id` and the changed properties; absent properties read as `None` or empty.
    pub changed: Vec<CloudUser>,
    /// Ids of users deleted since the previous round.
    pub removed: Vec<String>,
    /// The link to pass to the next round; persist it.
    pub delta_link: String,
}

/// A Microsoft Graph client for one tenant and application.
#[derive(Debug, Clone)]
pub struct GraphClient {
    session: Session,
    base: Url,
}

impl GraphClient {
    /// Prepares the client: parses the URLs and the credential. No request is sent yet.
    ///
    /// # Errors
    /// [`CloudError::Config`] for a URL that does not parse or is not http(s), or an unusable certificate.
    pub fn new(config: &CloudConfig) -> Result<GraphClient, CloudError> {
        let base = parse_base(&config.graph_url, "Graph URL")?;
        Ok(GraphClient {
            session: Session::open(config, &base, "Graph")?,
            base,
        })
    }

    fn url(&self, segments: &[&str]) -> Result<Url, CloudError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| CloudError::Config("the Graph URL cannot take a path".to_owned()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    fn request(&self, method: Method, url: Url, body: Body, idempotent: bool) -> Request {
        let what = format!("{method} {}", url.path());
        Request {
            method,
            url,
            headers: vec![("client-request-id", uuid::Uuid::new_v4().to_string())],
            body,
            idempotent,
            what,
            kind: Kind::Graph,
        }
    }

    /// Every user of the tenant (`GET /users?$select=…&$top=999`, all pages).
    ///
    /// # Errors
    /// [`CloudError::Incomplete`] when a page after the first fails after its retries (nothing is
    /// returned), or the first page's error ([`CloudError::Throttled`], [`CloudError::Forbidden`], ...).
    pub async fn list_users(&self) -> Result<Vec<CloudUser>, CloudError> {
        let mut all = Vec::new();
        self.list_users_pages(|page| all.extend(page)).await?;
        Ok(all)
    }

    /// Like [`GraphClient::list_users`], handing each complete page to `each` as it arrives. Returns the
    /// number of users. When it fails, discard what `each` received: the read is incomplete.
    ///
    /// # Errors
    /// As for [`GraphClient::list_users`].
    pub async fn list_users_pages(
        &self,
        mut each: impl FnMut(Vec<CloudUser>) + Send,
    ) -> Result<usize, CloudError> {
        let mut url = self.url(&["users"])?;
        url.query_pairs_mut()
            .append_pair("$select", USER_SELECT)
            .append_pair("$top", &USER_PAGE_SIZE.to_string());
        let req = self.request(Method::GET, url, Body::None, true);
        let mut n = 0usize;
        self.session
            .read_pages::<CloudUser>(req, NextPage::Get, &mut |page| {
                n += page.len();
                each(page);
            })
            .await?;
        Ok(n)
    }

    /// One round of the users delta: from the start (`delta_link` `None`) or from a kept delta link.
    ///
    /// # Errors
    /// As for [`GraphClient::list_users`]; [`CloudError::InvalidResponse`] when the last page has no
    /// delta link; [`CloudError::Service`] (HTTP 410) when the kept link has expired.
    pub async fn users_delta(&self, delta_link: Option<&str>) -> Result<UsersDelta, CloudError> {
        let url = match delta_link {
            Some(link) => {
                let url = Url::parse(link).map_err(|e| {
                    CloudError::Config(format!("the kept delta link is not a URL: {e}"))
                })?;
                if url.origin() != self.base.origin() {
                    return Err(CloudError::Config(format!(
                        "the kept delta link points to {}, not to the configured Graph URL",
                        url.origin().ascii_serialization()
                    )));
                }
                url
            }
            None => {
                let mut url = self.url(&["users", "delta"])?;
                url.query_pairs_mut().append_pair("$select", USER_SELECT);
                url
            }
        };
        let req = self.request(Method::GET, url, Body::None, true);
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        let meta = self
            .session
            .read_pages::<DeltaEntry>(req, NextPage::Get, &mut |page| {
                for e in page {
                    match e {
                        DeltaEntry::Changed(u) => changed.push(*u),
                        DeltaEntry::Removed(id) => removed.push(id),
                    }
                }
            })
            .await?;
        let delta_link = meta.delta_link.ok_or_else(|| CloudError::InvalidResponse {
            what: "GET /users/delta".to_owned(),
            detail: "the last page has no @odata.deltaLink".to_owned(),
        })?;
        Ok(UsersDelta {
            changed,
            removed,
            delta_link,
        })
    }

    /// One user by id or user principal name, with the model's properties.
    ///
    /// # Errors
    /// [`CloudError::NotFound`] when there is no such user.
    pub async fn get_user(&self, id_or_upn: &str) -> Result<CloudUser, CloudError> {
        let mut url = self.url(&["users", id_or_upn])?;
        url.query_pairs_mut().append_pair("$select", USER_SELECT);
        let req = self.request(Method::GET, url, Body::None, true);
        self.session.send(&req, |body, _| one_user(body)).await
    }

    /// The tenant's domains (`GET /domains`, every page), verified or not.
    ///
    /// # Errors
    /// [`CloudError::Forbidden`] without `Domain.Read.All`; [`CloudError::Incomplete`] when a page after
    /// the first fails (nothing is returned); transport errors.
    pub async fn list_domains(&self) -> Result<Vec<TenantDomain>, CloudError> {
        let url = self.url(&["domains"])?;
        let req = self.request(Method::GET, url, Body::None, true);
        self.read_all(req).await
    }

    /// The tenant's directory synchronization object (`GET /directory/onPremisesSynchronization`), or
    /// `None` when the tenant has none.
    ///
    /// # Errors
    /// [`CloudError::Forbidden`] without `OnPremDirectorySynchronization.Read.All`; transport errors.
    pub async fn tenant_sync(&self) -> Result<Option<TenantSync>, CloudError> {
        let url = self.url(&["directory", "onPremisesSynchronization"])?;
        let req = self.request(Method::GET, url, Body::None, true);
        self.session
            .send(&req, |body, _| {
                let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
                snapshot::read_tenant_sync(text).map_err(|e| e.to_string())
            })
            .await
    }

    /// Sets feature flags of the sync object (`PATCH /directory/onPremisesSynchronization/{id}` with
    /// `{"features":{…}}`). Names are Graph's (`bypassDirSyncOverridesEnabled`), case-insensitive.
    ///
    /// # Errors
    /// [`CloudError::Config`] for an unknown flag name; [`CloudError::Forbidden`] without
    /// `OnPremDirectorySynchronization.ReadWrite.All`; [`CloudError::Service`] when Graph refuses.
    pub async fn update_sync_features(
        &self,
        sync_id: &str,
        changes: &[(&str, bool)],
    ) -> Result<(), CloudError> {
        let mut features = serde_json::Map::new();
        for (name, value) in changes {
            let graph_name = feature_name(name).ok_or_else(|| {
                CloudError::Config(format!(
                    "{name:?} is not an onPremisesSynchronization feature flag"
                ))
            })?;
            features.insert(graph_name.to_owned(), json!(value));
        }
        let body = json!({ "features": features });
        let url = self.url(&["directory", "onPremisesSynchronization", sync_id])?;
        self.no_content(Method::PATCH, url, Some(&body), true).await
    }

    /// Turns BypassDirSyncOverrides on or off (`features.bypassDirSyncOverridesEnabled`).
    ///
    /// # Errors
    /// As for [`GraphClient::update_sync_features`].
    pub async fn set_bypass_dir_sync_overrides(
        &self,
        sync_id: &str,
        enabled: bool,
    ) -> Result<(), CloudError> {
        self.update_sync_features(sync_id, &[("bypassDirSyncOverridesEnabled", enabled)])
            .await
    }

    /// Deletes a user (`DELETE /users/{id}`); it goes to the recycle bin for 30 days.
    ///
    /// # Errors
    /// [`CloudError::NotFound`] when there is no such user.
    pub async fn delete_user(&self, id: &str) -> Result<(), CloudError> {
        let url = self.url(&["users", id])?;
        self.no_content(Method::DELETE, url, None, false).await
    }

    /// Users in the recycle bin (`GET /directory/deletedItems/microsoft.graph.user`, all pages).
    ///
    /// # Errors
    /// As for [`GraphClient::list_users`].
    pub async fn list_deleted_users(&self) -> Result<Vec<CloudUser>, CloudError> {
        let mut url = self.url(&["directory", "deletedItems", "microsoft.graph.user"])?;
        url.query_pairs_mut()
            .append_pair("$select", USER_SELECT)
            .append_pair("$top", &USER_PAGE_SIZE.to_string());
        let req = self.request(Method::GET, url, Body::None, true);
        self.read_all(req).await
    }

    /// Restores a deleted user (`POST /directory/deletedItems/{id}/restore`) and returns it.
    ///
    /// # Errors
    /// [`CloudError::NotFound`] when the id is not in the recycle bin; [`CloudError::Service`] when Graph
    /// refuses (for example a UPN now taken by another user).
    pub async fn restore_deleted_user(&self, id: &str) -> Result<CloudUser, CloudError> {
        let url = self.url(&["directory", "deletedItems", id, "restore"])?;
        let req = self.request(Method::POST, url, Body::Json(b"{}".to_vec()), false);
        self.session.send(&req, |body, _| one_user(body)).await
    }

    /// Deletes a user from the recycle bin for good (`DELETE /directory/deletedItems/{id}`).
    ///
    /// Purging the Entra user does not purge its Exchange Online mailbox, which stays soft-deleted.
    ///
    /// # Errors
    /// [`CloudError::NotFound`] when the id is not in the recycle bin.
    pub async fn purge_deleted_user(&self, id: &str) -> Result<(), CloudError> {
        let url = self.url(&["directory", "deletedItems", id])?;
        self.no_content(Method::DELETE, url, None, false).await
    }

    /// Removes one license from a user (`POST /users/{id}/assignLicense` with `removeLicenses`).
    ///
    /// # Errors
    /// [`CloudError::Service`] when Graph refuses (for example a license assigned through a group).
    pub async fn remove_license(&self, user_id: &str, sku_id: &str) -> Result<(), CloudError> {
        let url = self.url(&["users", user_id, "assignLicense"])?;
        let body = json!({ "addLicenses": [], "removeLicenses": [sku_id] });
        let req = self.request(Method::POST, url, json_body(&body), false);
        self.session.send(&req, |_, _| Ok(())).await
    }

    /// Whether the user's source of authority is the cloud (`GET /users/{id}/onPremisesSyncBehavior`,
    /// `isCloudManaged`).
    ///
    /// # Errors
    /// [`CloudError::NotFound`] when there is no such user; [`CloudError::Forbidden`] without
    /// `User-OnPremisesSyncBehavior.ReadWrite.All`.
    pub async fn on_premises_sync_behavior(&self, user_id: &str) -> Result<bool, CloudError> {
        let url = self.url(&["users", user_id, "onPremisesSyncBehavior"])?;
        let req = self.request(Method::GET, url, Body::None, true);
        self.session
            .send(&req, |body, _| {
                let v: serde_json::Value =
                    serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
                v.get("isCloudManaged")
                    .and_then(serde_json::Value::as_bool)
                    .ok_or_else(|| "no Boolean isCloudManaged in the response".to_owned())
            })
            .await
    }

    /// Sets (or, with `None`, clears) the mobile phone of a cloud-only user (`PATCH /users/{id}`).
    ///
    /// # Errors
    /// [`CloudError::SyncedPhoneBlocked`] when the user is synced: Graph has refused such edits since
    /// 2020, and the fix is in AD. [`CloudError::NotFound`] when there is no such user.
    pub async fn set_mobile_phone(
        &self,
        user: &str,
        mobile: Option<&str>,
    ) -> Result<(), CloudError> {
        let url = self.url(&["users", user])?;
        let body = json!({ "mobilePhone": mobile });
        match self.no_content(Method::PATCH, url, Some(&body), true).await {
            Err(CloudError::Service {
                status: 400,
                message,
                ..
            }) if is_synced_object_refusal(&message) => Err(CloudError::SyncedPhoneBlocked {
                user: user.to_owned(),
            }),
            other => other,
        }
    }

    /// Every item of every page of a paged GET.
    async fn read_all<T: Item + Send>(&self, req: Request) -> Result<Vec<T>, CloudError> {
        let mut all = Vec::new();
        self.session
            .read_pages::<T>(req, NextPage::Get, &mut |page| all.extend(page))
            .await?;
        Ok(all)
    }

    async fn no_content(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        idempotent: bool,
    ) -> Result<(), CloudError> {
        let body = body.map_or(Body::None, json_body);
        let req = self.request(method, url, body, idempotent);
        self.session.send(&req, |_, _| Ok(())).await
    }
}

/// Whether a Graph 400 message is its refusal to edit a directory-synced object.
fn is_synced_object_refusal(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("on-premises mastered") || m.contains("directory sync") || m.contains("dirsync")
}

fn json_body(v: &serde_json::Value) -> Body {
    Body::Json(v.to_string().into_bytes())
}

fn one_user(body: &[u8]) -> Result<CloudUser, String> {
    let mut users = Vec::new();
    crate::snapshot::de::read_slice::<CloudUser>(body, &mut |u| users.push(u))
        .map_err(|e: SnapshotError| e.to_string())?;
    match users.len() {
        1 => users.pop().ok_or_else(|| "no user".to_owned()),
        n => Err(format!("expected one user, found {n}")),
    }
}

/// Whether the URL's host is this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses a base URL, dropping a trailing slash: https, or plain http to a loopback address (an emulator).
pub(crate) fn parse_base(text: &str, what: &str) -> Result<Url, CloudError> {
    let url = Url::parse(text.trim_end_matches('/'))
        .map_err(|e| CloudError::Config(format!("the {what} {text:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(CloudError::Config(format!(
                "the {what} {text:?} uses plain http, which would send credentials unencrypted; http is only \
                 accepted for a local emulator (127.0.0.1, ::1 or localhost)"
            )));
        }
        _ => {
            return Err(CloudError::Config(format!(
                "the {what} {text:?} must be https"
            )));
        }
    }
    if url.cannot_be_a_base() {
        return Err(CloudError::Config(format!(
            "the {what} {text:?} cannot be a base URL"
        )));
    }
    Ok(url)
}

/// The `.default` scope of the service at `base` (`https://graph.microsoft.com/.default`).
pub(crate) fn scope_for(base: &Url) -> String {
    format!("{}/.default", base.origin().ascii_serialization())
}

#[async_trait]
impl CloudDirectory for GraphClient {
    async fn users(&self) -> Result<Vec<CloudUser>, SourceError> {
        Ok(self.list_users().await?)
    }

    async fn tenant_sync(&self) -> Result<Option<TenantSync>, SourceError> {
        Ok(GraphClient::tenant_sync(self).await?)
    }
}

#[cfg(test)]
mod tests;
