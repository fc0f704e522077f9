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

/// One entry being assembled. One builder reads every entry of a part: [`Builder::reset`] keeps the
/// strings of the entry before for the next one, so reading an entry allocates nothing once the first few
/// entries of the part are read.
#[derive(Default)]
struct Builder {
    object: LintObject,
    classes: Classes,
    has_cn: bool,
    started: bool,
    /// Strings of earlier entries, cleared, for the values of the next ones.
    spare: Vec<String>,
}

impl Builder {
    /// Completes the entry: its class, and its cn from the DN when it had none.
    fn finish(&mut self) {
        self.object.class = self.classes.class();
        if !self.has_cn {
            first_rdn_value(&self.object.dn, &mut self.object.cn);
        }
    }

    /// Empties the builder for the next entry, keeping the strings for its values.
    fn reset(&mut self) {
        let o = &mut self.object;
        o.dn.clear();
        o.cn.clear();
        for slot in [
            &mut o.upn,
            &mut o.mail,
            &mut o.mail_nickname,
            &mut o.target_address,
            &mut o.sam_account_name,
            &mut o.display_name,
            &mut o.consistency_guid,
        ] {
            if let Some(s) = slot.take() {
                self.spare.push(s);
            }
        }
        self.spare.append(&mut o.proxy_addresses);
        let (dn, cn, proxies) = (
            std::mem::take(&mut o.dn),
            std::mem::take(&mut o.cn),
            std::mem::take(&mut o.proxy_addresses),
        );
        *o = LintObject {
            dn,
            cn,
            proxy_addresses: proxies,
            ..LintObject::default()
        };
        self.classes = Classes::default();
        self.has_cn = false;
        self.started = false;
    }
}

/// A string for a value: a spare one of an earlier entry, or a new one.
fn spare_string(spare: &mut Vec<String>) -> String {
    spare.pop().unwrap_or_default()
}

/// Sets `slot` to `raw` as text (invalid UTF-8 replaced), reusing its buffer.
fn put(slot: &mut String, raw: &[u8]) {
    slot.clear();
    match std::str::from_utf8(raw) {
        Ok(s) => slot.push_str(s),
        Err(_) => slot.push_str(&String::from_utf8_lossy(raw)),
    }
}

/// Sets an optional attribute to `raw` as text, with its buffer or a spare one.
fn set(slot: &mut Option<String>, raw: &[u8], spare: &mut Vec<String>) {
    let mut s = slot.take().unwrap_or_else(|| spare_string(spare));
    put(&mut s, raw);
    *slot = Some(s);
}

/// The value of a DN's first RDN (`CN=Ann Smith,OU=...` gives `Ann Smith`), unescaping `\,`, into `out`.
fn first_rdn_value(dn: &str, out: &mut String) {
    out.clear();
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
}

fn is_true(v: &[u8]) -> bool {
    v.eq_ignore_ascii_case(b"TRUE")
}

fn number(v: &[u8]) -> Option<i64> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

/// Sets `slot` to the lower-case hex of `v`, with its buffer or a spare one.
fn set_hex(slot: &mut Option<String>, v: &[u8], spare: &mut Vec<String>) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = slot.take().unwrap_or_else(|| spare_string(spare));
    s.clear();
    for b in v {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    *slot = Some(s);
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
    let first = base.as_bytes().first()?.to_ascii_lowercase();
    ATTRS
        .iter()
        .find(|(n, _)| {
            n.len() == base.len()
                && n.as_bytes().first() == Some(&first)
                && n.eq_ignore_ascii_case(base)
        })
        .map(|(_, a)| *a)
}

