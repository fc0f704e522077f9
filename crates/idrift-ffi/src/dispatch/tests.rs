//! Tests of dispatch: every rejection names what was wrong, and operations return what idrift-app returns.

use super::*;
use crate::test_support::{call_text as call, error_message, every, text};

#[track_caller]
fn check_err(request: &str, kind: &str, needle: &str) {
    let (status, v) = call(request);
    let message = error_message(status, &v);
    assert_eq!(v["V"], 1, "{request}");
    assert_eq!(v["Err"]["Kind"], kind, "{request}: {v}");
    assert!(
        message.contains(needle),
        "{request}: {message:?} does not contain {needle:?}"
    );
}

/// [`check_err`] for each case of a table of requests, the kinds of error and what their messages say.
#[track_caller]
fn check_errs(cases: &[(&str, &str, &str)]) {
    for &(request, kind, needle) in cases {
        check_err(request, kind, needle);
    }
}

#[test]
fn malformed_requests_are_bad_requests() {
    check_err("", "BadRequest", "EOF while parsing");
    check_err("{", "BadRequest", "EOF while parsing");
    check_err("[1,2]", "BadRequest", "invalid type");
    check_err(r#"{"V":1}"#, "BadRequest", "missing field `Op`");
    // A duplicate key is not last-wins: the request is refused, naming the path.
    check_err(
        r#"{"V":1,"Op":"Describe","Args":{"Csv":"a","Csv":"b"}}"#,
        "BadRequest",
        "at $.Args: duplicate key \"Csv\"",
    );
    let (status, body) = handle(&[0xff, 0xfe, b'{']);
    assert_eq!(status, Status::Error);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["Err"]["Kind"], "BadRequest");
}

#[test]
fn other_versions_are_refused() {
    check_errs(&[
        (
            r#"{"V":2,"Op":"Describe"}"#,
            "UnsupportedVersion",
            "wire version 2",
        ),
        (
            r#"{"V":0,"Op":"Describe"}"#,
            "UnsupportedVersion",
            "speaks V 1",
        ),
    ]);
}

#[test]
fn unknown_operations_list_the_known_ones() {
    check_err(r#"{"V":1,"Op":"Nope"}"#, "UnknownOp", "DirSync.Compare");
}

#[test]
fn invalid_args_name_the_field() {
    check_errs(&[
        (
            r#"{"V":1,"Op":"DirSync.Compare"}"#,
            "InvalidArgs",
            "missing field `Source`",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Nowhere"}}}"#,
            "InvalidArgs",
            "unknown variant `Nowhere`",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"}}}"#,
            "InvalidArgs",
            "OutPath is required",
        ),
    ]);
}

#[test]
fn relative_paths_are_refused() {
    check_errs(&[
        (
            r#"{"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Snapshot","Path":"snap"}}}"#,
            "InvalidArgs",
            "Source.Path must be an absolute path",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"OutPath":"out"}}"#,
            "InvalidArgs",
            "OutPath must be an absolute path",
        ),
        (
            r#"{"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Live","Ad":{"Url":"ldaps://dc","CaFile":"ca.pem"}}}}"#,
            "InvalidArgs",
            "Source.Ad.CaFile must be an absolute path (the host resolves relative paths), got ca.pem",
        ),
        (
            r#"{"V":1,"Op":"Report","Args":{"Source":{"Kind":"Demo"},"OutPath":"/tmp/r.html","Journals":["/j/a.jsonl","b.jsonl"]}}"#,
            "InvalidArgs",
            "Journals must be an absolute path (the host resolves relative paths), got b.jsonl",
        ),
    ]);
}

#[test]
fn app_errors_keep_their_kind_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let request = serde_json::json!({"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Snapshot","Path":dir.path()}}});
    let (status, v) = call(&request.to_string());
    assert_eq!(status, Status::Error);
    assert_eq!(v["Err"]["Kind"], "MissingFile");
    assert!(
        v["Err"]["Message"].as_str().unwrap().contains("ad.ldif"),
        "{v}"
    );
}

