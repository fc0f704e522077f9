//! `Export-Clixml` files read to the same values as their JSON; fixtures written here in the shapes the
//! PowerShell serializer writes (class instances in `<Props>` with their `ToString`, custom objects in
//! `<MS>`, enumerations as `<ToString>` plus their number, `<Ref>` for an object seen before).

use std::str::FromStr;

use idrift_core::Guid;
use idrift_core::model::{AssignedLicense, CloudUser};

use super::*;
use crate::snapshot::{read_exo_recipients_str, read_users};

fn objs(body: &str) -> String {
    format!(
        "\u{feff}<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n{body}\r\n</Objs>"
    )
}

/// `Get-MgUser -Property ... | Export-Clixml`: a `MicrosoftGraphUser` per user.
fn mg_user(id: &str, upn: &str, immutable: &str, extra: &str) -> String {
    format!(
        r#"  <Obj RefId="{id}">
    <TN RefId="t{id}"><T>Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser</T><T>System.Object</T></TN>
    <ToString>Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser</ToString>
    <Props>
      <S N="Id">{id}</S>
      <S N="UserPrincipalName">{upn}</S>
      <S N="DisplayName">Zoë_x0020_Müller</S>
      <S N="OnPremisesImmutableId">{immutable}</S>
      <B N="OnPremisesSyncEnabled">true</B>
      <S N="MobilePhone">+41 44 555 0199</S>
      <Obj N="BusinessPhones" RefId="b{id}"><TN RefId="s{id}"><T>System.String[]</T><T>System.Array</T><T>System.Object</T></TN><LST><S>+41 44 555 0100</S></LST></Obj>
      <Obj N="ProxyAddresses" RefId="p{id}"><TNRef RefId="s{id}" /><LST><S>SMTP:{upn}</S></LST></Obj>
      <Obj N="AssignedLicenses" RefId="l{id}"><TN RefId="la{id}"><T>Microsoft.Graph.PowerShell.Models.IMicrosoftGraphAssignedLicense[]</T><T>System.Array</T></TN><LST>
        <Obj RefId="li{id}"><TN RefId="lt{id}"><T>Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense</T><T>System.Object</T></TN>
          <ToString>Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense</ToString>
          <Props><Obj N="DisabledPlans" RefId="d{id}"><TNRef RefId="s{id}" /><LST><S>a413a9ff-720c-4822-98ef-2f37c2a21f4c</S></LST></Obj><S N="SkuId">c7df2760-2c81-4ef7-b578-5b5392b571df</S></Props></Obj>
      </LST></Obj>
      <Nil N="Mail" />
      <DT N="CreatedDateTime">2024-01-02T03:04:05+00:00</DT>
      <Obj N="AdditionalProperties" RefId="a{id}"><TN RefId="at{id}"><T>System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Object, System.Private.CoreLib]]</T><T>System.Object</T></TN>
        <DCT><En><S N="Key">@odata.type</S><S N="Value">#microsoft.graph.user</S></En></DCT></Obj>
      {extra}
    </Props>
  </Obj>"#
    )
}

const JSON_TWIN: &str = r##"[{"id":"u1","userPrincipalName":"zoe@contoso.com","displayName":"Zoë Müller",
"onPremisesImmutableId":"AQEBAQEBAQEBAQEBAQEBAQ==","onPremisesSyncEnabled":true,"mobilePhone":"+41 44 555 0199",
"businessPhones":["+41 44 555 0100"],"proxyAddresses":["SMTP:zoe@contoso.com"],"mail":null,
"assignedLicenses":[{"disabledPlans":["a413a9ff-720c-4822-98ef-2f37c2a21f4c"],"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df"}]}]"##;

fn read_users_clixml(text: &str) -> Result<Vec<CloudUser>, SnapshotError> {
    let mut out = Vec::new();
    let read = read_users_clixml_each(text, |u| out.push(u))?;
    assert_eq!(read.count, out.len());
    Ok(out)
}

#[test]
fn get_mguser_clixml_reads_like_its_json() {
    let text = objs(&mg_user(
        "u1",
        "zoe@contoso.com",
        "AQEBAQEBAQEBAQEBAQEBAQ==",
        "",
    ));
    let from_clixml = read_users_clixml(&text).unwrap();
    let from_json = read_users(JSON_TWIN.as_bytes()).unwrap();
    assert_eq!(from_clixml, from_json);
    assert_eq!(
        from_clixml[0].assigned_licenses,
        vec![AssignedLicense {
            sku_id: "c7df2760-2c81-4ef7-b578-5b5392b571df".to_owned(),
            disabled_plans: vec!["a413a9ff-720c-4822-98ef-2f37c2a21f4c".to_owned()],
        }]
    );
}

