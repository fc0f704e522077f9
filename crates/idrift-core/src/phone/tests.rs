//! Tests of phone normalization: formats, extensions, the `00` prefix and regions.

use super::*;

fn us() -> PhoneOptions {
    PhoneOptions::with_region("US")
}

fn de() -> PhoneOptions {
    PhoneOptions::with_region("de")
}

#[test]
fn formats_with_country_code_need_no_region() {
    let none = PhoneOptions::default();
    for raw in [
        "+1 (803) 555-1212",
        "+1-803-555-1212",
        "+1.803.555.1212",
        "+18035551212",
        " +1 803 555 1212 ",
        "tel:+1-803-555-1212",
    ] {
        assert_eq!(
            normalize_e164(raw, &none).as_deref(),
            Some("+18035551212"),
            "{raw:?}"
        );
    }
}

#[test]
fn national_formats_use_the_default_region() {
    for raw in [
        "(803) 555-1212",
        "803-555-1212",
        "803 555 1212",
        "8035551212",
    ] {
        assert_eq!(
            normalize_e164(raw, &us()).as_deref(),
            Some("+18035551212"),
            "{raw:?}"
        );
    }
    assert_eq!(
        normalize_e164("030 1234567", &de()).as_deref(),
        Some("+49301234567")
    );
    assert_eq!(
        normalize_e164("0170/1234567", &de()).as_deref(),
        Some("+491701234567")
    );
    assert_eq!(
        normalize_e164("020 7946 0958", &PhoneOptions::with_region("GB")).as_deref(),
        Some("+442079460958")
    );
}

#[test]
fn no_country_code_and_no_region_is_unparsed() {
    assert_eq!(normalize_e164("8035551212", &PhoneOptions::default()), None);
    assert_eq!(
        normalize_e164("030 1234567", &PhoneOptions::default()),
        None
    );
}

#[test]
fn leading_00_is_the_international_prefix_in_any_region() {
    for opts in [PhoneOptions::default(), us(), de()] {
        assert_eq!(
            normalize_e164("0049 30 1234567", &opts).as_deref(),
            Some("+49301234567"),
            "{opts:?}"
        );
        assert_eq!(
            normalize_e164("00 49 30 1234567", &opts).as_deref(),
            Some("+49301234567"),
            "{opts:?}"
        );
    }
    // The US prefix 011 still works through the region's metadata.
    assert_eq!(
        normalize_e164("011 49 30 1234567", &us()).as_deref(),
        Some("+49301234567")
    );
}

#[test]
fn trunk_zero_in_parentheses_is_dropped() {
    let none = PhoneOptions::default();
    assert_eq!(
        normalize_e164("+49 (0)30 1234567", &none).as_deref(),
        Some("+49301234567")
    );
    assert_eq!(
        normalize_e164("+49 (0) 30 1234567", &none).as_deref(),
        Some("+49301234567")
    );
}

#[test]
fn extensions_are_kept() {
    for raw in [
        "+1 803 555 1212 ext. 12",
        "(803) 555-1212 x12",
        "+1-803-555-1212;ext=12",
    ] {
        assert_eq!(
            normalize_e164(raw, &us()).as_deref(),
            Some("+18035551212;ext=12"),
            "{raw:?}"
        );
    }
    assert!(!same_number("803-555-1212 x12", "803-555-1212 x13", &us()));
    assert!(!same_number("803-555-1212 x12", "803-555-1212", &us()));
    assert!(same_number(
        "803-555-1212 x12",
        "+1 (803) 555-1212 ext. 12",
        &us()
    ));
}

#[test]
fn garbage_is_none() {
    for raw in ["", "   ", "hello", "12", "n/a", "+", "00"] {
        assert_eq!(normalize_e164(raw, &us()), None, "{raw:?}");
    }
}

#[test]
fn unknown_region_behaves_like_none_and_fails_validation() {
    let bad = PhoneOptions::with_region("XX");
    assert_eq!(normalize_e164("8035551212", &bad), None);
    assert_eq!(
        normalize_e164("+18035551212", &bad).as_deref(),
        Some("+18035551212")
    );
    assert_eq!(bad.validate(), Err(UnknownRegion("XX".to_owned())));
    assert!(bad.validate().unwrap_err().to_string().contains("\"XX\""));
    assert_eq!(us().validate(), Ok(()));
    assert_eq!(de().validate(), Ok(()));
    assert_eq!(PhoneOptions::default().validate(), Ok(()));
}

#[test]
fn same_number_compares_texts_then_numbers() {
    let none = PhoneOptions::default();
    assert!(
        same_number("8035551212", "8035551212", &none),
        "equal texts need no parsing"
    );
    assert!(same_number(" 8035551212", "8035551212 ", &none));
    assert!(same_number("", "", &none));
    assert!(same_number("n/a", "n/a", &none), "equal unparseable texts");
    assert!(
        !same_number("n/a", "N/A", &none),
        "different unparseable texts"
    );
    assert!(
        !same_number("8035551212", "(803) 555-1212", &none),
        "no region, no country code"
    );
    assert!(same_number("8035551212", "(803) 555-1212", &us()));
    assert!(same_number("+1 803 555 1212", "(803) 555-1212", &us()));
    assert!(!same_number("+1 803 555 1212", "+1 803 555 1213", &us()));
    assert!(!same_number("8035551212", "", &us()));
    assert!(same_number("0049 30 1234567", "+49 (0)30 123 4567", &none));
    assert!(same_number("030 1234567", "+49 30 1234567", &de()));
    assert!(
        !same_number("030 1234567", "+49 30 1234567", &us()),
        "030... is not a German number in the US"
    );
}

#[test]
fn the_cache_agrees_with_same_number_and_parses_each_text_once() {
    let opts = PhoneOptions::with_region("US");
    let texts = [
        "+1 425 555 0100",
        " (425) 555-0100 ",
        "+14255550100",
        "+1 206 555 0100",
        "not a number",
        "",
        "+44 20 7946 0958",
        "020 7946 0958",
        "+1 425 555 0100 x12",
    ];
    let mut cache = E164Cache::new(&opts);
    for a in texts {
        for b in texts {
            assert_eq!(
                cache.same_number(a, b),
                same_number(a, b, &opts),
                "{a:?} vs {b:?}"
            );
            assert_eq!(
                cache.normalize(a).map(str::to_owned),
                normalize_e164(a, &opts)
            );
        }
    }
    // One entry per distinct trimmed text that differed from another, however often it was compared.
    let distinct: std::collections::HashSet<&str> = texts.iter().map(|t| t.trim()).collect();
    assert_eq!(cache.forms.len(), distinct.len());
}
