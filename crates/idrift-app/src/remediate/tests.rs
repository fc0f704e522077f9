//! Tests of remediation runs: every option rehearsed on a copy of the bundled demo, with what people and
//! other services do between the steps (a sync cycle, a migration, a restore completing) made by editing the
//! snapshot, as an administrator rehearsing would; and the safety properties (the recorded GUID, conflicts,
//! declined steps, interrupted writes, resumes that repeat nothing).

use std::path::{Path, PathBuf};

use idrift_core::Guid;
use idrift_core::anchor::immutable_id_from_guid;
use idrift_core::model::{CloudUser, ExoRecipient, OnPremUser, Snapshot};
use idrift_core::plan::{OptionId, PlanOptions};
use idrift_core::scan::ScanOptions;

use super::*;
use crate::journal::{Clock, Entry, OpStatus, PlanSpec};
use crate::snapshot::{Parts, load_dir, write_dir};
use serde_json::json;

fn clock() -> Clock {
    Clock::fixed(1_795_617_005)
}

/// A copy of the bundled demo in a temporary directory.
fn demo_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    let snap = crate::demo::load().unwrap().snapshot;
    write_dir(&dir, &snap, Parts::BOTH).unwrap();
    (tmp, dir)
}

/// A copy of the demo snapshot, as [`demo_dir`], and a journal path `name` beside it.
fn demo_with_journal(name: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, dir) = demo_dir();
    let journal = dir.with_file_name(name);
    (tmp, dir, journal)
}

fn spec_for(dir: &Path, upn: &str, option: OptionId, opts: &PlanOptions) -> PlanSpec {
    let snap = load_dir(dir).unwrap().snapshot;
    let planned = crate::plan::plan(&snap, upn, &ScanOptions::default(), opts).unwrap();
    plan_spec(&planned.plan.unwrap(), option, &snap).unwrap()
}

/// The plan of `option` for `upn` with the default plan options.
fn default_spec(dir: &Path, upn: &str, option: OptionId) -> PlanSpec {
    spec_for(dir, upn, option, &PlanOptions::default())
}

async fn start(dir: &Path, spec: &PlanSpec, journal: &Path) -> RemediationReport {
    let (target, warnings) = RehearsalTarget::open(dir).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    apply(journal, spec, &target, clock(), &mut Yes)
        .await
        .unwrap()
}

/// Resumes with a target opened afresh, so edits made to the files in between are seen.
async fn again(dir: &Path, journal: &Path) -> RemediationReport {
    let (target, _) = RehearsalTarget::open(dir).unwrap();
    let log = crate::journal::read(journal).unwrap();
    resume(&log, &target, clock(), &mut Yes).await.unwrap()
}

/// Changes the snapshot files the way a person or another service would between two runs.
fn edit(dir: &Path, f: impl FnOnce(&mut Snapshot, &mut Vec<CloudUser>, &mut Vec<RestoreRequest>)) {
    let (target, _) = RehearsalTarget::open(dir).unwrap();
    let mut snap = target.snapshot();
    let mut deleted = target.deleted_users();
    let mut requests = target.restore_request_list();
    f(&mut snap, &mut deleted, &mut requests);
    let w = |name: &str| std::fs::File::create(dir.join(name)).unwrap();
    idrift_ldap::ldif::write_users(w(crate::snapshot::AD_FILE), &snap.on_prem).unwrap();
    idrift_cloud::snapshot::write_users(w(crate::snapshot::ENTRA_USERS_FILE), &snap.cloud).unwrap();
    idrift_cloud::snapshot::write_users(w(DELETED_USERS_FILE), &deleted).unwrap();
    idrift_cloud::snapshot::write_exo_recipients(
        w(crate::snapshot::EXO_RECIPIENTS_FILE),
        snap.exo_recipients.as_deref().unwrap_or_default(),
    )
    .unwrap();
    idrift_cloud::snapshot::write_exo_recipients(
        w(crate::snapshot::EXO_USERS_FILE),
        snap.exo_users.as_deref().unwrap_or_default(),
    )
    .unwrap();
    serde_json::to_writer(w(RESTORE_REQUESTS_FILE), &requests).unwrap();
}

