//! Exchange recipient vocabulary: recipient types, remote recipient types, display types, and the
//! tenant's routing domain.
//!
//! Active Directory stores an Exchange recipient's type in three attributes (hybrid-identity.md §4.1–4.3):
//!
//! - `msExchRecipientTypeDetails`, a Large Integer of flags ([`RecipientTypeDetails`]); values above
//!   2^31 (`RemoteUserMailbox` = 2147483648 and the other remote types) need 64 bits. Exchange Online prints
//!   the same enumeration by name (`UserMailbox`, `MailUser`, ...), so the type parses both forms.
//! - `msExchRemoteRecipientType` ([`RemoteRecipientType`]): how a remote mailbox came to be (provisioned,
//!   migrated, shared, ...).
//! - `msExchRecipientDisplayType` ([`RecipientDisplayType`]), a 32-bit signed Integer: values above 2^31
//!   read back negative, so the unsigned form is accepted on input.
//!
//! Hybrid mail routing goes through the tenant's *routing domain*, `<tenant>.mail.onmicrosoft.com`: every
//! remote mailbox's `targetAddress` points there and every mailbox to be migrated needs an `smtp:` proxy
//! address in it (§3.6). [`detect_routing_domain`] finds it in the data.
//!
//! The mailbox classes used by the checks:
//!
//! | Helper | Types |
//! |---|---|
//! | [`RecipientTypeDetails::is_mailbox`] | a mailbox hosted by the directory that holds the object: user, linked, shared, legacy, room, equipment, linked room, team mailboxes |
//! | [`RecipientTypeDetails::is_user_mailbox`] | a person's mailbox: user, linked, legacy |
//! | [`RecipientTypeDetails::is_remote_mailbox`] | an on-premises object whose mailbox is in Exchange Online: remote user, room, equipment, shared, team mailboxes |
//! | [`RecipientTypeDetails::is_shared`] | shared and remote shared mailboxes |
//! | [`RecipientTypeDetails::is_resource`] | room and equipment mailboxes, local, linked or remote |
//! | [`RecipientTypeDetails::is_mail_user`] | mail users and guest mail users |
//!
//! System mailboxes (arbitration, discovery, monitoring, audit log, public folder, group, ...) are in
//! none of these classes: they are never a user's duplicate.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{CloudUser, ExoRecipient, OnPremUser};

/// Why a recipient type text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    /// Neither a known name (`UserMailbox`, `RemoteUserMailbox`, ...) nor an integer.
    #[error("unknown {what} {value:?} (expected a name such as {example} or its integer value)")]
    UnknownType {
        /// Which enumeration was being read.
        what: &'static str,
        /// The offending text.
        value: String,
        /// An example of a valid name.
        example: &'static str,
    },
}

/// `msExchRecipientTypeDetails` / EXO `RecipientTypeDetails`: a set of recipient type flags.
///
/// A recipient normally carries exactly one flag. The serialized form is the name Exchange prints
/// (`"RemoteUserMailbox"`); several flags print as `"UserMailbox, SharedMailbox"` (the .NET flags form),
/// and bits without a name print as the decimal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct RecipientTypeDetails(u64);

