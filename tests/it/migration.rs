//! `idrift migration verify` through the CLI library: the article's example in every input form, the
//! verdict rules (Pass, Fail, Unknown), the JSON contract, batches, and errors that name the position.

use std::path::Path;
use std::process::ExitCode;

use crate::support::{Run, idrift, root};

/// The sample the README shows (the article's own example, saved with Export-Clixml).
const ARTICLE_XML: &str = "../examples/migration/article-user.xml";

fn fixture(name: &str) -> String {
    format!("../tests/fixtures/migration/{name}")
}

fn verify_json(files: &[&str]) -> (Run, serde_json::Value) {
    let mut args = vec!["migration", "verify", "--format", "json"];
    args.extend_from_slice(files);
    let r = idrift(&args);
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            r.stdout, r.stderr
        )
    });
    (r, v)
}

/// Compares with `tests/fixtures/migration/expected/NAME`; `UPDATE_GOLDEN=1` rewrites it.
#[track_caller]
fn assert_expected(name: &str, actual: &str) {
    let path = root().join("tests/fixtures/migration/expected").join(name);
    #[expect(
        clippy::disallowed_methods,
        reason = "test switch to refresh golden files"
    )]
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    if update {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

#[test]
fn article_example_passes_with_its_overhead_explained() {
    let r = idrift(&["migration", "verify", ARTICLE_XML]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout.starts_with("PASS  user@domain.com\n"),
        "{}",
        r.stdout
    );
    for needle in [
        "Data migrated (BytesTransferred)  2.485 GB (2,668,722,884 bytes)",
        "Estimated transfer size           1.501 GB (1,612,092,317 bytes)",
        "Overhead                          1.655 times, 1008 MB (1,056,630,567 bytes) more",
        "Interruptions                     2 stall(s), 2 restart(s) in 17 log entries",
        "data copied again after these interruptions explains the 1008 MB (1,056,630,567 bytes) overhead",
        "a larger target is normal across Exchange versions",
    ] {
        assert!(
            r.stdout.contains(needle),
            "missing {needle:?} in:\n{}",
            r.stdout
        );
    }
    assert_expected("article-user.table.txt", &r.stdout);
}

#[test]
fn json_contract_for_the_article_example() {
    let (r, v) = verify_json(&[ARTICLE_XML]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let u = &v["Users"][0];
    assert_eq!(u["Identity"], "user@domain.com");
    assert_eq!(u["Verdict"], "Pass");
    assert_eq!(u["MissingItems"], 0);
    assert_eq!(u["DataMigratedBytes"], 2_668_722_884_u64);
    assert_eq!(u["EstimatedTransferBytes"], 1_612_092_317_u64);
    assert_eq!(u["OverheadRatio"], 1.655);
    assert_eq!(u["Stalls"], 2);
    assert_eq!(u["Restarts"], 2);
    assert_eq!(u["SourceFile"], ARTICLE_XML);
    assert_eq!(u["InputFormat"], "Clixml");
    let folders = u["Folders"].as_array().unwrap();
    assert_eq!(folders.len(), 2);
    assert_eq!(folders[0]["FolderPath"], "/Top of Information Store/Inbox");
    assert_eq!(folders[0]["SourceCount"], 10188);
    assert_eq!(folders[0]["TargetCount"], 10188);
    assert_eq!(folders[0]["MissingCount"], 0);
    assert_eq!(folders[0]["SourceBytes"], 1_237_342_091_u64);
    assert_eq!(folders[0]["TargetFaiCount"], 27);
    assert_eq!(
        folders[1]["FolderPath"],
        "/Top of Information Store/Deleted Items"
    );
    assert_eq!(v["Summary"]["Pass"], 1);
    assert_eq!(v["Errors"], serde_json::json!([]));
    assert_expected("article-user.json", &r.stdout);
}

#[test]
fn every_input_form_gives_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    // Windows PowerShell 5.1's Export-Clixml writes UTF-16 LE with a byte-order mark.
    let text = std::fs::read_to_string(root().join("examples/migration/article-user.xml")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let utf16_path = dir.path().join("article-utf16.xml");
    std::fs::write(&utf16_path, utf16).unwrap();
    let utf16_arg = utf16_path.display().to_string();

    let forms = [
        (ARTICLE_XML.to_owned(), "Clixml"),
        (
            "../examples/migration/article-user.txt".to_owned(),
            "FormatList",
        ),
        (fixture("article.convertto.json"), "Json"),
        (fixture("article.invokecommand.json"), "Json"),
        (utf16_arg, "Clixml"),
    ];
    for (file, format) in &forms {
        let (r, v) = verify_json(&[file]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{file}: {}", r.stderr);
        let u = &v["Users"][0];
        assert_eq!(u["InputFormat"], *format, "{file}");
        for (key, expected) in [
            ("Identity", serde_json::json!("user@domain.com")),
            ("Verdict", serde_json::json!("Pass")),
            ("DataMigratedBytes", serde_json::json!(2_668_722_884_u64)),
            (
                "EstimatedTransferBytes",
                serde_json::json!(1_612_092_317_u64),
            ),
            ("SourceMailboxBytes", serde_json::json!(1_498_596_267_u64)),
            ("TargetMailboxBytes", serde_json::json!(2_097_023_244_u64)),
            ("OverheadRatio", serde_json::json!(1.655)),
            ("Stalls", serde_json::json!(2)),
            ("Restarts", serde_json::json!(2)),
        ] {
            assert_eq!(u[key], expected, "{file}: {key}");
        }
        let counts: Vec<(u64, u64)> = u["Folders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["SourceCount"].as_u64().unwrap(),
                    f["TargetCount"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(counts, [(10188, 10188), (5129, 5129)], "{file}");
    }
}

#[test]
fn a_folder_short_of_items_fails_naming_folders_and_counts() {
    let file = fixture("short-folder.clixml.xml");
    let r = idrift(&["migration", "verify", &file]);
    assert_eq!(
        r.code,
        ExitCode::SUCCESS,
        "a Fail verdict is data: {}",
        r.stderr
    );
    assert!(
        r.stdout.starts_with("FAIL  megan.bowen@contoso.com\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("2 of 3 folder(s) lost items (128 item(s) in all):"),
        "{}",
        r.stdout
    );
    assert_expected("short-folder.table.txt", &r.stdout);

    let (_, v) = verify_json(&[&file]);
    let u = &v["Users"][0];
    assert_eq!(u["Verdict"], "Fail");
    assert_eq!(
        u["VerdictReason"],
        "2 of 3 folder(s) lost items: /Top of Information Store/Inbox: source 4211, target 4203 (8 short), missing 8 [1024 KB (1,048,113 bytes)]; /Top of Information Store/Projects/2017: source 120, target 0 (120 short), folder missing in the target"
    );
    assert_eq!(u["MissingItems"], 128);
    assert_eq!(u["Folders"][0]["MissingCount"], 8);
    assert_eq!(u["Folders"][0]["LostItems"], true);
    assert_eq!(u["Folders"][1]["LostItems"], false);
    assert_eq!(u["Folders"][2]["FolderIsMissing"], true);

    let strict = idrift(&["migration", "verify", "--fail-on-fail", &file]);
    assert_eq!(strict.code, ExitCode::from(3));
    let strict_pass = idrift(&["migration", "verify", "--fail-on-fail", ARTICLE_XML]);
    assert_eq!(strict_pass.code, ExitCode::SUCCESS);
}

#[test]
fn invoke_command_clixml_items_are_read_like_export_clixml() {
    let (r, v) = verify_json(&[&fixture("short-folder.invokecommand-clixml.json")]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert_eq!(v["Users"][0]["Identity"], "megan.bowen@contoso.com");
    assert_eq!(v["Users"][0]["Verdict"], "Fail");
    assert_eq!(v["Users"][0]["MissingItems"], 128);
}

#[test]
fn reports_without_verification_are_unknown_and_say_why() {
    let cases = [
        (
            "in-progress.json",
            "alex.wilber@contoso.com",
            "the report has no MailboxVerification yet (status Syncing): folders are verified when the move finalizes",
        ),
        (
            "no-report.formatlist.txt",
            "lee.gu@contoso.com",
            "no move report (status Synced): save the statistics with `Get-MigrationUserStatistics <user> -IncludeReport`",
        ),
        (
            "depth-too-small.clixml.xml",
            "adele.vance@contoso.com",
            "MailboxVerification was saved only as \"System.Collections.Generic.List`1[Microsoft.Exchange.MailboxReplicationService.FolderSizeRec]\" (status Completed); save it with `Export-Clixml -Depth 5`, `ConvertTo-Json -Depth 6`, or paste `$stats.Report.MailboxVerification | Format-List`",
        ),
    ];
    for (name, identity, reason) in cases {
        let (r, v) = verify_json(&[&fixture(name)]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{name}: {}", r.stderr);
        let u = &v["Users"][0];
        assert_eq!(u["Identity"], identity, "{name}");
        assert_eq!(u["Verdict"], "Unknown", "{name}");
        assert_eq!(u["VerdictReason"], reason, "{name}");
        assert_eq!(u["Folders"], serde_json::json!([]), "{name}");
    }
    let (_, v) = verify_json(&[&fixture("in-progress.json")]);
    assert_eq!(
        v["Users"][0]["Stalls"], 2,
        "a relinquish and a StalledDueTo pause"
    );
    assert_eq!(v["Users"][0]["Restarts"], 2);
    let r = idrift(&[
        "migration",
        "verify",
        "--fail-on-fail",
        &fixture("in-progress.json"),
    ]);
    assert_eq!(
        r.code,
        ExitCode::SUCCESS,
        "Unknown does not trip --fail-on-fail"
    );
    assert!(
        r.stdout.starts_with("UNKNOWN  alex.wilber@contoso.com\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn exchange_2016_move_with_tostring_records_passes_against_total_mailbox_size() {
    let (r, v) = verify_json(&[&fixture("exchange2016-move.clixml.xml")]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let u = &v["Users"][0];
    assert_eq!(u["Identity"], "contoso.local/Contoso/Users/Alex Wilber");
    assert_eq!(u["Verdict"], "Pass", "{}", u["VerdictReason"]);
    assert_eq!(u["Folders"].as_array().unwrap().len(), 4);
    assert_eq!(
        u["Folders"][3]["FolderPath"],
        "/Top of Information Store/Calendar"
    );
    assert_eq!(u["Folders"][3]["SkippedCount"], 1);
    assert_eq!(u["SourceMailboxBytes"], 1_310_797_471_u64);
    assert_eq!(u["EstimatedTransferBytes"], serde_json::Value::Null);
    assert_eq!(u["OverheadRatio"], 1.027);
    assert_eq!(
        (u["Stalls"].as_u64(), u["Restarts"].as_u64()),
        (Some(0), Some(0))
    );
}

#[test]
fn a_folder_of_files_is_a_batch_with_a_summary() {
    let dir = fixture("batch");
    let (r, v) = verify_json(&[&dir]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let verdicts: Vec<(&str, &str)> = v["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["Identity"].as_str().unwrap(),
                u["Verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("user@domain.com", "Pass"),
            ("diego.siciliani@contoso.com", "Fail"),
            ("alex.wilber@contoso.com", "Unknown"),
        ]
    );
    assert_eq!(
        v["Summary"],
        serde_json::json!({"Users": 3, "Pass": 1, "Fail": 1, "Unknown": 1, "MissingItems": 3})
    );
    assert_eq!(v["Users"][2]["Stalls"], 1);
    let t = idrift(&["migration", "verify", &dir]);
    assert!(
        t.stdout
            .ends_with("\n3 migration users: 1 Pass, 1 Fail, 1 Unknown; 3 item(s) lost.\n"),
        "{}",
        t.stdout
    );
}

#[test]
fn malformed_and_truncated_files_name_the_file_and_position() {
    let cases = [
        (
            "malformed.clixml.xml",
            "line 302, column 79: invalid CLIXML: ill-formed document: expected `</S>`, but `</I32>` was found",
        ),
        (
            "truncated.clixml.xml",
            "line 173, column 28: the CLIXML ends early (",
        ),
        (
            "malformed.json",
            "line 11, column 5: invalid JSON: expected `,` or `}`",
        ),
        ("truncated.json", "line 118, column "),
        (
            "truncated.formatlist.txt",
            "line 85: Report.MailboxVerification[1].Target: missing (expected `Target : count [size]`; a record cut short means a truncated file)",
        ),
        (
            "not-statistics.txt",
            "no migration statistics in this Format-List text",
        ),
    ];
    for (name, expected) in cases {
        let file = fixture(name);
        let r = idrift(&["migration", "verify", &file]);
        assert_eq!(r.code, ExitCode::from(1), "{name}: {}", r.stdout);
        let prefix = format!("idrift: error: {file}: {expected}");
        assert!(
            r.stderr.starts_with(&prefix),
            "{name}:\n{}\nexpected prefix:\n{prefix}",
            r.stderr
        );
    }
    let r = idrift(&["migration", "verify", &fixture("truncated.clixml.xml")]);
    assert!(r.stderr.contains("looks truncated"), "{}", r.stderr);
}

#[test]
fn readable_files_are_reported_beside_unreadable_ones() {
    let missing = Path::new("../tests/fixtures/migration/does-not-exist.xml")
        .display()
        .to_string();
    let (r, v) = verify_json(&[ARTICLE_XML, &fixture("truncated.json"), &missing]);
    assert_eq!(r.code, ExitCode::from(1));
    assert_eq!(v["Users"].as_array().unwrap().len(), 1);
    assert_eq!(v["Errors"].as_array().unwrap().len(), 2);
    assert!(
        r.stderr.contains(&format!("{missing}: cannot read")),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(idrift(&["migration", "verify"]).code, ExitCode::from(2));
    assert_eq!(
        idrift(&["migration", "verify", "--format", "xml", ARTICLE_XML]).code,
        ExitCode::from(2)
    );
    // CSV is a format of every command now: one row per user.
    let csv = idrift(&["migration", "verify", "--format", "csv", ARTICLE_XML]);
    assert_eq!(csv.code, ExitCode::SUCCESS, "{}", csv.stderr);
    assert!(
        csv.stdout
            .starts_with("Identity,Verdict,Status,MissingItems,"),
        "{}",
        csv.stdout
    );
    assert_eq!(csv.stdout.lines().count(), 2, "{}", csv.stdout);
    let help = idrift(&["migration", "verify", "--help"]);
    assert_eq!(help.code, ExitCode::SUCCESS);
    assert!(
        help.stdout.contains("MailboxVerification"),
        "{}",
        help.stdout
    );
}

/// The live form against the cloud emulator: Exchange Online answers Get-MigrationUserStatistics over
/// InvokeCommand, and the answer verifies exactly like the saved file.
#[tokio::test]
async fn live_statistics_from_exchange_online_verify_like_a_saved_file() {
    use crate::support::client_config;
    use idrift_cloud_emulator::{Emulator, EmulatorConfig};

    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let saved =
        std::fs::read_to_string(root().join("tests/fixtures/migration/article.invokecommand.json"))
            .unwrap();
    let page: serde_json::Value = serde_json::from_str(&saved).unwrap();
    emulator.set_migration_statistics("user@domain.com", page["value"][0].clone());
    let config = client_config(&emulator);

    let out = idrift_app::migration::verify_live(&config, &["user@domain.com".to_owned()])
        .await
        .unwrap();
    assert_eq!(out.users.len(), 1);
    let u = &out.users[0];
    assert_eq!(u.identity, "user@domain.com");
    assert_eq!(
        u.verdict,
        idrift_core::migration::Verdict::Pass,
        "{}",
        u.verdict_reason
    );
    assert_eq!(u.data_migrated_bytes, Some(2_668_722_884));
    assert_eq!(u.overhead_ratio, Some(1.655));
    assert_eq!((u.stalls, u.restarts), (2, 2));
    assert_eq!(
        u.source_file.as_deref(),
        Some("Exchange Online (Get-MigrationUserStatistics user@domain.com -IncludeReport)")
    );
    let asked = emulator
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/InvokeCommand"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&asked.body).unwrap();
    assert_eq!(
        body["CmdletInput"]["CmdletName"],
        "Get-MigrationUserStatistics"
    );
    assert_eq!(
        body["CmdletInput"]["Parameters"]["Identity"],
        "user@domain.com"
    );
    assert_eq!(body["CmdletInput"]["Parameters"]["IncludeReport"], true);

    let err = idrift_app::migration::verify_live(&config, &["nobody@contoso.com".to_owned()])
        .await
        .unwrap_err();
    assert!(matches!(err, idrift_app::AppError::Source(_)), "{err:?}");
    assert!(err.to_string().contains("nobody@contoso.com"), "{err}");
}

#[test]
fn live_form_arguments_are_checked() {
    let r = idrift(&["migration", "verify", "--exo", "exo"]);
    assert_eq!(
        r.code,
        ExitCode::from(2),
        "--identity is required: {}",
        r.stderr
    );
    let r = idrift(&[
        "migration",
        "verify",
        "--exo",
        "graph",
        "--identity",
        "a@x.com",
    ]);
    assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
    let r = idrift(&["migration", "verify", "--identity", "a@x.com", ARTICLE_XML]);
    assert_eq!(
        r.code,
        ExitCode::from(2),
        "--identity needs --exo: {}",
        r.stderr
    );
}
