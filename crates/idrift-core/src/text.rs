//! The one text decoder every reader uses: bytes as Windows tools write them, in; UTF-8 text, out.
//!
//! An export reaches idrift in whatever encoding the tool that wrote it chose: `ldifde -u` and Windows
//! PowerShell 5.1's `>` and `Out-File` write UTF-16 LE with a byte-order mark, `Export-Csv` on Windows
//! PowerShell 5.1 and Excel's plain "CSV" write the ANSI code page (Windows-1252 in Western locales),
//! PowerShell 7 and Graph write UTF-8. [`decode`] takes them all:
//! - a UTF-8 byte-order mark: UTF-8 (the mark removed; invalid UTF-8 after it is an error);
//! - a UTF-16 LE or BE byte-order mark: UTF-16 (the mark removed); without a mark, UTF-16 is recognised
//!   by a zero byte in the first two (text starting with an ASCII character);
//! - otherwise UTF-8 when the bytes are valid UTF-8 (borrowed, not copied), else Windows-1252.
//!
//! Readers parse the decoded text, so their errors quote decoded text, never mojibake. Line numbers are
//! unchanged by decoding.

use std::borrow::Cow;
use std::fmt;

/// The encoding [`decode`] recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16 little-endian (with or without a byte-order mark).
    Utf16Le,
    /// UTF-16 big-endian (with or without a byte-order mark).
    Utf16Be,
    /// Windows-1252: no byte-order mark, and the bytes are not valid UTF-8.
    Windows1252,
}

impl TextEncoding {
    /// The encoding's name as a message shows it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with a byte-order mark",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Why bytes could not be decoded: where (a byte offset in the input) and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the first undecodable byte.
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Text decoded from owned bytes, kept without a copy when the bytes were UTF-8: `text()` is the text
/// after any byte-order mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    text: String,
    start: usize,
    encoding: Option<TextEncoding>,
}

impl Decoded {
    /// The decoded text (no byte-order mark).
    #[must_use]
    pub fn text(&self) -> &str {
        self.text.get(self.start..).unwrap_or_default()
    }

    /// The encoding the input was in.
    #[must_use]
    pub fn encoding(&self) -> TextEncoding {
        self.encoding.unwrap_or(TextEncoding::Utf8)
    }

    /// The decoded text as an owned string (copies only when a byte-order mark is to be dropped).
    #[must_use]
    pub fn into_string(mut self) -> String {
        if self.start > 0 {
            self.text.drain(..self.start);
        }
        self.text
    }
}

/// Recognises the encoding of `bytes` (see the module documentation) and the length of its byte-order
/// mark. Never looks further than the first two bytes for UTF-16; UTF-8 and Windows-1252 are told apart
/// by [`decode`].
fn sniff(bytes: &[u8]) -> (TextEncoding, usize) {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (TextEncoding::Utf8Bom, 3),
        [0xFF, 0xFE, ..] => (TextEncoding::Utf16Le, 2),
        [0xFE, 0xFF, ..] => (TextEncoding::Utf16Be, 2),
        [a, 0, ..] if *a != 0 => (TextEncoding::Utf16Le, 0),
        [0, b, ..] if *b != 0 => (TextEncoding::Utf16Be, 0),
        _ => (TextEncoding::Utf8, 0),
    }
}

/// Whether text starting with `prefix` (its first bytes, two suffice) can be read as it is, without
/// [`decode`]: true unless it starts with a UTF-16 byte-order mark or looks like UTF-16 without one. A
/// reader that streams such input must still check that every byte is UTF-8 (else the text is Windows-1252
/// and goes through [`decode`]) and skip a UTF-8 byte-order mark.
#[must_use]
pub fn maybe_utf8(prefix: &[u8]) -> bool {
    matches!(sniff(prefix).0, TextEncoding::Utf8 | TextEncoding::Utf8Bom)
}

/// Decodes `bytes` (see the module documentation). UTF-8 input is borrowed, not copied.
///
/// # Errors
/// [`DecodeError`] when bytes after a UTF-8 byte-order mark are not UTF-8, or UTF-16 text has an odd
/// number of bytes or an unpaired surrogate.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), DecodeError> {
    let (encoding, bom) = sniff(bytes);
    let body = bytes.get(bom..).unwrap_or_default();
    match encoding {
        TextEncoding::Utf8Bom => std::str::from_utf8(body)
            .map(|s| (Cow::Borrowed(s), encoding))
            .map_err(|e| not_utf8_after_bom(e.valid_up_to() + bom)),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            utf16(body, encoding, bom).map(|s| (Cow::Owned(s), encoding))
        }
        TextEncoding::Utf8 | TextEncoding::Windows1252 => match std::str::from_utf8(body) {
            Ok(s) => Ok((Cow::Borrowed(s), TextEncoding::Utf8)),
            Err(_) => Ok((
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(body)
                    .0,
                TextEncoding::Windows1252,
            )),
        },
    }
}

/// [`decode`] on owned bytes: UTF-8 input keeps its buffer (no copy, no second allocation).
///
/// # Errors
/// As for [`decode`].
pub fn decode_vec(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    let (encoding, bom) = sniff(&bytes);
    match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                start: bom,
                encoding: Some(encoding),
            }),
            Err(e) if encoding == TextEncoding::Utf8Bom => {
                Err(not_utf8_after_bom(e.utf8_error().valid_up_to()))
            }
            Err(e) => Ok(Decoded {
                text: encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(e.as_bytes())
                    .0
                    .into_owned(),
                start: 0,
                encoding: Some(TextEncoding::Windows1252),
            }),
        },
        TextEncoding::Utf16Le | TextEncoding::Utf16Be | TextEncoding::Windows1252 => {
            let (text, encoding) = decode(&bytes)?;
            Ok(Decoded {
                text: text.into_owned(),
                start: 0,
                encoding: Some(encoding),
            })
        }
    }
}

fn not_utf8_after_bom(offset: usize) -> DecodeError {
    DecodeError {
        offset,
        message: format!(
            "not UTF-8 text despite its UTF-8 byte-order mark (invalid byte at offset {offset})"
        ),
    }
}

/// Decodes UTF-16 `body` (after a byte-order mark of `bom` bytes).
fn utf16(body: &[u8], encoding: TextEncoding, bom: usize) -> Result<String, DecodeError> {
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError {
            offset: bom + body.len() - 1,
            message: format!(
                "{} text with an odd number of bytes ({}): the file looks truncated",
                encoding.name(),
                bom + body.len()
            ),
        });
    }
    let codec = if encoding == TextEncoding::Utf16Be {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    if let Some(text) = codec.decode_without_bom_handling_and_without_replacement(body) {
        return Ok(text.into_owned());
    }
    // Find the unpaired surrogate to name its offset (and the text before it, decoded).
    let units = body.chunks_exact(2).map(|c| match encoding {
        TextEncoding::Utf16Be => u16::from_be_bytes([c[0], c[1]]),
        _ => u16::from_le_bytes([c[0], c[1]]),
    });
    let mut before = String::new();
    let mut at = bom;
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => {
                at += 2 * c.len_utf16();
                before.push(c);
            }
            Err(_) => break,
        }
    }
    let line = before.matches('\n').count() + 1;
    Err(DecodeError {
        offset: at,
        message: format!(
            "invalid {} at byte offset {at} (line {line}): an unpaired surrogate",
            encoding.name()
        ),
    })
}

#[cfg(test)]
mod tests;
