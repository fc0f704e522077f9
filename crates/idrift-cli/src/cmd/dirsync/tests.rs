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
            ad(2, AGREES, "8035551212"),
        ],
        cloud: vec![
            cloud(1, "testmobile@example.com", "1234567890", true),
            cloud(2, AGREES, "8035551212", true),
            cloud(3, "cloudonly@example.com", "555", false),
        ],
        tenant_sync: Some(TenantSync {
            id: "12cce4b4-4ab8-40b7-be4d-f5d7742ec185".to_owned(),
            features: SyncFeatures::default(),
        }),
        ..Snapshot::default()
    }
}

/// A new temporary directory holding the story, changed by `edit`, as the snapshot directory `snap`.
fn temp_story(edit: impl FnOnce(&mut Snapshot)) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = story_dir(tmp.path(), "snap", edit);
    (tmp, dir)
}

/// The story, changed by `edit`, written to the snapshot directory `root/name`.
fn story_dir(root: &Path, name: &str, edit: impl FnOnce(&mut Snapshot)) -> PathBuf {
    let dir = root.join(name);
    let mut snap = story();
    edit(&mut snap);
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
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

/// `idrift dirsync ARGS --snapshot DIR THEN` with no terminal: the shape of nearly every run here.
fn dirsync(args: &[&str], dir: &Path, then: &[&str]) -> Out {
    dirsync_with(&[], false, args, dir, then)
}

/// `idrift GLOBAL dirsync ARGS --snapshot DIR THEN`, standard input a terminal or not.
fn dirsync_with(global: &[&str], terminal: bool, args: &[&str], dir: &Path, then: &[&str]) -> Out {
    let mut argv = global.to_vec();
    argv.push("dirsync");
    argv.extend_from_slice(args);
    argv.extend(["--snapshot", s(dir)]);
    argv.extend_from_slice(then);
    idrift(&argv, terminal)
}

/// `idrift undo JOURNALS --snapshot DIR THEN` with no terminal.
fn undo(journals: &[&Path], dir: &Path, then: &[&str]) -> Out {
    let mut argv = vec!["undo"];
    argv.extend(journals.iter().map(|j| s(j)));
    argv.extend(["--snapshot", s(dir)]);
    argv.extend_from_slice(then);
    idrift(&argv, false)
}

/// The flags of a confirmed write journaled to `journal`.
fn apply_to(journal: &Path) -> [&str; 4] {
    ["--apply", "--yes", "--journal", s(journal)]
}

/// Asserts that `o` succeeded and that its stdout holds each of `needles`.
fn ok_has(o: &Out, needles: &[&str]) {
    ok(o);
    for needle in needles {
        has(&o.out, needle);
    }
}

/// Asserts that `text` (a run's stdout or stderr) holds `needle`, showing the text when not.
fn has(text: &str, needle: &str) {
    assert!(text.contains(needle), "no {needle:?} in:\n{text}");
}

/// Asserts the `mobile` the snapshot in `dir` holds for `upn` in AD.
fn assert_ad_mobile(dir: &Path, upn: &str, want: &str) {
    assert_eq!(ad_mobile(dir, upn).as_deref(), Some(want), "{upn}");
}

const TESTMOBILE: &str = "testmobile@example.com";
const AGREES: &str = "agrees@example.com";

#[test]
fn the_article_000_repair_runs_end_to_end_on_a_snapshot() {
    let (tmp, dir) = temp_story(|_| {});
    let csv = tmp.path().join("overrides.csv");
    let journal = tmp.path().join("persist.jsonl");

    // compare shows the row and writes the CSV.
    let o = dirsync(&["compare"], &dir, &["--out", s(&csv)]);
    ok_has(&o, &[TESTMOBILE]);

    // The preview lists the data at risk, so enable refuses.
    let o = dirsync(&["bypass", "preview"], &dir, &["--format", "json"]);
    ok(&o);
    let preview: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(preview["Users"][0]["MobileInEntra"], "1234567890");
    assert_eq!(preview["Users"][0]["MobileInAD"], "0987654321");
    let o = dirsync(&["bypass", "enable"], &dir, &["--apply", "--yes"]);
    assert_eq!(o.code, ExitCode::from(1), "{}", o.out);
    has(&o.err, "refusing to enable BypassDirSyncOverrides");

    // persist from the CSV, unchanged: a dry run first, which writes nothing.
    let persist = ["persist", "--from-csv", s(&csv)];
    let mut then = vec!["--journal", s(&journal)];
    let o = dirsync(&persist, &dir, &then);
    ok_has(
        &o,
        &[
            "Dry run",
            s(&journal),
            "mobile=0987654321",
            "mobile=1234567890",
        ],
    );
    assert!(!journal.exists());
    assert_ad_mobile(&dir, TESTMOBILE, "0987654321");

    // --apply without --yes and without a terminal refuses instead of waiting.
    then.push("--apply");
    let o = dirsync(&persist, &dir, &then);
    assert_eq!(o.code, ExitCode::from(2), "{}", o.err);
    has(&o.err, "pass --yes");
    assert!(!journal.exists());

    then.push("--yes");
    let o = dirsync(&persist, &dir, &then);
    ok(&o);
    assert_eq!(
        o.out.matches(s(&journal)).count(),
        3,
        "start, end, undo hint:\n{}",
        o.out
    );
    has(&o.out, "applied");
    has(
        &o.out,
        "1 applied, 0 skipped, 0 conflict, 0 failed, 0 pending",
    );
    assert_ad_mobile(&dir, TESTMOBILE, "1234567890");

    // The preview is now empty; enable succeeds and reminds about the initial sync.
    let o = dirsync(&["bypass", "preview"], &dir, &["--format", "json"]);
    ok(&o);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&o.out).unwrap(),
        serde_json::json!({"Users": [], "Warnings": []})
    );
    let bypass_journal = tmp.path().join("enable.jsonl");
    let o = dirsync(&["bypass", "enable"], &dir, &apply_to(&bypass_journal));
    ok_has(&o, &["Start-ADSyncSyncCycle -PolicyType Initial"]);
    let o = dirsync(&["bypass", "status"], &dir, &["--format", "json"]);
    ok_has(&o, &["\"BypassDirSyncOverridesEnabled\": true"]);
    let enable_log = idrift_app::journal::read(&bypass_journal).unwrap();
    assert_eq!(enable_log.notes()[0].kind, "BypassPreview");

    // undo restores exactly: a dry run first, then --apply.
    let undo_journal = tmp.path().join("undo.jsonl");
    let o = undo(&[&journal], &dir, &[]);
    ok_has(&o, &["Dry run"]);
    assert_ad_mobile(&dir, TESTMOBILE, "1234567890");
    ok(&undo(&[&journal], &dir, &apply_to(&undo_journal)));
    assert_ad_mobile(&dir, TESTMOBILE, "0987654321");
}

