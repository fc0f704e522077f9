//! Rehearsal on a snapshot: [`SnapshotTarget`] serves reads and writes from memory and edits the snapshot's
//! files in place, changing only the lines (LDIF) or property values (JSON) it writes, so every attribute,
//! comment and byte idrift does not model stays as it was.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use idrift_core::in_memory::{InMemoryDirectory, set_user_mobile, set_user_phones};
use idrift_core::model::{CloudUser, OnPremUser, Snapshot, TenantSync};
use idrift_core::ports::{
    CloudDirectory, OnPremDirectory, OnPremPhoneWriter, SourceError, TenantSyncAdmin,
};
use idrift_core::writes::{FileLine, PhoneChange, PhoneLines, Phones, UserKey, ValueSpelling};
use idrift_ldap::ldif_patch::{AttrPlace, AttrValues, EntryEdit};
use serde_json::Value;

use crate::AppError;
use crate::files::{write_atomic, write_err};

/// The fewest changes a snapshot target holds before its file is rewritten once for all of them.
pub const AD_BATCH: usize = 4096;

/// How many times, at most, one run over every user rewrites a file: each rewrite costs the whole file, so a
/// batch grows with the number of users (at least [`AD_BATCH`]) and a run's file work stays linear.
pub const MAX_REWRITES: usize = 8;

/// The batch size for a file of `users` users.
fn batch_size(users: usize) -> usize {
    users.div_ceil(MAX_REWRITES).max(AD_BATCH)
}

/// How many writes may be held for a side: a batch when the side has a file, else one at a time.
fn batch_limit(file: Option<&PathBuf>, users: usize) -> usize {
    if file.is_some() { batch_size(users) } else { 1 }
}

/// A snapshot (a directory, or an LDIF and a Graph JSON file) that writes go to, so the whole repair can be
/// rehearsed offline. Reads and writes go to an [`InMemoryDirectory`]; a write edits the changed file in place
/// (the `mobile`/`otherMobile` lines of one entry of `ad.ldif`, the `mobilePhone` of one user of
/// `entra-users.json`, the `bypassDirSyncOverridesEnabled` of `entra-sync.json`) and replaces it atomically
/// before the write is reported, so the journal never records a write the files do not hold. Held AD
/// changes ([`OnPremPhoneWriter::set_phones_held`]) are written together by
/// [`OnPremPhoneWriter::flush_phones`].
#[derive(Debug)]
pub struct SnapshotTarget {
    inner: InMemoryDirectory,
    ad_file: Option<PathBuf>,
    entra_file: Option<PathBuf>,
    sync_file: Option<PathBuf>,
    /// AD changes held for the next flush, in order.
    held: Mutex<Vec<PhoneChange>>,
    /// Entra `mobilePhone` changes held for the next flush, in order: (id, before, after).
    held_cloud: Mutex<Vec<CloudChange>>,
    /// The lock that makes this run the only writer of the files, held while the target is open.
    lock: Option<crate::lock::TargetLock>,
    /// Each AD user's position by lower-cased DN, so a write finds its user without a scan.
    dn_index: HashMap<String, usize>,
    /// Each Entra user's position by lower-cased id.
    id_index: HashMap<String, usize>,
    /// Where `mobile`/`otherMobile` sit in each entry of the LDIF, and how they are spelled: read when first
    /// asked, and again when an entry this run wrote is asked about.
    places: Mutex<FileCache<Vec<AttrPlace>>>,
    /// Places and lines for the next write of an entry (by lower-cased DN), from the value an undo writes
    /// back.
    pending_places: Mutex<HashMap<String, PhoneLines>>,
    /// How `entra-users.json` holds each user's `mobilePhone` where its writer would write it otherwise
    /// (by lower-cased id), read when first asked, and again when a user this run wrote is asked about.
    spellings: Mutex<FileCache<ValueSpelling>>,
    /// Spellings for the next write of a user's `mobilePhone` (by lower-cased id), from the value an undo
    /// writes back.
    pending_spellings: Mutex<HashMap<String, ValueSpelling>>,
}

