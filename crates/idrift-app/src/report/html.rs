//! The report as one self-contained HTML page: inline CSS (with a print stylesheet), inline SVG charts, one
//! small inline script that pages and filters long tables, and a Content-Security-Policy that forbids every
//! request, so the file works air-gapped and cannot leak. Every value that comes from a directory, a file or
//! a journal goes through [`esc`]; markup is only ever written from literals in this file.

use std::fmt::Write as _;

use idrift_core::scan::{Finding, FindingKind, Severity};

use super::{JournalSummary, Report};
use crate::scan::detail;

/// The Content-Security-Policy of the page: nothing may be fetched; only the inline style and script run.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
                       img-src data:; base-uri 'none'; form-action 'none'";

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--ink:#1b2430;--mute:#5b6675;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;--accent:#0f5bd8;
--critical:#b3261e;--high:#e06c00;--medium:#c9a000;--low:#3b82c4;--info:#7a8594;--ok:#1e7d3a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 "Segoe UI",system-ui,-apple-system,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header.top{background:#13294b;color:#fff;padding:22px 36px}
header.top h1{margin:0 0 4px;font-size:22px;font-weight:600}
header.top p{margin:0;color:#c9d4e5;font-size:13px}
main{padding:20px 36px 40px;max-width:1280px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:0 0 16px;padding:0}
section>details>summary,section>h2{font-size:16px;font-weight:600;padding:12px 18px;margin:0;cursor:pointer}
section>details>summary .count{color:var(--mute);font-weight:400;margin-left:6px}
section .body{padding:0 18px 16px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:4px 0 14px}
.tile{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:#fbfcfe}
.tile .n{font-size:26px;font-weight:600}
.tile .l{color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.charts figure{margin:0;flex:1 1 420px}
.charts figcaption{font-weight:600;margin-bottom:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
td{overflow-wrap:break-word}
.sev{white-space:nowrap}
details.fix>summary{cursor:pointer}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:#eef2f7;font-weight:600;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:Consolas,"SFMono-Regular",Menlo,monospace;font-size:12px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f5f8;border:1px solid var(--line);border-radius:4px;padding:6px 8px;margin:4px 0}
.sev{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}
.sev.Critical{background:var(--critical)}.sev.High{background:var(--high)}.sev.Medium{background:var(--medium)}
.sev.Low{background:var(--low)}.sev.Info{background:var(--info)}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;border:1px solid var(--line)}
.tag.bad{color:var(--critical);border-color:var(--critical)}.tag.good{color:var(--ok);border-color:var(--ok)}
.tag.warn{color:var(--high);border-color:var(--high)}
.muted{color:var(--mute)}
.pager{display:flex;gap:8px;align-items:center;margin:8px 0}
.pager input{padding:4px 8px;border:1px solid var(--line);border-radius:4px;min-width:240px}
.pager button{padding:3px 10px;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
ol.steps{margin:4px 0 0 18px;padding:0}
ol.steps li{margin-bottom:4px}
footer{color:var(--mute);font-size:12px;padding:0 36px 24px}
@media print{
 body{background:#fff;font-size:11px}
 header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:8px 0}
 header.top p{color:#333}
 main{padding:8px 0;max-width:none}
 section{border:none;break-inside:auto;margin-bottom:10px}
 details>summary{list-style:none}
 .pager{display:none}
 tr[hidden]{display:table-row}
 th{position:static}
 a{color:#000;text-decoration:none}
}
"#;

const SCRIPT: &str = r#"
(function(){
 var PAGE=50;
 document.querySelectorAll('table.paged').forEach(function(t){
  var n=t.nextElementSibling;while(n&&n.tagName==='P')n=n.nextElementSibling;
  var data=(n&&n.tagName==='SCRIPT'&&n.className==='rows')?JSON.parse(n.textContent):null;
  var rows=data||Array.prototype.slice.call(t.tBodies[0].rows), shown=rows, page=0, texts=null;
  if(rows.length<=PAGE&&!data)return;
  var bar=document.createElement('div');bar.className='pager';
  var q=document.createElement('input');q.type='search';q.placeholder='Filter rows';
  var prev=document.createElement('button');prev.textContent='Previous';
  var next=document.createElement('button');next.textContent='Next';
  var info=document.createElement('span');info.className='muted';
  bar.append(q,prev,next,info);t.parentNode.insertBefore(bar,t);
  function text(i){if(!texts){texts=data?data.map(function(s){return s.replace(/<[^>]*>/g,'').toLowerCase()}):rows.map(function(r){return r.textContent.toLowerCase()})}return texts[i]}
  function draw(){
   var pages=Math.max(1,Math.ceil(shown.length/PAGE));page=Math.min(page,pages-1);
   var cut=shown.slice(page*PAGE,(page+1)*PAGE);
   if(data){t.tBodies[0].innerHTML=cut.join('')}else{rows.forEach(function(r){r.hidden=true});cut.forEach(function(r){r.hidden=false})}
   info.textContent='Rows '+(shown.length?page*PAGE+1:0)+'-'+Math.min(shown.length,(page+1)*PAGE)+' of '+shown.length;
  }
  q.addEventListener('input',function(){var v=q.value.toLowerCase();
   shown=v?rows.filter(function(r,i){return text(i).indexOf(v)>=0}):rows;page=0;draw()});
  prev.addEventListener('click',function(){if(page>0){page--;draw()}});
  next.addEventListener('click',function(){page++;draw()});
  draw();
 });
 window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});
})();
"#;

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#b3261e",
        Severity::High => "#e06c00",
        Severity::Medium => "#c9a000",
        Severity::Low => "#3b82c4",
        Severity::Info => "#7a8594",
    }
}

/// Renders the whole page.
pub fn render(r: &Report) -> String {
    let mut h = String::with_capacity(64 * 1024 + r.scan.findings.len() * 400);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>IdentityDrift report</title><style>{STYLE}</style></head><body>\
         <header class=\"top\"><h1>IdentityDrift report</h1><p>Source: {} &middot; generated {} &middot; {}</p></header><main>",
        esc(CSP),
        esc(&r.source),
        esc(&r.generated),
        esc(&r.tool)
    );
    summary(&mut h, r);
    findings_table(&mut h, &r.scan.findings);
    bypass(&mut h, r);
    exchange(&mut h, r);
    if let Some(lint) = &r.lint {
        lint_section(&mut h, lint);
    }
    if let Some(users) = &r.migration {
        migration(&mut h, users);
    }
    if !r.journals.is_empty() {
        journals(&mut h, &r.journals);
    }
    if let Some((name, d)) = &r.trend {
        trend(&mut h, name, d);
    }
    if !r.notes.is_empty() {
        open(&mut h, "notes", "Notes", r.notes.len(), false);
        h.push_str("<ul>");
        for n in &r.notes {
            let _ = write!(h, "<li>{}</li>", esc(n));
        }
        h.push_str("</ul>");
        close(&mut h);
    }
    let _ = writeln!(
        h,
        "</main><footer>Made by {} offline; this file loads nothing from the network.</footer><script>{SCRIPT}</script></body></html>",
        esc(&r.tool)
    );
    h
}

fn open(h: &mut String, id: &str, title: &str, count: usize, expanded: bool) {
    let _ = write!(
        h,
        "<section id=\"{id}\"><details{}><summary>{title}<span class=\"count\">({count})</span></summary><div class=\"body\">",
        if expanded { " open" } else { "" }
    );
}

fn close(h: &mut String) {
    h.push_str("</div></details></section>");
}

fn tile(h: &mut String, id: &str, n: usize, label: &str) {
    let _ = write!(
        h,
        "<div class=\"tile\"><div class=\"n\" id=\"{id}\">{n}</div><div class=\"l\">{label}</div></div>"
    );
}

fn summary(h: &mut String, r: &Report) {
    let d = &r.dirsync;
    h.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"body\"><div class=\"tiles\">");
    tile(h, "users-matched", d.matching.matched, "Users matched");
    tile(
        h,
        "users-unmatched-ad",
        d.matching.unmatched_on_prem,
        "Only in AD",
    );
    tile(
        h,
        "users-unmatched-cloud",
        d.matching.unmatched_cloud,
        "Only in Entra ID",
    );
    tile(
        h,
        "users-ambiguous",
        d.matching.ambiguous_on_prem + d.matching.ambiguous_cloud,
        "Ambiguous",
    );
    tile(h, "findings-total", r.scan.summary.total, "Findings");
    tile(h, "dso-real", d.real_drift, "DirSyncOverrides: real");
    tile(
        h,
        "dso-format",
        d.format_only,
        "DirSyncOverrides: format only",
    );
    h.push_str("</div><div class=\"charts\">");
    let by_sev: Vec<(String, usize, &str)> = SEVERITIES
        .iter()
        .map(|s| {
            let n = r.scan.findings.iter().filter(|f| f.severity == *s).count();
            (s.to_string(), n, sev_color(*s))
        })
        .collect();
    bar_chart(h, "chart-severity", "Findings by severity", &by_sev);
    let by_kind: Vec<(String, usize, &str)> = FindingKind::ALL
        .iter()
        .map(|k| (k.to_string(), r.scan.summary.count(*k), "#0f5bd8"))
        .collect();
    bar_chart(h, "chart-kind", "Findings by kind", &by_kind);
    h.push_str("</div></div></section>");
}

