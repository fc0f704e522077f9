//! `InMemoryDirectory`: the offline-snapshot source, and the test double for every port.

use async_trait::async_trait;

use crate::model::{CloudUser, ExoRecipient, OnPremUser, Snapshot, TenantSync};
use crate::ports::{CloudDirectory, ExchangeDirectory, OnPremDirectory, SourceError};

/// A directory held in memory: what a snapshot directory (or a test) provides.
#[derive(Debug, Clone, Default)]
pub struct InMemoryDirectory {
    snapshot: Snapshot,
}

impl InMemoryDirectory {
    /// Wraps a snapshot.
    pub fn new(snapshot: Snapshot) -> InMemoryDirectory {
        InMemoryDirectory { snapshot }
    }

    /// The snapshot it serves.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}

#[async_trait]
impl OnPremDirectory for InMemoryDirectory {
    async fn users(&self) -> Result<Vec<OnPremUser>, SourceError> {
        Ok(self.snapshot.on_prem.clone())
    }
}

#[async_trait]
impl CloudDirectory for InMemoryDirectory {
    async fn users(&self) -> Result<Vec<CloudUser>, SourceError> {
        Ok(self.snapshot.cloud.clone())
    }

    async fn tenant_sync(&self) -> Result<Option<TenantSync>, SourceError> {
        Ok(self.snapshot.tenant_sync.clone())
    }
}

#[async_trait]
impl ExchangeDirectory for InMemoryDirectory {
    async fn recipients(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError> {
        Ok(self.snapshot.exo_recipients.clone())
    }

    async fn users(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError> {
        Ok(self.snapshot.exo_users.clone())
    }
}