/// Each step's status, in step order (the steps are numbered from 1 without gaps).
fn statuses(r: &RemediationReport) -> Vec<&'static str> {
    for (i, s) in r.steps.iter().enumerate() {
        assert_eq!(s.order, i + 1, "{r:#?}");
    }
    r.steps.iter().map(StepRow::label).collect()
}

fn row(r: &RemediationReport, order: usize) -> &StepRow {
    r.steps.iter().find(|s| s.order == order).unwrap()
}

/// How many entries of `kind` ("Started", "Outcome") the journal has for step `seq`.
fn entries_for(journal: &Path, kind: &str, seq: u64) -> usize {
    crate::journal::read(journal)
        .unwrap()
        .entries
        .iter()
        .filter(|e| match e {
            Entry::Started(s) => kind == "Started" && s.seq == seq,
            Entry::Outcome(o) => kind == "Outcome" && o.seq == seq,
            _ => false,
        })
        .count()
}

fn guid(s: &str) -> Guid {
    s.parse().unwrap()
}

/// The AD user `upn` (spelled exactly) of a snapshot.
fn ad_by_upn<'a>(s: &'a Snapshot, upn: &str) -> &'a OnPremUser {
    s.on_prem
        .iter()
        .find(|a| a.user_principal_name.as_deref() == Some(upn))
        .unwrap_or_else(|| panic!("no AD user {upn}"))
}

/// The AD user `upn` (spelled exactly) of a snapshot, to change.
fn ad_mut<'a>(s: &'a mut Snapshot, upn: &str) -> &'a mut OnPremUser {
    s.on_prem
        .iter_mut()
        .find(|a| a.user_principal_name.as_deref() == Some(upn))
        .unwrap_or_else(|| panic!("no AD user {upn}"))
}

/// The Entra user `upn` (spelled exactly) of a snapshot, to change.
fn cloud_mut<'a>(s: &'a mut Snapshot, upn: &str) -> &'a mut CloudUser {
    s.cloud
        .iter_mut()
        .find(|c| c.user_principal_name.as_deref() == Some(upn))
        .unwrap_or_else(|| panic!("no Entra user {upn}"))
}

fn cloud_by_upn<'a>(s: &'a Snapshot, upn: &str) -> Option<&'a CloudUser> {
    s.cloud.iter().find(|u| {
        u.user_principal_name
            .as_deref()
            .is_some_and(|x| x.eq_ignore_ascii_case(upn))
    })
}

const DUP: &str = "testduplicate@contoso.com";
const DUP_ID: &str = "c10d0000-0000-4000-8000-000000000014";
const DUP_CLOUD_GUID: &str = "17d89853-ec3e-4bb3-9bf8-a7d022818fb0";
const DUP_AD_GUID: &str = "064e1a94-3199-49a7-9cb3-3ce3412424d6";

/// The sync cycle after the purge: the AD user comes back as a new Entra user and a MailUser carrying the
/// on-premises ExchangeGuid.
fn sync_recreates_duplicate(dir: &Path) {
    edit(dir, |s, _, _| {
        let ad = ad_by_upn(s, DUP).clone();
        let new_id = "c10d0000-0000-4000-8000-0000000000aa".to_owned();
        s.cloud.push(CloudUser {
            id: new_id.clone(),
            user_principal_name: Some(DUP.to_owned()),
            on_premises_immutable_id: Some(immutable_id_from_guid(&ad.source_anchor().unwrap())),
            on_premises_sync_enabled: Some(true),
            ..CloudUser::default()
        });
        let mail_user = ExoRecipient {
            identity: Some("testduplicate".to_owned()),
            external_directory_object_id: Some(new_id),
            user_principal_name: Some(DUP.to_owned()),
            primary_smtp_address: Some(DUP.to_owned()),
            recipient_type: Some("MailUser".to_owned()),
            recipient_type_details: Some("MailUser".to_owned()),
            exchange_guid: Some(guid(DUP_AD_GUID)),
            ..ExoRecipient::default()
        };
        s.exo_recipients.as_mut().unwrap().push(mail_user.clone());
        s.exo_users.as_mut().unwrap().push(mail_user);
    });
}

