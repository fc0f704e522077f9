//! Loading and writing snapshot directories and single export files.
//!
//! A snapshot directory holds `ad.ldif`, `entra-users.json`, and optionally `entra-sync.json`,
//! `exo-recipients.json` and `exo-users.json`. The two big files are parsed on two threads at once.
//!
//! The readers hand over one user at a time, and a [`LoadProfile`] drops what a command does not read
//! before the user is kept: `dirsync compare` on a million users needs memory for the attributes it
//! compares, not for every attribute of the export. The `*_with` functions take the profile; the others
//! read everything ([`LoadProfile::Full`]).

use std::fs;
use std::path::{Path, PathBuf};

use idrift_core::lean::{KeepAd, KeepCloud};
use idrift_core::model::{CloudUser, ExoRecipient, OnPremUser, Snapshot, TenantSync, primary_smtp};

use crate::AppError;
use crate::files::{open_utf8_stream, read_decoded, read_text, write_atomic, write_err};

/// The Active Directory export in a snapshot directory.
pub const AD_FILE: &str = "ad.ldif";
/// The Entra ID users in a snapshot directory.
pub const ENTRA_USERS_FILE: &str = "entra-users.json";
/// The tenant sync object in a snapshot directory (optional).
pub const ENTRA_SYNC_FILE: &str = "entra-sync.json";
/// Exchange Online recipients in a snapshot directory (optional).
pub const EXO_RECIPIENTS_FILE: &str = "exo-recipients.json";
/// Exchange Online `Get-User` output in a snapshot directory (optional).
pub const EXO_USERS_FILE: &str = "exo-users.json";
/// The tenant's domains (`GET /domains` JSON) in a snapshot directory (optional; lint reads it).
pub const ENTRA_DOMAINS_FILE: &str = "entra-domains.json";

/// A loaded snapshot and the warnings its readers raised (skipped change records and the like). The users
/// are kept as [`OnPremUser`] and [`CloudUser`], or as the comparison's lean users
/// ([`idrift_core::lean`]).
#[derive(Debug, Clone, Default)]
pub struct Loaded<A = OnPremUser, C = CloudUser> {
    /// The data.
    pub snapshot: Snapshot<A, C>,
    /// Human-readable warnings, each naming its file and line.
    pub warnings: Vec<String>,
    /// No source anchor was named and most cloud users' `onPremisesImmutableId` values are not base64 GUIDs:
    /// Entra Connect seems to use a custom source anchor. [`Loaded::warnings`] says so; a front end adds how
    /// its user names the anchor.
    pub custom_anchor_suspected: bool,
}

/// Which user attributes a command reads. A loader given a profile drops the others from each user as
/// it is read, so a large snapshot needs memory only for what the command uses. Every attribute a profile
/// keeps holds exactly what [`LoadProfile::Full`] reads, so a command gives the same output with its
/// profile as with the full read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoadProfile {
    /// Every attribute the readers know: for commands that show or write users (`plan`, repairs,
    /// `snapshot take`, the PowerShell module).
    #[default]
    Full,
    /// What the health scan reads (`scan`): everything but `whenChanged`, `displayName`, `businessPhones`
    /// and the disabled plans of licenses. The scan reads `mail` only as the fallback of the primary SMTP
    /// address, so `mail` is dropped where an `SMTP:` proxy address takes precedence over it.
    Scan,
    /// What the DirSyncOverrides comparison reads (`dirsync compare`): the matching keys (source anchor
    /// and `onPremisesImmutableId`, UPN, the primary SMTP address), the phone attributes, the sync flag,
    /// and the names its rows show (DN, object id). `proxyAddresses` and `mail` are reduced to what
    /// [`OnPremUser::primary_smtp`] and [`CloudUser::primary_smtp`] read (the first `SMTP:` address, else
    /// `mail`); `sAMAccountName` is kept only for the users Entra Connect's default rules leave out
    /// ([`idrift_core::default_scope::classify`] reads it); licenses, provisioning errors and the other
    /// text attributes are dropped.
    Phones,
}

