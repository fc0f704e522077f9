//! Tests of file decoding, folder expansion and batch verification.

use super::*;
use idrift_core::migration::Verdict;

const ARTICLE_XML: &str = include_str!("../../../../examples/migration/article-user.xml");

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

#[test]
fn decodes_utf8_utf16_and_windows_1252() {
    assert_eq!(decode_text(b"\xEF\xBB\xBFabc").unwrap(), "abc");
    assert_eq!(decode_text("a…b".as_bytes()).unwrap(), "a…b");
    assert_eq!(decode_text(&utf16le("<Objs>…", true)).unwrap(), "<Objs>…");
    assert_eq!(decode_text(&utf16le("<Objs>", false)).unwrap(), "<Objs>");
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain("Hi".encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    assert_eq!(decode_text(&be).unwrap(), "Hi");
    assert_eq!(decode_text(b"{0, 0, 0, 0\x85}").unwrap(), "{0, 0, 0, 0…}");
    assert_eq!(decode_text(b"").unwrap(), "");
}

#[test]
fn broken_utf16_is_an_error() {
    let mut odd = utf16le("<Objs>", true);
    odd.push(b'x');
    assert_eq!(
        decode_text(&odd).unwrap_err(),
        "UTF-16 LE text with an odd number of bytes (15): the file looks truncated"
    );
    let lone = [0xFF, 0xFE, 0x3D, 0xD8, b'a', 0];
    assert_eq!(
        decode_text(&lone).unwrap_err(),
        "invalid UTF-16 LE at byte offset 2 (line 1): an unpaired surrogate"
    );
}

#[test]
fn unnamed_users_are_named_after_the_file() {
    let one = "Source : 1 [1 B (1 bytes)]\nTarget : 1 [1 B (1 bytes)]\nFolderSourcePath : /Inbox\n";
    let (format, users) = verify_text("alice", one).unwrap();
    assert_eq!(format, InputFormat::FormatList);
    assert_eq!(users[0].identity, "alice");
    assert_eq!(users[0].input_format, Some(InputFormat::FormatList));
    let two = r#"[{"BytesTransferred":"1 B (1 bytes)"},{"Identity":"bob@x.com","BytesTransferred":"1 B (1 bytes)"}]"#;
    let (_, users) = verify_text("batch", two).unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.identity.as_str()).collect();
    assert_eq!(names, ["batch #1", "bob@x.com"]);
}

#[test]
fn folder_batch_reads_files_in_name_order_and_collects_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b-article.xml"), utf16le(ARTICLE_XML, true)).unwrap();
    fs::write(dir.path().join("a-broken.json"), "{\"Identity\": ").unwrap();
    fs::write(dir.path().join(".hidden"), "ignored").unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub").join("x.txt"), "ignored").unwrap();
    let missing = dir.path().join("nope.xml");
    let outcome = verify_paths(&[dir.path().to_path_buf(), missing.clone()]);
    assert_eq!(outcome.files.len(), 1);
    assert_eq!(outcome.files[0].format, InputFormat::Clixml);
    assert_eq!(outcome.report.users.len(), 1);
    let u = &outcome.report.users[0];
    assert_eq!(u.verdict, Verdict::Pass);
    assert_eq!(
        u.source_file.as_deref(),
        Some(
            dir.path()
                .join("b-article.xml")
                .display()
                .to_string()
                .as_str()
        )
    );
    assert_eq!(outcome.errors.len(), 2);
    let first = outcome.errors[0].to_string();
    assert!(
        first.contains("a-broken.json: line 1, column 13: the JSON ends early"),
        "{first}"
    );
    assert!(matches!(&outcome.errors[1], AppError::Read { path, .. } if *path == missing));
}

#[test]
fn empty_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = input_files(dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("the folder holds no files to verify"),
        "{err}"
    );
}
