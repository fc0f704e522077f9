//! Exchange Online's InvokeCommand endpoint (`POST /adminapi/beta/{tenant}/InvokeCommand`): Get-User,
//! Get-Recipient, Get-Mailbox, Get-MailUser, Set-User -PermanentlyClearPreviousMailboxInfo,
//! New-MailboxRestoreRequest, Get-MailboxRestoreRequest and Get-MigrationUserStatistics, with the module's
//! headers checked, `Prefer: odata.maxpagesize` paging (the client POSTs the same body to
//! `@odata.nextLink`), `@adminapi.warnings`, and both error shapes clients must read.

use idrift_core::model::ExoRecipient;
use serde_json::{Map, Value, json};

use crate::render::{self, ExoShape};
use crate::reply::Reply;
use crate::state::State;

/// The app-only anchor mailbox's local part.
pub const APP_ONLY_ANCHOR: &str = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";

const SERVER: &str = "AM0PR01A001DC01.EURPRD01.PROD.OUTLOOK.COM";

/// An InvokeCommand request.
pub(crate) struct InvokeRequest<'a> {
    pub(crate) tenant: &'a str,
    pub(crate) headers: &'a [(String, String)],
    pub(crate) skiptoken: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

impl InvokeRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        crate::find_pair(self.headers, name)
    }
}

/// What a cmdlet produced.
struct Output {
    items: Vec<Value>,
    warnings: Vec<String>,
}

/// Runs a cmdlet and returns one page of its output.
pub(crate) fn invoke(state: &mut State, req: &InvokeRequest<'_>) -> Reply {
    let cfg = &state.config;
    if !req.tenant.eq_ignore_ascii_case(&cfg.tenant_domain)
        && !req.tenant.eq_ignore_ascii_case(&cfg.tenant_id)
    {
        return Reply::exo_error_internal(
            404,
            "Microsoft.Exchange.Admin.OData.Core.TenantNotFoundException",
            &format!("The tenant '{}' could not be found.", req.tenant),
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(req.body) else {
        return Reply::exo_error_internal(
            400,
            "System.ArgumentException",
            "The request body is not JSON.",
        );
    };
    let Some(input) = body.get("CmdletInput") else {
        return Reply::exo_error_internal(
            400,
            "System.ArgumentException",
            "The request body has no CmdletInput.",
        );
    };
    let Some(cmdlet) = input.get("CmdletName").and_then(Value::as_str) else {
        return Reply::exo_error_internal(
            400,
            "System.ArgumentException",
            "CmdletInput has no CmdletName.",
        );
    };
    let params = input
        .get("Parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if req.header("X-CmdletName") != Some(cmdlet) {
        return Reply::exo_error_details(
            400,
            "Microsoft.Exchange.Admin.OData.Core.InvalidHeaderException",
            "The X-CmdletName header is missing or does not name the cmdlet in the body.",
        );
    }
    let anchor = format!("UPN:{APP_ONLY_ANCHOR}@{}", cfg.tenant_domain);
    if !req
        .header("X-AnchorMailbox")
        .is_some_and(|a| a.eq_ignore_ascii_case(&anchor))
    {
        return Reply::exo_error_details(
            400,
            "Microsoft.Exchange.Admin.OData.Core.InvalidHeaderException",
            "The X-AnchorMailbox header is missing or is not the app-only system mailbox of this organization.",
        );
    }
    let page_size = req
        .header("Prefer")
        .and_then(|p| {
            p.split(',')
                .filter_map(|part| part.trim().strip_prefix("odata.maxpagesize="))
                .find_map(|n| n.trim().parse::<usize>().ok())
        })
        .map_or(cfg.exo_max_page, |n| n.clamp(1, cfg.exo_max_page));
    let offset = match req.skiptoken.map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return Reply::exo_error_internal(
                400,
                "System.ArgumentException",
                "The $skiptoken is not valid.",
            );
        }
    };
    let out = match run(state, cmdlet, &params) {
        Ok(o) => o,
        Err(reply) => return reply,
    };
    let end = (offset + page_size).min(out.items.len());
    let page: Vec<Value> = out
        .items
        .get(offset..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let mut response = json!({
        "@odata.context": format!("{}/adminapi/beta/{}/$metadata#Collection(Exchange.GenericHashTable)", state.base, req.tenant),
        "@adminapi.warnings": out.warnings,
        "value": page,
    });
    if end < out.items.len()
        && let Some(obj) = response.as_object_mut()
    {
        obj.insert(
            "@odata.nextLink".to_owned(),
            json!(format!(
                "{}/adminapi/beta/{}/InvokeCommand?$skiptoken={end}",
                state.base, req.tenant
            )),
        );
    }
    Reply::json(200, &response)
}

fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn switch(params: &Map<String, Value>, name: &str) -> bool {
    param(params, name).is_some_and(|v| v.as_bool().unwrap_or(true))
}

fn text(params: &Map<String, Value>, name: &str) -> Option<String> {
    param(params, name).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn not_found(identity: &str) -> Reply {
    Reply::exo_error_details(
        400,
        "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
        &format!(
            "The operation couldn't be performed because object '{identity}' couldn't be found on '{SERVER}'."
        ),
    )
}

/// Applies `-Identity` and `-ResultSize` to a listing.
fn listing(
    list: Vec<&ExoRecipient>,
    params: &Map<String, Value>,
    shape: ExoShape,
) -> Result<Output, Reply> {
    let mut warnings = Vec::new();
    let mut selected: Vec<&ExoRecipient> = match text(params, "Identity") {
        Some(id) => {
            let hits: Vec<&ExoRecipient> =
                list.into_iter().filter(|r| r.is_named_by(&id)).collect();
            if hits.is_empty() {
                return Err(not_found(&id));
            }
            hits
        }
        None => list,
    };
    let limit = match text(params, "ResultSize") {
        Some(s) if s.eq_ignore_ascii_case("Unlimited") => None,
        Some(s) => match s.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Err(Reply::exo_error_details(
                    400,
                    "System.Management.Automation.ParameterBindingException",
                    &format!(
                        "Cannot bind parameter 'ResultSize'. Cannot convert value \"{s}\" to type \"Microsoft.Exchange.Data.Unlimited`1[System.UInt32]\"."
                    ),
                ));
            }
        },
        None => Some(1000),
    };
    if let Some(n) = limit
        && selected.len() > n
    {
        selected.truncate(n);
        warnings.push(
            "There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter."
                .to_owned(),
        );
    }
    Ok(Output {
        items: selected
            .into_iter()
            .map(|r| render::exo(r, shape))
            .collect(),
        warnings,
    })
}