/// What a file says about each of its entries or users (by lower-cased key), read when first asked and again
/// when an entry written since is asked about: the places of the phone attributes in an LDIF (see
/// [`idrift_ldap::ldif_patch::places`]), the spellings of `mobilePhone` in the Entra users file (see
/// [`idrift_cloud::snapshot::patch::spellings`]).
#[derive(Debug)]
struct FileCache<T> {
    /// By lower-cased key, as the file was when read.
    all: Option<HashMap<String, T>>,
    /// The keys written since (lower-cased): asking about one reads the file again.
    stale: HashSet<String>,
}

impl<T> Default for FileCache<T> {
    fn default() -> Self {
        FileCache {
            all: None,
            stale: HashSet::new(),
        }
    }
}

impl<T> FileCache<T> {
    /// The entry of `key` (lower-cased), reading the file at `path` with `read` when it was not read yet or
    /// `key` was written since. Unreadable or malformed: nothing.
    fn get<E>(
        &mut self,
        key: &str,
        path: &Path,
        read: impl FnOnce(&[u8]) -> Result<HashMap<String, T>, E>,
    ) -> Option<&T> {
        if self.stale.contains(key) {
            self.all = None;
            self.stale.clear();
        }
        let all = self.all.get_or_insert_with(|| {
            std::fs::read(path)
                .ok()
                .and_then(|text| read(&text).ok())
                .unwrap_or_default()
        });
        all.get(key)
    }

    /// Records that the entries of `keys` were written: what was read of them no longer holds.
    fn written(&mut self, keys: impl Iterator<Item = String>) {
        if self.all.is_some() {
            self.stale.extend(keys);
        }
    }
}

/// One held Entra `mobilePhone` change.
#[derive(Debug, Clone)]
struct CloudChange {
    id: String,
    before: Option<String>,
    after: Option<String>,
}

impl SnapshotTarget {
    /// Writes to the files of a snapshot directory (`ad.ldif`, `entra-users.json`, `entra-sync.json`).
    pub fn for_dir(dir: &Path, snapshot: Snapshot) -> SnapshotTarget {
        let mut target = SnapshotTarget::for_files(
            Some(&dir.join(crate::snapshot::AD_FILE)),
            Some(&dir.join(crate::snapshot::ENTRA_USERS_FILE)),
            snapshot,
        );
        target.sync_file = Some(dir.join(crate::snapshot::ENTRA_SYNC_FILE));
        target
    }

    /// Writes to single export files; a write to a side without a file is refused.
    pub fn for_files(
        ad: Option<&Path>,
        entra: Option<&Path>,
        snapshot: Snapshot,
    ) -> SnapshotTarget {
        SnapshotTarget {
            dn_index: index_by(&snapshot.on_prem, |u| &u.distinguished_name),
            id_index: index_by(&snapshot.cloud, |u| &u.id),
            inner: InMemoryDirectory::new(snapshot),
            ad_file: ad.map(Path::to_path_buf),
            entra_file: entra.map(Path::to_path_buf),
            sync_file: None,
            held: Mutex::new(Vec::new()),
            held_cloud: Mutex::new(Vec::new()),
            places: Mutex::new(FileCache::default()),
            pending_places: Mutex::new(HashMap::new()),
            spellings: Mutex::new(FileCache::default()),
            pending_spellings: Mutex::new(HashMap::new()),
            lock: None,
        }
    }

    /// Also writes the tenant sync object to `sync` (the `--entra-sync FILE` beside single export files).
    #[must_use]
    pub fn with_sync_file(mut self, sync: Option<&Path>) -> SnapshotTarget {
        self.sync_file = sync.map(Path::to_path_buf);
        self
    }

    /// Holds `lock` (taken before the files were read) for as long as the target is open.
    #[must_use]
    pub fn with_lock(mut self, lock: crate::lock::TargetLock) -> SnapshotTarget {
        self.lock = Some(lock);
        self
    }

    /// The lock file this target holds, if any.
    pub fn lock_file(&self) -> Option<&Path> {
        self.lock.as_ref().map(crate::lock::TargetLock::path)
    }

    /// The data, with every write made so far.
    pub fn snapshot(&self) -> Snapshot {
        self.inner.snapshot()
    }

    /// Runs `f` on the data with the index the user `key` names, when it is a DN in the index; `None` when
    /// it is not, or when `f` finds no match at that index.
    fn at_dn<R>(
        &self,
        key: &UserKey,
        f: impl FnOnce(&mut Snapshot, usize) -> Option<R>,
    ) -> Option<R> {
        let &i = dn_key(key).and_then(|dn| self.dn_index.get(&dn))?;
        self.inner.edit(|s| f(s, i))
    }