#[test]
fn persist_skips_a_user_changed_in_ad_after_the_csv_and_exits_1() {
    let (tmp, dir) = temp_story(|_| {});
    let csv = tmp.path().join("overrides.csv");
    ok(&dirsync(&["compare"], &dir, &["--out", s(&csv)]));
    let set_journal = tmp.path().join("set.jsonl");
    let set = ["set", TESTMOBILE, "--mobile-in-ad", "5550000"];
    let o = dirsync(&set, &dir, &apply_to(&set_journal));
    ok_has(&o, &["mobile=0987654321", "mobile=5550000"]);
    let journal = tmp.path().join("p.jsonl");
    let persist = ["persist", "--from-csv", s(&csv)];
    let o = dirsync(&persist, &dir, &apply_to(&journal));
    assert_eq!(o.code, ExitCode::from(1), "{}", o.out);
    has(&o.out, "conflict");
    has(&o.out, "changed since the plan");
    assert_ad_mobile(&dir, TESTMOBILE, "5550000");
}

#[test]
fn a_limited_persist_resumes_from_its_journal() {
    // Two differing users.
    let (tmp, dir) = temp_story(|snap| {
        snap.cloud[1].mobile_phone = Some("+1 803 555 1212".to_owned());
    });
    let journal = tmp.path().join("p.jsonl");
    let mut then = vec!["--limit", "1"];
    then.extend(apply_to(&journal));
    let o = dirsync(&["persist"], &dir, &then);
    ok_has(&o, &["--resume", "1 pending", "not written yet"]);
    assert!(
        !o.out.contains("Next: idrift dirsync bypass preview"),
        "{}",
        o.out
    );
    let resume = ["persist", "--resume", s(&journal)];
    let o = dirsync(&resume, &dir, &[]);
    ok_has(&o, &["1 of 2 operation(s) already final"]);
    let o = dirsync(&resume, &dir, &["--apply", "--yes"]);
    ok_has(&o, &["2 applied", "(earlier run)"]);
    assert_ad_mobile(&dir, AGREES, "+1 803 555 1212");
}

