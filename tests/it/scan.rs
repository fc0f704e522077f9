//! `idrift scan` and `idrift plan` through the CLI library: the JSON contracts (golden file for the demo),
//! every finding kind on the demo, the false-positive guards, the source flags, filters and bad input.

use std::process::ExitCode;

use serde_json::Value;

use crate::support::{Run, assert_golden, idrift, root};

const KINDS: [&str; 7] = [
    "DirSyncOverride",
    "DuplicateMailbox",
    "DuplicateMailboxRisk",
    "ExchangeGuidMismatch",
    "SoftMatchCollision",
    "MissingRoutingAddress",
    "ProvisioningError",
];

fn demo_file(name: &str) -> String {
    root()
        .join("examples/demo")
        .join(name)
        .display()
        .to_string()
}

#[track_caller]
fn json(r: &Run) -> Value {
    assert_eq!(r.code, ExitCode::SUCCESS, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn findings_of<'a>(v: &'a Value, upn: &str) -> Vec<&'a Value> {
    v["Findings"]
        .as_array()
        .expect("Findings")
        .iter()
        .filter(|f| {
            f["UserPrincipalName"]
                .as_str()
                .is_some_and(|u| u.eq_ignore_ascii_case(upn))
        })
        .collect()
}

#[test]
fn scan_demo_json_shows_every_kind_and_matches_the_contract() {
    let r = idrift(&["scan", "--demo", "--format", "json"]);
    let v = json(&r);
    assert_eq!(keys(&v), ["Findings", "Summary", "Warnings"]);
    for k in KINDS {
        assert!(
            v["Summary"][k].as_u64().is_some_and(|n| n > 0),
            "no {k} in {}",
            v["Summary"]
        );
    }
    let findings = v["Findings"].as_array().expect("Findings");
    assert_eq!(v["Summary"]["Total"].as_u64(), Some(findings.len() as u64));
    for f in findings {
        assert_eq!(
            keys(f),
            [
                "DistinguishedName",
                "Evidence",
                "Kind",
                "ObjectId",
                "Recommendation",
                "Severity",
                "UserPrincipalName"
            ],
            "{f}"
        );
        assert!(KINDS.contains(&f["Kind"].as_str().expect("Kind")), "{f}");
        assert!(
            ["Info", "Low", "Medium", "High", "Critical"]
                .contains(&f["Severity"].as_str().expect("Severity")),
            "{f}"
        );
        assert!(f["Evidence"].is_object(), "{f}");
        assert!(
            !f["Recommendation"]
                .as_str()
                .expect("Recommendation")
                .is_empty(),
            "{f}"
        );
    }
    assert!(
        r.stderr.is_empty(),
        "the demo has every input, so no notes: {}",
        r.stderr
    );
    assert_golden("scan-demo.json", &r.stdout);
}

#[test]
fn scan_demo_false_positive_guards() {
    let v = json(&idrift(&["scan", "--demo", "--format", "json"]));
    for upn in [
        "ken.thompson@contoso.com",
        "sales@contoso.com",
        "frontdesk@contoso.com",
        "contractor@contoso.onmicrosoft.com",
        "dennis.ritchie@contoso.com",
    ] {
        assert!(
            findings_of(&v, upn).is_empty(),
            "{upn}: {:?}",
            findings_of(&v, upn)
        );
    }
    let dup = findings_of(&v, "testduplicate@contoso.com");
    assert_eq!(dup.len(), 1);
    assert_eq!(
        dup[0]["Evidence"]["OnPremExchangeGuid"],
        "064e1a94-3199-49a7-9cb3-3ce3412424d6"
    );
    assert_eq!(
        dup[0]["Evidence"]["CloudExchangeGuid"],
        "17d89853-ec3e-4bb3-9bf8-a7d022818fb0"
    );
}