/// The migration completes: the MailUser becomes the migrated mailbox.
fn migration_completes(dir: &Path, upn: &str) {
    edit(dir, |s, _, _| {
        for list in [
            s.exo_recipients.as_mut().unwrap(),
            s.exo_users.as_mut().unwrap(),
        ] {
            for r in list
                .iter_mut()
                .filter(|r| !r.is_soft_deleted && r.user_principal_name.as_deref() == Some(upn))
            {
                r.recipient_type = Some("UserMailbox".to_owned());
                r.recipient_type_details = Some("UserMailbox".to_owned());
            }
        }
    });
}

#[tokio::test]
async fn delete_and_merge_rehearsed_end_to_end_repeats_nothing() {
    let (_tmp, dir, j) = demo_with_journal("dm.jsonl");
    let spec = default_spec(&dir, DUP, OptionId::DeleteAndMerge);
    assert_eq!(
        spec.command,
        "plan DeleteAndMerge testduplicate@contoso.com"
    );

    let first = start(&dir, &spec, &j).await;
    assert_eq!(first.stop, Stop::Manual { order: 6 }, "{first:#?}");
    assert_eq!(
        statuses(&first)[..7],
        [
            "recorded", "done", "passed", "done", "passed", "waiting", "pending"
        ]
    );
    assert_eq!(first.writes, 2);
    // The GUID recorded before anything was deleted is the cloud mailbox's, and it is in the journal.
    let recorded = row(&first, 1).found["ExchangeGuid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(recorded, DUP_CLOUD_GUID);
    let snap = load_dir(&dir).unwrap().snapshot;
    assert!(
        cloud_by_upn(&snap, DUP).is_none(),
        "deleted from entra-users.json"
    );
    let soft = snap
        .exo_recipients
        .as_ref()
        .unwrap()
        .iter()
        .find(|r| r.exchange_guid == Some(guid(&recorded)))
        .unwrap();
    assert!(soft.is_soft_deleted);
    assert_eq!(soft.external_directory_object_id, None, "purged");
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    assert!(t.deleted_users().is_empty(), "purged from the recycle bin");
    drop(t);

    // Resuming before the sync ran: step 6 is acknowledged, step 7 does not hold yet.
    let early = again(&dir, &j).await;
    assert_eq!(early.stop, Stop::CheckNotMet { order: 7 }, "{early:#?}");
    assert!(
        row(&early, 7)
            .message
            .as_deref()
            .unwrap()
            .contains("has no recipient"),
        "{early:#?}"
    );

    sync_recreates_duplicate(&dir);
    let second = again(&dir, &j).await;
    assert_eq!(second.stop, Stop::Manual { order: 8 }, "{second:#?}");
    assert_eq!(second.writes, 0);
    migration_completes(&dir, DUP);
    let third = again(&dir, &j).await;
    assert_eq!(third.stop, Stop::CheckNotMet { order: 11 }, "{third:#?}");
    assert_eq!(row(&third, 10).label(), "done");
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    let requests = t.restore_request_list();
    drop(t);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status.as_deref(), Some("Queued"));
    assert_eq!(
        requests[0].source_mailbox.as_deref(),
        Some("Test Duplicate")
    );
    assert!(
        row(&third, 11)
            .message
            .as_deref()
            .unwrap()
            .contains("still Queued")
    );

    edit(&dir, |_, _, requests| {
        requests[0].status = Some("Completed".to_owned());
    });
    let last = again(&dir, &j).await;
    assert_eq!(last.stop, Stop::Completed, "{last:#?}");
    assert_eq!(last.writes, 0);
    // Every write happened exactly once, every step has one final outcome; checks re-run only while unmet.
    for seq in [2, 4, 10] {
        assert_eq!(entries_for(&j, "Started", seq), 1, "step {seq}");
    }
    for seq in [1, 2, 3, 4, 5, 6, 8, 9, 10] {
        assert_eq!(entries_for(&j, "Outcome", seq), 1, "step {seq}");
    }
    assert_eq!(
        entries_for(&j, "Outcome", 7),
        2,
        "not met once, then passed"
    );
    let again_done = again(&dir, &j).await;
    assert_eq!(again_done.stop, Stop::Completed);
    assert!(again_done.steps.iter().all(|s| !s.this_run));
}