fn sorted(mut v: Vec<&ExoRecipient>) -> Vec<&ExoRecipient> {
    v.sort_by(|a, b| a.identity.cmp(&b.identity));
    v
}

fn run(state: &mut State, cmdlet: &str, params: &Map<String, Value>) -> Result<Output, Reply> {
    match cmdlet {
        "Get-User" => listing(
            sorted(state.exo_users.iter().collect()),
            params,
            ExoShape::User,
        ),
        "Get-Recipient" => {
            let all = switch(params, "IncludeSoftDeletedRecipients");
            let list = state
                .exo_recipients
                .iter()
                .filter(|r| all || !r.is_soft_deleted)
                .collect();
            listing(sorted(list), params, ExoShape::Recipient)
        }
        "Get-Mailbox" => {
            let soft = switch(params, "SoftDeletedMailbox");
            let list = state
                .exo_recipients
                .iter()
                .filter(|r| {
                    r.recipient_type.as_deref() == Some("UserMailbox") && r.is_soft_deleted == soft
                })
                .collect();
            listing(sorted(list), params, ExoShape::Mailbox)
        }
        "Get-MailUser" => {
            let list = state
                .exo_recipients
                .iter()
                .filter(|r| {
                    !r.is_soft_deleted
                        && matches!(
                            r.recipient_type_details.as_deref(),
                            Some("MailUser" | "GuestMailUser")
                        )
                })
                .collect();
            listing(sorted(list), params, ExoShape::MailUser)
        }
        "Set-User" => set_user(state, params),
        "New-MailboxRestoreRequest" => new_restore(state, params),
        "Get-MailboxRestoreRequest" => {
            let id = text(params, "Identity");
            let items: Vec<Value> = state
                .restore_requests
                .iter()
                .filter(|r| {
                    id.as_deref().is_none_or(|id| {
                        ["Identity", "Name", "RequestGuid", "TargetMailbox"]
                            .iter()
                            .any(|k| {
                                r.get(*k)
                                    .and_then(Value::as_str)
                                    .is_some_and(|v| v.eq_ignore_ascii_case(id))
                            })
                    })
                })
                .cloned()
                .collect();
            if let (Some(id), true) = (&id, items.is_empty()) {
                return Err(not_found(id));
            }
            Ok(Output {
                items,
                warnings: Vec::new(),
            })
        }
        "Get-MigrationUserStatistics" => {
            let Some(id) = text(params, "Identity") else {
                return Err(Reply::exo_error_details(
                    400,
                    "System.Management.Automation.ParameterBindingException",
                    "Cannot process command because of one or more missing mandatory parameters: Identity.",
                ));
            };
            let Some(stats) = state.migration_stats.get(&id.to_ascii_lowercase()) else {
                return Err(not_found(&id));
            };
            let mut stats = stats.clone();
            if !switch(params, "IncludeReport")
                && let Some(o) = stats.as_object_mut()
            {
                o.remove("Report");
            }
            Ok(Output {
                items: vec![stats],
                warnings: Vec::new(),
            })
        }
        other => Err(Reply::exo_error_internal(
            400,
            "System.Management.Automation.CommandNotFoundException",
            &format!(
                "The term '{other}' is not recognized as a name of a cmdlet, function, script file, or executable program."
            ),
        )),
    }
}

