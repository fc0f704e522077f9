//! Unit tests of the CLI plumbing: runs with a fixed clock.

use super::*;

fn run_fixed(args: &[&str], now_unix: i64) -> (ExitCode, String, String) {
    let o = crate::test_support::run(args, false, now_unix);
    (o.code, o.out, o.err)
}

/// Runs a command that must succeed; its stdout and stderr.
fn succeeds(args: &[&str], now_unix: i64) -> (String, String) {
    let (code, out, err) = run_fixed(args, now_unix);
    assert_eq!(code, ExitCode::SUCCESS, "{args:?}: {err}");
    (out, err)
}

#[test]
fn compare_uses_the_adsynctools_file_name_from_the_given_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = succeeds(
        &[
            "dirsync",
            "compare",
            "--demo",
            "--out-dir",
            dir.path().to_str().unwrap(),
        ],
        1_795_617_005,
    );
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
    let (_, err) = succeeds(&["dirsync", "compare", "--demo", "--out", d], 1_795_617_005);
    assert!(err.contains("use --out-dir"), "{err}");
    assert!(
        dir.path()
            .join("ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv")
            .is_file()
    );
    let file = dir.path().join("named.csv");
    succeeds(
        &[
            "dirsync",
            "compare",
            "--demo",
            "--out",
            file.to_str().unwrap(),
        ],
        0,
    );
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

/// Splits a command line as a POSIX shell would for these examples: words, '…' and "…" quoting.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `idrift` command lines of the README's code blocks: prompts, comments, pipes and redirections
/// removed, continued lines joined.
fn readme_command_lines() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let mut lines = Vec::new();
    let mut in_block = false;
    let mut pending: Option<String> = None;
    for raw in readme.lines() {
        if raw.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let line = raw.trim();
        let line = match pending.take() {
            Some(p) => format!("{p} {line}"),
            None => match line.strip_prefix("$ ").unwrap_or(line) {
                l if l.starts_with("idrift ") => l.to_owned(),
                _ => continue,
            },
        };
        if let Some(head) = line.strip_suffix('\\') {
            pending = Some(head.trim_end().to_owned());
            continue;
        }
        let mut cut = line.len();
        for stop in [" #", " |", " >"] {
            if let Some(i) = line.find(stop) {
                cut = cut.min(i);
            }
        }
        let line = line[..cut].trim();
        // Lines with elided options ("--ad ldaps://dc1 ...") or placeholders ("<time>") are sketches.
        if !line.contains("...") && !line.contains('<') {
            lines.push(line.to_owned());
        }
    }
    lines
}

#[test]
fn every_readme_command_line_parses() {
    let lines = readme_command_lines();
    assert!(lines.len() > 30, "{lines:?}");
    for line in &lines {
        let words = shell_words(line);
        if let Err(e) = Cli::try_parse_from(&words) {
            panic!("README: `{line}` does not parse:\n{e}");
        }
    }
}

#[test]
fn every_command_has_examples_in_its_help_and_the_readme_shows_them() {
    use clap::CommandFactory;
    let readme = readme_command_lines();
    let cli = Cli::command();
    let mut leaves = Vec::new();
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
        let subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
        if subs.is_empty() {
            out.push((path.clone(), cmd.clone()));
        }
        for s in subs {
            let mut p = path.clone();
            p.push(s.get_name().to_owned());
            walk(s, p, out);
        }
    }
    walk(&cli, Vec::new(), &mut leaves);
    assert!(leaves.len() >= 18, "{}", leaves.len());
    for (path, cmd) in leaves {
        let help = cmd
            .get_after_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            help.contains("Examples:"),
            "idrift {} has no examples",
            path.join(" ")
        );
        for example in help
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("idrift "))
        {
            let mut cut = example.len();
            for stop in [" #", " |", " >"] {
                if let Some(i) = example.find(stop) {
                    cut = cut.min(i);
                }
            }
            let example = example[..cut].trim();
            assert!(
                readme.iter().any(|l| l == example),
                "`{example}` (idrift {} --help) is not in the README",
                path.join(" ")
            );
            let words = shell_words(example);
            assert!(
                Cli::try_parse_from(&words).is_ok(),
                "`{example}` does not parse"
            );
        }
    }
}

