//! Tests of the lint rules: every category seeded once, IdFix's false-positive traps, exclusions, duplicates.

use super::*;

fn user(cn: &str) -> LintObject {
    LintObject {
        dn: format!("CN={cn},OU=Staff,DC=contoso,DC=com"),
        cn: cn.to_owned(),
        class: Some(LintClass::User),
        sam_account_name: Some(cn.to_ascii_lowercase()),
        ..LintObject::default()
    }
}

fn with_upn(cn: &str, upn: &str) -> LintObject {
    LintObject {
        upn: Some(upn.to_owned()),
        ..user(cn)
    }
}

fn rows(objects: &[LintObject]) -> Vec<(String, &'static str, String, String, &'static str)> {
    lint(objects, &LintOptions::default())
        .errors
        .into_iter()
        .map(|e| {
            (
                e.cn.clone(),
                e.attribute,
                e.error_text(),
                e.update.clone(),
                e.action.as_str(),
            )
        })
        .collect()
}

#[test]
fn clean_objects_give_no_rows() {
    let mut a = with_upn("Ann", "ann@contoso.com");
    a.mail = Some("ann@contoso.com".into());
    a.proxy_addresses = vec![
        "SMTP:ann@contoso.com".into(),
        "smtp:ann@contoso.mail.onmicrosoft.com".into(),
        "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ann".into(),
        "x400:c=US;a= ;p=Contoso;o=Exchange;s=O'Brien;".into(),
        "SIP:ann@contoso.com".into(),
    ];
    a.mail_nickname = Some("ann".into());
    a.display_name = Some("Ann O'Brien".into());
    a.target_address = Some("SMTP:ann@contoso.mail.onmicrosoft.com".into());
    let b = with_upn("Bob", "bob.o'neil@contoso.cloud");
    assert_eq!(rows(&[a, b]), vec![]);
}

#[test]
fn upn_character_is_flagged_and_removed() {
    let r = rows(&[with_upn("Ann", "ann smith@contoso.com")]);
    assert_eq!(
        r,
        vec![(
            "Ann".into(),
            "userPrincipalName",
            "Character".into(),
            "annsmith@contoso.com".into(),
            "EDIT"
        )]
    );
}

#[test]
fn upn_umlaut_is_folded() {
    let r = rows(&[with_upn("Jörg", "jörg@contoso.com")]);
    assert_eq!(r[0].3, "jorg@contoso.com");
    assert_eq!(r[0].2, "Character");
}

#[test]
fn non_routable_upn_suffix_is_top_level_domain() {
    let r = rows(&[
        with_upn("Ann", "ann@contoso.local"),
        with_upn("Bob", "bob@corp.lan"),
    ]);
    assert_eq!(r.len(), 2);
    assert!(
        r.iter()
            .all(|x| x.2 == "TopLevelDomain" && x.4 == "COMPLETE")
    );
    assert!(!is_routable_domain("contoso.internal"));
    assert!(is_routable_domain("contoso.cloud"));
    assert!(is_routable_domain("contoso.co.uk"));
}

#[test]
fn upn_lengths() {
    let long_local = format!("{}@contoso.com", "a".repeat(65));
    let r = rows(&[with_upn("Ann", &long_local)]);
    assert_eq!(r[0].2, "Length");
    let long_domain = format!("a@{}.com", "d".repeat(50));
    assert_eq!(rows(&[with_upn("Bob", &long_domain)])[0].2, "Length");
}

#[test]
fn address_parts() {
    let r = rows(&[
        with_upn("Ann", "ann@contoso_x.com"),
        with_upn("Bob", ".bob@contoso.com"),
    ]);
    assert_eq!(r[0].2, "DomainPart");
    assert_eq!(r[0].3, "ann@contosox.com");
    assert_eq!(r[1].2, "LocalPart");
    assert_eq!(r[1].3, "bob@contoso.com");
    let r = rows(&[with_upn("Cy", "cy.contoso.com")]);
    assert_eq!(r[0].2, "DomainPart, LocalPart, Format");
}

#[test]
fn x500_with_parentheses_is_not_an_error_but_smtp_with_them_is() {
    let mut a = user("Ann");
    a.proxy_addresses = vec![
        "X500:/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=ann"
            .into(),
        "smtp:ann(x)@contoso.com".into(),
        "X500:/o=Org/cn=bad[1]".into(),
    ];
    let r = rows(&[a]);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].2, "Character");
    assert_eq!(r[0].3, "smtp:annx@contoso.com");
    assert_eq!(r[1].3, "X500:/o=Org/cn=bad1");
}

