//! An RFC 2849 LDIF reader and writer for Active Directory user exports.
//!
//! [`read_users`] reads what `ldapsearch -LLL` and `ldifde -f` write: an optional `version: 1` line,
//! comments, folded lines, `::` base64 values (binary `objectGUID` included), CRLF line ends and a UTF-8 byte
//! order mark. Attribute names are compared without regard to case. A `:<` URL value is refused with an
//! error naming the line; change records (`changetype:` other than `add`) are skipped with a warning.
//! The extra records of plain `ldapsearch` output are understood: `ref:` (search references) are skipped,
//! and a closing `result:` other than `0` (say, `4 Size limit exceeded`) is an error, because the export is
//! then incomplete.
//!
//! A record is a user when its `objectClass` values include `user` but not `computer`; a record that carries
//! no `objectClass` at all (an export that did not ask for it) is a user when it has a `userPrincipalName` or
//! a `sAMAccountName`. Only the attributes of [`OnPremUser`] are kept.
//!
//! The reader streams: it holds one block of input and the users kept, never the whole input;
//! [`read_users_each`] hands each user over as its record ends, for callers that keep less. Malformed
//! input gives an [`LdifError`] naming the line; nothing makes it panic. [`write_users`] writes LDIF that
//! reads back to the same users.

use std::borrow::Cow;
use std::fmt;
use std::hash::BuildHasher as _;
use std::io::{self, Read, Write};

use rayon::prelude::*;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use idrift_core::model::OnPremUser;

use crate::attributes::{Applied, Attr, apply, check_text};

pub mod blocks;

/// A problem in the input that did not stop the read (a skipped change record, a repeated value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdifWarning {
    /// The 1-based line where the record or value starts.
    pub line: usize,
    /// What was skipped or ignored, and why.
    pub message: String,
}

impl fmt::Display for LdifWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The users of an LDIF export and the warnings met while reading it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LdifUsers {
    /// The user records, in input order.
    pub users: Vec<OnPremUser>,
    /// Skipped change records and ignored values.
    pub warnings: Vec<LdifWarning>,
}

/// Why an LDIF input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdifError {
    /// The 1-based line where the problem is (for an I/O error, the line being read).
    pub line: usize,
    /// What was found and what was expected.
    pub message: String,
}

impl fmt::Display for LdifError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LdifError {}

/// Which attributes of each user a read keeps ([`Keep::ALL`] by default). A dropped value is still checked
/// as a kept one is (text must be UTF-8 without NUL bytes, a second value of a single-valued attribute is
/// warned about, `sAMAccountName` still makes a record without `objectClass` a user), so a read gives the
/// same errors and warnings whatever it keeps; it only allocates less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keep {
    /// Keep `sAMAccountName`.
    pub sam_account_name: bool,
    /// Keep `targetAddress`.
    pub target_address: bool,
    /// Keep `whenChanged`.
    pub when_changed: bool,
    /// Keep every `proxyAddresses` value; when false, only the first `SMTP:` value (the primary address) is
    /// kept.
    pub all_proxy_addresses: bool,
}

impl Keep {
    /// Every attribute of [`OnPremUser`].
    pub const ALL: Keep = Keep {
        sam_account_name: true,
        target_address: true,
        when_changed: true,
        all_proxy_addresses: true,
    };

    /// The bit in [`Record::dropped`] of `attr` when this read drops it.
    fn dropped_bit(self, attr: Attr) -> Option<u8> {
        match attr {
            Attr::SamAccountName if !self.sam_account_name => Some(DROPPED_SAM),
            Attr::TargetAddress if !self.target_address => Some(2),
            Attr::WhenChanged if !self.when_changed => Some(4),
            _ => None,
        }
    }
}

/// The bit of a dropped `sAMAccountName` in [`Record::dropped`].
const DROPPED_SAM: u8 = 1;

impl Default for Keep {
    fn default() -> Keep {
        Keep::ALL
    }
}

/// Reads the users of an LDIF export, streaming.
///
/// Memory grows with the users kept, not with the size of the input.
///
/// # Errors
/// [`LdifError`] naming the line: a read error, a `:<` URL value, bad base64, a continuation line with nothing
/// to continue, a record not starting with `dn:`, a GUID that is not 16 bytes, a number that is not an
/// integer, text that is not UTF-8.
pub fn read_users<R: Read>(reader: R) -> Result<LdifUsers, LdifError> {
    let mut users = Vec::new();
    let warnings = read_users_each(reader, |u| users.push(u))?;
    Ok(LdifUsers { users, warnings })
}

