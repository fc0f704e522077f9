//! Tests of source resolution, loading and opening.

use std::path::PathBuf;

use super::*;
use crate::AppError;

struct TestNames;

impl Names for TestNames {
    fn setting(&self, s: Setting) -> &'static str {
        match s {
            Setting::AdBind => "BIND",
            Setting::AdPasswordEnv => "PWENV",
            Setting::AdPasswordFile => "PWFILE",
            Setting::AdPassword => "PW",
            Setting::AdAllowPlaintext => "PLAIN",
            Setting::AdPageSize => "PAGES",
            Setting::Tenant => "TENANT",
            Setting::ClientId => "CLIENT",
            Setting::ClientSecretEnv => "SECRETENV",
            Setting::ClientSecret => "SECRET",
            Setting::Certificate => "CERT",
            Setting::AllowIncomplete => "INCOMPLETE",
            Setting::AllowEmpty => "EMPTY",
        }
    }
    fn missing(&self, m: Missing) -> String {
        format!("MISSING {m:?}")
    }
}

fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn resolver<'a>(env: &'a dyn Fn(&str) -> Option<String>) -> Resolver<'a> {
    Resolver {
        env,
        prompt: None,
        progress: Default::default(),
        names: &TestNames,
    }
}

fn exposed(c: &idrift_ldap::LdapConfig) -> String {
    use idrift_ldap::ExposeSecret as _;
    c.password
        .as_ref()
        .map(|p| p.expose_secret().to_owned())
        .unwrap_or_default()
}

fn ldap(password: SecretSources) -> LdapSettings {
    LdapSettings {
        url: " ldaps://dc1 ".to_owned(),
        bind: Some("CORP\\svc".to_owned()),
        password,
        ..LdapSettings::default()
    }
}

#[test]
fn the_bind_password_comes_from_env_then_file_then_value_then_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    std::fs::write(&file, "from-file\nsecond line\n").unwrap();
    let env = env_of(&[("PWVAR", "from-env")]);
    let r = resolver(&env);
    let all = SecretSources {
        env: Some("PWVAR".to_owned()),
        file: Some(file.clone()),
        value: Some("from-value".into()),
        value_exposed: true,
    };
    let mut w = Vec::new();
    assert_eq!(
        exposed(&ldap_config(&ldap(all.clone()), &r, &mut w).unwrap()),
        "from-env"
    );
    let no_env = SecretSources {
        env: None,
        ..all.clone()
    };
    assert_eq!(
        exposed(&ldap_config(&ldap(no_env.clone()), &r, &mut w).unwrap()),
        "from-file"
    );
    assert!(w.is_empty(), "{w:?}");
    let value_only = SecretSources {
        file: None,
        ..no_env
    };
    let cfg = ldap_config(&ldap(value_only), &r, &mut w).unwrap();
    assert_eq!(exposed(&cfg), "from-value");
    assert_eq!(cfg.url, "ldaps://dc1");
    assert!(
        w.len() == 1 && w[0].contains("PW") && w[0].contains("PWENV"),
        "{w:?}"
    );

    let prompt = |q: &str| -> std::io::Result<String> {
        assert!(q.contains("password"));
        Ok("typed".to_owned())
    };
    let r2 = Resolver {
        prompt: Some(&prompt),
        ..resolver(&env)
    };
    let cfg = ldap_config(&ldap(SecretSources::default()), &r2, &mut Vec::new()).unwrap();
    assert_eq!(exposed(&cfg), "typed");

    let err = ldap_config(&ldap(SecretSources::default()), &r, &mut Vec::new()).unwrap_err();
    assert!(matches!(err, AppError::Settings(_)));
    let err = err.to_string();
    assert!(
        err.contains("BIND needs a password") && err.contains("PWFILE"),
        "{err}"
    );
}

