//! Tests of the LDIF rehearsal target: only the lines of the value written change.

use super::*;

const FILE: &str = "version: 1\r\n\r\ndn: CN=Ann,OU=S,DC=x\r\nobjectClass: user\r\nproxyAddresses: SMTP:ann@x.com\r\nproxyAddresses: smtp:ann b@x.com\r\ndisplayName:: QW5uIMOW\r\nX500: keep\r\n \r\n folded\r\n\r\ndn: CN=Bo,OU=S,DC=x\r\nmail: bo@x\r\n";

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn a_write_changes_only_its_values_and_keeps_the_rest_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad.ldif");
    std::fs::write(&path, FILE).unwrap();
    let t = LdifFileTarget::open(&path).unwrap();
    block_on(async {
        let v = t
            .read_values("cn=ann, ou=S,DC=x", "proxyaddresses")
            .await
            .unwrap();
        assert_eq!(v.unwrap(), vec!["SMTP:ann@x.com", "smtp:ann b@x.com"]);
        assert_eq!(
            t.read_values("CN=Ann,OU=S,DC=x", "displayName")
                .await
                .unwrap()
                .unwrap(),
            vec!["Ann Ö"]
        );
        assert!(
            t.read_values("CN=Nobody,DC=x", "mail")
                .await
                .unwrap()
                .is_none()
        );
        // (entry, attribute, the value removed, the value added)
        let writes = [
            (
                "CN=Ann,OU=S,DC=x",
                "proxyAddresses",
                "smtp:ann b@x.com",
                "smtp:annb@x.com",
            ),
            ("CN=Bo,OU=S,DC=x", "mail", "bo@x", "bö@x.com"),
        ];
        for (dn, attribute, remove, add) in writes {
            let (remove, add) = ([remove.to_owned()], [add.to_owned()]);
            let edit = ValuesEdit {
                dn,
                attribute,
                remove: &remove,
                add: &add,
            };
            t.replace_values(&edit).await.unwrap();
        }
        let gone = ["bo@x".to_owned()];
        let edit = ValuesEdit {
            dn: "CN=Bo,OU=S,DC=x",
            attribute: "mail",
            remove: &gone,
            add: &[],
        };
        let e = t.replace_values(&edit).await.unwrap_err();
        assert!(matches!(e, SourceError::Conflict(_)), "{e}");
    });
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = FILE
        .replace("proxyAddresses: smtp:ann b@x.com\r\n", "")
        .replace(
            "proxyAddresses: SMTP:ann@x.com\r\n",
            "proxyAddresses: SMTP:ann@x.com\r\nproxyAddresses: smtp:annb@x.com\r\n",
        )
        .replace("mail: bo@x\r\n", "mail:: YsO2QHguY29t\r\n");
    assert_eq!(after, expected);
    drop(t);
    let reread = LdifFileTarget::open(&path).unwrap();
    block_on(async {
        let v = reread
            .read_values("CN=Bo,OU=S,DC=x", "mail")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v, vec!["bö@x.com"]);
    });
}

#[test]
fn dns_compare_without_case_and_spaces_but_keep_escaped_commas() {
    assert_eq!(
        normalize_dn("CN=Smith\\, Ann, OU=S ,DC=x"),
        "cn=smith\\, ann,ou=s,dc=x"
    );
    assert_ne!(normalize_dn("CN=a\\,b,DC=x"), normalize_dn("CN=a,b,DC=x"));
}

/// `lint apply` on an LDIF takes the file's lock, and on a snapshot the directory's: a second run is refused
/// with the lock message while the first holds it, and gets it once the first is done.
#[test]
fn a_second_lint_apply_on_one_file_or_snapshot_is_refused_by_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad.ldif");
    std::fs::write(&path, FILE).unwrap();
    for target in [path.clone(), dir.path().to_path_buf()] {
        let first = crate::lint::file_target(&target).unwrap();
        let msg = crate::lint::file_target(&target).unwrap_err().to_string();
        assert!(msg.contains("still held the lock"), "{msg}");
        assert!(msg.contains(".lock"), "{msg}");
        drop(first);
        crate::lint::file_target(&target).unwrap();
    }
}