impl LoadProfile {
    /// Drops from an AD user what this profile does not read.
    pub fn project_on_prem(self, u: &mut OnPremUser) {
        match self {
            LoadProfile::Full => {}
            LoadProfile::Scan => {
                drop_shadowed_mail(&u.proxy_addresses, &mut u.mail);
                u.when_changed = None;
            }
            LoadProfile::Phones => {
                keep_primary_smtp(&mut u.proxy_addresses, &mut u.mail);
                // `sAMAccountName` tells Entra Connect's own service accounts (`AAD_`, `MSOL_`), which the
                // analyses leave out ([`idrift_core::default_scope`]): kept only where it does that.
                if idrift_core::default_scope::classify(u).is_none() {
                    u.sam_account_name = None;
                }
                u.target_address = None;
                u.when_changed = None;
            }
        }
    }

    /// What the LDIF reader keeps of each user for this profile: the attributes [`Self::project_on_prem`]
    /// drops are not stored in the first place (and `proxyAddresses` only up to the primary address where
    /// the profile keeps no more), so they cost no memory while the export is read.
    fn ldif_keep(self) -> idrift_ldap::ldif::Keep {
        use idrift_ldap::ldif::Keep;
        match self {
            LoadProfile::Full => Keep::ALL,
            LoadProfile::Scan => Keep {
                when_changed: false,
                ..Keep::ALL
            },
            LoadProfile::Phones => Keep {
                sam_account_name: true,
                target_address: false,
                when_changed: false,
                all_proxy_addresses: false,
            },
        }
    }

    /// What the streamed Graph users reader keeps of each user for this profile: attributes
    /// [`Self::project_cloud`] drops that it can leave out are not stored in the first place.
    fn users_keep(self) -> idrift_cloud::snapshot::UsersKeep {
        use idrift_cloud::snapshot::UsersKeep;
        match self {
            LoadProfile::Full | LoadProfile::Scan => UsersKeep::All,
            LoadProfile::Phones => UsersKeep::Compare,
        }
    }

    /// Drops from an Entra ID user what this profile does not read.
    pub fn project_cloud(self, u: &mut CloudUser) {
        match self {
            LoadProfile::Full => {}
            LoadProfile::Scan => {
                drop_shadowed_mail(&u.proxy_addresses, &mut u.mail);
                u.display_name = None;
                u.business_phones = Vec::new();
                for l in &mut u.assigned_licenses {
                    l.disabled_plans = Vec::new();
                }
            }
            LoadProfile::Phones => {
                keep_primary_smtp(&mut u.proxy_addresses, &mut u.mail);
                u.display_name = None;
                u.business_phones = Vec::new();
                u.assigned_licenses = Vec::new();
                u.on_premises_provisioning_errors = Vec::new();
                u.service_provisioning_errors = Vec::new();
            }
        }
    }

    /// Drops from every user of a loaded snapshot what this profile does not read (for data that was not
    /// read through a `*_with` loader, such as live sources).
    pub fn project(self, snapshot: &mut Snapshot) {
        if self == LoadProfile::Full {
            return;
        }
        for u in &mut snapshot.on_prem {
            self.project_on_prem(u);
        }
        for u in &mut snapshot.cloud {
            self.project_cloud(u);
        }
    }
}

/// Drops `mail` when an `SMTP:` proxy address is the primary SMTP address (`primary_smtp()` then does not
/// read `mail`).
fn drop_shadowed_mail(proxy_addresses: &[String], mail: &mut Option<String>) {
    if primary_smtp(proxy_addresses).is_some() {
        *mail = None;
    }
}

/// Reduces `proxy_addresses` and `mail` to what `primary_smtp()` reads: the first `SMTP:` address, else
/// `mail`. When `mail` holds that same address, only `mail` is kept (one string instead of a list).
fn keep_primary_smtp(proxy_addresses: &mut Vec<String>, mail: &mut Option<String>) {
    let Some(i) = proxy_addresses.iter().position(|p| p.starts_with("SMTP:")) else {
        *proxy_addresses = Vec::new();
        return;
    };
    let primary = proxy_addresses.swap_remove(i);
    if mail.as_deref() == primary.get("SMTP:".len()..) {
        *proxy_addresses = Vec::new();
    } else {
        *mail = None;
        *proxy_addresses = vec![primary];
    }
}

