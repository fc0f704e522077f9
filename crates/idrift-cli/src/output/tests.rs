//! Tables and escaping: whole values in pipes, fitted on terminals, control characters never raw.

use unicode_width::UnicodeWidthStr;

use super::*;

const CLEAR_SCREEN: &str = "+1 555\u{1b}[2J\u{1b}[H";
const OSC_TITLE: &str = "\u{1b}]0;pwned\u{7}alice@contoso.com";

#[test]
fn a_pipe_gets_every_value_whole_and_aligned_by_display_width() {
    let long = "x".repeat(200);
    let t = table(
        &["Name", "Value"],
        &[
            vec!["山田太郎".into(), "1".into()],
            vec!["Zoë".into(), long.clone()],
        ],
        None,
    );
    assert_eq!(
        t,
        format!(
            "Name      Value\n--------  {}\n山田太郎  1\nZoë       {long}\n",
            "-".repeat(200)
        )
    );
    assert!(!t.contains('…'));
}

#[test]
fn a_terminal_table_fits_its_width_and_loses_nothing() {
    let long = "abcdefghij".repeat(12);
    let t = table(
        &["UserPrincipalName", "Detail"],
        &[vec!["山田太郎@contoso.com".into(), long.clone()]],
        Some(60),
    );
    for line in t.lines() {
        assert!(line.width() <= 60, "{} columns: {line:?}", line.width());
    }
    let squeezed: String = t.chars().filter(|c| c.is_ascii_lowercase()).collect();
    assert!(squeezed.contains(&long), "{t}");
    assert!(t.contains("山田太郎@contoso.com"), "{t}");
}

#[test]
fn control_characters_are_escaped_in_both_layouts() {
    let rows = vec![vec![CLEAR_SCREEN.to_owned(), OSC_TITLE.to_owned()]];
    for width in [None, Some(120)] {
        let t = table(&["Mobile", "UserPrincipalName"], &rows, width);
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t:?}");
        assert!(t.contains(r"+1 555\x1b[2J\x1b[H"), "{t}");
        assert!(t.contains(r"\x1b]0;pwned\x07alice@contoso.com"), "{t}");
    }
}

#[test]
fn escape_borrows_clean_text_and_marks_bidi_overrides() {
    assert!(matches!(escape("Zoë Müller"), Cow::Borrowed(_)));
    assert_eq!(escape("a\tb\r\nc\u{7f}"), r"a\x09b\x0d\x0ac\x7f");
    assert_eq!(escape("evil\u{202e}txt.exe"), r"evil\u{202e}txt.exe");
    assert_eq!(escape(r"CN=Doe\, John"), r"CN=Doe\, John");
}

#[test]
fn fields_pad_names_and_escape_values() {
    let f = fields(&[
        ("UserPrincipalName", "a@b.c".to_owned()),
        ("Mobile", CLEAR_SCREEN.to_owned()),
    ]);
    assert_eq!(
        f,
        "UserPrincipalName : a@b.c\nMobile            : +1 555\\x1b[2J\\x1b[H\n"
    );
}

#[test]
fn standard_error_escapes_control_characters_but_keeps_lines() {
    use std::io::Write as _;
    let mut buf = Vec::new();
    let mut w = Escaping(&mut buf);
    write!(w, "warning: {OSC_TITLE}\nnext line").unwrap();
    assert_eq!(
        String::from_utf8(buf).unwrap(),
        "warning: \\x1b]0;pwned\\x07alice@contoso.com\nnext line"
    );
    assert_eq!(escape_lines("a\u{1b}\nb"), "a\\x1b\nb");
}
