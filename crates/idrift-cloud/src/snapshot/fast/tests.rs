//! The byte-scanning user reader against the serde reading of the same object ([`ItemSeed`] of
//! [`CloudUser`], and of [`LeanUser`] for the lean reading): wherever it gives a user, serde gives the same
//! user and ends at the same byte; what it is not sure of, it leaves to serde.

use std::cell::Cell;
use std::marker::PhantomData;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::{Deserialize, DeserializeSeed, Deserializer};

use super::super::de::{Item, ItemSeed, Tracker};
use super::*;

/// One item read by serde as the block reader's fallback reads it.
struct Serde<T>(Option<T>);

impl<'de, T: Item> Deserialize<'de> for Serde<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = Tracker::default();
        ItemSeed::<T>(PhantomData, &t).deserialize(d).map(Serde)
    }
}

/// The two readings: every property, or the comparison's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Full,
    Lean,
}

fn first<T: Item>(data: &[u8]) -> Result<(Option<T>, usize), String> {
    let mut s = serde_json::Deserializer::from_slice(data).into_iter::<Serde<T>>();
    match s.next() {
        Some(Ok(Serde(u))) => Ok((u, s.byte_offset())),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("no value".to_owned()),
    }
}

/// What serde gives for the object at the start of `data`: the user (`None`: dropped) and the offset just
/// after it.
fn serde_as(mode: Mode, data: &[u8]) -> Result<(Option<CloudUser>, usize), String> {
    match mode {
        Mode::Full => first::<CloudUser>(data),
        Mode::Lean => first::<LeanUser>(data).map(|(u, end)| (u.map(|u| u.0), end)),
    }
}

fn serde(data: &[u8]) -> Result<(Option<CloudUser>, usize), String> {
    serde_as(Mode::Lean, data)
}

fn fast_as(mode: Mode, data: &[u8]) -> Option<(CloudUser, usize)> {
    match mode {
        Mode::Full => full_user(data, 0).ok(),
        Mode::Lean => lean_user(data, 0).ok().map(|(u, end)| (u.0, end)),
    }
}

fn fast(data: &[u8]) -> Option<(CloudUser, usize)> {
    fast_as(Mode::Lean, data)
}

/// The property: a user from this path is serde's user, ending where serde ends. Text that is not UTF-8 is
/// refused by the block reader's check of the whole run, whatever either reader says.
fn agrees(mode: Mode, data: &[u8]) -> Result<bool, TestCaseError> {
    let Some((user, end)) = fast_as(mode, data) else {
        return Ok(false);
    };
    if std::str::from_utf8(&data[..end]).is_err() {
        return Ok(true);
    }
    match serde_as(mode, data) {
        Ok((Some(want), want_end)) => {
            prop_assert_eq!(
                &user,
                &want,
                "{:?}: {}",
                mode,
                String::from_utf8_lossy(data)
            );
            prop_assert_eq!(
                end,
                want_end,
                "{:?}: {}",
                mode,
                String::from_utf8_lossy(data)
            );
        }
        other => {
            return Err(TestCaseError::fail(format!(
                "the {mode:?} scan read {user:?} where serde gives {other:?}: {}",
                String::from_utf8_lossy(data)
            )));
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------------------
// Generated objects

fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => Just(""),
        1 => Just(" "),
        1 => Just("\n    "),
        1 => Just("\t"),
        1 => Just("\r\n"),
    ]
}

/// Pieces of string literals, valid and not: escapes of every kind, surrogate pairs and lone surrogates,
/// NUL, control characters, quotes that end the string early, PowerShell's depth-cut texts.
const FRAGMENTS: &[&str] = &[
    "",
    "a",
    "Zoë",
    "😀",
    "SMTP:a@contoso.com",
    "smtp:b@contoso.com",
    "+1 425 555 0100",
    "\\\"",
    "\\\\",
    "\\/",
    "\\b\\f\\n\\r\\t",
    "\\u00e9",
    "\\u00E9",
    "\\u0000",
    "\\u002b",
    "\\ud83d\\ude00",
    "\\uD83D\\uDE00",
    "\\ud800",
    "\\udc00",
    "\\ud800\\u0041",
    "\\ud800x",
    "\\x",
    "\\u12",
    "\\uzzzz",
    "\t",
    "\u{1}",
    "\u{7f}",
    "\u{2028}",
    "System.Object[]",
    "@{a=1}",
    "}",
    "{",
    ",",
    "]",
    "\"",
    "\\",
];

fn lit() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 @.:+-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        2 => vec(proptest::sample::select(FRAGMENTS), 0..4).prop_map(|v| format!("\"{}\"", v.concat())),
        1 => Just("\"System.Object[]\"".to_owned()),
        1 => Just("\"SMTP:p@contoso.com\"".to_owned()),
    ]
}

