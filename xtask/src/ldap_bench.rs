//! The live-AD read benchmark: 20,000 users read from the local Samba DC by `idrift snapshot take --ad`
//! and by `ldapsearch -E pr=1000/noprompt`, in the same run, over the same transport (StartTLS, the DC's
//! CA), the same filter and the same attributes. Target: idrift within 1.5x of ldapsearch's time.
//!
//! The DC comes from `tests/samba/samba-ad-up.sh up` (idempotent) and the users from
//! `tests/samba/seed-users.sh 20000 idrift-bench-20k` (seeded once, reused by later runs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

const USERS: usize = 20_000;
const OU_NAME: &str = "idrift-bench-20k";
const RUNS: usize = 3;
const FILTER: &str = "(&(objectCategory=person)(objectClass=user))";
/// The attributes `idrift-ldap` requests (the core model's set).
const ATTRIBUTES: [&str; 14] = [
    "objectGUID",
    "mS-DS-ConsistencyGuid",
    "sAMAccountName",
    "userPrincipalName",
    "mail",
    "proxyAddresses",
    "targetAddress",
    "mobile",
    "otherMobile",
    "msExchMailboxGuid",
    "msExchRecipientTypeDetails",
    "msExchRemoteRecipientType",
    "msExchRecipientDisplayType",
    "whenChanged",
];
const PASSWORD_VAR: &str = "IDRIFT_BENCH_AD_PASSWORD";

fn samba_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/samba")
}

fn checked(what: &str, out: Output) -> anyhow::Result<String> {
    if !out.status.success() {
        bail!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The value of `name` among the `export NAME='value'` lines of `samba-ad-up.sh env`.
fn var<'a>(env: &'a str, name: &str) -> anyhow::Result<&'a str> {
    env.lines()
        .filter_map(|l| l.trim().strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('\''))
        .with_context(|| format!("samba-ad-up.sh env printed no {name}"))
}

/// Best (smallest) wall time of `RUNS` runs, and the number of users the last run returned.
fn best_of(mut run: impl FnMut() -> anyhow::Result<usize>) -> anyhow::Result<(Duration, usize)> {
    let mut best = Duration::MAX;
    let mut users = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        users = run()?;
        best = best.min(t.elapsed());
    }
    Ok((best, users))
}

fn rate(users: usize, wall: Duration) -> f64 {
    users as f64 / wall.as_secs_f64().max(1e-9)
}

