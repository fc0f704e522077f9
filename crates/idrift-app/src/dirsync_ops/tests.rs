//! Tests of the DirSyncOverrides plans and executor against the in-memory directory.

use crate::journal::test_support::{apply_at_zero, apply_limited, message_of, resume_at_zero};
use idrift_core::anchor::immutable_id_from_guid;
use idrift_core::in_memory::InMemoryDirectory;
use idrift_core::model::{Snapshot, SyncFeatures};

use super::*;
use crate::journal::{OpStatus, read, undo_spec};

fn guid(n: u8) -> Guid {
    Guid::from_bytes_le([n; 16])
}

fn ad_user(n: u8, upn: &str, mobile: Option<&str>, other: &[&str]) -> OnPremUser {
    OnPremUser {
        distinguished_name: format!("CN={upn},OU=Users,DC=example,DC=com"),
        object_guid: Some(guid(n)),
        user_principal_name: Some(upn.to_owned()),
        mobile: mobile.map(str::to_owned),
        other_mobile: other.iter().map(|s| (*s).to_owned()).collect(),
        ..OnPremUser::default()
    }
}

fn cloud_user(n: u8, upn: &str, mobile: Option<&str>, synced: bool) -> CloudUser {
    CloudUser {
        id: format!("id-{n}"),
        user_principal_name: Some(upn.to_owned()),
        on_premises_immutable_id: synced.then(|| immutable_id_from_guid(&guid(n))),
        on_premises_sync_enabled: synced.then_some(true),
        mobile_phone: mobile.map(str::to_owned),
        ..CloudUser::default()
    }
}

/// Article 000: testmobile's cloud number was edited (1234567890) and AD later changed to 0987654321.
fn tenant() -> InMemoryDirectory {
    InMemoryDirectory::new(Snapshot {
        on_prem: vec![
            ad_user(1, "testmobile@example.com", Some("0987654321"), &[]),
            ad_user(2, "same@example.com", Some("+1 555 0100"), &["+1 555 0101"]),
            ad_user(3, "cleared@example.com", Some("8035551212"), &["111"]),
        ],
        cloud: vec![
            cloud_user(1, "testmobile@example.com", Some("1234567890"), true),
            cloud_user(2, "same@example.com", Some("+1 555 0100"), true),
            cloud_user(3, "cleared@example.com", None, true),
            cloud_user(9, "cloudonly@example.com", Some("555"), false),
        ],
        tenant_sync: Some(TenantSync {
            id: "sync-1".to_owned(),
            features: SyncFeatures::default(),
        }),
        ..Snapshot::default()
    })
}

fn rows(dir: &InMemoryDirectory) -> Vec<DirSyncOverrideRow> {
    let s = dir.snapshot();
    compare_dirsync(
        &s.on_prem,
        &s.cloud,
        &PhoneOptions::default(),
        Default::default(),
    )
    .rows
}

/// The bypass preview of the directory's users with the default features and phone options.
fn preview_of(d: &InMemoryDirectory) -> BypassPreview {
    let s = d.snapshot();
    bypass_preview(
        &s.on_prem,
        &s.cloud,
        &SyncFeatures::default(),
        &PhoneOptions::default(),
        Default::default(),
    )
}

fn phones(v: &Value) -> Phones {
    serde_json::from_value(v.clone()).unwrap()
}

#[test]
fn persist_plans_the_entra_values_over_the_ad_values() {
    let d = tenant();
    let plan = plan_persist(&rows(&d), &[]);
    let targets: Vec<&str> = plan.spec.ops.iter().map(|o| o.target.as_str()).collect();
    assert_eq!(targets, ["cleared@example.com", "testmobile@example.com"]);
    let t = &plan.spec.ops[1];
    assert_eq!(t.seq, 2);
    assert_eq!(t.op, OP_AD_PHONES);
    assert_eq!(phones(&t.before).mobile.as_deref(), Some("0987654321"));
    assert_eq!(phones(&t.after).mobile.as_deref(), Some("1234567890"));
    // Graph carries no AlternateMobilePhones: otherMobile is kept, and a cleared cloud mobile clears AD's.
    let c = &plan.spec.ops[0];
    assert_eq!(phones(&c.after), Phones::new(None, &["111"]));
    let loc: AdLocator = serde_json::from_value(t.locator.clone()).unwrap();
    assert_eq!(
        loc.dn.as_deref(),
        Some("CN=testmobile@example.com,OU=Users,DC=example,DC=com")
    );
    assert!(plan.not_planned.is_empty());
    assert!(removes_ad_value(c));
    assert!(!removes_ad_value(t));
}

