//! Tests of `lint apply`'s CSV reader, its plan, and the undo LDIF.

use super::*;
use crate::journal::OpReport;

const HEADER: &str = "DISTINGUISHEDNAME,COMMONNAME,OBJECTCLASS,ATTRIBUTE,ERROR,VALUE,UPDATE,ACTION";

#[test]
fn an_excel_csv_with_bom_crlf_and_quoted_cells_is_read() {
    let text = format!(
        "\u{feff}{HEADER}\r\n\"CN=Smith\\, Ann,OU=S,DC=x\",\"Smith, Ann\",user,proxyAddresses,\"Character, Format\",\"smtp:ann smith@x.com\",smtp:annsmith@x.com,edit\r\n\"CN=Bo,DC=x\",Bo,user,mail,Format,bo@x,,\r\n"
    );
    let rows = parse_fix_csv(text.as_bytes()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].distinguished_name, "CN=Smith\\, Ann,OU=S,DC=x");
    assert_eq!(rows[0].common_name, "Smith, Ann");
    assert_eq!(rows[0].error, "Character, Format");
    assert_eq!(rows[0].action, FixAction::Edit);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[1].action, FixAction::Complete);
    assert_eq!(rows[1].line, 3);
}

#[test]
fn columns_in_another_order_are_found_by_name() {
    let text = "action,update,value,error,attribute,objectclass,commonname,distinguishedname\nREMOVE,,x400:bad,Character,proxyAddresses,user,A,\"CN=A,DC=x\"\n";
    let rows = parse_fix_csv(text.as_bytes()).unwrap();
    assert_eq!(rows[0].distinguished_name, "CN=A,DC=x");
    assert_eq!(rows[0].action, FixAction::Remove);
}

#[test]
fn bad_csvs_name_the_line_and_the_problem() {
    let missing = "DISTINGUISHEDNAME,ATTRIBUTE,VALUE\nCN=A,mail,a@b\n";
    let e = parse_fix_csv(missing.as_bytes()).unwrap_err();
    assert!(e.contains("line 1") && e.contains("COMMONNAME"), "{e}");
    let action = format!(
        "{HEADER}\nCN=A,A,user,mail,Format,a@b,a@b.com,EDIT\nCN=B,B,user,mail,Format,b@b,,FIX\n"
    );
    let e = parse_fix_csv(action.as_bytes()).unwrap_err();
    assert!(e.contains("line 3") && e.contains("FIX"), "{e}");
    let width = format!("{HEADER}\nCN=A,A,user,mail\n");
    let e = parse_fix_csv(width.as_bytes()).unwrap_err();
    assert!(e.contains("line 2"), "{e}");
}

/// The rows of a table, one a line: `line | DN | attribute | error | value | update | action`.
fn rows(table: &str) -> Vec<FixRow> {
    table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('|').map(str::trim).collect();
            FixRow {
                line: c[0].parse().unwrap(),
                distinguished_name: c[1].to_owned(),
                common_name: String::new(),
                object_class: "user".to_owned(),
                attribute: c[2].to_owned(),
                error: c[3].to_owned(),
                value: c[4].to_owned(),
                update: c[5].to_owned(),
                action: FixAction::parse(c[6]).unwrap(),
            }
        })
        .collect()
}

#[test]
fn duplicates_are_refused_and_every_holder_is_named() {
    let rows = rows(
        "
        2 | CN=A,DC=x | proxyAddresses | Duplicate | smtp:Shared@x.com |  | REMOVE
        3 | CN=B,DC=x | mail | Duplicate | shared@x.com |  | COMPLETE
        4 | CN=C,DC=x | mail | Format | c@x | c@x.com | EDIT
        ",
    );
    let plan = plan_fixes(&rows);
    assert_eq!(plan.spec.ops.len(), 1);
    assert_eq!(plan.spec.ops[0].target, "CN=C,DC=x");
    assert_eq!(plan.refused.len(), 1);
    let r = &plan.refused[0];
    assert_eq!(r.row.line, 2);
    assert_eq!(
        r.holders,
        vec!["CN=A,DC=x (proxyAddresses)", "CN=B,DC=x (mail)"]
    );
    assert_eq!(plan.complete, 1);
}

