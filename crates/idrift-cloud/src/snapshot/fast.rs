//! A byte-scanning reader of one Graph user object: every property [`CloudUser`] reads ([`full_user`]), or
//! what the DirSyncOverrides comparison keeps ([`lean_user`], a [`LeanUser`]).
//!
//! serde_json reads a user at about 220 MB/s per core. This reader walks the object's bytes once: it
//! borrows the property names and classifies them as the serde reading does, skips the values it does not
//! keep with a scan that checks them as serde_json would, and copies only the strings it keeps, unescaping
//! only those holding a `\`.
//!
//! It gives a user only where it is certain to give exactly what the serde reading gives. Anything else
//! makes it answer [`Unsure`], and the caller reads that object with serde, which accepts it or names the
//! error as it always did: a property name holding an escape or a control character, a property named twice
//! (in any case), more than [`MAX_KEYS`] properties, a value of an unexpected type, PowerShell's
//! `{"value":[...]}` wrapper, `AdditionalProperties`, `@removed`, `LastDirSyncTime`, a provisioning error,
//! a license that is not a plain object or lacks its `skuId`, a number with an exponent or of unusual
//! spelling, a lone surrogate, a NUL character, nesting deeper than [`MAX_DEPTH`], the end of the input, a
//! user without an id. Text that is not UTF-8 is either refused here or by the caller's check of the whole
//! run. So this path changes how fast a user is read, never what is read or refused.

use std::borrow::Cow;

use idrift_core::model::{AssignedLicense, CloudUser};

use super::de::{Item as _, Key, ListKeep, keep_value, truncated_by_depth};
use super::users::{LeanUser, UserField, lean_keeps};

/// The most nesting skipped inside a value (serde_json's limit is 128 for the whole document).
const MAX_DEPTH: usize = 64;

/// The most properties of a user object read on this path (a larger object goes to serde).
const MAX_KEYS: usize = 64;

/// The most properties of a license object read on this path.
const MAX_LICENSE_KEYS: usize = 8;

/// This path cannot be sure of the result: serde reads the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsure;

type Scan<T> = Result<T, Unsure>;

/// Reads the user object whose `{` is at `data[pos]` for the comparison: the user and the offset just after
/// its `}`.
///
/// # Errors
/// [`Unsure`] for anything this path does not read (see the module documentation).
pub(crate) fn lean_user(data: &[u8], pos: usize) -> Scan<(LeanUser, usize)> {
    user(data, pos, false).map(|(u, end)| (LeanUser(u), end))
}

/// Reads the user object whose `{` is at `data[pos]` as [`CloudUser`]'s serde reading reads it, keeping
/// every property: the user and the offset just after its `}`.
///
/// # Errors
/// [`Unsure`] for anything this path does not read (see the module documentation).
pub(crate) fn full_user(data: &[u8], pos: usize) -> Scan<(CloudUser, usize)> {
    user(data, pos, true)
}

/// The user at `data[pos]`, with every property (`full`) or what [`LeanUser`] keeps.
fn user(data: &[u8], pos: usize, full: bool) -> Scan<(CloudUser, usize)> {
    let mut c = Cursor { d: data, i: pos };
    let mut user = CloudUser::default();
    // An object without properties has no id: serde names the error.
    c.object::<MAX_KEYS>(|c, key| {
        let name = std::str::from_utf8(key).map_err(|_| Unsure)?;
        match LeanUser::item_key(name) {
            Key::Page | Key::Ignore => c.skip(0),
            Key::Field(f) => field(c, &mut user, f, full),
        }
    })?;
    if user.id.is_empty() {
        return Err(Unsure);
    }
    Ok((user, c.i))
}

