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
