//! Exchange Online recipients from JSON: the [`Item`] implementation for [`ExoRecipient`], and the
//! Exchange enumerations that arrive as integers.
//!
//! The same reader takes InvokeCommand response pages (`{"value":[...],"@odata.nextLink":...}`) and the
//! `ConvertTo-Json` output of `Get-Recipient`, `Get-Mailbox`, `Get-MailUser` and `Get-User`. PowerShell
//! writes enumerations as integers unless `-EnumsAsStrings` is given, so `RecipientTypeDetails` and
//! `PreviousRecipientTypeDetails` are accepted as names or as their flag values, and turned into names.
//! Annotations such as `ExchangeGuid@odata.type` are ignored.

use std::fmt;
use std::str::FromStr;

use idrift_core::Guid;
use idrift_core::exchange::RecipientTypeDetails;
use idrift_core::model::ExoRecipient;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

use super::de::{
    Item, Key, StringList, Text, Tracker, is, opt_bool, opt_string, visitor_seed, wrapped_value,
};

/// The name Exchange prints for a `RecipientTypeDetails` value: `None` for 0, flag names joined with
/// `", "` (as .NET prints a flags enumeration) when several bits are set, `None` for an unknown bit.
/// The flag table is the core's ([`RecipientTypeDetails`]).
pub fn recipient_type_details_name(value: u64) -> Option<String> {
    if value == 0 {
        return Some("None".to_owned());
    }
    let flags = RecipientTypeDetails::from_bits(value);
    let names: Vec<&str> = flags.names().collect();
    let named = names
        .iter()
        .filter_map(|n| RecipientTypeDetails::from_name(n))
        .fold(0, |bits, f| bits | f.bits());
    (named == value).then(|| names.join(", "))
}

/// The flag value of a `RecipientTypeDetails` name (case-insensitive).
pub fn recipient_type_details_value(name: &str) -> Option<u64> {
    if name.trim().eq_ignore_ascii_case("None") {
        return Some(0);
    }
    RecipientTypeDetails::from_name(name).map(RecipientTypeDetails::bits)
}

/// The `RecipientType` that goes with a `RecipientTypeDetails` name (Exchange derives one from the other).
pub fn recipient_type_for_details(details: &str) -> Option<&'static str> {
    let t = match details {
        "UserMailbox"
        | "LinkedMailbox"
        | "SharedMailbox"
        | "LegacyMailbox"
        | "RoomMailbox"
        | "EquipmentMailbox"
        | "ArbitrationMailbox"
        | "DiscoveryMailbox"
        | "TeamMailbox"
        | "MonitoringMailbox"
        | "GroupMailbox"
        | "LinkedRoomMailbox"
        | "AuditLogMailbox"
        | "SchedulingMailbox"
        | "PublicFolderMailbox"
        | "MailboxPlan" => "UserMailbox",
        "MailUser"
        | "GuestMailUser"
        | "RemoteUserMailbox"
        | "RemoteRoomMailbox"
        | "RemoteEquipmentMailbox"
        | "RemoteSharedMailbox"
        | "RemoteTeamMailbox"
        | "RemoteGroupMailbox" => "MailUser",
        "User" | "DisabledUser" => "User",
        "LinkedUser" => "LinkedUser",
        "MailContact" | "MailForestContact" => "MailContact",
        "Contact" => "Contact",
        "MailUniversalDistributionGroup" | "RoomList" => "MailUniversalDistributionGroup",
        "MailUniversalSecurityGroup" => "MailUniversalSecurityGroup",
        "MailNonUniversalGroup" => "MailNonUniversalGroup",
        "DynamicDistributionGroup" => "DynamicDistributionGroup",
        "PublicFolder" => "PublicFolder",
        "SystemAttendantMailbox" => "SystemAttendantMailbox",
        "SystemMailbox" => "SystemMailbox",
        "MicrosoftExchange" => "MicrosoftExchange",
        "Computer" => "Computer",
        _ => return None,
    };
    Some(t)
}

/// The recipient properties the reader keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExoField {
    Identity,
    Name,
    ExternalId,
    Upn,
    PrimarySmtp,
    RecipientType,
    Details,
    PreviousDetails,
    ExchangeGuid,
    ArchiveGuid,
    EmailAddresses,
    SkuAssigned,
    IsDirSynced,
    WhenSoftDeleted,
    SoftDeletedFlag,
}