#[test]
fn describe_lists_every_operation() {
    let (status, v) = call(r#"{"V":1,"Op":"Describe","Args":null}"#);
    assert_eq!(status, Status::Ok);
    assert_eq!(v["Ok"]["AbiVersion"], crate::abi::ABI_VERSION);
    assert_eq!(v["Ok"]["WireVersion"], 1);
    let ops: Vec<&str> = v["Ok"]["Ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert_eq!(ops, OPS);
}

#[test]
fn source_check_counts_what_idrift_app_loads() {
    let (status, v) = call(r#"{"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Demo"}}}"#);
    assert_eq!(status, Status::Ok, "{v}");
    let demo = idrift_app::demo::load().unwrap();
    assert_eq!(v["Ok"]["Kind"], "Demo");
    assert_eq!(v["Ok"]["OnPremUsers"], demo.snapshot.on_prem.len());
    assert_eq!(v["Ok"]["CloudUsers"], demo.snapshot.cloud.len());
    assert_eq!(
        v["Ok"]["HasTenantSync"],
        demo.snapshot.tenant_sync.is_some()
    );
}

#[test]
fn compare_returns_the_report_of_idrift_app_and_writes_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let request = serde_json::json!({"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"OutPath":dir.path()}});
    let (status, v) = call(&request.to_string());
    assert_eq!(status, Status::Ok, "{v}");
    let demo = idrift_app::demo::load().unwrap();
    let report = idrift_app::dirsync::compare(&demo.snapshot, &PhoneOptions::default());
    assert_eq!(
        v["Ok"]["Summary"],
        serde_json::to_value(report.summary).unwrap()
    );
    assert_eq!(v["Ok"]["Rows"], serde_json::to_value(&report.rows).unwrap());
    let written = std::path::PathBuf::from(v["Ok"]["CsvPath"].as_str().unwrap());
    assert_eq!(written.parent(), Some(dir.path()));
    let name = written.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("ADSyncTools-DirSyncOverrides_") && name.ends_with(".csv"),
        "{name}"
    );
    assert_eq!(
        idrift_app::dirsync::read_csv(&written).unwrap(),
        report.rows
    );
}

#[test]
fn compare_without_csv_writes_nothing() {
    let (status, v) = call(
        r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"WriteCsv":false}}"#,
    );
    assert_eq!(status, Status::Ok, "{v}");
    assert!(v["Ok"]["CsvPath"].is_null());
}

#[test]
fn compare_to_a_named_file_writes_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overrides.csv");
    let request = serde_json::json!({"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"OutPath":file}});
    let (status, v) = call(&request.to_string());
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["CsvPath"], serde_json::json!(file));
    assert!(file.is_file());
    assert!(
        std::fs::read(&file)
            .unwrap()
            .starts_with(b"\"UserPrincipalName\"")
    );
}

#[test]
fn encoding_utf8bom_starts_each_csv_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[u8]); 2] = [
        (
            "DirSync.Compare",
            "overrides.csv",
            b"\xef\xbb\xbf\"UserPrincipalName\"",
        ),
        ("Scan", "findings.csv", b"\xef\xbb\xbf\"Kind\""),
    ];
    for (op, file, start) in cases {
        let out = dir.path().join(file);
        let (status, v) = call_json(
            serde_json::json!({"V":1,"Op":op,"Args":{"Source":{"Kind":"Demo"},"OutPath":out,"Encoding":"Utf8Bom"}}),
        );
        assert_eq!(status, Status::Ok, "{op}: {v}");
        assert!(std::fs::read(&out).unwrap().starts_with(start), "{op}");
    }
    let scan = dir.path().join("findings.csv");
    check_err(
        &serde_json::json!({"V":1,"Op":"Scan","Args":{"Source":{"Kind":"Demo"},"OutPath":scan,"Encoding":"Latin1"}}).to_string(),
        "InvalidArgs",
        "Latin1",
    );
}

// ---------------------------------------------------------------------------------------------------------
// The operations over idrift-app: each returns what the library function returns, and the writers plan
// (dry run) or journal and apply.

fn repo_file(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// A copy of the demo snapshot in a temporary directory, for the writers to rewrite.
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["ad.ldif", "entra-users.json", "entra-sync.json"] {
        std::fs::copy(repo_file(&format!("examples/demo/{f}")), dir.path().join(f)).unwrap();
    }
    dir
}

