//! DirSyncOverrides repairs: per-user get/set/clear (the ADSyncTools `*-ADSyncToolsDirSyncOverridesUser`
//! functions), persisting Entra values back into AD, and the BypassDirSyncOverrides tenant switch.
//!
//! Every write goes through a plan of [`Planned`] operations run by [`crate::journal`], so it is journaled,
//! re-checked against the directory just before it is made, resumable and undoable. This module provides the
//! plans and the [`DirSyncExecutor`] that reads, compares and writes the three kinds of operation:
//!
//! - [`OP_AD_PHONES`]: AD `mobile` and `otherMobile` of one user (values are [`Phones`]);
//! - [`OP_ENTRA_MOBILE`]: Entra `mobilePhone` of one cloud-only user (Entra refuses synced users);
//! - [`OP_BYPASS`]: the tenant feature `bypassDirSyncOverridesEnabled`.
//!
//! The sequence Microsoft documents (article 004) is: compare, persist the cloud values worth keeping into AD,
//! enable the switch, run an initial sync. Enabling overwrites every differing cloud value with AD's, so
//! [`enable_blocker`] stops it while the preview still lists users, and the preview is journaled before the
//! switch is flipped. [`SnapshotTarget`] lets the whole sequence be rehearsed on a snapshot directory.

use std::collections::{BTreeMap, HashMap};

use idrift_core::Guid;
use idrift_core::dirsync::{DirSyncOverrideRow, DirSyncReport, compare_dirsync};
use idrift_core::matching::Anchor;
use idrift_core::model::{CloudUser, OnPremUser, SyncFeatures, TenantSync};
use idrift_core::phone::PhoneOptions;
use idrift_core::ports::{
    CloudDirectory, OnPremDirectory, OnPremPhoneWriter, SourceError, TenantSyncAdmin,
};
use idrift_core::sync_model;
use idrift_core::writes::{
    FileLine, PhoneChange, PhoneLines, Phones, SYNCED_PHONE_REFUSAL, UserKey, ValueSpelling,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppError;
use crate::journal::{OpExecutor, PlanSpec, Planned, from_value, number, to_value};

/// The operation writing AD `mobile` and `otherMobile` of one user.
pub const OP_AD_PHONES: &str = "ad.phones";
/// The operation writing Entra `mobilePhone` of one cloud-only user.
pub const OP_ENTRA_MOBILE: &str = "entra.mobilePhone";
/// The operation switching the tenant feature `bypassDirSyncOverridesEnabled`.
pub const OP_BYPASS: &str = "tenant.bypassDirSyncOverrides";
/// The [`crate::journal::Note`] kind of the preview journaled before BypassDirSyncOverrides is enabled.
pub const NOTE_BYPASS_PREVIEW: &str = "BypassPreview";
/// The [`crate::journal::Note`] kind recording why enabling BypassDirSyncOverrides was risky and that the
/// overwrite was accepted: the risks, one sentence each.
pub const NOTE_BYPASS_RISKS: &str = "BypassRisksAccepted";

/// The reminder every command that changes what sync does prints.
pub const INITIAL_SYNC_REMINDER: &str = "Sync applies this at its next cycle; to apply it to every user now, run \
     `Start-ADSyncSyncCycle -PolicyType Initial` on the Entra Connect server.";

/// What disabling BypassDirSyncOverrides re-enables, in words.
pub const DISABLE_CONSEQUENCE: &str = "Disabling BypassDirSyncOverrides lets cloud edits of a synced user's \
     MobilePhone or AlternateMobilePhones (by the user on their profile page, or by an administrator where Entra ID \
     still allows it) win again: each such edit creates a DirSyncOverride, and from then on AD's mobile and \
     otherMobile no longer reach Entra ID for that user.";

/// Where a [`OP_AD_PHONES`] operation finds its user: the DN first, then the UPN, then the objectGUID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdLocator {
    /// `distinguishedName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dn: Option<String>,
    /// `userPrincipalName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    /// `objectGUID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_guid: Option<Guid>,
}

impl AdLocator {
    /// The keys to try, in order.
    pub fn keys(&self) -> Vec<UserKey> {
        let mut keys = Vec::new();
        if let Some(dn) = self.dn.as_ref().filter(|d| !d.trim().is_empty()) {
            keys.push(UserKey::Dn(dn.clone()));
        }
        if let Some(upn) = self.upn.as_ref().filter(|u| !u.trim().is_empty()) {
            keys.push(UserKey::Upn(upn.clone()));
        }
        if let Some(g) = self.object_guid {
            keys.push(UserKey::ObjectGuid(g));
        }
        keys
    }

    /// The locator of a user as read.
    pub fn of(user: &OnPremUser) -> AdLocator {
        AdLocator {
            dn: Some(user.distinguished_name.clone()).filter(|d| !d.is_empty()),
            upn: user.user_principal_name.clone(),
            object_guid: user.object_guid,
        }
    }
}

/// Where a [`OP_ENTRA_MOBILE`] operation finds its user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EntraLocator {
    /// The Entra object id.
    pub id: String,
    /// The UPN, for people reading the journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
}

