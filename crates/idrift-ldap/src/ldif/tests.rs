//! Tests of the LDIF reader and writer: real export shapes, malformed input, round trips and a
//! deterministic fuzz run.

use std::io::{self, BufReader, Read};

use idrift_core::guid::Guid;
use idrift_core::model::OnPremUser;

use super::{LdifError, parse_users, read_users, read_users_each, write_users};

const LDAPSEARCH: &str = "\
version: 1

# Alice Anders, Sync, contoso.test
dn: CN=Alice Anders,OU=Sync,DC=contoso,DC=test
objectClass: top
objectClass: person
objectClass: organizationalPerson
objectClass: user
cn: Alice Anders
sAMAccountName: alice
userPrincipalName: alice@contoso.test
mail: alice@contoso.test
proxyAddresses: SMTP:alice@contoso.test
proxyAddresses: smtp:alice@contoso.mail.onmicrosoft.com
mobile: +1 555 0100
otherMobile: +1 555 0101
otherMobile: +1 555 0102
objectGUID:: xj0gzuWsYEio25QY44RFDA==
msExchMailboxGuid:: PC0eD1pLeGmHlqW0w9Lh8A==
msExchRecipientTypeDetails: 2147483648
msExchRemoteRecipientType: 4
msExchRecipientDisplayType: -2147483642
targetAddress: SMTP:alice@contoso.mail.onmicrosoft.com
whenChanged: 20261125143005.0Z

# DC1, Domain Controllers, contoso.test
dn: CN=DC1,OU=Domain Controllers,DC=contoso,DC=test
objectClass: top
objectClass: person
objectClass: organizationalPerson
objectClass: user
objectClass: computer
sAMAccountName: DC1$

dn: CN=Staff,OU=Sync,DC=contoso,DC=test
objectClass: group
sAMAccountName: staff

# search result
";

fn alice() -> OnPremUser {
    OnPremUser {
        distinguished_name: "CN=Alice Anders,OU=Sync,DC=contoso,DC=test".into(),
        object_guid: Some("ce203dc6-ace5-4860-a8db-9418e384450c".parse().unwrap()),
        consistency_guid: None,
        sam_account_name: Some("alice".into()),
        user_principal_name: Some("alice@contoso.test".into()),
        mail: Some("alice@contoso.test".into()),
        proxy_addresses: vec![
            "SMTP:alice@contoso.test".into(),
            "smtp:alice@contoso.mail.onmicrosoft.com".into(),
        ],
        target_address: Some("SMTP:alice@contoso.mail.onmicrosoft.com".into()),
        mobile: Some("+1 555 0100".into()),
        other_mobile: vec!["+1 555 0101".into(), "+1 555 0102".into()],
        mailbox_guid: Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".parse().unwrap()),
        recipient_type_details: Some(2_147_483_648),
        remote_recipient_type: Some(4),
        recipient_display_type: Some(-2_147_483_642),
        when_changed: Some("20261125143005.0Z".into()),
        critical_system_object: false,
        custom_anchor: None,
    }
}

#[track_caller]
fn check_err(input: &str, line: usize, needle: &str) {
    let e = parse_users(input).unwrap_err();
    assert_eq!(e.line, line, "{e}");
    assert!(
        e.message.contains(needle),
        "{e:?} does not mention {needle:?}"
    );
    assert!(e.to_string().starts_with(&format!("line {line}: ")));
}

#[test]
fn reads_ldapsearch_output_keeping_users_only() {
    let out = parse_users(LDAPSEARCH).unwrap();
    assert_eq!(out.users, vec![alice()]);
    assert!(out.warnings.is_empty());
}

#[test]
fn reads_ldifde_output_with_crlf_bom_folding_and_changetype_add() {
    let ldifde = "\u{feff}dn: CN=Alice Anders,OU=Sync,DC=contoso,DC=test\r\n\
        changetype: add\r\n\
        objectClass: top\r\n\
        objectClass: user\r\n\
        DISTINGUISHEDNAME: CN=Alice Anders,OU=Sync,DC=contoso,DC=test\r\n\
        OBJECTGUID:: xj0gzuWsYEio25\r\n QY44RFDA==\r\n\
        USERPRINCIPALNAME: alice@con\r\n toso.test\r\n\
        ProxyAddresses: SMTP:alice@contoso.test\r\n\
        \r\n";
    let out = parse_users(ldifde).unwrap();
    assert_eq!(out.users.len(), 1);
    let u = &out.users[0];
    assert_eq!(u.user_principal_name.as_deref(), Some("alice@contoso.test"));
    assert_eq!(u.object_guid, alice().object_guid);
    assert_eq!(u.proxy_addresses, ["SMTP:alice@contoso.test"]);
}

