//! The Active Directory attributes IdentityDrift reads, and how one value becomes a field of `OnPremUser`.
//!
//! Both readers share this mapping: the LDIF reader (values from text) and the live LDAP reader (values off
//! the wire). Binary GUIDs are 16 little-endian bytes; Large Integers are decimal text; everything else is
//! UTF-8 text. Names are compared without regard to case, as LDAP does.

use std::borrow::Cow;

use idrift_core::guid::Guid;
use idrift_core::model::OnPremUser;

/// An attribute the core model carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attr {
    ObjectGuid,
    ConsistencyGuid,
    SamAccountName,
    UserPrincipalName,
    Mail,
    ProxyAddresses,
    TargetAddress,
    Mobile,
    OtherMobile,
    MailboxGuid,
    RecipientTypeDetails,
    RemoteRecipientType,
    RecipientDisplayType,
    WhenChanged,
    CriticalSystemObject,
}

/// Every attribute the core model needs, by its `lDAPDisplayName`: exactly what a live read requests.
pub(crate) const READ_ATTRIBUTES: [&str; 15] = [
    "objectGUID",
    "mS-DS-ConsistencyGuid",
    "sAMAccountName",
    "userPrincipalName",
    "mail",
    "proxyAddresses",
    "targetAddress",
    "mobile",
    "otherMobile",
    "msExchMailboxGuid",
    "msExchRecipientTypeDetails",
    "msExchRemoteRecipientType",
    "msExchRecipientDisplayType",
    "whenChanged",
    "isCriticalSystemObject",
];

/// Attributes whose values are bytes, never text: as a custom source anchor they are always base64.
const BINARY_ANCHORS: [&str; 5] = [
    "objectGUID",
    "mS-DS-ConsistencyGuid",
    "objectSid",
    "msExchMailboxGuid",
    "msExchArchiveGUID",
];

/// Whether `name` is one of the attributes whose values are bytes (a custom anchor of it is base64).
pub(crate) fn is_binary_anchor(name: &str) -> bool {
    BINARY_ANCHORS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// The value of a custom source anchor attribute `name` as Entra Connect writes it to
/// `onPremisesImmutableId`: a string attribute as it is, a binary attribute in base64. An attribute is
/// binary when it is one of the known binary attributes, or when its value is not UTF-8 text or holds a
/// control character (text attributes never do). An empty value gives `None` (no anchor).
pub(crate) fn anchor_value(name: &str, value: &[u8]) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let known_binary = is_binary_anchor(name);
    match std::str::from_utf8(value) {
        Ok(text) if !known_binary && !text.chars().any(char::is_control) => Some(text.to_owned()),
        _ => {
            use base64::Engine as _;
            Some(base64::engine::general_purpose::STANDARD.encode(value))
        }
    }
}

/// What applying one value did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// The value was stored.
    Stored,
    /// A single-valued field already held a value; the first one was kept.
    Repeated,
}

impl Attr {
    /// The attribute named `name` (without options such as `;binary`), compared without regard to case.
    pub(crate) fn from_name(name: &[u8]) -> Option<Attr> {
        let eq = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
        let attr = match name.len() {
            4 if eq("mail") => Attr::Mail,
            6 if eq("mobile") => Attr::Mobile,
            10 if eq("objectguid") => Attr::ObjectGuid,
            11 if eq("othermobile") => Attr::OtherMobile,
            11 if eq("whenchanged") => Attr::WhenChanged,
            13 if eq("targetaddress") => Attr::TargetAddress,
            14 if eq("samaccountname") => Attr::SamAccountName,
            14 if eq("proxyaddresses") => Attr::ProxyAddresses,
            17 if eq("userprincipalname") => Attr::UserPrincipalName,
            17 if eq("msexchmailboxguid") => Attr::MailboxGuid,
            21 if eq("ms-ds-consistencyguid") => Attr::ConsistencyGuid,
            22 if eq("iscriticalsystemobject") => Attr::CriticalSystemObject,
            25 if eq("msexchremoterecipienttype") => Attr::RemoteRecipientType,
            26 if eq("msexchrecipienttypedetails") => Attr::RecipientTypeDetails,
            26 if eq("msexchrecipientdisplaytype") => Attr::RecipientDisplayType,
            _ => return None,
        };
        Some(attr)
    }

    /// The attribute's `lDAPDisplayName`.
    pub(crate) fn ldap_name(self) -> &'static str {
        match self {
            Attr::ObjectGuid => "objectGUID",
            Attr::ConsistencyGuid => "mS-DS-ConsistencyGuid",
            Attr::SamAccountName => "sAMAccountName",
            Attr::UserPrincipalName => "userPrincipalName",
            Attr::Mail => "mail",
            Attr::ProxyAddresses => "proxyAddresses",
            Attr::TargetAddress => "targetAddress",
            Attr::Mobile => "mobile",
            Attr::OtherMobile => "otherMobile",
            Attr::MailboxGuid => "msExchMailboxGuid",
            Attr::RecipientTypeDetails => "msExchRecipientTypeDetails",
            Attr::RemoteRecipientType => "msExchRemoteRecipientType",
            Attr::RecipientDisplayType => "msExchRecipientDisplayType",
            Attr::WhenChanged => "whenChanged",
            Attr::CriticalSystemObject => "isCriticalSystemObject",
        }
    }
}