/// The value of a [`OP_ENTRA_MOBILE`] operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EntraMobile {
    /// `mobilePhone`.
    #[serde(default)]
    pub mobile_phone: Option<String>,
}

/// The value of a [`OP_BYPASS`] operation; its locator is `{"Id": "<sync object id>"}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BypassValue {
    /// `features.bypassDirSyncOverridesEnabled`.
    #[serde(rename = "BypassDirSyncOverridesEnabled")]
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TenantLocator {
    id: String,
}

/// Reads, compares and writes the DirSyncOverrides operations, against whichever directories it was given.
/// An operation whose directory is missing fails with a message naming what to pass.
#[derive(Clone, Copy, Default)]
pub struct DirSyncExecutor<'a> {
    ad: Option<&'a dyn OnPremPhoneWriter>,
    cloud: Option<&'a dyn TenantSyncAdmin>,
}

impl<'a> DirSyncExecutor<'a> {
    /// An executor writing to `ad` and `cloud`.
    pub fn new(
        ad: Option<&'a dyn OnPremPhoneWriter>,
        cloud: Option<&'a dyn TenantSyncAdmin>,
    ) -> DirSyncExecutor<'a> {
        DirSyncExecutor { ad, cloud }
    }

    fn ad(&self) -> Result<&'a dyn OnPremPhoneWriter, SourceError> {
        self.ad.ok_or_else(|| {
            SourceError::Refused(
                "this operation writes to Active Directory, which this run was not given (a live directory \
                 or a snapshot)"
                    .to_owned(),
            )
        })
    }

    fn cloud(&self) -> Result<&'a dyn TenantSyncAdmin, SourceError> {
        self.cloud.ok_or_else(|| {
            SourceError::Refused(
                "this operation writes to Entra ID, which this run was not given (the live tenant or a \
                 snapshot)"
                    .to_owned(),
            )
        })
    }

    /// Finds the AD user of an operation, and the key that names it now (its DN as read).
    async fn find_ad(&self, op: &Planned) -> Result<Option<OnPremUser>, SourceError> {
        let ad = self.ad()?;
        let loc: AdLocator = from_value(op, "Locator", &op.locator)?;
        for key in loc.keys() {
            if let Some(user) = ad.find_user(&key).await? {
                return Ok(Some(user));
            }
        }
        Ok(None)
    }

    /// Writes an [`OP_AD_PHONES`] operation, through or (`held`) held until [`OpExecutor::flush`].
    async fn write_ad(
        &self,
        op: &Planned,
        current: &Value,
        held: bool,
    ) -> Result<Value, SourceError> {
        let new: Phones = from_value(op, "After", &op.after)?;
        let expected: Phones = from_value(op, "the value read", current)?;
        let Some(user) = self.find_ad(op).await? else {
            return Err(SourceError::NotFound(format!(
                "{}: no longer in AD",
                op.target
            )));
        };
        let key = UserKey::Dn(user.distinguished_name.clone());
        let ad = self.ad()?;
        let places: Option<BTreeMap<String, usize>> = op
            .after
            .get(LINES_KEY)
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        let lines: Option<BTreeMap<String, Vec<FileLine>>> = op
            .after
            .get(LINE_TEXT_KEY)
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        if places.is_some() || lines.is_some() {
            ad.place_phones(
                &user.distinguished_name,
                &PhoneLines {
                    places: places.unwrap_or_default(),
                    lines: lines.unwrap_or_default(),
                },
            );
        }
        let change: PhoneChange = if held {
            ad.set_phones_held(&key, &new, Some(&expected)).await?
        } else {
            ad.set_phones(&key, &new, Some(&expected)).await?
        };
        Ok(to_value(&change.after))
    }

    /// Writes an [`OP_ENTRA_MOBILE`] operation, through or (`held`) held until [`OpExecutor::flush`].
    async fn write_entra(&self, op: &Planned, held: bool) -> Result<Value, SourceError> {
        let loc: EntraLocator = from_value(op, "Locator", &op.locator)?;
        let new: EntraMobile = from_value(op, "After", &op.after)?;
        let cloud = self.cloud()?;
        if op.after.get(ABSENT_KEY) == Some(&Value::Bool(true)) {
            cloud.spell_mobile(&loc.id, &ValueSpelling::Absent);
        } else if let Some(Value::String(t)) = op.after.get(VALUE_TEXT_KEY) {
            cloud.spell_mobile(&loc.id, &ValueSpelling::Text(t.clone()));
        }
        let mobile = blank_none(new.mobile_phone);
        if held {
            cloud
                .set_cloud_mobile_held(&loc.id, mobile.as_deref())
                .await?;
        } else {
            cloud.set_cloud_mobile(&loc.id, mobile.as_deref()).await?;
        }
        let after = cloud.find_cloud_user(&loc.id).await?;
        Ok(to_value(&EntraMobile {
            mobile_phone: after.and_then(|u| u.mobile_phone),
        }))
    }

    /// The phones of `user` as read. When `op` changes them and the directory is a file, with where their
    /// lines sat (under [`LINES_KEY`], when `op` removes an attribute) and the lines of the attributes it
    /// changes that the file spells otherwise than its writer would (under [`LINE_TEXT_KEY`]), so that undo
    /// puts back the same bytes at the same places.
    fn ad_value(&self, op: &Planned, user: &OnPremUser) -> Value {
        let now = Phones::of(user);
        let mut value = to_value(&now);
        let Ok(after) = serde_json::from_value::<Phones>(op.after.clone()) else {
            return value;
        };
        let removes = (now.mobile.is_some() && after.mobile.is_none())
            || (!now.other_mobile.is_empty() && after.other_mobile.is_empty());
        let (n, a) = (now.normalized(), after.normalized());
        let changed: Vec<&str> = [
            ("mobile", n.mobile != a.mobile),
            ("othermobile", n.other_mobile != a.other_mobile),
        ]
        .into_iter()
        .filter_map(|(name, changes)| changes.then_some(name))
        .collect();
        if (removes || !changed.is_empty())
            && let Some(lines) = self
                .ad
                .and_then(|ad| ad.phone_lines(&user.distinguished_name))
            && let Value::Object(map) = &mut value
        {
            if removes {
                map.insert(LINES_KEY.to_owned(), to_value(&lines.places));
            }
            let text: BTreeMap<&String, &Vec<FileLine>> = lines
                .lines
                .iter()
                .filter(|(name, _)| changed.contains(&name.as_str()))
                .collect();
            if !text.is_empty() {
                map.insert(LINE_TEXT_KEY.to_owned(), to_value(&text));
            }
        }
        value
    }

    /// The `mobilePhone` of `user` as read. When `op` changes it and the users are a file that holds it
    /// otherwise than its writer would, with how it held it ([`ABSENT_KEY`] or [`VALUE_TEXT_KEY`]), so that
    /// undo puts back the same bytes.
    fn entra_value(&self, op: &Planned, user: &CloudUser) -> Value {
        let mut value = to_value(&EntraMobile {
            mobile_phone: user.mobile_phone.clone(),
        });
        let changes = serde_json::from_value::<EntraMobile>(op.after.clone())
            .is_ok_and(|a| blank_none(a.mobile_phone) != blank_none(user.mobile_phone.clone()));
        if changes
            && let Some(spelling) = self.cloud.and_then(|c| c.mobile_spelling(&user.id))
            && let Value::Object(map) = &mut value
        {
            match spelling {
                ValueSpelling::Absent => map.insert(ABSENT_KEY.to_owned(), Value::Bool(true)),
                ValueSpelling::Text(t) => map.insert(VALUE_TEXT_KEY.to_owned(), Value::String(t)),
            };
        }
        value
    }

    async fn tenant(&self, op: &Planned) -> Result<Option<TenantSync>, SourceError> {
        let loc: TenantLocator = from_value(op, "Locator", &op.locator)?;
        Ok(self
            .cloud()?
            .tenant_sync()
            .await?
            .filter(|s| s.id == loc.id))
    }
}