/// Reads an LDIF export of AD users.
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file and line.
pub fn load_ad_file(path: &Path) -> Result<(Vec<OnPremUser>, Vec<String>), AppError> {
    load_ad_file_with(path, LoadProfile::Full)
}

/// Reads an LDIF export of AD users, keeping what `profile` reads.
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file and line.
pub fn load_ad_file_with(
    path: &Path,
    profile: LoadProfile,
) -> Result<(Vec<OnPremUser>, Vec<String>), AppError> {
    read_ad(path, profile, None)
}

/// Reads an LDIF export of AD users, keeping what `profile` reads and, when `anchor` names a custom source
/// anchor attribute, its value in each user's `custom_anchor`; each user is kept as `A` as it is read.
pub(crate) fn read_ad<A: KeepAd>(
    path: &Path,
    profile: LoadProfile,
    anchor: Option<&str>,
) -> Result<(Vec<A>, Vec<String>), AppError> {
    let parse_err = |e: &dyn std::fmt::Display| AppError::parse(path, e.to_string());
    // `ldifde` writes 1-3 KB per user, a trimmed `ldapsearch` export a few hundred bytes.
    let capacity = |len: usize| len / 600;
    // The reader stores only what the profile keeps; the projection then reduces the primary address.
    let keep = profile.ldif_keep();
    let mut users = Vec::new();
    let mut kept = Keeper::default();
    // UTF-8 (the usual export) is streamed, so the file is never held whole; UTF-16 (`ldifde -u`) and
    // Windows-1252 are decoded once by the shared decoder and parsed where the decoded text lies.
    let mut streamed = None;
    if let Some((reader, len)) = open_utf8_stream(path)? {
        users.reserve(capacity(usize::try_from(len).unwrap_or(0)));
        match idrift_ldap::ldif::read_users_each_utf8(reader, anchor, keep, |mut u| {
            profile.project_on_prem(&mut u);
            kept.push(&mut users, A::keep(u));
        }) {
            Ok(warnings) => streamed = Some(warnings),
            Err(idrift_ldap::ldif::ReadError::NotUtf8 { .. }) => {
                users.clear();
                kept = Keeper::default();
            }
            Err(idrift_ldap::ldif::ReadError::Ldif(e)) => return Err(parse_err(&e)),
        }
    }
    let warnings = match streamed {
        Some(w) => w,
        None => {
            let text = read_decoded(path)?;
            users.reserve(capacity(text.text().len()));
            idrift_ldap::ldif::read_users_each_slice(
                text.text().as_bytes(),
                anchor,
                keep,
                |mut u| {
                    profile.project_on_prem(&mut u);
                    kept.push(&mut users, A::keep(u));
                },
            )
            .map_err(|e| parse_err(&e))?
        }
    };
    kept.check(path)?;
    users.shrink_to_fit();
    let warnings = warnings
        .iter()
        .map(|w| format!("{}: line {}: {}", path.display(), w.line, w.message))
        .collect();
    Ok((users, warnings))
}

/// Reads Graph user JSON (any of the shapes admins export) or an `Export-Clixml` file of `Get-MgUser`.
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file, line and JSON path.
pub fn load_entra_file(path: &Path) -> Result<Vec<CloudUser>, AppError> {
    load_entra_file_with(path, LoadProfile::Full)
}

/// Reads Graph user JSON (any of the shapes admins export), keeping what `profile` reads.
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file, line and JSON path.
pub fn load_entra_file_with(path: &Path, profile: LoadProfile) -> Result<Vec<CloudUser>, AppError> {
    read_entra(path, profile).map(|(users, _)| users)
}