#[test]
fn unset_variables_unreadable_files_and_bad_page_sizes_name_the_setting_and_never_a_secret() {
    let env = env_of(&[]);
    let r = resolver(&env);
    let s = SecretSources {
        env: Some("NOPE".to_owned()),
        ..SecretSources::default()
    };
    let err = ldap_config(&ldap(s), &r, &mut Vec::new())
        .unwrap_err()
        .to_string();
    assert_eq!(err, "PWENV NOPE: the variable is not set");
    let s = SecretSources {
        file: Some(PathBuf::from("/nonexistent/pw")),
        ..SecretSources::default()
    };
    let err = ldap_config(&ldap(s), &r, &mut Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("PWFILE /nonexistent/pw: cannot read"),
        "{err}"
    );
    let bad = LdapSettings {
        page_size: Some(0),
        ..LdapSettings::default()
    };
    let err = ldap_config(&bad, &r, &mut Vec::new())
        .unwrap_err()
        .to_string();
    assert_eq!(err, "PAGES must be 1 to 100000, not 0");
    let plain = LdapSettings {
        url: "ldap://dc".to_owned(),
        allow_plaintext: true,
        ..LdapSettings::default()
    };
    let mut w = Vec::new();
    ldap_config(&plain, &r, &mut w).unwrap();
    assert!(w.len() == 1 && w[0].starts_with("PLAIN:"), "{w:?}");
}

#[test]
fn the_app_credential_order_and_the_azure_defaults() {
    use idrift_cloud::{Credential, ExposeSecret as _};
    let secret = |c: &idrift_cloud::CloudConfig| match &c.credential {
        Credential::Secret(s) => s.expose_secret().to_owned(),
        Credential::Certificate { pem } => format!("pem:{}", pem.expose_secret()),
    };
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("app.pem");
    std::fs::write(&pem, "PEM").unwrap();
    let env = env_of(&[
        ("AZURE_TENANT_ID", "t-env"),
        ("AZURE_CLIENT_ID", "c-env"),
        ("SECRET_VAR", "s-env"),
        ("AZURE_CLIENT_SECRET", "s-azure"),
    ]);
    let r = resolver(&env);
    let mut s = CloudSettings {
        secret: SecretSources {
            env: Some("SECRET_VAR".to_owned()),
            value: Some("s-value".into()),
            ..SecretSources::default()
        },
        certificate: Some(pem.clone()),
        timeout: Some(std::time::Duration::from_secs(7)),
        redirect_hosts: vec!["login.example".to_owned()],
        ..CloudSettings::default()
    };
    let c = cloud_config(&s, &r).unwrap();
    assert_eq!(
        (c.tenant.as_str(), c.client_id.as_str()),
        ("t-env", "c-env")
    );
    assert_eq!(secret(&c), "s-env");
    assert_eq!(c.retry.total_budget, std::time::Duration::from_secs(7));
    assert_eq!(c.redirect_hosts, vec!["login.example".to_owned()]);
    s.secret.env = None;
    assert_eq!(secret(&cloud_config(&s, &r).unwrap()), "s-value");
    s.secret.value = None;
    assert_eq!(secret(&cloud_config(&s, &r).unwrap()), "pem:PEM");
    s.certificate = None;
    assert_eq!(secret(&cloud_config(&s, &r).unwrap()), "s-azure");

    let none = env_of(&[]);
    let r = resolver(&none);
    let err = cloud_config(&CloudSettings::default(), &r)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("TENANT") && err.contains("AZURE_TENANT_ID"),
        "{err}"
    );
    let named = CloudSettings {
        tenant: Some("t".to_owned()),
        client_id: Some("c".to_owned()),
        ..CloudSettings::default()
    };
    let err = cloud_config(&named, &r).unwrap_err().to_string();
    assert!(
        err.contains("needs a credential") && err.contains("CERT"),
        "{err}"
    );
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn demo_files(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let loaded = crate::demo::load().unwrap();
    crate::snapshot::write_dir(dir, &loaded.snapshot, crate::snapshot::Parts::BOTH).unwrap();
    (
        dir.join(crate::snapshot::AD_FILE),
        dir.join(crate::snapshot::ENTRA_USERS_FILE),
    )
}

