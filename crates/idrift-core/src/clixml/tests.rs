//! Tests of the CLIXML-to-JSON bridge: detection by content, value mapping, references, depth and lines.

use super::*;

const NS: &str =
    "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

fn doc(body: &str) -> String {
    format!("{NS}\n{body}\n</Objs>")
}

fn json(text: &str) -> serde_json::Value {
    let items = items_as_json(text).unwrap();
    serde_json::from_str(&items.json).unwrap()
}

#[test]
fn detected_by_content() {
    assert!(is_clixml(&doc("")));
    assert!(is_clixml(&format!("\u{feff}  \r\n{}", doc(""))));
    assert!(is_clixml("#< CLIXML\r\n<Objs Version=\"1.1.0.1\"></Objs>"));
    assert!(is_clixml(&format!("<?xml version=\"1.0\"?>\n{}", doc(""))));
    assert!(!is_clixml("<?xml version=\"1.0\"?>\n<Other/>"));
    assert!(!is_clixml("{\"value\":[]}"));
    assert!(!is_clixml("[{\"Objs\":1}]"));
    assert!(!is_clixml("dn: CN=x\n"));
}

/// A class instance as the serializer writes it: `ToString` is the type name, properties in `<Props>`.
#[test]
fn a_graph_model_keeps_its_properties_and_its_lists() {
    let text = doc(r#"<Obj RefId="0">
  <TN RefId="0"><T>Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser</T><T>System.Object</T></TN>
  <ToString>Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser</ToString>
  <Props>
    <S N="Id">id-1</S>
    <Obj N="ProxyAddresses" RefId="1"><TN RefId="1"><T>System.String[]</T><T>System.Array</T></TN><LST><S>SMTP:a@contoso.com</S></LST></Obj>
    <Obj N="AssignedLicenses" RefId="2"><TN RefId="2"><T>Microsoft.Graph.PowerShell.Models.IMicrosoftGraphAssignedLicense[]</T></TN><LST>
      <Obj RefId="3"><TN RefId="3"><T>Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense</T></TN><ToString>Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense</ToString>
        <Props><Obj N="DisabledPlans" RefId="4"><TNRef RefId="1" /><LST /></Obj><S N="SkuId">sku-1</S></Props></Obj>
    </LST></Obj>
    <Obj N="AdditionalProperties" RefId="5"><TN RefId="4"><T>System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Object, System.Private.CoreLib]]</T></TN>
      <DCT><En><S N="Key">@odata.type</S><S N="Value">#microsoft.graph.user</S></En></DCT></Obj>
    <B N="OnPremisesSyncEnabled">true</B>
    <Nil N="MobilePhone" />
    <DT N="CreatedDateTime">2024-01-02T03:04:05+00:00</DT>
    <I64 N="Big">-5</I64>
    <U64 N="Huge">18446744073709551615</U64>
    <Db N="Ratio">0.5</Db>
    <S N="Quoted">a "b" \ c_x000A_d</S>
  </Props>
</Obj>"#);
    let v = json(&text);
    let u = &v[0];
    assert_eq!(u["Id"], "id-1");
    assert_eq!(
        u["ProxyAddresses"],
        serde_json::json!(["SMTP:a@contoso.com"])
    );
    assert_eq!(
        u["AssignedLicenses"],
        serde_json::json!([{"DisabledPlans": [], "SkuId": "sku-1"}])
    );
    assert_eq!(
        u["AdditionalProperties"],
        serde_json::json!({"@odata.type": "#microsoft.graph.user"})
    );
    assert_eq!(u["OnPremisesSyncEnabled"], true);
    assert!(u["MobilePhone"].is_null() && u.get("MobilePhone").is_some());
    assert_eq!(u["CreatedDateTime"], "2024-01-02T03:04:05+00:00");
    assert_eq!(u["Big"], -5);
    assert_eq!(u["Huge"], u64::MAX);
    assert_eq!(u["Ratio"], 0.5);
    assert_eq!(u["Quoted"], "a \"b\" \\ c\nd");
}

