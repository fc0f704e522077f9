//! Entra ID users from Graph JSON: the [`Item`] implementation for [`CloudUser`].
//!
//! Property names are matched case-insensitively, so Graph's camelCase (`mobilePhone`), the PascalCase of
//! `Get-MgUser | ConvertTo-Json` (`MobilePhone`) and legacy MSOnline exports (`ObjectId`, `ImmutableId`,
//! `AlternateMobilePhones`, `LastDirSyncTime`) all read. `Get-MgUser` puts properties it has no model slot
//! for into `AdditionalProperties`; values found there fill whatever the top level left empty.

use std::fmt;
use std::marker::PhantomData;

use idrift_core::model::{
    AssignedLicense, CloudUser, OnPremisesProvisioningError, ServiceProvisioningError,
};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::de::{
    Item, Key, ListKeep, SkipStr, StringList, StringListKeep, Text, Tracker, is, opt_bool,
    opt_string, skip_opt_string, visitor_seed, wrapped_value,
};

/// The user properties the reader keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UserField {
    Id,
    Upn,
    DisplayName,
    Mail,
    ImmutableId,
    SyncEnabled,
    Mobile,
    AltMobile,
    BusinessPhones,
    ProxyAddresses,
    Licenses,
    OnPremErrors,
    ServiceErrors,
    Additional,
    Removed,
    LastDirSync,
}

impl UserField {
    fn name(self) -> &'static str {
        match self {
            UserField::Id => "id",
            UserField::Upn => "userPrincipalName",
            UserField::DisplayName => "displayName",
            UserField::Mail => "mail",
            UserField::ImmutableId => "onPremisesImmutableId",
            UserField::SyncEnabled => "onPremisesSyncEnabled",
            UserField::Mobile => "mobilePhone",
            UserField::AltMobile => "alternateMobilePhones",
            UserField::BusinessPhones => "businessPhones",
            UserField::ProxyAddresses => "proxyAddresses",
            UserField::Licenses => "assignedLicenses",
            UserField::OnPremErrors => "onPremisesProvisioningErrors",
            UserField::ServiceErrors => "serviceProvisioningErrors",
            UserField::Additional => "AdditionalProperties",
            UserField::Removed => "@removed",
            UserField::LastDirSync => "LastDirSyncTime",
        }
    }
}

/// A user while its properties arrive.
#[derive(Debug, Default)]
pub(crate) struct UserAcc {
    user: CloudUser,
    /// MSOnline's `LastDirSyncTime`: `Some(true)` when it holds a time.
    last_dir_sync: Option<bool>,
    /// A delta `@removed` entry.
    removed: bool,
    /// What `AdditionalProperties` carried.
    extra: Option<Box<UserAcc>>,
    /// Read for [`LeanUser`]: the properties it drops are checked but not kept.
    lean: bool,
}

impl UserAcc {
    /// Fills the properties the top level left empty from `AdditionalProperties`.
    fn merge_extra(&mut self) {
        let Some(extra) = self.extra.take() else {
            return;
        };
        let mut extra = *extra;
        extra.merge_extra();
        let u = &mut self.user;
        let x = extra.user;
        if u.id.is_empty() {
            u.id = x.id;
        }
        fill(&mut u.user_principal_name, x.user_principal_name);
        fill(&mut u.display_name, x.display_name);
        fill(&mut u.mail, x.mail);
        fill(&mut u.on_premises_immutable_id, x.on_premises_immutable_id);
        fill(&mut u.on_premises_sync_enabled, x.on_premises_sync_enabled);
        fill(&mut u.mobile_phone, x.mobile_phone);
        fill(&mut u.alternate_mobile_phones, x.alternate_mobile_phones);
        fill_vec(&mut u.business_phones, x.business_phones);
        fill_vec(&mut u.proxy_addresses, x.proxy_addresses);
        fill_vec(&mut u.assigned_licenses, x.assigned_licenses);
        fill_vec(
            &mut u.on_premises_provisioning_errors,
            x.on_premises_provisioning_errors,
        );
        fill_vec(
            &mut u.service_provisioning_errors,
            x.service_provisioning_errors,
        );
        fill(&mut self.last_dir_sync, extra.last_dir_sync);
        self.removed |= extra.removed;
    }
}

