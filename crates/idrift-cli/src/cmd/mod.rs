//! One module per top-level command.

pub(crate) mod diff;
pub(crate) mod dirsync;
pub(crate) mod lint;
pub(crate) mod migration;
pub(crate) mod plan;
pub(crate) mod report;
pub(crate) mod scan;
pub(crate) mod snapshot;
pub(crate) mod undo;
pub(crate) mod write;

/// The exit code of a command that ran: 3 when it found what it alerts on (what `--fail-on` asks about, a
/// diff's new findings), else 0.
pub(crate) fn found_code(alert: bool) -> std::process::ExitCode {
    if alert {
        std::process::ExitCode::from(3)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
