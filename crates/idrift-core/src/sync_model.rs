//! The sync model: what Entra ID's `mobilePhone` and `AlternateMobilePhones` will hold after the next sync
//! cycle, and why, one sentence per user.
//!
//! Its inputs are the AD values, the Entra values, the tenant's [`SyncFeatures`] (the
//! `bypassDirSyncOverridesEnabled` switch) and what is known of each user's DirSyncOverride. The rules are
//! numbered in `docs/sync-model.md`, with their sources; the comments below cite them as R1, R2, ...
//!
//! In short: sync writes only synced users (R1), AD `mobile`/`otherMobile` to `mobilePhone`/
//! `AlternateMobilePhones` (R2). When the two sides agree nothing changes (R4). When they differ, a
//! DirSyncOverride (created by a cloud edit) keeps the cloud value (R5), and a synced user whose values differ
//! is presumed to carry one (R6) unless it is known not to (R7); the BypassDirSyncOverrides switch makes AD
//! win regardless (R8). The cloud values the switch would overwrite are the data at risk (R12), which
//! [`bypass_preview`] lists.

use serde::{Deserialize, Serialize};

use crate::dirsync::{DirSyncOverrideRow, DirSyncReport, non_blank, phone_list, phone_set};
use crate::matching::{Anchor, MatchReport, match_users_by};
use crate::model::{CloudUser, OnPremUser, SyncFeatures};

/// What is known of a user's DirSyncOverride (the per-user flag a cloud edit of a synced user's phone sets;
/// neither Graph nor AD exposes it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OverrideState {
    /// Not known: presumed present when the values differ (R6).
    #[default]
    Unknown,
    /// Known to exist (for example, the admin saw the cloud edit).
    Present,
    /// Known not to exist (for example, AD changed after the last sync cycle): the difference is pending.
    Absent,
}

/// What the next sync cycle does to a user's cloud phone values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SyncOutcome {
    /// The Entra user is not synced: sync does not write it, the cloud values stay (R1).
    NotSynced,
    /// AD and Entra agree: nothing changes (R4).
    InSync,
    /// The values differ and a DirSyncOverride (present or presumed) keeps the cloud values (R5, R6).
    OverrideKeepsCloud,
    /// The values differ and BypassDirSyncOverrides is on: AD's values replace the cloud's (R8).
    BypassOverwritesCloud,
    /// The values differ, the switch is off and no override exists: sync writes AD's values, a pending
    /// update (R7).
    SyncWritesAd,
}

/// The prediction for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SyncPrediction {
    /// The Entra UPN when the Entra user has one, else the AD one.
    pub user_principal_name: String,
    /// The Entra object id.
    pub object_id: String,
    /// The AD distinguished name.
    pub distinguished_name: String,
    /// What the next sync cycle does.
    pub outcome: SyncOutcome,
    /// `mobilePhone` after the next sync cycle (`None`: empty).
    pub predicted_mobile: Option<String>,
    /// `AlternateMobilePhones` after the next sync cycle; `None` when it cannot be known (the cloud source
    /// does not carry the property and the cloud keeps its value, R10).
    pub predicted_alternate_mobile_phones: Option<Vec<String>>,
    /// One sentence: the values, what happens to them, and why.
    pub explanation: String,
    /// The cloud holds a phone value that AD does not and that enabling BypassDirSyncOverrides (or the
    /// switch already on) overwrites: persist it to AD first (R12).
    pub at_risk: bool,
}