fn fill<T>(slot: &mut Option<T>, v: Option<T>) {
    if slot.is_none() {
        *slot = v;
    }
}

fn fill_vec<T>(slot: &mut Vec<T>, v: Vec<T>) {
    if slot.is_empty() {
        *slot = v;
    }
}

impl Item for CloudUser {
    type Field = UserField;
    type Acc = UserAcc;
    const WHAT: &'static str = "a user object";

    fn classify(k: &str) -> Key<UserField> {
        let f = match k.len() {
            2 if is(k, "id") => UserField::Id,
            4 if is(k, "mail") => UserField::Mail,
            5 if is(k, "value") => return Key::Page,
            8 if is(k, "objectid") => UserField::Id,
            8 if is(k, "@removed") => UserField::Removed,
            11 if is(k, "displayname") => UserField::DisplayName,
            11 if is(k, "mobilephone") => UserField::Mobile,
            11 if is(k, "immutableid") => UserField::ImmutableId,
            14 if is(k, "businessphones") => UserField::BusinessPhones,
            14 if is(k, "proxyaddresses") => UserField::ProxyAddresses,
            15 if is(k, "lastdirsynctime") => UserField::LastDirSync,
            16 if is(k, "assignedlicenses") => UserField::Licenses,
            17 if is(k, "userprincipalname") => UserField::Upn,
            20 if is(k, "additionalproperties") => UserField::Additional,
            21 if is(k, "onpremisesimmutableid") => UserField::ImmutableId,
            21 if is(k, "onpremisessyncenabled") => UserField::SyncEnabled,
            21 if is(k, "alternatemobilephones") => UserField::AltMobile,
            25 if is(k, "serviceprovisioningerrors") => UserField::ServiceErrors,
            28 if is(k, "onpremisesprovisioningerrors") => UserField::OnPremErrors,
            _ => return Key::Ignore,
        };
        Key::Field(f)
    }

    fn field<'de, A: MapAccess<'de>>(
        acc: &mut UserAcc,
        f: UserField,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error> {
        t.field(f.name());
        let u = &mut acc.user;
        match f {
            UserField::Id => u.id = opt_string(map)?.unwrap_or_default(),
            UserField::Upn => u.user_principal_name = opt_string(map)?,
            UserField::DisplayName if acc.lean => skip_opt_string(map)?,
            UserField::DisplayName => u.display_name = opt_string(map)?,
            UserField::Mail => u.mail = opt_string(map)?,
            UserField::ImmutableId => u.on_premises_immutable_id = opt_string(map)?,
            UserField::SyncEnabled => u.on_premises_sync_enabled = opt_bool(map)?,
            UserField::Mobile => u.mobile_phone = opt_string(map)?,
            UserField::AltMobile => {
                u.alternate_mobile_phones = Some(map.next_value_seed(StringList(t))?);
            }
            UserField::BusinessPhones => {
                let keep = lean_keeps(acc.lean, ListKeep::Nothing);
                u.business_phones = map.next_value_seed(StringListKeep(t, keep))?;
            }
            UserField::ProxyAddresses => {
                let keep = lean_keeps(acc.lean, ListKeep::PrimarySmtp);
                u.proxy_addresses = map.next_value_seed(StringListKeep(t, keep))?;
            }
            UserField::Licenses if acc.lean => {
                map.next_value_seed(ObjList::<LicenseCheck>::new(t))?;
            }
            UserField::Licenses => {
                u.assigned_licenses = map.next_value_seed(ObjList::<AssignedLicense>::new(t))?;
            }
            UserField::OnPremErrors => {
                u.on_premises_provisioning_errors =
                    map.next_value_seed(ObjList::<OnPremisesProvisioningError>::new(t))?;
            }
            UserField::ServiceErrors => {
                u.service_provisioning_errors =
                    map.next_value_seed(ObjList::<ServiceProvisioningError>::new(t))?;
            }
            UserField::Additional => {
                t.nested(Some("AdditionalProperties"));
                acc.extra = map.next_value_seed(Additional(t, acc.lean))?.map(Box::new);
                t.nested(None);
            }
            UserField::Removed => {
                map.next_value::<IgnoredAny>()?;
                acc.removed = true;
            }
            UserField::LastDirSync => {
                acc.last_dir_sync = Some(map.next_value_seed(Text)?.is_some())
            }
        }
        t.end_field();
        Ok(())
    }

    fn finish<E: de::Error>(mut acc: UserAcc) -> Result<Option<CloudUser>, E> {
        acc.merge_extra();
        if acc.removed {
            return Ok(None);
        }
        if acc.user.id.is_empty() {
            return Err(E::custom(
                "a user object needs an \"id\" (Graph) or \"ObjectId\" (MSOnline) property",
            ));
        }
        if acc.user.on_premises_sync_enabled.is_none() && acc.last_dir_sync == Some(true) {
            // MSOnline exports have no onPremisesSyncEnabled; a LastDirSyncTime means sync manages the user.
            acc.user.on_premises_sync_enabled = Some(true);
        }
        Ok(Some(acc.user))
    }

    fn scan(data: &[u8], pos: usize) -> Option<(Option<CloudUser>, usize)> {
        super::fast::full_user(data, pos)
            .ok()
            .map(|(u, end)| (Some(u), end))
    }
}

/// What a string list keeps: `when_lean` when the user is read lean, else all of it.
pub(super) fn lean_keeps(lean: bool, when_lean: ListKeep) -> ListKeep {
    if lean { when_lean } else { ListKeep::All }
}

/// The `AdditionalProperties` dictionary of `Get-MgUser` output (read lean when the user is).
struct Additional<'a>(&'a Tracker, bool);

