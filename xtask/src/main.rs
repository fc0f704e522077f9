//! `cargo xtask`: the project's automation, in Rust so it needs nothing but cargo.
//!
//! - `cargo xtask test`: format check, clippy with warnings denied, the Samba AD domain controller, and every test.
//! - `cargo xtask bench`: the performance figures (synthetic snapshots, live AD, the cloud emulator).
//! - `cargo xtask fuzz [--cases N]`: the property tests of every reader and writer, N cases each.
//! - `cargo xtask screenshots`: the README's pictures, from the real CLI in headless Chromium.
//!
//! The tidy checks (`src/tidy.rs`) run as ordinary tests: `cargo test -p xtask`.
#![deny(unsafe_code)]
#![allow(
    clippy::disallowed_methods,
    reason = "xtask is a developer tool: it reads the environment and the clock"
)]
#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask reports to the terminal"
)]

mod bench;
mod cloud_bench;
mod dist;
mod fuzz;
mod ldap_bench;
mod pester;
#[cfg(test)]
mod ps51;
#[cfg(test)]
mod pwsh;
mod samba;
mod screenshots;
mod synth;
#[cfg(test)]
mod tidy;
#[cfg(test)]
mod tidy_layers;
#[cfg(test)]
mod tidy_size;
mod util;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("measure-child") => bench::measure_child(&args[1..]),
        Some("dist") => dist::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("pester") => pester::run(&args[1..]),
        Some("samba") => samba::cli(&args[1..]),
        Some("screenshots") => screenshots::run(&args[1..]),
        Some("synth") => synth::cli(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  test            fmt check, clippy -D warnings, Samba AD DC, all tests\n  bench           performance figures (compare at 100k/1M users, live AD, cloud emulator)\n  dist            release cdylib into powershell/IdentityDrift/bin/<rid>/, module staged and zipped in target/dist/\n  fuzz [--cases N]  the property tests of every reader and writer with N cases each (default 50,000), with the counts\n  pester          installs pwsh and Pester when missing (dotnet), dist, then every Pester test\n  samba up|down|env   the test domain controller\n  screenshots     regenerate docs/img/demo-report.png (idrift report --demo in headless Chromium)\n  synth N DIR     write a deterministic synthetic snapshot of N users"
            );
            Ok(false)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Fails plainly when a rustup component a check needs is missing, instead of reporting the check as passed.
fn require_component(subcommand: &str, component: &str) -> anyhow::Result<()> {
    let ok = std::process::Command::new(util::cargo_bin())
        .args([subcommand, "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        anyhow::bail!(
            "cargo {subcommand} is not installed on this machine (rustup component add {component}); \
             the {component} check did NOT run"
        );
    }
    Ok(())
}

/// The full test command: what `.ci/run` runs and what the README promises.
fn test(extra: &[String]) -> anyhow::Result<bool> {
    let root = util::root();
    util::step("cargo fmt --check")?;
    require_component("fmt", "rustfmt")?;
    util::cargo(&root, &["fmt", "--all", "--", "--check"], &[])?;
    util::step("cargo clippy -D warnings")?;
    require_component("clippy", "clippy")?;
    util::cargo(
        &root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    util::step("Samba AD domain controller")?;
    let ad_env = samba::up_for_tests()?;
    util::step("cargo test")?;
    let mut args = vec!["test", "--workspace", "--no-fail-fast"];
    let extra_refs: Vec<&str> = extra.iter().map(String::as_str).collect();
    if !extra_refs.is_empty() {
        args.push("--");
        args.extend(extra_refs);
    }
    let env: Vec<(String, String)> = ad_env.unwrap_or_default();
    let result = util::cargo_test_counted(&root, &args, &env);
    util::step("Pester (PowerShell module tests)")?;
    // The live-AD Pester tests use the same DC, so it stops only after them.
    let pester = pester::pester(&env);
    samba::down_after_tests();
    let (ok, counts) = result?;
    let pester = pester?;
    let line = pester.summary();
    let pester_failed = pester.is_failure(pester::could_run());
    if pester_failed {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
    let p = pester.counts();
    println!(
        "\ntests: {} passed, {} failed, {} skipped (Rust); {} passed, {} failed, {} skipped (Pester{})",
        counts.passed,
        counts.failed,
        counts.ignored,
        p.passed,
        p.failed,
        p.skipped,
        if matches!(pester, pester::PesterOutcome::NotRun(_)) {
            ": did NOT run"
        } else {
            ""
        }
    );
    Ok(ok && counts.failed == 0 && !pester_failed)
}
