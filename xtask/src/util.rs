//! Small helpers: the repository root, running cargo and other programs, and step banners.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// The workspace root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| here.to_path_buf())
}

/// Prints a step banner.
pub(crate) fn step(name: &str) -> anyhow::Result<()> {
    eprintln!("\n==> {name}");
    Ok(())
}

/// The cargo that runs us.
pub(crate) fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs cargo with `args` in `dir`, with extra environment variables; fails when cargo fails.
pub(crate) fn cargo(dir: &Path, args: &[&str], env: &[(String, String)]) -> anyhow::Result<()> {
    let mut cmd = Command::new(cargo_bin());
    cmd.current_dir(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Whether `CI` is set to `true` (how CI runs `.ci/run`).
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Whether a program is on the PATH.
pub(crate) fn have(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Test counts summed over every `test result:` line cargo printed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TestCounts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    pub(crate) ignored: u64,
}

/// Adds the counts of one `test result: ok. 12 passed; 0 failed; 1 ignored; ...` line.
pub(crate) fn add_counts(line: &str, counts: &mut TestCounts) {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return;
    };
    for part in rest.split(';') {
        let mut words = part.split_whitespace().rev();
        let (Some(label), Some(n)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match label {
            "passed" => counts.passed += n,
            "failed" => counts.failed += n,
            "ignored" => counts.ignored += n,
            _ => {}
        }
    }
}

/// Runs cargo like [`cargo`], echoing its standard output line by line and summing the test counts.
pub(crate) fn cargo_test_counted(
    dir: &Path,
    args: &[&str],
    env: &[(String, String)],
) -> anyhow::Result<(bool, TestCounts)> {
    use std::io::{BufRead as _, BufReader, Write as _};
    let mut cmd = Command::new(cargo_bin());
    cmd.current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    let mut counts = TestCounts::default();
    if let Some(out) = child.stdout.take() {
        let stdout = std::io::stdout();
        for line in BufReader::new(out).lines() {
            let line = line.context("cannot read cargo's output")?;
            add_counts(&line, &mut counts);
            let mut lock = stdout.lock();
            let _ = writeln!(lock, "{line}");
        }
    }
    let status = child.wait().context("cargo did not finish")?;
    Ok((status.success(), counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_cargo_test_result_lines() {
        let mut c = TestCounts::default();
        add_counts(
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.5s",
            &mut c,
        );
        add_counts(
            "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out",
            &mut c,
        );
        add_counts("running 5 tests", &mut c);
        assert_eq!(
            c,
            TestCounts {
                passed: 15,
                failed: 2,
                ignored: 1
            }
        );
    }
}
