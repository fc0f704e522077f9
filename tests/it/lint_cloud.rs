//! `idrift lint` with an Entra side: addresses held by cloud-only users (CloudDuplicate, sparing the cloud
//! user soft match would join), and UPN suffixes the tenant has not verified (NotVerifiedDomain), from
//! export files, a snapshot directory and Microsoft Graph (the emulator, with a fault).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use idrift_cloud_emulator::{Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter};
use idrift_core::model::{CloudUser, TenantDomain};

use crate::support::idrift;

/// Ann soft-matches cloud Ann; Bob takes the cloud-only shared mailbox's address; Cy's suffix is a
/// domain the tenant has not verified; Di's is a subdomain of a verified one; Ed's addresses are held
/// by his own synced cloud user.
const LDIF: &str = "\
dn: CN=Ann,OU=Staff,DC=contoso,DC=com
objectClass: user
cn: Ann
userPrincipalName: ann@contoso.com
proxyAddresses: SMTP:ann@contoso.com

dn: CN=Bob,OU=Staff,DC=contoso,DC=com
objectClass: user
cn: Bob
userPrincipalName: bob@contoso.com
proxyAddresses: SMTP:bob@contoso.com
proxyAddresses: smtp:Sales@contoso.com

dn: CN=Cy,OU=Staff,DC=contoso,DC=com
objectClass: user
cn: Cy
userPrincipalName: cy@fabrikam.com

dn: CN=Di,OU=Staff,DC=contoso,DC=com
objectClass: user
cn: Di
userPrincipalName: di@eu.contoso.com

dn: CN=Ed,OU=Staff,DC=contoso,DC=com
objectClass: user
cn: Ed
userPrincipalName: ed@contoso.com
proxyAddresses: SMTP:ed@contoso.com
";

fn cloud_user(id: &str, upn: &str, proxies: &[&str], synced: bool) -> CloudUser {
    CloudUser {
        id: id.into(),
        user_principal_name: Some(upn.into()),
        mail: proxies
            .first()
            .map(|p| p.trim_start_matches("SMTP:").to_owned()),
        proxy_addresses: proxies.iter().map(|p| (*p).to_owned()).collect(),
        on_premises_sync_enabled: synced.then_some(true),
        on_premises_immutable_id: synced.then(|| "AAAAAAAAAAAAAAAAAAAAAA==".to_owned()),
        ..CloudUser::default()
    }
}

fn cloud_users() -> Vec<CloudUser> {
    vec![
        cloud_user("a1", "ann@contoso.com", &["SMTP:ann@contoso.com"], false),
        cloud_user(
            "s1",
            "sales@contoso.onmicrosoft.com",
            &["SMTP:sales@contoso.com"],
            false,
        ),
        cloud_user("e1", "ed@contoso.com", &["SMTP:ed@contoso.com"], true),
    ]
}

fn domain(id: &str, verified: bool) -> TenantDomain {
    TenantDomain {
        id: id.into(),
        is_verified: verified,
        ..TenantDomain::default()
    }
}

fn domains() -> Vec<TenantDomain> {
    vec![
        TenantDomain {
            is_initial: true,
            ..domain("contoso.onmicrosoft.com", true)
        },
        domain("contoso.com", true),
        domain("fabrikam.com", false),
    ]
}

/// Writes the AD export, the users, the domains and (when `block`) a sync object blocking soft match
/// into `dir` under snapshot names.
fn write_files(dir: &Path, block: bool) {
    std::fs::write(dir.join("ad.ldif"), LDIF).unwrap();
    let users = std::fs::File::create(dir.join("entra-users.json")).unwrap();
    idrift_cloud::snapshot::write_users(users, &cloud_users()).unwrap();
    let d = std::fs::File::create(dir.join("entra-domains.json")).unwrap();
    idrift_cloud::snapshot::write_domains(d, &domains()).unwrap();
    if block {
        std::fs::write(
            dir.join("entra-sync.json"),
            r#"{"value":[{"id":"s","features":{"blockSoftMatchEnabled":true}}]}"#,
        )
        .unwrap();
    }
}

