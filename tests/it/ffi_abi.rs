//! The C ABI of `idrift-ffi`, called in-process through its `extern "C"` exports exactly as a host does:
//! valid, malformed, oversized and concurrent requests, a forced panic (the `test-ops` feature), the ABI
//! version, and golden JSON of the responses for the demo snapshot (`tests/fixtures/golden/ffi/*.json`;
//! `UPDATE_GOLDEN=1 cargo test -p idrift-tests -- ffi_abi` rewrites them after an intended change).
#![allow(
    unsafe_code,
    reason = "these tests call the C exports the way a host does"
)]

use std::path::PathBuf;

use crate::support::{assert_golden, root};

use idrift_ffi::{
    ABI_VERSION, IdriftBuf, MAX_REQUEST_BYTES, idrift_abi_version, idrift_buf_free, idrift_call,
    idrift_progress,
};
use serde_json::{Value, json};

/// Calls `idrift_call` with raw bytes and returns the status and the response text, freeing the buffer.
fn call_bytes(request: &[u8]) -> (i32, String) {
    let mut out = IdriftBuf::empty();
    // SAFETY: `request` is a live slice for the whole call and `out` is a valid, writable IdriftBuf.
    let status = unsafe { idrift_call(request.as_ptr(), request.len(), &mut out) };
    let text = String::from_utf8(out.as_bytes().to_vec()).expect("responses are UTF-8");
    // SAFETY: `out` was filled by idrift_call and is released exactly once.
    unsafe { idrift_buf_free(out) };
    (status, text)
}

fn call(request: &Value) -> (i32, Value) {
    let (status, text) = call_bytes(request.to_string().as_bytes());
    (
        status,
        serde_json::from_str(&text).expect("responses are JSON"),
    )
}

