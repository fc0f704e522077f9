//! Tests of snapshot loading: the load profiles keep what their command reads (same reports as a full
//! read), the readers' errors name the file, and a written snapshot reads back.

use std::path::{Path, PathBuf};

use idrift_core::model::{
    AssignedLicense, CloudUser, OnPremUser, OnPremisesProvisioningError, ServiceProvisioningError,
    Snapshot,
};
use idrift_core::phone::PhoneOptions;
use idrift_core::scan::ScanOptions;

use super::*;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

fn guid(n: u8) -> idrift_core::guid::Guid {
    idrift_core::guid::Guid::from_bytes_le([n; 16])
}

fn ad(n: u8, upn: &str, mail: Option<&str>, proxies: &[&str], mobile: &str) -> OnPremUser {
    OnPremUser {
        distinguished_name: format!("CN=U{n},OU=Sync,DC=contoso,DC=com"),
        object_guid: Some(guid(n)),
        sam_account_name: Some(format!("u{n}")),
        user_principal_name: Some(upn.to_owned()),
        mail: mail.map(str::to_owned),
        proxy_addresses: proxies.iter().map(|p| (*p).to_owned()).collect(),
        target_address: Some(format!("SMTP:u{n}@contoso.mail.onmicrosoft.com")),
        mobile: Some(mobile.to_owned()),
        other_mobile: vec!["+1 425 555 0199".to_owned()],
        when_changed: Some("20261125143005.0Z".to_owned()),
        ..OnPremUser::default()
    }
}

fn cloud(n: u8, anchor: Option<u8>, upn: &str, mail: Option<&str>, proxies: &[&str]) -> CloudUser {
    CloudUser {
        id: format!("00000000-0000-4000-8000-0000000000{n:02}"),
        user_principal_name: Some(upn.to_owned()),
        display_name: Some(format!("User {n}")),
        mail: mail.map(str::to_owned),
        on_premises_immutable_id: anchor
            .map(|a| idrift_core::anchor::immutable_id_from_guid(&guid(a))),
        on_premises_sync_enabled: anchor.map(|_| true),
        mobile_phone: Some("+1 206 555 0100".to_owned()),
        business_phones: vec!["+1 425 555 0000".to_owned()],
        proxy_addresses: proxies.iter().map(|p| (*p).to_owned()).collect(),
        assigned_licenses: vec![AssignedLicense {
            sku_id: "6fd2c87f-b296-42f0-b197-1e91e994b900".to_owned(),
            disabled_plans: Vec::new(),
        }],
        ..CloudUser::default()
    }
}

/// Users for every way `mail` and `proxyAddresses` can answer `primary_smtp()`, matched, soft-matchable by
/// UPN or by primary SMTP address, and ambiguous.
fn cases() -> Snapshot {
    let mut snapshot = Snapshot {
        on_prem: vec![
            // Matched; mail equals the SMTP: address.
            ad(
                1,
                "a@contoso.com",
                Some("a@contoso.com"),
                &["smtp:x@contoso.com", "SMTP:a@contoso.com"],
                "+1 425 555 0101",
            ),
            // Unmatched; mail differs from the SMTP: address, which a cloud-only user shares.
            ad(
                2,
                "b@contoso.com",
                Some("old@contoso.com"),
                &["SMTP:shared@contoso.com"],
                "+1 425 555 0102",
            ),
            // Unmatched; no SMTP: address, so mail is the primary one, shared with a cloud-only user.
            ad(
                3,
                "c@contoso.com",
                Some("mailonly@contoso.com"),
                &["smtp:c@contoso.com"],
                "+1 425 555 0103",
            ),
            // Unmatched; SMTP: address without mail; shares a UPN with a cloud-only user.
            ad(
                4,
                "d@contoso.com",
                None,
                &["SMTP:d2@contoso.com", "SMTP:second@contoso.com"],
                "+1 425 555 0104",
            ),
            // Two AD users with one UPN: ambiguous.
            ad(5, "dup@contoso.com", None, &[], "+1 425 555 0105"),
            ad(
                6,
                "DUP@contoso.com",
                Some("dup@contoso.com"),
                &[],
                "+1 425 555 0106",
            ),
        ],
        cloud: vec![
            cloud(
                11,
                Some(1),
                "a@contoso.com",
                Some("a@contoso.com"),
                &["SMTP:a@contoso.com", "smtp:a@contoso.mail.onmicrosoft.com"],
            ),
            cloud(
                12,
                None,
                "other@contoso.com",
                None,
                &["SMTP:Shared@contoso.com"],
            ),
            cloud(
                13,
                None,
                "another@contoso.com",
                Some("mailonly@contoso.com"),
                &["smtp:z@contoso.com"],
            ),
            cloud(
                14,
                None,
                "d@contoso.com",
                Some("x@contoso.com"),
                &["SMTP:y@contoso.com"],
            ),
            cloud(15, Some(5), "dup@contoso.com", None, &[]),
        ],
        ..Snapshot::default()
    };
    // Provisioning errors of both kinds, for the scan.
    snapshot.cloud[0].on_premises_provisioning_errors = vec![OnPremisesProvisioningError {
        category: Some("PropertyConflict".to_owned()),
        property_causing_error: Some("ProxyAddresses".to_owned()),
        value: Some("smtp:a@contoso.com".to_owned()),
        occurred_date_time: Some("2026-11-20T09:30:00Z".to_owned()),
    }];
    snapshot.cloud[3].service_provisioning_errors = vec![ServiceProvisioningError {
        created_date_time: Some("2026-11-21T10:00:00Z".to_owned()),
        is_resolved: Some(false),
        service_instance: Some("exchange/namprd01-001-01".to_owned()),
        error_detail: Some("<ServiceInstance>exchange</ServiceInstance>".to_owned()),
    }];
    snapshot
}