#[test]
fn smtp_proxy_with_unknown_tld_and_colon() {
    let mut a = user("Ann");
    a.proxy_addresses = vec![
        "smtp:ann@contoso.invalidtld".into(),
        "smtp:a:nn@contoso.com".into(),
    ];
    let r = rows(&[a]);
    assert_eq!(r[0].2, "TopLevelDomain");
    assert_eq!(r[1].2, "Character");
    assert_eq!(r[1].3, "smtp:ann@contoso.com");
}

#[test]
fn duplicates_across_attributes_and_objects() {
    let mut a = with_upn("Ann", "ann@contoso.com");
    a.mail = Some("ann@contoso.com".into());
    a.proxy_addresses = vec!["SMTP:ann@contoso.com".into()];
    let mut b = with_upn("Bob", "bob@contoso.com");
    b.proxy_addresses = vec!["SMTP:bob@contoso.com".into(), "smtp:Ann@Contoso.com".into()];
    let r = rows(&[a, b]);
    let dups: Vec<_> = r.iter().filter(|x| x.2 == "Duplicate").collect();
    assert_eq!(dups.len(), 4, "{r:?}");
    assert!(dups.iter().all(|x| x.4 == "COMPLETE" && x.3.is_empty()));
    assert_eq!(dups[3].0, "Bob");
}

#[test]
fn sam_account_name_only_without_upn() {
    let mut a = user("Ann");
    a.sam_account_name = Some("ann|smith_with_a_long_name".into());
    let r = rows(&[a.clone()]);
    assert_eq!(r[0].2, "Length, Character");
    a.upn = Some("ann@contoso.com".into());
    assert_eq!(rows(&[a]), vec![]);
}

#[test]
fn exclusions_are_counted_not_reported() {
    let mut crit = with_upn("Admin2", "x y@contoso.com");
    crit.critical_system_object = true;
    let mut cnf = with_upn("Ann", "a b@contoso.com");
    cnf.dn = "CN=Ann\\0ACNF:1234,OU=Staff,DC=contoso,DC=com".into();
    let krb = with_upn("krbtgt", "k k@contoso.com");
    let health = with_upn("HealthMailbox0a1b", "h h@contoso.com");
    let mut out = with_upn("Zed", "z z@contoso.com");
    out.dn = "CN=Zed,OU=Other,DC=contoso,DC=com".into();
    let group = LintObject {
        class: Some(LintClass::Group),
        group_type: Some(-2147483646),
        display_name: Some(" ".into()),
        ..user("Team")
    };
    let opts = LintOptions {
        sync_scope: vec!["OU=Staff,DC=contoso,DC=com".into()],
        ..LintOptions::default()
    };
    let report = lint(&[crit, cnf, krb, health, out, group], &opts);
    assert_eq!(report.errors, vec![]);
    assert_eq!(report.summary.objects_read, 6);
    assert_eq!(report.summary.objects_checked, 0);
    let ex = &report.summary.excluded;
    assert_eq!(ex.get(&Exclusion::WellKnownName), Some(&2));
    assert_eq!(ex.get(&Exclusion::ConflictObject), Some(&1));
    assert_eq!(ex.get(&Exclusion::CriticalSystemObject), Some(&1));
    assert_eq!(ex.get(&Exclusion::OutOfScope), Some(&1));
    assert_eq!(ex.get(&Exclusion::NotMailEnabledGroup), Some(&1));
}

#[test]
fn new_checks_large_objects_mail_anchor_cloud() {
    let mut a = with_upn("Ann", "ann@contoso.com");
    a.user_certificates = 16;
    a.thumbnail_photo_bytes = 100 * 1024 + 1;
    a.mail = Some("ann@contoso.com".into());
    a.proxy_addresses = vec!["SMTP:ann.smith@contoso.com".into()];
    a.consistency_guid = Some("00ff".into());
    let mut b = with_upn("Bob", "bob@contoso.com");
    b.consistency_guid = Some("00FF".into());
    b.smime_certificates = 15;
    let opts = LintOptions {
        cloud: vec![CloudHolder {
            name: "robert@contoso.com".into(),
            upn: Some("robert@contoso.com".into()),
            addresses: vec!["robert@contoso.com".into(), "BOB@contoso.com".into()],
            ..CloudHolder::default()
        }],
        ..LintOptions::default()
    };
    let r: Vec<_> = lint(&[a, b], &opts)
        .errors
        .into_iter()
        .map(|e| (e.error_text(), e.cn, e.attribute))
        .map(|(t, c, a)| (c, a, t))
        .collect();
    assert_eq!(
        r,
        vec![
            ("Ann".into(), "userCertificate", "LargeObject".into()),
            ("Ann".into(), "thumbnailPhoto", "LargeObject".into()),
            ("Ann".into(), "mail", "MailNotInProxyAddresses".into()),
            ("Bob".into(), "userPrincipalName", "CloudDuplicate".into()),
            ("Ann".into(), "mS-DS-ConsistencyGuid", "Duplicate".into()),
            ("Bob".into(), "mS-DS-ConsistencyGuid", "Duplicate".into()),
        ]
    );
}

