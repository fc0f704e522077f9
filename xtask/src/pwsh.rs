//! PowerShell checks that run without pwsh (`cargo test -p xtask`): the substitute for PSScriptAnalyzer and
//! `Module.Tests.ps1` on machines that cannot install PowerShell.
//!
//! - every `.ps1`, `.psm1` and `.psd1` under `powershell/` parses with tree-sitter-powershell (errors are
//!   reported as `file:row:col`), and is ASCII (Windows PowerShell 5.1 reads BOM-less files in the ANSI code
//!   page);
//! - the manifest exports exactly the `Public/*.ps1` file names, each file defines the one function it is
//!   named after, and the manifest has the fields the PowerShell Gallery and PSScriptAnalyzer ask for;
//! - every exported function has comment-based help with `.SYNOPSIS`, `.DESCRIPTION`, `.PARAMETER` for each
//!   parameter, `.EXAMPLE` and `.OUTPUTS`;
//! - every function whose verb changes state declares `SupportsShouldProcess` and calls
//!   `$PSCmdlet.ShouldProcess`, with `ConfirmImpact = 'High'` where it deletes or overwrites;
//! - the `DllImport` declarations in `Private/Native.ps1` (the only file allowed to have any) match the exports
//!   of `crates/idrift-ffi/src/abi.rs` symbol by symbol and type by type, and the built library's dynamic
//!   symbols when `cargo xtask dist` has put one in `bin/<rid>/`;
//! - every operation a public function sends is one the library serves.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

use crate::util::root;

fn powershell_dir() -> PathBuf {
    root().join("powershell")
}

fn module_dir() -> PathBuf {
    powershell_dir().join("IdentityDrift")
}

fn ffi_src() -> PathBuf {
    root().join("crates/idrift-ffi/src")
}

pub(crate) fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()))
}

/// Every PowerShell source under `dir`, except built files in `bin/`.
fn powershell_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() {
            if name != "bin" && !name.starts_with('.') {
                powershell_files(&p, out);
            }
        } else if [".ps1", ".psm1", ".psd1"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            out.push(p);
        }
    }
}

pub(crate) fn all_powershell_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    powershell_files(&powershell_dir(), &mut files);
    files
}

