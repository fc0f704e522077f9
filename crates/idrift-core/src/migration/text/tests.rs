//! Tests of the Format-List console text reader.

use super::*;

fn root(d: &Doc) -> &Obj {
    d.obj(&d.roots[0]).unwrap()
}

fn report(d: &Doc) -> &Obj {
    d.obj(d.prop(root(d), "Report").unwrap()).unwrap()
}

/// The string value of `obj`'s property `name` (`None` when it is absent or not a string).
fn str_prop<'d>(d: &'d Doc, obj: &'d Obj, name: &str) -> Option<&'d str> {
    match d.prop(obj, name)? {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// The strings of a list (a value that is not a string fails the test).
fn texts(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|v| match v {
            Value::Str(s) => s.as_str(),
            other => panic!("not a string: {other:?}"),
        })
        .collect()
}

#[test]
fn verification_records_become_a_list_with_their_lines() {
    let text = "PS C:\\> $stats.Report.MailboxVerification\n\n\
Source            : 10 [1 KB (1,024 bytes)]\n\
Target            : 10 [1 KB (1,024 bytes)]\n\
FolderSourcePath  : /Top of Information Store/Inbox\n\
UnknownElements   :\n\n\n\
Source            : 3 [3 KB (3,072 bytes)]\n\
Target            : 2 [2 KB (2,048 bytes)]\n\
FolderSourcePath  : /Top of Information Store/Drafts\n";
    let d = parse(text).unwrap();
    let mv = d.prop(report(&d), "MailboxVerification").unwrap();
    let items = d.items(mv).unwrap();
    assert_eq!(items.len(), 2);
    let second = d.obj(&items[1]).unwrap();
    assert_eq!(second.line, Some(9));
    assert_eq!(
        str_prop(&d, second, "FolderSourcePath"),
        Some("/Top of Information Store/Drafts")
    );
    assert_eq!(
        str_prop(&d, second, "Target"),
        Some("2 [2 KB (2,048 bytes)]")
    );
}

#[test]
fn records_without_blank_lines_split_on_a_repeated_name() {
    let text = "Source : 1 [1 B (1 bytes)]\nTarget : 1 [1 B (1 bytes)]\nFolderSourcePath : /A\n\
Source : 2 [2 B (2 bytes)]\nTarget : 2 [2 B (2 bytes)]\nFolderSourcePath : /B\n";
    let d = parse(text).unwrap();
    let mv = d.prop(report(&d), "MailboxVerification").unwrap();
    assert_eq!(d.items(mv).map(<[Value]>::len), Some(2));
}

#[test]
fn stats_portal_labels_prompts_and_log_lines_are_read() {
    let text = "user@domain.com\n\nStatus: Completed\n\n\
Data migrated: 2.485 GB (2,668,722,884 bytes)\nStalled duration: 01:21:09.3851867\n\nStatus:\n\n\
PS C:\\> $stats.EstimatedTotalTransferSize\n\n1.501 GB (1,612,092,317 bytes)\n\n\
7/3/2018 2:22:35 PM [CO2PR07MB2711] The job has been paused temporarily, with request throttling state: 'StalledDueToTarget_DiskLatency'.\n\
7/3/2018 2:28:47 PM [CO2PR07MB2711] Request processing continued, stage LoadingMessages.\n";
    let d = parse(text).unwrap();
    let o = root(&d);
    let s = |n: &str| d.prop(o, n).and_then(|v| d.text(v));
    for (name, value) in [
        ("Identity", "user@domain.com"),
        ("Status", "Completed"),
        ("BytesTransferred", "2.485 GB (2,668,722,884 bytes)"),
        ("TotalStalledDuration", "01:21:09.3851867"),
        (
            "EstimatedTotalTransferSize",
            "1.501 GB (1,612,092,317 bytes)",
        ),
    ] {
        assert_eq!(s(name).as_deref(), Some(value), "{name}");
    }
    let entries = d.items(d.prop(report(&d), "Entries").unwrap()).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(d.prop(report(&d), "MailboxVerification"), None);
}

#[test]
fn multi_line_report_value_continues_on_indented_lines() {
    let text = r#"Identity : user@domain.com
Report   : 7/3/2018 2:22:35 PM [X] 'user' created move request.
           7/3/2018 2:41:04 PM [X] The job has been paused temporarily due to unfavorable
           server health, with request throttling state: 'StalledDueToTarget_DiskLatency'.
           7/3/2018 2:50:04 PM [X] Request processing continued, stage LoadingMessages.
Status   : InProgress
"#;
    let d = parse(text).unwrap();
    let entries = texts(d.items(d.prop(report(&d), "Entries").unwrap()).unwrap());
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[1],
        "7/3/2018 2:41:04 PM [X] The job has been paused temporarily due to unfavorable server health, with request throttling state: 'StalledDueToTarget_DiskLatency'."
    );
    assert_eq!(str_prop(&d, root(&d), "Status"), Some("InProgress"));
}

