//! Tests of the report: the demo fills every section, directory values are escaped, and the page requests
//! nothing.

use idrift_core::scan::ScanOptions;

use super::*;

fn demo_report() -> Report {
    let loaded = crate::demo::load().unwrap();
    let mut r = build(
        &loaded.snapshot,
        &ScanOptions::default(),
        &Extras::default(),
        Header {
            source: "demo".to_owned(),
            generated: "2026-12-03T12:00:00Z".to_owned(),
        },
    )
    .unwrap();
    demo_extras(&mut r).unwrap();
    r
}

#[test]
fn the_demo_fills_every_section() {
    let r = demo_report();
    assert!(!r.bypass.users.is_empty());
    assert!(r.fixes.iter().any(|f| f.option.is_some()));
    assert!(!r.migration.as_ref().unwrap().is_empty());
    assert_eq!(r.journals.len(), 3);
    assert!(r.journals.iter().any(|j| j.undone), "{:#?}", r.journals);
    assert!(!r.journals.iter().all(|j| j.undone));
    let (_, trend) = r.trend.as_ref().unwrap();
    assert_eq!((trend.summary.new, trend.summary.resolved), (1, 1));
    let html = html::render(&r);
    for id in [
        "summary",
        "findings",
        "bypass",
        "exchange",
        "migration",
        "changes",
        "trend",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(
        !html.contains("<section id=\"lint\">"),
        "no lint results, no lint section"
    );
    assert!(html.contains(&format!("id=\"findings-total\">{}<", r.scan.summary.total)));
}

#[test]
fn lint_results_get_their_section_with_every_value_escaped() {
    let mut r = demo_report();
    let ldif = "dn: CN=Evil,OU=Staff,DC=contoso,DC=com\nobjectClass: user\ncn: Evil\n\
                userPrincipalName: <b>x</b>@contoso.local\nmail: a b@contoso.com\n\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ad.ldif");
    std::fs::write(&path, ldif).unwrap();
    let lint = super::lint_source(super::LintSource::Ldif(&path), &[]).unwrap();
    assert!(!lint.errors.is_empty());
    r.lint = Some(lint);
    let html = html::render(&r);
    assert!(html.contains("<section id=\"lint\">"));
    assert!(
        html.contains("&lt;b&gt;x&lt;/b&gt;@contoso.local"),
        "{html}"
    );
    assert!(!html.contains("<b>x</b>"));
    assert!(html.contains("TopLevelDomain"));
}

#[test]
fn the_demo_is_linted_for_its_report() {
    let lint = super::lint_source(super::LintSource::Demo, &[]).unwrap();
    assert!(lint.summary.objects_read > 0);
}

#[test]
fn directory_values_with_script_and_markup_are_escaped() {
    let mut r = demo_report();
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
    for f in &mut r.scan.findings {
        f.user_principal_name = format!("{evil}@contoso.com");
        f.recommendation = evil.to_owned();
        f.evidence =
            serde_json::json!({"MobileInAD": evil, "MobileInEntra": evil, "Problems": [evil]});
    }
    for u in &mut r.bypass.users {
        u.mobile_in_entra = Some(evil.to_owned());
        u.user_principal_name = evil.to_owned();
    }
    for j in &mut r.journals {
        for c in &mut j.changes {
            c.before = evil.to_owned();
            c.target = evil.to_owned();
        }
    }
    if let Some(m) = &mut r.migration {
        for u in m {
            u.identity = evil.to_owned();
        }
    }
    r.source = evil.to_owned();
    let html = html::render(&r);
    assert!(!html.contains("<script>alert"), "raw script in the page");
    assert!(!html.contains("<img"), "raw markup in the page");
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"
    ));
    // Exactly one script element: the report's own.
    assert_eq!(html.matches("<script").count(), 1);
}

#[test]
fn the_page_requests_nothing() {
    let html = html::render(&demo_report());
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"
    ));
    for attr in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "src=\"//",
        "href=\"//",
        "@import",
    ] {
        assert!(!html.contains(attr), "{attr}");
    }
}

#[test]
fn write_html_is_atomic_and_names_the_file_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = demo_report();
    let out = dir.path().join("r.html");
    write_html(&out, &r).unwrap();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .ends_with("</html>\n")
    );
    let bad = dir.path().join("missing-dir/r.html");
    let err = write_html(&bad, &r).unwrap_err().to_string();
    assert!(err.contains("missing-dir"), "{err}");
}

#[test]
fn unreadable_journals_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.jsonl");
    std::fs::write(&j, "not json\n").unwrap();
    let loaded = crate::demo::load().unwrap();
    let err = build(
        &loaded.snapshot,
        &ScanOptions::default(),
        &Extras {
            journals: vec![j],
            ..Extras::default()
        },
        Header::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("j.jsonl"), "{err}");
}

#[test]
fn a_report_of_100k_findings_stays_collapsed_paged_and_small() {
    let mut r = demo_report();
    let seed = r.scan.findings.clone();
    r.scan.findings = (0..100_000)
        .map(|i| {
            let mut f = seed[i % seed.len()].clone();
            f.user_principal_name = format!("user{i:06}@contoso.com");
            f
        })
        .collect();
    r.scan.summary.total = r.scan.findings.len();
    let html = html::render(&r);
    // Every finding is in the file (nothing is dropped), as rows the page script builds a page at a time: the
    // long tables keep their rows in JSON data blocks, out of the DOM, so no `</` may end the block early.
    assert!(html.matches("@contoso.com<\\/td>").count() >= 100_000);
    assert!(!html.contains("user000123@contoso.com</td>"));
    let blocks = html
        .matches("<script type=\"application/json\" class=\"rows\">")
        .count();
    assert!(blocks >= 2, "findings and Exchange tables: {blocks}");
    for block in html.split("class=\"rows\">").skip(1) {
        let json = &block[..block.find("</script>").unwrap()];
        let rows: Vec<String> = serde_json::from_str(json).unwrap();
        assert!(
            rows.len() > 1_000
                && rows
                    .iter()
                    .all(|r| r.starts_with("<tr>") && r.ends_with("</tr>"))
        );
    }
    // ... inside a section that starts collapsed.
    assert!(html.contains(
        "<section id=\"findings\"><details><summary>All findings<span class=\"count\">(100000)</span>"
    ));
    // The README states the size: about 55 MB at 100,000 findings; guard against a regression past 64 MB.
    println!("report with 100000 findings: {} bytes", html.len());
    assert!(html.len() < 64_000_000, "{} bytes", html.len());
}
