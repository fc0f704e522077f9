//! The test domain controller: `tests/samba/samba-ad-up.sh`, started before the tests and stopped after.
//!
//! Outside CI a machine that cannot run Samba (not root, no packages) still runs every other test; the
//! live-AD tests then report themselves as skipped. In CI (`CI=true`) a DC that does not start fails the run.

use std::process::Command;

use anyhow::{Context as _, bail};

use crate::util;

fn script() -> std::path::PathBuf {
    util::root().join("tests/samba/samba-ad-up.sh")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run_script(args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("bash")
        .arg(script())
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", script().display()))?;
    if !out.status.success() {
        bail!(
            "{} {} failed ({})",
            script().display(),
            args.join(" "),
            out.status
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Parses the `export NAME='value'` lines the script prints.
pub(crate) fn parse_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('\'')
                .and_then(|x| x.strip_suffix('\''))
                .unwrap_or(v);
            (k.trim().to_owned(), v.to_owned())
        })
        .collect()
}

/// Starts the DC and returns the variables the live-AD tests read, or `None` when it cannot run here
/// (never in CI: there a failure to start is an error).
pub(crate) fn up_for_tests() -> anyhow::Result<Option<Vec<(String, String)>>> {
    if !script().is_file() {
        if util::in_ci() {
            bail!("{} is missing", script().display());
        }
        eprintln!(
            "live-AD tests will be skipped: {} is missing",
            script().display()
        );
        return Ok(None);
    }
    if !is_root() {
        if util::in_ci() {
            bail!("the Samba AD DC needs root (its LDAP ports are fixed at 389/636)");
        }
        eprintln!(
            "live-AD tests will be skipped: the Samba AD DC needs root (ports 389/636); run as root to include them"
        );
        return Ok(None);
    }
    match run_script(&["up"]) {
        Ok(_) => {}
        Err(e) if !util::in_ci() => {
            eprintln!("live-AD tests will be skipped: the DC did not start: {e:#}");
            return Ok(None);
        }
        Err(e) => return Err(e.context("the Samba AD DC did not start (required in CI)")),
    }
    let env = parse_env(&run_script(&["env"])?);
    if !env.iter().any(|(k, _)| k == "AD_LDAP_URL") {
        bail!("samba-ad-up.sh env printed no AD_LDAP_URL");
    }
    Ok(Some(env))
}

/// The variables of a DC that is already up (for `cargo xtask pester` on its own), without starting one;
/// `None` when the script is missing (Windows) or the DC is down.
pub(crate) fn env_if_up() -> Option<Vec<(String, String)>> {
    if cfg!(windows) || !script().is_file() || run_script(&["status"]).is_err() {
        return None;
    }
    let env = parse_env(&run_script(&["env"]).ok()?);
    env.iter().any(|(k, _)| k == "AD_LDAP_URL").then_some(env)
}

/// Stops the DC after the tests (it is started again, quickly, by the next run).
pub(crate) fn down_after_tests() {
    if script().is_file() && is_root() {
        let _ = run_script(&["down"]);
    }
}

/// `cargo xtask samba up|down|env|status`.
pub(crate) fn cli(args: &[String]) -> anyhow::Result<bool> {
    let verb = args.first().map(String::as_str).unwrap_or("status");
    let out = run_script(&[verb])?;
    print!("{out}");
    Ok(true)
}
