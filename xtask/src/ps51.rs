//! Windows PowerShell 5.1 stays supported: every PowerShell file of the module and its tests is checked, with
//! tree-sitter-powershell, for syntax and APIs only PowerShell 7 has: `??` and `??=`, `?.` and `?[]`, the
//! ternary operator, `&&`/`||` pipeline chains, `ForEach-Object -Parallel`, `clean {}` blocks, and
//! `ConvertFrom-Json -AsHashtable`. Text in strings and comments is not code and is not checked.
//!
//! The grammar (a PowerShell 7 grammar) parses the chains and `-Parallel`; the other constructs come out as
//! ERROR nodes, which this check names precisely instead of "syntax error".

use tree_sitter::Node;

use crate::pwsh::{all_powershell_files, parse, read, text};

/// Code nodes under `node`, depth first, without descending into strings or comments.
fn code_nodes<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let kind = n.kind();
        if kind.contains("string") || kind.contains("comment") {
            continue;
        }
        out.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The PowerShell 7-only construct at `n`, if any.
fn ps7_construct(n: Node<'_>, src: &str) -> Option<&'static str> {
    let t = text(n, src).trim();
    if n.kind() == "pipeline_chain_tail" {
        return Some("a `&&`/`||` pipeline chain");
    }
    if n.kind() == "command" {
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        let name = children
            .iter()
            .find(|c| c.kind() == "command_name")
            .map(|c| text(*c, src).to_ascii_lowercase())
            .unwrap_or_default();
        let params: Vec<String> = children
            .iter()
            .filter(|c| c.kind() == "command_elements")
            .flat_map(|c| {
                let mut cur = c.walk();
                c.children(&mut cur)
                    .filter(|e| e.kind() == "command_parameter")
                    .map(|e| text(e, src).to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
            .collect();
        let has = |full: &str| {
            params
                .iter()
                .any(|p| p.len() >= 4 && full.starts_with(p.trim_end_matches(':')))
        };
        if ["foreach-object", "%", "foreach"].contains(&name.as_str()) && has("-parallel") {
            return Some("`ForEach-Object -Parallel`");
        }
        if name == "convertfrom-json" && has("-ashashtable") {
            return Some("`ConvertFrom-Json -AsHashtable`");
        }
        return None;
    }
    if n.is_error() && n.child_count() == 0 {
        if t.starts_with("??") {
            return Some("the `??` / `??=` operator");
        }
        if t == "?" {
            let next = n
                .next_sibling()
                .or_else(|| n.parent().and_then(|p| p.next_sibling()))
                .map(|s| text(s, src).trim().to_owned());
            return Some(match next.as_deref() {
                Some(".") | Some("[") => "the `?.` / `?[]` operator",
                _ => "the ternary `? :` operator",
            });
        }
    }
    if n.is_error()
        && t.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("clean"))
    {
        return Some("a `clean {}` block");
    }
    None
}

/// `file:row:col: ...` for every PowerShell 7-only construct in `src`.
fn ps7_only(label: &str, src: &str) -> Vec<String> {
    let tree = parse(src);
    let mut found = Vec::new();
    for n in code_nodes(tree.root_node()) {
        if let Some(what) = ps7_construct(n, src) {
            let at = n.start_position();
            found.push(format!(
                "{label}:{}:{}: {what} needs PowerShell 7",
                at.row + 1,
                at.column + 1
            ));
        }
    }
    found.dedup();
    found
}

#[test]
fn no_powershell_7_only_syntax() {
    let mut found = Vec::new();
    for f in all_powershell_files() {
        found.extend(ps7_only(&f.display().to_string(), &read(&f)));
    }
    assert!(
        found.is_empty(),
        "the module supports Windows PowerShell 5.1:\n{}",
        found.join("\n")
    );
}

#[test]
fn each_powershell_7_construct_is_named() {
    let cases = [
        ("$a = $b ?? 'x'\n", "`??`"),
        ("$c = $d ? 1 : 2\n", "ternary"),
        ("$e = $f?.Name\n", "`?.`"),
        ("Get-Item x && Get-Item y\n", "`&&`/`||`"),
        ("Get-Item x || Get-Item y\n", "`&&`/`||`"),
        ("1..3 | ForEach-Object -Parallel { $_ }\n", "-Parallel"),
        ("1..3 | % -Para { $_ }\n", "-Parallel"),
        ("'{}' | ConvertFrom-Json -AsHashtable\n", "-AsHashtable"),
        ("function F { process { 1 } clean { 2 } }\n", "`clean {}`"),
    ];
    for (src, want) in cases {
        let found = ps7_only("t.ps1", src);
        assert!(
            found.iter().any(|f| f.contains(want)),
            "{src:?}: expected {want}, got {found:?}"
        );
    }
}

#[test]
fn windows_powershell_code_and_text_are_not_flagged() {
    let src = "$s = 'a && b ?? c ? d'\n# comment ?? && clean\n$x = @(1, 2) | Where-Object { $_ } | ? { $_ }\n\
               1..3 | ForEach-Object -Process { $_ }\nif ($a -and $b) { $c = $d } else { $c = 1 }\n\
               $h = @{ Clean = 1 }; $h.Clean\n";
    assert_eq!(ps7_only("t.ps1", src), Vec::<String>::new());
}
