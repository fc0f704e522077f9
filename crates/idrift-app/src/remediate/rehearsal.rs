//! Rehearsing a remediation on a snapshot directory: [`RehearsalTarget`] runs every step against the
//! snapshot's files instead of the live services, so the whole sequence can be tried offline.
//!
//! Each write changes the snapshot the way the service would, and edits the files it touched in place
//! ([`patch`]: every byte the change does not touch stays; each file is replaced atomically, before the write
//! is reported):
//!
//! - deleting a user moves it from `entra-users.json` to the recycle bin, [`DELETED_USERS_FILE`], and makes
//!   its Exchange mailbox soft-deleted (`exo-recipients.json`); restoring moves it back and reconnects the
//!   mailbox; purging removes it for good, and the soft-deleted mailbox loses its ExternalDirectoryObjectId;
//! - removing a user's last license turns its cloud mailbox into a MailUser with `PreviousRecipientTypeDetails`
//!   `UserMailbox`, carrying the on-premises ExchangeGuid when the AD twin has one (article 001);
//! - clearing the previous mailbox info sets `PreviousRecipientTypeDetails` to `None` (`exo-users.json`);
//! - a mailbox restore request is added, `Queued`, to [`RESTORE_REQUESTS_FILE`] (idrift's own file, written
//!   whole);
//! - proxy-address changes and moves edit the entry's lines in `ad.ldif`.
//!
//! What people and other services do between the steps (a sync cycle, a migration, a restore completing) is
//! not simulated: to rehearse past a manual step or a check waiting for one, edit the files as that step would
//! (or take a new snapshot) and resume.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use idrift_core::Guid;
use idrift_core::anchor::immutable_id_from_guid;
use idrift_core::exchange::RecipientTypeDetails;
use idrift_core::model::{AssignedLicense, CloudUser, ExoRecipient, OnPremUser, Snapshot};
use idrift_core::ports::SourceError;
use idrift_core::writes::UserKey;
use sha2::{Digest, Sha256};

use super::target::{RemediationTarget, RestoreRequest, Side, names};
use crate::AppError;
use crate::files::{read_text, write_atomic, write_err};
use crate::snapshot::{AD_FILE, ENTRA_USERS_FILE, EXO_RECIPIENTS_FILE, EXO_USERS_FILE};
use idrift_core::dn::{same_dn, split_dn};

mod patch;

/// The recycle bin of a rehearsed snapshot: Graph user JSON, like `entra-users.json`.
pub const DELETED_USERS_FILE: &str = "entra-deleted-users.json";
/// The mailbox restore requests a rehearsal made: a JSON array of `Get-MailboxRestoreRequest` objects.
pub const RESTORE_REQUESTS_FILE: &str = "exo-restore-requests.json";

/// Everything a rehearsal changes.
#[derive(Debug, Clone, Default)]
struct State {
    snapshot: Snapshot,
    deleted: Vec<CloudUser>,
    requests: Vec<RestoreRequest>,
}

/// Which files a change touched.
#[derive(Debug, Clone, Copy, Default)]
struct Touched {
    ad: bool,
    entra: bool,
    deleted: bool,
    recipients: bool,
    users: bool,
    requests: bool,
}

/// A snapshot directory that remediation steps are rehearsed on (see the module documentation).
#[derive(Debug)]
pub struct RehearsalTarget {
    dir: PathBuf,
    state: Mutex<State>,
    /// The snapshot's lock (`DIR/.idrift.lock`), held while the target is open.
    _lock: crate::lock::TargetLock,
}