#[test]
fn scan_demo_table_and_csv() {
    let r = idrift(&["scan", "--demo"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    for k in KINDS {
        assert!(r.stdout.contains(k), "table lacks {k}:\n{}", r.stdout);
    }
    assert!(
        r.stdout
            .contains("Routing domain: contoso.mail.onmicrosoft.com"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("idrift plan <UPN>"), "{}", r.stdout);

    let v = json(&idrift(&["scan", "--demo", "--format", "json"]));
    let r = idrift(&["scan", "--demo", "--format", "csv"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let mut lines = r.stdout.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(
        lines.next(),
        Some(
            "\"Kind\",\"Severity\",\"UserPrincipalName\",\"ObjectId\",\"DistinguishedName\",\"Recommendation\",\"Evidence\""
        )
    );
    assert_eq!(
        lines.count() as u64,
        v["Summary"]["Total"].as_u64().expect("Total")
    );
}

#[test]
fn scan_filters_by_kind_and_severity() {
    let v = json(&idrift(&[
        "scan",
        "--demo",
        "--format",
        "json",
        "--kind",
        "DuplicateMailbox,softmatchcollision",
        "--min-severity",
        "critical",
    ]));
    let findings = v["Findings"].as_array().expect("Findings");
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["Severity"], "Critical", "{f}");
        assert!(
            f["Kind"] == "DuplicateMailbox" || f["Kind"] == "SoftMatchCollision",
            "{f}"
        );
    }
    assert_eq!(v["Summary"]["Total"].as_u64(), Some(findings.len() as u64));
    assert_eq!(v["Summary"]["DirSyncOverride"], 0);

    let r = idrift(&["scan", "--demo", "--kind", "Duplicates"]);
    assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("DuplicateMailboxRisk"),
        "the error lists the kinds: {}",
        r.stderr
    );
}

#[test]
fn scan_reads_a_snapshot_directory_and_single_files_like_the_demo() {
    let demo = json(&idrift(&["scan", "--demo", "--format", "json"]));
    let dir = tempfile::tempdir().expect("temp dir");
    for f in [
        "ad.ldif",
        "entra-users.json",
        "entra-sync.json",
        "exo-recipients.json",
        "exo-users.json",
    ] {
        std::fs::copy(demo_file(f), dir.path().join(f)).expect("copy the demo");
    }
    let snap = dir.path().display().to_string();
    assert_eq!(
        json(&idrift(&["scan", "--snapshot", &snap, "--format", "json"])),
        demo
    );

    // Single files: without entra-sync.json the tenant defaults are assumed, which is what the demo has.
    let r = idrift(&[
        "scan",
        "--ad",
        &demo_file("ad.ldif"),
        "--entra",
        &demo_file("entra-users.json"),
        "--exo",
        &demo_file("exo-recipients.json"),
        "--exo-users",
        &demo_file("exo-users.json"),
        "--format",
        "json",
    ]);
    let v = json(&r);
    assert_eq!(v["Summary"], demo["Summary"]);
    assert!(
        r.stderr.contains("Tenant sync features unknown"),
        "{}",
        r.stderr
    );
}

#[test]
fn scan_without_exchange_data_says_what_it_skipped() {
    let r = idrift(&[
        "scan",
        "--ad",
        &demo_file("ad.ldif"),
        "--entra",
        &demo_file("entra-users.json"),
        "--format",
        "json",
    ]);
    let v = json(&r);
    assert_eq!(v["Summary"]["DuplicateMailbox"], 0);
    assert_eq!(v["Summary"]["ExchangeGuidMismatch"], 0);
    assert!(r.stderr.contains("No Exchange Online data"), "{}", r.stderr);
}

#[test]
fn scan_with_a_broken_exchange_file_names_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("exo-recipients.json");
    std::fs::write(
        &bad,
        "{\"value\":[{\"RecipientTypeDetails\":\"UserMailbox\",",
    )
    .expect("write");
    let r = idrift(&[
        "scan",
        "--ad",
        &demo_file("ad.ldif"),
        "--entra",
        &demo_file("entra-users.json"),
        "--exo",
        &bad.display().to_string(),
    ]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(r.stderr.contains("exo-recipients.json"), "{}", r.stderr);
    let r = idrift(&["scan", "--demo", "--exo", &bad.display().to_string()]);
    assert_eq!(
        r.code,
        ExitCode::from(2),
        "--exo conflicts with --demo: {}",
        r.stderr
    );
}

#[test]
fn scan_writes_the_csv_next_to_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("findings.csv");
    let r = idrift(&["scan", "--demo", "--out", &out.display().to_string()]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let csv = std::fs::read_to_string(&out).expect("the CSV was written");
    assert!(csv.starts_with("\"Kind\",\"Severity\""), "{csv}");
    assert!(r.stdout.contains("findings.csv"), "{}", r.stdout);
}

#[test]
fn plan_json_for_the_demo_duplicate_records_the_cloud_guid_first() {
    let v = json(&idrift(&[
        "plan",
        "TestDuplicate@contoso.com",
        "--demo",
        "--format",
        "json",
    ]));
    assert_eq!(
        keys(&v),
        ["Findings", "Options", "UserPrincipalName", "Warnings"]
    );
    assert_eq!(v["UserPrincipalName"], "testduplicate@contoso.com");
    let options = v["Options"].as_array().expect("Options");
    let ids: Vec<&str> = options
        .iter()
        .map(|o| o["Id"].as_str().expect("Id"))
        .collect();
    assert_eq!(ids, ["DeleteAndMerge", "RemoveLicense", "KeepCloudMailbox"]);
    let dm = &options[0];
    assert_eq!(dm["Recommended"], true);
    assert_eq!(
        keys(dm),
        [
            "Benefits",
            "DataAtRisk",
            "Drawbacks",
            "Id",
            "Preconditions",
            "Recommended",
            "Steps"
        ]
    );
    let steps = dm["Steps"].as_array().expect("Steps");
    assert_eq!(keys(&steps[0]), ["Action", "Automated", "Command", "Order"]);
    assert!(
        steps[0]["Action"]
            .as_str()
            .expect("Action")
            .contains("17d89853-ec3e-4bb3-9bf8-a7d022818fb0")
    );
    assert_eq!(steps[0]["Automated"], true);
    let delete = steps
        .iter()
        .position(|s| {
            s["Command"]
                .as_str()
                .is_some_and(|c| c.starts_with("DELETE "))
        })
        .expect("a delete step");
    assert!(
        delete > 0,
        "the GUID is recorded before anything is deleted"
    );
    assert!(steps.iter().any(|s| s["Command"]
        == "New-MailboxRestoreRequest -SourceMailbox 17d89853-ec3e-4bb3-9bf8-a7d022818fb0 -TargetMailbox 064e1a94-3199-49a7-9cb3-3ce3412424d6 -AllowLegacyDNMismatch"));
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(s["Order"].as_u64(), Some(i as u64 + 1));
    }
}

#[test]
fn plan_option_filter_and_usage_errors() {
    let v = json(&idrift(&[
        "plan",
        "testlicense@contoso.com",
        "--demo",
        "--format",
        "json",
        "--option",
        "removelicense",
    ]));
    let options = v["Options"].as_array().expect("Options");
    assert_eq!(options.len(), 1);
    assert_eq!(options[0]["Id"], "RemoveLicense");
    assert_eq!(
        options[0]["Recommended"], true,
        "provisioning errors make RemoveLicense the recommendation"
    );

    let r = idrift(&[
        "plan",
        "radia.perlman@contoso.com",
        "--demo",
        "--option",
        "DeleteAndMerge",
    ]);
    assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("ReprovisionCloudAlias"),
        "names the options offered: {}",
        r.stderr
    );
    let r = idrift(&[
        "plan",
        "radia.perlman@contoso.com",
        "--demo",
        "--option",
        "Nuke",
    ]);
    assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
    // An unknown user is failed input (1), not a usage error (2).
    let r = idrift(&["plan", "nobody@contoso.com", "--demo"]);
    assert_eq!(r.code, ExitCode::from(1), "{}", r.stderr);
    assert!(r.stderr.contains("nobody@contoso.com"), "{}", r.stderr);
}