#[test]
fn encoding_utf8bom_starts_csv_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("o.csv");
    let f = file.to_str().unwrap();
    succeeds(&["dirsync", "compare", "--demo", "--out", f], 0);
    assert!(
        std::fs::read(&file)
            .unwrap()
            .starts_with(b"\"UserPrincipalName\"")
    );
    succeeds(
        &[
            "dirsync",
            "compare",
            "--demo",
            "--out",
            f,
            "--encoding",
            "utf8bom",
        ],
        0,
    );
    assert!(
        std::fs::read(&file)
            .unwrap()
            .starts_with(b"\xef\xbb\xbf\"UserPrincipalName\"")
    );
    let (_, out, _) = run_fixed(
        &["--encoding", "utf8bom", "scan", "--demo", "--format", "csv"],
        0,
    );
    assert!(out.starts_with('\u{feff}'), "{out}");
    let (_, out, _) = run_fixed(&["scan", "--demo", "--format", "csv"], 0);
    assert!(!out.starts_with('\u{feff}'), "{out}");
    // lint's IdFix CSV, on standard output and in --out, follows --encoding too.
    let ldif = dir.path().join("ad.ldif");
    std::fs::write(
        &ldif,
        "dn: CN=Zoë,OU=S,DC=x\nobjectClass: user\ncn: Zoë\nuserPrincipalName: zo ë@contoso.com\n\n",
    )
    .unwrap();
    let idfix = dir.path().join("idfix.csv");
    let (l, i) = (ldif.to_str().unwrap(), idfix.to_str().unwrap());
    let (code, out, err) = run_fixed(
        &[
            "--encoding",
            "utf8bom",
            "lint",
            "--ad",
            l,
            "--format",
            "csv",
            "--out",
            i,
        ],
        0,
    );
    assert_eq!(code, ExitCode::from(3), "{err}");
    assert!(out.starts_with("\u{feff}DISTINGUISHEDNAME,"), "{out}");
    assert!(out.contains("CN=Zoë,OU=S,DC=x"), "{out}");
    let file = std::fs::read_to_string(&idfix).unwrap();
    assert!(file.starts_with("\u{feff}DISTINGUISHEDNAME,"), "{file}");
    let (_, out, _) = run_fixed(&["lint", "--ad", l, "--format", "csv", "--out", i], 0);
    assert!(out.starts_with("DISTINGUISHEDNAME,"), "{out}");
    assert!(
        std::fs::read(&idfix)
            .unwrap()
            .starts_with(b"DISTINGUISHEDNAME,")
    );
}

#[test]
fn every_command_takes_format_table_json_csv() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        let subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
        if subs.is_empty() {
            out.push((path.clone(), cmd.clone()));
        }
        for s in subs {
            walk(s, format!("{path} {}", s.get_name()), out);
        }
    }
    let mut leaves = Vec::new();
    walk(&Cli::command(), "idrift".to_owned(), &mut leaves);
    for (path, cmd) in leaves {
        // Completions print a script.
        if path == "idrift completions" {
            continue;
        }
        let format = cmd
            .get_arguments()
            .find(|a| a.get_id() == "format")
            .unwrap_or_else(|| panic!("{path} has no --format"));
        let values: Vec<String> = format
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_owned())
            .collect();
        assert_eq!(values, ["table", "json", "csv"], "{path}");
    }
}

/// A snapshot of the demo whose ad.ldif also holds a change record: the reader skips it with a warning.
fn snapshot_with_a_warning(root: &std::path::Path) -> std::path::PathBuf {
    let snap = root.join("warned");
    succeeds(
        &[
            "snapshot",
            "take",
            "--demo",
            "--out-dir",
            snap.to_str().unwrap(),
        ],
        0,
    );
    let ldif = snap.join("ad.ldif");
    let mut text = std::fs::read_to_string(&ldif).unwrap();
    text.push_str(
        "\ndn: CN=Changed,DC=contoso,DC=com\nchangetype: modify\nreplace: mobile\nmobile: 1\n-\n",
    );
    std::fs::write(&ldif, text).unwrap();
    snap
}

#[test]
fn every_json_result_carries_the_runs_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot_with_a_warning(dir.path());
    let snap = snap.to_str().unwrap();
    let journal = dir.path().join("p.jsonl");
    let cases: Vec<Vec<&str>> = vec![
        vec!["dirsync", "compare", "--snapshot", snap],
        vec!["scan", "--snapshot", snap],
        vec![
            "dirsync",
            "get",
            "ada.lovelace@contoso.com",
            "--from",
            "ad",
            "--snapshot",
            snap,
        ],
        vec!["dirsync", "bypass", "preview", "--snapshot", snap],
        vec![
            "dirsync",
            "persist",
            "--snapshot",
            snap,
            "--journal",
            journal.to_str().unwrap(),
        ],
        // --quiet silences standard error, not the result's record of what went wrong.
        vec!["--quiet", "dirsync", "compare", "--snapshot", snap],
    ];
    for args in cases {
        let mut full = args.clone();
        full.extend(["--format", "json"]);
        let (code, out, err) = run_fixed(&full, 0);
        assert!(
            code == ExitCode::SUCCESS || code == ExitCode::from(1),
            "{args:?}: {err}"
        );
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
        let warnings = v["Warnings"]
            .as_array()
            .unwrap_or_else(|| panic!("{args:?}: no Warnings array: {out}"));
        assert_eq!(warnings.len(), 1, "{args:?}: {out}");
        assert!(
            warnings[0].as_str().unwrap().contains("change record"),
            "{args:?}: {out}"
        );
        if args[0] == "--quiet" {
            assert!(err.is_empty(), "{err}");
        } else {
            assert!(
                err.contains("warning: ") && err.contains("change record"),
                "{err}"
            );
        }
    }
    // A run without warnings says so with an empty array.
    let (out, _) = succeeds(&["dirsync", "compare", "--demo", "--format", "json"], 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Warnings"], serde_json::json!([]), "{out}");
}