impl RehearsalTarget {
    /// Opens a snapshot directory, with the recycle bin and restore requests of earlier rehearsal runs.
    /// Returns the readers' warnings too.
    ///
    /// # Errors
    /// As for [`crate::snapshot::load_dir`]; [`AppError::Parse`] naming [`DELETED_USERS_FILE`] or
    /// [`RESTORE_REQUESTS_FILE`] when one is unreadable.
    pub fn open(dir: &Path) -> Result<(RehearsalTarget, Vec<String>), AppError> {
        if !dir.is_dir() {
            // The reader names what is missing; no lock file is made in a directory that is not there.
            crate::snapshot::load_dir(dir)?;
        }
        let files = [
            AD_FILE,
            ENTRA_USERS_FILE,
            DELETED_USERS_FILE,
            EXO_RECIPIENTS_FILE,
            EXO_USERS_FILE,
            RESTORE_REQUESTS_FILE,
        ]
        .map(|f| dir.join(f));
        let lock = crate::lock::acquire_dir(dir, &files)?;
        let loaded = crate::snapshot::load_dir(dir)?;
        let deleted_path = dir.join(DELETED_USERS_FILE);
        let deleted = if deleted_path.is_file() {
            crate::snapshot::load_entra_file(&deleted_path)?
        } else {
            Vec::new()
        };
        let requests_path = dir.join(RESTORE_REQUESTS_FILE);
        let requests = if requests_path.is_file() {
            let text = read_text(&requests_path)?;
            crate::strict::check_json(&requests_path, &text, 1)?;
            serde_json::from_str(&text).map_err(|e| AppError::Parse {
                path: requests_path.clone(),
                message: format!(
                    "line {}: expected a JSON array of restore requests: {e}",
                    e.line()
                ),
            })?
        } else {
            Vec::new()
        };
        let target = RehearsalTarget {
            dir: dir.to_path_buf(),
            state: Mutex::new(State {
                snapshot: loaded.snapshot,
                deleted,
                requests,
            }),
            _lock: lock,
        };
        Ok((target, loaded.warnings))
    }

    /// The snapshot as rehearsed so far.
    pub fn snapshot(&self) -> Snapshot {
        self.lock().snapshot.clone()
    }

    /// The recycle bin as rehearsed so far.
    pub fn deleted_users(&self) -> Vec<CloudUser> {
        self.lock().deleted.clone()
    }