    /// Runs `f` on the data with the index of the Entra user `id`, when it is in the index; `None` when it
    /// is not, or when `f` finds no match at that index.
    fn at_id<R>(&self, id: &str, f: impl FnOnce(&mut Snapshot, usize) -> Option<R>) -> Option<R> {
        let &i = self.id_index.get(&id.trim().to_lowercase())?;
        self.inner.edit(|s| f(s, i))
    }

    /// The user `key` names, by index when it is a DN.
    async fn find(&self, key: &UserKey) -> Result<Option<OnPremUser>, SourceError> {
        let found = self.at_dn(key, |s, i| {
            s.on_prem.get(i).filter(|u| key.matches(u)).cloned()
        });
        or_scan(found.map(|u| Ok(Some(u))), || self.inner.find_user(key)).await
    }

    /// Sets `mobilePhone` of the Entra user `id` in memory, found by index, with the refusals of
    /// [`InMemoryDirectory`]; returns the change.
    async fn set_cloud_in_memory(
        &self,
        id: &str,
        mobile: Option<&str>,
    ) -> Result<CloudChange, SourceError> {
        let done = self.at_id(id, |s, i| {
            let user = s
                .cloud
                .get_mut(i)
                .filter(|u| u.id.eq_ignore_ascii_case(id.trim()))?;
            Some(set_user_mobile(user, mobile).map(|before| CloudChange {
                id: user.id.clone(),
                before,
                after: user.mobile_phone.clone(),
            }))
        });
        or_scan(done, || self.set_cloud_by_scan(id, mobile)).await
    }

    /// [`SnapshotTarget::set_cloud_in_memory`] for a user not in the index.
    async fn set_cloud_by_scan(
        &self,
        id: &str,
        mobile: Option<&str>,
    ) -> Result<CloudChange, SourceError> {
        let before = self
            .inner
            .find_cloud_user(id)
            .await?
            .and_then(|u| u.mobile_phone);
        self.inner.set_cloud_mobile(id, mobile).await?;
        let after = self.inner.find_cloud_user(id).await?;
        Ok(CloudChange {
            id: after
                .as_ref()
                .map_or_else(|| id.to_owned(), |u| u.id.clone()),
            before,
            after: after.and_then(|u| u.mobile_phone),
        })
    }

