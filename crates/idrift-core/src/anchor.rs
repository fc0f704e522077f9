//! Source-anchor codecs: ImmutableId, the Entra connector-space DN and the CloudAnchor.
//!
//! Entra Connect links an AD user to its Entra user through the source anchor: the 16 bytes of
//! `mS-DS-ConsistencyGuid` (or `objectGUID`), which Entra stores base64-encoded as `onPremisesImmutableId`.
//! The sync engine's Entra connector space names each object `CN={<hex of the ImmutableId's ASCII>}`, and
//! the Entra side of an object is known to it by its CloudAnchor, `User_<objectId>` in a length-prefixed
//! UTF-16LE blob. These functions convert between all of them, in both directions, as ADSyncTools'
//! `ConvertTo/From-ADSyncToolsImmutableID`, `ConvertTo/From-ADSyncToolsAadDistinguishedName` and
//! `ConvertTo-ADSyncToolsCloudAnchor` do.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

use crate::guid::Guid;

/// Base64 with the standard alphabet that accepts the text with or without `=` padding.
///
/// Encoding always goes through [`STANDARD`] (padded), so only reading is lenient.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The bytes of base64 text (trimmed, padding optional); when it is not base64, `error` is told the
/// text as shown in messages and why.
fn decode_lenient(
    text: &str,
    error: impl FnOnce(String, String) -> AnchorError,
) -> Result<Vec<u8>, AnchorError> {
    LENIENT
        .decode(text.trim())
        .map_err(|e| error(shown(text), e.to_string()))
}

/// The prefix of the string a user's CloudAnchor holds.
const CLOUD_ANCHOR_USER_PREFIX: &str = "User_";

/// Why a text is not a valid ImmutableId, connector-space DN or CloudAnchor.
///
/// Every variant carries the offending value (shortened when very long) so the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// The ImmutableId is not base64 (standard alphabet, padding optional).
    #[error("ImmutableId {value:?} is not valid base64: {reason}")]
    ImmutableIdBase64 {
        /// The offending text.
        value: String,
        /// What the base64 decoder reported.
        reason: String,
    },
    /// The ImmutableId decodes, but not to the 16 bytes of a GUID source anchor.
    #[error("ImmutableId {value:?} decodes to {len} bytes; a GUID source anchor is 16 bytes")]
    ImmutableIdLength {
        /// The offending text.
        value: String,
        /// The number of decoded bytes.
        len: usize,
    },
    /// The connector-space DN is not of the form `CN={<hex>}`.
    #[error("connector-space DN {value:?} is not of the form CN={{<hex digits>}}")]
    DnShape {
        /// The offending DN.
        value: String,
    },
    /// The hex part of the connector-space DN has an odd number of digits.
    #[error(
        "connector-space DN {value:?} has an odd number ({digits}) of hex digits; each byte needs two"
    )]
    DnOddHex {
        /// The offending DN.
        value: String,
        /// How many hex digits it has.
        digits: usize,
    },
    /// The hex part of the connector-space DN holds a character that is not a hex digit.
    #[error(
        "connector-space DN {value:?}: {found:?} at position {position} of the hex part is not a hex digit"
    )]
    DnNotHex {
        /// The offending DN.
        value: String,
        /// The offending character.
        found: char,
        /// Its character position within the hex part (0-based).
        position: usize,
    },
    /// The bytes encoded in the connector-space DN are not a base64 ImmutableId.
    #[error(
        "connector-space DN {value:?} does not encode a base64 ImmutableId (decoded text {decoded:?})"
    )]
    DnNotImmutableId {
        /// The offending DN.
        value: String,
        /// The decoded bytes, shown lossily as text.
        decoded: String,
    },
    /// The CloudAnchor is not base64.
    #[error("CloudAnchor {value:?} is not valid base64: {reason}")]
    CloudAnchorBase64 {
        /// The offending text.
        value: String,
        /// What the base64 decoder reported.
        reason: String,
    },
    /// The CloudAnchor is shorter than its 4-byte length prefix.
    #[error("CloudAnchor {value:?} decodes to {len} bytes, too short for its 4-byte length prefix")]
    CloudAnchorTruncatedPrefix {
        /// The offending text.
        value: String,
        /// The number of decoded bytes.
        len: usize,
    },
    /// The length prefix does not match the number of string bytes that follow it.
    #[error("CloudAnchor {value:?} declares {declared} string bytes but carries {actual}")]
    CloudAnchorLengthMismatch {
        /// The offending text.
        value: String,
        /// The length in the prefix.
        declared: u32,
        /// The number of bytes after the prefix.
        actual: usize,
    },
    /// The string part is not NUL-terminated UTF-16LE text.
    #[error("CloudAnchor {value:?} does not hold NUL-terminated UTF-16LE text: {reason}")]
    CloudAnchorText {
        /// The offending text.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The string is not `User_<objectId>`.
    #[error("CloudAnchor {value:?} holds {text:?}, expected \"User_<objectId>\"")]
    CloudAnchorNotUser {
        /// The offending text.
        value: String,
        /// The decoded string.
        text: String,
    },
}

