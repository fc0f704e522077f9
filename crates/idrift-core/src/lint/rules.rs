//! The per-object rules: which objects are excluded, and the per-attribute chains of IdFix's two modes plus
//! the checks Entra Connect adds at sync time. Each chain passes the suggested value along, as IdFix does.

use std::borrow::Cow;

use super::address::AsciiSet;
use super::{
    Exclusion, LintAction, LintClass, LintError, LintErrorKind, LintMode, LintObject, address,
};

// Name prefixes of objects Entra Connect and IdFix never sync, and the msExchRecipientTypeDetails values of
// Exchange system recipients: the one list, shared with the analyses (`default_scope`).
use crate::default_scope::{
    FILTERED_RECIPIENT_TYPES as SYSTEM_RECIPIENT_TYPES, WELL_KNOWN_PREFIXES,
};

/// The most certificate values Entra Connect syncs.
const MAX_CERTIFICATES: usize = 15;
/// The largest thumbnailPhoto Entra Connect syncs.
const MAX_PHOTO_BYTES: usize = 100 * 1024;

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Why `o` is not checked, if it is not.
pub(super) fn exclusion(o: &LintObject, class: LintClass, scope: &[String]) -> Option<Exclusion> {
    let cn = o.cn.as_str();
    if cn.ends_with('$') || WELL_KNOWN_PREFIXES.iter().any(|p| starts_with_ci(cn, p)) {
        return Some(Exclusion::WellKnownName);
    }
    if is_conflict_dn(&o.dn) {
        return Some(Exclusion::ConflictObject);
    }
    if o.critical_system_object {
        return Some(Exclusion::CriticalSystemObject);
    }
    if class == LintClass::User {
        let sam = o.sam_account_name.as_deref().unwrap_or("");
        let nick = o.mail_nickname.as_deref().unwrap_or("");
        let shown = o.display_name.as_deref().unwrap_or("");
        if ["cas_", "support_", "msol_"]
            .iter()
            .any(|p| starts_with_ci(sam, p))
            || ["cas_", "systemmailbox"]
                .iter()
                .any(|p| starts_with_ci(nick, p))
            || (o.hidden_from_address_lists && starts_with_ci(shown, "msol"))
        {
            return Some(Exclusion::WellKnownName);
        }
        if o.recipient_type_details
            .is_some_and(|t| SYSTEM_RECIPIENT_TYPES.contains(&t))
        {
            return Some(Exclusion::SystemRecipient);
        }
    }
    if class == LintClass::Group {
        let security = o.group_type.is_some_and(|t| t < 0);
        let mail_enabled = if security {
            o.mail.is_some()
        } else {
            !o.proxy_addresses.is_empty()
        };
        if !mail_enabled {
            return Some(Exclusion::NotMailEnabledGroup);
        }
    }
    if !scope.is_empty() && !in_scope(&o.dn, scope) {
        return Some(Exclusion::OutOfScope);
    }
    None
}

/// Whether `dn` is a replication conflict object's (`\0ACNF:` in any case, or a raw line feed before
/// `CNF:`), found without copying the DN.
fn is_conflict_dn(dn: &str) -> bool {
    const MARK: &[u8] = b"\\0ACNF:";
    let bytes = dn.as_bytes();
    dn.match_indices('\\').any(|(i, _)| {
        bytes
            .get(i..i + MARK.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(MARK))
    }) || dn.contains("\nCNF:")
}

fn in_scope(dn: &str, scope: &[String]) -> bool {
    let dn = dn.trim().to_ascii_lowercase();
    scope.iter().any(|ou| {
        dn == *ou
            || dn
                .strip_suffix(ou.as_str())
                .is_some_and(|rest| rest.ends_with(','))
    })
}

/// What the chains need besides the object.
pub(super) struct Ctx<'a> {
    pub(super) mode: LintMode,
    pub(super) verified: &'a [String],
    pub(super) cloud: &'a super::cloud::CloudIndex,
}

/// A value passing through a chain of rules.
///
/// The value is borrowed from the object until a rule changes it, so a value without errors (nearly all of
/// them) costs no allocation.
struct Chain<'a> {
    kinds: Vec<LintErrorKind>,
    value: Cow<'a, str>,
}

impl<'a> Chain<'a> {
    fn new(value: &'a str) -> Self {
        Chain {
            kinds: Vec::new(),
            value: Cow::Borrowed(value),
        }
    }

    fn flag(&mut self, kind: LintErrorKind) {
        if !self.kinds.contains(&kind) {
            self.kinds.push(kind);
        }
    }

