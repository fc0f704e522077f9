//! Scrubbing of text built from a server's reply before it reaches an error message: a hostile or echoing
//! server must not be able to put the client secret, a certificate assertion or a bearer token into what the
//! administrator sees (or a log). The text is scrubbed first, then cut to a short excerpt.

/// The most characters of a server's reply an error message carries.
pub(crate) const EXCERPT_CHARS: usize = 300;

/// What replaces a scrubbed value.
const MASK: &str = "***";

/// Keys whose values are secrets, in form bodies (`key=value`) and JSON (`"key": "value"`).
const SECRET_KEYS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "assertion",
    "access_token",
    "refresh_token",
    "id_token",
    "password",
];

/// `text` with every known secret, every value of a secret key, every bearer token and every JWT-shaped
/// string masked, then cut to [`EXCERPT_CHARS`] characters. `secrets` are the values the request carried
/// (blank and very short ones are ignored, so an empty secret cannot mask everything).
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().map(|s| s.trim()).filter(|s| s.len() >= 4) {
        out = out.replace(s, MASK);
    }
    for key in SECRET_KEYS {
        out = mask_after(&out, &format!("{key}="), |c| {
            c == '&' || c == '"' || c == '\'' || c.is_whitespace()
        });
        out = mask_json_value(&out, key);
    }
    out = mask_after(&out, "bearer ", |c| {
        c == '"' || c == '\'' || c == ',' || c.is_whitespace()
    });
    out = mask_jwts(&out);
    excerpt(&out)
}

/// The first [`EXCERPT_CHARS`] characters of `text`, with an ellipsis when cut.
pub(crate) fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

/// Masks the value following each case-insensitive occurrence of `prefix`, up to `end` (exclusive).
fn mask_after(text: &str, prefix: &str, end: impl Fn(char) -> bool) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower.get(pos..).and_then(|rest| rest.find(prefix)) {
        let value_start = pos + found + prefix.len();
        out.push_str(text.get(pos..value_start).unwrap_or_default());
        let rest = text.get(value_start..).unwrap_or_default();
        let len = rest.find(|c: char| end(c)).unwrap_or(rest.len());
        if len > 0 {
            out.push_str(MASK);
        }
        pos = value_start + len;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// Masks the string value of each `"key"` in JSON-shaped text (`"key": "value"`, any spacing).
fn mask_json_value(text: &str, key: &str) -> String {
    let quoted = format!("\"{key}\"");
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower.get(pos..).and_then(|rest| rest.find(&quoted)) {
        let after_key = pos + found + quoted.len();
        let rest = text.get(after_key..).unwrap_or_default();
        let trimmed = rest.trim_start();
        let Some(after_colon) = trimmed.strip_prefix(':') else {
            out.push_str(text.get(pos..after_key).unwrap_or_default());
            pos = after_key;
            continue;
        };
        let value = after_colon.trim_start();
        let Some(body) = value.strip_prefix('"') else {
            out.push_str(text.get(pos..after_key).unwrap_or_default());
            pos = after_key;
            continue;
        };
        let value_start = text.len() - body.len();
        let len = closing_quote(body).unwrap_or(body.len());
        out.push_str(text.get(pos..value_start).unwrap_or_default());
        out.push_str(MASK);
        pos = value_start + len;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// The byte offset of the first unescaped `"` in `s`.
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// Masks JWT-shaped strings: `eyJ` followed by at least 17 base64url characters or dots.
fn mask_jwts(text: &str) -> String {
    let is_jwt_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = text.get(pos..).and_then(|rest| rest.find("eyJ")) {
        let start = pos + found;
        let rest = text.get(start..).unwrap_or_default();
        let len = rest.find(|c: char| !is_jwt_char(c)).unwrap_or(rest.len());
        out.push_str(text.get(pos..start).unwrap_or_default());
        if len >= 20 {
            out.push_str(MASK);
        } else {
            out.push_str(rest.get(..len).unwrap_or_default());
        }
        pos = start + len;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests;
