//! Tests of `Lint` and `Lint.Fix` through the dispatcher: the rows come back with IdFix's columns, and the
//! edited rows go through the journal (a dry run first, then only the approved objects).

use serde_json::json;

use crate::test_support::{call, temp_file, text, write_file};
use crate::wire::Status;

const LDIF: &str = "dn: CN=Ann,OU=S,DC=x\nobjectClass: user\ncn: Ann\nuserPrincipalName: a nn@contoso.com\n\n\
dn: CN=Bo,OU=S,DC=x\nobjectClass: user\ncn: Bo\nuserPrincipalName: b o@contoso.com\n\n";

#[test]
fn lint_rows_piped_back_are_planned_then_applied_for_the_approved_objects_only() {
    let (tmp, ldif) = temp_file("ad.ldif", LDIF);
    let source = json!({"Kind": "Files", "Ad": ldif});
    let (status, body) = call(&json!({"V": 1, "Op": "Lint", "Args": {"Source": source}}));
    assert_eq!(status, Status::Ok, "{body}");
    let errors = body["Ok"]["Errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 2, "{body}");
    assert_eq!(errors[0]["Update"], "ann@contoso.com");
    assert_eq!(errors[0]["Action"], "EDIT");

    let (status, dry) =
        call(&json!({"V": 1, "Op": "Lint.Fix", "Args": {"Source": source, "Rows": errors}}));
    assert_eq!(status, Status::Ok, "{dry}");
    assert_eq!(dry["Ok"]["Applied"], false);
    assert_eq!(dry["Ok"]["Planned"].as_array().unwrap().len(), 2);
    assert_eq!(std::fs::read_to_string(&ldif).unwrap(), LDIF);

    let journal = tmp.path().join("j.jsonl");
    let (status, done) = call(&json!({"V": 1, "Op": "Lint.Fix", "Args": {
        "Source": source, "Rows": errors, "Apply": true, "JournalPath": journal, "Only": ["CN=Bo,OU=S,DC=x"]
    }}));
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(done["Ok"]["Report"]["Writes"], 1, "{done}");
    let now = std::fs::read_to_string(&ldif).unwrap();
    assert!(now.contains("userPrincipalName: bo@contoso.com\n"), "{now}");
    assert!(
        now.contains("userPrincipalName: a nn@contoso.com\n"),
        "{now}"
    );
    assert!(text(&done["Ok"]["UndoLdifPath"]).ends_with(".undo.ldif"));
}

#[test]
fn lint_fix_says_what_is_missing() {
    let (status, body) =
        call(&json!({"V": 1, "Op": "Lint.Fix", "Args": {"Source": {"Kind": "Demo"}}}));
    assert_eq!(status, Status::Error, "{body}");
    assert!(body.to_string().contains("FromCsv or Rows"), "{body}");
}

#[test]
fn lint_fix_names_the_row_with_a_bad_action_or_no_distinguished_name() {
    let row = json!({"DistinguishedName": " CN=Ann,OU=S,DC=x ", "Attribute": "userPrincipalName", "Action": " edit "});
    let bad =
        json!({"DistinguishedName": "CN=Bo,OU=S,DC=x", "Attribute": "mail", "Action": "Frob"});
    let args = json!({"Source": {"Kind": "Demo"}, "Rows": [row, bad]});
    let (status, body) = call(&json!({"V": 1, "Op": "Lint.Fix", "Args": args}));
    assert_eq!(status, Status::Error, "{body}");
    let message = body["Err"]["Message"].as_str().unwrap();
    assert!(
        message.contains(r#"Rows[1]: Action "FROB" is not EDIT, REMOVE, COMPLETE or blank"#),
        "{message}"
    );
    let args = json!({"Source": {"Kind": "Demo"}, "Rows": [{"Attribute": "mail"}]});
    let (status, body) = call(&json!({"V": 1, "Op": "Lint.Fix", "Args": args}));
    assert_eq!(status, Status::Error, "{body}");
    let message = body["Err"]["Message"].as_str().unwrap();
    assert!(
        message.contains("Rows[0]: missing field `DistinguishedName`"),
        "{message}"
    );
}

#[test]
fn undo_of_a_lint_fix_journal_restores_the_values() {
    let (tmp, ldif) = temp_file("ad.ldif", LDIF);
    let source = json!({"Kind": "Files", "Ad": ldif});
    let (_, body) = call(&json!({"V": 1, "Op": "Lint", "Args": {"Source": source}}));
    let errors = body["Ok"]["Errors"].clone();
    let journal = tmp.path().join("fix.jsonl");
    let (status, done) = call(&json!({"V": 1, "Op": "Lint.Fix", "Args": {
        "Source": source, "Rows": errors, "Apply": true, "JournalPath": journal
    }}));
    assert_eq!(status, Status::Ok, "{done}");
    assert_ne!(std::fs::read_to_string(&ldif).unwrap(), LDIF);
    let (status, undone) = call(&json!({"V": 1, "Op": "Undo", "Args": {
        "Source": source, "Journal": journal, "Apply": true, "JournalPath": tmp.path().join("undo.jsonl")
    }}));
    assert_eq!(status, Status::Ok, "{undone}");
    assert_eq!(undone["Ok"]["Kind"], "Lint", "{undone}");
    assert_eq!(std::fs::read_to_string(&ldif).unwrap(), LDIF);
}

#[test]
fn lint_writes_idfix_csv_with_a_byte_order_mark_for_utf8bom() {
    let (tmp, ldif) = temp_file("ad.ldif", LDIF);
    let source = json!({"Kind": "Files", "Ad": ldif});
    for (encoding, bom) in [
        (None, false),
        (Some("Utf8"), false),
        (Some("Utf8Bom"), true),
    ] {
        let csv = tmp.path().join("idfix.csv");
        let mut args = json!({"Source": source, "OutPath": csv});
        if let Some(e) = encoding {
            args["Encoding"] = json!(e);
        }
        let (status, body) = call(&json!({"V": 1, "Op": "Lint", "Args": args}));
        assert_eq!(status, Status::Ok, "{body}");
        let bytes = std::fs::read(&csv).unwrap();
        assert_eq!(
            bytes.starts_with(b"\xef\xbb\xbfDISTINGUISHEDNAME,"),
            bom,
            "{encoding:?}"
        );
        assert_eq!(
            bytes.starts_with(b"DISTINGUISHEDNAME,"),
            !bom,
            "{encoding:?}"
        );
    }
}

#[test]
fn lint_names_the_cloud_holder_of_a_cloud_duplicate() {
    let (tmp, ldif) = temp_file(
        "ad.ldif",
        "dn: CN=Cy,OU=S,DC=x\nobjectClass: user\ncn: Cy\nuserPrincipalName: cy@contoso.com\n\n",
    );
    let entra = write_file(
        tmp.path(),
        "entra.json",
        r#"{"value":[{"id":"c1","userPrincipalName":"shared@contoso.com","displayName":"Shared","mail":"shared@contoso.com","proxyAddresses":["SMTP:shared@contoso.com","smtp:cy@contoso.com"]}]}"#,
    );
    let args = json!({"Source": {"Kind": "Files", "Ad": ldif, "Entra": entra}});
    let (status, body) = call(&json!({"V": 1, "Op": "Lint", "Args": args}));
    assert_eq!(status, Status::Ok, "{body}");
    let errors = body["Ok"]["Errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["Error"], "CloudDuplicate");
    assert_eq!(
        errors[0]["CloudHolder"],
        "Shared <shared@contoso.com> (id c1)"
    );
}
