//! In-process tests of the DirSyncOverrides repair commands on a snapshot directory: the conventions every
//! mutating command keeps (dry run, --apply, --yes, refusing without a terminal, journal path, outcome table,
//! exit codes) and the article-000 repair story end to end.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use idrift_app::snapshot::{Parts, load_dir, write_dir};
use idrift_core::Guid;
use idrift_core::anchor::immutable_id_from_guid;
use idrift_core::model::{CloudUser, OnPremUser, Snapshot, SyncFeatures, TenantSync};

use crate::test_support::Out;

fn idrift(args: &[&str], terminal: bool) -> Out {
    crate::test_support::run(args, terminal, 1_795_617_005)
}

fn ok(o: &Out) {
    assert_eq!(
        o.code,
        ExitCode::SUCCESS,
        "stdout:\n{}\nstderr:\n{}",
        o.out,
        o.err
    );
}

fn guid(n: u8) -> Guid {
    Guid::from_bytes_le([n; 16])
}

/// Article 000: testmobile's cloud number was edited to 1234567890 (a DirSyncOverride), then AD changed to
/// 0987654321. A second user agrees; a third is cloud-only.
fn story() -> Snapshot {
    let ad = |n: u8, upn: &str, mobile: &str| OnPremUser {
        distinguished_name: format!("CN=u{n},OU=Users,DC=example,DC=com"),
        object_guid: Some(guid(n)),
        user_principal_name: Some(upn.to_owned()),
        mobile: Some(mobile.to_owned()),
        ..OnPremUser::default()
    };
    let cloud = |n: u8, upn: &str, mobile: &str, synced: bool| CloudUser {
        id: format!("00000000-0000-0000-0000-00000000000{n}"),
        user_principal_name: Some(upn.to_owned()),
        on_premises_immutable_id: synced.then(|| immutable_id_from_guid(&guid(n))),
        on_premises_sync_enabled: synced.then_some(true),
        mobile_phone: Some(mobile.to_owned()),
        ..CloudUser::default()
    };
    Snapshot {
        on_prem: vec![
            ad(1, "testmobile@example.com", "0987654321"),
            ad(2, "agrees@example.com", "8035551212"),
        ],
        cloud: vec![
            cloud(1, "testmobile@example.com", "1234567890", true),
            cloud(2, "agrees@example.com", "8035551212", true),
            cloud(3, "cloudonly@example.com", "555", false),
        ],
        tenant_sync: Some(TenantSync {
            id: "12cce4b4-4ab8-40b7-be4d-f5d7742ec185".to_owned(),
            features: SyncFeatures::default(),
        }),
        ..Snapshot::default()
    }
}

