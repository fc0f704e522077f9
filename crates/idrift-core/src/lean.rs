//! Compact users for the DirSyncOverrides comparison: [`LeanAd`] and [`LeanCloud`] hold what
//! [`crate::dirsync::compare_dirsync`] and the matching behind it read, in about a third of the memory of
//! [`OnPremUser`] and [`CloudUser`].
//!
//! A million users per side is what the largest tenants hold. The full models are 336 and 296 bytes before
//! their strings, most of them fields the comparison never reads; a lean user is one allocation holding its
//! texts one after another, plus the GUIDs and flags. Each is made from a full user as the reader hands it
//! over, so the full one lives only that long. Both compare exactly as the full users they came from (the
//! accessors give the same values: the primary SMTP address is resolved once, as
//! [`OnPremUser::primary_smtp`] and [`CloudUser::primary_smtp`] resolve it).

use crate::default_scope::{NotSynced, Scoped};
use crate::dirsync::{AdPhones, CloudPhones};
use crate::guid::Guid;
use crate::matching::{AdKeys, CloudKeys};
use crate::model::{CloudUser, OnPremUser};

/// How many texts a lean user holds.
const TEXTS: usize = 5;

/// Texts stored one after another in one allocation; text `i` is present when bit `i` of `present` is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Texts {
    text: Box<str>,
    /// Where each text ends in `text` (an absent one ends where the one before it does).
    ends: [u32; TEXTS],
    present: u8,
    /// Bit `i` set: text `i` equals text `i - 1` and is not stored again (a UPN that is also the primary
    /// SMTP address, as most are).
    same_as_before: u8,
}

impl Texts {
    /// The texts, in order. `None` when they do not fit the 4 GiB the offsets address.
    fn new(values: [Option<&str>; TEXTS]) -> Option<Texts> {
        let repeats = |i: usize| i > 0 && values[i].is_some() && values[i - 1] == values[i];
        let len = (0..TEXTS)
            .filter(|&i| !repeats(i))
            .filter_map(|i| values[i].map(str::len))
            .sum();
        let mut text = String::with_capacity(len);
        let mut ends = [0u32; TEXTS];
        let mut present = 0u8;
        let mut same_as_before = 0u8;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                if repeats(i) {
                    same_as_before |= 1 << i;
                } else {
                    text.push_str(v);
                }
                present |= 1 << i;
            }
            ends[i] = u32::try_from(text.len()).ok()?;
        }
        Some(Texts {
            text: text.into_boxed_str(),
            ends,
            present,
            same_as_before,
        })
    }

    fn get(&self, i: usize) -> Option<&str> {
        if self.present & (1 << i) == 0 {
            return None;
        }
        if self.same_as_before & (1 << i) != 0 {
            return self.get(i.checked_sub(1)?);
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..self.ends[i] as usize)
    }
}

/// An AD user as the comparison reads it: DN, UPN, primary SMTP address, `mobile`, `otherMobile`, the
/// source anchors and whether Entra Connect's default rules sync it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeanAd {
    /// DN, UPN, primary SMTP, mobile, custom anchor.
    texts: Texts,
    other_mobile: Vec<String>,
    object_guid: Option<Guid>,
    consistency_guid: Option<Guid>,
    not_synced: Option<NotSynced>,
}

const DN: usize = 0;
const UPN: usize = 1;
const SMTP: usize = 2;
const MOBILE: usize = 3;
const CUSTOM: usize = 4;

impl LeanAd {
    /// The lean form of `u`, or `None` when its texts together exceed 4 GiB.
    pub fn new(u: OnPremUser) -> Option<LeanAd> {
        let not_synced = crate::default_scope::classify(&u);
        let texts = Texts::new([
            Some(u.distinguished_name.as_str()),
            u.user_principal_name.as_deref(),
            u.primary_smtp(),
            u.mobile.as_deref(),
            u.custom_anchor.as_deref(),
        ])?;
        let mut other_mobile = u.other_mobile;
        other_mobile.shrink_to_fit();
        Some(LeanAd {
            texts,
            other_mobile,
            object_guid: u.object_guid,
            consistency_guid: u.consistency_guid,
            not_synced,
        })
    }
}

