//! `idrift lint apply` end to end on an LDIF file (the rehearsal target): lint's CSV, edited as Excel saves
//! it, goes through the journal; duplicates are refused naming both objects; a value changed since the lint
//! is a conflict; `idrift undo` restores every value.

use std::process::ExitCode;

use crate::support::idrift;

const LDIF: &str = "dn: CN=Anna,OU=Fix,DC=contoso,DC=com
objectClass: user
cn: Anna
userPrincipalName: an na@contoso.com
sAMAccountName: anna

dn: CN=Bert,OU=Fix,DC=contoso,DC=com
objectClass: user
cn: Bert
userPrincipalName: bert@contoso.com
mail: bert@contoso.com
proxyAddresses: SMTP:bert@contoso.com
proxyAddresses: smtp:be rt@contoso.com

dn: CN=Carl,OU=Fix,DC=contoso,DC=com
objectClass: user
cn: Carl
userPrincipalName: carl@contoso.com
mail: shared@contoso.com
proxyAddresses: SMTP:shared@contoso.com

dn: CN=Dora,OU=Fix,DC=contoso,DC=com
objectClass: user
cn: Dora
userPrincipalName: dora@contoso.com
mailNickname: .dora
proxyAddresses: SMTP:dora@contoso.com
proxyAddresses: smtp:shared@contoso.com

";

/// The CSV as Excel saves it after an edit: BOM, CRLF, every cell quoted; duplicates set to REMOVE by
/// mistake, and Dora's nickname set to REMOVE instead of the suggested EDIT.
fn excel(csv: &str) -> String {
    let mut out = String::from("\u{feff}");
    for (i, line) in csv.lines().enumerate() {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let mut cells: Vec<String> = rdr
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        if i > 0 && cells[4].contains("Duplicate") {
            cells[7] = "REMOVE".to_owned();
        }
        if i > 0 && cells[3] == "mailNickname" {
            cells[6] = String::new();
            cells[7] = "remove".to_owned();
        }
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_owned).collect();
    v.sort();
    v
}