#[test]
fn snapshot_take_and_report_print_a_record_as_json_or_csv() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s");
    let (out, _) = succeeds(
        &[
            "snapshot",
            "take",
            "--demo",
            "--out-dir",
            snap.to_str().unwrap(),
            "--format",
            "json",
        ],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["AdUsers"], 24, "{out}");
    let html = dir.path().join("r.html");
    let (out, _) = succeeds(
        &[
            "report",
            "--demo",
            "--out",
            html.to_str().unwrap(),
            "--format",
            "csv",
        ],
        0,
    );
    assert!(out.starts_with("Out,Findings\n"), "{out}");
}

#[test]
fn timeout_is_a_live_source_flag_of_one_to_3600_seconds() {
    let args = |t: &'static str| {
        [
            "dirsync",
            "get",
            "ann",
            "--from",
            "ad",
            "--demo",
            "--timeout",
            t,
        ]
    };
    let (code, _, err) = run_fixed(&args("0"), 0);
    assert_ne!(code, ExitCode::SUCCESS);
    assert!(err.contains("invalid value '0' for '--timeout"), "{err}");
    let (_, _, err) = run_fixed(&args("30"), 0);
    assert!(!err.contains("invalid value"), "{err}");
}

/// `--redirect-host HOST` (repeatable) and the profile key `redirect_hosts` name the hosts a Graph or
/// Exchange Online redirect may reach; the flags override the profile.
#[test]
fn redirect_hosts_come_from_the_flag_or_the_profile() {
    #[derive(clap::Parser)]
    struct Args {
        #[command(flatten)]
        conn: crate::source::ConnArgs,
    }
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.gov]\ntenant = \"t\"\nclient_id = \"c\"\nclient_secret_env = \"S\"\nredirect_hosts = [\"graph.microsoft.us\"]\n",
    )
    .unwrap();
    let hosts = |args: &[&str]| {
        let env = |k: &str| (k == "S").then(|| "secret".to_owned());
        let parsed = <Args as clap::Parser>::try_parse_from(
            [
                "t",
                "--config",
                config.to_str().unwrap(),
                "--profile",
                "gov",
            ]
            .iter()
            .chain(args),
        )
        .unwrap();
        let (config, _, _) = crate::test_support::with_ctx(&env, false, 0, |mut ctx| {
            parsed.conn.cloud_config(&mut ctx).unwrap()
        });
        config.redirect_hosts
    };
    assert_eq!(hosts(&[]), ["graph.microsoft.us"]);
    assert_eq!(
        hosts(&[
            "--redirect-host",
            "a.example",
            "--redirect-host",
            "b.example"
        ]),
        ["a.example", "b.example"]
    );
}

/// An error whose text already holds its cause (every file error: `PATH: cannot write: REASON`) shows the
/// cause once; before, standard error read `...: cannot write: REASON: REASON` (seen with the lock refusal).
#[test]
fn an_error_shows_each_cause_once() {
    let e = anyhow::Error::new(idrift_app::AppError::Write {
        path: "/snap/.idrift.lock".into(),
        source: std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "another idrift run holds it",
        ),
    });
    assert_eq!(
        error_text(&e),
        "/snap/.idrift.lock: cannot write: another idrift run holds it"
    );
    // Context that adds something keeps every part.
    let e = anyhow::Error::new(std::io::Error::other("disk full")).context("writing report.csv");
    assert_eq!(error_text(&e), "writing report.csv: disk full");
    let (code, _, err) = run_fixed(&["dirsync", "compare", "--snapshot", "/nonexistent-h48"], 0);
    assert_eq!(code, ExitCode::from(1));
    assert_eq!(err.matches("not a snapshot directory").count(), 1, "{err}");
}
