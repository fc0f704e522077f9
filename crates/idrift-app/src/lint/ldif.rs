//! Lint's LDIF entry reader: RFC 2849 entries (folded lines, `::` base64, CRLF, comments) mapped onto
//! [`LintObject`], keeping only the attributes the lint rules read.

use std::borrow::Cow;
use std::io::Read;

use rayon::prelude::*;

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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

/// The attributes lint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Dn,
    Cn,
    ObjectClass,
    Upn,
    Mail,
    MailNickname,
    ProxyAddresses,
    TargetAddress,
    SamAccountName,
    DisplayName,
    CriticalSystemObject,
    HideFromAddressLists,
    RecipientTypeDetails,
    GroupType,
    HomeMdb,
    UserCertificate,
    SmimeCertificate,
    ThumbnailPhoto,
    ConsistencyGuid,
}

/// The attributes lint reads, by their lower-case LDAP names.
const ATTRS: [(&str, Attr); 19] = [
    ("dn", Attr::Dn),
    ("cn", Attr::Cn),
    ("objectclass", Attr::ObjectClass),
    ("userprincipalname", Attr::Upn),
    ("mail", Attr::Mail),
    ("mailnickname", Attr::MailNickname),
    ("proxyaddresses", Attr::ProxyAddresses),
    ("targetaddress", Attr::TargetAddress),
    ("samaccountname", Attr::SamAccountName),
    ("displayname", Attr::DisplayName),
    ("iscriticalsystemobject", Attr::CriticalSystemObject),
    ("msexchhidefromaddresslists", Attr::HideFromAddressLists),
    ("msexchrecipienttypedetails", Attr::RecipientTypeDetails),
    ("grouptype", Attr::GroupType),
    ("homemdb", Attr::HomeMdb),
    ("usercertificate", Attr::UserCertificate),
    ("usersmimecertificate", Attr::SmimeCertificate),
    ("thumbnailphoto", Attr::ThumbnailPhoto),
    ("ms-ds-consistencyguid", Attr::ConsistencyGuid),
];

/// Which attribute lint reads `name` as (options such as `;binary` do not change it), if any.
fn attr_of(name: &str) -> Option<Attr> {
    let base = name.split(';').next().unwrap_or("");
    ATTRS
        .iter()
        .find(|(n, _)| n.len() == base.len() && n.eq_ignore_ascii_case(base))
        .map(|(_, a)| *a)
}

/// Applies one attribute value to the entry. `raw` is the value after base64 decoding; only the attributes
/// kept as text are copied.
fn apply(b: &mut Builder, attr: Attr, raw: &[u8]) {
    let o = &mut b.object;
    match attr {
        Attr::Dn => o.dn = text(raw),
        Attr::Cn => {
            o.cn = text(raw);
            b.has_cn = true;
        }
        Attr::ObjectClass => {
            let is = |name: &[u8]| raw.eq_ignore_ascii_case(name);
            if is(b"user") || is(b"inetorgperson") {
                b.classes.user = true;
            } else if is(b"contact") {
                b.classes.contact = true;
            } else if is(b"group") {
                b.classes.group = true;
            } else if is(b"computer") {
                b.classes.computer = true;
            }
        }
        Attr::Upn => o.upn = Some(text(raw)),
        Attr::Mail => o.mail = Some(text(raw)),
        Attr::MailNickname => o.mail_nickname = Some(text(raw)),
        Attr::ProxyAddresses => o.proxy_addresses.push(text(raw)),
        Attr::TargetAddress => o.target_address = Some(text(raw)),
        Attr::SamAccountName => o.sam_account_name = Some(text(raw)),
        Attr::DisplayName => o.display_name = Some(text(raw)),
        Attr::CriticalSystemObject => o.critical_system_object = is_true(raw),
        Attr::HideFromAddressLists => o.hidden_from_address_lists = is_true(raw),
        Attr::RecipientTypeDetails => o.recipient_type_details = number(raw),
        Attr::GroupType => o.group_type = number(raw),
        Attr::HomeMdb => o.has_home_mdb = true,
        Attr::UserCertificate => o.user_certificates += 1,
        Attr::SmimeCertificate => o.smime_certificates += 1,
        Attr::ThumbnailPhoto => o.thumbnail_photo_bytes = raw.len(),
        Attr::ConsistencyGuid => o.consistency_guid = Some(hex(raw)),
    }
}

