//! `idrift plan UPN --option ID --apply`: remediation runs.
//!
//! - `cli_rehearsal`: the command on a copy of the demo snapshot (no services): the steps run, stop at the
//!   first manual step with the exact resume command, and continue from the journal.
//! - `emulator`: the Graph and Exchange Online steps against the cloud emulator (always run): assignLicense,
//!   delete, purge with 503s beyond the retry budget and a resume, Set-User, New-MailboxRestoreRequest.
//! - `live`: the Samba domain controller and the emulator together (gated on `AD_LDAP_URL` like `ad_live`;
//!   required under `CI=true`): the LDAP steps (proxy address, moves), article 003's sequence with the restore
//!   failing in the middle, and `DeleteAndMerge` through the CLI with the connection dropped on the purge.
//!
//! What people and other services do between the steps (a sync cycle, a migration, a restore completing) is
//! done by the test through the emulator's and the DC's own interfaces.

use std::path::Path;

use idrift_app::journal::{self, Clock, Entry};
use idrift_app::remediate::{RemediationReport, StepRow};
use serde_json::Value;

fn clock() -> Clock {
    Clock::fixed(1_795_617_005)
}

fn row(r: &RemediationReport, order: usize) -> &StepRow {
    r.steps
        .iter()
        .find(|s| s.order == order)
        .expect("the step is in the report")
}

/// How many entries of `kind` ("Started", "Outcome") the journal holds for step `seq`.
fn entries_for(j: &Path, kind: &str, seq: u64) -> usize {
    journal::read(j)
        .expect("the journal reads")
        .entries
        .iter()
        .filter(|e| match e {
            Entry::Started(s) => kind == "Started" && s.seq == seq,
            Entry::Outcome(o) => kind == "Outcome" && o.seq == seq,
            _ => false,
        })
        .count()
}

/// The value journaled as found by step `seq` (its last outcome).
fn journaled(j: &Path, seq: u64) -> Value {
    let log = journal::read(j).expect("the journal reads");
    log.ops()
        .into_iter()
        .find(|o| o.planned.seq == seq)
        .and_then(|o| o.outcome)
        .and_then(|o| o.after)
        .unwrap_or(Value::Null)
}

mod cli_rehearsal {
    //! The command on a snapshot directory: rehearsal, resume, and the usage errors.

    use std::path::Path;
    use std::process::ExitCode;

    use super::entries_for;
    use crate::support::{idrift, root};

    const UPN: &str = "testduplicate@contoso.com";

    fn demo_copy() -> (tempfile::TempDir, String) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("snap");
        std::fs::create_dir(&dir).expect("mkdir");
        for f in [
            "ad.ldif",
            "entra-users.json",
            "entra-sync.json",
            "exo-recipients.json",
            "exo-users.json",
        ] {
            std::fs::copy(root().join("examples/demo").join(f), dir.join(f))
                .expect("copy the demo");
        }
        let d = dir.display().to_string();
        (tmp, d)
    }

    #[test]
    fn plan_apply_rehearses_on_a_snapshot_stops_at_the_manual_step_and_resumes() {
        let (tmp, dir) = demo_copy();
        let j = tmp.path().join("dm.jsonl");
        let js = j.display().to_string();

        // Without --apply: the plan and what --apply would do; nothing is written.
        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "DeleteAndMerge",
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        assert!(
            r.stdout.contains(
                "Dry run: nothing was changed. 11 step(s): 3 write(s), 5 check(s), 1 record(s), 2 manual."
            ),
            "{}",
            r.stdout
        );
        assert!(!j.exists());

        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "DeleteAndMerge",
            "--apply",
            "--yes",
            "--journal",
            &js,
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .contains("Stopped at step 6, which is manual: On the Entra Connect server"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains(&format!(
                "Do it, then continue with:\n    idrift plan {UPN} --option DeleteAndMerge --apply --resume {js} --snapshot {dir}\n"
            )),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains("recorded ExchangeGuid 17d89853-ec3e-4bb3-9bf8-a7d022818fb0"),
            "{}",
            r.stdout
        );
        let users =
            std::fs::read_to_string(Path::new(&dir).join("entra-users.json")).expect("read");
        assert!(!users.contains(UPN), "the rehearsal deleted the user");

        // The resume without --apply shows what is left.
        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "DeleteAndMerge",
            "--resume",
            &js,
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        assert!(r.stdout.contains("5 of 11 step(s) done:"), "{}", r.stdout);
        assert!(
            r.stdout
                .contains("Run again with --apply to continue from step 6."),
            "{}",
            r.stdout
        );

        // With --apply: step 6 counts as done; step 7 waits for the sync to create the MailUser.
        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "DeleteAndMerge",
            "--resume",
            &js,
            "--apply",
            "--yes",
        ]);
        assert_eq!(r.code, ExitCode::from(1), "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("Stopped at step 7: not met:"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("When it holds, continue with:"),
            "{}",
            r.stdout
        );
        assert_eq!(entries_for(&j, "Started", 2), 1, "the delete ran once");
        assert_eq!(entries_for(&j, "Started", 4), 1, "the purge ran once");
    }

    #[test]
    fn plan_apply_usage_errors() {
        let (tmp, dir) = demo_copy();
        let r = idrift(&["plan", UPN, "--snapshot", &dir, "--apply", "--yes"]);
        assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
        assert!(r.stderr.contains("--apply runs one option"), "{}", r.stderr);

        let r = idrift(&[
            "plan",
            UPN,
            "--demo",
            "--option",
            "DeleteAndMerge",
            "--apply",
            "--yes",
            "--journal",
            &tmp.path().join("x.jsonl").display().to_string(),
        ]);
        assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
        assert!(r.stderr.contains("read-only"), "{}", r.stderr);

        // Export files cannot be written: only a snapshot directory is rehearsed on.
        let r = idrift(&[
            "plan",
            UPN,
            "--ad",
            &format!("{dir}/ad.ldif"),
            "--entra",
            &format!("{dir}/entra-users.json"),
            "--exo",
            &format!("{dir}/exo-recipients.json"),
            "--option",
            "DeleteAndMerge",
            "--apply",
            "--yes",
            "--journal",
            &tmp.path().join("y.jsonl").display().to_string(),
        ]);
        assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
        assert!(r.stderr.contains("--snapshot DIR"), "{}", r.stderr);

        // A journal of one option does not resume another.
        let j = tmp.path().join("dm.jsonl").display().to_string();
        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "DeleteAndMerge",
            "--apply",
            "--yes",
            "--journal",
            &j,
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "RemoveLicense",
            "--resume",
            &j,
            "--apply",
            "--yes",
        ]);
        assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("runs DeleteAndMerge for testduplicate@contoso.com"),
            "{}",
            r.stderr
        );
        // The same journal cannot be started twice.
        let r = idrift(&[
            "plan",
            UPN,
            "--snapshot",
            &dir,
            "--option",
            "DeleteAndMerge",
            "--apply",
            "--yes",
            "--journal",
            &j,
        ]);
        assert_eq!(r.code, ExitCode::from(2), "{}", r.stderr);
        assert!(r.stderr.contains("journal already exists"), "{}", r.stderr);
    }
}

