//! The block reader gives what the serial driver gives, whatever the block size and wherever the guessed
//! run starts fall, and gives up (for the serial driver) on everything else.

use idrift_core::model::CloudUser;

use super::super::read_users_each_str;
use super::*;

/// A Graph page of `n` users; `nested` puts an array of objects whose first property is `id` in each user
/// (so the separator of two users also occurs inside users).
fn page(n: usize, nested: bool, pretty: bool) -> String {
    let sep = if pretty { ",\n    " } else { "," };
    let items: Vec<String> = (0..n)
        .map(|i| {
            let extra = if nested {
                format!(
                    r#","memberOf":[{{"id":"g{i}a","x":1}}{sep}{{"id":"g{i}b","x":2}}]"#
                )
            } else {
                String::new()
            };
            format!(
                r#"{{"id":"{i:08}","userPrincipalName":"u{i}@contoso.com","mobilePhone":"+1 425 555 {:04}","onPremisesSyncEnabled":true,"displayName":"Zo\u00eb {i} \"q\" }},{{\"id\":x"{extra}}}"#,
                i % 10_000
            )
        })
        .collect();
    format!(
        r#"{{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X"}}"#,
        items.join(sep)
    )
}

fn serial(text: &str) -> (Vec<CloudUser>, Option<String>) {
    let mut out = Vec::new();
    let read = read_users_each_str(text, |u| out.push(u)).unwrap();
    (out, read.next_link)
}

fn blocks(bytes: &[u8], block: usize) -> Option<(Vec<CloudUser>, Option<String>)> {
    let mut out = Vec::new();
    let meta = read_blocks::<CloudUser, _>(bytes, block, &mut |u| out.push(u))?;
    Some((out, meta.next_link))
}

#[test]
fn every_block_size_reads_what_the_serial_driver_reads() {
    for (nested, pretty) in [(false, false), (true, false), (false, true), (true, true)] {
        let text = page(3_000, nested, pretty);
        let want = serial(&text);
        assert_eq!(want.0.len(), 3_000);
        assert!(want.1.is_some());
        for block in [97, 4_096, 65_536, 1 << 20, BLOCK] {
            let got = blocks(text.as_bytes(), block).unwrap_or_else(|| {
                panic!("gave up (nested {nested}, pretty {pretty}, block {block})")
            });
            assert_eq!(got, want, "nested {nested}, pretty {pretty}, block {block}");
        }
    }
}

#[test]
fn a_byte_order_mark_and_an_empty_or_one_user_page_read_alike() {
    let text = format!("\u{feff}{}", page(500, false, false));
    let want = serial(&text);
    assert_eq!(blocks(text.as_bytes(), 4_096), Some(want));
    let empty = r#"{"value":[]}"#;
    assert_eq!(blocks(empty.as_bytes(), 4_096), Some(serial(empty)));
}