fn rows(run: &crate::support::Run) -> BTreeSet<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", run.stdout, run.stderr);
    });
    v["Errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["CommonName"].as_str().unwrap().to_owned(),
                e["Attribute"].as_str().unwrap().to_owned(),
                e["Error"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

const BOB: (&str, &str, &str) = ("Bob", "proxyAddresses", "CloudDuplicate");
const CY: (&str, &str, &str) = ("Cy", "userPrincipalName", "NotVerifiedDomain");

#[test]
fn lint_with_entra_files_reports_cloud_duplicates_and_unverified_suffixes() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), false);
    let p = |n: &str| tmp.path().join(n).display().to_string();
    let (ad, users, doms) = (p("ad.ldif"), p("entra-users.json"), p("entra-domains.json"));

    // Without an Entra side there is nothing to find.
    let run = idrift(&["lint", "--ad", &ad, "--format", "json"]);
    assert_eq!(run.code, ExitCode::SUCCESS, "{}", run.stderr);
    assert!(rows(&run).is_empty());

    let run = idrift(&["lint", "--ad", &ad, "--entra", &users, "--format", "json"]);
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    assert_eq!(rows(&run), set(&[BOB]));

    let run = idrift(&[
        "lint",
        "--ad",
        &ad,
        "--entra",
        &users,
        "--entra-domains",
        &doms,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    assert_eq!(rows(&run), set(&[BOB, CY]));

    // A domains file alone checks the suffixes; --verified-domain adds to it.
    let run = idrift(&[
        "lint",
        "--ad",
        &ad,
        "--entra-domains",
        &doms,
        "--verified-domain",
        "fabrikam.com",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, ExitCode::SUCCESS, "{}", run.stderr);

    // A broken domains file is an input error naming the file.
    std::fs::write(
        tmp.path().join("bad.json"),
        r#"{"value":[{"isVerified":true}]}"#,
    )
    .unwrap();
    let run = idrift(&["lint", "--ad", &ad, "--entra-domains", &p("bad.json")]);
    assert_eq!(run.code, ExitCode::from(1));
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);
}

#[test]
fn lint_of_a_snapshot_reads_its_entra_side_and_honours_blocked_soft_match() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), true);
    let dir = tmp.path().display().to_string();
    let run = idrift(&["lint", "--snapshot", &dir, "--format", "json"]);
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    // Soft match is blocked: Ann no longer joins cloud Ann, so her UPN and address collide.
    assert_eq!(
        rows(&run),
        set(&[
            BOB,
            CY,
            ("Ann", "userPrincipalName", "CloudDuplicate"),
            ("Ann", "proxyAddresses", "CloudDuplicate"),
        ])
    );
}

fn cert_file(dir: &Path) -> String {
    let p = dir.join("app.pem");
    std::fs::write(&p, idrift_cloud_emulator::TEST_APP_CERT_AND_KEY_PEM).unwrap();
    p.display().to_string()
}

fn graph_args(e: &Emulator, ad: &str, cert: &str, out: &str) -> Vec<String> {
    let cfg = e.config();
    [
        "lint",
        "--ad",
        ad,
        "--entra",
        "graph",
        "--format",
        "json",
        "--out",
        out,
        "--tenant",
        cfg.tenant_domain.as_str(),
        "--client-id",
        cfg.client_id.as_str(),
        "--certificate",
        cert,
        "--authority-url",
        &e.authority_url(),
        "--graph-url",
        &e.graph_url(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

async fn run_blocking(args: Vec<String>) -> crate::support::Run {
    tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        idrift(&argv)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_with_entra_graph_reads_users_and_domains_and_fails_whole_on_a_fault() {
    let e = Emulator::start(EmulatorConfig::default()).await.unwrap();
    e.add_users(cloud_users());
    for d in domains().into_iter().skip(1) {
        e.add_domain(d);
    }
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), false);
    let cert = cert_file(tmp.path());
    let ad = tmp.path().join("ad.ldif").display().to_string();
    let out = tmp.path().join("lint.csv");
    let run = run_blocking(graph_args(&e, &ad, &cert, &out.display().to_string())).await;
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    assert_eq!(rows(&run), set(&[BOB, CY]));
    assert_eq!(e.request_count("/v1.0/domains"), 1);
    assert!(out.is_file());

    // The tenant verifies fabrikam.com: the next run sees it.
    e.add_domain(domain("fabrikam.com", true));
    let run = run_blocking(graph_args(&e, &ad, &cert, &out.display().to_string())).await;
    assert_eq!(rows(&run), set(&[BOB]));

    // GET /domains stays unavailable: the run fails, naming the call, and writes no CSV.
    std::fs::remove_file(&out).unwrap();
    e.inject(FaultRule::new(
        Fault::Unavailable(RetryAfter::Seconds(0)),
        "/v1.0/domains",
        1_000,
    ));
    let run = run_blocking(graph_args(&e, &ad, &cert, &out.display().to_string())).await;
    assert_eq!(
        run.code,
        ExitCode::from(1),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stderr.contains("GET /domains"), "{}", run.stderr);
    assert!(!out.exists(), "no CSV from a run without the domains");
}