    /// Too long: flagged and cut to `max` characters.
    fn max_len(&mut self, max: usize) {
        // A value of at most `max` bytes has at most `max` characters.
        if self.value.len() > max && self.value.chars().count() > max {
            self.flag(LintErrorKind::Length);
            self.value = self.value.chars().take(max).collect::<String>().into();
        }
    }

    /// Characters for which `bad` holds: flagged and removed.
    fn chars(&mut self, bad: BadChars) {
        if self.value.chars().any(|c| bad.has(c)) {
            self.flag(LintErrorKind::Character);
            self.value = self
                .value
                .chars()
                .filter(|c| !bad.has(*c))
                .collect::<String>()
                .into();
        }
    }

    /// IdFix's RFC 2822 rule on the address after an optional `prefix:`.
    fn address(&mut self, prefix: Option<&str>) {
        let addr = match prefix {
            Some(p) => self.value.get(p.len() + 1..).unwrap_or(""),
            None => &self.value,
        };
        let (kinds, fixed) = address::check(addr);
        for k in kinds {
            self.flag(k);
        }
        if let Some(fixed) = fixed {
            self.value = match prefix {
                Some(p) => format!("{p}:{fixed}").into(),
                None => fixed.into(),
            };
        }
    }

    /// A colon in the part after the prefix: flagged and removed.
    fn colon_after_prefix(&mut self) {
        let fixed = match self.value.split_once(':') {
            Some((prefix, rest)) if !prefix.is_empty() && rest.contains(':') => {
                Some(format!("{prefix}:{}", rest.replace(':', "")))
            }
            _ => None,
        };
        if let Some(fixed) = fixed {
            self.flag(LintErrorKind::Character);
            self.value = fixed.into();
        }
    }

    fn row(
        self,
        o: &LintObject,
        class: LintClass,
        attribute: &'static str,
        found: &str,
    ) -> Option<LintError> {
        if self.kinds.is_empty() {
            return None;
        }
        let action = if self.value.trim().is_empty() {
            LintAction::Remove
        } else if *self.value == *found {
            LintAction::Complete
        } else {
            LintAction::Edit
        };
        let update = if action == LintAction::Edit {
            self.value.into_owned()
        } else {
            String::new()
        };
        Some(LintError {
            dn: o.dn.clone(),
            cn: o.cn.clone(),
            class,
            attribute,
            errors: self.kinds,
            value: found.to_owned(),
            update,
            action,
            held_by: None,
        })
    }
}

/// The characters a rule refuses: those of an ASCII set, and white space (any Unicode space) unless the
/// rule allows it.
#[derive(Debug, Clone, Copy)]
struct BadChars {
    set: AsciiSet,
    space: bool,
}

impl BadChars {
    /// The characters of `chars` and white space.
    const fn of(chars: &str) -> BadChars {
        BadChars {
            set: AsciiSet::of(chars),
            space: true,
        }
    }

    /// The characters of `chars` only.
    const fn only(chars: &str) -> BadChars {
        BadChars {
            set: AsciiSet::of(chars),
            space: false,
        }
    }

    fn has(self, c: char) -> bool {
        (self.space && c.is_whitespace()) || self.set.contains(c)
    }
}

/// Characters Entra ID does not accept in a userPrincipalName (IdFix's list, without the apostrophe, which
/// Entra ID accepts); anything outside ASCII is refused too (see [`bad_upn_char`]).
const UPN: BadChars = BadChars::of("\\%&*+/=?{}|<>();:,[]\"");
/// White space only (in `mail`).
const SPACE: BadChars = BadChars::of("");
const SMTP_PROXY: BadChars = BadChars::of("<>();,[]\"");
const OTHER_PROXY: BadChars = BadChars::of("<>(),[]\"");
/// X400 and X500 addresses keep RFC 2253's rules: spaces and parentheses are fine.
const X_PROXY: BadChars = BadChars::only("\u{c}\n\r\t\u{b}[]\"");
const SMTP_TARGET: BadChars = BadChars::of("\\<>();,[]\"");
const OTHER_TARGET: BadChars = BadChars::of("\\<>(),[]\"");
const SAM: BadChars = BadChars::only("\\\"|,/[]:<>+=;?*");
const DEDICATED_NICKNAME: BadChars = BadChars::of("\\!#$%&*+/=?^`{}|~<>()';:,[]\"@");

/// A character Entra ID does not accept in a userPrincipalName.
fn bad_upn_char(c: char) -> bool {
    UPN.has(c) || !c.is_ascii()
}

