//! The DirSyncOverrides comparison: the equivalent of ADSyncTools' `Compare-ADSyncToolsDirSyncOverrides`.
//!
//! For every matched, synced user it compares AD `mobile` with Entra `mobilePhone`, and AD `otherMobile`
//! with `AlternateMobilePhones` where the cloud source carries that property (Microsoft Graph does not;
//! legacy MSOnline exports do). A user whose values differ gets a [`DirSyncOverrideRow`]: the values of both
//! sides, which is what an admin persists back to AD before enabling BypassDirSyncOverrides (article 004).
//! Each row says whether its differences are only formatting ([`DirSyncOverrideRow::format_only`]: equal
//! after E.164 normalization), so a report can separate real drift from cosmetic drift.
//!
//! Comparison rules: an empty (or blank) value equals an absent one; `mobile` is compared as exact text;
//! `otherMobile` and `AlternateMobilePhones` are compared as sets (order and repeats do not matter).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::matching::{AdKeys, Anchor, CloudKeys, MatchCounts, MatchReport, match_users_by};
use crate::model::{CloudUser, OnPremUser};
use crate::phone::{E164Cache, PhoneOptions};

/// One user whose phone values differ between AD and Entra ID: a row of the DirSyncOverrides report.
///
/// The serialized keys are the CSV and JSON column names; multi-valued cells are arrays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirSyncOverrideRow {
    /// The Entra UPN when the Entra user has one, else the AD one.
    #[serde(rename = "UserPrincipalName")]
    pub user_principal_name: String,
    /// AD `mobile` (`None` when absent or empty).
    #[serde(rename = "MobileInAD", default)]
    pub mobile_in_ad: Option<String>,
    /// Entra `mobilePhone` (`None` when absent or empty).
    #[serde(rename = "MobileInEntra", default)]
    pub mobile_in_entra: Option<String>,
    /// AD `otherMobile`, in directory order, blanks left out.
    #[serde(rename = "OtherMobileInAD", default)]
    pub other_mobile_in_ad: Vec<String>,
    /// Entra `AlternateMobilePhones`; `None` when the cloud source does not carry the property.
    #[serde(rename = "AlternateMobilePhonesInEntra", default)]
    pub alternate_mobile_phones_in_entra: Option<Vec<String>>,
    /// The Entra user's `onPremisesImmutableId`.
    #[serde(rename = "OnPremisesImmutableId", default)]
    pub on_premises_immutable_id: String,
    /// The Entra object id.
    #[serde(rename = "ObjectId", default)]
    pub object_id: String,
    /// The AD distinguished name.
    #[serde(rename = "DistinguishedName", default)]
    pub distinguished_name: String,
    /// Every difference of this row disappears after E.164 normalization: the numbers are the same, only
    /// written differently.
    #[serde(rename = "FormatOnly", default)]
    pub format_only: bool,
}

/// The totals of a [`DirSyncReport`]: the matching counts (one [`MatchCounts`]), then the comparison's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DirSyncSummary {
    /// The matching's bucket sizes; flattened, so the JSON carries `OnPremTotal`, `Matched`, … at the top.
    #[serde(flatten)]
    pub matching: MatchCounts,
    /// Matched pairs whose Entra user is synced (`onPremisesSyncEnabled` true): the ones compared.
    pub synced_matched: usize,
    /// Matched pairs whose Entra user is not synced: skipped, sync does not write them.
    pub not_synced_matched: usize,
    /// Rows (users whose values differ).
    pub rows: usize,
    /// Rows with at least one difference that survives E.164 normalization.
    pub real_drift: usize,
    /// Rows whose differences are formatting only.
    pub format_only: usize,
    /// Whether `otherMobile` was compared for at least one user (its Entra user carried
    /// `AlternateMobilePhones`). False for Graph sources, which lack the property.
    pub alternate_mobile_compared: bool,
    /// AD users left out of every count because Entra Connect's default rules never sync them (set by the
    /// caller that scoped the snapshot; see [`crate::default_scope`]).
    #[serde(
        default,
        skip_serializing_if = "crate::default_scope::NotSyncedCounts::is_empty"
    )]
    pub not_synced_by_default: crate::default_scope::NotSyncedCounts,
}