fn public_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(module_dir().join("Public"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ps1"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

pub(crate) fn parse(src: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("the PowerShell grammar matches this tree-sitter version");
    parser
        .parse(src, None)
        .expect("the parser returns a tree when no timeout or cancellation is set")
}

pub(crate) fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    node.utf8_text(src.as_bytes()).unwrap_or("")
}

/// Every node under `node`, depth first.
pub(crate) fn descendants<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

/// `file:row:col: ...` for every error or missing node (rows and columns from 1).
fn syntax_errors(label: &str, src: &str) -> Vec<String> {
    let tree = parse(src);
    let mut errors = Vec::new();
    for n in descendants(tree.root_node()) {
        if !(n.is_error() || n.is_missing()) {
            continue;
        }
        let at = n.start_position();
        let what = if n.is_missing() {
            format!("missing {}", n.kind())
        } else {
            let snippet: String = text(n, src)
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            format!("syntax error near {snippet:?}")
        };
        errors.push(format!("{label}:{}:{}: {what}", at.row + 1, at.column + 1));
    }
    errors
}

#[test]
fn every_powershell_file_parses() {
    let files = all_powershell_files();
    assert!(
        files.len() >= 5,
        "expected the module's PowerShell files under {}",
        powershell_dir().display()
    );
    let mut errors = Vec::new();
    for f in &files {
        errors.extend(syntax_errors(&f.display().to_string(), &read(f)));
    }
    assert!(
        errors.is_empty(),
        "PowerShell syntax errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_powershell_file_is_ascii() {
    let mut found = Vec::new();
    for f in all_powershell_files()
        .iter()
        .chain([module_dir().join("IdentityDrift.format.ps1xml")].iter())
    {
        for (i, line) in read(f).lines().enumerate() {
            if let Some(col) = line
                .char_indices()
                .find(|(_, c)| !c.is_ascii())
                .map(|(c, _)| c)
            {
                found.push(format!(
                    "{}:{}:{}: non-ASCII character",
                    f.display(),
                    i + 1,
                    col + 1
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Windows PowerShell 5.1 misreads non-ASCII text in BOM-less files:\n{}",
        found.join("\n")
    );
}

/// The string values of the manifest entry `key` (all string literals under it), or `None` when absent.
fn manifest_strings(src: &str, key: &str) -> Option<Vec<String>> {
    let tree = parse(src);
    for n in descendants(tree.root_node()) {
        if n.kind() != "hash_entry" {
            continue;
        }
        let mut cursor = n.walk();
        let mut children = n.named_children(&mut cursor);
        let (Some(k), Some(v)) = (children.next(), children.next()) else {
            continue;
        };
        if !text(k, src).trim().eq_ignore_ascii_case(key) {
            continue;
        }
        let values = descendants(v)
            .into_iter()
            .filter(|d| d.kind() == "string_literal")
            .map(|d| unquote(text(d, src)).to_owned())
            .collect();
        return Some(values);
    }
    None
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|r| r.strip_suffix('"')))
        .unwrap_or(s)
}

fn manifest() -> String {
    read(&module_dir().join("IdentityDrift.psd1"))
}

#[test]
fn manifest_exports_equal_the_public_files() {
    let src = manifest();
    let exported: BTreeSet<String> = manifest_strings(&src, "FunctionsToExport")
        .expect("the manifest has FunctionsToExport")
        .into_iter()
        .collect();
    assert!(
        !exported.iter().any(|e| e.contains('*')),
        "FunctionsToExport must not use wildcards: {exported:?}"
    );
    let files: BTreeSet<String> = public_files()
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    assert!(!files.is_empty(), "no Public/*.ps1 files");
    let only_manifest: Vec<_> = exported.difference(&files).collect();
    let only_files: Vec<_> = files.difference(&exported).collect();
    assert!(
        only_manifest.is_empty() && only_files.is_empty(),
        "FunctionsToExport differs from Public/*.ps1: only in the manifest {only_manifest:?}, only as files {only_files:?}"
    );
    for key in ["CmdletsToExport", "VariablesToExport", "AliasesToExport"] {
        let values =
            manifest_strings(&src, key).unwrap_or_else(|| panic!("the manifest has no {key}"));
        assert!(values.is_empty(), "{key} must be @(), found {values:?}");
    }
}

#[test]
fn manifest_has_the_required_fields() {
    let src = manifest();
    let one = |key: &str| -> String {
        let v = manifest_strings(&src, key).unwrap_or_default();
        assert_eq!(
            v.len(),
            1,
            "the manifest needs exactly one {key} value, found {v:?}"
        );
        v[0].clone()
    };
    assert_eq!(one("PowerShellVersion"), "5.1");
    let editions: BTreeSet<String> = manifest_strings(&src, "CompatiblePSEditions")
        .unwrap_or_default()
        .into_iter()
        .collect();
    assert_eq!(
        editions,
        ["Core", "Desktop"].iter().map(|s| s.to_string()).collect()
    );
    for key in [
        "ModuleVersion",
        "GUID",
        "Author",
        "Description",
        "LicenseUri",
        "ProjectUri",
    ] {
        assert!(!one(key).trim().is_empty(), "{key} is empty");
    }
    assert!(
        !manifest_strings(&src, "Tags")
            .unwrap_or_default()
            .is_empty(),
        "PSData.Tags is empty"
    );
    let root_module = one("RootModule");
    assert!(
        module_dir().join(&root_module).is_file(),
        "RootModule {root_module} does not exist"
    );
    let formats = manifest_strings(&src, "FormatsToProcess").unwrap_or_default();
    assert!(!formats.is_empty(), "FormatsToProcess is empty");
    for f in formats {
        assert!(
            module_dir().join(&f).is_file(),
            "FormatsToProcess names {f}, which does not exist"
        );
    }
}

/// What the checks need to know about one public function.
#[derive(Debug)]
struct PublicFunction {
    label: String,
    name: String,
    help: Option<String>,
    params: Vec<String>,
    /// `SupportsShouldProcess` declared (without `= $false`).
    supports_should_process: bool,
    confirm_impact: Option<String>,
    /// Calls `$PSCmdlet.ShouldProcess` (or, in a private helper handed the caller, `$Cmdlet.ShouldProcess`).
    calls_should_process: bool,
    /// The `-Op` values the function sends.
    ops: Vec<String>,
    /// The commands it invokes.
    commands: BTreeSet<String>,
}

/// Reads the function(s) defined at the top of a `Public/*.ps1` file.
fn public_functions(label: &str, src: &str) -> Vec<PublicFunction> {
    let tree = parse(src);
    let mut out = Vec::new();
    for f in descendants(tree.root_node())
        .into_iter()
        .filter(|n| n.kind() == "function_statement")
    {
        let name = first_child_of_kind(f, "function_name")
            .map(|n| text(n, src).to_owned())
            .unwrap_or_default();
        // Comment-based help is the first block comment inside the function (or right before it).
        let inside = {
            let mut cursor = f.walk();
            f.named_children(&mut cursor)
                .find(|c| c.kind() == "comment" && text(*c, src).starts_with("<#"))
                .map(|c| text(c, src).to_owned())
        };
        let before = f
            .prev_named_sibling()
            .filter(|p| p.kind() == "comment" && text(*p, src).starts_with("<#"))
            .map(|p| text(p, src).to_owned());
        let body = first_child_of_kind(f, "script_block");
        let param_block = body.and_then(|b| first_child_of_kind(b, "param_block"));
        let mut params = Vec::new();
        let mut supports_should_process = false;
        let mut confirm_impact = None;
        if let Some(pb) = param_block {
            if let Some(list) = first_child_of_kind(pb, "parameter_list") {
                let mut cursor = list.walk();
                for p in list
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "script_parameter")
                {
                    if let Some(v) = first_child_of_kind(p, "variable") {
                        params.push(text(v, src).trim_start_matches('$').to_owned());
                    }
                }
            }
            if let Some(attrs) = first_child_of_kind(pb, "attribute_list") {
                let mut cursor = attrs.walk();
                for a in attrs.named_children(&mut cursor) {
                    let is_binding = first_child_of_kind(a, "attribute_name")
                        .is_some_and(|n| text(n, src).eq_ignore_ascii_case("CmdletBinding"));
                    let Some(args) =
                        first_child_of_kind(a, "attribute_arguments").filter(|_| is_binding)
                    else {
                        continue;
                    };
                    let mut c2 = args.walk();
                    for arg in args.named_children(&mut c2) {
                        let mut c3 = arg.walk();
                        let mut parts = arg.named_children(&mut c3);
                        let key = parts
                            .next()
                            .map(|k| text(k, src).to_owned())
                            .unwrap_or_default();
                        let value = parts.next().map(|v| unquote(text(v, src)).to_owned());
                        if key.eq_ignore_ascii_case("SupportsShouldProcess") {
                            supports_should_process = value
                                .as_deref()
                                .is_none_or(|v| v.eq_ignore_ascii_case("$true"));
                        } else if key.eq_ignore_ascii_case("ConfirmImpact") {
                            confirm_impact = value;
                        }
                    }
                }
            }
        }
        let all = descendants(f);
        let calls_should_process = all.iter().any(|n| {
            n.kind() == "invokation_expression" && {
                let t = text(*n, src).to_ascii_lowercase();
                ["$pscmdlet.", "$cmdlet."].iter().any(|v| {
                    t.starts_with(&format!("{v}shouldprocess("))
                        || t.starts_with(&format!("{v}shouldcontinue("))
                })
            }
        });
        let mut ops = Vec::new();
        let mut commands = BTreeSet::new();
        for cmd in all.iter().filter(|n| n.kind() == "command") {
            if let Some(n) = first_child_of_kind(*cmd, "command_name") {
                commands.insert(text(n, src).to_ascii_lowercase());
            }
            let mut cursor = cmd.walk();
            let elements: Vec<Node<'_>> = cmd
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "command_elements")
                .flat_map(|e| {
                    let mut c2 = e.walk();
                    e.named_children(&mut c2)
                        .filter(|x| x.kind() != "command_argument_sep")
                        .collect::<Vec<_>>()
                })
                .collect();
            for pair in elements.windows(2) {
                if pair[0].kind() == "command_parameter"
                    && text(pair[0], src).eq_ignore_ascii_case("-Op")
                {
                    ops.push(unquote(text(pair[1], src)).to_owned());
                }
            }
        }
        out.push(PublicFunction {
            label: label.to_owned(),
            name,
            help: inside.or(before),
            params,
            supports_should_process,
            confirm_impact,
            calls_should_process,
            ops,
            commands,
        });
    }
    out
}

fn all_public_functions() -> Vec<PublicFunction> {
    let mut all = Vec::new();
    for f in public_files() {
        let label = f.display().to_string();
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let functions = public_functions(&label, &read(&f));
        let names: Vec<&str> = functions.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            [stem.as_str()],
            "{label} must define exactly the function it is named after"
        );
        all.extend(functions);
    }
    all
}

/// Comment-based help split into sections: keyword (upper case) -> contents, with `.PARAMETER x` and
/// `.EXAMPLE` kept apart per occurrence.
fn help_sections(help: &str) -> Vec<(String, String)> {
    let body = help.trim().trim_start_matches("<#").trim_end_matches("#>");
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        let keyword = t.strip_prefix('.').and_then(|rest| {
            let word = rest.split_whitespace().next().unwrap_or("");
            (!word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic()))
                .then(|| rest.to_owned())
        });
        match keyword {
            Some(k) => {
                let mut parts = k.split_whitespace();
                let word = parts.next().unwrap_or("").to_ascii_uppercase();
                let arg = parts.collect::<Vec<_>>().join(" ");
                let key = if arg.is_empty() {
                    word
                } else {
                    format!("{word} {arg}")
                };
                sections.push((key, String::new()));
            }
            None => {
                if let Some((_, content)) = sections.last_mut() {
                    content.push_str(t);
                    content.push('\n');
                }
            }
        }
    }
    sections
}