#[test]
fn the_csv_round_trips_through_lint_apply_and_undo_restores_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let ldif = dir.path().join("ad.ldif");
    std::fs::write(&ldif, LDIF).unwrap();
    let (l, csv) = (ldif.to_str().unwrap(), dir.path().join("fixes.csv"));
    let before = idrift(&["lint", "--ad", l, "--format", "json"]);
    assert_eq!(before.code, ExitCode::from(3), "{}", before.stderr);
    let r = idrift(&["lint", "--ad", l, "--format", "csv"]);
    std::fs::write(&csv, excel(&r.stdout)).unwrap();
    let c = csv.to_str().unwrap();

    let dry = idrift(&["lint", "apply", "--from-csv", c, "--ad", l]);
    assert_eq!(dry.code, ExitCode::SUCCESS, "{}{}", dry.stdout, dry.stderr);
    assert!(dry.stdout.contains("Dry run"), "{}", dry.stdout);
    assert_eq!(
        std::fs::read_to_string(&ldif).unwrap(),
        LDIF,
        "a dry run writes nothing"
    );

    let j = dir.path().join("fix.journal.jsonl");
    let j = j.to_str().unwrap();
    let run = idrift(&[
        "lint",
        "apply",
        "--from-csv",
        c,
        "--ad",
        l,
        "--apply",
        "--yes",
        "--journal",
        j,
    ]);
    assert_eq!(run.code, ExitCode::SUCCESS, "{}{}", run.stdout, run.stderr);
    // The duplicates are refused, each naming every object holding the value.
    assert!(run.stdout.contains("Refused (3)"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("held by CN=Carl,OU=Fix,DC=contoso,DC=com (mail)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("held by CN=Dora,OU=Fix,DC=contoso,DC=com (proxyAddresses)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("3 applied"), "{}", run.stdout);
    let fixed = std::fs::read_to_string(&ldif).unwrap();
    assert!(
        fixed.contains("userPrincipalName: anna@contoso.com\n"),
        "{fixed}"
    );
    // Lint suggested smtp:bert@..., which Bert already holds as his primary SMTP:bert@...: AD compares proxy
    // addresses without case, so the edit only removes the bad value.
    assert!(
        fixed.contains("proxyAddresses: SMTP:bert@contoso.com\n\n"),
        "{fixed}"
    );
    assert!(
        !fixed.contains("be rt") && !fixed.contains("smtp:bert"),
        "{fixed}"
    );
    assert!(!fixed.contains("mailNickname"), "{fixed}");
    // Only the duplicates are left for a human.
    let after = idrift(&["lint", "--ad", l, "--format", "csv"]);
    let rows: Vec<&str> = after.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{}", after.stdout);
    assert!(
        rows.iter().all(|r| r.contains("Duplicate")),
        "{}",
        after.stdout
    );
    // The undo LDIF for ldifde restores the before-values.
    let undo_ldif = std::fs::read_to_string(format!("{j}.undo.ldif")).unwrap();
    assert!(undo_ldif.contains("dn: CN=Anna,OU=Fix,DC=contoso,DC=com\nchangetype: modify\nreplace: userPrincipalName\nuserPrincipalName: an na@contoso.com\n-\n"), "{undo_ldif}");
    assert!(
        undo_ldif.contains("add: mailNickname\n")
            || undo_ldif.contains("replace: mailNickname\nmailNickname: .dora\n"),
        "{undo_ldif}"
    );

    let j2 = dir.path().join("undo.journal.jsonl");
    let undo = idrift(&[
        "undo",
        j,
        "--ad",
        l,
        "--apply",
        "--yes",
        "--journal",
        j2.to_str().unwrap(),
    ]);
    assert_eq!(
        undo.code,
        ExitCode::SUCCESS,
        "{}{}",
        undo.stdout,
        undo.stderr
    );
    assert!(undo.stdout.contains("3 applied"), "{}", undo.stdout);
    let restored = std::fs::read_to_string(&ldif).unwrap();
    assert_eq!(sorted_lines(&restored), sorted_lines(LDIF), "{restored}");
    let again = idrift(&["lint", "--ad", l, "--format", "json"]);
    assert_eq!(again.stdout, before.stdout);
}

#[test]
fn a_value_changed_since_the_lint_is_a_conflict_and_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let ldif = dir.path().join("ad.ldif");
    std::fs::write(&ldif, LDIF).unwrap();
    let l = ldif.to_str().unwrap();
    let csv = dir.path().join("fixes.csv");
    let r = idrift(&["lint", "--ad", l, "--out", csv.to_str().unwrap()]);
    assert_eq!(r.code, ExitCode::from(3));
    // Someone fixes Anna's UPN by hand after the lint.
    let changed = LDIF.replace("an na@contoso.com", "anna.x@contoso.com");
    std::fs::write(&ldif, &changed).unwrap();
    let j = dir.path().join("j.jsonl");
    let run = idrift(&[
        "lint",
        "apply",
        "--from-csv",
        csv.to_str().unwrap(),
        "--ad",
        l,
        "--apply",
        "--yes",
        "--journal",
        j.to_str().unwrap(),
    ]);
    assert_eq!(run.code, ExitCode::from(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("conflict"), "{}", run.stdout);
    let now = std::fs::read_to_string(&ldif).unwrap();
    assert!(
        now.contains("userPrincipalName: anna.x@contoso.com\n"),
        "{now}"
    );
    assert!(
        !now.contains("be rt"),
        "the other rows are still applied: {now}"
    );
}

#[test]
fn a_csv_that_is_not_lints_is_refused_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "DISTINGUISHEDNAME,COMMONNAME,OBJECTCLASS,ATTRIBUTE,ERROR,VALUE,UPDATE,ACTION\n\"CN=A,DC=x\",A,user,mail,Format,a@x,a@x.com,CHANGE\n").unwrap();
    let ldif = dir.path().join("ad.ldif");
    std::fs::write(&ldif, LDIF).unwrap();
    let r = idrift(&[
        "lint",
        "apply",
        "--from-csv",
        csv.to_str().unwrap(),
        "--ad",
        ldif.to_str().unwrap(),
    ]);
    assert_eq!(r.code, ExitCode::from(1));
    assert!(
        r.stderr.contains("bad.csv") && r.stderr.contains("line 2"),
        "{}",
        r.stderr
    );
}