#[test]
fn plan_table_for_article_003_with_an_out_of_scope_ou() {
    let r = idrift(&[
        "plan",
        "radia.perlman@contoso.com",
        "--demo",
        "--out-of-scope-ou",
        "OU=NoSync,DC=contoso,DC=com",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Option ReprovisionCloudAlias (recommended)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "[auto] Move the AD user out of sync scope.\n        Move-ADObject -Identity 'CN=Radia Perlman,OU=Sync,DC=contoso,DC=com' -TargetPath 'OU=NoSync,DC=contoso,DC=com'"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Set-Mailbox -Identity"), "{}", r.stdout);

    let r = idrift(&["plan", "ken.thompson@contoso.com", "--demo"]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("No findings for ken.thompson@contoso.com"),
        "{}",
        r.stdout
    );
    let r = idrift(&[
        "plan",
        "frances.allen@contoso.com",
        "--demo",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "\"Option\",\"Recommended\",\"Order\",\"Action\",\"Command\",\"Automated\"\r\n"
    ));
    assert!(
        r.stdout
            .contains("\"AddRoutingAddressOnPrem\",\"True\",\"1\""),
        "{}",
        r.stdout
    );
}

#[test]
fn scan_fail_on_exits_3_when_a_finding_is_at_least_that_severe() {
    let all = idrift(&["scan", "--demo", "--format", "json"]);
    assert_eq!(all.code, ExitCode::SUCCESS, "{}", all.stderr);
    let v: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    let severities: Vec<String> = v["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Severity"].as_str().unwrap().to_owned())
        .collect();
    assert!(severities.iter().any(|s| s == "High" || s == "Critical"));
    let r = idrift(&["scan", "--demo", "--fail-on", "High"]);
    assert_eq!(r.code, ExitCode::from(3), "{}", r.stderr);
    // Only DirSyncOverride findings (Medium or less in the demo) are left: nothing High is reported.
    let r = idrift(&[
        "scan",
        "--demo",
        "--kind",
        "DirSyncOverride",
        "--fail-on",
        "High",
    ]);
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    let r = idrift(&["scan", "--demo", "--fail-on", "Bogus"]);
    assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
}
