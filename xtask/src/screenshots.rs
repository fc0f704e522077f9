//! `cargo xtask screenshots`: regenerates the README's pictures from the real tool and a real browser.
//!
//! Today that is `docs/img/demo-report.png`: `idrift report --demo` rendered by headless Chromium at the
//! width the README shows it. The HTML goes to `target/screenshots/`, the PNG into the repository, so a
//! change to the report's look is one command and one reviewed image away from the README.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::util::{cargo, have, root, step};

/// The browsers tried, in order (Debian's package is `chromium`).
const BROWSERS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// Builds the CLI, writes the demo report and screenshots it into `docs/img/`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    if let Some(extra) = args.first() {
        bail!("cargo xtask screenshots takes no arguments (got {extra})");
    }
    let root = root();
    let Some(browser) = BROWSERS.iter().find(|b| have(b)) else {
        bail!(
            "no Chromium on PATH (tried {}); install Debian's `chromium` package",
            BROWSERS.join(", ")
        );
    };
    step("building the idrift CLI")?;
    cargo(
        &root,
        &["build", "-p", "idrift-cli", "--bin", "idrift"],
        &[],
    )?;
    let work = root.join("target/screenshots");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let html = work.join("demo-report.html");
    step("idrift report --demo")?;
    let idrift = root
        .join("target/debug")
        .join(format!("idrift{}", std::env::consts::EXE_SUFFIX));
    let status = Command::new(&idrift)
        .args(["report", "--demo", "--out"])
        .arg(&html)
        .status()
        .with_context(|| format!("cannot run {}", idrift.display()))?;
    if !status.success() {
        bail!("idrift report --demo failed ({status})");
    }
    let png = root.join("docs/img/demo-report.png");
    step(&format!("{browser} --headless --screenshot"))?;
    shoot(browser, &work.join("profile"), &html, &png)?;
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    eprintln!("wrote {} ({size} bytes)", png.display());
    Ok(true)
}

/// Screenshots `page` into `png` at 1280x2000 with a throwaway profile and no network services.
fn shoot(browser: &str, profile: &Path, page: &Path, png: &Path) -> anyhow::Result<()> {
    let tmp: PathBuf = png.with_extension("partial.png");
    let _ = std::fs::remove_file(&tmp);
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", tmp.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| format!("cannot run {browser}"))?;
    if !tmp.is_file() {
        bail!(
            "{browser} wrote no screenshot ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::rename(&tmp, png).with_context(|| format!("cannot write {}", png.display()))?;
    Ok(())
}