const SCALARS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "12",
    "-3.25",
    "1.0",
    "01",
    "1e3",
    "1E-2",
    "-",
    "1.",
    "tru",
    "nul",
    "NaN",
    "+1",
    ".5",
    "123456789012345678901234567890",
    "0.000001",
    "-",
    "[",
    "{",
    "}",
    "]",
    ",",
    "",
];

fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => lit(),
        2 => proptest::sample::select(SCALARS).prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (vec((ws(), inner.clone()), 0..4), ws()).prop_map(|(items, w)| {
                let items: Vec<String> =
                    items.into_iter().map(|(w, v)| format!("{w}{v}")).collect();
                format!("[{}{w}]", items.join(","))
            }),
            (vec((lit(), ws(), inner), 0..4), ws()).prop_map(|(items, w)| {
                let items: Vec<String> = items
                    .into_iter()
                    .map(|(k, w, v)| format!("{w}{k}{w}:{w}{v}"))
                    .collect();
                format!("{{{}{w}}}", items.join(","))
            }),
        ]
    })
}

fn string_list() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => vec((ws(), lit()), 0..4).prop_map(|v| {
            let v: Vec<String> = v.into_iter().map(|(w, s)| format!("{w}{s}")).collect();
            format!("[{}]", v.join(","))
        }),
        1 => lit(),
        1 => Just("null".to_owned()),
        1 => vec(lit(), 0..3).prop_map(|v| format!("{{\"value\":[{}],\"Count\":{}}}", v.join(","), v.len())),
        1 => value(),
    ]
}

fn license() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("\"skuId\""),
        Just("\"SKUID\""),
        Just("\"disabledPlans\""),
        Just("\"DisabledPlans\""),
        Just("\"servicePlans\""),
        Just("\"sku\\u0049d\""),
    ];
    let prop = prop_oneof![
        (key.clone(), lit()).prop_map(|(k, v)| format!("{k}:{v}")),
        (key.clone(), string_list()).prop_map(|(k, v)| format!("{k}:{v}")),
        (key, value()).prop_map(|(k, v)| format!("{k}:{v}")),
    ];
    prop_oneof![
        3 => (lit(), string_list()).prop_map(|(s, p)| format!("{{\"skuId\":{s},\"disabledPlans\":{p}}}")),
        2 => vec(prop, 0..4).prop_map(|v| format!("{{{}}}", v.join(","))),
        1 => value(),
    ]
}

fn licenses() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec((ws(), license()), 0..3).prop_map(|v| {
            let v: Vec<String> = v.into_iter().map(|(w, s)| format!("{w}{s}")).collect();
            format!("[{}]", v.join(","))
        }),
        1 => Just("null".to_owned()),
        1 => license(),
        1 => value(),
    ]
}

/// The property names tried: every name the reader knows, in several cases, and others.
const KEYS: &[&str] = &[
    "id",
    "ID",
    "objectId",
    "userPrincipalName",
    "UserPrincipalName",
    "displayName",
    "mail",
    "Mail",
    "onPremisesImmutableId",
    "ImmutableId",
    "onPremisesSyncEnabled",
    "mobilePhone",
    "MobilePhone",
    "alternateMobilePhones",
    "businessPhones",
    "proxyAddresses",
    "ProxyAddresses",
    "assignedLicenses",
    "onPremisesProvisioningErrors",
    "serviceProvisioningErrors",
    "AdditionalProperties",
    "@removed",
    "LastDirSyncTime",
    "value",
    "Value",
    "department",
    "@odata.type",
    "i\\u0064",
    "mobile\\u0050hone",
    "jobTitle",
    "",
];

/// A property: a name and a value of the type the name wants, mostly.
fn property() -> impl Strategy<Value = String> {
    (proptest::sample::select(KEYS), ws()).prop_flat_map(|(k, w)| {
        let lower = k.to_ascii_lowercase();
        let typed: BoxedStrategy<String> = match lower.as_str() {
            "onpremisessyncenabled" => proptest::sample::select(&["true", "false", "null"][..])
                .prop_map(str::to_owned)
                .boxed(),
            "alternatemobilephones" | "businessphones" | "proxyaddresses" => string_list().boxed(),
            "assignedlicenses" => licenses().boxed(),
            "onpremisesprovisioningerrors" | "serviceprovisioningerrors" => {
                proptest::sample::select(&["null", "[]", "[ ]", "[{\"category\":\"x\"}]"][..])
                    .prop_map(str::to_owned)
                    .boxed()
            }
            "department" | "jobtitle" | "@odata.type" | "value" | "" => value().boxed(),
            _ => prop_oneof![4 => lit(), 1 => Just("null".to_owned())].boxed(),
        };
        prop_oneof![5 => typed, 1 => value()].prop_map(move |v| format!("\"{k}\"{w}:{w}{v}"))
    })
}

