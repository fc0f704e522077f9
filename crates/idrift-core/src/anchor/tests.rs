//! Tests of the anchor codecs against every published vector of hybrid-identity.md §4.4–4.6, both ways,
//! and against malformed input.

use super::*;

fn guid(s: &str) -> Guid {
    s.parse().unwrap()
}

/// (ImmutableId, GUID) pairs: §4.5 (ADSyncTools doc example, its computed counterpart, a computed vector,
/// the Samba `objectGUID`) and §4.4 (`msExchMailboxGuid`, same byte layout).
const IMMUTABLE_ID_VECTORS: &[(&str, &str)] = &[
    (
        "iGhmiAEBERG7uxI0VniQqw==",
        "88666888-0101-1111-bbbb-1234567890ab",
    ),
    (
        "iIiIiAEBMzPMzBI0VniQzQ==",
        "88888888-0101-3333-cccc-1234567890cd",
    ),
    (
        "QF5HMK7n80qvdYsUPIHa9Q==",
        "30475e40-e7ae-4af3-af75-8b143c81daf5",
    ),
    (
        "xj0gzuWsYEio25QY44RFDA==",
        "ce203dc6-ace5-4860-a8db-9418e384450c",
    ),
    (
        "PC0eD1pLeGmHlqW0w9Lh8A==",
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    ),
];

#[test]
fn immutable_id_vectors_both_directions() {
    for &(id, g) in IMMUTABLE_ID_VECTORS {
        assert_eq!(immutable_id_from_guid(&guid(g)), id, "encoding {g}");
        assert_eq!(
            guid_from_immutable_id(id).unwrap(),
            guid(g),
            "decoding {id}"
        );
        assert_eq!(
            guid_from_immutable_id_fast(id),
            Some(guid(g)),
            "fast decoding {id}"
        );
    }
}

#[test]
fn samba_vector_gives_the_published_ldap_filter_bytes() {
    let g = guid_from_immutable_id("xj0gzuWsYEio25QY44RFDA==").unwrap();
    assert_eq!(
        g.ldap_filter_value(),
        r"\c6\3d\20\ce\e5\ac\60\48\a8\db\94\18\e3\84\45\0c"
    );
}

#[test]
fn immutable_id_accepts_missing_padding_and_whitespace() {
    let expected = guid("30475e40-e7ae-4af3-af75-8b143c81daf5");
    for text in [
        "QF5HMK7n80qvdYsUPIHa9Q",
        "QF5HMK7n80qvdYsUPIHa9Q=",
        " QF5HMK7n80qvdYsUPIHa9Q==\n",
        "\tQF5HMK7n80qvdYsUPIHa9Q ",
    ] {
        assert_eq!(guid_from_immutable_id(text).unwrap(), expected, "{text:?}");
        assert_eq!(
            guid_from_immutable_id_fast(text),
            Some(expected),
            "{text:?}"
        );
    }
}

#[test]
fn immutable_id_rejects_bad_base64() {
    for bad in [
        "QF5HMK7n80qvdYsUPIHa9Q=!",
        "QF5HMK7n80qv$YsUPIHa9Q==",
        "QF5HMK7n80qv_YsUPIHa9Q==",
        "====",
    ] {
        let err = guid_from_immutable_id(bad).unwrap_err();
        assert!(
            matches!(err, AnchorError::ImmutableIdBase64 { .. }),
            "{bad:?}: {err:?}"
        );
        assert!(
            err.to_string().contains(bad),
            "message names the value: {err}"
        );
        assert_eq!(guid_from_immutable_id_fast(bad), None, "{bad:?}");
    }
}