/// The named flags of `RecipientTypeDetails`, in value order (hybrid-identity.md §4.1).
const RTD_NAMES: [(u64, &str); 44] = [
    (1, "UserMailbox"),
    (2, "LinkedMailbox"),
    (4, "SharedMailbox"),
    (8, "LegacyMailbox"),
    (16, "RoomMailbox"),
    (32, "EquipmentMailbox"),
    (64, "MailContact"),
    (128, "MailUser"),
    (256, "MailUniversalDistributionGroup"),
    (512, "MailNonUniversalGroup"),
    (1024, "MailUniversalSecurityGroup"),
    (2048, "DynamicDistributionGroup"),
    (4096, "PublicFolder"),
    (8192, "SystemAttendantMailbox"),
    (16384, "SystemMailbox"),
    (32768, "MailForestContact"),
    (65536, "User"),
    (131_072, "Contact"),
    (262_144, "UniversalDistributionGroup"),
    (524_288, "UniversalSecurityGroup"),
    (1_048_576, "NonUniversalGroup"),
    (2_097_152, "DisabledUser"),
    (4_194_304, "MicrosoftExchange"),
    (8_388_608, "ArbitrationMailbox"),
    (16_777_216, "MailboxPlan"),
    (33_554_432, "LinkedUser"),
    (268_435_456, "RoomList"),
    (536_870_912, "DiscoveryMailbox"),
    (1_073_741_824, "RoleGroup"),
    (2_147_483_648, "RemoteUserMailbox"),
    (4_294_967_296, "Computer"),
    (8_589_934_592, "RemoteRoomMailbox"),
    (17_179_869_184, "RemoteEquipmentMailbox"),
    (34_359_738_368, "RemoteSharedMailbox"),
    (68_719_476_736, "PublicFolderMailbox"),
    (137_438_953_472, "TeamMailbox"),
    (274_877_906_944, "RemoteTeamMailbox"),
    (549_755_813_888, "MonitoringMailbox"),
    (1_099_511_627_776, "GroupMailbox"),
    (2_199_023_255_552, "LinkedRoomMailbox"),
    (4_398_046_511_104, "AuditLogMailbox"),
    (8_796_093_022_208, "RemoteGroupMailbox"),
    (17_592_186_044_416, "SchedulingMailbox"),
    (35_184_372_088_832, "GuestMailUser"),
];

#[allow(
    missing_docs,
    reason = "each constant is the Exchange recipient type of the same name"
)]
impl RecipientTypeDetails {
    pub const NONE: Self = Self(0);
    pub const USER_MAILBOX: Self = Self(1);
    pub const LINKED_MAILBOX: Self = Self(2);
    pub const SHARED_MAILBOX: Self = Self(4);
    pub const LEGACY_MAILBOX: Self = Self(8);
    pub const ROOM_MAILBOX: Self = Self(16);
    pub const EQUIPMENT_MAILBOX: Self = Self(32);
    pub const MAIL_CONTACT: Self = Self(64);
    pub const MAIL_USER: Self = Self(128);
    pub const MAIL_UNIVERSAL_DISTRIBUTION_GROUP: Self = Self(256);
    pub const MAIL_NON_UNIVERSAL_GROUP: Self = Self(512);
    pub const MAIL_UNIVERSAL_SECURITY_GROUP: Self = Self(1024);
    pub const DYNAMIC_DISTRIBUTION_GROUP: Self = Self(2048);
    pub const PUBLIC_FOLDER: Self = Self(4096);
    pub const SYSTEM_ATTENDANT_MAILBOX: Self = Self(8192);
    pub const SYSTEM_MAILBOX: Self = Self(16384);
    pub const MAIL_FOREST_CONTACT: Self = Self(32768);
    pub const USER: Self = Self(65536);
    pub const CONTACT: Self = Self(131_072);
    pub const UNIVERSAL_DISTRIBUTION_GROUP: Self = Self(262_144);
    pub const UNIVERSAL_SECURITY_GROUP: Self = Self(524_288);
    pub const NON_UNIVERSAL_GROUP: Self = Self(1_048_576);
    pub const DISABLED_USER: Self = Self(2_097_152);
    pub const MICROSOFT_EXCHANGE: Self = Self(4_194_304);
    pub const ARBITRATION_MAILBOX: Self = Self(8_388_608);
    pub const MAILBOX_PLAN: Self = Self(16_777_216);
    pub const LINKED_USER: Self = Self(33_554_432);
    pub const ROOM_LIST: Self = Self(268_435_456);
    pub const DISCOVERY_MAILBOX: Self = Self(536_870_912);
    pub const ROLE_GROUP: Self = Self(1_073_741_824);
    pub const REMOTE_USER_MAILBOX: Self = Self(2_147_483_648);
    pub const COMPUTER: Self = Self(4_294_967_296);
    pub const REMOTE_ROOM_MAILBOX: Self = Self(8_589_934_592);
    pub const REMOTE_EQUIPMENT_MAILBOX: Self = Self(17_179_869_184);
    pub const REMOTE_SHARED_MAILBOX: Self = Self(34_359_738_368);
    pub const PUBLIC_FOLDER_MAILBOX: Self = Self(68_719_476_736);
    pub const TEAM_MAILBOX: Self = Self(137_438_953_472);
    pub const REMOTE_TEAM_MAILBOX: Self = Self(274_877_906_944);
    pub const MONITORING_MAILBOX: Self = Self(549_755_813_888);
    pub const GROUP_MAILBOX: Self = Self(1_099_511_627_776);
    pub const LINKED_ROOM_MAILBOX: Self = Self(2_199_023_255_552);
    pub const AUDIT_LOG_MAILBOX: Self = Self(4_398_046_511_104);
    pub const REMOTE_GROUP_MAILBOX: Self = Self(8_796_093_022_208);
    pub const SCHEDULING_MAILBOX: Self = Self(17_592_186_044_416);
    pub const GUEST_MAIL_USER: Self = Self(35_184_372_088_832);
}