mod emulator {
    //! The Graph and Exchange Online steps against the cloud emulator. AD is an in-memory user: these
    //! options write nothing on-premises.

    use std::time::Duration;

    use crate::support::client_config;
    use idrift_app::journal::OpStatus;
    use idrift_app::live::{
        self, CloudConfig, ExoClient, GraphClient, LiveData, LiveSpec, RetryPolicy,
    };
    use idrift_app::remediate::{self, LiveTarget, Stop, Yes};
    use idrift_cloud_emulator::{E3_SKU, Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter};
    use idrift_core::Guid;
    use idrift_core::anchor::immutable_id_from_guid;
    use idrift_core::model::{AssignedLicense, CloudUser, ExoRecipient, OnPremUser, Snapshot};
    use idrift_core::plan::{OptionId, PlanOptions};
    use idrift_core::scan::ScanOptions;

    use super::{clock, entries_for, journaled, row};

    const ID: &str = "a1b2c3d4-0000-4000-8000-000000000001";
    const UPN: &str = "pat.duplicate@contoso.com";
    const AD_GUID: &str = "0a0d0000-0000-4000-8000-0000000000ad";
    const CLOUD_GUID: &str = "c1c10000-0000-4000-8000-0000000000c1";
    const PLAN: &str = "bea13e0c-3828-4daa-a392-28af7ff61a0f";

    fn fast(emulator: &Emulator) -> CloudConfig {
        let mut c = client_config(emulator);
        c.retry = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        c
    }

    fn ad_user(anchor: Guid, recipient_type_details: i64) -> OnPremUser {
        OnPremUser {
            distinguished_name: "CN=Pat Duplicate,OU=Sync,DC=contoso,DC=com".to_owned(),
            object_guid: Some(anchor),
            user_principal_name: Some(UPN.to_owned()),
            proxy_addresses: vec![format!("SMTP:{UPN}")],
            mailbox_guid: Some(AD_GUID.parse().expect("guid")),
            recipient_type_details: Some(recipient_type_details),
            ..OnPremUser::default()
        }
    }

    fn recipient(details: &str, guid: &str, previous: Option<&str>) -> ExoRecipient {
        ExoRecipient {
            identity: Some("pat.duplicate".to_owned()),
            external_directory_object_id: Some(ID.to_owned()),
            user_principal_name: Some(UPN.to_owned()),
            primary_smtp_address: Some(UPN.to_owned()),
            recipient_type: Some(
                if details == "MailUser" {
                    "MailUser"
                } else {
                    "UserMailbox"
                }
                .to_owned(),
            ),
            recipient_type_details: Some(details.to_owned()),
            previous_recipient_type_details: previous.map(str::to_owned),
            exchange_guid: Some(guid.parse().expect("guid")),
            email_addresses: vec![format!("SMTP:{UPN}")],
            is_dir_synced: Some(true),
            ..ExoRecipient::default()
        }
    }

    /// The tenant: a synced, licensed user; its Exchange object is `exo`.
    async fn tenant(anchor: Guid, exo: ExoRecipient) -> Emulator {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .expect("the emulator starts");
        emulator.add_users([CloudUser {
            id: ID.to_owned(),
            user_principal_name: Some(UPN.to_owned()),
            on_premises_immutable_id: Some(immutable_id_from_guid(&anchor)),
            on_premises_sync_enabled: Some(true),
            proxy_addresses: vec![format!("SMTP:{UPN}")],
            assigned_licenses: vec![AssignedLicense {
                sku_id: E3_SKU.to_owned(),
                disabled_plans: vec![PLAN.to_owned()],
            }],
            ..CloudUser::default()
        }]);
        emulator.add_exo_recipient(exo.clone());
        emulator.add_exo_user(exo);
        emulator
    }

    /// Reads the tenant live and plans `option` for the user (AD from `ad`).
    async fn plan(
        emulator: &Emulator,
        ad: OnPremUser,
        option: OptionId,
    ) -> idrift_app::journal::PlanSpec {
        let cfg = fast(emulator);
        let data: LiveData = live::read(&LiveSpec {
            ad: None,
            graph: Some(cfg.clone()),
            exo: Some(cfg),
        })
        .await
        .expect("the live read");
        let mut snap = Snapshot {
            on_prem: vec![ad],
            ..Snapshot::default()
        };
        data.merge_into(&mut snap);
        let planned =
            idrift_app::plan::plan(&snap, UPN, &ScanOptions::default(), &PlanOptions::default())
                .expect("the plan");
        remediate::plan_spec(&planned.plan.expect("findings"), option, &snap).expect("the spec")
    }

    fn target(emulator: &Emulator) -> (LiveTarget, GraphClient) {
        let cfg = fast(emulator);
        let graph = GraphClient::new(&cfg).expect("graph");
        let exo = ExoClient::new(&cfg).expect("exo");
        (
            LiveTarget::new(None, Some(graph.clone()), Some(exo), "the emulator"),
            graph,
        )
    }