/// What is missing from one function's help.
fn help_problems(f: &PublicFunction) -> Vec<String> {
    let Some(help) = &f.help else {
        return vec![format!("{} ({}): no comment-based help", f.name, f.label)];
    };
    let sections = help_sections(help);
    let has = |key: &str| {
        sections
            .iter()
            .any(|(k, c)| k.eq_ignore_ascii_case(key) && !c.trim().is_empty())
    };
    let mut problems = Vec::new();
    for key in ["SYNOPSIS", "DESCRIPTION", "EXAMPLE", "OUTPUTS"] {
        if !has(key) {
            problems.push(format!("{}: help has no (or an empty) .{key}", f.name));
        }
    }
    for p in &f.params {
        if !has(&format!("PARAMETER {p}")) {
            problems.push(format!("{}: help has no .PARAMETER {p}", f.name));
        }
    }
    for (k, _) in &sections {
        if let Some(name) = k.strip_prefix("PARAMETER ")
            && !f.params.iter().any(|p| p.eq_ignore_ascii_case(name))
        {
            problems.push(format!(
                "{}: help documents .PARAMETER {name}, which does not exist",
                f.name
            ));
        }
    }
    problems
}

#[test]
fn every_exported_function_has_help() {
    let functions = all_public_functions();
    assert!(!functions.is_empty());
    let problems: Vec<String> = functions.iter().flat_map(help_problems).collect();
    assert!(
        problems.is_empty(),
        "comment-based help problems:\n{}",
        problems.join("\n")
    );
}