impl OpExecutor for DirSyncExecutor<'_> {
    async fn read(&self, op: &Planned) -> Result<Option<Value>, SourceError> {
        match op.op.as_str() {
            OP_AD_PHONES => Ok(self.find_ad(op).await?.map(|u| self.ad_value(op, &u))),
            OP_ENTRA_MOBILE => {
                let loc: EntraLocator = from_value(op, "Locator", &op.locator)?;
                let user = self.cloud()?.find_cloud_user(&loc.id).await?;
                Ok(user.map(|u| self.entra_value(op, &u)))
            }
            OP_BYPASS => Ok(self.tenant(op).await?.map(|s| {
                to_value(&BypassValue {
                    enabled: s.features.bypass_dir_sync_overrides_enabled,
                })
            })),
            other => Err(unknown_op(other)),
        }
    }

    fn same(&self, op: &Planned, a: &Value, b: &Value) -> bool {
        match op.op.as_str() {
            OP_AD_PHONES => match (
                from_value::<Phones>(op, "value", a),
                from_value::<Phones>(op, "value", b),
            ) {
                (Ok(x), Ok(y)) => x.same_values(&y),
                _ => a == b,
            },
            OP_ENTRA_MOBILE => {
                match (
                    from_value::<EntraMobile>(op, "value", a),
                    from_value::<EntraMobile>(op, "value", b),
                ) {
                    (Ok(x), Ok(y)) => blank_none(x.mobile_phone) == blank_none(y.mobile_phone),
                    _ => a == b,
                }
            }
            _ => a == b,
        }
    }

    async fn write(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        match op.op.as_str() {
            OP_AD_PHONES => self.write_ad(op, current, false).await,
            OP_ENTRA_MOBILE => self.write_entra(op, false).await,
            OP_BYPASS => {
                let loc: TenantLocator = from_value(op, "Locator", &op.locator)?;
                let new: BypassValue = from_value(op, "After", &op.after)?;
                self.cloud()?
                    .set_bypass_dir_sync_overrides(&loc.id, new.enabled)
                    .await?;
                let after = self.tenant(op).await?;
                Ok(to_value(&BypassValue {
                    enabled: after.is_some_and(|s| s.features.bypass_dir_sync_overrides_enabled),
                }))
            }
            other => Err(unknown_op(other)),
        }
    }

    fn describe(&self, op: &Planned, value: &Value) -> String {
        describe_value(&op.op, value)
    }

    fn batch_limit(&self, op: &Planned) -> usize {
        match (op.op.as_str(), self.ad, self.cloud) {
            (OP_AD_PHONES, Some(ad), _) => ad.phone_batch_limit(),
            (OP_ENTRA_MOBILE, _, Some(cloud)) => cloud.cloud_batch_limit(),
            _ => 1,
        }
    }

    async fn write_held(&self, op: &Planned, current: &Value) -> Result<Value, SourceError> {
        match op.op.as_str() {
            OP_AD_PHONES => self.write_ad(op, current, true).await,
            OP_ENTRA_MOBILE => self.write_entra(op, true).await,
            _ => self.write(op, current).await,
        }
    }

    async fn flush(&self) -> Result<(), SourceError> {
        let ad = match self.ad {
            Some(ad) => ad.flush_phones().await,
            None => Ok(()),
        };
        let cloud = match self.cloud {
            Some(cloud) => cloud.flush_cloud().await,
            None => Ok(()),
        };
        ad.and(cloud)
    }

    fn handles(&self, op: &str) -> bool {
        matches!(op, OP_AD_PHONES | OP_ENTRA_MOBILE | OP_BYPASS)
    }
}

