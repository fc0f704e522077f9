//! Tests of the strict-reading checks.

use super::*;

#[test]
fn a_duplicate_key_is_an_error_naming_its_path_and_line() {
    let text = "[{\"a\":1},\n {\"b\":{\"c\":1,\n \"c\":2}}]";
    let e = check_json(text).unwrap_err();
    assert_eq!(e.path, "$[1].b", "{e}");
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("duplicate key \"c\""), "{e}");
    // Keys differing in case are distinct for this (case-sensitive) check.
    assert!(check_json(r#"{"c":1,"C":2}"#).is_ok());
}

#[test]
fn a_nul_in_a_string_is_an_error() {
    let e = check_json("{\"x\":[\"ok\",\n\"a\\u0000b\"]}").unwrap_err();
    assert_eq!(e.path, "$.x[1]", "{e}");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("NUL"), "{e}");
}

#[test]
fn clean_and_malformed_texts_pass_to_their_reader() {
    assert!(check_json(r#"{"a":[1,2,{"b":null}],"c":"d"} {"a":2}"#).is_ok());
    // Not JSON: the reader reports it in its own words.
    assert!(check_json("{\"a\":").is_ok());
    assert!(check_json("").is_ok());
}

#[test]
fn deep_nesting_is_bounded() {
    // serde_json's recursion limit stops the walk: no stack overflow, no error of ours.
    let deep = "[".repeat(100_000);
    assert!(check_json(&deep).is_ok());
}

#[test]
fn unique_keys_folds_case_when_asked() {
    use serde::de::IgnoredAny;
    struct Folded;
    impl<'de> serde::Deserialize<'de> for Folded {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Folded;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a map")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Folded, A::Error> {
                    let mut map = UniqueKeys::new(map, true);
                    while map.next_key::<String>()?.is_some() {
                        map.next_value::<IgnoredAny>()?;
                    }
                    Ok(Folded)
                }
            }
            d.deserialize_map(V)
        }
    }
    assert!(serde_json::from_str::<Folded>(r#"{"mobilePhone":"1","id":"x"}"#).is_ok());
    let e = serde_json::from_str::<Folded>(r#"{"mobilePhone":"1","MobilePhone":"2"}"#)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("duplicate key \"MobilePhone\""), "{e}");
    // An escaped key (not borrowed from the input) is compared like any other.
    let e = serde_json::from_str::<Folded>(r#"{"mobilePhone":"1","Mobile\u0050hone":"2"}"#)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("duplicate key \"MobilePhone\""), "{e}");
    // Past the keys compared one by one, a hash set: a repeat of the first key, or of the last, found.
    let keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
    let many = format!("{{{}}}", keys.join(","));
    assert!(serde_json::from_str::<Folded>(&many).is_ok());
    for repeat in ["K0", "k31", "k32", "K99"] {
        let text = format!("{{{},\"{repeat}\":0}}", keys.join(","));
        let e = serde_json::from_str::<Folded>(&text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains(&format!("duplicate key \"{repeat}\"")),
            "{repeat}: {e}"
        );
    }
    // Through a reader (keys copied, never borrowed): the same.
    let e = serde_json::from_reader::<_, Folded>(r#"{"a":1,"b":2,"A":3}"#.as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("duplicate key \"A\""), "{e}");
}

#[test]
fn nul_lines_and_duplicate_headers() {
    assert_eq!(nul_line("a\nb\nc\0d"), Some(3));
    assert_eq!(nul_line("\0"), Some(1));
    assert_eq!(nul_line("clean\n"), None);
    assert_eq!(duplicate_header(["A", "b", " a "]), Some(" a "));
    assert_eq!(duplicate_header(["A", "b"]), None);
}

#[test]
fn migration_reports_refuse_duplicate_keys_and_nul() {
    use crate::migration::{InputFormat, MigrationError, parse};
    let json = "[{\"DisplayName\":\"a\",\n\"DisplayName\":\"b\"}]";
    let e = parse(json, InputFormat::Json).unwrap_err();
    assert!(
        matches!(&e, MigrationError::Field { line: Some(2), message, .. } if message.contains("duplicate key")),
        "{e}"
    );
    let e = parse("[{\"DisplayName\":\"a\\u0000\"}]", InputFormat::Json).unwrap_err();
    assert!(e.to_string().contains("NUL"), "{e}");
    let raw = "DisplayName : a\nStatus : Completed\0\n";
    let e = parse(raw, InputFormat::FormatList).unwrap_err();
    assert!(matches!(e, MigrationError::Syntax { line: 2, .. }), "{e}");
    let clixml = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n<Obj RefId=\"0\"><MS>\n<S N=\"DisplayName\">a_x0000_b</S>\n</MS></Obj></Objs>";
    let e = parse(clixml, InputFormat::Clixml).unwrap_err();
    assert!(
        matches!(&e, MigrationError::Syntax { line: 3, message, .. } if message.contains("NUL")),
        "{e}"
    );
    let entity = clixml.replace("a_x0000_b", "a&#0;b");
    // XML itself refuses the character reference.
    assert!(parse(&entity, InputFormat::Clixml).is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Arbitrary text never panics the JSON check or the migration readers.
    #[test]
    fn readers_never_panic_on_arbitrary_text(text in "\\PC{0,64}", bytes in proptest::collection::vec(0u8..=255, 0..64)) {
        let _ = check_json(&text);
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = check_json(&lossy);
        let _ = crate::migration::parse_auto(&text);
        let _ = crate::migration::parse_auto(&lossy);
    }
}