/// Verbs whose commands change state: they must support -WhatIf and -Confirm.
const WRITER_VERBS: &[&str] = &[
    "Add",
    "Clear",
    "Connect",
    "Disable",
    "Disconnect",
    "Enable",
    "Install",
    "Invoke",
    "Move",
    "New",
    "Publish",
    "Register",
    "Remove",
    "Rename",
    "Reset",
    "Restore",
    "Set",
    "Start",
    "Stop",
    "Undo",
    "Uninstall",
    "Unregister",
    "Update",
    "Write",
];

/// Verbs whose commands delete or overwrite: ConfirmImpact must be High.
const HIGH_IMPACT_VERBS: &[&str] = &["Clear", "Remove", "Reset", "Restore", "Set", "Undo"];

/// Commands with other verbs that delete or overwrite.
const HIGH_IMPACT_COMMANDS: &[&str] = &["Invoke-DriftRemediation"];

fn verb(name: &str) -> &str {
    name.split('-').next().unwrap_or("")
}

/// The private functions that call ShouldProcess on the cmdlet handed to them (lower case).
fn should_process_helpers() -> BTreeSet<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(module_dir().join("Private"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "ps1"))
        .flat_map(|p| public_functions(&p.display().to_string(), &read(p)))
        .filter(|f| f.calls_should_process)
        .map(|f| f.name.to_ascii_lowercase())
        .collect()
}

fn should_process_problems(f: &PublicFunction, helpers: &BTreeSet<String>) -> Vec<String> {
    let calls = f.calls_should_process || f.commands.iter().any(|c| helpers.contains(c));
    let mut problems = Vec::new();
    let writer = WRITER_VERBS
        .iter()
        .any(|v| v.eq_ignore_ascii_case(verb(&f.name)));
    if writer && !f.supports_should_process {
        problems.push(format!(
            "{}: changes state but does not declare [CmdletBinding(SupportsShouldProcess)]",
            f.name
        ));
    }
    if f.supports_should_process && !calls {
        problems.push(format!(
            "{}: declares SupportsShouldProcess but never calls $PSCmdlet.ShouldProcess",
            f.name
        ));
    }
    let high = HIGH_IMPACT_VERBS
        .iter()
        .any(|v| v.eq_ignore_ascii_case(verb(&f.name)))
        || HIGH_IMPACT_COMMANDS
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&f.name));
    if high
        && !f
            .confirm_impact
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("High"))
    {
        problems.push(format!(
            "{}: deletes or overwrites, so it needs ConfirmImpact = 'High'",
            f.name
        ));
    }
    problems
}

#[test]
fn every_writer_supports_should_process() {
    let helpers = should_process_helpers();
    assert!(helpers.contains("invoke-driftwrite"), "{helpers:?}");
    let problems: Vec<String> = all_public_functions()
        .iter()
        .flat_map(|f| should_process_problems(f, &helpers))
        .collect();
    assert!(
        problems.is_empty(),
        "ShouldProcess problems:\n{}",
        problems.join("\n")
    );
}

/// One exported C function: its name and its parameter and return types as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    name: String,
    params: Vec<String>,
    ret: String,
    calling_convention: String,
}

fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0_i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            out.push(cur.trim().to_owned());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// The `#[unsafe(no_mangle)]` functions of a Rust source.
fn rust_exports(src: &str) -> Vec<Signature> {
    let mut out = Vec::new();
    for chunk in src.split("#[unsafe(no_mangle)]").skip(1) {
        let head = chunk.split('{').next().unwrap_or("");
        let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
        let Some(after_fn) = head.split(" fn ").nth(1) else {
            continue;
        };
        let convention = if head.contains("extern \"C\"") {
            "C"
        } else {
            "Rust"
        };
        let name = after_fn.split('(').next().unwrap_or("").trim().to_owned();
        let open = after_fn.find('(').unwrap_or(0);
        let close = after_fn.rfind(')').unwrap_or(after_fn.len());
        let params = split_top_level(&after_fn[open + 1..close])
            .into_iter()
            .map(|p| {
                p.split_once(':')
                    .map(|(_, t)| t.trim().to_owned())
                    .unwrap_or(p)
            })
            .collect();
        let ret = after_fn[close..]
            .split("->")
            .nth(1)
            .map(|r| r.trim().to_owned())
            .unwrap_or_else(|| "()".to_owned());
        out.push(Signature {
            name,
            params,
            ret,
            calling_convention: convention.to_owned(),
        });
    }
    out
}

