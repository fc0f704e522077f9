//! `idrift lint` and `idrift lint apply` against the project's Samba AD DC: a unique OU seeded with users, a
//! contact and a group carrying one error per kind (and IdFix's false-positive traps and an excluded system
//! name), read live over LDAPS in pages; the CSV round-trips through `lint apply` onto the DC and `idrift
//! undo` restores every value. Without `AD_LDAP_URL` the test returns at once, except in CI, where it fails.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use ldap3::controls::RawControl;
use ldap3::{LdapConnAsync, Scope, SearchEntry};

use crate::support::idrift;

#[derive(Clone, Debug)]
struct Env {
    ldap_url: String,
    ldaps_url: String,
    ca_file: PathBuf,
    base_dn: String,
    bind_dn: String,
    password: String,
}

fn env() -> Option<Env> {
    #[expect(clippy::disallowed_methods, reason = "test gate")]
    let get = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let Some(ldap_url) = get("AD_LDAP_URL") else {
        assert!(
            get("CI").as_deref() != Some("true"),
            "AD_LDAP_URL is not set, but CI=true: the live lint tests must run in CI"
        );
        eprintln!("lint_live: AD_LDAP_URL is not set; skipping");
        return None;
    };
    let need = |key: &str| get(key).unwrap_or_else(|| panic!("{key} must be set with AD_LDAP_URL"));
    Some(Env {
        ldap_url,
        ldaps_url: need("AD_LDAPS_URL"),
        ca_file: PathBuf::from(need("AD_CA_FILE")),
        base_dn: need("AD_BASE_DN"),
        bind_dn: need("AD_BIND_DN"),
        password: need("AD_BIND_PASSWORD"),
    })
}

async fn admin(env: &Env) -> ldap3::Ldap {
    let (conn, mut ldap) = LdapConnAsync::new(&env.ldap_url).await.unwrap();
    ldap3::drive!(conn);
    ldap.simple_bind(&env.bind_dn, &env.password)
        .await
        .unwrap()
        .success()
        .unwrap();
    ldap
}

fn tag() -> String {
    let t = std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), 17)
        & 0xffff_ffff;
    format!("{}{t:08x}", std::process::id())
}

async fn add(ldap: &mut ldap3::Ldap, dn: &str, attrs: Vec<(&str, Vec<Vec<u8>>)>) {
    let attrs: Vec<(Vec<u8>, HashSet<Vec<u8>>)> = attrs
        .into_iter()
        .map(|(k, v)| (k.as_bytes().to_vec(), v.into_iter().collect()))
        .collect();
    ldap.add(dn, attrs).await.unwrap().success().unwrap();
}

fn v(s: &str) -> Vec<Vec<u8>> {
    vec![s.as_bytes().to_vec()]
}