#[test]
fn folded_line_joins_and_comments_fold_too() {
    let input =
        "dn: CN=A,DC=x\nobjectClass: user\n# a comment\n  that continues\nmail: a@\n x.\n  test\n";
    let out = parse_users(input).unwrap();
    assert_eq!(out.users[0].mail.as_deref(), Some("a@x. test"));
}

#[test]
fn base64_dn_and_utf8_values() {
    let dn = "CN=Jürgen Müller,OU=Sync,DC=contoso,DC=test";
    let input = format!(
        "dn:: {}\nobjectClass: user\nmobile:: {}\n",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, dn),
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "+49 30 1234"),
    );
    let out = parse_users(&input).unwrap();
    assert_eq!(out.users[0].distinguished_name, dn);
    assert_eq!(out.users[0].mobile.as_deref(), Some("+49 30 1234"));
}

#[test]
fn without_object_class_upn_or_sam_makes_a_user() {
    let input = "dn: CN=A,DC=x\nuserPrincipalName: a@x\n\ndn: CN=B,DC=x\nsAMAccountName: b\n\ndn: CN=C,DC=x\nmail: c@x\n";
    let out = parse_users(input).unwrap();
    let dns: Vec<_> = out
        .users
        .iter()
        .map(|u| u.distinguished_name.as_str())
        .collect();
    assert_eq!(dns, ["CN=A,DC=x", "CN=B,DC=x"]);
}

#[test]
fn change_records_are_skipped_with_a_warning() {
    let input = "version: 1\n\n\
        dn: CN=A,DC=x\nchangetype: modify\nreplace: mobile\nmobile: +1\n-\n\n\
        dn: CN=B,DC=x\ncontrol: 1.2.840.113556.1.4.805 true\nchangetype: delete\n\n\
        dn: CN=C,DC=x\nobjectClass: user\nmobile: +2\n";
    let out = parse_users(input).unwrap();
    assert_eq!(out.users.len(), 1);
    assert_eq!(out.users[0].mobile.as_deref(), Some("+2"));
    assert_eq!(out.warnings.len(), 2);
    assert_eq!(out.warnings[0].line, 3);
    assert!(
        out.warnings[0].message.contains("changetype: modify"),
        "{:?}",
        out.warnings
    );
    assert_eq!(out.warnings[1].line, 9);
}

#[test]
fn repeated_single_value_warns_and_keeps_the_first() {
    let out = parse_users("dn: CN=A,DC=x\nobjectClass: user\nmobile: 1\nmobile: 2\n").unwrap();
    assert_eq!(out.users[0].mobile.as_deref(), Some("1"));
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(out.warnings[0].line, 4);
}

#[test]
fn guid_text_and_printable_binary_guid() {
    // ldapsearch writes a binary value unencoded when all its bytes are printable.
    let out = parse_users("dn: CN=A,DC=x\nobjectClass: user\nobjectGUID: ABCDEFGHIJKLMNOP\nmsExchMailboxGuid: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n").unwrap();
    assert_eq!(
        out.users[0].object_guid,
        Some(Guid::from_bytes_le(*b"ABCDEFGHIJKLMNOP"))
    );
    assert_eq!(out.users[0].mailbox_guid, alice().mailbox_guid);
}