/// A horizontal bar chart as inline SVG.
fn bar_chart(h: &mut String, id: &str, title: &str, bars: &[(String, usize, &str)]) {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row) = (190usize, 300usize, 26usize);
    let height = bars.len() * row + 8;
    let _ = write!(
        h,
        "<figure><figcaption>{title}</figcaption><svg id=\"{id}\" role=\"img\" aria-label=\"{title}\" \
         width=\"100%\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">",
        label_w + bar_w + 60
    );
    for (i, (label, n, color)) in bars.iter().enumerate() {
        let y = i * row + 4;
        let w = (n * bar_w).div_ceil(max);
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1b2430\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"18\" rx=\"3\" fill=\"{color}\"></rect>\
             <text x=\"{}\" y=\"{}\" fill=\"#1b2430\" class=\"bar-value\" data-label=\"{}\">{n}</text>",
            label_w - 8,
            y + 13,
            esc(label),
            label_w + w + 6,
            y + 13,
            esc(label)
        );
    }
    h.push_str("</svg></figure>");
}

/// Tables longer than this keep their rows out of the DOM: the rows (already escaped markup) go into a JSON
/// data block after the table, and the page script builds only the page shown, so a report of 100,000
/// findings opens as fast as a small one. Shorter tables stay plain HTML (and print whole).
const INLINE_ROWS: usize = 1_000;