fn snapshot_source(dir: &std::path::Path) -> serde_json::Value {
    serde_json::json!({"Kind": "Snapshot", "Path": dir})
}

fn call_json(request: serde_json::Value) -> (Status, serde_json::Value) {
    call(&request.to_string())
}

/// Calls the operation `op` with the object `args`, whose `Source` is the demo unless it names one.
fn op_call(op: &str, mut args: serde_json::Value) -> (Status, serde_json::Value) {
    if args.get("Source").is_none() {
        args["Source"] = serde_json::json!({"Kind": "Demo"});
    }
    call_json(serde_json::json!({"V": 1, "Op": op, "Args": args}))
}

/// [`op_call`], asserting that the call succeeded; the whole answer.
fn ok_of(op: &str, args: serde_json::Value) -> serde_json::Value {
    let (status, v) = op_call(op, args);
    assert_eq!(status, Status::Ok, "{op}: {v}");
    v
}

#[test]
fn get_reads_either_side_of_the_demo() {
    let v = ok_of(
        "DirSync.Get",
        serde_json::json!({"Identity":"tim.mcmichael@contoso.com","From":"AD"}),
    );
    assert_eq!(v["Ok"]["Mobile"], "0987654321");
    assert_eq!(
        v["Ok"]["DistinguishedName"],
        "CN=Tim McMichael,OU=Sync,DC=contoso,DC=com"
    );
    let v = ok_of(
        "DirSync.Get",
        serde_json::json!({"Identity":"tim.mcmichael@contoso.com","From":"Entra"}),
    );
    assert_eq!(v["Ok"]["MobilePhone"], "1234567890");
    assert_eq!(v["Ok"]["Synced"], true);
    let (status, v) = op_call(
        "DirSync.Get",
        serde_json::json!({"Identity":"nobody@contoso.com","From":"AD"}),
    );
    let message = error_message(status, &v);
    assert_eq!(v["Err"]["Kind"], "Invalid");
    assert!(message.contains("nobody@contoso.com"), "{v}");
}

#[test]
fn set_plans_without_apply_and_writes_with_it() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let args = |apply: bool| {
        serde_json::json!({"V":1,"Op":"DirSync.Set","Args":{
            "Source": snapshot_source(dir.path()), "Identity":"tim.mcmichael@contoso.com",
            "MobileInAD":"1234567890", "Apply": apply, "JournalPath": journals.path()}})
    };
    let (status, v) = call_json(args(false));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Applied"], false);
    assert_eq!(v["Ok"]["Command"], "dirsync set");
    assert_eq!(v["Ok"]["Planned"].as_array().unwrap().len(), 1);
    assert_eq!(v["Ok"]["Planned"][0]["Before"]["Mobile"], "0987654321");
    assert_eq!(v["Ok"]["Planned"][0]["After"]["Mobile"], "1234567890");
    assert!(v["Ok"]["JournalPath"].is_null());
    assert_eq!(
        std::fs::read_dir(journals.path()).unwrap().count(),
        0,
        "a dry run writes no journal"
    );

    let (status, v) = call_json(args(true));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Applied"], true);
    assert_eq!(v["Ok"]["Report"]["Ops"][0]["Status"], "Applied", "{v}");
    assert_eq!(v["Ok"]["Report"]["Writes"], 1);
    let journal = std::path::PathBuf::from(v["Ok"]["JournalPath"].as_str().unwrap());
    assert_eq!(journal.parent(), Some(journals.path()));
    assert!(journal.is_file());
    assert!(
        text(&v["Ok"]["Notes"][0]).contains("next sync cycle"),
        "{v}"
    );

    // The snapshot's ad.ldif now holds the new value; setting it again plans nothing.
    let (_, v) = call_json(
        serde_json::json!({"V":1,"Op":"DirSync.Get","Args":{"Source": snapshot_source(dir.path()),"Identity":"tim.mcmichael@contoso.com","From":"AD"}}),
    );
    assert_eq!(v["Ok"]["Mobile"], "1234567890");
    let (_, v) = call_json(args(false));
    assert_eq!(v["Ok"]["Planned"].as_array().unwrap().len(), 0);
    assert!(
        text(&v["Ok"]["Notes"][0]).contains("already has these values"),
        "{v}"
    );
}