#[test]
fn malformed_input_names_the_line() {
    for (input, line, needle) in [
        (
            "dn: CN=A,DC=x\nobjectClass: user\njpegPhoto:< file:///tmp/a.jpg\n",
            3,
            "URL",
        ),
        (
            "dn: CN=A,DC=x\nobjectGUID:: !!!notbase64\n",
            2,
            "bad base64",
        ),
        ("dn: CN=A,DC=x\nobjectSid:: AQ=x\n", 2, "bad base64"),
        (" continued\ndn: CN=A,DC=x\n", 1, "no line to continue"),
        (
            "dn: CN=A,DC=x\nmail: a\n\n continued\n",
            4,
            "follows an empty line",
        ),
        ("dn: CN=A,DC=x\nobjectGUID:: AAEC\n", 2, "16-byte GUID"),
        (
            "dn: CN=A,DC=x\nmsExchRecipientTypeDetails: lots\n",
            2,
            "decimal integer",
        ),
        (
            "dn: CN=A,DC=x\nmsExchRecipientTypeDetails: 99999999999999999999\n",
            2,
            "decimal integer",
        ),
        ("mail: a@x\n", 1, "expected `dn:`"),
        ("version: 2\n", 1, "unsupported LDIF version"),
        (
            "dn: CN=A,DC=x\nno colon here\n",
            2,
            "expected `attribute: value`",
        ),
        ("dn: CN=A,DC=x\nbad name: x\n", 2, "invalid attribute name"),
        ("dn: CN=A,DC=x\nmail:: /w==\n", 2, "UTF-8"),
        (
            "dn: CN=A,DC=x\nobjectClass: user\ndn: CN=B,DC=x\n",
            3,
            "second `dn:`",
        ),
        (
            "dn: CN=A,DC=x\nmail: a\nchangetype: add\n",
            3,
            "directly follow",
        ),
        ("dn:: //79\n", 1, "UTF-8"),
    ] {
        check_err(input, line, needle);
    }
}

#[test]
fn empty_and_comment_only_inputs_have_no_users() {
    for input in [
        "",
        "\n\n",
        "# nothing\n",
        "version: 1\n",
        "\u{feff}",
        "\r\n",
    ] {
        assert_eq!(parse_users(input).unwrap().users, Vec::new(), "{input:?}");
    }
}

#[test]
fn last_line_without_newline_and_trailing_spaces_in_base64() {
    let out =
        parse_users("dn: CN=A,DC=x\nobjectClass: user\nobjectGUID:: xj0gzuWsYEio25QY44RFDA==  ")
            .unwrap();
    assert_eq!(out.users[0].object_guid, alice().object_guid);
}

/// A reader that hands out at most `n` bytes per call, to cross every block boundary.
struct Trickle<'a> {
    data: &'a [u8],
    n: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

#[test]
fn any_read_size_gives_the_same_result() {
    let folded = "dn: CN=Alice Folded,OU=Sync,DC=contoso,\r\n DC=test\r\nobjectClass: user\r\nmail: a\r\n b\r\n\r\n";
    let input = format!("\u{feff}{LDAPSEARCH}\n{folded}");
    let expected = parse_users(&input).unwrap();
    assert_eq!(expected.users.len(), 2);
    for n in [1, 2, 3, 5, 7, 64] {
        let got = read_users(BufReader::with_capacity(
            1,
            Trickle {
                data: input.as_bytes(),
                n,
            },
        ))
        .unwrap();
        assert_eq!(got, expected, "read size {n}");
    }
}

#[test]
fn lines_longer_than_the_block_are_read() {
    let long = "x".repeat(3 << 20);
    let input = format!("dn: CN=A,DC=x\nobjectClass: user\nmail: {long}\nmobile: 1\n");
    let out = parse_users(&input).unwrap();
    assert_eq!(out.users[0].mail.as_deref().map(str::len), Some(3 << 20));
    assert_eq!(out.users[0].mobile.as_deref(), Some("1"));
}

fn sample_users() -> Vec<OnPremUser> {
    let mut odd = alice();
    odd.distinguished_name = "CN=Jürgen\\, Müller,OU=Sync,DC=contoso,DC=test".into();
    odd.mobile = Some(" leading space".into());
    odd.mail = Some("trailing space ".into());
    odd.sam_account_name = Some(":colon".into());
    odd.user_principal_name = Some("<angle".into());
    odd.target_address = Some(String::new());
    // A NUL is refused by the reader (strict reader), so the odd values stop at other controls.
    odd.other_mobile = vec!["line\nbreak".into(), "bell\u{7}".into()];
    odd.consistency_guid = Some(Guid::NIL);
    odd.recipient_display_type = Some(i32::MIN);
    odd.recipient_type_details = Some(i64::MAX);
    let bare = OnPremUser {
        distinguished_name: "CN=Bare,DC=x".into(),
        sam_account_name: Some("bare".into()),
        ..OnPremUser::default()
    };
    vec![alice(), odd, bare]
}

#[test]
fn write_then_read_round_trips() {
    let users = sample_users();
    let mut out = Vec::new();
    write_users(&mut out, &users).unwrap();
    let text = String::from_utf8(out).unwrap();
    let back = parse_users(&text).unwrap();
    assert_eq!(back.users, users, "{text}");
    assert!(back.warnings.is_empty());
    assert!(
        text.starts_with("version: 1\n\ndn: CN=Alice Anders"),
        "{text}"
    );
    assert!(
        text.contains("objectGUID:: xj0gzuWsYEio25QY44RFDA==\n"),
        "{text}"
    );
}