/// `full` projected for `profile`, checked to answer `primary_smtp()` for every user as `full` does.
fn projected_keeping_primary_smtp(full: &Snapshot, profile: LoadProfile) -> Snapshot {
    let mut projected = full.clone();
    profile.project(&mut projected);
    for (f, p) in full.on_prem.iter().zip(&projected.on_prem) {
        assert_eq!(
            f.primary_smtp(),
            p.primary_smtp(),
            "{}",
            f.distinguished_name
        );
    }
    for (f, p) in full.cloud.iter().zip(&projected.cloud) {
        assert_eq!(f.primary_smtp(), p.primary_smtp(), "{}", f.id);
    }
    projected
}

fn write_snapshot(snapshot: &Snapshot) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    write_dir(&dir, snapshot, Parts::BOTH).unwrap();
    (tmp, dir)
}

fn compare(snapshot: &Snapshot) -> idrift_core::dirsync::DirSyncReport {
    crate::dirsync::compare(snapshot, &PhoneOptions::default())
}

#[test]
fn phones_profile_keeps_what_primary_smtp_reads() {
    let full = cases();
    let projected = projected_keeping_primary_smtp(&full, LoadProfile::Phones);
    for (f, p) in full.on_prem.iter().zip(&projected.on_prem) {
        assert!(p.proxy_addresses.len() <= 1, "{:?}", p.proxy_addresses);
        assert!(p.proxy_addresses.is_empty() || p.mail.is_none());
        assert_eq!(p.sam_account_name, None);
        assert_eq!(p.target_address, None);
        assert_eq!(p.when_changed, None);
        assert_eq!(
            (
                &f.distinguished_name,
                f.source_anchor(),
                &f.user_principal_name
            ),
            (
                &p.distinguished_name,
                p.source_anchor(),
                &p.user_principal_name
            )
        );
        assert_eq!((&f.mobile, &f.other_mobile), (&p.mobile, &p.other_mobile));
    }
    for (f, p) in full.cloud.iter().zip(&projected.cloud) {
        assert!(p.proxy_addresses.len() <= 1, "{:?}", p.proxy_addresses);
        assert_eq!(p.display_name, None);
        assert!(p.business_phones.is_empty() && p.assigned_licenses.is_empty());
        assert_eq!(
            (&f.id, &f.user_principal_name, &f.on_premises_immutable_id),
            (&p.id, &p.user_principal_name, &p.on_premises_immutable_id)
        );
        assert_eq!(
            (
                f.on_premises_sync_enabled,
                &f.mobile_phone,
                &f.alternate_mobile_phones
            ),
            (
                p.on_premises_sync_enabled,
                &p.mobile_phone,
                &p.alternate_mobile_phones
            )
        );
    }
    // The first case keeps mail (equal to its SMTP: address), the second its SMTP: address alone.
    assert_eq!(projected.on_prem[0].mail.as_deref(), Some("a@contoso.com"));
    assert!(projected.on_prem[0].proxy_addresses.is_empty());
    assert_eq!(
        projected.on_prem[1].proxy_addresses,
        ["SMTP:shared@contoso.com"]
    );
    assert_eq!(projected.on_prem[1].mail, None);
    // Without an SMTP: address, mail stays and the other addresses go.
    assert_eq!(
        projected.on_prem[2].mail.as_deref(),
        Some("mailonly@contoso.com")
    );
    assert!(projected.on_prem[2].proxy_addresses.is_empty());
    // Of two SMTP: addresses (a broken export), the first is the one primary_smtp() reads.
    assert_eq!(
        projected.on_prem[3].proxy_addresses,
        ["SMTP:d2@contoso.com"]
    );
}

