//! Tests of the CSV formula-injection guard.

use super::*;

#[test]
fn formula_starts_are_neutralised_and_phone_numbers_are_not() {
    for (v, out) in [
        (
            "=HYPERLINK(\"http://x\",\"y\")",
            "'=HYPERLINK(\"http://x\",\"y\")",
        ),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+", "'+"),
        ("-", "'-"),
        ("'=x", "''=x"),
        ("+1 555 0100", "+1 555 0100"),
        ("+44 (20) 7946-0958", "+44 (20) 7946-0958"),
        ("+1 555 0100 x23", "+1 555 0100 x23"),
        ("+1.555.0100;ext=7", "+1.555.0100;ext=7"),
        (
            "+1 617 555 0170;+1 617 555 0171",
            "+1 617 555 0170;+1 617 555 0171",
        ),
        ("+1 617 555 0170; 0171 555", "+1 617 555 0170; 0171 555"),
        (
            "+1 555 0100;=cmd|' /C calc'!A0",
            "'+1 555 0100;=cmd|' /C calc'!A0",
        ),
        ("+1 555 0100;+cmd", "'+1 555 0100;+cmd"),
        ("+1 555 0100;-5", "+1 555 0100;-5"),
        ("+1 555 0100;", "'+1 555 0100;"),
        ("-5", "-5"),
        ("ann@contoso.com", "ann@contoso.com"),
        ("'quoted", "'quoted"),
        ("", ""),
    ] {
        assert_eq!(neutralise(v), out, "{v:?}");
        assert_eq!(restore(&neutralise(v)), v, "{v:?}");
    }
}

#[test]
fn restore_removes_only_what_neutralise_added() {
    for (cell, v) in [
        ("'=x", "=x"),
        ("''=x", "'=x"),
        ("'+1 555", "'+1 555"),
        ("'abc", "'abc"),
        ("=x", "=x"),
    ] {
        assert_eq!(restore(cell), v, "{cell:?}");
    }
}

#[test]
fn cells_feed_a_csv_writer() {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(cells(["=1+1", "+1 555"])).unwrap();
    let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert_eq!(out, "'=1+1,+1 555\n");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Whatever the value, restore(neutralise(v)) is v, and the written cell never starts a formula.
    #[test]
    fn neutralise_then_restore_is_identity(v in "['=@+\\-\t\r]{0,3}[ -~]{0,12}") {
        let cell = neutralise(&v);
        proptest::prop_assert_eq!(restore(&cell), v.as_str());
        proptest::prop_assert!(!cell.starts_with(['=', '@', '\t', '\r']));
    }
}

/// The phone test before it stopped allocating: lower-cased copies, `rsplit_once` on them.
fn phone_shape_lowercased(rest: &str) -> bool {
    let lower = rest.to_ascii_lowercase();
    let main = ["x", "ext.", "ext"]
        .iter()
        .find_map(|sep| {
            let (head, tail) = lower.rsplit_once(sep)?;
            let tail = tail.trim();
            (!tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit())).then_some(head)
        })
        .unwrap_or(&lower);
    main.bytes().any(|b| b.is_ascii_digit())
        && main
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'-' | b'.' | b'/'))
}

#[test]
fn extensions_are_recognised_in_any_case() {
    for v in [
        "+1 555 0100 X12",
        "+1 555 0100 Ext.12",
        "+1 555 0100 EXT 12",
        "+1 555 0100;EXT=7",
        "+1 555 0100;Ext=7",
        "+1 555 0100 eXt.5",
    ] {
        assert_eq!(neutralise(v), v, "{v}");
    }
    for v in [
        "+1 555 0100 X",
        "+1 555 0100;EXT=",
        "+1 555 0100;EXT=a",
        "+1 E 5",
        "+Xx",
    ] {
        assert_eq!(neutralise(v), format!("'{v}"), "{v}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    #[test]
    fn phone_shape_matches_the_lowercased_reading(v in "[0-9 xXeEtT.=;()/+-]{0,16}|[^\\x00]{0,12}") {
        proptest::prop_assert_eq!(phone_shape(&v), phone_shape_lowercased(&v));
    }
}
