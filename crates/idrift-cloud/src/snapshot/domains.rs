//! The tenant's domains (`GET /domains`): the [`Item`] implementation for [`TenantDomain`].
//!
//! Accepted: the Graph collection response `{"value":[...]}`, a bare array of domain objects, or
//! `Get-MgDomain | ConvertTo-Json` output (PascalCase keys). Unknown properties are ignored.

use idrift_core::model::TenantDomain;
use serde::de::{self, MapAccess};

use super::de::{Item, Key, Tracker, is, named, opt_bool, opt_string};

/// The properties of a domain the reader keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DomainField {
    Id,
    IsVerified,
    IsDefault,
    IsInitial,
}

impl DomainField {
    const ALL: [DomainField; 4] = [
        DomainField::Id,
        DomainField::IsVerified,
        DomainField::IsDefault,
        DomainField::IsInitial,
    ];

    /// The property's name as Graph writes it (matched in any case).
    fn name(self) -> &'static str {
        match self {
            DomainField::Id => "id",
            DomainField::IsVerified => "isVerified",
            DomainField::IsDefault => "isDefault",
            DomainField::IsInitial => "isInitial",
        }
    }
}

/// A domain while its properties arrive.
#[derive(Debug, Default)]
pub(crate) struct DomainAcc {
    id: Option<String>,
    is_verified: Option<bool>,
    is_default: Option<bool>,
    is_initial: Option<bool>,
}

impl Item for TenantDomain {
    type Field = DomainField;
    type Acc = DomainAcc;
    const WHAT: &'static str = "a domain object";

    fn classify(k: &str) -> Key<DomainField> {
        if is(k, "value") {
            Key::Page
        } else {
            Self::item_key(k)
        }
    }

    fn item_key(k: &str) -> Key<DomainField> {
        named(k, &DomainField::ALL, DomainField::name)
    }

    fn field<'de, A: MapAccess<'de>>(
        acc: &mut DomainAcc,
        f: DomainField,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error> {
        t.field(f.name());
        match f {
            DomainField::Id => acc.id = opt_string(map)?,
            DomainField::IsVerified => acc.is_verified = opt_bool(map)?,
            DomainField::IsDefault => acc.is_default = opt_bool(map)?,
            DomainField::IsInitial => acc.is_initial = opt_bool(map)?,
        }
        t.end_field();
        Ok(())
    }

    fn finish<E: de::Error>(acc: DomainAcc) -> Result<Option<TenantDomain>, E> {
        let Some(id) = acc
            .id
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
        else {
            return Err(E::custom(
                "a domain object needs its \"id\" (the domain name)",
            ));
        };
        Ok(Some(TenantDomain {
            id,
            is_verified: acc.is_verified.unwrap_or(false),
            is_default: acc.is_default.unwrap_or(false),
            is_initial: acc.is_initial.unwrap_or(false),
        }))
    }
}
