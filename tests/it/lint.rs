//! `idrift lint` end to end: a generated directory seeded with one error per rule, IdFix's known
//! false-positive traps and excluded objects; lint must report exactly the seeded rows.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::process::ExitCode;

use crate::support::idrift;

/// One LDIF entry: a user unless `class` says otherwise.
fn entry(out: &mut String, cn: &str, class: &str, attrs: &[(&str, &str)]) {
    let _ = writeln!(out, "dn: CN={cn},OU=LintSeed,DC=contoso,DC=com");
    let _ = writeln!(out, "objectClass: top");
    let _ = writeln!(out, "objectClass: {class}");
    let _ = writeln!(out, "cn: {cn}");
    for (k, v) in attrs {
        let _ = writeln!(out, "{k}: {v}");
    }
    out.push('\n');
}

/// The seeded directory and the rows lint must report: (cn, attribute, error).
fn seeded() -> (String, BTreeSet<(String, String, String)>) {
    let mut l = String::from("version: 1\n\n");
    let mut want = BTreeSet::new();
    let mut seed = |l: &mut String, cn: &str, attrs: &[(&str, &str)], attr: &str, err: &str| {
        entry(l, cn, "user", attrs);
        want.insert((cn.to_owned(), attr.to_owned(), err.to_owned()));
    };
    seed(
        &mut l,
        "E1",
        &[("userPrincipalName", "e 1@contoso.com")],
        "userPrincipalName",
        "Character",
    );
    seed(
        &mut l,
        "E2",
        &[("userPrincipalName", "e2@contoso.local")],
        "userPrincipalName",
        "TopLevelDomain",
    );
    seed(
        &mut l,
        "E3",
        &[("userPrincipalName", "e3@con_toso.com")],
        "userPrincipalName",
        "DomainPart",
    );
    seed(
        &mut l,
        "E4",
        &[("userPrincipalName", "e4.@contoso.com")],
        "userPrincipalName",
        "LocalPart",
    );
    seed(
        &mut l,
        "E5",
        &[("userPrincipalName", "e5.contoso.com")],
        "userPrincipalName",
        "DomainPart, LocalPart, Format",
    );
    let long = format!("{}@contoso.com", "e".repeat(70));
    seed(
        &mut l,
        "E6",
        &[("userPrincipalName", &long)],
        "userPrincipalName",
        "Length",
    );
    seed(
        &mut l,
        "E7",
        &[
            ("userPrincipalName", "e7@contoso.com"),
            ("displayName", " "),
        ],
        "displayName",
        "Blank",
    );
    seed(
        &mut l,
        "E8",
        &[
            ("userPrincipalName", "e8@contoso.com"),
            ("mailNickname", ".e8"),
        ],
        "mailNickname",
        "Character",
    );
    seed(
        &mut l,
        "E9",
        &[("sAMAccountName", "e9|bad")],
        "sAMAccountName",
        "Character",
    );
    seed(
        &mut l,
        "E10",
        &[
            ("userPrincipalName", "e10@contoso.com"),
            ("proxyAddresses", "smtp:e10(x)@contoso.com"),
        ],
        "proxyAddresses",
        "Character",
    );
    seed(
        &mut l,
        "E11",
        &[
            ("userPrincipalName", "e11@contoso.com"),
            ("targetAddress", "SMTP:e11@contoso.notatld"),
        ],
        "targetAddress",
        "TopLevelDomain",
    );
    seed(
        &mut l,
        "E12",
        &[
            ("userPrincipalName", "e12@contoso.com"),
            ("mail", "e 12@contoso.com"),
        ],
        "mail",
        "Character",
    );
    let mut certs: Vec<(&str, &str)> = vec![("userPrincipalName", "e13@contoso.com")];
    certs.extend(std::iter::repeat_n(("userCertificate", "AAAA"), 16));
    seed(&mut l, "E13", &certs, "userCertificate", "LargeObject");
    seed(
        &mut l,
        "E14",
        &[
            ("userPrincipalName", "e14@contoso.com"),
            ("mail", "e14@contoso.com"),
            ("proxyAddresses", "SMTP:other14@contoso.com"),
        ],
        "mail",
        "MailNotInProxyAddresses",
    );
    // A proxy address of one object against the mail of another: both are listed, neither fixed.
    seed(
        &mut l,
        "D1",
        &[
            ("userPrincipalName", "d1@contoso.com"),
            ("mail", "shared@contoso.com"),
            ("proxyAddresses", "SMTP:shared@contoso.com"),
        ],
        "mail",
        "Duplicate",
    );
    seed(
        &mut l,
        "D2",
        &[
            ("userPrincipalName", "d2@contoso.com"),
            ("proxyAddresses", "smtp:Shared@contoso.com"),
            ("proxyAddresses", "SMTP:d2@contoso.com"),
        ],
        "proxyAddresses",
        "Duplicate",
    );
    want.insert(("D1".into(), "proxyAddresses".into(), "Duplicate".into()));
    // The traps: none of these is an error.
    entry(
        &mut l,
        "T1",
        "user",
        &[
            ("userPrincipalName", "t1@contoso.cloud"),
            (
                "proxyAddresses",
                "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=t1",
            ),
            ("proxyAddresses", "SMTP:t1@contoso.cloud"),
            ("mail", "t1@contoso.cloud"),
        ],
    );
    entry(
        &mut l,
        "T2",
        "user",
        &[
            ("userPrincipalName", "t2.o'neil@contoso.co.uk"),
            ("proxyAddresses", "x400:c=US;a= ;p=Contoso;o=Exchange;s=T2;"),
        ],
    );
    entry(
        &mut l,
        "T3",
        "contact",
        &[
            ("targetAddress", "SMTP:partner@fabrikam.com"),
            ("mail", "partner@fabrikam.com"),
            ("proxyAddresses", "SMTP:partner@fabrikam.com"),
        ],
    );
    entry(
        &mut l,
        "T4",
        "group",
        &[("groupType", "-2147483646"), ("displayName", " ")],
    );
    // Excluded objects with errors that must not be reported.
    entry(
        &mut l,
        "krbtgt",
        "user",
        &[("userPrincipalName", "k k@contoso.local")],
    );
    entry(
        &mut l,
        "HealthMailbox1a2b",
        "user",
        &[("userPrincipalName", "h h@contoso.local")],
    );
    entry(
        &mut l,
        "Crit",
        "user",
        &[
            ("userPrincipalName", "c c@contoso.local"),
            ("isCriticalSystemObject", "TRUE"),
        ],
    );
    l.push_str("dn: CN=Conf\\0ACNF:7f0c,OU=LintSeed,DC=contoso,DC=com\nobjectClass: user\ncn: Conf\nuserPrincipalName: x x@contoso.local\n\n");
    (l, want)
}

