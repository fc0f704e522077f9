//! Live tests of `idrift-ldap` against the project's Samba AD domain controller.
//!
//! Start the DC with `bash tests/samba/samba-ad-up.sh up` and run with the variables
//! `bash tests/samba/samba-ad-up.sh env` prints (`AD_LDAP_URL`, `AD_LDAPS_URL`, `AD_CA_FILE`, `AD_BASE_DN`,
//! `AD_BIND_DN`, `AD_BIND_UPN`, `AD_BIND_PASSWORD`, `AD_DOMAIN`). Without `AD_LDAP_URL` the tests return
//! at once, except in CI (`CI=true`), where they fail: the DC must run there.
//!
//! Tests run in parallel against the one DC, so each one works in its own OU (a unique name) and
//! tree-deletes it at the end; the 2,000 users of the paged-read tests are seeded once into a fixed OU
//! (`seed-users.sh`, idempotent) and reused by later runs.

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use idrift_core::guid::Guid;
use idrift_core::model::OnPremUser;
use idrift_core::writes::Phones;
use idrift_ldap::ldif::{parse_users, write_users};
use idrift_ldap::{
    AdChanges, ChangeState, LdapConfig, LdapDirectory, LdapError, SecretString, UserRef,
};
use ldap3::controls::RawControl;
use ldap3::{LdapConnAsync, Mod};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The connection variables of `samba-ad-up.sh env`.
#[derive(Clone, Debug)]
struct Env {
    ldap_url: String,
    ldaps_url: String,
    ca_file: PathBuf,
    base_dn: String,
    bind_dn: String,
    bind_upn: String,
    password: String,
    domain: String,
    samba_dir: Option<String>,
}

/// The DC's variables, or `None` (skip) outside CI when they are not set. In CI their absence fails.
fn env() -> Option<Env> {
    #[expect(clippy::disallowed_methods, reason = "test gate")]
    let get = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let Some(ldap_url) = get("AD_LDAP_URL") else {
        assert!(
            get("CI").as_deref() != Some("true"),
            "AD_LDAP_URL is not set, but CI=true: the live-AD tests must run in CI. Start the DC with \
             `bash tests/samba/samba-ad-up.sh up` and `eval \"$(bash tests/samba/samba-ad-up.sh env)\"`"
        );
        eprintln!(
            "ad_live: AD_LDAP_URL is not set; skipping (run tests/samba/samba-ad-up.sh up and its env)"
        );
        return None;
    };
    let need = |key: &str| {
        get(key)
            .unwrap_or_else(|| panic!("{key} must be set with AD_LDAP_URL (samba-ad-up.sh env)"))
    };
    Some(Env {
        ldap_url,
        ldaps_url: need("AD_LDAPS_URL"),
        ca_file: PathBuf::from(need("AD_CA_FILE")),
        base_dn: need("AD_BASE_DN"),
        bind_dn: need("AD_BIND_DN"),
        bind_upn: need("AD_BIND_UPN"),
        password: need("AD_BIND_PASSWORD"),
        domain: need("AD_DOMAIN"),
        samba_dir: get("SAMBA_AD_DIR"),
    })
}

impl Env {
    /// A configuration trusting the DC's CA, StartTLS on the plain URL, bound as the administrator DN.
    fn config(&self, base: &str) -> LdapConfig {
        LdapConfig {
            base_dns: vec![base.to_owned()],
            bind: Some(self.bind_dn.clone()),
            password: Some(SecretString::from(self.password.clone())),
            ca_file: Some(self.ca_file.clone()),
            ..LdapConfig::new(&self.ldap_url)
        }
    }

    fn host_port(&self) -> String {
        self.ldap_url
            .trim_start_matches("ldap://")
            .trim_end_matches('/')
            .to_owned()
    }

    /// A fixture connection (plain LDAP on loopback, as the test DC allows) for setting up and cleaning up.
    async fn admin(&self) -> ldap3::Ldap {
        let (conn, mut ldap) = LdapConnAsync::new(&self.ldap_url).await.unwrap();
        ldap3::drive!(conn);
        ldap.simple_bind(&self.bind_dn, &self.password)
            .await
            .unwrap()
            .success()
            .unwrap();
        ldap
    }
}

