//! Tests of the Pester outcome: not running is never a pass, and fails where the machine could have run it.

use super::*;

#[test]
fn only_a_real_run_counts_as_passed() {
    let c = PesterCounts {
        passed: 3,
        failed: 0,
        skipped: 1,
    };
    assert_eq!(
        PesterOutcome::Passed(c).summary(),
        "Pester: passed (3 passed, 0 failed, 1 skipped)"
    );
    let not_run = PesterOutcome::NotRun("pwsh is not installed on this machine".to_owned());
    assert_eq!(
        not_run.summary(),
        "Pester did NOT run: pwsh is not installed on this machine"
    );
    assert_eq!(not_run.counts(), PesterCounts::default());
    assert!(
        PesterOutcome::Failed("pwsh: exit status: 1".to_owned(), c)
            .summary()
            .contains("FAILED")
    );
}

#[test]
fn not_running_fails_where_it_could_have_run() {
    let not_run = PesterOutcome::NotRun("x".to_owned());
    assert!(not_run.is_failure(true));
    assert!(!not_run.is_failure(false));
    assert!(PesterOutcome::Failed("x".to_owned(), PesterCounts::default()).is_failure(false));
    assert!(!PesterOutcome::Passed(PesterCounts::default()).is_failure(true));
}

#[test]
fn totals_are_read_and_garbage_is_refused() {
    assert_eq!(
        parse_totals("97 2 3 1\n"),
        Some((
            PesterCounts {
                passed: 97,
                failed: 2,
                skipped: 3
            },
            1
        ))
    );
    assert_eq!(parse_totals(""), None);
    assert_eq!(parse_totals("1 2 x 0"), None);
    assert_eq!(parse_totals("1 2 3"), None);
}

#[test]
fn the_restore_project_pins_pester() {
    let p = restore_project("net10.0");
    assert!(p.contains("<TargetFramework>net10.0</TargetFramework>"));
    assert!(p.contains(&format!(
        "<PackageDownload Include=\"Pester\" Version=\"[{PESTER_VERSION}]\" />"
    )));
}

#[test]
fn the_script_quotes_paths_and_writes_totals() {
    let s = pester_script(
        Path::new("/a/it's/Pester.psd1"),
        Path::new("/r.xml"),
        Path::new("/t.txt"),
    );
    assert!(s.contains("Import-Module -Name '/a/it''s/Pester.psd1'"));
    assert!(s.contains("Set-Content -Path '/t.txt'"));
    assert!(s.contains("$c.Run.Path = 'powershell/tests'"));
}