/// Seeds the OU and returns the rows lint must report: (cn, attribute, error).
async fn seed(ldap: &mut ldap3::Ldap, ou: &str, t: &str) -> BTreeSet<(String, String, String)> {
    let user = |sam: &str| {
        vec![
            ("objectClass", v("user")),
            ("sAMAccountName", v(&format!("{sam}{}", &t[t.len() - 8..]))),
        ]
    };
    let mut a = user("la");
    a.push(("userPrincipalName", v(&format!("an na-{t}@contoso.com"))));
    // Traps: a .cloud address (IdFix's stale TLD list flagged it).
    a.push(("mail", v(&format!("anna-{t}@contoso.cloud"))));
    a.push(("proxyAddresses", v(&format!("SMTP:anna-{t}@contoso.cloud"))));
    add(ldap, &format!("CN=Anna {t},{ou}"), a).await;
    let mut b = user("lb");
    b.push(("userPrincipalName", v(&format!("bert-{t}@contoso.com"))));
    b.push((
        "proxyAddresses",
        vec![
            format!("SMTP:bert-{t}@contoso.com").into_bytes(),
            format!("smtp:be rt-{t}@contoso.com").into_bytes(),
            // Trap: X500 with parentheses (IdFix issue 16).
            format!("X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=b{t}")
                .into_bytes(),
        ],
    ));
    // 16 certificates (Samba, like AD, refuses a thumbnailPhoto over 100 KB: its schema's rangeUpper).
    b.push((
        "userCertificate",
        (0u8..16).map(|i| vec![0x30, 0x03, 0x02, 0x01, i]).collect(),
    ));
    add(ldap, &format!("CN=Bert {t},{ou}"), b).await;
    add(
        ldap,
        &format!("CN=Carla {t},{ou}"),
        vec![
            ("objectClass", v("contact")),
            ("mail", v(&format!("carla-{t}@contoso.local"))),
        ],
    )
    .await;
    add(
        ldap,
        &format!("CN=Group {t},{ou}"),
        vec![
            ("objectClass", v("group")),
            ("sAMAccountName", v(&format!("lg{}", &t[t.len() - 8..]))),
            ("groupType", v("2")),
            (
                "proxyAddresses",
                vec![
                    format!("SMTP:grp-{t}@contoso.com").into_bytes(),
                    format!("smtp:g rp2-{t}@contoso.com").into_bytes(),
                ],
            ),
        ],
    )
    .await;
    let mut d = user("ld");
    d.push(("userPrincipalName", v(&format!("dup-{t}@contoso.com"))));
    add(ldap, &format!("CN=Dup {t},{ou}"), d).await;
    let mut e = user("le");
    e.push(("userPrincipalName", v(&format!("eve-{t}@contoso.com"))));
    e.push((
        "proxyAddresses",
        vec![
            format!("SMTP:eve-{t}@contoso.com").into_bytes(),
            format!("smtp:dup-{t}@contoso.com").into_bytes(),
        ],
    ));
    add(ldap, &format!("CN=Eve {t},{ou}"), e).await;
    // Excluded by name, errors and all.
    let mut h = user("lh");
    h.push((
        "userPrincipalName",
        v(&format!("health mbx-{t}@contoso.local")),
    ));
    add(ldap, &format!("CN=HealthMailbox{t},{ou}"), h).await;
    let row =
        |cn: &str, attr: &str, err: &str| (format!("{cn} {t}"), attr.to_owned(), err.to_owned());
    BTreeSet::from([
        row("Anna", "userPrincipalName", "Character"),
        row("Bert", "proxyAddresses", "Character"),
        row("Bert", "userCertificate", "LargeObject"),
        row("Carla", "mail", "TopLevelDomain"),
        row("Group", "proxyAddresses", "Character"),
        row("Dup", "userPrincipalName", "Duplicate"),
        row("Eve", "proxyAddresses", "Duplicate"),
    ])
}

async fn tree_delete(ldap: &mut ldap3::Ldap, dn: &str) {
    let control = RawControl {
        ctype: "1.2.840.113556.1.4.805".into(),
        crit: true,
        val: None,
    };
    let _ = ldap.with_controls(control).delete(dn).await;
}

async fn values(ldap: &mut ldap3::Ldap, dn: &str, attr: &str) -> Vec<String> {
    let (rs, _) = ldap
        .search(dn, Scope::Base, "(objectClass=*)", vec![attr])
        .await
        .unwrap()
        .success()
        .unwrap();
    let e = SearchEntry::construct(rs.into_iter().next().unwrap());
    let mut out = e
        .attrs
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(attr))
        .map(|(_, v)| v)
        .unwrap_or_default();
    out.sort();
    out
}

fn rows(json: &str) -> BTreeSet<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
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

/// The summary and the rows (sorted: AD does not keep the order of multi-valued attributes).
fn report(json: &str) -> (serde_json::Value, Vec<String>) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut errors: Vec<String> = v["Errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    errors.sort();
    (v["Summary"].clone(), errors)
}

