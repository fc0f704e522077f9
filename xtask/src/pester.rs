//! `cargo xtask pester`: run `cargo xtask dist`, then every `*.Tests.ps1` under `powershell/tests` with every
//! PowerShell on the machine (`pwsh`, and on Windows also Windows PowerShell 5.1, `powershell.exe`), against
//! the staged module (`target/dist/IdentityDrift`, real native library).
//!
//! What the tests need is installed by the project when it is missing and `dotnet` is present:
//! - `pwsh`: `dotnet tool install --global PowerShell --version 7.6.10` (into `~/.dotnet/tools`);
//! - Pester 5: a NuGet restore of a throwaway project with a `PackageDownload` of Pester into
//!   `target/pester/packages`, imported from there by path.
//!
//! The tests get `IDRIFT_MODULE_MANIFEST` (the staged module), `IDRIFT_CLOUD_EMULATOR` (the cloud emulator's
//! server, which the Graph tests start on a loopback port and stop) and, when a Samba AD DC is up, its
//! `AD_*` variables for the live-AD tests (skipped without them). Paths are joined with `Path`, and the
//! library is `idrift_ffi.dll` on Windows, so the same command runs there.
//!
//! Where neither `pwsh` nor `dotnet` exists the outcome is [`PesterOutcome::NotRun`] and says so plainly; it is
//! never a pass. Where either exists, "Pester did not run" is a failure (see [`PesterOutcome::is_failure`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use crate::{dist, samba, util};

/// The PowerShell global tool version the project installs (7.7.0 does not run on these machines).
const PWSH_VERSION: &str = "7.6.10";
/// The Pester version the project restores from NuGet when no Pester 5 is installed.
const PESTER_VERSION: &str = "5.7.1";

/// Pester's counts over every shell that ran.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PesterCounts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    pub(crate) skipped: u64,
}

/// What happened to the Pester run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PesterOutcome {
    /// Every PowerShell found ran the tests and they passed.
    Passed(PesterCounts),
    /// A run failed; the text says which shell and how.
    Failed(String, PesterCounts),
    /// Pester did not run; the text says why. Not a pass.
    NotRun(String),
}

impl PesterOutcome {
    /// The line `cargo xtask pester` prints at the end.
    pub(crate) fn summary(&self) -> String {
        match self {
            PesterOutcome::Passed(c) => format!(
                "Pester: passed ({} passed, {} failed, {} skipped)",
                c.passed, c.failed, c.skipped
            ),
            PesterOutcome::Failed(why, c) => format!(
                "Pester: FAILED ({why}; {} passed, {} failed, {} skipped)",
                c.passed, c.failed, c.skipped
            ),
            PesterOutcome::NotRun(why) => format!("Pester did NOT run: {why}"),
        }
    }

    /// The counts, zero when Pester did not run.
    pub(crate) fn counts(&self) -> PesterCounts {
        match self {
            PesterOutcome::Passed(c) | PesterOutcome::Failed(_, c) => *c,
            PesterOutcome::NotRun(_) => PesterCounts::default(),
        }
    }

    /// Whether this outcome fails the command: a failed run always; a run that did not happen when the machine
    /// has `dotnet` or `pwsh` (so it could have run).
    pub(crate) fn is_failure(&self, could_run: bool) -> bool {
        match self {
            PesterOutcome::Passed(_) => false,
            PesterOutcome::Failed(..) => true,
            PesterOutcome::NotRun(_) => could_run,
        }
    }
}

/// `cargo xtask pester`: exit status 0 only when Pester ran and passed.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    if let Some(extra) = args.first() {
        anyhow::bail!("cargo xtask pester takes no arguments (got {extra:?})");
    }
    // A DC that is already up (samba-ad-up.sh) serves the live-AD tests; without one they are skipped.
    let env = samba::env_if_up().unwrap_or_default();
    let outcome = pester(&env)?;
    let line = outcome.summary();
    match outcome {
        PesterOutcome::Passed(_) => println!("{line}"),
        _ => eprintln!("{line}"),
    }
    Ok(matches!(outcome, PesterOutcome::Passed(_)))
}

/// Whether this machine has what it takes to run Pester (`pwsh`, or `dotnet` to install it).
pub(crate) fn could_run() -> bool {
    !shells().is_empty() || util::have(exe("dotnet").as_str())
}

fn exe(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    }
}

