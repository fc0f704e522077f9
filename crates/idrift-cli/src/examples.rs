//! The examples at the end of each command's `--help`. They are the README's examples (a test checks that
//! every line here appears in the README and that every command line of the README parses).

/// `idrift dirsync compare`.
pub(crate) const COMPARE: &str = "\
Examples:
  idrift dirsync compare --demo
  idrift dirsync compare --ad ldaps://dc1.corp.example.com --entra graph --out-dir reports
  idrift dirsync compare --snapshot snap --format json --fail-on drift
  idrift dirsync compare --snapshot snap --out overrides.csv --encoding utf8bom";

/// `idrift dirsync get`.
pub(crate) const GET: &str = "\
Examples:
  idrift dirsync get alice@corp.example.com --from ad --ad ldaps://dc1.corp.example.com
  idrift dirsync get alice@corp.example.com --from entra --entra graph --format json";

/// `idrift dirsync set`.
pub(crate) const SET: &str = "\
Examples:
  idrift dirsync set alice@corp.example.com --mobile-in-ad \"+1 803 555 1212\" --snapshot snap
  idrift dirsync set alice@corp.example.com --mobile-in-ad \"+1 803 555 1212\" --snapshot snap --apply --yes --format json";

/// `idrift dirsync clear`.
pub(crate) const CLEAR: &str = "\
Examples:
  idrift dirsync clear alice@corp.example.com --other-mobile-in-ad --snapshot snap
  idrift dirsync clear alice@corp.example.com --mobile-in-ad --ad ldaps://dc1.corp.example.com --apply";

/// `idrift dirsync persist`.
pub(crate) const PERSIST: &str = "\
Examples:
  idrift dirsync persist --snapshot snap --format json
  idrift dirsync persist --from-csv overrides.csv --ad ldaps://dc1.corp.example.com --apply
  idrift dirsync persist --snapshot snap --resume idrift-persist.journal.jsonl --apply --yes";

/// `idrift dirsync bypass status`.
pub(crate) const BYPASS_STATUS: &str = "\
Examples:
  idrift dirsync bypass status --entra graph
  idrift dirsync bypass status --snapshot snap --format json";

/// `idrift dirsync bypass preview`.
pub(crate) const BYPASS_PREVIEW: &str = "\
Examples:
  idrift dirsync bypass preview --ad ldaps://dc1.corp.example.com --entra graph
  idrift dirsync bypass preview --snapshot snap --format csv";

/// `idrift dirsync bypass enable`.
pub(crate) const BYPASS_ENABLE: &str = "\
Examples:
  idrift dirsync bypass enable --snapshot snap --format json
  idrift dirsync bypass enable --ad ldaps://dc1.corp.example.com --entra graph --apply";

/// `idrift dirsync bypass disable`.
pub(crate) const BYPASS_DISABLE: &str = "\
Examples:
  idrift dirsync bypass disable --entra graph
  idrift dirsync bypass disable --entra graph --apply --yes";

/// `idrift migration verify`.
pub(crate) const MIGRATION_VERIFY: &str = "\
Examples:
  idrift migration verify examples/migration/article-user.xml
  idrift migration verify moves/ --format json --fail-on-fail";

/// `idrift snapshot take`.
pub(crate) const SNAPSHOT_TAKE: &str = "\
Examples:
  idrift snapshot take --demo --out-dir rehearsal
  idrift snapshot take --ad ldaps://dc1.corp.example.com --entra graph --exo exo --out-dir snap
  idrift snapshot take --ad ldaps://dc1.corp.example.com --since snap-ad.state --out-dir snap-ad";

/// `idrift undo`.
pub(crate) const UNDO: &str = "\
Examples:
  idrift undo idrift-persist.journal.jsonl --snapshot snap
  idrift undo idrift-persist.journal.jsonl --snapshot snap --apply --yes --format json";

/// `idrift scan`.
pub(crate) const SCAN: &str = "\
Examples:
  idrift scan --demo
  idrift scan --snapshot snap --format csv > findings.csv
  idrift scan --snapshot snap --min-severity Medium --fail-on High";

/// `idrift plan`.
pub(crate) const PLAN: &str = "\
Examples:
  idrift plan testduplicate@contoso.com --demo
  idrift plan testduplicate@contoso.com --snapshot snap --option DeleteAndMerge --format json";

/// `idrift diff`.
pub(crate) const DIFF: &str = "\
Examples:
  idrift diff scan-2026-11-26.json scan-2026-12-03.json
  idrift diff last-week-snap this-week-snap --format json";

/// `idrift report`.
pub(crate) const REPORT: &str = "\
Examples:
  idrift report --demo --out r.html
  idrift report --snapshot snap --migration moves/ --journal persist.jsonl --previous last-week.json --out report.html";

/// `idrift lint apply`.
pub(crate) const LINT_APPLY: &str = "\
Examples:
  idrift lint apply --from-csv idfix.csv --ad export.ldif
  idrift lint apply --from-csv idfix.csv --ad export.ldif --format json
  idrift lint apply --from-csv idfix.csv --ad ldaps://dc1.corp.example.com --apply";

/// `idrift lint`.
pub(crate) const LINT: &str = "\
Examples:
  idrift lint --ad export.ldif
  idrift lint --ad export.ldif --format csv > idfix.csv";