fn snapshot_dir(root: &Path) -> PathBuf {
    let dir = root.join("snap");
    write_dir(&dir, &story(), Parts::BOTH).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn ad_mobile(dir: &Path, upn: &str) -> Option<String> {
    let snap = load_dir(dir).unwrap().snapshot;
    snap.on_prem
        .into_iter()
        .find(|u| u.user_principal_name.as_deref() == Some(upn))
        .and_then(|u| u.mobile)
}

#[test]
fn the_article_000_repair_runs_end_to_end_on_a_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let csv = tmp.path().join("overrides.csv");
    let journal = tmp.path().join("persist.jsonl");

    // compare shows the row and writes the CSV.
    let o = idrift(
        &[
            "dirsync",
            "compare",
            "--snapshot",
            s(&dir),
            "--out",
            s(&csv),
        ],
        false,
    );
    ok(&o);
    assert!(o.out.contains("testmobile@example.com"), "{}", o.out);

    // The preview lists the data at risk, so enable refuses.
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "preview",
            "--snapshot",
            s(&dir),
            "--format",
            "json",
        ],
        false,
    );
    ok(&o);
    let preview: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(preview["Users"][0]["MobileInEntra"], "1234567890");
    assert_eq!(preview["Users"][0]["MobileInAD"], "0987654321");
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "enable",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(1), "{}", o.out);
    assert!(
        o.err.contains("refusing to enable BypassDirSyncOverrides"),
        "{}",
        o.err
    );

    // persist from the CSV, unchanged: a dry run first, which writes nothing.
    let args = [
        "dirsync",
        "persist",
        "--from-csv",
        s(&csv),
        "--snapshot",
        s(&dir),
        "--journal",
        s(&journal),
    ];
    let o = idrift(&args, false);
    ok(&o);
    assert!(o.out.contains("Dry run"), "{}", o.out);
    assert!(o.out.contains(s(&journal)), "{}", o.out);
    assert!(
        o.out.contains("mobile=0987654321") && o.out.contains("mobile=1234567890"),
        "{}",
        o.out
    );
    assert!(!journal.exists());
    assert_eq!(
        ad_mobile(&dir, "testmobile@example.com").as_deref(),
        Some("0987654321")
    );

    // --apply without --yes and without a terminal refuses instead of waiting.
    let mut apply = args.to_vec();
    apply.push("--apply");
    let o = idrift(&apply, false);
    assert_eq!(o.code, ExitCode::from(2), "{}", o.err);
    assert!(o.err.contains("pass --yes"), "{}", o.err);
    assert!(!journal.exists());

    apply.push("--yes");
    let o = idrift(&apply, false);
    ok(&o);
    assert_eq!(
        o.out.matches(s(&journal)).count(),
        3,
        "start, end, undo hint:\n{}",
        o.out
    );
    assert!(o.out.contains("applied"), "{}", o.out);
    assert!(
        o.out
            .contains("1 applied, 0 skipped, 0 conflict, 0 failed, 0 pending"),
        "{}",
        o.out
    );
    assert_eq!(
        ad_mobile(&dir, "testmobile@example.com").as_deref(),
        Some("1234567890")
    );

    // The preview is now empty; enable succeeds and reminds about the initial sync.
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "preview",
            "--snapshot",
            s(&dir),
            "--format",
            "json",
        ],
        false,
    );
    ok(&o);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&o.out).unwrap(),
        serde_json::json!({"Users": [], "Warnings": []})
    );
    let bypass_journal = tmp.path().join("enable.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "enable",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&bypass_journal),
        ],
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("Start-ADSyncSyncCycle -PolicyType Initial"),
        "{}",
        o.out
    );
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "status",
            "--snapshot",
            s(&dir),
            "--format",
            "json",
        ],
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("\"BypassDirSyncOverridesEnabled\": true"),
        "{}",
        o.out
    );
    let enable_log = idrift_app::journal::read(&bypass_journal).unwrap();
    assert_eq!(enable_log.notes()[0].kind, "BypassPreview");

    // undo restores exactly: a dry run first, then --apply.
    let undo_journal = tmp.path().join("undo.jsonl");
    let o = idrift(&["undo", s(&journal), "--snapshot", s(&dir)], false);
    ok(&o);
    assert!(o.out.contains("Dry run"), "{}", o.out);
    assert_eq!(
        ad_mobile(&dir, "testmobile@example.com").as_deref(),
        Some("1234567890")
    );
    let o = idrift(
        &[
            "undo",
            s(&journal),
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&undo_journal),
        ],
        false,
    );
    ok(&o);
    assert_eq!(
        ad_mobile(&dir, "testmobile@example.com").as_deref(),
        Some("0987654321")
    );
}

#[test]
fn persist_skips_a_user_changed_in_ad_after_the_csv_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let csv = tmp.path().join("overrides.csv");
    ok(&idrift(
        &[
            "dirsync",
            "compare",
            "--snapshot",
            s(&dir),
            "--out",
            s(&csv),
        ],
        false,
    ));
    let o = idrift(
        &[
            "dirsync",
            "set",
            "testmobile@example.com",
            "--mobile-in-ad",
            "5550000",
            "--snapshot",
            s(&dir),
        ]
        .iter()
        .copied()
        .chain([
            "--apply",
            "--yes",
            "--journal",
            s(&tmp.path().join("set.jsonl")),
        ])
        .collect::<Vec<_>>(),
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("mobile=0987654321") && o.out.contains("mobile=5550000"),
        "{}",
        o.out
    );
    let journal = tmp.path().join("p.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "persist",
            "--from-csv",
            s(&csv),
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&journal),
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(1), "{}", o.out);
    assert!(o.out.contains("conflict"), "{}", o.out);
    assert!(o.out.contains("changed since the plan"), "{}", o.out);
    assert_eq!(
        ad_mobile(&dir, "testmobile@example.com").as_deref(),
        Some("5550000")
    );
}

