//! `ExoClient`: Exchange Online cmdlets over the admin API's InvokeCommand endpoint, the REST
//! transport of the ExchangeOnlineManagement v3 module.
//!
//! InvokeCommand is undocumented and may change without notice (ADR 0001 and the hybrid-identity
//! reference); everything that knows its shape is in this module. A call is a POST of
//! `{"CmdletInput":{"CmdletName":…,"Parameters":{…}}}` to `…/adminapi/beta/{tenant}/InvokeCommand` with
//! the module's headers (app-only `X-AnchorMailbox`, `X-CmdletName`, `Prefer: odata.maxpagesize=1000`,
//! `client-request-id`, `connection-id`); further pages are requested by POSTing the same body to
//! `@odata.nextLink`. `@adminapi.warnings` come back with the results, and error text is taken from
//! `error.details.message` or `error.innererror.internalException.message`.

use async_trait::async_trait;
use idrift_core::model::ExoRecipient;
use idrift_core::ports::{ExchangeDirectory, SourceError};
use reqwest::Method;
use serde_json::{Map, Value, json};
use url::Url;

use crate::config::CloudConfig;
use crate::error::CloudError;
use crate::graph::parse_base;
use crate::http::{Body, Kind, NextPage, Request, Session};
use crate::snapshot::de::{Item, Key, Tracker};

/// The mailbox Exchange Online routes app-only requests through (`SystemMailbox{bb558c35-…}`).
const APP_ONLY_ANCHOR: &str = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";

/// Results of a cmdlet and the warnings Exchange attached to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExoOutput<T> {
    /// The objects the cmdlet returned (every page).
    pub items: Vec<T>,
    /// `@adminapi.warnings`, in order.
    pub warnings: Vec<String>,
}

/// A mailbox restore request (`New-MailboxRestoreRequest`, `Get-MailboxRestoreRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxRestoreRequest {
    /// `Identity`.
    pub identity: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `Status` as Exchange gave it (`Queued`, `InProgress`, `Completed`, `Failed`, ...; a number when
    /// the response carried the enumeration's value).
    pub status: Option<String>,
    /// `RequestGuid`.
    pub request_guid: Option<String>,
    /// `SourceMailbox` (or `SourceDatabase` for a disconnected mailbox).
    pub source_mailbox: Option<String>,
    /// `TargetMailbox`.
    pub target_mailbox: Option<String>,
}

impl MailboxRestoreRequest {
    fn from_value(v: &Value) -> MailboxRestoreRequest {
        MailboxRestoreRequest {
            identity: prop(v, "Identity"),
            name: prop(v, "Name"),
            status: prop(v, "Status"),
            request_guid: prop(v, "RequestGuid"),
            source_mailbox: prop(v, "SourceMailbox").or_else(|| prop(v, "SourceDatabase")),
            target_mailbox: prop(v, "TargetMailbox"),
        }
    }
}

