//! Tests of the shared text decoder: every encoding Windows tools write.

use std::borrow::Cow;

use super::{TextEncoding, decode, decode_vec};

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom
        .then_some(0xFEFF_u16)
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

const TEXT: &str = "dn: CN=Zoë Müller,OU=Zürich\r\nsn: Müller – Ærø €\r\n";

#[test]
fn utf8_without_a_mark_is_borrowed() {
    let (text, enc) = decode(TEXT.as_bytes()).unwrap();
    assert!(matches!(text, Cow::Borrowed(_)));
    assert_eq!((text.as_ref(), enc), (TEXT, TextEncoding::Utf8));
}

#[test]
fn utf8_with_a_mark_loses_the_mark() {
    let bytes = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
    let (text, enc) = decode(&bytes).unwrap();
    assert_eq!((text.as_ref(), enc), (TEXT, TextEncoding::Utf8Bom));
    let owned = decode_vec(bytes).unwrap();
    assert_eq!(owned.text(), TEXT);
    assert_eq!(owned.encoding(), TextEncoding::Utf8Bom);
    assert_eq!(owned.into_string(), TEXT);
}

#[test]
fn utf16_both_orders_with_and_without_a_mark() {
    for (big, bom, want) in [
        (false, true, TextEncoding::Utf16Le),
        (true, true, TextEncoding::Utf16Be),
        (false, false, TextEncoding::Utf16Le),
        (true, false, TextEncoding::Utf16Be),
    ] {
        let bytes = utf16(TEXT, big, bom);
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!((text.as_ref(), enc), (TEXT, want), "big {big} bom {bom}");
        let owned = decode_vec(bytes).unwrap();
        assert_eq!((owned.text(), owned.encoding()), (TEXT, want));
    }
}

#[test]
fn utf16_surrogate_pairs_are_decoded() {
    let bytes = utf16("名前 😀\n", false, true);
    assert_eq!(decode(&bytes).unwrap().0, "名前 😀\n");
}

#[test]
fn windows_1252_when_not_utf8_and_no_mark() {
    // "Zoë Müller – €" in Windows-1252.
    let bytes = b"sn: Zo\xEB M\xFCller \x96 \x80\n";
    let (text, enc) = decode(bytes).unwrap();
    assert_eq!(
        (text.as_ref(), enc),
        ("sn: Zoë Müller – €\n", TextEncoding::Windows1252)
    );
    let owned = decode_vec(bytes.to_vec()).unwrap();
    assert_eq!(owned.text(), "sn: Zoë Müller – €\n");
    assert_eq!(owned.encoding(), TextEncoding::Windows1252);
}

#[test]
fn invalid_utf8_after_a_utf8_mark_is_an_error() {
    let e = decode(b"\xEF\xBB\xBFab\xFFc").unwrap_err();
    assert_eq!(e.offset, 5);
    assert!(e.message.contains("byte-order mark"), "{e}");
    assert_eq!(decode_vec(b"\xEF\xBB\xBFab\xFFc".to_vec()).unwrap_err(), e);
}

#[test]
fn odd_length_utf16_is_an_error() {
    let mut bytes = utf16("abc", false, true);
    bytes.push(b'x');
    let e = decode(&bytes).unwrap_err();
    assert!(e.message.contains("odd number of bytes (9)"), "{e}");
}

#[test]
fn an_unpaired_surrogate_names_its_offset_and_line() {
    let mut bytes = utf16("a\nb", false, true);
    bytes.extend_from_slice(&0xD800_u16.to_le_bytes());
    bytes.extend_from_slice(&u16::from(b'c').to_le_bytes());
    let e = decode(&bytes).unwrap_err();
    assert_eq!(e.offset, 8);
    assert!(e.message.contains("line 2"), "{e}");
}

#[test]
fn empty_input_is_empty_utf8() {
    assert_eq!(
        decode(b"").unwrap(),
        (Cow::Borrowed(""), TextEncoding::Utf8)
    );
    assert_eq!(decode_vec(Vec::new()).unwrap().text(), "");
}