#[test]
fn writers_refuse_bad_combinations() {
    check_errs(&[
        (
            r#"{"V":1,"Op":"DirSync.Set","Args":{"Source":{"Kind":"Demo"},"Identity":"a@b"}}"#,
            "InvalidArgs",
            "name the new value",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Clear","Args":{"Source":{"Kind":"Demo"},"Identity":"a@b"}}"#,
            "InvalidArgs",
            "name what to clear",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Set","Args":{"Source":{"Kind":"Demo"},"Identity":"tim.mcmichael@contoso.com","MobileInAD":"1","Apply":true}}"#,
            "InvalidArgs",
            "JournalPath is required",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Persist","Args":{"Source":{"Kind":"Demo"},"Rows":[],"FromCsv":"/x.csv"}}"#,
            "InvalidArgs",
            "at most one of Rows, FromCsv and Resume",
        ),
        (
            r#"{"V":1,"Op":"DirSync.Bypass.Preview","Args":{"Source":{"Kind":"Demo"},"DefaultRegion":"XX"}}"#,
            "InvalidArgs",
            "XX",
        ),
    ]);
}

#[test]
fn a_synced_users_entra_phone_is_refused() {
    let (status, v) = op_call(
        "DirSync.Set",
        serde_json::json!({"Identity":"tim.mcmichael@contoso.com","MobileInEntra":"1"}),
    );
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["Err"]["Kind"], "Source.Refused");
}

#[test]
fn clear_plans_an_empty_mobile() {
    let v = ok_of(
        "DirSync.Clear",
        serde_json::json!({"Identity":"tim.mcmichael@contoso.com","MobileInAD":true}),
    );
    assert_eq!(v["Ok"]["Command"], "dirsync clear");
    assert!(v["Ok"]["Planned"][0]["After"]["Mobile"].is_null(), "{v}");
}

#[test]
fn persist_copies_entra_values_into_ad_and_the_comparison_empties() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let compare = |dir: &std::path::Path| {
        let (_, v) = call_json(
            serde_json::json!({"V":1,"Op":"DirSync.Compare","Args":{"Source": snapshot_source(dir),"WriteCsv":false}}),
        );
        v["Ok"]["Rows"].as_array().unwrap().len()
    };
    let before = compare(dir.path());
    assert!(before > 0);
    let v = ok_of(
        "DirSync.Persist",
        serde_json::json!({"Source": snapshot_source(dir.path())}),
    );
    let planned = v["Ok"]["Planned"].as_array().unwrap().len();
    assert!(planned > 0, "{v}");
    assert_eq!(v["Ok"]["Applied"], false);
    let v = ok_of(
        "DirSync.Persist",
        serde_json::json!({"Source": snapshot_source(dir.path()),"Apply":true,"JournalPath":journals.path()}),
    );
    assert_eq!(v["Ok"]["Report"]["Writes"], planned, "{v}");
    assert!(compare(dir.path()) < before);
}

#[test]
fn persist_takes_rows_and_only() {
    let (_, compared) = call(
        r#"{"V":1,"Op":"DirSync.Compare","Args":{"Source":{"Kind":"Demo"},"WriteCsv":false}}"#,
    );
    let rows = compared["Ok"]["Rows"].clone();
    let first = rows[0]["UserPrincipalName"].clone();
    let v = ok_of(
        "DirSync.Persist",
        serde_json::json!({"Rows":rows,"Only":[first]}),
    );
    let planned = v["Ok"]["Planned"].as_array().unwrap();
    assert!(planned.len() <= 1, "{v}");
    assert!(planned.iter().all(|p| p["Target"] == first));
}

