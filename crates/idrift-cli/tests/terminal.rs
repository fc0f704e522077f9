//! The `idrift` binary as a process, its output going to a pipe and to a pseudo-terminal (`script` from
//! util-linux): colour only for a terminal, a closed pipe ends quietly, full values in pipes. These tests
//! live here rather than in `tests/it` because only this package's integration tests get the built binary.
#![expect(
    clippy::expect_used,
    reason = "test helpers: a process that cannot be started is a failed test"
)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The `idrift` binary cargo built for this test.
fn idrift_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_idrift"))
}

/// Runs the binary with both outputs going to pipes.
fn piped(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(idrift_bin());
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null()).output().expect("idrift runs")
}

/// Runs the binary under a pseudo-terminal; returns what the terminal showed (stdout and stderr mixed)
/// and the exit status.
#[cfg(unix)]
fn on_terminal(args: &[&str], env: &[(&str, &str)]) -> (String, Option<i32>) {
    let bin = idrift_bin();
    let mut line = shell_quote(&bin.to_string_lossy());
    for a in args {
        line.push(' ');
        line.push_str(&shell_quote(a));
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env("TERM", "xterm-256color")
        .env("COLUMNS", "100");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

#[cfg(unix)]
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_and_errors_have_no_escape_codes_in_a_pipe() {
    let help = piped(&["--help"], &[]);
    assert_eq!(help.status.code(), Some(0));
    assert!(!text(&help.stdout).contains('\u{1b}'));
    let usage = piped(&["dirsync", "--bogus"], &[]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(
        !text(&usage.stderr).contains('\u{1b}'),
        "{}",
        text(&usage.stderr)
    );
    let failed = piped(&["scan", "--snapshot", "/no/such/snapshot"], &[]);
    assert_eq!(failed.status.code(), Some(1));
    let err = text(&failed.stderr);
    assert!(
        err.starts_with("idrift: error:") && !err.contains('\u{1b}'),
        "{err}"
    );
}

#[test]
fn clicolor_force_colours_a_pipe_and_never_wins_over_it() {
    let forced = piped(&["--help"], &[("CLICOLOR_FORCE", "1")]);
    assert!(text(&forced.stdout).contains("\u{1b}["));
    let never = piped(&["--color", "never", "--help"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!text(&never.stdout).contains('\u{1b}'));
}

#[cfg(unix)]
#[test]
fn a_terminal_gets_colour_unless_no_color_or_never() {
    let (shown, code) = on_terminal(&["--help"], &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("\u{1b}["), "{shown}");
    let (shown, _) = on_terminal(&["--help"], &[("NO_COLOR", "1")]);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    let (shown, _) = on_terminal(&["--color=never", "--help"], &[]);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    let (shown, code) = on_terminal(&["scan", "--snapshot", "/no/such/snapshot"], &[]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("\u{1b}[") && shown.contains("error:"),
        "{shown}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    for format in ["table", "json", "csv"] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(idrift_bin())
            .args(["dirsync", "compare", "--demo", "--format", format])
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("idrift runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "{format}");
    }
}

#[test]
fn completions_install_from_a_pipe() {
    let out = piped(&["completions", "powershell"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Register-ArgumentCompleter"));
}

/// A snapshot of the demo with six users to persist, in a new temporary directory.
#[cfg(unix)]
fn demo_snapshot() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir = tmp.path().join("s");
    let out = piped(
        &[
            "snapshot",
            "take",
            "--demo",
            "--out-dir",
            &dir.to_string_lossy(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    tmp
}

/// `dirsync persist --apply --yes` of the snapshot [`demo_snapshot`] made in `tmp`, journaled to `journal`
/// there, the global options `global` first.
#[cfg(unix)]
fn persist_args(tmp: &tempfile::TempDir, global: &[&str], journal: &str) -> Vec<String> {
    let path = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let mut args: Vec<String> = global.iter().map(|g| (*g).to_owned()).collect();
    args.extend(["dirsync", "persist", "--snapshot"].map(String::from));
    args.push(path("s"));
    args.extend(["--apply", "--yes", "--journal"].map(String::from));
    args.push(path(journal));
    args
}

#[cfg(unix)]
#[test]
fn a_write_shows_progress_on_a_terminal_and_none_in_a_pipe() {
    let tmp = demo_snapshot();
    let on_pipe = persist_args(&tmp, &[], "pipe.jsonl");
    let on_pipe: Vec<&str> = on_pipe.iter().map(String::as_str).collect();
    let out = piped(&on_pipe, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("operation(s)"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains('\u{1b}'),
        "{}",
        text(&out.stderr)
    );

    // The pipe run wrote everything: a fresh snapshot for each terminal run, which shows the progress unless
    // --quiet.
    for (global, progress) in [(&[][..], true), (&["--quiet"][..], false)] {
        let tmp = demo_snapshot();
        let args = persist_args(&tmp, global, "tty.jsonl");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (shown, code) = on_terminal(&args, &[]);
        assert_eq!(code, Some(0), "{shown}");
        if progress {
            assert!(shown.contains("Handled 6 of 6 operation(s)"), "{shown}");
        } else {
            assert!(!shown.contains("operation(s)"), "{shown}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_terminal_table_fits_its_width_and_a_pipe_gets_whole_values() {
    let long_upn_row = |s: &str| s.contains("@contoso.com");
    let tmp = tempfile::tempdir().expect("temporary directory");
    let csv = tmp.path().join("c.csv").to_string_lossy().into_owned();
    let (shown, code) = on_terminal(
        &[
            "dirsync", "compare", "--demo", "--format", "table", "--out", &csv,
        ],
        &[("COLUMNS", "60")],
    );
    assert_eq!(code, Some(0), "{shown}");
    // The table is what comes before the first blank line (the summary sentences follow).
    let table: Vec<&str> = shown.lines().take_while(|l| !l.trim().is_empty()).collect();
    assert!(table.len() > 2, "{shown}");
    for line in &table {
        assert!(line.trim_end().chars().count() <= 60, "{line:?}");
    }
    assert!(!shown.contains('…'), "{shown}");
    // A wide terminal shows every UPN on one line.
    let (wide, _) = on_terminal(
        &[
            "dirsync", "compare", "--demo", "--format", "table", "--out", &csv,
        ],
        &[("COLUMNS", "200")],
    );
    assert!(
        wide.lines()
            .any(|l| long_upn_row(l) && l.contains("alan.turing@contoso.com")),
        "{wide}"
    );
    let piped_out = piped(
        &[
            "dirsync", "compare", "--demo", "--format", "table", "--out", &csv,
        ],
        &[("COLUMNS", "60")],
    );
    let out = text(&piped_out.stdout);
    assert!(out.lines().any(|l| l.chars().count() > 60), "{out}");
    assert!(!out.contains('…'), "{out}");
}
