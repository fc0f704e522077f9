//! Tests of the CLIXML reader: structure, references, escapes and error positions.

use super::*;

const NS: &str =
    r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#;

fn doc(body: &str) -> Doc {
    parse(&format!("{NS}\n{body}\n</Objs>")).unwrap()
}

fn root(d: &Doc, i: usize) -> &Obj {
    d.obj(&d.roots[i]).unwrap()
}

#[test]
fn objects_type_names_members_and_primitives() {
    let d = doc(r#"<Obj RefId="0">
  <TN RefId="0"><T>Deserialized.Foo</T><T>Deserialized.System.Object</T></TN>
  <ToString>foo</ToString>
  <Props>
    <S N="Name">a_x000D__x000A_b</S>
    <I32 N="Small">-5</I32>
    <I64 N="Big">9000000000</I64>
    <U64 N="Huge">18446744073709551615</U64>
    <B N="Flag">true</B>
    <G N="Guid">f28fad8a-546d-4965-8bcd-94806d53967d</G>
    <DT N="When">2018-07-03T15:14:56.2871455-04:00</DT>
    <Db N="Ratio">1.5</Db>
    <C N="Letter">65</C>
    <Nil N="Nothing" />
    <S N="Empty" />
  </Props>
  <MS><S N="PSComputerName">outlook.office365.com</S></MS>
</Obj>"#);
    assert_eq!(d.roots.len(), 1);
    let o = root(&d, 0);
    assert_eq!(
        o.type_names,
        ["Deserialized.Foo", "Deserialized.System.Object"]
    );
    assert_eq!(o.to_string.as_deref(), Some("foo"));
    assert_eq!(o.line, Some(2));
    let p = |n: &str| d.prop(o, n).cloned();
    assert_eq!(p("name"), Some(Value::Str("a\r\nb".to_owned())));
    assert_eq!(p("Small"), Some(Value::Int(-5)));
    assert_eq!(p("Big"), Some(Value::Int(9_000_000_000)));
    assert_eq!(p("Huge"), Some(Value::UInt(u64::MAX)));
    assert_eq!(p("Flag"), Some(Value::Bool(true)));
    assert_eq!(
        p("Guid"),
        Some(Value::Other(
            "f28fad8a-546d-4965-8bcd-94806d53967d".to_owned()
        ))
    );
    assert_eq!(p("Ratio"), Some(Value::Float(1.5)));
    assert_eq!(p("Letter"), Some(Value::Str("A".to_owned())));
    assert_eq!(p("Nothing"), Some(Value::Nil));
    assert_eq!(p("Empty"), Some(Value::Str(String::new())));
    assert_eq!(
        p("PSComputerName"),
        Some(Value::Str("outlook.office365.com".to_owned()))
    );
}

#[test]
fn tnref_refs_lists_enums_and_dictionaries() {
    let d = doc(r#"<Obj RefId="0">
  <TN RefId="0"><T>Deserialized.Bucket</T></TN>
  <ToString>0 [0 B (0 bytes)]</ToString>
</Obj>
<Obj RefId="1">
  <TNRef RefId="0" />
  <Props>
    <Ref N="Again" RefId="0" />
    <Obj N="Kind" RefId="2">
      <TN RefId="1"><T>Deserialized.WellKnownFolderType</T><T>Deserialized.System.Enum</T></TN>
      <ToString>Inbox</ToString>
      <I32>10</I32>
    </Obj>
    <Obj N="List" RefId="3">
      <TN RefId="2"><T>Deserialized.System.Collections.ArrayList</T></TN>
      <LST><S>one</S><I32>2</I32><Ref RefId="2" /><Nil /></LST>
    </Obj>
    <Obj N="Table" RefId="4">
      <TN RefId="3"><T>System.Collections.Hashtable</T></TN>
      <DCT>
        <En><S N="Key">Id</S><S N="Value">user@domain.com</S></En>
      </DCT>
    </Obj>
  </Props>
</Obj>"#);
    let first = root(&d, 0);
    let second = root(&d, 1);
    assert_eq!(second.type_names, ["Deserialized.Bucket"]);
    assert_eq!(d.prop(second, "Again"), Some(&d.roots[0]));
    assert_eq!(d.text(d.prop(second, "Again").unwrap()), first.to_string);
    let kind = d.prop(second, "Kind").unwrap();
    assert_eq!(d.text(kind).as_deref(), Some("Inbox"));
    assert_eq!(d.obj(kind).unwrap().value, Some(Value::Int(10)));
    let items = d.items(d.prop(second, "List").unwrap()).unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0], Value::Str("one".to_owned()));
    assert_eq!(items[1], Value::Int(2));
    assert_eq!(&items[2], kind);
    assert_eq!(items[3], Value::Nil);
    let table = d.obj(d.prop(second, "Table").unwrap()).unwrap();
    assert_eq!(
        d.prop(table, "Id"),
        Some(&Value::Str("user@domain.com".to_owned()))
    );
}

