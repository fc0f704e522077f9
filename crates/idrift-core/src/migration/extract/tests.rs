//! Tests of reading statistics out of the document model, through the CLIXML, JSON and text readers.

use super::*;
use crate::migration::{clixml, json, text};

fn from_json(body: &str) -> Result<Vec<MigrationStats>, MigrationError> {
    extract(&json::parse(body)?, InputFormat::Json)
}

fn folders(stats: &MigrationStats) -> &[FolderVerification] {
    match &stats.verification {
        Verification::Folders(f) => f,
        other => panic!("expected folders, got {other:?}"),
    }
}

#[test]
fn folder_tostring_with_every_bucket() {
    let f = folder_from_str(
        "/Top of Information Store/Inbox: Source: 10188 [1.152 GB (1,237,342,091 bytes)], Target 10180 [1.464 GB (1,571,440,111 bytes)], SourceFAI: 27 [1.203 MB (1,261,537 bytes)], TargetFAI: 27 [1.227 MB (1,286,579 bytes)], Corrupt: 1 [1 KB (1,024 bytes)], Large: 2 [2 KB (2,048 bytes)], Skipped: 3 [3 KB (3,072 bytes)], Missing: 8 [8 KB (8,192 bytes)]",
        "MailboxVerification[0]",
        Some(7),
    )
    .unwrap();
    assert_eq!(f.folder_path, "/Top of Information Store/Inbox");
    assert_eq!(
        f.source,
        CountAndSize {
            count: 10188,
            size: 1_237_342_091
        }
    );
    assert_eq!(
        f.target,
        CountAndSize {
            count: 10180,
            size: 1_571_440_111
        }
    );
    assert_eq!(f.source_fai.count, 27);
    assert_eq!(f.target_fai.size, 1_286_579);
    assert_eq!((f.corrupt.count, f.large.count, f.skipped.count), (1, 2, 3));
    assert_eq!(
        f.missing,
        CountAndSize {
            count: 8,
            size: 8192
        }
    );
    assert_eq!(f.line, Some(7));
}

#[test]
fn folder_tostring_errors_quote_the_text() {
    for (s, what) in [
        (
            "/Inbox: Source: 1 [1 B (1 bytes)]",
            "no Source or no Target",
        ),
        (
            "/Inbox: Source: 1 [1 B (1 bytes)], Target 1 [1 B",
            "no closing `]`",
        ),
        (
            "/Inbox: Source: 1 [1 B (1 bytes)], Target x [1 B (1 bytes)]",
            "expected a count and size",
        ),
        (
            "/Inbox: Source: 1 [1 B (1 bytes)], Target 1 [1 B (1 bytes)], Weird: 1 [1 B (1 bytes)]",
            "unknown bucket \"Weird\"",
        ),
    ] {
        let err = folder_from_str(s, "MailboxVerification[2]", Some(3)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("line 3: MailboxVerification[2]: "),
            "{text}"
        );
        assert!(text.contains(what), "{s}: {text}");
    }
}

#[test]
fn count_and_size_from_count_and_size_properties() {
    let body = r#"{"Identity":"a@x.com","BytesTransferred":1024,"Report":{"MailboxVerification":[
        {"FolderPath":"/Inbox","Source":{"Count":5,"Size":{"Value":"5 KB (5,120 bytes)"}},"Target":{"C":5,"S":5120},
         "Missing":{"Count":0,"Size":0},"MissingItems":[{"Subject":"a"},{"Subject":"b"}]}]}}"#;
    let users = from_json(body).unwrap();
    let f = &folders(&users[0])[0];
    assert_eq!(
        f.source,
        CountAndSize {
            count: 5,
            size: 5120
        }
    );
    assert_eq!(
        f.target,
        CountAndSize {
            count: 5,
            size: 5120
        }
    );
    assert_eq!(f.missing.count, 2, "MissingItems records count as missing");
    assert_eq!(users[0].bytes_transferred, Some(1024));
}

#[test]
fn record_cut_short_names_the_missing_target_and_line() {
    let text = "Identity : a@x.com\n\nSource           : 10 [1 KB (1,024 bytes)]\nSourceFAI        : 1 [1 B (1 bytes)]\n";
    let err = extract(&text::parse(text).unwrap(), InputFormat::FormatList).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3: Report.MailboxVerification[0].Target: missing (expected `Target : count [size]`; a record cut short means a truncated file)"
    );
    let text =
        "Source           : 10 [1 KB (1,024 bytes)]\nTarget           : 10 [1 KB (1,024 bytes)]\n";
    let err = extract(&text::parse(text).unwrap(), InputFormat::FormatList).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: Report.MailboxVerification[0]: a MailboxVerification record without FolderSourcePath or FolderPath"
    );
}