impl ExoField {
    fn name(self) -> &'static str {
        match self {
            ExoField::Identity => "Identity",
            ExoField::Name => "Name",
            ExoField::ExternalId => "ExternalDirectoryObjectId",
            ExoField::Upn => "UserPrincipalName",
            ExoField::PrimarySmtp => "PrimarySmtpAddress",
            ExoField::RecipientType => "RecipientType",
            ExoField::Details => "RecipientTypeDetails",
            ExoField::PreviousDetails => "PreviousRecipientTypeDetails",
            ExoField::ExchangeGuid => "ExchangeGuid",
            ExoField::ArchiveGuid => "ArchiveGuid",
            ExoField::EmailAddresses => "EmailAddresses",
            ExoField::SkuAssigned => "SKUAssigned",
            ExoField::IsDirSynced => "IsDirSynced",
            ExoField::WhenSoftDeleted => "WhenSoftDeleted",
            ExoField::SoftDeletedFlag => "IsSoftDeleted",
        }
    }
}

/// A recipient while its properties arrive.
#[derive(Debug, Default)]
pub(crate) struct ExoAcc {
    r: ExoRecipient,
    name: Option<String>,
    /// `RecipientType` given as an integer: resolved from `RecipientTypeDetails` at the end.
    numeric_type: Option<i128>,
    /// Whether any known property was present.
    seen: bool,
}

impl Item for ExoRecipient {
    type Field = ExoField;
    type Acc = ExoAcc;
    const WHAT: &'static str = "a recipient object";

    fn classify(k: &str) -> Key<ExoField> {
        let f = match k.len() {
            4 if is(k, "name") => ExoField::Name,
            5 if is(k, "value") => return Key::Page,
            8 if is(k, "identity") => ExoField::Identity,
            11 if is(k, "skuassigned") => ExoField::SkuAssigned,
            11 if is(k, "isdirsynced") => ExoField::IsDirSynced,
            11 if is(k, "archiveguid") => ExoField::ArchiveGuid,
            12 if is(k, "exchangeguid") => ExoField::ExchangeGuid,
            13 if is(k, "recipienttype") => ExoField::RecipientType,
            13 if is(k, "issoftdeleted") => ExoField::SoftDeletedFlag,
            14 if is(k, "emailaddresses") => ExoField::EmailAddresses,
            15 if is(k, "whensoftdeleted") => ExoField::WhenSoftDeleted,
            17 if is(k, "userprincipalname") => ExoField::Upn,
            18 if is(k, "primarysmtpaddress") => ExoField::PrimarySmtp,
            20 if is(k, "recipienttypedetails") => ExoField::Details,
            21 if is(k, "issoftdeletedbyremove") => ExoField::SoftDeletedFlag,
            22 if is(k, "issoftdeletedbydisable") => ExoField::SoftDeletedFlag,
            25 if is(k, "externaldirectoryobjectid") => ExoField::ExternalId,
            28 if is(k, "previousrecipienttypedetails") => ExoField::PreviousDetails,
            _ => return Key::Ignore,
        };
        Key::Field(f)
    }

