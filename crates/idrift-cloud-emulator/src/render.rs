//! Graph and Exchange JSON for the emulator's objects, as the services write them.

use idrift_core::Guid;
use idrift_core::model::{CloudUser, ExoRecipient, SyncFeatures, TenantSync};
use serde_json::{Map, Value, json};

/// Graph's user properties that the emulator knows, in Graph's spelling.
const USER_PROPERTIES: &[&str] = &[
    "id",
    "userPrincipalName",
    "displayName",
    "mail",
    "onPremisesImmutableId",
    "onPremisesSyncEnabled",
    "mobilePhone",
    "businessPhones",
    "proxyAddresses",
    "assignedLicenses",
    "onPremisesProvisioningErrors",
    "serviceProvisioningErrors",
];

/// The properties Graph returns without `$select`.
const DEFAULT_PROPERTIES: &[&str] = &[
    "id",
    "userPrincipalName",
    "displayName",
    "mail",
    "mobilePhone",
    "businessPhones",
];

/// Which user properties a response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selection(Vec<&'static str>);

impl Selection {
    /// From a `$select` value (case-insensitive; `id` always included); `None` gives the default set.
    /// Unknown property names are an error, as in Graph.
    pub(crate) fn parse(select: Option<&str>) -> Result<Selection, String> {
        let Some(select) = select else {
            return Ok(Selection::defaults());
        };
        let mut out = vec!["id"];
        for name in select.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let known = USER_PROPERTIES
                .iter()
                .find(|p| p.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    format!(
                        "Could not find a property named '{name}' on type 'microsoft.graph.user'."
                    )
                })?;
            if !out.contains(known) {
                out.push(known);
            }
        }
        Ok(Selection(out))
    }

    /// The properties Graph returns without `$select`.
    pub(crate) fn defaults() -> Selection {
        Selection(DEFAULT_PROPERTIES.to_vec())
    }

    /// The `$select` text.
    pub(crate) fn text(&self) -> String {
        self.0.join(",")
    }
}

/// A user in Graph's JSON, with the selected properties.
pub(crate) fn user(u: &CloudUser, sel: &Selection) -> Value {
    let mut m = Map::new();
    for &p in &sel.0 {
        let v = match p {
            "id" => json!(u.id),
            "userPrincipalName" => json!(u.user_principal_name),
            "displayName" => json!(u.display_name),
            "mail" => json!(u.mail),
            "onPremisesImmutableId" => json!(u.on_premises_immutable_id),
            "onPremisesSyncEnabled" => json!(u.on_premises_sync_enabled),
            "mobilePhone" => json!(u.mobile_phone),
            "businessPhones" => json!(u.business_phones),
            "proxyAddresses" => json!(u.proxy_addresses),
            "assignedLicenses" => Value::Array(
                u.assigned_licenses
                    .iter()
                    .map(|l| json!({ "disabledPlans": l.disabled_plans, "skuId": l.sku_id }))
                    .collect(),
            ),
            "onPremisesProvisioningErrors" => Value::Array(
                u.on_premises_provisioning_errors
                    .iter()
                    .map(|e| {
                        json!({
                            "category": e.category,
                            "occurredDateTime": e.occurred_date_time,
                            "propertyCausingError": e.property_causing_error,
                            "value": e.value,
                        })
                    })
                    .collect(),
            ),
            "serviceProvisioningErrors" => Value::Array(
                u.service_provisioning_errors
                    .iter()
                    .map(|e| {
                        let mut o = json!({
                            "createdDateTime": e.created_date_time,
                            "isResolved": e.is_resolved,
                            "serviceInstance": e.service_instance,
                        });
                        if let (Some(detail), Some(obj)) = (&e.error_detail, o.as_object_mut()) {
                            obj.insert(
                                "@odata.type".to_owned(),
                                json!("#microsoft.graph.serviceProvisioningXmlError"),
                            );
                            obj.insert("errorDetail".to_owned(), json!(detail));
                        }
                        o
                    })
                    .collect(),
            ),
            _ => continue,
        };
        m.insert(p.to_owned(), v);
    }
    Value::Object(m)
}

/// The sync object in Graph's JSON, with the configuration of Microsoft's example.
pub(crate) fn sync(s: &TenantSync) -> Value {
    let features = serde_json::to_value::<&SyncFeatures>(&s.features).unwrap_or(Value::Null);
    json!({
        "id": s.id,
        "configuration": {
            "accidentalDeletionPrevention": {
                "synchronizationPreventionType": "enabledForCount",
                "alertThreshold": 500
            }
        },
        "features": features,
    })
}

/// Which cmdlet's output shape to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExoShape {
    User,
    Recipient,
    Mailbox,
    MailUser,
}

/// A recipient as InvokeCommand returns it: PascalCase, with the `@odata.type` annotations.
pub(crate) fn exo(r: &ExoRecipient, shape: ExoShape) -> Value {
    let guid = |g: Option<Guid>| g.unwrap_or(Guid::NIL).to_string();
    let identity = r.identity.clone().unwrap_or_default();
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put("Identity", json!(identity));
    put(
        "Name",
        json!(identity.rsplit(['/', '\\']).next().unwrap_or_default()),
    );
    put(
        "ExternalDirectoryObjectId",
        json!(r.external_directory_object_id.clone().unwrap_or_default()),
    );
    put("UserPrincipalName", json!(r.user_principal_name));
    put("RecipientType", json!(r.recipient_type));
    put("RecipientTypeDetails", json!(r.recipient_type_details));
    put("IsDirSynced", json!(r.is_dir_synced.unwrap_or(false)));
    put("SKUAssigned", json!(r.sku_assigned));
    put("WhenChanged@data.type", json!("System.DateTime"));
    put("WhenChanged", json!("2026-11-20T09:15:00Z"));
    if matches!(shape, ExoShape::User | ExoShape::Recipient) {
        put(
            "PreviousRecipientTypeDetails",
            json!(
                r.previous_recipient_type_details
                    .clone()
                    .unwrap_or_else(|| "None".to_owned())
            ),
        );
    }
    if shape != ExoShape::User {
        put("PrimarySmtpAddress", json!(r.primary_smtp_address));
        put("ExchangeGuid@odata.type", json!("#Guid"));
        put("ExchangeGuid", json!(guid(r.exchange_guid)));
        put("ArchiveGuid@odata.type", json!("#Guid"));
        put("ArchiveGuid", json!(guid(r.archive_guid)));
        put("EmailAddresses@odata.type", json!("#Collection(String)"));
        put("EmailAddresses", json!(r.email_addresses));
        put("MaxSendSize", json!("35 MB (36,700,160 bytes)"));
    }
    if matches!(shape, ExoShape::Mailbox | ExoShape::Recipient) {
        put("WhenSoftDeleted@data.type", json!("System.DateTime"));
        put(
            "WhenSoftDeleted",
            if r.is_soft_deleted {
                json!("2026-11-21T10:00:00Z")
            } else {
                Value::Null
            },
        );
        put("IsSoftDeletedByRemove", json!(r.is_soft_deleted));
    }
    Value::Object(m)
}