#[tokio::test]
async fn a_different_live_guid_stops_before_anything_is_deleted() {
    let (_tmp, dir, j) = demo_with_journal("dm.jsonl");
    let spec = default_spec(&dir, DUP, OptionId::DeleteAndMerge);
    edit(&dir, |s, _, _| {
        for r in s.exo_recipients.as_mut().unwrap() {
            if r.exchange_guid == Some(guid(DUP_CLOUD_GUID)) {
                r.exchange_guid = Some(guid("0badc0de-0000-4000-8000-000000000001"));
            }
        }
    });
    let r = start(&dir, &spec, &j).await;
    assert_eq!(r.stop, Stop::Conflict { order: 1 }, "{r:#?}");
    assert!(!r.stop.is_ok());
    let msg = row(&r, 1).message.clone().unwrap();
    assert!(
        msg.contains(DUP_CLOUD_GUID) && msg.contains("0badc0de"),
        "{msg}"
    );
    assert_eq!(r.writes, 0);
    let snap = load_dir(&dir).unwrap().snapshot;
    assert!(cloud_by_upn(&snap, DUP).is_some(), "nothing was deleted");
}

#[tokio::test]
async fn a_step_already_done_by_someone_else_is_skipped_and_a_purged_user_is_a_conflict() {
    let (_tmp, dir) = demo_dir();
    let spec = default_spec(&dir, DUP, OptionId::DeleteAndMerge);
    // Another administrator deleted the user after the plan was made.
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    t.delete_user(DUP_ID).await.unwrap();
    drop(t);
    let j = dir.with_file_name("a.jsonl");
    let r = start(&dir, &spec, &j).await;
    assert_eq!(row(&r, 2).label(), "already done", "{r:#?}");
    assert_eq!(row(&r, 2).status, OpStatus::Skipped);
    assert_eq!(row(&r, 4).label(), "done");

    // Purged before the run: the delete step finds neither the user nor the recycle bin entry.
    let (_tmp2, dir2) = demo_dir();
    let spec2 = default_spec(&dir2, DUP, OptionId::DeleteAndMerge);
    let (t2, _) = RehearsalTarget::open(&dir2).unwrap();
    t2.delete_user(DUP_ID).await.unwrap();
    t2.purge_deleted_user(DUP_ID).await.unwrap();
    drop(t2);
    let j2 = dir2.with_file_name("b.jsonl");
    let r2 = start(&dir2, &spec2, &j2).await;
    assert_eq!(r2.stop, Stop::Conflict { order: 2 }, "{r2:#?}");
    let msg = row(&r2, 2).message.clone().unwrap();
    assert!(
        msg.contains("active") && msg.contains("found purged"),
        "{msg}"
    );
    assert_eq!(entries_for(&j2, "Started", 2), 0, "nothing was attempted");
}

#[tokio::test]
async fn an_interrupted_write_is_not_repeated_on_resume() {
    let (_tmp, dir, j) = demo_with_journal("dm.jsonl");
    let spec = default_spec(&dir, DUP, OptionId::DeleteAndMerge);
    start(&dir, &spec, &j).await;
    // The kill: the purge reached the directory, its outcome (and everything after) did not reach the disk.
    let text = std::fs::read_to_string(&j).unwrap();
    let cut = text.find("{\"Type\":\"Outcome\",\"Seq\":4").unwrap();
    std::fs::write(&j, &text[..cut]).unwrap();
    let log = crate::journal::read(&j).unwrap();
    assert_eq!(log.ops()[3].status, OpStatus::InDoubt);

    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 6 }, "{r:#?}");
    assert_eq!(row(&r, 4).status, OpStatus::Applied);
    assert!(
        row(&r, 4)
            .message
            .as_deref()
            .unwrap()
            .contains("earlier, interrupted")
    );
    assert_eq!(r.writes, 0);
    assert_eq!(entries_for(&j, "Started", 4), 1);
}

/// Says yes to everything except writes of step `no`.
struct NoTo(usize);

impl Gate for NoTo {
    fn ask(&mut self, ask: Ask<'_>) -> std::io::Result<bool> {
        Ok(match ask {
            Ask::Write(r) => r.order != self.0,
            Ask::ManualDone(_) => true,
        })
    }
}