#[test]
fn lint_apply_as_json_is_the_run_envelope_and_as_csv_one_row_per_write() {
    let dir = tempfile::tempdir().unwrap();
    let ldif = dir.path().join("ad.ldif");
    std::fs::write(&ldif, LDIF).unwrap();
    let l = ldif.to_str().unwrap();
    let csv = dir.path().join("fixes.csv");
    let r = idrift(&["lint", "--ad", l, "--format", "csv"]);
    std::fs::write(&csv, excel(&r.stdout)).unwrap();
    let c = csv.to_str().unwrap();
    let j = dir.path().join("env.journal.jsonl");
    let j = j.to_str().unwrap();

    // The dry run as JSON is the plan a script inspects before --apply.
    let dry = idrift(&[
        "lint",
        "apply",
        "--from-csv",
        c,
        "--ad",
        l,
        "--journal",
        j,
        "--format",
        "json",
    ]);
    assert_eq!(dry.code, ExitCode::SUCCESS, "{}{}", dry.stdout, dry.stderr);
    let v: serde_json::Value = serde_json::from_str(&dry.stdout).expect("one JSON document");
    assert_eq!(v["Command"], "lint apply", "{}", dry.stdout);
    assert_eq!(v["DryRun"], true);
    assert_eq!(v["Journal"], j);
    assert!(v["Outcome"].is_null());
    assert_eq!(v["Planned"].as_array().unwrap().len(), 3, "{}", dry.stdout);
    assert_eq!(v["Refused"].as_array().unwrap().len(), 3, "{}", dry.stdout);
    assert!(
        v["Refused"][0]["Holders"].as_array().unwrap().len() >= 2,
        "{}",
        dry.stdout
    );
    assert_eq!(v["Warnings"], serde_json::json!([]));
    assert_eq!(std::fs::read_to_string(&ldif).unwrap(), LDIF);

    // As CSV: one row per planned write, the attribute from the plan, values in words.
    let rows = idrift(&[
        "lint",
        "apply",
        "--from-csv",
        c,
        "--ad",
        l,
        "--journal",
        j,
        "--format",
        "csv",
    ]);
    assert_eq!(rows.code, ExitCode::SUCCESS, "{}", rows.stderr);
    let lines: Vec<&str> = rows.stdout.lines().collect();
    assert_eq!(lines[0], "Seq,Target,Attribute,Before,After,Outcome,Note");
    assert_eq!(lines.len(), 4, "{}", rows.stdout);
    assert!(
        lines
            .iter()
            .any(|r| r.contains("userPrincipalName") && r.contains("an na@contoso.com")),
        "{}",
        rows.stdout
    );

    // The apply as JSON: the outcome of every write and the undo LDIF.
    let run = idrift(&[
        "lint",
        "apply",
        "--from-csv",
        c,
        "--ad",
        l,
        "--journal",
        j,
        "--format",
        "json",
        "--apply",
        "--yes",
    ]);
    assert_eq!(run.code, ExitCode::SUCCESS, "{}{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(v["DryRun"], false);
    assert_eq!(v["Outcome"]["Writes"], 3, "{}", run.stdout);
    assert_eq!(v["UndoLdif"], format!("{j}.undo.ldif"));
    assert!(
        std::fs::read_to_string(&ldif)
            .unwrap()
            .contains("userPrincipalName: anna@contoso.com\n")
    );

    // Its undo, as JSON too.
    let j2 = dir.path().join("undo.journal.jsonl");
    let undo = idrift(&[
        "undo",
        j,
        "--ad",
        l,
        "--apply",
        "--yes",
        "--journal",
        j2.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        undo.code,
        ExitCode::SUCCESS,
        "{}{}",
        undo.stdout,
        undo.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&undo.stdout).expect("one JSON document");
    assert_eq!(v["Outcome"]["Writes"], 3, "{}", undo.stdout);
    assert_eq!(
        sorted_lines(&std::fs::read_to_string(&ldif).unwrap()),
        sorted_lines(LDIF)
    );
}