/// Replaces the umlauts IdFix names with their base letters so the suggestion stays readable.
fn fold_umlauts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ä' => out.push('a'),
            'ë' => out.push('e'),
            'ï' => out.push('i'),
            'ö' => out.push('o'),
            'ü' => out.push('u'),
            'ÿ' => out.push('y'),
            'Ä' => out.push('A'),
            'Ë' => out.push('E'),
            'Ï' => out.push('I'),
            'Ö' => out.push('O'),
            'Ü' => out.push('U'),
            'Ÿ' => out.push('Y'),
            'ß' => out.push_str("ss"),
            other => out.push(other),
        }
    }
    out
}

/// Runs every chain on `o` and pushes its rows (duplicates come later, from the linter).
pub(super) fn check_object(
    ctx: &Ctx<'_>,
    o: &LintObject,
    class: LintClass,
    rows: &mut Vec<LintError>,
) {
    let dedicated = ctx.mode == LintMode::Dedicated;
    check_display_name(o, class, dedicated, rows);
    if let Some(upn) = &o.upn {
        check_upn(ctx, o, class, upn, rows);
    } else if !dedicated && let Some(sam) = &o.sam_account_name {
        let mut c = Chain::new(sam);
        c.max_len(20);
        c.chars(SAM);
        rows.extend(c.row(o, class, "sAMAccountName", sam));
    }
    if let Some(mail) = &o.mail {
        let mut c = Chain::new(mail);
        c.max_len(256);
        c.chars(SPACE);
        c.address(None);
        rows.extend(c.row(o, class, "mail", mail));
    }
    check_nickname(o, class, dedicated, rows);
    for p in &o.proxy_addresses {
        let mut c = Chain::new(p);
        c.max_len(256);
        let prefix = p.split_once(':').map(|(x, _)| x);
        match prefix {
            Some(x) if x.eq_ignore_ascii_case("smtp") => {
                c.colon_after_prefix();
                c.chars(SMTP_PROXY);
                c.address(Some(x));
            }
            Some(x) if is_x400_or_x500(x) => c.chars(X_PROXY),
            Some(_) => {
                c.colon_after_prefix();
                c.chars(OTHER_PROXY);
            }
            None => c.flag(LintErrorKind::Format),
        }
        rows.extend(c.row(o, class, "proxyAddresses", p));
    }
    check_target(o, class, dedicated, rows);
    check_large_and_mail(ctx, o, class, rows);
}

fn is_x400_or_x500(prefix: &str) -> bool {
    ["x400", "x.400", "x500", "x.500"]
        .iter()
        .any(|x| x.eq_ignore_ascii_case(prefix))
}

fn check_display_name(
    o: &LintObject,
    class: LintClass,
    dedicated: bool,
    rows: &mut Vec<LintError>,
) {
    match &o.display_name {
        Some(d) => {
            let mut c = Chain::new(d);
            if d.trim().is_empty() {
                c.flag(LintErrorKind::Blank);
                c.value = o.cn.clone().into();
            } else if dedicated && d.trim() != d {
                c.flag(LintErrorKind::Character);
                c.value = d.trim().to_owned().into();
            }
            c.max_len(256);
            rows.extend(c.row(o, class, "displayName", d));
        }
        None if dedicated && class == LintClass::Group => {
            let mut c = Chain::new("");
            c.flag(LintErrorKind::Blank);
            c.value = o.cn.clone().into();
            rows.extend(c.row(o, class, "displayName", ""));
        }
        None => {}
    }
}

fn check_upn(
    ctx: &Ctx<'_>,
    o: &LintObject,
    class: LintClass,
    upn: &str,
    rows: &mut Vec<LintError>,
) {
    let mut c = Chain::new(upn);
    c.max_len(113);
    if let Some((local, domain)) = c.value.rsplit_once('@')
        && (local.chars().count() > 64 || domain.chars().count() > 48)
    {
        c.flag(LintErrorKind::Length);
    }
    if c.value.chars().any(bad_upn_char) {
        c.value = fold_umlauts(&c.value).into();
        c.flag(LintErrorKind::Character);
        c.value = c
            .value
            .chars()
            .filter(|ch| !bad_upn_char(*ch))
            .collect::<String>()
            .into();
    }
    c.address(None);
    if !ctx.verified.is_empty()
        && !c.kinds.contains(&LintErrorKind::TopLevelDomain)
        && let Some((_, domain)) = upn.rsplit_once('@')
    {
        let d = domain.to_ascii_lowercase();
        let verified = ctx
            .verified
            .iter()
            .any(|v| d == *v || d.strip_suffix(v.as_str()).is_some_and(|r| r.ends_with('.')));
        if !verified && address::is_routable_domain(&d) {
            c.flag(LintErrorKind::NotVerifiedDomain);
        }
    }
    rows.extend(c.row(o, class, "userPrincipalName", upn));
}

