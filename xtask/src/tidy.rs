//! Tidy checks: the project's code invariants, enforced as tests (`cargo test -p xtask`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::root;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if name == "target" || name.starts_with('.') || name == "fixtures" {
                continue;
            }
            rust_files(&p, out);
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

fn all_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for d in ["crates", "xtask", "tests"] {
        rust_files(&root().join(d), &mut files);
    }
    files
}

/// Test code: `tests.rs` modules, `test_support.rs` modules (shared test fixtures; compiled only for tests, see
/// [`test_support_modules_are_compiled_only_for_tests`]), and the `tests/` and `benches/` folders.
fn is_test_file(p: &Path) -> bool {
    let s = p.to_string_lossy();
    s.ends_with("/tests.rs")
        || s.ends_with("/test_support.rs")
        || s.contains("/tests/")
        || s.contains("/benches/")
}

/// A `test_support` module is exempt from the library rules only because it is compiled for tests alone:
/// its declaration must follow `#[cfg(test)]`.
#[test]
fn test_support_modules_are_compiled_only_for_tests() {
    let mut bad = Vec::new();
    for f in all_sources() {
        let text = fs::read_to_string(&f).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            let declares = t.starts_with("mod test_support")
                || (t.starts_with("pub") && t.contains(" mod test_support"));
            if declares && (i == 0 || lines[i - 1].trim() != "#[cfg(test)]") {
                bad.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a test_support module must be declared under #[cfg(test)]: {bad:?}"
    );
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let mut missing = Vec::new();
    for f in all_sources() {
        let text = fs::read_to_string(&f).unwrap_or_default();
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if !first.starts_with("//!") {
            missing.push(f.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "files without a `//!` module doc:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_unwrap_or_expect_in_library_sources() {
    let mut found = Vec::new();
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().contains("/src/") && !is_test_file(f))
    {
        let text = fs::read_to_string(f).unwrap_or_default();
        // Code after an inline `#[cfg(test)] mod tests {` is test code.
        let code = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            if l.contains(".unwrap()") || l.contains(".expect(") {
                found.push(format!("{}:{}: {}", f.display(), i + 1, l));
            }
        }
    }
    assert!(
        found.is_empty(),
        "unwrap/expect in library code:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_ignored_tests_panic_expectations_or_stubs() {
    let mut found = Vec::new();
    let needles = [
        concat!("#[", "ignore"),
        concat!("should", "_panic"),
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
    ];
    for f in all_sources() {
        let text = fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if needles.iter().any(|n| line.contains(n)) {
                found.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "ignored tests, panic-expecting tests or stubs:\n{}",
        found.join("\n")
    );
}

/// What idrift-core may depend on: nothing that does I/O.
const CORE_ALLOWED: &[&str] = &[
    "async-trait",
    "base64",
    "encoding_rs",
    "foldhash",
    "hashbrown",
    "phonenumber",
    "psl",
    "quick-xml",
    "serde",
    "serde_json",
    "thiserror",
];

#[test]
fn core_dependency_allow_list() {
    let manifest = fs::read_to_string(root().join("crates/idrift-core/Cargo.toml")).unwrap();
    let mut section = String::new();
    let mut bad = Vec::new();
    for line in manifest.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l.to_owned();
            continue;
        }
        if section == "[dependencies]" && !l.is_empty() && !l.starts_with('#') {
            let name = l.split(['=', '.', ' ']).next().unwrap_or("").trim();
            if !CORE_ALLOWED.contains(&name) {
                bad.push(name.to_owned());
            }
        }
    }
    assert!(
        bad.is_empty(),
        "idrift-core depends on crates outside the allow-list: {bad:?}"
    );
}

#[test]
fn core_is_pure() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/idrift-core/src"), &mut files);
    assert!(!files.is_empty());
    let banned = [
        "std::fs",
        "std::net",
        "tokio",
        "std::env",
        "SystemTime",
        "Instant::now",
        "std::process",
        "std::io::stdin",
        "println!",
        "eprintln!",
    ];
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !is_test_file(f)) {
        let text = fs::read_to_string(f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for b in banned {
                if line.contains(b) {
                    found.push(format!("{}:{}: {b}", f.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "I/O, clock or environment in idrift-core:\n{}",
        found.join("\n")
    );
}
