//! Unit tests of the CLI plumbing: runs with a fixed clock.

use super::*;

fn run_fixed(args: &[&str], now_unix: i64) -> (ExitCode, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let env = |_: &str| None;
    let mut retained = crate::Retained::default();
    let ctx = Ctx {
        out: &mut out,
        err: &mut err,
        stdin_is_terminal: false,
        now_unix,
        env: &env,
        term: crate::term::Term::default(),
        retained: &mut retained,
    };
    let mut full = vec!["idrift"];
    full.extend_from_slice(args);
    let code = run_with(full, ctx);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn compare_uses_the_adsynctools_file_name_from_the_given_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_fixed(
        &[
            "dirsync",
            "compare",
            "--demo",
            "--out-dir",
            dir.path().to_str().unwrap(),
        ],
        1_795_617_005,
    );
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert_eq!(err, "");
    let expected = dir
        .path()
        .join("ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv");
    assert!(expected.is_file(), "{out}");
    assert!(out.contains("2026Nov25-143005"), "{out}");
}

#[test]
fn out_is_a_file_out_dir_a_folder_and_the_old_spellings_still_work_for_a_release() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // compare --out DIR: the earlier spelling works, with a warning naming --out-dir.
    let (code, _, err) = run_fixed(&["dirsync", "compare", "--demo", "--out", d], 1_795_617_005);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(err.contains("use --out-dir"), "{err}");
    assert!(
        dir.path()
            .join("ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv")
            .is_file()
    );
    let file = dir.path().join("named.csv");
    let (code, _, err) = run_fixed(
        &[
            "dirsync",
            "compare",
            "--demo",
            "--out",
            file.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(file.is_file());
    let (code, _, _) = run_fixed(
        &[
            "dirsync",
            "compare",
            "--demo",
            "--out",
            "a.csv",
            "--out-dir",
            d,
        ],
        0,
    );
    assert_eq!(code, ExitCode::from(2));
    // snapshot take --out-dir, and --out as its hidden alias.
    for (flag, name) in [("--out-dir", "new"), ("--out", "old")] {
        let target = dir.path().join(name);
        let (code, _, err) = run_fixed(
            &["snapshot", "take", "--demo", flag, target.to_str().unwrap()],
            0,
        );
        assert_eq!(code, ExitCode::SUCCESS, "{flag}: {err}");
        assert!(target.join("ad.ldif").is_file(), "{flag}");
    }
    let (_, help, _) = run_fixed(&["snapshot", "take", "--help"], 0);
    assert!(
        help.contains("--out-dir") && !help.contains("--out <"),
        "{help}"
    );
}

#[test]
fn scan_diff_report_and_plan_share_the_check_options() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let checks = [
        "--routing-domain",
        "contoso.mail.onmicrosoft.com",
        "--sync-scope",
        "OU=Sync,DC=contoso,DC=com",
        "--default-region",
        "US",
    ];
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo");
    let commands: Vec<Vec<&str>> = vec![
        vec!["scan", "--demo"],
        vec!["plan", "radia.perlman@contoso.com", "--demo"],
        vec!["diff", demo, demo],
        vec!["report", "--demo", "--out", html.to_str().unwrap()],
    ];
    for c in commands {
        let mut args = c.clone();
        args.extend(checks);
        let (code, _, err) = run_fixed(&args, 0);
        assert_eq!(code, ExitCode::SUCCESS, "{args:?}: {err}");
        let (_, help, _) = run_fixed(&[c[0], "--help"], 0);
        assert!(help.contains("Checks:"), "{}: {help}", c[0]);
    }
}

#[test]
fn help_goes_to_stdout_with_exit_0() {
    let (code, out, _) = run_fixed(&["--help"], 0);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.contains("dirsync"), "{out}");
}

#[test]
fn help_and_usage_errors_are_plain_into_a_pipe_and_coloured_when_forced() {
    let (code, out, _) = run_fixed(&["--help"], 0);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(!out.contains('\u{1b}'), "{out}");
    let (code, out, _) = run_fixed(&["--color", "always", "--help"], 0);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.contains("\u{1b}["), "{out}");
    let (code, _, err) = run_fixed(&["--color=always", "no-such-command"], 0);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("\u{1b}["), "{err}");
    let (code, _, err) = run_fixed(&["no-such-command"], 0);
    assert_eq!(code, ExitCode::from(2));
    assert!(!err.contains('\u{1b}') && err.contains("error:"), "{err}");
}

#[test]
fn help_lists_the_exit_codes() {
    let (_, out, _) = run_fixed(&["--help"], 0);
    assert!(
        out.contains("Exit codes:")
            && out.contains("3  the command ran and found what it was asked"),
        "{out}"
    );
}

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let (code, _, err) = run_fixed(&["--quiet", "scan", "--snapshot", "/no/such/dir"], 0);
    assert_eq!(code, ExitCode::from(1));
    assert!(err.contains("idrift: error:"), "{err}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run_fixed(&["completions", shell], 0);
        assert_eq!(code, ExitCode::SUCCESS, "{shell}: {err}");
        assert!(out.contains("idrift"), "{shell}");
        assert!(out.contains("dirsync"), "{shell}");
    }
    let (_, out, _) = run_fixed(&["completions", "powershell"], 0);
    assert!(out.contains("Register-ArgumentCompleter"), "{out}");
}