#[test]
fn files_a_snapshot_and_the_demo_load_the_same_users_and_missing_sides_are_worded_by_the_front_end()
{
    let dir = tempfile::tempdir().unwrap();
    let (ad, entra) = demo_files(dir.path());
    let env = env_of(&[]);
    let r = resolver(&env);
    let demo = SourceSpec {
        base: Some(Base::Demo),
        ..SourceSpec::default()
    };
    let snap = SourceSpec {
        base: Some(Base::Snapshot(dir.path().to_path_buf())),
        ..SourceSpec::default()
    };
    let files = SourceSpec {
        ad: Some(AdSource::File(ad.clone())),
        entra: Some(EntraSource::File(entra.clone())),
        ..SourceSpec::default()
    };
    let rt = rt();
    let count = |spec: &SourceSpec| {
        let (l, sides) = rt
            .block_on(load(spec, &r, Need::Both, LoadProfile::Full))
            .unwrap();
        assert!(sides.ad && sides.entra);
        (l.snapshot.on_prem.len(), l.snapshot.cloud.len())
    };
    let want = count(&demo);
    assert!(want.0 > 0 && want.1 > 0);
    assert_eq!(count(&snap), want);
    assert_eq!(count(&files), want);

    let ad_only = SourceSpec {
        ad: Some(AdSource::File(ad)),
        ..SourceSpec::default()
    };
    let err = rt
        .block_on(load(&ad_only, &r, Need::Both, LoadProfile::Full))
        .unwrap_err();
    assert_eq!(err.to_string(), "MISSING BothSides");
    let (l, sides) = rt
        .block_on(load(&ad_only, &r, Need::Any, LoadProfile::Full))
        .unwrap();
    assert_eq!((sides.ad, sides.entra), (true, false));
    assert_eq!(l.snapshot.on_prem.len(), want.0);
    let err = rt
        .block_on(load(
            &SourceSpec::default(),
            &r,
            Need::Any,
            LoadProfile::Full,
        ))
        .unwrap_err();
    assert_eq!(err.to_string(), "MISSING AnySide");
    let (l, _) = rt
        .block_on(load(&ad_only, &r, Need::NotAd, LoadProfile::Full))
        .unwrap();
    assert!(
        l.snapshot.on_prem.is_empty(),
        "NotAd leaves AD to the caller"
    );
}

#[test]
fn an_empty_export_is_refused_unless_allowed_for_every_kind_of_file_source() {
    let dir = tempfile::tempdir().unwrap();
    let (_, entra) = demo_files(dir.path());
    let empty = dir.path().join("empty.ldif");
    std::fs::write(&empty, "").unwrap();
    let env = env_of(&[]);
    let r = resolver(&env);
    let mut spec = SourceSpec {
        ad: Some(AdSource::File(empty.clone())),
        entra: Some(EntraSource::File(entra)),
        ..SourceSpec::default()
    };
    let rt = rt();
    let err = rt
        .block_on(load(&spec, &r, Need::Both, LoadProfile::Full))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("empty.ldif") && err.contains("holds no user"),
        "{err}"
    );
    spec.completeness.allow_empty = true;
    let (l, _) = rt
        .block_on(load(&spec, &r, Need::Both, LoadProfile::Full))
        .unwrap();
    assert!(
        l.warnings.iter().any(|w| w.contains("empty.ldif")),
        "{:?}",
        l.warnings
    );
}

#[test]
fn writers_need_something_writable_and_the_demo_is_no_remediation_target() {
    let env = env_of(&[]);
    let r = resolver(&env);
    let rt = rt();
    let err = rt
        .block_on(open_writers(&SourceSpec::default(), &r))
        .unwrap_err();
    assert_eq!(err.to_string(), "MISSING Writers");
    let files_only = SourceSpec {
        ad: Some(AdSource::File(PathBuf::from("/x/ad.ldif"))),
        ..SourceSpec::default()
    };
    let err = rt
        .block_on(open_remediation_target(&files_only, &r))
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "MISSING RemediationTarget");
    let demo = SourceSpec {
        base: Some(Base::Demo),
        ..SourceSpec::default()
    };
    let err = rt
        .block_on(open_remediation_target(&demo, &r))
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("read-only") && err.contains("MISSING RemediationTarget"),
        "{err}"
    );
    let t = rt.block_on(open_writers(&demo, &r)).unwrap();
    assert!(t.ad.is_some() && t.cloud.is_some());
}

#[test]
fn a_part_is_named_live_or_by_its_file_never_both() {
    let file = PathBuf::from("/x/ad.ldif");
    let ldap = || Some(AdSource::Ldap(Box::default()));
    assert!(matches!(
        live_or_file(ldap(), Some(&file), AdSource::File),
        Err(BothNamed)
    ));
    assert!(
        matches!(live_or_file(None, Some(&file), AdSource::File), Ok(Some(AdSource::File(p))) if p == file)
    );
    assert!(matches!(
        live_or_file(ldap(), None, AdSource::File),
        Ok(Some(AdSource::Ldap(_)))
    ));
    assert!(matches!(live_or_file(None, None, AdSource::File), Ok(None)));
}