fn set_user(state: &mut State, params: &Map<String, Value>) -> Result<Output, Reply> {
    let Some(id) = text(params, "Identity") else {
        return Err(Reply::exo_error_details(
            400,
            "System.Management.Automation.ParameterBindingException",
            "Cannot process command because of one or more missing mandatory parameters: Identity.",
        ));
    };
    let Some(user) = state.exo_users.iter_mut().find(|r| r.is_named_by(&id)) else {
        return Err(not_found(&id));
    };
    let clear = switch(params, "PermanentlyClearPreviousMailboxInfo");
    let has_previous = user
        .previous_recipient_type_details
        .as_deref()
        .is_some_and(|p| !p.eq_ignore_ascii_case("None"));
    if !clear || !has_previous {
        return Ok(Output {
            items: Vec::new(),
            warnings: vec![format!(
                "The command completed successfully but no settings of '{}' have been modified.",
                user.identity.clone().unwrap_or(id)
            )],
        });
    }
    user.previous_recipient_type_details = Some("None".to_owned());
    let edoid = user.external_directory_object_id.clone();
    for r in &mut state.exo_recipients {
        if edoid.is_some() && r.external_directory_object_id == edoid {
            r.previous_recipient_type_details = Some("None".to_owned());
        }
    }
    Ok(Output {
        items: Vec::new(),
        warnings: Vec::new(),
    })
}

fn new_restore(state: &mut State, params: &Map<String, Value>) -> Result<Output, Reply> {
    let missing = || {
        Reply::exo_error_details(
            400,
            "System.Management.Automation.ParameterBindingException",
            "Cannot process command because of one or more missing mandatory parameters: SourceMailbox TargetMailbox.",
        )
    };
    let source_id = text(params, "SourceMailbox").ok_or_else(missing)?;
    let target_id = text(params, "TargetMailbox").ok_or_else(missing)?;
    let source = state
        .exo_recipients
        .iter()
        .find(|r| r.is_soft_deleted && r.is_named_by(&source_id))
        .ok_or_else(|| not_found(&source_id))?;
    let target = state
        .exo_recipients
        .iter()
        .find(|r| !r.is_soft_deleted && r.is_named_by(&target_id))
        .ok_or_else(|| not_found(&target_id))?;
    let target_identity = target.identity.clone().unwrap_or_else(|| target_id.clone());
    let source_identity = source.identity.clone().unwrap_or_else(|| source_id.clone());
    let identity = format!("{target_identity}\\MailboxRestore");
    let busy = state.restore_requests.iter().any(|r| {
        r.get("Identity").and_then(Value::as_str) == Some(identity.as_str())
            && !matches!(
                r.get("Status").and_then(Value::as_str),
                Some("Completed" | "Failed")
            )
    });
    if busy {
        return Err(Reply::exo_error_details(
            400,
            "Microsoft.Exchange.MailboxReplicationService.NameMustBeUniquePerMailboxException",
            &format!(
                "The name must be unique per mailbox. There isn't a default name available for a new request owned by mailbox '{target_identity}'."
            ),
        ));
    }
    let request = json!({
        "Name": "MailboxRestore",
        "Identity": identity,
        "RequestGuid": uuid::Uuid::new_v4().to_string(),
        "Status": "Queued",
        "SourceMailbox": source_identity,
        "TargetMailbox": target_identity,
        "RequestQueue": "EURPRD01DG001-db001",
    });
    state.restore_requests.push(request.clone());
    Ok(Output {
        items: vec![request],
        warnings: Vec::new(),
    })
}
