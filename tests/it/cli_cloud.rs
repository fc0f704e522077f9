//! The CLI against the cloud emulator: `--entra graph` and `--exo exo` with certificate authentication,
//! `snapshot take` reading back to the emulator's data, and a throttled read that fails loudly.

use std::process::ExitCode;

use idrift_cloud_emulator::{Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter};

use crate::support::idrift;

fn cert_file(dir: &std::path::Path) -> String {
    let p = dir.join("app.pem");
    std::fs::write(&p, idrift_cloud_emulator::TEST_APP_CERT_AND_KEY_PEM).unwrap();
    p.display().to_string()
}

fn cloud_args(e: &Emulator, cert: &str) -> Vec<String> {
    let cfg = e.config();
    [
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
        "--exo-url",
        &e.exo_url(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn run_owned(args: Vec<String>) -> crate::support::Run {
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    idrift(&argv)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_take_from_graph_and_exchange_reads_back_the_same_data() {
    let e = Emulator::start(EmulatorConfig::default()).await.unwrap();
    e.seed_users(2_500);
    let tmp = tempfile::tempdir().unwrap();
    let cert = cert_file(tmp.path());
    let out = tmp.path().join("snap");
    let mut args: Vec<String> = ["snapshot", "take", "--entra", "graph", "--exo", "exo"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.extend(cloud_args(&e, &cert));
    args.extend(["--out".to_owned(), out.display().to_string()]);
    let r = tokio::task::spawn_blocking(move || run_owned(args))
        .await
        .unwrap();
    assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
    assert!(r.stdout.contains("2500 Entra ID user(s)"), "{}", r.stdout);
    let key_marker = "PRIVATE KEY";
    assert!(!r.stdout.contains(key_marker) && !r.stderr.contains(key_marker));

    let file = std::fs::File::open(out.join("entra-users.json")).unwrap();
    let mut back = idrift_cloud::snapshot::read_users(file).unwrap();
    let mut want = e.users();
    back.sort_by(|a, b| a.id.cmp(&b.id));
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(back.len(), want.len());
    assert_eq!(back, want);
    assert!(out.join("entra-sync.json").is_file());
    assert!(out.join("exo-recipients.json").is_file());
    assert!(out.join("exo-users.json").is_file());
    assert!(!out.join("ad.ldif").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_stays_throttled_fails_the_command_and_writes_nothing() {
    let e = Emulator::start(EmulatorConfig::default()).await.unwrap();
    e.seed_users(2_500);
    // Every request for the second page of users is throttled, beyond any retry budget.
    e.inject(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(0)),
        "skiptoken",
        1_000,
    ));
    let tmp = tempfile::tempdir().unwrap();
    let cert = cert_file(tmp.path());
    let out = tmp.path().join("snap");
    let ad = crate::support::root().join("examples/demo/ad.ldif");
    let mut args: Vec<String> = vec![
        "dirsync".into(),
        "compare".into(),
        "--ad".into(),
        ad.display().to_string(),
        "--entra".into(),
        "graph".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(cloud_args(&e, &cert));
    let r = tokio::task::spawn_blocking(move || run_owned(args))
        .await
        .unwrap();
    assert_eq!(r.code, ExitCode::from(1), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Microsoft Graph"), "{}", r.stderr);
    assert!(!out.exists(), "no CSV from a short read");
}
