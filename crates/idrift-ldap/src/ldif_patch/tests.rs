//! Tests of the in-place LDIF editor: a real-world-shaped export (comments, folded lines, base64 values,
//! groups and contacts, attributes idrift does not model) keeps every byte but the lines written.

use super::{AttrPlace, AttrValues, EntryEdit, patch, places, rename};
use crate::ldif::parse_users;

/// An export in the shape `ldifde -f` and `ldapsearch -LLL` give: a header comment, `version:`, users with
/// the attributes idrift ignores, a folded `description`, a base64 `cn` and DN, a group and a contact.
const RICH: &str = include_str!("../../../../tests/fixtures/ldif/fabrikam-staff.ldif");

const OSKAR: &str = "CN=Oskar Lindqvist,OU=Staff,DC=fabrikam,DC=test";
const JORG: &str = "CN=Jörg Åkerman,OU=Staff,DC=fabrikam,DC=test";

fn set(dn: &str, name: &str, values: &[&str]) -> EntryEdit {
    EntryEdit {
        dn: dn.to_owned(),
        attrs: vec![AttrValues {
            name: name.to_owned(),
            values: values.iter().map(|v| v.as_bytes().to_vec()).collect(),
            at: None,
            lines: Vec::new(),
        }],
    }
}

fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

#[test]
fn writing_one_attribute_changes_only_its_line() {
    let out = patch(
        RICH.as_bytes(),
        &[set(&OSKAR.to_lowercase(), "mobile", &["+46 70 555 0110"])],
    )
    .unwrap();
    let expected = RICH.replace("mobile: 0701234567\n", "mobile: +46 70 555 0110\n");
    assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
    let users = parse_users(std::str::from_utf8(&out).unwrap()).unwrap();
    assert_eq!(users.users[0].mobile.as_deref(), Some("+46 70 555 0110"));

    // Writing the old value back restores the original byte for byte.
    let back = patch(&out, &[set(OSKAR, "mobile", &["0701234567"])]).unwrap();
    assert_eq!(back, RICH.as_bytes());
}

