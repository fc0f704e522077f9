//! `Guid`: a GUID as Active Directory, Entra ID and Exchange print it, with the little-endian byte order AD stores.
//!
//! AD keeps `objectGUID`, `mS-DS-ConsistencyGuid` and `msExchMailboxGuid` as 16 raw bytes in .NET order
//! (`bytes_le`): the first three fields are little-endian. The text form is the usual
//! `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A GUID, stored in the byte order of its text form (RFC 4122, "big-endian").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Guid([u8; 16]);

/// Why a text or byte string is not a GUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuidError {
    /// The text is not 32 hex digits in the 8-4-4-4-12 form (braces allowed).
    #[error("not a GUID: {0:?} (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")]
    Text(String),
    /// A binary GUID attribute did not hold exactly 16 bytes.
    #[error("a binary GUID must be 16 bytes, found {0}")]
    Length(usize),
}

impl Guid {
    /// The all-zero GUID (Exchange prints it for "no ExchangeGuid").
    pub const NIL: Guid = Guid([0; 16]);

    /// Builds a GUID from its text-order bytes.
    pub const fn from_bytes(bytes: [u8; 16]) -> Guid {
        Guid(bytes)
    }

    /// The text-order bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Decodes AD's 16 little-endian bytes (`objectGUID`, `mS-DS-ConsistencyGuid`, `msExchMailboxGuid`).
    pub fn from_bytes_le(le: [u8; 16]) -> Guid {
        let mut b = le;
        b[0..4].reverse();
        b[4..6].reverse();
        b[6..8].reverse();
        Guid(b)
    }

    /// Decodes AD's little-endian bytes from a slice.
    ///
    /// # Errors
    /// [`GuidError::Length`] when the slice is not 16 bytes long.
    pub fn from_slice_le(le: &[u8]) -> Result<Guid, GuidError> {
        let arr: [u8; 16] = le.try_into().map_err(|_| GuidError::Length(le.len()))?;
        Ok(Guid::from_bytes_le(arr))
    }

    /// The 16 bytes AD stores (little-endian first three fields).
    pub fn to_bytes_le(&self) -> [u8; 16] {
        let mut b = self.0;
        b[0..4].reverse();
        b[4..6].reverse();
        b[6..8].reverse();
        b
    }

    /// Whether this is the all-zero GUID.
    pub fn is_nil(&self) -> bool {
        self.0 == [0; 16]
    }

    /// The LDAP filter value for this GUID as a binary attribute: every stored byte hex-escaped (`\c6\3d...`).
    pub fn ldap_filter_value(&self) -> String {
        let mut s = String::with_capacity(48);
        for b in self.to_bytes_le() {
            s.push('\\');
            s.push(hex_digit(b >> 4));
            s.push(hex_digit(b & 0x0f));
        }
        s
    }
}

fn hex_digit(n: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(n & 0x0f)])
}

/// The value of one hexadecimal digit, either case.
fn hex_value(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

impl FromStr for Guid {
    type Err = GuidError;

    fn from_str(s: &str) -> Result<Guid, GuidError> {
        let t = s.trim();
        let t = t
            .strip_prefix('{')
            .and_then(|x| x.strip_suffix('}'))
            .unwrap_or(t);
        let bytes = t.as_bytes();
        let err = || GuidError::Text(s.to_owned());
        let hex: Vec<u8> = if bytes.len() == 36 {
            for i in [8, 13, 18, 23] {
                if bytes[i] != b'-' {
                    return Err(err());
                }
            }
            bytes.iter().copied().filter(|&c| c != b'-').collect()
        } else if bytes.len() == 32 {
            bytes.to_vec()
        } else {
            return Err(err());
        };
        if hex.len() != 32 {
            return Err(err());
        }
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0]).ok_or_else(err)?;
            let lo = hex_value(pair[1]).ok_or_else(err)?;
            out[i] = (hi << 4) | lo;
        }
        Ok(Guid(out))
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        let mut s = String::with_capacity(36);
        for (i, byte) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(hex_digit(byte >> 4));
            s.push(hex_digit(byte & 0x0f));
        }
        f.write_str(&s)
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({self})")
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Guid, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
