//! The in-place file writes of a rehearsal (issue 13 item 4): a step changes only what it changes in the
//! snapshot's files, and every other byte stays (attributes, properties and comments idrift does not model,
//! ordering, indentation, folding, line ends).
//!
//! Each writer compares the state before and after a step and edits the file accordingly:
//! - `ad.ldif`: a move renames the entry's `dn:` line, a proxy-address change rewrites the entry's
//!   `proxyAddresses` lines ([`idrift_ldap::ldif_patch`]);
//! - `entra-users.json` and the recycle bin: a deleted user's object moves, byte for byte, from one file to
//!   the other (a restore moves it back, a purge drops it); license changes replace `assignedLicenses`;
//! - `exo-recipients.json` and `exo-users.json`: changed properties of the objects with the recipient's
//!   `ExternalDirectoryObjectId` are replaced; a purged user's objects are removed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use idrift_cloud::snapshot::patch::{self as json_patch, JsonEdit};
use idrift_core::model::{CloudUser, ExoRecipient, OnPremUser};
use idrift_ldap::ldif_patch::{AttrValues, EntryEdit};
use serde_json::{Value, json};

use crate::AppError;
use crate::files::{write_atomic, write_err};

/// The property that identifies an Exchange object in the rehearsal's edits.
const EXO_KEY: &str = "ExternalDirectoryObjectId";