#[test]
fn folder_tostring_lines_and_common_indentation() {
    let text = "    Identity : u@x.com\n\n    /Top of Information Store/Inbox: Source: 5 [5 B (5 bytes)], Target 5 [5 B (5 bytes)]\n";
    let d = parse(text).unwrap();
    let mv = d.prop(report(&d), "MailboxVerification").unwrap();
    assert_eq!(
        texts(d.items(mv).unwrap()),
        ["/Top of Information Store/Inbox: Source: 5 [5 B (5 bytes)], Target 5 [5 B (5 bytes)]"]
    );
    assert_eq!(str_prop(&d, root(&d), "Identity"), Some("u@x.com"));
}

#[test]
fn summarized_mailbox_verification_is_kept_as_text() {
    let text = "Entries             : {7/3/2018 2:22:35 PM [X] created move request.…}\nMailboxVerification : {/Top of Information Store/Inbox, /Top of Information Store/Sent Items…}\n";
    let d = parse(text).unwrap();
    assert_eq!(
        str_prop(&d, report(&d), "MailboxVerification"),
        Some("{/Top of Information Store/Inbox, /Top of Information Store/Sent Items…}")
    );
}

#[test]
fn two_users_in_one_file_are_refused_with_the_line() {
    let text = "Identity : a@x.com\nStatus : Completed\n\nIdentity : b@x.com\nStatus : Synced\n";
    let err = parse(text).unwrap_err();
    assert_eq!(
        err,
        MigrationError::Field {
            path: "Identity".to_owned(),
            line: Some(4),
            message:
                "a second user (\"b@x.com\", after \"a@x.com\" on line 1); save one user per file"
                    .to_owned(),
        }
    );
}

#[test]
fn unrelated_text_is_not_recognized() {
    for text in [
        "",
        "hello world\nthis is a note\n",
        "Name : Foo\nColor : blue\n",
    ] {
        let err = parse(text).unwrap_err();
        assert!(
            matches!(err, MigrationError::NotRecognized { .. }),
            "{text:?}: {err:?}"
        );
    }
}

#[test]
fn log_entry_dates_in_several_cultures() {
    for yes in [
        "7/3/2018 2:22:35 PM [X] Stage: LoadingMessages.",
        "03.07.2018 14:22:35 [X] Stage: LoadingMessages.",
        "2018-07-03 14:22:35 [X] x",
        "2018-07-03T14:22:35 x",
    ] {
        assert!(is_log_entry(yes), "{yes}");
    }
    for no in [
        "1.501 GB (1,612,092,317 bytes)",
        "Status : Completed",
        "7/3 2:22",
        "10188 [1 KB]",
    ] {
        assert!(!is_log_entry(no), "{no}");
    }
}

#[test]
fn key_value_rules() {
    assert_eq!(
        key_value(
            "Source                                         : 10188 [1.152 GB (1,237,342,091 bytes)]"
        ),
        Some((
            "Source".to_owned(),
            "10188 [1.152 GB (1,237,342,091 bytes)]".to_owned()
        ))
    );
    assert_eq!(
        key_value("Error:"),
        Some(("Error".to_owned(), String::new()))
    );
    assert_eq!(
        key_value("Last successful sync date: 7/3/2018 3:14:56 PM"),
        Some((
            "Last successful sync date".to_owned(),
            "7/3/2018 3:14:56 PM".to_owned()
        ))
    );
    assert_eq!(key_value("PS C:\\> $stats"), None);
    assert_eq!(key_value("Here's an example: x"), None);
    assert_eq!(key_value("http://example.com"), None);
    assert_eq!(
        prompt_property("PS C:\\> $stats.EstimatedTotalTransferSize").as_deref(),
        Some("EstimatedTotalTransferSize")
    );
    assert_eq!(
        prompt_property("[PS] C:\\>$s.Report.MailboxVerification").as_deref(),
        Some("MailboxVerification")
    );
    assert_eq!(
        prompt_property("PS C:\\> $stats=Import-Clixml -Path x"),
        None
    );
    assert_eq!(prompt_property("PS C:\\> $stats"), None);
}