visitor_seed!(deserialize_any: Additional<'_>);

impl<'de> Visitor<'de> for Additional<'_> {
    type Value = Option<UserAcc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of additional properties")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<UserAcc>, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<UserAcc>, A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, true);
        let mut acc = UserAcc {
            lean: self.1,
            ..UserAcc::default()
        };
        while let Some(k) = map.next_key::<String>()? {
            match CloudUser::classify(&k) {
                Key::Field(UserField::Additional) | Key::Page | Key::Ignore => {
                    map.next_value::<IgnoredAny>()?;
                }
                Key::Field(f) => CloudUser::field(&mut acc, f, &mut map, self.0)?,
            }
        }
        Ok(Some(acc))
    }
}

/// A user read for the DirSyncOverrides comparison: `displayName`, `businessPhones` and `assignedLicenses`
/// are not kept and
/// `proxyAddresses` only up to the primary (`SMTP:`) address, so they are never allocated; every property
/// is still checked exactly as [`CloudUser`] checks it, so the same input is refused. What the comparison
/// reads of the user is what a full read holds once the comparison's load profile has dropped the rest.
#[derive(Debug)]
pub(crate) struct LeanUser(pub(crate) CloudUser);

/// [`UserAcc`] for a [`LeanUser`].
#[derive(Debug)]
pub(crate) struct LeanAcc(UserAcc);

impl Default for LeanAcc {
    fn default() -> Self {
        LeanAcc(UserAcc {
            lean: true,
            ..UserAcc::default()
        })
    }
}

impl Item for LeanUser {
    type Field = UserField;
    type Acc = LeanAcc;
    const WHAT: &'static str = CloudUser::WHAT;

    fn classify(k: &str) -> Key<UserField> {
        CloudUser::classify(k)
    }

    fn field<'de, A: MapAccess<'de>>(
        acc: &mut LeanAcc,
        f: UserField,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error> {
        CloudUser::field(&mut acc.0, f, map, t)
    }

    fn finish<E: de::Error>(acc: LeanAcc) -> Result<Option<LeanUser>, E> {
        Ok(CloudUser::finish(acc.0)?.map(LeanUser))
    }

    fn scan(data: &[u8], pos: usize) -> Option<(Option<LeanUser>, usize)> {
        super::fast::lean_user(data, pos)
            .ok()
            .map(|(u, end)| (Some(u), end))
    }
}

/// An object inside a user property array (a license, a provisioning error).
trait SubObject: Default {
    /// What the element is, for messages.
    const WHAT: &'static str;
    /// The canonical property names read, in the order of the index [`SubObject::set`] takes.
    const KEYS: &'static [&'static str];
    /// Classifies a property name (in any case): its index in [`SubObject::KEYS`] and canonical name.
    fn key(k: &str) -> Option<(u8, &'static str)> {
        let (i, name) = Self::KEYS
            .iter()
            .enumerate()
            .find(|(_, n)| n.eq_ignore_ascii_case(k))?;
        Some((u8::try_from(i).ok()?, *name))
    }
    /// Reads property `which`.
    fn set<'de, A: MapAccess<'de>>(&mut self, which: u8, map: &mut A) -> Result<(), A::Error>;
    /// Checks the finished element.
    fn check<E: de::Error>(self) -> Result<Self, E> {
        Ok(self)
    }
}