#[test]
fn crlf_files_keep_their_line_ends_and_every_other_byte() {
    let rich = crlf(RICH);
    let out = patch(
        rich.as_bytes(),
        &[EntryEdit {
            dn: OSKAR.to_owned(),
            attrs: vec![
                AttrValues {
                    name: "mobile".to_owned(),
                    values: vec![b"+46 70 555 0110".to_vec()],
                    at: None,
                    lines: Vec::new(),
                },
                AttrValues {
                    name: "otherMobile".to_owned(),
                    values: vec![b"+46 70 555 0111".to_vec(), b"+46 70 555 0112".to_vec()],
                    at: None,
                    lines: Vec::new(),
                },
            ],
        }],
    )
    .unwrap();
    let expected = crlf(&RICH.replace("mobile: 0701234567\n", "mobile: +46 70 555 0110\n"));
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn an_absent_attribute_is_added_at_the_end_of_its_entry_and_removed_again() {
    let out = patch(
        RICH.as_bytes(),
        &[set(JORG, "mobile", &["+46 70 555 0120"])],
    )
    .unwrap();
    let expected = RICH.replace(
        "whenChanged: 20261120093000.0Z\n\n# A group",
        "whenChanged: 20261120093000.0Z\nmobile: +46 70 555 0120\n\n# A group",
    );
    assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
    let users = parse_users(std::str::from_utf8(&out).unwrap()).unwrap();
    assert_eq!(users.users[1].distinguished_name, JORG);
    assert_eq!(users.users[1].mobile.as_deref(), Some("+46 70 555 0120"));

    let back = patch(&out, &[set(JORG, "mobile", &[])]).unwrap();
    assert_eq!(back, RICH.as_bytes());
}

#[test]
fn a_multi_valued_attribute_is_rewritten_in_place_and_unsafe_values_are_base64() {
    let out = patch(
        RICH.as_bytes(),
        &[set(
            OSKAR,
            "othermobile",
            &["+46 70 555 0113", " leading space"],
        )],
    )
    .unwrap();
    let expected = RICH.replace(
        "otherMobile: +46 70 555 0111\notherMobile: +46 70 555 0112\n",
        "otherMobile: +46 70 555 0113\notherMobile:: IGxlYWRpbmcgc3BhY2U=\n",
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn the_same_values_leave_the_file_untouched_and_no_edits_are_the_identity() {
    let same = set(
        OSKAR,
        "otherMobile",
        &["+46 70 555 0111", "+46 70 555 0112"],
    );
    assert_eq!(patch(RICH.as_bytes(), &[same]).unwrap(), RICH.as_bytes());
    assert_eq!(patch(RICH.as_bytes(), &[]).unwrap(), RICH.as_bytes());
    let bom = format!("\u{feff}{}", crlf(RICH));
    assert_eq!(patch(bom.as_bytes(), &[]).unwrap(), bom.as_bytes());
}

#[test]
fn the_last_entry_without_a_final_line_end_is_edited_in_place() {
    let text = RICH.strip_suffix('\n').unwrap();
    let dn = "CN=Harbour Pilot Desk,OU=Contacts,DC=fabrikam,DC=test";
    let out = patch(
        text.as_bytes(),
        &[set(dn, "mail", &["desk@harbour.example"])],
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        text.replace("pilots@harbour.example", "desk@harbour.example")
    );
    let added = patch(text.as_bytes(), &[set(dn, "mobile", &["+46 31 555 0130"])]).unwrap();
    assert_eq!(
        String::from_utf8(added).unwrap(),
        format!("{text}\nmobile: +46 31 555 0130\n")
    );
}

#[test]
fn an_unknown_dn_is_an_error_and_change_records_are_never_edited() {
    let err = patch(
        RICH.as_bytes(),
        &[set("CN=Nobody,DC=fabrikam,DC=test", "mobile", &["1"])],
    )
    .unwrap_err();
    assert!(err.to_string().contains("CN=Nobody"), "{err}");

    let change = "version: 1\n\ndn: CN=A,DC=x\nchangetype: modify\nreplace: mobile\nmobile: 1\n-\n";
    let err = patch(change.as_bytes(), &[set("CN=A,DC=x", "mobile", &["2"])]).unwrap_err();
    assert!(err.to_string().contains("no entry"), "{err}");
}

#[test]
fn bad_base64_in_an_edited_entry_names_its_line() {
    let text = RICH.replace("objectGUID:: 8mQ3oFZbXkWcrg8pOmD0nQ==", "objectGUID:: ***");
    let err = patch(text.as_bytes(), &[set(OSKAR, "mobile", &["1"])]).unwrap_err();
    assert_eq!(err.line, 19, "{err}");
}

#[test]
fn a_nul_in_an_edit_is_refused_and_nothing_is_written() {
    let text = b"dn: CN=Ann,DC=example,DC=com\nobjectClass: user\nmobile: +1 555 0100\n";
    let edit = EntryEdit {
        dn: "CN=Ann,DC=example,DC=com".to_owned(),
        attrs: vec![AttrValues {
            name: "mobile".to_owned(),
            values: vec![b"+1 555\0 0200".to_vec()],
            at: None,
            lines: Vec::new(),
        }],
    };
    let e = patch(text, std::slice::from_ref(&edit)).unwrap_err();
    assert!(
        e.message.contains("NUL") && e.message.contains("`mobile`"),
        "{e}"
    );
}

/// Removing `mobile` and `otherMobile` and putting them back at the places found before gives back every
/// byte; without a place they would land at the end of the entry.
#[test]
fn a_removed_attribute_put_back_at_its_place_restores_every_byte() {
    let found = places(RICH.as_bytes(), &["mobile", "otherMobile"]).unwrap();
    let oskar = &found[&OSKAR.to_lowercase()];
    // Lines in the writer's form need no copy.
    let place = |name: &str, at: usize| AttrPlace {
        name: name.to_owned(),
        at,
        lines: Vec::new(),
    };
    assert_eq!(oskar, &vec![place("mobile", 16), place("othermobile", 17)]);
    let at = |name: &str| oskar.iter().find(|p| p.name == name).map(|p| p.at);
    let attr = |name: &str, values: &[&str], place: Option<usize>| AttrValues {
        name: name.to_owned(),
        values: values.iter().map(|v| v.as_bytes().to_vec()).collect(),
        at: place,
        lines: Vec::new(),
    };
    // One attribute, then both.
    let cleared = patch(RICH.as_bytes(), &[set(OSKAR, "mobile", &[])]).unwrap();
    assert!(!String::from_utf8_lossy(&cleared).contains("mobile: 0701234567"));
    let back = EntryEdit {
        dn: OSKAR.to_owned(),
        attrs: vec![attr("mobile", &["0701234567"], at("mobile"))],
    };
    assert_eq!(
        String::from_utf8(patch(&cleared, &[back]).unwrap()).unwrap(),
        RICH
    );
    let both = EntryEdit {
        dn: OSKAR.to_owned(),
        attrs: vec![attr("mobile", &[], None), attr("otherMobile", &[], None)],
    };
    let cleared = patch(RICH.as_bytes(), &[both]).unwrap();
    let back = EntryEdit {
        dn: OSKAR.to_owned(),
        attrs: vec![
            attr("mobile", &["0701234567"], at("mobile")),
            attr(
                "otherMobile",
                &["+46 70 555 0111", "+46 70 555 0112"],
                at("othermobile"),
            ),
        ],
    };
    assert_eq!(
        String::from_utf8(patch(&cleared, &[back]).unwrap()).unwrap(),
        RICH
    );
    // A place past the entry's end is the end.
    let far = EntryEdit {
        dn: JORG.to_owned(),
        attrs: vec![attr("mobile", &["+46 70 555 0120"], Some(999))],
    };
    let text = String::from_utf8(patch(RICH.as_bytes(), &[far]).unwrap()).unwrap();
    assert!(text.contains("whenChanged: 20261120093000.0Z\nmobile: +46 70 555 0120\n\n# A group"));
}

/// An entry whose phone lines the writer would spell differently: `mobile` folded, `otherMobile` in base64
/// (one of them folded too), split by another attribute, with a name spelled `MOBILE` and CRLF line ends,
/// the last line of the file without one.
const ODD: &str = "\
# Folded and base64 phone lines, as ldapsearch -LLL writes long or non-ASCII values.\r
dn: CN=Oskar Lindqvist,OU=Staff,DC=fabrikam,DC=test\r
objectClass: user\r
cn: Oskar Lindqvist\r
MOBILE: +46 70 555\r
  0110\r
otherMobile:: KzQ2IDcwIDU1NSAwMTEx\r
description: between the two otherMobile lines\r
otherMobile:: KzQ2IDcwIDU1NSAwMTEy\r
 IChub3J0aCBkZXBvdCk=\r
comment: last line, no line end";

/// Removing or changing phone lines the writer would spell differently, then writing the old values back with
/// the lines [`places`] recorded, gives back every byte: folding, base64, the split, the spelling, the line
/// ends. Without the lines (before) the values came back in the writer's form.
#[test]
fn removed_or_changed_folded_and_base64_lines_come_back_byte_for_byte() {
    let found = places(ODD.as_bytes(), &["mobile", "otherMobile"]).unwrap();
    let oskar = &found[&OSKAR.to_lowercase()];
    assert_eq!(oskar.len(), 2, "{oskar:?}");
    assert_eq!((oskar[0].at, oskar[1].at), (3, 4));
    assert_eq!(
        oskar[0].lines,
        vec![(3, b"MOBILE: +46 70 555\r\n  0110\r\n".to_vec())]
    );
    assert_eq!(
        oskar[1].lines.iter().map(|l| l.0).collect::<Vec<_>>(),
        vec![4, 6]
    );
    let old = |name: &str| -> AttrValues {
        let p = oskar
            .iter()
            .find(|p| p.name == name.to_lowercase())
            .unwrap();
        AttrValues {
            name: name.to_owned(),
            values: match name {
                "mobile" => vec![b"+46 70 555 0110".to_vec()],
                _ => vec![
                    b"+46 70 555 0111".to_vec(),
                    b"+46 70 555 0112 (north depot)".to_vec(),
                ],
            },
            at: Some(p.at),
            lines: p.lines.clone(),
        }
    };
    let both = |m: AttrValues, o: AttrValues| EntryEdit {
        dn: OSKAR.to_owned(),
        attrs: vec![m, o],
    };
    let new = |name: &str, values: &[&str]| {
        AttrValues::new(name, values.iter().map(|v| v.as_bytes().to_vec()).collect())
    };
    for (mobile, other) in [
        (&[][..], &[][..]),
        (&["+46 70 555 9999"][..], &["+46 70 555 9998"][..]),
        (&[][..], &["+46 70 555 0111", "a", "b"][..]),
        (&["+46 70 555 0110"][..], &[][..]),
    ] {
        let changed = patch(
            ODD.as_bytes(),
            &[both(new("mobile", mobile), new("otherMobile", other))],
        )
        .unwrap();
        assert_ne!(changed, ODD.as_bytes());
        let back = patch(&changed, &[both(old("mobile"), old("otherMobile"))]).unwrap();
        assert_eq!(
            String::from_utf8(back).unwrap(),
            ODD,
            "{mobile:?} {other:?}"
        );
        // Without the lines, the values come back in the writer's form.
        let mut plain = both(old("mobile"), old("otherMobile"));
        for a in &mut plain.attrs {
            a.lines.clear();
        }
        assert_ne!(patch(&changed, &[plain]).unwrap(), ODD.as_bytes());
    }
    // Lines that do not hold the values written are not used: the values win, in the writer's form.
    let mut other_values = old("mobile");
    other_values.values = vec![b"+46 70 555 0119".to_vec()];
    let out = patch(ODD.as_bytes(), &[both(other_values, old("otherMobile"))]).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("MOBILE: +46 70 555 0119\r\notherMobile::"),
        "{text}"
    );
    // A line that is not one logical line of the attribute is not used either.
    let mut two = old("mobile");
    two.lines = vec![(3, b"mobile: +46 70 555 0110\r\n\r\ndn: CN=x\r\n".to_vec())];
    let cleared = patch(
        ODD.as_bytes(),
        &[both(new("mobile", &[]), new("otherMobile", &[]))],
    )
    .unwrap();
    let out = patch(&cleared, &[both(two, new("otherMobile", &[]))]).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("dn: CN=x"));
}

#[test]
fn a_rename_changes_only_the_dn_line() {
    let old_dn = "CN=Oskar Lindqvist,OU=Staff,DC=fabrikam,DC=test";
    let new_dn = "CN=Oskar Lindqvist,OU=Moved,DC=fabrikam,DC=test";
    let out = rename(RICH.as_bytes(), &old_dn.to_lowercase(), new_dn).unwrap();
    let expected = RICH.replacen(&format!("dn: {old_dn}\n"), &format!("dn: {new_dn}\n"), 1);
    assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
    let users = parse_users(std::str::from_utf8(&out).unwrap())
        .unwrap()
        .users;
    assert!(users.iter().any(|u| u.distinguished_name == new_dn));
    // Back again: every byte as it was.
    assert_eq!(rename(&out, new_dn, old_dn).unwrap(), RICH.as_bytes());
    // A DN that is not a safe string is written in base64; CRLF line ends stay.
    let crlf = RICH.replace('\n', "\r\n");
    let out = rename(
        crlf.as_bytes(),
        old_dn,
        "CN=Öskar,OU=Moved,DC=fabrikam,DC=test",
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\r\ndn:: "), "{text}");
    assert_eq!(text.matches('\n').count(), crlf.matches('\n').count());
    assert!(rename(RICH.as_bytes(), "CN=Nobody,DC=x", new_dn).is_err());
    assert!(rename(RICH.as_bytes(), old_dn, "CN=a\0b").is_err());
}