/// Reads Graph user JSON, keeping what `profile` reads, and checks that the export is complete and not
/// empty (see [`Completeness`]); the warnings say what `completeness` let through.
///
/// # Errors
/// As for [`load_entra_file_with`], and [`AppError::Parse`] naming the file when the last page carries
/// `@odata.nextLink` or no user was read (unless `completeness` allows it).
pub fn load_entra_file_checked<C: KeepCloud>(
    path: &Path,
    profile: LoadProfile,
    completeness: Completeness,
) -> Result<(Vec<C>, Vec<String>), AppError> {
    let (users, read) = read_entra(path, profile)?;
    let mut warnings = Vec::new();
    completeness.check_entra(path, &read, &mut warnings)?;
    Ok((users, warnings))
}

/// Reads an LDIF export of AD users, keeping what `profile` reads (and the custom source anchor attribute
/// `anchor` names), and checks that it holds users (see [`Completeness`]).
///
/// # Errors
/// As for [`load_ad_file_with`], and [`AppError::Parse`] naming the file when no user was read (unless
/// `completeness` allows it).
pub fn load_ad_file_checked<A: KeepAd>(
    path: &Path,
    profile: LoadProfile,
    completeness: Completeness,
    anchor: Option<&str>,
) -> Result<(Vec<A>, Vec<String>), AppError> {
    let (users, mut warnings) = read_ad(path, profile, anchor)?;
    completeness.check_empty(path, "Active Directory", users.len(), &mut warnings)?;
    Ok((users, warnings))
}

fn read_entra<C: KeepCloud>(
    path: &Path,
    profile: LoadProfile,
) -> Result<(Vec<C>, idrift_cloud::snapshot::UsersRead), AppError> {
    let mut users = Vec::new();
    let mut kept = Keeper::default();
    // UTF-8 (the usual export) is streamed and read on all cores, so the file is never held whole; other
    // shapes, other encodings (UTF-16 from Windows PowerShell's `Out-File`, Windows-1252) and invalid
    // input are decoded once by the shared decoder and read by the serial reader, which names errors.
    if let Some((reader, len)) = open_utf8_stream(path)? {
        // Graph writes about 500 bytes per user with the default properties, more with `$select`.
        users.reserve(usize::try_from(len).unwrap_or(0) / 450);
        let read = idrift_cloud::snapshot::read_users_each_stream(
            reader,
            profile.users_keep(),
            |mut u| {
                profile.project_cloud(&mut u);
                kept.push(&mut users, C::keep(u));
            },
        );
        if let Some(read) = read {
            kept.check(path)?;
            users.shrink_to_fit();
            return Ok((users, read));
        }
        users.clear();
        kept = Keeper::default();
    }
    let text = read_decoded(path)?;
    users.reserve(text.text().len() / 450);
    // JSON or Export-Clixml, told apart by content.
    let read = crate::inputs::read_entra_text(path, text.text(), |mut u| {
        profile.project_cloud(&mut u);
        kept.push(&mut users, C::keep(u));
    })?;
    kept.check(path)?;
    users.shrink_to_fit();
    Ok((users, read))
}

/// Keeps the users a reader hands over, and remembers whether one could not be kept (a lean user holds
/// at most 4 GiB of text).
#[derive(Default)]
struct Keeper {
    refused: bool,
}

impl Keeper {
    fn push<T>(&mut self, users: &mut Vec<T>, user: Option<T>) {
        match user {
            Some(u) => users.push(u),
            None => self.refused = true,
        }
    }

    /// Refuses the read when a user could not be kept.
    fn check(&self, path: &Path) -> Result<(), AppError> {
        if self.refused {
            return Err(AppError::parse(
                path,
                "a user's values together exceed 4 GiB, more than the comparison holds for one user",
            ));
        }
        Ok(())
    }
}

