//! Remediation plans: for one user's findings, the ways to fix them, each as exact, ordered steps.
//!
//! A plan is data, not action: every [`Step`] carries the cmdlet line or Graph call an admin would run
//! ([`Step::command`]) and, when idrift can run it itself, a typed [`Operation`] ([`Step::automated`]).
//! Manual steps (a sync cycle on the Entra Connect server, a mailbox migration, on-premises Exchange
//! cmdlets) have no operation; an executor stops there.
//!
//! Options (articles 001 and 003, hybrid-identity.md §3.5–3.6), filled in with the user's real values:
//!
//! | Option | Offered for | What it does |
//! |---|---|---|
//! | [`OptionId::DeleteAndMerge`] | a duplicate mailbox, or a soft-match collision with mailboxes on both sides, when the cloud mailbox's ExchangeGuid is known | records the cloud ExchangeGuid first, deletes and purges the Entra user, lets sync create a MailUser, migrates, then merges the soft-deleted mailbox with `New-MailboxRestoreRequest` |
//! | [`OptionId::RemoveLicense`] | a duplicate mailbox, a duplicate-mailbox risk, a soft-match collision with mailboxes; always recommended when provisioning errors are present (article 001, Option #3) | removes the licenses so the object falls back to a MailUser, clears the previous mailbox info (optional for a duplicate, required otherwise), migrates, licenses again |
//! | [`OptionId::KeepCloudMailbox`] | a duplicate mailbox; an ExchangeGuid mismatch between an AD remote mailbox and a cloud mailbox | makes the on-premises object a remote mailbox pointing at the cloud mailbox, and restores the on-premises content into it |
//! | [`OptionId::AddRoutingAddressOnPrem`] | a missing routing address that AD does not have | adds `smtp:<alias>@<tenant>.mail.onmicrosoft.com` to AD `proxyAddresses` and checks it arrives in the cloud |
//! | [`OptionId::ReprovisionCloudAlias`] | a routing address AD has and the cloud mailbox lacks (article 003); also offered after `AddRoutingAddressOnPrem`, for when the address does not arrive | out of sync scope, sync, restore, license, add the alias, back in scope, sync, soft match, with a check between the steps |
//!
//! One option per family (mailbox, routing) is marked [`RemediationOption::recommended`].

use serde::{Deserialize, Serialize};

use crate::anchor::immutable_id_from_guid;
use crate::exchange::{RecipientTypeDetails, addresses_in_domain, local_part, same_address};
use crate::guid::Guid;
use crate::model::{AssignedLicense, CloudUser, OnPremUser, Snapshot};
use crate::scan::{ExoIndex, ExoView, Finding, FindingKind, ScanReport, expected_routing_address};

/// The Microsoft Graph v1.0 base URL used in step commands.
const GRAPH: &str = "https://graph.microsoft.com/v1.0";

/// Which remediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OptionId {
    /// Delete and purge the Entra user, let sync re-create it, migrate, merge the soft-deleted mailbox.
    DeleteAndMerge,
    /// Remove the Exchange Online license; the cloud mailbox's data is lost.
    RemoveLicense,
    /// Keep the cloud mailbox; the on-premises one becomes a remote mailbox and its content is restored.
    KeepCloudMailbox,
    /// Add the routing address to AD `proxyAddresses`.
    AddRoutingAddressOnPrem,
    /// Article 003's sequence to add an address sync cannot add.
    ReprovisionCloudAlias,
}

impl OptionId {
    /// Every option.
    pub const ALL: [OptionId; 5] = [
        OptionId::DeleteAndMerge,
        OptionId::RemoveLicense,
        OptionId::KeepCloudMailbox,
        OptionId::AddRoutingAddressOnPrem,
        OptionId::ReprovisionCloudAlias,
    ];

    /// The name used in JSON and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            OptionId::DeleteAndMerge => "DeleteAndMerge",
            OptionId::RemoveLicense => "RemoveLicense",
            OptionId::KeepCloudMailbox => "KeepCloudMailbox",
            OptionId::AddRoutingAddressOnPrem => "AddRoutingAddressOnPrem",
            OptionId::ReprovisionCloudAlias => "ReprovisionCloudAlias",
        }
    }
}

impl std::fmt::Display for OptionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OptionId {
    type Err = crate::scan::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OptionId::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| crate::scan::UnknownName {
                what: "option",
                value: s.to_owned(),
                expected: "DeleteAndMerge, RemoveLicense, KeepCloudMailbox, AddRoutingAddressOnPrem, ReprovisionCloudAlias",
            })
    }
}

/// A live check an executor runs between steps; each names what it expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    /// The Entra user exists; its licenses, proxy addresses and anchor are read for the journal.
    CloudUserState {
        /// Entra object id.
        object_id: String,
    },
    /// The Entra user is in the recycle bin (`GET /directory/deletedItems/{id}`).
    UserInRecycleBin {
        /// Entra object id.
        object_id: String,
    },
    /// The Entra user exists and is no longer synced (`onPremisesSyncEnabled` not true).
    CloudOnly {
        /// Entra object id.
        object_id: String,
    },
    /// A soft-deleted mailbox with this ExchangeGuid exists.
    SoftDeletedMailbox {
        /// Its ExchangeGuid.
        exchange_guid: Guid,
    },
    /// The recipient is a MailUser carrying this ExchangeGuid (when given).
    MailUserWithGuid {
        /// UPN or object id.
        identity: String,
        /// The expected ExchangeGuid.
        exchange_guid: Option<Guid>,
    },
    /// The recipient is a mailbox with this ExchangeGuid (when given).
    MailboxWithGuid {
        /// UPN or object id.
        identity: String,
        /// The expected ExchangeGuid.
        exchange_guid: Option<Guid>,
    },
    /// The recipient is no longer a mailbox (MailUser or User).
    NoCloudMailbox {
        /// UPN or object id.
        identity: String,
    },
    /// `PreviousRecipientTypeDetails` is empty.
    PreviousMailboxInfoCleared {
        /// UPN or object id.
        identity: String,
    },
    /// The Entra user's `proxyAddresses` contain the address.
    CloudHasAddress {
        /// Entra object id.
        object_id: String,
        /// The address (without prefix).
        address: String,
    },
    /// The Entra user is synced with this ImmutableId (matched to its AD user).
    Matched {
        /// Entra object id, or the UPN when the object is re-created.
        identity: String,
        /// The expected `onPremisesImmutableId`.
        immutable_id: String,
    },
    /// The restore request into this mailbox completed (for a disconnected-mailbox restore,
    /// `FailedOther` with `RecipientNotFoundPermanentException` counts when the report's copy progress is
    /// complete).
    RestoreCompleted {
        /// The target mailbox (GUID text or UPN).
        target: String,
    },
    /// AD `msExchMailboxGuid` of the user is this GUID.
    OnPremMailboxGuid {
        /// The AD distinguished name.
        distinguished_name: String,
        /// The expected GUID.
        exchange_guid: Guid,
    },
}