#[test]
fn other_shapes_and_invalid_input_go_to_the_serial_driver() {
    let good = page(200, false, false);
    let cases: Vec<Vec<u8>> = vec![
        // An array of users, and pages one after another: other shapes.
        br#"[{"id":"a"},{"id":"b"}]"#.to_vec(),
        // A user without an id in the middle.
        good.replacen(r#"{"id":"00000100","#, "{", 1).into_bytes(),
        // Truncated.
        good.as_bytes()[..good.len() / 2].to_vec(),
        // A duplicate property in a user.
        good.replacen(r#""mobilePhone""#, r#""id":"dup","mobilePhone""#, 1)
            .into_bytes(),
        // A duplicate value array in the page, after the items.
        good.replacen(
            r#","@odata.nextLink""#,
            r#","value":[],"@odata.nextLink""#,
            1,
        )
        .into_bytes(),
        // An Export-Clixml file.
        b"#< CLIXML\r\n<Objs Version=\"1.1.0.1\"></Objs>".to_vec(),
    ];
    for (i, bytes) in cases.iter().enumerate() {
        for block in [64, 4_096, BLOCK] {
            assert!(blocks(bytes, block).is_none(), "case {i}, block {block}");
        }
    }
}

#[test]
fn a_windows_1252_byte_anywhere_goes_to_the_decoder() {
    // In a property the reader does not keep: the serial driver on decoded text reads the file, so this
    // path must not read it as UTF-8.
    let mut bytes = page(300, false, false).into_bytes();
    let at = bytes.len() / 2;
    let pos = at + bytes[at..].iter().position(|&b| b == b'{').unwrap();
    bytes.splice(
        pos + 1..pos + 1,
        b"\"department\":\"Caf\xe9\",".iter().copied(),
    );
    for block in [256, 4_096, BLOCK] {
        assert!(blocks(&bytes, block).is_none(), "block {block}");
    }
}

/// The users of `text` read by the block reader as the comparison reads them ([`super::super::users::LeanUser`]).
fn lean(text: &str) -> Option<Vec<CloudUser>> {
    let mut out = Vec::new();
    read_blocks::<super::super::users::LeanUser, _>(text.as_bytes(), 97, &mut |u| out.push(u.0))?;
    Some(out)
}

/// A page of two users, the second with `second` as its extra properties.
fn two_users(second: &str) -> String {
    format!(
        r#"{{"value":[{{"id":"a","displayName":"A","businessPhones":["+1 1"],"proxyAddresses":["smtp:x@a","SMTP:a@a","SMTP:b@a"]}},{{"id":"b"{second}}}]}}"#
    )
}

#[test]
fn the_lean_read_keeps_only_what_the_comparison_reads() {
    let text = two_users(
        r#","displayName":"B","businessPhones":"+1 2","proxyAddresses":{"value":["x500:/o=b","smtp:b@b"],"Count":2},"AdditionalProperties":{"displayName":"C","proxyAddresses":["SMTP:c@c"]}"#,
    );
    let full = serial(&text).0;
    let got = lean(&text).expect("the lean read gives up");
    assert_eq!(full.len(), 2);
    assert_eq!(full[1].display_name.as_deref(), Some("B"));
    assert_eq!(full[1].business_phones, ["+1 2"]);
    let mut want = full.clone();
    for u in &mut want {
        u.display_name = None;
        u.business_phones = Vec::new();
        // The first `SMTP:` value, else the first value (so the list is not empty and the one under
        // AdditionalProperties does not take its place).
        let keep = u
            .proxy_addresses
            .iter()
            .find(|p| p.starts_with("SMTP:"))
            .or(u.proxy_addresses.first())
            .cloned();
        u.proxy_addresses = keep.into_iter().collect();
    }
    assert_eq!(want[0].proxy_addresses, ["SMTP:a@a"]);
    assert_eq!(want[1].proxy_addresses, ["x500:/o=b"]);
    assert_eq!(got, want);
}

#[test]
fn the_lean_read_refuses_what_the_full_read_refuses() {
    let bad = [
        r#","displayName":5"#,
        r#","displayName":["B"]"#,
        r#","displayName":{"a":1}"#,
        r#","displayName":"B\u0000""#,
        r#","businessPhones":[5]"#,
        r#","businessPhones":[null]"#,
        r#","businessPhones":"System.Object[]""#,
        r#","businessPhones":["+1\u0000"]"#,
        r#","businessPhones":{"Count":1}"#,
        r#","businessPhones":true"#,
        r#","proxyAddresses":["SMTP:b@b",7]"#,
        r#","proxyAddresses":["smtp:b@b","x\u0000"]"#,
        r#","proxyAddresses":{"value":["a"],"value":["b"]}"#,
        r#","AdditionalProperties":{"displayName":1}"#,
        r#","AdditionalProperties":{"businessPhones":[{}]}"#,
    ];
    for second in bad {
        let text = two_users(second);
        assert!(
            read_users_each_str(&text, |_| {}).is_err(),
            "the serial reader accepts {second}"
        );
        assert!(blocks(text.as_bytes(), 97).is_none(), "full: {second}");
        assert!(lean(&text).is_none(), "lean: {second}");
    }
    let good = [
        r#","displayName":null,"businessPhones":null,"proxyAddresses":null"#,
        r#","displayName":"B \"\\ \u00e9","businessPhones":[],"proxyAddresses":"SMTP:b@b""#,
    ];
    for second in good {
        let text = two_users(second);
        assert!(read_users_each_str(&text, |_| {}).is_ok(), "{second}");
        assert_eq!(lean(&text).map(|u| u.len()), Some(2), "{second}");
    }
}