#[tokio::test]
async fn a_declined_step_writes_nothing_and_resumes_there() {
    let (_tmp, dir, j) = demo_with_journal("dm.jsonl");
    let spec = default_spec(&dir, DUP, OptionId::DeleteAndMerge);
    let (target, _) = RehearsalTarget::open(&dir).unwrap();
    let r = apply(&j, &spec, &target, clock(), &mut NoTo(4))
        .await
        .unwrap();
    assert_eq!(r.stop, Stop::Declined { order: 4 }, "{r:#?}");
    assert_eq!(row(&r, 4).status, OpStatus::Pending);
    assert_eq!(entries_for(&j, "Started", 4), 0);
    drop(target);
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    assert_eq!(t.deleted_users().len(), 1, "still in the recycle bin");
    drop(t);
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 6 });
    assert_eq!(
        entries_for(&j, "Outcome", 2),
        1,
        "the delete was not repeated"
    );
}

#[tokio::test]
async fn remove_license_rehearsed_turns_the_mailbox_into_a_mail_user_and_licenses_again() {
    const UPN: &str = "recipienttest@contoso.com";
    const ID: &str = "c10d0000-0000-4000-8000-000000000015";
    let (_tmp, dir, j) = demo_with_journal("rl.jsonl");
    let before = load_dir(&dir).unwrap().snapshot;
    let licenses = cloud_by_upn(&before, UPN)
        .unwrap()
        .assigned_licenses
        .clone();
    assert!(!licenses.is_empty());
    let spec = default_spec(&dir, UPN, OptionId::RemoveLicense);
    let r = start(&dir, &spec, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 5 }, "{r:#?}");
    assert_eq!(
        statuses(&r)[..5],
        ["done", "passed", "done", "passed", "waiting"]
    );
    let snap = load_dir(&dir).unwrap().snapshot;
    assert!(
        cloud_by_upn(&snap, UPN)
            .unwrap()
            .assigned_licenses
            .is_empty()
    );
    let user = snap
        .exo_users
        .as_ref()
        .unwrap()
        .iter()
        .find(|u| u.external_directory_object_id.as_deref() == Some(ID))
        .unwrap();
    assert_eq!(
        user.previous_recipient_type_details.as_deref(),
        Some("None")
    );

    migration_completes(&dir, UPN);
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Completed, "{r:#?}");
    assert_eq!(row(&r, 7).label(), "done");
    let snap = load_dir(&dir).unwrap().snapshot;
    assert_eq!(
        cloud_by_upn(&snap, UPN).unwrap().assigned_licenses,
        licenses
    );
    assert_eq!(entries_for(&j, "Started", 1), 1);
}

#[tokio::test]
async fn removing_the_last_license_converts_a_duplicate_mailbox_in_the_rehearsal() {
    let (_tmp, dir) = demo_dir();
    let (t, _) = RehearsalTarget::open(&dir).unwrap();
    let sku = t
        .cloud_user(DUP_ID)
        .await
        .unwrap()
        .unwrap()
        .assigned_licenses[0]
        .sku_id
        .clone();
    t.remove_license(DUP_ID, &sku).await.unwrap();
    let r = t.exo_recipient(DUP).await.unwrap().unwrap();
    assert_eq!(r.recipient_type_details.as_deref(), Some("MailUser"));
    assert_eq!(
        r.previous_recipient_type_details.as_deref(),
        Some("UserMailbox")
    );
    assert_eq!(
        r.exchange_guid,
        Some(guid(DUP_AD_GUID)),
        "the MailUser carries the synced on-premises ExchangeGuid"
    );
    let e = t.remove_license(DUP_ID, &sku).await.unwrap_err();
    assert!(matches!(e, SourceError::Refused(_)), "{e}");
}

#[tokio::test]
async fn keep_cloud_mailbox_is_manual_steps_and_checks() {
    const UPN: &str = "hedy.lamarr@contoso.com";
    let (_tmp, dir, j) = demo_with_journal("k.jsonl");
    let spec = default_spec(&dir, UPN, OptionId::KeepCloudMailbox);
    assert!(
        spec.ops
            .iter()
            .all(|o| matches!(step_kind(&o.op), Some(StepKind::Manual | StepKind::Check)))
    );
    let r = start(&dir, &spec, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 1 });
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 2 }, "{r:#?}");
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::CheckNotMet { order: 3 }, "{r:#?}");
    // Set-RemoteMailbox -ExchangeGuid, as the administrator ran it.
    edit(&dir, |s, _, _| {
        let a = ad_mut(s, UPN);
        a.mailbox_guid = Some(guid("c4d40000-0000-4000-8000-000000000016"));
    });
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Completed, "{r:#?}");
    assert_eq!(r.writes, 0);
}