#[track_caller]
fn assert_err(status: i32, response: &Value, want_status: i32, kind: &str) {
    assert_eq!(status, want_status, "{response}");
    assert_eq!(response["V"], 1, "{response}");
    assert_eq!(response["Err"]["Kind"], kind, "{response}");
    assert!(
        response["Err"]["Message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{response}"
    );
    assert!(response.get("Ok").is_none(), "{response}");
}

/// Compares a response with its golden file `tests/fixtures/golden/ffi/NAME.json` (pretty-printed JSON);
/// `UPDATE_GOLDEN=1` rewrites it.
#[track_caller]
fn check_golden(name: &str, response: &Value) {
    let actual = format!(
        "{}\n",
        serde_json::to_string_pretty(response).expect("a Value serializes")
    );
    assert_golden(&format!("ffi/{name}.json"), &actual);
}

fn compare_demo_request() -> Value {
    json!({"V": 1, "Op": "DirSync.Compare", "Args": {"Source": {"Kind": "Demo"}, "WriteCsv": false}})
}

#[test]
fn abi_version_is_two() {
    assert_eq!(idrift_abi_version(), 2);
    assert_eq!(ABI_VERSION, 2);
}

#[test]
fn describe_golden() {
    let (status, v) = call(&json!({"V": 1, "Op": "Describe"}));
    assert_eq!(status, 0, "{v}");
    // The test-only operation is compiled in for these tests; the golden file shows the release list.
    let mut release = v.clone();
    if let Some(ops) = release["Ok"]["Ops"].as_array_mut() {
        ops.retain(|o| o != "Test.Panic");
    }
    check_golden("describe", &release);
}

#[test]
fn source_check_of_the_demo_golden() {
    let (status, v) =
        call(&json!({"V": 1, "Op": "Source.Check", "Args": {"Source": {"Kind": "Demo"}}}));
    assert_eq!(status, 0, "{v}");
    check_golden("source-check-demo", &v);
}

#[test]
fn dirsync_compare_of_the_demo_golden() {
    let (status, v) = call(&compare_demo_request());
    assert_eq!(status, 0, "{v}");
    check_golden("dirsync-compare-demo", &v);

    // The same report the library function returns: the FFI adds nothing and drops nothing.
    let demo = idrift_app::demo::load().expect("the demo loads");
    let report =
        idrift_app::dirsync::compare(&demo.snapshot, &idrift_core::phone::PhoneOptions::default());
    assert_eq!(
        v["Ok"]["Rows"],
        serde_json::to_value(&report.rows).expect("rows serialize")
    );
    assert_eq!(
        v["Ok"]["Summary"],
        serde_json::to_value(report.summary).expect("summary serializes")
    );
}

#[test]
fn read_operations_on_the_demo_golden() {
    let cases = [
        (
            "scan-demo",
            json!({"V": 1, "Op": "Scan", "Args": {"Source": {"Kind": "Demo"}}}),
        ),
        (
            "bypass-status-demo",
            json!({"V": 1, "Op": "DirSync.Bypass.Status", "Args": {"Source": {"Kind": "Demo"}}}),
        ),
        (
            "bypass-preview-demo",
            json!({"V": 1, "Op": "DirSync.Bypass.Preview", "Args": {"Source": {"Kind": "Demo"}}}),
        ),
        (
            "dirsync-get-ad-demo",
            json!({"V": 1, "Op": "DirSync.Get", "Args": {"Source": {"Kind": "Demo"}, "Identity": "tim.mcmichael@contoso.com", "From": "AD"}}),
        ),
        (
            "dirsync-get-entra-demo",
            json!({"V": 1, "Op": "DirSync.Get", "Args": {"Source": {"Kind": "Demo"}, "Identity": "tim.mcmichael@contoso.com", "From": "Entra"}}),
        ),
        (
            "dirsync-set-dry-run-demo",
            json!({"V": 1, "Op": "DirSync.Set", "Args": {"Source": {"Kind": "Demo"}, "Identity": "tim.mcmichael@contoso.com", "MobileInAD": "1234567890"}}),
        ),
        (
            "dirsync-persist-dry-run-demo",
            json!({"V": 1, "Op": "DirSync.Persist", "Args": {"Source": {"Kind": "Demo"}}}),
        ),
    ];
    for (name, request) in cases {
        let (status, v) = call(&request);
        assert_eq!(status, 0, "{name}: {v}");
        check_golden(name, &v);
    }
}

#[test]
fn plan_for_the_first_scan_finding_golden() {
    let (_, scan) = call(&json!({"V": 1, "Op": "Scan", "Args": {"Source": {"Kind": "Demo"}}}));
    let upn = scan["Ok"]["Findings"][0]["UserPrincipalName"].clone();
    let (status, v) = call(
        &json!({"V": 1, "Op": "Plan", "Args": {"Source": {"Kind": "Demo"}, "UserPrincipalName": upn}}),
    );
    assert_eq!(status, 0, "{v}");
    check_golden("plan-demo", &v);
}

#[test]
fn remediation_apply_dry_run_of_the_demo_golden() {
    let (status, v) = call(&json!({"V": 1, "Op": "Remediation.Apply", "Args": {
        "Source": {"Kind": "Demo"}, "UserPrincipalName": "testduplicate@contoso.com", "Option": "DeleteAndMerge"}}));
    assert_eq!(status, 0, "{v}");
    assert_eq!(v["Ok"]["Applied"], false, "a dry run runs nothing");
    check_golden("remediation-apply-dry-run-demo", &v);
}

/// A copy of the demo snapshot in a temporary directory, as a rehearsal target.
fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("snap");
    let snap = idrift_app::demo::load().expect("the demo loads").snapshot;
    idrift_app::snapshot::write_dir(
        &dir,
        &snap,
        idrift_app::snapshot::Parts {
            ad: true,
            entra: true,
        },
    )
    .expect("the copy is written");
    (tmp, dir)
}

/// Replaces the temporary directory in a response with `<TMP>`, so its golden file is stable.
fn without_tmp(v: &Value, tmp: &std::path::Path) -> Value {
    // The path as it appears inside a JSON string (backslashes escaped on Windows), without its quotes.
    let quoted = serde_json::to_string(&tmp.display().to_string()).expect("a string serializes");
    let inner = quoted.trim_matches('"');
    let text = v.to_string().replace(inner, "<TMP>");
    serde_json::from_str(&text).expect("still JSON")
}

