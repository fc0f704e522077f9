//! `idrift diff OLD NEW`: the findings that are new, resolved and changed between two scans (scan JSON
//! files, or snapshot directories scanned on the fly). Exit code 3 when anything is new, for schedulers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use idrift_app::diff::ScanDiff;
use idrift_app::ops::trend::scan_diff;
use idrift_core::scan::Finding;

use crate::Ctx;
use crate::cmd::scan::{ScanOptArgs, detail};
use crate::output::table;

/// How `idrift diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub(crate) enum DiffFormat {
    /// Tables of the new, resolved and changed findings, and the counts.
    #[default]
    Table,
    /// {"Summary":{"New":n,"Resolved":n,"Changed":n,"Unchanged":n},"New":[...],"Resolved":[...],"Changed":[...]}.
    Json,
    /// One row per difference: Change,Severity,Kind,UserPrincipalName,Detail.
    Csv,
}

/// Arguments of `idrift diff`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The earlier scan: `idrift scan --format json` output, or a snapshot directory (scanned now).
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The later scan, in the same forms.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output: table, json, or csv.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
    /// For snapshot directories, the options of the scan made of them.
    #[command(flatten)]
    scan: ScanOptArgs,
}

/// Runs `idrift diff`: exit 3 when the new scan has findings the old one did not, else 0.
pub(crate) fn run(args: DiffArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let opts = args.scan.options();
    let d = scan_diff(&args.old, &args.new, &opts)?;
    match args.format {
        DiffFormat::Json => {
            ctx.print_json(&d)?;
        }
        DiffFormat::Csv => {
            let mut w = ctx.csv_writer()?;
            w.write_record(HEADERS)?;
            for r in all_rows(&d) {
                w.write_record(&r)?;
            }
            w.flush()?;
        }
        DiffFormat::Table => render(&d, ctx)?,
    }
    Ok(super::found_code(d.has_new()))
}

fn rows(findings: &[&Finding], change: impl Fn(&Finding) -> String) -> Vec<Vec<String>> {
    findings
        .iter()
        .map(|f| {
            vec![
                change(f),
                f.severity.to_string(),
                f.kind.to_string(),
                f.user_principal_name.clone(),
                detail(f),
            ]
        })
        .collect()
}

/// The columns of the table and the CSV.
const HEADERS: [&str; 5] = ["Change", "Severity", "Kind", "UserPrincipalName", "Detail"];

/// One row per new, resolved and changed finding.
fn all_rows(d: &ScanDiff) -> Vec<Vec<String>> {
    let mut all = rows(&d.new.iter().collect::<Vec<_>>(), |_| "new".to_owned());
    all.extend(rows(&d.resolved.iter().collect::<Vec<_>>(), |_| {
        "resolved".to_owned()
    }));
    for c in &d.changed {
        let mut row = rows(&[&c.after], |_| "changed".to_owned());
        if let Some(r) = row.first_mut()
            && let Some(cell) = r.get_mut(4)
        {
            let was = if c.fields.iter().any(|f| f == "Severity") {
                format!(" (was {})", c.before.severity)
            } else {
                String::new()
            };
            *cell = format!("{}: {}{was}", c.fields.join(", "), cell);
        }
        all.extend(row);
    }
    all
}

fn render(d: &ScanDiff, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let all = all_rows(d);
    if all.is_empty() {
        writeln!(ctx.out, "No differences.")?;
    } else {
        write!(ctx.out, "{}", table(&HEADERS, &all, ctx.term.width))?;
    }
    writeln!(ctx.out)?;
    let s = d.summary;
    writeln!(
        ctx.out,
        "New: {}, Resolved: {}, Changed: {}, Unchanged: {}",
        s.new, s.resolved, s.changed, s.unchanged
    )?;
    Ok(())
}