/// A value of a DirSyncOverrides operation in words (`mobile=... otherMobile=...`).
pub fn describe_value(op: &str, value: &Value) -> String {
    match op {
        OP_AD_PHONES => match serde_json::from_value::<Phones>(value.clone()) {
            Ok(p) => p.to_string(),
            Err(_) => value.to_string(),
        },
        OP_ENTRA_MOBILE => match serde_json::from_value::<EntraMobile>(value.clone()) {
            Ok(m) => format!(
                "mobilePhone={}",
                m.mobile_phone.as_deref().unwrap_or("(none)")
            ),
            Err(_) => value.to_string(),
        },
        OP_BYPASS => match serde_json::from_value::<BypassValue>(value.clone()) {
            Ok(b) => format!(
                "BypassDirSyncOverrides={}",
                if b.enabled { "enabled" } else { "disabled" }
            ),
            Err(_) => value.to_string(),
        },
        crate::lint::OP_LINT_VALUE => crate::lint::fix::describe_value(value),
        _ => value.to_string(),
    }
}

fn unknown_op(op: &str) -> SourceError {
    SourceError::Refused(format!(
        "operation {op:?} is not a DirSyncOverrides operation; this idrift cannot run it"
    ))
}

fn blank_none(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------------------
// Persist: Entra values back into AD.

/// A compare row that [`plan_persist`] did not turn into a write, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotPlanned {
    /// The user.
    pub user_principal_name: String,
    /// Why.
    pub reason: String,
}

/// The plan of `dirsync persist`.
#[derive(Debug, Clone, Default)]
pub struct PersistPlan {
    /// The writes (one [`OP_AD_PHONES`] per user).
    pub spec: PlanSpec,
    /// Users named but not planned, with the reason.
    pub not_planned: Vec<NotPlanned>,
}

/// The key of an [`OP_AD_PHONES`] value read from a file that holds where each phone attribute sat in its
/// entry (see [`OnPremPhoneWriter::phone_places`]); journaled with the value found before a removal, it is in
/// the value undo writes back, which puts the lines back at their places.
pub const LINES_KEY: &str = "Lines";

/// The key of an [`OP_AD_PHONES`] value read from a file that holds the lines of the attributes the write
/// changes as the file spells them (folded, base64, split, another spelling or line end; see
/// [`OnPremPhoneWriter::phone_lines`]), by lower-cased attribute name: `[{"At": n, "Text": "..."}]`.
/// Journaled with the value found, it is in the value undo writes back, which puts those lines back
/// verbatim. Journals without it (older ones, or lines in the writer's form) are undone in the writer's
/// form, which is the same bytes for the latter.
pub const LINE_TEXT_KEY: &str = "LineText";

/// The key of an [`OP_ENTRA_MOBILE`] value read from a file whose user had no `mobilePhone` property
/// (`true`): journaled with the value found, undo removes the property again instead of writing `null`.
pub const ABSENT_KEY: &str = "Absent";

/// The key of an [`OP_ENTRA_MOBILE`] value read from a file that held `mobilePhone` otherwise than its
/// writer would (escapes): the value's JSON text, which undo writes back verbatim.
pub const VALUE_TEXT_KEY: &str = "ValueText";

/// The command name journals of `persist` carry.
pub const PERSIST_COMMAND: &str = "dirsync persist";