/// Keeps each user of `users` as `keep` makes it (users read elsewhere: live, the demo); refused, naming
/// `source`, as a reader refuses, when one cannot be kept.
pub(crate) fn keep_all<U, K>(
    source: &Path,
    users: Vec<U>,
    keep: fn(U) -> Option<K>,
) -> Result<Vec<K>, AppError> {
    let mut kept = Keeper::default();
    let mut out = Vec::with_capacity(users.len());
    for u in users {
        kept.push(&mut out, keep(u));
    }
    kept.check(source)?;
    Ok(out)
}

/// `snapshot` with its users kept as `A` and `C` (see [`keep_all`]); everything else is moved over as it is.
///
/// # Errors
/// [`AppError::Parse`] naming `source` when a user cannot be kept so.
pub(crate) fn keep_snapshot<A: KeepAd, C: KeepCloud>(
    source: &Path,
    snapshot: Snapshot,
) -> Result<Snapshot<A, C>, AppError> {
    let Snapshot {
        on_prem,
        cloud,
        tenant_sync,
        exo_recipients,
        exo_users,
        domains,
        not_synced_by_default,
        anchor,
        anchor_attribute,
    } = snapshot;
    Ok(Snapshot {
        on_prem: keep_all(source, on_prem, A::keep)?,
        cloud: keep_all(source, cloud, C::keep)?,
        tenant_sync,
        exo_recipients,
        exo_users,
        domains,
        not_synced_by_default,
        anchor,
        anchor_attribute,
    })
}

/// What a source may lack and still be read: by default an export whose last Graph page still carries
/// `@odata.nextLink` (one saved page of a longer list) and a source with no user at all are refused, since
/// both would under-report drift without a word. Delta exports (`@odata.deltaLink`, `@removed` entries)
/// are complete when their last page carries the delta link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completeness {
    /// `--allow-incomplete`: read an export whose last page carries `@odata.nextLink`, with a warning.
    pub allow_incomplete: bool,
    /// `--allow-empty`: read a source with no user, with a warning.
    pub allow_empty: bool,
    /// How the front end names the two allowances in a refusal; `None` words them plainly.
    pub names: Option<AllowNames>,
}

/// The front end's names for [`Completeness::allow_incomplete`] and [`Completeness::allow_empty`]
/// (`--allow-incomplete`, or the PowerShell parameter), so that a refusal says what to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowNames {
    /// Allowing an incomplete export.
    pub incomplete: &'static str,
    /// Allowing an empty source.
    pub empty: &'static str,
}

/// Refuses the file at `path` with the message `refusal` makes unless `allowed`; when allowed, notes
/// `warning` about it.
fn refuse_unless(
    allowed: bool,
    path: &Path,
    refusal: impl FnOnce() -> String,
    warning: &str,
    warnings: &mut Vec<String>,
) -> Result<(), AppError> {
    if !allowed {
        return Err(AppError::parse(path, refusal()));
    }
    warnings.push(format!("{}: {warning}", path.display()));
    Ok(())
}

impl Completeness {
    /// What to do to read it anyway: give the front end's setting, or in words when it named none.
    fn allowance(self, name: fn(AllowNames) -> &'static str, words: &str) -> String {
        self.names
            .map_or_else(|| words.to_owned(), |n| format!("give {}", name(n)))
    }

    /// Checks an Entra export's last page and its user count.
    ///
    /// # Errors
    /// [`AppError::Parse`] naming the file and the nextLink, or the empty source.
    pub fn check_entra(
        self,
        path: &Path,
        read: &idrift_cloud::snapshot::UsersRead,
        warnings: &mut Vec<String>,
    ) -> Result<(), AppError> {
        if let Some(link) = &read.next_link {
            let what = format!(
                "the export is incomplete: its last page carries @odata.nextLink {link} (the pages after it \
                 were not saved); export every page (Get-MgUser -All, or follow @odata.nextLink until no page \
                 carries one)"
            );
            refuse_unless(
                self.allow_incomplete,
                path,
                || {
                    let allow = self.allowance(|n| n.incomplete, "allow an incomplete export");
                    format!("{what}, or {allow} to read it as it is")
                },
                &format!(
                    "{what}; read as it is (incomplete exports allowed), so drift may be under-reported"
                ),
                warnings,
            )?;
        }
        self.check_empty(path, "Entra ID", read.count, warnings)
    }

