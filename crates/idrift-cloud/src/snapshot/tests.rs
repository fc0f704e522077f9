//! Tests of the snapshot readers and writers: every input shape, malformed and truncated input, wrong
//! types, encodings, round trips and a large generated input.

use idrift_core::Guid;
use idrift_core::model::{
    AssignedLicense, CloudUser, ExoRecipient, OnPremisesProvisioningError,
    ServiceProvisioningError, SyncFeatures, TenantSync,
};

use super::*;

/// What a reader read, or the test fails naming the error.
fn read_ok<T>(read: Result<Vec<T>, SnapshotError>) -> Vec<T> {
    read.unwrap_or_else(|e| panic!("the read failed: {e}"))
}

/// The error a reader returned, or the test fails saying how many items it read.
fn read_err<T>(read: Result<Vec<T>, SnapshotError>) -> SnapshotError {
    match read {
        Ok(items) => panic!("expected an error, read {} items", items.len()),
        Err(e) => e,
    }
}

fn users(text: &str) -> Vec<CloudUser> {
    read_ok(read_users(text.as_bytes()))
}

fn users_err(text: &str) -> SnapshotError {
    read_err(read_users(text.as_bytes()))
}

fn exo(text: &str) -> Vec<ExoRecipient> {
    read_ok(read_exo_recipients(text.as_bytes()))
}

fn exo_err(text: &str) -> SnapshotError {
    read_err(read_exo_recipients(text.as_bytes()))
}

fn ids(u: &[CloudUser]) -> Vec<&str> {
    u.iter().map(|u| u.id.as_str()).collect()
}

const GRAPH_USER: &str = r##"{
  "@odata.type": "#microsoft.graph.user",
  "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
  "userPrincipalName": "AdeleV@contoso.com",
  "displayName": "Adele Vance",
  "mail": "AdeleV@contoso.com",
  "onPremisesImmutableId": "PC0eD1pLeGmHlqW0w9Lh8A==",
  "onPremisesSyncEnabled": true,
  "mobilePhone": "+1 425 555 0109",
  "businessPhones": ["+1 425 555 0100"],
  "proxyAddresses": ["SMTP:AdeleV@contoso.com", "smtp:adele@contoso.mail.onmicrosoft.com"],
  "assignedLicenses": [{"disabledPlans": ["a413a9ff-720c-4822-98ef-2f37c2a21f4c"], "skuId": "c7df2760-2c81-4ef7-b578-5b5392b571df"}],
  "onPremisesProvisioningErrors": [{"@odata.type":"microsoft.graph.onPremisesProvisioningError","value":"adele@contoso.com","category":"PropertyConflict","propertyCausingError":"ProxyAddresses","occurredDateTime":"2016-12-31T23:59:26.1020738+03:00"}],
  "serviceProvisioningErrors": [{"@odata.type":"#microsoft.graph.serviceProvisioningXmlError","createdDateTime":"2024-01-02T03:04:05Z","isResolved":false,"serviceInstance":"exchange/namprd01-001-01","errorDetail":"<ServiceInstance/>"}],
  "jobTitle": "Retail Manager",
  "manager": {"id": "x", "nested": [1, 2, {"a": null}]}
}"##;

fn adele() -> CloudUser {
    CloudUser {
        id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd".into(),
        user_principal_name: Some("AdeleV@contoso.com".into()),
        display_name: Some("Adele Vance".into()),
        mail: Some("AdeleV@contoso.com".into()),
        on_premises_immutable_id: Some("PC0eD1pLeGmHlqW0w9Lh8A==".into()),
        on_premises_sync_enabled: Some(true),
        mobile_phone: Some("+1 425 555 0109".into()),
        alternate_mobile_phones: None,
        business_phones: vec!["+1 425 555 0100".into()],
        proxy_addresses: vec![
            "SMTP:AdeleV@contoso.com".into(),
            "smtp:adele@contoso.mail.onmicrosoft.com".into(),
        ],
        assigned_licenses: vec![AssignedLicense {
            sku_id: "c7df2760-2c81-4ef7-b578-5b5392b571df".into(),
            disabled_plans: vec!["a413a9ff-720c-4822-98ef-2f37c2a21f4c".into()],
        }],
        on_premises_provisioning_errors: vec![OnPremisesProvisioningError {
            category: Some("PropertyConflict".into()),
            property_causing_error: Some("ProxyAddresses".into()),
            value: Some("adele@contoso.com".into()),
            occurred_date_time: Some("2016-12-31T23:59:26.1020738+03:00".into()),
        }],
        service_provisioning_errors: vec![ServiceProvisioningError {
            created_date_time: Some("2024-01-02T03:04:05Z".into()),
            is_resolved: Some(false),
            service_instance: Some("exchange/namprd01-001-01".into()),
            error_detail: Some("<ServiceInstance/>".into()),
        }],
    }
}

// ---------------------------------------------------------------------------------------------
// Users: shapes