/// Where `dotnet tool install --global` puts tools.
fn dotnet_tools_dir() -> Option<PathBuf> {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })?;
    Some(PathBuf::from(home).join(".dotnet").join("tools"))
}

/// The PowerShells to run the tests with: program paths (or names found on the PATH).
fn shells() -> Vec<PathBuf> {
    let mut found = Vec::new();
    if util::have(&exe("pwsh")) {
        found.push(PathBuf::from("pwsh"));
    } else if let Some(tool) = dotnet_tools_dir()
        .map(|d| d.join(exe("pwsh")))
        .filter(|p| p.is_file())
    {
        found.push(tool);
    }
    if cfg!(windows) && util::have("powershell.exe") {
        found.push(PathBuf::from("powershell"));
    }
    found
}

/// Installs pwsh with the dotnet global tool when no pwsh is found and dotnet is present.
fn ensure_pwsh() -> anyhow::Result<Option<String>> {
    if !shells().is_empty() {
        return Ok(None);
    }
    if !util::have(&exe("dotnet")) {
        return Ok(Some(
            "pwsh is not installed on this machine, and dotnet is not there to install it"
                .to_owned(),
        ));
    }
    util::step(&format!(
        "installing pwsh: dotnet tool install --global PowerShell --version {PWSH_VERSION}"
    ))?;
    let status = Command::new("dotnet")
        .args([
            "tool",
            "install",
            "--global",
            "PowerShell",
            "--version",
            PWSH_VERSION,
        ])
        .status()
        .context("cannot run dotnet")?;
    if !status.success() || shells().is_empty() {
        return Ok(Some(format!(
            "installing pwsh with dotnet failed ({status})"
        )));
    }
    Ok(None)
}

/// The throwaway project whose restore downloads Pester.
fn restore_project(tfm: &str) -> String {
    format!(
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>{tfm}</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageDownload Include=\"Pester\" Version=\"[{PESTER_VERSION}]\" />\n  </ItemGroup>\n</Project>\n"
    )
}

/// `net<major>.0` for the installed .NET SDK.
fn target_framework() -> anyhow::Result<String> {
    let out = Command::new("dotnet")
        .arg("--version")
        .output()
        .context("cannot run dotnet --version")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let major = text
        .trim()
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .with_context(|| format!("dotnet --version printed {:?}", text.trim()))?;
    Ok(format!("net{major}.0"))
}

/// The path of the restored `Pester.psd1`, restoring it first when it is not there yet.
fn ensure_pester(root: &Path) -> anyhow::Result<Result<PathBuf, String>> {
    let base = root.join("target").join("pester");
    let packages = base.join("packages");
    let psd1 = packages
        .join("pester")
        .join(PESTER_VERSION)
        .join("tools")
        .join("Pester.psd1");
    if psd1.is_file() {
        return Ok(Ok(psd1));
    }
    if !util::have(&exe("dotnet")) {
        return Ok(Err(
            "Pester 5 is not installed and dotnet is not there to restore it".to_owned(),
        ));
    }
    util::step(&format!("restoring Pester {PESTER_VERSION} from NuGet"))?;
    let project_dir = base.join("restore");
    std::fs::create_dir_all(&project_dir)
        .with_context(|| format!("cannot create {}", project_dir.display()))?;
    let project = project_dir.join("restore.csproj");
    std::fs::write(&project, restore_project(&target_framework()?))
        .with_context(|| format!("cannot write {}", project.display()))?;
    let status = Command::new("dotnet")
        .arg("restore")
        .arg(&project)
        .arg("--packages")
        .arg(&packages)
        .status()
        .context("cannot run dotnet restore")?;
    if !status.success() || !psd1.is_file() {
        return Ok(Err(format!(
            "restoring Pester {PESTER_VERSION} with dotnet failed ({status})"
        )));
    }
    Ok(Ok(psd1))
}