/// Plans writing the Entra values of each row into AD: `mobile` := `MobileInEntra`, and `otherMobile` :=
/// `AlternateMobilePhonesInEntra` when the row carries it (Graph sources do not; then `otherMobile` is kept).
/// The before-value is the row's AD side, so a user whose AD values changed since the comparison is a
/// conflict at write time. With `only` non-empty, just those UPNs (case-insensitive) are planned.
pub fn plan_persist(rows: &[DirSyncOverrideRow], only: &[String]) -> PersistPlan {
    let wanted = |upn: &str| {
        only.is_empty()
            || only
                .iter()
                .any(|o| o.trim().eq_ignore_ascii_case(upn.trim()))
    };
    let mut ops = Vec::new();
    let mut not_planned = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        if !wanted(&row.user_principal_name) {
            continue;
        }
        let upn_key = row.user_principal_name.trim().to_lowercase();
        if !seen.insert(upn_key) {
            not_planned.push(NotPlanned {
                user_principal_name: row.user_principal_name.clone(),
                reason: "a second row for this user; only the first is planned".to_owned(),
            });
            continue;
        }
        let before = Phones {
            mobile: row.mobile_in_ad.clone(),
            other_mobile: row.other_mobile_in_ad.clone(),
        };
        let after = Phones {
            mobile: row.mobile_in_entra.clone(),
            other_mobile: row
                .alternate_mobile_phones_in_entra
                .clone()
                .unwrap_or_else(|| row.other_mobile_in_ad.clone()),
        };
        if before.same_values(&after) {
            not_planned.push(NotPlanned {
                user_principal_name: row.user_principal_name.clone(),
                reason: "AD already has the Entra values".to_owned(),
            });
            continue;
        }
        let locator = AdLocator {
            dn: Some(row.distinguished_name.clone()).filter(|d| !d.trim().is_empty()),
            upn: Some(row.user_principal_name.clone()),
            object_guid: None,
        };
        ops.push(Planned {
            seq: 0,
            op: OP_AD_PHONES.to_owned(),
            target: row.user_principal_name.clone(),
            locator: to_value(&locator),
            before: to_value(&before.normalized()),
            after: to_value(&after.normalized()),
        });
    }
    for o in only {
        let named = rows
            .iter()
            .any(|r| r.user_principal_name.trim().eq_ignore_ascii_case(o.trim()));
        if !named {
            not_planned.push(NotPlanned {
                user_principal_name: o.clone(),
                reason: "not in the comparison: AD and Entra ID agree, or the user is not a matched synced user"
                    .to_owned(),
            });
        }
    }
    number(&mut ops);
    PersistPlan {
        spec: PlanSpec {
            command: PERSIST_COMMAND.to_owned(),
            ops,
            notes: Vec::new(),
            undoes: None,
        },
        not_planned,
    }
}

/// Whether an [`OP_AD_PHONES`] operation removes a value AD has (an Entra side that is empty, or lacks an
/// `otherMobile` value): worth pointing out before persisting, since nothing in the cloud replaces it.
pub fn removes_ad_value(op: &Planned) -> bool {
    if op.op != OP_AD_PHONES {
        return false;
    }
    match (
        serde_json::from_value::<Phones>(op.before.clone()),
        serde_json::from_value::<Phones>(op.after.clone()),
    ) {
        (Ok(b), Ok(a)) => {
            let (b, a) = (b.normalized(), a.normalized());
            (b.mobile.is_some() && a.mobile.is_none())
                || b.other_mobile.iter().any(|v| !a.other_mobile.contains(v))
        }
        _ => false,
    }
}

/// Reads both live directories and compares them.
///
/// # Errors
/// [`AppError::Source`] when either read fails.
pub async fn compare_sources(
    ad: &dyn OnPremDirectory,
    cloud: &dyn CloudDirectory,
    phone: &PhoneOptions,
) -> Result<DirSyncReport, AppError> {
    let on_prem = ad.users().await?;
    let cloud_users = cloud.users().await?;
    Ok(compare_dirsync(&on_prem, &cloud_users, phone, ad.anchor()))
}

// ---------------------------------------------------------------------------------------------------------
// Per-user get / set / clear.

/// Reads an identity as ADSyncTools' `-Identity` does: a GUID is an objectGUID, text with `=` a DN, anything
/// else a UPN.
pub fn parse_identity(identity: &str) -> UserKey {
    let t = identity.trim();
    if let Ok(g) = t.trim_matches(|c| c == '{' || c == '}').parse::<Guid>() {
        UserKey::ObjectGuid(g)
    } else if t.contains('=') {
        UserKey::Dn(t.to_owned())
    } else {
        UserKey::Upn(t.to_owned())
    }
}

/// A user's AD phone values (`Get-ADSyncToolsDirSyncOverridesUser -FromAD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdPhonesView {
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `distinguishedName`.
    pub distinguished_name: String,
    /// `mobile`.
    pub mobile: Option<String>,
    /// `otherMobile`.
    pub other_mobile: Vec<String>,
}

/// A user's Entra phone values (`Get-ADSyncToolsDirSyncOverridesUser -FromEntraID`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EntraPhonesView {
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// The object id.
    pub object_id: String,
    /// Whether sync manages the user (then Entra refuses phone writes).
    pub synced: bool,
    /// `mobilePhone`.
    pub mobile_phone: Option<String>,
    /// `AlternateMobilePhones`, when the source carries it (Graph does not).
    pub alternate_mobile_phones: Option<Vec<String>>,
}

fn no_such_user(side: &str, identity: &str) -> AppError {
    AppError::NotFound(format!("no {side} user {identity}"))
}