#[test]
fn verified_domains() {
    let opts = LintOptions {
        verified_domains: vec!["contoso.com".into()],
        ..LintOptions::default()
    };
    let objs = [
        with_upn("Ann", "ann@contoso.com"),
        with_upn("Bob", "bob@eu.contoso.com"),
        with_upn("Cy", "cy@fabrikam.com"),
        with_upn("Di", "di@contoso.local"),
    ];
    let r: Vec<_> = lint(&objs, &opts)
        .errors
        .into_iter()
        .map(|e| (e.error_text(), e.cn))
        .map(|(t, c)| (c, t))
        .collect();
    assert_eq!(
        r,
        vec![
            ("Cy".into(), "NotVerifiedDomain".into()),
            ("Di".into(), "TopLevelDomain".into())
        ]
    );
}

#[test]
fn dedicated_mode_rules() {
    let opts = LintOptions {
        mode: LintMode::Dedicated,
        ..LintOptions::default()
    };
    let mut a = user("Ann");
    a.display_name = Some(" Ann ".into());
    a.mail = Some("ann@contoso.com".into());
    a.mail_nickname = Some("ann!.".into());
    let group = LintObject {
        class: Some(LintClass::Group),
        group_type: Some(8),
        proxy_addresses: vec!["SMTP:team@contoso.com".into()],
        mail_nickname: Some("team".into()),
        ..user("Team")
    };
    let r: Vec<_> = lint(&[a, group], &opts)
        .errors
        .into_iter()
        .map(|e| (e.error_text(), e.cn, e.attribute, e.update))
        .map(|(t, c, a, u)| (c, a, t, u))
        .collect();
    assert_eq!(
        r,
        vec![
            (
                "Ann".into(),
                "displayName",
                "Character".into(),
                "Ann".into()
            ),
            (
                "Ann".into(),
                "mailNickname",
                "Character".into(),
                "ann".into()
            ),
            (
                "Ann".into(),
                "targetAddress",
                "Blank".into(),
                "SMTP:ann@contoso.com".into()
            ),
            ("Team".into(), "displayName", "Blank".into(), "Team".into()),
        ]
    );
}

#[test]
fn blank_display_name_suggests_cn_and_mail_nickname_leading_period() {
    let mut a = with_upn("Ann", "ann@contoso.com");
    a.display_name = Some("  ".into());
    a.mail_nickname = Some(".ann".into());
    let r = rows(&[a]);
    assert_eq!(r[0].1, "displayName");
    assert_eq!(r[0].2, "Blank");
    assert_eq!(r[0].3, "Ann");
    assert_eq!(r[1].2, "Character");
    assert_eq!(r[1].3, "ann");
}

fn cloud_user(id: &str, upn: &str, proxies: &[&str], synced: bool) -> crate::model::CloudUser {
    crate::model::CloudUser {
        id: id.into(),
        user_principal_name: Some(upn.into()),
        proxy_addresses: proxies.iter().map(|p| (*p).to_owned()).collect(),
        on_premises_sync_enabled: synced.then_some(true),
        ..crate::model::CloudUser::default()
    }
}

#[test]
fn cloud_holders_are_the_cloud_only_users_with_every_address() {
    let users = [
        cloud_user(
            "1",
            "ann@contoso.com",
            &["SMTP:Ann.Smith@contoso.com", "X500:/o=x"],
            false,
        ),
        cloud_user("2", "bob@contoso.com", &["SMTP:bob@contoso.com"], true),
    ];
    let holders = CloudHolder::of_users(&users);
    assert_eq!(
        holders,
        vec![CloudHolder {
            name: "ann@contoso.com (id 1)".into(),
            upn: Some("ann@contoso.com".into()),
            primary_smtp: Some("Ann.Smith@contoso.com".into()),
            addresses: vec!["ann@contoso.com".into(), "Ann.Smith@contoso.com".into()],
        }]
    );
}