#[test]
fn a_remoting_stream_and_several_users_read_in_order() {
    let body = format!(
        "{}\r\n{}",
        mg_user("u1", "zoe@contoso.com", "AQEBAQEBAQEBAQEBAQEBAQ==", ""),
        mg_user("u2", "jurgen@contoso.com", "AgICAgICAgICAgICAgICAg==", "")
    );
    let text = format!(
        "#< CLIXML\r\n{}",
        objs(&body).trim_start_matches('\u{feff}')
    );
    let users = read_users_clixml(&text).unwrap();
    let upns: Vec<_> = users
        .iter()
        .map(|u| u.user_principal_name.as_deref())
        .collect();
    assert_eq!(upns, [Some("zoe@contoso.com"), Some("jurgen@contoso.com")]);
}

#[test]
fn errors_name_the_clixml_object_and_its_line() {
    // The second user lacks its id.
    let second = mg_user("u2", "jurgen@contoso.com", "x", "").replace("<S N=\"Id\">u2</S>", "");
    let text = objs(&format!(
        "{}\r\n{second}",
        mg_user("u1", "zoe@contoso.com", "x", "")
    ));
    let line = text
        .lines()
        .position(|l| l.contains("<Obj RefId=\"u2\">"))
        .unwrap()
        + 1;
    let err = read_users_clixml(&text).unwrap_err().to_string();
    assert!(
        err.contains(&format!("the CLIXML object on line {line}")) && err.contains("\"id\""),
        "{line}: {err}"
    );
    // A list Export-Clixml wrote as its type name (too small a -Depth) asks for a deeper export.
    let cut = objs(&mg_user("u1", "zoe@contoso.com", "x", "")).replace(
        "<Obj N=\"ProxyAddresses\"",
        "<S N=\"ProxyAddresses\">System.Object[]</S><Obj N=\"Ignored\"",
    );
    let err = read_users_clixml(&cut).unwrap_err().to_string();
    assert!(
        err.contains("proxyAddresses of the CLIXML object on line 2")
            && err.contains("Export-Clixml -Depth 10")
            && !err.contains("ConvertTo-Json"),
        "{err}"
    );
    let truncated = &text[..text.len() / 2];
    let err = read_users_clixml(truncated).unwrap_err().to_string();
    assert!(err.contains("truncated"), "{err}");
}

/// `Get-Mailbox | Export-Clixml` in a remote (deserialized) session: value types print as text.
const GET_MAILBOX: &str = r#"  <Obj RefId="0">
    <TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.Management.Mailbox</T><T>Deserialized.System.Object</T></TN>
    <ToString>Zoë Müller</ToString>
    <Props>
      <S N="Name">Zoë Müller</S>
      <Obj N="Identity" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.Directory.ADObjectId</T></TN><ToString>Zoë Müller</ToString><Props><S N="Name">Zoë Müller</S><G N="ObjectGuid">5f3c1a0e-1b2c-4d3e-8f40-5a6b7c8d9e0f</G></Props></Obj>
      <S N="ExternalDirectoryObjectId">00000000-0000-4000-8000-000000000001</S>
      <S N="UserPrincipalName">zoe@contoso.com</S>
      <Obj N="PrimarySmtpAddress" RefId="2"><TN RefId="2"><T>Deserialized.Microsoft.Exchange.Data.SmtpAddress</T></TN><ToString>zoe@contoso.com</ToString><Props><S N="Local">zoe</S><S N="Domain">contoso.com</S></Props></Obj>
      <Obj N="RecipientType" RefId="3"><TN RefId="3"><T>Deserialized.Microsoft.Exchange.Data.Directory.Recipient.RecipientType</T><T>Deserialized.System.Enum</T></TN><ToString>UserMailbox</ToString><I32>2</I32></Obj>
      <Obj N="RecipientTypeDetails" RefId="4"><TN RefId="4"><T>Deserialized.Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails</T><T>Deserialized.System.Enum</T></TN><ToString>SharedMailbox</ToString><U64>4</U64></Obj>
      <G N="ExchangeGuid">c7df2760-2c81-4ef7-b578-5b5392b571df</G>
      <G N="ArchiveGuid">00000000-0000-0000-0000-000000000000</G>
      <Obj N="EmailAddresses" RefId="5"><TN RefId="5"><T>Deserialized.Microsoft.Exchange.Data.ProxyAddressCollection</T><T>Deserialized.System.Object</T></TN><LST>
        <S>SMTP:zoe@contoso.com</S><S>smtp:zoe@contoso.mail.onmicrosoft.com</S></LST></Obj>
      <B N="IsDirSynced">true</B>
      <Nil N="SKUAssigned" />
      <Nil N="WhenSoftDeleted" />
    </Props>
    <MS><S N="PSComputerName">outlook.office365.com</S><B N="PSShowComputerName">false</B></MS>
  </Obj>"#;