#[test]
fn remediation_apply_through_the_abi_stops_before_unapproved_writes_and_undo_reverses_golden() {
    let (tmp, dir) = demo_copy();
    let journal = tmp.path().join("dm.jsonl");
    let request = |extra: Value| {
        let mut args = json!({"Source": {"Kind": "Snapshot", "Path": dir},
            "UserPrincipalName": "testduplicate@contoso.com", "Option": "DeleteAndMerge"});
        for (k, v) in extra.as_object().expect("an object") {
            args[k] = v.clone();
        }
        json!({"V": 1, "Op": "Remediation.Apply", "Args": args})
    };
    let (status, dry) = call(&request(json!({})));
    assert_eq!(status, 0, "{dry}");
    let first_write = dry["Ok"]["Steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["Kind"] == "Write")
        .map(|s| json!({"Order": s["Order"], "Target": s["Target"]}))
        .expect("a write step");
    let (status, v) = call(&request(
        json!({"Apply": true, "JournalPath": journal, "Approve": [first_write]}),
    ));
    assert_eq!(status, 0, "{v}");
    assert_eq!(v["Ok"]["Stop"], "Declined", "{v}");
    assert_eq!(v["Ok"]["Writes"], 1, "{v}");
    let steps: Vec<Value> = v["Ok"]["Steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| json!({"Order": s["Order"], "Kind": s["Kind"], "Status": s["Status"], "Label": s["Label"]}))
        .collect();
    check_golden(
        "remediation-apply-first-write-only",
        &json!({"Stop": v["Ok"]["Stop"], "StoppedAt": v["Ok"]["StoppedAt"], "Steps": steps}),
    );

    let (status, u) = call(&json!({"V": 1, "Op": "Undo", "Args": {
        "Source": {"Kind": "Snapshot", "Path": dir}, "Journal": journal}}));
    assert_eq!(status, 0, "{u}");
    check_golden("undo-remediation-dry-run", &without_tmp(&u, tmp.path()));
}

#[test]
fn undo_of_a_dirsync_set_golden() {
    let (tmp, dir) = demo_copy();
    let journal = tmp.path().join("set.jsonl");
    let (status, v) = call(&json!({"V": 1, "Op": "DirSync.Set", "Args": {
        "Source": {"Kind": "Snapshot", "Path": dir}, "Identity": "tim.mcmichael@contoso.com",
        "MobileInAD": "1234567890", "Apply": true, "JournalPath": journal}}));
    assert_eq!(status, 0, "{v}");
    let (status, u) = call(&json!({"V": 1, "Op": "Undo", "Args": {
        "Source": {"Kind": "Snapshot", "Path": dir}, "Journal": journal}}));
    assert_eq!(status, 0, "{u}");
    check_golden("undo-dirsync-dry-run", &without_tmp(&u, tmp.path()));
    let (status, u) = call(&json!({"V": 1, "Op": "Undo", "Args": {
        "Source": {"Kind": "Snapshot", "Path": dir}, "Journal": journal,
        "Apply": true, "JournalPath": tmp.path().join("undo.jsonl")}}));
    assert_eq!(status, 0, "{u}");
    assert_eq!(u["Ok"]["Report"]["Ops"][0]["Status"], "Applied", "{u}");
}

#[test]
fn profile_get_reads_the_cli_configuration_file_golden() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.contoso]\nad = \"ldaps://dc1.contoso.com\"\nad_base_dn = [\"OU=Sync,DC=contoso,DC=com\"]\n\
         ad_bind = \"CONTOSO\\\\svc-idrift\"\nad_password_env = \"IDRIFT_AD_PASSWORD\"\nad_ca_file = \"ca.pem\"\n\
         tenant = \"contoso.onmicrosoft.com\"\nclient_id = \"00000000-0000-0000-0000-000000000000\"\n\
         certificate = \"/etc/idrift/app.pem\"\n",
    )
    .expect("the configuration is written");
    let (status, v) = call(
        &json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "contoso", "ConfigPath": config}}),
    );
    assert_eq!(status, 0, "{v}");
    check_golden("profile-get", &without_tmp(&v, tmp.path()));
}

#[test]
fn migration_verify_of_the_example_report() {
    let file = root().join("examples/migration/article-user.xml");
    let (status, v) = call(&json!({"V": 1, "Op": "Migration.Verify", "Args": {"Paths": [file]}}));
    assert_eq!(status, 0, "{v}");
    let outcome = idrift_app::migration::verify_paths(&[file]);
    assert_eq!(
        v["Ok"]["Users"],
        serde_json::to_value(&outcome.report.users).expect("users serialize")
    );
    assert_eq!(v["Ok"]["Summary"]["Users"], 1);
    assert_eq!(v["Ok"]["Errors"], json!([]));
}