#[test]
fn bad_values_name_path_and_found_text() {
    let err = from_json(r#"{"Identity":"a","BytesTransferred":"lots"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "BytesTransferred: expected a size such as `1.152 GB (1,237,342,091 bytes)`, found \"lots\""
    );
    let err = from_json(r#"[{"Identity":"a","Report":null},{"Identity":"b","Report":{"MailboxVerification":[{"FolderPath":"/X","Source":"1 [1 B (1 bytes)]","Target":"one"}]}}]"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "[1].Report.MailboxVerification[0].Target: expected a count and size such as `10188 [1.152 GB (1,237,342,091 bytes)]`, found \"one\""
    );
    let err = from_json(r#"{"Identity":"a","Report":{"MailboxVerification":[{"FolderPath":"/X","Source":"1 [1 B (1 bytes)]","Target":"1 [1 B (1 bytes)]","FolderIsMissing":"maybe"}]}}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("FolderIsMissing: expected True or False"),
        "{err}"
    );
}

#[test]
fn verification_states() {
    let users = from_json(r#"[
        {"Identity":"none","BytesTransferred":"0 B (0 bytes)"},
        {"Identity":"notyet","Report":{"Entries":["1/1/2024 1:00:00 AM [X] Stage: LoadingMessages."],"MailboxVerification":null}},
        {"Identity":"empty","Report":{"MailboxVerification":[]}},
        {"Identity":"depth","Report":{"MailboxVerification":"System.Collections.Generic.List`1[Microsoft.Exchange.MailboxReplicationService.FolderSizeRec]"}},
        {"Identity":"textonly","Report":"1/1/2024 1:00:00 AM [X] created move request.\n1/1/2024 1:01:00 AM [X] Stage: LoadingMessages."}
    ]"#).unwrap();
    let v: Vec<_> = users
        .iter()
        .map(|u| (u.identity.as_deref(), &u.verification))
        .collect();
    assert_eq!(v[0], (Some("none"), &Verification::NoReport));
    assert_eq!(v[1], (Some("notyet"), &Verification::NotInReport));
    assert_eq!(users[1].log.len(), 1);
    assert_eq!(v[2], (Some("empty"), &Verification::Empty));
    assert_eq!(
        v[3],
        (
            Some("depth"),
            &Verification::NotSerialized(
                "System.Collections.Generic.List`1[Microsoft.Exchange.MailboxReplicationService.FolderSizeRec]".to_owned()
            )
        )
    );
    assert!(matches!(v[4].1, Verification::NotSerialized(_)));
    assert_eq!(users[4].log.len(), 2);
}

#[test]
fn loose_folder_records_form_one_user_named_by_mailbox_guid() {
    let xml = r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.MailboxReplicationService.FolderSizeRec</T></TN>
<ToString>/Top of Information Store: Source: 2 [2 B (2 bytes)], Target 2 [2 B (2 bytes)]</ToString></Obj>
<Obj RefId="1"><TNRef RefId="0" /><Props><S N="FolderPath">/Top of Information Store/Inbox</S>
<S N="Source">4 [4 B (4 bytes)]</S><S N="Target">4 [4 B (4 bytes)]</S><G N="MailboxGuid">f28fad8a-546d-4965-8bcd-94806d53967d</G></Props></Obj>
</Objs>"#;
    let users = extract(&clixml::parse(xml).unwrap(), InputFormat::Clixml).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        users[0].identity.as_deref(),
        Some("f28fad8a-546d-4965-8bcd-94806d53967d")
    );
    let f = folders(&users[0]);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].folder_path, "/Top of Information Store");
    assert_eq!(f[0].line, Some(2));
    assert_eq!(f[1].source.count, 4);
}

#[test]
fn identity_falls_back_through_id_and_email() {
    let users = from_json(r#"[{"Identity":{"Id":"a@x.com"},"Report":null},{"Identity":null,"EmailAddress":"b@x.com","Report":null}]"#).unwrap();
    assert_eq!(users[0].identity.as_deref(), Some("a@x.com"));
    assert_eq!(users[1].identity.as_deref(), Some("b@x.com"));
}

#[test]
fn numeric_status_prefers_the_summary() {
    let users =
        from_json(r#"{"Identity":"a","Status":9,"StatusSummary":"Completed","Report":null}"#)
            .unwrap();
    assert_eq!(users[0].status.as_deref(), Some("Completed"));
}

#[test]
fn non_statistics_input_is_rejected() {
    let err = from_json(r#"{"Name":"x","RecipientTypeDetails":"UserMailbox"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "(top level): not migration statistics: expected an object with BytesTransferred, Report or MailboxVerification"
    );
    let err = from_json("[]").unwrap_err();
    assert!(
        matches!(
            err,
            MigrationError::NotRecognized {
                format: InputFormat::Json,
                ..
            }
        ),
        "{err:?}"
    );
    let err = from_json("[42]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "(top level): expected migration statistics, found 42"
    );
    let err = from_json("[{\"Identity\":\"a\",\"Report\":null}, true]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "[1]: expected migration statistics, found true"
    );
}