/// Exchange's value types print as their value: an address, a proxy address, an enumeration, an identity.
#[test]
fn exchange_value_objects_are_their_text() {
    let text = doc(r#"<Obj RefId="0">
  <TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.Management.Mailbox</T></TN>
  <ToString>Zoe</ToString>
  <Props>
    <Obj N="Identity" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.Directory.ADObjectId</T></TN><ToString>contoso.com/Users/Zoe</ToString><Props><S N="Name">Zoe</S></Props></Obj>
    <Obj N="PrimarySmtpAddress" RefId="2"><TN RefId="2"><T>Deserialized.Microsoft.Exchange.Data.SmtpAddress</T></TN><ToString>zoe@contoso.com</ToString><Props><S N="Local">zoe</S><S N="Domain">contoso.com</S></Props></Obj>
    <Obj N="EmailAddresses" RefId="3"><TN RefId="3"><T>Deserialized.Microsoft.Exchange.Data.ProxyAddressCollection</T></TN><LST>
      <Obj RefId="4"><TN RefId="4"><T>Deserialized.Microsoft.Exchange.Data.SmtpProxyAddress</T></TN><ToString>SMTP:zoe@contoso.com</ToString><Props><B N="IsPrimaryAddress">true</B></Props></Obj>
      <S>smtp:zoe@contoso.mail.onmicrosoft.com</S>
    </LST></Obj>
    <Obj N="RecipientTypeDetails" RefId="5"><TN RefId="5"><T>Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails</T><T>System.Enum</T></TN><ToString>UserMailbox</ToString><U64>1</U64></Obj>
    <Obj N="Weekday" RefId="6"><TN RefId="6"><T>Some.Enum</T></TN><I32>1</I32></Obj>
    <G N="ExchangeGuid">c7df2760-2c81-4ef7-b578-5b5392b571df</G>
  </Props>
</Obj>"#);
    let v = json(&text);
    let m = &v[0];
    assert_eq!(m["Identity"], "contoso.com/Users/Zoe");
    assert_eq!(m["PrimarySmtpAddress"], "zoe@contoso.com");
    assert_eq!(
        m["EmailAddresses"],
        serde_json::json!([
            "SMTP:zoe@contoso.com",
            "smtp:zoe@contoso.mail.onmicrosoft.com"
        ])
    );
    assert_eq!(m["RecipientTypeDetails"], "UserMailbox");
    assert_eq!(m["Weekday"], 1);
    assert_eq!(m["ExchangeGuid"], "c7df2760-2c81-4ef7-b578-5b5392b571df");
}

#[test]
fn references_and_a_top_level_list_are_expanded() {
    // Export-Clixml writes an object seen before as <Ref>; -InputObject $list writes one list.
    let text = doc(
        r#"<Obj RefId="0"><TN RefId="0"><T>System.Object[]</T></TN><LST>
  <Obj RefId="1"><TN RefId="1"><T>System.Management.Automation.PSCustomObject</T></TN><MS><S N="Id">1</S><S N="id">shadowed</S></MS></Obj>
  <Ref RefId="1" />
</LST></Obj>"#,
    );
    let items = items_as_json(&text).unwrap();
    let v: serde_json::Value = serde_json::from_str(&items.json).unwrap();
    assert_eq!(v, serde_json::json!([{"Id": "1"}, {"Id": "1"}]));
    assert_eq!(items.lines, vec![Some(3), Some(3)]);
    // Object i is on JSON line i + 2.
    assert_eq!(items.json.lines().nth(2), Some("{\"Id\":\"1\"}"));
    assert_eq!(items.clixml_line(3), Some(3));
    assert_eq!(items.clixml_line(1), None);
    assert_eq!(json(&doc("")), serde_json::json!([]));
}

#[test]
fn references_that_multiply_the_output_are_refused() {
    // Each object refers twice to the one before: 2^40 objects once expanded.
    let mut body = String::from(r#"<Obj RefId="0"><MS><S N="Id">x</S></MS></Obj>"#);
    for i in 1..40 {
        let p = i - 1;
        body.push_str(&format!(
            r#"<Obj RefId="{i}"><MS><Ref N="A" RefId="{p}" /><Ref N="B" RefId="{p}" /></MS></Obj>"#
        ));
    }
    let err = items_as_json(&doc(&body)).unwrap_err().to_string();
    assert!(err.contains("<Ref> references expand"), "{err}");
}

#[test]
fn deep_values_are_cut_to_their_text_and_stay_valid_json() {
    let depth = 200;
    let mut body = String::from(r#"<Obj RefId="0"><MS>"#);
    for i in 0..depth {
        body.push_str(&format!(
            r#"<Obj N="P" RefId="{}"><ToString>level {i}</ToString><MS>"#,
            i + 1
        ));
    }
    for _ in 0..depth {
        body.push_str("</MS></Obj>");
    }
    body.push_str("</MS></Obj>");
    let v = json(&doc(&body));
    let mut at = &v[0];
    let mut levels = 0;
    while let Some(next) = at.get("P") {
        at = next;
        levels += 1;
    }
    assert!(at.is_string(), "{at}");
    assert!(levels <= MAX_JSON_DEPTH + 1, "{levels}");
}

#[test]
fn reader_errors_name_the_line() {
    let err = items_as_json(&format!("{NS}\n<Obj RefId=\"0\">\n<MS><S N=\"Id\">1</S>"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("truncated"), "{err}");
    let err = items_as_json(&doc("<Obj RefId=\"0\"><Bogus/></Obj>"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("line 2,") && err.contains("<Bogus>"),
        "{err}"
    );
}

#[test]
fn lines_count_from_the_first_byte_after_a_byte_order_mark() {
    let body = "<Obj RefId=\"0\"><MS><S N=\"Id\">1</S></MS></Obj>\n<Obj RefId=\"1\"><MS><S N=\"Id\">2</S></MS></Obj>";
    let plain = items_as_json(&doc(body)).unwrap();
    assert_eq!(plain.lines, vec![Some(2), Some(3)]);
    let with_bom = items_as_json(&format!("\u{feff}{}", doc(body))).unwrap();
    assert_eq!(with_bom.lines, plain.lines);
    let err = items_as_json(&format!(
        "\u{feff}{NS}\n<Obj RefId=\"0\"><Bogus/></Obj></Objs>"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("line 2, column 16:"), "{err}");
}