/// xorshift64*: a deterministic generator, so a failing input can be reproduced from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&[u8]] = &[
    b"dn: ",
    b"dn:: ",
    b"objectClass: user",
    b"objectClass: computer",
    b"objectGUID:: ",
    b"objectGUID: ",
    b"xj0gzuWsYEio25QY44RFDA==",
    b"mobile: ",
    b"otherMobile:: ",
    b"msExchRecipientTypeDetails: ",
    b"msExchRecipientDisplayType: 4294967295",
    b"changetype: modify",
    b"changetype: add",
    b"version: 1",
    b"\n",
    b"\r\n",
    b"\n ",
    b"\n\n",
    b"#",
    b":",
    b"::",
    b":<",
    b" ",
    b"=",
    b"\xEF\xBB\xBF",
    b"\xff",
    b"-",
    b"userPrincipalName: a@b",
    b"ref: ldap://x/DC=y",
    b"search: 2",
    b"result: 4 Size limit exceeded",
    b"sAMAccountName: x",
    b"control: 1.2.3 true",
    b"12345678901234567890",
];

fn check_no_panic(input: &[u8]) -> Result<usize, LdifError> {
    let out = read_users(input)?;
    // Whatever was read must survive a round trip.
    let mut text = Vec::new();
    write_users(&mut text, &out.users).unwrap();
    let back = read_users(text.as_slice()).unwrap();
    assert_eq!(back.users, out.users);
    Ok(out.users.len())
}

#[test]
fn fuzz_random_and_mutated_inputs_never_panic() {
    let mut rng = Rng(0x1D21_F7A5_5EED_0001);
    let mut seeds: Vec<Vec<u8>> = vec![LDAPSEARCH.as_bytes().to_vec()];
    let mut written = Vec::new();
    write_users(&mut written, &sample_users()).unwrap();
    seeds.push(written);
    let (mut ok, mut failed) = (0usize, 0usize);
    for round in 0..6000 {
        let input: Vec<u8> = match round % 3 {
            // Mutate a valid input: flip, insert, delete and splice bytes.
            0 | 1 => {
                let mut v = seeds[rng.below(seeds.len())].clone();
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(v.len() + 1);
                    match rng.below(4) {
                        0 if at < v.len() => v[at] = rng.next() as u8,
                        1 => v.insert(at, rng.next() as u8),
                        2 if at < v.len() => {
                            v.remove(at);
                        }
                        _ => {
                            let piece = PIECES[rng.below(PIECES.len())];
                            v.splice(at..at, piece.iter().copied());
                        }
                    }
                }
                v
            }
            // Build an input from LDIF-ish pieces and random bytes.
            _ => {
                let mut v = Vec::new();
                for _ in 0..rng.below(40) {
                    if rng.below(5) == 0 {
                        v.push(rng.next() as u8);
                    } else {
                        v.extend_from_slice(PIECES[rng.below(PIECES.len())]);
                    }
                }
                v
            }
        };
        match check_no_panic(&input) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(e.line >= 1, "{e}");
                failed += 1;
            }
        }
    }
    // The run must exercise both outcomes, or it tests nothing.
    assert!(ok > 500 && failed > 500, "ok {ok}, failed {failed}");
}

#[test]
fn plain_ldapsearch_output_with_references_and_result() {
    let input = "# extended LDIF\n#\n\n# Administrator, Users, contoso.test\ndn: CN=Administrator,CN=Users,DC=contoso,DC=test\n\
        objectClass: user\nsAMAccountName: Administrator\n\n\
        # search reference\nref: ldap://contoso.test/CN=Configuration,DC=contoso,DC=test\n\n\
        # search result\nsearch: 2\nresult: 0 Success\n\n# numResponses: 3\n";
    let out = parse_users(input).unwrap();
    assert_eq!(out.users.len(), 1);
    assert_eq!(
        out.users[0].sam_account_name.as_deref(),
        Some("Administrator")
    );
    assert!(out.warnings.is_empty());
}

#[test]
fn an_export_of_a_failed_search_is_refused() {
    let input = "dn: CN=A,DC=x\nobjectClass: user\n\nsearch: 2\nresult: 4 Size limit exceeded\n";
    check_err(input, 5, "failed search");
}