fn check_nickname(o: &LintObject, class: LintClass, dedicated: bool, rows: &mut Vec<LintError>) {
    match &o.mail_nickname {
        Some(n) => {
            let mut c = Chain::new(n);
            c.max_len(64);
            if dedicated {
                if n.trim().is_empty() {
                    c.flag(LintErrorKind::Blank);
                }
                c.chars(DEDICATED_NICKNAME);
                if c.value.starts_with('.') || c.value.ends_with('.') {
                    c.flag(LintErrorKind::Character);
                    c.value = c.value.trim_matches('.').to_owned().into();
                }
            } else if c.value.starts_with('.') {
                c.flag(LintErrorKind::Character);
                c.value = c.value.trim_start_matches('.').to_owned().into();
            }
            rows.extend(c.row(o, class, "mailNickname", n));
        }
        None if dedicated && class != LintClass::Group => {
            let mut c = Chain::new("");
            c.flag(LintErrorKind::Blank);
            rows.extend(c.row(o, class, "mailNickname", ""));
        }
        None => {}
    }
}

fn check_target(o: &LintObject, class: LintClass, dedicated: bool, rows: &mut Vec<LintError>) {
    match &o.target_address {
        Some(t) => {
            let mut c = Chain::new(t);
            c.max_len(if dedicated { 256 } else { 255 });
            let prefix = t.split_once(':').map(|(x, _)| x);
            match prefix {
                Some(x) if x.eq_ignore_ascii_case("smtp") => {
                    c.colon_after_prefix();
                    c.chars(SMTP_TARGET);
                    c.address(Some(x));
                }
                Some(_) => {
                    c.colon_after_prefix();
                    c.chars(OTHER_TARGET);
                }
                None => c.flag(LintErrorKind::Format),
            }
            rows.extend(c.row(o, class, "targetAddress", t));
        }
        None if dedicated && class != LintClass::Group && !o.has_home_mdb => {
            let mut c = Chain::new("");
            c.flag(LintErrorKind::Blank);
            if let Some(mail) = &o.mail {
                c.value = format!("SMTP:{mail}").into();
            }
            rows.extend(c.row(o, class, "targetAddress", ""));
        }
        None => {}
    }
}

fn check_large_and_mail(
    ctx: &Ctx<'_>,
    o: &LintObject,
    class: LintClass,
    rows: &mut Vec<LintError>,
) {
    let mut large = |attribute: &'static str, value: String| {
        let mut c = Chain::new(&value);
        c.flag(LintErrorKind::LargeObject);
        rows.extend(c.row(o, class, attribute, &value));
    };
    if o.user_certificates > MAX_CERTIFICATES {
        large("userCertificate", format!("{} values", o.user_certificates));
    }
    if o.smime_certificates > MAX_CERTIFICATES {
        large(
            "userSMIMECertificate",
            format!("{} values", o.smime_certificates),
        );
    }
    if o.thumbnail_photo_bytes > MAX_PHOTO_BYTES {
        large(
            "thumbnailPhoto",
            format!("{} bytes", o.thumbnail_photo_bytes),
        );
    }
    if let Some(mail) = &o.mail {
        let listed = o
            .proxy_addresses
            .iter()
            .filter_map(|p| address::smtp_part(p))
            .any(|a| a.eq_ignore_ascii_case(mail));
        if !o.proxy_addresses.is_empty() && !listed {
            let mut c = Chain::new(mail);
            c.flag(LintErrorKind::MailNotInProxyAddresses);
            rows.extend(c.row(o, class, "mail", mail));
        }
    }
    if ctx.cloud.is_empty() {
        return;
    }
    let partners = ctx.cloud.partners(o);
    let mut cloud = |attribute: &'static str, value: &str, key: &str| {
        if let Some(holder) = ctx.cloud.held_by_other(key, &partners) {
            let mut c = Chain::new(value);
            c.flag(LintErrorKind::CloudDuplicate);
            rows.extend(c.row(o, class, attribute, value).map(|mut row| {
                row.held_by = Some(holder.to_owned());
                row
            }));
        }
    };
    if let Some(upn) = &o.upn {
        cloud("userPrincipalName", upn, upn);
    }
    for p in &o.proxy_addresses {
        if let Some(a) = address::smtp_part(p) {
            cloud("proxyAddresses", p, a);
        }
    }
}
