//! Tests of the verdict rules and the "Data migrated" explanation.

use super::*;
use crate::migration::CountAndSize;

fn cas(count: u64, size: u64) -> CountAndSize {
    CountAndSize { count, size }
}

fn folder(path: &str, source: u64, target: u64) -> FolderVerification {
    FolderVerification {
        folder_path: path.to_owned(),
        source: cas(source, source * 1000),
        target: cas(target, target * 1100),
        ..FolderVerification::default()
    }
}

fn stats(verification: Verification) -> MigrationStats {
    let identity = Some("user@domain.com".to_owned());
    MigrationStats {
        status: Some("Completed".to_owned()),
        ..MigrationStats::verification_only(identity, verification, Vec::new())
    }
}

#[test]
fn pass_when_every_folder_has_at_least_its_source_count() {
    let mut more = folder("/Top of Information Store/Sent Items", 5, 6);
    more.duplicated = cas(1, 10);
    let mut fai_short = folder("/Top of Information Store/Calendar", 3, 3);
    fai_short.source_fai = cas(4, 40);
    fai_short.target_fai = cas(2, 20);
    fai_short.skipped = cas(1, 100);
    let u = verify(&stats(Verification::Folders(vec![
        folder("/Top of Information Store/Inbox", 10, 10),
        more,
        fai_short,
    ])));
    assert_eq!(u.verdict, Verdict::Pass);
    assert_eq!(
        u.verdict_reason,
        "all 3 folder(s) verified: 19 item(s) in the target for 18 in the source, no missing items, no missing or misplaced folders"
    );
    assert_eq!(u.missing_items, 0);
    assert!(u.folders.iter().all(|f| !f.lost_items));
}

#[test]
fn fail_names_each_folder_and_what_it_lost() {
    let short = folder("/Top of Information Store/Inbox", 10188, 10180);
    let mut bucket_only = folder("/Top of Information Store/Notes", 4, 4);
    bucket_only.missing = cas(1, 2048);
    let mut gone = folder("/Top of Information Store/Projects", 120, 0);
    gone.folder_is_missing = true;
    let mut moved = folder("/Top of Information Store/Archive", 2, 2);
    moved.folder_is_misplaced = true;
    let u = verify(&stats(Verification::Folders(vec![
        short,
        folder("/Top of Information Store/Sent Items", 5, 5),
        bucket_only,
        gone,
        moved,
    ])));
    assert_eq!(u.verdict, Verdict::Fail);
    assert_eq!(
        u.verdict_reason,
        "4 of 5 folder(s) lost items: /Top of Information Store/Inbox: source 10188, target 10180 (8 short); \
/Top of Information Store/Notes: source 4, target 4, missing 1 [2 KB (2,048 bytes)]; \
/Top of Information Store/Projects: source 120, target 0 (120 short), folder missing in the target; \
/Top of Information Store/Archive: source 2, target 2, folder misplaced in the target"
    );
    assert_eq!(u.missing_items, 8 + 1 + 120);
    let lost: Vec<bool> = u.folders.iter().map(|f| f.lost_items).collect();
    assert_eq!(lost, [true, false, true, true, true]);
    assert_eq!(u.folders[0].items_short, 8);
}

#[test]
fn missing_bucket_with_bytes_only_still_fails() {
    let mut f = folder("/Inbox", 1, 1);
    f.missing = cas(0, 512);
    let u = verify(&stats(Verification::Folders(vec![f])));
    assert_eq!(u.verdict, Verdict::Fail);
}

#[test]
fn unknown_without_verification_says_why() {
    let cases = [
        (
            Verification::NoReport,
            "no move report (status Completed): save the statistics with `Get-MigrationUserStatistics <user> -IncludeReport`",
        ),
        (
            Verification::NotInReport,
            "the report has no MailboxVerification yet (status Completed): folders are verified when the move finalizes",
        ),
        (
            Verification::Empty,
            "the report's MailboxVerification lists no folders (status Completed)",
        ),
        (
            Verification::Folders(Vec::new()),
            "the report's MailboxVerification lists no folders (status Completed)",
        ),
        (
            Verification::NotSerialized(
                "System.Collections.Generic.List`1[FolderSizeRec]".to_owned(),
            ),
            "MailboxVerification was saved only as \"System.Collections.Generic.List`1[FolderSizeRec]\" (status Completed); save it with `Export-Clixml -Depth 5`, `ConvertTo-Json -Depth 6`, or paste `$stats.Report.MailboxVerification | Format-List`",
        ),
    ];
    for (v, reason) in cases {
        let u = verify(&stats(v));
        assert_eq!(u.verdict, Verdict::Unknown);
        assert_eq!(u.verdict_reason, reason);
        assert!(u.folders.is_empty());
        assert!(
            u.explanation
                .last()
                .unwrap()
                .contains("can only be judged from the folder verification")
        );
    }
}