#[test]
fn dirsync_compare_writes_the_adsynctools_csv() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (status, v) = call(
        &json!({"V": 1, "Op": "DirSync.Compare", "Args": {"Source": {"Kind": "Demo"}, "OutPath": dir.path()}}),
    );
    assert_eq!(status, 0, "{v}");
    let path = PathBuf::from(v["Ok"]["CsvPath"].as_str().expect("CsvPath is set"));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name");
    let stamp = name
        .strip_prefix("ADSyncTools-DirSyncOverrides_")
        .and_then(|s| s.strip_suffix(".csv"))
        .expect("the ADSyncTools file name");
    // yyyyMMMdd-HHmmss, e.g. 2026Nov25-143005
    let b = stamp.as_bytes();
    assert_eq!(b.len(), 16, "{stamp}");
    assert!(
        b[..4].iter().all(u8::is_ascii_digit)
            && b[4].is_ascii_uppercase()
            && b[5..7].iter().all(u8::is_ascii_lowercase)
    );
    assert!(
        b[7..9].iter().all(u8::is_ascii_digit)
            && b[9] == b'-'
            && b[10..].iter().all(u8::is_ascii_digit),
        "{stamp}"
    );
    let rows = idrift_app::dirsync::read_csv(&path).expect("the CSV reads back");
    assert_eq!(
        serde_json::to_value(&rows).expect("rows serialize"),
        v["Ok"]["Rows"]
    );
}

#[test]
fn a_request_with_unknown_fields_is_served() {
    let (status, v) = call(&json!({
        "V": 1, "Op": "DirSync.Compare", "RequestId": "abc", "Client": {"Name": "pwsh"},
        "Args": {"Source": {"Kind": "Demo", "Label": "x"}, "WriteCsv": false, "FutureOption": [1, 2]}
    }));
    assert_eq!(status, 0, "{v}");
    let (_, plain) = call(&compare_demo_request());
    assert_eq!(v, plain);
}

#[test]
fn malformed_requests_are_errors_in_the_envelope() {
    for bad in [
        &b""[..],
        b"{",
        b"null",
        b"[]",
        b"{\"V\":1}",
        b"{\"Op\":\"Describe\"}",
        b"\xff\xfe\x00",
        b"{\"V\":\"1\",\"Op\":\"Describe\"}",
    ] {
        let (status, text) = call_bytes(bad);
        let v: Value = serde_json::from_str(&text).expect("responses are JSON");
        assert_err(status, &v, 1, "BadRequest");
    }
    let (status, v) = call(&json!({"V": 2, "Op": "Describe"}));
    assert_err(status, &v, 1, "UnsupportedVersion");
    let (status, v) = call(&json!({"V": 1, "Op": "Teleport"}));
    assert_err(status, &v, 1, "UnknownOp");
    let (status, v) = call(&json!({"V": 1, "Op": "DirSync.Compare", "Args": {"WriteCsv": false}}));
    assert_err(status, &v, 1, "InvalidArgs");
    check_golden("invalid-args", &v);
    let (status, v) = call(
        &json!({"V": 1, "Op": "Source.Check", "Args": {"Source": {"Kind": "Snapshot", "Path": "/nonexistent/idrift-snapshot"}}}),
    );
    assert_err(status, &v, 1, "Read");
    assert!(
        v["Err"]["Message"]
            .as_str()
            .unwrap_or("")
            .contains("/nonexistent/idrift-snapshot"),
        "{v}"
    );
}

#[test]
fn null_pointers_are_handled() {
    let mut out = IdriftBuf::empty();
    // SAFETY: a null request with length 0 is allowed; `out` is valid.
    let status = unsafe { idrift_call(std::ptr::null(), 0, &mut out) };
    let v: Value = serde_json::from_slice(out.as_bytes()).expect("JSON");
    // SAFETY: filled by idrift_call, released once.
    unsafe { idrift_buf_free(out) };
    assert_err(status, &v, 1, "BadRequest");

    let mut out = IdriftBuf::empty();
    // SAFETY: a null request with a non-zero length is refused before it is read; `out` is valid.
    let status = unsafe { idrift_call(std::ptr::null(), 10, &mut out) };
    let v: Value = serde_json::from_slice(out.as_bytes()).expect("JSON");
    // SAFETY: filled by idrift_call, released once.
    unsafe { idrift_buf_free(out) };
    assert_err(status, &v, 1, "BadRequest");

    let request = br#"{"V":1,"Op":"Describe"}"#;
    // SAFETY: with a null `out` nothing is written; the request is a live slice.
    let status = unsafe { idrift_call(request.as_ptr(), request.len(), std::ptr::null_mut()) };
    assert_eq!(status, 2);

    // SAFETY: an empty buffer (null pointer) may be released; it is ignored.
    unsafe { idrift_buf_free(IdriftBuf::empty()) };
}