/// Predicts one user's cloud phone values after the next sync cycle, applying rules R1–R12.
pub fn predict_user(
    ad: &OnPremUser,
    cloud: &CloudUser,
    features: &SyncFeatures,
    override_state: OverrideState,
) -> SyncPrediction {
    let v = Values::of(ad, cloud);
    let user_principal_name = non_blank(cloud.user_principal_name.as_deref())
        .or(non_blank(ad.user_principal_name.as_deref()))
        .unwrap_or_default()
        .to_owned();
    let base = SyncPrediction {
        user_principal_name,
        object_id: cloud.id.clone(),
        distinguished_name: ad.distinguished_name.clone(),
        outcome: SyncOutcome::InSync,
        predicted_mobile: v.cloud_mobile.map(str::to_owned),
        predicted_alternate_mobile_phones: v.cloud_alternates.map(phone_list),
        explanation: String::new(),
        at_risk: false,
    };

    // R1: sync writes only synced users.
    if !cloud.is_synced() {
        let why = match cloud.on_premises_sync_enabled {
            Some(false) => "is no longer synced (onPremisesSyncEnabled is false)",
            _ => "was never synced (onPremisesSyncEnabled is null)",
        };
        let explanation = format!(
            "The Entra user {why}: sync does not write its phones, so Entra keeps mobilePhone {}",
            shown(v.cloud_mobile)
        );
        return SyncPrediction {
            outcome: SyncOutcome::NotSynced,
            explanation,
            ..base
        };
    }

    // R3: compare; R4: nothing differs, nothing changes.
    let mobile_differs = v.ad_mobile != v.cloud_mobile;
    let alternates_differ = v
        .cloud_alternates
        .is_some_and(|alt| phone_set(&ad.other_mobile) != phone_set(alt));
    let bypass = features.bypass_dir_sync_overrides_enabled;
    if !mobile_differs && !alternates_differ {
        // R10: when the cloud source lacks AlternateMobilePhones, AD's otherMobile is what sync writes only if
        // AD wins (switch on, or no override); otherwise it stays unknown.
        let predicted_alternate_mobile_phones = match &base.predicted_alternate_mobile_phones {
            Some(alt) => Some(alt.clone()),
            None if bypass || override_state == OverrideState::Absent => {
                Some(phone_list(&ad.other_mobile))
            }
            None => None,
        };
        let explanation = format!(
            "AD mobile and Entra mobilePhone are both {}{}: the next sync cycle changes nothing",
            shown(v.ad_mobile),
            if v.cloud_alternates.is_some() {
                ", and otherMobile equals AlternateMobilePhones"
            } else {
                ""
            }
        );
        return SyncPrediction {
            predicted_alternate_mobile_phones,
            explanation,
            ..base
        };
    }

    // The values differ: R5–R8 decide who wins.
    let ad_wins = bypass || override_state == OverrideState::Absent;
    let outcome = if bypass {
        SyncOutcome::BypassOverwritesCloud
    } else {
        match override_state {
            OverrideState::Absent => SyncOutcome::SyncWritesAd,
            OverrideState::Present | OverrideState::Unknown => SyncOutcome::OverrideKeepsCloud,
        }
    };
    let (predicted_mobile, predicted_alternate_mobile_phones) = if ad_wins {
        // R8/R10: sync writes AD's values, including AD's otherMobile where the cloud value is not known.
        (
            v.ad_mobile.map(str::to_owned),
            Some(phone_list(&ad.other_mobile)),
        )
    } else {
        (
            base.predicted_mobile.clone(),
            base.predicted_alternate_mobile_phones.clone(),
        )
    };
    // R12: the cloud values the switch overwrites, unless they are a stale copy of AD pending an update.
    let at_risk = override_state != OverrideState::Absent && cloud_holds_value_not_in_ad(ad, cloud);
    let explanation = explain_difference(
        &v,
        ad,
        mobile_differs,
        alternates_differ,
        outcome,
        override_state,
    );
    SyncPrediction {
        outcome,
        predicted_mobile,
        predicted_alternate_mobile_phones,
        explanation,
        at_risk,
        ..base
    }
}

/// Predicts every matched, synced user (R1, R13), with [`OverrideState::Unknown`], sorted by UPN
/// (case-insensitive), then DN, then object id. Users are matched by `anchor`.
pub fn predict_all(
    on_prem: &[OnPremUser],
    cloud: &[CloudUser],
    features: &SyncFeatures,
    anchor: Anchor,
) -> Vec<SyncPrediction> {
    let matching = match_users_by(on_prem, cloud, anchor);
    let mut out: Vec<SyncPrediction> = matching
        .matched
        .iter()
        .filter(|p| cloud[p.cloud].is_synced())
        .map(|p| {
            predict_user(
                &on_prem[p.on_prem],
                &cloud[p.cloud],
                features,
                OverrideState::Unknown,
            )
        })
        .collect();
    out.sort_by_cached_key(|p| {
        (
            p.user_principal_name.to_lowercase(),
            p.distinguished_name.clone(),
            p.object_id.clone(),
        )
    });
    out
}

/// The users whose cloud values enabling BypassDirSyncOverrides would overwrite and lose: the rows of the
/// DirSyncOverrides report where the cloud holds a value AD does not (R12), in the report's order.
///
/// Every row of the report is a synced user whose values differ, so the switch rewrites all of them (R8); a
/// row whose cloud side is empty, or holds only values AD also has, loses nothing and is left out. Persisting
/// the cloud values to AD first (R14) empties the preview. Differences of formatting only are kept (the
/// cloud's spelling of the number would be overwritten); [`DirSyncOverrideRow::format_only`] tells them apart.
pub fn bypass_preview(report: &DirSyncReport) -> Vec<DirSyncOverrideRow> {
    report
        .rows
        .iter()
        .filter(|r| row_cloud_value_at_risk(r))
        .cloned()
        .collect()
}