#[test]
fn full_profile_changes_nothing() {
    let full = cases();
    let mut same = full.clone();
    LoadProfile::Full.project(&mut same);
    assert_eq!(same, full);
}

#[test]
fn compare_with_the_phones_profile_equals_compare_of_the_full_read() {
    let (_tmp, dir) = write_snapshot(&cases());
    let full = load_dir(&dir).unwrap();
    let phones = load_dir_with(&dir, LoadProfile::Phones).unwrap();
    assert_eq!(full.snapshot, cases());
    let (a, b) = (compare(&full.snapshot), compare(&phones.snapshot));
    assert_eq!(a, b);
    // The cases reach every bucket, so the equality covers matching by anchor, UPN and primary SMTP.
    let m = a.matching.counts;
    assert_eq!(m.matched, 1);
    assert_eq!(m.ambiguous_on_prem, 2);
    assert!(m.soft_match_candidates >= 3, "{m:?}");
    assert_eq!(a.summary.rows, 1);
}

#[test]
fn the_phones_profile_still_tells_the_sync_service_accounts_default_rules_leave_out() {
    // Entra Connect's own account has no UPN; only its sAMAccountName says what it is.
    let mut snapshot = cases();
    let mut service = ad(40, "x@contoso.com", None, &[], "+1 425 555 0140");
    service.user_principal_name = None;
    service.sam_account_name = Some("AAD_0123456789ab".to_owned());
    snapshot.on_prem.push(service);
    let (_tmp, dir) = write_snapshot(&snapshot);
    let split = |profile| {
        let on_prem = load_dir_with(&dir, profile).unwrap().snapshot.on_prem;
        let (kept, counts) = idrift_core::default_scope::split(on_prem);
        (kept.len(), counts)
    };
    let full = split(LoadProfile::Full);
    assert_eq!(full.1.sync_service_account, 1, "{full:?}");
    assert_eq!(split(LoadProfile::Phones), full);
    // The others' sAMAccountName is not kept.
    let phones = load_dir_with(&dir, LoadProfile::Phones).unwrap().snapshot;
    assert_eq!(
        phones
            .on_prem
            .iter()
            .filter(|u| u.sam_account_name.is_some())
            .count(),
        1
    );
}

#[test]
fn compare_of_the_demo_is_the_same_with_either_profile() {
    let full = load_dir(&demo_dir()).unwrap();
    let phones = load_dir_with(&demo_dir(), LoadProfile::Phones).unwrap();
    assert_eq!(full.warnings, phones.warnings);
    assert!(
        phones
            .snapshot
            .on_prem
            .iter()
            .all(|u| u.proxy_addresses.len() <= 1)
    );
    let a = compare(&full.snapshot);
    assert!(
        a.summary.rows > 0 && a.summary.matching.soft_match_candidates > 0,
        "{:?}",
        a.summary
    );
    assert_eq!(a, compare(&phones.snapshot));
    // The bundled copy reads the same as the directory.
    assert_eq!(crate::demo::load().unwrap().snapshot, full.snapshot);
}

