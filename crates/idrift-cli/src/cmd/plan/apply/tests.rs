//! In-process tests of `idrift plan --apply` that need a fixed context: without a terminal and without
//! `--yes` nothing runs, and the journal name comes from the clock.

use std::path::Path;
use std::process::ExitCode;

use idrift_app::snapshot::{Parts, load_dir, write_dir};

use crate::test_support::Out;

/// Runs `idrift plan testduplicate@contoso.com --snapshot DIR --option DeleteAndMerge EXTRA...`.
fn plan_delete_and_merge(dir: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "plan",
        "testduplicate@contoso.com",
        "--snapshot",
        dir,
        "--option",
        "DeleteAndMerge",
    ];
    args.extend_from_slice(extra);
    crate::test_support::run(&args, false, 1_795_617_005)
}

fn demo_dir(tmp: &Path) -> String {
    let dir = tmp.join("snap");
    let snap = idrift_app::demo::load().unwrap().snapshot;
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
    dir.display().to_string()
}

#[test]
fn without_a_terminal_apply_needs_yes_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let before = load_dir(Path::new(&dir)).unwrap().snapshot;
    let j = tmp.path().join("j.jsonl").display().to_string();
    let r = plan_delete_and_merge(&dir, &["--apply", "--journal", &j]);
    assert_eq!(r.code, ExitCode::from(2), "{}\n{}", r.out, r.err);
    assert!(r.err.contains("pass --yes"), "{}", r.err);
    assert!(
        !tmp.path().join("j.jsonl").exists(),
        "no journal was started"
    );
    assert_eq!(load_dir(Path::new(&dir)).unwrap().snapshot, before);
}

#[test]
fn the_dry_run_names_the_journal_from_the_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let r = plan_delete_and_merge(&dir, &[]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.err);
    assert!(
        r.out.contains(
            "journals each one to idrift-plan-deleteandmerge-testduplicate-contoso-com_2026Nov25-143005.journal.jsonl"
        ),
        "{}",
        r.out
    );
}