fn unique(name: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    // RandomState is seeded randomly per process: a tag that differs between runs without reading a clock.
    let tag =
        std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), name)
            & 0xffff_ffff;
    format!(
        "it-{name}-{}-{}-{tag:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

async fn create_ou(ldap: &mut ldap3::Ldap, dn: &str, name: &str) {
    ldap.add(
        dn,
        vec![
            ("objectClass", HashSet::from(["organizationalUnit"])),
            ("ou", HashSet::from([name])),
        ],
    )
    .await
    .unwrap()
    .success()
    .unwrap();
}

/// Deletes an OU and everything below it (the tree-delete control).
async fn tree_delete(ldap: &mut ldap3::Ldap, dn: &str) {
    let control = RawControl {
        ctype: "1.2.840.113556.1.4.805".into(),
        crit: true,
        val: None,
    };
    let res = ldap.with_controls(control).delete(dn).await;
    if let Ok(r) = res
        && r.rc != 0
        && r.rc != 32
    {
        eprintln!("tree delete of {dn} failed: {r:?}");
    }
}

/// Runs `body` with a fresh OU (its DN is passed in) and tree-deletes the OU afterwards, even on failure.
async fn with_ou<F, Fut>(env: &Env, name: &str, body: F)
where
    F: FnOnce(Env, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let ou_name = unique(name);
    let ou = format!("OU={ou_name},{}", env.base_dn);
    let mut admin = env.admin().await;
    create_ou(&mut admin, &ou, &ou_name).await;
    let result = tokio::spawn(body(env.clone(), ou.clone())).await;
    tree_delete(&mut admin, &ou).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Adds a user with hybrid attributes and returns its DN.
async fn add_user(env: &Env, ou: &str, cn: &str, mobile: Option<&str>, other: &[&str]) -> String {
    let mut ldap = env.admin().await;
    let dn = format!("CN={cn},{ou}");
    let upn = format!("{cn}@{}", env.domain.to_ascii_lowercase());
    let sam: String = cn
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(20)
        .collect();
    let mut attrs: Vec<(&str, HashSet<&str>)> = vec![
        ("objectClass", HashSet::from(["user"])),
        ("sAMAccountName", HashSet::from([sam.as_str()])),
        ("userPrincipalName", HashSet::from([upn.as_str()])),
        (
            "proxyAddresses",
            HashSet::from(["SMTP:primary@contoso.test"]),
        ),
        ("msExchRecipientTypeDetails", HashSet::from(["8589934592"])),
        ("msExchRecipientDisplayType", HashSet::from(["2147483654"])),
    ];
    if let Some(m) = mobile {
        attrs.push(("mobile", HashSet::from([m])));
    }
    if !other.is_empty() {
        attrs.push(("otherMobile", other.iter().copied().collect()));
    }
    ldap.add(&dn, attrs).await.unwrap().success().unwrap();
    dn
}

/// Seeds the shared OU of 2,000 users once (idempotent) and returns its DN.
fn seeded_ou(env: &Env) -> String {
    const NAME: &str = "idrift-it-paged-2000";
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("samba/seed-users.sh");
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(&script).arg("2000").arg(NAME);
    if let Some(dir) = &env.samba_dir {
        cmd.arg(dir);
    }
    let t = Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "{} ({:.2} s)",
        String::from_utf8_lossy(&out.stdout).trim(),
        t.elapsed().as_secs_f64()
    );
    format!("OU={NAME},{}", env.base_dn)
}

/// A TCP proxy on 127.0.0.1 in front of the DC that counts connections and can cut each one after the
/// server has sent `cut_after` bytes.
struct Proxy {
    url: String,
    connections: Arc<AtomicUsize>,
}

async fn proxy(target: String, cut_after: Option<usize>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ldap://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let target = target.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&target).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let upstream = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                });
                let mut sent = 0usize;
                let mut buf = vec![0u8; 16 * 1024];
                while let Ok(n) = sr.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    let n = match cut_after {
                        Some(limit) if sent + n >= limit => {
                            let _ = cw.write_all(&buf[..limit - sent]).await;
                            break;
                        }
                        _ => n,
                    };
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    sent += n;
                }
                upstream.abort();
                let _ = cw.shutdown().await;
            });
        }
    });
    Proxy { url, connections }
}

/// What `idrift-ldap` reads, for the `ldapsearch` export; `objectClass` is absent on purpose (the reader
/// then takes records with a UPN or sAMAccountName as users).
const LDIF_ATTRIBUTES: [&str; 14] = [
    "objectGUID",
    "mS-DS-ConsistencyGuid",
    "sAMAccountName",
    "userPrincipalName",
    "mail",
    "proxyAddresses",
    "targetAddress",
    "mobile",
    "otherMobile",
    "msExchMailboxGuid",
    "msExchRecipientTypeDetails",
    "msExchRemoteRecipientType",
    "msExchRecipientDisplayType",
    "whenChanged",
];