#[test]
fn load_pair_reads_both_files_and_the_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let ad_path = tmp.path().join("ad.ldif");
    let entra_path = tmp.path().join("users.json");
    std::fs::write(
        &ad_path,
        "dn: CN=A,DC=x\nobjectClass: user\nmobile: 1\nmobile: 2\nproxyAddresses: SMTP:a@x\n\n\
         dn: CN=B,DC=x\nchangetype: delete\n",
    )
    .unwrap();
    std::fs::write(
        &entra_path,
        r#"[{"id":"1","mail":"a@x","proxyAddresses":["smtp:b@x","SMTP:a@x"],"displayName":"A"}]"#,
    )
    .unwrap();
    let full = load_pair(&ad_path, &entra_path).unwrap();
    assert_eq!(full.snapshot.on_prem.len(), 1);
    assert_eq!(full.snapshot.on_prem[0].mobile.as_deref(), Some("1"));
    assert_eq!(full.snapshot.cloud[0].proxy_addresses.len(), 2);
    assert_eq!(full.warnings.len(), 2, "{:?}", full.warnings);
    assert!(
        full.warnings[0].starts_with(&format!("{}: line 4: ", ad_path.display())),
        "{:?}",
        full.warnings
    );
    let phones = load_pair_with(&ad_path, &entra_path, LoadProfile::Phones).unwrap();
    assert_eq!(phones.warnings, full.warnings);
    let c = &phones.snapshot.cloud[0];
    assert!(c.proxy_addresses.is_empty() && c.display_name.is_none());
    assert_eq!(c.primary_smtp(), Some("a@x"));
    assert_eq!(phones.snapshot.on_prem[0].primary_smtp(), Some("a@x"));
}

