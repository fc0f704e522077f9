//! `cargo xtask fuzz [--cases N]`: the property-based tests of every reader and writer
//! (`tests/it/properties.rs`) with many more cases than `cargo test` runs, then the number of cases each
//! property ran and the total.
//!
//! cargo-fuzz needs a nightly toolchain; this runs the same properties on stable. The properties read
//! `IDRIFT_FUZZ_CASES` for their case count and append `name<TAB>cases` to the file `IDRIFT_FUZZ_REPORT`
//! names, which this command reads back.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};

use crate::util;

/// Cases per property when `--cases` is not given.
const DEFAULT_CASES: u64 = 50_000;

/// The test filter selecting the properties in the `it` test binary.
const FILTER: &str = "properties::";

pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    let cases = parse_cases(args)?;
    let root = util::root();
    let report = root.join("target").join("fuzz-cases.tsv");
    if report.exists() {
        std::fs::remove_file(&report)
            .with_context(|| format!("cannot remove {}", report.display()))?;
    }
    util::step(&format!("property tests, {cases} cases each"))?;
    let env = [
        ("IDRIFT_FUZZ_CASES".to_owned(), cases.to_string()),
        (
            "IDRIFT_FUZZ_REPORT".to_owned(),
            report.to_string_lossy().into_owned(),
        ),
    ];
    let (ok, counts) = util::cargo_test_counted(
        &root,
        &["test", "-p", "idrift-tests", "--test", "it", "--", FILTER],
        &env,
    )?;
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let per_property = tally(&text);
    println!("\ncases per property:");
    for (name, n) in &per_property {
        println!("  {name:<45} {n:>12}");
    }
    let total: u64 = per_property.values().sum();
    println!(
        "  {:<45} {total:>12}\n{} properties, {} tests passed, {} failed",
        "total",
        per_property.len(),
        counts.passed,
        counts.failed
    );
    if per_property.is_empty() {
        bail!(
            "no property reported its cases ({} is missing or empty)",
            report.display()
        );
    }
    Ok(ok && counts.failed == 0)
}

/// `--cases N` (or `--cases=N`); the default otherwise.
fn parse_cases(args: &[String]) -> anyhow::Result<u64> {
    let mut cases = DEFAULT_CASES;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--cases" {
            it.next().context("--cases needs a number")?.as_str()
        } else if let Some(v) = a.strip_prefix("--cases=") {
            v
        } else {
            bail!("unknown argument {a:?} (usage: cargo xtask fuzz [--cases N])");
        };
        cases = value
            .replace('_', "")
            .parse()
            .with_context(|| format!("--cases: {value:?} is not a whole number"))?;
        if cases == 0 {
            bail!("--cases must be at least 1");
        }
    }
    Ok(cases)
}

/// Sums the `name<TAB>cases` lines per name.
fn tally(text: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if let Some((name, n)) = line.split_once('\t')
            && let Ok(n) = n.trim().parse::<u64>()
        {
            *out.entry(name.to_owned()).or_insert(0) += n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn cases_default_flag_and_errors() {
        assert_eq!(parse_cases(&[]).unwrap(), DEFAULT_CASES);
        assert_eq!(parse_cases(&args(&["--cases", "1_000"])).unwrap(), 1000);
        assert_eq!(parse_cases(&args(&["--cases=7"])).unwrap(), 7);
        assert!(parse_cases(&args(&["--cases"])).is_err());
        assert!(parse_cases(&args(&["--cases", "x"])).is_err());
        assert!(parse_cases(&args(&["--cases", "0"])).is_err());
        assert!(parse_cases(&args(&["--fast"])).is_err());
    }

    #[test]
    fn tally_sums_per_property() {
        let t = tally("a\t10\nb\t5\na\t2\nbroken\nc\tx\n");
        assert_eq!(t.get("a"), Some(&12));
        assert_eq!(t.get("b"), Some(&5));
        assert_eq!(t.len(), 2);
    }
}