/// Like [`read_users`], but hands each user to `each` as soon as its block of the input is parsed instead of
/// collecting them, so a caller that keeps only some attributes, or indexes users, never holds the whole
/// list. Returns the warnings.
///
/// The input is read in blocks of whole entries ([`blocks::Blocks`]); each block is cut into parts at entry
/// boundaries that are parsed on all cores, and the users are handed over in input order, exactly as a
/// serial read would.
///
/// `each` may have been called for some users before an error is returned; discard what it collected when
/// this fails.
///
/// # Errors
/// As for [`read_users`].
pub fn read_users_each<R: Read>(
    reader: R,
    each: impl FnMut(OnPremUser),
) -> Result<Vec<LdifWarning>, LdifError> {
    read_blocks(reader, false, None, Keep::ALL, each).map_err(ReadError::into_ldif)
}

/// Why [`read_users_each_utf8`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The input is not UTF-8 text (the line of the first part holding an invalid byte): the caller decodes
    /// it (Windows-1252, say) and reads the text with [`read_users_each_slice`].
    NotUtf8 {
        /// The 1-based line where the part with the invalid byte starts.
        line: usize,
    },
    /// The input is UTF-8 and not valid LDIF.
    Ldif(LdifError),
}

impl ReadError {
    /// The error as an [`LdifError`] (input that is not UTF-8 named as such).
    fn into_ldif(self) -> LdifError {
        match self {
            ReadError::NotUtf8 { line } => err(line, "text that is not UTF-8"),
            ReadError::Ldif(e) => e,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotUtf8 { line } => write!(f, "line {line}: text that is not UTF-8"),
            ReadError::Ldif(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

/// [`read_users_each`] for input that should be UTF-8 text: every byte is checked (on all cores, with the
/// parse), and input that is not UTF-8 stops the read with [`ReadError::NotUtf8`], so a caller can stream
/// UTF-8 files and decode only the others. `each` may have been called for some users before an error;
/// discard what it collected then.
///
/// `anchor` names a custom source anchor attribute (such as `employeeID`): its first value is kept in each
/// user's `custom_anchor`, as Entra Connect encodes it ([`crate::attributes::anchor_value`]). `keep` says
/// which attributes each user keeps.
///
/// # Errors
/// [`ReadError::NotUtf8`], or [`ReadError::Ldif`] as for [`read_users`].
pub fn read_users_each_utf8<R: Read>(
    reader: R,
    anchor: Option<&str>,
    keep: Keep,
    each: impl FnMut(OnPremUser),
) -> Result<Vec<LdifWarning>, ReadError> {
    read_blocks(reader, true, anchor, keep, each)
}

/// [`read_users_each`] on input held in memory (decoded text, say): the bytes are cut into parts where
/// they are, without the copy into blocks a [`Read`] needs. `anchor` and `keep` are as for
/// [`read_users_each_utf8`].
///
/// # Errors
/// As for [`read_users`].
pub fn read_users_each_slice(
    bytes: &[u8],
    anchor: Option<&str>,
    keep: Keep,
    mut each: impl FnMut(OnPremUser),
) -> Result<Vec<LdifWarning>, LdifError> {
    let mut state = ReadState::new(anchor, keep);
    let parts = blocks::split(bytes, PART, true);
    // A block's worth of parts at a time: the parsed records wait for their turn only that long.
    for (i, group) in parts.chunks(blocks::BLOCK / PART).enumerate() {
        state
            .run(group, i == 0, false, &mut each)
            .map_err(ReadError::into_ldif)?;
    }
    Ok(state.warnings)
}

fn read_blocks<R: Read>(
    reader: R,
    check_utf8: bool,
    anchor: Option<&str>,
    keep: Keep,
    mut each: impl FnMut(OnPremUser),
) -> Result<Vec<LdifWarning>, ReadError> {
    let mut blocks = blocks::Blocks::new(reader);
    let mut state = ReadState::new(anchor, keep);
    loop {
        let block = blocks.next_block().map_err(|e| {
            ReadError::Ldif(LdifError {
                line: state.line_base + 1,
                message: if e.kind() == io::ErrorKind::InvalidData {
                    e.to_string()
                } else {
                    format!("read error: {e}")
                },
            })
        })?;
        let Some(block) = block else {
            break;
        };
        let parts = blocks::split(block.bytes, PART, block.first);
        state.run(&parts, block.first, check_utf8, &mut each)?;
    }
    Ok(state.warnings)
}

/// What a read carries from one group of parts to the next.
#[derive(Default)]
struct ReadState {
    seen_dns: SeenDns,
    hashers: DnHashers,
    warnings: Vec<LdifWarning>,
    /// The number of lines before the current part.
    line_base: usize,
    /// The custom source anchor attribute to keep, if any.
    anchor: Option<Box<str>>,
    /// The attributes each user keeps.
    keep: Keep,
}

impl ReadState {
    fn new(anchor: Option<&str>, keep: Keep) -> ReadState {
        ReadState {
            anchor: anchor
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(Box::from),
            keep,
            ..ReadState::default()
        }
    }

    /// Parses `parts` (consecutive, whole entries; the start of the input when `first`) on all cores and
    /// hands their users to `each` in input order, exactly as a serial read would.
    fn run(
        &mut self,
        parts: &[&[u8]],
        first: bool,
        check_utf8: bool,
        each: &mut impl FnMut(OnPremUser),
    ) -> Result<(), ReadError> {
        let results: Vec<Part> = parts
            .par_iter()
            .enumerate()
            .map(|(i, bytes)| {
                if check_utf8 && std::str::from_utf8(bytes).is_err() {
                    return Part::not_utf8(bytes);
                }
                parse_part(
                    bytes,
                    first && i == 0,
                    self.anchor.as_deref(),
                    self.keep,
                    &self.hashers,
                )
            })
            .collect();
        for part in results {
            if part.not_utf8 {
                return Err(ReadError::NotUtf8 {
                    line: self.line_base + 1,
                });
            }
            for r in part.records {
                let dn = match &r.object {
                    Object::User(u) => u.distinguished_name.as_str(),
                    Object::Other(dn) => dn,
                };
                self.seen_dns
                    .check(r.dn_key, self.line_base + r.line, dn)
                    .map_err(ReadError::Ldif)?;
                if let Object::User(user) = r.object {
                    each(user);
                }
            }
            let base = self.line_base;
            self.warnings.extend(part.warnings.into_iter().map(|mut w| {
                w.line += base;
                w
            }));
            if let Some(mut e) = part.error {
                e.line += base;
                return Err(ReadError::Ldif(e));
            }
            self.line_base += part.lines;
        }
        Ok(())
    }
}

/// The size of the parts a block is cut into for the threads.
const PART: usize = 256 << 10;

/// The identity of a DN in the duplicate check: two independently seeded 64-bit hashes of the DN lower-cased
/// ([`DnHashers::key`]), computed where the record is parsed, on the part's thread.
///
/// A table of these instead of the lower-cased DNs saves a string per object (about 100 MB at a million
/// users) and the serial insert never reads a string. Two different DNs share a key with a probability of
/// about n²/2¹²⁹ (10⁻²⁷ for a million objects) and the seeds are random per read, so no export can aim at
/// it; a clash would be refused loudly as a duplicate naming both lines, never let through.
type DnKey = [u64; 2];

/// The two hash functions of [`DnKey`], seeded once per read and shared by its parts.
#[derive(Clone, Default)]
struct DnHashers([foldhash::fast::RandomState; 2]);

impl DnHashers {
    /// The key of `dn` (compared without regard to case, as `str::to_lowercase` folds it); `scratch` holds
    /// the lower-cased text, so an ASCII DN costs no allocation.
    fn key(&self, dn: &str, scratch: &mut String) -> DnKey {
        scratch.clear();
        if dn.is_ascii() {
            scratch.extend(dn.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            scratch.push_str(&dn.to_lowercase());
        }
        let text = scratch.as_str();
        [self.0[0].hash_one(text), self.0[1].hash_one(text)]
    }
}

/// The DN key of every content record read so far, with its line.
#[derive(Default)]
struct SeenDns(hashbrown::HashTable<(DnKey, usize)>);

impl SeenDns {
    fn check(&mut self, key: DnKey, line: usize, dn: &str) -> Result<(), LdifError> {
        match self.0.entry(key[0], |(k, _)| *k == key, |(k, _)| k[0]) {
            hashbrown::hash_table::Entry::Occupied(first) => Err(err(
                line,
                format!(
                    "duplicate DN {dn:?} (first at line {}): one entry per object",
                    first.get().1
                ),
            )),
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert((key, line));
                Ok(())
            }
        }
    }
}

/// A content record of a part: its line, its DN's key, and the user or the DN of another object.
struct PartRecord {
    line: usize,
    dn_key: DnKey,
    object: Object,
}

#[expect(
    clippy::large_enum_variant,
    reason = "nearly every record is a user; boxing would add an allocation to each"
)]
enum Object {
    User(OnPremUser),
    /// The DN of a record that is not a user.
    Other(Box<str>),
}

/// What one part of the input gave, with line numbers counted from the part's first line.
struct Part {
    records: Vec<PartRecord>,
    warnings: Vec<LdifWarning>,
    /// The first error; the records before it are in `records`.
    error: Option<LdifError>,
    /// The lines the part spans (its `\n` count).
    lines: usize,
    /// The part is not UTF-8 text (it was not parsed).
    not_utf8: bool,
}

impl Part {
    fn not_utf8(bytes: &[u8]) -> Part {
        Part {
            records: Vec::new(),
            warnings: Vec::new(),
            error: None,
            lines: blocks::newlines(bytes),
            not_utf8: true,
        }
    }
}

/// Parses one part: whole entries, the start of the input when `first`.
fn parse_part(
    bytes: &[u8],
    first: bool,
    anchor: Option<&str>,
    keep: Keep,
    hashers: &DnHashers,
) -> Part {
    let mut lines = SliceLines::new(bytes, first);
    let mut parser = Parser {
        anchor,
        keep,
        hashers: hashers.clone(),
        // A user takes a few hundred bytes of LDIF at the least: the records rarely outgrow this.
        records: Vec::with_capacity(bytes.len() / 400 + 1),
        ..Parser::default()
    };
    let mut error = None;
    loop {
        match lines.next_line() {
            Ok(Some((line_no, line))) => {
                if let Err(e) = parser.line(line_no, &line) {
                    error = Some(e);
                    break;
                }
            }
            Ok(None) => {
                if let Err(e) = parser.finish() {
                    error = Some(e);
                }
                break;
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    Part {
        records: parser.records,
        warnings: parser.warnings,
        error,
        lines: blocks::newlines(bytes),
        not_utf8: false,
    }
}

/// Reads the users of an LDIF export held in memory.
///
/// # Errors
/// As for [`read_users`].
pub fn parse_users(text: &str) -> Result<LdifUsers, LdifError> {
    let mut users = Vec::new();
    let warnings = read_users_each_slice(text.as_bytes(), None, Keep::ALL, |u| users.push(u))?;
    Ok(LdifUsers { users, warnings })
}

/// Writes `users` as LDIF (`version: 1`, one `user` record each) that [`read_users`] reads back to the same
/// users. Binary GUIDs and values that are not safe LDIF strings are base64-encoded; lines are not folded.
///
/// # Errors
/// The writer's I/O errors; [`io::ErrorKind::InvalidData`] for a text value holding a NUL byte.
pub fn write_users<W: Write>(w: W, users: &[OnPremUser]) -> io::Result<()> {
    write_users_anchored(w, users, None)
}

/// [`write_users`], also writing each user's `custom_anchor` as the attribute `anchor` (a custom source
/// anchor such as `employeeID`), so that reading the file with that anchor gives the same values: a binary
/// attribute's base64 value as its bytes, any other as the text. An attribute the writer writes anyway
/// (`mail`, `userPrincipalName`, ...) is not written twice.
///
/// # Errors
/// As for [`write_users`].
pub fn write_users_anchored<W: Write>(
    w: W,
    users: &[OnPremUser],
    anchor: Option<&str>,
) -> io::Result<()> {
    let anchor = anchor.filter(|a| Attr::from_name(a.as_bytes()).is_none());
    let mut w = io::BufWriter::with_capacity(1 << 16, w);
    w.write_all(b"version: 1\n")?;
    for u in users {
        w.write_all(b"\n")?;
        write_value(&mut w, "dn", u.distinguished_name.as_bytes())?;
        for class in ["top", "person", "organizationalPerson", "user"] {
            write_value(&mut w, "objectClass", class.as_bytes())?;
        }
        let guids = [
            (Attr::ObjectGuid, u.object_guid),
            (Attr::ConsistencyGuid, u.consistency_guid),
            (Attr::MailboxGuid, u.mailbox_guid),
        ];
        for (attr, guid) in guids {
            if let Some(g) = guid {
                write_base64(&mut w, attr.ldap_name(), &g.to_bytes_le())?;
            }
        }
        let texts = [
            (Attr::SamAccountName, &u.sam_account_name),
            (Attr::UserPrincipalName, &u.user_principal_name),
            (Attr::Mail, &u.mail),
            (Attr::TargetAddress, &u.target_address),
            (Attr::Mobile, &u.mobile),
            (Attr::WhenChanged, &u.when_changed),
        ];
        for (attr, value) in texts {
            if let Some(v) = value {
                write_value(&mut w, attr.ldap_name(), v.as_bytes())?;
            }
        }
        for v in &u.proxy_addresses {
            write_value(&mut w, Attr::ProxyAddresses.ldap_name(), v.as_bytes())?;
        }
        for v in &u.other_mobile {
            write_value(&mut w, Attr::OtherMobile.ldap_name(), v.as_bytes())?;
        }
        if let Some(n) = u.recipient_type_details {
            writeln!(w, "{}: {n}", Attr::RecipientTypeDetails.ldap_name())?;
        }
        if let Some(n) = u.remote_recipient_type {
            writeln!(w, "{}: {n}", Attr::RemoteRecipientType.ldap_name())?;
        }
        if let Some(n) = u.recipient_display_type {
            writeln!(w, "{}: {n}", Attr::RecipientDisplayType.ldap_name())?;
        }
        if u.critical_system_object {
            writeln!(w, "{}: TRUE", Attr::CriticalSystemObject.ldap_name())?;
        }
        if let (Some(name), Some(value)) = (anchor, &u.custom_anchor) {
            write_anchor(&mut w, name, value)?;
        }
    }
    w.flush()
}

/// RFC 2849 SAFE-STRING: no NUL, LF or CR, ASCII only, not starting with space, `:` or `<`, and (so that
/// readers that trim keep it) not ending with a space.
pub(crate) fn is_safe_string(v: &[u8]) -> bool {
    match (v.first(), v.last()) {
        (None, _) => true,
        (Some(b' ' | b':' | b'<'), _) | (_, Some(b' ')) => false,
        _ => v
            .iter()
            .all(|&b| b != 0 && b != b'\n' && b != b'\r' && b < 0x80),
    }
}

fn write_value<W: Write>(w: &mut W, name: &str, value: &[u8]) -> io::Result<()> {
    if value.contains(&0) {
        // The reader refuses a NUL; the writer does too, so no NUL reaches a file another tool imports.
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "refusing to write a NUL byte (U+0000) in the value of `{name}`: no directory text value may hold one"
            ),
        ));
    }
    if !is_safe_string(value) {
        return write_base64(w, name, value);
    }
    w.write_all(name.as_bytes())?;
    if value.is_empty() {
        return w.write_all(b":\n");
    }
    w.write_all(b": ")?;
    w.write_all(value)?;
    w.write_all(b"\n")
}

/// A custom anchor value as the reader kept it: a binary attribute's base64 back to its bytes.
fn write_anchor<W: Write>(w: &mut W, name: &str, value: &str) -> io::Result<()> {
    if crate::attributes::is_binary_anchor(name)
        && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(value)
    {
        return write_base64(w, name, &bytes);
    }
    write_value(w, name, value.as_bytes())
}

fn write_base64<W: Write>(w: &mut W, name: &str, value: &[u8]) -> io::Result<()> {
    w.write_all(name.as_bytes())?;
    w.write_all(b":: ")?;
    w.write_all(
        base64::engine::general_purpose::STANDARD
            .encode(value)
            .as_bytes(),
    )?;
    w.write_all(b"\n")
}

/// Base64 as LDIF writers produce it: the standard alphabet, padding optional.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The longest logical line accepted (a folded value included): far above any AD attribute value.
const MAX_LINE: usize = 64 << 20;

/// A logical line and the number of its first physical line.
type Logical<'a> = (usize, Cow<'a, [u8]>);

/// Splits a part of the input into logical lines: CR stripped, folded lines joined, BOM skipped (at the
/// start of the input).
struct SliceLines<'a> {
    bytes: &'a [u8],
    /// The start of the next physical line.
    pos: usize,
    /// The 1-based number of the physical line at `pos`.
    line_no: usize,
}