#[test]
fn immutable_id_rejects_wrong_lengths() {
    // 12 bytes, 15 bytes, 17 bytes, and an empty text.
    for (bad, len) in [
        ("AAAAAAAAAAAAAAAA", 12),
        ("AAAAAAAAAAAAAAAAAAAA", 15),
        ("AAAAAAAAAAAAAAAAAAAAAAA=", 17),
        ("", 0),
    ] {
        let err = guid_from_immutable_id(bad).unwrap_err();
        assert_eq!(
            err,
            AnchorError::ImmutableIdLength {
                value: bad.to_owned(),
                len
            },
            "{bad:?}"
        );
        assert_eq!(guid_from_immutable_id_fast(bad), None, "{bad:?}");
    }
    let msg = guid_from_immutable_id("AAAAAAAAAAAAAAAA")
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "ImmutableId \"AAAAAAAAAAAAAAAA\" decodes to 12 bytes; a GUID source anchor is 16 bytes"
    );
}

#[test]
fn error_messages_shorten_huge_values() {
    let huge = "A".repeat(10_000);
    let msg = guid_from_immutable_id(&huge).unwrap_err().to_string();
    assert!(msg.len() < 300, "{msg}");
    assert!(msg.contains('…'));
}

const DN_VECTOR: (&str, &str) = (
    "QF5HMK7n80qvdYsUPIHa9Q==",
    "CN={514635484D4B376E38307176645973555049486139513D3D}",
);

/// A published vector checked both ways: `encode(plain)` is `encoded`, `decode(encoded)` is `plain`.
#[track_caller]
fn assert_vector(
    encode: fn(&str) -> String,
    decode: fn(&str) -> Result<String, AnchorError>,
    (plain, encoded): (&str, &str),
) {
    assert_eq!(encode(plain), encoded);
    assert_eq!(decode(encoded).as_deref(), Ok(plain));
}

#[test]
fn connector_space_dn_vector_both_directions() {
    assert_vector(
        connector_space_dn,
        immutable_id_from_connector_space_dn,
        DN_VECTOR,
    );
}

#[test]
fn connector_space_dn_accepts_lower_case() {
    let (id, dn) = DN_VECTOR;
    assert_eq!(
        immutable_id_from_connector_space_dn(&dn.to_ascii_lowercase()).unwrap(),
        id
    );
    assert_eq!(
        immutable_id_from_connector_space_dn(&format!("  {dn} ")).unwrap(),
        id
    );
}

#[test]
fn connector_space_dn_round_trips_every_immutable_id_vector() {
    for &(id, _) in IMMUTABLE_ID_VECTORS {
        assert_eq!(
            immutable_id_from_connector_space_dn(&connector_space_dn(id)).unwrap(),
            id
        );
    }
}

#[test]
fn connector_space_dn_rejects_missing_braces_and_prefix() {
    for bad in [
        "CN=514635484D4B376E38307176645973555049486139513D3D",
        "CN={514635484D4B376E38307176645973555049486139513D3D",
        "CN=514635484D4B376E38307176645973555049486139513D3D}",
        "OU={514635484D4B376E38307176645973555049486139513D3D}",
        "{514635484D4B376E38307176645973555049486139513D3D}",
        "CN={}",
        "",
        "é",
    ] {
        let err = immutable_id_from_connector_space_dn(bad).unwrap_err();
        assert_eq!(
            err,
            AnchorError::DnShape {
                value: bad.to_owned()
            },
            "{bad:?}"
        );
    }
}

#[test]
fn connector_space_dn_rejects_odd_and_non_hex_digits() {
    let odd = "CN={514635484D4B376E38307176645973555049486139513D3}";
    let non_hex = "CN={5146354G}";
    let cases = [
        (
            odd,
            AnchorError::DnOddHex {
                value: odd.to_owned(),
                digits: 47,
            },
        ),
        (
            non_hex,
            AnchorError::DnNotHex {
                value: non_hex.to_owned(),
                found: 'G',
                position: 7,
            },
        ),
    ];
    for (bad, expected) in cases {
        assert_eq!(
            immutable_id_from_connector_space_dn(bad),
            Err(expected),
            "{bad}"
        );
    }
    let err = immutable_id_from_connector_space_dn(odd).unwrap_err();
    assert!(err.to_string().contains("odd number (47)"), "{err}");
}