/// The synced Entra users (an ImmutableId set, sync enabled) the AD read has no match for, as indices into
/// `cloud`, ascending: unmatched, or in an ambiguous group. Their AD values are unknown, so enabling
/// BypassDirSyncOverrides may overwrite their cloud values with whatever AD holds (R12): the preview counts
/// them as at risk rather than assuming nothing is lost. An empty or scoped AD read makes every synced user
/// one of these.
pub fn synced_without_ad_match(report: &MatchReport, cloud: &[CloudUser]) -> Vec<usize> {
    let mut out: Vec<usize> = report
        .unmatched_cloud
        .iter()
        .copied()
        .chain(
            report
                .ambiguous
                .iter()
                .flat_map(|g| g.cloud.iter().copied()),
        )
        .filter(|&i| {
            cloud.get(i).is_some_and(|c| {
                c.is_synced() && non_blank(c.on_premises_immutable_id.as_deref()).is_some()
            })
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a DirSyncOverrides row's cloud side holds a phone value its AD side does not (R12).
pub fn row_cloud_value_at_risk(row: &DirSyncOverrideRow) -> bool {
    let ad_mobile = non_blank(row.mobile_in_ad.as_deref());
    let cloud_mobile = non_blank(row.mobile_in_entra.as_deref());
    let ad_other = phone_set(&row.other_mobile_in_ad);
    cloud_mobile.is_some_and(|m| Some(m) != ad_mobile)
        || row
            .alternate_mobile_phones_in_entra
            .as_deref()
            .is_some_and(|alt| phone_set(alt).iter().any(|p| !ad_other.contains(p)))
}

/// R12 on a user pair.
fn cloud_holds_value_not_in_ad(ad: &OnPremUser, cloud: &CloudUser) -> bool {
    let ad_mobile = non_blank(ad.mobile.as_deref());
    let ad_other = phone_set(&ad.other_mobile);
    non_blank(cloud.mobile_phone.as_deref()).is_some_and(|m| Some(m) != ad_mobile)
        || cloud
            .alternate_mobile_phones
            .as_deref()
            .is_some_and(|alt| phone_set(alt).iter().any(|p| !ad_other.contains(p)))
}

/// The compared values of a user pair, blanks as absent (R3).
struct Values<'a> {
    ad_mobile: Option<&'a str>,
    cloud_mobile: Option<&'a str>,
    cloud_alternates: Option<&'a [String]>,
}

impl<'a> Values<'a> {
    fn of(ad: &'a OnPremUser, cloud: &'a CloudUser) -> Values<'a> {
        Values {
            ad_mobile: non_blank(ad.mobile.as_deref()),
            cloud_mobile: non_blank(cloud.mobile_phone.as_deref()),
            cloud_alternates: cloud.alternate_mobile_phones.as_deref(),
        }
    }
}

/// The sentence for a user whose values differ.
fn explain_difference(
    v: &Values<'_>,
    ad: &OnPremUser,
    mobile_differs: bool,
    alternates_differ: bool,
    outcome: SyncOutcome,
    override_state: OverrideState,
) -> String {
    let ad_other = phone_list(&ad.other_mobile);
    let cloud_other = v.cloud_alternates.map(phone_list).unwrap_or_default();
    let verb = match outcome {
        SyncOutcome::OverrideKeepsCloud => "keeps",
        SyncOutcome::SyncWritesAd => "still has",
        _ => "has",
    };
    let values = match (mobile_differs, alternates_differ) {
        (true, false) => format!(
            "AD mobile is {} but Entra {verb} {}",
            shown(v.ad_mobile),
            shown(v.cloud_mobile)
        ),
        (false, _) => format!(
            "AD otherMobile is {} but Entra {verb} AlternateMobilePhones {}",
            shown_list(&ad_other),
            shown_list(&cloud_other)
        ),
        (true, true) => format!(
            "AD mobile is {} and otherMobile {} but Entra {verb} {} and AlternateMobilePhones {}",
            shown(v.ad_mobile),
            shown_list(&ad_other),
            shown(v.cloud_mobile),
            shown_list(&cloud_other)
        ),
    };
    // What AD's value does to the cloud's: replace it, or clear it when AD has nothing.
    let ad_empty =
        (!mobile_differs || v.ad_mobile.is_none()) && (!alternates_differ || ad_other.is_empty());
    let both = mobile_differs && alternates_differ;
    let effect = match (ad_empty, both) {
        (true, false) => "clear it",
        (true, true) => "clear them",
        (false, false) => "replace it with AD's value",
        (false, true) => "replace them with AD's values",
    };
    let reason = match (outcome, override_state) {
        (SyncOutcome::BypassOverwritesCloud, _) => {
            format!("BypassDirSyncOverrides is on, so the next sync cycle will {effect}")
        }
        (SyncOutcome::SyncWritesAd, _) => {
            format!("no DirSyncOverride blocks AD, so the next sync cycle will {effect}")
        }
        (_, OverrideState::Present) => format!(
            "the user's DirSyncOverride makes sync ignore AD; enabling BypassDirSyncOverrides will {effect}"
        ),
        _ => format!(
            "a cloud edit created a DirSyncOverride; enabling BypassDirSyncOverrides will {effect}"
        ),
    };
    format!("{values}: {reason}")
}

fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "empty".to_owned(), str::to_owned)
}

fn shown_list(values: &[String]) -> String {
    if values.is_empty() {
        "empty".to_owned()
    } else {
        format!("[{}]", values.join(", "))
    }
}

#[cfg(test)]
mod tests;