fn read(path: &Path) -> Result<Vec<u8>, AppError> {
    std::fs::read(path).map_err(|source| AppError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn parse_err(path: &Path) -> impl Fn(String) -> AppError + '_ {
    move |message| AppError::Parse {
        path: path.to_path_buf(),
        message,
    }
}

fn cannot(path: &Path, what: String) -> AppError {
    AppError::Invalid(format!(
        "{}: {what}; the rehearsal cannot write this change in place",
        path.display()
    ))
}

/// Refuses a user of the file at `path` of which more changed than the rehearsal writes (`rest_same` is
/// false): `other` names what else changed.
fn only_these_changed(
    path: &Path,
    rest_same: bool,
    other: impl FnOnce() -> String,
) -> Result<(), AppError> {
    if rest_same {
        Ok(())
    } else {
        Err(cannot(path, format!("{} changed", other())))
    }
}

/// Replaces `path` atomically with `new` when it differs from `old`.
fn write_if_changed(path: &Path, old: &[u8], new: &[u8]) -> Result<(), AppError> {
    if new == old {
        return Ok(());
    }
    write_atomic(path, |w| w.write_all(new).map_err(write_err(path)))
}

/// Writes the AD users' changes (moves and proxy addresses) into `ad.ldif`.
pub(super) fn ad(path: &Path, old: &[OnPremUser], new: &[OnPremUser]) -> Result<(), AppError> {
    if old.len() != new.len() {
        return Err(cannot(path, "users were added or removed".to_owned()));
    }
    let text = read(path)?;
    let mut out = text.clone();
    for (o, n) in old.iter().zip(new) {
        if o == n {
            continue;
        }
        let rest_same = OnPremUser {
            distinguished_name: n.distinguished_name.clone(),
            proxy_addresses: n.proxy_addresses.clone(),
            ..o.clone()
        } == *n;
        only_these_changed(path, rest_same, || {
            format!(
                "an attribute of {:?} other than its DN and proxy addresses",
                o.distinguished_name
            )
        })?;
        if o.distinguished_name != n.distinguished_name {
            out =
                idrift_ldap::ldif_patch::rename(&out, &o.distinguished_name, &n.distinguished_name)
                    .map_err(|e| parse_err(path)(e.to_string()))?;
        }
        if o.proxy_addresses != n.proxy_addresses {
            let edit = EntryEdit {
                dn: n.distinguished_name.clone(),
                attrs: vec![AttrValues {
                    name: "proxyAddresses".to_owned(),
                    values: n
                        .proxy_addresses
                        .iter()
                        .map(|v| v.as_bytes().to_vec())
                        .collect(),
                    at: None,
                    lines: Vec::new(),
                }],
            };
            out = idrift_ldap::ldif_patch::patch(&out, &[edit])
                .map_err(|e| parse_err(path)(e.to_string()))?;
        }
    }
    write_if_changed(path, &text, &out)
}

fn ids(users: &[CloudUser]) -> HashSet<String> {
    users.iter().map(|u| u.id.to_lowercase()).collect()
}

fn licenses(user: &CloudUser) -> Value {
    Value::Array(
        user.assigned_licenses
            .iter()
            .map(|l| json!({"disabledPlans": l.disabled_plans, "skuId": l.sku_id}))
            .collect(),
    )
}

/// Writes the Entra users' changes: users moved between `entra-users.json` and the recycle bin (`deleted`,
/// created when absent), purged from the bin, and license changes.
pub(super) fn entra(
    users_path: &Path,
    deleted_path: &Path,
    old: (&[CloudUser], &[CloudUser]),
    new: (&[CloudUser], &[CloudUser]),
) -> Result<(), AppError> {
    let (old_users, old_deleted) = (ids(old.0), ids(old.1));
    let (new_users, new_deleted) = (ids(new.0), ids(new.1));
    let users_text = read(users_path)?;
    let deleted_text = if deleted_path.is_file() {
        read(deleted_path)?
    } else {
        b"[\n]\n".to_vec()
    };
    let (mut users, mut deleted) = (users_text.clone(), deleted_text.clone());
    let list = |set: &HashSet<String>, minus: &HashSet<String>| {
        let mut v: Vec<String> = set.difference(minus).cloned().collect();
        v.sort();
        v
    };
    let gone = list(&old_users, &new_users);
    let back = list(&new_users, &old_users);
    let purged: Vec<String> = list(&old_deleted, &new_deleted)
        .into_iter()
        .filter(|id| !new_users.contains(id))
        .collect();
    let (mut to_bin, mut to_users) = (Vec::new(), Vec::new());
    if !gone.is_empty() {
        (users, to_bin) = json_patch::remove(&users, None, &gone)
            .map_err(|e| parse_err(users_path)(e.to_string()))?;
    }
    if !back.is_empty() || !purged.is_empty() {
        let both: Vec<String> = back.iter().chain(&purged).cloned().collect();
        let (rest, objects) = json_patch::remove(&deleted, None, &both)
            .map_err(|e| parse_err(deleted_path)(e.to_string()))?;
        deleted = rest;
        // Only the restored ones go back; the purged ones are gone for good.
        let restored: HashSet<&String> = back.iter().collect();
        to_users = objects
            .into_iter()
            .filter(|o| object_id(o).is_some_and(|id| restored.contains(&id)))
            .collect();
    }
    if !to_bin.is_empty() {
        deleted = json_patch::append(&deleted, &to_bin)
            .map_err(|e| parse_err(deleted_path)(e.to_string()))?;
    }
    if !to_users.is_empty() {
        users = json_patch::append(&users, &to_users)
            .map_err(|e| parse_err(users_path)(e.to_string()))?;
    }
    let by_id: HashMap<String, &CloudUser> =
        old.0.iter().map(|u| (u.id.to_lowercase(), u)).collect();
    let mut edits = Vec::new();
    for n in new.0 {
        let Some(o) = by_id.get(&n.id.to_lowercase()) else {
            continue;
        };
        let rest_same = CloudUser {
            assigned_licenses: n.assigned_licenses.clone(),
            ..(*o).clone()
        } == *n;
        only_these_changed(users_path, rest_same, || {
            format!("a property of user {} other than its licenses", n.id)
        })?;
        if o.assigned_licenses != n.assigned_licenses {
            edits.push(JsonEdit {
                id: n.id.clone(),
                path: vec!["assignedLicenses".to_owned()],
                value: licenses(n),
                spelling: None,
            });
        }
    }
    if !edits.is_empty() {
        users =
            json_patch::patch(&users, &edits).map_err(|e| parse_err(users_path)(e.to_string()))?;
    }
    write_if_changed(users_path, &users_text, &users)?;
    // An absent recycle bin starts as an empty array, written once it holds a user.
    write_if_changed(deleted_path, &deleted_text, &deleted)
}

/// The lower-cased `id` of a JSON object's text.
fn object_id(object: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(object).ok()?;
    let map = v.as_object()?;
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("id") || k.eq_ignore_ascii_case("objectid"))
        .and_then(|(_, v)| v.as_str())
        .map(str::to_lowercase)
}

