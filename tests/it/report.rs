//! `idrift report`: the demo report written by the CLI, rendered by a real headless Chromium (the figures
//! are read back from the dumped DOM, and a screenshot is kept under target/ for CI), and a check that the
//! page requests nothing. In CI (CI=true) a missing Chromium fails the test; elsewhere it is skipped plainly.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::support::{idrift, root};

#[expect(
    clippy::disallowed_methods,
    reason = "the test finds the browser on PATH"
)]
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file())
}

fn demo_report(dir: &Path) -> PathBuf {
    let out = dir.join("r.html");
    let r = idrift(&["report", "--demo", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(
        r.stdout.contains("Wrote the report (15 finding(s))"),
        "{}",
        r.stdout
    );
    out
}

fn headless(browser: &Path, profile: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn the_demo_report_renders_in_chromium_with_its_figures() {
    let Some(browser) = chromium() else {
        #[expect(clippy::disallowed_methods, reason = "CI gate")]
        let in_ci = std::env::var("CI").as_deref() == Ok("true");
        assert!(
            !in_ci,
            "chromium is not installed, and CI=true: .ci/run must install it"
        );
        eprintln!("skipping: chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = demo_report(dir.path());
    let dom = headless(&browser, &dir.path().join("p1"), &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&dom.stdout);
    for (id, n) in [
        ("users-matched", 19),
        ("users-unmatched-ad", 3),
        ("users-unmatched-cloud", 4),
        ("findings-total", 15),
        ("dso-real", 5),
        ("dso-format", 1),
        ("trend-new", 1),
        ("trend-resolved", 1),
    ] {
        assert!(
            dom.contains(&format!("id=\"{id}\">{n}<")),
            "{id} = {n} in the DOM"
        );
    }
    for section in [
        "summary",
        "bypass",
        "exchange",
        "migration",
        "changes",
        "trend",
        "lint",
    ] {
        assert!(
            dom.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    // The pager ran: the findings table of the demo fits one page, the script added no error text.
    assert!(dom.contains("DeleteAndMerge"));
    let shots = root().join("target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("demo-report.png");
    let _ = std::fs::remove_file(&shot);
    let out = headless(
        &browser,
        &dir.path().join("p2"),
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
    );
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_report_requests_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(demo_report(dir.path())).unwrap();
    let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;";
    assert!(html.contains(csp));
    // The only URL in the page is the SVG namespace, which is an identifier, not a request.
    let urls: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..(i + 40).min(html.len())])
        .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
        .filter(|s| !s.starts_with("http://www.w3.org/2000/svg"))
        .filter(|s| !s.starts_with("https://graph.microsoft.com/"))
        .collect();
    assert!(urls.is_empty(), "{urls:?}");
    for attr in [
        "src=\"", "href=\"", "url(", "@import", "<link", "<iframe", "<object",
    ] {
        assert!(!html.contains(attr), "{attr}");
    }
}
