//! The Microsoft Graph endpoints: users (list with `$select`/`$top`/`$skiptoken`, delta with skip and
//! delta tokens, get, PATCH, DELETE, assignLicense, onPremisesSyncBehavior), the tenant's
//! onPremisesSynchronization object, the domains (`GET /domains`, seeded by the test), and the recycle bin
//! (`directory/deletedItems`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idrift_core::model::{AssignedLicense, CloudUser, SyncFeatures, TenantDomain};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::render::{self, Selection};
use crate::reply::Reply;
use crate::state::{State, UserRecord};

/// The message Graph answers when a property of a synced object is edited in the cloud.
pub const SYNCED_OBJECT_MESSAGE: &str = "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.";

/// A request to a Graph path (segments after `/v1.0`, percent-decoded).
pub(crate) struct GraphRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: &'a [u8],
}

impl GraphRequest<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        crate::find_pair(&self.query, name)
    }
}

/// Routes a Graph request.
pub(crate) fn handle(state: &mut State, req: &GraphRequest<'_>) -> Reply {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let reply = match (req.method, segs.as_slice()) {
        ("GET", ["users"]) => list_users(state, req),
        ("GET", ["users", "delta" | "delta()"]) => delta(state, req),
        ("GET", ["users", id]) => get_user(state, req, id),
        ("PATCH", ["users", id]) => patch_user(state, req, id),
        ("DELETE", ["users", id]) => delete_user(state, id),
        ("POST", ["users", id, "assignLicense"]) => assign_license(state, req, id),
        ("GET", ["users", id, "onPremisesSyncBehavior"]) => get_sync_behavior(state, id),
        ("PATCH", ["users", id, "onPremisesSyncBehavior"]) => patch_sync_behavior(state, req, id),
        ("GET", ["directory", "onPremisesSynchronization"]) => list_sync(state),
        ("GET", ["directory", "onPremisesSynchronization", id]) => get_sync(state, id),
        ("PATCH", ["directory", "onPremisesSynchronization", id]) => patch_sync(state, req, id),
        ("GET", ["domains"]) => list_domains(state),
        (
            "GET",
            [
                "directory",
                "deletedItems",
                "microsoft.graph.user" | "graph.user",
            ],
        ) => list_deleted(state, req),
        ("GET", ["directory", "deletedItems", id]) => get_deleted(state, id),
        ("POST", ["directory", "deletedItems", id, "restore"]) => restore(state, id),
        ("DELETE", ["directory", "deletedItems", id]) => purge(state, id),
        _ => Reply::graph_error(
            400,
            "BadRequest",
            &format!(
                "Resource not found for the segment '{}'.",
                segs.last().copied().unwrap_or_default()
            ),
        ),
    };
    reply.header("x-ms-resource-unit", "1")
}

fn not_found(id: &str) -> Reply {
    Reply::graph_error(
        404,
        "Request_ResourceNotFound",
        &format!(
            "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        ),
    )
}

fn bad_request(message: &str) -> Reply {
    Reply::graph_error(400, "Request_BadRequest", message)
}

fn body_object(body: &[u8]) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Reply::graph_error(
            400,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )),
    }
}

fn selection(req: &GraphRequest<'_>) -> Result<Selection, Reply> {
    Selection::parse(req.param("$select")).map_err(|m| bad_request(&m))
}

fn page_size(req: &GraphRequest<'_>, default: usize, max: usize) -> Result<usize, Reply> {
    match req.param("$top") {
        None => Ok(default),
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Reply::graph_error(
                400,
                "Request_UnsupportedQuery",
                &format!(
                    "Invalid page size specified: '{t}'. Must be between 1 and {max} inclusive."
                ),
            )),
        },
    }
}