/// Stores one value of `attr` in `user`.
///
/// # Errors
/// A message naming the attribute and what was expected: text that is not UTF-8, a GUID that is not 16
/// bytes (or GUID text), a number that is not a decimal integer in range.
pub(crate) fn apply(
    user: &mut OnPremUser,
    attr: Attr,
    value: Cow<'_, [u8]>,
) -> Result<Applied, String> {
    fn set<T>(slot: &mut Option<T>, v: T) -> Applied {
        if slot.is_some() {
            Applied::Repeated
        } else {
            *slot = Some(v);
            Applied::Stored
        }
    }
    let applied = match attr {
        Attr::ObjectGuid => set(&mut user.object_guid, guid(attr, &value)?),
        Attr::ConsistencyGuid => set(&mut user.consistency_guid, guid(attr, &value)?),
        Attr::MailboxGuid => set(&mut user.mailbox_guid, guid(attr, &value)?),
        Attr::SamAccountName => set(&mut user.sam_account_name, text(attr, value)?),
        Attr::UserPrincipalName => set(&mut user.user_principal_name, text(attr, value)?),
        Attr::Mail => set(&mut user.mail, text(attr, value)?),
        Attr::TargetAddress => set(&mut user.target_address, text(attr, value)?),
        Attr::Mobile => set(&mut user.mobile, text(attr, value)?),
        Attr::WhenChanged => set(&mut user.when_changed, text(attr, value)?),
        Attr::ProxyAddresses => {
            user.proxy_addresses.push(text(attr, value)?);
            Applied::Stored
        }
        Attr::OtherMobile => {
            user.other_mobile.push(text(attr, value)?);
            Applied::Stored
        }
        Attr::RecipientTypeDetails => set(
            &mut user.recipient_type_details,
            large_integer(attr, &value)?,
        ),
        Attr::RemoteRecipientType => set(
            &mut user.remote_recipient_type,
            large_integer(attr, &value)?,
        ),
        Attr::RecipientDisplayType => {
            set(&mut user.recipient_display_type, integer32(attr, &value)?)
        }
        Attr::CriticalSystemObject => {
            // An LDAP Boolean: `TRUE` or `FALSE`.
            if value.eq_ignore_ascii_case(b"TRUE") {
                user.critical_system_object = true;
            } else if !value.eq_ignore_ascii_case(b"FALSE") {
                return Err(format!(
                    "{} must be TRUE or FALSE, found {:?}",
                    attr.ldap_name(),
                    String::from_utf8_lossy(&value[..value.len().min(40)])
                ));
            }
            Applied::Stored
        }
    };
    Ok(applied)
}

/// Checks a text value of `attr` as [`apply`] does, without storing it (for an attribute a read drops).
///
/// # Errors
/// As for [`apply`]: text that is not UTF-8.
pub(crate) fn check_text(attr: Attr, value: &[u8]) -> Result<(), String> {
    std::str::from_utf8(value)
        .map(|_| ())
        .map_err(|_| not_utf8(attr))
}

fn not_utf8(attr: Attr) -> String {
    format!("{} must be UTF-8 text", attr.ldap_name())
}

fn text(attr: Attr, value: Cow<'_, [u8]>) -> Result<String, String> {
    let not_utf8 = || not_utf8(attr);
    match value {
        Cow::Borrowed(b) => std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| not_utf8()),
        Cow::Owned(v) => String::from_utf8(v).map_err(|_| not_utf8()),
    }
}

/// A binary GUID: 16 little-endian bytes; GUID text (`xxxxxxxx-...`, as some exports print it) is accepted too.
fn guid(attr: Attr, value: &[u8]) -> Result<Guid, String> {
    if let Ok(g) = Guid::from_slice_le(value) {
        return Ok(g);
    }
    if (32..=38).contains(&value.len())
        && let Some(g) = std::str::from_utf8(value)
            .ok()
            .and_then(|s| s.parse::<Guid>().ok())
    {
        return Ok(g);
    }
    Err(format!(
        "{} must be a 16-byte GUID, found {} bytes",
        attr.ldap_name(),
        value.len()
    ))
}

fn number(attr: Attr, value: &[u8]) -> Result<i64, String> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| {
            format!(
                "{} must be a decimal integer, found {:?}",
                attr.ldap_name(),
                String::from_utf8_lossy(&value[..value.len().min(40)])
            )
        })
}

/// A Large Integer (64-bit signed), e.g. `msExchRecipientTypeDetails: 2147483648`.
fn large_integer(attr: Attr, value: &[u8]) -> Result<i64, String> {
    number(attr, value)
}

/// AD's 32-bit Integer syntax: values above 2^31 read back negative; the unsigned form is accepted too.
fn integer32(attr: Attr, value: &[u8]) -> Result<i32, String> {
    let n = number(attr, value)?;
    if let Ok(v) = i32::try_from(n) {
        return Ok(v);
    }
    match u32::try_from(n) {
        Ok(u) => Ok(i32::from_ne_bytes(u.to_ne_bytes())),
        Err(_) => Err(format!(
            "{} must fit in 32 bits, found {n}",
            attr.ldap_name()
        )),
    }
}

#[cfg(test)]
mod tests;