impl SubObject for AssignedLicense {
    const WHAT: &'static str = "a license object {\"skuId\":...,\"disabledPlans\":[...]}";
    const KEYS: &'static [&'static str] = &["skuId", "disabledPlans"];

    fn set<'de, A: MapAccess<'de>>(&mut self, which: u8, map: &mut A) -> Result<(), A::Error> {
        match which {
            0 => self.sku_id = opt_string(map)?.unwrap_or_default(),
            _ => self.disabled_plans = map.next_value_seed(PlainList)?,
        }
        Ok(())
    }

    fn check<E: de::Error>(self) -> Result<Self, E> {
        if self.sku_id.is_empty() {
            return Err(E::custom("a license object needs a \"skuId\""));
        }
        Ok(self)
    }
}

/// A license object checked as [`AssignedLicense`] is and not kept (for [`LeanUser`]).
#[derive(Debug, Default)]
struct LicenseCheck {
    sku_id: bool,
}

impl SubObject for LicenseCheck {
    const WHAT: &'static str = AssignedLicense::WHAT;
    const KEYS: &'static [&'static str] = AssignedLicense::KEYS;

    fn set<'de, A: MapAccess<'de>>(&mut self, which: u8, map: &mut A) -> Result<(), A::Error> {
        match which {
            0 => {
                self.sku_id = map
                    .next_value::<Option<SkipStr>>()?
                    .is_some_and(|s| !s.empty)
            }
            _ => map.next_value_seed(PlainListCheck)?,
        }
        Ok(())
    }

    fn check<E: de::Error>(self) -> Result<Self, E> {
        if !self.sku_id {
            return Err(E::custom("a license object needs a \"skuId\""));
        }
        Ok(self)
    }
}

impl SubObject for OnPremisesProvisioningError {
    const WHAT: &'static str =
        "a provisioning error object {\"category\":...,\"propertyCausingError\":...}";
    const KEYS: &'static [&'static str] = &[
        "category",
        "propertyCausingError",
        "value",
        "occurredDateTime",
    ];

    fn set<'de, A: MapAccess<'de>>(&mut self, which: u8, map: &mut A) -> Result<(), A::Error> {
        match which {
            0 => self.category = opt_string(map)?,
            1 => self.property_causing_error = opt_string(map)?,
            2 => self.value = opt_string(map)?,
            _ => self.occurred_date_time = map.next_value_seed(Text)?,
        }
        Ok(())
    }
}

impl SubObject for ServiceProvisioningError {
    const WHAT: &'static str = "a service provisioning error object {\"serviceInstance\":...}";
    const KEYS: &'static [&'static str] = &[
        "createdDateTime",
        "isResolved",
        "serviceInstance",
        "errorDetail",
    ];

    fn set<'de, A: MapAccess<'de>>(&mut self, which: u8, map: &mut A) -> Result<(), A::Error> {
        match which {
            0 => self.created_date_time = map.next_value_seed(Text)?,
            1 => self.is_resolved = opt_bool(map)?,
            2 => self.service_instance = opt_string(map)?,
            _ => self.error_detail = opt_string(map)?,
        }
        Ok(())
    }
}

/// A string array inside an array element: an array, `null`, a lone string, or the PowerShell 5.1 wrapper.
struct PlainList;

visitor_seed!(deserialize_any: PlainList);

impl<'de> Visitor<'de> for PlainList {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(vec![v.to_owned()])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<String>()? {
            out.push(s);
        }
        out.shrink_to_fit();
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<String>, A::Error> {
        wrapped_value(map, true, || PlainList)?
            .ok_or_else(|| de::Error::custom("expected an array of strings"))
    }
}