fn link(state: &State, path: &str, params: &[(&str, &str)]) -> String {
    let mut url = match url::Url::parse(&format!("{}/v1.0/{path}", state.base)) {
        Ok(u) => u,
        Err(_) => return String::new(),
    };
    if !params.is_empty() {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

fn decode_token<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn encode_token<T: Serialize>(v: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default())
}

fn bad_token() -> Reply {
    Reply::graph_error(
        400,
        "Directory_ExpiredPageToken",
        "The specified page token value has expired and can no longer be included in your request.",
    )
}

/// A list request's `$select`, `$top` and `$skiptoken` (the id its page starts after).
struct ListQuery {
    sel: Selection,
    size: usize,
    after: Option<String>,
}

fn list_query(state: &State, req: &GraphRequest<'_>) -> Result<ListQuery, Reply> {
    let sel = selection(req)?;
    let size = page_size(
        req,
        state.config.graph_default_page,
        state.config.graph_max_page,
    )?;
    let after = match req.param("$skiptoken") {
        None => None,
        Some(t) => Some(decode_token::<String>(t).ok_or_else(bad_token)?),
    };
    Ok(ListQuery { sel, size, after })
}

/// A list's page, `(@odata.context, value)`, with an `@odata.nextLink` to the page after `next` when
/// more follow.
fn list_page(
    state: &State,
    path: &str,
    sel: &Selection,
    size: usize,
    (context, value): (String, Vec<Value>),
    next: Option<&String>,
) -> Reply {
    let mut page = json!({ "@odata.context": context, "value": value });
    if let (Some(last), Some(obj)) = (next, page.as_object_mut()) {
        let next = link(
            state,
            path,
            &[
                ("$select", &sel.text()),
                ("$top", &size.to_string()),
                ("$skiptoken", &encode_token(last)),
            ],
        );
        obj.insert("@odata.nextLink".to_owned(), json!(next));
    }
    Reply::json(200, &page)
}

/// A page over `ids` (sorted), starting after `after`.
fn page_of<'a>(
    ids: impl Iterator<Item = &'a String>,
    after: Option<&str>,
    size: usize,
) -> (Vec<String>, bool) {
    let mut out = Vec::with_capacity(size);
    let mut more = false;
    for id in ids {
        if after.is_some_and(|a| id.as_str() <= a) {
            continue;
        }
        if out.len() == size {
            more = true;
            break;
        }
        out.push(id.clone());
    }
    (out, more)
}

fn list_users(state: &mut State, req: &GraphRequest<'_>) -> Reply {
    let ListQuery { sel, size, after } = match list_query(state, req) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let range = match &after {
        Some(a) => state
            .users
            .range::<String, _>((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded)),
        None => state.users.range::<String, _>(..),
    };
    let mut value = Vec::with_capacity(size);
    let mut last = None;
    let mut more = false;
    for (id, rec) in range {
        if value.len() == size {
            more = true;
            break;
        }
        value.push(render::user(&rec.user, &sel));
        last = Some(id.clone());
    }
    let context = format!("{}/v1.0/$metadata#users({})", state.base, sel.text());
    let next = last.filter(|_| more);
    list_page(state, "users", &sel, size, (context, value), next.as_ref())
}

#[derive(Serialize, Deserialize)]
struct DeltaSkip {
    /// Changes after this version (0: everything).
    s: u64,
    /// Items after this id.
    a: String,
    /// The `$select` text.
    sel: String,
}

#[derive(Serialize, Deserialize)]
struct DeltaToken {
    s: u64,
    sel: String,
}

