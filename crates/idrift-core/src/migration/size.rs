//! Exchange's size and count-and-size texts: `ByteQuantifiedSize` (`1.152 GB (1,237,342,091 bytes)`) and
//! MRS `CountAndSize` (`10188 [1.152 GB (1,237,342,091 bytes)]`), parsed to exact numbers and printed back
//! the way Exchange prints them.
//!
//! Exchange prints a size as a value with four significant digits in binary units (B, KB, MB, GB, TB),
//! followed by the exact byte count in parentheses with group separators. Only the byte count is exact,
//! so parsing reads the parentheses and ignores the rounded value. A localized console may group digits
//! with `.`, `'`, a space or a no-break space instead of `,`; all of them are accepted.

use std::fmt;
use std::str::FromStr;

/// A size in bytes, printed as Exchange's `ByteQuantifiedSize` (`1.152 GB (1,237,342,091 bytes)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

/// A number of items and their total size (MRS `CountAndSize`, printed `10188 [1.152 GB (1,237,342,091 bytes)]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CountAndSize {
    /// The number of items.
    pub count: u64,
    /// Their total size in bytes.
    pub size: u64,
}

impl CountAndSize {
    /// No items.
    pub const EMPTY: CountAndSize = CountAndSize { count: 0, size: 0 };

    /// Whether the bucket holds nothing (no items and no bytes).
    pub fn is_empty(&self) -> bool {
        self.count == 0 && self.size == 0
    }
}

/// Why a text is not a size or a count-and-size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    /// The text has no exact byte count.
    #[error(
        "expected a size such as `1.152 GB (1,237,342,091 bytes)` or a byte count, found {0:?}"
    )]
    Size(String),
    /// The text is not `count [size]`.
    #[error(
        "expected a count and size such as `10188 [1.152 GB (1,237,342,091 bytes)]`, found {0:?}"
    )]
    CountAndSize(String),
}

const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];

impl FromStr for ByteSize {
    type Err = SizeError;

    /// Reads `1.152 GB (1,237,342,091 bytes)`, `0 B (0 bytes)` or a bare byte count (`1237342091`).
    fn from_str(s: &str) -> Result<ByteSize, SizeError> {
        let t = s.trim();
        let err = || SizeError::Size(s.to_owned());
        if let Some(n) = parse_grouped(t) {
            return Ok(ByteSize(n));
        }
        let open = t.rfind('(').ok_or_else(err)?;
        let inner = t[open + 1..].trim_end();
        let inner = inner.strip_suffix(')').ok_or_else(err)?.trim_end();
        let digits = inner
            .strip_suffix("bytes")
            .or_else(|| inner.strip_suffix("byte"))
            .ok_or_else(err)?;
        let n = parse_grouped(digits.trim()).ok_or_else(err)?;
        // The rounded part before the parenthesis must look like `<number> <unit>`.
        let head = t[..open].trim();
        let mut parts = head.split_whitespace();
        let (Some(value), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        let value_ok = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
        if !value_ok || !UNITS.contains(&unit) {
            return Err(err());
        }
        Ok(ByteSize(n))
    }
}

/// Parses digits that may carry group separators (`1,237,342,091`, `1.237.342.091`, `1 237 342 091`).
fn parse_grouped(s: &str) -> Option<u64> {
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut n: u64 = 0;
    let mut prev_sep = false;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            n = n.checked_mul(10)?.checked_add(u64::from(d))?;
            prev_sep = false;
        } else if matches!(c, ',' | '.' | '\'' | ' ' | '\u{a0}' | '\u{202f}') && !prev_sep {
            prev_sep = true;
        } else {
            return None;
        }
    }
    (!prev_sep).then_some(n)
}

impl fmt::Display for ByteSize {
    /// Prints as Exchange does: four significant digits in the largest binary unit, then the exact bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} bytes)", approx(self.0), grouped(self.0))
    }
}

/// The rounded part of a size: `1.152 GB`, `500 MB`, `0 B`.
pub fn approx(bytes: u64) -> String {
    let mut unit = 0usize;
    let mut scale: u64 = 1;
    while unit + 1 < UNITS.len() && bytes >= scale.saturating_mul(1024) {
        scale = scale.saturating_mul(1024);
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("B");
    if unit == 0 {
        return format!("{bytes} {name}");
    }
    // The printed value is rounded to four significant digits; the exact bytes follow it.
    let value = bytes as f64 / scale as f64;
    let int_digits = if value >= 1000.0 {
        4
    } else if value >= 100.0 {
        3
    } else if value >= 10.0 {
        2
    } else {
        1
    };
    let decimals = 4usize.saturating_sub(int_digits);
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    format!("{text} {name}")
}

/// A number with `,` between groups of three digits: `1,237,342,091`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl FromStr for CountAndSize {
    type Err = SizeError;

    /// Reads `10188 [1.152 GB (1,237,342,091 bytes)]`.
    fn from_str(s: &str) -> Result<CountAndSize, SizeError> {
        let t = s.trim();
        let err = || SizeError::CountAndSize(s.to_owned());
        let open = t.find('[').ok_or_else(err)?;
        let inner = t[open + 1..].strip_suffix(']').ok_or_else(err)?;
        let count = parse_grouped(t[..open].trim()).ok_or_else(err)?;
        let size: ByteSize = inner.parse().map_err(|_| err())?;
        Ok(CountAndSize {
            count,
            size: size.0,
        })
    }
}

impl fmt::Display for CountAndSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.count, ByteSize(self.size))
    }
}

#[cfg(test)]
mod tests;