/// The ImmutableId of a source anchor: standard padded base64 of the GUID's 16 little-endian bytes.
pub fn immutable_id_from_guid(g: &Guid) -> String {
    STANDARD.encode(g.to_bytes_le())
}

/// Decodes an ImmutableId into the GUID whose little-endian bytes it carries.
///
/// Surrounding whitespace is ignored and `=` padding is optional.
///
/// # Errors
/// [`AnchorError::ImmutableIdBase64`] when the text is not base64, [`AnchorError::ImmutableIdLength`] when it
/// does not decode to exactly 16 bytes.
pub fn guid_from_immutable_id(s: &str) -> Result<Guid, AnchorError> {
    let bytes = decode_lenient(s, |value, reason| AnchorError::ImmutableIdBase64 {
        value,
        reason,
    })?;
    let len = bytes.len();
    Guid::from_slice_le(&bytes).map_err(|_| AnchorError::ImmutableIdLength {
        value: shown(s),
        len,
    })
}

/// Decodes an ImmutableId without allocating; `None` for anything [`guid_from_immutable_id`] rejects.
///
/// This is the hot path of matching, which decodes one value per cloud user.
pub(crate) fn guid_from_immutable_id_fast(s: &str) -> Option<Guid> {
    let t = s.trim();
    // 16 bytes are 22 base64 symbols, plus up to 2 padding characters.
    if !(22..=24).contains(&t.len()) {
        return None;
    }
    let mut buf = [0u8; 18];
    let n = LENIENT.decode_slice(t, &mut buf).ok()?;
    let arr: [u8; 16] = buf.get(..n)?.try_into().ok()?;
    Some(Guid::from_bytes_le(arr))
}

/// The Entra connector-space DN of an ImmutableId: `CN={` + upper-case hex of the ImmutableId's ASCII bytes + `}`.
pub fn connector_space_dn(immutable_id: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut dn = String::with_capacity(immutable_id.len() * 2 + 5);
    dn.push_str("CN={");
    for b in immutable_id.bytes() {
        dn.push(char::from(HEX[usize::from(b >> 4)]));
        dn.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    dn.push('}');
    dn
}

/// The ImmutableId a connector-space DN `CN={<hex>}` encodes.
///
/// `CN=` is matched case-insensitively, hex digits may be either case, and surrounding whitespace is ignored.
///
/// # Errors
/// [`AnchorError::DnShape`] without `CN=` and braces, [`AnchorError::DnOddHex`] for an odd number of digits,
/// [`AnchorError::DnNotHex`] for a non-hex character, and [`AnchorError::DnNotImmutableId`] when the bytes are
/// not a base64 text.
pub fn immutable_id_from_connector_space_dn(dn: &str) -> Result<String, AnchorError> {
    let t = dn.trim();
    let shape = || AnchorError::DnShape { value: shown(dn) };
    let rest = match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("CN=") => &t[3..],
        _ => return Err(shape()),
    };
    let hex = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(shape)?;
    if hex.is_empty() {
        return Err(shape());
    }
    if let Some((position, found)) = hex
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_hexdigit())
    {
        return Err(AnchorError::DnNotHex {
            value: shown(dn),
            found,
            position,
        });
    }
    // Only ASCII hex digits are left, so bytes and characters coincide.
    if hex.len() % 2 != 0 {
        return Err(AnchorError::DnOddHex {
            value: shown(dn),
            digits: hex.len(),
        });
    }
    let bytes: Vec<u8> = hex
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
        .collect();
    let not_id = |bytes: &[u8]| AnchorError::DnNotImmutableId {
        value: shown(dn),
        decoded: shown(&String::from_utf8_lossy(bytes)),
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(s) if s.is_ascii() && LENIENT.decode(s).is_ok() => s.to_owned(),
        _ => return Err(not_id(&bytes)),
    };
    Ok(text)
}