    /// Checks that a source holds users.
    ///
    /// # Errors
    /// [`AppError::Parse`] naming the file when it holds none and empty sources are not allowed.
    pub fn check_empty(
        self,
        path: &Path,
        side: &str,
        users: usize,
        warnings: &mut Vec<String>,
    ) -> Result<(), AppError> {
        if users > 0 {
            return Ok(());
        }
        let what = format!("the {side} source holds no user, so every result would be empty");
        refuse_unless(
            self.allow_empty,
            path,
            || {
                let allow = self.allowance(|n| n.empty, "allow an empty source");
                format!("{what}; check the export (its filter, its base DN), or {allow} to read it")
            },
            &format!("{what} (empty sources allowed)"),
            warnings,
        )
    }
}

/// Reads the `GET /directory/onPremisesSynchronization` response.
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file.
pub fn load_tenant_sync_file(path: &Path) -> Result<Option<TenantSync>, AppError> {
    let text = read_text(path)?;
    idrift_cloud::snapshot::read_tenant_sync(&text)
        .map_err(|e| AppError::parse(path, e.to_string()))
}

/// Reads Exchange Online recipients or `Get-User` output (JSON or `Export-Clixml`).
///
/// # Errors
/// [`AppError::Read`] or [`AppError::Parse`] naming the file.
pub fn load_exo_file(path: &Path) -> Result<Vec<ExoRecipient>, AppError> {
    let text = read_decoded(path)?;
    // JSON or Export-Clixml, told apart by content.
    crate::inputs::read_exo_text(path, text.text())
}

/// Reads an AD export and an Entra export in parallel.
///
/// # Errors
/// The first reader error, naming its file.
pub fn load_pair(ad: &Path, entra: &Path) -> Result<Loaded, AppError> {
    load_pair_with(ad, entra, LoadProfile::Full)
}

/// Reads an AD export and an Entra export in parallel, keeping what `profile` reads.
///
/// # Errors
/// The first reader error, naming its file.
pub fn load_pair_with(ad: &Path, entra: &Path, profile: LoadProfile) -> Result<Loaded, AppError> {
    load_pair_and(ad, entra, profile, None, None, || Ok(())).map(|(loaded, ())| loaded)
}

/// [`load_pair_with`], checking both sources as [`load_dir_checked`] does (see [`Completeness`]) and
/// keeping the custom source anchor attribute `anchor` names.
///
/// # Errors
/// The first reader error, naming its file; then the errors of [`Completeness::check_empty`] and
/// [`Completeness::check_entra`].
pub fn load_pair_checked<A: KeepAd, C: KeepCloud>(
    ad: &Path,
    entra: &Path,
    profile: LoadProfile,
    completeness: Completeness,
    anchor: Option<&str>,
) -> Result<Loaded<A, C>, AppError> {
    load_pair_and(ad, entra, profile, Some(completeness), anchor, || Ok(()))
        .map(|(loaded, ())| loaded)
}

/// [`load_pair_with`], running `then` on the AD thread once the LDIF is read (the Entra JSON, the larger
/// parse, is usually still being read then). Errors come in the order AD, Entra, `then`.
fn load_pair_and<A: KeepAd, C: KeepCloud, T: Send>(
    ad: &Path,
    entra: &Path,
    profile: LoadProfile,
    completeness: Option<Completeness>,
    anchor: Option<&str>,
    then: impl FnOnce() -> Result<T, AppError> + Send,
) -> Result<(Loaded<A, C>, T), AppError> {
    let (ad_result, entra_result, then_result) = std::thread::scope(|s| {
        let ad_thread = s.spawn(|| (read_ad(ad, profile, anchor), then()));
        let entra_result = read_entra(entra, profile);
        let (ad_result, then_result) = ad_thread.join().unwrap_or_else(|_| {
            let stopped = || {
                AppError::Invalid(format!(
                    "{}: the LDIF reader stopped unexpectedly",
                    ad.display()
                ))
            };
            (Err(stopped()), Err(stopped()))
        });
        (ad_result, entra_result, then_result)
    });
    let (on_prem, mut warnings) = ad_result?;
    let (cloud, read) = entra_result?;
    let then_value = then_result?;
    if let Some(c) = completeness {
        c.check_empty(ad, "Active Directory", on_prem.len(), &mut warnings)?;
        c.check_entra(entra, &read, &mut warnings)?;
    }
    let loaded = Loaded {
        snapshot: Snapshot {
            on_prem,
            cloud,
            ..Snapshot::default()
        },
        custom_anchor_suspected: false,
        warnings,
    };
    Ok((loaded, then_value))
}