    #[tokio::test]
    async fn assign_license_adds_a_license_with_its_disabled_plans() {
        let anchor: Guid = "5a5a0000-0000-4000-8000-000000000001"
            .parse()
            .expect("guid");
        let emulator = tenant(anchor, recipient("UserMailbox", CLOUD_GUID, None)).await;
        let (_, graph) = target(&emulator);
        graph.remove_license(ID, E3_SKU).await.expect("remove");
        assert!(
            emulator
                .user(ID)
                .expect("user")
                .assigned_licenses
                .is_empty()
        );
        graph
            .assign_license(ID, E3_SKU, &[PLAN.to_owned()])
            .await
            .expect("assign");
        assert_eq!(
            emulator.user(ID).expect("user").assigned_licenses,
            [AssignedLicense {
                sku_id: E3_SKU.to_owned(),
                disabled_plans: vec![PLAN.to_owned()],
            }]
        );
        let sent = emulator
            .requests()
            .into_iter()
            .rfind(|r| r.path.ends_with("/assignLicense"))
            .expect("the request");
        let body: serde_json::Value = serde_json::from_str(&sent.body).expect("JSON body");
        assert_eq!(
            body,
            serde_json::json!({
                "addLicenses": [{ "skuId": E3_SKU, "disabledPlans": [PLAN] }],
                "removeLicenses": []
            })
        );
        let e = graph
            .assign_license("no-such-user", E3_SKU, &[])
            .await
            .expect_err("an unknown user");
        assert!(e.is_not_found(), "{e}");
    }

    #[tokio::test]
    async fn delete_and_merge_on_the_emulator_survives_503s_on_the_purge_and_resumes() {
        let anchor: Guid = "5a5a0000-0000-4000-8000-000000000002"
            .parse()
            .expect("guid");
        let emulator = tenant(anchor, recipient("UserMailbox", CLOUD_GUID, None)).await;
        let spec = plan(&emulator, ad_user(anchor, 1), OptionId::DeleteAndMerge).await;
        let (t, _) = target(&emulator);
        let tmp = tempfile::tempdir().expect("temp dir");
        let j = tmp.path().join("dm.jsonl");

        // The purge answers 503 beyond the retry budget (3 attempts).
        emulator.inject(
            FaultRule::new(
                Fault::Unavailable(RetryAfter::None),
                format!("/v1.0/directory/deletedItems/{ID}"),
                100,
            )
            .method("DELETE"),
        );
        let r = remediate::apply(&j, &spec, &t, clock(), &mut Yes)
            .await
            .expect("the run");
        assert_eq!(r.stop, Stop::Failed { order: 4 }, "{r:#?}");
        let msg = row(&r, 4).message.clone().expect("a message");
        assert!(
            msg.starts_with("write failed:") && msg.contains("503"),
            "{msg}"
        );
        assert_eq!(
            row(&r, 5).status,
            OpStatus::Pending,
            "nothing after the failure ran"
        );
        assert_eq!(
            emulator.deleted_users().len(),
            1,
            "still in the recycle bin"
        );
        // The journal is intact: the failed purge had started, earlier steps are final.
        let log = idrift_app::journal::read(&j).expect("the journal");
        assert!(log.warnings.is_empty() && log.plan_complete);
        let ops = log.ops();
        assert!(ops[..3].iter().all(|o| o.status.is_final()), "{ops:#?}");
        assert_eq!(ops[3].status, OpStatus::Failed);
        assert!(ops[3].started.is_some());
        // The GUID recorded before the delete is the cloud mailbox's.
        assert_eq!(journaled(&j, 1)["ExchangeGuid"], CLOUD_GUID);

        emulator.clear_faults();
        let log = idrift_app::journal::read(&j).expect("the journal");
        let r = remediate::resume(&log, &t, clock(), &mut Yes)
            .await
            .expect("the resume");
        assert_eq!(r.stop, Stop::Manual { order: 6 }, "{r:#?}");
        assert_eq!(row(&r, 4).label(), "done");
        assert!(emulator.deleted_users().is_empty(), "purged");
        let soft = emulator
            .exo_recipients()
            .into_iter()
            .find(|x| x.is_soft_deleted)
            .expect("the soft-deleted mailbox");
        assert_eq!(soft.exchange_guid, Some(CLOUD_GUID.parse().expect("guid")));

        // The sync cycle: a new Entra user, a MailUser with the on-premises GUID.
        let new_id = "a1b2c3d4-0000-4000-8000-0000000000ff";
        emulator.add_users([CloudUser {
            id: new_id.to_owned(),
            user_principal_name: Some(UPN.to_owned()),
            on_premises_immutable_id: Some(immutable_id_from_guid(&anchor)),
            on_premises_sync_enabled: Some(true),
            ..CloudUser::default()
        }]);
        let mut mail_user = recipient("MailUser", AD_GUID, None);
        mail_user.external_directory_object_id = Some(new_id.to_owned());
        emulator.add_exo_recipient(mail_user.clone());
        emulator.add_exo_user(mail_user);
        let log = idrift_app::journal::read(&j).expect("the journal");
        let r = remediate::resume(&log, &t, clock(), &mut Yes)
            .await
            .expect("resume");
        assert_eq!(r.stop, Stop::Manual { order: 8 }, "{r:#?}");

        // The migration.
        emulator.edit_exo(|recipients, _| {
            for x in recipients.iter_mut().filter(|x| !x.is_soft_deleted) {
                x.recipient_type = Some("UserMailbox".to_owned());
                x.recipient_type_details = Some("UserMailbox".to_owned());
            }
        });
        let log = idrift_app::journal::read(&j).expect("the journal");
        let r = remediate::resume(&log, &t, clock(), &mut Yes)
            .await
            .expect("resume");
        assert_eq!(r.stop, Stop::CheckNotMet { order: 11 }, "{r:#?}");
        let requests = emulator.restore_requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0]["SourceMailbox"], "pat.duplicate");
        assert_eq!(
            journaled(&j, 10)["RequestGuid"],
            requests[0]["RequestGuid"],
            "the journal names the restore request"
        );

        let id = requests[0]["RequestGuid"]
            .as_str()
            .expect("RequestGuid")
            .to_owned();
        emulator.set_restore_status(&id, "Completed");
        let log = idrift_app::journal::read(&j).expect("the journal");
        let r = remediate::resume(&log, &t, clock(), &mut Yes)
            .await
            .expect("resume");
        assert_eq!(r.stop, Stop::Completed, "{r:#?}");
        // Nothing was repeated: one delete, one successful purge, one restore request.
        let count = |method: &str, path: &str| {
            emulator
                .requests()
                .iter()
                .filter(|q| q.method == method && q.path == path && q.status < 300)
                .count()
        };
        assert_eq!(count("DELETE", &format!("/v1.0/users/{ID}")), 1);
        assert_eq!(
            count("DELETE", &format!("/v1.0/directory/deletedItems/{ID}")),
            1
        );
        for seq in [1, 2, 3] {
            assert_eq!(entries_for(&j, "Outcome", seq), 1, "step {seq}");
        }
        assert_eq!(entries_for(&j, "Started", 10), 1);
    }

    #[tokio::test]
    async fn remove_license_on_the_emulator_clears_the_previous_mailbox_and_licenses_again() {
        let anchor: Guid = "5a5a0000-0000-4000-8000-000000000003"
            .parse()
            .expect("guid");
        // Article 002's at-risk user: a MailUser that was a mailbox.
        let emulator = tenant(anchor, recipient("MailUser", AD_GUID, Some("UserMailbox"))).await;
        let spec = plan(&emulator, ad_user(anchor, 1), OptionId::RemoveLicense).await;
        let (t, _) = target(&emulator);
        let tmp = tempfile::tempdir().expect("temp dir");
        let j = tmp.path().join("rl.jsonl");
        let r = remediate::apply(&j, &spec, &t, clock(), &mut Yes)
            .await
            .expect("the run");
        assert_eq!(r.stop, Stop::Manual { order: 5 }, "{r:#?}");
        assert_eq!(row(&r, 1).label(), "done");
        assert_eq!(row(&r, 3).label(), "done");
        assert!(
            emulator
                .user(ID)
                .expect("user")
                .assigned_licenses
                .is_empty()
        );
        let user = emulator
            .exo_users()
            .into_iter()
            .find(|u| u.external_directory_object_id.as_deref() == Some(ID))
            .expect("the Exchange user");
        assert_eq!(
            user.previous_recipient_type_details.as_deref(),
            Some("None")
        );

        emulator.edit_exo(|recipients, users| {
            for x in recipients.iter_mut().chain(users.iter_mut()) {
                x.recipient_type = Some("UserMailbox".to_owned());
                x.recipient_type_details = Some("UserMailbox".to_owned());
            }
        });
        let log = idrift_app::journal::read(&j).expect("the journal");
        let r = remediate::resume(&log, &t, clock(), &mut Yes)
            .await
            .expect("resume");
        assert_eq!(r.stop, Stop::Completed, "{r:#?}");
        assert_eq!(
            emulator.user(ID).expect("user").assigned_licenses,
            [AssignedLicense {
                sku_id: E3_SKU.to_owned(),
                disabled_plans: vec![PLAN.to_owned()],
            }],
            "licensed again, with the same disabled plans"
        );
        let sets = emulator
            .requests()
            .iter()
            .filter(|q| q.header("x-cmdletname") == Some("Set-User"))
            .count();
        assert_eq!(sets, 1, "Set-User ran once");
    }
}

