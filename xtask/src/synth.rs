//! Deterministic synthetic snapshots for benchmarks: N matched users with a known share of drift.
//!
//! Every user has an AD record (LDIF, about 700 bytes, the attributes `ldifde` exports) and an Entra ID
//! record (Graph JSON, about 500 bytes). One user in 100 has a different cloud mobile number; one in 250
//! differs in formatting only; one in 50 has an Exchange Online mailbox record, so the scan has work too.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The little-endian GUID bytes of user `i` (as AD stores objectGUID).
fn guid_le(i: u64) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&i.to_le_bytes());
    b[8..].copy_from_slice(&(i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).to_le_bytes());
    b[7] = (b[7] & 0x0f) | 0x40;
    b
}

fn guid_text(le: &[u8; 16]) -> String {
    let mut be = *le;
    be[0..4].reverse();
    be[4..6].reverse();
    be[6..8].reverse();
    let h: String = be.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Writes `ad.ldif`, `entra-users.json`, `entra-sync.json` and `exo-recipients.json` for `n` users into `dir`.
/// Reuses the directory when a marker says it already holds the same `n`.
pub(crate) fn generate(n: u64, dir: &Path) -> anyhow::Result<PathBuf> {
    generate_with(n, dir, false)
}

/// Like [`generate`], but every user's cloud mobile number differs from AD's (the `persist --apply` bench).
pub(crate) fn generate_drifted(n: u64, dir: &Path) -> anyhow::Result<PathBuf> {
    generate_with(n, dir, true)
}

fn generate_with(n: u64, dir: &Path, all_drift: bool) -> anyhow::Result<PathBuf> {
    let marker = dir.join(".synth-v1");
    let stamp = if all_drift {
        format!("{n} drifted")
    } else {
        n.to_string()
    };
    if fs::read_to_string(&marker).is_ok_and(|s| s.trim() == stamp) {
        return Ok(dir.to_path_buf());
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut ad = BufWriter::with_capacity(1 << 20, File::create(dir.join("ad.ldif"))?);
    let mut entra = BufWriter::with_capacity(1 << 20, File::create(dir.join("entra-users.json"))?);
    let mut exo = BufWriter::with_capacity(1 << 20, File::create(dir.join("exo-recipients.json"))?);
    writeln!(ad, "version: 1")?;
    write!(
        entra,
        "{{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users\",\"value\":["
    )?;
    write!(exo, "{{\"value\":[")?;
    let mut first_exo = true;
    for i in 0..n {
        let le = guid_le(i + 1);
        let anchor = base64(&le);
        let upn = format!("user{i:07}@contoso.com");
        let mobile = format!("+1 425 555 {:04}", i % 10_000);
        let cloud_mobile = if all_drift || i % 100 == 7 {
            format!("+1 206 555 {:04}", i % 10_000)
        } else if i % 250 == 3 {
            format!("+1425555{:04}", i % 10_000)
        } else {
            mobile.clone()
        };
        let mailbox = i % 50 == 0;
        writeln!(ad)?;
        writeln!(ad, "dn: CN=User {i:07},OU=Users,OU=Sync,DC=contoso,DC=com")?;
        writeln!(
            ad,
            "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user"
        )?;
        writeln!(ad, "cn: User {i:07}")?;
        writeln!(ad, "objectGUID:: {anchor}")?;
        writeln!(ad, "mS-DS-ConsistencyGuid:: {anchor}")?;
        writeln!(ad, "sAMAccountName: user{i:07}")?;
        writeln!(ad, "userPrincipalName: {upn}")?;
        writeln!(ad, "mail: {upn}")?;
        writeln!(ad, "proxyAddresses: SMTP:{upn}")?;
        writeln!(
            ad,
            "proxyAddresses: smtp:user{i:07}@contoso.mail.onmicrosoft.com"
        )?;
        writeln!(
            ad,
            "targetAddress: SMTP:user{i:07}@contoso.mail.onmicrosoft.com"
        )?;
        writeln!(ad, "mobile: {mobile}")?;
        writeln!(
            ad,
            "msExchMailboxGuid:: {}",
            base64(&guid_le(i + 1_000_000_000))
        )?;
        writeln!(ad, "msExchRecipientTypeDetails: 2147483648")?;
        writeln!(ad, "msExchRemoteRecipientType: 4")?;
        writeln!(ad, "whenChanged: 20261120093000.0Z")?;
        if i > 0 {
            write!(entra, ",")?;
        }
        let id = guid_text(&guid_le(i + 2_000_000_000));
        write!(
            entra,
            "{{\"id\":\"{id}\",\"userPrincipalName\":\"{upn}\",\"displayName\":\"User {i:07}\",\"mail\":\"{upn}\",\"onPremisesImmutableId\":\"{anchor}\",\"onPremisesSyncEnabled\":true,\"mobilePhone\":\"{cloud_mobile}\",\"businessPhones\":[],\"proxyAddresses\":[\"SMTP:{upn}\",\"smtp:user{i:07}@contoso.mail.onmicrosoft.com\"],\"assignedLicenses\":[{{\"disabledPlans\":[],\"skuId\":\"6fd2c87f-b296-42f0-b197-1e91e994b900\"}}],\"onPremisesProvisioningErrors\":[],\"serviceProvisioningErrors\":[]}}"
        )?;
        if mailbox {
            if !first_exo {
                write!(exo, ",")?;
            }
            first_exo = false;
            write!(
                exo,
                "{{\"Identity\":\"User {i:07}\",\"ExternalDirectoryObjectId\":\"{id}\",\"UserPrincipalName\":\"{upn}\",\"PrimarySmtpAddress\":\"{upn}\",\"RecipientType\":\"UserMailbox\",\"RecipientTypeDetails\":\"UserMailbox\",\"ExchangeGuid\":\"{}\",\"EmailAddresses\":[\"SMTP:{upn}\",\"smtp:user{i:07}@contoso.mail.onmicrosoft.com\"],\"IsDirSynced\":true}}",
                guid_text(&guid_le(i + 1_000_000_000))
            )?;
        }
    }
    write!(entra, "]}}")?;
    write!(exo, "]}}")?;
    ad.flush()?;
    entra.flush()?;
    exo.flush()?;
    fs::write(
        dir.join("entra-sync.json"),
        "{\"value\":[{\"id\":\"12cce4b4-4ab8-40b7-be4d-f5d7742ec185\",\"features\":{\"softMatchOnUpnEnabled\":true,\"bypassDirSyncOverridesEnabled\":false}}]}",
    )?;
    fs::write(&marker, &stamp)?;
    Ok(dir.to_path_buf())
}

/// Writes an AD export of `n` objects for `idrift lint` to `path`: 90 % users, 5 % contacts, 5 % mail-enabled
/// groups, each with the attributes lint reads (proxy addresses, certificates, a consistency GUID...), and one
/// object in 100 carrying an error (a space in a UPN, a `.local` mail, a duplicate proxy address, a leading dot
/// in a mailNickname). Reuses the file when a marker beside it says it holds the same `n`.
pub(crate) fn lint_ldif(n: u64, path: &Path) -> anyhow::Result<PathBuf> {
    let marker = path.with_extension("ldif.synth-v1");
    if path.is_file() && fs::read_to_string(&marker).is_ok_and(|s| s.trim() == n.to_string()) {
        return Ok(path.to_path_buf());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(w, "version: 1")?;
    for i in 0..n {
        let bad = i % 100 == 42;
        writeln!(w)?;
        match i % 20 {
            0 => {
                writeln!(
                    w,
                    "dn: CN=Contact {i:07},OU=Contacts,OU=Sync,DC=contoso,DC=com"
                )?;
                writeln!(
                    w,
                    "objectClass: top\nobjectClass: person\nobjectClass: contact"
                )?;
                writeln!(w, "cn: Contact {i:07}\ndisplayName: Contact {i:07}")?;
                let domain = if bad {
                    "fabrikam.local"
                } else {
                    "fabrikam.com"
                };
                writeln!(w, "mail: contact{i:07}@{domain}")?;
                writeln!(w, "mailNickname: contact{i:07}")?;
                writeln!(w, "proxyAddresses: SMTP:contact{i:07}@{domain}")?;
                writeln!(w, "targetAddress: SMTP:contact{i:07}@{domain}")?;
            }
            10 => {
                writeln!(w, "dn: CN=Group {i:07},OU=Groups,OU=Sync,DC=contoso,DC=com")?;
                writeln!(w, "objectClass: top\nobjectClass: group")?;
                writeln!(
                    w,
                    "cn: Group {i:07}\ndisplayName: Group {i:07}\ngroupType: 2"
                )?;
                writeln!(
                    w,
                    "sAMAccountName: group{i:07}\nmail: group{i:07}@contoso.com"
                )?;
                let nick = if bad { "." } else { "" };
                writeln!(w, "mailNickname: {nick}group{i:07}")?;
                writeln!(w, "proxyAddresses: SMTP:group{i:07}@contoso.com")?;
            }
            _ => {
                writeln!(w, "dn: CN=User {i:07},OU=Users,OU=Sync,DC=contoso,DC=com")?;
                writeln!(
                    w,
                    "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user"
                )?;
                writeln!(w, "cn: User {i:07}\ndisplayName: User {i:07}")?;
                writeln!(w, "mS-DS-ConsistencyGuid:: {}", base64(&guid_le(i + 1)))?;
                writeln!(w, "sAMAccountName: user{i:07}")?;
                let sp = if bad { " " } else { "" };
                writeln!(w, "userPrincipalName: user{sp}{i:07}@contoso.com")?;
                writeln!(w, "mail: user{i:07}@contoso.com\nmailNickname: user{i:07}")?;
                writeln!(w, "proxyAddresses: SMTP:user{i:07}@contoso.com")?;
                writeln!(
                    w,
                    "proxyAddresses: smtp:user{i:07}@contoso.mail.onmicrosoft.com"
                )?;
                writeln!(
                    w,
                    "proxyAddresses: X500:/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user{i:07}"
                )?;
                if bad {
                    // The neighbour's address: a duplicate across objects.
                    writeln!(w, "proxyAddresses: smtp:user{:07}@contoso.com", i + 1)?;
                }
                writeln!(
                    w,
                    "targetAddress: SMTP:user{i:07}@contoso.mail.onmicrosoft.com"
                )?;
                writeln!(w, "userCertificate:: MIIBAAECAwQFBgcICQ==")?;
                writeln!(w, "whenChanged: 20261120093000.0Z")?;
            }
        }
    }
    w.flush()?;
    fs::write(&marker, n.to_string())?;
    Ok(path.to_path_buf())
}

/// `cargo xtask synth N DIR`.
pub(crate) fn cli(args: &[String]) -> anyhow::Result<bool> {
    let n: u64 = args
        .first()
        .context("usage: cargo xtask synth N DIR [--drifted]")?
        .parse()
        .context("N must be a whole number")?;
    let dir = PathBuf::from(
        args.get(1)
            .context("usage: cargo xtask synth N DIR [--drifted]")?,
    );
    if args.iter().any(|a| a == "--drifted") {
        generate_drifted(n, &dir)?;
    } else {
        generate(n, &dir)?;
    }
    println!(
        "wrote a synthetic snapshot of {n} users to {}",
        dir.display()
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn guid_text_is_le_decoded() {
        let le = [
            0xc6, 0x3d, 0x20, 0xce, 0xe5, 0xac, 0x60, 0x48, 0xa8, 0xdb, 0x94, 0x18, 0xe3, 0x84,
            0x45, 0x0c,
        ];
        assert_eq!(guid_text(&le), "ce203dc6-ace5-4860-a8db-9418e384450c");
    }
}