/// Ends a paged table whose rows were written from `body` on: short tables are closed as they are; long ones
/// move their rows into a `<script type="application/json" class="rows">` block the page script reads.
fn end_table(h: &mut String, body: usize) {
    let rows = h.get(body..).map_or(0, |b| b.matches("</tr>").count());
    if rows <= INLINE_ROWS {
        h.push_str("</tbody></table>");
        return;
    }
    let markup = h.split_off(body);
    let list: Vec<String> = markup
        .split_inclusive("</tr>")
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_owned());
    // Nothing in the block may end it or open a comment: `</` becomes `<\/` (the same string in JSON), and
    // every directory value inside is already escaped.
    let json = json.replace("</", "<\\/").replace("<!--", "\\u003c!--");
    let _ = write!(
        h,
        "</tbody></table><p class=\"print-note muted\">{rows} rows; printing shows the page on screen. For \
         every row, export with <code>--format csv</code>.</p><script type=\"application/json\" class=\"rows\">{json}</script>"
    );
}

fn sev(s: Severity) -> String {
    format!("<span class=\"sev {s}\">{s}</span>")
}

fn findings_table(h: &mut String, findings: &[Finding]) {
    open(h, "findings", "All findings", findings.len(), false);
    h.push_str(
        "<table class=\"paged\"><thead><tr><th>Severity</th><th>Kind</th><th>UserPrincipalName</th><th>Detail</th></tr></thead><tbody>",
    );
    let body = h.len();
    for f in findings {
        h.push_str("<tr>");
        finding_cells(h, f);
        h.push_str("</tr>");
    }
    end_table(h, body);
    close(h);
}

/// The cells of a finding's row: severity, kind, user and detail.
fn finding_cells(h: &mut String, f: &Finding) {
    let _ = write!(
        h,
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        sev(f.severity),
        f.kind,
        esc(&f.user_principal_name),
        esc(&detail(f))
    );
}

fn opt(v: Option<&String>) -> String {
    v.map_or_else(
        || "<span class=\"muted\">none</span>".to_owned(),
        |s| esc(s),
    )
}