mod live {
    //! Samba and the emulator together. Each test works in its own OU, tree-deleted afterwards.

    use std::collections::HashSet;
    use std::future::Future;
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use crate::support::client_config;
    use idrift_app::journal::OpStatus;
    use idrift_app::live::{self, CloudConfig, ExoClient, GraphClient, LiveSpec, RetryPolicy};
    use idrift_app::remediate::{self, LiveTarget, Stop, Yes};
    use idrift_cloud_emulator::{
        E3_SKU, Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter, TEST_APP_CERT_AND_KEY_PEM,
    };
    use idrift_core::Guid;
    use idrift_core::anchor::immutable_id_from_guid;
    use idrift_core::model::{AssignedLicense, CloudUser, ExoRecipient, Snapshot};
    use idrift_core::plan::{OptionId, PlanOptions};
    use idrift_core::scan::ScanOptions;
    use idrift_ldap::{LdapConfig, LdapDirectory, SecretString, UserRef};
    use ldap3::LdapConnAsync;
    use ldap3::controls::RawControl;

    use super::{clock, entries_for, journaled, row};
    use crate::support::{Run, idrift};

    #[derive(Clone, Debug)]
    struct Env {
        ldap_url: String,
        ca_file: PathBuf,
        base_dn: String,
        bind_dn: String,
        password: String,
    }

    /// The DC's variables (`samba-ad-up.sh env`), or `None` (skip) outside CI when they are not set.
    fn env() -> Option<Env> {
        #[expect(clippy::disallowed_methods, reason = "test gate")]
        let get = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let Some(ldap_url) = get("AD_LDAP_URL") else {
            assert!(
                get("CI").as_deref() != Some("true"),
                "AD_LDAP_URL is not set, but CI=true: the live remediation tests must run in CI"
            );
            eprintln!("remediate: AD_LDAP_URL is not set; skipping the live scenarios");
            return None;
        };
        let need =
            |key: &str| get(key).unwrap_or_else(|| panic!("{key} must be set with AD_LDAP_URL"));
        Some(Env {
            ldap_url,
            ca_file: PathBuf::from(need("AD_CA_FILE")),
            base_dn: need("AD_BASE_DN"),
            bind_dn: need("AD_BIND_DN"),
            password: need("AD_BIND_PASSWORD"),
        })
    }

    impl Env {
        async fn admin(&self) -> ldap3::Ldap {
            let (conn, mut ldap) = LdapConnAsync::new(&self.ldap_url).await.expect("connect");
            ldap3::drive!(conn);
            ldap.simple_bind(&self.bind_dn, &self.password)
                .await
                .expect("bind")
                .success()
                .expect("bind succeeds");
            ldap
        }

        fn ldap_config(&self, base: &str) -> LdapConfig {
            LdapConfig {
                base_dns: vec![base.to_owned()],
                bind: Some(self.bind_dn.clone()),
                password: Some(SecretString::from(self.password.clone())),
                ca_file: Some(self.ca_file.clone()),
                ..LdapConfig::new(&self.ldap_url)
            }
        }
    }