fn optional(dir: &Path, name: &str) -> Option<PathBuf> {
    let p = dir.join(name);
    p.is_file().then_some(p)
}

/// Loads a snapshot directory.
///
/// # Errors
/// [`AppError::MissingFile`] when `ad.ldif` or `entra-users.json` is absent; reader errors naming the file.
pub fn load_dir(dir: &Path) -> Result<Loaded, AppError> {
    load_dir_with(dir, LoadProfile::Full)
}

/// Loads a snapshot directory, keeping of each user what `profile` reads (the optional files are read
/// whole).
///
/// # Errors
/// [`AppError::MissingFile`] when `ad.ldif` or `entra-users.json` is absent; reader errors naming the file.
pub fn load_dir_with(dir: &Path, profile: LoadProfile) -> Result<Loaded, AppError> {
    load_dir_inner(dir, profile, None, None)
}

/// [`load_dir`], keeping the custom source anchor attribute `anchor` names.
///
/// # Errors
/// As for [`load_dir`].
pub(crate) fn load_dir_anchored(dir: &Path, anchor: Option<&str>) -> Result<Loaded, AppError> {
    load_dir_inner(dir, LoadProfile::Full, None, anchor)
}

/// [`load_dir_with`], checking that `ad.ldif` and `entra-users.json` hold users and that the Entra export
/// is complete (see [`Completeness`]); the warnings of what `completeness` let through are in
/// [`Loaded::warnings`]. The custom source anchor attribute `anchor` names is kept.
///
/// # Errors
/// As for [`load_dir_with`], and the errors of [`Completeness::check_entra`] and
/// [`Completeness::check_empty`].
pub fn load_dir_checked<A: KeepAd, C: KeepCloud>(
    dir: &Path,
    profile: LoadProfile,
    completeness: Completeness,
    anchor: Option<&str>,
) -> Result<Loaded<A, C>, AppError> {
    load_dir_inner(dir, profile, Some(completeness), anchor)
}

fn load_dir_inner<A: KeepAd, C: KeepCloud>(
    dir: &Path,
    profile: LoadProfile,
    completeness: Option<Completeness>,
    anchor: Option<&str>,
) -> Result<Loaded<A, C>, AppError> {
    if !dir.is_dir() {
        return Err(AppError::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a snapshot directory"),
        });
    }
    let ad = dir.join(AD_FILE);
    if !ad.is_file() {
        return Err(AppError::MissingFile {
            dir: dir.to_path_buf(),
            file: AD_FILE,
        });
    }
    let entra = dir.join(ENTRA_USERS_FILE);
    if !entra.is_file() {
        return Err(AppError::MissingFile {
            dir: dir.to_path_buf(),
            file: ENTRA_USERS_FILE,
        });
    }
    // The small optional files are read on the AD thread, while the Entra users are still being read.
    let optional_files = || -> Result<Snapshot, AppError> {
        let mut extra = Snapshot::default();
        if let Some(p) = optional(dir, ENTRA_SYNC_FILE) {
            extra.tenant_sync = load_tenant_sync_file(&p)?;
        }
        if let Some(p) = optional(dir, EXO_RECIPIENTS_FILE) {
            extra.exo_recipients = Some(load_exo_file(&p)?);
        }
        if let Some(p) = optional(dir, EXO_USERS_FILE) {
            extra.exo_users = Some(load_exo_file(&p)?);
        }
        Ok(extra)
    };
    let (mut loaded, extra) =
        load_pair_and(&ad, &entra, profile, completeness, anchor, optional_files)?;
    loaded.snapshot.tenant_sync = extra.tenant_sync;
    loaded.snapshot.exo_recipients = extra.exo_recipients;
    loaded.snapshot.exo_users = extra.exo_users;
    Ok(loaded)
}