/// Mailboxes hosted where the object lives (see the module table).
const MAILBOX_MASK: u64 = 1 | 2 | 4 | 8 | 16 | 32 | 137_438_953_472 | 2_199_023_255_552;
/// A person's mailbox.
const USER_MAILBOX_MASK: u64 = 1 | 2 | 8;
/// Remote mailboxes of user objects.
const REMOTE_MAILBOX_MASK: u64 =
    2_147_483_648 | 8_589_934_592 | 17_179_869_184 | 34_359_738_368 | 274_877_906_944;
/// Shared mailboxes, local or remote.
const SHARED_MASK: u64 = 4 | 34_359_738_368;
/// Room and equipment mailboxes, local, linked or remote.
const RESOURCE_MASK: u64 = 16 | 32 | 2_199_023_255_552 | 8_589_934_592 | 17_179_869_184;
/// Mail users.
const MAIL_USER_MASK: u64 = 128 | 35_184_372_088_832;

impl RecipientTypeDetails {
    /// The flags from their integer value.
    pub const fn from_bits(bits: u64) -> Self {
        Self(bits)
    }

    /// The attribute as AD returns it (a signed Large Integer); the bits are reinterpreted, so a negative
    /// value keeps its two's-complement bits.
    pub const fn from_i64(value: i64) -> Self {
        Self(value.cast_unsigned())
    }

    /// The integer value.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// No flag set (also what an absent attribute means).
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Every flag of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// At least one flag of `other` is set.
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// A mailbox hosted by the directory holding the object (user, linked, shared, legacy, room,
    /// equipment, linked room, team). On-premises this is "the mailbox is here"; in Exchange Online, "the
    /// mailbox is in the cloud".
    pub const fn is_mailbox(self) -> bool {
        self.0 & MAILBOX_MASK != 0
    }

    /// A person's mailbox (user, linked, legacy).
    pub const fn is_user_mailbox(self) -> bool {
        self.0 & USER_MAILBOX_MASK != 0
    }

    /// An on-premises object whose mailbox lives in Exchange Online (remote user, room, equipment, shared,
    /// team mailbox).
    pub const fn is_remote_mailbox(self) -> bool {
        self.0 & REMOTE_MAILBOX_MASK != 0
    }

    /// A shared mailbox, local or remote.
    pub const fn is_shared(self) -> bool {
        self.0 & SHARED_MASK != 0
    }

    /// A room or equipment mailbox, local, linked or remote.
    pub const fn is_resource(self) -> bool {
        self.0 & RESOURCE_MASK != 0
    }

    /// A mail user (or guest mail user).
    pub const fn is_mail_user(self) -> bool {
        self.0 & MAIL_USER_MASK != 0
    }