#[test]
fn bypass_status_preview_and_switch() {
    let (status, v) =
        call(r#"{"V":1,"Op":"DirSync.Bypass.Status","Args":{"Source":{"Kind":"Demo"}}}"#);
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Id"], "12cce4b4-4ab8-40b7-be4d-f5d7742ec185");
    assert_eq!(v["Ok"]["BypassDirSyncOverridesEnabled"], false);

    let (status, preview) =
        call(r#"{"V":1,"Op":"DirSync.Bypass.Preview","Args":{"Source":{"Kind":"Demo"}}}"#);
    assert_eq!(status, Status::Ok, "{preview}");
    let at_risk = preview["Ok"]["Users"].as_array().unwrap().len();

    let (status, v) = call(
        r#"{"V":1,"Op":"DirSync.Bypass.Set","Args":{"Source":{"Kind":"Demo"},"Enable":true}}"#,
    );
    if at_risk > 0 {
        let message = error_message(status, &v);
        assert_eq!(v["Err"]["Kind"], "Invalid");
        assert!(
            message.contains("give -AcceptOverwrite"),
            "the message names the PowerShell parameter: {v}"
        );
    }
    let (status, v) = call(
        r#"{"V":1,"Op":"DirSync.Bypass.Set","Args":{"Source":{"Kind":"Demo"},"Enable":true,"AcceptOverwrite":true}}"#,
    );
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Planned"][0]["Op"], "tenant.bypassDirSyncOverrides");
    assert_eq!(
        v["Ok"]["Preview"]["Users"].as_array().unwrap().len(),
        at_risk
    );

    let (status, v) = call(
        r#"{"V":1,"Op":"DirSync.Bypass.Set","Args":{"Source":{"Kind":"Demo"},"Enable":false}}"#,
    );
    assert_eq!(status, Status::Ok, "{v}");
    assert!(
        text(&v["Ok"]["Notes"][0]).contains("already disabled"),
        "{v}"
    );
}

#[test]
fn bypass_enable_applies_to_a_snapshot() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let v = ok_of(
        "DirSync.Bypass.Set",
        serde_json::json!({"Source": snapshot_source(dir.path()),"Enable":true,"AcceptOverwrite":true,"Apply":true,"JournalPath":journals.path()}),
    );
    assert_eq!(v["Ok"]["Report"]["Ops"][0]["Status"], "Applied", "{v}");
    let (_, v) = call_json(
        serde_json::json!({"V":1,"Op":"DirSync.Bypass.Status","Args":{"Source": snapshot_source(dir.path())}}),
    );
    assert_eq!(v["Ok"]["BypassDirSyncOverridesEnabled"], true);
}

#[test]
fn scan_and_plan_return_what_idrift_app_returns() {
    let (status, v) = call(r#"{"V":1,"Op":"Scan","Args":{"Source":{"Kind":"Demo"}}}"#);
    assert_eq!(status, Status::Ok, "{v}");
    let demo = idrift_app::demo::load().unwrap();
    let report = idrift_app::scan::scan(&demo.snapshot, &idrift_core::scan::ScanOptions::default());
    assert_eq!(
        v["Ok"]["Findings"],
        serde_json::to_value(&report.findings).unwrap()
    );
    assert_eq!(
        v["Ok"]["Summary"],
        serde_json::to_value(report.summary).unwrap()
    );
    assert_eq!(
        v["Ok"]["Notes"],
        serde_json::to_value(&report.notes).unwrap()
    );

    let upn = report.findings[0].user_principal_name.clone();
    let (status, p) = call_json(
        serde_json::json!({"V":1,"Op":"Plan","Args":{"Source":{"Kind":"Demo"},"UserPrincipalName":upn}}),
    );
    assert_eq!(status, Status::Ok, "{p}");
    let planned = idrift_app::plan::plan(
        &demo.snapshot,
        &upn,
        &idrift_core::scan::ScanOptions::default(),
        &idrift_core::plan::PlanOptions::default(),
    )
    .unwrap();
    let expected = serde_json::to_value(planned.plan.unwrap()).unwrap();
    assert_eq!(p["Ok"]["UserPrincipalName"], expected["UserPrincipalName"]);
    assert_eq!(p["Ok"]["Findings"], expected["Findings"]);
    assert_eq!(p["Ok"]["Options"], expected["Options"]);

    let (status, v) = call(
        r#"{"V":1,"Op":"Plan","Args":{"Source":{"Kind":"Demo"},"UserPrincipalName":"nobody@contoso.com"}}"#,
    );
    assert_eq!(status, Status::Error);
    assert_eq!(v["Err"]["Kind"], "Invalid");
}

#[test]
fn scan_filters_and_writes_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("findings.csv");
    let v = ok_of(
        "Scan",
        serde_json::json!({"MinSeverity":"Critical","OutPath":csv}),
    );
    assert!(
        every(&v["Ok"]["Findings"], |f| f["Severity"] == "Critical"),
        "{v}"
    );
    assert_eq!(v["Ok"]["CsvPath"], serde_json::json!(csv));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\"Kind\",\"Severity\""), "{text}");
}