#[test]
fn get_set_and_clear_mirror_adsynctools() {
    let (tmp, dir) = temp_story(|_| {});
    let o = dirsync(&["get", TESTMOBILE, "--from", "entra"], &dir, &[]);
    ok_has(&o, &["MobilePhone           : 1234567890"]);
    let get = ["get", "CN=u1,OU=Users,DC=example,DC=com", "--from", "ad"];
    let o = dirsync(&get, &dir, &["--format", "json"]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(v["Mobile"], "0987654321");

    // A synced user's Entra number cannot be set: the plain explanation, exit 1, nothing written.
    let set = ["set", TESTMOBILE, "--mobile-in-entra", "1"];
    let o = dirsync(&set, &dir, &["--apply", "--yes"]);
    assert_eq!(o.code, ExitCode::from(1));
    has(
        &o.err,
        "does not accept phone-number changes for users synchronized",
    );

    // A cloud-only user's can be cleared.
    let j = tmp.path().join("c.jsonl");
    let clear = ["clear", "cloudonly@example.com", "--mobile-in-entra"];
    let o = dirsync(&clear, &dir, &apply_to(&j));
    ok_has(&o, &["mobilePhone=555", "mobilePhone=(none)"]);
    let snap = load_dir(&dir).unwrap().snapshot;
    assert_eq!(snap.cloud[2].mobile_phone, None);

    // AD otherMobile set, then cleared.
    let j = tmp.path().join("s.jsonl");
    let set = [
        "set",
        AGREES,
        "--other-mobile-in-ad",
        "1",
        "--other-mobile-in-ad",
        "2",
    ];
    let o = dirsync(&set, &dir, &apply_to(&j));
    ok_has(&o, &["otherMobile=1;2"]);
    let j = tmp.path().join("x.jsonl");
    let clear = ["clear", AGREES, "--other-mobile-in-ad"];
    ok(&dirsync(&clear, &dir, &apply_to(&j)));
    let snap = load_dir(&dir).unwrap().snapshot;
    assert!(snap.on_prem[1].other_mobile.is_empty());
    assert_eq!(snap.on_prem[1].mobile.as_deref(), Some("8035551212"));

    let o = dirsync(&["clear", AGREES], &dir, &[]);
    assert_eq!(o.code, ExitCode::from(2));
}

#[test]
fn disable_explains_what_it_re_enables_and_needs_confirmation() {
    let (tmp, dir) = temp_story(|snap| {
        if let Some(t) = snap.tenant_sync.as_mut() {
            t.features.bypass_dir_sync_overrides_enabled = true;
        }
    });
    let disable = ["bypass", "disable"];
    let o = dirsync(&disable, &dir, &[]);
    ok_has(
        &o,
        &[
            "creates a DirSyncOverride",
            "Start-ADSyncSyncCycle -PolicyType Initial",
        ],
    );
    let o = dirsync(&disable, &dir, &["--apply"]);
    assert_eq!(o.code, ExitCode::from(2));
    let j = tmp.path().join("d.jsonl");
    ok(&dirsync(&disable, &dir, &apply_to(&j)));
    let o = dirsync(&["bypass", "status"], &dir, &[]);
    has(&o.out, "disabled");
}

#[test]
fn enable_with_accept_overwrite_journals_the_preview_first() {
    let (tmp, dir) = temp_story(|_| {});
    let j = tmp.path().join("e.jsonl");
    let enable = ["bypass", "enable", "--accept-overwrite"];
    let o = dirsync(&enable, &dir, &apply_to(&j));
    ok(&o);
    has(&o.err, "--accept-overwrite: the next sync would overwrite");
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
    let mut argv = vec!["dirsync", "persist", "--demo"];
    argv.extend(apply_to(&j));
    let o = idrift(&argv, false);
    assert_eq!(o.code, ExitCode::from(1), "{}\n{}", o.out, o.err);
    has(&o.out, "not a file this run can write");
}

#[test]
fn skipped_users_are_left_out_of_the_plan() {
    let (_tmp, dir) = temp_story(|_| {});
    let o = dirsync(&["persist"], &dir, &["--skip", "TestMobile@example.com"]);
    ok_has(&o, &["Nothing to write."]);
}

/// `--entra-sync FILE` beside `--ad FILE --entra FILE` is the tenant sync object for every bypass
/// subcommand (status, enable and disable ignored it, failing with "no tenant sync object").
#[test]
fn every_bypass_subcommand_honours_entra_sync_with_single_files() {
    let (tmp, dir) = temp_story(|_| {});
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
    ok_has(&o, &["disabled"]);
    ok(&files("preview", &[]));
    let j = tmp.path().join("enable.jsonl");
    let mut enable = vec!["--accept-overwrite"];
    enable.extend(apply_to(&j));
    ok(&files("enable", &enable));
    let o = files("status", &[]);
    has(&o.out, "enabled");
    let after = idrift_app::snapshot::load_tenant_sync_file(&sync)
        .unwrap()
        .unwrap();
    assert!(after.features.bypass_dir_sync_overrides_enabled);
    let j = tmp.path().join("disable.jsonl");
    ok(&files("disable", &apply_to(&j)));
    let o = files("status", &[]);
    has(&o.out, "disabled");
}

#[test]
fn an_unknown_user_is_failed_input_exit_1_not_usage() {
    let (_tmp, dir) = temp_story(|_| {});
    for side in ["ad", "entra"] {
        let o = dirsync(&["get", "nobody@example.com", "--from", side], &dir, &[]);
        assert_eq!(o.code, ExitCode::from(1), "{side}: {}", o.err);
        has(&o.err, "nobody@example.com");
    }
    let set = ["set", "nobody@example.com", "--mobile-in-ad", "1"];
    let o = dirsync(&set, &dir, &[]);
    assert_eq!(o.code, ExitCode::from(1), "{}", o.err);
}

#[test]
fn quiet_without_yes_refuses_instead_of_asking_unseen() {
    let (tmp, dir) = temp_story(|_| {});
    let journal = tmp.path().join("q.jsonl");
    // Standard input is a terminal, so without --quiet the prompt would be asked.
    let enable = ["bypass", "enable", "--accept-overwrite"];
    let then = ["--apply", "--journal", s(&journal)];
    let o = dirsync_with(&["--quiet"], true, &enable, &dir, &then);
    assert_eq!(o.code, ExitCode::from(2), "{}", o.err);
    has(&o.err, "--quiet hides the prompt");
    has(&o.err, "--yes");
    assert!(!journal.exists());
}

#[test]
fn compare_fail_on_drift_exits_3_only_when_there_is_drift() {
    let (tmp, dir) = temp_story(|_| {});
    let csv = tmp.path().join("c.csv");
    let out = ["--out", s(&csv)];
    let fail_on_drift = ["--out", s(&csv), "--fail-on", "drift"];
    ok(&dirsync(&["compare"], &dir, &out));
    let o = dirsync(&["compare"], &dir, &fail_on_drift);
    assert_eq!(o.code, ExitCode::from(3), "{}", o.err);
    // Once AD agrees with Entra ID, nothing is alerted on.
    let agreed = story_dir(tmp.path(), "agreed", |snap| {
        snap.on_prem[0].mobile = Some("1234567890".to_owned());
    });
    ok(&dirsync(&["compare"], &agreed, &fail_on_drift));
}

#[test]
fn a_dry_run_as_json_is_the_plan_and_an_apply_as_json_is_the_outcome() {
    let (tmp, dir) = temp_story(|_| {});
    let journal = tmp.path().join("p.jsonl");
    let mut then = vec!["--journal", s(&journal), "--format", "json"];
    let o = dirsync(&["persist"], &dir, &then);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&o.out).expect("stdout is one JSON document");
    assert_eq!(v["Command"], "dirsync persist");
    assert_eq!(v["DryRun"], true);
    assert_eq!(v["Journal"], s(&journal));
    assert!(v["Outcome"].is_null());
    let planned = v["Planned"].as_array().unwrap();
    assert_eq!(planned.len(), 1, "{}", o.out);
    assert_eq!(planned[0]["Target"], TESTMOBILE);
    assert!(!journal.exists());

    then.extend(["--apply", "--yes"]);
    let o = dirsync(&["persist"], &dir, &then);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&o.out).expect("stdout is one JSON document");
    assert_eq!(v["DryRun"], false);
    assert_eq!(v["Outcome"]["Ops"][0]["Status"], "Applied", "{}", o.out);
    assert_eq!(v["Outcome"]["Writes"], 1);
    assert_ad_mobile(&dir, TESTMOBILE, "1234567890");

    // Undo as CSV: one row per write, values in words.
    let o = undo(&[&journal], &dir, &["--format", "csv"]);
    ok(&o);
    let mut lines = o.out.lines();
    assert_eq!(
        lines.next(),
        Some("Seq,Target,Attribute,Before,After,Outcome,Note")
    );
    let row = lines.next().unwrap();
    assert!(row.contains(TESTMOBILE), "{}", o.out);
    assert!(lines.next().is_none(), "{}", o.out);
}

