//! Tests of rehearsal writes on snapshot files: a write through the journal changes only the lines or values
//! it writes, in a real-world-shaped export (comments, folded lines, base64, groups, contacts, attributes
//! idrift does not model, CRLF), and undo restores every byte.

use crate::journal::test_support::message_of;
use std::path::{Path, PathBuf};

use idrift_core::ports::{OnPremPhoneWriter, TenantSyncAdmin};

use crate::dirsync_ops::{AdPhoneEdit, plan_ad_edit, plan_bypass, plan_entra_edit, single_spec};
use crate::journal::{self, Clock, OpStatus, PlanSpec, Planned, RunOptions};
use crate::targets::{WriteTargets, snapshot_writers};

/// An AD export of a small office, in the shape `ldifde -f` and `ldapsearch -LLL` give (the in-place LDIF
/// editor's tests use it too).
const AD: &str = include_str!("../../../../../tests/fixtures/ldif/fabrikam-staff.ldif");

/// Entra's side as a Graph export script saves it.
const ENTRA: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
  "value": [
    {
      "id": "7f1c0a52-3b1e-4c55-9a0e-1d2b3c4d5e01",
      "userPrincipalName": "oskar.lindqvist@fabrikam.test",
      "displayName": "Oskar Lindqvist",
      "jobTitle": "Night shift lead",
      "onPremisesImmutableId": "8mQ3oFZbXkWcrg8pOmD0nQ==",
      "onPremisesSyncEnabled": true,
      "mobilePhone": "+46 70 555 0110",
      "businessPhones": ["+46 40 555 0110"]
    },
    {
      "id": "7f1c0a52-3b1e-4c55-9a0e-1d2b3c4d5e09",
      "userPrincipalName": "guest.desk@fabrikam.test",
      "displayName": "Guest Desk",
      "mobilePhone": null,
      "officeLocation": "Malmo"
    }
  ]
}
"#;

const SYNC: &str = r#"{
  "value": [
    {
      "id": "sync-1",
      "configuration": {"accidentalDeletionPrevention": {"alertThreshold": 500}},
      "features": {
        "passwordSyncEnabled": true,
        "bypassDirSyncOverridesEnabled": false
      }
    }
  ]
}
"#;

fn snapshot(tmp: &Path, ad: &str) -> PathBuf {
    let dir = tmp.join("snap");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ad.ldif"), ad).unwrap();
    std::fs::write(dir.join("entra-users.json"), ENTRA).unwrap();
    std::fs::write(dir.join("entra-sync.json"), SYNC).unwrap();
    dir
}