/// The `[DllImport]` declarations of a C# source (inside Native.ps1).
fn dllimports(src: &str) -> Vec<Signature> {
    let mut out = Vec::new();
    for chunk in src.split("[DllImport(").skip(1) {
        let attr = chunk.split(")]").next().unwrap_or("");
        let decl = chunk
            .split(")]")
            .nth(1)
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("");
        let decl = decl.split_whitespace().collect::<Vec<_>>().join(" ");
        let field = |key: &str| -> Option<String> {
            split_top_level(attr).into_iter().find_map(|a| {
                let (k, v) = a.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        let Some(sig) = decl.strip_prefix("public static extern ") else {
            continue;
        };
        let open = sig.find('(').unwrap_or(sig.len());
        let before: Vec<&str> = sig[..open].split_whitespace().collect();
        let (ret, method) = match before.as_slice() {
            [ret, name] => ((*ret).to_owned(), (*name).to_owned()),
            _ => continue,
        };
        let close = sig.rfind(')').unwrap_or(sig.len());
        let params = split_top_level(sig.get(open + 1..close).unwrap_or(""))
            .into_iter()
            .map(|p| {
                let words: Vec<&str> = p.split_whitespace().collect();
                words[..words.len().saturating_sub(1)].join(" ")
            })
            .collect();
        out.push(Signature {
            name: field("EntryPoint").unwrap_or(method),
            params,
            ret,
            calling_convention: field("CallingConvention").unwrap_or_default(),
        });
    }
    out
}

/// The C# types that marshal each Rust FFI type the exports use.
fn csharp_types_for(rust: &str) -> &'static [&'static str] {
    match rust
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str()
    {
        "*const u8" => &["byte[]", "IntPtr"],
        "*mut u8" => &["IntPtr"],
        "usize" => &["UIntPtr"],
        "isize" => &["IntPtr"],
        "*mut IdriftBuf" => &["out IdriftBuf", "ref IdriftBuf"],
        "IdriftBuf" => &["IdriftBuf"],
        "i32" => &["int"],
        "u32" => &["uint"],
        "i64" => &["long"],
        "u64" => &["ulong"],
        "()" => &["void"],
        _ => &[],
    }
}

fn signature_problems(rust: &[Signature], csharp: &[Signature]) -> Vec<String> {
    let mut problems = Vec::new();
    let r: BTreeMap<&str, &Signature> = rust.iter().map(|s| (s.name.as_str(), s)).collect();
    let c: BTreeMap<&str, &Signature> = csharp.iter().map(|s| (s.name.as_str(), s)).collect();
    for name in r.keys().filter(|n| !c.contains_key(*n)) {
        problems.push(format!(
            "{name} is exported by abi.rs but not declared in Native.ps1"
        ));
    }
    for name in c.keys().filter(|n| !r.contains_key(*n)) {
        problems.push(format!(
            "{name} is declared in Native.ps1 but not exported by abi.rs"
        ));
    }
    for (name, rs) in &r {
        let Some(cs) = c.get(name) else { continue };
        if rs.calling_convention != "C" {
            problems.push(format!("{name}: abi.rs must declare it extern \"C\""));
        }
        if cs.calling_convention != "CallingConvention.Cdecl" {
            problems.push(format!(
                "{name}: Native.ps1 must use CallingConvention.Cdecl, found {:?}",
                cs.calling_convention
            ));
        }
        if !csharp_types_for(&rs.ret).contains(&cs.ret.as_str()) {
            problems.push(format!(
                "{name}: returns {} in Rust but {} in Native.ps1",
                rs.ret, cs.ret
            ));
        }
        if rs.params.len() != cs.params.len() {
            problems.push(format!(
                "{name}: {} parameter(s) in Rust ({:?}) but {} in Native.ps1 ({:?})",
                rs.params.len(),
                rs.params,
                cs.params.len(),
                cs.params
            ));
            continue;
        }
        for (i, (rt, ct)) in rs.params.iter().zip(&cs.params).enumerate() {
            if !csharp_types_for(rt).contains(&ct.as_str()) {
                problems.push(format!(
                    "{name}: parameter {} is {rt} in Rust but {ct} in Native.ps1",
                    i + 1
                ));
            }
        }
    }
    problems
}

/// The field types of a Rust `struct name { a: T, ... }`.
fn rust_struct_fields(src: &str, name: &str) -> Vec<String> {
    let Some(rest) = src.split(&format!("pub struct {name} {{")).nth(1) else {
        return Vec::new();
    };
    let body = rest.split('}').next().unwrap_or("");
    split_top_level(body)
        .into_iter()
        .filter(|f| !f.trim().is_empty())
        .filter_map(|f| f.split_once(':').map(|(_, t)| t.trim().to_owned()))
        .collect()
}

/// The field types of a C# `struct name { public T a; ... }`.
fn csharp_struct_fields(src: &str, name: &str) -> Vec<String> {
    let Some(rest) = src.split(&format!("struct {name}")).nth(1) else {
        return Vec::new();
    };
    let body = rest
        .split('{')
        .nth(1)
        .unwrap_or("")
        .split('}')
        .next()
        .unwrap_or("");
    body.split(';')
        .filter_map(|f| {
            let words: Vec<&str> = f.split_whitespace().filter(|w| *w != "public").collect();
            (words.len() == 2).then(|| words[0].to_owned())
        })
        .collect()
}

fn native_ps1() -> String {
    read(&module_dir().join("Private/Native.ps1"))
}

fn abi_rs() -> String {
    read(&ffi_src().join("abi.rs"))
}

#[test]
fn dllimport_declarations_match_the_ffi_exports() {
    let rust = rust_exports(&abi_rs());
    let names: BTreeSet<&str> = rust.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "idrift_abi_version",
            "idrift_buf_free",
            "idrift_call",
            "idrift_progress"
        ]
        .into_iter()
        .collect(),
        "abi.rs exports changed; update Native.ps1, docs/wire-protocol.md and this list"
    );
    let native = native_ps1();
    let problems = signature_problems(&rust, &dllimports(&native));
    assert!(
        problems.is_empty(),
        "Native.ps1 does not match crates/idrift-ffi/src/abi.rs:\n{}",
        problems.join("\n")
    );

    let rust_fields = rust_struct_fields(&abi_rs(), "IdriftBuf");
    let cs_fields = csharp_struct_fields(&native, "IdriftBuf");
    assert_eq!(rust_fields.len(), 3, "IdriftBuf in abi.rs: {rust_fields:?}");
    assert_eq!(
        rust_fields.len(),
        cs_fields.len(),
        "IdriftBuf fields: Rust {rust_fields:?}, C# {cs_fields:?}"
    );
    for (r, c) in rust_fields.iter().zip(&cs_fields) {
        assert!(
            csharp_types_for(r).contains(&c.as_str()),
            "IdriftBuf field is {r} in Rust but {c} in C#"
        );
    }
}

