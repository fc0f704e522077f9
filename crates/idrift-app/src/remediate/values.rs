//! The values journaled before and after each remediation step, how they compare, and how they read.

use idrift_core::Guid;
use idrift_core::model::AssignedLicense;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    OP_AD_MOVE, OP_AD_PROXY, OP_EXO_CLEAR, OP_EXO_RESTORE, OP_GRAPH_DELETE, OP_GRAPH_LICENSE,
    OP_GRAPH_PURGE, OP_GRAPH_RESTORE, OP_RECORD_GUID,
};
use crate::journal::Planned;
pub(super) use crate::journal::{from_value, to_value};

/// The state of an Entra user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum EntraState {
    /// In the directory.
    Active,
    /// In the recycle bin.
    Deleted,
    /// Neither: purged (or never there).
    Purged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UserValue {
    pub(super) state: EntraState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct LicenseValue {
    pub(super) licenses: Vec<AssignedLicense>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ClearedValue {
    pub(super) cleared: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) previous_recipient_type_details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RestoreValue {
    pub(super) requested: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) request_guid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ProxyValue {
    pub(super) proxy_address: String,
    pub(super) present: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DnValue {
    pub(super) distinguished_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GuidValue {
    pub(super) exchange_guid: Option<Guid>,
}

/// Compares two journaled values of `op` by what matters for it (`same`), or as JSON when either does not
/// decode as `T`.
pub(super) fn same_as<T: for<'de> Deserialize<'de>>(
    op: &Planned,
    a: &Value,
    b: &Value,
    same: impl Fn(&T, &T) -> bool,
) -> bool {
    match (
        from_value::<T>(op, "value", a),
        from_value::<T>(op, "value", b),
    ) {
        (Ok(x), Ok(y)) => same(&x, &y),
        _ => a == b,
    }
}

/// A license value's SKU ids, lower-cased and sorted, so order and case do not count as a difference.
pub(super) fn sorted_skus(v: &LicenseValue) -> Vec<String> {
    let mut s: Vec<String> = v
        .licenses
        .iter()
        .map(|l| l.sku_id.to_ascii_lowercase())
        .collect();
    s.sort();
    s
}

/// A value of a remediation operation in words.
pub fn describe_value(op: &str, value: &Value) -> String {
    if value.is_null() {
        return String::new();
    }
    let parsed = |op: &str| -> Option<String> {
        Some(match op {
            OP_RECORD_GUID => {
                let v: GuidValue = serde_json::from_value(value.clone()).ok()?;
                match v.exchange_guid {
                    Some(g) => format!("ExchangeGuid {g}"),
                    None => "no mailbox".to_owned(),
                }
            }
            OP_GRAPH_DELETE | OP_GRAPH_PURGE | OP_GRAPH_RESTORE => {
                let v: UserValue = serde_json::from_value(value.clone()).ok()?;
                match v.state {
                    EntraState::Active => "active".to_owned(),
                    EntraState::Deleted => "in the recycle bin".to_owned(),
                    EntraState::Purged => "purged".to_owned(),
                }
            }
            OP_GRAPH_LICENSE => {
                let v: LicenseValue = serde_json::from_value(value.clone()).ok()?;
                if v.licenses.is_empty() {
                    "no license".to_owned()
                } else {
                    v.licenses
                        .iter()
                        .map(|l| {
                            if l.disabled_plans.is_empty() {
                                l.sku_id.clone()
                            } else {
                                format!(
                                    "{} (disabled plans {})",
                                    l.sku_id,
                                    l.disabled_plans.join(", ")
                                )
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            }
            OP_EXO_CLEAR => {
                let v: ClearedValue = serde_json::from_value(value.clone()).ok()?;
                if v.cleared {
                    "PreviousRecipientTypeDetails empty".to_owned()
                } else {
                    format!(
                        "PreviousRecipientTypeDetails {}",
                        v.previous_recipient_type_details
                            .as_deref()
                            .unwrap_or("set")
                    )
                }
            }
            OP_EXO_RESTORE => {
                let v: RestoreValue = serde_json::from_value(value.clone()).ok()?;
                if v.requested {
                    format!(
                        "restore request {} {}",
                        v.request_guid.as_deref().unwrap_or(""),
                        v.status.as_deref().unwrap_or("")
                    )
                    .trim_end()
                    .to_owned()
                } else {
                    "no restore request".to_owned()
                }
            }
            OP_AD_PROXY => {
                let v: ProxyValue = serde_json::from_value(value.clone()).ok()?;
                format!(
                    "{} {}",
                    v.proxy_address,
                    if v.present { "present" } else { "absent" }
                )
            }
            OP_AD_MOVE => {
                let v: DnValue = serde_json::from_value(value.clone()).ok()?;
                v.distinguished_name
            }
            _ => return None,
        })
    };
    parsed(op).unwrap_or_else(|| value.to_string())
}
