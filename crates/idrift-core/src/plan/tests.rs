//! Tests of the remediation plans: which options each finding gets, their steps and the values in them.

use super::*;
use crate::anchor::immutable_id_from_guid;
use crate::exchange::RecipientTypeDetails as T;
use crate::model::OnPremisesProvisioningError;
use crate::scan::tests::{
    RD, SKU, ad, article_003, assert_mentions, cloud_mailbox_guid, cloud_only, duplicate, entra,
    exo_user, features, mailbox_guid, object_id, rec, snap, synced,
};
use crate::scan::{ScanOptions, Severity, scan};

fn plan_for(s: &Snapshot, upn: &str) -> RemediationPlan {
    let report = scan(s, &ScanOptions::default());
    plan(upn, &report, s).unwrap_or_else(|| panic!("no plan for {upn}: {:#?}", report.findings))
}

/// The options a mailbox duplicate is offered, in order.
const MAILBOX_OPTIONS: [OptionId; 3] = [
    OptionId::DeleteAndMerge,
    OptionId::RemoveLicense,
    OptionId::KeepCloudMailbox,
];

/// Checks that `p` offers exactly `ids`, in order, and recommends `recommended` alone.
fn assert_offered(p: &RemediationPlan, ids: &[OptionId], recommended: OptionId) {
    let offered: Vec<(OptionId, bool)> = p.options.iter().map(|o| (o.id, o.recommended)).collect();
    let expected: Vec<(OptionId, bool)> = ids.iter().map(|&id| (id, id == recommended)).collect();
    assert_eq!(offered, expected);
}

fn ops(o: &RemediationOption) -> Vec<&Operation> {
    o.steps
        .iter()
        .filter_map(|s| s.operation.as_ref())
        .collect()
}

/// The step of `o` whose command contains `text`.
fn step<'o>(o: &'o RemediationOption, text: &str) -> &'o Step {
    o.steps
        .iter()
        .find(|s| s.command.contains(text))
        .unwrap_or_else(|| panic!("no step runs {text:?} in {:#?}", o.steps))
}

/// Steps are numbered from 1 without gaps, and a step is automated exactly when it has an operation.
fn assert_well_formed(p: &RemediationPlan) {
    for o in &p.options {
        assert!(!o.steps.is_empty(), "{} has no steps", o.id);
        for (i, s) in o.steps.iter().enumerate() {
            assert_eq!(s.order, i + 1, "{}", o.id);
            assert_eq!(
                s.automated,
                s.operation.is_some(),
                "{} step {}",
                o.id,
                s.order
            );
            assert!(
                !s.command.trim().is_empty() && !s.action.trim().is_empty(),
                "{} step {}",
                o.id,
                s.order
            );
        }
        assert!(
            !o.benefits.is_empty() && !o.drawbacks.is_empty() && !o.data_at_risk.is_empty(),
            "{}",
            o.id
        );
    }
}

#[test]
fn a_duplicate_gets_the_three_mailbox_options_with_delete_and_merge_recommended() {
    let p = plan_for(&duplicate(), "DUP@contoso.com");
    assert_eq!(p.user_principal_name, "dup@contoso.com");
    assert_eq!(p.findings.len(), 1);
    assert_offered(&p, &MAILBOX_OPTIONS, OptionId::DeleteAndMerge);
    assert_well_formed(&p);
}