    /// The restore requests made so far.
    pub fn restore_request_list(&self) -> Vec<RestoreRequest> {
        self.lock().requests.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change is made on a copy and stored whole, so a panic cannot leave a half-made change.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes a change on a copy of the state, writes the files it touched, then keeps it. When a file
    /// cannot be written the state stays as it was (files written before it keep the change).
    fn change<R>(
        &self,
        f: impl FnOnce(&mut State) -> Result<(R, Touched), SourceError>,
    ) -> Result<R, SourceError> {
        let mut guard = self.lock();
        let mut next = guard.clone();
        let (result, touched) = f(&mut next)?;
        self.save(&guard, &next, touched)
            .map_err(|e| SourceError::Unavailable(e.to_string()))?;
        *guard = next;
        Ok(result)
    }

    /// Edits the files `t` names from the state `old` to the state `s` ([`patch`]).
    fn save(&self, old: &State, s: &State, t: Touched) -> Result<(), AppError> {
        if t.ad {
            patch::ad(
                &self.dir.join(AD_FILE),
                &old.snapshot.on_prem,
                &s.snapshot.on_prem,
            )?;
        }
        if t.entra || t.deleted {
            patch::entra(
                &self.dir.join(ENTRA_USERS_FILE),
                &self.dir.join(DELETED_USERS_FILE),
                (&old.snapshot.cloud, &old.deleted),
                (&s.snapshot.cloud, &s.deleted),
            )?;
        }
        if t.recipients
            && let (Some(o), Some(n)) = (&old.snapshot.exo_recipients, &s.snapshot.exo_recipients)
        {
            patch::exo(&self.dir.join(EXO_RECIPIENTS_FILE), o, n)?;
        }
        if t.users
            && let (Some(o), Some(n)) = (&old.snapshot.exo_users, &s.snapshot.exo_users)
        {
            patch::exo(&self.dir.join(EXO_USERS_FILE), o, n)?;
        }
        if t.requests {
            let p = self.dir.join(RESTORE_REQUESTS_FILE);
            write_atomic(&p, |w| {
                serde_json::to_writer_pretty(w, &s.requests)
                    .map_err(|e| write_err(&p)(std::io::Error::other(e)))
            })?;
        }
        Ok(())
    }

    fn no_exo(what: &str) -> SourceError {
        SourceError::Refused(format!(
            "the snapshot has no {what}: Exchange Online steps cannot be rehearsed without it"
        ))
    }
}

fn is_deleted(s: &State, id: Option<&str>) -> bool {
    id.is_some_and(|id| !id.is_empty() && s.deleted.iter().any(|d| d.id == id))
}

fn cloud_index(s: &State, id: &str) -> Result<usize, SourceError> {
    s.snapshot
        .cloud
        .iter()
        .position(|u| u.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| SourceError::NotFound(format!("Entra user {id}")))
}

/// The Exchange recipients (`exo-recipients.json`); without them, Exchange Online steps are refused.
fn recipients(s: &State) -> Result<&[ExoRecipient], SourceError> {
    s.snapshot
        .exo_recipients
        .as_deref()
        .ok_or_else(|| RehearsalTarget::no_exo("exo-recipients.json"))
}

/// The Exchange users (`exo-users.json`); without them, Exchange Online steps are refused.
fn exo_users(s: &State) -> Result<&[ExoRecipient], SourceError> {
    s.snapshot
        .exo_users
        .as_deref()
        .ok_or_else(|| RehearsalTarget::no_exo("exo-users.json"))
}

fn deleted_index(s: &State, id: &str) -> Result<usize, SourceError> {
    s.deleted
        .iter()
        .position(|u| u.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| SourceError::NotFound(format!("Entra user {id} in the recycle bin")))
}

fn ad_index(s: &State, dn: &str) -> Result<usize, SourceError> {
    s.snapshot
        .on_prem
        .iter()
        .position(|u| same_dn(&u.distinguished_name, dn))
        .ok_or_else(|| SourceError::NotFound(format!("AD user {dn:?}")))
}

/// The AD twin of a cloud user: the user whose source anchor is its ImmutableId.
fn twin<'a>(s: &'a State, user: &CloudUser) -> Option<&'a OnPremUser> {
    let id = user.on_premises_immutable_id.as_deref()?;
    s.snapshot.on_prem.iter().find(|a| {
        a.source_anchor()
            .is_some_and(|g| immutable_id_from_guid(&g) == id)
    })
}

