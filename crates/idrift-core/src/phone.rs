//! Phone-number normalization, so AD and Entra ID values are compared by number rather than by formatting.
//!
//! `mobile` in AD and `mobilePhone` in Entra are free text: `(803) 555-1212`, `+1 803 555 1212` and
//! `8035551212` can all be the same number. [`normalize_e164`] turns a value into E.164 (`+18035551212`) with
//! the `phonenumber` crate (libphonenumber's metadata); numbers written without a country code need
//! [`PhoneOptions::default_region`]. An extension is kept as an RFC 3966 suffix (`+18035551212;ext=12`), so two
//! extensions of one line stay different numbers.
//! Parsing is slow compared with a string comparison, so [`same_number`] compares the texts first.

use phonenumber::Mode;
use phonenumber::country::Id;

/// How numbers without a country code are read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PhoneOptions {
    /// The ISO 3166 alpha-2 region (`"US"`, `"DE"`; case-insensitive) assumed for numbers written without a
    /// country code. `None` leaves such numbers unparsed.
    pub default_region: Option<String>,
}

/// A [`PhoneOptions::default_region`] that is not a region the phone metadata knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown phone region {0:?} (expected an ISO 3166 alpha-2 code such as \"US\" or \"DE\")")]
pub struct UnknownRegion(pub String);

impl PhoneOptions {
    /// Options with a default region.
    pub fn with_region(region: &str) -> PhoneOptions {
        PhoneOptions {
            default_region: Some(region.to_owned()),
        }
    }

    /// Checks the default region, so a caller can reject a misspelt option up front (otherwise an unknown
    /// region behaves like no region).
    ///
    /// # Errors
    /// [`UnknownRegion`] when the region is set and not a known ISO 3166 alpha-2 code.
    pub fn validate(&self) -> Result<(), UnknownRegion> {
        match &self.default_region {
            Some(r) if region_id(r).is_none() => Err(UnknownRegion(r.clone())),
            _ => Ok(()),
        }
    }

    /// The options for `default_region`, checked ([`PhoneOptions::validate`]).
    ///
    /// # Errors
    /// [`UnknownRegion`] when the region is set and not a known ISO 3166 alpha-2 code.
    pub fn for_region(default_region: Option<String>) -> Result<PhoneOptions, UnknownRegion> {
        let phone = PhoneOptions { default_region };
        phone.validate()?;
        Ok(phone)
    }

    fn region(&self) -> Option<Id> {
        self.default_region.as_deref().and_then(region_id)
    }
}

fn region_id(r: &str) -> Option<Id> {
    r.trim().to_ascii_uppercase().parse().ok()
}

/// The E.164 form of a phone number (`+` country code and national number, no separators), followed by
/// `;ext=<digits>` when the text carries an extension.
///
/// Spaces, dashes, dots, parentheses, a `tel:` URI, a trunk `(0)` after the country code, an international
/// `00` prefix and extensions (`x12`, `ext. 12`, `;ext=12`) are understood. Numbers without a country code are
/// read in [`PhoneOptions::default_region`]. Returns `None` when the text cannot be parsed as a number (or has
/// no country code and no default region is set). A number that parses but is not assigned in its numbering
/// plan is still normalized: the goal is comparing two texts, not validating them.
pub fn normalize_e164(raw: &str, opts: &PhoneOptions) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    // `00` is the international prefix in most of the world; libphonenumber only strips the default region's
    // own prefix (`011` in the US), and without a region not at all.
    let owned;
    let text = match t
        .strip_prefix("00")
        .map(|r| r.trim_start_matches([' ', '-', '.', '/']))
    {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit() && c != '0') => {
            owned = format!("+{rest}");
            owned.as_str()
        }
        _ => t,
    };
    let number = phonenumber::parse(opts.region(), text).ok()?;
    let mut out = number.format().mode(Mode::E164).to_string();
    if let Some(ext) = number.extension() {
        out.push_str(";ext=");
        out.push_str(ext);
    }
    Some(out)
}

/// Whether two phone texts are the same number: equal as text (after trimming), or equal after
/// [`normalize_e164`]. Two texts that cannot be parsed are only the same when they are equal as text.
pub fn same_number(a: &str, b: &str, opts: &PhoneOptions) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    match (normalize_e164(a, opts), normalize_e164(b, opts)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// [`same_number`] and [`normalize_e164`] for many values, each text normalized once: a comparison of a
/// million users meets the same numbers (a switchboard, a shared mobile, the same value on both sides)
/// many times, and parsing is what costs. Values are compared as text first, as [`same_number`] does, so
/// only values that differ are parsed at all.
#[derive(Debug)]
pub struct E164Cache<'a> {
    opts: &'a PhoneOptions,
    forms: std::collections::HashMap<&'a str, Option<String>, foldhash::fast::RandomState>,
}

impl<'a> E164Cache<'a> {
    /// An empty cache for numbers read with `opts`.
    pub fn new(opts: &'a PhoneOptions) -> E164Cache<'a> {
        E164Cache {
            opts,
            forms: std::collections::HashMap::default(),
        }
    }

    /// [`normalize_e164`] of `raw`, parsed the first time only.
    pub fn normalize(&mut self, raw: &'a str) -> Option<&str> {
        let opts = self.opts;
        self.forms
            .entry(raw.trim())
            .or_insert_with_key(|t| normalize_e164(t, opts))
            .as_deref()
    }

    /// [`same_number`], with each text parsed once.
    pub fn same_number(&mut self, a: &'a str, b: &'a str) -> bool {
        let (a, b) = (a.trim(), b.trim());
        if a == b {
            return true;
        }
        self.normalize(a);
        self.normalize(b);
        match (self.forms.get(a), self.forms.get(b)) {
            (Some(Some(x)), Some(Some(y))) => x == y,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