/// The object of one entry read from a live directory: its DN and raw attribute values (`;binary` and other
/// options allowed), mapped as the LDIF reader maps them.
pub(super) fn object_of(dn: String, attrs: Vec<(String, Vec<Vec<u8>>)>) -> LintObject {
    let mut b = Builder::default();
    b.object.dn = dn;
    for (name, values) in attrs {
        let Some(attr) = attr_of(&name).filter(|a| *a != Attr::Dn) else {
            continue;
        };
        for v in values {
            apply(&mut b, attr, &v);
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
    let Some(attr) = attr_of(name) else {
        return Ok(());
    };
    if let Some(b64) = rest.strip_prefix(':') {
        let raw = STANDARD
            .decode(b64.trim())
            .map_err(|e| parse(format!("{name}: bad base64 value: {e}")))?;
        apply(b, attr, &raw);
    } else if rest.starts_with('<') {
        return Err(parse(format!(
            "{name}: URL values (`:<`) are not supported"
        )));
    } else {
        apply(b, attr, rest.strip_prefix(' ').unwrap_or(rest).as_bytes());
    }
    Ok(())
}

/// Reads every entry of `reader` and calls `each` with it (entries of other classes have `class: None`).
///
/// # Errors
/// [`ReadError::Io`] when the input cannot be read, [`ReadError::Parse`] naming the first bad line.
pub fn read_objects<R: Read>(reader: R, each: impl FnMut(LintObject)) -> Result<u64, ReadError> {
    read_objects_map(reader, |o| o, each)
}

/// The message of a line that is not UTF-8 (the caller may then decode the file another way).
pub(super) const NOT_UTF8: &str = "not UTF-8";

/// The size of the parts a block of the input is cut into for the threads.
const PART: usize = 256 << 10;

/// Reads every entry of `reader` in blocks of whole entries, parses the parts of each block and runs `map` on
/// their objects on all cores, and hands the results to `each` in input order. Returns the number of entries.
///
/// # Errors
/// As for [`read_objects`]; `each` has then been called for the entries before the bad line.
pub(super) fn read_objects_map<R: Read, T: Send>(
    reader: R,
    map: impl Fn(LintObject) -> T + Sync,
    mut each: impl FnMut(T),
) -> Result<u64, ReadError> {
    let mut blocks = idrift_ldap::ldif::blocks::Blocks::new(reader);
    let mut count = 0u64;
    let mut line_base = 0u64;
    while let Some(block) = blocks.next_block().map_err(ReadError::Io)? {
        let first = block.first;
        let parts = idrift_ldap::ldif::blocks::split(block.bytes, PART, first);
        let results: Vec<Part<T>> = parts
            .par_iter()
            .enumerate()
            .map(|(i, bytes)| parse_part(bytes, first && i == 0, &map))
            .collect();
        for part in results {
            count += part.objects.len() as u64;
            for o in part.objects {
                each(o);
            }
            if let Some((line, message)) = part.error {
                return Err(ReadError::Parse {
                    line: line_base + line,
                    message,
                });
            }
            line_base += part.lines;
        }
    }
    Ok(count)
}

/// What one part of the input gave.
struct Part<T> {
    objects: Vec<T>,
    /// The first error: its line counted from the part's first line, and the message.
    error: Option<(u64, String)>,
    /// The lines the part spans.
    lines: u64,
}

/// Parses one part of the input (whole entries; the start of the input when `first`).
fn parse_part<T>(bytes: &[u8], first: bool, map: &impl Fn(LintObject) -> T) -> Part<T> {
    let mut objects = Vec::new();
    let error = parse_entries(bytes, first, &mut |o| objects.push(map(o))).err();
    Part {
        objects,
        error,
        lines: idrift_ldap::ldif::blocks::newlines(bytes) as u64,
    }
}

/// The entries of `bytes`, one by one; an error names its line counted from the first line of `bytes`.
fn parse_entries(
    bytes: &[u8],
    first: bool,
    each: &mut dyn FnMut(LintObject),
) -> Result<(), (u64, String)> {
    let mut builder = Builder::default();
    // The logical line being read and its first line number: borrowed from `bytes` unless continued.
    let mut logical: Option<(Cow<'_, str>, u64)> = None;
    let mut number = 0u64;
    let mut rest = bytes;
    loop {
        let eof = rest.is_empty();
        let raw = match memchr::memchr(b'\n', rest) {
            Some(i) => {
                let (line, after) = rest.split_at(i + 1);
                rest = after;
                line
            }
            None => std::mem::take(&mut rest),
        };
        if !eof {
            number += 1;
        }
        let mut end = raw.len();
        while end > 0 && matches!(raw[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let buf = &raw[..end];
        if first
            && number == 1
            && (buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]))
        {
            return Err((
                number,
                "the file is UTF-16 (ldifde -u); export it again without -u, or convert it to UTF-8"
                    .to_owned(),
            ));
        }
        let line = std::str::from_utf8(buf).map_err(|_| (number, NOT_UTF8.to_owned()))?;
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if let Some(cont) = line.strip_prefix(' ') {
            let Some((text, _)) = &mut logical else {
                return Err((
                    number,
                    "a continuation line with nothing to continue".to_owned(),
                ));
            };
            text.to_mut().push_str(cont);
            continue;
        }
        if let Some((text, start)) = logical.take() {
            logical_line(&mut builder, &text, start).map_err(|e| match e {
                ReadError::Parse { line, message } => (line, message),
                ReadError::Io(e) => (start, e.to_string()),
            })?;
        }
        if eof || line.is_empty() {
            if builder.started {
                let done = std::mem::take(&mut builder);
                each(done.finish());
            }
            if eof {
                return Ok(());
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        logical = Some((Cow::Borrowed(line), number));
    }
}
