//! Tests of the GUID byte orders against the vectors in the hybrid identity reference.

use super::*;

#[test]
fn samba_object_guid_vector() {
    // objectGUID:: xj0gzuWsYEio25QY44RFDA== is ce203dc6-ace5-4860-a8db-9418e384450c.
    let le = [
        0xc6, 0x3d, 0x20, 0xce, 0xe5, 0xac, 0x60, 0x48, 0xa8, 0xdb, 0x94, 0x18, 0xe3, 0x84, 0x45,
        0x0c,
    ];
    let g = Guid::from_bytes_le(le);
    assert_eq!(g.to_string(), "ce203dc6-ace5-4860-a8db-9418e384450c");
    assert_eq!(g.to_bytes_le(), le);
    assert_eq!(
        g.ldap_filter_value(),
        r"\c6\3d\20\ce\e5\ac\60\48\a8\db\94\18\e3\84\45\0c"
    );
}

#[test]
fn parses_braces_and_upper_case() {
    let g: Guid = "{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}".parse().unwrap();
    assert_eq!(g.to_string(), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    assert!("0f1e2d3c4b5a69788796a5b4c3d2e1f0".parse::<Guid>().is_ok());
}

#[test]
fn rejects_bad_text_and_lengths() {
    assert!("not-a-guid".parse::<Guid>().is_err());
    assert!(
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fz"
            .parse::<Guid>()
            .is_err()
    );
    assert!(
        "0f1e2d3c+4b5a-6978-8796-a5b4c3d2e1f0"
            .parse::<Guid>()
            .is_err()
    );
    assert_eq!(Guid::from_slice_le(&[1, 2, 3]), Err(GuidError::Length(3)));
}

#[test]
fn nil() {
    assert!(Guid::NIL.is_nil());
    assert_eq!(
        Guid::NIL.to_string(),
        "00000000-0000-0000-0000-000000000000"
    );
}
