//! End-to-end tests: the article's example in every form verifies as Pass with its overhead explained.

use super::*;

const ARTICLE_XML: &str = include_str!("../../../../examples/migration/article-user.xml");
const ARTICLE_TXT: &str = include_str!("../../../../examples/migration/article-user.txt");
const ARTICLE_JSON: &str =
    include_str!("../../../../tests/fixtures/migration/article.convertto.json");
const ARTICLE_INVOKE: &str =
    include_str!("../../../../tests/fixtures/migration/article.invokecommand.json");
const SHORT_FOLDER: &str =
    include_str!("../../../../tests/fixtures/migration/short-folder.clixml.xml");

fn only(text: &str) -> (InputFormat, UserVerification) {
    let (format, users) = parse_auto(text).unwrap();
    assert_eq!(users.len(), 1);
    (format, verify(&users[0]))
}

#[test]
fn article_example_passes_in_every_form() {
    for (text, expected_format) in [
        (ARTICLE_XML, InputFormat::Clixml),
        (ARTICLE_JSON, InputFormat::Json),
        (ARTICLE_INVOKE, InputFormat::Json),
        (ARTICLE_TXT, InputFormat::FormatList),
    ] {
        let (format, u) = only(text);
        assert_eq!(format, expected_format);
        let label = format!("{format}");
        assert_eq!(u.identity, "user@domain.com", "{label}");
        assert_eq!(u.verdict, Verdict::Pass, "{label}: {}", u.verdict_reason);
        assert_eq!(u.status.as_deref(), Some("Completed"), "{label}");
        assert_eq!(u.folders.len(), 2, "{label}");
        assert_eq!(u.folders[0].folder_path, "/Top of Information Store/Inbox");
        assert_eq!(
            (u.folders[0].source_count, u.folders[0].target_count),
            (10188, 10188)
        );
        assert_eq!(u.folders[0].source_bytes, 1_237_342_091);
        assert_eq!(u.folders[0].target_fai_bytes, 1_286_579);
        assert_eq!(
            u.folders[1].folder_path,
            "/Top of Information Store/Deleted Items"
        );
        assert_eq!(
            (u.folders[1].source_count, u.folders[1].target_count),
            (5129, 5129)
        );
        assert_eq!(u.missing_items, 0);
        assert_eq!(u.data_migrated_bytes, Some(2_668_722_884), "{label}");
        assert_eq!(u.estimated_transfer_bytes, Some(1_612_092_317), "{label}");
        assert_eq!(u.source_mailbox_bytes, Some(1_498_596_267));
        assert_eq!(u.target_mailbox_bytes, Some(2_097_023_244));
        assert_eq!(u.overhead_ratio, Some(1.655));
        assert_eq!(u.overhead_bytes, Some(1_056_630_567));
        assert_eq!((u.stalls, u.restarts, u.log_entries), (2, 2, 17), "{label}");
        assert_eq!(
            u.stalled_duration.as_deref(),
            Some("01:21:09.3851867"),
            "{label}"
        );
        assert_eq!(
            u.explanation,
            [
                "Data migrated (BytesTransferred) is 2.485 GB (2,668,722,884 bytes), 1.655 times the estimated transfer size (EstimatedTotalTransferSize) of 1.501 GB (1,612,092,317 bytes); the source mailbox holds 1.396 GB (1,498,596,267 bytes) in its verified folders.",
                "The report log shows 2 stall(s) (StalledDueToTarget_DiskLatency 2×) and 2 restart(s) of the message copy (LoadingMessages/CopyingMessages entered again).",
                "Data migrated counts every transfer, so the data copied again after these interruptions explains the 1008 MB (1,056,630,567 bytes) overhead; it is not a sign of duplicated or lost items.",
                "The target folders hold 1.953 GB (2,097,023,244 bytes), more than the 1.396 GB (1,498,596,267 bytes) of the source folders: a larger target is normal across Exchange versions (item sizes are computed differently) and is not a failure.",
                "Whether the move is complete is judged by the folder verification (item counts per folder), not by Data migrated.",
            ],
            "{label}"
        );
    }
}

