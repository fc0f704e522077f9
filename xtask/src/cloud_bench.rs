//! The cloud read benchmark: users per second reading 100k users from the cloud emulator through the
//! Graph client, and the request count, which must equal the pages plus the token requests (no page
//! fetched twice).
//!
//! xtask depends on nothing in the workspace, so it drives `idrift-cloud`'s `cloud_bench` example
//! (`cloud_bench --users N`): the binary starts the emulator in-process on 127.0.0.1, seeds
//! N deterministic users, reads them all once with `idrift_cloud::GraphClient` (client-secret token,
//! `$select`, `$top=999`, `@odata.nextLink`), checks the counts, and prints one JSON line of figures.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

/// Users read by the benchmark.
pub(crate) const USERS: u64 = 100_000;

/// The figures of one run, as the benchmark binary prints them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CloudFigures {
    pub(crate) users: u64,
    pub(crate) pages: u64,
    pub(crate) token_requests: u64,
    pub(crate) requests: u64,
    pub(crate) seconds: f64,
    pub(crate) users_per_second: f64,
}

/// Runs the benchmark with `bench_bin` and returns a Markdown section for the results.
///
/// # Errors
/// When the binary fails, prints no figures, or the request count is not pages plus token requests.
pub(crate) fn run(bench_bin: &Path) -> anyhow::Result<String> {
    let out = Command::new(bench_bin)
        .args(["--users", &USERS.to_string()])
        .output()
        .with_context(|| format!("cannot run {}", bench_bin.display()))?;
    if !out.status.success() {
        bail!(
            "the cloud benchmark failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .context("the cloud benchmark printed no figures")?;
    let f = parse(line)?;
    check(&f)?;
    Ok(section(&f))
}

/// Reads the JSON line (`{"users":…,"pages":…,…}`); a flat object of numbers.
pub(crate) fn parse(line: &str) -> anyhow::Result<CloudFigures> {
    let num = |key: &str| -> anyhow::Result<f64> {
        let pat = format!("\"{key}\":");
        let start = line
            .find(&pat)
            .with_context(|| format!("no {key:?} in the figures: {line}"))?
            + pat.len();
        let rest = &line[start..];
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        rest[..end]
            .trim()
            .parse::<f64>()
            .with_context(|| format!("{key:?} is not a number in: {line}"))
    };
    let int = |key: &str| -> anyhow::Result<u64> {
        let v = num(key)?;
        if v < 0.0 || v.fract() != 0.0 {
            bail!("{key:?} is not a count: {v}");
        }
        Ok(v as u64)
    };
    Ok(CloudFigures {
        users: int("users")?,
        pages: int("pages")?,
        token_requests: int("token_requests")?,
        requests: int("requests")?,
        seconds: num("seconds")?,
        users_per_second: num("users_per_second")?,
    })
}

/// The counts must be exact: every user read, one request per page, plus the token requests.
pub(crate) fn check(f: &CloudFigures) -> anyhow::Result<()> {
    let expected_pages = f.users.div_ceil(999).max(1);
    if f.users != USERS {
        bail!(
            "the cloud benchmark read {} users, expected {USERS}",
            f.users
        );
    }
    if f.pages != expected_pages {
        bail!(
            "{} pages for {} users; expected {expected_pages} at $top=999",
            f.pages,
            f.users
        );
    }
    if f.requests != f.pages + f.token_requests {
        bail!(
            "{} requests for {} pages and {} token requests: a page was fetched more than once",
            f.requests,
            f.pages,
            f.token_requests
        );
    }
    Ok(())
}

/// The Markdown section for `target/bench/results.md`.
pub(crate) fn section(f: &CloudFigures) -> String {
    format!(
        "\n## Cloud read (emulator on 127.0.0.1, Graph client)\n\n\
         | Users | Pages | Token requests | Requests | Wall | Users/s |\n|---|---|---|---|---|---|\n\
         | {} | {} | {} | {} (= pages + token requests) | {:.2} s | {:.0} |\n",
        f.users, f.pages, f.token_requests, f.requests, f.seconds, f.users_per_second
    )
}

#[cfg(test)]
mod tests;