/// Reads the value of property `f` as [`CloudUser`] (`full`) or [`LeanUser`] reads it.
fn field(c: &mut Cursor<'_>, u: &mut CloudUser, f: UserField, full: bool) -> Scan<()> {
    match f {
        UserField::Id => u.id = c.opt_string()?.unwrap_or_default(),
        UserField::Upn => u.user_principal_name = c.opt_string()?,
        UserField::DisplayName if full => u.display_name = c.opt_string()?,
        UserField::DisplayName => {
            c.opt_string_checked()?;
        }
        UserField::Mail => u.mail = c.opt_string()?,
        UserField::ImmutableId => u.on_premises_immutable_id = c.opt_string()?,
        UserField::SyncEnabled => u.on_premises_sync_enabled = c.opt_bool()?,
        UserField::Mobile => u.mobile_phone = c.opt_string()?,
        UserField::AltMobile => u.alternate_mobile_phones = Some(c.list(ListKeep::All)?),
        UserField::BusinessPhones => {
            u.business_phones = c.list(lean_keeps(!full, ListKeep::Nothing))?
        }
        UserField::ProxyAddresses => {
            u.proxy_addresses = c.list(lean_keeps(!full, ListKeep::PrimarySmtp))?;
        }
        UserField::Licenses => u.assigned_licenses = c.licenses(full)?,
        UserField::OnPremErrors => {
            c.empty_list()?;
            u.on_premises_provisioning_errors = Vec::new();
        }
        UserField::ServiceErrors => {
            c.empty_list()?;
            u.service_provisioning_errors = Vec::new();
        }
        UserField::Additional | UserField::Removed | UserField::LastDirSync => {
            return Err(Unsure);
        }
    }
    Ok(())
}