#[test]
fn persist_only_names_users_and_reports_the_unknown_ones() {
    let d = tenant();
    let only = vec![
        "TESTMOBILE@example.com".to_owned(),
        "nobody@example.com".to_owned(),
    ];
    let plan = plan_persist(&rows(&d), &only);
    assert_eq!(plan.spec.ops.len(), 1);
    assert_eq!(plan.spec.ops[0].target, "testmobile@example.com");
    assert_eq!(plan.not_planned.len(), 1);
    assert_eq!(
        plan.not_planned[0].user_principal_name,
        "nobody@example.com"
    );
}

#[test]
fn persist_writes_alternate_mobile_phones_when_the_source_has_them_and_skips_duplicates() {
    let row = DirSyncOverrideRow {
        user_principal_name: "a@example.com".to_owned(),
        mobile_in_ad: Some("1".to_owned()),
        mobile_in_entra: Some("1".to_owned()),
        other_mobile_in_ad: vec!["2".to_owned()],
        alternate_mobile_phones_in_entra: Some(vec!["3".to_owned(), "4".to_owned()]),
        ..DirSyncOverrideRow::default()
    };
    let same = DirSyncOverrideRow {
        user_principal_name: "b@example.com".to_owned(),
        mobile_in_ad: Some("5".to_owned()),
        mobile_in_entra: Some("5".to_owned()),
        ..DirSyncOverrideRow::default()
    };
    let plan = plan_persist(&[row.clone(), row, same], &[]);
    assert_eq!(plan.spec.ops.len(), 1);
    assert_eq!(phones(&plan.spec.ops[0].after).other_mobile, ["3", "4"]);
    let reasons: Vec<&str> = plan.not_planned.iter().map(|n| n.reason.as_str()).collect();
    assert!(reasons[0].contains("second row"), "{reasons:?}");
    assert!(reasons[1].contains("already has"), "{reasons:?}");
}

