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

use crate::exchange::{RecipientTypeDetails, addresses_in_domain, local_part, same_address};
use crate::guid::Guid;
use crate::model::{AssignedLicense, CloudUser, OnPremUser, Snapshot};
use crate::scan::{ExoIndex, ExoView, Finding, FindingKind, ScanReport, expected_routing_address};

mod delete_and_merge;
mod keep_cloud_mailbox;
mod remove_license;
mod routing;

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
    let i = crate::dn::rdn_end(dn)?;
    dn.get(i + 1..)
        .map(str::trim_start)
        .filter(|p| !p.is_empty())
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
        self.ad.and_then(|a| self.snapshot.anchor.immutable_id(a))
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
}

#[cfg(test)]
mod tests;