#[test]
fn live_lint_reports_the_seeded_errors_and_the_csv_round_trips_through_apply_and_undo() {
    let Some(env) = env() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = tag();
    let ou = format!("OU=it-lint-{t},{}", env.base_dn);
    let want = rt.block_on(async {
        let mut ldap = admin(&env).await;
        let ou_name = format!("it-lint-{t}");
        add(
            &mut ldap,
            &ou,
            vec![
                ("objectClass", v("organizationalUnit")),
                ("ou", v(&ou_name)),
            ],
        )
        .await;
        seed(&mut ldap, &ou, &t).await
    });
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        round_trip(&env, &ou, &t, &want, &rt);
    }));
    rt.block_on(async {
        let mut ldap = admin(&env).await;
        tree_delete(&mut ldap, &ou).await;
    });
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn round_trip(
    env: &Env,
    ou: &str,
    t: &str,
    want: &BTreeSet<(String, String, String)>,
    rt: &tokio::runtime::Runtime,
) {
    let tmp = tempfile::tempdir().unwrap();
    let pw = tmp.path().join("pw");
    std::fs::write(&pw, &env.password).unwrap();
    let ca = env.ca_file.display().to_string();
    let conn = |url: &str| -> Vec<String> {
        [
            "--ad",
            url,
            "--ad-ca-file",
            &ca,
            "--ad-bind",
            &env.bind_dn,
            "--ad-password-file",
            pw.to_str().unwrap(),
            "--ad-base-dn",
            ou,
            "--ad-page-size",
            "2",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        idrift(&refs)
    };
    let lint = |url: &str| {
        let mut a: Vec<String> = vec!["lint".into(), "--format".into(), "json".into()];
        a.extend(conn(url));
        run(a)
    };
    // Read live over LDAPS, two objects a page.
    let first = lint(&env.ldaps_url);
    assert_eq!(
        first.code,
        ExitCode::from(3),
        "{}{}",
        first.stdout,
        first.stderr
    );
    assert_eq!(&rows(&first.stdout), want, "{}", first.stdout);
    let summary: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(summary["Summary"]["ObjectsRead"], 7, "{}", first.stdout);
    assert_eq!(
        summary["Summary"]["Excluded"]["WellKnownName"], 1,
        "{}",
        first.stdout
    );

    // The CSV, with the contact's TopLevelDomain row turned into a REMOVE by the administrator.
    let csv = tmp.path().join("fixes.csv");
    let mut a: Vec<String> = vec!["lint".into(), "--out".into(), csv.display().to_string()];
    a.extend(conn(&env.ldaps_url));
    assert_eq!(run(a).code, ExitCode::from(3));
    let text = std::fs::read_to_string(&csv).unwrap();
    let edited: String = text
        .lines()
        .map(|l| {
            if l.contains("TopLevelDomain") && l.contains("Carla") {
                // ACTION is the last of IdFix's columns.
                format!("{}REMOVE\r\n", l.strip_suffix("COMPLETE").unwrap())
            } else {
                format!("{l}\r\n")
            }
        })
        .collect();
    std::fs::write(&csv, edited).unwrap();
    let j = tmp.path().join("fix.jsonl");
    let mut a: Vec<String> = ["lint", "apply", "--from-csv", csv.to_str().unwrap()]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    a.extend(conn(&env.ldap_url));
    a.extend(["--apply", "--yes", "--journal", j.to_str().unwrap()].map(str::to_owned));
    let applied = run(a);
    assert_eq!(
        applied.code,
        ExitCode::SUCCESS,
        "{}{}",
        applied.stdout,
        applied.stderr
    );
    assert!(applied.stdout.contains("4 applied"), "{}", applied.stdout);
    rt.block_on(async {
        let mut ldap = admin(env).await;
        assert_eq!(
            values(&mut ldap, &format!("CN=Anna {t},{ou}"), "userPrincipalName").await,
            vec![format!("anna-{t}@contoso.com")]
        );
        let found = values(&mut ldap, &format!("CN=Bert {t},{ou}"), "proxyAddresses").await;
        // Bert's suggested smtp:bert-... is his primary address in another case: only the bad one goes.
        assert_eq!(
            found,
            [
                format!("SMTP:bert-{t}@contoso.com"),
                format!("X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=b{t}"),
            ]
        );
        assert!(!found.iter().any(|p| p.contains("be rt")), "{found:?}");
        assert!(
            values(&mut ldap, &format!("CN=Carla {t},{ou}"), "mail")
                .await
                .is_empty()
        );
        assert_eq!(
            values(&mut ldap, &format!("CN=Group {t},{ou}"), "proxyAddresses").await,
            vec![
                format!("SMTP:grp-{t}@contoso.com"),
                format!("smtp:grp2-{t}@contoso.com")
            ]
        );
    });
    let after = lint(&env.ldaps_url);
    let left = rows(&after.stdout);
    let dup_and_large: BTreeSet<_> = want
        .iter()
        .filter(|r| r.2 == "Duplicate" || r.2 == "LargeObject")
        .cloned()
        .collect();
    assert_eq!(left, dup_and_large, "{}", after.stdout);
    assert!(
        std::fs::read_to_string(format!("{}.undo.ldif", j.display()))
            .unwrap()
            .contains("changetype: modify")
    );

    let j2 = tmp.path().join("undo.jsonl");
    let mut a: Vec<String> = vec!["undo".into(), j.display().to_string()];
    a.extend(conn(&env.ldap_url));
    a.extend(["--apply", "--yes", "--journal", j2.to_str().unwrap()].map(str::to_owned));
    let undone = run(a);
    assert_eq!(
        undone.code,
        ExitCode::SUCCESS,
        "{}{}",
        undone.stdout,
        undone.stderr
    );
    let again = lint(&env.ldaps_url);
    assert_eq!(
        report(&again.stdout),
        report(&first.stdout),
        "undo restores every value"
    );
}