/// A user object followed by what follows one in a page, as bytes.
fn object() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::option::weighted(0.9, lit()),
        vec((ws(), property()), 0..8),
        ws(),
        prop_oneof![Just(",{\"id\":\"next\"}]"), Just("]"), Just(""), Just("} ")],
    )
        .prop_map(|(id, props, w, after)| {
            let mut parts: Vec<String> = id.map(|id| format!("\"id\":{id}")).into_iter().collect();
            parts.extend(props.into_iter().map(|(w, p)| format!("{w}{p}")));
            format!("{{{}{w}}}{after}", parts.join(",")).into_bytes()
        })
}

/// Generated objects, and some cut short or with a byte changed.
fn inputs() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => object(),
        1 => (object(), any::<prop::sample::Index>()).prop_map(|(v, at)| v[..at.index(v.len() + 1)].to_vec()),
        1 => (object(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut v, at, b)| {
            if !v.is_empty() {
                let i = at.index(v.len());
                v[i] = b;
            }
            v
        }),
    ]
}

#[test]
fn the_scan_gives_what_serde_gives_or_leaves_the_object_to_serde() {
    let cases = 20_000;
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let read = [Cell::new(0u32), Cell::new(0u32)];
    let result = runner.run(&inputs(), |data| {
        for (i, mode) in [Mode::Full, Mode::Lean].into_iter().enumerate() {
            if agrees(mode, &data)? {
                read[i].set(read[i].get() + 1);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The property means little if the scan gives up on everything.
    for (read, mode) in read.iter().zip([Mode::Full, Mode::Lean]) {
        assert!(
            read.get() > cases / 20,
            "the {mode:?} scan read only {} of {cases} objects",
            read.get()
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Chosen cases

const TYPICAL: &str = r#"{"id":"0000a1b2-0000-0000-0000-000000000001","businessPhones":["+1 425 555 0100"],"displayName":"Zo\u00eb \"Q\" \\ \/","givenName":null,"jobTitle":"Eng","mail":"zoe@contoso.com","mobilePhone":"+1 425 555 0101","officeLocation":null,"preferredLanguage":"en-US","surname":"Q","userPrincipalName":"zoe@contoso.com","onPremisesImmutableId":"AAECAwQFBgcICQoLDA0ODw==","onPremisesSyncEnabled":true,"proxyAddresses":["smtp:z@contoso.onmicrosoft.com","SMTP:zoe@contoso.com"],"assignedLicenses":[{"disabledPlans":[],"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df"}],"onPremisesProvisioningErrors":[],"serviceProvisioningErrors":[],"extra":{"a":[1,-2.5,0,{"b":[true,false,null]}],"c":"\ud83d\ude00"}}"#;

#[test]
fn a_typical_graph_user_is_read_here_as_serde_reads_it() {
    let (u, end) = fast(TYPICAL.as_bytes()).expect("the scan gives up on a typical user");
    assert_eq!(end, TYPICAL.len());
    assert_eq!(u.id, "0000a1b2-0000-0000-0000-000000000001");
    assert_eq!(u.proxy_addresses, ["SMTP:zoe@contoso.com"]);
    assert_eq!(u.display_name, None);
    assert!(u.business_phones.is_empty());
    assert_eq!(serde(TYPICAL.as_bytes()), Ok((Some(u), end)));
}

#[test]
fn a_typical_graph_user_is_read_whole_here_as_serde_reads_it() {
    let (u, end) =
        fast_as(Mode::Full, TYPICAL.as_bytes()).expect("the scan gives up on a typical user");
    assert_eq!(end, TYPICAL.len());
    assert_eq!(
        u.proxy_addresses,
        ["smtp:z@contoso.onmicrosoft.com", "SMTP:zoe@contoso.com"]
    );
    assert_eq!(u.display_name.as_deref(), Some("Zoë \"Q\" \\ /"));
    assert_eq!(u.business_phones, ["+1 425 555 0100"]);
    assert_eq!(u.assigned_licenses.len(), 1);
    assert_eq!(
        u.assigned_licenses[0].sku_id,
        "c7df2760-2c81-4ef7-b578-5b5392b571df"
    );
    assert_eq!(serde_as(Mode::Full, TYPICAL.as_bytes()), Ok((Some(u), end)));
    let plans = r#"{"id":"a","assignedLicenses":[{"skuId":"s","disabledPlans":["p1","p\u0000"]},{"SKUID":"t","DisabledPlans":"q","servicePlans":[1]},{"skuId":"u","disabledPlans":null}]}"#;
    let (u, _) = fast_as(Mode::Full, plans.as_bytes()).expect("the scan gives up on licenses");
    let got: Vec<(&str, Vec<&str>)> = u
        .assigned_licenses
        .iter()
        .map(|l| {
            (
                l.sku_id.as_str(),
                l.disabled_plans.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("s", vec!["p1", "p\0"]), ("t", vec!["q"]), ("u", vec![])]
    );
    assert_eq!(
        serde_as(Mode::Full, plans.as_bytes()).map(|(u, _)| u),
        Ok(Some(u))
    );
}

#[test]
fn escapes_are_decoded_as_serde_decodes_them() {
    let text = r#"{"id":"x\u0041\/","mobilePhone":"\u002B1\t\ud83d\ude00\uD83D\uDE00 \u00e9\"\\","mail":"\b\f\n\r"}"#;
    let (u, _) = fast(text.as_bytes()).expect("the scan gives up");
    assert_eq!(u.id, "xA/");
    assert_eq!(u.mobile_phone.as_deref(), Some("+1\t😀😀 é\"\\"));
    assert_eq!(u.mail.as_deref(), Some("\u{8}\u{c}\n\r"));
    assert_eq!(serde(text.as_bytes()).map(|(u, _)| u), Ok(Some(u)));
}

#[test]
fn what_the_scan_is_not_sure_of_goes_to_serde() {
    let unsure = [
        // Serde refuses these.
        r#"{}"#,
        r#"{"id":""}"#,
        r#"{"id":null}"#,
        r#"{"id":"a","ID":"b"}"#,
        r#"{"id":"a","mobilePhone":"\u0000"}"#,
        r#"{"id":"a","mobilePhone":"\ud800"}"#,
        r#"{"id":"a","mobilePhone":"\udc00"}"#,
        r#"{"id":"a","mobilePhone":"\ud800\u0041"}"#,
        r#"{"id":"a","mobilePhone":"\x"}"#,
        "{\"id\":\"a\",\"mobilePhone\":\"\t\"}",
        r#"{"id":"a","mobilePhone":5}"#,
        r#"{"id":"a","onPremisesSyncEnabled":"true"}"#,
        r#"{"id":"a","proxyAddresses":[null]}"#,
        r#"{"id":"a","businessPhones":"System.Object[]"}"#,
        r#"{"id":"a","assignedLicenses":[{"skuId":""}]}"#,
        r#"{"id":"a","assignedLicenses":[{"disabledPlans":[]}]}"#,
        r#"{"id":"a","assignedLicenses":[{"skuId":"s","SkuId":"s"}]}"#,
        r#"{"id":"a","x":01}"#,
        r#"{"id":"a","x":1.}"#,
        r#"{"id":"a","x":-}"#,
        r#"{"id":"a","x":[1,]}"#,
        r#"{"id":"a","x":{"a":1,}}"#,
        r#"{"id":"a",}"#,
        r#"{"id":"a""#,
        r#"{"id":"a","#,
        // Serde reads these; this path leaves them to it.
        r#"{"i\u0064":"a"}"#,
        r#"{"id":"a","x":1e5}"#,
        r#"{"id":"a","x":"\ud800"}"#,
        r#"{"id":"a","proxyAddresses":{"value":["SMTP:a@b"],"Count":1}}"#,
        r#"{"id":"a","AdditionalProperties":{"mail":"m"}}"#,
        r#"{"id":"a","@removed":{"reason":"changed"}}"#,
        r#"{"id":"a","LastDirSyncTime":"2024-01-01T00:00:00Z"}"#,
        r#"{"id":"a","onPremisesProvisioningErrors":[{"category":"PropertyConflict"}]}"#,
        r#"{"id":"a","assignedLicenses":{"skuId":"s"}}"#,
    ];
    for text in unsure {
        assert_eq!(
            lean_user(text.as_bytes(), 0).err(),
            Some(Unsure),
            "the scan read {text}"
        );
        assert_eq!(
            full_user(text.as_bytes(), 0).err(),
            Some(Unsure),
            "the full scan read {text}"
        );
    }
    let deep = format!(r#"{{"id":"a","x":{}1{}}}"#, "[".repeat(70), "]".repeat(70));
    assert!(lean_user(deep.as_bytes(), 0).is_err());
    assert!(serde(deep.as_bytes()).is_ok());
    let shallow = format!(r#"{{"id":"a","x":{}1{}}}"#, "[".repeat(60), "]".repeat(60));
    assert!(lean_user(shallow.as_bytes(), 0).is_ok());
    let many: String = (0..MAX_KEYS).map(|i| format!(",\"k{i}\":1")).collect();
    assert!(lean_user(format!(r#"{{"id":"a"{many}}}"#).as_bytes(), 0).is_err());
}

#[test]
fn an_object_cut_anywhere_is_never_read() {
    for cut in 0..TYPICAL.len() {
        let part = &TYPICAL.as_bytes()[..cut];
        assert!(
            lean_user(part, 0).is_err() && full_user(part, 0).is_err(),
            "read {:?}",
            &TYPICAL[..cut]
        );
    }
}
