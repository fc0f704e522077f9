//! Tests of the Pester outcome: not running is never a pass, and says so plainly.

use super::*;

#[test]
fn only_a_real_run_counts_as_passed() {
    assert_eq!(PesterOutcome::Passed.summary(), "Pester: passed");
    let not_run = PesterOutcome::NotRun("pwsh is not installed on this machine".to_owned());
    assert_eq!(
        not_run.summary(),
        "Pester did NOT run: pwsh is not installed on this machine"
    );
    assert_ne!(not_run, PesterOutcome::Passed);
    assert!(
        PesterOutcome::Failed("pwsh: exit status: 1".to_owned())
            .summary()
            .contains("FAILED")
    );
}

#[test]
fn without_powershell_the_outcome_is_not_run() {
    // On machines with PowerShell this would start a real run, which is `cargo xtask pester`'s job, not a unit test's.
    if shells().is_empty() {
        assert_eq!(
            pester().unwrap(),
            PesterOutcome::NotRun("pwsh is not installed on this machine".to_owned())
        );
    }
}
