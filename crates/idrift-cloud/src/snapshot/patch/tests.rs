//! Tests of the in-place JSON editor: Graph pages, `Get-MgUser | ConvertTo-Json` output and the tenant sync
//! object keep every byte but the value written.

use serde_json::{Value, json};

use idrift_core::writes::ValueSpelling;

use super::{JsonEdit, append, patch, patch_by, remove, spellings};
use crate::snapshot::{read_tenant_sync, read_users};

/// A Graph page as an export script saves it: `@odata` keys, properties idrift does not model, nested
/// objects and arrays, two-space indentation and an escaped character.
const GRAPH: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
  "value": [
    {
      "id": "7f1c0a52-3b1e-4c55-9a0e-1d2b3c4d5e01",
      "userPrincipalName": "oskar.lindqvist@fabrikam.test",
      "displayName": "Oskar Lindqvist",
      "jobTitle": "Night shift lead \u2013 depot",
      "department": "Logistics",
      "onPremisesImmutableId": "8mQ3oFZbXkWcrg8pOmD0nQ==",
      "onPremisesSyncEnabled": true,
      "mobilePhone": "0701234567",
      "businessPhones": ["+46 40 555 0110"],
      "assignedLicenses": [{"skuId": "c7df2760-2c81-4ef7-b578-5b5392b571df", "disabledPlans": []}],
      "onPremisesExtensionAttributes": {"extensionAttribute1": "depot-7"}
    },
    {
      "id": "7F1C0A52-3B1E-4C55-9A0E-1D2B3C4D5E02",
      "userPrincipalName": "mira.holm@fabrikam.test",
      "displayName": "Mira Holm",
      "onPremisesSyncEnabled": null,
      "businessPhones": []
    }
  ]
}
"#;

const OSKAR: &str = "7f1c0a52-3b1e-4c55-9a0e-1d2b3c4d5e01";
const MIRA: &str = "7f1c0a52-3b1e-4c55-9a0e-1d2b3c4d5e02";

fn mobile(id: &str, value: Value) -> JsonEdit {
    JsonEdit {
        id: id.to_owned(),
        path: vec!["mobilePhone".to_owned()],
        value,
        spelling: None,
    }
}