/// The properties of an Exchange object that changed, as edits of the JSON (property name, new value);
/// `None` when something changed that the rehearsal does not write.
fn exo_changes(o: &ExoRecipient, n: &ExoRecipient) -> Option<Vec<(&'static str, Value)>> {
    let mut v = Vec::new();
    if o.is_soft_deleted != n.is_soft_deleted {
        v.push(("IsSoftDeleted", json!(n.is_soft_deleted)));
        if !n.is_soft_deleted {
            // The reader also takes a WhenSoftDeleted date as soft-deleted.
            v.push(("WhenSoftDeleted", Value::Null));
        }
    }
    let text = |a: &Option<String>, b: &Option<String>, name: &'static str, v: &mut Vec<_>| {
        if a != b {
            v.push((name, json!(b)));
        }
    };
    text(
        &o.external_directory_object_id,
        &n.external_directory_object_id,
        EXO_KEY,
        &mut v,
    );
    text(
        &o.recipient_type,
        &n.recipient_type,
        "RecipientType",
        &mut v,
    );
    text(
        &o.recipient_type_details,
        &n.recipient_type_details,
        "RecipientTypeDetails",
        &mut v,
    );
    text(
        &o.previous_recipient_type_details,
        &n.previous_recipient_type_details,
        "PreviousRecipientTypeDetails",
        &mut v,
    );
    if o.exchange_guid != n.exchange_guid {
        v.push((
            "ExchangeGuid",
            json!(n.exchange_guid.map(|g| g.to_string())),
        ));
    }
    if o.sku_assigned != n.sku_assigned {
        v.push(("SKUAssigned", json!(n.sku_assigned)));
    }
    let rest_same = ExoRecipient {
        is_soft_deleted: n.is_soft_deleted,
        external_directory_object_id: n.external_directory_object_id.clone(),
        recipient_type: n.recipient_type.clone(),
        recipient_type_details: n.recipient_type_details.clone(),
        previous_recipient_type_details: n.previous_recipient_type_details.clone(),
        exchange_guid: n.exchange_guid,
        sku_assigned: n.sku_assigned,
        ..o.clone()
    } == *n;
    rest_same.then_some(v)
}

/// Writes the changes of Exchange objects (`exo-recipients.json` or `exo-users.json`): changed properties,
/// or removed objects. Objects are found by their `ExternalDirectoryObjectId`, so the objects sharing one
/// must all change alike.
pub(super) fn exo(path: &Path, old: &[ExoRecipient], new: &[ExoRecipient]) -> Result<(), AppError> {
    let text = read(path)?;
    let key_of = |r: &ExoRecipient| {
        r.external_directory_object_id
            .as_deref()
            .map(str::to_lowercase)
    };
    let out = if new.len() < old.len() {
        // Objects removed (retain keeps the order): find them.
        let mut removed = Vec::new();
        let mut j = 0;
        for o in old {
            if new.get(j) == Some(o) {
                j += 1;
            } else {
                removed.push(o);
            }
        }
        if j != new.len() {
            return Err(cannot(
                path,
                "objects were removed and others changed in one step".to_owned(),
            ));
        }
        let mut ids = Vec::new();
        for r in removed {
            let id = r.external_directory_object_id.clone().ok_or_else(|| {
                cannot(
                    path,
                    "an object without ExternalDirectoryObjectId was removed".to_owned(),
                )
            })?;
            if new.iter().any(|k| key_of(k) == Some(id.to_lowercase())) {
                return Err(cannot(
                    path,
                    format!("only some of the objects with {EXO_KEY} {id} were removed"),
                ));
            }
            if !ids.iter().any(|x: &String| x.eq_ignore_ascii_case(&id)) {
                ids.push(id);
            }
        }
        json_patch::remove(&text, Some(EXO_KEY), &ids)
            .map_err(|e| parse_err(path)(e.to_string()))?
            .0
    } else if new.len() == old.len() {
        let mut by_key: HashMap<String, Vec<(&'static str, Value)>> = HashMap::new();
        for (o, n) in old.iter().zip(new) {
            let changes = exo_changes(o, n).ok_or_else(|| {
                cannot(
                    path,
                    "a property the rehearsal does not write changed".to_owned(),
                )
            })?;
            let Some(key) = key_of(o) else {
                if changes.is_empty() {
                    continue;
                }
                return Err(cannot(path, format!("a changed object has no {EXO_KEY}")));
            };
            match by_key.get(&key) {
                Some(seen) if *seen != changes => {
                    return Err(cannot(
                        path,
                        format!("the objects with {EXO_KEY} {key} change differently"),
                    ));
                }
                Some(_) => {}
                None => {
                    by_key.insert(key, changes);
                }
            }
        }
        let mut keys: Vec<&String> = by_key.keys().collect();
        keys.sort();
        let edits: Vec<JsonEdit> = keys
            .into_iter()
            .flat_map(|k| {
                by_key[k].iter().map(move |(name, value)| JsonEdit {
                    id: k.clone(),
                    path: vec![(*name).to_owned()],
                    value: value.clone(),
                    spelling: None,
                })
            })
            .collect();
        if edits.is_empty() {
            text.clone()
        } else {
            json_patch::patch_by(&text, EXO_KEY, &edits)
                .map_err(|e| parse_err(path)(e.to_string()))?
        }
    } else {
        return Err(cannot(path, "objects were added".to_owned()));
    };
    write_if_changed(path, &text, &out)
}