#[test]
fn delete_and_merge_records_the_cloud_mailbox_guid_before_deleting_anything() {
    let p = plan_for(&duplicate(), "dup@contoso.com");
    let o = p.option(OptionId::DeleteAndMerge).unwrap();
    let cloud = cloud_mailbox_guid(1);
    assert_eq!(
        o.recorded_exchange_guid(),
        Some(cloud),
        "the GUID recorded is the cloud mailbox's"
    );
    let ops = ops(o);
    let at = |is: fn(&&Operation) -> bool| ops.iter().position(is).unwrap();
    let record = at(|op| matches!(op, Operation::RecordExchangeGuid { .. }));
    let delete = at(|op| matches!(op, Operation::GraphDeleteUser { .. }));
    let purge = at(|op| matches!(op, Operation::GraphPurgeDeletedUser { .. }));
    let restore = at(|op| matches!(op, Operation::ExoNewMailboxRestoreRequest { .. }));
    assert!(record < delete && delete < purge && purge < restore);
    assert_eq!(
        ops[restore],
        &Operation::ExoNewMailboxRestoreRequest {
            source: cloud,
            target: mailbox_guid(1).to_string()
        }
    );
    assert_eq!(
        ops[delete],
        &Operation::GraphDeleteUser {
            object_id: object_id(1)
        }
    );
    let commands: Vec<&str> = o.steps.iter().map(|s| s.command.as_str()).collect();
    assert_eq!(
        commands[0],
        format!(
            "Get-Mailbox -Identity '{}' | Select-Object ExchangeGuid",
            object_id(1)
        )
    );
    assert!(
        commands.contains(
            &format!(
                "DELETE https://graph.microsoft.com/v1.0/users/{}",
                object_id(1)
            )
            .as_str()
        )
    );
    assert!(
        commands.contains(
            &format!(
                "DELETE https://graph.microsoft.com/v1.0/directory/deletedItems/{}",
                object_id(1)
            )
            .as_str()
        )
    );
    assert!(commands.contains(&"Start-ADSyncSyncCycle -PolicyType Delta"));
    assert!(commands.contains(
        &format!("New-MailboxRestoreRequest -SourceMailbox {cloud} -TargetMailbox {} -AllowLegacyDNMismatch", mailbox_guid(1))
            .as_str()
    ));
    let migrate = step(o, "New-MoveRequest");
    assert!(migrate.command.starts_with("New-MoveRequest"));
    assert!(!migrate.automated, "the migration is manual");
    assert!(
        migrate
            .command
            .contains(&format!("-TargetDeliveryDomain '{RD}'")),
        "{}",
        migrate.command
    );
    assert!(o.data_at_risk.contains(&cloud.to_string()));
}

#[test]
fn remove_license_removes_the_assigned_skus_and_licenses_again_after_the_move() {
    let p = plan_for(&duplicate(), "dup@contoso.com");
    let o = p.option(OptionId::RemoveLicense).unwrap();
    let ops = ops(o);
    assert_eq!(
        ops[0],
        &Operation::GraphAssignLicense {
            object_id: object_id(1),
            add: Vec::new(),
            remove: vec![SKU.to_owned()]
        }
    );
    assert_eq!(
        o.steps[0].command,
        format!(
            "POST https://graph.microsoft.com/v1.0/users/{}/assignLicense {{\"addLicenses\":[],\"removeLicenses\":[\"{SKU}\"]}}",
            object_id(1)
        )
    );
    let clear = step(o, "-PermanentlyClearPreviousMailboxInfo");
    assert!(
        clear.action.starts_with("Optional:"),
        "optional for a duplicate: {}",
        clear.action
    );
    assert_eq!(
        clear.command,
        format!(
            "Set-User -Identity '{}' -PermanentlyClearPreviousMailboxInfo -Confirm:$false",
            object_id(1)
        )
    );
    match ops.last().unwrap() {
        Operation::GraphAssignLicense { add, remove, .. } => {
            assert_eq!(
                add.iter().map(|l| l.sku_id.as_str()).collect::<Vec<_>>(),
                [SKU]
            );
            assert!(remove.is_empty());
        }
        other => panic!("the last step licenses again, not {other:?}"),
    }
    assert!(o.data_at_risk.contains(&cloud_mailbox_guid(1).to_string()));
}