/// [`PlainList`] checked and dropped.
struct PlainListCheck;

visitor_seed!(deserialize_any: PlainListCheck);

impl<'de> Visitor<'de> for PlainListCheck {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<AnyStr>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        wrapped_value(map, true, || PlainListCheck)?
            .ok_or_else(|| de::Error::custom("expected an array of strings"))
    }
}

/// Any string, dropped (a [`PlainList`] element: no other check).
struct AnyStr;

impl<'de> de::Deserialize<'de> for AnyStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AnyStr, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyStr, E> {
                Ok(AnyStr)
            }
        }
        d.deserialize_str(V)
    }
}

/// An array of [`SubObject`]s (`null` reads as empty).
struct ObjList<'a, O>(&'a Tracker, PhantomData<O>);

impl<'a, O> ObjList<'a, O> {
    fn new(t: &'a Tracker) -> Self {
        ObjList(t, PhantomData)
    }
}

visitor_seed!(deserialize_any: ObjList<'_, O>, O: SubObject);

impl<'de, O: SubObject> Visitor<'de> for ObjList<'_, O> {
    type Value = Vec<O>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of {}", O::WHAT)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<O>, E> {
        Ok(Vec::new())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<O>, E> {
        Err(super::de::truncated_by_depth(v).unwrap_or_else(|| {
            E::custom(format_args!(
                "expected an array of {}, found the string {v:?}",
                O::WHAT
            ))
        }))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<O>, A::Error> {
        let mut out = Vec::new();
        loop {
            self.0.elem(out.len());
            match seq.next_element_seed(ObjElem::<O>(self.0, PhantomData))? {
                Some(o) => out.push(o),
                None => break,
            }
        }
        out.shrink_to_fit();
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<O>, A::Error> {
        // A lone object where an array was expected: one element.
        self.0.elem(0);
        Ok(vec![ObjElem::<O>(self.0, PhantomData).visit_map(map)?])
    }
}

struct ObjElem<'a, O>(&'a Tracker, PhantomData<O>);

visitor_seed!(deserialize_any: ObjElem<'_, O>, O: SubObject);

impl<'de, O: SubObject> Visitor<'de> for ObjElem<'_, O> {
    type Value = O;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(O::WHAT)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<O, E> {
        Err(E::custom(format_args!(
            "expected {}, found the string {v:?}: ConvertTo-Json cut the nesting short; \
             export again with ConvertTo-Json -Depth 10",
            O::WHAT
        )))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<O, A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, true);
        let mut o = O::default();
        while let Some(k) = map.next_key_seed(SubKey::<O>(PhantomData))? {
            match k {
                Some((which, name)) => {
                    self.0.sub(Some(name));
                    o.set(which, &mut map)?;
                    self.0.sub(None);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        o.check()
    }
}

/// A property name of a [`SubObject`], classified without allocating.
struct SubKey<O>(PhantomData<O>);

visitor_seed!(deserialize_identifier: SubKey<O>, O: SubObject);

impl<'de, O: SubObject> Visitor<'de> for SubKey<O> {
    type Value = Option<(u8, &'static str)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(O::key(v))
    }
}

/// An entry of a users delta page: a user that changed (only the properties that changed, plus `id`,
/// are certain to be present) or the id of a user that was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeltaEntry {
    Changed(Box<CloudUser>),
    Removed(String),
}

impl Item for DeltaEntry {
    type Field = UserField;
    type Acc = UserAcc;
    const WHAT: &'static str = "a user object";

    fn classify(k: &str) -> Key<UserField> {
        CloudUser::classify(k)
    }

    fn field<'de, A: MapAccess<'de>>(
        acc: &mut UserAcc,
        f: UserField,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error> {
        CloudUser::field(acc, f, map, t)
    }

    fn finish<E: de::Error>(mut acc: UserAcc) -> Result<Option<DeltaEntry>, E> {
        if acc.removed {
            acc.merge_extra();
            if acc.user.id.is_empty() {
                return Err(E::custom("a removed entry needs an \"id\""));
            }
            return Ok(Some(DeltaEntry::Removed(acc.user.id)));
        }
        Ok(CloudUser::finish(acc)?.map(|u| DeltaEntry::Changed(Box::new(u))))
    }
}
