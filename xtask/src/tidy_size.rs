//! Size limits on production code, enforced as tests (`cargo test -p xtask`): no production file over
//! [`MAX_FILE_LINES`] lines and no production function over [`MAX_FN_LINES`] lines (issue 12: a file or a
//! function past these sizes holds more than one idea, and reviews of it miss things).
//!
//! Production code is every `.rs` file under `crates/*/src` and `xtask/src`, except test files (`tests.rs`,
//! `tests/`, `benches/`), the test-only xtask modules, and what follows an inline `#[cfg(test)]`. Functions are
//! found with a small lexer that skips comments, strings (raw ones too) and character literals, then counts
//! from the line of `fn` to the line of its closing brace.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::root;

/// The longest a production file may be, in lines.
const MAX_FILE_LINES: usize = 1_200;
/// The longest a production function may be, in lines (signature to closing brace).
const MAX_FN_LINES: usize = 150;

/// Functions still over the limit, each with its length today: the list only shrinks. A listed function that
/// grows, or one that is fixed but still listed, fails the check too, so the list stays true.
const NOT_YET_SPLIT: &[(&str, &str, usize)] = &[];

/// xtask modules compiled only for tests: checks, not production code.
const TEST_ONLY_XTASK: &[&str] = &[
    "ps51.rs",
    "pwsh.rs",
    "tidy.rs",
    "tidy_layers.rs",
    "tidy_size.rs",
];

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if matches!(name.as_str(), "tests" | "benches" | "fixtures" | "target") {
                continue;
            }
            collect(&p, out);
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(p);
        }
    }
}

fn production_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let crates = root().join("crates");
    if let Ok(entries) = fs::read_dir(&crates) {
        for e in entries.flatten() {
            collect(&e.path().join("src"), &mut files);
        }
    }
    let mut xtask = Vec::new();
    collect(&root().join("xtask/src"), &mut xtask);
    files.extend(xtask.into_iter().filter(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        !name.is_some_and(|n| TEST_ONLY_XTASK.contains(&n.as_str()))
    }));
    files.sort();
    files
}

/// The production part of a file: everything before its first `#[cfg(test)]` line.
fn production_part(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "#[cfg(test)]" {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

/// `src` with comments, strings and character literals blanked out (newlines kept, so line numbers hold).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |out: &mut String, from: &[u8]| {
        for &c in from {
            out.push(if c == b'\n' { '\n' } else { ' ' });
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"/*") {
            let end = find(rest, b"*/", 2).map_or(rest.len(), |e| e + 2);
            blank(&mut out, &rest[..end]);
            i += end;
        } else if let Some(len) = raw_string(b, i) {
            blank(&mut out, &b[i..i + len]);
            i += len;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            blank(&mut out, &b[i..end]);
            i = end;
        } else if b[i] == b'\'' {
            let len = char_literal(rest);
            blank(&mut out, &rest[..len]);
            i += len;
        } else {
            out.push(char::from(b[i]));
            i += 1;
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`, `br"…"`) starting at `i`, if one does.
fn raw_string(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    let end = find(b, &close, j + 1).map_or(b.len(), |e| e + close.len());
    Some(end - i)
}

/// The length of a character literal at the start of `rest`, or 1 for a lifetime's quote.
fn char_literal(rest: &[u8]) -> usize {
    if rest.get(1) == Some(&b'\\') {
        // '\n', '\'', '\x7f', '\u{1F600}'
        return rest
            .iter()
            .skip(2)
            .position(|&c| c == b'\'')
            .map_or(1, |p| p + 3);
    }
    // 'a' (one UTF-8 character, then a quote), else a lifetime
    let width = match rest.get(1) {
        Some(&c) if c < 0x80 => 1,
        Some(&c) if c >= 0xF0 => 4,
        Some(&c) if c >= 0xE0 => 3,
        Some(_) => 2,
        None => return 1,
    };
    if rest.get(1 + width) == Some(&b'\'') {
        2 + width
    } else {
        1
    }
}

/// The name of the function a line declares, if it does (`pub(crate) async fn name`, …).
fn fn_name(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    let mut w = words.next()?;
    loop {
        if w == "fn" {
            let name = words.next()?;
            return Some(name.split(['<', '(']).next().unwrap_or(name));
        }
        let modifier = w.starts_with("pub")
            || matches!(
                w,
                "const" | "async" | "unsafe" | "extern" | "\"C\"" | "default"
            );
        if !modifier {
            return None;
        }
        w = words.next()?;
    }
}

/// Every function with a body in `code` (comments and strings blanked): name, first line (1-based), lines.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else {
            continue;
        };
        let mut depth = 0usize;
        let mut opened = false;
        'scan: for (end, l) in lines.iter().enumerate().skip(start) {
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if opened && depth == 0 {
                            out.push((name.to_owned(), start + 1, end - start + 1));
                            break 'scan;
                        }
                    }
                    ';' if !opened => break 'scan,
                    _ => {}
                }
            }
        }
    }
    out
}

#[test]
fn no_production_file_or_function_is_too_long() {
    let mut found = Vec::new();
    let mut listed_seen = Vec::new();
    for f in production_files() {
        let text = fs::read_to_string(&f).unwrap_or_default();
        let code = production_part(&text);
        let rel = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        let n = code.lines().count();
        if n > MAX_FILE_LINES {
            found.push(format!("{rel}: {n} lines (at most {MAX_FILE_LINES})"));
        }
        for (name, line, len) in functions(&code_only(code)) {
            let listed = NOT_YET_SPLIT
                .iter()
                .find(|(file, f, _)| *file == rel && *f == name);
            if let Some((_, _, known)) = listed
                && len > MAX_FN_LINES
            {
                listed_seen.push((rel.clone(), name.clone()));
                if len > *known {
                    found.push(format!(
                        "{rel}:{line}: fn {name} has {len} lines; NOT_YET_SPLIT says {known}: update the list \
                         (it only shrinks)"
                    ));
                }
                continue;
            }
            if len > MAX_FN_LINES {
                found.push(format!(
                    "{rel}:{line}: fn {name} has {len} lines (at most {MAX_FN_LINES})"
                ));
            }
        }
    }
    for (file, name, _) in NOT_YET_SPLIT {
        if !listed_seen.iter().any(|(f, n)| f == file && n == name) {
            found.push(format!(
                "{file}: fn {name} is within the limit now: remove it from NOT_YET_SPLIT"
            ));
        }
    }
    assert!(
        found.is_empty(),
        "split these (issue 12: one idea per file and per function):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_lexer_sees_functions_through_strings_comments_and_lifetimes() {
    let src = concat!(
        "/// doc {\n",
        "pub(crate) async fn a<'x>(s: &'x str) -> char {\n",
        "    let _ = \"}}}\"; // }\n",
        "    let _ = r#\"{ \"# ;\n",
        "    /* { */ let c = '{';\n",
        "    c\n",
        "}\n",
        "fn b();\n",
        "const fn c() {}\n",
    );
    let fns = functions(&code_only(src));
    assert_eq!(
        fns,
        vec![("a".to_owned(), 2, 6), ("c".to_owned(), 9, 1)],
        "{}",
        code_only(src)
    );
    // A file cut at its tests: the tests do not count.
    assert_eq!(production_part("a\n#[cfg(test)]\nmod tests;\n"), "a\n");
}