/// Which parts of a snapshot to write (a `snapshot take` may read only some sources).
#[derive(Debug, Clone, Copy, Default)]
pub struct Parts {
    /// Write `ad.ldif`.
    pub ad: bool,
    /// Write `entra-users.json`.
    pub entra: bool,
}

impl Parts {
    /// Both sides: `ad.ldif` and `entra-users.json`.
    pub const BOTH: Parts = Parts {
        ad: true,
        entra: true,
    };
}

/// Writes a snapshot directory. The files are staged in a sibling directory that is renamed into place only
/// when every file was written, so an interrupted run leaves no partial snapshot.
///
/// # Errors
/// [`AppError::Write`] naming the file; [`AppError::Invalid`] when `dir` exists and is not empty.
pub fn write_dir(dir: &Path, snapshot: &Snapshot, parts: Parts) -> Result<(), AppError> {
    if dir.exists() && fs::read_dir(dir).map_err(write_err(dir))?.next().is_some() {
        return Err(AppError::Invalid(format!(
            "{}: output directory exists and is not empty; choose a new output directory",
            dir.display()
        )));
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".to_owned());
    let staging = dir.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        fs::create_dir_all(&staging).map_err(write_err(&staging))?;
        write_parts(&staging, snapshot, parts)?;
        if dir.exists() {
            fs::remove_dir(dir).map_err(write_err(dir))?;
        }
        fs::rename(&staging, dir).map_err(write_err(dir))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Writes into the directory `into` the files of `snapshot` that `parts` names, plus the tenant sync object,
/// the tenant's domains and the Exchange Online files when the snapshot holds them; each file atomically (a synced temporary
/// sibling renamed over it).
///
/// # Errors
/// [`AppError::Write`] naming the file.
pub fn write_parts(into: &Path, snapshot: &Snapshot, parts: Parts) -> Result<(), AppError> {
    if parts.ad {
        let p = into.join(AD_FILE);
        write_atomic(&p, |w| {
            idrift_ldap::ldif::write_users_anchored(
                w,
                &snapshot.on_prem,
                snapshot.anchor_attribute.as_deref(),
            )
            .map_err(write_err(&p))
        })?;
    }
    if parts.entra {
        let p = into.join(ENTRA_USERS_FILE);
        write_atomic(&p, |w| {
            idrift_cloud::snapshot::write_users(w, &snapshot.cloud).map_err(write_err(&p))
        })?;
    }
    if let Some(sync) = &snapshot.tenant_sync {
        let p = into.join(ENTRA_SYNC_FILE);
        write_atomic(&p, |w| {
            let body = serde_json::json!({ "value": [sync] });
            serde_json::to_writer_pretty(w, &body)
                .map_err(|e| write_err(&p)(std::io::Error::other(e)))
        })?;
    }
    if let Some(d) = &snapshot.domains {
        let p = into.join(ENTRA_DOMAINS_FILE);
        write_atomic(&p, |w| {
            idrift_cloud::snapshot::write_domains(w, d).map_err(write_err(&p))
        })?;
    }
    if let Some(r) = &snapshot.exo_recipients {
        let p = into.join(EXO_RECIPIENTS_FILE);
        write_atomic(&p, |w| {
            idrift_cloud::snapshot::write_exo_recipients(w, r).map_err(write_err(&p))
        })?;
    }
    if let Some(r) = &snapshot.exo_users {
        let p = into.join(EXO_USERS_FILE);
        write_atomic(&p, |w| {
            idrift_cloud::snapshot::write_exo_recipients(w, r).map_err(write_err(&p))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