#[test]
fn a_limited_persist_resumes_from_its_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    let mut snap = story();
    // Two differing users.
    snap.cloud[1].mobile_phone = Some("+1 803 555 1212".to_owned());
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
    let journal = tmp.path().join("p.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "persist",
            "--snapshot",
            s(&dir),
            "--limit",
            "1",
            "--apply",
            "--yes",
            "--journal",
            s(&journal),
        ],
        false,
    );
    ok(&o);
    assert!(o.out.contains("--resume"), "{}", o.out);
    assert!(o.out.contains("1 pending"), "{}", o.out);
    assert!(o.out.contains("not written yet"), "{}", o.out);
    assert!(
        !o.out.contains("Next: idrift dirsync bypass preview"),
        "{}",
        o.out
    );
    let o = idrift(
        &[
            "dirsync",
            "persist",
            "--resume",
            s(&journal),
            "--snapshot",
            s(&dir),
        ],
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("1 of 2 operation(s) already final"),
        "{}",
        o.out
    );
    let o = idrift(
        &[
            "dirsync",
            "persist",
            "--resume",
            s(&journal),
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
        ],
        false,
    );
    ok(&o);
    assert!(o.out.contains("2 applied"), "{}", o.out);
    assert!(o.out.contains("(earlier run)"), "{}", o.out);
    assert_eq!(
        ad_mobile(&dir, "agrees@example.com").as_deref(),
        Some("+1 803 555 1212")
    );
}

#[test]
fn get_set_and_clear_mirror_adsynctools() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let o = idrift(
        &[
            "dirsync",
            "get",
            "testmobile@example.com",
            "--from",
            "entra",
            "--snapshot",
            s(&dir),
        ],
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("MobilePhone           : 1234567890"),
        "{}",
        o.out
    );
    let o = idrift(
        &[
            "dirsync",
            "get",
            "CN=u1,OU=Users,DC=example,DC=com",
            "--from",
            "ad",
            "--snapshot",
            s(&dir),
            "--format",
            "json",
        ],
        false,
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(v["Mobile"], "0987654321");

    // A synced user's Entra number cannot be set: the plain explanation, exit 1, nothing written.
    let o = idrift(
        &[
            "dirsync",
            "set",
            "testmobile@example.com",
            "--mobile-in-entra",
            "1",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(1));
    assert!(
        o.err
            .contains("does not accept phone-number changes for users synchronized"),
        "{}",
        o.err
    );

    // A cloud-only user's can be cleared.
    let j = tmp.path().join("c.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "clear",
            "cloudonly@example.com",
            "--mobile-in-entra",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&j),
        ],
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("mobilePhone=555") && o.out.contains("mobilePhone=(none)"),
        "{}",
        o.out
    );
    let snap = load_dir(&dir).unwrap().snapshot;
    assert_eq!(snap.cloud[2].mobile_phone, None);

    // AD otherMobile set, then cleared.
    let j = tmp.path().join("s.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "set",
            "agrees@example.com",
            "--other-mobile-in-ad",
            "1",
            "--other-mobile-in-ad",
            "2",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&j),
        ],
        false,
    );
    ok(&o);
    assert!(o.out.contains("otherMobile=1;2"), "{}", o.out);
    let j = tmp.path().join("x.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "clear",
            "agrees@example.com",
            "--other-mobile-in-ad",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&j),
        ],
        false,
    );
    ok(&o);
    let snap = load_dir(&dir).unwrap().snapshot;
    assert!(snap.on_prem[1].other_mobile.is_empty());
    assert_eq!(snap.on_prem[1].mobile.as_deref(), Some("8035551212"));

    let o = idrift(
        &[
            "dirsync",
            "clear",
            "agrees@example.com",
            "--snapshot",
            s(&dir),
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(2));
}