#[test]
fn writing_a_property_changes_only_its_value_and_undo_restores_every_byte() {
    let out = patch(GRAPH.as_bytes(), &[mobile(OSKAR, json!("+46 70 555 0110"))]).unwrap();
    let expected = GRAPH.replace(
        r#""mobilePhone": "0701234567","#,
        r#""mobilePhone": "+46 70 555 0110","#,
    );
    assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
    let users = read_users(out.as_slice()).unwrap();
    assert_eq!(users[0].mobile_phone.as_deref(), Some("+46 70 555 0110"));

    let back = patch(&out, &[mobile(OSKAR, json!("0701234567"))]).unwrap();
    assert_eq!(back, GRAPH.as_bytes());
    let cleared = patch(GRAPH.as_bytes(), &[mobile(OSKAR, Value::Null)]).unwrap();
    assert_eq!(
        String::from_utf8(cleared).unwrap(),
        GRAPH.replace(r#""mobilePhone": "0701234567","#, r#""mobilePhone": null,"#)
    );
}

#[test]
fn an_absent_property_is_added_after_the_last_with_its_indentation() {
    let out = patch(GRAPH.as_bytes(), &[mobile(MIRA, json!("+46 70 555 0120"))]).unwrap();
    let expected = GRAPH.replace(
        "      \"businessPhones\": []\n    }",
        "      \"businessPhones\": [],\n      \"mobilePhone\": \"+46 70 555 0120\"\n    }",
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn the_same_value_and_no_edits_leave_the_bytes_alone() {
    let same = patch(GRAPH.as_bytes(), &[mobile(OSKAR, json!("0701234567"))]).unwrap();
    assert_eq!(same, GRAPH.as_bytes());
    assert_eq!(patch(GRAPH.as_bytes(), &[]).unwrap(), GRAPH.as_bytes());
}

#[test]
fn powershell_exports_keep_pascal_case_and_utf16() {
    let ps = "[\r\n    {\r\n        \"Id\":  \"u-1\",\r\n        \"DisplayName\":  \"Oskar\",\r\n        \"AdditionalProperties\":  {\r\n                                     \"id\":  \"not-it\"\r\n                                 }\r\n    }\r\n]";
    let out = patch(ps.as_bytes(), &[mobile("U-1", json!("+46 70 555 0110"))]).unwrap();
    let expected = ps.replace(
        "                                 }\r\n    }",
        "                                 },\r\n        \"MobilePhone\":  \"+46 70 555 0110\"\r\n    }",
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);

    let mut utf16 = vec![0xFF, 0xFE];
    for u in ps.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let out16 = patch(&utf16, &[mobile("u-1", json!("+46 70 555 0110"))]).unwrap();
    let mut want16 = vec![0xFF, 0xFE];
    for u in expected.encode_utf16() {
        want16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(out16, want16);
}

#[test]
fn the_tenant_switch_is_set_inside_features_and_nothing_else_moves() {
    let sync = r#"{"@odata.context":"x","value":[{"id":"sync-1","configuration":{"accidentalDeletionPrevention":{"alertThreshold":500}},"features":{"passwordSyncEnabled":true,"bypassDirSyncOverridesEnabled":false,"groupWriteBackEnabled":false}}]}"#;
    let edit = JsonEdit {
        id: "sync-1".to_owned(),
        path: vec![
            "features".to_owned(),
            "bypassDirSyncOverridesEnabled".to_owned(),
        ],
        value: json!(true),
        spelling: None,
    };
    let out = patch(sync.as_bytes(), std::slice::from_ref(&edit)).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        sync.replace(
            "\"bypassDirSyncOverridesEnabled\":false",
            "\"bypassDirSyncOverridesEnabled\":true"
        )
    );
    let read = read_tenant_sync(&text).unwrap().unwrap();
    assert!(read.features.bypass_dir_sync_overrides_enabled);

    let bare = r#"{"id":"sync-1"}"#;
    let err = patch(bare.as_bytes(), &[edit]).unwrap_err();
    assert!(err.message.contains("\"features\""), "{err}");
}

#[test]
fn an_unknown_id_and_broken_json_are_errors() {
    let err = patch(GRAPH.as_bytes(), &[mobile("nobody", json!("1"))]).unwrap_err();
    assert!(err.message.contains("nobody"), "{err}");
    let err = patch(b"{\"value\":[{\"id\":\"a\"", &[mobile("a", json!("1"))]).unwrap_err();
    assert!(!err.message.is_empty());
    let deep = "[".repeat(10_000);
    assert!(patch(deep.as_bytes(), &[]).is_err());
}

#[test]
fn removing_objects_keeps_every_other_byte_and_returns_them_as_they_were() {
    // The last element: the separator before it goes with it.
    let (out, removed) = remove(GRAPH.as_bytes(), None, &[MIRA.to_owned()]).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mira_start = GRAPH.find("    {\n      \"id\": \"7F1C").unwrap();
    let oskar_end = GRAPH[..mira_start].rfind('}').unwrap() + 1;
    let mira_end = GRAPH.rfind("}\n  ]").unwrap() + 1;
    assert_eq!(
        text,
        format!("{}{}", &GRAPH[..oskar_end], &GRAPH[mira_end..])
    );
    assert_eq!(
        removed,
        [GRAPH.as_bytes()[mira_start + 4..mira_end].to_vec()]
    );
    assert_eq!(read_users(text.as_bytes()).unwrap().len(), 1);
    // The first element: the separator after it goes with it.
    let (out, _) = remove(GRAPH.as_bytes(), None, &[OSKAR.to_owned()]).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        format!(
            "{}{}",
            &GRAPH[..GRAPH.find("    {").unwrap()],
            &GRAPH[mira_start..]
        )
    );
    // Both: an empty array; an unknown id is an error.
    let (out, removed) =
        remove(GRAPH.as_bytes(), None, &[OSKAR.to_owned(), MIRA.to_owned()]).unwrap();
    assert_eq!(removed.len(), 2);
    assert!(read_users(out.as_slice()).unwrap().is_empty());
    assert!(remove(GRAPH.as_bytes(), None, &["nobody".to_owned()]).is_err());
}

#[test]
fn appended_objects_keep_their_bytes_and_the_array_s_layout() {
    let (rest, removed) = remove(GRAPH.as_bytes(), None, &[MIRA.to_owned()]).unwrap();
    // Put back at the end of the array: the original bytes again.
    assert_eq!(append(&rest, &removed).unwrap(), GRAPH.as_bytes());
    // Into an empty array, a bare array, and an empty Graph page.
    for empty in ["[\n]\n", "[]", "{\"value\": []}"] {
        let out = append(empty.as_bytes(), &removed).unwrap();
        let users = read_users(out.as_slice()).unwrap();
        assert_eq!(users.len(), 1, "{empty}: {}", String::from_utf8_lossy(&out));
        assert_eq!(users[0].id.to_lowercase(), MIRA);
    }
    assert_eq!(
        append(b"[\n]\n", &removed).unwrap(),
        [b"[\n".as_slice(), &removed[0], b"\n]\n"].concat()
    );
    assert!(append(b"{\"a\": 1}", &removed).is_err());
}

#[test]
fn patch_by_finds_objects_by_another_key() {
    let exo = r#"[{"Identity": "a", "ExternalDirectoryObjectId": "X1", "IsDirSynced": true},
 {"Identity": "b", "ExternalDirectoryObjectId": "x2"}]"#;
    let edit = JsonEdit {
        id: "x1".to_owned(),
        path: vec!["IsSoftDeleted".to_owned()],
        value: json!(true),
        spelling: None,
    };
    let out = patch_by(
        exo.as_bytes(),
        "ExternalDirectoryObjectId",
        std::slice::from_ref(&edit),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        exo.replace(
            "\"IsDirSynced\": true}",
            "\"IsDirSynced\": true, \"IsSoftDeleted\": true}"
        )
    );
    // The id-keyed patch does not see it.
    assert!(patch(exo.as_bytes(), &[edit]).is_err());
}

/// A value a file spelled otherwise than `serde_json` (an escape), or a property it lacked, comes back byte
/// for byte when the edit carries the spelling [`spellings`] found: the text verbatim, the property removed
/// (after the last property, before others, or as the only one). Without it (before), undo wrote
/// `serde_json`'s form and left `"mobilePhone": null` behind.
#[test]
fn spelled_values_and_absent_properties_come_back_byte_for_byte() {
    let text = r#"{"value": [
  {"id": "a", "userPrincipalName": "a@x.test", "mobilePhone": "+46\u002070 555 0110"},
  {"id": "b", "userPrincipalName": "b@x.test"},
  {"id": "c"},
  {"id": "d", "mobilePhone": "+46 70 555 0111", "officeLocation": "Lund"}
]}
"#;
    let found = spellings(text.as_bytes(), "mobilePhone").unwrap();
    assert_eq!(
        found.get("a"),
        Some(&ValueSpelling::Text(r#""+46\u002070 555 0110""#.to_owned()))
    );
    assert_eq!(found.get("b"), Some(&ValueSpelling::Absent));
    assert_eq!(found.get("c"), Some(&ValueSpelling::Absent));
    assert_eq!(found.get("d"), None, "serde_json's form needs no spelling");
    let edit = |id: &str, value: Value, spelling: Option<ValueSpelling>| JsonEdit {
        spelling,
        ..JsonEdit::new(id, &["mobilePhone"], value)
    };
    let changed = patch(
        text.as_bytes(),
        &[
            edit("a", json!(null), None),
            edit("b", json!("+1 555 0100"), None),
            edit("c", json!("+1 555 0101"), None),
        ],
    )
    .unwrap();
    let changed = String::from_utf8(changed).unwrap();
    assert!(
        changed.contains(r#""userPrincipalName": "b@x.test", "mobilePhone": "+1 555 0100"}"#),
        "{changed}"
    );
    assert!(
        changed.contains(r#"{"id": "c","mobilePhone": "+1 555 0101"}"#),
        "{changed}"
    );
    let back = |with: bool| {
        let s = |id: &str| if with { found.get(id).cloned() } else { None };
        String::from_utf8(
            patch(
                changed.as_bytes(),
                &[
                    edit("a", json!("+46 70 555 0110"), s("a")),
                    edit("b", json!(null), s("b")),
                    edit("c", json!(null), s("c")),
                ],
            )
            .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(back(true), text);
    assert_ne!(back(false), text);
    // A property first in its object goes with the separator after it.
    let first = r#"[{"mobilePhone": "1", "id": "e", "x": 1}]"#;
    let out = patch(
        first.as_bytes(),
        &[edit("e", json!(null), Some(ValueSpelling::Absent))],
    )
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), r#"[{"id": "e", "x": 1}]"#);
    // A spelling that does not mean the value written is not used: the value wins.
    let out = patch(
        text.as_bytes(),
        &[edit("a", json!("+46 70 555 0119"), found.get("a").cloned())],
    )
    .unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains(r#""mobilePhone": "+46 70 555 0119""#)
    );
    // Absent, but a value is written: the value is written.
    let out = patch(
        text.as_bytes(),
        &[edit("b", json!("2"), Some(ValueSpelling::Absent))],
    )
    .unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains(r#""b@x.test", "mobilePhone": "2"}"#)
    );
}