/// Applies one attribute value to the entry. `raw` is the value after base64 decoding; only the attributes
/// kept as text are copied.
fn apply(b: &mut Builder, attr: Attr, raw: &[u8]) {
    let o = &mut b.object;
    let spare = &mut b.spare;
    match attr {
        Attr::Dn => put(&mut o.dn, raw),
        Attr::Cn => {
            put(&mut o.cn, raw);
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
        Attr::Upn => set(&mut o.upn, raw, spare),
        Attr::Mail => set(&mut o.mail, raw, spare),
        Attr::MailNickname => set(&mut o.mail_nickname, raw, spare),
        Attr::ProxyAddresses => {
            let mut s = spare_string(spare);
            put(&mut s, raw);
            o.proxy_addresses.push(s);
        }
        Attr::TargetAddress => set(&mut o.target_address, raw, spare),
        Attr::SamAccountName => set(&mut o.sam_account_name, raw, spare),
        Attr::DisplayName => set(&mut o.display_name, raw, spare),
        Attr::CriticalSystemObject => o.critical_system_object = is_true(raw),
        Attr::HideFromAddressLists => o.hidden_from_address_lists = is_true(raw),
        Attr::RecipientTypeDetails => o.recipient_type_details = number(raw),
        Attr::GroupType => o.group_type = number(raw),
        Attr::HomeMdb => o.has_home_mdb = true,
        Attr::UserCertificate => o.user_certificates += 1,
        Attr::SmimeCertificate => o.smime_certificates += 1,
        Attr::ThumbnailPhoto => o.thumbnail_photo_bytes = raw.len(),
        Attr::ConsistencyGuid => set_hex(&mut o.consistency_guid, raw, spare),
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
    b.finish();
    b.object
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
pub fn read_objects<R: Read>(
    reader: R,
    mut each: impl FnMut(LintObject) + Send,
) -> Result<u64, ReadError> {
    read_runs(
        reader,
        |_| Vec::new(),
        |run: &mut Vec<LintObject>, o: &LintObject| run.push(o.clone()),
        |run| run.into_iter().for_each(&mut each),
    )
}

/// The message of a line that is not UTF-8 (the caller may then decode the file another way).
pub(super) const NOT_UTF8: &str = "not UTF-8";

/// The size of the parts a block of the input is cut into for the threads.
const PART: usize = 256 << 10;

/// Reads every entry of `reader` in blocks of whole entries and parses the parts of each block on all cores,
/// folding the objects of each part into a run (made by `new_run` for the part's size in bytes) with `add`
/// (on the parsing thread, which lends the object only for the call). `each` takes the runs in input order on a thread of its own, while the next block is
/// read and parsed. Returns the number of entries.
///
/// # Errors
/// As for [`read_objects`]; `each` has then been called for the runs up to the one holding the bad line
/// (which holds the entries before it).
pub(super) fn read_runs<R: Read, A: Send>(
    reader: R,
    new_run: impl Fn(usize) -> A + Sync,
    add: impl Fn(&mut A, &LintObject) + Sync,
    each: impl FnMut(A) + Send,
) -> Result<u64, ReadError> {
    // One block in flight: the one `each` takes while the next is parsed.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Part<A>>>(1);
    std::thread::scope(|scope| {
        let taker = scope.spawn(move || {
            let mut each = each;
            let mut count = 0u64;
            let mut line_base = 0u64;
            for parts in rx {
                for part in parts {
                    count += part.count;
                    each(part.run);
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
        });
        let read = (|| {
            let mut blocks = idrift_ldap::ldif::blocks::Blocks::new(reader);
            while let Some(block) = blocks.next_block().map_err(ReadError::Io)? {
                let first = block.first;
                let parts = idrift_ldap::ldif::blocks::split(block.bytes, PART, first);
                let results: Vec<Part<A>> = parts
                    .par_iter()
                    .enumerate()
                    .map(|(i, bytes)| {
                        parse_part(bytes, first && i == 0, new_run(bytes.len()), &add)
                    })
                    .collect();
                let bad = results.iter().any(|p| p.error.is_some());
                // The taker stops at a bad line and hangs up: nothing more is read.
                if tx.send(results).is_err() || bad {
                    break;
                }
            }
            Ok(())
        })();
        drop(tx);
        let taken = match taker.join() {
            Ok(taken) => taken,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // A bad line the taker reached comes first; then a read that failed after it.
        let count = taken?;
        read.map(|()| count)
    })
}

/// What one part of the input gave.
struct Part<A> {
    /// Its objects, folded.
    run: A,
    /// The entries read.
    count: u64,
    /// The first error: its line counted from the part's first line, and the message.
    error: Option<(u64, String)>,
    /// The lines the part spans.
    lines: u64,
}

/// Parses one part of the input (whole entries; the start of the input when `first`).
fn parse_part<A>(
    bytes: &[u8],
    first: bool,
    mut run: A,
    add: &impl Fn(&mut A, &LintObject),
) -> Part<A> {
    let mut count = 0u64;
    let error = parse_entries(bytes, first, &mut |o| {
        count += 1;
        add(&mut run, o);
    })
    .err();
    Part {
        run,
        count,
        error,
        lines: idrift_ldap::ldif::blocks::newlines(bytes) as u64,
    }
}

/// The entries of `bytes`, one by one; an error names its line counted from the first line of `bytes`.
fn parse_entries(
    bytes: &[u8],
    first: bool,
    each: &mut dyn FnMut(&LintObject),
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
                builder.finish();
                each(&builder.object);
                builder.reset();
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