#[tokio::test]
async fn add_routing_address_rehearsed_writes_ad_then_checks_the_cloud() {
    const UPN: &str = "frances.allen@contoso.com";
    const PROXY: &str = "smtp:frances.allen@contoso.mail.onmicrosoft.com";
    let (_tmp, dir, j) = demo_with_journal("ar.jsonl");
    let spec = default_spec(&dir, UPN, OptionId::AddRoutingAddressOnPrem);
    // The cloud lacks the address too (the demo's Entra user already has it).
    edit(&dir, |s, _, _| {
        let c = cloud_mut(s, UPN);
        c.proxy_addresses.retain(|p| !p.eq_ignore_ascii_case(PROXY));
    });
    let r = start(&dir, &spec, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 2 }, "{r:#?}");
    assert_eq!(
        row(&r, 1).message.as_deref(),
        Some(format!("was {PROXY} absent, now {PROXY} present").as_str())
    );
    let snap = load_dir(&dir).unwrap().snapshot;
    let ad = ad_by_upn(&snap, UPN);
    assert!(ad.proxy_addresses.iter().any(|p| p == PROXY), "{ad:?}");
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::CheckNotMet { order: 3 });
    // The sync cycle carries the address to Entra ID.
    edit(&dir, |s, _, _| {
        let c = cloud_mut(s, UPN);
        c.proxy_addresses.push(PROXY.to_owned());
    });
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Completed, "{r:#?}");
    assert_eq!(entries_for(&j, "Started", 1), 1);
}

#[tokio::test]
async fn reprovision_cloud_alias_rehearsed_moves_out_restores_and_moves_back() {
    const UPN: &str = "radia.perlman@contoso.com";
    const ID: &str = "c10d0000-0000-4000-8000-000000000019";
    const HOME: &str = "CN=Radia Perlman,OU=Sync,DC=contoso,DC=com";
    const AWAY: &str = "CN=Radia Perlman,OU=NoSync,DC=contoso,DC=com";
    const ALIAS: &str = "smtp:radia.perlman@contoso.mail.onmicrosoft.com";
    let (_tmp, dir, j) = demo_with_journal("rc.jsonl");
    let opts = PlanOptions {
        out_of_scope_ou: Some("OU=NoSync,DC=contoso,DC=com".to_owned()),
        remote_host_name: None,
    };
    let spec = spec_for(&dir, UPN, OptionId::ReprovisionCloudAlias, &opts);
    let dn_of = |dir: &Path| {
        load_dir(dir)
            .unwrap()
            .snapshot
            .on_prem
            .into_iter()
            .find(|a| a.user_principal_name.as_deref() == Some(UPN))
            .unwrap()
            .distinguished_name
    };

    let r = start(&dir, &spec, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 3 }, "{r:#?}");
    assert_eq!(dn_of(&dir), AWAY);
    // Step 1 recorded the licenses and addresses; step 2 journaled the old DN before moving.
    assert!(
        row(&r, 1).found["AssignedLicenses"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    let log = crate::journal::read(&j).unwrap();
    assert_eq!(
        log.ops()[1].started.as_ref().unwrap().before["DistinguishedName"],
        HOME
    );

    // The sync cycle deletes the out-of-scope user; the recycle bin holds it as a cloud object.
    edit(&dir, |s, deleted, _| {
        let i = s.cloud.iter().position(|c| c.id == ID).unwrap();
        let mut u = s.cloud.remove(i);
        u.on_premises_sync_enabled = None;
        deleted.push(u);
        for r in s.exo_recipients.as_mut().unwrap() {
            if r.external_directory_object_id.as_deref() == Some(ID) {
                r.is_soft_deleted = true;
            }
        }
    });
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 9 }, "{r:#?}");
    assert_eq!(
        statuses(&r)[3..9],
        [
            "passed",
            "done",
            "passed",
            "already done",
            "passed",
            "waiting"
        ]
    );
    // Set-Mailbox -EmailAddresses @{add=...}: the cloud-only user takes the alias.
    edit(&dir, |s, _, _| {
        let c = s.cloud.iter_mut().find(|c| c.id == ID).unwrap();
        c.proxy_addresses.push(ALIAS.to_owned());
    });
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 12 }, "{r:#?}");
    assert_eq!(dn_of(&dir), HOME);
    // The sync cycle soft-matches the user again.
    edit(&dir, |s, _, _| {
        let anchor = ad_by_upn(s, UPN).source_anchor().unwrap();
        let c = s.cloud.iter_mut().find(|c| c.id == ID).unwrap();
        c.on_premises_sync_enabled = Some(true);
        c.on_premises_immutable_id = Some(immutable_id_from_guid(&anchor));
    });
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Manual { order: 14 }, "{r:#?}");
    let r = again(&dir, &j).await;
    assert_eq!(r.stop, Stop::Completed, "{r:#?}");
    for seq in [2, 5, 11] {
        assert_eq!(entries_for(&j, "Started", seq), 1, "step {seq}");
    }
}