/// The snapshot of `ad` with the usual Entra files in `tmp`, and its writers.
fn writers(tmp: &Path, ad: &str) -> (PathBuf, WriteTargets) {
    let dir = snapshot(tmp, ad);
    let t = snapshot_writers(&dir).unwrap();
    (dir, t)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The user most tests write: Oskar, who has `mobile` and `otherMobile` in AD.
const OSKAR: &str = "oskar.lindqvist@fabrikam.test";

/// An AD phone edit: `mobile` as `AdPhoneEdit` takes it, `otherMobile` replaced by `other` when given.
fn edit(mobile: Option<Option<&str>>, other: Option<&[&str]>) -> AdPhoneEdit {
    AdPhoneEdit {
        mobile: mobile.map(|m| m.map(str::to_owned)),
        other_mobile: other.map(|o| o.iter().map(|v| (*v).to_owned()).collect()),
    }
}

/// Plans `edit` of the AD user `upn` on the snapshot's AD file; panics when there is nothing to write.
async fn plan_ad(t: &WriteTargets, upn: &str, edit: &AdPhoneEdit) -> Planned {
    let ad: &dyn OnPremPhoneWriter = t.ad.as_deref().unwrap();
    plan_ad_edit(ad, upn, edit).await.unwrap().unwrap()
}

/// Plans setting (or with `None` clearing) the Entra `mobilePhone` of `upn`; panics when there is nothing
/// to write.
async fn plan_entra(t: &WriteTargets, upn: &str, mobile: Option<&str>) -> Planned {
    let cloud: &dyn TenantSyncAdmin = t.cloud.as_deref().unwrap();
    plan_entra_edit(cloud, upn, mobile.map(str::to_owned))
        .await
        .unwrap()
        .unwrap()
}

/// The AD user `upn` as the snapshot's AD writer reads it now.
async fn ad_user(t: &WriteTargets, upn: &str) -> idrift_core::model::OnPremUser {
    let ad: &dyn OnPremPhoneWriter = t.ad.as_deref().unwrap();
    ad.find_user(&idrift_core::writes::UserKey::Upn(upn.to_owned()))
        .await
        .unwrap()
        .unwrap()
}

/// Resumes the journal `j` on the snapshot's writers at the time `at`; panics when it cannot start.
async fn resume(t: &WriteTargets, j: &Path, at: i64) -> journal::RunReport {
    let log = journal::read(j).unwrap();
    let options = RunOptions::default();
    journal::resume(&log, &t.executor(), Clock::fixed(at), options)
        .await
        .unwrap()
}

/// The rich AD export with the two cloud-only users as `entra-users.json`, and its writers.
fn cloud_only_snapshot(tmp: &Path) -> (PathBuf, WriteTargets) {
    entra_snapshot(tmp, ENTRA_CLOUD_ONLY)
}

/// The rich AD export with `entra` as `entra-users.json`, and its writers.
fn entra_snapshot(tmp: &Path, entra: &str) -> (PathBuf, WriteTargets) {
    let dir = snapshot(tmp, AD);
    std::fs::write(dir.join("entra-users.json"), entra).unwrap();
    let t = snapshot_writers(&dir).unwrap();
    (dir, t)
}

/// Runs `spec` on the snapshot files, journaled to `journal`; panics when the run cannot start.
async fn apply_report(t: &WriteTargets, spec: &PlanSpec, journal: &Path) -> journal::RunReport {
    journal::apply(
        journal,
        spec,
        &t.executor(),
        Clock::fixed(1_764_000_000),
        RunOptions::default(),
    )
    .await
    .unwrap()
}

/// The kind of each journal entry after the header and the plan.
fn entry_kinds(journal: &Path, spec: &PlanSpec) -> Vec<String> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .skip(1 + spec.ops.len())
        .map(|l| l.split('"').nth(3).unwrap_or_default().to_owned())
        .collect()
}

/// Runs the two-write `spec` like [`run`] and asserts that both `started` entries come before both
/// outcomes: one file rewrite for the batch.
async fn run_as_one_batch(t: &WriteTargets, spec: &PlanSpec, journal: &Path) {
    run(t, spec, journal).await;
    let kinds = entry_kinds(journal, spec);
    assert_eq!(
        kinds,
        ["Started", "Started", "Outcome", "Outcome"],
        "{kinds:?}"
    );
}

/// Undoes `journal` and asserts that `file` in `dir` is `want` again, byte for byte.
async fn undo_to(t: &WriteTargets, journal: &Path, dir: &Path, file: &str, want: &str) {
    undo(t, journal).await;
    assert_eq!(read(dir, file), want, "{file} after undo");
}

async fn run(t: &WriteTargets, spec: &PlanSpec, journal: &Path) {
    let report = apply_report(t, spec, journal).await;
    assert!(
        report.ops.iter().all(|o| o.status == OpStatus::Applied),
        "{report:#?}"
    );
}

async fn undo(t: &WriteTargets, journal: &Path) {
    let (spec, not) = journal::undo_spec(&journal::read(journal).unwrap());
    assert!(not.is_empty(), "{not:?}");
    run(t, &spec, &journal.with_extension("undo.jsonl")).await;
}

/// Runs the single write `planned` as `command`, journaled to `journal`; panics unless it is applied.
async fn run_one(t: &WriteTargets, command: &str, planned: Planned, journal: &Path) {
    run(t, &single_spec(command, planned), journal).await;
}

async fn set_ad_mobile(t: &WriteTargets, upn: &str, mobile: &str, journal: &Path) {
    let planned = plan_ad(t, upn, &edit(Some(Some(mobile)), None)).await;
    run_one(t, "dirsync set", planned, journal).await;
}

/// Sets Oskar's `mobile` to +46 70 555 0110, journaled to `set.jsonl` in `tmp`; returns the journal.
async fn set_oskar(t: &WriteTargets, tmp: &Path) -> PathBuf {
    let j = tmp.join("set.jsonl");
    set_ad_mobile(t, OSKAR, "+46 70 555 0110", &j).await;
    j
}