#[test]
fn short_folder_report_fails_naming_the_folders() {
    let (format, u) = only(SHORT_FOLDER);
    assert_eq!(format, InputFormat::Clixml);
    assert_eq!(u.identity, "megan.bowen@contoso.com");
    assert_eq!(u.status.as_deref(), Some("Failed"));
    assert_eq!(u.verdict, Verdict::Fail);
    assert_eq!(
        u.verdict_reason,
        "2 of 3 folder(s) lost items: /Top of Information Store/Inbox: source 4211, target 4203 (8 short), missing 8 [1024 KB (1,048,113 bytes)]; /Top of Information Store/Projects/2017: source 120, target 0 (120 short), folder missing in the target"
    );
    assert_eq!(u.missing_items, 128);
    let inbox = &u.folders[0];
    assert_eq!(inbox.well_known_folder.as_deref(), Some("Inbox"));
    assert_eq!(
        (
            inbox.corrupt_count,
            inbox.duplicated_count,
            inbox.extra_in_target_count
        ),
        (0, 0, 0)
    );
    assert_eq!(u.folders[2].well_known_folder, None);
    assert_eq!((u.stalls, u.restarts, u.log_entries), (0, 0, 8));
}

#[test]
fn detect_format_by_content() {
    assert_eq!(detect_format("\u{feff}  <Objs>"), InputFormat::Clixml);
    assert_eq!(detect_format("#< CLIXML\n<Objs>"), InputFormat::Clixml);
    assert_eq!(detect_format("{\"a\":1}"), InputFormat::Json);
    assert_eq!(detect_format("{ }"), InputFormat::Json);
    assert_eq!(detect_format("[\n  {"), InputFormat::Json);
    assert_eq!(detect_format("[]"), InputFormat::Json);
    assert_eq!(
        detect_format("[PS] C:\\>Get-MigrationUserStatistics x | fl"),
        InputFormat::FormatList
    );
    assert_eq!(
        detect_format("Source : 1 [1 B (1 bytes)]"),
        InputFormat::FormatList
    );
    assert_eq!(detect_format(""), InputFormat::FormatList);
}

#[test]
fn errors_display_their_position() {
    let err = parse("{\"Identity\": ", InputFormat::Json).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 1, column 13: the JSON ends early"),
        "{err}"
    );
    let err = parse("note to self", InputFormat::FormatList).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no migration statistics in this Format-List text"),
        "{err}"
    );
}

#[test]
fn every_truncation_of_the_fixtures_is_an_error_or_a_report_never_a_panic() {
    for text in [
        ARTICLE_XML,
        ARTICLE_TXT,
        ARTICLE_JSON,
        ARTICLE_INVOKE,
        SHORT_FOLDER,
    ] {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let prefix = &text[..cut];
                if let Ok((_, users)) = parse_auto(prefix) {
                    let _ = verify_all(&users);
                }
            }
            cut += 23;
        }
    }
}

#[test]
fn truncated_clixml_is_never_mistaken_for_a_report() {
    let mut cut = ARTICLE_XML.len() / 3;
    while cut < ARTICLE_XML.trim_end().len() {
        if ARTICLE_XML.is_char_boundary(cut) {
            let err = parse(&ARTICLE_XML[..cut], InputFormat::Clixml).unwrap_err();
            assert!(
                matches!(err, MigrationError::Truncated { .. }),
                "cut at {cut}: {err}"
            );
        }
        cut += 97;
    }
}

#[test]
fn self_references_do_not_loop() {
    let xml = r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
<Obj RefId="0"><Props><Ref N="Report" RefId="0" /><Ref N="EstimatedTotalTransferCount" RefId="0" />
<Obj N="BytesTransferred" RefId="1"><Ref RefId="1" /></Obj></Props></Obj></Objs>"#;
    let err = parse(xml, InputFormat::Clixml).unwrap_err();
    assert!(
        err.to_string()
            .contains("BytesTransferred: expected a size"),
        "{err}"
    );
    let xml = xml.replace(
        r#"<Obj N="BytesTransferred" RefId="1"><Ref RefId="1" /></Obj>"#,
        "",
    );
    let err = parse(&xml, InputFormat::Clixml).unwrap_err();
    assert!(
        err.to_string()
            .contains("EstimatedTotalTransferCount: expected an item count"),
        "{err}"
    );
}

#[test]
fn huge_counts_saturate_instead_of_overflowing() {
    let json = r#"{"Identity":"x","Report":{"MailboxVerification":[
        {"FolderPath":"/A","Source":"18446744073709551615 [0 B (0 bytes)]","Target":"18446744073709551615 [16777216 TB (18,446,744,073,709,551,615 bytes)]"},
        {"FolderPath":"/B","Source":"18446744073709551615 [16777216 TB (18,446,744,073,709,551,615 bytes)]","Target":"0 [0 B (0 bytes)]"}]}}"#;
    let (_, users) = parse_auto(json).unwrap();
    let u = verify(&users[0]);
    assert_eq!(u.verdict, Verdict::Fail);
    assert_eq!(u.missing_items, u64::MAX);
}