    /// The name of a single known flag (`None` for no flag, several flags, or an unnamed bit).
    pub fn name(self) -> Option<&'static str> {
        RTD_NAMES
            .iter()
            .find(|(v, _)| *v == self.0)
            .map(|(_, n)| *n)
    }

    /// The names of the set flags, in value order; unnamed bits are left out.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        RTD_NAMES
            .iter()
            .filter(move |(v, _)| self.0 & v != 0)
            .map(|(_, n)| *n)
    }

    /// The flag with this name, case-insensitively (`"remoteusermailbox"` works).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        RTD_NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(v, _)| Self(*v))
    }

    /// Reads a name, a comma- or `|`-separated list of names, or a decimal integer (signed values are
    /// taken as AD's Large Integer bits).
    ///
    /// # Errors
    /// [`ExchangeError::UnknownType`] naming the part that is neither.
    pub fn parse(text: &str) -> Result<Self, ExchangeError> {
        let t = text.trim();
        if let Ok(v) = t.parse::<u64>() {
            return Ok(Self(v));
        }
        if let Ok(v) = t.parse::<i64>() {
            return Ok(Self::from_i64(v));
        }
        let mut bits = 0;
        for part in t.split([',', '|']) {
            match Self::from_name(part) {
                Some(f) => bits |= f.0,
                None => {
                    return Err(ExchangeError::UnknownType {
                        what: "RecipientTypeDetails",
                        value: part.trim().to_owned(),
                        example: "\"UserMailbox\" or \"RemoteUserMailbox\"",
                    });
                }
            }
        }
        Ok(Self(bits))
    }

    /// Reads an optional EXO text field, treating an absent, blank or unknown value as no flag.
    pub fn lenient(text: Option<&str>) -> Self {
        text.and_then(|t| Self::parse(t).ok()).unwrap_or_default()
    }
}

impl fmt::Display for RecipientTypeDetails {
    /// The name; several flags as `A, B`; unnamed bits (or none) as the decimal value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named: u64 = RTD_NAMES
            .iter()
            .filter(|(v, _)| self.0 & v != 0)
            .fold(0, |acc, (v, _)| acc | v);
        if self.0 == 0 || named != self.0 {
            return write!(f, "{}", self.0);
        }
        for (i, n) in self.names().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(n)?;
        }
        Ok(())
    }
}

impl FromStr for RecipientTypeDetails {
    type Err = ExchangeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for RecipientTypeDetails {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RecipientTypeDetails {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(v) => Ok(Self::from_i64(v)),
            Raw::Text(t) => Self::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// `msExchRemoteRecipientType`: how a remote mailbox was provisioned (hybrid-identity.md §4.2; unconfirmed
/// values). 96 is `SharedMailbox` (the room and equipment bits together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RemoteRecipientType(u64);

const RRT_NAMES: [(u64, &str); 6] = [
    (1, "ProvisionMailbox"),
    (2, "ProvisionArchive"),
    (4, "Migrated"),
    (8, "DeprovisionMailbox"),
    (16, "DeprovisionArchive"),
    (128, "TeamMailbox"),
];

#[allow(
    missing_docs,
    reason = "each constant is the msExchRemoteRecipientType flag of the same name"
)]
impl RemoteRecipientType {
    pub const NONE: Self = Self(0);
    pub const PROVISION_MAILBOX: Self = Self(1);
    pub const PROVISION_ARCHIVE: Self = Self(2);
    pub const MIGRATED: Self = Self(4);
    pub const DEPROVISION_MAILBOX: Self = Self(8);
    pub const DEPROVISION_ARCHIVE: Self = Self(16);
    pub const ROOM_MAILBOX: Self = Self(32);
    pub const EQUIPMENT_MAILBOX: Self = Self(64);
    pub const SHARED_MAILBOX: Self = Self(96);
    pub const TEAM_MAILBOX: Self = Self(128);
}

impl RemoteRecipientType {
    /// The flags from the attribute value.
    pub const fn from_i64(value: i64) -> Self {
        Self(value.cast_unsigned())
    }

    /// The integer value.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Every flag of `other` is set (`SHARED_MAILBOX` needs both of its bits).
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// The mailbox was moved to Exchange Online (rather than created there).
    pub const fn is_migrated(self) -> bool {
        self.0 & 4 != 0
    }