#[test]
fn disable_explains_what_it_re_enables_and_needs_confirmation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    let mut snap = story();
    if let Some(t) = snap.tenant_sync.as_mut() {
        t.features.bypass_dir_sync_overrides_enabled = true;
    }
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
    let o = idrift(
        &["dirsync", "bypass", "disable", "--snapshot", s(&dir)],
        false,
    );
    ok(&o);
    assert!(o.out.contains("creates a DirSyncOverride"), "{}", o.out);
    assert!(
        o.out.contains("Start-ADSyncSyncCycle -PolicyType Initial"),
        "{}",
        o.out
    );
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "disable",
            "--snapshot",
            s(&dir),
            "--apply",
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(2));
    let j = tmp.path().join("d.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "disable",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&j),
        ],
        false,
    );
    ok(&o);
    let o = idrift(
        &["dirsync", "bypass", "status", "--snapshot", s(&dir)],
        false,
    );
    assert!(o.out.contains("disabled"), "{}", o.out);
}

#[test]
fn enable_with_accept_overwrite_journals_the_preview_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let j = tmp.path().join("e.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "bypass",
            "enable",
            "--accept-overwrite",
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&j),
        ],
        false,
    );
    ok(&o);
    assert!(
        o.err
            .contains("--accept-overwrite: the next sync would overwrite"),
        "{}",
        o.err
    );
    let log = idrift_app::journal::read(&j).unwrap();
    assert_eq!(
        log.notes()[0].data["Users"][0]["MobileInEntra"],
        "1234567890"
    );
    assert_eq!(log.notes()[1].kind, "BypassRisksAccepted");
}

#[test]
fn the_demo_is_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path().join("demo.jsonl");
    let o = idrift(
        &[
            "dirsync",
            "persist",
            "--demo",
            "--apply",
            "--yes",
            "--journal",
            s(&j),
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(1), "{}\n{}", o.out, o.err);
    assert!(o.out.contains("not a file this run can write"), "{}", o.out);
}

#[test]
fn skipped_users_are_left_out_of_the_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let o = idrift(
        &[
            "dirsync",
            "persist",
            "--snapshot",
            s(&dir),
            "--skip",
            "TestMobile@example.com",
        ],
        false,
    );
    ok(&o);
    assert!(o.out.contains("Nothing to write."), "{}", o.out);
}

/// `--entra-sync FILE` beside `--ad FILE --entra FILE` is the tenant sync object for every bypass
/// subcommand (status, enable and disable ignored it, failing with "no tenant sync object").
#[test]
fn every_bypass_subcommand_honours_entra_sync_with_single_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let ad = dir.join("ad.ldif");
    let entra = dir.join("entra-users.json");
    let sync = dir.join("entra-sync.json");
    let files = |sub: &str, extra: &[&str]| -> Out {
        let mut argv = vec![
            "dirsync",
            "bypass",
            sub,
            "--ad",
            s(&ad),
            "--entra",
            s(&entra),
            "--entra-sync",
            s(&sync),
        ];
        argv.extend_from_slice(extra);
        idrift(&argv, false)
    };
    let o = files("status", &[]);
    ok(&o);
    assert!(o.out.contains("disabled"), "{}", o.out);
    ok(&files("preview", &[]));
    let j = tmp.path().join("enable.jsonl");
    let o = files(
        "enable",
        &["--apply", "--yes", "--accept-overwrite", "--journal", s(&j)],
    );
    ok(&o);
    let o = files("status", &[]);
    assert!(o.out.contains("enabled"), "{}", o.out);
    let after = idrift_app::snapshot::load_tenant_sync_file(&sync)
        .unwrap()
        .unwrap();
    assert!(after.features.bypass_dir_sync_overrides_enabled);
    let j = tmp.path().join("disable.jsonl");
    ok(&files("disable", &["--apply", "--yes", "--journal", s(&j)]));
    let o = files("status", &[]);
    assert!(o.out.contains("disabled"), "{}", o.out);
}