#[test]
fn connector_space_dn_rejects_bytes_that_are_not_base64_text() {
    // 0xFF is not ASCII; "!!" is ASCII but not base64.
    for bad in ["CN={FF00}", "CN={2121}"] {
        let err = immutable_id_from_connector_space_dn(bad).unwrap_err();
        assert!(
            matches!(err, AnchorError::DnNotImmutableId { .. }),
            "{bad:?}: {err:?}"
        );
    }
}

const CLOUD_ANCHOR_VECTOR: (&str, &str) = (
    "c72903ed-7816-41cd-9066-eac33d171d77",
    "VAAAAFUAcwBlAHIAXwBjADcAMgA5ADAAMwBlAGQALQA3ADgAMQA2AC0ANAAxAGMAZAAtADkAMAA2ADYALQBlAGEAYwAzADMAZAAxADcAMQBkADcANwAAAA==",
);

#[test]
fn cloud_anchor_vector_both_directions() {
    assert_vector(
        cloud_anchor,
        object_id_from_cloud_anchor,
        CLOUD_ANCHOR_VECTOR,
    );
}

#[test]
fn cloud_anchor_length_prefix_counts_string_bytes_with_terminator() {
    let (id, b64) = CLOUD_ANCHOR_VECTOR;
    let blob = STANDARD.decode(cloud_anchor(id)).unwrap();
    assert_eq!(&blob[..4], &84u32.to_le_bytes());
    assert_eq!(blob.len(), 4 + 84);
    assert_eq!(&blob[blob.len() - 2..], &[0, 0]);
    assert_eq!(STANDARD.decode(b64).unwrap(), blob);
}

#[test]
fn cloud_anchor_round_trips_non_ascii() {
    let id = "ünïcødé-𝄞";
    assert_eq!(object_id_from_cloud_anchor(&cloud_anchor(id)).unwrap(), id);
}