fn delta(state: &mut State, req: &GraphRequest<'_>) -> Reply {
    let (since, after, sel) = if let Some(t) = req.param("$skiptoken") {
        match decode_token::<DeltaSkip>(t) {
            Some(d) => (d.s, Some(d.a), d.sel),
            None => return bad_token(),
        }
    } else if let Some(t) = req.param("$deltatoken") {
        match decode_token::<DeltaToken>(t) {
            Some(d) if d.s <= state.version => (d.s, None, d.sel),
            _ => {
                return Reply::graph_error(
                    410,
                    "syncStateNotFound",
                    "The sync state generation is not found. Please restart the sync without a delta token.",
                );
            }
        }
    } else {
        match selection(req) {
            Ok(s) => (0, None, s.text()),
            Err(r) => return r,
        }
    };
    let sel_parsed = match Selection::parse(Some(&sel)) {
        Ok(s) => s,
        Err(m) => return bad_request(&m),
    };
    // Items in id order: live users changed since `since`, and users gone since then.
    let mut items: Vec<(String, bool)> = state
        .users
        .values()
        .filter(|r| r.version > since)
        .map(|r| (r.user.id.clone(), false))
        .collect();
    if since > 0 {
        for (id, v) in &state.tombstones {
            if *v > since && !state.users.contains_key(id) && !items.iter().any(|(i, _)| i == id) {
                items.push((id.clone(), true));
            }
        }
    }
    items.sort();
    items.dedup();
    let ids: Vec<String> = items.iter().map(|(i, _)| i.clone()).collect();
    let (page_ids, more) = page_of(ids.iter(), after.as_deref(), state.config.graph_delta_page);
    let value: Vec<Value> = page_ids
        .iter()
        .map(|id| match state.users.get(id) {
            Some(rec) => render::user(&rec.user, &sel_parsed),
            None => json!({ "id": id, "@removed": { "reason": "deleted" } }),
        })
        .collect();
    let mut page = json!({
        "@odata.context": format!("{}/v1.0/$metadata#users({})", state.base, sel),
        "value": value,
    });
    if let Some(obj) = page.as_object_mut() {
        match (more, page_ids.last()) {
            (true, Some(last)) => {
                let token = encode_token(&DeltaSkip {
                    s: since,
                    a: last.clone(),
                    sel: sel.clone(),
                });
                obj.insert(
                    "@odata.nextLink".to_owned(),
                    json!(link(state, "users/delta", &[("$skiptoken", &token)])),
                );
            }
            _ => {
                let token = encode_token(&DeltaToken {
                    s: state.version,
                    sel: sel.clone(),
                });
                obj.insert(
                    "@odata.deltaLink".to_owned(),
                    json!(link(state, "users/delta", &[("$deltatoken", &token)])),
                );
            }
        }
    }
    Reply::json(200, &page)
}

fn get_user(state: &mut State, req: &GraphRequest<'_>, id: &str) -> Reply {
    let sel = match selection(req) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.resolve_user(id).and_then(|i| state.users.get(&i)) {
        Some(rec) => {
            let mut v = render::user(&rec.user, &sel);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "@odata.context".to_owned(),
                    json!(format!(
                        "{}/v1.0/$metadata#users({})/$entity",
                        state.base,
                        sel.text()
                    )),
                );
            }
            Reply::json(200, &v)
        }
        None => not_found(id),
    }
}

