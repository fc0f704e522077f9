//! Incremental reads of AD users: what changed since the previous run, with the directory-synchronization
//! control AD calls "DirSync" (`1.2.840.113556.1.4.841`, MS-ADTS 3.1.1.3.4.1.3). In this crate's names
//! "dirsync" is kept for the DirSyncOverrides feature; this module speaks of changes and a change state.
//!
//! The first run (no state file) is full: the control is sent with a filter that matches nothing, which
//! moves the cookie to the server's current state without sending the domain, then every user is read as
//! [`LdapDirectory::read_users`] does (a change made between the two shows up again in the next run; none
//! is lost). Later runs send the stored cookie and get only the objects
//! whose attributes (of those the core model reads, plus `name` for renames and moves) changed, and the
//! objects deleted since. Changed objects are read again in full by objectGUID, so the changes carry
//! complete users; those that left the base DNs or the filter are reported apart.
//!
//! The new cookie is not stored by the read: [`LdapDirectory::read_changes`] returns it as a
//! [`PendingState`], and the caller commits it once it has kept the changes (for `snapshot take --since`,
//! after the snapshot file was replaced), so a failed run can simply be repeated. The state file can be
//! bound to what the caller wrote (a digest of the snapshot's `ad.ldif`), so the next run can tell that
//! the changes it reads apply to the file it is given.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ldap3::Scope;
use ldap3::controls::RawControl;

use idrift_core::guid::Guid;
use idrift_core::model::OnPremUser;

use crate::connection::{ber_integer, parse_sequence};
use crate::directory::{LdapDirectory, is_under};
use crate::entry::decode;
use crate::error::LdapError;
use crate::user_ref::{USER_FILTER, and_user_filter, guid_filter};

const CONTROL_OID: &str = "1.2.840.113556.1.4.841";
/// `LDAP_DIRSYNC_OBJECT_SECURITY`: return what the account may read, so no replication right is needed.
const OBJECT_SECURITY: i32 = 1;
/// The most bytes a DirSync reply may carry (what .NET's `DirSyncRequestControl` asks for).
const MAX_BYTES: i32 = 0x0010_0000;
/// How many objectGUIDs one re-read filter holds.
const GUID_BATCH: usize = 100;
const STATE_HEADER: &str = "idrift-ad-changes-state: 1";
/// A filter no object matches (the nil objectGUID), answered from the objectGUID index.
const NOTHING: &str = r"(objectGUID=\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00)";

/// An object deleted since the previous run (a tombstone, `isDeleted: TRUE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedObject {
    /// Its objectGUID (unchanged by deletion).
    pub object_guid: Guid,
    /// Its tombstone DN (`CN=name\0ADEL:<guid>,CN=Deleted Objects,...`).
    pub dn: String,
    /// The DN of the container it was deleted from, when the server reports it.
    pub last_known_parent: Option<String>,
}

/// What changed since the previous run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdChanges {
    /// This was the first run: `changed` holds every user in scope.
    pub full: bool,
    /// Users in scope that were added or changed, read in full.
    pub changed: Vec<OnPremUser>,
    /// Objects deleted from the base DNs (or from an unknown place).
    pub deleted: Vec<DeletedObject>,
    /// Users that changed and are now outside the base DNs or the filter (moved out of scope).
    pub out_of_scope: Vec<OnPremUser>,
}

/// The state file: the naming context it belongs to, the cookie, and what the caller bound it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) naming_context: String,
    pub(crate) cookie: Vec<u8>,
    pub(crate) bound_to: Option<String>,
}

impl State {
    pub(crate) fn render(&self) -> String {
        let mut text = format!(
            "{STATE_HEADER}\nnaming-context: {}\ncookie: {}\n",
            self.naming_context,
            STANDARD.encode(&self.cookie)
        );
        if let Some(b) = &self.bound_to {
            text.push_str(&format!("bound-to: {b}\n"));
        }
        text
    }