#[test]
fn only_native_ps1_declares_dllimport() {
    let offenders: Vec<String> = all_powershell_files()
        .into_iter()
        .filter(|f| !f.ends_with("IdentityDrift/Private/Native.ps1"))
        .filter(|f| {
            read(f)
                .lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains("DllImport"))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "DllImport outside Private/Native.ps1: {offenders:?}"
    );
}

fn rust_const(src: &str, name: &str) -> Option<String> {
    let line = src
        .lines()
        .find(|l| l.contains(&format!("const {name}:")))?;
    Some(
        line.split('=')
            .nth(1)?
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_owned(),
    )
}

fn ps_variable(src: &str, name: &str) -> Option<String> {
    let line = src
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("$script:{name} =")))?;
    Some(line.split('=').nth(1)?.trim().to_owned())
}

#[test]
fn native_ps1_speaks_the_library_versions() {
    let native = native_ps1();
    let abi = rust_const(&abi_rs(), "ABI_VERSION").expect("abi.rs defines ABI_VERSION");
    let wire = rust_const(&read(&ffi_src().join("wire.rs")), "WIRE_VERSION")
        .expect("wire.rs defines WIRE_VERSION");
    assert_eq!(
        ps_variable(&native, "DriftAbiVersion").as_deref(),
        Some(abi.as_str()),
        "ABI version"
    );
    assert_eq!(
        ps_variable(&native, "DriftWireVersion").as_deref(),
        Some(wire.as_str()),
        "wire version"
    );
}

/// The operations `dispatch.rs` serves in a release build: its `OPS` list without the entries behind
/// `#[cfg(feature = "test-ops")]`.
fn served_ops() -> BTreeSet<String> {
    release_ops(&read(&ffi_src().join("dispatch.rs")))
}

/// The operations of the `ops! { "Name" => handler, ... }` table in `src` (dispatch.rs builds `OPS` and its
/// `call` from it), leaving out each one the line before marks test-only.
fn release_ops(src: &str) -> BTreeSet<String> {
    let list = src
        .split("\nops! {")
        .nth(1)
        .and_then(|r| r.split("\n}").next())
        .unwrap_or("");
    let mut ops = BTreeSet::new();
    let mut test_only = false;
    for line in list.lines().map(str::trim) {
        if line.starts_with("#[cfg(feature = \"test-ops\")]") {
            test_only = true;
            continue;
        }
        let name = line.split("=>").next().unwrap_or("").trim();
        let op = unquote(name);
        if name.starts_with('"') && !op.is_empty() && !test_only {
            ops.insert(op.to_owned());
        }
        if !line.is_empty() {
            test_only = false;
        }
    }
    ops
}