fn bypass(h: &mut String, r: &Report) {
    let users = &r.bypass.users;
    open(
        h,
        "bypass",
        "DirSyncOverrides data at risk from BypassDirSyncOverrides",
        users.len(),
        true,
    );
    if users.is_empty() {
        h.push_str("<p>Enabling the switch overwrites no cloud value.</p>");
    } else {
        h.push_str(
            "<p>Enabling BypassDirSyncOverrides makes AD win: these Entra values would be overwritten. Run \
             <code>idrift dirsync persist</code> first to keep the ones that matter.</p>\
             <table class=\"paged\"><thead><tr><th>UserPrincipalName</th><th>Mobile in AD (kept)</th>\
             <th>Mobile in Entra (lost)</th><th>Other mobiles AD / Entra</th><th>Why</th></tr></thead><tbody>",
        );
        let body = h.len();
        for u in users {
            let alt = u
                .alternate_mobile_phones_in_entra
                .as_ref()
                .map_or_else(|| "-".to_owned(), |a| a.join("; "));
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td></tr>",
                esc(&u.user_principal_name),
                opt(u.mobile_in_ad.as_ref()),
                opt(u.mobile_in_entra.as_ref()),
                esc(&u.other_mobile_in_ad.join("; ")),
                esc(&alt),
                esc(&u.explanation)
            );
        }
        end_table(h, body);
    }
    close(h);
}

fn exchange(h: &mut String, r: &Report) {
    let findings: Vec<&Finding> = r
        .scan
        .findings
        .iter()
        .filter(|f| f.kind != FindingKind::DirSyncOverride)
        .collect();
    open(
        h,
        "exchange",
        "Exchange findings and recommended fixes",
        findings.len(),
        true,
    );
    h.push_str(
        "<table class=\"paged\"><thead><tr><th>Severity</th><th>Kind</th><th>User</th><th>Finding</th>\
         <th>Recommended option and its steps</th></tr></thead><tbody>",
    );
    let body = h.len();
    for f in findings {
        let fix = r
            .fixes
            .iter()
            .find(|x| {
                x.user_principal_name
                    .eq_ignore_ascii_case(&f.user_principal_name)
            })
            .and_then(|x| x.option.as_ref());
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}<br><span class=\"muted\">{}</span></td><td>",
            sev(f.severity),
            f.kind,
            esc(&f.user_principal_name),
            esc(&detail(f)),
            esc(&f.recommendation)
        );
        match fix {
            Some(o) => {
                let _ = write!(
                    h,
                    "<details class=\"fix\"><summary><strong>{}</strong>",
                    esc(o.id.as_str())
                );
                if o.recommended {
                    h.push_str(" <span class=\"tag good\">recommended</span>");
                }
                let _ = write!(
                    h,
                    " <span class=\"muted\">{} steps</span></summary><ol class=\"steps\">",
                    o.steps.len()
                );
                for s in &o.steps {
                    let _ = write!(
                        h,
                        "<li>{}<pre>{}</pre></li>",
                        esc(&s.action),
                        esc(&s.command)
                    );
                }
                h.push_str("</ol></details>");
            }
            None => {
                let _ = write!(
                    h,
                    "<span class=\"muted\">See <code>idrift plan {}</code>.</span>",
                    esc(&f.user_principal_name)
                );
            }
        }
        h.push_str("</td></tr>");
    }
    end_table(h, body);
    close(h);
}

fn lint_section(h: &mut String, lint: &idrift_core::lint::LintReport) {
    let s = &lint.summary;
    open(h, "lint", "AD lint (IdFix rules)", lint.errors.len(), false);
    let excluded: u64 = s.excluded.values().sum();
    let _ = write!(
        h,
        "<p><span id=\"lint-checked\">{}</span> of {} object(s) checked ({excluded} excluded as Entra Connect \
         and IdFix exclude them); <span id=\"lint-errors\">{}</span> error row(s).",
        s.objects_checked, s.objects_read, s.errors
    );
    if !s.by_error.is_empty() {
        let parts: Vec<String> = s
            .by_error
            .iter()
            .map(|(k, n)| format!("{} {n}", esc(k.as_str())))
            .collect();
        let _ = write!(h, " By error: {}.", parts.join(", "));
    }
    h.push_str("</p>");
    if lint.errors.is_empty() {
        h.push_str("<p>No object breaks a rule.</p>");
        close(h);
        return;
    }
    h.push_str(
        "<table class=\"paged\"><thead><tr><th>Distinguished name</th><th>Attribute</th><th>Error</th>\
         <th>Value</th><th>Update</th><th>Action</th></tr></thead><tbody>",
    );
    let body = h.len();
    for e in &lint.errors {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.dn),
            esc(e.attribute),
            esc(&e.error_text()),
            esc(&e.value),
            esc(&e.update),
            esc(e.action.as_str())
        );
    }
    end_table(h, body);
    close(h);
}