fn guid_of(u: &OnPremUser) -> Guid {
    u.object_guid.expect("every AD user has an objectGUID")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paged_read_of_2000_users_and_ldif_round_trip() {
    let Some(env) = env() else { return };
    let ou = seeded_ou(&env);
    let cfg = LdapConfig {
        page_size: 500,
        ..env.config(&ou)
    };
    let dir = LdapDirectory::connect(&cfg).await.unwrap();
    let t = Instant::now();
    let users = dir.read_users().await.unwrap();
    eprintln!(
        "paged read of {} users (pages of 500, StartTLS): {:.3} s",
        users.len(),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(users.len(), 2000);
    let unique_guids: HashSet<Guid> = users.iter().map(guid_of).collect();
    assert_eq!(unique_guids.len(), 2000);

    let u2 = users
        .iter()
        .find(|u| u.distinguished_name.starts_with("CN=Seed User 000002,"))
        .unwrap();
    assert_eq!(u2.recipient_type_details, Some(2_147_483_648));
    assert_eq!(u2.remote_recipient_type, Some(4));
    assert_eq!(u2.recipient_display_type, Some(-2_147_483_642));
    assert_eq!(
        u2.mailbox_guid.unwrap().to_string(),
        "3c2d1e0f-5a4b-7869-8796-a5b400000002"
    );
    assert_eq!(u2.other_mobile.len(), 2);
    assert_eq!(u2.proxy_addresses.len(), 2);
    assert!(u2.when_changed.as_deref().is_some_and(|w| w.ends_with('Z')));
    let u3 = users
        .iter()
        .find(|u| u.distinguished_name.starts_with("CN=Seed User 000003,"))
        .unwrap();
    assert_eq!(
        u3.consistency_guid.unwrap().to_string(),
        "ce203dc6-ace5-4860-a8db-941800000003"
    );
    assert_eq!(u3.recipient_display_type, Some(1_073_741_824));

    // The LDIF reader reads what `ldapsearch -LLL` writes (folded at 76 columns, base64 GUIDs) as the same users.
    let out = std::process::Command::new("ldapsearch")
        .env("LDAPTLS_CACERT", &env.ca_file)
        .args([
            "-x",
            "-LLL",
            "-ZZ",
            "-H",
            &env.ldap_url,
            "-D",
            &env.bind_dn,
            "-w",
            &env.password,
        ])
        .args([
            "-b",
            &ou,
            "-E",
            "pr=1000/noprompt",
            "(&(objectCategory=person)(objectClass=user))",
        ])
        .args(LDIF_ATTRIBUTES)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut exported = parse_users(std::str::from_utf8(&out.stdout).unwrap())
        .unwrap()
        .users;
    let mut live = users.clone();
    exported.sort_by(|a, b| a.distinguished_name.cmp(&b.distinguished_name));
    live.sort_by(|a, b| a.distinguished_name.cmp(&b.distinguished_name));
    assert_eq!(exported, live);

    // LDIF round trip: live read -> write_users -> parse_users gives the same users.
    let mut ldif = Vec::new();
    write_users(&mut ldif, &users).unwrap();
    let back = parse_users(std::str::from_utf8(&ldif).unwrap()).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.users, users);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_going_away_mid_scan_is_a_clean_error() {
    let Some(env) = env() else { return };
    let ou = seeded_ou(&env);
    let proxy = proxy(env.host_port(), Some(300_000)).await;
    let cfg = LdapConfig {
        page_size: 100,
        allow_plaintext: true,
        url: proxy.url.clone(),
        ..env.config(&ou)
    };
    let dir = LdapDirectory::connect(&cfg).await.unwrap();
    let err = dir.read_users().await.unwrap_err();
    assert!(matches!(err, LdapError::ConnectionLost { .. }), "{err:?}");
    assert!(
        err.to_string().contains("connection lost during search"),
        "{err}"
    );
    // One connection: the lost one was not silently replaced to return a partial list.
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bind_as_dn_upn_and_domain_user_over_ldaps_and_starttls() {
    let Some(env) = env() else { return };
    let who = [
        env.bind_dn.clone(),
        env.bind_upn.clone(),
        format!("{}\\Administrator", env.domain),
    ];
    for url in [&env.ldaps_url, &env.ldap_url] {
        for bind in &who {
            let cfg = LdapConfig {
                url: url.clone(),
                bind: Some(bind.clone()),
                ..env.config(&env.base_dn)
            };
            let dir = LdapDirectory::connect(&cfg)
                .await
                .unwrap_or_else(|e| panic!("{url} as {bind}: {e}"));
            assert!(dir.naming_context().eq_ignore_ascii_case(&env.base_dn));
            let admin = dir
                .find_user(&UserRef::Dn(env.bind_dn.clone()))
                .await
                .unwrap();
            assert!(admin.is_some(), "{url} as {bind}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_a_clear_tls_error() {
    let Some(env) = env() else { return };
    let wrong_ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("samba/untrusted-ca.pem");
    for url in [&env.ldaps_url, &env.ldap_url] {
        let cfg = LdapConfig {
            url: url.clone(),
            ca_file: Some(wrong_ca.clone()),
            ..env.config(&env.base_dn)
        };
        let err = LdapDirectory::connect(&cfg).await.unwrap_err();
        assert!(err.is_tls(), "{url}: {err:?}");
        let text = err.to_string();
        assert!(
            text.contains("not trusted") && text.contains("UnknownIssuer"),
            "{text}"
        );
        assert!(!text.contains(&env.password));
    }
    // The system store does not know the test CA either.
    let cfg = LdapConfig {
        url: env.ldaps_url.clone(),
        ca_file: None,
        ..env.config(&env.base_dn)
    };
    let err = LdapDirectory::connect(&cfg).await.unwrap_err();
    assert!(
        err.is_tls() || matches!(err, LdapError::InvalidConfig(_)),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_one_clear_bind_error() {
    let Some(env) = env() else { return };
    let proxy = proxy(env.host_port(), None).await;
    let wrong = "Wr0ng!Passw0rd-never-logged";
    let cfg = LdapConfig {
        url: proxy.url.clone(),
        password: Some(SecretString::from(wrong.to_owned())),
        ..env.config(&env.base_dn)
    };
    let t = Instant::now();
    let err = LdapDirectory::connect(&cfg).await.unwrap_err();
    assert!(err.is_bind(), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("invalid credentials") && text.contains("52e"),
        "{text}"
    );
    assert!(!text.contains(wrong) && !format!("{err:?}").contains(wrong));
    assert_eq!(
        proxy.connections.load(Ordering::SeqCst),
        1,
        "exactly one connection, one bind, no retry"
    );
    assert!(t.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_and_clear_mobile_and_other_mobile() {
    let Some(env) = env() else { return };
    with_ou(&env, "phones", |env, ou| async move {
        let dn = add_user(
            &env,
            &ou,
            "phone-user",
            Some("+1 555 0100"),
            &["+1 555 0101", "+1 555 0102"],
        )
        .await;
        let dir = LdapDirectory::connect(&env.config(&ou)).await.unwrap();
        let user = dir
            .find_user(&UserRef::Dn(dn.clone()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.recipient_type_details, Some(8_589_934_592));
        assert_eq!(user.recipient_display_type, Some(-2_147_483_642));
        let by_guid = UserRef::ObjectGuid(guid_of(&user));
        let by_upn = UserRef::Upn(user.user_principal_name.clone().unwrap());
        assert_eq!(dir.find_user(&by_guid).await.unwrap().as_ref(), Some(&user));
        assert_eq!(dir.find_user(&by_upn).await.unwrap().as_ref(), Some(&user));
        let original = Phones::of(&user);

        let new = Phones::new(Some("+1 555 0200"), &["+1 555 0203"]);
        let w = dir.set_phones(&by_upn, &new, None).await.unwrap();
        assert_eq!(w.distinguished_name, dn);
        assert!(w.before.same_values(&original), "{w:?}");
        assert!(w.after.same_values(&new), "{w:?}");

        // A stale expectation writes nothing.
        let other = Phones::new(Some("+1 555 0300"), &[]);
        let err = dir
            .set_phones(&by_guid, &other, Some(&original))
            .await
            .unwrap_err();
        assert!(err.is_conflict(), "{err:?}");
        let now = Phones::of(&dir.find_user(&by_guid).await.unwrap().unwrap());
        assert!(now.same_values(&new), "{now:?}");

        // A matching expectation writes (value-level delete + add).
        let w = dir.set_phones(&by_guid, &other, Some(&new)).await.unwrap();
        assert!(
            w.before.same_values(&new) && w.after.same_values(&other),
            "{w:?}"
        );

        // Clear both; clearing again is a no-op that still reports the values.
        let w = dir
            .set_phones(&UserRef::Dn(dn.clone()), &Phones::default(), None)
            .await
            .unwrap();
        assert!(
            w.before.same_values(&other) && w.after.same_values(&Phones::default()),
            "{w:?}"
        );
        let w = dir
            .set_phones(
                &UserRef::Dn(dn.clone()),
                &Phones::default(),
                Some(&Phones::default()),
            )
            .await
            .unwrap();
        assert_eq!(w.before, Phones::default());
        let cleared = dir.find_user(&by_upn).await.unwrap().unwrap();
        assert_eq!((cleared.mobile, cleared.other_mobile), (None, vec![]));

        // Set from nothing, conditionally.
        let w = dir
            .set_phones(&by_upn, &original, Some(&Phones::default()))
            .await
            .unwrap();
        assert!(w.after.same_values(&original), "{w:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_injection_upn_finds_nothing_and_changes_nothing() {
    let Some(env) = env() else { return };
    with_ou(&env, "inject", |env, ou| async move {
        let dn = add_user(
            &env,
            &ou,
            "inject-user",
            Some("+1 555 0400"),
            &["+1 555 0401"],
        )
        .await;
        let dir = LdapDirectory::connect(&env.config(&ou)).await.unwrap();
        let before = dir
            .find_user(&UserRef::Dn(dn.clone()))
            .await
            .unwrap()
            .unwrap();
        for evil in [
            "*)(objectClass=*",
            "*",
            "*)(|(userPrincipalName=*",
            "inject-user*",
        ] {
            let who = UserRef::Upn(evil.to_owned());
            assert_eq!(dir.find_user(&who).await.unwrap(), None, "{evil}");
            let err = dir
                .set_phones(&who, &Phones::default(), None)
                .await
                .unwrap_err();
            assert!(matches!(err, LdapError::NotFound(_)), "{evil}: {err:?}");
        }
        let after = dir.find_user(&UserRef::Dn(dn)).await.unwrap().unwrap();
        assert_eq!(after, before);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ad_filter_scopes_lookups_and_writes_by_upn_dn_and_guid() {
    let Some(env) = env() else { return };
    with_ou(&env, "adfilter", |env, ou| async move {
        let dn = add_user(&env, &ou, "filtered-out", Some("+1 555 0500"), &[]).await;
        let open = LdapDirectory::connect(&env.config(&ou)).await.unwrap();
        let user = open
            .find_user(&UserRef::Dn(dn.clone()))
            .await
            .unwrap()
            .unwrap();
        let refs = [
            UserRef::Dn(dn.clone()),
            UserRef::Upn(user.user_principal_name.clone().unwrap()),
            UserRef::ObjectGuid(guid_of(&user)),
        ];
        let filtered = LdapDirectory::connect(&LdapConfig {
            filter: Some("(department=Sales)".to_owned()),
            ..env.config(&ou)
        })
        .await
        .unwrap();
        assert!(filtered.read_users().await.unwrap().is_empty());
        for who in &refs {
            assert_eq!(filtered.find_user(who).await.unwrap(), None, "{who}");
            let err = filtered
                .set_phones(who, &Phones::default(), None)
                .await
                .unwrap_err();
            assert!(matches!(err, LdapError::NotFound(_)), "{who}: {err:?}");
        }
        let after = open.find_user(&UserRef::Dn(dn)).await.unwrap().unwrap();
        assert_eq!(after, user, "nothing was written");
        // A filter the user matches finds it by every reference.
        let matching = LdapDirectory::connect(&LdapConfig {
            filter: Some("(mobile=+1 555 0500)".to_owned()),
            ..env.config(&ou)
        })
        .await
        .unwrap();
        for who in &refs {
            assert!(matching.find_user(who).await.unwrap().is_some(), "{who}");
        }
    })
    .await;
}

/// Reads the changes since `state` and commits the state reached.
async fn read_and_commit(dir: &LdapDirectory, state: &Path) -> Result<AdChanges, LdapError> {
    let (changes, pending) = dir.read_changes(&ChangeState::open(state)?).await?;
    pending.commit(None)?;
    Ok(changes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_changes_sees_a_changed_attribute_a_move_and_a_deletion() {
    let Some(env) = env() else { return };
    with_ou(&env, "adchanges", |env, ou| async move {
        let a = add_user(&env, &ou, "ds-changed", Some("+1 555 0500"), &[]).await;
        let b = add_user(&env, &ou, "ds-deleted", None, &[]).await;
        let c = add_user(&env, &ou, "ds-moved", None, &[]).await;
        let dir = LdapDirectory::connect(&env.config(&ou)).await.unwrap();
        let state_dir = tempfile::tempdir().unwrap();
        let state = state_dir.path().join("ad-changes.state");

        let t = Instant::now();
        let (first, pending) = dir
            .read_changes(&ChangeState::open(&state).unwrap())
            .await
            .unwrap();
        assert!(!state.exists(), "a read stores no state before its commit");
        pending.commit(None).unwrap();
        eprintln!(
            "first (full) change read: {:.3} s",
            t.elapsed().as_secs_f64()
        );
        assert!(first.full);
        assert_eq!(first.changed.len(), 3, "{:?}", first.changed);
        let guid = |dn: &str| {
            guid_of(
                first
                    .changed
                    .iter()
                    .find(|u| u.distinguished_name == dn)
                    .unwrap(),
            )
        };
        let (ga, gb, gc) = (guid(&a), guid(&b), guid(&c));
        assert!(
            std::fs::read_to_string(&state)
                .unwrap()
                .contains("cookie: ")
        );

        let mut admin = env.admin().await;
        admin
            .modify(
                &a,
                vec![Mod::Replace("mobile", HashSet::from(["+1 555 0599"]))],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        admin.delete(&b).await.unwrap().success().unwrap();
        let elsewhere = format!(
            "OU=moved-{},{}",
            ou.trim_start_matches("OU=").split(',').next().unwrap(),
            env.base_dn
        );
        let elsewhere_name = elsewhere
            .trim_start_matches("OU=")
            .split(',')
            .next()
            .unwrap()
            .to_owned();
        create_ou(&mut admin, &elsewhere, &elsewhere_name).await;
        admin
            .modifydn(&c, "CN=ds-moved", true, Some(&elsewhere))
            .await
            .unwrap()
            .success()
            .unwrap();

        let second = read_and_commit(&dir, &state).await;
        tree_delete(&mut admin, &elsewhere).await;
        let second = second.unwrap();
        assert!(!second.full);
        let changed: Vec<_> = second
            .changed
            .iter()
            .filter(|u| [ga, gb, gc].contains(&guid_of(u)))
            .collect();
        assert_eq!(changed.len(), 1, "{second:?}");
        assert_eq!(guid_of(changed[0]), ga);
        assert_eq!(changed[0].mobile.as_deref(), Some("+1 555 0599"));
        assert_eq!(
            changed[0].user_principal_name.as_deref(),
            first
                .changed
                .iter()
                .find(|u| guid_of(u) == ga)
                .unwrap()
                .user_principal_name
                .as_deref()
        );
        let deleted: Vec<_> = second
            .deleted
            .iter()
            .filter(|d| d.object_guid == gb)
            .collect();
        assert_eq!(deleted.len(), 1, "{second:?}");
        assert!(
            deleted[0]
                .last_known_parent
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(&ou)),
            "{deleted:?}"
        );
        assert!(
            second.out_of_scope.iter().any(|u| guid_of(u) == gc),
            "{second:?}"
        );

        // Nothing new for our users on the next run.
        let third = read_and_commit(&dir, &state).await.unwrap();
        assert!(
            !third
                .changed
                .iter()
                .chain(&third.out_of_scope)
                .any(|u| [ga, gb, gc].contains(&guid_of(u))),
            "{third:?}"
        );
        assert!(!third.deleted.iter().any(|d| d.object_guid == gb));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_a_proxy_address_and_move_a_user_out_of_scope_and_back() {
    let Some(env) = env() else { return };
    with_ou(&env, "remedy", |env, ou| async move {
        let dn = add_user(&env, &ou, "remedy-user", None, &[]).await;
        let dir = LdapDirectory::connect(&env.config(&ou)).await.unwrap();
        let who = UserRef::Dn(dn.clone());
        let address = "smtp:remedy-user@contoso.mail.onmicrosoft.com";
        dir.add_proxy_address(&who, address).await.unwrap();
        dir.add_proxy_address(&who, address).await.unwrap();
        let err = dir
            .add_proxy_address(&who, "SMTP:remedy-user@contoso.mail.onmicrosoft.com")
            .await
            .unwrap_err();
        assert!(err.is_conflict(), "{err:?}");
        let user = dir.find_user(&who).await.unwrap().unwrap();
        assert_eq!(
            user.proxy_addresses
                .iter()
                .filter(|p| *p == address)
                .count(),
            1
        );

        let mut admin = env.admin().await;
        let parking_name = format!(
            "{}-parking",
            ou.trim_start_matches("OU=").split(',').next().unwrap()
        );
        let parking = format!("OU={parking_name},{ou}");
        create_ou(&mut admin, &parking, &parking_name).await;
        let by_guid = UserRef::ObjectGuid(guid_of(&user));
        let moved = dir.move_user(&by_guid, &parking).await.unwrap();
        assert_eq!(moved, format!("CN=remedy-user,{parking}"));
        assert_eq!(
            dir.find_user(&UserRef::Dn(moved.clone()))
                .await
                .unwrap()
                .map(|u| guid_of(&u)),
            Some(guid_of(&user))
        );
        assert_eq!(dir.move_user(&by_guid, &parking).await.unwrap(), moved);
        let back = dir.move_user(&by_guid, &ou).await.unwrap();
        assert_eq!(back, dn);
    })
    .await;
}

/// `idrift snapshot take --ad ldap://… --out DIR` through the CLI writes an `ad.ldif` that reads back to
/// exactly the users the adapter reads, and the password never appears in the output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_snapshot_take_from_the_dc_round_trips() {
    let Some(env) = env() else { return };
    let ou = seeded_ou(&env);
    let live = LdapDirectory::connect(&env.config(&ou))
        .await
        .unwrap()
        .read_users()
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("snap");
    let args = vec![
        "snapshot".to_owned(),
        "take".to_owned(),
        "--ad".to_owned(),
        env.ldap_url.clone(),
        "--ad-base-dn".to_owned(),
        ou.clone(),
        "--ad-bind".to_owned(),
        env.bind_upn.clone(),
        "--ad-password-env".to_owned(),
        "AD_BIND_PASSWORD".to_owned(),
        "--ad-ca-file".to_owned(),
        env.ca_file.display().to_string(),
        "--out".to_owned(),
        out.display().to_string(),
    ];
    // The CLI builds its own runtime; run it off this runtime's threads.
    let r = tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = crate::support::idrift(&argv);
        (r.code, r.stdout, r.stderr)
    })
    .await
    .unwrap();
    assert_eq!(r.0, std::process::ExitCode::SUCCESS, "{}", r.2);
    assert!(r.1.contains("2000 AD user(s)"), "{}", r.1);
    assert!(!r.1.contains(&env.password) && !r.2.contains(&env.password));
    assert!(
        !out.join("entra-users.json").exists(),
        "only the sources read are written"
    );
    let text = std::fs::read_to_string(out.join("ad.ldif")).unwrap();
    let mut back = parse_users(&text).unwrap().users;
    let mut live = live;
    back.sort_by_key(guid_of);
    live.sort_by_key(guid_of);
    assert_eq!(back, live);

    // A wrong password is a clear error (exit 1) and leaves no snapshot directory behind.
    let out2 = tmp.path().join("snap2");
    let args2 = vec![
        "snapshot".to_owned(),
        "take".to_owned(),
        "--ad".to_owned(),
        env.ldap_url.clone(),
        "--ad-base-dn".to_owned(),
        ou,
        "--ad-bind".to_owned(),
        env.bind_upn.clone(),
        "--ad-password-file".to_owned(),
        tmp.path().join("wrong-pw").display().to_string(),
        "--ad-ca-file".to_owned(),
        env.ca_file.display().to_string(),
        "--out".to_owned(),
        out2.display().to_string(),
    ];
    std::fs::write(tmp.path().join("wrong-pw"), "not-the-password\n").unwrap();
    let r = tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = args2.iter().map(String::as_str).collect();
        let r = crate::support::idrift(&argv);
        (r.code, r.stderr)
    })
    .await
    .unwrap();
    assert_eq!(r.0, std::process::ExitCode::from(1), "{}", r.1);
    assert!(r.1.to_lowercase().contains("bind"), "{}", r.1);
    assert!(!r.1.contains("not-the-password"), "{}", r.1);
    assert!(!out2.exists());
}

/// Runs the CLI off the test runtime's threads (it builds its own runtime).
async fn idrift_blocking(args: Vec<String>) -> (std::process::ExitCode, String, String) {
    tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = crate::support::idrift(&argv);
        (r.code, r.stdout, r.stderr)
    })
    .await
    .unwrap()
}

/// `idrift snapshot take --since STATE`: the first run reads every user and creates the snapshot; later
/// runs apply only what changed (a changed mobile, a deletion, a new user), and the snapshot then equals a
/// full read; a snapshot edited since the state was stored is refused and the state left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_snapshot_take_since_applies_only_what_changed() {
    let Some(env) = env() else { return };
    with_ou(&env, "since", |env, ou| async move {
        let a = add_user(&env, &ou, "snapsince-a", Some("+1 555 0700"), &[]).await;
        let b = add_user(&env, &ou, "snapsince-b", None, &[]).await;
        add_user(&env, &ou, "snapsince-c", None, &[]).await;
        let tmp = tempfile::tempdir().unwrap();
        let (state, out) = (tmp.path().join("ad.state"), tmp.path().join("snap"));
        let args = |ad: &str| since_args(&env, &ou, ad, &state, &out, &[]);

        let (code, stdout, stderr) = idrift_blocking(args(&env.ldap_url)).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{stderr}");
        assert!(stdout.contains("read every AD user (3)"), "{stdout}");
        let stored = std::fs::read_to_string(&state).unwrap();
        assert!(stored.contains("bound-to: sha256:"), "{stored}");
        assert!(!stdout.contains(&env.password) && !stderr.contains(&env.password));

        let mut admin = env.admin().await;
        admin
            .modify(
                &a,
                vec![Mod::Replace("mobile", HashSet::from(["+1 555 0799"]))],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        admin.delete(&b).await.unwrap().success().unwrap();
        add_user(&env, &ou, "snapsince-d", None, &[]).await;

        let (code, stdout, stderr) = idrift_blocking(args(&env.ldap_url)).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{stderr}");
        assert!(
            stdout.contains("1 added, 1 updated, 1 removed since the last run; 3 AD user(s) now"),
            "{stdout}"
        );
        let live = LdapDirectory::connect(&env.config(&ou))
            .await
            .unwrap()
            .read_users()
            .await
            .unwrap();
        let text = std::fs::read_to_string(out.join("ad.ldif")).unwrap();
        let mut back = parse_users(&text).unwrap().users;
        let mut live = live;
        back.sort_by_key(guid_of);
        live.sort_by_key(guid_of);
        assert_eq!(back, live, "the refreshed snapshot equals a full read");

        let (code, stdout, stderr) = idrift_blocking(args(&env.ldap_url)).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{stderr}");
        assert!(stdout.contains("0 added, 0 updated, 0 removed"), "{stdout}");

        // A snapshot changed since the state was stored is refused; the state stays as it was.
        let before = std::fs::read(&state).unwrap();
        let mut edited = std::fs::read(out.join("ad.ldif")).unwrap();
        edited.extend_from_slice(b"# edited by hand\n");
        std::fs::write(out.join("ad.ldif"), &edited).unwrap();
        let (code, _, stderr) = idrift_blocking(args(&env.ldap_url)).await;
        assert_eq!(code, std::process::ExitCode::from(1), "{stderr}");
        assert!(
            stderr.contains("changed since the change state"),
            "{stderr}"
        );
        assert_eq!(std::fs::read(&state).unwrap(), before);
        assert_eq!(std::fs::read(out.join("ad.ldif")).unwrap(), edited);

        // --since needs a live domain controller.
        let (code, _, stderr) = idrift_blocking(args("ad.ldif")).await;
        assert_eq!(code, std::process::ExitCode::from(2), "{stderr}");
        assert!(stderr.contains("--since"), "{stderr}");
    })
    .await;
}

/// The arguments of `idrift snapshot take --since STATE --out-dir OUT` against `ad` for the users under `ou`,
/// followed by `extra`.
fn since_args(
    env: &Env,
    ou: &str,
    ad: &str,
    state: &Path,
    out: &Path,
    extra: &[&str],
) -> Vec<String> {
    let (ca, state, out) = (
        env.ca_file.display().to_string(),
        state.display().to_string(),
        out.display().to_string(),
    );
    [
        "snapshot",
        "take",
        "--ad",
        ad,
        "--ad-base-dn",
        ou,
        "--ad-bind",
        &env.bind_upn,
        "--ad-password-env",
        "AD_BIND_PASSWORD",
        "--ad-ca-file",
        &ca,
        "--since",
        &state,
        "--out-dir",
        &out,
    ]
    .iter()
    .chain(extra)
    .map(|s| (*s).to_owned())
    .collect()
}

/// `snapshot take --since` with a custom source anchor: the first run and every later run write each user's
/// `employeeID` into `ad.ldif`, a changed `employeeID` is a change, and a user the run did not read keeps the
/// value the file held (the incremental run once wrote the file without it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_snapshot_take_since_keeps_a_custom_source_anchor() {
    let Some(env) = env() else { return };
    with_ou(&env, "sinceanchor", |env, ou| async move {
        let a = add_user(&env, &ou, "sinceanchor-a", Some("+1 555 0710"), &[]).await;
        let b = add_user(&env, &ou, "sinceanchor-b", None, &[]).await;
        let mut admin = env.admin().await;
        for (dn, id) in [(&a, "E-2001"), (&b, "E-2002")] {
            admin
                .modify(dn, vec![Mod::Replace("employeeID", HashSet::from([id]))])
                .await
                .unwrap()
                .success()
                .unwrap();
        }
        let tmp = tempfile::tempdir().unwrap();
        let (state, out) = (tmp.path().join("ad.state"), tmp.path().join("snap"));
        let args = since_args(
            &env,
            &ou,
            &env.ldap_url,
            &state,
            &out,
            &["--source-anchor", "employeeID"],
        );
        let anchors = || {
            let text = std::fs::read_to_string(out.join("ad.ldif")).unwrap();
            let mut ids: Vec<String> = text
                .lines()
                .filter(|l| l.starts_with("employeeID: "))
                .map(str::to_owned)
                .collect();
            ids.sort();
            ids
        };

        let (code, stdout, stderr) = idrift_blocking(args.clone()).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{stderr}");
        assert!(stdout.contains("read every AD user (2)"), "{stdout}");
        assert_eq!(anchors(), ["employeeID: E-2001", "employeeID: E-2002"]);

        // a's mobile and b's employeeID change: both are read again; neither loses its anchor.
        admin
            .modify(
                &a,
                vec![Mod::Replace("mobile", HashSet::from(["+1 555 0711"]))],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        admin
            .modify(
                &b,
                vec![Mod::Replace("employeeID", HashSet::from(["E-2102"]))],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        let (code, stdout, stderr) = idrift_blocking(args.clone()).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{stderr}");
        assert!(stdout.contains("0 added, 2 updated, 0 removed"), "{stdout}");
        assert_eq!(anchors(), ["employeeID: E-2001", "employeeID: E-2102"]);

        // Only a changes: b is not read, and keeps the anchor the file held.
        admin
            .modify(
                &a,
                vec![Mod::Replace("mobile", HashSet::from(["+1 555 0712"]))],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        let (code, stdout, stderr) = idrift_blocking(args).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{stderr}");
        assert!(stdout.contains("0 added, 1 updated, 0 removed"), "{stdout}");
        assert_eq!(anchors(), ["employeeID: E-2001", "employeeID: E-2102"]);
    })
    .await;
}

/// A custom source anchor read from the DC: `employeeID` (a string attribute) as it is, `objectSid` (a
/// binary one) in base64, as Entra Connect writes them to `onPremisesImmutableId`; the CLI matches an Entra
/// export by either, and the default read keeps neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_source_anchor_is_read_from_the_dc_and_matched() {
    let Some(env) = env() else { return };
    with_ou(&env, "anchor", |env, ou| async move {
        let a = add_user(&env, &ou, "anchor-a", Some("+1 555 0101"), &[]).await;
        let b = add_user(&env, &ou, "anchor-b", Some("+1 555 0102"), &[]).await;
        let mut admin = env.admin().await;
        for (dn, id) in [(&a, "E-1001"), (&b, "E-1002")] {
            admin
                .modify(dn, vec![Mod::Replace("employeeID", HashSet::from([id]))])
                .await
                .unwrap()
                .success()
                .unwrap();
        }
        let read = |anchor: Option<&str>| {
            let cfg = LdapConfig {
                anchor: anchor.map(str::to_owned),
                ..env.config(&ou)
            };
            async move {
                let mut users = LdapDirectory::connect(&cfg)
                    .await
                    .unwrap()
                    .read_users()
                    .await
                    .unwrap();
                users.sort_by(|x, y| x.distinguished_name.cmp(&y.distinguished_name));
                users
            }
        };
        let plain = read(None).await;
        assert!(plain.iter().all(|u| u.custom_anchor.is_none()), "{plain:?}");
        let by_id = read(Some("employeeID")).await;
        let ids: Vec<Option<&str>> = by_id.iter().map(|u| u.custom_anchor.as_deref()).collect();
        assert_eq!(ids, [Some("E-1001"), Some("E-1002")]);
        let by_sid = read(Some("objectSid")).await;
        let sids: Vec<String> = by_sid
            .iter()
            .map(|u| u.custom_anchor.clone().unwrap())
            .collect();
        for sid in &sids {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(sid)
                .unwrap();
            assert_eq!((bytes.len(), bytes[0], bytes[1]), (28, 1, 5), "{sid}");
        }

        let upn = |cn: &str| format!("{cn}@{}", env.domain.to_ascii_lowercase());
        let tmp = tempfile::tempdir().unwrap();
        for (anchor, values) in [
            ("employeeID", ["E-1001".to_owned(), "E-1002".to_owned()]),
            ("objectSid", [sids[0].clone(), sids[1].clone()]),
        ] {
            let users: Vec<serde_json::Value> =
                [("anchor-a", "+1 555 0199"), ("anchor-b", "+1 555 0102")]
                    .iter()
                    .zip(&values)
                    .enumerate()
                    .map(|(i, ((cn, mobile), id))| {
                        serde_json::json!({
                            "id": format!("00000000-0000-4000-8000-00000000000{i}"),
                            "userPrincipalName": upn(cn),
                            "onPremisesImmutableId": id,
                            "onPremisesSyncEnabled": true,
                            "mobilePhone": mobile,
                        })
                    })
                    .collect();
            let entra = tmp.path().join(format!("entra-{anchor}.json"));
            std::fs::write(&entra, serde_json::json!({ "value": users }).to_string()).unwrap();
            let args = |anchor: Option<&str>| {
                let mut v: Vec<String> = [
                    "dirsync",
                    "compare",
                    "--ad",
                    &env.ldap_url,
                    "--ad-base-dn",
                    &ou,
                    "--ad-bind",
                    &env.bind_upn,
                    "--ad-password-env",
                    "AD_BIND_PASSWORD",
                    "--ad-ca-file",
                    &env.ca_file.display().to_string(),
                    "--entra",
                    &entra.display().to_string(),
                    "--format",
                    "json",
                ]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
                if let Some(a) = anchor {
                    v.extend(["--source-anchor".to_owned(), a.to_owned()]);
                }
                v
            };
            let (code, out, err) = idrift_blocking(args(Some(anchor))).await;
            assert_eq!(code, std::process::ExitCode::SUCCESS, "{anchor}: {err}");
            let out: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(out["Summary"]["Matched"], 2, "{anchor}: {out}");
            assert_eq!(
                out["Rows"][0]["UserPrincipalName"],
                upn("anchor-a"),
                "{out}"
            );
            assert_eq!(out["Rows"].as_array().unwrap().len(), 1, "{out}");
            // Without the anchor nobody is matched, and the warning names the option.
            let (code, out, err) = idrift_blocking(args(None)).await;
            assert_eq!(code, std::process::ExitCode::SUCCESS, "{err}");
            let out: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(out["Summary"]["Matched"], 0, "{out}");
            assert!(err.contains("--source-anchor"), "{err}");
        }
    })
    .await;
}