fn patch_user(state: &mut State, req: &GraphRequest<'_>, id: &str) -> Reply {
    let body = match body_object(req.body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(uid) = state.resolve_user(id) else {
        return not_found(id);
    };
    let Some(rec) = state.users.get(&uid) else {
        return not_found(id);
    };
    let synced = rec.user.is_synced() && !rec.cloud_managed;
    let mut user = rec.user.clone();
    for (k, v) in &body {
        match k.as_str() {
            "mobilePhone" | "displayName" | "businessPhones" if synced => {
                return bad_request(SYNCED_OBJECT_MESSAGE);
            }
            "mobilePhone" => match v {
                Value::Null => user.mobile_phone = None,
                Value::String(s) if s.chars().count() <= 64 => user.mobile_phone = Some(s.clone()),
                _ => {
                    return bad_request(
                        "Invalid value specified for property 'mobilePhone' of resource 'User'.",
                    );
                }
            },
            "displayName" => match v {
                Value::String(s) if !s.is_empty() => user.display_name = Some(s.clone()),
                _ => {
                    return bad_request(
                        "Invalid value specified for property 'displayName' of resource 'User'.",
                    );
                }
            },
            "businessPhones" => match serde_json::from_value::<Vec<String>>(v.clone()) {
                Ok(p) if p.len() <= 1 => user.business_phones = p,
                _ => {
                    return bad_request(
                        "Invalid value specified for property 'businessPhones' of resource 'User'.",
                    );
                }
            },
            other => {
                return Reply::graph_error(
                    400,
                    "Request_BadRequest",
                    &format!(
                        "Property '{other}' does not exist on type 'microsoft.graph.user' or cannot be updated by this emulator."
                    ),
                );
            }
        }
    }
    state.put_user(user);
    Reply::no_content()
}

fn delete_user(state: &mut State, id: &str) -> Reply {
    match state.resolve_user(id) {
        Some(uid) if state.delete_user(&uid) => Reply::no_content(),
        _ => not_found(id),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignLicense {
    add_licenses: Vec<AddLicense>,
    remove_licenses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddLicense {
    sku_id: String,
    #[serde(default)]
    disabled_plans: Vec<String>,
}

fn assign_license(state: &mut State, req: &GraphRequest<'_>, id: &str) -> Reply {
    let Ok(body) = serde_json::from_slice::<AssignLicense>(req.body) else {
        return bad_request(
            "The assignLicense request needs addLicenses and removeLicenses arrays.",
        );
    };
    let Some(uid) = state.resolve_user(id) else {
        return not_found(id);
    };
    let Some(rec) = state.users.get(&uid) else {
        return not_found(id);
    };
    let mut user = rec.user.clone();
    for sku in &body.remove_licenses {
        let before = user.assigned_licenses.len();
        user.assigned_licenses
            .retain(|l| !l.sku_id.eq_ignore_ascii_case(sku));
        if user.assigned_licenses.len() == before {
            return bad_request(&format!(
                "User does not have a corresponding license. License {sku} is not assigned."
            ));
        }
    }
    for add in body.add_licenses {
        user.assigned_licenses
            .retain(|l| !l.sku_id.eq_ignore_ascii_case(&add.sku_id));
        user.assigned_licenses.push(AssignedLicense {
            sku_id: add.sku_id,
            disabled_plans: add.disabled_plans,
        });
    }
    let out = render::user(&user, &Selection::defaults());
    state.put_user(user);
    Reply::json(200, &out)
}

fn get_sync_behavior(state: &mut State, id: &str) -> Reply {
    match state.resolve_user(id).and_then(|i| state.users.get(&i)) {
        Some(rec) => Reply::json(
            200,
            &json!({
                "@odata.context": format!("{}/v1.0/$metadata#users('{}')/onPremisesSyncBehavior/$entity", state.base, rec.user.id),
                "isCloudManaged": rec.cloud_managed,
            }),
        ),
        None => not_found(id),
    }
}

fn patch_sync_behavior(state: &mut State, req: &GraphRequest<'_>, id: &str) -> Reply {
    let body = match body_object(req.body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(flag) = body.get("isCloudManaged").and_then(Value::as_bool) else {
        return bad_request("The body needs a Boolean isCloudManaged.");
    };
    let Some(uid) = state.resolve_user(id) else {
        return not_found(id);
    };
    let version = state.bump();
    if let Some(rec) = state.users.get_mut(&uid) {
        *rec = UserRecord {
            user: rec.user.clone(),
            version,
            cloud_managed: flag,
        };
    }
    Reply::no_content()
}

fn list_sync(state: &mut State) -> Reply {
    let value: Vec<Value> = state.sync.iter().map(render::sync).collect();
    Reply::json(
        200,
        &json!({
            "@odata.context": format!("{}/v1.0/$metadata#directory/onPremisesSynchronization", state.base),
            "value": value,
        }),
    )
}

fn domain_json(d: &TenantDomain) -> Value {
    json!({
        "id": d.id,
        "authenticationType": "Managed",
        "isAdminManaged": true,
        "isDefault": d.is_default,
        "isInitial": d.is_initial,
        "isRoot": true,
        "isVerified": d.is_verified,
        "supportedServices": if d.is_verified { json!(["Email", "OfficeCommunicationsOnline"]) } else { json!([]) },
    })
}

fn list_domains(state: &mut State) -> Reply {
    let value: Vec<Value> = state.domains.iter().map(domain_json).collect();
    Reply::json(
        200,
        &json!({
            "@odata.context": format!("{}/v1.0/$metadata#domains", state.base),
            "value": value,
        }),
    )
}

fn get_sync(state: &mut State, id: &str) -> Reply {
    match &state.sync {
        Some(s) if s.id == id => Reply::json(200, &render::sync(s)),
        _ => not_found(id),
    }
}

fn patch_sync(state: &mut State, req: &GraphRequest<'_>, id: &str) -> Reply {
    let body = match body_object(req.body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if state.sync.as_ref().is_none_or(|s| s.id != id) {
        return not_found(id);
    }
    let Some(features) = state.features_mut() else {
        return not_found(id);
    };
    let Ok(Value::Object(mut current)) = serde_json::to_value(&*features) else {
        return Reply::graph_error(500, "generalException", "cannot read the features");
    };
    if let Some(changes) = body.get("features") {
        let Some(changes) = changes.as_object() else {
            return bad_request("features must be an object.");
        };
        for (k, v) in changes {
            if !current.contains_key(k) {
                return bad_request(&format!(
                    "Property '{k}' does not exist on type 'microsoft.graph.onPremisesDirectorySynchronizationFeature'."
                ));
            }
            if k == "passwordWritebackEnabled" {
                return bad_request("Updating passwordWritebackEnabled is not supported.");
            }
            let Some(b) = v.as_bool() else {
                return bad_request(&format!("Invalid value for '{k}': expected a Boolean."));
            };
            current.insert(k.clone(), json!(b));
        }
    }
    match serde_json::from_value::<SyncFeatures>(Value::Object(current)) {
        Ok(f) => *features = f,
        Err(e) => return bad_request(&e.to_string()),
    }
    state.bump();
    Reply::no_content()
}

fn list_deleted(state: &mut State, req: &GraphRequest<'_>) -> Reply {
    let ListQuery { sel, size, after } = match list_query(state, req) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let (ids, more) = page_of(state.deleted.keys(), after.as_deref(), size);
    let value: Vec<Value> = ids
        .iter()
        .filter_map(|id| state.deleted.get(id))
        .map(|d| {
            let mut v = render::user(&d.user, &sel);
            if let Some(o) = v.as_object_mut() {
                o.insert("@odata.type".to_owned(), json!("#microsoft.graph.user"));
                o.insert("deletedDateTime".to_owned(), json!("2026-11-21T10:00:00Z"));
            }
            v
        })
        .collect();
    let context = format!(
        "{}/v1.0/$metadata#directoryObjects/microsoft.graph.user",
        state.base
    );
    let path = "directory/deletedItems/microsoft.graph.user";
    let next = ids.last().filter(|_| more);
    list_page(state, path, &sel, size, (context, value), next)
}

fn get_deleted(state: &mut State, id: &str) -> Reply {
    match state.deleted.get(id) {
        Some(d) => {
            let mut v = render::user(&d.user, &Selection::defaults());
            if let Some(o) = v.as_object_mut() {
                o.insert("@odata.type".to_owned(), json!("#microsoft.graph.user"));
            }
            Reply::json(200, &v)
        }
        None => not_found(id),
    }
}

fn restore(state: &mut State, id: &str) -> Reply {
    let Some(d) = state.deleted.get(id) else {
        return not_found(id);
    };
    let upn = d.user.user_principal_name.clone();
    if let Some(upn) = &upn
        && state.resolve_user(upn).is_some()
    {
        return bad_request(
            "Another object with the same value for property userPrincipalName already exists.",
        );
    }
    let Some(d) = state.deleted.remove(id) else {
        return not_found(id);
    };
    let user: CloudUser = d.user;
    for r in &mut state.exo_recipients {
        if r.external_directory_object_id.as_deref() == Some(id) {
            r.is_soft_deleted = false;
        }
    }
    let mut v = render::user(&user, &Selection::defaults());
    if let Some(o) = v.as_object_mut() {
        o.insert("@odata.type".to_owned(), json!("#microsoft.graph.user"));
    }
    state.put_user(user);
    Reply::json(200, &v)
}

fn purge(state: &mut State, id: &str) -> Reply {
    if state.purge_user(id) {
        Reply::no_content()
    } else {
        not_found(id)
    }
}