#[tokio::test]
async fn an_ad_write_changes_one_line_of_a_rich_ldif_and_undo_restores_every_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let j = set_oskar(&t, tmp.path()).await;
    assert_eq!(
        read(&dir, "ad.ldif"),
        AD.replace("mobile: 0701234567\n", "mobile: +46 70 555 0110\n")
    );
    assert_eq!(read(&dir, "entra-users.json"), ENTRA);

    // A user without the attribute gets one line at the end of its entry.
    let j2 = tmp.path().join("set2.jsonl");
    set_ad_mobile(&t, "jorg.akerman@fabrikam.test", "+46 70 555 0120", &j2).await;
    assert!(
        read(&dir, "ad.ldif").contains(
            "telephoneNumber: +46 8 555 0120\nwhenChanged: 20261120093000.0Z\nmobile: +46 70 555 0120\n\n# A group"
        ),
        "{}",
        read(&dir, "ad.ldif")
    );

    undo(&t, &j2).await;
    drop(t);
    let t2 = snapshot_writers(&dir).unwrap();
    undo_to(&t2, &j, &dir, "ad.ldif", AD).await;
}

#[tokio::test]
async fn a_crlf_export_keeps_its_line_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let crlf = AD.replace('\n', "\r\n");
    let (dir, t) = writers(tmp.path(), &crlf);
    let j = set_oskar(&t, tmp.path()).await;
    assert_eq!(
        read(&dir, "ad.ldif"),
        crlf.replace("mobile: 0701234567\r\n", "mobile: +46 70 555 0110\r\n")
    );
    undo_to(&t, &j, &dir, "ad.ldif", &crlf).await;
}

#[tokio::test]
async fn entra_writes_change_one_json_value_and_undo_restores_every_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let planned = plan_entra(&t, "guest.desk@fabrikam.test", Some("+46 40 555 0199")).await;
    let j = tmp.path().join("entra.jsonl");
    run_one(&t, "dirsync set", planned, &j).await;
    assert_eq!(
        read(&dir, "entra-users.json"),
        ENTRA.replace(
            "\"mobilePhone\": null,",
            "\"mobilePhone\": \"+46 40 555 0199\","
        )
    );

    let cloud: &dyn TenantSyncAdmin = t.cloud.as_deref().unwrap();
    let sync = crate::dirsync_ops::tenant_sync(cloud).await.unwrap();
    let spec = plan_bypass(&sync, true, None).unwrap();
    let jb = tmp.path().join("bypass.jsonl");
    run(&t, &spec, &jb).await;
    assert_eq!(
        read(&dir, "entra-sync.json"),
        SYNC.replace(
            "\"bypassDirSyncOverridesEnabled\": false",
            "\"bypassDirSyncOverridesEnabled\": true"
        )
    );
    assert_eq!(read(&dir, "ad.ldif"), AD);

    undo(&t, &jb).await;
    undo_to(&t, &j, &dir, "entra-users.json", ENTRA).await;
    assert_eq!(read(&dir, "entra-sync.json"), SYNC);
}

#[tokio::test]
async fn a_second_writer_of_one_snapshot_is_refused_and_no_update_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot(tmp.path(), AD);
    let first = snapshot_writers(&dir).unwrap();
    let err = snapshot_writers(&dir).unwrap_err().to_string();
    assert!(err.contains(".idrift.lock"), "{err}");
    assert!(
        err.contains(&format!("PID {}", std::process::id())),
        "{err}"
    );
    set_oskar(&first, tmp.path()).await;
    drop(first);
    // The next run reads what the first wrote.
    let second = snapshot_writers(&dir).unwrap();
    let user = ad_user(&second, OSKAR).await;
    assert_eq!(user.mobile.as_deref(), Some("+46 70 555 0110"));
}

#[tokio::test]
async fn resume_against_a_fresh_copy_trusts_the_files_and_writes_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot(tmp.path(), AD);
    let j = set_oskar(&snapshot_writers(&dir).unwrap(), tmp.path()).await;
    // The snapshot is replaced by a fresh copy: the journal's "applied" is no longer true.
    std::fs::write(dir.join("ad.ldif"), AD).unwrap();
    let t = snapshot_writers(&dir).unwrap();
    let report = resume(&t, &j, 1_764_000_100).await;
    assert_eq!(report.replanned(), 1, "{report:#?}");
    assert_eq!(report.writes, 1);
    assert_eq!(report.ops[0].status, OpStatus::Applied);
    let msg = message_of(&report, 0);
    assert!(
        msg.starts_with("re-planned: the journal recorded it as applied"),
        "{msg}"
    );
    assert_eq!(
        read(&dir, "ad.ldif"),
        AD.replace("mobile: 0701234567\n", "mobile: +46 70 555 0110\n")
    );

    // Resumed again, nothing is re-planned: the file holds the value.
    let again = resume(&t, &j, 1_764_000_200).await;
    assert_eq!((again.replanned(), again.writes), (0, 0));
}