    /// The names of the set flags: `SharedMailbox` for 96, `RoomMailbox` or `EquipmentMailbox` for one of
    /// its bits; `None` for 0.
    pub fn names(self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = RRT_NAMES
            .iter()
            .filter(|(v, _)| self.0 & v != 0 && *v < 32)
            .map(|(_, n)| *n)
            .collect();
        match self.0 & 96 {
            96 => out.push("SharedMailbox"),
            32 => out.push("RoomMailbox"),
            64 => out.push("EquipmentMailbox"),
            _ => {}
        }
        if self.0 & 128 != 0 {
            out.push("TeamMailbox");
        }
        if out.is_empty() && self.0 == 0 {
            out.push("None");
        }
        out
    }
}

impl fmt::Display for RemoteRecipientType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = 1 | 2 | 4 | 8 | 16 | 32 | 64 | 128;
        if self.0 & !known != 0 {
            return write!(f, "{}", self.0);
        }
        f.write_str(&self.names().join(", "))
    }
}

impl Serialize for RemoteRecipientType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `msExchRecipientDisplayType` (hybrid-identity.md §4.3; unconfirmed values): a 32-bit signed Integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RecipientDisplayType(i32);

const RDT_NAMES: [(i32, &str); 6] = [
    (0, "UserMailbox"),
    (6, "MailUser"),
    (1_073_741_824, "ACLableMailboxUser"),
    (-2_147_483_642, "SyncedMailboxUser"),
    (-1_073_741_818, "ACLableSyncedMailboxUser"),
    (-2_147_482_106, "SyncedRemoteMailUser"),
];

impl RecipientDisplayType {
    /// The attribute value as AD returns it.
    pub const fn from_i32(value: i32) -> Self {
        Self(value)
    }

    /// Accepts the signed form and the unsigned form an admin may write (`2147483654` is `-2147483642`);
    /// `None` when the value fits neither 32-bit form.
    pub fn from_i64(value: i64) -> Option<Self> {
        if let Ok(v) = i32::try_from(value) {
            return Some(Self(v));
        }
        u32::try_from(value).ok().map(|u| Self(u.cast_signed()))
    }

    /// The signed value AD stores.
    pub const fn value(self) -> i32 {
        self.0
    }

    /// The known name of this value.
    pub fn name(self) -> Option<&'static str> {
        RDT_NAMES
            .iter()
            .find(|(v, _)| *v == self.0)
            .map(|(_, n)| *n)
    }

    /// A synced (remote) mailbox user as seen from on-premises.
    pub fn is_synced_mailbox(self) -> bool {
        matches!(self.0, -2_147_483_642 | -1_073_741_818)
    }
}

impl fmt::Display for RecipientDisplayType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The suffix every routing domain has.
pub const ROUTING_DOMAIN_SUFFIX: &str = ".mail.onmicrosoft.com";
/// The suffix of a tenant's initial domain.
const INITIAL_DOMAIN_SUFFIX: &str = ".onmicrosoft.com";

/// Whether `domain` is a hybrid routing domain (`<tenant>.mail.onmicrosoft.com`), case-insensitively.
pub fn is_routing_domain(domain: &str) -> bool {
    ends_with_ci(domain, ROUTING_DOMAIN_SUFFIX) && domain.len() > ROUTING_DOMAIN_SUFFIX.len()
}

/// The address of an SMTP proxy address (`smtp:` or `SMTP:`, any case), or of a bare address with an `@`;
/// `None` for other address types (`x500:`, `sip:`, `X400:` ...).
pub fn smtp_address(proxy: &str) -> Option<&str> {
    let p = proxy.trim();
    match p.split_once(':') {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("smtp") => Some(rest.trim()),
        Some((prefix, _)) if !prefix.contains('@') => None,
        _ => p.contains('@').then_some(p),
    }
}

/// The domain of an address (after the last `@`).
pub fn domain_of(address: &str) -> Option<&str> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

/// The local part of an address (before the last `@`).
pub fn local_part(address: &str) -> Option<&str> {
    address
        .rsplit_once('@')
        .map(|(l, _)| l)
        .filter(|l| !l.is_empty())
}

