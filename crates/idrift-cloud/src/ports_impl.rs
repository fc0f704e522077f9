//! `GraphClient` as the core's write port [`TenantSyncAdmin`]: the BypassDirSyncOverrides switch and a
//! cloud-only user's `mobilePhone`, for the application layer's bypass, set, clear and undo.
//!
//! Graph's refusal to change a synced user's phone becomes [`SourceError::Refused`] with the one sentence
//! the whole tool uses ([`SYNCED_PHONE_REFUSAL`]), and a missing user is `None` rather than an error.

use async_trait::async_trait;
use idrift_core::model::CloudUser;
use idrift_core::ports::{SourceError, TenantSyncAdmin};
use idrift_core::writes::SYNCED_PHONE_REFUSAL;

use crate::error::CloudError;
use crate::graph::GraphClient;

/// The port error for a phone write.
fn phone_error(e: CloudError) -> SourceError {
    match e {
        CloudError::SyncedPhoneBlocked { .. } => {
            SourceError::Refused(SYNCED_PHONE_REFUSAL.to_owned())
        }
        other => other.into(),
    }
}

#[async_trait]
impl TenantSyncAdmin for GraphClient {
    async fn find_cloud_user(&self, upn_or_id: &str) -> Result<Option<CloudUser>, SourceError> {
        match self.get_user(upn_or_id.trim()).await {
            Ok(u) => Ok(Some(u)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn set_bypass_dir_sync_overrides(
        &self,
        sync_id: &str,
        enabled: bool,
    ) -> Result<(), SourceError> {
        Ok(GraphClient::set_bypass_dir_sync_overrides(self, sync_id, enabled).await?)
    }

    async fn set_cloud_mobile(
        &self,
        user_id: &str,
        mobile: Option<&str>,
    ) -> Result<(), SourceError> {
        self.set_mobile_phone(user_id, mobile)
            .await
            .map_err(phone_error)
    }
}

#[cfg(test)]
mod tests;