#[test]
fn the_plan_holds_the_found_and_the_wanted_values() {
    let rows = rows(
        "
        2 | CN=A,DC=x | proxyaddresses | Character | smtp:a b@x.com | smtp:ab@x.com | EDIT
        3 | CN=A,DC=x | displayName | Blank |  | A | EDIT
        4 | CN=A,DC=x | mailNickname | Character | .a |  | REMOVE
        5 | CN=A,DC=x | userCertificate | LargeObject | 16 values |  | REMOVE
        6 | CN=A,DC=x | mail | Format | a@x |  | EDIT
        7 | CN=A,DC=x | mailNickname | Length | .a | b | EDIT
        ",
    );
    let plan = plan_fixes(&rows);
    let ops = &plan.spec.ops;
    assert_eq!(ops.len(), 3);
    assert_eq!(ops[0].seq, 1);
    assert_eq!(ops[0].op, OP_LINT_VALUE);
    let loc = locator(&ops[0]).unwrap();
    assert_eq!(loc.attribute, "proxyAddresses");
    assert!(loc.multi_valued);
    assert_eq!(loc.values, vec!["smtp:a b@x.com", "smtp:ab@x.com"]);
    assert_eq!(ops[0].before, serde_json::json!(["smtp:a b@x.com"]));
    assert_eq!(ops[0].after, serde_json::json!(["smtp:ab@x.com"]));
    assert_eq!(ops[1].before, serde_json::json!([]));
    assert_eq!(ops[1].after, serde_json::json!(["A"]));
    assert_eq!(ops[2].after, serde_json::json!([]));
    let reasons: Vec<u64> = plan.refused.iter().map(|r| r.row.line).collect();
    assert_eq!(reasons, vec![5, 6, 7]);
    assert!(plan.refused[0].reason.contains("userCertificate"));
    assert!(plan.refused[1].reason.contains("UPDATE"));
    assert!(plan.refused[2].reason.contains("line 4"));
}

#[test]
fn the_undo_ldif_restores_what_each_applied_write_found() {
    let rows = rows(
        "
        2 | CN=A,DC=x | proxyAddresses | Character | smtp:a b@x.com | smtp:ab@x.com | EDIT
        3 | CN=Zoë,DC=x | userPrincipalName | Character | zoë@x.com | zoe@x.com | EDIT
        4 | CN=A,DC=x | displayName | Blank |  | A | EDIT
        ",
    );
    let plan = plan_fixes(&rows);
    let report = RunReport {
        journal: "j".into(),
        ops: plan
            .spec
            .ops
            .iter()
            .map(|p| OpReport {
                seq: p.seq,
                op: p.op.clone(),
                target: p.target.clone(),
                status: OpStatus::Applied,
                before: p.before.clone(),
                after: p.after.clone(),
                message: None,
                this_run: true,
            })
            .collect(),
        writes: 3,
        stopped_at_limit: false,
    };
    let text = undo_ldif(&plan.spec, &report);
    let expected = "dn: CN=A,DC=x\nchangetype: modify\ndelete: displayName\n-\n\n\
dn:: Q049Wm/DqyxEQz14\nchangetype: modify\nreplace: userPrincipalName\nuserPrincipalName:: em/Dq0B4LmNvbQ==\n-\n\n\
dn: CN=A,DC=x\nchangetype: modify\ndelete: proxyAddresses\nproxyAddresses: smtp:ab@x.com\n-\nadd: proxyAddresses\nproxyAddresses: smtp:a b@x.com\n-\n\n";
    assert_eq!(text, expected);
}

#[test]
fn row_objects_read_like_csv_rows() {
    let row: FixRow = serde_json::from_value(serde_json::json!({
        "DistinguishedName": " CN=Ann,OU=S,DC=x ", "Attribute": " mail", "Value": "a b@x", "Action": " edit ",
        "CloudHolder": null
    }))
    .unwrap();
    assert_eq!(row.distinguished_name, "CN=Ann,OU=S,DC=x");
    assert_eq!(row.attribute, "mail");
    assert_eq!(row.value, "a b@x");
    assert_eq!(row.action, FixAction::Edit);
    assert_eq!(row.line, 0);
    let blank: FixRow = serde_json::from_value(
        serde_json::json!({"DistinguishedName": "CN=B", "Attribute": "mail"}),
    )
    .unwrap();
    assert_eq!(blank.action, FixAction::Complete);
    let e = serde_json::from_value::<FixRow>(
        serde_json::json!({"DistinguishedName": "CN=B", "Attribute": "mail", "Action": "x"}),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains(r#"Action "X" is not EDIT, REMOVE, COMPLETE or blank"#),
        "{e}"
    );
}
