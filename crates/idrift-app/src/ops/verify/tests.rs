//! Tests of the verify operation: a live fetch that fails is one more unreadable input, reported beside the
//! users the files gave.

use idrift_cloud::Credential;
use idrift_ldap::SecretString;

use super::*;

const ARTICLE_XML: &str = include_str!("../../../../../examples/migration/article-user.xml");

fn run(paths: &[PathBuf], live: Option<(&CloudConfig, &[String])>) -> Verified {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(verify(paths, live))
}

#[test]
fn files_alone_are_verified_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.xml"), ARTICLE_XML).unwrap();
    let v = run(&[dir.path().to_path_buf()], None);
    assert_eq!(v.report.users.len(), 1);
    assert!(v.errors.is_empty() && v.warnings.is_empty());
}

#[test]
fn a_failed_live_fetch_is_reported_beside_the_file_users() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.xml"), ARTICLE_XML).unwrap();
    // No initial domain: the Exchange Online client cannot be built, before any request is sent.
    let config = CloudConfig::new(
        "contoso",
        "client",
        Credential::Secret(SecretString::from("s".to_owned())),
    );
    let identities = ["mover@contoso.com".to_owned()];
    let v = run(&[dir.path().to_path_buf()], Some((&config, &identities)));
    assert_eq!(v.report.users.len(), 1);
    assert_eq!(v.errors.len(), 1, "{:?}", v.errors);
    assert!(
        v.errors[0].to_string().contains("onmicrosoft.com"),
        "{}",
        v.errors[0]
    );
}