/// A restore request GUID derived from what it restores, so a rehearsal is repeatable.
fn request_guid(source: Guid, target: &str, n: usize) -> Guid {
    let mut h = Sha256::new();
    h.update(source.to_string().as_bytes());
    h.update(target.to_ascii_lowercase().as_bytes());
    h.update(n.to_le_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    Guid::from_bytes_le(b)
}

#[async_trait]
impl RemediationTarget for RehearsalTarget {
    fn description(&self) -> String {
        format!(
            "the snapshot {} (rehearsal: edited in place, only what the steps change changes)",
            self.dir.display()
        )
    }

    fn has(&self, side: Side) -> bool {
        match side {
            Side::ActiveDirectory | Side::Graph => true,
            Side::ExchangeOnline => self.lock().snapshot.exo_recipients.is_some(),
        }
    }

    async fn cloud_user(&self, id_or_upn: &str) -> Result<Option<CloudUser>, SourceError> {
        let s = self.lock();
        Ok(s.snapshot
            .cloud
            .iter()
            .find(|u| {
                u.id.eq_ignore_ascii_case(id_or_upn)
                    || u.user_principal_name
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(id_or_upn))
            })
            .cloned())
    }

    async fn deleted_user(&self, id: &str) -> Result<Option<CloudUser>, SourceError> {
        Ok(self
            .lock()
            .deleted
            .iter()
            .find(|u| u.id.eq_ignore_ascii_case(id))
            .cloned())
    }

    async fn delete_user(&self, id: &str) -> Result<(), SourceError> {
        self.change(|s| {
            let i = cloud_index(s, id)?;
            let user = s.snapshot.cloud.remove(i);
            let uid = user.id.clone();
            s.deleted.push(user);
            Ok(((), moved_between_bins(s, &uid, true)))
        })
    }

    async fn purge_deleted_user(&self, id: &str) -> Result<(), SourceError> {
        self.change(|s| {
            let i = deleted_index(s, id)?;
            let uid = s.deleted.remove(i).id;
            let mut t = Touched {
                deleted: true,
                ..Touched::default()
            };
            let mine =
                |r: &ExoRecipient| r.external_directory_object_id.as_deref() == Some(uid.as_str());
            if let Some(rs) = &mut s.snapshot.exo_recipients {
                for r in rs.iter_mut().filter(|r| r.is_soft_deleted && mine(r)) {
                    r.external_directory_object_id = None;
                    t.recipients = true;
                }
            }
            if let Some(us) = &mut s.snapshot.exo_users {
                let before = us.len();
                us.retain(|r| !mine(r));
                t.users = us.len() != before;
            }
            Ok(((), t))
        })
    }

    async fn restore_deleted_user(&self, id: &str) -> Result<(), SourceError> {
        self.change(|s| {
            let i = deleted_index(s, id)?;
            if let Some(upn) = &s.deleted[i].user_principal_name
                && s.snapshot.cloud.iter().any(|u| {
                    u.user_principal_name
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(upn))
                })
            {
                return Err(SourceError::Refused(format!(
                    "another user already has the userPrincipalName {upn}"
                )));
            }
            let user = s.deleted.remove(i);
            let uid = user.id.clone();
            s.snapshot.cloud.push(user);
            Ok(((), moved_between_bins(s, &uid, false)))
        })
    }

    async fn add_license(
        &self,
        user_id: &str,
        license: &AssignedLicense,
    ) -> Result<(), SourceError> {
        self.change(|s| {
            let i = cloud_index(s, user_id)?;
            let licenses = &mut s.snapshot.cloud[i].assigned_licenses;
            licenses.retain(|l| !l.sku_id.eq_ignore_ascii_case(&license.sku_id));
            licenses.push(license.clone());
            Ok((
                (),
                Touched {
                    entra: true,
                    ..Touched::default()
                },
            ))
        })
    }

    async fn remove_license(&self, user_id: &str, sku_id: &str) -> Result<(), SourceError> {
        self.change(|s| {
            let i = cloud_index(s, user_id)?;
            let user = &mut s.snapshot.cloud[i];
            let before = user.assigned_licenses.len();
            user.assigned_licenses
                .retain(|l| !l.sku_id.eq_ignore_ascii_case(sku_id));
            if user.assigned_licenses.len() == before {
                return Err(SourceError::Refused(format!(
                    "license {sku_id} is not assigned to {user_id}"
                )));
            }
            let mut t = Touched {
                entra: true,
                ..Touched::default()
            };
            if !user.assigned_licenses.is_empty() {
                return Ok(((), t));
            }
            // The last license is gone: Exchange turns the mailbox into a MailUser (article 001).
            let user = user.clone();
            let uid = user.id.clone();
            let on_prem_guid = twin(s, &user).and_then(|a| a.mailbox_guid);
            let convert = |r: &mut ExoRecipient| {
                r.recipient_type = Some("MailUser".to_owned());
                r.recipient_type_details = Some("MailUser".to_owned());
                r.previous_recipient_type_details = Some("UserMailbox".to_owned());
                r.exchange_guid = on_prem_guid;
                r.sku_assigned = Some(false);
            };
            let mailbox = |r: &ExoRecipient| {
                !r.is_soft_deleted
                    && r.external_directory_object_id.as_deref() == Some(uid.as_str())
                    && RecipientTypeDetails::lenient(r.recipient_type_details.as_deref())
                        .is_mailbox()
            };
            if let Some(rs) = &mut s.snapshot.exo_recipients {
                for r in rs.iter_mut().filter(|r| mailbox(r)) {
                    convert(r);
                    t.recipients = true;
                }
            }
            if let Some(us) = &mut s.snapshot.exo_users {
                for r in us.iter_mut().filter(|r| mailbox(r)) {
                    convert(r);
                    t.users = true;
                }
            }
            Ok(((), t))
        })
    }

    async fn exo_recipient(&self, identity: &str) -> Result<Option<ExoRecipient>, SourceError> {
        let s = self.lock();
        let rs = recipients(&s)?;
        let hits: Vec<&ExoRecipient> = rs
            .iter()
            .filter(|r| !r.is_soft_deleted && names(r, identity))
            .collect();
        match hits.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            _ => Err(SourceError::InvalidData(format!(
                "the identity {identity:?} matches {} recipients",
                hits.len()
            ))),
        }
    }

    async fn exo_user(&self, identity: &str) -> Result<Option<ExoRecipient>, SourceError> {
        let s = self.lock();
        let us = exo_users(&s)?;
        Ok(us
            .iter()
            .find(|r| {
                names(r, identity) && !is_deleted(&s, r.external_directory_object_id.as_deref())
            })
            .cloned())
    }

    async fn soft_deleted_mailbox(
        &self,
        exchange_guid: Guid,
    ) -> Result<Option<ExoRecipient>, SourceError> {
        let s = self.lock();
        let rs = recipients(&s)?;
        Ok(rs
            .iter()
            .find(|r| r.is_soft_deleted && r.exchange_guid == Some(exchange_guid))
            .cloned())
    }

    async fn clear_previous_mailbox_info(&self, identity: &str) -> Result<(), SourceError> {
        self.change(|s| {
            let deleted: Vec<String> = s.deleted.iter().map(|d| d.id.clone()).collect();
            let us = s
                .snapshot
                .exo_users
                .as_mut()
                .ok_or_else(|| RehearsalTarget::no_exo("exo-users.json"))?;
            let user = us
                .iter_mut()
                .find(|r| {
                    names(r, identity)
                        && !r
                            .external_directory_object_id
                            .as_ref()
                            .is_some_and(|id| deleted.contains(id))
                })
                .ok_or_else(|| SourceError::NotFound(format!("Exchange user {identity:?}")))?;
            user.previous_recipient_type_details = Some("None".to_owned());
            let edoid = user.external_directory_object_id.clone();
            let mut t = Touched {
                users: true,
                ..Touched::default()
            };
            if let (Some(rs), Some(id)) = (&mut s.snapshot.exo_recipients, edoid) {
                for r in rs
                    .iter_mut()
                    .filter(|r| r.external_directory_object_id.as_deref() == Some(id.as_str()))
                {
                    r.previous_recipient_type_details = Some("None".to_owned());
                    t.recipients = true;
                }
            }
            Ok(((), t))
        })
    }

    async fn restore_requests(&self) -> Result<Vec<RestoreRequest>, SourceError> {
        Ok(self.lock().requests.clone())
    }

    async fn new_restore_request(
        &self,
        source: Guid,
        target: &str,
    ) -> Result<RestoreRequest, SourceError> {
        self.change(|s| {
            let rs = recipients(s)?;
            let src = rs
                .iter()
                .find(|r| r.is_soft_deleted && r.exchange_guid == Some(source))
                .ok_or_else(|| SourceError::NotFound(format!("soft-deleted mailbox {source}")))?;
            let dst = rs
                .iter()
                .find(|r| {
                    !r.is_soft_deleted
                        && names(r, target)
                        && RecipientTypeDetails::lenient(r.recipient_type_details.as_deref())
                            .is_mailbox()
                })
                .ok_or_else(|| SourceError::NotFound(format!("mailbox {target:?}")))?;
            let target_identity = dst.identity.clone().unwrap_or_else(|| target.to_owned());
            let identity = format!("{target_identity}\\MailboxRestore");
            let busy = s.requests.iter().any(|r| {
                r.identity.as_deref() == Some(identity.as_str())
                    && !matches!(r.status.as_deref(), Some("Completed" | "Failed"))
            });
            if busy {
                return Err(SourceError::Refused(format!(
                    "a restore request into {target_identity} is still running"
                )));
            }
            let request = RestoreRequest {
                identity: Some(identity),
                request_guid: Some(request_guid(source, target, s.requests.len()).to_string()),
                status: Some("Queued".to_owned()),
                source_mailbox: Some(src.identity.clone().unwrap_or_else(|| source.to_string())),
                target_mailbox: Some(target_identity),
            };
            s.requests.push(request.clone());
            Ok((
                request,
                Touched {
                    requests: true,
                    ..Touched::default()
                },
            ))
        })
    }

    async fn ad_user(&self, key: &UserKey) -> Result<Option<OnPremUser>, SourceError> {
        let s = self.lock();
        let mut hits = s.snapshot.on_prem.iter().filter(|u| match key {
            UserKey::Dn(dn) => same_dn(&u.distinguished_name, dn),
            other => other.matches(u),
        });
        match (hits.next(), hits.next()) {
            (None, _) => Ok(None),
            (Some(u), None) => Ok(Some(u.clone())),
            (Some(_), Some(_)) => Err(SourceError::InvalidData(format!(
                "{key} names more than one AD user"
            ))),
        }
    }

    async fn add_proxy_address(&self, dn: &str, proxy_address: &str) -> Result<(), SourceError> {
        let address = proxy_address.trim().to_owned();
        if !address.contains(':') {
            return Err(SourceError::InvalidData(format!(
                "proxy address {address:?} must look like type:address"
            )));
        }
        self.change(|s| {
            let i = ad_index(s, dn)?;
            let user = &mut s.snapshot.on_prem[i];
            if user.proxy_addresses.contains(&address) {
                return Ok(((), Touched::default()));
            }
            if let Some(p) = user
                .proxy_addresses
                .iter()
                .find(|p| p.eq_ignore_ascii_case(&address))
            {
                return Err(SourceError::Conflict(format!(
                    "{address:?} is already present on {dn:?} as {p:?}"
                )));
            }
            user.proxy_addresses.push(address);
            Ok((
                (),
                Touched {
                    ad: true,
                    ..Touched::default()
                },
            ))
        })
    }

    async fn move_user(&self, dn: &str, new_parent: &str) -> Result<String, SourceError> {
        let parent = new_parent.trim();
        if parent.is_empty() {
            return Err(SourceError::InvalidData(
                "the new parent DN is empty".to_owned(),
            ));
        }
        self.change(|s| {
            let i = ad_index(s, dn)?;
            let (rdn, current_parent) = split_dn(&s.snapshot.on_prem[i].distinguished_name);
            if same_dn(current_parent, parent) {
                return Ok((
                    s.snapshot.on_prem[i].distinguished_name.clone(),
                    Touched::default(),
                ));
            }
            let new_dn = format!("{rdn},{parent}");
            if s.snapshot
                .on_prem
                .iter()
                .any(|u| same_dn(&u.distinguished_name, &new_dn))
            {
                return Err(SourceError::Conflict(format!("{new_dn:?} already exists")));
            }
            s.snapshot.on_prem[i].distinguished_name = new_dn.clone();
            Ok((
                new_dn,
                Touched {
                    ad: true,
                    ..Touched::default()
                },
            ))
        })
    }
}

/// A user moved to the recycle bin (`soft_deleted`) or back: its mailboxes follow; what the move touched.
fn moved_between_bins(s: &mut State, uid: &str, soft_deleted: bool) -> Touched {
    let mut t = Touched {
        entra: true,
        deleted: true,
        ..Touched::default()
    };
    if let Some(rs) = &mut s.snapshot.exo_recipients {
        for r in rs
            .iter_mut()
            .filter(|r| r.external_directory_object_id.as_deref() == Some(uid))
        {
            r.is_soft_deleted = soft_deleted;
            t.recipients = true;
        }
    }
    t
}

#[cfg(test)]
mod tests;
