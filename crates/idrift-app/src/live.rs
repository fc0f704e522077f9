//! Live sources: Active Directory over LDAP, Microsoft Graph and Exchange Online, read concurrently into one
//! snapshot.
//!
//! The front ends build the configurations (flags, profiles, secrets from the environment or a prompt) and
//! call [`read`]. A read either returns everything it was asked for or fails: a lost page is an error, never
//! a short list.

use idrift_core::model::Snapshot;
use idrift_core::ports::SourceError;

pub use idrift_cloud::{
    CloudConfig, Credential, DEFAULT_AUTHORITY_URL, DEFAULT_EXO_URL, DEFAULT_GRAPH_URL, ExoClient,
    GraphClient, RetryPolicy,
};
pub use idrift_ldap::{LdapConfig, LdapDirectory, SecretString};

use crate::AppError;

/// What to read live. `None` parts are not read.
#[derive(Debug, Clone, Default)]
pub struct LiveSpec {
    /// Active Directory users.
    pub ad: Option<LdapConfig>,
    /// Entra ID users and the tenant sync object.
    pub graph: Option<CloudConfig>,
    /// Exchange Online recipients (`Get-Recipient`) and users (`Get-User`).
    pub exo: Option<CloudConfig>,
}

/// What a live read returned; each part is `Some` exactly when it was asked for.
#[derive(Debug, Clone, Default)]
pub struct LiveData {
    /// AD users.
    pub on_prem: Option<Vec<idrift_core::model::OnPremUser>>,
    /// Entra ID users and the tenant sync object.
    pub cloud: Option<(
        Vec<idrift_core::model::CloudUser>,
        Option<idrift_core::model::TenantSync>,
    )>,
    /// Exchange Online recipients and users.
    pub exo: Option<(
        Vec<idrift_core::model::ExoRecipient>,
        Vec<idrift_core::model::ExoRecipient>,
    )>,
    /// Warnings the services returned (Exchange's `@adminapi.warnings`).
    pub warnings: Vec<String>,
}

impl LiveData {
    /// Merges the parts that were read into `snapshot`, replacing what it held for them.
    pub fn merge_into(self, snapshot: &mut Snapshot) {
        if let Some(on_prem) = self.on_prem {
            snapshot.on_prem = on_prem;
        }
        if let Some((cloud, sync)) = self.cloud {
            snapshot.cloud = cloud;
            snapshot.tenant_sync = sync;
        }
        if let Some((recipients, users)) = self.exo {
            snapshot.exo_recipients = Some(recipients);
            snapshot.exo_users = Some(users);
        }
    }
}

fn source(context: &str, e: impl Into<SourceError>) -> AppError {
    AppError::Live {
        context: context.to_owned(),
        source: e.into(),
    }
}

/// Connects to a domain controller (TLS as configured, then a simple bind).
///
/// # Errors
/// [`AppError::Live`] naming the server and why (TLS, bind, unreachable); never the password.
pub async fn open_ad(cfg: &LdapConfig) -> Result<LdapDirectory, AppError> {
    LdapDirectory::connect(cfg)
        .await
        .map_err(|e| source(&format!("Active Directory {}", cfg.url), e))
}

/// Builds a Graph client (no request is sent until it is used).
///
/// # Errors
/// [`AppError::Live`] when the configuration is unusable (bad URL, unreadable certificate).
pub fn open_graph(cfg: &CloudConfig) -> Result<GraphClient, AppError> {
    GraphClient::new(cfg).map_err(|e| source("Microsoft Graph", e))
}

/// Builds an Exchange Online client.
///
/// # Errors
/// [`AppError::Live`] when the configuration is unusable.
pub fn open_exo(cfg: &CloudConfig) -> Result<ExoClient, AppError> {
    ExoClient::new(cfg).map_err(|e| source("Exchange Online", e))
}

/// What `read` reads with the configuration when there is one; `None` when there is none.
async fn when_set<'a, C, T, F>(
    cfg: &'a Option<C>,
    read: impl FnOnce(&'a C) -> F,
) -> Result<Option<T>, AppError>
where
    F: Future<Output = Result<T, AppError>>,
{
    match cfg {
        Some(c) => read(c).await.map(Some),
        None => Ok(None),
    }
}

/// Reads every part of `spec` concurrently.
///
/// # Errors
/// The first failure, naming the service; nothing partial is returned.
pub async fn read(spec: &LiveSpec) -> Result<LiveData, AppError> {
    let ad = when_set(&spec.ad, |cfg| async move {
        let dir = open_ad(cfg).await?;
        dir.read_users()
            .await
            .map_err(|e| source(&format!("Active Directory {}", cfg.url), e))
    });
    let graph = when_set(&spec.graph, |cfg| async move {
        let client = open_graph(cfg)?;
        let users = client
            .list_users()
            .await
            .map_err(|e| source("Microsoft Graph users", e))?;
        let sync = client
            .tenant_sync()
            .await
            .map_err(|e| source("Microsoft Graph onPremisesSynchronization", e))?;
        Ok((users, sync))
    });
    let exo = when_set(&spec.exo, |cfg| async move {
        let client = open_exo(cfg)?;
        let recipients = client
            .get_recipients(false)
            .await
            .map_err(|e| source("Exchange Online Get-Recipient", e))?;
        let users = client
            .get_users()
            .await
            .map_err(|e| source("Exchange Online Get-User", e))?;
        let mut warnings = recipients.warnings.clone();
        warnings.extend(users.warnings.iter().cloned());
        Ok((recipients.items, users.items, warnings))
    });
    let (ad, graph, exo) = tokio::join!(ad, graph, exo);
    let mut data = LiveData {
        on_prem: ad?,
        cloud: graph?,
        ..LiveData::default()
    };
    if let Some((recipients, users, warnings)) = exo? {
        data.exo = Some((recipients, users));
        data.warnings = warnings;
    }
    Ok(data)
}