#[tokio::test]
async fn resume_refuses_a_journal_of_another_command() {
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path().join("other.jsonl");
    let spec = PlanSpec {
        command: "dirsync persist".to_owned(),
        ..PlanSpec::default()
    };
    crate::journal::start(&j, &spec, clock()).unwrap();
    let (_t2, dir) = demo_dir();
    let (target, _) = RehearsalTarget::open(&dir).unwrap();
    let log = crate::journal::read(&j).unwrap();
    let e = resume(&log, &target, clock(), &mut Yes).await.unwrap_err();
    assert!(e.to_string().contains("not a remediation journal"), "{e}");
    assert!(e.to_string().contains("dirsync persist"), "{e}");
}

#[test]
fn a_placeholder_in_an_automated_step_is_refused() {
    let snap = crate::demo::load().unwrap().snapshot;
    let planned = crate::plan::plan(
        &snap,
        "radia.perlman@contoso.com",
        &ScanOptions::default(),
        &PlanOptions::default(),
    )
    .unwrap();
    // Without --out-of-scope-ou the moves are manual, so the option is runnable.
    let spec = plan_spec(
        planned.plan.as_ref().unwrap(),
        OptionId::ReprovisionCloudAlias,
        &snap,
    )
    .unwrap();
    assert_eq!(
        spec.ops.iter().filter(|o| o.op == OP_AD_MOVE).count(),
        0,
        "no automated move without the OU"
    );
    let e = plan_spec(
        planned.plan.as_ref().unwrap(),
        OptionId::DeleteAndMerge,
        &snap,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not an option"), "{e}");
}

#[test]
fn the_spec_journals_the_plan_and_what_the_runner_needs() {
    let snap = crate::demo::load().unwrap().snapshot;
    let planned =
        crate::plan::plan(&snap, DUP, &ScanOptions::default(), &PlanOptions::default()).unwrap();
    let plan = planned.plan.unwrap();
    let spec = plan_spec(&plan, OptionId::DeleteAndMerge, &snap).unwrap();
    let opt = plan.option(OptionId::DeleteAndMerge).unwrap();
    assert_eq!(spec.ops.len(), opt.steps.len());
    for (op, step) in spec.ops.iter().zip(&opt.steps) {
        let loc = locator(op).unwrap();
        assert_eq!(loc.order, step.order);
        assert_eq!(loc.command, step.command);
        assert_eq!(loc.operation, step.operation);
        assert_eq!(op.seq, step.order as u64);
    }
    assert_eq!(spec.ops[0].op, OP_RECORD_GUID);
    assert_eq!(spec.ops[0].after["ExchangeGuid"], DUP_CLOUD_GUID);
    assert_eq!(spec.ops[1].before, json!({ "State": "Active" }));
    assert_eq!(spec.ops[1].after, json!({ "State": "Deleted" }));
    assert_eq!(spec.ops[3].after, json!({ "State": "Purged" }));
    assert_eq!(spec.ops[5].op, OP_MANUAL);
    let (kind, note) = &spec.notes[0];
    assert_eq!(kind, NOTE_REMEDIATION);
    let note: RemediationNote = serde_json::from_value(note.clone()).unwrap();
    assert_eq!(note.option, OptionId::DeleteAndMerge);
    assert_eq!(note.user_principal_name, DUP);
    assert!(!note.findings.is_empty());
    assert_eq!(
        sides(&spec.ops),
        [Side::ExchangeOnline, Side::Graph],
        "DeleteAndMerge needs no AD access"
    );
}

#[test]
fn values_are_described_in_words() {
    assert_eq!(
        describe_value(OP_GRAPH_PURGE, &json!({ "State": "Deleted" })),
        "in the recycle bin"
    );
    assert_eq!(
        describe_value(
            OP_GRAPH_LICENSE,
            &json!({ "Licenses": [{ "SkuId": "s1", "DisabledPlans": ["p"] }] })
        ),
        "s1 (disabled plans p)"
    );
    assert_eq!(
        describe_value(OP_GRAPH_LICENSE, &json!({ "Licenses": [] })),
        "no license"
    );
    assert_eq!(
        describe_value(
            OP_EXO_CLEAR,
            &json!({ "Cleared": false, "PreviousRecipientTypeDetails": "UserMailbox" })
        ),
        "PreviousRecipientTypeDetails UserMailbox"
    );
    assert_eq!(describe_value("other", &json!(1)), "1");
}

#[tokio::test]
async fn undo_restores_a_deleted_user_and_lists_what_cannot_be_reversed() {
    let (_tmp, dir) = demo_dir();
    let spec = default_spec(&dir, DUP, OptionId::DeleteAndMerge);
    // Stopped before the purge: the delete can be reversed.
    let j = dir.with_file_name("dm.jsonl");
    let (target, _) = RehearsalTarget::open(&dir).unwrap();
    apply(&j, &spec, &target, clock(), &mut NoTo(4))
        .await
        .unwrap();
    let log = crate::journal::read(&j).unwrap();
    let (undo, not_undone) = undo_spec(&log).unwrap();
    assert!(not_undone.is_empty(), "{not_undone:?}");
    assert_eq!(undo.ops.len(), 1);
    assert_eq!(undo.ops[0].op, OP_GRAPH_DELETE);
    assert_eq!(
        undo.command,
        "undo plan DeleteAndMerge testduplicate@contoso.com"
    );
    drop(target);
    let (target, _) = RehearsalTarget::open(&dir).unwrap();
    let report = crate::journal::apply(
        &dir.with_file_name("undo.jsonl"),
        &undo,
        &RemediationExecutor::new(&target),
        clock(),
        crate::journal::RunOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.ops[0].status, OpStatus::Applied, "{report:#?}");
    let snap = load_dir(&dir).unwrap().snapshot;
    assert!(cloud_by_upn(&snap, DUP).is_some(), "restored");
    assert!(target.deleted_users().is_empty());

    // After the purge, neither the purge nor the delete can be reversed.
    let (_tmp2, dir2) = demo_dir();
    let j2 = dir2.with_file_name("dm.jsonl");
    start(
        &dir2,
        &default_spec(&dir2, DUP, OptionId::DeleteAndMerge),
        &j2,
    )
    .await;
    let (undo, not_undone) = undo_spec(&crate::journal::read(&j2).unwrap()).unwrap();
    assert!(undo.ops.is_empty(), "{undo:#?}");
    let steps: Vec<u64> = not_undone.iter().map(|n| n.seq).collect();
    assert_eq!(steps, [4, 2]);
    assert!(not_undone[0].reason.contains("cannot be brought back"));
    assert!(not_undone[1].reason.contains("purged afterwards"));
}

/// A rehearsal (`plan apply --snapshot DIR`) takes the snapshot's lock: a second rehearsal, or a dirsync
/// write, of the same directory is refused with the lock message while the first is open.
#[test]
fn a_second_rehearsal_of_one_snapshot_is_refused_by_the_lock() {
    let (_tmp, dir) = demo_dir();
    let (first, _) = RehearsalTarget::open(&dir).unwrap();
    let msg = RehearsalTarget::open(&dir).unwrap_err().to_string();
    assert!(msg.contains("still held the lock"), "{msg}");
    assert!(msg.contains(".idrift.lock"), "{msg}");
    assert!(crate::targets::snapshot_writers(&dir).is_err());
    drop(first);
    RehearsalTarget::open(&dir).unwrap();
}
