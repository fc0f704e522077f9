//! The KeepCloudMailbox option: keep the mailbox in Exchange Online and make the on-premises side a remote
//! mailbox.

use super::*;

impl Subject<'_> {
    pub(super) fn keep_cloud_mailbox(&self, remote_only: bool) -> Option<RemediationOption> {
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
}