/// What idrift itself runs for an automated step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    /// Read the cloud mailbox's ExchangeGuid and record it in the journal; stop when it is not `expected`.
    RecordExchangeGuid {
        /// UPN or object id.
        identity: String,
        /// The value the snapshot showed.
        expected: Guid,
    },
    /// `DELETE /users/{id}`.
    GraphDeleteUser {
        /// Entra object id.
        object_id: String,
    },
    /// `DELETE /directory/deletedItems/{id}`.
    GraphPurgeDeletedUser {
        /// Entra object id.
        object_id: String,
    },
    /// `POST /directory/deletedItems/{id}/restore`.
    GraphRestoreDeletedUser {
        /// Entra object id.
        object_id: String,
    },
    /// `POST /users/{id}/assignLicense`.
    GraphAssignLicense {
        /// Entra object id.
        object_id: String,
        /// Licenses to add.
        add: Vec<AssignedLicense>,
        /// SKU ids to remove.
        remove: Vec<String>,
    },
    /// EXO `Set-User -PermanentlyClearPreviousMailboxInfo`.
    ExoClearPreviousMailboxInfo {
        /// UPN or object id.
        identity: String,
    },
    /// EXO `New-MailboxRestoreRequest -SourceMailbox -TargetMailbox -AllowLegacyDNMismatch`.
    ExoNewMailboxRestoreRequest {
        /// The soft-deleted mailbox's ExchangeGuid.
        source: Guid,
        /// The target mailbox (GUID text or UPN).
        target: String,
    },
    /// LDAP modify: add a value to `proxyAddresses`.
    LdapAddProxyAddress {
        /// The AD user.
        distinguished_name: String,
        /// The full proxy address (`smtp:...`).
        proxy_address: String,
    },
    /// LDAP modify DN: move the user under another parent.
    LdapMoveUser {
        /// The AD user's current DN.
        distinguished_name: String,
        /// The new parent OU.
        new_parent: String,
    },
    /// A live check.
    Check(Check),
}

/// One step of an option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Step {
    /// 1-based position.
    pub order: usize,
    /// What the step does and why, for a person.
    pub action: String,
    /// The exact cmdlet line or API call.
    pub command: String,
    /// idrift can run it (it has an [`Operation`]).
    pub automated: bool,
    /// What idrift runs; `None` for a manual step.
    #[serde(skip)]
    pub operation: Option<Operation>,
}

/// One way to fix the user's findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemediationOption {
    /// Which option.
    pub id: OptionId,
    /// The option idrift recommends for this family of findings.
    pub recommended: bool,
    /// Why one would choose it.
    pub benefits: Vec<String>,
    /// What it costs.
    pub drawbacks: Vec<String>,
    /// What may be lost, with the user's values.
    pub data_at_risk: String,
    /// What must hold before (and while) the steps run.
    pub preconditions: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl RemediationOption {
    /// The ExchangeGuid the option records before it deletes anything.
    pub fn recorded_exchange_guid(&self) -> Option<Guid> {
        self.steps.iter().find_map(|s| match &s.operation {
            Some(Operation::RecordExchangeGuid { expected, .. }) => Some(*expected),
            _ => None,
        })
    }
}

/// The plan for one user. Serializes as `{"UserPrincipalName":...,"Findings":[...],"Options":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemediationPlan {
    /// The user.
    pub user_principal_name: String,
    /// The user's findings, as the scan reported them.
    pub findings: Vec<Finding>,
    /// The ways to fix them; empty when no finding has an Exchange remediation (a DirSyncOverride is fixed
    /// with `idrift dirsync`, a provisioning error alone at its source).
    pub options: Vec<RemediationOption>,
}

impl RemediationPlan {
    /// The option with this id.
    pub fn option(&self, id: OptionId) -> Option<&RemediationOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

/// Values a plan needs that the snapshot cannot give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// An OU outside the sync scope, for [`OptionId::ReprovisionCloudAlias`]; without it that step is
    /// manual and shows a placeholder.
    pub out_of_scope_ou: Option<String>,
    /// The on-premises MRS endpoint for remote moves (`mail.contoso.com`); a placeholder when absent.
    pub remote_host_name: Option<String>,
}

/// The remediation plan for `upn`'s findings, or `None` when the report has no finding for that UPN.
pub fn plan(upn: &str, report: &ScanReport, snapshot: &Snapshot) -> Option<RemediationPlan> {
    plan_with(upn, report, snapshot, &PlanOptions::default())
}

/// [`plan`] with the values only the admin knows.
pub fn plan_with(
    upn: &str,
    report: &ScanReport,
    snapshot: &Snapshot,
    opts: &PlanOptions,
) -> Option<RemediationPlan> {
    let findings: Vec<Finding> = report.findings_for(upn).cloned().collect();
    if findings.is_empty() {
        return None;
    }
    let subject = Subject::resolve(upn, &findings, report, snapshot, opts);
    let options = subject.options(&findings);
    Some(RemediationPlan {
        user_principal_name: subject.upn.clone(),
        findings,
        options,
    })
}

/// Everything known about the user the plan is for.
struct Subject<'a> {
    upn: String,
    ad: Option<&'a OnPremUser>,
    cloud: Option<&'a CloudUser>,
    view: ExoView<'a>,
    routing_domain: Option<String>,
    snapshot: &'a Snapshot,
    opts: &'a PlanOptions,
}

