//! The DeleteAndMerge option: delete the cloud user with the duplicate mailbox, restore its contents into the
//! mailbox that remains (the PreviousRecipientTypeDetails trap, resolved without losing data).

use super::*;

impl Subject<'_> {
    pub(super) fn delete_and_merge(&self, before_sync: bool) -> Option<RemediationOption> {
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
}