#[test]
fn entities_character_references_and_cdata_are_resolved() {
    let d = doc(
        r#"<Obj RefId="0"><Props><S N="A">&apos;x&apos; &lt;&amp;&gt; &#x41;&#66;</S><S N="B"><![CDATA[<raw>]]></S></Props></Obj>"#,
    );
    let o = root(&d, 0);
    assert_eq!(d.prop(o, "A"), Some(&Value::Str("'x' <&> AB".to_owned())));
    assert_eq!(d.prop(o, "B"), Some(&Value::Str("<raw>".to_owned())));
}

#[test]
fn powershell_escapes_decode_including_surrogate_pairs() {
    for (escaped, text) in [
        ("plain", "plain"),
        ("a_x000D__x000A_b", "a\r\nb"),
        ("_x005F_x0041_", "_x0041_"),
        ("_xD83D__xDE00_", "\u{1F600}"),
        ("_xD83D_ lone", "\u{fffd} lone"),
        ("_x12_ _xZZZZ_ é_x0041_", "_x12_ _xZZZZ_ éA"),
    ] {
        assert_eq!(decode_ps_escapes(escaped), text, "{escaped:?}");
    }
}

#[test]
fn remoting_marker_line_is_skipped_and_positions_stay_exact() {
    let text = format!("#< CLIXML\r\n{NS}<Obj RefId=\"0\"><ToString>x</ToString></Obj></Objs>");
    let d = parse(&text).unwrap();
    assert_eq!(root(&d, 0).line, Some(2));
}

#[test]
fn mismatched_end_tag_names_line_and_column() {
    let text = format!(
        "{NS}\n<Obj RefId=\"0\">\n  <Props>\n    <S N=\"A\">x</I32>\n  </Props>\n</Obj>\n</Objs>"
    );
    let err = parse(&text).unwrap_err();
    let MigrationError::Syntax {
        format,
        line,
        column,
        message,
    } = &err
    else {
        panic!("expected a syntax error, got {err:?}");
    };
    assert_eq!(*format, InputFormat::Clixml);
    assert_eq!((*line, *column), (4, 15));
    assert!(message.contains("I32"), "{message}");
    assert!(
        err.to_string()
            .starts_with("line 4, column 15: invalid CLIXML:"),
        "{err}"
    );
}

#[test]
fn document_cut_between_elements_is_truncated() {
    let text = format!("{NS}\n<Obj RefId=\"0\">\n  <Props>\n    <S N=\"A\">x</S>\n");
    let err = parse(&text).unwrap_err();
    assert_eq!(
        err,
        MigrationError::Truncated {
            format: InputFormat::Clixml,
            line: 5,
            column: 1,
            detail: "<Props> opened on line 3 is never closed".to_owned(),
        }
    );
    assert!(err.to_string().contains("truncated"));
}