/// Quotes a PowerShell string literal.
fn ps(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn guid_or(g: Option<Guid>, fallback: &str) -> String {
    g.map_or_else(|| fallback.to_owned(), |g| g.to_string())
}

/// The parent of a DN (everything after the first unescaped comma).
fn parent_dn(dn: &str) -> Option<&str> {
    let bytes = dn.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b',' => {
                return dn
                    .get(i + 1..)
                    .map(str::trim_start)
                    .filter(|p| !p.is_empty());
            }
            _ => i += 1,
        }
    }
    None
}

/// The first RDN of a DN.
fn rdn(dn: &str) -> &str {
    match parent_dn(dn) {
        Some(p) => dn
            .get(..dn.len() - p.len())
            .unwrap_or(dn)
            .trim_end()
            .trim_end_matches(','),
        None => dn,
    }
}

/// Builds the numbered steps of one option.
#[derive(Default)]
struct Steps(Vec<Step>);

impl Steps {
    fn auto(&mut self, action: impl Into<String>, command: impl Into<String>, op: Operation) {
        self.push(action.into(), command.into(), Some(op));
    }

    fn manual(&mut self, action: impl Into<String>, command: impl Into<String>) {
        self.push(action.into(), command.into(), None);
    }

    fn check(&mut self, action: impl Into<String>, command: impl Into<String>, check: Check) {
        self.push(action.into(), command.into(), Some(Operation::Check(check)));
    }

    fn push(&mut self, action: String, command: String, operation: Option<Operation>) {
        let order = self.0.len() + 1;
        self.0.push(Step {
            order,
            action,
            command,
            automated: operation.is_some(),
            operation,
        });
    }

    fn next(&self) -> usize {
        self.0.len() + 1
    }
}

fn has(findings: &[Finding], kind: FindingKind) -> bool {
    findings.iter().any(|f| f.kind == kind)
}

fn evidence_str<'f>(f: &'f Finding, key: &str) -> Option<&'f str> {
    f.evidence.get(key).and_then(|v| v.as_str())
}

fn problems(f: &Finding) -> Vec<&str> {
    f.evidence
        .get("Problems")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
        .unwrap_or_default()
}

fn assign_body(add: &[AssignedLicense], remove: &[String]) -> String {
    let add: Vec<serde_json::Value> = add
        .iter()
        .map(|l| serde_json::json!({ "skuId": l.sku_id, "disabledPlans": l.disabled_plans }))
        .collect();
    serde_json::json!({ "addLicenses": add, "removeLicenses": remove }).to_string()
}