#[test]
fn each_hands_over_users_in_order_as_records_end() {
    let input = "version: 1\n\n\
        dn: CN=A,DC=x\nobjectClass: user\nmobile: 1\nmobile: 2\n\n\
        dn: CN=B,DC=x\nchangetype: delete\n\n\
        dn: CN=C,DC=x\nobjectClass: user\nproxyAddresses: SMTP:c@x\nproxyAddresses: smtp:c@y\n";
    let mut seen = Vec::new();
    let warnings = read_users_each(input.as_bytes(), |u| seen.push(u)).unwrap();
    let all = parse_users(input).unwrap();
    assert_eq!(seen, all.users);
    assert_eq!(warnings, all.warnings);
    let dns: Vec<&str> = seen.iter().map(|u| u.distinguished_name.as_str()).collect();
    assert_eq!(dns, ["CN=A,DC=x", "CN=C,DC=x"]);
    assert_eq!(warnings.len(), 2);
    // Multi-valued attributes keep no spare capacity.
    assert_eq!(seen[1].proxy_addresses.capacity(), 2);
    assert_eq!(
        read_users(LDAPSEARCH.as_bytes()).unwrap().users[0]
            .other_mobile
            .capacity(),
        2
    );
}

#[test]
fn each_stops_at_the_first_error_after_the_users_before_it() {
    let input = "dn: CN=A,DC=x\nobjectClass: user\n\ndn: CN=B,DC=x\nobjectGUID:: AAAA\n";
    let mut seen = Vec::new();
    let err = read_users_each(input.as_bytes(), |u| seen.push(u.distinguished_name)).unwrap_err();
    assert_eq!(err.line, 5);
    assert!(err.message.contains("16-byte GUID"), "{err}");
    assert_eq!(seen, ["CN=A,DC=x"]);
}

#[test]
fn a_duplicate_dn_is_an_error_naming_both_lines() {
    let text = "dn: CN=Ann,OU=Staff,DC=example,DC=com\nobjectClass: user\nsAMAccountName: ann\n\n\
                dn: cn=ann,ou=staff,dc=example,dc=com\nobjectClass: user\nsAMAccountName: ann2\n";
    let e = parse_users(text).unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    assert!(
        e.message.contains("duplicate DN") && e.message.contains("first at line 1"),
        "{e}"
    );
    // Case is folded beyond ASCII too; DNs that differ only past ASCII are not duplicates.
    let text = "dn: CN=Ümit Öz,DC=example,DC=com\nobjectClass: user\n\n\
                dn: CN=Ümit Oz,DC=example,DC=com\nobjectClass: user\n\n\
                dn: cn=ümit öz,dc=example,dc=com\nobjectClass: user\n";
    let e = parse_users(text).unwrap_err();
    assert_eq!(e.line, 7, "{e}");
    assert!(e.message.contains("first at line 1"), "{e}");
}

#[test]
fn a_nul_in_a_text_value_is_an_error_naming_the_line_but_not_in_a_guid() {
    let plain = "dn: CN=Ann,DC=example,DC=com\nobjectClass: user\nmobile: +1 555\0 0100\n";
    let e = parse_users(plain).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(
        e.message.contains("NUL") && e.message.contains("mobile"),
        "{e}"
    );

    // "+1 555\0" in base64: a NUL hidden in an encoded value is refused too.
    let encoded = "dn: CN=Ann,DC=example,DC=com\nobjectClass: user\nmobile:: KzEgNTU1AA==\n";
    let e = parse_users(encoded).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("NUL"), "{e}");

    // A GUID is binary: zero bytes are normal there.
    let guid = "dn: CN=Ann,DC=example,DC=com\nobjectClass: user\nsAMAccountName: ann\n\
                objectGUID:: AAAAAAAAAAAAAAAAAAAAAQ==\n";
    let users = parse_users(guid).unwrap();
    assert_eq!(users.users.len(), 1);
}

#[test]
fn the_writer_refuses_a_nul_in_any_text_value() {
    let mut u = OnPremUser {
        distinguished_name: "CN=Nul,DC=example,DC=com".to_owned(),
        mobile: Some("+1 555\0 0100".to_owned()),
        ..OnPremUser::default()
    };
    let e = write_users(Vec::new(), std::slice::from_ref(&u)).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("`mobile`"), "{e}");
    u.mobile = None;
    u.proxy_addresses = vec!["smtp:a\0@x".to_owned()];
    assert!(write_users(Vec::new(), std::slice::from_ref(&u)).is_err());
    u.proxy_addresses.clear();
    assert!(write_users(Vec::new(), std::slice::from_ref(&u)).is_ok());
}