fn bytes(n: Option<u64>) -> String {
    n.map_or_else(
        || "-".to_owned(),
        |b| idrift_core::migration::ByteSize(b).to_string(),
    )
}

fn migration(h: &mut String, users: &[idrift_core::migration::UserVerification]) {
    open(
        h,
        "migration",
        "Mailbox migration verdicts",
        users.len(),
        true,
    );
    h.push_str(
        "<p>Verdicts come from the folder-by-folder MailboxVerification, not from \"Data migrated\", which counts \
         retries and can exceed the mailbox.</p><table class=\"paged\"><thead><tr><th>User</th><th>Verdict</th>\
         <th>Status</th><th>Data migrated</th><th>Estimate</th><th>Ratio</th><th>Missing items</th><th>Why</th></tr></thead><tbody>",
    );
    let body = h.len();
    for u in users {
        let class = match u.verdict {
            idrift_core::migration::Verdict::Pass => "good",
            idrift_core::migration::Verdict::Fail => "bad",
            idrift_core::migration::Verdict::Unknown => "warn",
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td><span class=\"tag {class}\">{}</span></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&u.identity),
            u.verdict,
            esc(u.status.as_deref().unwrap_or("-")),
            bytes(u.data_migrated_bytes),
            bytes(u.estimated_transfer_bytes),
            u.overhead_ratio
                .map_or_else(|| "-".to_owned(), |x| format!("{x:.2}")),
            u.missing_items,
            esc(&u.verdict_reason)
        );
    }
    end_table(h, body);
    close(h);
}

fn journals(h: &mut String, journals: &[JournalSummary]) {
    let total: usize = journals.iter().map(|j| j.changes.len()).sum();
    open(h, "changes", "Change records from journals", total, true);
    h.push_str(
        "<table class=\"paged\"><thead><tr><th>When</th><th>Run</th><th>Object</th><th>Before</th><th>After</th>\
         <th>Outcome</th><th>Undone</th></tr></thead><tbody>",
    );
    let body = h.len();
    for j in journals {
        let file = j.path.file_name().map_or_else(
            || j.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        for c in &j.changes {
            let undone = if j.undone {
                "<span class=\"tag warn\">undone</span>"
            } else if j.undoes.is_some() {
                "<span class=\"muted\">(an undo run)</span>"
            } else {
                "no"
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}<br><span class=\"muted\">{} &middot; {}</span></td><td>{}<br>\
                 <span class=\"muted\">{}</span></td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{undone}</td></tr>",
                esc(&c.at),
                esc(&j.command),
                esc(&file),
                esc(&j.tool),
                esc(&c.target),
                esc(&c.op),
                esc(&c.before),
                esc(&c.after),
                esc(&c.status)
            );
        }
    }
    end_table(h, body);
    close(h);
}

fn trend(h: &mut String, name: &str, d: &crate::diff::ScanDiff) {
    let s = d.summary;
    open(
        h,
        "trend",
        "Trend against the previous scan",
        s.new + s.resolved + s.changed,
        true,
    );
    let _ = write!(
        h,
        "<p>Compared with <code>{}</code>.</p><div class=\"tiles\">",
        esc(name)
    );
    tile(h, "trend-new", s.new, "New");
    tile(h, "trend-resolved", s.resolved, "Resolved");
    tile(h, "trend-changed", s.changed, "Changed");
    tile(h, "trend-persisting", s.changed + s.unchanged, "Persisting");
    h.push_str(
        "</div><table class=\"paged\"><thead><tr><th>Change</th><th>Severity</th><th>Kind</th><th>User</th><th>Detail</th></tr></thead><tbody>",
    );
    let body = h.len();
    let row = |h: &mut String, what: &str, f: &Finding| {
        let _ = write!(h, "<tr><td>{what}</td>");
        finding_cells(h, f);
        h.push_str("</tr>");
    };
    for f in &d.new {
        row(h, "<span class=\"tag bad\">new</span>", f);
    }
    for f in &d.resolved {
        row(h, "<span class=\"tag good\">resolved</span>", f);
    }
    for c in &d.changed {
        row(h, "<span class=\"tag warn\">changed</span>", &c.after);
    }
    for f in &d.unchanged {
        row(h, "persisting", f);
    }
    end_table(h, body);
    close(h);
}