#[test]
fn keep_cloud_mailbox_follows_the_support_article() {
    let p = plan_for(&duplicate(), "dup@contoso.com");
    let o = p.option(OptionId::KeepCloudMailbox).unwrap();
    let cmds: Vec<&str> = o.steps.iter().map(|s| s.command.as_str()).collect();
    let pos = |prefix: &str| {
        cmds.iter()
            .position(|c| c.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {cmds:#?}"))
    };
    assert!(
        pos("Get-Mailbox -Identity 'dup@contoso.com' | Select-Object Name,Alias,LegacyExchangeDN")
            < pos("Disable-Mailbox")
    );
    assert!(pos("Disable-Mailbox") < pos("Enable-RemoteMailbox"));
    assert!(
        cmds.contains(
            &format!(
                "Enable-RemoteMailbox -Identity 'dup@contoso.com' -RemoteRoutingAddress 'dup@{RD}'"
            )
            .as_str()
        )
    );
    assert!(
        cmds.contains(
            &format!(
                "Set-RemoteMailbox -Identity 'dup@contoso.com' -ExchangeGuid {}",
                cloud_mailbox_guid(1)
            )
            .as_str()
        )
    );
    let restore = cmds[pos("New-MailboxRestoreRequest")];
    assert!(
        restore.contains(&format!("-SourceStoreMailbox {}", mailbox_guid(1))),
        "{restore}"
    );
    assert!(
        restore.contains(&format!("-TargetMailbox {}", cloud_mailbox_guid(1))),
        "{restore}"
    );
    assert!(
        restore.contains("-RemoteRestoreType DisconnectedMailbox"),
        "{restore}"
    );
    assert!(o.steps.last().unwrap().action.contains("FailedOther"));
    assert!(o.data_at_risk.contains(&mailbox_guid(1).to_string()));
}

#[test]
fn provisioning_errors_make_remove_license_the_recommendation() {
    let mut s = duplicate();
    s.cloud[0]
        .on_premises_provisioning_errors
        .push(OnPremisesProvisioningError {
            category: Some("PropertyConflict".to_owned()),
            property_causing_error: Some("ProxyAddresses".to_owned()),
            value: Some("smtp:dup@contoso.com".to_owned()),
            occurred_date_time: None,
        });
    let p = plan_for(&s, "dup@contoso.com");
    assert_eq!(p.findings.len(), 2);
    assert_offered(&p, &MAILBOX_OPTIONS, OptionId::RemoveLicense);
    let o = p.option(OptionId::RemoveLicense).unwrap();
    assert_mentions(&o.preconditions, "Option #3");
}

#[test]
fn a_provisioning_error_alone_has_no_exchange_option() {
    let mut c = entra(2, "solo");
    c.on_premises_provisioning_errors
        .push(OnPremisesProvisioningError::default());
    let s = snap(vec![ad(2, "solo", T::NONE)], vec![c], vec![], vec![]);
    let p = plan_for(&s, "solo@contoso.com");
    assert_eq!(p.findings[0].kind, FindingKind::ProvisioningError);
    assert!(p.options.is_empty());
}

#[test]
fn a_duplicate_risk_gets_remove_license_with_a_required_clear() {
    let mut c = entra(3, "risky");
    c.assigned_licenses.clear();
    let s = snap(
        vec![ad(3, "risky", T::USER_MAILBOX)],
        vec![c],
        vec![rec(3, "risky@contoso.com", "MailUser", mailbox_guid(3))],
        vec![exo_user(
            3,
            "risky@contoso.com",
            "MailUser",
            Some("UserMailbox"),
            false,
        )],
    );
    let p = plan_for(&s, "risky@contoso.com");
    assert_offered(&p, &[OptionId::RemoveLicense], OptionId::RemoveLicense);
    let o = &p.options[0];
    assert!(
        !ops(o)
            .iter()
            .any(|op| matches!(op, Operation::GraphAssignLicense { .. })),
        "nothing to remove or re-add"
    );
    let clear = step(o, "PermanentlyClearPreviousMailboxInfo");
    assert!(!clear.action.starts_with("Optional"), "{}", clear.action);
    assert_mentions(&o.preconditions, "No license is assigned");
    assert_well_formed(&p);
}

fn collision() -> Snapshot {
    let mut a = ad(4, "test.duplicate", T::USER_MAILBOX);
    a.distinguished_name = "CN=Test Duplicate,OU=Sync,DC=contoso,DC=com".to_owned();
    snap(
        vec![a],
        vec![cloud_only(5, "test.duplicate@contoso.com")],
        vec![rec(
            5,
            "test.duplicate@contoso.com",
            "UserMailbox",
            cloud_mailbox_guid(5),
        )],
        vec![],
    )
}

#[test]
fn a_critical_soft_match_collision_is_fixed_before_the_sync() {
    let s = collision();
    let p = plan_for(&s, "test.duplicate@contoso.com");
    assert_eq!(p.findings[0].severity, Severity::Critical);
    assert_offered(
        &p,
        &[OptionId::DeleteAndMerge, OptionId::RemoveLicense],
        OptionId::DeleteAndMerge,
    );
    let dm = p.option(OptionId::DeleteAndMerge).unwrap();
    assert_eq!(dm.recorded_exchange_guid(), Some(cloud_mailbox_guid(5)));
    assert_mentions(&dm.preconditions, "before the next sync");
    let rl = p.option(OptionId::RemoveLicense).unwrap();
    let clear = step(rl, "PermanentlyClearPreviousMailboxInfo");
    assert!(
        !clear.action.starts_with("Optional"),
        "required before a soft match: {}",
        clear.action
    );
    let immutable = immutable_id_from_guid(&s.on_prem[0].source_anchor().unwrap());
    assert!(
        ops(rl).contains(&&Operation::Check(Check::Matched {
            identity: object_id(5),
            immutable_id: immutable
        })),
        "{:#?}",
        rl.steps
    );
    assert_well_formed(&p);
}

#[test]
fn a_soft_match_collision_without_mailboxes_has_no_options() {
    let mut s = collision();
    s.on_prem[0].recipient_type_details = None;
    s.exo_recipients = Some(Vec::new());
    let p = plan_for(&s, "test.duplicate@contoso.com");
    assert_eq!(p.findings[0].severity, Severity::Medium);
    assert!(p.options.is_empty());
}

#[test]
fn a_remote_mailbox_pointing_at_the_wrong_guid_gets_keep_cloud_mailbox_without_deletions() {
    let s = synced(
        6,
        "wrongguid",
        T::REMOTE_USER_MAILBOX,
        "UserMailbox",
        cloud_mailbox_guid(6),
    );
    let p = plan_for(&s, "wrongguid@contoso.com");
    assert_offered(
        &p,
        &[OptionId::KeepCloudMailbox],
        OptionId::KeepCloudMailbox,
    );
    let o = &p.options[0];
    assert_eq!(
        o.steps[0].command,
        format!(
            "Set-RemoteMailbox -Identity 'wrongguid@contoso.com' -ExchangeGuid {}",
            cloud_mailbox_guid(6)
        )
    );
    assert!(
        !o.steps
            .iter()
            .any(|s| s.command.contains("Disable-Mailbox"))
    );
    assert!(
        ops(o).contains(&&Operation::Check(Check::OnPremMailboxGuid {
            distinguished_name: "CN=wrongguid,OU=Sync,DC=contoso,DC=com".to_owned(),
            exchange_guid: cloud_mailbox_guid(6),
        }))
    );
    assert_well_formed(&p);
}

/// noroute@contoso.com's remote mailbox lacks the routing address in AD.
fn no_routing_address(n: u8) -> Snapshot {
    let mut s = synced(
        n,
        "noroute",
        T::REMOTE_USER_MAILBOX,
        "UserMailbox",
        mailbox_guid(n),
    );
    s.on_prem[0].proxy_addresses.retain(|p| !p.contains(RD));
    s
}

#[test]
fn a_routing_address_missing_in_ad_is_added_on_premises_first() {
    let s = no_routing_address(7);
    let p = plan_for(&s, "noroute@contoso.com");
    assert_offered(
        &p,
        &[
            OptionId::AddRoutingAddressOnPrem,
            OptionId::ReprovisionCloudAlias,
        ],
        OptionId::AddRoutingAddressOnPrem,
    );
    let o = &p.options[0];
    let proxy = format!("smtp:noroute@{RD}");
    assert_eq!(
        o.steps[0].operation,
        Some(Operation::LdapAddProxyAddress {
            distinguished_name: "CN=noroute,OU=Sync,DC=contoso,DC=com".to_owned(),
            proxy_address: proxy.clone(),
        })
    );
    assert_eq!(
        o.steps[0].command,
        format!(
            "Set-ADUser -Identity 'CN=noroute,OU=Sync,DC=contoso,DC=com' -Add @{{proxyAddresses='{proxy}'}}"
        )
    );
    assert_eq!(
        o.steps.last().unwrap().operation,
        Some(Operation::Check(Check::CloudHasAddress {
            object_id: object_id(7),
            address: format!("noroute@{RD}")
        }))
    );
    assert_mentions(&o.preconditions, "No other object");
    assert_mentions(&p.options[1].preconditions, "did not reach the cloud");
    assert_well_formed(&p);
}

#[test]
fn an_address_used_by_another_object_is_flagged() {
    let mut s = no_routing_address(8);
    let mut squatter = ad(9, "someone", T::NONE);
    squatter.proxy_addresses.push(format!("smtp:NOROUTE@{RD}"));
    s.on_prem.push(squatter);
    let p = plan_for(&s, "noroute@contoso.com");
    let o = p.option(OptionId::AddRoutingAddressOnPrem).unwrap();
    assert_mentions(&o.preconditions, "already used by CN=someone");
}

#[test]
fn article_003s_case_gets_the_reprovision_sequence_with_checks_between_steps() {
    let s = article_003();
    let report = scan(&s, &ScanOptions::default());
    let opts = PlanOptions {
        out_of_scope_ou: Some("OU=NoSync,DC=contoso,DC=com".to_owned()),
        remote_host_name: None,
    };
    let p = plan_with("bounced@contoso.com", &report, &s, &opts).unwrap();
    assert_offered(
        &p,
        &[OptionId::ReprovisionCloudAlias],
        OptionId::ReprovisionCloudAlias,
    );
    let o = &p.options[0];
    let id = object_id(18);
    let dn = "CN=bounced,OU=Sync,DC=contoso,DC=com".to_owned();
    let expected: Vec<Option<Operation>> = vec![
        Some(Operation::Check(Check::CloudUserState {
            object_id: id.clone(),
        })),
        Some(Operation::LdapMoveUser {
            distinguished_name: dn.clone(),
            new_parent: "OU=NoSync,DC=contoso,DC=com".to_owned(),
        }),
        None,
        Some(Operation::Check(Check::UserInRecycleBin {
            object_id: id.clone(),
        })),
        Some(Operation::GraphRestoreDeletedUser {
            object_id: id.clone(),
        }),
        Some(Operation::Check(Check::CloudOnly {
            object_id: id.clone(),
        })),
        Some(Operation::GraphAssignLicense {
            object_id: id.clone(),
            add: vec![AssignedLicense {
                sku_id: SKU.to_owned(),
                disabled_plans: Vec::new(),
            }],
            remove: Vec::new(),
        }),
        Some(Operation::Check(Check::MailboxWithGuid {
            identity: id.clone(),
            exchange_guid: Some(mailbox_guid(18)),
        })),
        None,
        Some(Operation::Check(Check::CloudHasAddress {
            object_id: id.clone(),
            address: format!("bounced@{RD}"),
        })),
        Some(Operation::LdapMoveUser {
            distinguished_name: "CN=bounced,OU=NoSync,DC=contoso,DC=com".to_owned(),
            new_parent: "OU=Sync,DC=contoso,DC=com".to_owned(),
        }),
        None,
        Some(Operation::Check(Check::Matched {
            identity: id.clone(),
            immutable_id: immutable_id_from_guid(&s.on_prem[0].source_anchor().unwrap()),
        })),
        None,
    ];
    assert_eq!(
        o.steps
            .iter()
            .map(|s| s.operation.clone())
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        o.steps[8].command,
        format!("Set-Mailbox -Identity '{id}' -EmailAddresses @{{add='smtp:bounced@{RD}'}}")
    );
    assert_eq!(
        o.steps[2].command,
        "Start-ADSyncSyncCycle -PolicyType Delta"
    );
    assert_mentions(
        &o.preconditions,
        "blockSoftMatchEnabled must be off (it is off)",
    );
    assert_well_formed(&p);
}

#[test]
fn without_an_out_of_scope_ou_the_moves_are_manual_placeholders() {
    let s = article_003();
    let p = plan_for(&s, "bounced@contoso.com");
    let o = &p.options[0];
    let moves: Vec<&Step> = o
        .steps
        .iter()
        .filter(|s| s.command.starts_with("Move-ADObject"))
        .collect();
    assert_eq!(moves.len(), 2);
    assert!(
        moves
            .iter()
            .all(|m| !m.automated && m.command.contains("<an OU outside the sync scope>"))
    );
    assert_mentions(
        &o.preconditions,
        "give it as an input (the out-of-scope OU)",
    );
}

#[test]
fn reprovision_warns_when_hard_match_takeover_is_blocked() {
    let mut s = article_003();
    let mut t = features(true, false);
    t.features
        .block_cloud_object_takeover_through_hard_match_enabled = true;
    s.tenant_sync = Some(t);
    let p = plan_for(&s, "bounced@contoso.com");
    assert_mentions(
        &p.options[0].preconditions,
        "blockCloudObjectTakeoverThroughHardMatchEnabled",
    );
}

#[test]
fn unknown_users_have_no_plan_and_dirsync_only_users_no_options() {
    let s = duplicate();
    let report = scan(&s, &ScanOptions::default());
    assert!(plan("nobody@contoso.com", &report, &s).is_none());
    let mut a = ad(11, "phone", T::NONE);
    a.mobile = Some("+1 425 555 0101".to_owned());
    let s = snap(vec![a], vec![entra(11, "phone")], vec![], vec![]);
    let p = plan_for(&s, "phone@contoso.com");
    assert_eq!(p.findings[0].kind, FindingKind::DirSyncOverride);
    assert!(p.options.is_empty());
}

#[test]
fn plan_json_shape_matches_the_contract() {
    let p = plan_for(&duplicate(), "dup@contoso.com");
    let v = serde_json::to_value(&p).unwrap();
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, ["Findings", "Options", "UserPrincipalName"]);
    let o = &v["Options"][0];
    let keys: Vec<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "Benefits",
            "DataAtRisk",
            "Drawbacks",
            "Id",
            "Preconditions",
            "Recommended",
            "Steps"
        ]
    );
    assert_eq!(o["Id"], "DeleteAndMerge");
    assert_eq!(o["Recommended"], true);
    let step: Vec<&str> = o["Steps"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(step, ["Action", "Automated", "Command", "Order"]);
    assert_eq!(o["Steps"][0]["Order"], 1);
}

#[test]
fn powershell_values_are_quoted() {
    assert_eq!(ps("O'Brien@contoso.com"), "'O''Brien@contoso.com'");
    assert_eq!(
        parent_dn("CN=Smith\\, John,OU=Sync,DC=contoso,DC=com"),
        Some("OU=Sync,DC=contoso,DC=com")
    );
    assert_eq!(
        rdn("CN=Smith\\, John,OU=Sync,DC=contoso,DC=com"),
        "CN=Smith\\, John"
    );
    assert_eq!(parent_dn("DC=com"), None);
    assert_eq!(
        "removelicense".parse::<OptionId>(),
        Ok(OptionId::RemoveLicense)
    );
    assert!("Nuke".parse::<OptionId>().is_err());
}