/// An export of `n` users, with CRLF, comments, folded lines and records that are not users mixed in.
fn many_users(n: usize) -> String {
    let mut s = String::from("\u{feff}# an export\r\n\r\nversion: 1\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "\r\n# user {i}\r\ndn: CN=User {i},OU=Sync,\r\n DC=contoso,DC=test\r\nobjectClass: user\r\nmail: u{i}@contoso.te\r\n st\r\nproxyAddresses: SMTP:u{i}@contoso.test\r\nmobile: +1 555 {i:04}\r\n"
        ));
        if i % 7 == 3 {
            s.push_str(&format!(
                "\r\ndn: CN=PC{i},DC=contoso,DC=test\r\nobjectClass: computer\r\n"
            ));
        }
    }
    s
}

#[test]
fn parts_parsed_on_several_threads_give_the_users_in_input_order() {
    // Far more than one part (256 KiB), so the input is cut at many entry boundaries.
    let n = 12_000;
    let input = many_users(n);
    assert!(input.len() > 4 * (256 << 10));
    let got = parse_users(&input).unwrap();
    assert_eq!(got.users.len(), n);
    for (i, u) in got.users.iter().enumerate() {
        assert_eq!(
            u.distinguished_name,
            format!("CN=User {i},OU=Sync,DC=contoso,DC=test")
        );
        assert_eq!(
            u.mail.as_deref(),
            Some(format!("u{i}@contoso.test").as_str())
        );
    }
    // Read in small blocks through a trickling reader: the same users.
    let trickled = read_users(Trickle {
        data: input.as_bytes(),
        n: 4093,
    })
    .unwrap();
    assert_eq!(trickled, got);
}

#[test]
fn an_error_deep_in_a_large_input_names_the_line_of_the_whole_input() {
    let mut input = many_users(9_000);
    let line = input.matches('\n').count() + 4;
    input.push_str("\r\ndn: CN=Bad,DC=contoso,DC=test\r\nobjectClass: user\r\nmail:: !!!\r\n");
    let e = parse_users(&input).unwrap_err();
    assert_eq!(e.line, line, "{e}");
    assert!(e.message.contains("base64"), "{e}");
    // A duplicate DN far apart names both lines.
    let mut dup = many_users(9_000);
    let line = dup.matches('\n').count() + 2;
    dup.push_str("\r\ndn: CN=User 1,OU=Sync,DC=contoso,DC=test\r\nobjectClass: user\r\n");
    let e = parse_users(&dup).unwrap_err();
    assert_eq!(e.line, line, "{e}");
    assert!(e.message.contains("first at line 15"), "{e}");
}

#[test]
fn split_cuts_only_at_empty_lines_not_followed_by_a_continuation() {
    use super::blocks::{next_boundary, split};
    let text = b"dn: a\nx: 1\n\n \ndn: b\r\n\r\ndn: c\n\ndn: d\n";
    // `\n\n ` is not a boundary (an error for the parser, inside one part); `\r\n\r\n` and `\n\n` are.
    assert_eq!(next_boundary(text, 0, true), Some(23));
    let parts = split(text, 1, false);
    assert_eq!(
        parts,
        vec![
            b"dn: a\nx: 1\n\n \ndn: b\r\n\r\n".as_slice(),
            b"dn: c\n\n",
            b"dn: d\n"
        ]
    );
    // The first part of an input reaches past the comments and the first record.
    let head = b"# c\n\n# d\n\nversion: 1\n\ndn: a\n\ndn: b\n";
    assert_eq!(split(head, 1, true)[0], b"# c\n\n# d\n\nversion: 1\n\n");
    assert_eq!(
        split(head, 1, true).concat(),
        head.to_vec(),
        "the parts cover the input"
    );
}

#[test]
fn a_version_line_after_leading_comments_in_a_large_input_is_read() {
    let mut input = String::from("# one\n\n# two\n\nversion: 1\n");
    for i in 0..20_000 {
        input.push_str(&format!("\ndn: CN=U{i},DC=x\nobjectClass: user\n"));
    }
    assert_eq!(parse_users(&input).unwrap().users.len(), 20_000);
}

