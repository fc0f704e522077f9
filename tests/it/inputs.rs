//! Real-world inputs (issue 15): every text input in every encoding Windows tools write, read through
//! the one shared decoder. Fixtures are built here, in the project's own words.

use std::path::Path;
use std::process::ExitCode;

use crate::support::idrift;

/// Two AD users, one with non-ASCII names, both synced.
const AD_LDIF: &str = "version: 1\r\n\r\n\
dn: CN=Zoë Müller,OU=Zürich,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
objectGUID:: AQEBAQEBAQEBAQEBAQEBAQ==\r\n\
userPrincipalName: zoe@contoso.com\r\n\
mobile: +41 44 555 0101\r\n\
\r\n\
dn: CN=Jürgen Öberg,OU=Zürich,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
objectGUID:: AgICAgICAgICAgICAgICAg==\r\n\
userPrincipalName: jurgen@contoso.com\r\n\
mobile: +41 44 555 0102\r\n";

/// Their Entra ID counterparts; Zoë's mobile differs.
const ENTRA_JSON: &str = r#"{"value":[
{"id":"00000000-0000-4000-8000-000000000001","userPrincipalName":"zoe@contoso.com","displayName":"Zoë Müller","onPremisesImmutableId":"AQEBAQEBAQEBAQEBAQEBAQ==","onPremisesSyncEnabled":true,"mobilePhone":"+41 44 555 0199"},
{"id":"00000000-0000-4000-8000-000000000002","userPrincipalName":"jurgen@contoso.com","displayName":"Jürgen Öberg","onPremisesImmutableId":"AgICAgICAgICAgICAgICAg==","onPremisesSyncEnabled":true,"mobilePhone":"+41 44 555 0102"}
]}"#;

/// The encodings an export comes in.
#[derive(Clone, Copy, Debug)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

