//! Tests of profile parsing: fields, unknown names and keys, and no secret echoed in an error.

use super::*;

#[test]
fn parses_a_profile_and_rejects_typos_and_unknown_names() {
    let text = "[profiles.contoso]\nad = \"ldaps://dc1\"\nad_base_dn = [\"OU=Sync,DC=c\"]\ntenant = \"contoso.onmicrosoft.com\"\nad_password_file = \"/etc/pw\"\n";
    let p = parse(Path::new("c.toml"), text, "contoso").unwrap();
    assert_eq!(p.ad.as_deref(), Some("ldaps://dc1"));
    assert_eq!(p.ad_base_dn, vec!["OU=Sync,DC=c".to_owned()]);
    assert_eq!(p.tenant.as_deref(), Some("contoso.onmicrosoft.com"));
    assert_eq!(p.ad_password_file, Some(PathBuf::from("/etc/pw")));
    let err = parse(Path::new("c.toml"), text, "fabrikam").unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
    let err = err.to_string();
    assert!(
        err.contains("no profile \"fabrikam\"") && err.contains("contoso"),
        "{err}"
    );
    let typo = "[profiles.x]\nad = \"a\"\nclient_secret = \"s3cret\"\n";
    let err = parse(Path::new("c.toml"), typo, "x").unwrap_err();
    assert!(matches!(err, AppError::Parse { .. }), "{err:?}");
    let err = err.to_string();
    assert!(
        err.contains("c.toml") && err.contains("line 3") && err.contains("client_secret"),
        "{err}"
    );
    assert!(
        !err.contains("s3cret"),
        "a secret value must not be echoed: {err}"
    );
    let err = parse(Path::new("e.toml"), "", "x").unwrap_err().to_string();
    assert!(err.contains("profiles: none"), "{err}");
}

#[test]
fn the_default_path_follows_the_environment() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let e = env(&[("IDRIFT_CONFIG", "/x/c.toml"), ("HOME", "/home/a")]);
    assert_eq!(default_path(&e), Some(PathBuf::from("/x/c.toml")));
    let e = env(&[("APPDATA", "/appdata"), ("HOME", "/home/a")]);
    assert_eq!(
        default_path(&e),
        Some(Path::new("/appdata").join("idrift").join("config.toml"))
    );
    let e = env(&[("HOME", "/home/a")]);
    assert_eq!(
        default_path(&e),
        Some(PathBuf::from("/home/a/.config/idrift/config.toml"))
    );
    assert_eq!(default_path(&env(&[])), None);
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("none.toml");
    let err = load(&path, "x").unwrap_err();
    assert!(matches!(err, AppError::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("none.toml"), "{err}");
}

#[test]
fn ldap_urls_are_told_from_files() {
    assert!(is_ldap_url("ldaps://dc1"));
    assert!(is_ldap_url(" LDAP://dc1"));
    assert!(!is_ldap_url("ad.ldif"));
}

#[test]
fn relative_paths_are_taken_relative_to_the_file() {
    let text = "[profiles.a]\nad = \"exports/ad.ldif\"\nad_ca_file = \"ca.pem\"\ncertificate = \"/etc/app.pem\"\n\
                [profiles.b]\nad = \"ldaps://dc1\"\nad_password_file = \"pw\"\n";
    let a = parse(Path::new("/etc/idrift/config.toml"), text, "a").unwrap();
    assert_eq!(a.ad.as_deref(), Some("/etc/idrift/exports/ad.ldif"));
    assert_eq!(a.ad_ca_file, Some(PathBuf::from("/etc/idrift/ca.pem")));
    assert_eq!(a.certificate, Some(PathBuf::from("/etc/app.pem")));
    let b = parse(Path::new("/etc/idrift/config.toml"), text, "b").unwrap();
    assert_eq!(b.ad.as_deref(), Some("ldaps://dc1"));
    assert_eq!(b.ad_password_file, Some(PathBuf::from("/etc/idrift/pw")));
}