#[test]
fn the_release_op_list_leaves_out_test_only_entries() {
    let src = "macro_rules! ops {\n    () => {};\n}\n\nops! {\n    \"Describe\" => describe,\n    \"Scan\" => scan,\n    #[cfg(feature = \"test-ops\")]\n    \"Test.Panic\" => test_panic,\n    \"Lint\" => lint::lint,\n}\n";
    let ops: Vec<String> = release_ops(src).into_iter().collect();
    assert_eq!(ops, ["Describe", "Lint", "Scan"]);
    let served = served_ops();
    assert!(
        served.contains("Lint.Fix") && !served.contains("Test.Panic"),
        "{served:?}"
    );
}

#[test]
fn every_operation_the_module_sends_is_served() {
    let served = served_ops();
    assert!(served.contains("DirSync.Compare"), "{served:?}");
    let mut problems = Vec::new();
    for f in all_public_functions() {
        for op in &f.ops {
            if !served.contains(op) {
                problems.push(format!(
                    "{}: sends -Op {op:?}, which idrift-ffi does not serve ({served:?})",
                    f.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The library `cargo xtask dist` put into the module for this host, if any.
fn built_library() -> Option<PathBuf> {
    let rid = crate::dist::host_rid().ok()?;
    let p = module_dir()
        .join("bin")
        .join(rid)
        .join(crate::dist::library_file_name());
    p.is_file().then_some(p)
}

#[test]
fn the_built_library_exports_what_native_ps1_declares() {
    // Runs only after `cargo xtask dist` (the abi.rs comparison above always runs), on hosts with `nm`.
    let Some(lib) = built_library() else {
        return;
    };
    if !crate::util::have("nm") || !cfg!(target_os = "linux") {
        return;
    }
    let out = std::process::Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm runs");
    assert!(out.status.success(), "nm -D {} failed", lib.display());
    let symbols: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|s| s.starts_with("idrift_"))
        .map(str::to_owned)
        .collect();
    let declared: BTreeSet<String> = dllimports(&native_ps1())
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        symbols,
        declared,
        "{} exports differ from the DllImport declarations (a library staged before an ABI change: run \
         `cargo xtask dist` again)",
        lib.display()
    );
}

// The checks above are only as good as their readers; these make sure each reader catches what it should.

#[test]
fn syntax_errors_are_reported_with_row_and_column() {
    // The grammar wants a line break after a param block (`{ param($A) $A }` on one line is flagged).
    assert!(
        syntax_errors(
            "ok.ps1",
            "function Get-Thing {\n    param([string] $A)\n    $A\n}\n"
        )
        .is_empty()
    );
    let errors = syntax_errors("broken.ps1", "function Get-Thing {\n    if ($x) {\n");
    assert!(!errors.is_empty());
    assert!(errors[0].starts_with("broken.ps1:"), "{errors:?}");
    let errors = syntax_errors("paren.ps1", "$a = (1 + \n$b = 2\n");
    assert!(
        errors.iter().any(|e| e.starts_with("paren.ps1:")),
        "{errors:?}"
    );
}

#[test]
fn bareword_lists_parse() {
    // The 0.26.4 grammar on PyPI/npm flags these; the Rust crate 0.26.6 must not.
    let src = "Select-Object Name, Id\nExport-ModuleMember -Function A, B\nWrite-Output a, b\n";
    assert!(
        syntax_errors("list.ps1", src).is_empty(),
        "{:?}",
        syntax_errors("list.ps1", src)
    );
}

const SAMPLE: &str = r#"function Set-DriftThing {
    <#
    .SYNOPSIS
    Sets a thing.
    .DESCRIPTION
    Longer.
    .PARAMETER Name
    The name.
    .PARAMETER Ghost
    Not a parameter.
    .EXAMPLE
    Set-DriftThing -Name a
    .OUTPUTS
    None.
    #>
    [CmdletBinding(ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory)] [string] $Name,
        [switch] $Force
    )
    Invoke-DriftNative -Op 'Thing.Set' -Arguments @{ Name = $Name }
}
"#;

#[test]
fn help_problems_name_missing_and_unknown_parameters() {
    let f = public_functions("sample.ps1", SAMPLE);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].name, "Set-DriftThing");
    assert_eq!(f[0].params, ["Name", "Force"]);
    assert_eq!(f[0].ops, ["Thing.Set"]);
    let problems = help_problems(&f[0]);
    assert_eq!(
        problems,
        [
            "Set-DriftThing: help has no .PARAMETER Force",
            "Set-DriftThing: help documents .PARAMETER Ghost, which does not exist",
        ]
    );
    let no_outputs = SAMPLE.replace(".OUTPUTS\n    None.\n", "");
    let g = public_functions("sample.ps1", &no_outputs);
    assert!(help_problems(&g[0]).iter().any(|p| p.contains(".OUTPUTS")));
}

