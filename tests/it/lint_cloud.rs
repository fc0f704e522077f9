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
        CloudUser {
            display_name: Some("Sales".into()),
            ..cloud_user(
                "s1",
                "sales@contoso.onmicrosoft.com",
                &["SMTP:sales@contoso.com"],
                false,
            )
        },
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

/// How a CloudDuplicate row names the cloud-only shared mailbox holding Bob's address.
const SALES: &str = "Sales <sales@contoso.onmicrosoft.com> (id s1)";

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
    // The row names the cloud holder in JSON and in the table; the CSV keeps IdFix's eight columns.
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["Errors"][0]["CloudHolder"], SALES);
    let csv = idrift(&["lint", "--ad", &ad, "--entra", &users, "--format", "csv"]);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "DISTINGUISHEDNAME,COMMONNAME,OBJECTCLASS,ATTRIBUTE,ERROR,VALUE,UPDATE,ACTION",
            "\"CN=Bob,OU=Staff,DC=contoso,DC=com\",Bob,user,proxyAddresses,CloudDuplicate,\
             smtp:Sales@contoso.com,,COMPLETE",
        ]
    );
    let table = idrift(&["lint", "--ad", &ad, "--entra", &users]);
    let header = table.stdout.lines().next().unwrap_or_default();
    assert!(header.contains("CloudHolder"), "{}", table.stdout);
    assert!(table.stdout.contains(SALES), "{}", table.stdout);
    // Without a cloud row the table has no holder column.
    let table = idrift(&["lint", "--ad", &ad, "--entra-domains", &doms]);
    assert!(!table.stdout.contains("CloudHolder"), "{}", table.stdout);

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

/// `snapshot take --ad FILE --entra graph` into `out`, with the emulator's app registration.
fn take_args(e: &Emulator, ad: &str, cert: &str, out: &Path) -> Vec<String> {
    let mut args = graph_args(e, ad, cert, "unused");
    // The lint arguments up to `--out unused` are replaced by the take's.
    args.drain(..args.iter().position(|a| a == "--tenant").unwrap());
    let mut take: Vec<String> = ["snapshot", "take", "--ad", ad, "--entra", "graph"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    take.extend(args);
    take.extend(["--out-dir".to_owned(), out.display().to_string()]);
    take
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_take_from_graph_writes_the_domains_that_lint_of_the_snapshot_reads() {
    let e = Emulator::start(EmulatorConfig::default()).await.unwrap();
    e.add_users(cloud_users());
    for d in domains().into_iter().skip(1) {
        e.add_domain(d);
    }
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), false);
    let cert = cert_file(tmp.path());
    let ad = tmp.path().join("ad.ldif").display().to_string();

    let snap = tmp.path().join("snap");
    let run = run_blocking(take_args(&e, &ad, &cert, &snap)).await;
    assert_eq!(run.code, ExitCode::SUCCESS, "{}", run.stderr);
    assert!(run.stdout.contains("3 tenant domain(s)"), "{}", run.stdout);
    let file = std::fs::File::open(snap.join("entra-domains.json")).unwrap();
    assert_eq!(
        idrift_cloud::snapshot::read_domains(file).unwrap(),
        e.domains()
    );
    // Lint of the snapshot, offline, knows fabrikam.com is not verified.
    let snap_arg = snap.display().to_string();
    let lint: Vec<String> = ["lint", "--snapshot", &snap_arg, "--format", "json"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let run = run_blocking(lint).await;
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    assert_eq!(rows(&run), set(&[BOB, CY]));

    // An app without Domain.Read.All still takes the snapshot, without the file, and says so.
    e.inject(FaultRule::new(Fault::Forbidden, "/v1.0/domains", 1));
    let snap = tmp.path().join("snap-403");
    let run = run_blocking(take_args(&e, &ad, &cert, &snap)).await;
    assert_eq!(run.code, ExitCode::SUCCESS, "{}", run.stderr);
    assert!(run.stderr.contains("Domain.Read.All"), "{}", run.stderr);
    assert!(snap.join("entra-users.json").is_file());
    assert!(!snap.join("entra-domains.json").exists());

    // GET /domains that stays unavailable fails the take: no snapshot directory is left.
    e.inject(FaultRule::new(
        Fault::Unavailable(RetryAfter::Seconds(0)),
        "/v1.0/domains",
        1_000,
    ));
    let snap = tmp.path().join("snap-503");
    let run = run_blocking(take_args(&e, &ad, &cert, &snap)).await;
    assert_eq!(run.code, ExitCode::from(1), "{}", run.stderr);
    assert!(run.stderr.contains("GET /domains"), "{}", run.stderr);
    assert!(!snap.exists());
}