async fn find_ad_user(ad: &dyn OnPremPhoneWriter, identity: &str) -> Result<OnPremUser, AppError> {
    ad.find_user(&parse_identity(identity))
        .await?
        .ok_or_else(|| no_such_user("AD", identity))
}

async fn find_entra_user(
    cloud: &dyn TenantSyncAdmin,
    identity: &str,
) -> Result<CloudUser, AppError> {
    cloud
        .find_cloud_user(identity.trim())
        .await?
        .ok_or_else(|| no_such_user("Entra ID", identity))
}

/// Reads a user's AD phone values.
///
/// # Errors
/// [`AppError::NotFound`] when no user matches; [`AppError::Source`] when the read fails.
pub async fn get_ad(ad: &dyn OnPremPhoneWriter, identity: &str) -> Result<AdPhonesView, AppError> {
    let u = find_ad_user(ad, identity).await?;
    Ok(AdPhonesView {
        user_principal_name: u.user_principal_name,
        distinguished_name: u.distinguished_name,
        mobile: u.mobile,
        other_mobile: u.other_mobile,
    })
}

/// Reads a user's Entra phone values.
///
/// # Errors
/// [`AppError::NotFound`] when no user matches; [`AppError::Source`] when the read fails.
pub async fn get_entra(
    cloud: &dyn TenantSyncAdmin,
    identity: &str,
) -> Result<EntraPhonesView, AppError> {
    let u = find_entra_user(cloud, identity).await?;
    Ok(EntraPhonesView {
        synced: u.is_synced(),
        user_principal_name: u.user_principal_name,
        object_id: u.id,
        mobile_phone: u.mobile_phone,
        alternate_mobile_phones: u.alternate_mobile_phones,
    })
}

/// A change of AD phone values: `None` leaves an attribute as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdPhoneEdit {
    /// New `mobile`: `Some(None)` clears it.
    pub mobile: Option<Option<String>>,
    /// New `otherMobile`: `Some(vec![])` clears it.
    pub other_mobile: Option<Vec<String>>,
}

/// Plans a change of one user's AD phone values, from their current values. `Ok(None)` when the user already
/// has them.
///
/// # Errors
/// [`AppError::Invalid`] when the edit changes nothing or no user matches; [`AppError::Source`] when the read
/// fails.
pub async fn plan_ad_edit(
    ad: &dyn OnPremPhoneWriter,
    identity: &str,
    edit: &AdPhoneEdit,
) -> Result<Option<Planned>, AppError> {
    if edit.mobile.is_none() && edit.other_mobile.is_none() {
        return Err(AppError::Invalid(
            "name what to change: AD's mobile and/or otherMobile value".to_owned(),
        ));
    }
    let user = find_ad_user(ad, identity).await?;
    let before = Phones::of(&user).normalized();
    let after = Phones {
        mobile: edit.mobile.clone().unwrap_or_else(|| before.mobile.clone()),
        other_mobile: edit
            .other_mobile
            .clone()
            .unwrap_or_else(|| before.other_mobile.clone()),
    }
    .normalized();
    if before.same_values(&after) {
        return Ok(None);
    }
    let target = user
        .user_principal_name
        .clone()
        .unwrap_or_else(|| user.distinguished_name.clone());
    let mut ops = vec![Planned {
        seq: 0,
        op: OP_AD_PHONES.to_owned(),
        target,
        locator: to_value(&AdLocator::of(&user)),
        before: to_value(&before),
        after: to_value(&after),
    }];
    number(&mut ops);
    Ok(ops.pop())
}

/// Plans setting (`Some`) or clearing (`None`) a cloud-only user's Entra `mobilePhone`. `Ok(None)` when the
/// user already has the value.
///
/// # Errors
/// [`AppError::Source`] with [`SourceError::Refused`] and [`SYNCED_PHONE_REFUSAL`] for a synced user (the fix
/// is in AD); [`AppError::Invalid`] when no user matches.
pub async fn plan_entra_edit(
    cloud: &dyn TenantSyncAdmin,
    identity: &str,
    mobile: Option<String>,
) -> Result<Option<Planned>, AppError> {
    let user = find_entra_user(cloud, identity).await?;
    if user.is_synced() {
        return Err(SourceError::Refused(SYNCED_PHONE_REFUSAL.to_owned()).into());
    }
    let before = EntraMobile {
        mobile_phone: blank_none(user.mobile_phone.clone()),
    };
    let after = EntraMobile {
        mobile_phone: blank_none(mobile),
    };
    if before == after {
        return Ok(None);
    }
    let mut ops = vec![Planned {
        seq: 0,
        op: OP_ENTRA_MOBILE.to_owned(),
        target: user
            .user_principal_name
            .clone()
            .unwrap_or_else(|| user.id.clone()),
        locator: to_value(&EntraLocator {
            id: user.id.clone(),
            upn: user.user_principal_name.clone(),
        }),
        before: to_value(&before),
        after: to_value(&after),
    }];
    number(&mut ops);
    Ok(ops.pop())
}

