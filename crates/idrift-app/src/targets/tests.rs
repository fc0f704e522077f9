//! Tests of the write targets: what each source opens, how it is described, and that a snapshot copy is
//! written in place while the demo is not.

use std::path::Path;

use super::*;
use crate::snapshot::{Parts, load_dir, write_dir};

fn demo_dir(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("snap");
    let snap = crate::demo::load().unwrap().snapshot;
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
    dir
}

#[test]
fn the_demo_and_a_snapshot_open_both_sides() {
    let demo = demo_writers().unwrap();
    assert!(demo.ad.is_some() && demo.cloud.is_some());
    assert_eq!(demo.description, "the bundled demo (read-only)");

    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let t = snapshot_writers(&dir).unwrap();
    assert!(t.ad.is_some() && t.cloud.is_some());
    assert_eq!(
        t.description,
        format!(
            "the snapshot {} (rehearsal: edited in place, only the values written change)",
            dir.display()
        )
    );
    assert!(snapshot_writers(&tmp.path().join("none")).is_err());
}

#[test]
fn export_files_open_one_side_each_and_combine() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let ad = ad_file_writer(&dir.join(crate::snapshot::AD_FILE)).unwrap();
    let entra = entra_file_writer(&dir.join("entra-users.json")).unwrap();
    assert!(ad.description.starts_with("the AD export "), "{ad:?}");
    assert!(
        entra.description.starts_with("the Entra export "),
        "{entra:?}"
    );
    let both = combine(Some(ad), Some(entra)).unwrap();
    assert!(both.ad.is_some() && both.cloud.is_some());
    assert!(
        both.description.contains(" and the Entra export "),
        "{both:?}"
    );
    // One writer at a time: the export stays locked until the first target is closed.
    drop(both);

    let only = combine(
        None,
        Some(entra_file_writer(&dir.join("entra-users.json")).unwrap()),
    )
    .unwrap();
    assert!(only.ad.is_none() && only.cloud.is_some());
    assert!(combine(None, None).is_none());
}

#[tokio::test]
async fn writes_through_the_executor_land_in_the_snapshot_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let before = load_dir(&dir).unwrap().snapshot;
    let t = snapshot_writers(&dir).unwrap();
    let upn = before.on_prem[1].user_principal_name.clone().unwrap();
    let planned = crate::dirsync_ops::plan_ad_edit(
        t.ad.as_deref().unwrap(),
        &upn,
        &crate::dirsync_ops::AdPhoneEdit {
            mobile: Some(Some("+1 425 555 0199".to_owned())),
            other_mobile: None,
        },
    )
    .await
    .unwrap()
    .unwrap();
    let spec = crate::dirsync_ops::single_spec("dirsync set", planned);
    let journal = tmp.path().join("j.jsonl");
    let report = crate::journal::apply(
        &journal,
        &spec,
        &t.executor(),
        crate::journal::Clock::new(|| 1_764_000_000),
        crate::journal::RunOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.writes, 1, "{report:?}");
    let after = load_dir(&dir).unwrap().snapshot;
    assert_ne!(after.on_prem, before.on_prem);
}

#[tokio::test]
async fn nothing_named_is_no_remediation_target_and_a_snapshot_is_rehearsed() {
    assert!(
        live_remediation_target(None, None, false, false)
            .await
            .unwrap()
            .is_none()
    );
    let err = live_remediation_target(None, None, true, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("app registration"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let (target, _warnings) = rehearsal_target(&dir).unwrap();
    assert_eq!(target.snapshot(), load_dir(&dir).unwrap().snapshot);
}