fn strip_cr(line: &[u8]) -> &[u8] {
    match line.split_last() {
        Some((b'\r', rest)) => rest,
        _ => line,
    }
}

impl<'a> SliceLines<'a> {
    fn new(bytes: &'a [u8], first: bool) -> SliceLines<'a> {
        let pos = if first && bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        SliceLines {
            bytes,
            pos,
            line_no: 1,
        }
    }

    /// The end (exclusive, before `\n`) of the physical line at `pos`.
    fn physical_line(&self) -> Result<usize, LdifError> {
        let rest = &self.bytes[self.pos..];
        let end = memchr::memchr(b'\n', rest).map_or(self.bytes.len(), |i| self.pos + i);
        if end - self.pos > MAX_LINE + 1 {
            return Err(err(
                self.line_no,
                format!("line longer than {} MiB", MAX_LINE >> 20),
            ));
        }
        Ok(end)
    }

    /// Advances past the physical line ending at `line_end`.
    fn advance(&mut self, line_end: usize) {
        self.pos = (line_end + 1).min(self.bytes.len());
        self.line_no += 1;
    }

    fn next_starts_with_space(&self) -> bool {
        self.bytes.get(self.pos) == Some(&b' ')
    }

    /// The next logical line and the number of its first physical line, or `None` at the end.
    fn next_line(&mut self) -> Result<Option<Logical<'a>>, LdifError> {
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let line_end = self.physical_line()?;
        let first_no = self.line_no;
        let bytes = self.bytes;
        if bytes[self.pos..line_end].first() == Some(&b' ') {
            return Err(err(
                first_no,
                "a continuation line (starting with a space) has no line to continue",
            ));
        }
        let line = strip_cr(&bytes[self.pos..line_end]);
        self.advance(line_end);
        if !self.next_starts_with_space() {
            return Ok(Some((first_no, Cow::Borrowed(line))));
        }
        if line.is_empty() {
            return Err(err(
                self.line_no,
                "a continuation line (starting with a space) follows an empty line",
            ));
        }
        let mut joined = line.to_vec();
        while self.next_starts_with_space() {
            let line_end = self.physical_line()?;
            let part = strip_cr(&bytes[self.pos + 1..line_end.max(self.pos + 1)]);
            if joined.len() + part.len() > MAX_LINE {
                return Err(err(
                    first_no,
                    format!("folded line longer than {} MiB", MAX_LINE >> 20),
                ));
            }
            joined.extend_from_slice(part);
            self.advance(line_end);
        }
        Ok(Some((first_no, Cow::Owned(joined))))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the first record: a `version:` line may come.
    Start,
    /// Between records: the next non-comment line must be `dn:`.
    Between,
    /// In a content record.
    Record,
    /// In a change record or search reference being skipped.
    Skip,
    /// In the `search:`/`result:` record plain `ldapsearch` ends with.
    Trailer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueKind {
    Plain,
    Base64,
    Url,
}

#[derive(Default)]
struct Record {
    user: OnPremUser,
    line: usize,
    /// Still in the record header (`dn:`, `control:`, `changetype:`).
    header: bool,
    has_object_class: bool,
    class_user: bool,
    class_computer: bool,
    /// The attributes met that the read drops ([`Keep::dropped_bit`]).
    dropped: u8,
}

struct Parser<'a> {
    /// The custom source anchor attribute to keep, if any.
    anchor: Option<&'a str>,
    /// The attributes each user keeps.
    keep: Keep,
    state: State,
    rec: Record,
    scratch: Vec<u8>,
    /// The hash functions of the DN keys (the read's, shared by its parts).
    hashers: DnHashers,
    /// The lower-cased DN of the record being ended.
    dn_scratch: String,
    /// The content records ended so far.
    records: Vec<PartRecord>,
    warnings: Vec<LdifWarning>,
}

impl Default for Parser<'_> {
    fn default() -> Self {
        Parser {
            anchor: None,
            keep: Keep::ALL,
            state: State::Start,
            rec: Record::default(),
            scratch: Vec::new(),
            hashers: DnHashers::default(),
            dn_scratch: String::new(),
            records: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// A NUL byte in a text value: refused, so that it never reaches a write.
fn nul_error(line: usize, name: &[u8]) -> LdifError {
    err(
        line,
        format!(
            "the value of `{}` contains a NUL byte (U+0000), which no directory text value may hold",
            show(name)
        ),
    )
}

fn err(line: usize, message: impl Into<String>) -> LdifError {
    LdifError {
        line,
        message: message.into(),
    }
}

/// The value of a line: the text itself, or the base64 decoded into `scratch`.
fn decode<'a>(
    scratch: &'a mut Vec<u8>,
    line_no: usize,
    kind: ValueKind,
    raw: &'a [u8],
) -> Result<Cow<'a, [u8]>, LdifError> {
    match kind {
        ValueKind::Plain => Ok(Cow::Borrowed(raw)),
        ValueKind::Base64 => {
            scratch.clear();
            BASE64
                .decode_vec(raw.trim_ascii_end(), scratch)
                .map_err(|e| err(line_no, format!("bad base64 value ({e})")))?;
            Ok(Cow::Borrowed(scratch))
        }
        ValueKind::Url => Err(err(line_no, "URL values (`:<`) are not supported")),
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b';' || b == b'.'
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(60)]).into_owned()
}

