//! Distinguished-name helpers (escape-aware).

/// The first RDN and the parent of a DN (split at the first unescaped comma).
pub(super) fn split_dn(dn: &str) -> (&str, &str) {
    let b = dn.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b',' => {
                let rdn = dn.get(..i).unwrap_or(dn).trim();
                let parent = dn.get(i + 1..).unwrap_or("").trim();
                return (rdn, parent);
            }
            _ => i += 1,
        }
    }
    (dn.trim(), "")
}

/// A DN compared the way AD does for our purposes: case-insensitive, ignoring spaces around commas.
pub(super) fn normalize(dn: &str) -> String {
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
pub(super) fn same_dn(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}