impl<'a> Subject<'a> {
    fn resolve(
        upn: &str,
        findings: &[Finding],
        report: &ScanReport,
        snapshot: &'a Snapshot,
        opts: &'a PlanOptions,
    ) -> Subject<'a> {
        let object_id = findings
            .iter()
            .map(|f| f.object_id.as_str())
            .find(|s| !s.is_empty());
        let dn = findings
            .iter()
            .map(|f| f.distinguished_name.as_str())
            .find(|s| !s.is_empty());
        let cloud = object_id.and_then(|id| snapshot.cloud.iter().find(|c| c.id == id));
        let ad = dn.and_then(|dn| snapshot.on_prem.iter().find(|a| a.distinguished_name == dn));
        let exo = ExoIndex::build(snapshot);
        let view = cloud
            .map(|c| exo.lookup(c, &mut String::new()))
            .unwrap_or_default();
        let routing_domain = report
            .routing_domain
            .clone()
            .or_else(|| {
                findings
                    .iter()
                    .find_map(|f| evidence_str(f, "RoutingDomain"))
                    .map(str::to_owned)
            })
            .or_else(|| {
                crate::exchange::detect_routing_domain(
                    &snapshot.on_prem,
                    &snapshot.cloud,
                    snapshot.exo_recipients.as_deref(),
                )
            });
        let upn = findings
            .first()
            .map(|f| f.user_principal_name.clone())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| upn.to_owned());
        Subject {
            upn,
            ad,
            cloud,
            view,
            routing_domain,
            snapshot,
            opts,
        }
    }

    fn object_id(&self) -> &str {
        self.cloud.map_or("<Entra object id>", |c| c.id.as_str())
    }

    fn cloud_guid(&self) -> Option<Guid> {
        self.view.exchange_guid().filter(|g| !g.is_nil())
    }

    fn ad_guid(&self) -> Option<Guid> {
        self.ad.and_then(|a| a.mailbox_guid).filter(|g| !g.is_nil())
    }

    fn ad_type(&self) -> RecipientTypeDetails {
        self.ad
            .and_then(|a| a.recipient_type_details)
            .map(RecipientTypeDetails::from_i64)
            .unwrap_or_default()
    }

    fn licenses(&self) -> &'a [AssignedLicense] {
        self.cloud.map_or(&[], |c| c.assigned_licenses.as_slice())
    }

    fn sku_ids(&self) -> Vec<String> {
        self.licenses().iter().map(|l| l.sku_id.clone()).collect()
    }

    fn routing(&self) -> &str {
        self.routing_domain
            .as_deref()
            .unwrap_or("<tenant>.mail.onmicrosoft.com")
    }

    fn remote_host(&self) -> String {
        self.opts
            .remote_host_name
            .clone()
            .unwrap_or_else(|| "<on-premises MRS endpoint, e.g. mail.contoso.com>".to_owned())
    }

    fn alias(&self) -> String {
        self.routing_domain
            .as_deref()
            .and_then(|d| self.ad.and_then(|a| expected_routing_address(a, d)))
            .as_deref()
            .and_then(local_part)
            .or_else(|| local_part(&self.upn))
            .unwrap_or("alias")
            .to_owned()
    }

    fn immutable_id(&self) -> Option<String> {
        self.ad
            .and_then(OnPremUser::source_anchor)
            .map(|g| immutable_id_from_guid(&g))
    }

    fn sync_step(&self, s: &mut Steps, why: &str) {
        s.manual(
            format!("On the Entra Connect server, run a delta sync cycle: {why}."),
            "Start-ADSyncSyncCycle -PolicyType Delta",
        );
    }

    fn migrate_step(&self, s: &mut Steps) {
        s.manual(
            format!(
                "Migrate the on-premises mailbox to Exchange Online (a migration batch, or a single move request as \
                 shown). This is manual: continue with step {} once the move has completed.",
                s.next() + 1
            ),
            format!(
                "New-MoveRequest -Identity {} -Remote -RemoteHostName {} -TargetDeliveryDomain {} -RemoteCredential (Get-Credential)",
                ps(&self.upn),
                ps(&self.remote_host()),
                ps(self.routing()),
            ),
        );
    }

    fn options(&self, findings: &[Finding]) -> Vec<RemediationOption> {
        let mut out: Vec<RemediationOption> = Vec::new();
        let provisioning = has(findings, FindingKind::ProvisioningError);
        let duplicate = has(findings, FindingKind::DuplicateMailbox);
        let risk = has(findings, FindingKind::DuplicateMailboxRisk);
        let collision = findings.iter().find(|f| {
            f.kind == FindingKind::SoftMatchCollision
                && f.severity == crate::scan::Severity::Critical
        });
        let cloud_t = self.view.type_details();
        let mismatch_remote = findings
            .iter()
            .any(|f| f.kind == FindingKind::ExchangeGuidMismatch)
            && self.ad_type().is_remote_mailbox()
            && cloud_t.is_mailbox();

        // The mailbox family.
        let mut preferred = None;
        if (duplicate || collision.is_some())
            && let Some(o) = self.delete_and_merge(collision.is_some())
        {
            out.push(o);
            preferred.get_or_insert(OptionId::DeleteAndMerge);
        }
        if duplicate || risk || collision.is_some() {
            let clear_required = !duplicate;
            out.push(self.remove_license(clear_required, collision.is_some(), provisioning));
            preferred.get_or_insert(OptionId::RemoveLicense);
        }
        if (duplicate || mismatch_remote)
            && let Some(o) = self.keep_cloud_mailbox(mismatch_remote && !duplicate)
        {
            out.push(o);
            preferred.get_or_insert(OptionId::KeepCloudMailbox);
        }
        if provisioning && out.iter().any(|o| o.id == OptionId::RemoveLicense) {
            preferred = Some(OptionId::RemoveLicense);
        }
        for o in &mut out {
            o.recommended = Some(o.id) == preferred;
        }

        // The routing family.
        if let Some(f) = findings
            .iter()
            .find(|f| f.kind == FindingKind::MissingRoutingAddress)
        {
            let p = problems(f);
            let ad_has = !p.contains(&"NoRoutingAddressInAD");
            let target_missing = p.contains(&"TargetAddressNotInCloud");
            let target_in_ad = self.ad.is_some_and(|a| {
                a.target_address
                    .as_deref()
                    .and_then(crate::exchange::smtp_address)
                    .is_some_and(|t| {
                        addresses_in_domain(&a.proxy_addresses, self.routing())
                            .any(|x| same_address(x, t))
                    })
            });
            let add_needed = !ad_has || (target_missing && !target_in_ad);
            let reprovision_possible = self.cloud.is_some() && cloud_t.is_mailbox();
            if add_needed && let Some(mut o) = self.add_routing_address() {
                o.recommended = true;
                out.push(o);
            }
            if reprovision_possible {
                let mut o = self.reprovision_cloud_alias(add_needed);
                o.recommended = !add_needed;
                out.push(o);
            }
        }
        out
    }

    fn delete_and_merge(&self, before_sync: bool) -> Option<RemediationOption> {
        let cloud_guid = self.cloud_guid()?;
        let object_id = self.object_id().to_owned();
        let target = guid_or(self.ad_guid(), &self.upn);
        let mut s = Steps::default();
        s.auto(
            format!(
                "Record the Exchange Online mailbox's ExchangeGuid ({cloud_guid}) before anything is deleted: the \
                 merge at the end restores from it. Stop if the live value differs."
            ),
            format!("Get-Mailbox -Identity {} | Select-Object ExchangeGuid", ps(&object_id)),
            Operation::RecordExchangeGuid { identity: object_id.clone(), expected: cloud_guid },
        );
        s.auto(
            "Delete the Entra user (it goes to the recycle bin).",
            format!("DELETE {GRAPH}/users/{object_id}"),
            Operation::GraphDeleteUser {
                object_id: object_id.clone(),
            },
        );
        s.check(
            "Check that the user is in the recycle bin.",
            format!("GET {GRAPH}/directory/deletedItems/{object_id}"),
            Check::UserInRecycleBin {
                object_id: object_id.clone(),
            },
        );
        s.auto(
            "Purge the user from the recycle bin; the Exchange Online mailbox becomes soft-deleted.",
            format!("DELETE {GRAPH}/directory/deletedItems/{object_id}"),
            Operation::GraphPurgeDeletedUser { object_id: object_id.clone() },
        );
        s.check(
            format!("Check that the mailbox {cloud_guid} is soft-deleted (it is the source of the merge)."),
            format!("Get-Mailbox -SoftDeletedMailbox -Identity {cloud_guid} | Select-Object ExchangeGuid,WhenSoftDeleted"),
            Check::SoftDeletedMailbox { exchange_guid: cloud_guid },
        );
        self.sync_step(
            &mut s,
            if before_sync {
                "the AD user is provisioned as a new Entra user (the cloud-only user it would have soft-matched is gone)"
            } else {
                "the AD user is provisioned again as a new Entra user"
            },
        );
        s.check(
            format!(
                "Check that Exchange Online shows the user as a MailUser carrying the on-premises ExchangeGuid{}.",
                self.ad_guid().map(|g| format!(" {g}")).unwrap_or_default()
            ),
            format!("Get-MailUser -Identity {} | Select-Object RecipientTypeDetails,ExchangeGuid", ps(&self.upn)),
            Check::MailUserWithGuid { identity: self.upn.clone(), exchange_guid: self.ad_guid() },
        );
        self.migrate_step(&mut s);
        s.check(
            "Check that the migrated mailbox is in Exchange Online with the on-premises ExchangeGuid.",
            format!("Get-Mailbox -Identity {} | Select-Object ExchangeGuid", ps(&self.upn)),
            Check::MailboxWithGuid { identity: self.upn.clone(), exchange_guid: self.ad_guid() },
        );
        s.auto(
            format!("Merge the soft-deleted mailbox {cloud_guid} (recorded in step 1) into the migrated mailbox."),
            format!("New-MailboxRestoreRequest -SourceMailbox {cloud_guid} -TargetMailbox {target} -AllowLegacyDNMismatch"),
            Operation::ExoNewMailboxRestoreRequest { source: cloud_guid, target: target.clone() },
        );
        s.check(
            "Check that the restore request completed.",
            format!("Get-MailboxRestoreRequest -TargetMailbox {target} | Get-MailboxRestoreRequestStatistics"),
            Check::RestoreCompleted { target },
        );
        let mut preconditions = vec![
            format!(
                "The cloud mailbox's ExchangeGuid is {cloud_guid} in the snapshot; step 1 confirms it live before \
                 anything is deleted."
            ),
            format!(
                "The AD user {} is in sync scope, so the next sync provisions it again.",
                self.ad.map_or("<not in the snapshot>", |a| a.distinguished_name.as_str())
            ),
            "Soft-deleted mailboxes are kept 30 days: the migration and the merge must finish within that time."
                .to_owned(),
            "The user holds no Entra admin role (a re-created user has none, and sync never matches admins)."
                .to_owned(),
        ];
        if before_sync {
            preconditions.push(
                "Run it before the next sync cycle: once sync soft-matches the cloud-only user, licensing it \
                 creates the duplicate."
                    .to_owned(),
            );
        }
        if self.routing_domain.is_none() {
            preconditions.push("The routing domain is unknown: give it as an input.".to_owned());
        }
        Some(RemediationOption {
            id: OptionId::DeleteAndMerge,
            recommended: false,
            benefits: vec![
                "Deleting and purging an Entra user is simple.".to_owned(),
                "The mailbox can be migrated as soon as sync has provisioned the MailUser.".to_owned(),
                format!("No mail is lost: the soft-deleted cloud mailbox {cloud_guid} is merged into the migrated one."),
            ],
            drawbacks: vec![
                "A complete reset of the Entra account: it comes back with a new object id.".to_owned(),
                "Permissions granted in the service (SharePoint and OneDrive ownership, app and role assignments) are lost."
                    .to_owned(),
                "Membership in cloud-only groups (Microsoft 365 groups) is lost.".to_owned(),
                "Mail flow to the user may pause while the object is deleted and re-created.".to_owned(),
            ],
            data_at_risk: format!(
                "The Entra account {object_id} and its cloud-side permissions and memberships. Mail in the cloud \
                 mailbox {cloud_guid} is kept soft-deleted for 30 days and merged back in the last steps; if the \
                 merge is not run in time, it is lost."
            ),
            preconditions,
            steps: s.0,
        })
    }

    fn remove_license(
        &self,
        clear_required: bool,
        before_sync: bool,
        provisioning: bool,
    ) -> RemediationOption {
        let object_id = self.object_id().to_owned();
        let skus = self.sku_ids();
        let licenses = self.licenses();
        let mut s = Steps::default();
        if !skus.is_empty() {
            s.auto(
                format!(
                    "Remove the license(s) {} from the Entra user; Exchange Online turns the mailbox back into a \
                     MailUser.",
                    skus.join(", ")
                ),
                format!("POST {GRAPH}/users/{object_id}/assignLicense {}", assign_body(&[], &skus)),
                Operation::GraphAssignLicense { object_id: object_id.clone(), add: Vec::new(), remove: skus.clone() },
            );
        }
        s.check(
            "Check that Exchange Online no longer shows a mailbox for the user (MailUser or User).",
            format!("Get-User -Identity {} | Select-Object RecipientTypeDetails,PreviousRecipientTypeDetails", ps(&object_id)),
            Check::NoCloudMailbox { identity: object_id.clone() },
        );
        let prefix = if clear_required { "" } else { "Optional: " };
        s.auto(
            format!(
                "{prefix}Clear the previous mailbox info, so a later license cannot bring the old mailbox back or \
                 create a new one; this destroys the old cloud mailbox's data for good."
            ),
            format!("Set-User -Identity {} -PermanentlyClearPreviousMailboxInfo -Confirm:$false", ps(&object_id)),
            Operation::ExoClearPreviousMailboxInfo { identity: object_id.clone() },
        );
        s.check(
            "Check that PreviousRecipientTypeDetails is empty.",
            format!(
                "Get-User -Identity {} | Select-Object PreviousRecipientTypeDetails",
                ps(&object_id)
            ),
            Check::PreviousMailboxInfoCleared {
                identity: object_id.clone(),
            },
        );
        if before_sync {
            self.sync_step(
                &mut s,
                "the AD user soft-matches the cloud user, which becomes a MailUser",
            );
            if let Some(immutable_id) = self.immutable_id() {
                s.check(
                    format!("Check that the Entra user is now synced with ImmutableId {immutable_id}."),
                    format!("GET {GRAPH}/users/{object_id}?$select=onPremisesImmutableId,onPremisesSyncEnabled"),
                    Check::Matched { identity: object_id.clone(), immutable_id },
                );
            }
        }
        if self.ad_type().is_mailbox() {
            self.migrate_step(&mut s);
            s.check(
                "Check that the migrated mailbox is in Exchange Online with the on-premises ExchangeGuid.",
                format!("Get-Mailbox -Identity {} | Select-Object ExchangeGuid", ps(&self.upn)),
                Check::MailboxWithGuid { identity: self.upn.clone(), exchange_guid: self.ad_guid() },
            );
        }
        if !licenses.is_empty() {
            s.auto(
                "Assign the license(s) again, now that the mailbox is in Exchange Online.",
                format!(
                    "POST {GRAPH}/users/{object_id}/assignLicense {}",
                    assign_body(licenses, &[])
                ),
                Operation::GraphAssignLicense {
                    object_id: object_id.clone(),
                    add: licenses.to_vec(),
                    remove: Vec::new(),
                },
            );
        }
        let mut preconditions = vec![
            "Group-based licenses cannot be removed per user: take the user out of the licensing group instead."
                .to_owned(),
            "Removing a SKU removes all of its plans (Teams, SharePoint, ...). To keep them, assign the SKU again \
             with the Exchange Online plan in disabledPlans instead of removing it."
                .to_owned(),
            "Do not assign an Exchange license again until the mailbox has been migrated.".to_owned(),
        ];
        if skus.is_empty() {
            preconditions.push(
                "No license is assigned in Entra ID: there is nothing to remove; the previous mailbox info is \
                 cleared directly."
                    .to_owned(),
            );
        }
        if provisioning {
            preconditions.push(
                "The user has provisioning errors: article 001 (Option #3) falls back to removing the license \
                 for such accounts."
                    .to_owned(),
            );
        }
        if before_sync {
            preconditions
                .push("Run it before the next sync cycle soft-matches the cloud user.".to_owned());
        }
        let data_at_risk = match self.cloud_guid() {
            Some(g) if self.view.type_details().is_mailbox() => format!(
                "Everything in the Exchange Online mailbox {g}: it is not recoverable once the license is removed \
                 and the previous mailbox info cleared."
            ),
            _ => "The data of the user's previous cloud mailbox, which clearing the previous mailbox info \
                  destroys."
                .to_owned(),
        };
        RemediationOption {
            id: OptionId::RemoveLicense,
            recommended: false,
            benefits: vec![
                "The Entra account is preserved, with its object id.".to_owned(),
                "Permissions in SharePoint, OneDrive and other services are preserved (as long as only the Exchange \
                 Online license is removed)."
                    .to_owned(),
            ],
            drawbacks: vec![
                "The Exchange Online mailbox is not recoverable: its data is lost.".to_owned(),
                "Mail flow to the user may pause while the recipient changes type.".to_owned(),
            ],
            data_at_risk,
            preconditions,
            steps: s.0,
        }
    }

    fn keep_cloud_mailbox(&self, remote_only: bool) -> Option<RemediationOption> {
        let cloud_guid = self.cloud_guid()?;
        let upn = ps(&self.upn);
        let alias = self.alias();
        let mut s = Steps::default();
        if remote_only {
            s.manual(
                format!(
                    "In the on-premises Exchange Management Shell, point the remote mailbox at the cloud mailbox \
                     {cloud_guid}."
                ),
                format!("Set-RemoteMailbox -Identity {upn} -ExchangeGuid {cloud_guid}"),
            );
            self.sync_step(&mut s, "the new ExchangeGuid reaches Exchange Online");
        } else {
            let file = format!(".\\{alias}-onprem-mailbox.xml");
            s.manual(
                "In the on-premises Exchange Management Shell, save the on-premises mailbox's details (the \
                 LegacyExchangeDN and the database are needed later).",
                format!(
                    "Get-Mailbox -Identity {upn} | Select-Object Name,Alias,LegacyExchangeDN,EmailAddresses,ExchangeGuid,Database | Export-Clixml -Path {}",
                    ps(&file)
                ),
            );
            s.manual(
                "Disconnect the on-premises mailbox.",
                format!("Disable-Mailbox -Identity {upn} -Confirm:$false"),
            );
            s.manual(
                "Make the user a remote mailbox routed to Exchange Online.",
                format!(
                    "Enable-RemoteMailbox -Identity {upn} -RemoteRoutingAddress {}",
                    ps(&format!("{alias}@{}", self.routing()))
                ),
            );
            s.manual(
                "Keep replies to old messages working: add the old LegacyExchangeDN as an X500 address.",
                format!(
                    "$m = Import-Clixml -Path {}; Set-RemoteMailbox -Identity {upn} -EmailAddresses @{{add=\"x500:$($m.LegacyExchangeDN)\"}}",
                    ps(&file)
                ),
            );
            s.manual(
                format!("Point the remote mailbox at the cloud mailbox {cloud_guid}."),
                format!("Set-RemoteMailbox -Identity {upn} -ExchangeGuid {cloud_guid}"),
            );
            self.sync_step(
                &mut s,
                "the remote mailbox and its ExchangeGuid reach Exchange Online",
            );
        }
        if let Some(ad) = self.ad {
            s.check(
                format!("Check that AD msExchMailboxGuid is now {cloud_guid}."),
                format!(
                    "Get-ADUser -Identity {} -Properties msExchMailboxGuid | Select-Object msExchMailboxGuid",
                    ps(&ad.distinguished_name)
                ),
                Check::OnPremMailboxGuid { distinguished_name: ad.distinguished_name.clone(), exchange_guid: cloud_guid },
            );
        }
        s.check(
            format!("Check that the cloud mailbox {cloud_guid} is still the user's mailbox."),
            format!(
                "Get-Mailbox -Identity {upn} | Select-Object RecipientTypeDetails,ExchangeGuid"
            ),
            Check::MailboxWithGuid {
                identity: self.upn.clone(),
                exchange_guid: Some(cloud_guid),
            },
        );
        if !remote_only {
            s.manual(
                "In Exchange Online, restore the disconnected on-premises mailbox's content into the cloud mailbox \
                 (Exchange 2013 or later on-premises).",
                format!(
                    "New-MailboxRestoreRequest -RemoteHostName {} -RemoteCredential (Get-Credential) -SourceStoreMailbox {} -TargetMailbox {cloud_guid} -RemoteDatabaseGuid '<on-premises database GUID: (Get-MailboxDatabase $m.Database).Guid>' -RemoteRestoreType DisconnectedMailbox",
                    ps(&self.remote_host()),
                    guid_or(self.ad_guid(), "<on-premises ExchangeGuid from the saved details>"),
                ),
            );
            s.check(
                "Check the restore. It ends as FailedOther with RecipientNotFoundPermanentException even when it \
                 copied everything: it succeeded when the report's last copy-progress entry shows every message \
                 copied.",
                format!("Get-MailboxRestoreRequest -TargetMailbox {cloud_guid} | Get-MailboxRestoreRequestStatistics -IncludeReport"),
                Check::RestoreCompleted { target: cloud_guid.to_string() },
            );
        }
        let (benefits, drawbacks, data_at_risk, preconditions) = if remote_only {
            (
                vec![
                    "Nothing is deleted: only the on-premises pointer changes.".to_owned(),
                    "The cloud mailbox, its data and the Entra account stay as they are."
                        .to_owned(),
                ],
                vec!["Needs the on-premises Exchange Management Shell.".to_owned()],
                format!(
                    "None, if {cloud_guid} is the mailbox holding the user's data; check that before changing the \
                     pointer ({} was recorded on-premises).",
                    guid_or(self.ad_guid(), "no GUID")
                ),
                vec![format!(
                    "The cloud mailbox {cloud_guid} is the one holding the user's mail (the on-premises object is a \
                     remote mailbox)."
                )],
            )
        } else {
            (
                vec![
                    "The cloud mailbox and its data stay where they are.".to_owned(),
                    "The Entra account and its permissions are preserved.".to_owned(),
                    "The on-premises content is restored into the cloud mailbox.".to_owned(),
                ],
                vec![
                    "Many manual steps in the on-premises Exchange Management Shell.".to_owned(),
                    "The restore needs Exchange 2013 or later on-premises and an MRS endpoint reachable from \
                     Exchange Online."
                        .to_owned(),
                    "The restore job reports FailedOther even when it copied everything: it must be judged from its \
                     report."
                        .to_owned(),
                ],
                format!(
                    "The on-premises mailbox {}: after Disable-Mailbox it is disconnected, and it is purged when the \
                     deleted-mailbox retention ends (30 days by default). Restore it before then.",
                    guid_or(self.ad_guid(), "(no msExchMailboxGuid in the snapshot)")
                ),
                vec![
                    "Exchange 2013 or later on-premises (for the disconnected-mailbox restore).".to_owned(),
                    "The deleted-mailbox retention on-premises covers the time until the restore.".to_owned(),
                ],
            )
        };
        Some(RemediationOption {
            id: OptionId::KeepCloudMailbox,
            recommended: false,
            benefits,
            drawbacks,
            data_at_risk,
            preconditions,
            steps: s.0,
        })
    }

    fn address_owner(&self, address: &str) -> Option<String> {
        let me = self.ad.map(|a| a.distinguished_name.as_str());
        let my_id = self.cloud.map(|c| c.id.as_str());
        let holds = |proxies: &[String]| {
            proxies
                .iter()
                .filter_map(|p| crate::exchange::smtp_address(p))
                .any(|a| same_address(a, address))
        };
        self.snapshot
            .on_prem
            .iter()
            .find(|a| Some(a.distinguished_name.as_str()) != me && holds(&a.proxy_addresses))
            .map(|a| a.distinguished_name.clone())
            .or_else(|| {
                self.snapshot
                    .cloud
                    .iter()
                    .find(|c| Some(c.id.as_str()) != my_id && holds(&c.proxy_addresses))
                    .map(|c| {
                        c.user_principal_name
                            .clone()
                            .unwrap_or_else(|| c.id.clone())
                    })
            })
    }

    fn add_routing_address(&self) -> Option<RemediationOption> {
        let ad = self.ad?;
        let domain = self.routing_domain.as_deref()?;
        let address = expected_routing_address(ad, domain)?;
        let proxy = format!("smtp:{address}");
        let mut s = Steps::default();
        s.auto(
            format!(
                "Add {proxy} to the AD user's proxyAddresses (an LDAP modify; in the Exchange Management Shell: \
                 Set-RemoteMailbox -Identity {} -EmailAddresses @{{add={}}}).",
                ps(&self.upn),
                ps(&proxy)
            ),
            format!("Set-ADUser -Identity {} -Add @{{proxyAddresses={}}}", ps(&ad.distinguished_name), ps(&proxy)),
            Operation::LdapAddProxyAddress { distinguished_name: ad.distinguished_name.clone(), proxy_address: proxy.clone() },
        );
        let mut preconditions = Vec::new();
        match self.address_owner(&address) {
            Some(owner) => preconditions.push(format!(
                "{address} is already used by {owner}: a duplicate proxy address makes sync quarantine the user. \
                 Choose another alias."
            )),
            None => preconditions.push(format!("No other object in the snapshot uses {address}.")),
        }
        if let Some(c) = self.cloud {
            self.sync_step(
                &mut s,
                "the new address reaches Entra ID and Exchange Online",
            );
            s.check(
                format!(
                    "Check that the cloud user now has {address}. If it does not appear, use ReprovisionCloudAlias."
                ),
                format!("GET {GRAPH}/users/{}?$select=proxyAddresses", c.id),
                Check::CloudHasAddress { object_id: c.id.clone(), address: address.clone() },
            );
        } else {
            preconditions.push(
                "The user is not in Entra ID yet: the address travels with its first sync."
                    .to_owned(),
            );
        }
        Some(RemediationOption {
            id: OptionId::AddRoutingAddressOnPrem,
            recommended: false,
            benefits: vec![
                "Only adds an address; nothing is removed.".to_owned(),
                format!(
                    "Hybrid moves validate again (MigrationPermanentException: The target mailbox doesn't have an \
                     SMTP proxy matching '{domain}')."
                ),
            ],
            drawbacks: vec![
                "Does not help when AD already has the address and the cloud still lacks it (article 003): then use \
                 ReprovisionCloudAlias."
                    .to_owned(),
            ],
            data_at_risk: "None: an address is added, nothing is removed.".to_owned(),
            preconditions,
            steps: s.0,
        })
    }

    fn reprovision_cloud_alias(&self, after_add: bool) -> RemediationOption {
        let object_id = self.object_id().to_owned();
        let dn = self
            .ad
            .map_or("<AD distinguished name>", |a| a.distinguished_name.as_str());
        let parent = parent_dn(dn).unwrap_or("<original OU>").to_owned();
        let address = self
            .ad
            .zip(self.routing_domain.as_deref())
            .and_then(|(a, d)| expected_routing_address(a, d))
            .unwrap_or_else(|| format!("{}@{}", self.alias(), self.routing()));
        let out_ou = self.opts.out_of_scope_ou.clone();
        let out_ou_text = out_ou
            .clone()
            .unwrap_or_else(|| "<an OU outside the sync scope>".to_owned());
        let moved_dn = format!("{},{out_ou_text}", rdn(dn));
        let licenses = self.licenses();
        let features = self.snapshot.tenant_sync.as_ref().map(|t| &t.features);
        let mut s = Steps::default();
        s.check(
            format!(
                "Record the user's state: object id {object_id}, licenses {}, proxy addresses, and the AD OU {parent}.",
                if licenses.is_empty() { "(none)".to_owned() } else { self.sku_ids().join(", ") }
            ),
            format!("GET {GRAPH}/users/{object_id}?$select=id,userPrincipalName,assignedLicenses,proxyAddresses,onPremisesImmutableId"),
            Check::CloudUserState { object_id: object_id.clone() },
        );
        let move_out_cmd = format!(
            "Move-ADObject -Identity {} -TargetPath {}",
            ps(dn),
            ps(&out_ou_text)
        );
        match &out_ou {
            Some(ou) => s.auto(
                "Move the AD user out of sync scope.",
                move_out_cmd,
                Operation::LdapMoveUser { distinguished_name: dn.to_owned(), new_parent: ou.clone() },
            ),
            None => s.manual(
                "Move the AD user to an OU outside the sync scope (give that out-of-scope OU as an input to \
                 let idrift do it).",
                move_out_cmd,
            ),
        }
        self.sync_step(
            &mut s,
            "the Entra user is deleted (the export shows one deletion)",
        );
        s.check(
            "Check that the Entra user is in the recycle bin.",
            format!("GET {GRAPH}/directory/deletedItems/{object_id}"),
            Check::UserInRecycleBin {
                object_id: object_id.clone(),
            },
        );
        s.auto(
            "Restore the user (ignore the offer to reset its password: the soft match brings AD's back).",
            format!("POST {GRAPH}/directory/deletedItems/{object_id}/restore"),
            Operation::GraphRestoreDeletedUser { object_id: object_id.clone() },
        );
        s.check(
            "Check that the user is back as a cloud-only user.",
            format!("GET {GRAPH}/users/{object_id}?$select=id,onPremisesSyncEnabled"),
            Check::CloudOnly {
                object_id: object_id.clone(),
            },
        );
        if !licenses.is_empty() {
            s.auto(
                "Assign the license(s) again so the mailbox reconnects (a group-based license may return by itself).",
                format!("POST {GRAPH}/users/{object_id}/assignLicense {}", assign_body(licenses, &[])),
                Operation::GraphAssignLicense { object_id: object_id.clone(), add: licenses.to_vec(), remove: Vec::new() },
            );
        }
        s.check(
            format!(
                "Check that the mailbox is back{}.",
                self.cloud_guid()
                    .map(|g| format!(" with ExchangeGuid {g}"))
                    .unwrap_or_default()
            ),
            format!(
                "Get-Mailbox -Identity {} | Select-Object RecipientTypeDetails,ExchangeGuid",
                ps(&object_id)
            ),
            Check::MailboxWithGuid {
                identity: object_id.clone(),
                exchange_guid: self.cloud_guid(),
            },
        );
        s.manual(
            format!("Add the missing address {address} in Exchange Online (possible now that the user is cloud-only)."),
            format!("Set-Mailbox -Identity {} -EmailAddresses @{{add={}}}", ps(&object_id), ps(&format!("smtp:{address}"))),
        );
        s.check(
            format!("Check that the user has {address}."),
            format!("GET {GRAPH}/users/{object_id}?$select=proxyAddresses"),
            Check::CloudHasAddress {
                object_id: object_id.clone(),
                address: address.clone(),
            },
        );
        let move_back_cmd = format!(
            "Move-ADObject -Identity {} -TargetPath {}",
            ps(&moved_dn),
            ps(&parent)
        );
        match &out_ou {
            Some(_) => s.auto(
                "Move the AD user back into sync scope.",
                move_back_cmd,
                Operation::LdapMoveUser {
                    distinguished_name: moved_dn.clone(),
                    new_parent: parent.clone(),
                },
            ),
            None => s.manual("Move the AD user back into sync scope.", move_back_cmd),
        }
        self.sync_step(&mut s, "the AD user soft-matches the restored cloud user");
        if let Some(immutable_id) = self.immutable_id() {
            s.check(
                format!("Check that the user is synced again with ImmutableId {immutable_id} and keeps {address}."),
                format!("GET {GRAPH}/users/{object_id}?$select=onPremisesImmutableId,onPremisesSyncEnabled,proxyAddresses"),
                Check::Matched { identity: object_id.clone(), immutable_id },
            );
        }
        if !licenses.is_empty() {
            s.manual(
                "Only if the user's licenses normally come from a group: remove the license assigned by hand.",
                format!("POST {GRAPH}/users/{object_id}/assignLicense {}", assign_body(&[], &self.sku_ids())),
            );
        }
        let on_off = |b: bool| if b { "on" } else { "off" };
        let mut preconditions = vec![
            match features {
                Some(f) => format!(
                    "Soft match must be allowed when the user returns: blockSoftMatchEnabled must be off (it is {}), \
                     and softMatchOnUpnEnabled on (it is {}) unless the primary SMTP address matches.",
                    on_off(f.block_soft_match_enabled),
                    on_off(f.soft_match_on_upn_enabled)
                ),
                None => "Soft match must be allowed when the user returns: blockSoftMatchEnabled off and \
                         softMatchOnUpnEnabled on (the tenant features are not in the snapshot)."
                    .to_owned(),
            },
            "A deleted user stays restorable for 30 days: restore it well within that time.".to_owned(),
            match &out_ou {
                Some(ou) => format!("{ou} is outside the sync scope."),
                None => "An OU outside the sync scope: give it as an input (the out-of-scope OU).".to_owned(),
            },
        ];
        if features.is_some_and(|f| f.block_cloud_object_takeover_through_hard_match_enabled) {
            preconditions.push(
                "blockCloudObjectTakeoverThroughHardMatchEnabled is on: if the restored user keeps its ImmutableId, \
                 sync cannot take it over; turn the flag off for the last sync."
                    .to_owned(),
            );
        }
        if after_add {
            preconditions.push(
                "Use this only if the address added by AddRoutingAddressOnPrem did not reach the cloud after a sync."
                    .to_owned(),
            );
        }
        RemediationOption {
            id: OptionId::ReprovisionCloudAlias,
            recommended: false,
            benefits: vec![
                format!("Adds {address}, which sync cannot add once the cloud object lacks it (article 003)."),
                "The Entra user is restored, not re-created: its object id, permissions and mailbox are kept.".to_owned(),
            ],
            drawbacks: vec![
                "The user is deleted from Entra ID for a while: sign-in and mail delivery fail until the restore."
                    .to_owned(),
                "Two sync cycles and several checks, with manual steps in between.".to_owned(),
                "A license assigned by hand may need removing afterwards when licenses come from a group.".to_owned(),
            ],
            data_at_risk: format!(
                "Nothing if the steps run in order: the deleted user {object_id} stays restorable for 30 days. If it \
                 is not restored in time, the account and its mailbox are lost."
            ),
            preconditions,
            steps: s.0,
        }
    }
}

#[cfg(test)]
mod tests;