#[tokio::test]
async fn persist_applies_then_the_preview_is_empty_and_undo_restores_exactly() {
    let d = tenant();
    let before = d.snapshot();
    let plan = plan_persist(&rows(&d), &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.jsonl");
    let exec = DirSyncExecutor::new(Some(&d), Some(&d));
    let report = apply_at_zero(&path, &plan.spec, &exec).await;
    assert_eq!(report.count(OpStatus::Applied), 2, "{report:#?}");
    let s = d.snapshot();
    assert!(
        bypass_preview(
            &s.on_prem,
            &s.cloud,
            &SyncFeatures::default(),
            &PhoneOptions::default(),
            Default::default()
        )
        .users
        .is_empty()
    );
    assert_eq!(s.on_prem[0].mobile.as_deref(), Some("1234567890"));

    let (undo, _) = undo_spec(&read(&path).unwrap());
    let upath = dir.path().join("undo.jsonl");
    let report = apply_at_zero(&upath, &undo, &exec).await;
    assert_eq!(report.count(OpStatus::Applied), 2);
    assert_eq!(d.snapshot(), before);
}

#[tokio::test]
async fn persist_skips_a_user_changed_in_ad_after_planning_as_a_conflict() {
    let d = tenant();
    let plan = plan_persist(&rows(&d), &[]);
    d.edit(|s| s.on_prem[0].mobile = Some("5550000".to_owned()));
    let dir = tempfile::tempdir().unwrap();
    let exec = DirSyncExecutor::new(Some(&d), None);
    let report = apply_at_zero(&dir.path().join("j"), &plan.spec, &exec).await;
    let t = report
        .ops
        .iter()
        .find(|o| o.target == "testmobile@example.com")
        .unwrap();
    assert_eq!(t.status, OpStatus::Conflict);
    assert!(
        t.message
            .as_deref()
            .unwrap()
            .contains("found mobile=5550000"),
        "{t:?}"
    );
    assert_eq!(d.snapshot().on_prem[0].mobile.as_deref(), Some("5550000"));
    assert!(report.has_failures());
}

#[tokio::test]
async fn persist_resumes_after_a_stop_without_writing_twice() {
    let d = tenant();
    let plan = plan_persist(&rows(&d), &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let exec = DirSyncExecutor::new(Some(&d), None);
    let first = apply_limited(&path, &plan.spec, &exec, 1).await;
    assert_eq!(first.writes, 1);
    let second = resume_at_zero(&read(&path).unwrap(), &exec).await;
    assert_eq!(second.writes, 1);
    assert_eq!(second.count(OpStatus::Applied), 2);
}

#[tokio::test]
async fn an_ad_user_moved_since_planning_is_found_by_upn() {
    let d = tenant();
    let plan = plan_persist(&rows(&d), &["testmobile@example.com".to_owned()]);
    d.edit(|s| {
        s.on_prem[0].distinguished_name = "CN=testmobile,OU=Moved,DC=example,DC=com".to_owned()
    });
    let dir = tempfile::tempdir().unwrap();
    let exec = DirSyncExecutor::new(Some(&d), None);
    let report = apply_at_zero(&dir.path().join("j"), &plan.spec, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Applied);
}

#[tokio::test]
async fn an_operation_without_its_directory_fails_with_a_hint() {
    let d = tenant();
    let plan = plan_persist(&rows(&d), &[]);
    let dir = tempfile::tempdir().unwrap();
    let exec = DirSyncExecutor::new(None, Some(&d));
    let report = apply_at_zero(&dir.path().join("j"), &plan.spec, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Failed);
    assert!(
        message_of(&report, 0).contains("writes to Active Directory, which this run was not given")
    );
}

#[test]
fn identities_are_read_like_adsynctools() {
    let g = "0b9ea9e5-3e39-4d6f-8f4e-6c1d2d3e4f50";
    assert_eq!(parse_identity(g), UserKey::ObjectGuid(g.parse().unwrap()));
    assert_eq!(
        parse_identity(&format!("{{{g}}}")),
        UserKey::ObjectGuid(g.parse().unwrap())
    );
    assert_eq!(
        parse_identity("CN=a,DC=b"),
        UserKey::Dn("CN=a,DC=b".to_owned())
    );
    assert_eq!(parse_identity(" a@b.c "), UserKey::Upn("a@b.c".to_owned()));
}

#[tokio::test]
async fn get_reads_either_side() {
    let d = tenant();
    let ad = get_ad(&d, "testmobile@example.com").await.unwrap();
    assert_eq!(ad.mobile.as_deref(), Some("0987654321"));
    let entra = get_entra(&d, "testmobile@example.com").await.unwrap();
    assert_eq!(entra.mobile_phone.as_deref(), Some("1234567890"));
    assert!(entra.synced);
    assert_eq!(entra.alternate_mobile_phones, None);
    let err = get_ad(&d, "nobody@example.com").await.unwrap_err();
    assert_eq!(err.to_string(), "no AD user nobody@example.com");
}

#[tokio::test]
async fn ad_edits_change_only_the_named_attributes() {
    let d = tenant();
    let edit = AdPhoneEdit {
        mobile: None,
        other_mobile: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    let op = plan_ad_edit(&d, "cleared@example.com", &edit)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        phones(&op.before),
        Phones::new(Some("8035551212"), &["111"])
    );
    assert_eq!(
        phones(&op.after),
        Phones::new(Some("8035551212"), &["a", "b"])
    );
    let clear = AdPhoneEdit {
        mobile: Some(None),
        other_mobile: Some(vec![]),
    };
    let op = plan_ad_edit(&d, "cleared@example.com", &clear)
        .await
        .unwrap()
        .unwrap();
    assert!(phones(&op.after).is_empty());
    let same = AdPhoneEdit {
        mobile: Some(Some("8035551212".to_owned())),
        other_mobile: None,
    };
    assert_eq!(
        plan_ad_edit(&d, "cleared@example.com", &same)
            .await
            .unwrap(),
        None
    );
    assert!(
        plan_ad_edit(&d, "cleared@example.com", &AdPhoneEdit::default())
            .await
            .unwrap_err()
            .is_usage()
    );
}

#[tokio::test]
async fn entra_edits_work_for_cloud_only_users_and_are_refused_plainly_for_synced_users() {
    let d = tenant();
    let err = plan_entra_edit(&d, "testmobile@example.com", Some("1".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), format!("refused: {SYNCED_PHONE_REFUSAL}"));
    let op = plan_entra_edit(&d, "cloudonly@example.com", None)
        .await
        .unwrap()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exec = DirSyncExecutor::new(None, Some(&d));
    let spec = single_spec("dirsync clear", op);
    let report = apply_at_zero(&dir.path().join("j"), &spec, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Applied);
    assert_eq!(
        describe_value(OP_ENTRA_MOBILE, &report.ops[0].before),
        "mobilePhone=555"
    );
    assert_eq!(
        describe_value(OP_ENTRA_MOBILE, &report.ops[0].after),
        "mobilePhone=(none)"
    );
    assert_eq!(
        get_entra(&d, "cloudonly@example.com")
            .await
            .unwrap()
            .mobile_phone,
        None
    );
    assert_eq!(
        plan_entra_edit(&d, "cloudonly@example.com", Some(" ".to_owned()))
            .await
            .unwrap(),
        None
    );
}

#[test]
fn the_preview_lists_the_data_at_risk_in_the_documented_json_shape() {
    let d = tenant();
    let preview = preview_of(&d);
    // cleared@ has a number in AD only: the switch writes it to the cloud, nothing is lost (R12).
    assert_eq!(preview.users.len(), 1);
    let json = serde_json::to_value(&preview).unwrap();
    assert_eq!(
        json,
        json!({"Users": [{
            "UserPrincipalName": "testmobile@example.com",
            "MobileInAD": "0987654321",
            "MobileInEntra": "1234567890",
            "OtherMobileInAD": [],
            "AlternateMobilePhonesInEntra": null
        }]})
    );
    assert_eq!(
        preview.users[0].explanation,
        "AD mobile is 0987654321 but Entra keeps 1234567890: a cloud edit created a DirSyncOverride; enabling \
         BypassDirSyncOverrides will replace it with AD's value"
    );
    let blocker = enable_blocker(&preview, false).unwrap();
    assert_eq!(
        blocker,
        EnableBlocker {
            risks: preview.risks()
        }
    );
    let text = blocker.describe("PERSIST", "ACCEPT");
    assert!(text.contains("1 user(s)"), "{text}");
    assert!(
        text.contains("(PERSIST) and read all of AD, or give ACCEPT to lose them"),
        "{text}"
    );
    assert_eq!(enable_blocker(&preview, true), None);
    assert_eq!(enable_blocker(&BypassPreview::default(), false), None);
}

#[tokio::test]
async fn bypass_plans_journal_the_preview_and_flip_the_switch() {
    let d = tenant();
    let sync = tenant_sync(&d).await.unwrap();
    let preview = preview_of(&d);
    let spec = plan_bypass(&sync, true, Some(&preview)).unwrap();
    assert_eq!(spec.notes[0].0, NOTE_BYPASS_PREVIEW);
    assert_eq!(spec.notes[0].1["Users"].as_array().unwrap().len(), 1);
    assert_eq!(plan_bypass(&sync, false, None), None, "already disabled");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let exec = DirSyncExecutor::new(None, Some(&d));
    let report = apply_at_zero(&path, &spec, &exec).await;
    assert_eq!(report.ops[0].status, OpStatus::Applied);
    assert!(
        tenant_sync(&d)
            .await
            .unwrap()
            .features
            .bypass_dir_sync_overrides_enabled
    );
    assert_eq!(
        read(&path).unwrap().notes()[0].data,
        serde_json::to_value(&preview).unwrap()
    );
    // Undo switches it back.
    let (undo, _) = undo_spec(&read(&path).unwrap());
    apply_at_zero(&dir.path().join("u"), &undo, &exec).await;
    assert!(
        !tenant_sync(&d)
            .await
            .unwrap()
            .features
            .bypass_dir_sync_overrides_enabled
    );
}

#[tokio::test]
async fn a_source_without_a_tenant_sync_object_says_what_is_missing() {
    let d = InMemoryDirectory::default();
    let err = tenant_sync(&d).await.unwrap_err();
    assert!(err.to_string().contains("entra-sync.json"), "{err}");
}

#[test]
fn an_empty_ad_read_puts_every_synced_user_at_risk_and_blocks_enable() {
    let d = tenant();
    let s = d.snapshot();
    let preview = bypass_preview(
        &[],
        &s.cloud,
        &SyncFeatures::default(),
        &PhoneOptions::default(),
        Default::default(),
    );
    assert!(preview.users.is_empty());
    let unseen: Vec<&str> = preview
        .synced_without_ad_match
        .iter()
        .map(|u| u.user_principal_name.as_str())
        .collect();
    // cloudonly@ is not synced: sync never writes it.
    assert_eq!(
        unseen,
        vec![
            "cleared@example.com",
            "same@example.com",
            "testmobile@example.com"
        ]
    );
    assert_eq!(
        preview.ad_read_incomplete,
        vec!["the AD read returned no users"]
    );
    assert_eq!(
        preview.summary(),
        "0 user(s) whose Entra values differ from AD's; 3 synced Entra user(s) with no AD match (their AD \
         values are unknown)"
    );
    let blocker = enable_blocker(&preview, false).unwrap().describe("P", "A");
    assert!(blocker.contains("3 synced Entra user(s)"), "{blocker}");
    assert!(blocker.contains("returned no users"), "{blocker}");
    assert_eq!(enable_blocker(&preview, true), None);
    let json = serde_json::to_value(&preview).unwrap();
    assert_eq!(json["SyncedWithoutAdMatch"].as_array().unwrap().len(), 3);
    assert_eq!(json["AdReadIncomplete"][0], "the AD read returned no users");
}

#[test]
fn a_synced_user_missing_from_ad_blocks_enable_and_the_journal_notes_why() {
    let d = tenant();
    let mut s = d.snapshot();
    // AD lost same@ (a partial read); every other user agrees with the cloud.
    s.on_prem
        .retain(|u| u.user_principal_name.as_deref() != Some("same@example.com"));
    s.cloud[0].mobile_phone = Some("0987654321".to_owned());
    let preview = bypass_preview(
        &s.on_prem,
        &s.cloud,
        &SyncFeatures::default(),
        &PhoneOptions::default(),
        Default::default(),
    );
    assert!(preview.users.is_empty());
    assert_eq!(preview.synced_without_ad_match.len(), 1);
    assert!(preview.ad_read_incomplete.is_empty());
    assert!(enable_blocker(&preview, false).is_some());
    let spec = plan_bypass(s.tenant_sync.as_ref().unwrap(), true, Some(&preview)).unwrap();
    assert_eq!(spec.notes[1].0, NOTE_BYPASS_RISKS);
    assert_eq!(spec.notes[1].1["Accepted"].as_array().unwrap().len(), 1);
}

/// An AD source whose read is scoped, like `--ad-filter` or a base DN below the domain root.
struct Scoped(InMemoryDirectory);

#[async_trait::async_trait]
impl OnPremDirectory for Scoped {
    async fn users(&self) -> Result<Vec<OnPremUser>, SourceError> {
        OnPremDirectory::users(&self.0).await
    }

    fn read_scope(&self) -> Option<String> {
        Some("the AD read is scoped (filter (department=Sales))".to_owned())
    }
}

#[tokio::test]
async fn a_scoped_ad_read_blocks_enable_even_when_everything_matches() {
    let d = tenant();
    let mut s = d.snapshot();
    s.cloud[0].mobile_phone = Some("0987654321".to_owned());
    let both = InMemoryDirectory::new(s);
    let whole = bypass_preview_sources(&both, &both, &PhoneOptions::default())
        .await
        .unwrap();
    assert!(whole.risks().is_empty(), "{:?}", whole.risks());
    assert_eq!(enable_blocker(&whole, false), None);
    let scoped = Scoped(InMemoryDirectory::new(both.snapshot()));
    let preview = bypass_preview_sources(&scoped, &both, &PhoneOptions::default())
        .await
        .unwrap();
    let blocker = enable_blocker(&preview, false).unwrap().describe("P", "A");
    assert!(blocker.contains("(department=Sales)"), "{blocker}");
    assert_eq!(enable_blocker(&preview, true), None);
}

#[tokio::test]
async fn bypass_set_decides_the_switch_the_interlock_and_the_accepted_risks_once() {
    let d = tenant();
    let phone = PhoneOptions::default();
    // testmobile's Entra number differs from AD's: enabling is refused unless the loss is accepted.
    let refused = bypass_set(Some(&d), &d, true, false, &phone).await.unwrap();
    assert!(refused.spec.is_some());
    assert!(refused.blocker.is_some());
    assert!(refused.accepted.is_empty());
    assert_eq!(refused.sync_id, "sync-1");
    let accepted = bypass_set(Some(&d), &d, true, true, &phone).await.unwrap();
    assert!(accepted.blocker.is_none());
    assert_eq!(
        accepted.accepted,
        accepted.preview.as_ref().unwrap().risks(),
        "the accepted risks are the preview's"
    );
    // Disabling an already disabled switch plans nothing, needs no AD side and has no interlock.
    let disable = bypass_set(None, &d, false, false, &phone).await.unwrap();
    assert!(disable.spec.is_none() && disable.blocker.is_none() && disable.preview.is_none());
    // Enabling without the AD side is refused: the preview needs it.
    let e = bypass_set(None, &d, true, true, &phone).await.unwrap_err();
    assert!(e.to_string().contains("needs the AD side"), "{e}");
    // Already enabled: nothing to switch, so no interlock even with values at risk.
    let mut s = d.snapshot();
    s.tenant_sync
        .as_mut()
        .unwrap()
        .features
        .bypass_dir_sync_overrides_enabled = true;
    let on = InMemoryDirectory::new(s);
    let again = bypass_set(Some(&on), &on, true, false, &phone)
        .await
        .unwrap();
    assert!(again.spec.is_none() && again.blocker.is_none());
    assert!(again.preview.is_some());
}

#[tokio::test]
async fn persist_plans_from_a_compare_leaves_out_skipped_users_and_names_removals() {
    let d = tenant();
    let phone = PhoneOptions::default();
    let all = persist(
        &d,
        PersistRows::Compare {
            cloud: &d,
            phone: phone.clone(),
        },
        &[],
        &[],
    )
    .await
    .unwrap();
    let targets: Vec<&str> = all
        .plan
        .spec
        .ops
        .iter()
        .map(|o| o.target.as_str())
        .collect();
    assert!(targets.contains(&"testmobile@example.com"), "{targets:?}");
    assert_eq!(
        all.removing,
        vec!["cleared@example.com".to_owned()],
        "Entra has no number there"
    );
    let skip = vec![" CLEARED@example.com ".to_owned()];
    let skipped = persist(&d, PersistRows::Compare { cloud: &d, phone }, &[], &skip)
        .await
        .unwrap();
    assert!(skipped.removing.is_empty());
    assert!(
        skipped
            .plan
            .spec
            .ops
            .iter()
            .all(|o| o.target != "cleared@example.com")
    );
    // Rows the caller holds plan the same writes as a fresh compare.
    let from_rows = persist(&d, PersistRows::Rows(rows(&d)), &[], &[])
        .await
        .unwrap();
    assert_eq!(from_rows.plan.spec.ops, all.plan.spec.ops);
}