#[test]
fn cloud_duplicate_rows_name_the_holder_by_display_name_upn_and_id() {
    let named = |display: Option<&str>, upn: Option<&str>, id: &str| {
        let u = crate::model::CloudUser {
            display_name: display.map(str::to_owned),
            user_principal_name: upn.map(str::to_owned),
            mail: Some("shared@contoso.com".into()),
            ..cloud_user(id, "", &[], false)
        };
        CloudHolder::of_users(&[u]).remove(0).name
    };
    assert_eq!(
        named(Some("Shared Box"), Some("box@contoso.com"), "9a"),
        "Shared Box <box@contoso.com> (id 9a)"
    );
    assert_eq!(
        named(None, Some("box@contoso.com"), "9a"),
        "box@contoso.com (id 9a)"
    );
    assert_eq!(named(Some("Shared Box"), None, "9a"), "Shared Box (id 9a)");
    assert_eq!(named(None, None, "9a"), "id 9a");

    let mut o = with_upn("Ann", "ann@contoso.com");
    o.proxy_addresses = vec![
        "SMTP:ann@contoso.com".into(),
        "smtp:shared@contoso.com".into(),
    ];
    let opts = LintOptions {
        cloud: CloudHolder::of_users(&[crate::model::CloudUser {
            display_name: Some("Shared Box".into()),
            mail: Some("shared@contoso.com".into()),
            ..cloud_user("9a", "box@contoso.com", &[], false)
        }]),
        ..LintOptions::default()
    };
    let report = lint(&[o], &opts);
    let held: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.value.as_str(), e.held_by.as_deref()))
        .collect();
    assert_eq!(
        held,
        [(
            "smtp:shared@contoso.com",
            Some("Shared Box <box@contoso.com> (id 9a)")
        )]
    );
}

fn cloud_rows(objects: &[LintObject], opts: &LintOptions) -> Vec<(String, &'static str, String)> {
    lint(objects, opts)
        .errors
        .into_iter()
        .filter(|e| e.errors.contains(&LintErrorKind::CloudDuplicate))
        .map(|e| (e.cn, e.attribute, e.value))
        .collect()
}

#[test]
fn cloud_duplicates_spare_the_soft_match_partner_unless_soft_match_is_blocked() {
    // Cloud-only Carol holds carol@ and c.jones@; cloud-only Dan holds dan@.
    let users = [
        cloud_user(
            "c",
            "carol@contoso.com",
            &["SMTP:carol@contoso.com", "smtp:c.jones@contoso.com"],
            false,
        ),
        cloud_user("d", "dan@contoso.com", &["SMTP:dan@contoso.com"], false),
    ];
    // AD Carol soft-matches cloud Carol by UPN: her addresses are hers. She also takes Dan's address.
    let mut carol = with_upn("Carol", "Carol@contoso.com");
    carol.proxy_addresses = vec![
        "SMTP:c.jones@contoso.com".into(),
        "smtp:DAN@contoso.com".into(),
    ];
    // AD Eve takes Carol's UPN as a proxy address: not her partner.
    let mut eve = with_upn("Eve", "eve@contoso.com");
    eve.proxy_addresses = vec![
        "SMTP:eve@contoso.com".into(),
        "smtp:carol@contoso.com".into(),
    ];
    let mut opts = LintOptions {
        cloud: CloudHolder::of_users(&users),
        ..LintOptions::default()
    };
    let objs = [carol, eve];
    let row =
        |name: &str, attr: &'static str, value: &str| (name.to_owned(), attr, value.to_owned());
    let held_by_others = vec![
        row("Carol", "proxyAddresses", "smtp:DAN@contoso.com"),
        row("Eve", "proxyAddresses", "smtp:carol@contoso.com"),
    ];
    assert_eq!(cloud_rows(&objs, &opts), held_by_others);
    opts.soft_match_blocked = true;
    let mut with_carols_own = vec![
        row("Carol", "userPrincipalName", "Carol@contoso.com"),
        row("Carol", "proxyAddresses", "SMTP:c.jones@contoso.com"),
    ];
    with_carols_own.extend(held_by_others);
    assert_eq!(cloud_rows(&objs, &opts), with_carols_own);
}
