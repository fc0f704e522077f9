//! The routing-address options: AddRoutingAddressOnPrem (the remote mailbox lacks its
//! `*.mail.onmicrosoft.com` address) and ReprovisionCloudAlias (the cloud alias is held by another object).

use super::*;

impl Subject<'_> {
    pub(super) fn address_owner(&self, address: &str) -> Option<String> {
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

    pub(super) fn add_routing_address(&self) -> Option<RemediationOption> {
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

    pub(super) fn reprovision_cloud_alias(&self, after_add: bool) -> RemediationOption {
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
        self.restore_cloud_only(&mut s, &object_id, &address);
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
        let preconditions = self.reprovision_preconditions(out_ou.as_deref(), after_add);
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

    /// The middle of ReprovisionCloudAlias, once the user is in the recycle bin: restore it as a cloud-only
    /// user, license it again, and add the missing address in Exchange Online.
    fn restore_cloud_only(&self, s: &mut Steps, object_id: &str, address: &str) {
        let licenses = self.licenses();
        s.check(
            "Check that the Entra user is in the recycle bin.",
            format!("GET {GRAPH}/directory/deletedItems/{object_id}"),
            Check::UserInRecycleBin {
                object_id: object_id.to_owned(),
            },
        );
        s.auto(
            "Restore the user (ignore the offer to reset its password: the soft match brings AD's back).",
            format!("POST {GRAPH}/directory/deletedItems/{object_id}/restore"),
            Operation::GraphRestoreDeletedUser { object_id: object_id.to_owned() },
        );
        s.check(
            "Check that the user is back as a cloud-only user.",
            format!("GET {GRAPH}/users/{object_id}?$select=id,onPremisesSyncEnabled"),
            Check::CloudOnly {
                object_id: object_id.to_owned(),
            },
        );
        if !licenses.is_empty() {
            s.auto(
                "Assign the license(s) again so the mailbox reconnects (a group-based license may return by itself).",
                format!("POST {GRAPH}/users/{object_id}/assignLicense {}", assign_body(licenses, &[])),
                Operation::GraphAssignLicense { object_id: object_id.to_owned(), add: licenses.to_vec(), remove: Vec::new() },
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
                ps(object_id)
            ),
            Check::MailboxWithGuid {
                identity: object_id.to_owned(),
                exchange_guid: self.cloud_guid(),
            },
        );
        s.manual(
            format!("Add the missing address {address} in Exchange Online (possible now that the user is cloud-only)."),
            format!("Set-Mailbox -Identity {} -EmailAddresses @{{add={}}}", ps(object_id), ps(&format!("smtp:{address}"))),
        );
        s.check(
            format!("Check that the user has {address}."),
            format!("GET {GRAPH}/users/{object_id}?$select=proxyAddresses"),
            Check::CloudHasAddress {
                object_id: object_id.to_owned(),
                address: address.to_owned(),
            },
        );
    }

    /// What must hold for ReprovisionCloudAlias: soft match allowed, the 30 days of the recycle bin, the
    /// out-of-scope OU.
    fn reprovision_preconditions(&self, out_ou: Option<&str>, after_add: bool) -> Vec<String> {
        let features = self.snapshot.tenant_sync.as_ref().map(|t| &t.features);
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
            match out_ou {
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
        preconditions
    }
}