#[test]
fn writers_without_should_process_are_caught() {
    let f = public_functions("sample.ps1", SAMPLE);
    let none = BTreeSet::new();
    let problems = should_process_problems(&f[0], &none);
    assert!(
        problems.iter().any(|p| p.contains("does not declare")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("ConfirmImpact = 'High'")),
        "{problems:?}"
    );

    let fixed = SAMPLE
        .replace(
            "[CmdletBinding(ConfirmImpact = 'Medium')]",
            "[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]",
        )
        .replace(
            "    Invoke-DriftNative",
            "    if ($PSCmdlet.ShouldProcess($Name, 'Set')) { Invoke-DriftNative",
        )
        .replace("@{ Name = $Name }\n", "@{ Name = $Name } }\n");
    let g = public_functions("sample.ps1", &fixed);
    assert!(
        g[0].supports_should_process && g[0].calls_should_process,
        "{g:?}"
    );
    assert_eq!(should_process_problems(&g[0], &none), Vec::<String>::new());

    // Delegating to a private helper that calls $Cmdlet.ShouldProcess counts as calling it.
    let delegating = SAMPLE
        .replace(
            "[CmdletBinding(ConfirmImpact = 'Medium')]",
            "[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]",
        )
        .replace(
            "    Invoke-DriftNative -Op",
            "    Invoke-DriftWrite -Cmdlet $PSCmdlet -Op",
        );
    let d = public_functions("sample.ps1", &delegating);
    assert!(!should_process_problems(&d[0], &none).is_empty());
    let helpers: BTreeSet<String> = ["invoke-driftwrite".to_owned()].into_iter().collect();
    assert_eq!(
        should_process_problems(&d[0], &helpers),
        Vec::<String>::new()
    );
    let helper = "function Invoke-DriftWrite {\n    param($Cmdlet)\n    if ($Cmdlet.ShouldProcess('t', 'a')) { 1 }\n}\n";
    assert!(public_functions("helper.ps1", helper)[0].calls_should_process);

    let declared_false = fixed.replace("SupportsShouldProcess,", "SupportsShouldProcess = $false,");
    let h = public_functions("sample.ps1", &declared_false);
    assert!(!h[0].supports_should_process);
}

#[test]
fn signature_mismatches_are_caught() {
    let rust = rust_exports(
        "#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn idrift_call(req: *const u8, req_len: usize, out: *mut IdriftBuf) -> i32 {\n}\n\
         #[unsafe(no_mangle)]\npub extern \"C\" fn idrift_abi_version() -> u32 {\n}\n",
    );
    assert_eq!(rust[0].params, ["*const u8", "usize", "*mut IdriftBuf"]);
    assert_eq!(rust[1].ret, "u32");
    let good = r#"
        [DllImport(LibraryPath, EntryPoint = "idrift_call", CallingConvention = CallingConvention.Cdecl)]
        public static extern int idrift_call(byte[] req, UIntPtr reqLen, out IdriftBuf buf);
        [DllImport(LibraryPath, EntryPoint = "idrift_abi_version", CallingConvention = CallingConvention.Cdecl)]
        public static extern uint idrift_abi_version();
    "#;
    assert_eq!(
        signature_problems(&rust, &dllimports(good)),
        Vec::<String>::new()
    );
    let wrong_type = good.replace("UIntPtr reqLen", "int reqLen");
    assert!(
        signature_problems(&rust, &dllimports(&wrong_type))[0]
            .contains("parameter 2 is usize in Rust but int")
    );
    let stdcall = good.replacen("CallingConvention.Cdecl", "CallingConvention.StdCall", 1);
    assert!(signature_problems(&rust, &dllimports(&stdcall))[0].contains("Cdecl"));
    let missing = good
        .split("[DllImport(LibraryPath, EntryPoint = \"idrift_abi_version\"")
        .next()
        .unwrap_or("");
    assert!(
        signature_problems(&rust, &dllimports(missing))[0].contains("not declared in Native.ps1")
    );
}

#[test]
fn manifest_reader_finds_nested_and_empty_entries() {
    let src = "@{\n  FunctionsToExport = @(\n    'A-B'\n    \"C-D\"\n  )\n  CmdletsToExport = @()\n  PrivateData = @{ PSData = @{ Tags = @('x', 'y') } }\n}\n";
    assert_eq!(
        manifest_strings(src, "FunctionsToExport"),
        Some(vec!["A-B".to_owned(), "C-D".to_owned()])
    );
    assert_eq!(manifest_strings(src, "CmdletsToExport"), Some(vec![]));
    assert_eq!(
        manifest_strings(src, "Tags"),
        Some(vec!["x".to_owned(), "y".to_owned()])
    );
    assert_eq!(manifest_strings(src, "AliasesToExport"), None);
}