/// A property of a JSON object by case-insensitive name, as text (numbers and Booleans printed).
fn prop(v: &Value, name: &str) -> Option<String> {
    let obj = v.as_object()?;
    let found = obj
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)?;
    match found {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An Exchange Online admin API client for one tenant and application.
#[derive(Debug, Clone)]
pub struct ExoClient {
    session: Session,
    invoke_url: Url,
    anchor: String,
    connection_id: String,
}

impl ExoClient {
    /// Prepares the client. No request is sent yet.
    ///
    /// # Errors
    /// [`CloudError::Config`] for a bad URL or certificate, or when neither `tenant` nor
    /// `exo_organization` is the tenant's `*.onmicrosoft.com` domain (the app-only anchor mailbox needs
    /// it).
    pub fn new(config: &CloudConfig) -> Result<ExoClient, CloudError> {
        let base = parse_base(&config.exo_url, "Exchange Online URL")?;
        let organization = config
            .exo_organization
            .clone()
            .or_else(|| {
                config
                    .tenant
                    .to_ascii_lowercase()
                    .ends_with(".onmicrosoft.com")
                    .then(|| config.tenant.clone())
            })
            .ok_or_else(|| {
                CloudError::Config(format!(
                    "Exchange Online needs the tenant's initial domain (contoso.onmicrosoft.com) for its app-only \
                     anchor mailbox; the tenant {:?} is not one, so give the organization as well",
                    config.tenant
                ))
            })?;
        let mut invoke_url = base.clone();
        invoke_url
            .path_segments_mut()
            .map_err(|()| {
                CloudError::Config("the Exchange Online URL cannot take a path".to_owned())
            })?
            .pop_if_empty()
            .extend(["adminapi", "beta", config.tenant.as_str(), "InvokeCommand"]);
        Ok(ExoClient {
            session: Session::open(config, &base, "Exchange Online")?,
            invoke_url,
            anchor: format!("UPN:{APP_ONLY_ANCHOR}@{organization}"),
            connection_id: uuid::Uuid::new_v4().to_string(),
        })
    }

    fn request(&self, cmdlet: &str, parameters: &Map<String, Value>, idempotent: bool) -> Request {
        let body = json!({ "CmdletInput": { "CmdletName": cmdlet, "Parameters": parameters } });
        Request {
            method: Method::POST,
            url: self.invoke_url.clone(),
            headers: vec![
                ("Accept", "application/json".to_owned()),
                ("X-CmdletName", cmdlet.to_owned()),
                ("X-AnchorMailbox", self.anchor.clone()),
                ("Prefer", "odata.maxpagesize=1000".to_owned()),
                ("X-ResponseFormat", "json".to_owned()),
                ("X-SerializationLevel", "Partial".to_owned()),
                ("X-ClientApplication", "ExoManagementModule".to_owned()),
                ("connection-id", self.connection_id.clone()),
                ("client-request-id", uuid::Uuid::new_v4().to_string()),
            ],
            body: Body::Json(body.to_string().into_bytes()),
            idempotent,
            what: cmdlet.to_owned(),
            kind: Kind::Exo {
                cmdlet: cmdlet.to_owned(),
            },
        }
    }

    async fn run<T: Item + Send>(
        &self,
        cmdlet: &str,
        parameters: Map<String, Value>,
        idempotent: bool,
    ) -> Result<ExoOutput<T>, CloudError> {
        let req = self.request(cmdlet, &parameters, idempotent);
        let mut items = Vec::new();
        let meta = self
            .session
            .read_pages::<T>(req, NextPage::PostSameBody, &mut |page| items.extend(page))
            .await?;
        for w in &meta.warnings {
            tracing::warn!(cmdlet, "Exchange Online warning: {w}");
        }
        Ok(ExoOutput {
            items,
            warnings: meta.warnings,
        })
    }

    /// Runs any cmdlet and returns its objects as JSON values (every page).
    ///
    /// Cmdlets that change something are not retried after a timeout or a broken response, because
    /// they may have taken effect; reads (`Get-*`) are.
    ///
    /// # Errors
    /// [`CloudError::Exchange`] with Exchange's error text; transport errors as for Graph.
    pub async fn invoke(
        &self,
        cmdlet: &str,
        parameters: Map<String, Value>,
    ) -> Result<ExoOutput<Value>, CloudError> {
        let idempotent = cmdlet.starts_with("Get-");
        let out = self
            .run::<RawObject>(cmdlet, parameters, idempotent)
            .await?;
        Ok(ExoOutput {
            items: out.items.into_iter().map(|o| o.0).collect(),
            warnings: out.warnings,
        })
    }

    /// `Get-User -ResultSize Unlimited` (carries `PreviousRecipientTypeDetails`).
    ///
    /// # Errors
    /// As for [`ExoClient::invoke`]; [`CloudError::Incomplete`] when a later page fails.
    pub async fn get_users(&self) -> Result<ExoOutput<ExoRecipient>, CloudError> {
        self.run("Get-User", unlimited(), true).await
    }

    /// `Get-Recipient -ResultSize Unlimited`, with `-IncludeSoftDeletedRecipients` when asked.
    ///
    /// # Errors
    /// As for [`ExoClient::get_users`].
    pub async fn get_recipients(
        &self,
        include_soft_deleted: bool,
    ) -> Result<ExoOutput<ExoRecipient>, CloudError> {
        let mut p = unlimited();
        switch(&mut p, "IncludeSoftDeletedRecipients", include_soft_deleted);
        self.run("Get-Recipient", p, true).await
    }

    /// `Get-Mailbox -ResultSize Unlimited`, or with `-SoftDeletedMailbox` the soft-deleted mailboxes.
    ///
    /// # Errors
    /// As for [`ExoClient::get_users`].
    pub async fn get_mailboxes(
        &self,
        soft_deleted: bool,
    ) -> Result<ExoOutput<ExoRecipient>, CloudError> {
        let mut p = unlimited();
        switch(&mut p, "SoftDeletedMailbox", soft_deleted);
        let mut out = self.run::<ExoRecipient>("Get-Mailbox", p, true).await?;
        if soft_deleted {
            for r in &mut out.items {
                r.is_soft_deleted = true;
            }
        }
        Ok(out)
    }

    /// `Get-MailUser -ResultSize Unlimited`.
    ///
    /// # Errors
    /// As for [`ExoClient::get_users`].
    pub async fn get_mail_users(&self) -> Result<ExoOutput<ExoRecipient>, CloudError> {
        self.run("Get-MailUser", unlimited(), true).await
    }

    /// `Set-User -Identity … -PermanentlyClearPreviousMailboxInfo -Confirm:$false`: destroys the data of
    /// the user's previous cloud mailbox. Returns Exchange's warnings.
    ///
    /// # Errors
    /// [`CloudError::Exchange`] when Exchange refuses (for example an unknown identity).
    pub async fn clear_previous_mailbox_info(
        &self,
        identity: &str,
    ) -> Result<Vec<String>, CloudError> {
        let mut p = Map::new();
        p.insert("Identity".to_owned(), json!(identity));
        p.insert(
            "PermanentlyClearPreviousMailboxInfo".to_owned(),
            json!(true),
        );
        p.insert("Confirm".to_owned(), json!(false));
        Ok(self.run::<RawObject>("Set-User", p, false).await?.warnings)
    }

    /// `New-MailboxRestoreRequest -SourceMailbox … -TargetMailbox …` (merges a soft-deleted mailbox into
    /// a live one), optionally with `-AllowLegacyDNMismatch`.
    ///
    /// # Errors
    /// [`CloudError::Exchange`] when Exchange refuses; [`CloudError::InvalidResponse`] when it returns
    /// no request object.
    pub async fn new_mailbox_restore_request(
        &self,
        source_mailbox: &str,
        target_mailbox: &str,
        allow_legacy_dn_mismatch: bool,
    ) -> Result<ExoOutput<MailboxRestoreRequest>, CloudError> {
        let mut p = Map::new();
        p.insert("SourceMailbox".to_owned(), json!(source_mailbox));
        p.insert("TargetMailbox".to_owned(), json!(target_mailbox));
        switch(&mut p, "AllowLegacyDNMismatch", allow_legacy_dn_mismatch);
        let out = self.invoke("New-MailboxRestoreRequest", p).await?;
        if out.items.is_empty() {
            return Err(CloudError::InvalidResponse {
                what: "New-MailboxRestoreRequest".to_owned(),
                detail: "Exchange returned no restore request".to_owned(),
            });
        }
        Ok(restore_requests(out))
    }

    /// `Get-MailboxRestoreRequest`, all of them or those of one `identity`.
    ///
    /// # Errors
    /// As for [`ExoClient::invoke`].
    pub async fn get_mailbox_restore_requests(
        &self,
        identity: Option<&str>,
    ) -> Result<ExoOutput<MailboxRestoreRequest>, CloudError> {
        let mut p = Map::new();
        if let Some(id) = identity {
            p.insert("Identity".to_owned(), json!(id));
        } else {
            p.insert("ResultSize".to_owned(), json!("Unlimited"));
        }
        let out = self.invoke("Get-MailboxRestoreRequest", p).await?;
        Ok(restore_requests(out))
    }

    /// `Get-MigrationUserStatistics -Identity …` (with `-IncludeReport` when asked), as raw JSON for the
    /// migration report reader.
    ///
    /// # Errors
    /// As for [`ExoClient::invoke`].
    pub async fn get_migration_user_statistics(
        &self,
        identity: &str,
        include_report: bool,
    ) -> Result<ExoOutput<Value>, CloudError> {
        let mut p = Map::new();
        p.insert("Identity".to_owned(), json!(identity));
        switch(&mut p, "IncludeReport", include_report);
        self.invoke("Get-MigrationUserStatistics", p).await
    }
}

/// The restore requests a `*-MailboxRestoreRequest` cmdlet returned.
fn restore_requests(out: ExoOutput<Value>) -> ExoOutput<MailboxRestoreRequest> {
    ExoOutput {
        items: out
            .items
            .iter()
            .map(MailboxRestoreRequest::from_value)
            .collect(),
        warnings: out.warnings,
    }
}

/// Sets a cmdlet's switch parameter (`-Name:$true`) when `on`; leaves it out otherwise.
fn switch(p: &mut Map<String, Value>, name: &str, on: bool) {
    if on {
        p.insert(name.to_owned(), json!(true));
    }
}

fn unlimited() -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("ResultSize".to_owned(), json!("Unlimited"));
    p
}

#[async_trait]
impl ExchangeDirectory for ExoClient {
    async fn recipients(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError> {
        Ok(Some(self.get_recipients(false).await?.items))
    }

    async fn users(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError> {
        Ok(Some(self.get_users().await?.items))
    }
}

/// Any JSON object of a `value` array, kept whole.
struct RawObject(Value);

impl Item for RawObject {
    type Field = String;
    type Acc = Map<String, Value>;
    const WHAT: &'static str = "an object";

    fn classify(key: &str) -> Key<String> {
        if key == "value" {
            Key::Page
        } else {
            Key::Field(key.to_owned())
        }
    }

    fn item_key(key: &str) -> Key<String> {
        Key::Field(key.to_owned())
    }

    fn field<'de, A: serde::de::MapAccess<'de>>(
        acc: &mut Map<String, Value>,
        key: String,
        map: &mut A,
        _t: &Tracker,
    ) -> Result<(), A::Error> {
        let v = map.next_value::<Value>()?;
        acc.insert(key, v);
        Ok(())
    }

    fn finish<E: serde::de::Error>(acc: Map<String, Value>) -> Result<Option<RawObject>, E> {
        Ok(Some(RawObject(Value::Object(acc))))
    }
}