/// The DirSyncOverrides comparison. Serializes as `{"Summary":{...},"Rows":[...]}`; the matching behind it is
/// kept for callers but not serialized.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DirSyncReport {
    /// The totals.
    pub summary: DirSyncSummary,
    /// One row per synced matched user whose values differ, sorted by UPN (case-insensitive), then DN.
    pub rows: Vec<DirSyncOverrideRow>,
    /// The matching the rows are based on.
    #[serde(skip)]
    pub matching: MatchReport,
}

/// What the comparison reads of an AD user besides its matching keys. [`OnPremUser`] and the compact
/// [`crate::lean::LeanAd`] implement it.
pub trait AdPhones: AdKeys {
    /// `distinguishedName`.
    fn dn(&self) -> &str;
    /// `mobile`.
    fn mobile(&self) -> Option<&str>;
    /// `otherMobile`, in directory order.
    fn other_mobile(&self) -> &[String];
}

/// What the comparison reads of an Entra ID user besides its matching keys. [`CloudUser`] and the compact
/// [`crate::lean::LeanCloud`] implement it.
pub trait CloudPhones: CloudKeys {
    /// The object id.
    fn id(&self) -> &str;
    /// `mobilePhone`.
    fn mobile(&self) -> Option<&str>;
    /// `AlternateMobilePhones`, where the source carries it.
    fn alternate_mobile_phones(&self) -> Option<&[String]>;
    /// Whether sync manages the user ([`CloudUser::is_synced`]).
    fn is_synced(&self) -> bool;
}

impl AdPhones for OnPremUser {
    fn dn(&self) -> &str {
        &self.distinguished_name
    }
    fn mobile(&self) -> Option<&str> {
        self.mobile.as_deref()
    }
    fn other_mobile(&self) -> &[String] {
        &self.other_mobile
    }
}

impl CloudPhones for CloudUser {
    fn id(&self) -> &str {
        &self.id
    }
    fn mobile(&self) -> Option<&str> {
        self.mobile_phone.as_deref()
    }
    fn alternate_mobile_phones(&self) -> Option<&[String]> {
        self.alternate_mobile_phones.as_deref()
    }
    fn is_synced(&self) -> bool {
        CloudUser::is_synced(self)
    }
}

/// Compares the phone values of every matched, synced user; see the module documentation.
///
/// Ambiguous and unmatched users are not compared (they are counted in the summary); nor are matched users
/// whose Entra user is not synced. Users are matched by `anchor` (see [`crate::matching`]).
pub fn compare_dirsync<A: AdPhones + Sync, C: CloudPhones + Sync>(
    on_prem: &[A],
    cloud: &[C],
    opts: &PhoneOptions,
    anchor: Anchor,
) -> DirSyncReport {
    let matching = match_users_by(on_prem, cloud, anchor);
    let mut summary = DirSyncSummary {
        matching: matching.counts,
        ..DirSyncSummary::default()
    };
    let mut rows = Vec::new();
    let mut e164 = E164Cache::new(opts);
    for pair in &matching.matched {
        let (ad, entra) = (&on_prem[pair.on_prem], &cloud[pair.cloud]);
        if !entra.is_synced() {
            summary.not_synced_matched += 1;
            continue;
        }
        summary.synced_matched += 1;
        summary.alternate_mobile_compared |= entra.alternate_mobile_phones().is_some();
        if let Some(row) = compare_pair(ad, entra, &mut e164) {
            rows.push(row);
        }
    }
    sort_rows(&mut rows);
    summary.rows = rows.len();
    summary.format_only = rows.iter().filter(|r| r.format_only).count();
    summary.real_drift = summary.rows - summary.format_only;
    DirSyncReport {
        summary,
        rows,
        matching,
    }
}