/// An Entra ID user as the comparison reads it: object id, UPN, primary SMTP address,
/// `onPremisesImmutableId`, the sync flag and the phones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeanCloud {
    /// Id, UPN, primary SMTP, immutable id, mobile.
    texts: Texts,
    alternate_mobile_phones: Option<Vec<String>>,
    on_premises_sync_enabled: Option<bool>,
}

const ID: usize = 0;
const IMMUTABLE_ID: usize = 3;
const CLOUD_MOBILE: usize = 4;

impl LeanCloud {
    /// The lean form of `u`, or `None` when its texts together exceed 4 GiB.
    pub fn new(u: CloudUser) -> Option<LeanCloud> {
        let texts = Texts::new([
            Some(u.id.as_str()),
            u.user_principal_name.as_deref(),
            u.primary_smtp(),
            u.on_premises_immutable_id.as_deref(),
            u.mobile_phone.as_deref(),
        ])?;
        let alternate_mobile_phones = u.alternate_mobile_phones.map(|mut v| {
            v.shrink_to_fit();
            v
        });
        Some(LeanCloud {
            texts,
            alternate_mobile_phones,
            on_premises_sync_enabled: u.on_premises_sync_enabled,
        })
    }
}

impl AdKeys for LeanAd {
    fn object_guid(&self) -> Option<Guid> {
        self.object_guid
    }
    fn consistency_guid(&self) -> Option<Guid> {
        self.consistency_guid
    }
    fn custom_anchor(&self) -> Option<&str> {
        self.texts.get(CUSTOM)
    }
    fn upn(&self) -> Option<&str> {
        self.texts.get(UPN)
    }
    fn primary_smtp(&self) -> Option<&str> {
        self.texts.get(SMTP)
    }
}

impl AdPhones for LeanAd {
    fn dn(&self) -> &str {
        self.texts.get(DN).unwrap_or_default()
    }
    fn mobile(&self) -> Option<&str> {
        self.texts.get(MOBILE)
    }
    fn other_mobile(&self) -> &[String] {
        &self.other_mobile
    }
}

impl Scoped for LeanAd {
    fn not_synced(&self) -> Option<NotSynced> {
        self.not_synced
    }
}

impl CloudKeys for LeanCloud {
    fn immutable_id(&self) -> Option<&str> {
        self.texts.get(IMMUTABLE_ID)
    }
    fn upn(&self) -> Option<&str> {
        self.texts.get(UPN)
    }
    fn primary_smtp(&self) -> Option<&str> {
        self.texts.get(SMTP)
    }
}

impl CloudPhones for LeanCloud {
    fn id(&self) -> &str {
        self.texts.get(ID).unwrap_or_default()
    }
    fn mobile(&self) -> Option<&str> {
        self.texts.get(CLOUD_MOBILE)
    }
    fn alternate_mobile_phones(&self) -> Option<&[String]> {
        self.alternate_mobile_phones.as_deref()
    }
    fn is_synced(&self) -> bool {
        self.on_premises_sync_enabled == Some(true)
    }
}

/// How a loader keeps the AD users it reads: as they are ([`OnPremUser`]) or lean ([`LeanAd`]).
pub trait KeepAd: AdPhones + Scoped + Default + Send + Sync + Sized + 'static {
    /// The user to keep for `u`; `None` when `u` cannot be kept so (its texts exceed 4 GiB).
    fn keep(u: OnPremUser) -> Option<Self>;
}

/// How a loader keeps the Entra ID users it reads: as they are ([`CloudUser`]) or lean ([`LeanCloud`]).
pub trait KeepCloud: CloudPhones + Default + Send + Sync + Sized + 'static {
    /// The user to keep for `u`; `None` when `u` cannot be kept so (its texts exceed 4 GiB).
    fn keep(u: CloudUser) -> Option<Self>;
}

impl KeepAd for OnPremUser {
    fn keep(u: OnPremUser) -> Option<Self> {
        Some(u)
    }
}

impl KeepAd for LeanAd {
    fn keep(u: OnPremUser) -> Option<Self> {
        LeanAd::new(u)
    }
}

impl KeepCloud for CloudUser {
    fn keep(u: CloudUser) -> Option<Self> {
        Some(u)
    }
}

impl KeepCloud for LeanCloud {
    fn keep(u: CloudUser) -> Option<Self> {
        LeanCloud::new(u)
    }
}

#[cfg(test)]
mod tests;