    /// Edits the `mobile` and `otherMobile` lines of the entries changed.
    fn save_ad(&self, changes: &[PhoneChange]) -> Result<(), SourceError> {
        let path = writable(self.ad_file.as_ref(), "AD")?;
        let mut edits: Vec<EntryEdit> = Vec::with_capacity(changes.len());
        let mut index = HashMap::with_capacity(changes.len());
        let pending = std::mem::take(&mut *lock(&self.pending_places));
        for c in changes {
            let place = pending.get(&c.distinguished_name.trim().to_lowercase());
            let attr = |name: &str, values: Vec<Vec<u8>>| {
                let key = name.to_ascii_lowercase();
                AttrValues {
                    at: place.and_then(|p| p.places.get(&key).copied()),
                    lines: place
                        .and_then(|p| p.lines.get(&key))
                        .map(|ls| {
                            ls.iter()
                                .map(|l| (l.at, l.text.as_bytes().to_vec()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    ..AttrValues::new(name, values)
                }
            };
            let edit = EntryEdit {
                dn: c.distinguished_name.clone(),
                attrs: vec![
                    attr(
                        "mobile",
                        c.after
                            .mobile
                            .iter()
                            .map(|m| m.as_bytes().to_vec())
                            .collect(),
                    ),
                    attr(
                        "otherMobile",
                        c.after
                            .other_mobile
                            .iter()
                            .map(|m| m.as_bytes().to_vec())
                            .collect(),
                    ),
                ],
            };
            // A user changed twice in one batch: the last change is what memory holds.
            put_last(
                &mut edits,
                &mut index,
                c.distinguished_name.to_lowercase(),
                edit,
            );
        }
        rewrite(path, |text| {
            idrift_ldap::ldif_patch::patch(text, &edits).map_err(|e| e.to_string())
        })?;
        // The places read before no longer hold for these entries.
        lock(&self.places).written(edits.iter().map(|e| e.dn.trim().to_lowercase()));
        Ok(())
    }

    /// Edits the `mobilePhone` values of the users changed (a user changed twice: its last value).
    fn save_entra(&self, changes: &[CloudChange]) -> Result<(), SourceError> {
        let path = writable(self.entra_file.as_ref(), "Entra ID users")?;
        let mut edits: Vec<idrift_cloud::snapshot::patch::JsonEdit> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::with_capacity(changes.len());
        let mut pending = std::mem::take(&mut *lock(&self.pending_spellings));
        for c in changes {
            let edit = idrift_cloud::snapshot::patch::JsonEdit {
                id: c.id.clone(),
                path: vec!["mobilePhone".to_owned()],
                value: c
                    .after
                    .as_ref()
                    .map_or(Value::Null, |m| Value::String(m.clone())),
                spelling: pending.remove(&c.id.trim().to_lowercase()),
            };
            put_last(&mut edits, &mut index, c.id.to_lowercase(), edit);
        }
        patch_json(path, &edits)?;
        // The spellings read before no longer hold for these users.
        lock(&self.spellings).written(edits.iter().map(|e| e.id.trim().to_lowercase()));
        Ok(())
    }

    fn save_sync(&self, sync: Option<&TenantSync>) -> Result<(), SourceError> {
        let path = writable(self.sync_file.as_ref(), "tenant sync object")?;
        if !path.exists() {
            // Nothing to keep: write the object as Graph returns it.
            return write_atomic(path, |w| {
                idrift_cloud::snapshot::write_tenant_sync(w, sync).map_err(write_err(path))
            })
            .map_err(|e| SourceError::Unavailable(e.to_string()));
        }
        let edits: Vec<_> = sync
            .map(|s| idrift_cloud::snapshot::patch::JsonEdit {
                id: s.id.clone(),
                path: vec![
                    "features".to_owned(),
                    "bypassDirSyncOverridesEnabled".to_owned(),
                ],
                value: Value::Bool(s.features.bypass_dir_sync_overrides_enabled),
                spelling: None,
            })
            .into_iter()
            .collect();
        patch_json(path, &edits)
    }

    fn check_writable(file: Option<&PathBuf>, what: &str) -> Result<(), SourceError> {
        writable(file, what).map(|_| ())
    }

    /// Writes `changes` to the AD file; when that fails, the file keeps the old values and memory is put back
    /// to them, so both agree.
    async fn save_ad_or_roll_back(&self, changes: &[PhoneChange]) -> Result<(), SourceError> {
        let saved = self.save_ad(changes);
        if saved.is_err() {
            self.roll_back(changes).await;
        }
        saved
    }

    /// Puts memory back to the values before `changes` (newest first), after their file write failed.
    async fn roll_back(&self, changes: &[PhoneChange]) {
        for c in changes.iter().rev() {
            let key = UserKey::Dn(c.distinguished_name.clone());
            let _ = self.inner.set_phones(&key, &c.before, None).await;
        }
    }
}

/// Rewrites `path` with `edit` applied to its bytes: read, edit, write to a temporary sibling, rename.
fn rewrite(
    path: &Path,
    edit: impl FnOnce(&[u8]) -> Result<Vec<u8>, String>,
) -> Result<(), SourceError> {
    let unavailable = |e: AppError| SourceError::Unavailable(e.to_string());
    let text = std::fs::read(path).map_err(|source| {
        unavailable(AppError::Read {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let new = edit(&text).map_err(|message| {
        unavailable(AppError::Parse {
            path: path.to_path_buf(),
            message,
        })
    })?;
    if new == text {
        return Ok(());
    }
    write_atomic(path, |w| w.write_all(&new).map_err(write_err(path))).map_err(unavailable)
}

/// What the index `found`, else what `scan` (the search of all the data) gives.
async fn or_scan<T, F: Future<Output = T>>(found: Option<T>, scan: impl FnOnce() -> F) -> T {
    match found {
        Some(t) => t,
        None => scan().await,
    }
}

/// Adds `edit` of the object `key` to `edits`, or replaces the edit of that object already there (indexed in
/// `index`): an object changed twice in one batch is written with its last change, at its first place.
fn put_last<E>(edits: &mut Vec<E>, index: &mut HashMap<String, usize>, key: String, edit: E) {
    match index.entry(key) {
        std::collections::hash_map::Entry::Occupied(e) => edits[*e.get()] = edit,
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(edits.len());
            edits.push(edit);
        }
    }
}

/// Applies the JSON `edits` to the file at `path` in place.
fn patch_json(
    path: &Path,
    edits: &[idrift_cloud::snapshot::patch::JsonEdit],
) -> Result<(), SourceError> {
    rewrite(path, |text| {
        idrift_cloud::snapshot::patch::patch(text, edits).map_err(|e| e.to_string())
    })
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Each user's position by its lower-cased `key` (the DN of an AD user, the id of an Entra one).
fn index_by<U>(users: &[U], key: impl Fn(&U) -> &str) -> HashMap<String, usize> {
    users
        .iter()
        .enumerate()
        .map(|(i, u)| (key(u).trim().to_lowercase(), i))
        .collect()
}

fn dn_key(key: &UserKey) -> Option<String> {
    match key {
        UserKey::Dn(dn) => Some(dn.trim().to_lowercase()),
        _ => None,
    }
}

/// The file of the `what` source, refused when the source is not a file this run writes.
fn writable<'a>(file: Option<&'a PathBuf>, what: &str) -> Result<&'a Path, SourceError> {
    file.map(PathBuf::as_path).ok_or_else(|| {
        SourceError::Refused(format!(
            "the {what} source is not a file this run can write"
        ))
    })
}

#[async_trait]
impl OnPremDirectory for SnapshotTarget {
    async fn users(&self) -> Result<Vec<OnPremUser>, SourceError> {
        OnPremDirectory::users(&self.inner).await
    }

    fn anchor(&self) -> idrift_core::matching::Anchor {
        OnPremDirectory::anchor(&self.inner)
    }
}

#[async_trait]
impl CloudDirectory for SnapshotTarget {
    async fn users(&self) -> Result<Vec<CloudUser>, SourceError> {
        CloudDirectory::users(&self.inner).await
    }

    async fn tenant_sync(&self) -> Result<Option<TenantSync>, SourceError> {
        self.inner.tenant_sync().await
    }
}

#[async_trait]
impl OnPremPhoneWriter for SnapshotTarget {
    async fn find_user(&self, user: &UserKey) -> Result<Option<OnPremUser>, SourceError> {
        self.find(user).await
    }

    async fn set_phones(
        &self,
        user: &UserKey,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, SourceError> {
        // Anything held goes out with this change, so the file never lags behind a write reported done.
        let change = self.set_phones_held(user, new, expected).await?;
        self.flush_phones().await?;
        Ok(change)
    }

    fn phone_batch_limit(&self) -> usize {
        batch_limit(self.ad_file.as_ref(), self.dn_index.len())
    }

    async fn set_phones_held(
        &self,
        user: &UserKey,
        new: &Phones,
        expected: Option<&Phones>,
    ) -> Result<PhoneChange, SourceError> {
        SnapshotTarget::check_writable(self.ad_file.as_ref(), "AD")?;
        // Compare-and-set in memory, as [`InMemoryDirectory`] does; by index when `user` is a DN.
        let done = self.at_dn(user, |s, i| {
            let target = s.on_prem.get_mut(i).filter(|u| user.matches(u))?;
            Some(set_user_phones(target, new, expected))
        });
        let change = or_scan(done, || self.inner.set_phones(user, new, expected)).await?;
        lock(&self.held).push(change.clone());
        Ok(change)
    }

    fn phone_lines(&self, dn: &str) -> Option<PhoneLines> {
        let path = self.ad_file.as_deref()?;
        let dn = dn.trim().to_lowercase();
        let mut cache = lock(&self.places);
        // Unreadable or malformed: no places, and removed lines come back at the end of their entry.
        let found = cache.get(&dn, path, |text| {
            idrift_ldap::ldif_patch::places(text, &["mobile", "otherMobile"])
        })?;
        Some(PhoneLines {
            places: found.iter().map(|p| (p.name.clone(), p.at)).collect(),
            lines: found
                .iter()
                .filter(|p| !p.lines.is_empty())
                .filter_map(|p| {
                    // A line that is not UTF-8 cannot be journaled as text: it comes back in the writer's form.
                    let lines = p
                        .lines
                        .iter()
                        .map(|(at, text)| {
                            String::from_utf8(text.clone())
                                .ok()
                                .map(|text| FileLine { at: *at, text })
                        })
                        .collect::<Option<Vec<_>>>()?;
                    Some((p.name.clone(), lines))
                })
                .collect(),
        })
    }

    fn place_phones(&self, dn: &str, lines: &PhoneLines) {
        lock(&self.pending_places).insert(dn.trim().to_lowercase(), lines.clone());
    }

    async fn flush_phones(&self) -> Result<(), SourceError> {
        let changes = std::mem::take(&mut *lock(&self.held));
        if changes.is_empty() {
            return Ok(());
        }
        self.save_ad_or_roll_back(&changes).await
    }
}

#[async_trait]
impl TenantSyncAdmin for SnapshotTarget {
    async fn find_cloud_user(&self, upn_or_id: &str) -> Result<Option<CloudUser>, SourceError> {
        let found = self.at_id(upn_or_id, |s, i| {
            s.cloud
                .get(i)
                .filter(|u| u.id.eq_ignore_ascii_case(upn_or_id.trim()))
                .cloned()
        });
        or_scan(found.map(|u| Ok(Some(u))), || {
            self.inner.find_cloud_user(upn_or_id)
        })
        .await
    }

    async fn set_bypass_dir_sync_overrides(
        &self,
        sync_id: &str,
        enabled: bool,
    ) -> Result<(), SourceError> {
        SnapshotTarget::check_writable(self.sync_file.as_ref(), "tenant sync object")?;
        let before = self.inner.tenant_sync().await?;
        self.inner
            .set_bypass_dir_sync_overrides(sync_id, enabled)
            .await?;
        let after = self.inner.tenant_sync().await?;
        if let Err(e) = self.save_sync(after.as_ref()) {
            if let Some(b) = before {
                let _ = self
                    .inner
                    .set_bypass_dir_sync_overrides(
                        sync_id,
                        b.features.bypass_dir_sync_overrides_enabled,
                    )
                    .await;
            }
            return Err(e);
        }
        Ok(())
    }

    fn mobile_spelling(&self, user_id: &str) -> Option<ValueSpelling> {
        let path = self.entra_file.as_deref()?;
        let id = user_id.trim().to_lowercase();
        // Unreadable or malformed: no spellings, and values come back as the writer writes them.
        lock(&self.spellings)
            .get(&id, path, |text| {
                idrift_cloud::snapshot::patch::spellings(text, "mobilePhone")
            })
            .cloned()
    }

    fn spell_mobile(&self, user_id: &str, spelling: &ValueSpelling) {
        lock(&self.pending_spellings).insert(user_id.trim().to_lowercase(), spelling.clone());
    }

    async fn set_cloud_mobile(
        &self,
        user_id: &str,
        mobile: Option<&str>,
    ) -> Result<(), SourceError> {
        // Anything held goes out with this change, so the file never lags behind a write reported done.
        self.set_cloud_mobile_held(user_id, mobile).await?;
        self.flush_cloud().await
    }

    fn cloud_batch_limit(&self) -> usize {
        batch_limit(self.entra_file.as_ref(), self.id_index.len())
    }

    async fn set_cloud_mobile_held(
        &self,
        user_id: &str,
        mobile: Option<&str>,
    ) -> Result<(), SourceError> {
        SnapshotTarget::check_writable(self.entra_file.as_ref(), "Entra ID users")?;
        let change = self.set_cloud_in_memory(user_id, mobile).await?;
        lock(&self.held_cloud).push(change);
        Ok(())
    }

    /// Writes the held Entra changes to the file; on failure memory goes back to the values before all of
    /// them.
    async fn flush_cloud(&self) -> Result<(), SourceError> {
        let changes = std::mem::take(&mut *lock(&self.held_cloud));
        if changes.is_empty() {
            return Ok(());
        }
        let saved = self.save_entra(&changes);
        if saved.is_err() {
            for c in changes.iter().rev() {
                let _ = self.set_cloud_in_memory(&c.id, c.before.as_deref()).await;
            }
        }
        saved
    }
}

#[cfg(test)]
mod tests;