/// A plan setting both AD users' mobile numbers (two operations).
async fn two_user_plan(t: &WriteTargets) -> PlanSpec {
    let mut ops = Vec::new();
    for (upn, mobile) in [
        (OSKAR, "+46 70 555 0110"),
        ("jorg.akerman@fabrikam.test", "+46 70 555 0120"),
    ] {
        ops.push(plan_ad(t, upn, &edit(Some(Some(mobile)), None)).await);
    }
    PlanSpec::numbered("dirsync persist", ops)
}

#[tokio::test]
async fn ad_writes_are_batched_with_every_before_value_journaled_before_the_file_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let spec = two_user_plan(&t).await;
    let j = tmp.path().join("persist.jsonl");
    run_as_one_batch(&t, &spec, &j).await;
    let text = read(&dir, "ad.ldif");
    assert!(text.contains("mobile: +46 70 555 0110\n"), "{text}");
    assert!(text.contains("mobile: +46 70 555 0120\n"), "{text}");
    undo_to(&t, &j, &dir, "ad.ldif", AD).await;
}

#[tokio::test]
async fn a_batch_whose_file_write_fails_fails_every_write_and_keeps_nothing_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let spec = two_user_plan(&t).await;
    // The export disappears under the run: the batch cannot be written.
    std::fs::remove_file(dir.join("ad.ldif")).unwrap();
    std::fs::create_dir(dir.join("ad.ldif")).unwrap();
    let report = apply_report(&t, &spec, &tmp.path().join("p.jsonl")).await;
    assert_eq!(report.count(OpStatus::Failed), 2, "{report:#?}");
    assert_eq!(report.writes, 0);
    let oskar = ad_user(&t, OSKAR).await;
    assert_eq!(oskar.mobile.as_deref(), Some("0701234567"));
}

/// Two cloud-only users, as a Graph export saves them.
const ENTRA_CLOUD_ONLY: &str = r#"{"value": [
  {"id": "c1", "userPrincipalName": "desk.one@fabrikam.test", "mobilePhone": null, "officeLocation": "Malmo"},
  {"id": "c2", "userPrincipalName": "desk.two@fabrikam.test", "officeLocation": "Lund", "mobilePhone": "+46 46 555 0100"}
]}
"#;

#[tokio::test]
async fn entra_writes_are_batched_into_one_rewrite_and_undo_restores_every_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = cloud_only_snapshot(tmp.path());
    let mut ops = Vec::new();
    for (upn, mobile) in [
        ("desk.one@fabrikam.test", "+46 40 555 0199"),
        ("desk.two@fabrikam.test", "+46 46 555 0101"),
    ] {
        ops.push(plan_entra(&t, upn, Some(mobile)).await);
    }
    let spec = PlanSpec::numbered("dirsync set", ops);
    let j = tmp.path().join("entra.jsonl");
    run_as_one_batch(&t, &spec, &j).await;
    assert_eq!(
        read(&dir, "entra-users.json"),
        ENTRA_CLOUD_ONLY
            .replace(
                "\"mobilePhone\": null",
                "\"mobilePhone\": \"+46 40 555 0199\""
            )
            .replace("+46 46 555 0100", "+46 46 555 0101")
    );
    undo_to(&t, &j, &dir, "entra-users.json", ENTRA_CLOUD_ONLY).await;
}

#[tokio::test]
async fn a_failed_entra_batch_fails_every_write_and_keeps_nothing_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = cloud_only_snapshot(tmp.path());
    let cloud: &dyn TenantSyncAdmin = t.cloud.as_deref().unwrap();
    assert!(cloud.cloud_batch_limit() > 1);
    cloud
        .set_cloud_mobile_held("c1", Some("+46 40 555 0199"))
        .await
        .unwrap();
    cloud
        .set_cloud_mobile_held("c2", Some("+46 46 555 0101"))
        .await
        .unwrap();
    // Held: reads see the values, the file does not have them yet.
    let one = cloud.find_cloud_user("c1").await.unwrap().unwrap();
    assert_eq!(one.mobile_phone.as_deref(), Some("+46 40 555 0199"));
    assert_eq!(read(&dir, "entra-users.json"), ENTRA_CLOUD_ONLY);
    std::fs::remove_file(dir.join("entra-users.json")).unwrap();
    std::fs::create_dir(dir.join("entra-users.json")).unwrap();
    assert!(cloud.flush_cloud().await.is_err());
    let one = cloud.find_cloud_user("c1").await.unwrap().unwrap();
    let two = cloud
        .find_cloud_user("desk.two@fabrikam.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.mobile_phone, None);
    assert_eq!(two.mobile_phone.as_deref(), Some("+46 46 555 0100"));
}