/// The script each shell runs: import Pester, run every test file, write the totals to `totals`.
fn pester_script(pester: &Path, results: &Path, totals: &Path) -> String {
    let q = |p: &Path| p.display().to_string().replace('\'', "''");
    format!(
        "$ErrorActionPreference = 'Stop'; \
         Import-Module -Name '{pester}' -Force; \
         $c = New-PesterConfiguration; \
         $c.Run.Path = 'powershell/tests'; $c.Run.PassThru = $true; $c.Run.Exit = $false; \
         $c.Output.Verbosity = 'Detailed'; \
         $c.TestResult.Enabled = $true; $c.TestResult.OutputPath = '{results}'; \
         $r = Invoke-Pester -Configuration $c; \
         Set-Content -Path '{totals}' -Value ('{{0}} {{1}} {{2}} {{3}}' -f $r.PassedCount, $r.FailedCount, $r.SkippedCount, ($r.FailedBlocksCount + $r.FailedContainersCount)); \
         if ($r.Result -ne 'Passed') {{ exit 1 }} else {{ exit 0 }}",
        pester = q(pester),
        results = q(results),
        totals = q(totals),
    )
}

/// Reads `passed failed skipped failed-blocks` as the script writes it.
pub(crate) fn parse_totals(text: &str) -> Option<(PesterCounts, u64)> {
    let nums: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match nums.as_slice() {
        [passed, failed, skipped, blocks] => Some((
            PesterCounts {
                passed: *passed,
                failed: *failed,
                skipped: *skipped,
            },
            *blocks,
        )),
        _ => None,
    }
}

/// Builds the cloud emulator's server (`idrift-cloud-emulator serve`), which the Graph tests start on a
/// loopback port and stop again; returns the program's path (passed as `IDRIFT_CLOUD_EMULATOR`).
fn build_emulator(root: &Path) -> anyhow::Result<PathBuf> {
    util::step("cargo build -p idrift-cloud-emulator (the Graph tests' server)")?;
    util::cargo(
        root,
        &[
            "build",
            "-p",
            "idrift-cloud-emulator",
            "--bin",
            "idrift-cloud-emulator",
        ],
        &[],
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let exe = target.join("debug").join(exe("idrift-cloud-emulator"));
    if !exe.is_file() {
        anyhow::bail!("{} was not produced by the build", exe.display());
    }
    Ok(exe)
}

/// Installs what is missing, runs dist, then Pester with every PowerShell found; see [`PesterOutcome`].
/// `env` is passed to the shells (the Samba DC's connection variables).
pub(crate) fn pester(env: &[(String, String)]) -> anyhow::Result<PesterOutcome> {
    if let Some(why) = ensure_pwsh()? {
        return Ok(PesterOutcome::NotRun(why));
    }
    let root = util::root();
    let pester_psd1 = match ensure_pester(&root)? {
        Ok(p) => p,
        Err(why) => return Ok(PesterOutcome::NotRun(why)),
    };
    let staged = dist::dist()?;
    let emulator = build_emulator(&root)?;
    let results = root.join("target").join("pester");
    std::fs::create_dir_all(&results)
        .with_context(|| format!("cannot create {}", results.display()))?;
    let mut failures = Vec::new();
    let mut counts = PesterCounts::default();
    for shell in shells() {
        let name = shell
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        util::step(&format!("Pester under {name}"))?;
        let totals = results.join(format!("{name}-totals.txt"));
        let _ = std::fs::remove_file(&totals);
        let script = pester_script(
            &pester_psd1,
            &results.join(format!("{name}-testResults.xml")),
            &totals,
        );
        let mut cmd = Command::new(&shell);
        cmd.current_dir(&root)
            .args(["-NoProfile", "-NonInteractive", "-Command", &script])
            .env(
                "IDRIFT_MODULE_MANIFEST",
                staged.module.join("IdentityDrift.psd1"),
            )
            .env("IDRIFT_CLOUD_EMULATOR", &emulator);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let status = cmd
            .status()
            .with_context(|| format!("cannot run {}", shell.display()))?;
        match std::fs::read_to_string(&totals)
            .ok()
            .as_deref()
            .and_then(parse_totals)
        {
            Some((c, blocks)) => {
                counts.passed += c.passed;
                counts.failed += c.failed;
                counts.skipped += c.skipped;
                if !status.success() || c.failed > 0 || blocks > 0 {
                    failures.push(format!(
                        "{name}: {} failed tests, {blocks} failed blocks or files ({status})",
                        c.failed
                    ));
                }
            }
            None => failures.push(format!(
                "{name}: Pester did not finish and wrote no totals ({status})"
            )),
        }
    }
    Ok(if failures.is_empty() {
        PesterOutcome::Passed(counts)
    } else {
        PesterOutcome::Failed(failures.join("; "), counts)
    })
}

#[cfg(test)]
mod tests;