#[test]
fn migration_verify_reports_users_and_unreadable_inputs() {
    let article = repo_file("examples/migration/article-user.xml");
    let v = ok_of(
        "Migration.Verify",
        serde_json::json!({"Paths":[article, "/nonexistent/stats.xml"]}),
    );
    let outcome = idrift_app::migration::verify_paths(&[article]);
    assert_eq!(
        v["Ok"]["Users"],
        serde_json::to_value(&outcome.report.users).unwrap()
    );
    assert_eq!(
        v["Ok"]["Summary"],
        serde_json::to_value(outcome.report.summary).unwrap()
    );
    assert_eq!(v["Ok"]["Errors"][0]["Kind"], "Read");
    assert!(text(&v["Ok"]["Errors"][0]["Message"]).contains("/nonexistent/stats.xml"));
    check_errs(&[
        (
            r#"{"V":1,"Op":"Migration.Verify","Args":{"Paths":[]}}"#,
            "InvalidArgs",
            "Paths and Identities are empty",
        ),
        (
            r#"{"V":1,"Op":"Migration.Verify","Args":{"Identities":["a@b"],"Cloud":{"Tenant":"t","ClientId":"c","ClientSecretEnv":"IDRIFT_FFI_TEST_UNSET_VARIABLE"}}}"#,
            "InvalidArgs",
            "IDRIFT_FFI_TEST_UNSET_VARIABLE",
        ),
        (
            r#"{"V":1,"Op":"Migration.Verify","Args":{"Paths":["rel.xml"]}}"#,
            "InvalidArgs",
            "absolute",
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------------------
// Live sources: configuration errors name the field, and no secret reaches a message.

#[test]
fn live_sources_check_their_configuration() {
    let ad = repo_file("examples/demo/ad.ldif");
    let entra = repo_file("examples/demo/entra-users.json");
    let cases = [
        (
            serde_json::json!({"Kind":"Live","Ad":{"Url":"ldaps://dc"},"AdFile":ad,"EntraFile":entra}),
            "not both",
        ),
        (
            serde_json::json!({"Kind":"Live","AdFile":ad}),
            "needs Active Directory",
        ),
        (
            serde_json::json!({"Kind":"Live","Ad":{"Url":"ldaps://dc","Bind":"svc"},"EntraFile":entra}),
            "Source.Ad.Bind needs a password",
        ),
        (
            serde_json::json!({"Kind":"Live","AdFile":ad,"Graph":true,
                "Cloud":{"Tenant":"t","ClientId":"c","ClientSecretEnv":"IDRIFT_FFI_TEST_UNSET_VARIABLE"}}),
            "IDRIFT_FFI_TEST_UNSET_VARIABLE: the variable is not set",
        ),
    ];
    for (source, needle) in cases {
        let request = serde_json::json!({"V":1,"Op":"Source.Check","Args":{"Source":source}});
        check_err(&request.to_string(), "InvalidArgs", needle);
    }
}

#[test]
fn a_live_source_of_files_reads_like_files() {
    let ad = repo_file("examples/demo/ad.ldif");
    let entra = repo_file("examples/demo/entra-users.json");
    let sync = repo_file("examples/demo/entra-sync.json");
    let v = ok_of(
        "Source.Check",
        serde_json::json!({"Source":{"Kind":"Live","AdFile":ad,"EntraFile":entra,"EntraSyncFile":sync}}),
    );
    assert_eq!(v["Ok"]["Kind"], "Live");
    assert_eq!(v["Ok"]["HasTenantSync"], true);
    let (_, files) = call_json(
        serde_json::json!({"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Files","Ad":ad,"Entra":entra}}}),
    );
    assert_eq!(v["Ok"]["OnPremUsers"], files["Ok"]["OnPremUsers"]);
    assert_eq!(v["Ok"]["CloudUsers"], files["Ok"]["CloudUsers"]);
}

#[test]
fn an_unreachable_domain_controller_is_a_source_error_without_the_password() {
    // Port 1 on loopback refuses at once; nothing leaves the machine.
    let entra = repo_file("examples/demo/entra-users.json");
    let (status, v) = call_json(
        serde_json::json!({"V":1,"Op":"Source.Check","Args":{"Source":{"Kind":"Live",
        "Ad":{"Url":"ldap://127.0.0.1:1","Bind":"svc@corp","Password":"hunter2-do-not-echo","AllowPlaintext":true},
        "EntraFile":entra}}}),
    );
    assert_eq!(status, Status::Error, "{v}");
    let kind = v["Err"]["Kind"].as_str().unwrap();
    assert!(kind.starts_with("Source."), "{v}");
    let message = v["Err"]["Message"].as_str().unwrap();
    assert!(message.contains("127.0.0.1"), "{message}");
    assert!(!v.to_string().contains("hunter2-do-not-echo"), "{v}");
}

#[test]
fn undo_of_several_journals_is_one_plan_with_one_journal() {
    let dir = demo_copy();
    let journals = tempfile::tempdir().unwrap();
    let ldif = dir.path().join("ad.ldif");
    let original = std::fs::read(&ldif).unwrap();
    let mut written = Vec::new();
    for (upn, mobile, name) in [
        ("tim.mcmichael@contoso.com", "1", "a.jsonl"),
        ("ada.lovelace@contoso.com", "2", "b.jsonl"),
    ] {
        let path = journals.path().join(name);
        let (status, v) = call_json(serde_json::json!({"V":1,"Op":"DirSync.Set","Args":{
            "Source": snapshot_source(dir.path()), "Identity": upn, "MobileInAD": mobile,
            "Apply": true, "JournalPath": path}}));
        assert_eq!(status, Status::Ok, "{v}");
        written.push(path);
    }
    let undo_dir = tempfile::tempdir().unwrap();
    let request = |apply: bool| {
        serde_json::json!({"V":1,"Op":"Undo","Args":{
            "Source": snapshot_source(dir.path()), "Journals": written,
            "Apply": apply, "JournalPath": undo_dir.path()}})
    };
    let (status, v) = call_json(request(false));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Planned"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["Ok"]["Journals"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(std::fs::read_dir(undo_dir.path()).unwrap().count(), 0);

    let (status, v) = call_json(request(true));
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Report"]["Writes"], 2, "{v}");
    assert_eq!(
        std::fs::read_dir(undo_dir.path()).unwrap().count(),
        1,
        "one undo journal for both"
    );
    assert_eq!(std::fs::read(&ldif).unwrap(), original);

    check_err(
        &serde_json::json!({"V":1,"Op":"Undo","Args":{"Source": snapshot_source(dir.path())}})
            .to_string(),
        "InvalidArgs",
        "Journal",
    );
}

/// The order of a body's top-level keys, as sent (a `serde_json::Value` would sort them).
fn top_level_keys(op_and_args: &str) -> Vec<String> {
    let (status, body) = handle(format!(r#"{{"V":1,{op_and_args}}}"#).as_bytes());
    assert_eq!(status, Status::Ok, "{}", String::from_utf8_lossy(&body));
    let text = String::from_utf8(body).unwrap();
    let ok: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut keys: Vec<(usize, String)> = ok["Ok"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (text.find(&format!("\"{k}\":")).unwrap(), k.clone()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn app_results_serialized_directly_keep_the_wire_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = serde_json::to_string(dir.path()).unwrap();
    assert_eq!(
        top_level_keys(&format!(
            r#""Op":"DirSync.Compare","Args":{{"Source":{{"Kind":"Demo"}},"OutPath":{out}}}"#
        )),
        ["Summary", "Rows", "CsvPath"]
    );
    assert_eq!(
        top_level_keys(
            r#""Op":"Plan","Args":{"Source":{"Kind":"Demo"},"UserPrincipalName":"tim.mcmichael@contoso.com"}"#
        )
        .last()
        .map(String::as_str),
        Some("Notes")
    );
}