#[test]
fn array_of_graph_users_reads_every_property() {
    let text = format!("[{GRAPH_USER}, {{\"id\":\"u2\"}}]");
    let got = users(&text);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], adele());
    assert_eq!(
        got[1],
        CloudUser {
            id: "u2".into(),
            ..CloudUser::default()
        }
    );
}

#[test]
fn one_page_object_with_odata_keys() {
    let text = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mobilePhone)",
      "value":[{"id":"a","mobilePhone":"1"},{"id":"b","mobilePhone":null}],
      "@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X"}"#;
    let got = users(text);
    assert_eq!(ids(&got), ["a", "b"]);
    assert_eq!(got[0].mobile_phone.as_deref(), Some("1"));
    assert_eq!(got[1].mobile_phone, None);
}

#[test]
fn value_key_may_come_after_other_page_keys_in_any_case() {
    let text = r#"{"@odata.nextLink":"x","VALUE":[{"Id":"a"}],"@odata.context":"y"}"#;
    assert_eq!(ids(&users(text)), ["a"]);
}

#[test]
fn array_of_pages() {
    let text = r#"[{"value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"n"},{"value":[{"id":"c"}]},{"value":[]}]"#;
    assert_eq!(ids(&users(text)), ["a", "b", "c"]);
}

#[test]
fn page_objects_one_after_another() {
    let text = "{\"value\":[{\"id\":\"a\"}],\"@odata.nextLink\":\"n\"}\n{\"value\":[{\"id\":\"b\"}]}\r\n  {\"value\":[{\"id\":\"c\"}],\"@odata.deltaLink\":\"d\"}\n\n";
    assert_eq!(ids(&users(text)), ["a", "b", "c"]);
    // Without any whitespace between them too.
    assert_eq!(
        ids(&users(r#"{"value":[{"id":"a"}]}{"value":[{"id":"b"}]}"#)),
        ["a", "b"]
    );
}

#[test]
fn a_single_bare_user_object() {
    // ConvertTo-Json of a single result writes an object, not an array.
    let got = users(r#"{"Id":"solo","MobilePhone":"+49 30 1234567"}"#);
    assert_eq!(ids(&got), ["solo"]);
    assert_eq!(got[0].mobile_phone.as_deref(), Some("+49 30 1234567"));
}

#[test]
fn empty_array_and_empty_page_read_as_no_users() {
    assert!(users("[]").is_empty());
    assert!(users("  {\"value\": []}  ").is_empty());
}

#[test]
fn get_mguser_convertto_json_with_pascal_case_and_additional_properties() {
    let text = r#"[
  {
    "AboutMe": null,
    "AccountEnabled": true,
    "AssignedLicenses": [ { "DisabledPlans": [], "SkuId": "6fd2c87f-b296-42f0-b197-1e91e994b900" } ],
    "BusinessPhones": [],
    "DisplayName": "Alex Wilber",
    "Id": "4782e723-f4f4-4af3-a76e-25e3bab0d896",
    "Mail": "AlexW@contoso.com",
    "MobilePhone": "+1 858 555 0110",
    "OnPremisesImmutableId": null,
    "OnPremisesSyncEnabled": null,
    "ProxyAddresses": [ "SMTP:AlexW@contoso.com" ],
    "UserPrincipalName": "AlexW@contoso.com",
    "AdditionalProperties": {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
      "onPremisesImmutableId": "7L6tF2cq9UWqEzCN8dbQzA==",
      "onPremisesSyncEnabled": true,
      "mobilePhone": "ignored because the top level has one"
    }
  }
]"#;
    let got = users(text);
    assert_eq!(got.len(), 1);
    let u = &got[0];
    assert_eq!(u.id, "4782e723-f4f4-4af3-a76e-25e3bab0d896");
    assert_eq!(u.user_principal_name.as_deref(), Some("AlexW@contoso.com"));
    assert_eq!(u.mobile_phone.as_deref(), Some("+1 858 555 0110"));
    assert_eq!(
        u.on_premises_immutable_id.as_deref(),
        Some("7L6tF2cq9UWqEzCN8dbQzA==")
    );
    assert_eq!(u.on_premises_sync_enabled, Some(true));
    assert_eq!(u.proxy_addresses, ["SMTP:AlexW@contoso.com"]);
    assert_eq!(
        u.assigned_licenses,
        [AssignedLicense {
            sku_id: "6fd2c87f-b296-42f0-b197-1e91e994b900".into(),
            disabled_plans: vec![]
        }]
    );
    assert!(u.business_phones.is_empty());
    assert_eq!(u.alternate_mobile_phones, None);
}

#[test]
fn legacy_msonline_export() {
    let text = r#"[{"ObjectId":"0b7e5b3c-0000-4000-8000-000000000001","UserPrincipalName":"p@contoso.com",
      "ImmutableId":"PC0eD1pLeGmHlqW0w9Lh8A==","MobilePhone":"0171 1234567",
      "AlternateMobilePhones":["0172 7654321","0173 1111111"],"LastDirSyncTime":"2020-01-01T00:00:00Z"},
      {"ObjectId":"0b7e5b3c-0000-4000-8000-000000000002","AlternateMobilePhones":[],"LastDirSyncTime":null},
      {"ObjectId":"0b7e5b3c-0000-4000-8000-000000000003","AlternateMobilePhones":null}]"#;
    let got = users(text);
    assert_eq!(got[0].id, "0b7e5b3c-0000-4000-8000-000000000001");
    assert_eq!(
        got[0].on_premises_immutable_id.as_deref(),
        Some("PC0eD1pLeGmHlqW0w9Lh8A==")
    );
    assert_eq!(
        got[0].alternate_mobile_phones,
        Some(vec!["0172 7654321".to_owned(), "0173 1111111".to_owned()])
    );
    assert_eq!(got[0].on_premises_sync_enabled, Some(true));
    // Present but empty (or null): the source carries the property, so it is Some.
    assert_eq!(got[1].alternate_mobile_phones, Some(vec![]));
    assert_eq!(got[1].on_premises_sync_enabled, None);
    assert_eq!(got[2].alternate_mobile_phones, Some(vec![]));
}