/// A plan of one operation, for `dirsync set` and `dirsync clear`.
pub fn single_spec(command: &str, op: Planned) -> PlanSpec {
    PlanSpec {
        command: command.to_owned(),
        ops: vec![op],
        notes: Vec::new(),
        undoes: None,
    }
}

// ---------------------------------------------------------------------------------------------------------
// BypassDirSyncOverrides.

/// One user whose Entra values enabling BypassDirSyncOverrides would overwrite with AD's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PreviewUser {
    /// The Entra UPN.
    pub user_principal_name: String,
    /// AD `mobile`: what Entra will get.
    #[serde(rename = "MobileInAD")]
    pub mobile_in_ad: Option<String>,
    /// Entra `mobilePhone`: what will be lost unless persisted into AD first.
    pub mobile_in_entra: Option<String>,
    /// AD `otherMobile`.
    #[serde(rename = "OtherMobileInAD")]
    pub other_mobile_in_ad: Vec<String>,
    /// Entra `AlternateMobilePhones`, when the source carries it (`null` for Graph, which has no such property).
    pub alternate_mobile_phones_in_entra: Option<Vec<String>>,
    /// Why, in one sentence (not part of the JSON contract).
    #[serde(skip)]
    pub explanation: String,
}

/// A synced Entra user (ImmutableId set, sync enabled) the AD read has no match for: its AD values are
/// unknown, so the switch may overwrite its cloud values with whatever AD holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnseenUser {
    /// The Entra UPN (the object id when the user has none).
    pub user_principal_name: String,
    /// Entra `mobilePhone`.
    pub mobile_in_entra: Option<String>,
    /// Entra `AlternateMobilePhones`, when the source carries it.
    pub alternate_mobile_phones_in_entra: Option<Vec<String>>,
}

/// The data at risk when BypassDirSyncOverrides is enabled: `{"Users":[...]}`, plus
/// `"SyncedWithoutAdMatch"` and `"AdReadIncomplete"` when the AD read cannot vouch for every synced user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BypassPreview {
    /// The users, sorted by UPN.
    pub users: Vec<PreviewUser>,
    /// Synced Entra users with no AD match, sorted by UPN: at risk because their AD values are unknown.
    #[serde(
        rename = "SyncedWithoutAdMatch",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub synced_without_ad_match: Vec<UnseenUser>,
    /// Why the AD read may not cover the tenant (it was empty, or scoped by a base DN or a filter).
    #[serde(
        rename = "AdReadIncomplete",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ad_read_incomplete: Vec<String>,
}

impl BypassPreview {
    /// Why enabling the switch may lose data, one sentence each; empty when nothing is at risk.
    pub fn risks(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.users.is_empty() {
            out.push(format!(
                "the next sync would overwrite the Entra mobile numbers of {} user(s) with AD's values",
                self.users.len()
            ));
        }
        if !self.synced_without_ad_match.is_empty() {
            out.push(format!(
                "{} synced Entra user(s) have no match in the AD read, so their AD values are unknown and the \
                 switch may overwrite their Entra numbers",
                self.synced_without_ad_match.len()
            ));
        }
        out.extend(
            self.ad_read_incomplete
                .iter()
                .map(|r| format!("{r}, so it may not cover every synced user of the tenant")),
        );
        out
    }

    /// The summary line naming both counts.
    pub fn summary(&self) -> String {
        format!(
            "{} user(s) whose Entra values differ from AD's; {} synced Entra user(s) with no AD match (their AD \
             values are unknown)",
            self.users.len(),
            self.synced_without_ad_match.len()
        )
    }
}

/// The users whose cloud values enabling the switch would overwrite and lose (the sync model's
/// `bypass_preview`, rule R12 of docs/sync-model.md): matched synced users whose Entra side holds a phone value
/// AD does not. Each carries the sync model's one-sentence explanation for the tenant's current `features`.
pub fn bypass_preview(
    on_prem: &[OnPremUser],
    cloud: &[CloudUser],
    features: &SyncFeatures,
    phone: &PhoneOptions,
    anchor: Anchor,
) -> BypassPreview {
    let report = compare_dirsync(on_prem, cloud, phone, anchor);
    let mut synced_without_ad_match: Vec<UnseenUser> =
        sync_model::synced_without_ad_match(&report.matching, cloud)
            .into_iter()
            .filter_map(|i| cloud.get(i))
            .map(|c| UnseenUser {
                user_principal_name: c
                    .user_principal_name
                    .clone()
                    .unwrap_or_else(|| c.id.clone()),
                mobile_in_entra: c.mobile_phone.clone(),
                alternate_mobile_phones_in_entra: c.alternate_mobile_phones.clone(),
            })
            .collect();
    synced_without_ad_match.sort_by_cached_key(|u| u.user_principal_name.to_lowercase());
    let ad_read_incomplete = if on_prem.is_empty() {
        vec!["the AD read returned no users".to_owned()]
    } else {
        Vec::new()
    };
    let rows = sync_model::bypass_preview(&report);
    if rows.is_empty() {
        return BypassPreview {
            users: Vec::new(),
            synced_without_ad_match,
            ad_read_incomplete,
        };
    }
    let explanations: HashMap<String, String> =
        sync_model::predict_all(on_prem, cloud, features, anchor)
            .into_iter()
            .map(|p| (p.object_id, p.explanation))
            .collect();
    let users = rows
        .into_iter()
        .map(|r| {
            let mut explanation = explanations.get(&r.object_id).cloned().unwrap_or_default();
            if r.format_only {
                explanation.push_str(" (the same number, written differently)");
            }
            PreviewUser {
                user_principal_name: r.user_principal_name,
                mobile_in_ad: r.mobile_in_ad,
                mobile_in_entra: r.mobile_in_entra,
                other_mobile_in_ad: r.other_mobile_in_ad,
                alternate_mobile_phones_in_entra: r.alternate_mobile_phones_in_entra,
                explanation,
            }
        })
        .collect();
    BypassPreview {
        users,
        synced_without_ad_match,
        ad_read_incomplete,
    }
}