#[test]
fn every_write_and_view_accepts_each_format() {
    let (_tmp, dir) = temp_story(|_| {});
    let cases: [&[&str]; 9] = [
        &["get", TESTMOBILE, "--from", "ad"],
        &["get", TESTMOBILE, "--from", "entra"],
        &["set", TESTMOBILE, "--mobile-in-ad", "5"],
        &["clear", AGREES, "--mobile-in-ad"],
        &["persist"],
        &["bypass", "status"],
        &["bypass", "preview"],
        &["bypass", "enable", "--accept-overwrite"],
        &["bypass", "disable"],
    ];
    for case in cases {
        for format in ["json", "csv"] {
            let o = dirsync(case, &dir, &["--format", format]);
            ok(&o);
            if format == "json" {
                let parsed: Result<serde_json::Value, _> = serde_json::from_str(&o.out);
                assert!(parsed.is_ok(), "{case:?} {format}: {}", o.out);
            } else {
                assert!(
                    o.out.lines().count() >= 1 && !o.out.contains("Dry run"),
                    "{case:?} {format}: {}",
                    o.out
                );
            }
        }
    }
}

#[test]
fn escape_sequences_in_directory_values_never_reach_the_terminal_raw() {
    let (tmp, dir) = temp_story(|snap| {
        snap.cloud[0].mobile_phone = Some("\u{1b}]0;pwned\u{7}\u{1b}[2J".to_owned());
    });
    let csv = tmp.path().join("c.csv");
    let runs: [(&[&str], &[&str]); 4] = [
        (&["compare"], &["--out", s(&csv)]),
        (&["get", TESTMOBILE, "--from", "entra"], &[]),
        (&["bypass", "preview"], &[]),
        (&["persist"], &[]),
    ];
    for (args, then) in runs {
        let o = dirsync(args, &dir, then);
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
    let (tmp, dir) = temp_story(|_| {});
    let before = std::fs::read(dir.join("ad.ldif")).unwrap();
    let (j1, j2) = (tmp.path().join("1.jsonl"), tmp.path().join("2.jsonl"));
    for (upn, value, j) in [(TESTMOBILE, "111", &j1), (AGREES, "222", &j2)] {
        let o = dirsync(&["set", upn, "--mobile-in-ad", value], &dir, &apply_to(j));
        ok(&o);
    }
    assert_ad_mobile(&dir, AGREES, "222");

    let u = tmp.path().join("u.jsonl");
    let o = undo(&[&j1, &j2], &dir, &apply_to(&u));
    ok_has(&o, &["1.jsonl, ", "2 write(s) to restore"]);
    assert_eq!(
        std::fs::read(dir.join("ad.ldif")).unwrap(),
        before,
        "every byte back"
    );
    let log = idrift_app::journal::read(&u).unwrap();
    assert_eq!(log.ops().len(), 2, "one journal for both");
}