#[test]
fn overhead_against_the_estimate_with_interruptions() {
    let mut s = stats(Verification::Folders(vec![folder("/Inbox", 10, 10)]));
    s.bytes_transferred = Some(2_668_722_884);
    s.estimated_transfer_size = Some(1_612_092_317);
    s.log = vec![
        "7/3/2018 2:22:35 PM [X] The job has been paused temporarily due to unfavorable server health, with request throttling state: 'StalledDueToTarget_DiskLatency'.".to_owned(),
        "7/3/2018 2:28:47 PM [X] Request processing continued, stage LoadingMessages.".to_owned(),
    ];
    let u = verify(&s);
    assert_eq!(u.overhead_ratio, Some(1.655));
    assert_eq!(u.overhead_bytes, Some(1_056_630_567));
    assert_eq!((u.stalls, u.restarts, u.log_entries), (1, 1, 2));
    assert_eq!(
        u.explanation[1],
        "The report log shows 1 stall(s) (StalledDueToTarget_DiskLatency 1×) and 1 restart(s) of the message copy (LoadingMessages/CopyingMessages entered again)."
    );
    assert_eq!(
        u.explanation[2],
        "Data migrated counts every transfer, so the data copied again after these interruptions explains the 1008 MB (1,056,630,567 bytes) overhead; it is not a sign of duplicated or lost items."
    );
}

#[test]
fn overhead_without_estimate_uses_the_source_size() {
    let mut s = stats(Verification::Folders(vec![folder("/Inbox", 10, 10)]));
    s.bytes_transferred = Some(20_000);
    let u = verify(&s);
    assert_eq!(u.source_mailbox_bytes, Some(10_000));
    assert_eq!(u.target_mailbox_bytes, Some(11_000));
    assert_eq!(u.overhead_ratio, Some(2.0));
    assert_eq!(u.overhead_bytes, Some(10_000));
    assert_eq!(
        u.explanation[0],
        "Data migrated (BytesTransferred) is 19.53 KB (20,000 bytes), 2 times the source mailbox size of 9.766 KB (10,000 bytes)."
    );
    assert_eq!(
        u.explanation[1],
        "The input has no report log, so stalls and restarts cannot be counted."
    );
    assert!(
        u.explanation[2].contains("not a sign of duplicated or lost items"),
        "{}",
        u.explanation[2]
    );
    assert!(
        u.explanation[3].contains("a larger target is normal across Exchange versions"),
        "{}",
        u.explanation[3]
    );
}

#[test]
fn total_mailbox_size_is_preferred_as_the_source_size() {
    let mut s = stats(Verification::NotInReport);
    s.bytes_transferred = Some(900);
    s.total_mailbox_size = Some(1000);
    let u = verify(&s);
    assert_eq!(u.source_mailbox_bytes, Some(1000));
    assert_eq!(u.target_mailbox_bytes, None);
    assert_eq!(u.overhead_ratio, Some(0.9));
    assert_eq!(u.overhead_bytes, Some(0));
    assert!(
        u.explanation
            .iter()
            .any(|e| e == "Data migrated does not exceed the estimate: no data was copied twice.")
    );
}

#[test]
fn no_figures_means_no_ratio() {
    let u = verify(&stats(Verification::NoReport));
    assert_eq!((u.overhead_ratio, u.overhead_bytes), (None, None));
    assert_eq!(
        u.explanation[0],
        "The input has no Data migrated (BytesTransferred) figure to explain."
    );
}

#[test]
fn report_summary_counts_verdicts_and_missing_items() {
    let pass = verify(&stats(Verification::Folders(vec![folder("/A", 1, 1)])));
    let fail = verify(&stats(Verification::Folders(vec![folder("/A", 5, 2)])));
    let unknown = verify(&stats(Verification::NoReport));
    let r = VerificationReport::new(vec![pass, fail, unknown]);
    assert_eq!(
        r.summary,
        Summary {
            users: 3,
            pass: 1,
            fail: 1,
            unknown: 1,
            missing_items: 3
        }
    );
}

#[test]
fn json_shape_keeps_the_contract_fields() {
    let mut s = stats(Verification::Folders(vec![folder("/Inbox", 2, 1)]));
    s.bytes_transferred = Some(10);
    s.estimated_transfer_size = Some(4);
    let r = VerificationReport::new(vec![verify(&s)]);
    let v = serde_json::to_value(&r).unwrap();
    let u = &v["Users"][0];
    assert_eq!(u["Identity"], "user@domain.com");
    assert_eq!(u["Verdict"], "Fail");
    assert_eq!(u["MissingItems"], 1);
    assert_eq!(u["DataMigratedBytes"], 10);
    assert_eq!(u["EstimatedTransferBytes"], 4);
    assert_eq!(u["OverheadRatio"], 2.5);
    assert_eq!(u["Stalls"], 0);
    let f = &u["Folders"][0];
    assert_eq!(f["FolderPath"], "/Inbox");
    assert_eq!(f["SourceCount"], 2);
    assert_eq!(f["TargetCount"], 1);
    assert_eq!(f["MissingCount"], 0);
    assert!(u.get("SourceFile").is_none());
    assert_eq!(v["Summary"]["Fail"], 1);
}

#[test]
fn a_failure_then_relinquishing_job_is_explained_as_a_failure() {
    let mut s = stats(Verification::Folders(vec![folder(
        "/Top of Information Store/Inbox",
        10,
        10,
    )]));
    s.log = vec![
        "1/2/2024 10:00:00 AM [X] Stage: CopyingMessages. Percent complete: 40.".to_owned(),
        "1/2/2024 10:01:00 AM [X] Fatal error MapiExceptionLogonFailed has occurred.".to_owned(),
        "1/2/2024 10:01:05 AM [X] Relinquishing job.".to_owned(),
    ];
    let u = verify(&s);
    assert_eq!(u.stalls, 0);
    assert_eq!(u.failures.len(), 1);
    let text = u.explanation.join("\n");
    assert!(
        text.contains("1 failure(s)") && text.contains("MapiExceptionLogonFailed"),
        "{text}"
    );
    assert!(text.contains("not a stall"), "{text}");
}
