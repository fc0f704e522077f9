//! Tidy checks of the layering (issue 12): who depends on whom, and what stays in the binaries' `main`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::root;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The names under `[dependencies]` of a crate's manifest.
fn dependencies(manifest: &str) -> Vec<String> {
    let mut section = String::new();
    let mut names = Vec::new();
    for line in manifest.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            l.clone_into(&mut section);
            continue;
        }
        if section == "[dependencies]" && !l.is_empty() && !l.starts_with('#') {
            let name = l.split(['=', '.', ' ']).next().unwrap_or("").trim();
            names.push(name.to_owned());
        }
    }
    names
}

#[test]
fn the_emulator_depends_on_no_client_or_application_crate() {
    let manifest =
        fs::read_to_string(root().join("crates/idrift-cloud-emulator/Cargo.toml")).unwrap();
    let deps = dependencies(&manifest);
    assert!(deps.iter().any(|d| d == "wiremock"), "{deps:?}");
    let bad: Vec<_> = deps
        .iter()
        .filter(|d| d.starts_with("idrift-") && *d != "idrift-core")
        .collect();
    assert!(
        bad.is_empty(),
        "the cloud emulator serves HTTP through wiremock and may use only idrift-core's models; it depends on {bad:?}"
    );
}

#[test]
fn memory_is_forgotten_only_in_a_binary_main() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    assert!(!files.is_empty());
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with("src/main.rs")) {
        let text = fs::read_to_string(f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//") && line.contains(concat!("mem::", "forget")) {
                found.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "libraries must free what they allocate (tests run them in-process); forget only in a binary's main:\n{}",
        found.join("\n")
    );
}