    fn unique(name: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let tag =
            std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), name)
                & 0xffff_ffff;
        format!(
            "rm-{name}-{}-{}-{tag:x}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        )
    }

    /// This test's corner of the directory: an OU with a `Sync` and a `NoSync` OU below it.
    struct Ous {
        env: Env,
        root: String,
        sync: String,
        no_sync: String,
        name: String,
    }

    /// Creates the OUs, runs `body`, and tree-deletes them even on failure.
    async fn with_ous<F, Fut>(name: &str, body: F)
    where
        F: FnOnce(Ous) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Some(env) = env() else { return };
        let ou_name = unique(name);
        let root = format!("OU={ou_name},{}", env.base_dn);
        let mut admin = env.admin().await;
        for (dn, ou) in [
            (root.clone(), ou_name.as_str()),
            (format!("OU=Sync,{root}"), "Sync"),
            (format!("OU=NoSync,{root}"), "NoSync"),
        ] {
            admin
                .add(
                    &dn,
                    vec![
                        ("objectClass", HashSet::from(["organizationalUnit"])),
                        ("ou", HashSet::from([ou])),
                    ],
                )
                .await
                .expect("add OU")
                .success()
                .expect("OU added");
        }
        let ous = Ous {
            env: env.clone(),
            sync: format!("OU=Sync,{root}"),
            no_sync: format!("OU=NoSync,{root}"),
            root: root.clone(),
            name: ou_name,
        };
        let result = tokio::spawn(body(ous)).await;
        let control = RawControl {
            ctype: "1.2.840.113556.1.4.805".into(),
            crit: true,
            val: None,
        };
        let _ = admin.with_controls(control).delete(&root).await;
        if let Err(e) = result {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    /// Adds an AD user below `parent`; returns its DN and UPN.
    async fn add_user(
        ous: &Ous,
        parent: &str,
        cn: &str,
        extra: Vec<(&str, Vec<Vec<u8>>)>,
    ) -> (String, String) {
        let mut admin = ous.env.admin().await;
        let dn = format!("CN={cn},{parent}");
        let upn = format!("{cn}@contoso.com");
        let tag =
            std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), cn)
                & 0xffff_ffff;
        let sam = format!("rm{tag:08x}");
        let mut attrs: Vec<(Vec<u8>, HashSet<Vec<u8>>)> = vec![
            (b"objectClass".to_vec(), HashSet::from([b"user".to_vec()])),
            (
                b"sAMAccountName".to_vec(),
                HashSet::from([sam.into_bytes()]),
            ),
            (
                b"userPrincipalName".to_vec(),
                HashSet::from([upn.clone().into_bytes()]),
            ),
        ];
        for (k, vs) in extra {
            attrs.push((k.as_bytes().to_vec(), vs.into_iter().collect()));
        }
        admin
            .add(&dn, attrs)
            .await
            .expect("add")
            .success()
            .expect("user added");
        (dn, upn)
    }

    fn fast(emulator: &Emulator) -> CloudConfig {
        let mut c = client_config(emulator);
        c.retry = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        c
    }

    async fn object_guid(ad: &LdapDirectory, dn: &str) -> Guid {
        ad.find_user(&UserRef::Dn(dn.to_owned()))
            .await
            .expect("lookup")
            .expect("the user")
            .object_guid
            .expect("objectGUID")
    }

    async fn dn_of(ad: &LdapDirectory, g: Guid) -> String {
        ad.find_user(&UserRef::ObjectGuid(g))
            .await
            .expect("lookup")
            .expect("the user")
            .distinguished_name
    }

    /// Reads AD (below `base`), Graph and Exchange Online, and plans `option` for `upn`.
    async fn plan_live(
        ous: &Ous,
        emulator: &Emulator,
        upn: &str,
        option: OptionId,
        opts: &PlanOptions,
    ) -> idrift_app::journal::PlanSpec {
        let cfg = fast(emulator);
        let data = live::read(&LiveSpec {
            ad: Some(ous.env.ldap_config(&ous.root)),
            graph: Some(cfg.clone()),
            exo: Some(cfg),
        })
        .await
        .expect("the live read");
        let mut snap = Snapshot::default();
        data.merge_into(&mut snap);
        let scan = ScanOptions {
            routing_domain: Some("contoso.mail.onmicrosoft.com".to_owned()),
            ..ScanOptions::default()
        };
        let planned = idrift_app::plan::plan(&snap, upn, &scan, opts).expect("the plan");
        let plan = planned.plan.expect("findings");
        remediate::plan_spec(&plan, option, &snap).expect("the spec")
    }

    async fn live_target(
        ous: &Ous,
        emulator: &Emulator,
    ) -> (LiveTarget, LdapDirectory, GraphClient) {
        let cfg = fast(emulator);
        let graph = GraphClient::new(&cfg).expect("graph");
        let exo = ExoClient::new(&cfg).expect("exo");
        let ad = LdapDirectory::connect(&ous.env.ldap_config(&ous.root))
            .await
            .expect("connect");
        let check = LdapDirectory::connect(&ous.env.ldap_config(&ous.root))
            .await
            .expect("connect");
        (
            LiveTarget::new(
                Some(ad),
                Some(graph.clone()),
                Some(exo),
                "Samba and the emulator",
            ),
            check,
            graph,
        )
    }

    fn mailbox(id: &str, upn: &str, guid: Guid, addresses: Vec<String>) -> ExoRecipient {
        ExoRecipient {
            identity: Some(upn.split('@').next().unwrap_or(upn).to_owned()),
            external_directory_object_id: Some(id.to_owned()),
            user_principal_name: Some(upn.to_owned()),
            primary_smtp_address: Some(upn.to_owned()),
            recipient_type: Some("UserMailbox".to_owned()),
            recipient_type_details: Some("UserMailbox".to_owned()),
            exchange_guid: Some(guid),
            email_addresses: addresses,
            is_dir_synced: Some(true),
            ..ExoRecipient::default()
        }
    }

    fn bytes(s: &str) -> Vec<Vec<u8>> {
        vec![s.as_bytes().to_vec()]
    }

    #[tokio::test]
    async fn add_routing_address_writes_the_proxy_address_in_samba() {
        with_ous("route", |ous| async move {
            let cn = format!("{}-fa", ous.name);
            let (dn, upn) = add_user(
                &ous,
                &ous.sync,
                &cn,
                vec![
                    ("proxyAddresses", bytes(&format!("SMTP:{cn}@contoso.com"))),
                    ("msExchRecipientTypeDetails", bytes("2147483648")),
                    ("msExchRemoteRecipientType", bytes("4")),
                ],
            )
            .await;
            let routing = format!("{cn}@contoso.mail.onmicrosoft.com");
            let proxy = format!("smtp:{routing}");
            let emulator = Emulator::start(EmulatorConfig::default())
                .await
                .expect("emulator");
            let (target, ad, _) = live_target(&ous, &emulator).await;
            let anchor = object_guid(&ad, &dn).await;
            let id = "b0b00000-0000-4000-8000-000000000001";
            let guid: Guid = "4d420000-0000-4000-8000-0000000000b0"
                .parse()
                .expect("guid");
            emulator.add_users([CloudUser {
                id: id.to_owned(),
                user_principal_name: Some(upn.clone()),
                on_premises_immutable_id: Some(immutable_id_from_guid(&anchor)),
                on_premises_sync_enabled: Some(true),
                proxy_addresses: vec![format!("SMTP:{cn}@contoso.com")],
                ..CloudUser::default()
            }]);
            let r = mailbox(id, &upn, guid, vec![format!("SMTP:{cn}@contoso.com")]);
            emulator.add_exo_recipient(r.clone());
            emulator.add_exo_user(r);
            let spec = plan_live(
                &ous,
                &emulator,
                &upn,
                OptionId::AddRoutingAddressOnPrem,
                &PlanOptions::default(),
            )
            .await;
            let tmp = tempfile::tempdir().expect("tmp");
            let j = tmp.path().join("ar.jsonl");
            let r = remediate::apply(&j, &spec, &target, clock(), &mut Yes)
                .await
                .expect("run");
            assert_eq!(r.stop, Stop::Manual { order: 2 }, "{r:#?}");
            let user = ad
                .find_user(&UserRef::Dn(dn.clone()))
                .await
                .expect("lookup")
                .expect("user");
            assert!(user.proxy_addresses.contains(&proxy), "{user:?}");

            // The sync cycle carries it to Entra ID.
            let mut u = emulator.user(id).expect("user");
            u.proxy_addresses.push(proxy.clone());
            emulator.add_users([u]);
            let log = idrift_app::journal::read(&j).expect("journal");
            let r = remediate::resume(&log, &target, clock(), &mut Yes)
                .await
                .expect("resume");
            assert_eq!(r.stop, Stop::Completed, "{r:#?}");
            assert_eq!(entries_for(&j, "Started", 1), 1);
            assert_eq!(
                journaled(&j, 1)["Present"],
                true,
                "the journal holds the value read back"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn reprovision_cloud_alias_with_503s_on_the_restore_stops_safely_and_resumes() {
        with_ous("alias", |ous| async move {
            let cn = format!("{}-rp", ous.name);
            let routing = format!("{cn}@contoso.mail.onmicrosoft.com");
            let mbx: Guid = "4d420000-0000-4000-8000-0000000000a1"
                .parse()
                .expect("guid");
            let (dn, upn) = add_user(
                &ous,
                &ous.sync,
                &cn,
                vec![
                    (
                        "proxyAddresses",
                        vec![
                            format!("SMTP:{cn}@contoso.com").into_bytes(),
                            format!("smtp:{routing}").into_bytes(),
                        ],
                    ),
                    ("targetAddress", bytes(&format!("SMTP:{routing}"))),
                    ("msExchRecipientTypeDetails", bytes("2147483648")),
                    ("msExchRemoteRecipientType", bytes("4")),
                    ("msExchMailboxGuid", vec![mbx.to_bytes_le().to_vec()]),
                ],
            )
            .await;
            let emulator = Emulator::start(EmulatorConfig::default())
                .await
                .expect("emulator");
            let (target, ad, graph) = live_target(&ous, &emulator).await;
            let anchor = object_guid(&ad, &dn).await;
            let id = "b0b00000-0000-4000-8000-000000000002";
            let immutable_id = immutable_id_from_guid(&anchor);
            let licenses = vec![AssignedLicense {
                sku_id: E3_SKU.to_owned(),
                disabled_plans: Vec::new(),
            }];
            emulator.add_users([CloudUser {
                id: id.to_owned(),
                user_principal_name: Some(upn.clone()),
                on_premises_immutable_id: Some(immutable_id.clone()),
                on_premises_sync_enabled: Some(true),
                proxy_addresses: vec![format!("SMTP:{cn}@contoso.com")],
                assigned_licenses: licenses.clone(),
                ..CloudUser::default()
            }]);
            let r = mailbox(id, &upn, mbx, vec![format!("SMTP:{cn}@contoso.com")]);
            emulator.add_exo_recipient(r.clone());
            emulator.add_exo_user(r);
            let opts = PlanOptions {
                out_of_scope_ou: Some(ous.no_sync.clone()),
                remote_host_name: None,
            };
            let spec = plan_live(
                &ous,
                &emulator,
                &upn,
                OptionId::ReprovisionCloudAlias,
                &opts,
            )
            .await;
            let tmp = tempfile::tempdir().expect("tmp");
            let j = tmp.path().join("rc.jsonl");
            let resume = |j: PathBuf| {
                let target = &target;
                async move {
                    let log = idrift_app::journal::read(&j).expect("journal");
                    remediate::resume(&log, target, clock(), &mut Yes)
                        .await
                        .expect("resume")
                }
            };

            let r = remediate::apply(&j, &spec, &target, clock(), &mut Yes)
                .await
                .expect("run");
            assert_eq!(r.stop, Stop::Manual { order: 3 }, "{r:#?}");
            assert_eq!(dn_of(&ad, anchor).await, format!("CN={cn},{}", ous.no_sync));
            assert_eq!(
                journal_started_before(&j, 2)["DistinguishedName"],
                dn.as_str(),
                "the old DN is journaled before the move"
            );

            // The sync cycle: the out-of-scope user is deleted, and restored later as a cloud object.
            let mut u = emulator.user(id).expect("user");
            u.on_premises_sync_enabled = None;
            emulator.add_users([u]);
            graph.delete_user(id).await.expect("sync deletes the user");

            // The restore answers 503 beyond the retry budget: the run stops there, safely.
            emulator.inject(
                FaultRule::new(Fault::Unavailable(RetryAfter::None), "/restore", 100)
                    .method("POST"),
            );
            let r = resume(j.clone()).await;
            assert_eq!(r.stop, Stop::Failed { order: 5 }, "{r:#?}");
            let msg = row(&r, 5).message.clone().expect("message");
            assert!(msg.contains("503") && msg.contains("3 attempts"), "{msg}");
            assert_eq!(row(&r, 6).status, OpStatus::Pending);
            assert_eq!(
                emulator.deleted_users().len(),
                1,
                "still in the recycle bin"
            );
            let log = idrift_app::journal::read(&j).expect("journal");
            assert!(log.warnings.is_empty() && log.plan_complete);
            assert!(log.ops()[..4].iter().all(|o| o.status.is_final()));

            emulator.clear_faults();
            let r = resume(j.clone()).await;
            assert_eq!(r.stop, Stop::Manual { order: 9 }, "{r:#?}");
            assert_eq!(row(&r, 5).label(), "done");
            assert_eq!(
                row(&r, 7).label(),
                "already done",
                "the restore kept the license"
            );
            assert!(emulator.deleted_users().is_empty());

            // Set-Mailbox -EmailAddresses @{add=...} on the cloud-only user.
            let mut u = emulator.user(id).expect("user");
            u.proxy_addresses.push(format!("smtp:{routing}"));
            emulator.add_users([u]);
            let r = resume(j.clone()).await;
            assert_eq!(r.stop, Stop::Manual { order: 12 }, "{r:#?}");
            assert_eq!(dn_of(&ad, anchor).await, dn, "moved back into scope");

            // The sync cycle soft-matches it again.
            let mut u = emulator.user(id).expect("user");
            u.on_premises_sync_enabled = Some(true);
            u.on_premises_immutable_id = Some(immutable_id);
            emulator.add_users([u]);
            let r = resume(j.clone()).await;
            assert_eq!(r.stop, Stop::Manual { order: 14 }, "{r:#?}");
            let r = resume(j.clone()).await;
            assert_eq!(r.stop, Stop::Completed, "{r:#?}");

            // Earlier steps were never repeated.
            for seq in [1, 2, 3, 4, 11] {
                assert_eq!(entries_for(&j, "Outcome", seq), 1, "step {seq}");
            }
            assert_eq!(entries_for(&j, "Started", 2), 1, "one move out");
            assert_eq!(entries_for(&j, "Started", 11), 1, "one move back");
            let restores = emulator
                .requests()
                .iter()
                .filter(|q| q.path.ends_with("/restore") && q.status == 200)
                .count();
            assert_eq!(restores, 1);
        })
        .await;
    }

    fn journal_started_before(j: &std::path::Path, seq: u64) -> serde_json::Value {
        idrift_app::journal::read(j)
            .expect("journal")
            .ops()
            .into_iter()
            .find(|o| o.planned.seq == seq)
            .and_then(|o| o.started)
            .map(|s| s.before)
            .unwrap_or_default()
    }

    /// Runs the CLI on a thread of its own (it starts its own runtime) while the emulator keeps serving.
    async fn cli(args: Vec<String>) -> Run {
        tokio::task::spawn_blocking(move || {
            std::thread::spawn(move || {
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                idrift(&refs)
            })
            .join()
            .expect("the CLI thread")
        })
        .await
        .expect("the blocking task")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn delete_and_merge_through_the_cli_with_the_connection_dropped_on_the_purge() {
        with_ous("merge", |ous| async move {
            let cn = format!("{}-dm", ous.name);
            let ad_guid: Guid = "0a0d0000-0000-4000-8000-0000000000d1".parse().expect("guid");
            let cloud_guid: Guid = "c1c10000-0000-4000-8000-0000000000d1".parse().expect("guid");
            let (dn, upn) = add_user(
                &ous,
                &ous.sync,
                &cn,
                vec![
                    ("proxyAddresses", bytes(&format!("SMTP:{cn}@contoso.com"))),
                    ("msExchRecipientTypeDetails", bytes("1")),
                    ("msExchMailboxGuid", vec![ad_guid.to_bytes_le().to_vec()]),
                ],
            )
            .await;
            let emulator = Emulator::start(EmulatorConfig::default()).await.expect("emulator");
            let ad = LdapDirectory::connect(&ous.env.ldap_config(&ous.root))
                .await
                .expect("connect");
            let anchor = object_guid(&ad, &dn).await;
            let id = "b0b00000-0000-4000-8000-000000000003";
            emulator.add_users([CloudUser {
                id: id.to_owned(),
                user_principal_name: Some(upn.clone()),
                on_premises_immutable_id: Some(immutable_id_from_guid(&anchor)),
                on_premises_sync_enabled: Some(true),
                proxy_addresses: vec![format!("SMTP:{cn}@contoso.com")],
                assigned_licenses: vec![AssignedLicense {
                    sku_id: E3_SKU.to_owned(),
                    disabled_plans: Vec::new(),
                }],
                ..CloudUser::default()
            }]);
            let r = mailbox(id, &upn, cloud_guid, vec![format!("SMTP:{cn}@contoso.com")]);
            emulator.add_exo_recipient(r.clone());
            emulator.add_exo_user(r);

            let tmp = tempfile::tempdir().expect("tmp");
            let pem = tmp.path().join("app.pem");
            std::fs::write(&pem, TEST_APP_CERT_AND_KEY_PEM).expect("write the certificate");
            let pw = tmp.path().join("ad.pw");
            std::fs::write(&pw, &ous.env.password).expect("write the password");
            let j = tmp.path().join("dm.jsonl");
            let cfg = emulator.config();
            let source: Vec<String> = [
                "--ad",
                &ous.env.ldap_url,
                "--ad-ca-file",
                &ous.env.ca_file.display().to_string(),
                "--ad-bind",
                &ous.env.bind_dn,
                "--ad-password-file",
                &pw.display().to_string(),
                "--ad-base-dn",
                &ous.root,
                "--entra",
                "graph",
                "--exo",
                "exo",
                "--tenant",
                &cfg.tenant_domain,
                "--client-id",
                &cfg.client_id,
                "--certificate",
                &pem.display().to_string(),
                "--authority-url",
                &emulator.authority_url(),
                "--graph-url",
                &emulator.graph_url(),
                "--exo-url",
                &emulator.exo_url(),
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            let args = |extra: &[&str]| {
                let mut a: Vec<String> = vec![
                    "plan".to_owned(),
                    upn.clone(),
                    "--option".to_owned(),
                    "DeleteAndMerge".to_owned(),
                ];
                a.extend(source.iter().cloned());
                a.extend(extra.iter().map(|s| (*s).to_owned()));
                a
            };
            let js = j.display().to_string();
            let resume_args = args(&["--apply", "--yes", "--resume", &js]);

            // The connection drops on the purge: a DELETE is not retried (it may have reached the service).
            emulator.inject(
                FaultRule::new(
                    Fault::DropConnection,
                    format!("/v1.0/directory/deletedItems/{id}"),
                    1,
                )
                .method("DELETE"),
            );
            let r = cli(args(&["--apply", "--yes", "--journal", &js])).await;
            assert_eq!(r.code, ExitCode::from(1), "{}\n{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("Step 4 failed: write failed:"), "{}", r.stdout);
            assert!(r.stdout.contains("Nothing after it was run."), "{}", r.stdout);
            assert!(
                r.stdout.contains(&format!(
                    "idrift plan {upn} --option DeleteAndMerge --apply --resume {js} --ad {} --entra graph --exo exo (and the same connection options)",
                    ous.env.ldap_url
                )),
                "{}",
                r.stdout
            );
            assert_eq!(emulator.deleted_users().len(), 1, "not purged");
            let log = idrift_app::journal::read(&j).expect("journal");
            assert!(log.warnings.is_empty() && log.plan_complete);
            assert_eq!(log.ops()[3].status, OpStatus::Failed);
            // The GUID recorded by the plan is the cloud mailbox's.
            assert_eq!(journaled(&j, 1)["ExchangeGuid"], cloud_guid.to_string());

            let r = cli(resume_args.clone()).await;
            assert_eq!(r.code, ExitCode::SUCCESS, "{}\n{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("Stopped at step 6, which is manual"), "{}", r.stdout);
            assert!(emulator.deleted_users().is_empty(), "purged");
            let soft = emulator
                .exo_recipients()
                .into_iter()
                .find(|x| x.is_soft_deleted)
                .expect("the soft-deleted mailbox");
            assert_eq!(soft.exchange_guid, Some(cloud_guid));

            // The sync cycle re-creates the user as a MailUser with the on-premises GUID.
            let new_id = "b0b00000-0000-4000-8000-0000000000f3";
            emulator.add_users([CloudUser {
                id: new_id.to_owned(),
                user_principal_name: Some(upn.clone()),
                on_premises_immutable_id: Some(immutable_id_from_guid(&anchor)),
                on_premises_sync_enabled: Some(true),
                ..CloudUser::default()
            }]);
            let mut mu = mailbox(new_id, &upn, ad_guid, Vec::new());
            mu.recipient_type = Some("MailUser".to_owned());
            mu.recipient_type_details = Some("MailUser".to_owned());
            emulator.add_exo_recipient(mu.clone());
            emulator.add_exo_user(mu);
            let r = cli(resume_args.clone()).await;
            assert_eq!(r.code, ExitCode::SUCCESS, "{}\n{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("Stopped at step 8, which is manual"), "{}", r.stdout);

            // The migration, then the merge, then the restore completing.
            emulator.edit_exo(|recipients, _| {
                for x in recipients.iter_mut().filter(|x| !x.is_soft_deleted) {
                    x.recipient_type = Some("UserMailbox".to_owned());
                    x.recipient_type_details = Some("UserMailbox".to_owned());
                }
            });
            let r = cli(resume_args.clone()).await;
            assert_eq!(r.code, ExitCode::from(1), "{}\n{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("Stopped at step 11:"), "{}", r.stdout);
            let requests = emulator.restore_requests();
            assert_eq!(requests.len(), 1);
            let rid = requests[0]["RequestGuid"].as_str().expect("guid").to_owned();
            emulator.set_restore_status(&rid, "Completed");
            let r = cli(resume_args.clone()).await;
            assert_eq!(r.code, ExitCode::SUCCESS, "{}\n{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("All 11 steps of DeleteAndMerge are done"), "{}", r.stdout);

            let count = |method: &str, path: &str| {
                emulator
                    .requests()
                    .iter()
                    .filter(|q| q.method == method && q.path == path)
                    .count()
            };
            assert_eq!(count("DELETE", &format!("/v1.0/users/{id}")), 1, "one delete");
            assert_eq!(
                count("DELETE", &format!("/v1.0/directory/deletedItems/{id}")),
                2,
                "the dropped purge and the one that succeeded"
            );
            for seq in [1, 2, 3, 5, 6, 7, 8, 9, 10] {
                assert_eq!(entries_for(&j, "Outcome", seq), 1, "step {seq}");
            }
        })
        .await;
    }
}

mod cli_undo {
    //! `idrift undo` of a remediation journal, on a snapshot.

    use std::process::ExitCode;

    use crate::support::{idrift, root};

    #[test]
    fn undo_moves_a_rehearsed_user_back() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("snap");
        std::fs::create_dir(&dir).expect("mkdir");
        for f in [
            "ad.ldif",
            "entra-users.json",
            "entra-sync.json",
            "exo-recipients.json",
            "exo-users.json",
        ] {
            std::fs::copy(root().join("examples/demo").join(f), dir.join(f)).expect("copy");
        }
        let d = dir.display().to_string();
        let j = tmp.path().join("rc.jsonl").display().to_string();
        let u = tmp.path().join("undo.jsonl").display().to_string();
        let r = idrift(&[
            "plan",
            "radia.perlman@contoso.com",
            "--snapshot",
            &d,
            "--option",
            "ReprovisionCloudAlias",
            "--out-of-scope-ou",
            "OU=NoSync,DC=contoso,DC=com",
            "--apply",
            "--yes",
            "--journal",
            &j,
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("Stopped at step 3, which is manual"),
            "{}",
            r.stdout
        );
        let ldif = || std::fs::read_to_string(dir.join("ad.ldif")).expect("read");
        assert!(ldif().contains("dn: CN=Radia Perlman,OU=NoSync,DC=contoso,DC=com"));

        let r = idrift(&["undo", &j, "--snapshot", &d]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}", r.stderr);
        assert!(r.stdout.contains("1 step(s) to reverse"), "{}", r.stdout);
        assert!(
            r.stdout.contains("Dry run: nothing was changed."),
            "{}",
            r.stdout
        );
        let r = idrift(&[
            "undo",
            &j,
            "--snapshot",
            &d,
            "--apply",
            "--yes",
            "--journal",
            &u,
        ]);
        assert_eq!(r.code, ExitCode::SUCCESS, "{}\n{}", r.stdout, r.stderr);
        assert!(
            ldif().contains("dn: CN=Radia Perlman,OU=Sync,DC=contoso,DC=com"),
            "{}",
            ldif()
        );
        let log = idrift_app::journal::read(std::path::Path::new(&u)).expect("the undo journal");
        assert!(log.header.undoes.is_some());
    }
}
