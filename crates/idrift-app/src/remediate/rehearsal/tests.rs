//! Tests of the rehearsal's in-place writes on the bundled demo's own files (comments, descriptions, `cn`,
//! `@odata` annotations, properties idrift does not model, two-space indentation): each step changes only the
//! lines of what it changes.

use std::path::{Path, PathBuf};

use super::*;
use crate::snapshot::{ENTRA_SYNC_FILE, load_dir};

const DUP_ID: &str = "c10d0000-0000-4000-8000-000000000014";
const ADA: &str = "CN=Ada Lovelace,OU=Sync,DC=contoso,DC=com";

/// A copy of `examples/demo`'s files, byte for byte.
fn rich_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    std::fs::create_dir(&dir).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    for f in [
        AD_FILE,
        ENTRA_USERS_FILE,
        ENTRA_SYNC_FILE,
        EXO_RECIPIENTS_FILE,
        EXO_USERS_FILE,
    ] {
        std::fs::copy(demo.join(f), dir.join(f)).unwrap();
    }
    (tmp, dir)
}

/// The lines only `before` has and the lines only `after` has (a longest-common-subsequence diff).
fn diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let mut l = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            l[i][j] = if a[i] == b[j] {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut removed, mut added) = (0, 0, Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || l[i][j + 1] >= l[i + 1][j]) {
            added.push(b[j].to_owned());
            j += 1;
        } else {
            removed.push(a[i].to_owned());
            i += 1;
        }
    }
    (removed, added)
}

/// The lines of the array element (four-space indented object) holding `needle`, its closing line included.
fn object_lines(text: &str, needle: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.contains(needle)).unwrap();
    let start = (0..at).rev().find(|&i| lines[i] == "    {").unwrap();
    let end = (at..lines.len())
        .find(|&i| lines[i].starts_with("    }"))
        .unwrap();
    lines[start..=end].iter().map(|l| (*l).to_owned()).collect()
}

/// The same lines, in any order (the diff may cut a removed block at another `{`).
fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).unwrap()
}

#[tokio::test]
async fn ad_writes_change_only_the_lines_written() {
    let (_tmp, dir) = rich_dir();
    let before = read(&dir, AD_FILE);
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    t.add_proxy_address(ADA, "smtp:ada@contoso.mail.onmicrosoft.com")
        .await
        .unwrap();
    t.move_user(ADA, "OU=Moved,DC=contoso,DC=com")
        .await
        .unwrap();
    let (removed, added) = diff(&before, &read(&dir, AD_FILE));
    assert_eq!(removed, [format!("dn: {ADA}")]);
    assert_eq!(
        added,
        [
            "dn: CN=Ada Lovelace,OU=Moved,DC=contoso,DC=com",
            "proxyAddresses: smtp:ada@contoso.mail.onmicrosoft.com"
        ]
    );
    // Comments, descriptions and cn stayed; the file still reads, with the change.
    assert!(read(&dir, AD_FILE).starts_with("# IdentityDrift demo snapshot"));
    drop(t);
    let snap = load_dir(&dir).unwrap().snapshot;
    let ada = snap
        .on_prem
        .iter()
        .find(|u| u.distinguished_name == "CN=Ada Lovelace,OU=Moved,DC=contoso,DC=com")
        .unwrap();
    assert_eq!(ada.proxy_addresses.len(), 2);
}