impl Parser<'_> {
    fn line(&mut self, line_no: usize, line: &[u8]) -> Result<(), LdifError> {
        if line.is_empty() {
            match self.state {
                State::Record => self.end_record()?,
                State::Skip | State::Trailer => self.state = State::Between,
                State::Start | State::Between => {}
            }
            return Ok(());
        }
        if line[0] == b'#' {
            return Ok(());
        }
        if self.state == State::Skip {
            return Ok(());
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            return Err(err(
                line_no,
                format!("expected `attribute: value`, found {:?}", show(line)),
            ));
        };
        let full_name = &line[..colon];
        if full_name.is_empty() || !full_name.iter().all(|&b| is_name_byte(b)) {
            return Err(err(
                line_no,
                format!("invalid attribute name {:?}", show(full_name)),
            ));
        }
        let name = match memchr::memchr(b';', full_name) {
            Some(i) => &full_name[..i],
            None => full_name,
        };
        let mut rest = &line[colon + 1..];
        let kind = match rest.first() {
            Some(b':') => {
                rest = &rest[1..];
                ValueKind::Base64
            }
            Some(b'<') => ValueKind::Url,
            _ => ValueKind::Plain,
        };
        if kind == ValueKind::Url {
            return Err(err(
                line_no,
                format!(
                    "`{}:<` takes its value from a URL, which is not supported; export the value inline",
                    show(full_name)
                ),
            ));
        }
        while let Some((b' ', r)) = rest.split_first() {
            rest = r;
        }
        let raw = rest;
        if kind == ValueKind::Plain && memchr::memchr(0, raw).is_some() {
            return Err(nul_error(line_no, full_name));
        }

        match self.state {
            State::Start if name.eq_ignore_ascii_case(b"version") => {
                let v = decode(&mut self.scratch, line_no, kind, raw)?;
                if v.as_ref() != b"1" {
                    return Err(err(
                        line_no,
                        format!("unsupported LDIF version {:?} (expected 1)", show(&v)),
                    ));
                }
                self.state = State::Between;
                Ok(())
            }
            State::Start | State::Between | State::Trailer
                if self.state == State::Trailer
                    || name.eq_ignore_ascii_case(b"search")
                    || name.eq_ignore_ascii_case(b"result")
                    || name.eq_ignore_ascii_case(b"ref") =>
            {
                // Plain `ldapsearch` output: `ref:` records (search references) and the closing
                // `search:`/`result:` record. A failed search means the export is incomplete.
                if name.eq_ignore_ascii_case(b"ref") {
                    self.state = State::Skip;
                    return Ok(());
                }
                self.state = State::Trailer;
                if name.eq_ignore_ascii_case(b"result") {
                    let v = decode(&mut self.scratch, line_no, kind, raw)?;
                    let code = v.split(|&b| b == b' ').next().unwrap_or_default();
                    if code != b"0" {
                        return Err(err(
                            line_no,
                            format!(
                                "the export records a failed search ({:?}): it is incomplete",
                                show(&v)
                            ),
                        ));
                    }
                }
                Ok(())
            }
            State::Start | State::Between => {
                if !name.eq_ignore_ascii_case(b"dn") {
                    return Err(err(
                        line_no,
                        format!(
                            "expected `dn:` to start a record, found `{}:`",
                            show(full_name)
                        ),
                    ));
                }
                let dn = decode(&mut self.scratch, line_no, kind, raw)?;
                if dn.contains(&0) {
                    return Err(nul_error(line_no, full_name));
                }
                let dn = String::from_utf8(dn.into_owned())
                    .map_err(|_| err(line_no, "the DN must be UTF-8 text"))?;
                self.rec = Record {
                    user: OnPremUser {
                        distinguished_name: dn,
                        ..OnPremUser::default()
                    },
                    line: line_no,
                    header: true,
                    ..Record::default()
                };
                self.state = State::Record;
                Ok(())
            }
            State::Skip => Ok(()),
            State::Trailer => Ok(()),
            State::Record => self.attribute(line_no, name, kind, raw),
        }
    }

    fn attribute(
        &mut self,
        line_no: usize,
        name: &[u8],
        kind: ValueKind,
        raw: &[u8],
    ) -> Result<(), LdifError> {
        if self.rec.header {
            if name.eq_ignore_ascii_case(b"control") {
                return Ok(());
            }
            if name.eq_ignore_ascii_case(b"changetype") {
                let v = decode(&mut self.scratch, line_no, kind, raw)?;
                if v.eq_ignore_ascii_case(b"add") {
                    return Ok(());
                }
                let message = format!(
                    "change record (changetype: {}) for {:?} skipped",
                    show(&v),
                    self.rec.user.distinguished_name
                );
                self.warnings.push(LdifWarning {
                    line: self.rec.line,
                    message,
                });
                self.state = State::Skip;
                return Ok(());
            }
            self.rec.header = false;
        }
        if name.eq_ignore_ascii_case(b"dn") {
            return Err(err(
                line_no,
                "a second `dn:` in one record (records are separated by an empty line)",
            ));
        }
        if name.eq_ignore_ascii_case(b"changetype") {
            return Err(err(
                line_no,
                "`changetype:` must directly follow the `dn:` line",
            ));
        }
        if name.eq_ignore_ascii_case(b"objectclass") {
            let v = decode(&mut self.scratch, line_no, kind, raw)?;
            self.rec.has_object_class = true;
            let v = v.trim_ascii();
            if v.eq_ignore_ascii_case(b"user") {
                self.rec.class_user = true;
            } else if v.eq_ignore_ascii_case(b"computer") {
                self.rec.class_computer = true;
            }
            return Ok(());
        }
        if let Some(a) = self.anchor
            && name.eq_ignore_ascii_case(a.as_bytes())
            && self.rec.user.custom_anchor.is_none()
        {
            let value = decode(&mut self.scratch, line_no, kind, raw)?;
            self.rec.user.custom_anchor = crate::attributes::anchor_value(a, &value);
        }
        let Some(attr) = Attr::from_name(name) else {
            if kind == ValueKind::Base64 {
                // Not kept, but still checked: bad base64 anywhere is a broken export.
                decode(&mut self.scratch, line_no, kind, raw)?;
            }
            return Ok(());
        };
        let value = decode(&mut self.scratch, line_no, kind, raw)?;
        let binary = matches!(
            attr,
            Attr::ObjectGuid | Attr::ConsistencyGuid | Attr::MailboxGuid
        );
        if !binary && value.contains(&0) {
            return Err(nul_error(line_no, name));
        }
        let applied = if let Some(bit) = self.keep.dropped_bit(attr) {
            check_text(attr, &value).map(|()| {
                let first = self.rec.dropped & bit == 0;
                self.rec.dropped |= bit;
                if first {
                    Applied::Stored
                } else {
                    Applied::Repeated
                }
            })
        } else if attr == Attr::ProxyAddresses
            && !self.keep.all_proxy_addresses
            && !(value.starts_with(b"SMTP:") && self.rec.user.proxy_addresses.is_empty())
        {
            // Only the first `SMTP:` value is kept, so the list is empty until it comes.
            check_text(attr, &value).map(|()| Applied::Stored)
        } else {
            apply(&mut self.rec.user, attr, value)
        };
        match applied {
            Ok(Applied::Stored) => Ok(()),
            Ok(Applied::Repeated) => {
                let message = format!(
                    "{} has a second value in {:?}; the first one is kept",
                    attr.ldap_name(),
                    self.rec.user.distinguished_name
                );
                self.warnings.push(LdifWarning {
                    line: line_no,
                    message,
                });
                Ok(())
            }
            Err(message) => Err(err(line_no, message)),
        }
    }

    fn end_record(&mut self) -> Result<(), LdifError> {
        self.state = State::Between;
        let mut rec = std::mem::take(&mut self.rec);
        let dn_key = self
            .hashers
            .key(&rec.user.distinguished_name, &mut self.dn_scratch);
        let is_user = if rec.has_object_class {
            rec.class_user && !rec.class_computer
        } else {
            rec.user.user_principal_name.is_some()
                || rec.user.sam_account_name.is_some()
                || rec.dropped & DROPPED_SAM != 0
        };
        let object = if is_user {
            // Values were pushed one at a time; a million users should not keep the spare capacity.
            rec.user.proxy_addresses.shrink_to_fit();
            rec.user.other_mobile.shrink_to_fit();
            Object::User(rec.user)
        } else {
            Object::Other(rec.user.distinguished_name.into())
        };
        self.records.push(PartRecord {
            line: rec.line,
            dn_key,
            object,
        });
        Ok(())
    }

    fn finish(&mut self) -> Result<(), LdifError> {
        if self.state == State::Record {
            self.end_record()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
