//! The tenant's directory synchronization object (`GET /directory/onPremisesSynchronization`): the
//! [`Item`] implementation for [`TenantSync`].
//!
//! Accepted: the Graph collection response `{"value":[{...}]}` or the bare object. Feature names match
//! case-insensitively; unknown features and the `configuration` object are ignored.

use std::fmt;

use idrift_core::model::{SyncFeatures, TenantSync};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

use super::de::{Item, Key, Tracker, is, named, opt_bool, opt_string, visitor_seed};

/// The properties of the sync object the reader keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SyncField {
    Id,
    Features,
}

impl SyncField {
    const ALL: [SyncField; 2] = [SyncField::Id, SyncField::Features];

    /// The property's name as Graph writes it (matched in any case).
    fn name(self) -> &'static str {
        match self {
            SyncField::Id => "id",
            SyncField::Features => "features",
        }
    }
}

/// The sync object while its properties arrive.
#[derive(Debug, Default)]
pub(crate) struct SyncAcc {
    id: Option<String>,
    features: Option<SyncFeatures>,
}

impl Item for TenantSync {
    type Field = SyncField;
    type Acc = SyncAcc;
    const WHAT: &'static str = "an onPremisesDirectorySynchronization object";

    fn classify(k: &str) -> Key<SyncField> {
        if is(k, "value") {
            Key::Page
        } else {
            named(k, &SyncField::ALL, SyncField::name)
        }
    }

    fn field<'de, A: MapAccess<'de>>(
        acc: &mut SyncAcc,
        f: SyncField,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error> {
        t.field(f.name());
        match f {
            SyncField::Id => acc.id = opt_string(map)?,
            SyncField::Features => acc.features = Some(map.next_value_seed(Features(t))?),
        }
        t.end_field();
        Ok(())
    }

    fn finish<E: de::Error>(acc: SyncAcc) -> Result<Option<TenantSync>, E> {
        let Some(id) = acc.id.filter(|s| !s.is_empty()) else {
            return Err(E::custom(
                "the onPremisesDirectorySynchronization object needs its \"id\" (PATCH addresses it by id)",
            ));
        };
        Ok(Some(TenantSync {
            id,
            features: acc.features.unwrap_or_default(),
        }))
    }
}

/// The 19 feature flags: lower-case name, the path shown in errors, and the slot.
type Slot = fn(&mut SyncFeatures) -> &mut bool;

const FLAGS: &[(&str, &str, Slot)] = &[
    (
        "blockcloudobjecttakeoverthroughhardmatchenabled",
        "features.blockCloudObjectTakeoverThroughHardMatchEnabled",
        |f| &mut f.block_cloud_object_takeover_through_hard_match_enabled,
    ),
    (
        "blocksoftmatchenabled",
        "features.blockSoftMatchEnabled",
        |f| &mut f.block_soft_match_enabled,
    ),
    (
        "bypassdirsyncoverridesenabled",
        "features.bypassDirSyncOverridesEnabled",
        |f| &mut f.bypass_dir_sync_overrides_enabled,
    ),
    (
        "cloudpasswordpolicyforpasswordsyncedusersenabled",
        "features.cloudPasswordPolicyForPasswordSyncedUsersEnabled",
        |f| &mut f.cloud_password_policy_for_password_synced_users_enabled,
    ),
    (
        "concurrentcredentialupdateenabled",
        "features.concurrentCredentialUpdateEnabled",
        |f| &mut f.concurrent_credential_update_enabled,
    ),
    (
        "concurrentorgidprovisioningenabled",
        "features.concurrentOrgIdProvisioningEnabled",
        |f| &mut f.concurrent_org_id_provisioning_enabled,
    ),
    (
        "devicewritebackenabled",
        "features.deviceWritebackEnabled",
        |f| &mut f.device_writeback_enabled,
    ),
    (
        "directoryextensionsenabled",
        "features.directoryExtensionsEnabled",
        |f| &mut f.directory_extensions_enabled,
    ),
    (
        "fopeconflictresolutionenabled",
        "features.fopeConflictResolutionEnabled",
        |f| &mut f.fope_conflict_resolution_enabled,
    ),
    (
        "groupwritebackenabled",
        "features.groupWriteBackEnabled",
        |f| &mut f.group_write_back_enabled,
    ),
    ("passwordsyncenabled", "features.passwordSyncEnabled", |f| {
        &mut f.password_sync_enabled
    }),
    (
        "passwordwritebackenabled",
        "features.passwordWritebackEnabled",
        |f| &mut f.password_writeback_enabled,
    ),
    (
        "quarantineuponproxyaddressesconflictenabled",
        "features.quarantineUponProxyAddressesConflictEnabled",
        |f| &mut f.quarantine_upon_proxy_addresses_conflict_enabled,
    ),
    (
        "quarantineuponupnconflictenabled",
        "features.quarantineUponUpnConflictEnabled",
        |f| &mut f.quarantine_upon_upn_conflict_enabled,
    ),
    (
        "softmatchonupnenabled",
        "features.softMatchOnUpnEnabled",
        |f| &mut f.soft_match_on_upn_enabled,
    ),
    (
        "synchronizeupnformanagedusersenabled",
        "features.synchronizeUpnForManagedUsersEnabled",
        |f| &mut f.synchronize_upn_for_managed_users_enabled,
    ),
    (
        "unifiedgroupwritebackenabled",
        "features.unifiedGroupWritebackEnabled",
        |f| &mut f.unified_group_writeback_enabled,
    ),
    (
        "userforcepasswordchangeonlogonenabled",
        "features.userForcePasswordChangeOnLogonEnabled",
        |f| &mut f.user_force_password_change_on_logon_enabled,
    ),
    (
        "userwritebackenabled",
        "features.userWritebackEnabled",
        |f| &mut f.user_writeback_enabled,
    ),
];

/// Whether `name` is one of the 19 feature flags (Graph name, case-insensitive); returns its Graph spelling.
pub(crate) fn feature_name(name: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .find(|(lower, _, _)| is(name, lower))
        .map(|(_, path, _)| path.trim_start_matches("features."))
}

struct Features<'a>(&'a Tracker);

visitor_seed!(deserialize_any: Features<'_>);

impl<'de> Visitor<'de> for Features<'_> {
    type Value = SyncFeatures;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of feature flags")
    }

    fn visit_unit<E: de::Error>(self) -> Result<SyncFeatures, E> {
        Ok(SyncFeatures::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SyncFeatures, A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, true);
        let mut out = SyncFeatures::default();
        while let Some(k) = map.next_key::<String>()? {
            match FLAGS.iter().find(|(lower, _, _)| is(&k, lower)) {
                Some((_, path, slot)) => {
                    self.0.field(path);
                    *slot(&mut out) = opt_bool(&mut map)?.unwrap_or(false);
                    self.0.field("features");
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}
