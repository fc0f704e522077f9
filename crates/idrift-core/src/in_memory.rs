//! `InMemoryDirectory`: the offline-snapshot source, and the test double for every port.
//!
//! It also implements the write ports ([`OnPremPhoneWriter`], [`TenantSyncAdmin`]) with the same contracts as
//! the live adapters (compare-and-set phone writes, Graph's refusal of a synced user's `mobilePhone`), behind
//! interior mutability so one value is read and written through shared references, as a live directory is.

use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use crate::model::{CloudUser, ExoRecipient, OnPremUser, Snapshot, TenantSync};
use crate::ports::{
    CloudDirectory, ExchangeDirectory, OnPremDirectory, OnPremPhoneWriter, SourceError,
    TenantSyncAdmin,
};
use crate::writes::{PhoneChange, Phones, SYNCED_PHONE_REFUSAL, UserKey};

/// A directory held in memory: what a snapshot directory (or a test) provides.
#[derive(Debug, Default)]
pub struct InMemoryDirectory {
    snapshot: Mutex<Snapshot>,
}

impl Clone for InMemoryDirectory {
    fn clone(&self) -> InMemoryDirectory {
        InMemoryDirectory::new(self.snapshot())
    }
}

impl InMemoryDirectory {
    /// Wraps a snapshot.
    pub fn new(snapshot: Snapshot) -> InMemoryDirectory {
        InMemoryDirectory {
            snapshot: Mutex::new(snapshot),
        }
    }

    /// A copy of the snapshot it serves, with every write made so far.
    pub fn snapshot(&self) -> Snapshot {
        self.lock().clone()
    }

    /// The snapshot it serves, with every write made so far.
    pub fn into_snapshot(self) -> Snapshot {
        self.snapshot
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the data in place, as another administrator (or sync) would between two reads.
    pub fn edit<R>(&self, f: impl FnOnce(&mut Snapshot) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Snapshot> {
        // A panic while holding the lock cannot leave a half-written user: every write assigns whole fields.
        self.snapshot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes `new` to the phones of `target` when they still hold `expected` (compare-and-set; no expectation:
/// whatever they hold); returns the values before and after. Every in-memory directory writes this way.
///
/// # Errors
/// [`SourceError::Conflict`], having written nothing, when the phones differ from `expected`.
pub fn set_user_phones(
    target: &mut OnPremUser,
    new: &Phones,
    expected: Option<&Phones>,
) -> Result<PhoneChange, SourceError> {
    let before = Phones::of(target);
    if let Some(expected) = expected
        && !before.same_values(expected)
    {
        return Err(SourceError::Conflict(format!(
            "{}: expected {expected}, found {before}",
            target.distinguished_name
        )));
    }
    let new = new.normalized();
    target.mobile = new.mobile;
    target.other_mobile = new.other_mobile;
    Ok(PhoneChange {
        distinguished_name: target.distinguished_name.clone(),
        before,
        after: Phones::of(target),
    })
}

/// Sets the `mobilePhone` of the Entra user `user` (a blank value clears it), refusing a synced user as
/// Graph does; returns the value before.
///
/// # Errors
/// [`SourceError::Refused`] ([`SYNCED_PHONE_REFUSAL`]) for a synced user.
pub fn set_user_mobile(
    user: &mut CloudUser,
    mobile: Option<&str>,
) -> Result<Option<String>, SourceError> {
    if user.is_synced() {
        return Err(SourceError::Refused(SYNCED_PHONE_REFUSAL.to_owned()));
    }
    let before = user.mobile_phone.take();
    user.mobile_phone = mobile.map(str::to_owned).filter(|m| !m.trim().is_empty());
    Ok(before)
}

/// The index of the one on-premises user `key` names.
fn find_index(users: &[OnPremUser], key: &UserKey) -> Result<Option<usize>, SourceError> {
    let mut found = users
        .iter()
        .enumerate()
        .filter(|(_, u)| key.matches(u))
        .map(|(i, _)| i);
    match (found.next(), found.next()) {
        (None, _) => Ok(None),
        (Some(i), None) => Ok(Some(i)),
        (Some(_), Some(_)) => Err(SourceError::InvalidData(format!(
            "{key} names more than one user; name the user by DN or objectGUID"
        ))),
    }
}

#[async_trait]
impl OnPremDirectory for InMemoryDirectory {
    async fn users(&self) -> Result<Vec<OnPremUser>, SourceError> {
        Ok(self.lock().on_prem.clone())
    }

    fn anchor(&self) -> crate::matching::Anchor {
        self.lock().anchor
    }
}

#[async_trait]
impl CloudDirectory for InMemoryDirectory {
    async fn users(&self) -> Result<Vec<CloudUser>, SourceError> {
        Ok(self.lock().cloud.clone())
    }

    async fn tenant_sync(&self) -> Result<Option<TenantSync>, SourceError> {
        Ok(self.lock().tenant_sync.clone())
    }
}

#[async_trait]
impl ExchangeDirectory for InMemoryDirectory {
    async fn recipients(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError> {
        Ok(self.lock().exo_recipients.clone())
    }

    async fn users(&self) -> Result<Option<Vec<ExoRecipient>>, SourceError> {
        Ok(self.lock().exo_users.clone())
    }
}

#[async_trait]
impl OnPremPhoneWriter for InMemoryDirectory {
    async fn find_user(&self, user: &UserKey) -> Result<Option<OnPremUser>, SourceError> {
        let snap = self.lock();
        Ok(find_index(&snap.on_prem, user)?.and_then(|i| snap.on_prem.get(i).cloned()))
    }

    async fn set_phones(
        &self,
        user: &UserKey,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, SourceError> {
        let mut snap = self.lock();
        let Some(target) = find_index(&snap.on_prem, user)?.and_then(|i| snap.on_prem.get_mut(i))
        else {
            return Err(SourceError::NotFound(format!("no AD user with {user}")));
        };
        set_user_phones(target, new, expected)
    }
}

#[async_trait]
impl TenantSyncAdmin for InMemoryDirectory {
    async fn find_cloud_user(&self, upn_or_id: &str) -> Result<Option<CloudUser>, SourceError> {
        let key = upn_or_id.trim();
        let snap = self.lock();
        let by_id = snap.cloud.iter().find(|u| u.id.eq_ignore_ascii_case(key));
        let found = by_id.or_else(|| {
            snap.cloud.iter().find(|u| {
                u.user_principal_name
                    .as_deref()
                    .is_some_and(|upn| upn.trim().eq_ignore_ascii_case(key))
            })
        });
        Ok(found.cloned())
    }

    async fn set_bypass_dir_sync_overrides(
        &self,
        sync_id: &str,
        enabled: bool,
    ) -> Result<(), SourceError> {
        let mut snap = self.lock();
        match snap.tenant_sync.as_mut() {
            Some(sync) if sync.id == sync_id => {
                sync.features.bypass_dir_sync_overrides_enabled = enabled;
                Ok(())
            }
            _ => Err(SourceError::NotFound(format!(
                "no onPremisesDirectorySynchronization object with id {sync_id}"
            ))),
        }
    }

    async fn set_cloud_mobile(
        &self,
        user_id: &str,
        mobile: Option<&str>,
    ) -> Result<(), SourceError> {
        let mut snap = self.lock();
        let Some(user) = snap
            .cloud
            .iter_mut()
            .find(|u| u.id.eq_ignore_ascii_case(user_id.trim()))
        else {
            return Err(SourceError::NotFound(format!(
                "no Entra user with id {user_id}"
            )));
        };
        set_user_mobile(user, mobile).map(|_| ())
    }
}

#[cfg(test)]
mod tests;