#[test]
fn document_cut_inside_a_tag_is_truncated() {
    let text = format!("{NS}\n<Obj RefId=\"0\">\n  <Props>\n    <S N=\"Ide");
    let err = parse(&text).unwrap_err();
    let MigrationError::Truncated {
        line,
        column,
        detail,
        ..
    } = &err
    else {
        panic!("expected truncation, got {err:?}");
    };
    assert_eq!((*line, *column), (4, 14));
    assert!(detail.contains("line 4, column 5"), "{detail}");
}

#[test]
fn structural_errors_are_named() {
    let cases = [
        (
            "<html><body/></html>",
            "the root element is <html>, expected <Objs>",
        ),
        (
            &format!("{NS}<Obj RefId=\"0\"><Props><Ref N=\"A\" RefId=\"7\"/></Props></Obj></Objs>"),
            "<Ref RefId=\"7\"> refers to no earlier <Obj RefId=\"7\">",
        ),
        (
            &format!("{NS}<Obj RefId=\"0\"><TNRef RefId=\"3\"/></Obj></Objs>"),
            "<TNRef RefId=\"3\"> refers to no earlier <TN RefId=\"3\">",
        ),
        (
            &format!("{NS}<Obj RefId=\"0\"><Props><I32 N=\"A\">ten</I32></Props></Obj></Objs>"),
            "<I32> holds \"ten\", expected an integer",
        ),
        (
            &format!("{NS}<Obj RefId=\"0\"><Props><S>nameless</S></Props></Obj></Objs>"),
            "a property without its N=\"name\" attribute",
        ),
        (
            &format!("{NS}<Obj RefId=\"0\"><Widget/></Obj></Objs>"),
            "unknown CLIXML element <Widget>",
        ),
        (
            &format!("{NS}stray text</Objs>"),
            "unexpected text inside <Objs>",
        ),
        ("", "no <Objs> element"),
    ];
    for (text, expected) in cases {
        let err = parse(text).unwrap_err();
        assert!(
            matches!(err, MigrationError::Syntax { .. }),
            "{text}: {err:?}"
        );
        assert!(err.to_string().contains(expected), "{text}: {err}");
    }
}

#[test]
fn unknown_content_elements_are_kept_as_text() {
    let d = doc(
        r#"<Obj RefId="0"><Props><TS N="Took">PT1H21M9.3851867S</TS><BA N="Id">AAAA</BA></Props></Obj>"#,
    );
    let o = root(&d, 0);
    assert_eq!(
        d.prop(o, "Took"),
        Some(&Value::Other("PT1H21M9.3851867S".to_owned()))
    );
    assert_eq!(d.prop(o, "Id"), Some(&Value::Other("AAAA".to_owned())));
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_with_its_line() {
    // 100,000 nested objects, one per line: the reader stops at the limit with a clear error instead of
    // spending time (it was quadratic in depth) on what no Export-Clixml writes.
    let depth = 100_000;
    let mut text = format!("{NS}\n");
    for i in 0..depth {
        text.push_str(&format!("<Obj N=\"x\" RefId=\"{i}\"><MS>\n"));
    }
    for _ in 0..depth {
        text.push_str("</MS></Obj>\n");
    }
    text.push_str("</Objs>");
    let Err(MigrationError::Syntax { line, message, .. }) = parse(&text) else {
        panic!("a depth of {depth} must be refused");
    };
    assert!(
        message.contains("nested more than 1000 levels"),
        "{message}"
    );
    // `<Objs>` is on line 1 and each line opens two elements: the 1,000th open element is on line 501.
    assert_eq!(line, 501);
}

#[test]
fn object_lines_are_counted_as_the_reader_goes() {
    let d = doc(
        "<Obj RefId=\"0\"><MS>\n<S N=\"a\">1</S></MS></Obj>\n\n<Obj RefId=\"1\"><MS><S N=\"a\">2</S></MS></Obj>",
    );
    assert_eq!(root(&d, 0).line, Some(2));
    assert_eq!(root(&d, 1).line, Some(5));
}