/// A file is rewritten once per batch, so a batch grows with the users: a run over every user of a big
/// export rewrites it at most `MAX_REWRITES` times (at 4,096 per batch, 200,000 users took 49 rewrites).
#[test]
fn batches_grow_with_the_file_so_a_full_run_rewrites_it_a_few_times() {
    use crate::dirsync_ops::{AD_BATCH, MAX_REWRITES, SnapshotTarget};
    use idrift_core::model::{CloudUser, OnPremUser, Snapshot};
    let mut snap = Snapshot::default();
    for i in 0..100_000 {
        snap.on_prem.push(OnPremUser {
            distinguished_name: format!("CN=u{i},DC=x"),
            ..OnPremUser::default()
        });
        snap.cloud.push(CloudUser {
            id: format!("id-{i}"),
            ..CloudUser::default()
        });
    }
    let big =
        SnapshotTarget::for_files(Some(Path::new("ad.ldif")), Some(Path::new("u.json")), snap);
    assert_eq!(big.phone_batch_limit(), 100_000 / MAX_REWRITES);
    assert_eq!(big.cloud_batch_limit(), 100_000 / MAX_REWRITES);
    let small = SnapshotTarget::for_files(Some(Path::new("ad.ldif")), None, Snapshot::default());
    assert_eq!(small.phone_batch_limit(), AD_BATCH);
    assert_eq!(
        small.cloud_batch_limit(),
        1,
        "no Entra file: written through"
    );
}

/// `dirsync clear` of `mobile`, then of both attributes, then undo: every byte comes back, the lines at their
/// places (the value found is journaled with where its lines sat). Before, a re-added line landed at the end
/// of its entry.
#[tokio::test]
async fn clear_then_undo_restores_every_byte_of_the_rich_ldif() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let edits = [edit(Some(None), None), edit(Some(None), Some(&[]))];
    for (n, edit) in edits.iter().enumerate() {
        let planned = plan_ad(&t, OSKAR, edit).await;
        let j = tmp.path().join(format!("clear-{n}.jsonl"));
        run_one(&t, "dirsync clear", planned, &j).await;
        let text = read(&dir, "ad.ldif");
        assert!(!text.contains("mobile: 0701234567"), "{text}");
        assert!(std::fs::read_to_string(&j).unwrap().contains("\"Lines\""));
        undo_to(&t, &j, &dir, "ad.ldif", AD).await;
    }
}

/// A persist whose Entra side lacks a number AD has removes it from AD; undo puts it back at its place.
#[tokio::test]
async fn a_persist_that_removes_a_number_is_undone_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let planned = plan_ad(&t, OSKAR, &edit(Some(Some("+46 70 555 0110")), Some(&[]))).await;
    let j = tmp.path().join("persist.jsonl");
    run_one(&t, "dirsync persist", planned, &j).await;
    assert!(!read(&dir, "ad.ldif").contains("otherMobile"));
    undo_to(&t, &j, &dir, "ad.ldif", AD).await;
}

/// `dirsync clear --mobile-in-entra` on a JSON snapshot, then undo: every byte comes back.
#[tokio::test]
async fn clearing_an_entra_mobile_then_undo_restores_every_byte_of_the_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = cloud_only_snapshot(tmp.path());
    let planned = plan_entra(&t, "desk.two@fabrikam.test", None).await;
    let j = tmp.path().join("clear.jsonl");
    run_one(&t, "dirsync clear", planned, &j).await;
    assert!(!read(&dir, "entra-users.json").contains("+46 46 555 0100"));
    undo_to(&t, &j, &dir, "entra-users.json", ENTRA_CLOUD_ONLY).await;
}

