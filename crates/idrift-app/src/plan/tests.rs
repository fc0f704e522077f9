//! Tests of planning on the bundled demo, and of the steps CSV.

use idrift_core::Guid;
use idrift_core::plan::OptionId;

use super::*;

fn demo() -> Snapshot {
    crate::demo::load().unwrap().snapshot
}

/// Plans for `upn` in the demo with the default options.
fn plan_in_demo(upn: &str) -> Result<Planned, crate::AppError> {
    plan(
        &demo(),
        upn,
        &ScanOptions::default(),
        &PlanOptions::default(),
    )
}

/// The plan for `upn` in the demo with the default options.
fn demo_plan(upn: &str) -> idrift_core::plan::RemediationPlan {
    plan_in_demo(upn).unwrap().plan.unwrap()
}

#[test]
fn the_demo_duplicate_records_the_cloud_mailbox_guid_of_article_002() {
    let p = demo_plan(" TestDuplicate@contoso.com ");
    let o = p.option(OptionId::DeleteAndMerge).unwrap();
    assert!(o.recommended);
    let cloud: Guid = "17d89853-ec3e-4bb3-9bf8-a7d022818fb0".parse().unwrap();
    assert_eq!(o.recorded_exchange_guid(), Some(cloud));
    assert!(o.steps.iter().any(|s| s.command
        == format!("New-MailboxRestoreRequest -SourceMailbox {cloud} -TargetMailbox 064e1a94-3199-49a7-9cb3-3ce3412424d6 -AllowLegacyDNMismatch")));
}

#[test]
fn the_demo_option_3_case_recommends_remove_license() {
    let p = demo_plan("testlicense@contoso.com");
    let recommended: Vec<OptionId> = p
        .options
        .iter()
        .filter(|o| o.recommended)
        .map(|o| o.id)
        .collect();
    assert_eq!(recommended, [OptionId::RemoveLicense]);
}

#[test]
fn unknown_users_are_not_found_and_healthy_users_have_no_plan() {
    let e = plan_in_demo("nobody@contoso.com").unwrap_err();
    // Failed input (exit 1), not a usage error (exit 2).
    assert!(matches!(e, crate::AppError::NotFound(_)), "{e:?}");
    assert!(!e.is_usage());
    assert!(e.to_string().contains("nobody@contoso.com"), "{e}");
    let healthy = plan_in_demo("ken.thompson@contoso.com").unwrap();
    assert!(healthy.plan.is_none());
}

#[test]
fn steps_csv_has_a_row_per_step() {
    let p = demo_plan("radia.perlman@contoso.com");
    let mut buf = Vec::new();
    write_steps_csv(&mut buf, &p).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        p.options.iter().map(|o| o.steps.len()).sum::<usize>()
    );
    assert_eq!(&rows[0][0], "ReprovisionCloudAlias");
    assert_eq!(&rows[0][1], "True");
    assert_eq!(&rows[0][2], "1");
}