    fn field<'de, A: MapAccess<'de>>(
        acc: &mut ExoAcc,
        f: ExoField,
        map: &mut A,
        t: &Tracker,
    ) -> Result<(), A::Error> {
        t.field(f.name());
        acc.seen = true;
        let r = &mut acc.r;
        match f {
            ExoField::Identity => r.identity = opt_string(map)?,
            ExoField::Name => acc.name = opt_string(map)?,
            ExoField::ExternalId => r.external_directory_object_id = opt_string(map)?,
            ExoField::Upn => r.user_principal_name = opt_string(map)?,
            ExoField::PrimarySmtp => r.primary_smtp_address = opt_string(map)?,
            ExoField::RecipientType => match map.next_value_seed(EnumValue)? {
                EnumText::Name(n) => r.recipient_type = n,
                EnumText::Number(n) => {
                    r.recipient_type = None;
                    acc.numeric_type = Some(n);
                }
            },
            ExoField::Details => {
                r.recipient_type_details = details(map.next_value_seed(EnumValue)?)?
            }
            ExoField::PreviousDetails => {
                r.previous_recipient_type_details = details(map.next_value_seed(EnumValue)?)?;
            }
            ExoField::ExchangeGuid => r.exchange_guid = map.next_value_seed(GuidValue)?,
            ExoField::ArchiveGuid => r.archive_guid = map.next_value_seed(GuidValue)?,
            ExoField::EmailAddresses => r.email_addresses = map.next_value_seed(StringList(t))?,
            ExoField::SkuAssigned => r.sku_assigned = opt_bool(map)?,
            ExoField::IsDirSynced => r.is_dir_synced = opt_bool(map)?,
            ExoField::WhenSoftDeleted => {
                if map.next_value_seed(Text)?.is_some() {
                    r.is_soft_deleted = true;
                }
            }
            ExoField::SoftDeletedFlag => {
                if opt_bool(map)? == Some(true) {
                    r.is_soft_deleted = true;
                }
            }
        }
        t.end_field();
        Ok(())
    }

    fn finish<E: de::Error>(mut acc: ExoAcc) -> Result<Option<ExoRecipient>, E> {
        let r = &mut acc.r;
        if r.identity.is_none() {
            r.identity = acc.name.take();
        }
        if let Some(n) = acc.numeric_type {
            let derived = r
                .recipient_type_details
                .as_deref()
                .and_then(recipient_type_for_details);
            match derived {
                Some(t) => r.recipient_type = Some(t.to_owned()),
                None => {
                    return Err(E::custom(format_args!(
                        "RecipientType is the number {n} and RecipientTypeDetails does not tell which type \
                         it is; export with ConvertTo-Json -EnumsAsStrings"
                    )));
                }
            }
        }
        if !acc.seen {
            return Err(E::custom(
                "expected a recipient object with properties such as Identity, ExternalDirectoryObjectId, \
                 RecipientTypeDetails or ExchangeGuid",
            ));
        }
        Ok(Some(acc.r))
    }
}

/// Turns a `RecipientTypeDetails` value into its name.
fn details<E: de::Error>(v: EnumText) -> Result<Option<String>, E> {
    match v {
        EnumText::Name(n) => Ok(n),
        EnumText::Number(n) => {
            let name = u64::try_from(n).ok().and_then(recipient_type_details_name);
            match name {
                Some(name) => Ok(Some(name)),
                None => Err(E::custom(format_args!(
                    "{n} is not a RecipientTypeDetails value (expected a name such as UserMailbox, or one \
                     of the documented flag values)"
                ))),
            }
        }
    }
}

/// An enumeration as read: a name (or `null`), or an integer to translate.
enum EnumText {
    Name(Option<String>),
    Number(i128),
}

struct EnumValue;

visitor_seed!(deserialize_any: EnumValue);

impl<'de> Visitor<'de> for EnumValue {
    type Value = EnumText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enumeration name or integer")
    }

    fn visit_unit<E: de::Error>(self) -> Result<EnumText, E> {
        Ok(EnumText::Name(None))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumText, E> {
        Ok(EnumText::Name(Some(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<EnumText, E> {
        Ok(EnumText::Name(Some(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnumText, E> {
        Ok(EnumText::Number(i128::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnumText, E> {
        Ok(EnumText::Number(i128::from(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EnumText, A::Error> {
        // Windows PowerShell 5.1 sometimes writes {"value": 1, ...} for enumerations.
        wrapped_value(map, false, || EnumValue)?
            .ok_or_else(|| de::Error::custom("expected an enumeration name or integer"))
    }
}

/// A GUID: a string (empty reads as `None`), `null`, or `{"Guid":"..."}`.
struct GuidValue;

visitor_seed!(deserialize_any: GuidValue);

impl<'de> Visitor<'de> for GuidValue {
    type Value = Option<Guid>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GUID string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Guid>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<Guid>, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        Guid::from_str(v).map(Some).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Guid>, A::Error> {
        let mut map = idrift_core::strict::UniqueKeys::new(map, true);
        let mut out = None;
        while let Some(k) = map.next_key::<String>()? {
            if is(&k, "guid") {
                out = map.next_value_seed(GuidValue)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}