/// Oskar's phone lines as `ldapsearch -LLL` may write them: `mobile` folded, `otherMobile` in base64 (the
/// writer would put each on one plain line).
fn folded_and_base64(ad: &str) -> String {
    let odd = AD.replace(
        "mobile: 0701234567\notherMobile: +46 70 555 0111\n",
        "mobile: 07012\n 34567\notherMobile:: KzQ2IDcwIDU1NSAwMTEx\n",
    );
    assert_ne!(odd, AD);
    if ad.contains('\r') {
        odd.replace('\n', "\r\n")
    } else {
        odd
    }
}

/// Clearing, changing or persisting over folded and base64 phone lines, then undo, gives back every byte of
/// the LDIF, with LF and with CRLF line ends: the journal keeps the lines as the file had them (`LineText`).
/// Before, undo wrote the values back in the writer's form (one plain line each).
#[tokio::test]
async fn folded_and_base64_phone_lines_come_back_byte_for_byte_after_undo() {
    for ad in [
        folded_and_base64(AD),
        folded_and_base64(&AD.replace('\n', "\r\n")),
    ] {
        let edits = [
            // dirsync clear of mobile, then of both.
            edit(Some(None), None),
            edit(Some(None), Some(&[])),
            // dirsync set of both.
            edit(Some(Some("+46 70 555 0110")), Some(&["+46 70 555 0119"])),
            // A persist whose Entra side lacks the other number.
            edit(Some(Some("+46 70 555 0110")), Some(&[])),
        ];
        for (n, edit) in edits.iter().enumerate() {
            let tmp = tempfile::tempdir().unwrap();
            let (dir, t) = writers(tmp.path(), &ad);
            let planned = plan_ad(&t, OSKAR, edit).await;
            let j = tmp.path().join(format!("write-{n}.jsonl"));
            run_one(&t, "dirsync set", planned, &j).await;
            assert_ne!(read(&dir, "ad.ldif"), ad, "edit {n}");
            assert!(
                std::fs::read_to_string(&j)
                    .unwrap()
                    .contains("\"LineText\""),
                "edit {n}"
            );
            // Undo in a new run, as an administrator would.
            drop(t);
            let t = snapshot_writers(&dir).unwrap();
            undo(&t, &j).await;
            assert_eq!(read(&dir, "ad.ldif"), ad, "edit {n}");
        }
    }
}

/// Lines in the writer's form are not copied into the journal: its undo writes the same bytes anyway.
#[tokio::test]
async fn lines_in_the_writer_s_form_are_not_journaled_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, t) = writers(tmp.path(), AD);
    let j = set_oskar(&t, tmp.path()).await;
    assert!(!std::fs::read_to_string(&j).unwrap().contains("LineText"));
    undo_to(&t, &j, &dir, "ad.ldif", AD).await;
}

/// Cloud-only users as a `ConvertTo-Json` export may hold them: one without a `mobilePhone` property, one
/// whose number has an escaped character.
const ENTRA_SPELLED: &str = r#"{"value": [
  {"id": "c1", "userPrincipalName": "desk.one@fabrikam.test", "officeLocation": "Malmo"},
  {"id": "c2", "userPrincipalName": "desk.two@fabrikam.test", "mobilePhone": "+46 46 555\u00200100"}
]}
"#;

/// Setting or clearing `mobilePhone` in such a file, then undo, gives back every byte: the journal keeps how
/// the file held the value (`Absent`, `ValueText`). Before, undo left `"mobilePhone": null` in the first
/// user and wrote the second number without its escape.
#[tokio::test]
async fn entra_writes_over_absent_or_escaped_values_are_undone_byte_for_byte() {
    for (upn, mobile) in [
        ("desk.one@fabrikam.test", Some("+46 40 555 0199")),
        ("desk.two@fabrikam.test", Some("+46 46 555 0101")),
        ("desk.two@fabrikam.test", None),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, t) = entra_snapshot(tmp.path(), ENTRA_SPELLED);
        let planned = plan_entra(&t, upn, mobile).await;
        let j = tmp.path().join("entra.jsonl");
        run_one(&t, "dirsync set", planned, &j).await;
        assert_ne!(read(&dir, "entra-users.json"), ENTRA_SPELLED);
        let journal = std::fs::read_to_string(&j).unwrap();
        assert!(
            journal.contains("\"Absent\":true") || journal.contains("\"ValueText\""),
            "{journal}"
        );
        drop(t);
        let t = snapshot_writers(&dir).unwrap();
        undo(&t, &j).await;
        assert_eq!(
            read(&dir, "entra-users.json"),
            ENTRA_SPELLED,
            "{upn} {mobile:?}"
        );
    }
}
