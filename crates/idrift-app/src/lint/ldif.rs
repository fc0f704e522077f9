//! Lint's LDIF entry reader: RFC 2849 entries (folded lines, `::` base64, CRLF, comments) mapped onto
//! [`LintObject`], keeping only the attributes the lint rules read.

use std::io::BufRead;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use idrift_core::lint::{LintClass, LintObject};

/// Why an LDIF file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be read.
    Io(std::io::Error),
    /// A line is not LDIF.
    Parse {
        /// The 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// Which object classes an entry has, as far as lint cares.
#[derive(Default)]
struct Classes {
    user: bool,
    contact: bool,
    group: bool,
    computer: bool,
}

impl Classes {
    fn class(&self) -> Option<LintClass> {
        if self.computer {
            None
        } else if self.contact {
            Some(LintClass::Contact)
        } else if self.group {
            Some(LintClass::Group)
        } else if self.user {
            Some(LintClass::User)
        } else {
            None
        }
    }
}

/// One entry being assembled.
#[derive(Default)]
struct Builder {
    object: LintObject,
    classes: Classes,
    has_cn: bool,
    started: bool,
}

impl Builder {
    fn finish(mut self) -> LintObject {
        self.object.class = self.classes.class();
        if !self.has_cn {
            self.object.cn = first_rdn_value(&self.object.dn);
        }
        self.object
    }
}

/// The value of a DN's first RDN (`CN=Ann Smith,OU=...` gives `Ann Smith`), unescaping `\,`.
fn first_rdn_value(dn: &str) -> String {
    let mut out = String::new();
    let mut chars = dn.chars();
    let mut seen_eq = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && seen_eq
                {
                    out.push(n);
                }
            }
            ',' => break,
            '=' if !seen_eq => seen_eq = true,
            _ if seen_eq => out.push(c),
            _ => {}
        }
    }
    out
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn is_true(v: &[u8]) -> bool {
    v.eq_ignore_ascii_case(b"TRUE")
}

fn number(v: &[u8]) -> Option<i64> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

fn hex(v: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(v.len() * 2);
    for b in v {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Applies one attribute value to the entry. `raw` is the value after base64 decoding.
fn apply(b: &mut Builder, name: &str, raw: Vec<u8>) {
    let o = &mut b.object;
    let lower = name.to_ascii_lowercase();
    // Options such as `;binary` do not change which attribute this is.
    let base = lower.split(';').next().unwrap_or("");
    match base {
        "dn" => o.dn = text(raw),
        "cn" => {
            o.cn = text(raw);
            b.has_cn = true;
        }
        "objectclass" => match raw.to_ascii_lowercase().as_slice() {
            b"user" | b"inetorgperson" => b.classes.user = true,
            b"contact" => b.classes.contact = true,
            b"group" => b.classes.group = true,
            b"computer" => b.classes.computer = true,
            _ => {}
        },
        "userprincipalname" => o.upn = Some(text(raw)),
        "mail" => o.mail = Some(text(raw)),
        "mailnickname" => o.mail_nickname = Some(text(raw)),
        "proxyaddresses" => o.proxy_addresses.push(text(raw)),
        "targetaddress" => o.target_address = Some(text(raw)),
        "samaccountname" => o.sam_account_name = Some(text(raw)),
        "displayname" => o.display_name = Some(text(raw)),
        "iscriticalsystemobject" => o.critical_system_object = is_true(&raw),
        "msexchhidefromaddresslists" => o.hidden_from_address_lists = is_true(&raw),
        "msexchrecipienttypedetails" => o.recipient_type_details = number(&raw),
        "grouptype" => o.group_type = number(&raw),
        "homemdb" => o.has_home_mdb = true,
        "usercertificate" => o.user_certificates += 1,
        "usersmimecertificate" => o.smime_certificates += 1,
        "thumbnailphoto" => o.thumbnail_photo_bytes = raw.len(),
        "ms-ds-consistencyguid" => o.consistency_guid = Some(hex(&raw)),
        _ => {}
    }
}

/// The object of one entry read from a live directory: its DN and raw attribute values (`;binary` and other
/// options allowed), mapped as the LDIF reader maps them.
pub(super) fn object_of(dn: String, attrs: Vec<(String, Vec<Vec<u8>>)>) -> LintObject {
    let mut b = Builder::default();
    b.object.dn = dn;
    for (name, values) in attrs {
        if !wanted(&name) || name.eq_ignore_ascii_case("dn") {
            continue;
        }
        for v in values {
            apply(&mut b, &name, v);
        }
    }
    b.finish()
}

/// The attributes lint asks a live directory for.
pub(super) const LIVE_ATTRIBUTES: [&str; 19] = [
    "cn",
    "objectClass",
    "userPrincipalName",
    "mail",
    "mailNickname",
    "proxyAddresses",
    "targetAddress",
    "sAMAccountName",
    "displayName",
    "isCriticalSystemObject",
    "msExchHideFromAddressLists",
    "msExchRecipientTypeDetails",
    "groupType",
    "homeMDB",
    "userCertificate",
    "userSMIMECertificate",
    "thumbnailPhoto",
    "mS-DS-ConsistencyGuid",
    "distinguishedName",
];

/// Whether lint reads this attribute (others are skipped without decoding).
fn wanted(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "dn",
        "cn",
        "objectclass",
        "userprincipalname",
        "mail",
        "mailnickname",
        "proxyaddresses",
        "targetaddress",
        "samaccountname",
        "displayname",
        "iscriticalsystemobject",
        "msexchhidefromaddresslists",
        "msexchrecipienttypedetails",
        "grouptype",
        "homemdb",
        "usercertificate",
        "usersmimecertificate",
        "thumbnailphoto",
        "ms-ds-consistencyguid",
    ];
    let base = name.split(';').next().unwrap_or("");
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(base))
}