const ALL: [Enc; 5] = [
    Enc::Utf8,
    Enc::Utf8Bom,
    Enc::Utf16Le,
    Enc::Utf16Be,
    Enc::Windows1252,
];

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    let utf16 = |big: bool| {
        std::iter::once(0xFEFF_u16)
            .chain(text.encode_utf16())
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Enc::Utf16Le => utf16(false),
        Enc::Utf16Be => utf16(true),
        // Every character of the fixtures is Latin-1, where Windows-1252 agrees with Unicode.
        Enc::Windows1252 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect(),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn compare_rows(ad: &str, entra: &str) -> serde_json::Value {
    let r = idrift(&[
        "dirsync", "compare", "--ad", ad, "--entra", entra, "--format", "json",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["Rows"].clone()
}

#[test]
fn ldif_and_graph_json_read_the_same_in_every_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let entra = write(dir.path(), "entra.json", ENTRA_JSON.as_bytes());
    let want = compare_rows(&ad, &entra);
    assert!(
        want.to_string().contains("zoe@contoso.com"),
        "the fixture has one drifting row: {want}"
    );
    for enc in ALL {
        let ad = write(dir.path(), "ad-enc.ldif", &encode(AD_LDIF, enc));
        let entra = write(dir.path(), "entra-enc.json", &encode(ENTRA_JSON, enc));
        assert_eq!(compare_rows(&ad, &entra), want, "{enc:?}");
    }
}

#[test]
fn adsynctools_csv_reads_the_same_in_every_encoding() {
    let csv = "UserPrincipalName,MobileInEntra,DistinguishedName\r\n\
               zoe@contoso.com,+41 44 555 0101,\"CN=Zoë Müller,OU=Zürich,DC=contoso,DC=com\"\r\n";
    let dir = tempfile::tempdir().unwrap();
    for enc in ALL {
        let p = dir.path().join("overrides.csv");
        std::fs::write(&p, encode(csv, enc)).unwrap();
        let rows = idrift_app::dirsync::read_csv(&p).unwrap_or_else(|e| panic!("{enc:?}: {e}"));
        assert_eq!(rows.len(), 1, "{enc:?}");
        assert_eq!(rows[0].user_principal_name, "zoe@contoso.com");
        assert_eq!(
            rows[0].distinguished_name, "CN=Zoë Müller,OU=Zürich,DC=contoso,DC=com",
            "{enc:?}"
        );
    }
}

#[test]
fn errors_in_utf16_input_quote_decoded_text() {
    let bad = "version: 1\r\n\r\ndn: CN=Zoë Müller,DC=contoso,DC=com\r\nobjectClass: user\r\nobjectGUID:: kein base64!!\r\n";
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", &encode(bad, Enc::Utf16Le));
    let entra = write(dir.path(), "entra.json", ENTRA_JSON.as_bytes());
    let r = idrift(&["dirsync", "compare", "--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(r.stderr.contains("ad.ldif"), "{}", r.stderr);
    assert!(r.stderr.contains("line 5"), "{}", r.stderr);
    assert!(!r.stderr.contains('\0'), "{}", r.stderr);
}

#[test]
fn a_truncated_utf16_file_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = encode(AD_LDIF, Enc::Utf16Le);
    bytes.push(b'x');
    let ad = write(dir.path(), "ad.ldif", &bytes);
    let entra = write(dir.path(), "entra.json", ENTRA_JSON.as_bytes());
    let r = idrift(&["dirsync", "compare", "--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(r.stderr.contains("ad.ldif"), "{}", r.stderr);
    assert!(r.stderr.contains("odd number of bytes"), "{}", r.stderr);
}

fn compare(args: &[&str]) -> crate::support::Run {
    let mut all = vec!["dirsync", "compare", "--format", "json"];
    all.extend_from_slice(args);
    idrift(&all)
}

/// One saved page of a longer Graph list: its last page still carries `@odata.nextLink`.
const NEXT: &str = "https://graph.microsoft.com/v1.0/users?$skiptoken=RFNwdAIAAQAAAA";

#[test]
fn a_graph_export_ending_in_a_next_link_is_refused_as_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let page = ENTRA_JSON.replacen(
        "{\"value\":[",
        &format!("{{\"@odata.nextLink\":\"{NEXT}\",\"value\":["),
        1,
    );
    let entra = write(dir.path(), "entra-page1.json", page.as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    for needle in [
        "entra-page1.json",
        "incomplete",
        NEXT,
        "or give --allow-incomplete to read it as it is",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // One sentence, not the source's indentation.
    assert!(!r.stderr.contains("  "), "{}", r.stderr);
    assert_eq!(r.stdout, "");

    let r = compare(&["--ad", &ad, "--entra", &entra, "--allow-incomplete"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning:") && r.stderr.contains(NEXT),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("zoe@contoso.com"), "{}", r.stdout);
}

#[test]
fn every_page_saved_with_only_earlier_pages_linking_on_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let users: serde_json::Value = serde_json::from_str(ENTRA_JSON).unwrap();
    let pages = serde_json::json!([
        {"@odata.nextLink": NEXT, "value": [users["value"][0]]},
        {"value": [users["value"][1]]},
    ]);
    let entra = write(dir.path(), "entra-all.json", pages.to_string().as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert_eq!(r.stderr, "");
}

#[test]
fn a_delta_export_ending_in_its_delta_link_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let users: serde_json::Value = serde_json::from_str(ENTRA_JSON).unwrap();
    let pages = serde_json::json!([
        {"@odata.nextLink": NEXT, "value": [users["value"][0]]},
        {"@odata.deltaLink": "https://graph.microsoft.com/v1.0/users/delta?$deltatoken=AbC",
         "value": [users["value"][1],
                   {"id": "00000000-0000-4000-8000-000000000009", "@removed": {"reason": "changed"}}]},
    ]);
    let entra = write(dir.path(), "entra-delta.json", pages.to_string().as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert_eq!(r.stderr, "");
}

#[test]
fn a_source_with_no_user_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let entra = write(dir.path(), "entra.json", ENTRA_JSON.as_bytes());
    let empty_ad = write(dir.path(), "empty-ad.ldif", b"version: 1\n");
    let empty_entra = write(dir.path(), "empty-entra.json", b"{\"value\":[]}");
    for (a, e, named, side) in [
        (&empty_ad, &entra, "empty-ad.ldif", "Active Directory"),
        (&ad, &empty_entra, "empty-entra.json", "Entra ID"),
    ] {
        let r = compare(&["--ad", a, "--entra", e]);
        assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
        for needle in [named, side, "no user", "or give --allow-empty to read it"] {
            assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
        }
        assert_eq!(r.stdout, "");
        let r = compare(&["--ad", a, "--entra", e, "--allow-empty"]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        assert!(
            r.stderr.contains("warning:") && r.stderr.contains(named),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_snapshot_directory_is_checked_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ad.ldif"), AD_LDIF).unwrap();
    let page = ENTRA_JSON.replacen(
        "{\"value\":[",
        &format!("{{\"@odata.nextLink\":\"{NEXT}\",\"value\":["),
        1,
    );
    std::fs::write(dir.path().join("entra-users.json"), page).unwrap();
    let snap = dir.path().display().to_string();
    let r = compare(&["--snapshot", &snap]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("entra-users.json") && r.stderr.contains(NEXT),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--allow-incomplete"), "{}", r.stderr);
    let r = compare(&["--snapshot", &snap, "--allow-incomplete"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
}

/// `Get-MgUser -All | ConvertTo-Json` as Windows PowerShell 5.1 writes it: PascalCase, the properties
/// Get-MgUser has no slot for in `AdditionalProperties`, dates as `/Date(ms)/`.
const MG_USER_PS51: &str = r##"{
    "Id":  "00000000-0000-4000-8000-000000000001",
    "UserPrincipalName":  "zoe@contoso.com",
    "DisplayName":  "Zoë Müller",
    "OnPremisesImmutableId":  "AQEBAQEBAQEBAQEBAQEBAQ==",
    "OnPremisesSyncEnabled":  true,
    "MobilePhone":  "+41 44 555 0199",
    "BusinessPhones":  [ "+41 44 555 0000" ],
    "CreatedDateTime":  "\/Date(1700000000000)\/",
    "AdditionalProperties":  { "@odata.type":  "#microsoft.graph.user" }
}"##;

#[test]
fn get_mguser_convertto_json_from_windows_powershell_as_one_object() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    // Windows PowerShell 5.1's `>` writes UTF-16 LE with a byte-order mark.
    let entra = write(
        dir.path(),
        "mguser.json",
        &encode(MG_USER_PS51, Enc::Utf16Le),
    );
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["Summary"]["CloudTotal"], 1, "{}", r.stdout);
    let users = idrift_cloud::snapshot::read_users(MG_USER_PS51.as_bytes()).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].mobile_phone.as_deref(), Some("+41 44 555 0199"));
}

#[test]
fn a_value_convertto_json_cut_at_its_default_depth_asks_for_depth_10() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    for cut in [
        r#""ProxyAddresses": "System.Object[]""#,
        r#""AssignedLicenses": "System.Collections.Hashtable""#,
        r#""AssignedLicenses": ["Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense"]"#,
    ] {
        let text = MG_USER_PS51.replacen(
            "\"MobilePhone\"",
            &format!("{cut},\n    \"MobilePhone\""),
            1,
        );
        let entra = write(dir.path(), "cut.json", text.as_bytes());
        let r = compare(&["--ad", &ad, "--entra", &entra]);
        assert_eq!(r.code, ExitCode::from(1), "{cut}: {}", r.stderr);
        assert!(r.stderr.contains("cut.json"), "{}", r.stderr);
        assert!(r.stderr.contains("-Depth 10"), "{cut}: {}", r.stderr);
    }
}

#[test]
fn immutable_ids_that_are_not_guids_are_named_as_a_custom_source_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let custom = ENTRA_JSON
        .replace("AQEBAQEBAQEBAQEBAQEBAQ==", "E1001")
        .replace("AgICAgICAgICAgICAgICAg==", "E1002");
    let entra = write(dir.path(), "entra.json", custom.as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: 2 of 2 cloud users")
            && r.stderr.contains("custom source anchor"),
        "{}",
        r.stderr
    );
    let plain = write(dir.path(), "entra-guid.json", ENTRA_JSON.as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &plain]);
    assert!(!r.stderr.contains("custom source anchor"), "{}", r.stderr);
}

/// The AD users of [`AD_LDIF`] with a custom source anchor each: `employeeID` (a string attribute) and
/// `objectSid` (a binary one), in the same records as their objectGUIDs.
fn ad_with_anchors() -> String {
    AD_LDIF
        .replace(
            "userPrincipalName: zoe@contoso.com\r\n",
            "userPrincipalName: zoe@contoso.com\r\nemployeeID: E1001\r\n\
             objectSid:: AQUAAAAAAAUVAAAAAQIDBAUGBwgJCgsMUQQAAA==\r\n",
        )
        .replace(
            "userPrincipalName: jurgen@contoso.com\r\n",
            "userPrincipalName: jurgen@contoso.com\r\nemployeeID:: RTEwMDI=\r\n\
             objectSid:: AQUAAAAAAAUVAAAAAQIDBAUGBwgJCgsMUgQAAA==\r\n",
        )
}

/// [`ENTRA_JSON`] synced with a custom anchor: the two immutable ids replaced.
fn entra_anchored(zoe: &str, jurgen: &str) -> String {
    ENTRA_JSON
        .replace("AQEBAQEBAQEBAQEBAQEBAQ==", zoe)
        .replace("AgICAgICAgICAgICAgICAg==", jurgen)
}

fn upns(rows: &serde_json::Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["UserPrincipalName"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_custom_source_anchor_matches_by_the_attribute_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", ad_with_anchors().as_bytes());
    let by_id = write(
        dir.path(),
        "by-id.json",
        entra_anchored("E1001", "E1002").as_bytes(),
    );

    // Without the flag nobody is matched: the warning says why and the CLI names the flag.
    let r = compare(&["--ad", &ad, "--entra", &by_id]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(upns(&out["Rows"]).is_empty(), "{out}");
    assert!(
        r.stderr.contains("custom source anchor") && r.stderr.contains("--source-anchor ATTRIBUTE"),
        "{}",
        r.stderr
    );

    // With it, employeeID (a string attribute; one value base64 in the LDIF) pairs both users, and the
    // drifting mobile of Zoë is found, in every encoding of the export.
    for enc in ALL {
        let ad = write(dir.path(), "ad-enc.ldif", &encode(&ad_with_anchors(), enc));
        let r = compare(&[
            "--ad",
            &ad,
            "--entra",
            &by_id,
            "--source-anchor",
            "employeeID",
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{enc:?}: {}", r.stderr);
        assert!(!r.stderr.contains("custom source anchor"), "{}", r.stderr);
        let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(upns(&out["Rows"]), ["zoe@contoso.com"], "{enc:?}: {out}");
        assert_eq!(out["Summary"]["Matched"], 2, "{enc:?}: {out}");
    }
    // The value is compared as it is: another case is another anchor.
    let lower = write(
        dir.path(),
        "lower.json",
        entra_anchored("e1001", "E1002").as_bytes(),
    );
    let r = compare(&[
        "--ad",
        &ad,
        "--entra",
        &lower,
        "--source-anchor",
        "employeeid",
    ]);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["Summary"]["Matched"], 1, "{out}");

    // A binary attribute is compared in base64, as Entra Connect writes it.
    let by_sid = write(
        dir.path(),
        "by-sid.json",
        entra_anchored(
            "AQUAAAAAAAUVAAAAAQIDBAUGBwgJCgsMUQQAAA==",
            "AQUAAAAAAAUVAAAAAQIDBAUGBwgJCgsMUgQAAA==",
        )
        .as_bytes(),
    );
    let r = compare(&[
        "--ad",
        &ad,
        "--entra",
        &by_sid,
        "--source-anchor",
        "objectSid",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(upns(&out["Rows"]), ["zoe@contoso.com"], "{out}");

    // Naming an attribute no user has says so instead of a silent zero.
    let r = compare(&[
        "--ad",
        &ad,
        "--entra",
        &by_id,
        "--source-anchor",
        "employeeNumber",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no Active Directory user has a value of employeeNumber"),
        "{}",
        r.stderr
    );
    // A name that is no attribute is refused.
    let r = compare(&[
        "--ad",
        &ad,
        "--entra",
        &by_id,
        "--source-anchor",
        "employee ID",
    ]);
    assert_ne!(r.code, ExitCode::SUCCESS);
    assert!(r.stderr.contains("not an attribute name"), "{}", r.stderr);

    // The scan, a snapshot directory, a profile and the dirsync writers match the same way.
    let r = idrift(&[
        "scan",
        "--ad",
        &ad,
        "--entra",
        &by_id,
        "--source-anchor",
        "employeeID",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["Summary"]["DirSyncOverride"], 1, "{out}");
    let snap = dir.path().join("snap");
    std::fs::create_dir(&snap).unwrap();
    std::fs::write(snap.join("ad.ldif"), ad_with_anchors()).unwrap();
    std::fs::write(
        snap.join("entra-users.json"),
        entra_anchored("E1001", "E1002"),
    )
    .unwrap();
    let snap = snap.display().to_string();
    let r = compare(&["--snapshot", &snap, "--source-anchor", "employeeID"]);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(upns(&out["Rows"]), ["zoe@contoso.com"], "{}", r.stderr);
    let config = write(
        dir.path(),
        "config.toml",
        format!("[profiles.anchored]\nad = {ad:?}\nsource_anchor = \"employeeID\"\n",).as_bytes(),
    );
    let r = compare(&[
        "--config",
        &config,
        "--profile",
        "anchored",
        "--entra",
        &by_id,
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(upns(&out["Rows"]), ["zoe@contoso.com"], "{out}");
    let r = idrift(&[
        "dirsync",
        "persist",
        "--ad",
        &ad,
        "--entra",
        &by_id,
        "--source-anchor",
        "employeeID",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(r.stdout.contains("zoe@contoso.com"), "{}", r.stdout);
    assert!(!r.stdout.contains("jurgen@contoso.com"), "{}", r.stdout);
}

/// Writes JSON items (an array, or the `value` of a page) as `Export-Clixml` writes custom objects:
/// properties in `<MS>`, arrays as `System.Object[]` lists, strings with PowerShell's `_x` escape.
fn clixml_of(json: &str) -> String {
    fn esc(s: &str) -> String {
        s.replace("_x", "_x005F_x")
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    fn value(out: &mut String, name: Option<&str>, v: &serde_json::Value, refs: &mut usize) {
        let n = name
            .map(|n| format!(" N=\"{}\"", esc(n)))
            .unwrap_or_default();
        match v {
            serde_json::Value::Null => out.push_str(&format!("<Nil{n} />")),
            serde_json::Value::Bool(b) => out.push_str(&format!("<B{n}>{b}</B>")),
            serde_json::Value::Number(x) if x.is_i64() => {
                out.push_str(&format!("<I64{n}>{x}</I64>"))
            }
            serde_json::Value::Number(x) => out.push_str(&format!("<Db{n}>{x}</Db>")),
            serde_json::Value::String(s) => out.push_str(&format!("<S{n}>{}</S>", esc(s))),
            serde_json::Value::Array(items) => {
                *refs += 1;
                out.push_str(&format!(
                    "<Obj{n} RefId=\"{refs}\"><TN RefId=\"{refs}\"><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN><LST>"
                ));
                for item in items {
                    value(out, None, item, refs);
                }
                out.push_str("</LST></Obj>");
            }
            serde_json::Value::Object(props) => {
                *refs += 1;
                out.push_str(&format!(
                    "<Obj{n} RefId=\"{refs}\"><TN RefId=\"{refs}\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>\r\n"
                ));
                for (k, v) in props {
                    value(out, Some(k), v, refs);
                    out.push_str("\r\n");
                }
                out.push_str("</MS></Obj>");
            }
        }
    }
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let items = v.get("value").unwrap_or(&v).as_array().unwrap().clone();
    let mut out = String::from(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n",
    );
    let mut refs = 0;
    for item in &items {
        value(&mut out, None, item, &mut refs);
        out.push_str("\r\n");
    }
    out.push_str("</Objs>");
    out
}

#[test]
fn export_clixml_of_every_source_reads_like_its_json() {
    let dir = tempfile::tempdir().unwrap();
    let demo = crate::support::root().join("examples/demo");
    let file = |name: &str| demo.join(name).display().to_string();
    let json_args = [
        "--ad".to_owned(),
        file("ad.ldif"),
        "--entra".to_owned(),
        file("entra-users.json"),
        "--entra-sync".to_owned(),
        file("entra-sync.json"),
        "--exo".to_owned(),
        file("exo-recipients.json"),
        "--exo-users".to_owned(),
        file("exo-users.json"),
    ];
    // Export-Clixml on Windows PowerShell 5.1 writes UTF-16 LE; the extension says nothing.
    let convert = |name: &str, out: &str| {
        let text = std::fs::read_to_string(demo.join(name)).unwrap();
        write(dir.path(), out, &encode(&clixml_of(&text), Enc::Utf16Le))
    };
    let mut clixml_args = json_args.clone();
    clixml_args[3] = convert("entra-users.json", "mgusers.xml");
    clixml_args[7] = convert("exo-recipients.json", "recipients.json");
    clixml_args[9] = convert("exo-users.json", "exo-users.clixml");
    for command in [["scan"].as_slice(), ["dirsync", "compare"].as_slice()] {
        let run = |sources: &[String]| {
            let mut args: Vec<&str> = command.to_vec();
            args.extend(sources.iter().map(String::as_str));
            if command == ["dirsync", "compare"] {
                args.truncate(args.len() - 4); // compare reads no Exchange Online export
            }
            args.extend(["--format", "json"]);
            idrift(&args)
        };
        let from_json = run(&json_args);
        let from_clixml = run(&clixml_args);
        assert_eq!(from_json.code, from_clixml.code, "{}", from_clixml.stderr);
        assert!(from_json.stdout.len() > 100, "{}", from_json.stderr);
        assert_eq!(from_json.stdout, from_clixml.stdout, "{command:?}");
    }
}

#[test]
fn a_clixml_export_with_a_bad_object_names_the_file_and_the_objects_line() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let no_id = ENTRA_JSON.replace("\"id\":\"00000000-0000-4000-8000-000000000002\",", "");
    let clixml = clixml_of(&no_id);
    // The second top-level object (nested ones carry N="...").
    let line = clixml
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("<Obj RefId"))
        .nth(1)
        .unwrap()
        .0
        + 1;
    let entra = write(dir.path(), "users.xml", clixml.as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("users.xml")
            && r.stderr
                .contains(&format!("the CLIXML object on line {line}"))
            && r.stderr.contains("\"id\""),
        "{}",
        r.stderr
    );
    let truncated = &clixml[..clixml.len() - 20];
    let entra = write(dir.path(), "cut.xml", truncated.as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("cut.xml") && r.stderr.contains("truncated"),
        "{}",
        r.stderr
    );
}

/// Objects Entra Connect's default rules never export, as an `ldifde` export of a domain with Exchange
/// holds them.
const NOT_SYNCED_LDIF: &str = "\r\n\
dn: CN=krbtgt,CN=Users,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
sAMAccountName: krbtgt\r\n\
isCriticalSystemObject: TRUE\r\n\
\r\n\
dn: CN=SystemMailbox{1f05a927-0000-4000-8000-000000000001},CN=Users,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
sAMAccountName: SM_0123456789abcdef0\r\n\
msExchRecipientTypeDetails: 8388608\r\n\
\r\n\
dn: CN=HealthMailbox0123456789abcdef0123456789abcdef,CN=Monitoring Mailboxes,CN=Microsoft Exchange System Objects,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
userPrincipalName: HealthMailbox0123456789abcdef0123456789abcdef@contoso.com\r\n\
\r\n\
dn: CN=Legacy Plan,OU=Exchange,DC=contoso,DC=com\r\n\
objectClass: user\r\n\
msExchRecipientTypeDetails: 16777216\r\n";

#[test]
fn objects_entra_connect_never_syncs_are_counted_apart() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(
        dir.path(),
        "ad.ldif",
        format!("{AD_LDIF}{NOT_SYNCED_LDIF}").as_bytes(),
    );
    let entra = write(dir.path(), "entra.json", ENTRA_JSON.as_bytes());
    let r = compare(&["--ad", &ad, "--entra", &entra]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let s = &v["Summary"];
    assert_eq!(s["OnPremTotal"], 2, "{s}");
    assert_eq!(s["UnmatchedOnPrem"], 0, "{s}");
    assert_eq!(
        s["NotSyncedByDefault"],
        serde_json::json!({
            "CriticalSystemObject": 1,
            "ConflictObject": 0,
            "SyncServiceAccount": 0,
            "ExchangeSystemMailbox": 2,
            "FilteredRecipientType": 1,
            "Total": 4
        })
    );
    // The table view writes its CSV: into the test's folder, not the current directory.
    let out_dir = dir.path().to_str().unwrap();
    let r = idrift(&[
        "dirsync",
        "compare",
        "--ad",
        &ad,
        "--entra",
        &entra,
        "--out-dir",
        out_dir,
    ]);
    assert!(
        r.stdout.contains("Users: 2 in AD")
            && r.stdout
                .contains("Not synced by default: 4 AD user(s) not synced by default"),
        "{}",
        r.stdout
    );
    let r = idrift(&["scan", "--ad", &ad, "--entra", &entra, "--format", "json"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["Summary"]["NotSyncedByDefault"]["Total"], 4,
        "{}",
        r.stdout
    );
    // Without such objects the summaries carry no such field.
    let plain = write(dir.path(), "plain.ldif", AD_LDIF.as_bytes());
    let r = compare(&["--ad", &plain, "--entra", &entra]);
    assert!(!r.stdout.contains("NotSyncedByDefault"), "{}", r.stdout);
}

/// One fixture per row of the README's input table (issue 15 item 9): each export form an admin saves is
/// read to the same two users, recipients or sync object. The UTF-16 and Windows-1252 forms of these are
/// covered above, and Export-Clixml by `export_clixml_of_every_source_reads_like_its_json`.
#[test]
fn every_export_form_of_the_readme_input_table_reads() {
    let dir = tempfile::tempdir().unwrap();
    let entra = write(dir.path(), "entra.json", ENTRA_JSON.as_bytes());
    let ad = write(dir.path(), "ad.ldif", AD_LDIF.as_bytes());
    let matched = |ad: &str, entra: &str| {
        let r = compare(&["--ad", ad, "--entra", entra]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        (
            v["Summary"]["Matched"].clone(),
            v["Summary"]["Rows"].clone(),
        )
    };
    let two = (serde_json::json!(2), serde_json::json!(1));

    // --ad: `ldapsearch -LLL` (no version line, LF, folded lines, base64 binary values) ...
    let ldapsearch = "dn: CN=Zo\u{eb} M\u{fc}ller,OU=Z\u{fc}rich,DC=contoso,DC=com\n\
objectClass: user\n\
objectGUID:: AQEBAQEBAQEBAQEBAQEBAQ==\n\
userPrincipalName: zoe@conto\n so.com\n\
mobile: +41 44 555 0101\n\
\n\
dn:: Q049SsO8cmdlbiDDlmJlcmcsT1U9WsO8cmljaCxEQz1jb250b3NvLERDPWNvbQ==\n\
objectClass: user\n\
objectGUID:: AgICAgICAgICAgICAgICAg==\n\
userPrincipalName: jurgen@contoso.com\n\
mobile: +41 44 555 0102\n";
    let p = write(dir.path(), "ldapsearch.ldif", ldapsearch.as_bytes());
    assert_eq!(matched(&p, &entra), two, "ldapsearch -LLL");
    // ... and `ldifde -f` (version line, changetype: add, CRLF).
    let ldifde = AD_LDIF.replace(
        "objectClass: user\r\n",
        "changetype: add\r\nobjectClass: user\r\n",
    );
    let p = write(dir.path(), "ldifde.ldf", ldifde.as_bytes());
    assert_eq!(matched(&p, &entra), two, "ldifde -f");

    // --entra: one Graph page, several pages (an array of them, or one after another), a bare array.
    let v: serde_json::Value = serde_json::from_str(ENTRA_JSON).unwrap();
    let users = v["value"].as_array().unwrap();
    let page = |u: &serde_json::Value, next: bool| {
        let mut p = serde_json::json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": [u]});
        if next {
            p["@odata.nextLink"] = "https://graph.microsoft.com/v1.0/users?$skiptoken=X".into();
        }
        p
    };
    let forms = [
        ("page", ENTRA_JSON.to_owned()),
        (
            "array of pages",
            serde_json::json!([page(&users[0], true), page(&users[1], false)]).to_string(),
        ),
        (
            "pages one after another",
            format!("{}\n{}", page(&users[0], true), page(&users[1], false)),
        ),
        ("array", serde_json::Value::Array(users.clone()).to_string()),
    ];
    for (form, text) in forms {
        let p = write(dir.path(), "form.json", text.as_bytes());
        assert_eq!(matched(&ad, &p), two, "{form}");
    }

    // --entra-sync (the response and the bare object), --exo (an InvokeCommand page, ConvertTo-Json of
    // Get-Mailbox as an array or one object), --exo-users (Get-User): read back from the snapshot taken.
    let sync_object = r#"{"id":"55555555-5555-4555-8555-555555555555","features":{"blockCloudObjectTakeoverThroughHardMatchEnabled":false,"blockSoftMatchEnabled":false,"bypassDirSyncOverridesEnabled":true}}"#;
    let zoe_mailbox = r#"{"Identity":"Zoë Müller","ExternalDirectoryObjectId":"00000000-0000-4000-8000-000000000001","UserPrincipalName":"zoe@contoso.com","RecipientTypeDetails":"UserMailbox","RecipientType":"UserMailbox","EmailAddresses":["SMTP:zoe@contoso.com"]}"#;
    let jurgen_user = r#"{"Identity":"Jürgen Öberg","ExternalDirectoryObjectId":"00000000-0000-4000-8000-000000000002","RecipientTypeDetails":"MailUser","PreviousRecipientTypeDetails":"UserMailbox","SKUAssigned":true}"#;
    let exo_forms = [
        (
            format!("{{\"value\":[{sync_object}]}}"),
            format!(
                "{{\"@odata.context\":\"https://outlook.office365.com/adminapi/beta/x/$metadata#Mailbox\",\"value\":[{zoe_mailbox}]}}"
            ),
        ),
        (sync_object.to_owned(), format!("[{zoe_mailbox}]")),
        (sync_object.to_owned(), zoe_mailbox.to_owned()),
    ];
    for (i, (sync, exo)) in exo_forms.iter().enumerate() {
        let sync = write(dir.path(), "sync.json", sync.as_bytes());
        let exo = write(dir.path(), "exo.json", exo.as_bytes());
        let exo_users = write(
            dir.path(),
            "exo-users.json",
            format!("[{jurgen_user}]").as_bytes(),
        );
        let out = dir.path().join(format!("snap{i}"));
        let r = idrift(&[
            "snapshot",
            "take",
            "--ad",
            &ad,
            "--entra",
            &entra,
            "--entra-sync",
            &sync,
            "--exo",
            &exo,
            "--exo-users",
            &exo_users,
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
        let sync = idrift_cloud::snapshot::read_tenant_sync(&read("entra-sync.json")).unwrap();
        assert!(
            sync.unwrap().features.bypass_dir_sync_overrides_enabled,
            "form {i}"
        );
        let recipients =
            idrift_cloud::snapshot::read_exo_recipients_str(&read("exo-recipients.json")).unwrap();
        assert_eq!(recipients.len(), 1, "form {i}");
        assert_eq!(
            recipients[0].user_principal_name.as_deref(),
            Some("zoe@contoso.com")
        );
        let users =
            idrift_cloud::snapshot::read_exo_recipients_str(&read("exo-users.json")).unwrap();
        assert_eq!(
            users[0].previous_recipient_type_details.as_deref(),
            Some("UserMailbox")
        );
    }
}

/// `snapshot take` with a custom anchor writes the attribute into `ad.ldif`, so the snapshot matches by it
/// later (string and binary attributes alike).
#[test]
fn a_snapshot_taken_with_a_custom_anchor_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let ad = write(dir.path(), "ad.ldif", ad_with_anchors().as_bytes());
    for (anchor, entra) in [
        ("employeeID", entra_anchored("E1001", "E1002")),
        (
            "objectSid",
            entra_anchored(
                "AQUAAAAAAAUVAAAAAQIDBAUGBwgJCgsMUQQAAA==",
                "AQUAAAAAAAUVAAAAAQIDBAUGBwgJCgsMUgQAAA==",
            ),
        ),
    ] {
        let entra = write(dir.path(), "entra.json", entra.as_bytes());
        let snap = dir.path().join(format!("snap-{anchor}"));
        let snap_text = snap.display().to_string();
        let r = idrift(&[
            "snapshot",
            "take",
            "--ad",
            &ad,
            "--entra",
            &entra,
            "--source-anchor",
            anchor,
            "--out",
            &snap_text,
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{anchor}: {}", r.stderr);
        let r = compare(&["--snapshot", &snap_text, "--source-anchor", anchor]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{anchor}: {}", r.stderr);
        assert!(
            !r.stderr.contains("no Active Directory user"),
            "{}",
            r.stderr
        );
        let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(upns(&out["Rows"]), ["zoe@contoso.com"], "{anchor}: {out}");
        assert_eq!(out["Summary"]["Matched"], 2, "{anchor}: {out}");
    }
}