/// Two addresses are the same mailbox address (case-insensitive, ASCII folding).
pub fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Whether `text` ends with `suffix`, ASCII case-insensitively.
pub(crate) fn ends_with_ci(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text
            .as_bytes()
            .get(text.len() - suffix.len()..)
            .is_some_and(|t| t.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// The SMTP addresses among proxy addresses that are in `domain`.
pub fn addresses_in_domain<'a>(
    proxies: &'a [String],
    domain: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    proxies
        .iter()
        .filter_map(|p| smtp_address(p))
        .filter(move |a| domain_of(a).is_some_and(|d| d.eq_ignore_ascii_case(domain)))
}

/// Votes for candidate domains, with a cap on distinct domains so hostile input stays linear.
struct DomainVotes {
    votes: Vec<(String, usize)>,
}

impl DomainVotes {
    const MAX_DISTINCT: usize = 64;

    fn add(&mut self, domain: &str) {
        if let Some(v) = self
            .votes
            .iter_mut()
            .find(|(d, _)| d.eq_ignore_ascii_case(domain))
        {
            v.1 += 1;
        } else if self.votes.len() < Self::MAX_DISTINCT {
            self.votes.push((domain.to_ascii_lowercase(), 1));
        }
    }

    /// The most voted domain; ties go to the alphabetically first.
    fn winner(self) -> Option<String> {
        self.votes
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(d, _)| d)
    }
}

/// Finds the tenant's routing domain (`<tenant>.mail.onmicrosoft.com`) in the data.
///
/// The domain most used by AD `targetAddress` values and AD SMTP proxy addresses wins; when AD has none,
/// the cloud proxy addresses and Exchange Online `EmailAddresses` vote; when no routing domain appears at
/// all, the tenant's initial domain (`<tenant>.onmicrosoft.com`) found in cloud addresses or UPNs gives
/// `<tenant>.mail.onmicrosoft.com`. `None` when nothing names the tenant.
pub fn detect_routing_domain(
    on_prem: &[OnPremUser],
    cloud: &[CloudUser],
    exo: Option<&[ExoRecipient]>,
) -> Option<String> {
    let mut votes = DomainVotes { votes: Vec::new() };
    let vote = |votes: &mut DomainVotes, addr: &str| {
        if let Some(d) = domain_of(addr).filter(|d| is_routing_domain(d)) {
            votes.add(d);
        }
    };
    for u in on_prem {
        if let Some(t) = u.target_address.as_deref().and_then(smtp_address) {
            vote(&mut votes, t);
        }
        for a in u.proxy_addresses.iter().filter_map(|p| smtp_address(p)) {
            vote(&mut votes, a);
        }
    }
    if votes.votes.is_empty() {
        for u in cloud {
            for a in u.proxy_addresses.iter().filter_map(|p| smtp_address(p)) {
                vote(&mut votes, a);
            }
        }
        for r in exo.unwrap_or_default() {
            for a in r.email_addresses.iter().filter_map(|p| smtp_address(p)) {
                vote(&mut votes, a);
            }
        }
    }
    if let Some(d) = votes.winner() {
        return Some(d);
    }
    let mut initial = DomainVotes { votes: Vec::new() };
    let mut vote_initial = |addr: &str| {
        if let Some(d) = domain_of(addr).filter(|d| ends_with_ci(d, INITIAL_DOMAIN_SUFFIX)) {
            // Only `<tenant>.onmicrosoft.com`, not `<tenant>.mail.onmicrosoft.com` or deeper names.
            let tenant = d
                .get(..d.len() - INITIAL_DOMAIN_SUFFIX.len())
                .unwrap_or_default();
            if !tenant.is_empty() && !tenant.contains('.') {
                initial.add(d);
            }
        }
    };
    for u in cloud {
        for p in &u.proxy_addresses {
            if let Some(a) = smtp_address(p) {
                vote_initial(a);
            }
        }
        if let Some(upn) = u.user_principal_name.as_deref() {
            vote_initial(upn);
        }
    }
    initial.winner().map(|d| {
        let tenant = d
            .get(..d.len() - INITIAL_DOMAIN_SUFFIX.len())
            .unwrap_or_default();
        format!("{tenant}{ROUTING_DOMAIN_SUFFIX}")
    })
}

#[cfg(test)]
mod tests;
