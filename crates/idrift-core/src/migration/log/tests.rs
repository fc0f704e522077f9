//! Tests of stall and restart counting in report logs.

use super::*;

/// The log excerpt printed in the article (2018, Exchange 2010 source, two throttling stalls).
const ARTICLE_LOG: &str = include_str!("../../../../../tests/fixtures/migration/article-log.txt");

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

#[test]
fn article_log_has_two_stalls_and_two_restarts() {
    let s = analyze_log(&lines(ARTICLE_LOG));
    assert_eq!(s.entries, 17);
    assert_eq!(s.stalls, 2);
    assert_eq!(s.restarts, 2);
    assert_eq!(s.copy_passes, 2);
    assert_eq!(
        s.stall_states.get("StalledDueToTarget_DiskLatency"),
        Some(&2)
    );
    assert_eq!(s.interruptions(), 4);
}

/// What a log counts: (stalls, restarts, copy passes, failures).
type Counts = (u32, u32, u32, usize);

/// Short logs and what they count: (what the case shows, the log, its counts).
const CASES: &[(&str, &[&str], Counts)] = &[
    (
        "a clean log has one pass and no restart",
        &[
            "11/19/2018 9:03:05 AM [X] Stage: CreatingFolderHierarchy. Percent complete: 10.",
            "11/19/2018 9:03:18 AM [X] Stage: LoadingMessages. Percent complete: 20.",
            "11/19/2018 9:05:51 AM [X] Stage: CopyingMessages. Percent complete: 25.",
            "11/19/2018 9:41:30 AM [X] Stage: FinalIncrementalSync. Percent complete: 95.",
        ],
        (0, 0, 1, 0),
    ),
    (
        "loading again after copying is a restart even without a stall entry",
        &[
            "1/2/2024 10:00:00 AM [X] Stage: LoadingMessages. Percent complete: 20.",
            "1/2/2024 10:10:00 AM [X] Stage: CopyingMessages. Percent complete: 40.",
            "1/2/2024 11:00:00 AM [X] Stage: LoadingMessages. Percent complete: 20.",
            "1/2/2024 11:10:00 AM [X] Stage: CopyingMessages. Percent complete: 70.",
        ],
        (0, 1, 2, 0),
    ),
    (
        "relinquishing after a failure is the failure, not a stall",
        &[
            "1/2/2024 10:00:00 AM [X] Stage: CopyingMessages. Percent complete: 40.",
            "1/2/2024 10:01:00 AM [X] Fatal error MapiExceptionLogonFailed has occurred.",
            "1/2/2024 10:01:05 AM [X] Relinquishing job.",
        ],
        (0, 0, 1, 1),
    ),
    (
        "relinquishing after a retried transient error, once the copy resumed, is a stall",
        &[
            "1/2/2024 10:00:00 AM [X] Transient error TimeoutErrorTransientException has occurred. The system will retry (1/60).",
            "1/2/2024 10:01:00 AM [X] Stage: CopyingMessages. Percent complete: 40.",
            "1/2/2024 10:02:00 AM [X] Relinquishing job because of large delays due to unfavorable server health or budget limitations with a backoff time of 00:00:30.",
        ],
        (1, 0, 1, 0),
    ),
    (
        "throttling after a fatal error is a stall",
        &[
            "1/2/2024 10:00:00 AM [X] Fatal error MapiExceptionLogonFailed has occurred.",
            "1/2/2024 10:02:00 AM [X] Relinquishing job because of large delays due to unfavorable server health or budget limitations with a backoff time of 00:00:30.",
        ],
        (1, 0, 0, 1),
    ),
];

#[test]
fn short_logs_count_stalls_restarts_passes_and_failures() {
    for (what, log, expected) in CASES {
        let s = analyze_log(log);
        let found = (s.stalls, s.restarts, s.copy_passes, s.failures.len());
        assert_eq!(found, *expected, "{what}: {s:?}");
        if found.0 == 0 {
            assert!(s.stall_states.is_empty(), "{what}: {s:?}");
        }
        if found.3 == 1 {
            assert!(
                s.failures[0].contains("MapiExceptionLogonFailed"),
                "{what}: {s:?}"
            );
        }
    }
}

#[test]
fn each_stall_entry_counts_once_and_names_its_state() {
    let log = [
        "1/2/2024 10:00:00 AM [X] Stage: CopyingMessages. Percent complete: 40.",
        "1/2/2024 10:01:00 AM [X] The job has been paused temporarily due to unfavorable server health, with request throttling state: 'StalledDueToSource_UnknownReason'. It will automatically resume after '1/2/2024 10:02:00 AM'.",
        "1/2/2024 10:03:00 AM [X] Relinquishing job because of large delays due to unfavorable server health or budget limitations with a backoff time of 00:00:30.",
        "1/2/2024 10:04:00 AM [X] The job has been paused temporarily due to unfavorable server health, with request throttling state: 'StalledDueToTarget_MdbReplication'.",
        "1/2/2024 10:05:00 AM [X] Stage: CopyingMessages. Percent complete: 41.",
    ];
    let s = analyze_log(&log);
    assert_eq!(s.stalls, 3);
    assert_eq!(s.restarts, 1, "copying resumed after the stalls");
    assert_eq!(
        s.stall_states.into_iter().collect::<Vec<_>>(),
        vec![
            ("StalledDueToSource_UnknownReason".to_owned(), 1),
            ("StalledDueToTarget_MdbReplication".to_owned(), 1)
        ]
    );
}

#[test]
fn empty_log_counts_nothing() {
    let s = analyze_log::<&str>(&[]);
    assert_eq!(s, LogSummary::default());
}