#[test]
fn oversized_requests_are_refused() {
    let mut big = vec![b' '; MAX_REQUEST_BYTES + 1];
    let (status, text) = call_bytes(&big);
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_err(status, &v, 1, "RequestTooLarge");
    assert!(
        text.contains(&(MAX_REQUEST_BYTES + 1).to_string()),
        "{text}"
    );

    // Exactly at the limit the request is read (and here, being all blanks, is malformed).
    big.truncate(MAX_REQUEST_BYTES);
    let (status, text) = call_bytes(&big);
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_err(status, &v, 1, "BadRequest");

    // A valid request padded with whitespace up to the limit is served.
    let request = compare_demo_request().to_string();
    let mut padded = request.into_bytes();
    padded.resize(MAX_REQUEST_BYTES, b' ');
    let (status, _) = call_bytes(&padded);
    assert_eq!(status, 0);
}

#[test]
fn a_panic_comes_back_as_status_2_and_the_library_keeps_working() {
    let (status, v) =
        call(&json!({"V": 1, "Op": "Test.Panic", "Args": {"Message": "forced by ffi_abi"}}));
    assert_err(status, &v, 2, "Internal");
    let message = v["Err"]["Message"].as_str().unwrap_or("");
    assert!(message.contains("forced by ffi_abi"), "{message}");
    assert!(
        message.contains("dispatch.rs"),
        "the message names where it panicked: {message}"
    );

    let (status, v) = call(&json!({"V": 1, "Op": "Test.Panic", "Args": {"NonText": true}}));
    assert_err(status, &v, 2, "Internal");

    // A panic inside a task on the library's runtime comes back the same way.
    let (status, v) = call(
        &json!({"V": 1, "Op": "Test.Panic", "Args": {"Message": "in a task", "InRuntime": true}}),
    );
    assert_err(status, &v, 2, "Internal");
    assert!(
        v["Err"]["Message"]
            .as_str()
            .unwrap_or("")
            .contains("in a task"),
        "{v}"
    );

    // The process is alive and the next call is served normally.
    let (status, v) = call(&compare_demo_request());
    assert_eq!(status, 0, "{v}");
}

