//! Address checks: IdFix's RFC 2822 rule (top-level domain, domain part, local part, format) with the
//! top-level domain taken from the public suffix list, and the helpers that tell SMTP proxy addresses apart.

use std::borrow::Cow;

use super::LintErrorKind;

/// Whether `tld` (without a dot, any case) is a top-level domain on the public suffix list.
pub fn is_known_tld(tld: &str) -> bool {
    if tld.is_empty() || !tld.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return false;
    }
    // Lower-cased on the stack: a DNS label has at most 63 characters.
    let mut buf = [0u8; 63];
    let Some(lower) = buf.get_mut(..tld.len()) else {
        return false;
    };
    lower.copy_from_slice(tld.as_bytes());
    lower.make_ascii_lowercase();
    psl::suffix(lower).is_some_and(|s| s.is_known())
}

/// Whether `domain` ends in a top-level domain on the public suffix list (`contoso.local` does not).
pub fn is_routable_domain(domain: &str) -> bool {
    let d = domain.trim_end_matches('.');
    match d.rsplit_once('.') {
        Some((_, tld)) => is_known_tld(tld),
        None => false,
    }
}

/// The address of an SMTP proxy address (`smtp:` or `SMTP:`), or `None` for other types.
pub(super) fn smtp_part(proxy: &str) -> Option<&str> {
    let (prefix, rest) = proxy.split_once(':')?;
    prefix.eq_ignore_ascii_case("smtp").then_some(rest)
}

/// A set of ASCII characters, tested with one bit operation (the rules test every character of every
/// value against such sets).
#[derive(Debug, Clone, Copy)]
pub(super) struct AsciiSet(u128);

impl AsciiSet {
    /// The ASCII characters of `chars` (others are left out).
    pub(super) const fn of(chars: &str) -> AsciiSet {
        let bytes = chars.as_bytes();
        let mut bits = 0u128;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 128 {
                bits |= 1u128 << b;
            }
            i += 1;
        }
        AsciiSet(bits)
    }

    /// Whether `c` is in the set.
    pub(super) fn contains(self, c: char) -> bool {
        let c = u32::from(c);
        c < 128 && self.0 & (1u128 << c) != 0
    }
}

/// The characters RFC 5322 allows in a dot-atom besides letters and digits.
const ATEXT: AsciiSet = AsciiSet::of("!#$%&'*+/=?^_`{|}~-");

/// The characters RFC 5322 allows in a dot-atom.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || ATEXT.contains(c)
}

fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn valid_domain(domain: &str) -> bool {
    let mut labels = 0usize;
    let mut tld = "";
    for label in domain.split('.') {
        if !valid_label(label) {
            return false;
        }
        labels += 1;
        tld = label;
    }
    labels >= 2 && tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit())
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(is_atext))
}

/// IdFix's RFC 2822 rule on an address without prefix: the categories found, and the value with what can
/// be fixed mechanically fixed (characters outside the domain or local part alphabet removed) when that
/// changed it. A valid address allocates nothing.
pub(super) fn check(address: &str) -> (Vec<LintErrorKind>, Option<String>) {
    let mut kinds = Vec::new();
    let mut value = Cow::Borrowed(address);
    let whole_domain = address.rsplit_once('@').map_or(address, |(_, d)| d);
    if let Some((_, tld)) = whole_domain.rsplit_once('.')
        && !tld.is_empty()
        && !is_known_tld(tld)
    {
        kinds.push(LintErrorKind::TopLevelDomain);
    }
    if !address
        .rsplit_once('@')
        .is_some_and(|(_, d)| valid_domain(d))
    {
        kinds.push(LintErrorKind::DomainPart);
        if let Some((local, domain)) = address.rsplit_once('@') {
            let cleaned: String = domain
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            value = Cow::Owned(format!("{local}@{cleaned}"));
        }
    }
    let ats = value.matches('@').count();
    let local_ok = value.rsplit_once('@').is_some_and(|(l, _)| valid_local(l));
    if !local_ok || ats > 1 {
        kinds.push(LintErrorKind::LocalPart);
        if let Some((local, domain)) = value.rsplit_once('@') {
            let cleaned: String = local
                .chars()
                .filter(|c| *c == '.' || is_atext(*c))
                .collect();
            let cleaned = cleaned.trim_matches('.');
            let mut squeezed = String::with_capacity(cleaned.len());
            for c in cleaned.chars() {
                if !(c == '.' && squeezed.ends_with('.')) {
                    squeezed.push(c);
                }
            }
            value = Cow::Owned(format!("{squeezed}@{domain}"));
        }
    }
    let valid_now = value
        .split_once('@')
        .is_some_and(|(l, d)| valid_local(l) && valid_domain(d));
    if !valid_now {
        kinds.push(LintErrorKind::Format);
    }
    let fixed = match value {
        Cow::Owned(v) if v != address => Some(v),
        _ => None,
    };
    (kinds, fixed)
}