/// Runs the benchmark with the `idrift` binary at `idrift_bin` and returns a Markdown report.
///
/// # Errors
/// The DC does not start, seeding fails, or a benchmarked command fails or returns another number of users
/// than were seeded (the error carries the part of the report measured so far).
pub(crate) fn run(idrift_bin: &Path) -> anyhow::Result<String> {
    let scripts = samba_dir();
    let up = Command::new("bash")
        .arg(scripts.join("samba-ad-up.sh"))
        .arg("up")
        .stderr(Stdio::piped())
        .output()?;
    checked("samba-ad-up.sh up", up)?;
    let env = checked(
        "samba-ad-up.sh env",
        Command::new("bash")
            .arg(scripts.join("samba-ad-up.sh"))
            .arg("env")
            .output()?,
    )?;
    let (url, ca, base, bind, password, dir) = (
        var(&env, "AD_LDAP_URL")?,
        var(&env, "AD_CA_FILE")?,
        var(&env, "AD_BASE_DN")?,
        var(&env, "AD_BIND_DN")?,
        var(&env, "AD_BIND_PASSWORD")?,
        var(&env, "SAMBA_AD_DIR")?,
    );
    let ou = format!("OU={OU_NAME},{base}");
    let t = Instant::now();
    let seeded = checked(
        "seed-users.sh",
        Command::new("bash")
            .arg(scripts.join("seed-users.sh"))
            .args([&USERS.to_string(), OU_NAME, dir])
            .output()?,
    )?;
    let seed_secs = t.elapsed().as_secs_f64();

    let mut report = String::new();
    let _ = writeln!(report, "## Live AD read ({USERS} users, local Samba DC)\n");
    let _ = writeln!(report, "Seeding: {} ({seed_secs:.1} s).", seeded.trim());
    let _ = writeln!(
        report,
        "Both read `{ou}` with StartTLS (the DC's CA), filter `{FILTER}`, the 14 attributes of the core model, \
         pages of 1000. Best of {RUNS} runs.\n"
    );
    let _ = writeln!(
        report,
        "| Reader | Users | Wall | Users/s |\n|---|---|---|---|"
    );

    // The password goes to ldapsearch in a private file, not on its command line.
    let work = std::env::temp_dir().join(format!("idrift-ldap-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let pw_file = work.join("password");
    std::fs::write(&pw_file, password)?;
    let result = measure_both(
        idrift_bin,
        &mut report,
        &work,
        &pw_file,
        url,
        ca,
        bind,
        password,
        &ou,
    );
    let _ = std::fs::remove_dir_all(&work);
    result.with_context(|| format!("partial report:\n{report}"))?;
    Ok(report)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the DC's variables"
)]
fn measure_both(
    idrift_bin: &Path,
    report: &mut String,
    work: &Path,
    pw_file: &Path,
    url: &str,
    ca: &str,
    bind: &str,
    password: &str,
    ou: &str,
) -> anyhow::Result<()> {
    let (ls_wall, ls_users) = best_of(|| {
        let out = Command::new("ldapsearch")
            .env("LDAPTLS_CACERT", ca)
            .args([
                "-x",
                "-LLL",
                "-ZZ",
                "-o",
                "ldif-wrap=no",
                "-H",
                url,
                "-D",
                bind,
                "-y",
            ])
            .arg(pw_file)
            .args(["-b", ou, "-E", "pr=1000/noprompt", FILTER])
            .args(ATTRIBUTES)
            .output()
            .context("cannot run ldapsearch (package ldap-utils)")?;
        let text = checked("ldapsearch", out)?;
        Ok(text.lines().filter(|l| l.starts_with("dn:")).count())
    })?;
    if ls_users != USERS {
        bail!("ldapsearch returned {ls_users} users, expected {USERS}");
    }
    let _ = writeln!(
        report,
        "| `ldapsearch -E pr=1000/noprompt` | {ls_users} | {:.2} s | {:.0} |",
        ls_wall.as_secs_f64(),
        rate(ls_users, ls_wall)
    );

    let out_dir = work.join("snapshot");
    let (id_wall, id_users) = best_of(|| {
        let _ = std::fs::remove_dir_all(&out_dir);
        let out = Command::new(idrift_bin)
            .env(PASSWORD_VAR, password)
            .args([
                "snapshot",
                "take",
                "--ad",
                url,
                "--ad-base-dn",
                ou,
                "--ad-bind",
                bind,
            ])
            .args([
                "--ad-password-env",
                PASSWORD_VAR,
                "--ad-ca-file",
                ca,
                "--out",
            ])
            .arg(&out_dir)
            .output()
            .with_context(|| format!("cannot run {}", idrift_bin.display()))?;
        checked("idrift snapshot take --ad", out)?;
        let ldif =
            std::fs::read_to_string(out_dir.join("ad.ldif")).context("idrift wrote no ad.ldif")?;
        Ok(ldif.lines().filter(|l| l.starts_with("dn:")).count())
    })?;
    if id_users != USERS {
        bail!("idrift snapshot take wrote {id_users} users, expected {USERS}");
    }
    let ratio = id_wall.as_secs_f64() / ls_wall.as_secs_f64().max(1e-9);
    let _ = writeln!(
        report,
        "| `idrift snapshot take --ad` | {id_users} | {:.2} s | {:.0} |",
        id_wall.as_secs_f64(),
        rate(id_users, id_wall)
    );
    let verdict = if ratio <= 1.5 { "met" } else { "NOT met" };
    let _ = writeln!(
        report,
        "\nidrift / ldapsearch time: {ratio:.2}x (target at most 1.5x: {verdict})."
    );
    Ok(())
}
