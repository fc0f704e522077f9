//! Distinguished-name helpers (escape-aware).

/// The byte offset of the first unescaped comma of `dn`, where its first RDN ends; `None` for a DN of one
/// RDN.
pub fn rdn_end(dn: &str) -> Option<usize> {
    let b = dn.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b',' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The first RDN and the parent of a DN (split at the first unescaped comma), trimmed.
pub fn split_dn(dn: &str) -> (&str, &str) {
    match rdn_end(dn) {
        Some(i) => (
            dn.get(..i).unwrap_or(dn).trim(),
            dn.get(i + 1..).unwrap_or("").trim(),
        ),
        None => (dn.trim(), ""),
    }
}

/// A DN compared the way AD does for our purposes: case-insensitive, ignoring spaces around commas.
pub fn normalize(dn: &str) -> String {
    let mut out = String::with_capacity(dn.len());
    let mut rest = dn.trim();
    loop {
        let (rdn, parent) = split_dn(rest);
        out.push_str(&rdn.to_ascii_lowercase());
        if parent.is_empty() {
            return out;
        }
        out.push(',');
        rest = parent;
    }
}

/// Whether two DNs name the same object.
pub fn same_dn(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

#[cfg(test)]
mod tests;