#[test]
fn get_mailbox_clixml_reads_like_its_json() {
    let from_clixml = read_exo_recipients_clixml(&objs(GET_MAILBOX)).unwrap();
    let json = r#"[{"Name":"Zoë Müller","Identity":"Zoë Müller","ExternalDirectoryObjectId":"00000000-0000-4000-8000-000000000001",
"UserPrincipalName":"zoe@contoso.com","PrimarySmtpAddress":"zoe@contoso.com","RecipientType":"UserMailbox",
"RecipientTypeDetails":"SharedMailbox","ExchangeGuid":"c7df2760-2c81-4ef7-b578-5b5392b571df",
"ArchiveGuid":"00000000-0000-0000-0000-000000000000",
"EmailAddresses":["SMTP:zoe@contoso.com","smtp:zoe@contoso.mail.onmicrosoft.com"],"IsDirSynced":true,"SKUAssigned":null}]"#;
    let from_json = read_exo_recipients_str(json).unwrap();
    assert_eq!(from_clixml, from_json);
    let r = &from_clixml[0];
    assert_eq!(r.recipient_type_details.as_deref(), Some("SharedMailbox"));
    assert_eq!(r.primary_smtp_address.as_deref(), Some("zoe@contoso.com"));
    assert_eq!(
        r.exchange_guid,
        Some(Guid::from_str("c7df2760-2c81-4ef7-b578-5b5392b571df").unwrap())
    );
    assert!(!r.is_soft_deleted);
}

/// `Get-EXORecipient` / `Get-User | Select-Object ...` exports: custom objects with their properties in
/// `<MS>`, enumerations already strings; a soft-deleted `Get-RemoteMailbox` with `WhenSoftDeleted` set.
#[test]
fn custom_object_exports_of_recipients_and_users_read() {
    let text = objs(
        r#"<Obj RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>
  <S N="Identity">jurgen</S><S N="ExternalDirectoryObjectId">00000000-0000-4000-8000-000000000002</S>
  <S N="RecipientTypeDetails">UserMailbox</S><S N="RecipientType">UserMailbox</S>
  <Obj N="EmailAddresses" RefId="1"><TN RefId="1"><T>System.Object[]</T></TN><LST><S>SMTP:jurgen@contoso.com</S></LST></Obj>
</MS></Obj>
<Obj RefId="2"><TNRef RefId="0" /><MS>
  <S N="Identity">gone</S><S N="RecipientTypeDetails">RemoteUserMailbox</S><DT N="WhenSoftDeleted">2026-11-30T10:00:00+00:00</DT>
</MS></Obj>
<Obj RefId="3"><TN RefId="3"><T>Deserialized.Microsoft.Exchange.Data.Directory.Management.User</T></TN><ToString>Zoë</ToString><Props>
  <S N="UserPrincipalName">zoe@contoso.com</S>
  <Obj N="RecipientTypeDetails" RefId="4"><TN RefId="4"><T>Deserialized.Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails</T></TN><ToString>User</ToString><U64>65536</U64></Obj>
  <Obj N="PreviousRecipientTypeDetails" RefId="5"><TNRef RefId="4" /><ToString>UserMailbox</ToString><U64>1</U64></Obj>
</Props></Obj>"#,
    );
    let r = read_exo_recipients_clixml(&text).unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].identity.as_deref(), Some("jurgen"));
    assert_eq!(r[0].email_addresses, ["SMTP:jurgen@contoso.com"]);
    assert!(r[1].is_soft_deleted);
    assert_eq!(r[2].recipient_type_details.as_deref(), Some("User"));
    assert_eq!(
        r[2].previous_recipient_type_details.as_deref(),
        Some("UserMailbox")
    );
}