#[test]
fn eight_threads_at_once_get_their_own_answers() {
    let (_, expected_compare) = call(&compare_demo_request());
    let (_, expected_describe) = call(&json!({"V": 1, "Op": "Describe"}));
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let expected_compare = expected_compare.clone();
            let expected_describe = expected_describe.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    match (t + i) % 4 {
                        0 => assert_eq!(call(&compare_demo_request()), (0, expected_compare.clone())),
                        1 => assert_eq!(call(&json!({"V": 1, "Op": "Describe"})), (0, expected_describe.clone())),
                        2 => {
                            let (status, v) = call_bytes(format!("{{\"V\":1,\"Op\":\"Nope{t}-{i}\"}}").as_bytes());
                            let v: Value = serde_json::from_str(&v).expect("JSON");
                            assert_err(status, &v, 1, "UnknownOp");
                            assert!(v["Err"]["Message"].as_str().unwrap_or("").contains(&format!("Nope{t}-{i}")));
                        }
                        _ => {
                            let (status, v) = call(&json!({"V": 1, "Op": "Test.Panic", "Args": {"Message": format!("thread {t} call {i}")}}));
                            assert_err(status, &v, 2, "Internal");
                            assert!(v["Err"]["Message"].as_str().unwrap_or("").contains(&format!("thread {t} call {i}")));
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("no thread panicked");
    }
}

/// Calls `idrift_progress` for `token` and returns the status and the parsed JSON, freeing the buffer.
fn progress_of(token: &str) -> (i32, Value) {
    let mut out = IdriftBuf::empty();
    // SAFETY: `token` is a live slice for the whole call and `out` is a valid, writable IdriftBuf.
    let status = unsafe { idrift_progress(token.as_ptr(), token.len(), &mut out) };
    let v = serde_json::from_slice(out.as_bytes()).expect("progress is JSON");
    // SAFETY: `out` was filled by idrift_progress and is released exactly once.
    unsafe { idrift_buf_free(out) };
    (status, v)
}

#[test]
fn progress_of_an_unknown_call_is_null_and_null_pointers_are_handled() {
    assert_eq!(progress_of("nobody"), (0, Value::Null));
    assert_eq!(progress_of(""), (0, Value::Null));
    let mut out = IdriftBuf::empty();
    // SAFETY: a null token with length 0 is allowed; `out` is valid.
    let status = unsafe { idrift_progress(std::ptr::null(), 0, &mut out) };
    assert_eq!((status, out.as_bytes()), (0, &b"null"[..]));
    // SAFETY: filled by idrift_progress, released once.
    unsafe { idrift_buf_free(out) };
    // SAFETY: a null `out` is refused without a write.
    let status = unsafe { idrift_progress(b"x".as_ptr(), 1, std::ptr::null_mut()) };
    assert_eq!(status, 2);
}

/// While a Graph read is throttled (Retry-After: 2 s on its second page), another thread polling
/// `idrift_progress` sees the pages read and the wait; once the call has returned, the token is unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_call_reports_its_reads_and_waits_to_another_thread() {
    use idrift_cloud_emulator::{Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter};
    let config = EmulatorConfig::default();
    let secret = config.client_secret.clone().unwrap();
    let e = Emulator::start(config.clone()).await.unwrap();
    e.seed_users(2_500);
    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(2)),
        "skiptoken",
        1,
    ));
    let token = "progress-test-1";
    let request = json!({
        "V": 1,
        "Op": "Source.Check",
        "Progress": token,
        "Args": {"Source": {
            "Kind": "Live",
            "AdFile": root().join("examples/demo/ad.ldif"),
            "Graph": true,
            "Cloud": {
                "Tenant": config.tenant_id,
                "ClientId": config.client_id,
                "ClientSecret": secret,
                "AuthorityUrl": e.authority_url(),
                "GraphUrl": e.graph_url(),
            },
        }},
    });
    let running = std::thread::spawn(move || call(&request));
    let mut seen = Vec::new();
    while !running.is_finished() {
        let (status, v) = progress_of(token);
        assert_eq!(status, 0);
        if !v.is_null() && seen.last() != Some(&v) {
            seen.push(v);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (status, response) = running.join().unwrap();
    assert_eq!(status, 0, "{response}");
    assert_eq!(response["Ok"]["CloudUsers"], 2_500, "{response}");
    let waited = seen.iter().find(|v| !v["Waiting"].is_null());
    let waited = waited.unwrap_or_else(|| panic!("no wait seen in {seen:?}"));
    assert_eq!(waited["Waiting"]["Seconds"], 2, "{waited}");
    assert!(waited["Read"]["Items"].as_u64().unwrap() >= 1, "{waited}");
    assert!(
        seen.windows(2)
            .all(|w| w[0]["Seq"].as_u64() < w[1]["Seq"].as_u64()),
        "{seen:?}"
    );
    assert_eq!(
        progress_of(token),
        (0, Value::Null),
        "forgotten after the call"
    );
}

#[test]
fn a_progress_token_in_use_or_too_long_is_refused() {
    let long = "x".repeat(200);
    let (status, v) = call(&json!({"V": 1, "Op": "Describe", "Progress": long}));
    assert_err(status, &v, 1, "BadRequest");
    assert!(
        v["Err"]["Message"]
            .as_str()
            .unwrap()
            .contains("at most 128"),
        "{v}"
    );
}

/// A refusal of an incomplete export names the PowerShell parameter that allows it, never a CLI flag.
#[test]
fn an_incomplete_snapshot_is_refused_naming_connect_drift_allow_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/demo/ad.ldif"),
        dir.path().join("ad.ldif"),
    )
    .unwrap();
    let users = std::fs::read_to_string(root().join("examples/demo/entra-users.json")).unwrap();
    let mut page: Value = serde_json::from_str(&users).unwrap();
    page["@odata.nextLink"] = json!("https://graph.microsoft.com/v1.0/users?$skiptoken=X");
    std::fs::write(dir.path().join("entra-users.json"), page.to_string()).unwrap();
    let request = json!({"V": 1, "Op": "Source.Check",
        "Args": {"Source": {"Kind": "Snapshot", "Path": dir.path()}}});
    let (status, v) = call(&request);
    assert_eq!(status, 1, "{v}");
    let message = v["Err"]["Message"].as_str().unwrap();
    assert!(
        message.contains("Connect-Drift -AllowIncomplete"),
        "{message}"
    );
    assert!(!message.contains("--allow"), "{message}");
    let mut allowed = request.clone();
    allowed["Args"]["Source"]["AllowIncomplete"] = json!(true);
    let (status, v) = call(&allowed);
    assert_eq!(status, 0, "{v}");
}