#[test]
fn an_unknown_user_is_failed_input_exit_1_not_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    for side in ["ad", "entra"] {
        let o = idrift(
            &[
                "dirsync",
                "get",
                "nobody@example.com",
                "--from",
                side,
                "--snapshot",
                s(&dir),
            ],
            false,
        );
        assert_eq!(o.code, ExitCode::from(1), "{side}: {}", o.err);
        assert!(o.err.contains("nobody@example.com"), "{}", o.err);
    }
    let o = idrift(
        &[
            "dirsync",
            "set",
            "nobody@example.com",
            "--mobile-in-ad",
            "1",
            "--snapshot",
            s(&dir),
        ],
        false,
    );
    assert_eq!(o.code, ExitCode::from(1), "{}", o.err);
}

#[test]
fn quiet_without_yes_refuses_instead_of_asking_unseen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let journal = tmp.path().join("q.jsonl");
    // Standard input is a terminal, so without --quiet the prompt would be asked.
    let o = idrift(
        &[
            "--quiet",
            "dirsync",
            "bypass",
            "enable",
            "--accept-overwrite",
            "--snapshot",
            s(&dir),
            "--apply",
            "--journal",
            s(&journal),
        ],
        true,
    );
    assert_eq!(o.code, ExitCode::from(2), "{}", o.err);
    assert!(
        o.err.contains("--quiet hides the prompt") && o.err.contains("--yes"),
        "{}",
        o.err
    );
    assert!(!journal.exists());
}

#[test]
fn compare_fail_on_drift_exits_3_only_when_there_is_drift() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let csv = tmp.path().join("c.csv");
    let base = [
        "dirsync",
        "compare",
        "--snapshot",
        s(&dir),
        "--out",
        s(&csv),
    ];
    let o = idrift(&base, false);
    ok(&o);
    let mut args = base.to_vec();
    args.extend(["--fail-on", "drift"]);
    let o = idrift(&args, false);
    assert_eq!(o.code, ExitCode::from(3), "{}", o.err);
    // Once AD agrees with Entra ID, nothing is alerted on.
    let agreed = tmp.path().join("agreed");
    let mut snap = story();
    snap.on_prem[0].mobile = Some("1234567890".to_owned());
    write_dir(&agreed, &snap, Parts::BOTH).unwrap();
    let o = idrift(
        &[
            "dirsync",
            "compare",
            "--snapshot",
            s(&agreed),
            "--out",
            s(&csv),
            "--fail-on",
            "drift",
        ],
        false,
    );
    ok(&o);
}

#[test]
fn a_dry_run_as_json_is_the_plan_and_an_apply_as_json_is_the_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let journal = tmp.path().join("p.jsonl");
    let base = [
        "dirsync",
        "persist",
        "--snapshot",
        s(&dir),
        "--journal",
        s(&journal),
        "--format",
        "json",
    ];
    let o = idrift(&base, false);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&o.out).expect("stdout is one JSON document");
    assert_eq!(v["Command"], "dirsync persist");
    assert_eq!(v["DryRun"], true);
    assert_eq!(v["Journal"], s(&journal));
    assert!(v["Outcome"].is_null());
    let planned = v["Planned"].as_array().unwrap();
    assert_eq!(planned.len(), 1, "{}", o.out);
    assert_eq!(planned[0]["Target"], "testmobile@example.com");
    assert!(!journal.exists());

    let mut apply = base.to_vec();
    apply.extend(["--apply", "--yes"]);
    let o = idrift(&apply, false);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&o.out).expect("stdout is one JSON document");
    assert_eq!(v["DryRun"], false);
    assert_eq!(v["Outcome"]["Ops"][0]["Status"], "Applied", "{}", o.out);
    assert_eq!(v["Outcome"]["Writes"], 1);
    assert_eq!(
        ad_mobile(&dir, "testmobile@example.com").as_deref(),
        Some("1234567890")
    );

    // Undo as CSV: one row per write, values in words.
    let o = idrift(
        &[
            "undo",
            s(&journal),
            "--snapshot",
            s(&dir),
            "--format",
            "csv",
        ],
        false,
    );
    ok(&o);
    let mut lines = o.out.lines();
    assert_eq!(
        lines.next(),
        Some("Seq,Target,Attribute,Before,After,Outcome,Note")
    );
    let row = lines.next().unwrap();
    assert!(row.contains("testmobile@example.com"), "{}", o.out);
    assert!(lines.next().is_none(), "{}", o.out);
}

