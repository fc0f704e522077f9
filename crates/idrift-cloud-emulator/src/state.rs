//! The emulated tenant's state: users, the recycle bin, the sync object, the domains, Exchange recipients and users,
//! restore requests, migration statistics, issued tokens, injected faults and the request log.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use idrift_core::model::{CloudUser, ExoRecipient, SyncFeatures, TenantDomain, TenantSync};
use serde_json::Value;

use crate::config::EmulatorConfig;
use crate::faults::FaultRule;

/// A request as the emulator saw it (the `Authorization` header and token request bodies are not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, e.g. `/v1.0/users`.
    pub path: String,
    /// The raw query, if any.
    pub query: Option<String>,
    /// The status answered.
    pub status: u16,
    /// The request headers, lower-case names, without `authorization`.
    pub headers: Vec<(String, String)>,
    /// The body as text (empty for token requests, which carry the credential).
    pub body: String,
}

impl RecordedRequest {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A user as the emulator keeps it.
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) user: CloudUser,
    /// The state version of the last change (for the users delta).
    pub(crate) version: u64,
    /// `onPremisesSyncBehavior.isCloudManaged`.
    pub(crate) cloud_managed: bool,
}

/// A user in the recycle bin.
#[derive(Debug, Clone)]
pub(crate) struct DeletedRecord {
    pub(crate) user: CloudUser,
}

/// Everything the emulator knows; guarded by one mutex.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: EmulatorConfig,
    /// `http://127.0.0.1:<front port>`: the base of every link the emulator writes.
    pub(crate) base: String,
    pub(crate) version: u64,
    pub(crate) users: BTreeMap<String, UserRecord>,
    pub(crate) deleted: BTreeMap<String, DeletedRecord>,
    /// Users that left the directory (deleted or purged), with the version, for the delta.
    pub(crate) tombstones: Vec<(String, u64)>,
    pub(crate) sync: Option<TenantSync>,
    /// The tenant's domains (`/domains`), the initial one first.
    pub(crate) domains: Vec<TenantDomain>,
    pub(crate) exo_recipients: Vec<ExoRecipient>,
    pub(crate) exo_users: Vec<ExoRecipient>,
    pub(crate) restore_requests: Vec<Value>,
    pub(crate) migration_stats: HashMap<String, Value>,
    pub(crate) tokens: HashMap<String, Instant>,
    pub(crate) used_assertion_ids: HashSet<String>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) requests: Vec<RecordedRequest>,
}

impl State {
    pub(crate) fn new(config: EmulatorConfig, base: String) -> State {
        let initial = TenantDomain {
            id: config.tenant_domain.clone(),
            is_verified: true,
            is_default: true,
            is_initial: true,
        };
        State {
            config,
            base,
            version: 1,
            users: BTreeMap::new(),
            deleted: BTreeMap::new(),
            tombstones: Vec::new(),
            sync: Some(default_sync()),
            domains: vec![initial],
            exo_recipients: Vec::new(),
            exo_users: Vec::new(),
            restore_requests: Vec::new(),
            migration_stats: HashMap::new(),
            tokens: HashMap::new(),
            used_assertion_ids: HashSet::new(),
            faults: Vec::new(),
            requests: Vec::new(),
        }
    }

    /// Advances the state version and returns it.
    pub(crate) fn bump(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// Adds or replaces a user.
    pub(crate) fn put_user(&mut self, user: CloudUser) {
        let version = self.bump();
        let cloud_managed = self.users.get(&user.id).is_some_and(|r| r.cloud_managed);
        self.users.insert(
            user.id.clone(),
            UserRecord {
                user,
                version,
                cloud_managed,
            },
        );
    }

    /// The id of the user named by id or user principal name (case-insensitive UPN).
    pub(crate) fn resolve_user(&self, id_or_upn: &str) -> Option<String> {
        if self.users.contains_key(id_or_upn) {
            return Some(id_or_upn.to_owned());
        }
        self.users
            .values()
            .find(|r| {
                r.user
                    .user_principal_name
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(id_or_upn))
            })
            .map(|r| r.user.id.clone())
    }

    /// Whether `token` is a live token.
    pub(crate) fn token_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|exp| Instant::now() < *exp)
    }

    /// Expires every issued token.
    pub(crate) fn revoke_tokens(&mut self) {
        let now = Instant::now();
        for exp in self.tokens.values_mut() {
            *exp = now;
        }
    }

    /// Deletes a user: into the recycle bin; its Exchange mailbox becomes soft-deleted.
    pub(crate) fn delete_user(&mut self, id: &str) -> bool {
        let Some(rec) = self.users.remove(id) else {
            return false;
        };
        let version = self.bump();
        self.tombstones.push((id.to_owned(), version));
        for r in &mut self.exo_recipients {
            if r.external_directory_object_id.as_deref() == Some(id) {
                r.is_soft_deleted = true;
            }
        }
        self.exo_users
            .retain(|r| r.external_directory_object_id.as_deref() != Some(id));
        self.deleted
            .insert(id.to_owned(), DeletedRecord { user: rec.user });
        true
    }

    /// Purges a user from the recycle bin; its soft-deleted mailbox loses its ExternalDirectoryObjectId.
    pub(crate) fn purge_user(&mut self, id: &str) -> bool {
        if self.deleted.remove(id).is_none() {
            return false;
        }
        let version = self.bump();
        self.tombstones.push((id.to_owned(), version));
        for r in &mut self.exo_recipients {
            if r.is_soft_deleted && r.external_directory_object_id.as_deref() == Some(id) {
                r.external_directory_object_id = Some(String::new());
            }
        }
        true
    }

    /// The sync object's feature flags, mutable.
    pub(crate) fn features_mut(&mut self) -> Option<&mut SyncFeatures> {
        self.sync.as_mut().map(|s| &mut s.features)
    }
}

/// The sync object of Microsoft's published GET example (hybrid-identity reference §2.1).
pub(crate) fn default_sync() -> TenantSync {
    TenantSync {
        id: "12cce4b4-4ab8-40b7-be4d-f5d7742ec185".to_owned(),
        features: SyncFeatures {
            quarantine_upon_upn_conflict_enabled: true,
            quarantine_upon_proxy_addresses_conflict_enabled: true,
            soft_match_on_upn_enabled: true,
            synchronize_upn_for_managed_users_enabled: true,
            ..SyncFeatures::default()
        },
    }
}