#[test]
fn reader_errors_name_the_file_with_any_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join(AD_FILE), "dn: CN=A,DC=x\nobjectGUID:: AAAA\n").unwrap();
    std::fs::write(dir.join(ENTRA_USERS_FILE), "[]").unwrap();
    for profile in [LoadProfile::Full, LoadProfile::Scan, LoadProfile::Phones] {
        let e = load_dir_with(dir, profile).unwrap_err().to_string();
        assert!(e.contains(AD_FILE) && e.contains("line 2"), "{e}");
    }
    std::fs::write(dir.join(AD_FILE), "version: 1\n").unwrap();
    std::fs::write(
        dir.join(ENTRA_USERS_FILE),
        r#"[{"id":"1","mobilePhone":5}]"#,
    )
    .unwrap();
    for profile in [LoadProfile::Full, LoadProfile::Scan, LoadProfile::Phones] {
        let e = load_dir_with(dir, profile).unwrap_err().to_string();
        assert!(
            e.contains(ENTRA_USERS_FILE) && e.contains("mobilePhone"),
            "{e}"
        );
    }
    std::fs::remove_file(dir.join(ENTRA_USERS_FILE)).unwrap();
    let e = load_dir_with(dir, LoadProfile::Phones).unwrap_err();
    assert!(
        matches!(
            e,
            AppError::MissingFile {
                file: ENTRA_USERS_FILE,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn lists_are_trimmed_to_their_users() {
    // A file far larger per user than the estimate assumes, and one far smaller: both read exactly.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ad.ldif");
    let padding = "# padding\n".repeat(2_000);
    std::fs::write(
        &path,
        format!("{padding}dn: CN=A,DC=x\nobjectClass: user\n"),
    )
    .unwrap();
    let (users, _) = load_ad_file_with(&path, LoadProfile::Phones).unwrap();
    assert_eq!((users.len(), users.capacity()), (1, 1));
    let many: String = (0..300)
        .map(|i| format!("dn: CN={i},DC=x\nsAMAccountName: u{i}\n\n"))
        .collect();
    std::fs::write(&path, many).unwrap();
    let (users, _) = load_ad_file(&path).unwrap();
    assert_eq!((users.len(), users.capacity()), (300, 300));
    assert_eq!(users[299].sam_account_name.as_deref(), Some("u299"));
}

#[test]
fn errors_come_in_file_order_although_the_files_are_read_on_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bad_ad = "dn: CN=A,DC=x\nobjectGUID:: AAAA\n";
    let bad_entra = r#"[{"id":"1","mobilePhone":5}]"#;
    let bad_exo = r#"{"value":[{"ExchangeGuid":"not a guid"}]}"#;
    std::fs::write(dir.join(EXO_RECIPIENTS_FILE), bad_exo).unwrap();
    let cases = [
        (bad_ad, bad_entra, AD_FILE),
        ("version: 1\n", bad_entra, ENTRA_USERS_FILE),
        (bad_ad, "[]", AD_FILE),
        ("version: 1\n", "[]", EXO_RECIPIENTS_FILE),
    ];
    for (ad_text, entra_text, named) in cases {
        std::fs::write(dir.join(AD_FILE), ad_text).unwrap();
        std::fs::write(dir.join(ENTRA_USERS_FILE), entra_text).unwrap();
        for profile in [LoadProfile::Full, LoadProfile::Scan, LoadProfile::Phones] {
            let e = load_dir_with(dir, profile).unwrap_err().to_string();
            assert!(e.contains(named), "expected {named}: {e}");
        }
    }
    std::fs::write(dir.join(EXO_RECIPIENTS_FILE), r#"{"value":[]}"#).unwrap();
    std::fs::write(dir.join(ENTRA_SYNC_FILE), r#"{"value":[{"id":"s1"}]}"#).unwrap();
    let loaded = load_dir_with(dir, LoadProfile::Phones).unwrap();
    assert_eq!(loaded.snapshot.exo_recipients, Some(Vec::new()));
    assert_eq!(loaded.snapshot.exo_users, None);
    assert_eq!(
        loaded.snapshot.tenant_sync.map(|t| t.id).as_deref(),
        Some("s1")
    );
}

fn scan(snapshot: &Snapshot) -> idrift_core::scan::ScanReport {
    crate::scan::scan(snapshot, &ScanOptions::default())
}

#[test]
fn scan_profile_drops_only_what_the_scan_does_not_read() {
    let mut full = cases();
    full.cloud[0].assigned_licenses[0].disabled_plans = vec!["plan".to_owned()];
    let projected = projected_keeping_primary_smtp(&full, LoadProfile::Scan);
    for (f, p) in full.on_prem.iter().zip(&projected.on_prem) {
        assert_eq!(f.proxy_addresses, p.proxy_addresses);
        assert_eq!(p.when_changed, None);
        let expected = OnPremUser {
            mail: p.mail.clone(),
            when_changed: None,
            ..f.clone()
        };
        assert_eq!(p, &expected);
    }
    // mail stays where no SMTP: address shadows it.
    assert_eq!(
        projected.on_prem[2].mail.as_deref(),
        Some("mailonly@contoso.com")
    );
    assert_eq!(
        projected.on_prem[5].mail.as_deref(),
        Some("dup@contoso.com")
    );
    assert_eq!(projected.on_prem[0].mail, None);
    for (f, p) in full.cloud.iter().zip(&projected.cloud) {
        assert!(p.display_name.is_none() && p.business_phones.is_empty());
        let skus = |u: &CloudUser| -> Vec<String> {
            u.assigned_licenses
                .iter()
                .map(|l| l.sku_id.clone())
                .collect()
        };
        assert_eq!(skus(f), skus(p));
        assert!(
            p.assigned_licenses
                .iter()
                .all(|l| l.disabled_plans.is_empty())
        );
        let expected = CloudUser {
            mail: p.mail.clone(),
            display_name: None,
            business_phones: Vec::new(),
            assigned_licenses: p.assigned_licenses.clone(),
            ..f.clone()
        };
        assert_eq!(p, &expected);
    }
    assert_eq!(
        projected.cloud[2].mail.as_deref(),
        Some("mailonly@contoso.com")
    );
    assert_eq!(projected.cloud[0].mail, None);
}

#[test]
fn scan_with_the_scan_profile_equals_scan_of_the_full_read() {
    let (_tmp, dir) = write_snapshot(&cases());
    let full = load_dir(&dir).unwrap();
    let projected = load_dir_with(&dir, LoadProfile::Scan).unwrap();
    let report = scan(&full.snapshot);
    assert!(
        report.summary.soft_match_collision > 0 && report.summary.provisioning_error == 2,
        "{:?}",
        report.summary
    );
    assert_eq!(scan(&projected.snapshot), report);

    // The demo raises every kind of finding, with evidence from every attribute the scan reads.
    let full = load_dir(&demo_dir()).unwrap();
    let projected = load_dir_with(&demo_dir(), LoadProfile::Scan).unwrap();
    assert_eq!(full.warnings, projected.warnings);
    let report = scan(&full.snapshot);
    for kind in idrift_core::scan::FindingKind::ALL {
        assert!(
            report.summary.count(kind) > 0,
            "no {kind} in {:?}",
            report.summary
        );
    }
    assert_eq!(scan(&projected.snapshot), report);
    assert_eq!(compare(&projected.snapshot), compare(&full.snapshot));
}