#[test]
fn the_utf8_read_gives_the_same_users_and_stops_at_any_byte_that_is_not_utf8() {
    use super::{ReadError, read_users_each_slice, read_users_each_utf8};
    let input = many_users(12_000);
    let mut streamed = Vec::new();
    let warnings = read_users_each_utf8(
        Trickle {
            data: input.as_bytes(),
            n: 4093,
        },
        None,
        super::Keep::ALL,
        |u| streamed.push(u),
    )
    .unwrap();
    let want = read_users(input.as_bytes()).unwrap();
    assert_eq!(streamed, want.users);
    assert_eq!(warnings, want.warnings);
    let mut sliced = Vec::new();
    read_users_each_slice(input.as_bytes(), None, super::Keep::ALL, |u| sliced.push(u)).unwrap();
    assert_eq!(sliced, want.users);
    // A Windows-1252 byte in a comment deep in the input (where the parser looks at nothing) still stops
    // the read: the caller decodes the whole file.
    let mut bytes = input.into_bytes();
    let at = bytes.len() * 3 / 4;
    let comment = at + bytes[at..].windows(6).position(|w| w == b"# user").unwrap();
    bytes.splice(comment + 2..comment + 2, b"caf\xe9 ".iter().copied());
    let got = read_users_each_utf8(bytes.as_slice(), None, super::Keep::ALL, |_| {});
    assert!(matches!(got, Err(ReadError::NotUtf8 { .. })), "{got:?}");
    // The plain reader reads it (the comment is skipped), as it always did.
    assert_eq!(read_users(bytes.as_slice()).unwrap().users.len(), 12_000);
}

#[test]
fn is_critical_system_object_is_read_and_written_back() {
    let input = "dn: CN=krbtgt,CN=Users,DC=contoso,DC=test\nobjectClass: user\nisCriticalSystemObject: TRUE\n\n\
                 dn: CN=Bob,CN=Users,DC=contoso,DC=test\nobjectClass: user\nisCriticalSystemObject: FALSE\n";
    let users = parse_users(input).unwrap().users;
    assert!(users[0].critical_system_object);
    assert!(!users[1].critical_system_object);
    let mut out = Vec::new();
    write_users(&mut out, &users).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.matches("isCriticalSystemObject: TRUE").count(),
        1,
        "{text}"
    );
    assert_eq!(parse_users(&text).unwrap().users, users);
    check_err(
        "dn: CN=x,DC=contoso,DC=test\nobjectClass: user\nisCriticalSystemObject: yes\n",
        3,
        "TRUE or FALSE",
    );
}

#[test]
fn a_custom_anchor_attribute_is_kept_as_entra_connect_encodes_it() {
    use super::{read_users_each_slice, read_users_each_utf8};
    // employeeID plain and base64-encoded (non-ASCII text), and a binary attribute.
    let input = "dn: CN=a,DC=x\nobjectClass: user\nEmployeeId: E1001\nemployeeID: E9999\n\n\
                 dn: CN=b,DC=x\nobjectClass: user\nemployeeID:: w6k3\nobjectSid:: AQUAAAAAAAUVAAAA\n\n\
                 dn: CN=c,DC=x\nobjectClass: user\nemployeeID:\nmsDS-cloudExtensionAttribute1:: AP8=\n";
    let read = |anchor: &str| {
        let mut users = Vec::new();
        read_users_each_utf8(input.as_bytes(), Some(anchor), super::Keep::ALL, |u| {
            users.push(u)
        })
        .unwrap();
        let mut sliced = Vec::new();
        read_users_each_slice(input.as_bytes(), Some(anchor), super::Keep::ALL, |u| {
            sliced.push(u)
        })
        .unwrap();
        assert_eq!(users, sliced);
        users
            .into_iter()
            .map(|u| u.custom_anchor)
            .collect::<Vec<_>>()
    };
    // The first value is kept; a UTF-8 text value in base64 is text; an empty value is no anchor.
    assert_eq!(
        read("employeeID"),
        vec![Some("E1001".to_owned()), Some("\u{e9}7".to_owned()), None]
    );
    // objectSid is binary by name; bytes that are not text are binary by value.
    assert_eq!(
        read("objectSid"),
        vec![None, Some("AQUAAAAAAAUVAAAA".to_owned()), None]
    );
    assert_eq!(
        read("msDS-cloudExtensionAttribute1"),
        vec![None, None, Some("AP8=".to_owned())]
    );
    // Without an anchor nothing extra is kept.
    assert!(
        read_users(input.as_bytes())
            .unwrap()
            .users
            .iter()
            .all(|u| u.custom_anchor.is_none())
    );
}