/// A position in the input.
struct Cursor<'a> {
    d: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Scan<u8> {
        self.d.get(self.i).copied().ok_or(Unsure)
    }

    fn next(&mut self) -> Scan<u8> {
        let b = self.peek()?;
        self.i += 1;
        Ok(b)
    }

    /// Consumes the byte `b`; [`Unsure`] when another byte (or the end) is there.
    fn eat(&mut self, b: u8) -> Scan<()> {
        if self.next()? == b {
            Ok(())
        } else {
            Err(Unsure)
        }
    }

    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.d.get(self.i) {
            self.i += 1;
        }
    }

    /// The literal `word` (`null`, `true`, `false`).
    fn literal(&mut self, word: &[u8]) -> Scan<()> {
        let end = self.i + word.len();
        if self.d.get(self.i..end) == Some(word) {
            self.i = end;
            Ok(())
        } else {
            Err(Unsure)
        }
    }

    /// The end of the plain part of a string starting at `from`: the first `"`, `\` or control character.
    fn plain_end(&self, from: usize) -> Scan<usize> {
        let rest = self.d.get(from..).ok_or(Unsure)?;
        rest.iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .map(|n| from + n)
            .ok_or(Unsure)
    }

    /// A property name: a string without escapes or control characters, borrowed.
    fn plain_key(&mut self) -> Scan<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let end = self.plain_end(start)?;
        if self.d.get(end) != Some(&b'"') {
            return Err(Unsure);
        }
        self.i = end + 1;
        self.d.get(start..end).ok_or(Unsure)
    }

    /// The string whose `"` is at the cursor, as text: borrowed when it holds no escape.
    fn text(&mut self) -> Scan<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let mut end = self.plain_end(start)?;
        if self.d.get(end) == Some(&b'"') {
            self.i = end + 1;
            let raw = self.d.get(start..end).ok_or(Unsure)?;
            return std::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| Unsure);
        }
        let mut out = Vec::with_capacity(end - start + 8);
        let mut from = start;
        loop {
            out.extend_from_slice(self.d.get(from..end).ok_or(Unsure)?);
            match self.d.get(end) {
                Some(b'"') => {
                    self.i = end + 1;
                    break;
                }
                Some(b'\\') => {
                    self.i = end + 1;
                    self.escape(&mut out)?;
                    from = self.i;
                    end = self.plain_end(from)?;
                }
                _ => return Err(Unsure),
            }
        }
        String::from_utf8(out).map(Cow::Owned).map_err(|_| Unsure)
    }

    /// The escape after a `\` (the cursor is past the `\`), appended to `out` as UTF-8.
    fn escape(&mut self, out: &mut Vec<u8>) -> Scan<()> {
        let b = match self.next()? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let unit = self.hex4()?;
                let cp = match unit {
                    0xD800..=0xDBFF => {
                        self.literal(b"\\u")?;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Unsure);
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(Unsure),
                    u => u,
                };
                let c = char::from_u32(cp).ok_or(Unsure)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                return Ok(());
            }
            _ => return Err(Unsure),
        };
        out.push(b);
        Ok(())
    }

    fn hex4(&mut self) -> Scan<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = char::from(self.next()?).to_digit(16).ok_or(Unsure)?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// A string or `null`, refusing a NUL character, kept.
    fn opt_string(&mut self) -> Scan<Option<String>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => {
                let s = self.text()?;
                if s.contains('\0') {
                    return Err(Unsure);
                }
                Ok(Some(s.into_owned()))
            }
            _ => Err(Unsure),
        }
    }

    /// A string or `null`, refusing a NUL character, not kept.
    fn opt_string_checked(&mut self) -> Scan<()> {
        match self.peek()? {
            b'n' => self.literal(b"null"),
            b'"' => {
                if self.text()?.contains('\0') {
                    return Err(Unsure);
                }
                Ok(())
            }
            _ => Err(Unsure),
        }
    }

    /// `true`, `false` or `null`.
    fn opt_bool(&mut self) -> Scan<Option<bool>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b't' => self.literal(b"true").map(|()| Some(true)),
            b'f' => self.literal(b"false").map(|()| Some(false)),
            _ => Err(Unsure),
        }
    }

    /// A string collection as `StringListKeep` reads it: `null`, a lone string or an array of strings (the
    /// PowerShell wrapper object goes to serde).
    fn list(&mut self, keep: ListKeep) -> Scan<Vec<String>> {
        let mut out = Vec::new();
        match self.peek()? {
            b'n' => self.literal(b"null")?,
            b'"' => {
                let s = self.text()?;
                if truncated_by_depth::<serde_json::Error>(&s).is_some() || s.contains('\0') {
                    return Err(Unsure);
                }
                keep_value(&mut out, keep, &s);
            }
            b'[' => self.array(|c| {
                if c.peek()? != b'"' {
                    return Err(Unsure);
                }
                let s = c.text()?;
                if s.contains('\0') {
                    return Err(Unsure);
                }
                keep_value(&mut out, keep, &s);
                Ok(())
            })?,
            _ => return Err(Unsure),
        }
        out.shrink_to_fit();
        Ok(out)
    }

    /// Walks the array whose `[` is here, `elem` reading each element with the cursor at it, and goes
    /// past its `]`. [`Unsure`] for anything but `,` or `]` after an element.
    fn array(&mut self, mut elem: impl FnMut(&mut Self) -> Scan<()>) -> Scan<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Ok(());
        }
        loop {
            elem(self)?;
            if !self.more(b']')? {
                return Ok(());
            }
        }
    }

    /// After an array element or an object's value: `true` when another follows (past the `,`), `false`
    /// at `close` (past it), [`Unsure`] at anything else.
    fn more(&mut self, close: u8) -> Scan<bool> {
        self.ws();
        match self.next()? {
            b',' => {
                self.ws();
                Ok(true)
            }
            b if b == close => Ok(false),
            _ => Err(Unsure),
        }
    }

    /// `null` or an empty array.
    fn empty_list(&mut self) -> Scan<()> {
        match self.peek()? {
            b'n' => self.literal(b"null"),
            b'[' => {
                self.i += 1;
                self.ws();
                self.eat(b']')
            }
            _ => Err(Unsure),
        }
    }

    /// `assignedLicenses`: `null` or an array of license objects, each with a non-empty `skuId`; kept when
    /// `keep`, else checked as the lean reading checks it and dropped.
    fn licenses(&mut self, keep: bool) -> Scan<Vec<AssignedLicense>> {
        let mut out = Vec::new();
        match self.peek()? {
            b'n' => self.literal(b"null")?,
            b'[' => self.array(|c| {
                let license = c.license(keep)?;
                if keep {
                    out.push(license);
                }
                Ok(())
            })?,
            _ => return Err(Unsure),
        }
        out.shrink_to_fit();
        Ok(out)
    }

    /// Walks the object whose `{` is here, handing each property's name to `value` with the cursor at its
    /// value, which `value` reads. [`Unsure`] for an empty object, a property name with an escape, more than
    /// `N` properties or one named twice (in any case), and anything but `,` or `}` after a value.
    fn object<const N: usize>(
        &mut self,
        mut value: impl FnMut(&mut Self, &'a [u8]) -> Scan<()>,
    ) -> Scan<()> {
        self.eat(b'{')?;
        let mut keys: [&[u8]; N] = [&[]; N];
        let mut n = 0usize;
        self.ws();
        if self.peek()? == b'}' {
            return Err(Unsure);
        }
        loop {
            let key = self.plain_key()?;
            if n == N || keys[..n].iter().any(|k| k.eq_ignore_ascii_case(key)) {
                return Err(Unsure);
            }
            keys[n] = key;
            n += 1;
            self.ws();
            self.eat(b':')?;
            self.ws();
            value(self, key)?;
            if !self.more(b'}')? {
                return Ok(());
            }
        }
    }

    /// One license object: a non-empty `skuId` without NUL, `disabledPlans` a string collection (its
    /// strings not checked further, as neither serde reading does), anything else skipped. Its values are
    /// kept when `keep`.
    fn license(&mut self, keep: bool) -> Scan<AssignedLicense> {
        let mut license = AssignedLicense::default();
        let mut sku = false;
        self.object::<MAX_LICENSE_KEYS>(|c, key| {
            if key.eq_ignore_ascii_case(b"skuid") {
                sku = match c.peek()? {
                    b'n' => {
                        c.literal(b"null")?;
                        false
                    }
                    b'"' => {
                        let s = c.text()?;
                        if s.contains('\0') {
                            return Err(Unsure);
                        }
                        let set = !s.is_empty();
                        if keep {
                            license.sku_id = s.into_owned();
                        }
                        set
                    }
                    _ => return Err(Unsure),
                };
                Ok(())
            } else if key.eq_ignore_ascii_case(b"disabledplans") {
                license.disabled_plans = c.plain_list(keep)?;
                Ok(())
            } else {
                c.skip(1)
            }
        })?;
        if sku { Ok(license) } else { Err(Unsure) }
    }

    /// `disabledPlans`: `null`, a string, or an array of strings; the strings are kept when `keep`.
    fn plain_list(&mut self, keep: bool) -> Scan<Vec<String>> {
        let mut out = Vec::new();
        let mut take = |s: Cow<'a, str>| {
            if keep {
                out.push(s.into_owned());
            }
        };
        match self.peek()? {
            b'n' => self.literal(b"null")?,
            b'"' => take(self.text()?),
            b'[' => self.array(|c| {
                if c.peek()? != b'"' {
                    return Err(Unsure);
                }
                take(c.text()?);
                Ok(())
            })?,
            _ => return Err(Unsure),
        }
        out.shrink_to_fit();
        Ok(out)
    }

    /// Skips any JSON value, checked as serde_json checks what it ignores (more strictly: see the module
    /// documentation), `depth` levels deep.
    fn skip(&mut self, depth: usize) -> Scan<()> {
        match self.peek()? {
            b'"' => self.text().map(drop),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' if depth < MAX_DEPTH => self.array(|c| c.skip(depth + 1)),
            b'{' if depth < MAX_DEPTH => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    if self.peek()? != b'"' {
                        return Err(Unsure);
                    }
                    self.text()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip(depth + 1)?;
                    if !self.more(b'}')? {
                        return Ok(());
                    }
                }
            }
            _ => Err(Unsure),
        }
    }

    /// A number: `-`, then `0` or digits not starting with `0`, then an optional fraction; an exponent, or
    /// more than 20 digits in a part, goes to serde.
    fn number(&mut self) -> Scan<()> {
        if self.peek()? == b'-' {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return Err(Unsure),
        }
        if self.d.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.peek()?.is_ascii_digit() {
                return Err(Unsure);
            }
            self.digits()?;
        }
        match self.peek()? {
            b'e' | b'E' | b'0'..=b'9' => Err(Unsure),
            _ => Ok(()),
        }
    }

    fn digits(&mut self) -> Scan<()> {
        let start = self.i;
        while self.d.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        if self.i - start > 20 {
            return Err(Unsure);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