#[test]
fn lint_reports_exactly_the_seeded_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (ldif, want) = seeded();
    let path = dir.path().join("seed.ldif");
    std::fs::write(&path, ldif).unwrap();
    let run = idrift(&["lint", "--ad", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let got: BTreeSet<(String, String, String)> = v["Errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["CommonName"].as_str().unwrap().to_owned(),
                e["Attribute"].as_str().unwrap().to_owned(),
                e["Error"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(v["Errors"].as_array().unwrap().len(), want.len());
    let s = &v["Summary"];
    assert_eq!(s["Excluded"]["WellKnownName"], 2);
    assert_eq!(s["Excluded"]["CriticalSystemObject"], 1);
    assert_eq!(s["Excluded"]["ConflictObject"], 1);
    assert_eq!(s["Excluded"]["NotMailEnabledGroup"], 1);
}

#[test]
fn lint_csv_has_idfix_columns_and_exit_codes_follow_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.ldif");
    std::fs::write(&path, "dn: CN=A,DC=contoso,DC=com\nobjectClass: user\ncn: A\nuserPrincipalName: a b@contoso.com\n").unwrap();
    let run = idrift(&["lint", "--ad", path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(run.code, ExitCode::from(3), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "DISTINGUISHEDNAME,COMMONNAME,OBJECTCLASS,ATTRIBUTE,ERROR,VALUE,UPDATE,ACTION\n\
         \"CN=A,DC=contoso,DC=com\",A,user,userPrincipalName,Character,a b@contoso.com,ab@contoso.com,EDIT\n"
    );
    std::fs::write(
        &path,
        "dn: CN=A,DC=contoso,DC=com\nobjectClass: user\ncn: A\nuserPrincipalName: a@contoso.com\n",
    )
    .unwrap();
    let run = idrift(&["lint", "--ad", path.to_str().unwrap()]);
    assert_eq!(run.code, ExitCode::SUCCESS, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1 objects read, 1 checked, 0 excluded, 0 errors."),
        "{}",
        run.stdout
    );
    let missing = dir.path().join("missing.ldif");
    let run = idrift(&["lint", "--ad", missing.to_str().unwrap()]);
    assert_eq!(run.code, ExitCode::from(1));
    assert!(run.stderr.contains("missing.ldif"), "{}", run.stderr);
}

/// `lint` and `lint apply` open Active Directory through the source the front end resolved, so a profile's
/// `ad` is read as `--ad` is (before, lint looked at `--ad` and `--snapshot` alone).
#[test]
fn lint_reads_the_profiles_active_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.ldif");
    std::fs::write(&path, "dn: CN=A,DC=contoso,DC=com\nobjectClass: user\ncn: A\nuserPrincipalName: a b@contoso.com\n").unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[profiles.onprem]\nad = {:?}\n", path.display().to_string()),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let by_flag = idrift(&["lint", "--ad", path.to_str().unwrap(), "--format", "csv"]);
    let by_profile = idrift(&[
        "lint",
        "--config",
        cfg,
        "--profile",
        "onprem",
        "--format",
        "csv",
    ]);
    assert_eq!(by_profile.code, ExitCode::from(3), "{}", by_profile.stderr);
    assert_eq!(by_profile.stdout, by_flag.stdout);
    // Without any AD source the message names the options.
    let none = idrift(&["lint", "--format", "csv"]);
    assert_eq!(none.code, ExitCode::from(2), "{}", none.stderr);
    assert!(none.stderr.contains("--ad"), "{}", none.stderr);
}