fn encode_blob(declared: u32, units: &[u16]) -> String {
    let mut blob = declared.to_le_bytes().to_vec();
    for u in units {
        blob.extend_from_slice(&u.to_le_bytes());
    }
    STANDARD.encode(blob)
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[test]
fn cloud_anchor_rejects_bad_base64() {
    let err = object_id_from_cloud_anchor("VAAA*AFUA").unwrap_err();
    assert!(
        matches!(err, AnchorError::CloudAnchorBase64 { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("CloudAnchor \"VAAA*AFUA\" is not valid base64"),
        "{err}"
    );
}

#[test]
fn cloud_anchor_rejects_truncated_length_prefix() {
    for (bad, len) in [("", 0), ("VA==", 1), ("VAAA", 3)] {
        let err = object_id_from_cloud_anchor(bad).unwrap_err();
        assert_eq!(
            err,
            AnchorError::CloudAnchorTruncatedPrefix {
                value: bad.to_owned(),
                len
            },
            "{bad:?}"
        );
    }
}

#[test]
fn cloud_anchor_rejects_length_mismatch() {
    let mut units = utf16("User_abc");
    units.push(0);
    let too_long = encode_blob(100, &units);
    let err = object_id_from_cloud_anchor(&too_long).unwrap_err();
    assert_eq!(
        err,
        AnchorError::CloudAnchorLengthMismatch {
            value: too_long,
            declared: 100,
            actual: 18
        }
    );
    // The published vector with its last code unit cut off.
    let (_, b64) = CLOUD_ANCHOR_VECTOR;
    let mut blob = STANDARD.decode(b64).unwrap();
    blob.truncate(blob.len() - 2);
    let cut = STANDARD.encode(&blob);
    assert!(matches!(
        object_id_from_cloud_anchor(&cut),
        Err(AnchorError::CloudAnchorLengthMismatch {
            declared: 84,
            actual: 82,
            ..
        })
    ));
}

#[test]
fn cloud_anchor_rejects_odd_bytes_missing_nul_and_bad_utf16() {
    let mut odd = 3u32.to_le_bytes().to_vec();
    odd.extend_from_slice(&[b'U', 0, 0]);
    let odd = STANDARD.encode(odd);
    assert!(matches!(
        object_id_from_cloud_anchor(&odd),
        Err(AnchorError::CloudAnchorText { .. })
    ));

    let no_nul = encode_blob(16, &utf16("User_abc"));
    let lone_surrogate = encode_blob(4, &[0xD800, 0]);
    for (value, reason) in [
        (no_nul, "the NUL terminator is missing"),
        (lone_surrogate, "invalid UTF-16"),
    ] {
        let found = object_id_from_cloud_anchor(&value);
        assert_eq!(found, Err(AnchorError::CloudAnchorText { value, reason }));
    }

    let empty = encode_blob(0, &[]);
    assert!(matches!(
        object_id_from_cloud_anchor(&empty),
        Err(AnchorError::CloudAnchorText { .. })
    ));
}

#[test]
fn cloud_anchor_rejects_other_object_kinds_and_empty_ids() {
    for text in [
        "Group_c72903ed-7816-41cd-9066-eac33d171d77",
        "User_",
        "user_abc",
        "User_a\0b",
    ] {
        let mut units = utf16(text);
        units.push(0);
        let b64 = encode_blob(u32::try_from(units.len() * 2).unwrap(), &units);
        let err = object_id_from_cloud_anchor(&b64).unwrap_err();
        assert_eq!(
            err,
            AnchorError::CloudAnchorNotUser {
                value: b64,
                text: text.to_owned()
            },
            "{text:?}"
        );
    }
}

#[test]
fn fast_decoder_agrees_with_the_checked_one() {
    let mut inputs: Vec<String> = IMMUTABLE_ID_VECTORS
        .iter()
        .map(|(id, _)| (*id).to_owned())
        .collect();
    for id in IMMUTABLE_ID_VECTORS.iter().map(|(id, _)| *id) {
        inputs.push(id.trim_end_matches('=').to_owned());
        inputs.push(id[..23].to_owned());
        inputs.push(format!("{id}="));
        inputs.push(format!("  {id}\t"));
        inputs.push(id.replace('A', " "));
        inputs.push(id[1..].to_owned());
        inputs.push(format!("A{id}"));
    }
    // Non-zero trailing bits: the last symbol of a 16-byte value carries 4 unused bits.
    inputs.push("QF5HMK7n80qvdYsUPIHa9R==".to_owned());
    inputs.extend(
        [
            "",
            "=",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAAAAA",
        ]
        .map(str::to_owned),
    );
    for input in &inputs {
        assert_eq!(
            guid_from_immutable_id_fast(input),
            guid_from_immutable_id(input).ok(),
            "{input:?}"
        );
    }
}

#[test]
fn mailbox_guid_vector_bytes() {
    // §4.4: bytes 3c2d1e0f5a4b78698796a5b4c3d2e1f0 = base64 PC0eD1pLeGmHlqW0w9Lh8A== = GUID 0f1e2d3c-….
    let g = guid_from_immutable_id("PC0eD1pLeGmHlqW0w9Lh8A==").unwrap();
    let hex: String = g.to_bytes_le().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "3c2d1e0f5a4b78698796a5b4c3d2e1f0");
    assert_eq!(g, guid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
}

#[test]
fn custom_anchor_warning_counts_immutable_ids_that_are_not_guids() {
    let guid = "iGhmiAEBERG7uxI0VniQqw==";
    assert_eq!(
        custom_anchor_warning([guid, guid, "E1001"].into_iter()),
        None
    );
    assert_eq!(custom_anchor_warning(std::iter::empty()), None);
    let w = custom_anchor_warning(["E1001", "E1002", guid].into_iter()).unwrap();
    assert!(w.starts_with("2 of 3 cloud users"), "{w}");
    assert!(w.contains("custom source anchor"), "{w}");
}