/// Parses one logical line (`name: value`, `name:: base64`) into the entry.
fn logical_line(b: &mut Builder, line: &str, number: u64) -> Result<(), ReadError> {
    let parse = |message: String| ReadError::Parse {
        line: number,
        message,
    };
    let Some(colon) = line.find(':') else {
        return Err(parse("expected `attribute: value`".to_owned()));
    };
    let name = &line[..colon];
    let rest = &line[colon + 1..];
    if !b.started {
        if name.eq_ignore_ascii_case("version") {
            return Ok(());
        }
        if !name.eq_ignore_ascii_case("dn") {
            return Err(parse(format!(
                "expected `dn:` to start an entry, found `{name}:`"
            )));
        }
        b.started = true;
    }
    if !wanted(name) {
        return Ok(());
    }
    let raw = if let Some(b64) = rest.strip_prefix(':') {
        STANDARD
            .decode(b64.trim())
            .map_err(|e| parse(format!("{name}: bad base64 value: {e}")))?
    } else if rest.starts_with('<') {
        return Err(parse(format!(
            "{name}: URL values (`:<`) are not supported"
        )));
    } else {
        rest.strip_prefix(' ').unwrap_or(rest).as_bytes().to_vec()
    };
    apply(b, name, raw);
    Ok(())
}

/// Reads every entry of `reader` and calls `each` with it (entries of other classes have `class: None`).
pub fn read_objects<R: BufRead>(
    mut reader: R,
    mut each: impl FnMut(LintObject),
) -> Result<u64, ReadError> {
    let mut builder = Builder::default();
    let mut logical = String::new();
    let mut logical_start = 0u64;
    let mut buf = Vec::with_capacity(256);
    let mut number = 0u64;
    let mut count = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(ReadError::Io)?;
        let eof = n == 0;
        if !eof {
            number += 1;
        }
        while buf.last().is_some_and(|c| *c == b'\n' || *c == b'\r') {
            buf.pop();
        }
        if number == 1 && (buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF])) {
            return Err(ReadError::Parse {
                line: number,
                message: "the file is UTF-16 (ldifde -u); export it again without -u, or convert it to UTF-8".to_owned(),
            });
        }
        let line = std::str::from_utf8(&buf).map_err(|_| ReadError::Parse {
            line: number,
            message: "not UTF-8".to_owned(),
        })?;
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if let Some(cont) = line.strip_prefix(' ') {
            if logical.is_empty() {
                return Err(ReadError::Parse {
                    line: number,
                    message: "a continuation line with nothing to continue".to_owned(),
                });
            }
            logical.push_str(cont);
            continue;
        }
        if !logical.is_empty() {
            logical_line(&mut builder, &logical, logical_start)?;
            logical.clear();
        }
        if eof || line.is_empty() {
            if builder.started {
                let done = std::mem::take(&mut builder);
                each(done.finish());
                count += 1;
            }
            if eof {
                return Ok(count);
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        logical.push_str(line);
        logical_start = number;
    }
}
