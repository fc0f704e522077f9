//! `cargo xtask pester`: run `cargo xtask dist`, then the Pester tests in `powershell/tests` with every
//! PowerShell on the machine (`pwsh`, and on Windows also Windows PowerShell 5.1, `powershell.exe`).
//!
//! Where no PowerShell is installed (these Linux build machines), the outcome is [`PesterOutcome::NotRun`]
//! and the message says so plainly; it is never reported as a pass. The tree-sitter checks of
//! `cargo test -p xtask` (`src/pwsh.rs`) are what covers the module there.

use std::path::Path;
use std::process::Command;

use anyhow::Context as _;

use crate::{dist, util};

/// What happened to the Pester run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PesterOutcome {
    /// Every PowerShell found ran the tests and they passed.
    Passed,
    /// A run failed; the text says which shell and how.
    Failed(String),
    /// Pester did not run; the text says why. Not a pass.
    NotRun(String),
}

impl PesterOutcome {
    /// The line `cargo xtask test` prints at the end.
    pub(crate) fn summary(&self) -> String {
        match self {
            PesterOutcome::Passed => "Pester: passed".to_owned(),
            PesterOutcome::Failed(why) => format!("Pester: FAILED ({why})"),
            PesterOutcome::NotRun(why) => format!("Pester did NOT run: {why}"),
        }
    }
}

/// `cargo xtask pester`: exit status 0 only when Pester ran and passed.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    if let Some(extra) = args.first() {
        anyhow::bail!("cargo xtask pester takes no arguments (got {extra:?})");
    }
    let outcome = pester()?;
    let line = outcome.summary();
    match outcome {
        PesterOutcome::Passed => println!("{line}"),
        _ => eprintln!("{line}"),
    }
    Ok(outcome == PesterOutcome::Passed)
}

/// The PowerShells to run the tests with, by program name.
fn shells() -> Vec<&'static str> {
    let mut found = Vec::new();
    for (program, on_path) in [
        ("pwsh", "pwsh"),
        ("pwsh", "pwsh.exe"),
        ("powershell", "powershell.exe"),
    ] {
        if util::have(on_path) && !found.contains(&program) {
            found.push(program);
        }
    }
    found
}

/// Runs dist and then Pester with every PowerShell found; see [`PesterOutcome`].
pub(crate) fn pester() -> anyhow::Result<PesterOutcome> {
    let shells = shells();
    if shells.is_empty() {
        return Ok(PesterOutcome::NotRun(
            "pwsh is not installed on this machine".to_owned(),
        ));
    }
    let staged = dist::dist()?;
    let root = util::root();
    let results = root.join("target").join("pester");
    std::fs::create_dir_all(&results)
        .with_context(|| format!("cannot create {}", results.display()))?;
    let mut failures = Vec::new();
    for shell in shells {
        util::step(&format!("Pester under {shell}"))?;
        if !has_pester(shell, &root)? {
            return Ok(PesterOutcome::NotRun(format!(
                "Pester 5 is not installed for {shell} (Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser)"
            )));
        }
        let script = format!(
            "$c = New-PesterConfiguration; \
             $c.Run.Path = 'powershell/tests'; $c.Run.Exit = $true; \
             $c.Output.Verbosity = 'Detailed'; \
             $c.TestResult.Enabled = $true; $c.TestResult.OutputPath = 'target/pester/{shell}-testResults.xml'; \
             Invoke-Pester -Configuration $c"
        );
        let status = Command::new(shell)
            .current_dir(&root)
            .args(["-NoProfile", "-NonInteractive", "-Command", &script])
            .env(
                "IDRIFT_MODULE_MANIFEST",
                staged.module.join("IdentityDrift.psd1"),
            )
            .status()
            .with_context(|| format!("cannot run {shell}"))?;
        if !status.success() {
            failures.push(format!("{shell}: {status}"));
        }
    }
    Ok(if failures.is_empty() {
        PesterOutcome::Passed
    } else {
        PesterOutcome::Failed(failures.join("; "))
    })
}

fn has_pester(shell: &str, root: &Path) -> anyhow::Result<bool> {
    let status = Command::new(shell)
        .current_dir(root)
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "if (Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' }) { exit 0 } else { exit 3 }",
        ])
        .status()
        .with_context(|| format!("cannot run {shell}"))?;
    Ok(status.success())
}

#[cfg(test)]
mod tests;