/// Reads both directories (and the tenant's features, when the source has them) and previews.
///
/// # Errors
/// [`AppError::Source`] when a read fails.
pub async fn bypass_preview_sources(
    ad: &dyn OnPremDirectory,
    cloud: &dyn CloudDirectory,
    phone: &PhoneOptions,
) -> Result<BypassPreview, AppError> {
    let on_prem = ad.users().await?;
    let users = cloud.users().await?;
    let features = cloud
        .tenant_sync()
        .await?
        .map(|s| s.features)
        .unwrap_or_default();
    let mut preview = bypass_preview(&on_prem, &users, &features, phone, ad.anchor());
    preview.ad_read_incomplete.extend(ad.read_scope());
    Ok(preview)
}

/// Reads the tenant sync object.
///
/// # Errors
/// [`AppError::Invalid`] when the source has none (a snapshot without `entra-sync.json`);
/// [`AppError::Source`] when the read fails.
pub async fn tenant_sync(cloud: &dyn CloudDirectory) -> Result<TenantSync, AppError> {
    cloud.tenant_sync().await?.ok_or_else(|| {
        AppError::Invalid(
            "the Entra source has no tenant sync object (a snapshot needs entra-sync.json, the response of GET \
             /directory/onPremisesSynchronization)"
                .to_owned(),
        )
    })
}

/// Why `bypass enable` must not proceed: the preview names risks (users whose values differ, synced users AD
/// has no match for, an empty or scoped AD read) and the loss was not accepted. A structured value, so each
/// front end names its own inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnableBlocker {
    /// The risks in words, as [`BypassPreview::risks`] gives them.
    pub risks: Vec<String>,
}

impl EnableBlocker {
    /// The refusal in words. `persist` names the front end's persist command and `accept` the input that
    /// accepts the loss, each in that front end's vocabulary (a CLI command and flag, a cmdlet and parameter).
    pub fn describe(&self, persist: &str, accept: &str) -> String {
        format!(
            "refusing to enable BypassDirSyncOverrides: {}. Persist the values worth keeping into AD first \
             ({persist}) and read all of AD, or give {accept} to lose them.",
            self.risks.join("; ")
        )
    }
}

/// Why `bypass enable` must not proceed, or `None` when it may: the preview names a risk and the overwrite
/// was not accepted.
pub fn enable_blocker(preview: &BypassPreview, accept_overwrite: bool) -> Option<EnableBlocker> {
    let risks = preview.risks();
    if risks.is_empty() || accept_overwrite {
        return None;
    }
    Some(EnableBlocker { risks })
}

/// The plan switching BypassDirSyncOverrides to `enable`: one [`OP_BYPASS`] operation, plus the preview as
/// a [`NOTE_BYPASS_PREVIEW`] note when enabling. `None` when the switch is already in that state.
pub fn plan_bypass(
    sync: &TenantSync,
    enable: bool,
    preview: Option<&BypassPreview>,
) -> Option<PlanSpec> {
    let current = sync.features.bypass_dir_sync_overrides_enabled;
    if current == enable {
        return None;
    }
    let mut ops = vec![Planned {
        seq: 0,
        op: OP_BYPASS.to_owned(),
        target: "tenant".to_owned(),
        locator: json!({ "Id": sync.id }),
        before: to_value(&BypassValue { enabled: current }),
        after: to_value(&BypassValue { enabled: enable }),
    }];
    number(&mut ops);
    let notes = preview
        .map(|p| {
            let mut notes = vec![(NOTE_BYPASS_PREVIEW.to_owned(), to_value(p))];
            let risks = p.risks();
            if !risks.is_empty() {
                notes.push((NOTE_BYPASS_RISKS.to_owned(), json!({ "Accepted": risks })));
            }
            notes
        })
        .unwrap_or_default();
    Some(PlanSpec {
        command: if enable {
            "dirsync bypass enable"
        } else {
            "dirsync bypass disable"
        }
        .to_owned(),
        ops,
        notes,
        undoes: None,
    })
}

mod bypass;
mod persist;
mod snapshot_target;
pub use bypass::{BypassSet, bypass_set};
pub use persist::{Persist, PersistRows, persist};
pub use snapshot_target::{AD_BATCH, MAX_REWRITES, SnapshotTarget};

#[cfg(test)]
mod tests;