#[test]
fn alternate_mobile_phones_is_none_when_absent() {
    let got = users(r#"[{"id":"a","mobilePhone":"1"}]"#);
    assert_eq!(got[0].alternate_mobile_phones, None);
}

#[test]
fn property_names_are_case_insensitive() {
    let got = users(
        r#"[{"ID":"a","MOBILEPHONE":"1","userprincipalname":"u@x","OnPremisesSYNCEnabled":false,"pRoXyAdDrEsSeS":["SMTP:u@x"]}]"#,
    );
    assert_eq!(got[0].id, "a");
    assert_eq!(got[0].mobile_phone.as_deref(), Some("1"));
    assert_eq!(got[0].user_principal_name.as_deref(), Some("u@x"));
    assert_eq!(got[0].on_premises_sync_enabled, Some(false));
    assert_eq!(got[0].proxy_addresses, ["SMTP:u@x"]);
}

#[test]
fn unknown_properties_of_any_shape_are_ignored() {
    let got = users(
        r#"[{"id":"a","x":{"deep":[[1,2],{"y":"z"}]},"signInActivity":null,"n":1.5e3,"b":true,"s":"\u00e9\n"}]"#,
    );
    assert_eq!(ids(&got), ["a"]);
}

#[test]
fn delta_removed_entries_are_skipped() {
    let text = r#"{"value":[{"id":"a"},{"id":"gone","@removed":{"reason":"changed"}}],"@odata.deltaLink":"d"}"#;
    assert_eq!(ids(&users(text)), ["a"]);
}

#[test]
fn powershell_5_array_wrapper_and_lone_strings_read_as_lists() {
    let got = users(
        r#"[{"id":"a","proxyAddresses":{"value":["SMTP:a@x","smtp:b@x"],"Count":2},"businessPhones":"+1 1"}]"#,
    );
    assert_eq!(got[0].proxy_addresses, ["SMTP:a@x", "smtp:b@x"]);
    assert_eq!(got[0].business_phones, ["+1 1"]);
}

#[test]
fn escaped_strings_and_unicode_are_decoded() {
    let got = users(
        r#"[{"id":"a","displayName":"J\u00fcrgen \"J\" M\u00fcller","mobilePhone":"+49\t30"}]"#,
    );
    assert_eq!(got[0].display_name.as_deref(), Some("Jürgen \"J\" Müller"));
    assert_eq!(got[0].mobile_phone.as_deref(), Some("+49\t30"));
}

#[test]
fn utf8_bom_is_skipped() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(br#"[{"id":"a"}]"#);
    let got = read_users(bytes.as_slice()).unwrap();
    assert_eq!(ids(&got), ["a"]);
}

#[test]
fn utf16_from_windows_powershell_out_file_is_transcoded() {
    let text = "[{\"Id\":\"a\",\"DisplayName\":\"J\u{fc}rgen \u{1F600}\"}]";
    for big_endian in [false, true] {
        for bom in [true, false] {
            let mut bytes = Vec::new();
            if bom {
                bytes.extend_from_slice(if big_endian {
                    &[0xFE, 0xFF]
                } else {
                    &[0xFF, 0xFE]
                });
            }
            for unit in text.encode_utf16() {
                let b = if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                };
                bytes.extend_from_slice(&b);
            }
            let got = read_users(bytes.as_slice()).unwrap();
            assert_eq!(got[0].display_name.as_deref(), Some("Jürgen 😀"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Users: errors

#[test]
fn empty_input_is_an_error() {
    for text in ["", "   \n\t "] {
        let e = users_err(text);
        assert!(e.message.contains("empty"), "{e}");
    }
}

#[test]
fn malformed_json_names_line_column_and_path() {
    let text = "[\n {\"id\":\"a\"},\n {\"id\":\"b\" \"mobilePhone\":\"1\"}\n]";
    let e = users_err(text);
    assert_eq!((e.line, e.column), (3, 12));
    assert_eq!(e.path, "$[1]");
    assert!(e.message.contains("expected `,` or `}`"), "{e}");
    assert_eq!(
        e.to_string(),
        format!("line 3, column 12, at $[1]: {}", e.message)
    );
}

#[test]
fn truncated_file_is_an_error_not_a_short_list() {
    let full = format!("{{\"value\":[{GRAPH_USER},{GRAPH_USER}]}}");
    for cut in [1, 10, full.len() / 2, full.len() - 1] {
        let e = users_err(&full[..cut]);
        assert!(e.message.contains("truncated"), "cut {cut}: {e}");
        assert!(e.line >= 1, "{e}");
    }
}

#[test]
fn wrong_types_name_the_property() {
    let e = users_err(r#"[{"id":"a"},{"id":"b","mobilePhone":5}]"#);
    assert_eq!(e.path, "$[1].mobilePhone");
    assert!(e.message.contains("expected a string"), "{e}");

    let e = users_err(r#"[{"id":"a","proxyAddresses":["SMTP:a@x", 7]}]"#);
    assert_eq!(e.path, "$[0].proxyAddresses[1]");

    let e = users_err(r#"[{"id":"a","onPremisesSyncEnabled":"yes"}]"#);
    assert_eq!(e.path, "$[0].onPremisesSyncEnabled");
    assert!(e.message.contains("expected a boolean"), "{e}");

    let e = users_err(r#"[{"value":[{"id":"a"}]},{"value":[{"id":"b"},{"id":7}]}]"#);
    assert_eq!(e.path, "page 2: value[1].id");

    let e = users_err(
        r#"{"value":[{"id":"a"}]} {"value":[{"id":"b","assignedLicenses":[{"skuId":1}]}]}"#,
    );
    assert_eq!(e.path, "page 2: value[0].assignedLicenses[0].skuId");

    let e = users_err(r#"{"value":{"id":"a"}}"#);
    assert_eq!(e.path, "page 1: value");
    assert!(
        e.message.contains("array of a user objects") || e.message.contains("expected"),
        "{e}"
    );

    let e = users_err("42");
    assert_eq!(e.path, "$");
    assert!(e.message.contains("expected a JSON array"), "{e}");

    let e = users_err(r#"[{"id":"a"}, "b"]"#);
    assert_eq!(e.path, "$[1]");
}

#[test]
fn a_user_without_id_is_an_error() {
    let e = users_err(r#"[{"id":"a"},{"id":"b"},{"mobilePhone":"1"}]"#);
    assert_eq!(e.path, "$[2]");
    assert!(e.message.contains("\"id\""), "{e}");
    let e = users_err(r#"{}"#);
    assert!(e.message.contains("\"id\""), "{e}");
}

#[test]
fn license_cut_short_by_convertto_json_depth_says_how_to_export_again() {
    let e = users_err(
        r#"[{"Id":"a","AssignedLicenses":["Microsoft.Graph.PowerShell.Models.MicrosoftGraphAssignedLicense"]}]"#,
    );
    assert_eq!(e.path, "$[0].assignedLicenses[0]");
    assert!(e.message.contains("-Depth"), "{e}");
    let e = users_err(r#"[{"id":"a","assignedLicenses":[{"disabledPlans":[]}]}]"#);
    assert!(e.message.contains("skuId"), "{e}");
}

#[test]
fn trailing_garbage_is_an_error() {
    let e = users_err(r#"[{"id":"a"}] xyz"#);
    assert_eq!(e.line, 1);
    assert!(e.path.starts_with("document 2"), "{e}");
}

#[test]
fn invalid_utf8_is_an_error() {
    let mut bytes = br#"[{"id":"a","displayName":""#.to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]);
    bytes.extend_from_slice(br#""}]"#);
    let e = read_users(bytes.as_slice()).unwrap_err();
    assert_eq!(e.path, "$[0].displayName");
}

#[test]
fn an_io_error_is_reported() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let e = read_users(Failing).unwrap_err();
    assert!(e.message.contains("disk on fire"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Users: round trip and volume

fn generated(n: usize) -> Vec<CloudUser> {
    (0..n)
        .map(|i| {
            let mut u = CloudUser {
                id: format!("00000000-0000-4000-8000-{i:012}"),
                user_principal_name: Some(format!("user{i}@contoso.com")),
                display_name: Some(format!("User \"{i}\" Ünïcode")),
                mail: (i % 3 != 0).then(|| format!("user{i}@contoso.com")),
                on_premises_immutable_id: (i % 2 == 0).then(|| format!("ImmId{i}+/==")),
                on_premises_sync_enabled: match i % 3 {
                    0 => None,
                    1 => Some(true),
                    _ => Some(false),
                },
                mobile_phone: (i % 5 != 0).then(|| format!("+1 425 555 {:04}", i % 10_000)),
                alternate_mobile_phones: (i % 7 == 0).then(|| vec![format!("+1 {i}")]),
                business_phones: vec![format!("+1 206 555 {:04}", i % 10_000)],
                proxy_addresses: vec![
                    format!("SMTP:user{i}@contoso.com"),
                    format!("smtp:user{i}@contoso.mail.onmicrosoft.com"),
                ],
                assigned_licenses: Vec::new(),
                on_premises_provisioning_errors: Vec::new(),
                service_provisioning_errors: Vec::new(),
            };
            if i % 11 == 0 {
                u.assigned_licenses.push(AssignedLicense {
                    sku_id: "c7df2760-2c81-4ef7-b578-5b5392b571df".into(),
                    disabled_plans: vec!["p1".into(), "p2".into()],
                });
            }
            u
        })
        .collect()
}

#[test]
fn write_users_reads_back_to_the_same_users() {
    let mut all = generated(50);
    all.push(adele());
    let mut out = Vec::new();
    write_users(&mut out, &all).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("{\"value\":["), "{text}");
    assert!(text.contains("\"onPremisesImmutableId\""));
    assert!(text.contains("\"alternateMobilePhones\""));
    assert_eq!(read_users(text.as_bytes()).unwrap(), all);
    // alternateMobilePhones appears only for users that have it.
    assert_eq!(
        text.matches("alternateMobilePhones").count(),
        all.iter()
            .filter(|u| u.alternate_mobile_phones.is_some())
            .count()
    );
}

#[test]
fn a_large_generated_input_reads_completely() {
    let all = generated(30_000);
    let mut out = Vec::new();
    write_users(&mut out, &all).unwrap();
    // As three pages one after another, each as Graph pages them.
    let text = String::from_utf8(out).unwrap();
    let body = text
        .trim()
        .strip_prefix("{\"value\":[")
        .and_then(|s| s.strip_suffix("]}"))
        .unwrap();
    let lines: Vec<&str> = body.lines().filter(|l| !l.is_empty()).collect();
    let mut paged = String::new();
    for (p, chunk) in lines.chunks(999).enumerate() {
        let items: Vec<&str> = chunk.iter().map(|l| l.trim_end_matches(',')).collect();
        paged.push_str(&format!(
            "{{\"@odata.context\":\"c\",\"value\":[{}],\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/users?$skiptoken={p}\"}}\n",
            items.join(",")
        ));
    }
    let got = read_users(paged.as_bytes()).unwrap();
    assert_eq!(got.len(), all.len());
    assert_eq!(got, all);
}

// ---------------------------------------------------------------------------------------------
// Tenant sync

const SYNC_SAMPLE: &str = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#directory/onPremisesSynchronization",
 "value":[{"id":"12cce4b4-4ab8-40b7-be4d-f5d7742ec185",
 "configuration":{"accidentalDeletionPrevention":{"synchronizationPreventionType":"enabledForCount","alertThreshold":500}},
 "features":{"passwordSyncEnabled":false,"passwordWritebackEnabled":false,"directoryExtensionsEnabled":false,
   "quarantineUponUpnConflictEnabled":true,"quarantineUponProxyAddressesConflictEnabled":true,"softMatchOnUpnEnabled":true,
   "cloudPasswordPolicyForPasswordSyncedUsersEnabled":false,"fopeConflictResolutionEnabled":false,"unifiedGroupWritebackEnabled":false,
   "userWritebackEnabled":false,"deviceWritebackEnabled":false,"synchronizeUpnForManagedUsersEnabled":true,
   "userForcePasswordChangeOnLogonEnabled":false,"concurrentOrgIdProvisioningEnabled":false,"concurrentCredentialUpdateEnabled":false,
   "groupWriteBackEnabled":false,"blockSoftMatchEnabled":false,"blockCloudObjectTakeoverThroughHardMatchEnabled":false,
   "bypassDirSyncOverridesEnabled":false}}]}"#;

#[test]
fn tenant_sync_reads_the_documented_response() {
    let got = read_tenant_sync(SYNC_SAMPLE).unwrap().unwrap();
    assert_eq!(got.id, "12cce4b4-4ab8-40b7-be4d-f5d7742ec185");
    assert_eq!(
        got.features,
        SyncFeatures {
            quarantine_upon_upn_conflict_enabled: true,
            quarantine_upon_proxy_addresses_conflict_enabled: true,
            soft_match_on_upn_enabled: true,
            synchronize_upn_for_managed_users_enabled: true,
            ..SyncFeatures::default()
        }
    );
}

#[test]
fn tenant_sync_bare_object_any_case_and_missing_flags() {
    let got = read_tenant_sync(r#"{"Id":"t1","Features":{"BypassDirSyncOverridesEnabled":true,"someFutureFlagEnabled":true}}"#)
        .unwrap()
        .unwrap();
    assert_eq!(got.id, "t1");
    assert!(got.features.bypass_dir_sync_overrides_enabled);
    assert!(!got.features.block_soft_match_enabled);
}

#[test]
fn tenant_sync_empty_collection_is_none() {
    assert_eq!(read_tenant_sync(r#"{"value":[]}"#).unwrap(), None);
}

#[test]
fn tenant_sync_errors() {
    let e = read_tenant_sync(r#"{"value":[{"id":"a","features":{"passwordSyncEnabled":"no"}}]}"#)
        .unwrap_err();
    assert_eq!(e.path, "page 1: value[0].features.passwordSyncEnabled");
    let e = read_tenant_sync(r#"{"value":[{"id":"a"},{"id":"b"}]}"#).unwrap_err();
    assert!(e.message.contains("found 2"), "{e}");
    let e = read_tenant_sync(r#"{"value":[{"features":{}}]}"#).unwrap_err();
    assert!(e.message.contains("\"id\""), "{e}");
    let e = read_tenant_sync(r#"{"value":[{"id":"a""#).unwrap_err();
    assert!(e.message.contains("truncated"), "{e}");
}

#[test]
fn tenant_sync_round_trip() {
    let sync = TenantSync {
        id: "x".into(),
        features: SyncFeatures {
            bypass_dir_sync_overrides_enabled: true,
            password_sync_enabled: true,
            user_writeback_enabled: true,
            ..SyncFeatures::default()
        },
    };
    let mut out = Vec::new();
    write_tenant_sync(&mut out, Some(&sync)).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\"bypassDirSyncOverridesEnabled\":true"),
        "{text}"
    );
    assert_eq!(read_tenant_sync(&text).unwrap(), Some(sync));
    let mut out = Vec::new();
    write_tenant_sync(&mut out, None).unwrap();
    assert_eq!(
        read_tenant_sync(std::str::from_utf8(&out).unwrap()).unwrap(),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Exchange Online recipients

const INVOKE_PAGE: &str = r##"{"@odata.context":"https://outlook.office365.com/adminapi/beta/contoso.onmicrosoft.com/$metadata#Collection(Exchange.GenericHashTable)",
 "@adminapi.warnings":[],
 "value":[{
   "Identity":"Adele Vance","Name":"AdeleV","ExternalDirectoryObjectId":"87d349ed-44d7-43e1-9a83-5f2406dee5bd",
   "UserPrincipalName":"AdeleV@contoso.com","PrimarySmtpAddress":"AdeleV@contoso.com",
   "RecipientType":"UserMailbox","RecipientTypeDetails":"UserMailbox",
   "ExchangeGuid@odata.type":"#Guid","ExchangeGuid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
   "ArchiveGuid@odata.type":"#Guid","ArchiveGuid":"00000000-0000-0000-0000-000000000000",
   "EmailAddresses@odata.type":"#Collection(String)","EmailAddresses":["smtp:adele@contoso.mail.onmicrosoft.com","SMTP:AdeleV@contoso.com"],
   "SKUAssigned":true,"IsDirSynced":true,"WhenSoftDeleted":null,
   "WhenChanged@data.type":"System.DateTime","WhenChanged":"2024-05-01T10:00:00Z",
   "MaxSendSize":"35 MB (36,700,160 bytes)"
 }],
 "@odata.nextLink":"https://outlook.office365.com/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand?$skiptoken=1"}"##;

#[test]
fn invoke_command_page_reads() {
    let got = exo(INVOKE_PAGE);
    assert_eq!(
        got,
        [ExoRecipient {
            identity: Some("Adele Vance".into()),
            external_directory_object_id: Some("87d349ed-44d7-43e1-9a83-5f2406dee5bd".into()),
            user_principal_name: Some("AdeleV@contoso.com".into()),
            primary_smtp_address: Some("AdeleV@contoso.com".into()),
            recipient_type: Some("UserMailbox".into()),
            recipient_type_details: Some("UserMailbox".into()),
            previous_recipient_type_details: None,
            exchange_guid: Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".parse().unwrap()),
            archive_guid: Some(Guid::NIL),
            email_addresses: vec![
                "smtp:adele@contoso.mail.onmicrosoft.com".into(),
                "SMTP:AdeleV@contoso.com".into()
            ],
            sku_assigned: Some(true),
            is_dir_synced: Some(true),
            is_soft_deleted: false,
        }]
    );
}

#[test]
fn exo_pages_one_after_another_and_in_an_array() {
    let a = r#"{"value":[{"Identity":"a"}],"@odata.nextLink":"n"}"#;
    let b = r#"{"value":[{"Identity":"b"},{"Identity":"c"}]}"#;
    let names = |r: Vec<ExoRecipient>| -> Vec<String> {
        r.into_iter().filter_map(|r| r.identity).collect()
    };
    assert_eq!(names(exo(&format!("{a}\n{b}"))), ["a", "b", "c"]);
    assert_eq!(names(exo(&format!("[{a},{b}]"))), ["a", "b", "c"]);
}

#[test]
fn convertto_json_with_integer_enums() {
    // Get-User | ConvertTo-Json: enumerations as integers; Name but no Identity.
    let text = r#"[{"Name":"bob","RecipientType":4,"RecipientTypeDetails":128,"PreviousRecipientTypeDetails":1,"SKUAssigned":false,"ExternalDirectoryObjectId":"e1"},
      {"Name":"carol","RecipientType":"MailUser","RecipientTypeDetails":2147483648,"PreviousRecipientTypeDetails":0},
      {"Identity":"shared","RecipientTypeDetails":{"value":4,"Value":"SharedMailbox"},"RecipientType":2}]"#;
    let got = exo(text);
    assert_eq!(got[0].identity.as_deref(), Some("bob"));
    assert_eq!(got[0].recipient_type.as_deref(), Some("MailUser"));
    assert_eq!(got[0].recipient_type_details.as_deref(), Some("MailUser"));
    assert_eq!(
        got[0].previous_recipient_type_details.as_deref(),
        Some("UserMailbox")
    );
    assert_eq!(got[0].sku_assigned, Some(false));
    assert_eq!(
        got[1].recipient_type_details.as_deref(),
        Some("RemoteUserMailbox")
    );
    assert_eq!(
        got[1].previous_recipient_type_details.as_deref(),
        Some("None")
    );
    assert_eq!(
        got[2].recipient_type_details.as_deref(),
        Some("SharedMailbox")
    );
    assert_eq!(got[2].recipient_type.as_deref(), Some("UserMailbox"));
}

#[test]
fn recipient_type_details_table() {
    assert_eq!(
        recipient_type_details_name(128).as_deref(),
        Some("MailUser")
    );
    assert_eq!(
        recipient_type_details_name(35_184_372_088_832).as_deref(),
        Some("GuestMailUser")
    );
    assert_eq!(
        recipient_type_details_name(1 | 4).as_deref(),
        Some("UserMailbox, SharedMailbox")
    );
    assert_eq!(recipient_type_details_name(1 << 50), None);
    assert_eq!(
        recipient_type_details_value("remoteusermailbox"),
        Some(2_147_483_648)
    );
    assert_eq!(
        recipient_type_for_details("GuestMailUser"),
        Some("MailUser")
    );
}

#[test]
fn soft_deleted_markers() {
    let text = r#"[{"Identity":"a","WhenSoftDeleted":"2024-01-01T00:00:00Z"},{"Identity":"b","IsSoftDeletedByRemove":true},
      {"Identity":"c","IsSoftDeletedByRemove":false,"WhenSoftDeleted":null},{"Identity":"d","IsSoftDeleted":true}]"#;
    let flags: Vec<bool> = exo(text).iter().map(|r| r.is_soft_deleted).collect();
    assert_eq!(flags, [true, true, false, true]);
}

#[test]
fn powershell_5_guid_object_and_empty_guid() {
    let got = exo(
        r#"{"Identity":"a","ExchangeGuid":{"Guid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"},"ArchiveGuid":""}"#,
    );
    assert_eq!(
        got[0].exchange_guid,
        Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".parse().unwrap())
    );
    assert_eq!(got[0].archive_guid, None);
}

#[test]
fn exo_errors_name_the_property() {
    let e = exo_err(r#"{"value":[{"Identity":"a"},{"Identity":"b","ExchangeGuid":"not-a-guid"}]}"#);
    assert_eq!(e.path, "page 1: value[1].ExchangeGuid");
    assert!(e.message.contains("not a GUID"), "{e}");

    let e = exo_err(r#"[{"Identity":"a","RecipientTypeDetails":1125899906842624}]"#);
    assert_eq!(e.path, "$[0].RecipientTypeDetails");
    assert!(
        e.message.contains("not a RecipientTypeDetails value"),
        "{e}"
    );

    let e = exo_err(r#"[{"Identity":"a","RecipientType":4}]"#);
    assert!(e.message.contains("-EnumsAsStrings"), "{e}");

    let e = exo_err(r#"[{"Identity":"a","IsDirSynced":"True"}]"#);
    assert_eq!(e.path, "$[0].IsDirSynced");

    let e = exo_err(r#"[{"Foo":1}]"#);
    assert!(e.message.contains("recipient object"), "{e}");

    let e = exo_err(r#"{"value":[{"Identity":"a"}"#);
    assert!(e.message.contains("truncated"), "{e}");
}

#[test]
fn exo_round_trip() {
    let all = vec![
        exo(INVOKE_PAGE).remove(0),
        ExoRecipient {
            identity: Some("b".into()),
            recipient_type: Some("MailUser".into()),
            recipient_type_details: Some("MailUser".into()),
            previous_recipient_type_details: Some("UserMailbox".into()),
            exchange_guid: Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".parse().unwrap()),
            is_soft_deleted: true,
            ..ExoRecipient::default()
        },
        ExoRecipient::default(),
    ];
    let mut out = Vec::new();
    write_exo_recipients(&mut out, &all).unwrap();
    assert_eq!(read_exo_recipients(out.as_slice()).unwrap(), all);
}

#[test]
fn a_duplicate_key_is_an_error_in_every_snapshot_reader() {
    let e = users_err("[{\"id\":\"1\",\"mobilePhone\":\"+1 555\",\n\"MobilePhone\":\"+1 666\"}]");
    assert!(e.message.contains("duplicate key \"MobilePhone\""), "{e}");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.path.starts_with("$[0]"), "{e}");
    let e = users_err(r#"{"value":[],"value":[{"id":"1"}]}"#);
    assert!(e.message.contains("duplicate key"), "{e}");
    let e = users_err(r#"[{"id":"1","proxyAddresses":{"value":["a"],"value":["b"]}}]"#);
    assert!(e.message.contains("duplicate key"), "{e}");
    let e = exo_err(r#"[{"Identity":"a","PrimarySmtpAddress":"a@x","primarysmtpaddress":"b@x"}]"#);
    assert!(e.message.contains("duplicate key"), "{e}");
    let e = read_tenant_sync(r#"{"id":"a","ID":"b"}"#).unwrap_err();
    assert!(e.message.contains("duplicate key"), "{e}");
}

#[test]
fn a_nul_in_a_snapshot_value_is_an_error() {
    let e = users_err("[{\"id\":\"1\",\"mobilePhone\":\"+1 555\\u0000\"}]");
    assert!(e.message.contains("NUL"), "{e}");
    let e = users_err("[{\"id\":\"1\",\"proxyAddresses\":[\"smtp:a\\u0000@x\"]}]");
    assert!(e.message.contains("NUL"), "{e}");
}

#[test]
fn the_last_pages_next_link_tells_an_incomplete_export() {
    let read = |text: &str| read_users_each_str(text, |_| {}).unwrap();
    let complete = r#"[{"value":[{"id":"a"}],"@odata.nextLink":"n1"},{"value":[{"id":"b"}]}]"#;
    assert_eq!(read(complete).next_link, None);
    assert_eq!(read(complete).count, 2);
    let cut = r#"{"value":[{"id":"a"}],"@odata.nextLink":"n1"}{"@odata.nextLink":"n2","value":[{"id":"b"}]}"#;
    assert_eq!(read(cut).next_link.as_deref(), Some("n2"));
    let delta = r#"[{"value":[{"id":"a"}],"@odata.nextLink":"n1"},{"value":[{"id":"b","@removed":{"reason":"deleted"}}],"@odata.deltaLink":"d"}]"#;
    let d = read(delta);
    assert_eq!(
        (d.next_link, d.delta_link.as_deref(), d.count),
        (None, Some("d"), 1)
    );
    // A bare array has no paging annotation at all.
    assert_eq!(read(r#"[{"id":"a"}]"#).next_link, None);
}

#[test]
fn windows_powershell_dates_read_as_iso_8601() {
    for (text, iso) in [
        ("/Date(1700000000000)/", Some("2023-11-14T22:13:20Z")),
        ("/Date(1700000000000+0100)/", Some("2023-11-14T22:13:20Z")),
        ("/Date(-86400000)/", Some("1969-12-31T00:00:00Z")),
        ("/Date(951782400000)/", Some("2000-02-29T00:00:00Z")),
        ("2023-11-14T22:13:20Z", None),
        ("/Date(x)/", None),
    ] {
        assert_eq!(de::ms_date(text).as_deref(), iso, "{text}");
    }
}

/// The writer refuses, before writing a byte, what the reader would refuse: a license with an empty sku id
/// (once written and then unreadable), a user without an id, a NUL in a value; the error names the user and
/// the property.
#[test]
fn write_users_refuses_what_read_users_refuses_and_writes_nothing() {
    let mut users = generated(3);
    users[1].assigned_licenses.push(AssignedLicense {
        sku_id: String::new(),
        disabled_plans: Vec::new(),
    });
    let mut out = Vec::new();
    let e = write_users(&mut out, &users).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        e.to_string().contains("skuId") && e.to_string().contains(&users[1].id),
        "{e}"
    );
    assert!(out.is_empty());

    let mut users = generated(3);
    users[2].mobile_phone = Some("+1 206\0 555".into());
    let e = write_users(&mut out, &users).unwrap_err();
    assert!(
        e.to_string().contains("mobilePhone") && e.to_string().contains("NUL"),
        "{e}"
    );
    assert!(out.is_empty());

    let mut users = generated(3);
    users[0].id.clear();
    let e = write_users(&mut out, &users).unwrap_err();
    assert!(e.to_string().contains("user 1 of the list"), "{e}");
    assert!(out.is_empty());
}