/// A snapshot taken with a custom source anchor keeps it: written with the anchor's name, the file reads back
/// to the same `custom_anchor` values, for a string attribute, a binary one and an attribute the writer
/// writes anyway.
#[test]
fn custom_anchor_values_survive_a_write_and_a_read_with_the_anchor() {
    let mut text_anchor = alice();
    text_anchor.custom_anchor = Some("E-1042 ü".to_owned());
    let mut plain = alice();
    plain.distinguished_name = "CN=Bob,OU=Sync,DC=contoso,DC=test".to_owned();
    plain.user_principal_name = Some("bob@contoso.test".to_owned());
    plain.custom_anchor = None;
    for (anchor, users) in [
        ("employeeID", vec![text_anchor.clone(), plain.clone()]),
        ("objectSid", {
            let mut sid = alice();
            sid.custom_anchor = Some("AQUAAAAAAAUVAAAA".to_owned());
            vec![sid]
        }),
        ("userPrincipalName", {
            let mut upn = alice();
            upn.custom_anchor = upn.user_principal_name.clone();
            vec![upn]
        }),
    ] {
        let mut out = Vec::new();
        super::write_users_anchored(&mut out, &users, Some(anchor)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.matches(&format!("\n{anchor}:")).count(),
            users.iter().filter(|u| u.custom_anchor.is_some()).count(),
            "{text}"
        );
        let mut back = Vec::new();
        super::read_users_each_slice(text.as_bytes(), Some(anchor), super::Keep::ALL, |u| {
            back.push(u)
        })
        .unwrap();
        let got: Vec<_> = back.iter().map(|u| u.custom_anchor.clone()).collect();
        let want: Vec<_> = users.iter().map(|u| u.custom_anchor.clone()).collect();
        assert_eq!(got, want, "{anchor}: {text}");
    }
    // Without the anchor's name, nothing extra is written.
    let mut out = Vec::new();
    write_users(&mut out, &[text_anchor]).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("employeeID"));
}

#[test]
fn dropped_attributes_are_not_stored_but_still_checked() {
    use super::{Keep, read_users_each_slice};
    let lean = Keep {
        sam_account_name: false,
        target_address: false,
        when_changed: false,
        all_proxy_addresses: false,
    };
    let read = |input: &str, keep: Keep| {
        let mut users = Vec::new();
        read_users_each_slice(input.as_bytes(), None, keep, |u| users.push(u)).map(|w| (users, w))
    };
    // The primary address is the first `SMTP:` value wherever it comes; the others are not stored.
    let input = "dn: CN=A,DC=t\nobjectClass: user\nsAMAccountName: a\nsAMAccountName: b\n\
        proxyAddresses: smtp:x@t\nproxyAddresses: SMTP:a@t\nproxyAddresses: SMTP:b@t\n\
        targetAddress: SMTP:a@m\nwhenChanged: 20261125143005.0Z\nmail: a@t\n\n\
        dn: CN=B,DC=t\nsAMAccountName: b\n";
    let (full, full_warnings) = read(input, Keep::ALL).unwrap();
    let (kept, warnings) = read(input, lean).unwrap();
    assert_eq!(full[0].proxy_addresses.len(), 3);
    assert_eq!(kept[0].proxy_addresses, ["SMTP:a@t"]);
    assert_eq!(
        (
            &kept[0].sam_account_name,
            &kept[0].target_address,
            &kept[0].when_changed
        ),
        (&None, &None, &None)
    );
    assert_eq!(kept[0].mail, full[0].mail);
    // A record without objectClass is still a user by its (dropped) sAMAccountName, and the second
    // sAMAccountName is still warned about.
    assert_eq!(kept.len(), 2);
    assert_eq!(full.len(), 2);
    assert_eq!(warnings, full_warnings);
    assert_eq!(warnings.len(), 1);
    // A dropped value that is not text is the same error as a kept one.
    for attr in [
        "sAMAccountName",
        "targetAddress",
        "whenChanged",
        "proxyAddresses",
    ] {
        let bad = format!("dn: CN=A,DC=t\nobjectClass: user\n{attr}:: /w==\n");
        assert_eq!(
            read(&bad, lean).unwrap_err(),
            read(&bad, Keep::ALL).unwrap_err(),
            "{attr}"
        );
    }
}
