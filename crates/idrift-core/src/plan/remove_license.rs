//! The RemoveLicense option: take the Exchange Online license off the cloud user so the duplicate mailbox goes.

use super::*;

impl Subject<'_> {
    pub(super) fn remove_license(
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
}