/// Sorts rows by UPN (case-insensitive), then DN, then object id; rows equal in all three keep their order.
///
/// Only the lower-cased UPN is computed ahead, and only for a UPN that is not already lower-case ASCII (the
/// usual case borrows it); DN and object id are compared where they lie. A million drifted rows sort without
/// three allocations each.
fn sort_rows(rows: &mut [DirSyncOverrideRow]) {
    use std::borrow::Cow;
    fn folded(upn: &str) -> Cow<'_, str> {
        if upn.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            Cow::Borrowed(upn)
        } else {
            Cow::Owned(upn.to_lowercase())
        }
    }
    let mut order: Vec<usize> = {
        let keys: Vec<Cow<'_, str>> = rows
            .iter()
            .map(|r| folded(&r.user_principal_name))
            .collect();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| {
            keys[a]
                .cmp(&keys[b])
                .then_with(|| rows[a].distinguished_name.cmp(&rows[b].distinguished_name))
                .then_with(|| rows[a].object_id.cmp(&rows[b].object_id))
        });
        order
    };
    // Position `i` takes the row at `order[i]`: applied in place, one cycle of the permutation at a time.
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut cur = start;
        while order[cur] != DONE {
            let next = order[cur];
            order[cur] = DONE;
            if next == start {
                break;
            }
            rows.swap(cur, next);
            cur = next;
        }
    }
}

/// The row for one matched pair, or `None` when its values agree.
pub(crate) fn compare_pair<'a>(
    ad: &'a impl AdPhones,
    entra: &'a impl CloudPhones,
    e164: &mut E164Cache<'a>,
) -> Option<DirSyncOverrideRow> {
    let ad_mobile = non_blank(ad.mobile());
    let entra_mobile = non_blank(entra.mobile());
    let mobile_differs = ad_mobile != entra_mobile;
    let other_differs = entra
        .alternate_mobile_phones()
        .is_some_and(|alt| phone_set(ad.other_mobile()) != phone_set(alt));
    if !mobile_differs && !other_differs {
        return None;
    }
    let mobile_format_only = !mobile_differs
        || match (ad_mobile, entra_mobile) {
            (Some(a), Some(b)) => e164.same_number(a, b),
            _ => false,
        };
    let other_format_only = !other_differs
        || entra.alternate_mobile_phones().is_some_and(|alt| {
            normalized_set(ad.other_mobile(), e164) == normalized_set(alt, e164)
        });
    Some(DirSyncOverrideRow {
        user_principal_name: non_blank(CloudKeys::upn(entra))
            .or(non_blank(AdKeys::upn(ad)))
            .unwrap_or_default()
            .to_owned(),
        mobile_in_ad: ad_mobile.map(str::to_owned),
        mobile_in_entra: entra_mobile.map(str::to_owned),
        other_mobile_in_ad: phone_list(ad.other_mobile()),
        alternate_mobile_phones_in_entra: entra.alternate_mobile_phones().map(phone_list),
        on_premises_immutable_id: entra.immutable_id().unwrap_or_default().to_owned(),
        object_id: entra.id().to_owned(),
        distinguished_name: ad.dn().to_owned(),
        format_only: mobile_format_only && other_format_only,
    })
}

/// The value, unless it is absent, empty or blank.
pub(crate) fn non_blank(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// A multi-valued phone attribute as a set of its non-blank values.
pub(crate) fn phone_set(values: &[String]) -> BTreeSet<&str> {
    values
        .iter()
        .map(String::as_str)
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// A multi-valued phone attribute with blanks left out, order kept.
pub(crate) fn phone_list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect()
}

/// The set of E.164 forms of a multi-valued attribute; a value that does not parse stands for its trimmed
/// text (marked, so it cannot collide with an E.164 form).
fn normalized_set<'a>(values: &'a [String], e164: &mut E164Cache<'a>) -> BTreeSet<String> {
    phone_set(values)
        .into_iter()
        .map(|v| {
            e164.normalize(v)
                .map_or_else(|| format!("text:{}", v.trim()), str::to_owned)
        })
        .collect()
}

#[cfg(test)]
mod tests;