#[test]
fn every_write_and_view_accepts_each_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let cases: Vec<Vec<&str>> = vec![
        vec!["dirsync", "get", "testmobile@example.com", "--from", "ad"],
        vec![
            "dirsync",
            "get",
            "testmobile@example.com",
            "--from",
            "entra",
        ],
        vec![
            "dirsync",
            "set",
            "testmobile@example.com",
            "--mobile-in-ad",
            "5",
        ],
        vec!["dirsync", "clear", "agrees@example.com", "--mobile-in-ad"],
        vec!["dirsync", "persist"],
        vec!["dirsync", "bypass", "status"],
        vec!["dirsync", "bypass", "preview"],
        vec!["dirsync", "bypass", "enable", "--accept-overwrite"],
        vec!["dirsync", "bypass", "disable"],
    ];
    for case in &cases {
        for format in ["json", "csv"] {
            let mut args = case.clone();
            args.extend(["--snapshot", s(&dir), "--format", format]);
            let o = idrift(&args, false);
            ok(&o);
            if format == "json" {
                let parsed: Result<serde_json::Value, _> = serde_json::from_str(&o.out);
                assert!(parsed.is_ok(), "{args:?}: {}", o.out);
            } else {
                assert!(
                    o.out.lines().count() >= 1 && !o.out.contains("Dry run"),
                    "{args:?}: {}",
                    o.out
                );
            }
        }
    }
}

#[test]
fn escape_sequences_in_directory_values_never_reach_the_terminal_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hostile");
    let mut snap = story();
    snap.cloud[0].mobile_phone = Some("\u{1b}]0;pwned\u{7}\u{1b}[2J".to_owned());
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
    let csv = tmp.path().join("c.csv");
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "dirsync",
            "compare",
            "--snapshot",
            s(&dir),
            "--out",
            s(&csv),
        ],
        vec![
            "dirsync",
            "get",
            "testmobile@example.com",
            "--from",
            "entra",
            "--snapshot",
            s(&dir),
        ],
        vec!["dirsync", "bypass", "preview", "--snapshot", s(&dir)],
        vec!["dirsync", "persist", "--snapshot", s(&dir)],
    ];
    for args in &runs {
        let o = idrift(args, false);
        ok(&o);
        assert!(
            !o.out.contains('\u{1b}') && !o.err.contains('\u{1b}'),
            "{args:?}: {:?}",
            o.out
        );
        assert!(o.out.contains(r"\x1b]0;pwned\x07"), "{args:?}: {}", o.out);
    }
}

#[test]
fn undo_of_several_journals_is_one_run_that_restores_every_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let before = std::fs::read(dir.join("ad.ldif")).unwrap();
    let (j1, j2) = (tmp.path().join("1.jsonl"), tmp.path().join("2.jsonl"));
    for (upn, value, j) in [
        ("testmobile@example.com", "111", &j1),
        ("agrees@example.com", "222", &j2),
    ] {
        let o = idrift(
            &[
                "dirsync",
                "set",
                upn,
                "--mobile-in-ad",
                value,
                "--snapshot",
                s(&dir),
                "--apply",
                "--yes",
                "--journal",
                s(j),
            ],
            false,
        );
        ok(&o);
    }
    assert_eq!(
        ad_mobile(&dir, "agrees@example.com").as_deref(),
        Some("222")
    );

    let u = tmp.path().join("u.jsonl");
    let o = idrift(
        &[
            "undo",
            s(&j1),
            s(&j2),
            "--snapshot",
            s(&dir),
            "--apply",
            "--yes",
            "--journal",
            s(&u),
        ],
        false,
    );
    ok(&o);
    assert!(
        o.out.contains("1.jsonl, ") && o.out.contains("2 write(s) to restore"),
        "{}",
        o.out
    );
    assert_eq!(
        std::fs::read(dir.join("ad.ldif")).unwrap(),
        before,
        "every byte back"
    );
    let log = idrift_app::journal::read(&u).unwrap();
    assert_eq!(log.ops().len(), 2, "one journal for both");
}