    pub(crate) fn parse(text: &str) -> Result<State, String> {
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some(STATE_HEADER) {
            return Err(format!("line 1: expected {STATE_HEADER:?}"));
        }
        let mut naming_context = None;
        let mut cookie = None;
        let mut bound_to = None;
        for (i, line) in lines.enumerate() {
            let line_no = i + 2;
            if line.trim().is_empty() {
                continue;
            }
            match line.split_once(": ") {
                Some(("naming-context", v)) => naming_context = Some(v.trim().to_owned()),
                Some(("bound-to", v)) => bound_to = Some(v.trim().to_owned()),
                Some(("cookie", v)) => {
                    cookie = Some(
                        STANDARD
                            .decode(v.trim())
                            .map_err(|e| format!("line {line_no}: bad base64 cookie ({e})"))?,
                    );
                }
                _ => {
                    return Err(format!(
                        "line {line_no}: expected `naming-context:`, `cookie:` or `bound-to:`"
                    ));
                }
            }
        }
        match (naming_context, cookie) {
            (Some(naming_context), Some(cookie)) if !cookie.is_empty() => Ok(State {
                naming_context,
                cookie,
                bound_to,
            }),
            _ => Err("needs a `naming-context:` line and a non-empty `cookie:` line".to_owned()),
        }
    }
}

/// The request control value: `SEQUENCE { flags INTEGER, maxBytes INTEGER, cookie OCTET STRING }`.
pub(crate) fn request_control(cookie: &[u8]) -> RawControl {
    let mut content = tlv(0x02, &ber_int(i64::from(OBJECT_SECURITY)));
    content.extend(tlv(0x02, &ber_int(i64::from(MAX_BYTES))));
    content.extend(tlv(0x04, cookie));
    RawControl {
        ctype: CONTROL_OID.to_owned(),
        crit: true,
        val: Some(tlv(0x30, &content)),
    }
}

/// A BER tag-length-value with a definite length.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// The minimal two's-complement big-endian bytes of a BER INTEGER.
fn ber_int(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    bytes[start..].to_vec()
}

/// The response control value: `SEQUENCE { moreResults INTEGER, unused INTEGER, cookie OCTET STRING }`.
pub(crate) fn parse_response(val: &[u8]) -> Option<(bool, Vec<u8>)> {
    let seq = parse_sequence(val)?;
    let more = ber_integer(seq.first()?)?;
    let cookie = match &seq.get(2)?.payload {
        ldap3::asn1::PL::P(bytes) => bytes.clone(),
        ldap3::asn1::PL::C(_) => return None,
    };
    Some((more != 0, cookie))
}

/// The DN inside an extended DN (`<GUID=...>;<SID=...>;CN=x,DC=y` gives `CN=x,DC=y`).
fn strip_extended_dn(dn: &str) -> &str {
    let mut rest = dn;
    while rest.starts_with('<') {
        match rest.find(">;") {
            Some(i) => rest = &rest[i + 2..],
            None => break,
        }
    }
    rest
}