/// The base64 CloudAnchor of an Entra user: a 4-byte little-endian length, then `User_<object_id>` in UTF-16LE
/// with a NUL terminator; the length counts the string bytes including the terminator.
pub fn cloud_anchor(object_id: &str) -> String {
    let units: Vec<u16> = CLOUD_ANCHOR_USER_PREFIX
        .encode_utf16()
        .chain(object_id.encode_utf16())
        .chain(std::iter::once(0))
        .collect();
    let string_bytes = units.len() * 2;
    let mut blob = Vec::with_capacity(4 + string_bytes);
    // A String of more than 2 GiB UTF-16 units cannot be an object id; saturate rather than panic.
    let len = u32::try_from(string_bytes).unwrap_or(u32::MAX);
    blob.extend_from_slice(&len.to_le_bytes());
    for u in units {
        blob.extend_from_slice(&u.to_le_bytes());
    }
    STANDARD.encode(blob)
}

/// The Entra object id (the part after `User_`) carried by a base64 CloudAnchor.
///
/// # Errors
/// [`AnchorError::CloudAnchorBase64`] when the text is not base64; [`AnchorError::CloudAnchorTruncatedPrefix`]
/// when fewer than 4 bytes decode; [`AnchorError::CloudAnchorLengthMismatch`] when the prefix disagrees with
/// the bytes that follow; [`AnchorError::CloudAnchorText`] when they are not NUL-terminated UTF-16LE; and
/// [`AnchorError::CloudAnchorNotUser`] when the string is not `User_` followed by an id.
pub fn object_id_from_cloud_anchor(b64: &str) -> Result<String, AnchorError> {
    let blob = decode_lenient(b64, |value, reason| AnchorError::CloudAnchorBase64 {
        value,
        reason,
    })?;
    let (prefix, body) = match blob.split_first_chunk::<4>() {
        Some(split) => split,
        None => {
            return Err(AnchorError::CloudAnchorTruncatedPrefix {
                value: shown(b64),
                len: blob.len(),
            });
        }
    };
    let declared = u32::from_le_bytes(*prefix);
    if usize::try_from(declared).ok() != Some(body.len()) {
        return Err(AnchorError::CloudAnchorLengthMismatch {
            value: shown(b64),
            declared,
            actual: body.len(),
        });
    }
    let text_err = |reason| AnchorError::CloudAnchorText {
        value: shown(b64),
        reason,
    };
    if body.len() % 2 != 0 {
        return Err(text_err("an odd number of string bytes"));
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let Some((&0, string)) = units.split_last() else {
        return Err(text_err("the NUL terminator is missing"));
    };
    let text = String::from_utf16(string).map_err(|_| text_err("invalid UTF-16"))?;
    match text.strip_prefix(CLOUD_ANCHOR_USER_PREFIX) {
        Some(id) if !id.is_empty() && !id.contains('\0') => Ok(id.to_owned()),
        _ => Err(AnchorError::CloudAnchorNotUser {
            value: shown(b64),
            text: shown(&text),
        }),
    }
}

/// The value of one ASCII hex digit (the caller has checked it is one).
fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// A value for an error message: the text itself, cut after 120 characters.
fn shown(s: &str) -> String {
    const MAX: usize = 120;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// A warning when most cloud users' `onPremisesImmutableId` values are not base64 GUIDs: Entra Connect
/// then uses a custom source anchor (an attribute such as `employeeID`, taken as it is, or a binary
/// attribute in base64), and hard matching by `objectGUID`/`mS-DS-ConsistencyGuid` finds nobody. Returns
/// `None` when at most half of the users with an immutable id hold something else than a GUID.
///
/// Each value is decoded as matching decodes it, without allocating (the checked decoder would build a
/// byte vector per user and an error message per value that is not a GUID).
#[must_use]
pub fn custom_anchor_warning<'a>(immutable_ids: impl Iterator<Item = &'a str>) -> Option<String> {
    let (mut with_id, mut not_guid) = (0usize, 0usize);
    for id in immutable_ids {
        with_id += 1;
        if guid_from_immutable_id_fast(id).is_none() {
            not_guid += 1;
        }
    }
    (not_guid * 2 > with_id).then(|| {
        format!(
            "{not_guid} of {with_id} cloud users have an onPremisesImmutableId that is not a base64 GUID: \
             Entra Connect seems to use a custom source anchor (an attribute such as employeeID), and \
             matching by objectGUID or mS-DS-ConsistencyGuid cannot pair those users, so they count as \
             unmatched"
        )
    })
}

#[cfg(test)]
mod tests;