#[tokio::test]
async fn cloud_writes_move_objects_byte_for_byte_and_change_only_their_properties() {
    let (_tmp, dir) = rich_dir();
    let entra = read(&dir, ENTRA_USERS_FILE);
    let recipients = read(&dir, EXO_RECIPIENTS_FILE);
    let users = read(&dir, EXO_USERS_FILE);
    let (ad, sync) = (read(&dir, AD_FILE), read(&dir, ENTRA_SYNC_FILE));
    let dup_object = object_lines(&entra, DUP_ID);
    let (t, _) = RehearsalTarget::open(&dir).unwrap();

    // Delete: the user's object leaves entra-users.json whole and lands in the recycle bin as it was.
    t.delete_user(DUP_ID).await.unwrap();
    let (removed, added) = diff(&entra, &read(&dir, ENTRA_USERS_FILE));
    assert_eq!(sorted(removed), sorted(dup_object.clone()));
    assert!(added.is_empty(), "{added:?}");
    let bin = read(&dir, DELETED_USERS_FILE);
    let (_, in_bin) = diff("", &bin);
    for line in &dup_object[1..dup_object.len() - 1] {
        assert!(in_bin.contains(line), "{line:?} not in the bin:\n{bin}");
    }
    // Its mailbox is soft-deleted: one property added, nothing else.
    let (removed, added) = diff(&recipients, &read(&dir, EXO_RECIPIENTS_FILE));
    assert_eq!(removed, [r#"      "IsDirSynced": true"#]);
    assert_eq!(
        added,
        [
            r#"      "IsDirSynced": true,"#,
            r#"      "IsSoftDeleted": true"#
        ]
    );

    // Purge: the bin and exo-users.json lose the user's objects, nothing else.
    t.purge_deleted_user(DUP_ID).await.unwrap();
    assert!(t.deleted_users().is_empty());
    let (removed, added) = diff(&users, &read(&dir, EXO_USERS_FILE));
    assert_eq!(sorted(removed), sorted(object_lines(&users, DUP_ID)));
    assert!(added.is_empty(), "{added:?}");
    let (removed, added) = diff(&recipients, &read(&dir, EXO_RECIPIENTS_FILE));
    assert_eq!(
        removed,
        [
            r#"      "ExternalDirectoryObjectId": "c10d0000-0000-4000-8000-000000000014","#,
            r#"      "IsDirSynced": true"#
        ]
    );
    assert_eq!(
        added,
        [
            r#"      "ExternalDirectoryObjectId": null,"#,
            r#"      "IsDirSynced": true,"#,
            r#"      "IsSoftDeleted": true"#
        ]
    );

    // A license change replaces that user's assignedLicenses and nothing else.
    let before = read(&dir, ENTRA_USERS_FILE);
    let ken = "c10d0000-0000-4000-8000-00000000001b";
    t.remove_license(ken, "6fd2c87f-b296-42f0-b197-1e91e994b900")
        .await
        .unwrap();
    let (removed, added) = diff(&before, &read(&dir, ENTRA_USERS_FILE));
    assert_eq!(
        removed,
        [
            r#"      "assignedLicenses": ["#,
            "        {",
            r#"          "disabledPlans": [],"#,
            r#"          "skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900""#,
            "        }",
            "      ],"
        ]
    );
    assert_eq!(added, [r#"      "assignedLicenses": [],"#]);

    // The AD export and the sync object were never touched; everything still reads.
    assert_eq!(read(&dir, AD_FILE), ad);
    assert_eq!(read(&dir, ENTRA_SYNC_FILE), sync);
    drop(t);
    load_dir(&dir).unwrap();
}

#[tokio::test]
async fn a_restore_moves_the_object_back_byte_for_byte() {
    let (_tmp, dir) = rich_dir();
    let entra = read(&dir, ENTRA_USERS_FILE);
    let dup_object = object_lines(&entra, DUP_ID);
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    t.delete_user(DUP_ID).await.unwrap();
    t.restore_deleted_user(DUP_ID).await.unwrap();
    let after = read(&dir, ENTRA_USERS_FILE);
    // Every line of the object is back (at the end of the array now); the bin is empty again.
    let (removed, added) = diff(&entra, &after);
    assert_eq!(removed.len(), added.len(), "{removed:?}\n{added:?}");
    for line in &dup_object[1..dup_object.len() - 1] {
        assert!(after.contains(line.as_str()), "{line:?}");
    }
    assert!(t.deleted_users().is_empty());
    let snap = t.snapshot();
    drop(t);
    let reloaded = load_dir(&dir).unwrap().snapshot;
    assert_eq!(reloaded.cloud, snap.cloud);
    let dup = reloaded.exo_recipients.unwrap();
    let dup = dup
        .iter()
        .find(|r| r.external_directory_object_id.as_deref() == Some(DUP_ID))
        .unwrap();
    assert!(!dup.is_soft_deleted);
}

/// Undoing a rehearsed move (what `undo` of a reprovisioning does) gives the file back byte for byte.
#[tokio::test]
async fn a_move_and_its_undo_leave_the_ldif_byte_for_byte() {
    let (_tmp, dir) = rich_dir();
    let before = std::fs::read(dir.join(AD_FILE)).unwrap();
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    let moved = t
        .move_user(ADA, "OU=Moved,DC=contoso,DC=com")
        .await
        .unwrap();
    assert_ne!(std::fs::read(dir.join(AD_FILE)).unwrap(), before);
    t.move_user(&moved, "OU=Sync,DC=contoso,DC=com")
        .await
        .unwrap();
    assert_eq!(std::fs::read(dir.join(AD_FILE)).unwrap(), before);
}