fn read_state(path: &Path) -> Result<Option<State>, LdapError> {
    let state_err = |message: String| LdapError::StateFile {
        path: path.display().to_string(),
        message,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => State::parse(&text).map(Some).map_err(|m| {
            state_err(format!(
                "{m}; delete the file to start over with a full run"
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(state_err(format!("cannot read it ({e})"))),
    }
}

/// Replaces the state file atomically: a temporary file in the same directory, synced, then renamed.
fn write_state(path: &Path, state: &State) -> Result<(), LdapError> {
    let state_err = |message: String| LdapError::StateFile {
        path: path.display().to_string(),
        message,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "ad-changes".to_owned());
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(state.render().as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok::<(), std::io::Error>(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        state_err(format!("cannot write it ({e})"))
    })
}

/// A change state file, read before a run: where it is and what it held (nothing before the first run).
#[derive(Debug, Clone)]
pub struct ChangeState {
    path: PathBuf,
    previous: Option<State>,
}

impl ChangeState {
    /// Reads the state file at `path`; a missing file means the next run is the first (full) one.
    ///
    /// # Errors
    /// [`LdapError::StateFile`] when the file cannot be read or is not a change state file.
    pub fn open(path: &Path) -> Result<ChangeState, LdapError> {
        Ok(ChangeState {
            path: path.to_path_buf(),
            previous: read_state(path)?,
        })
    }

    /// Whether there is no previous state, so the next run reads every user.
    #[must_use]
    pub fn is_first(&self) -> bool {
        self.previous.is_none()
    }

    /// What the previous run's caller bound the state to ([`PendingState::commit`]).
    #[must_use]
    pub fn bound_to(&self) -> Option<&str> {
        self.previous.as_ref().and_then(|s| s.bound_to.as_deref())
    }

    /// The state file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The state a run reached, not stored yet: [`PendingState::commit`] stores it once the caller has kept
/// the changes.
#[derive(Debug)]
#[must_use = "the state is stored only by commit"]
pub struct PendingState {
    path: PathBuf,
    state: State,
}

impl PendingState {
    /// Stores the state (atomically: a synced temporary file renamed over the old one), bound to `bound_to`
    /// (for example a digest of the file the changes were written to), which the next run's
    /// [`ChangeState::bound_to`] returns.
    ///
    /// # Errors
    /// [`LdapError::StateFile`] when it cannot be written; the old state is then left as it was.
    pub fn commit(mut self, bound_to: Option<&str>) -> Result<(), LdapError> {
        self.state.bound_to = bound_to.map(str::to_owned);
        write_state(&self.path, &self.state)
    }
}

impl LdapDirectory {
    /// Reads what changed since `state` (every user when it is the first run) and returns the changes with
    /// the state reached, which is stored only when the caller commits it.
    ///
    /// # Errors
    /// [`LdapError::StateFile`] for a state file of another domain (it names the naming context it
    /// belongs to); [`LdapError::AccessDenied`] or [`LdapError::Server`] when the server refuses the
    /// control; connection errors. The state file is never changed here.
    pub async fn read_changes(
        &self,
        state: &ChangeState,
    ) -> Result<(AdChanges, PendingState), LdapError> {
        if let Some(prev) = &state.previous
            && !prev
                .naming_context
                .eq_ignore_ascii_case(&self.naming_context)
        {
            return Err(LdapError::StateFile {
                path: state.path.display().to_string(),
                message: format!(
                    "it belongs to {:?}, not {:?}; use another state file for this domain",
                    prev.naming_context, self.naming_context
                ),
            });
        }
        let (changes, cookie) = match &state.previous {
            None => {
                // Only the cookie is needed: a filter that matches nothing still moves it to the
                // server's current state, without sending every object of the domain.
                let (cookie, _) = self.changes_pass(Vec::new(), NOTHING).await?;
                let changed = self.read_users().await?;
                let changes = AdChanges {
                    full: true,
                    changed,
                    ..AdChanges::default()
                };
                (changes, cookie)
            }
            Some(prev) => {
                let (cookie, found) = self
                    .changes_pass(prev.cookie.clone(), "(objectClass=user)")
                    .await?;
                (self.complete(found).await?, cookie)
            }
        };
        let pending = PendingState {
            path: state.path.clone(),
            state: State {
                naming_context: self.naming_context.clone(),
                cookie,
                bound_to: None,
            },
        };
        Ok((changes, pending))
    }

    /// Runs the control with `filter` until the server has no more results; returns the last cookie, the
    /// changed objectGUIDs and the deletions.
    async fn changes_pass(
        &self,
        mut cookie: Vec<u8>,
        filter: &str,
    ) -> Result<(Vec<u8>, Found), LdapError> {
        // The custom source anchor counts as an attribute the model reads: a changed employeeID is a change.
        let mut attrs: Vec<&str> = self.read_attributes();
        attrs.extend(["isDeleted", "lastKnownParent", "name"]);
        let mut found = Found::default();
        loop {
            let mut each = |tag| {
                let entry = decode(tag)?;
                let Some(guid_bytes) = entry.first("objectGUID") else {
                    return Ok(());
                };
                let guid = Guid::from_slice_le(guid_bytes).map_err(|e| LdapError::InvalidData {
                    dn: entry.dn.clone(),
                    message: format!("objectGUID: {e}"),
                })?;
                let deleted = entry
                    .first("isDeleted")
                    .is_some_and(|v| v.eq_ignore_ascii_case(b"TRUE"));
                if deleted {
                    let last_known_parent = entry
                        .values("lastKnownParent")
                        .first()
                        .map(|v| strip_extended_dn(&String::from_utf8_lossy(v)).to_owned());
                    found.deleted.push(DeletedObject {
                        object_guid: guid,
                        dn: entry.dn,
                        last_known_parent,
                    });
                } else if found.seen.insert(guid) {
                    found.changed.push(guid);
                }
                Ok(())
            };
            let ctrls = self
                .session
                .search_once(
                    &self.naming_context,
                    Scope::Subtree,
                    filter,
                    &attrs,
                    vec![request_control(&cookie)],
                    &mut each,
                )
                .await?;
            let raw = ctrls
                .iter()
                .map(|c| &c.1)
                .find(|raw| raw.ctype == CONTROL_OID);
            let Some((more, next)) =
                raw.and_then(|r| parse_response(r.val.as_deref().unwrap_or_default()))
            else {
                return Err(LdapError::InvalidData {
                    dn: self.naming_context.clone(),
                    message: "the reply carries no directory-synchronization (DirSync) control (does the server support it?)".to_owned(),
                });
            };
            if !next.is_empty() {
                cookie = next;
            }
            if !more {
                return Ok((cookie, found));
            }
        }
    }

    /// Reads the changed objects in full and sorts them into in scope and out of scope; keeps the deletions
    /// that happened under the base DNs.
    async fn complete(&self, found: Found) -> Result<AdChanges, LdapError> {
        let mut delta = AdChanges::default();
        for batch in found.changed.chunks(GUID_BATCH) {
            let any: String = batch.iter().map(guid_filter).collect();
            let users = self
                .read_in_naming_context(&format!("(&{USER_FILTER}(|{any}))"))
                .await?;
            let matching: Option<HashSet<Guid>> = match &self.extra_filter {
                Some(extra) => {
                    let filter = format!("(&{}(|{any}))", and_user_filter(Some(extra)));
                    let hits = self.read_in_naming_context(&filter).await?;
                    Some(hits.iter().filter_map(|u| u.object_guid).collect())
                }
                None => None,
            };
            for user in users {
                let in_bases = self
                    .base_dns
                    .iter()
                    .any(|b| is_under(&user.distinguished_name, b));
                let in_filter = match (&matching, user.object_guid) {
                    (None, _) => true,
                    (Some(set), Some(g)) => set.contains(&g),
                    (Some(_), None) => false,
                };
                if in_bases && in_filter {
                    delta.changed.push(user);
                } else {
                    delta.out_of_scope.push(user);
                }
            }
        }
        delta.deleted = found
            .deleted
            .into_iter()
            .filter(|d| match &d.last_known_parent {
                Some(parent) => self.base_dns.iter().any(|b| is_under(parent, b)),
                None => true,
            })
            .collect();
        Ok(delta)
    }

    async fn read_in_naming_context(&self, filter: &str) -> Result<Vec<OnPremUser>, LdapError> {
        let mut users = Vec::new();
        self.session
            .search_paged(
                &self.naming_context,
                Scope::Subtree,
                filter,
                &self.read_attributes(),
                &mut |tag| {
                    users.push(decode(tag)?.into_user(self.anchor.as_deref())?);
                    Ok(())
                },
            )
            .await?;
        Ok(users)
    }
}

#[derive(Default)]
struct Found {
    changed: Vec<Guid>,
    seen: HashSet<Guid>,
    deleted: Vec<DeletedObject>,
}

#[cfg(test)]
mod tests;
