//! Tests of the plan operation on the bundled demo: the option asked for is the only one kept, and one the
//! user does not have is refused as a usage error naming those there are.

use super::*;

fn demo() -> Snapshot {
    crate::demo::load().unwrap().snapshot
}

fn plan_for(upn: &str, option: Option<OptionId>) -> Result<UserPlan, AppError> {
    plan(
        &demo(),
        upn,
        &ScanOptions::default(),
        &PlanOptions::default(),
        option,
    )
}

#[test]
fn an_option_asked_for_is_the_only_one_kept() {
    let all = plan_for("testduplicate@contoso.com", None).unwrap();
    assert!(all.plan.options.len() > 1, "{:?}", all.plan.options);
    let one = plan_for("testduplicate@contoso.com", Some(OptionId::DeleteAndMerge)).unwrap();
    let ids: Vec<OptionId> = one.plan.options.iter().map(|o| o.id).collect();
    assert_eq!(ids, [OptionId::DeleteAndMerge]);
}

#[test]
fn an_option_the_user_lacks_is_refused_naming_the_options() {
    let all = plan_for("testduplicate@contoso.com", None).unwrap();
    let missing = [
        OptionId::DeleteAndMerge,
        OptionId::RemoveLicense,
        OptionId::KeepCloudMailbox,
        OptionId::AddRoutingAddressOnPrem,
        OptionId::ReprovisionCloudAlias,
    ]
    .into_iter()
    .find(|id| all.plan.option(*id).is_none())
    .unwrap();
    let e = plan_for("testduplicate@contoso.com", Some(missing)).unwrap_err();
    assert!(e.is_usage(), "{e:?}");
    assert!(e.to_string().contains("the options are "), "{e}");
    let healthy = plan_for("ken.thompson@contoso.com", Some(missing)).unwrap_err();
    assert!(
        healthy
            .to_string()
            .contains("the user has no Exchange remediation option"),
        "{healthy}"
    );
}

#[test]
fn a_healthy_user_has_an_empty_plan_under_the_trimmed_upn() {
    let p = plan_for(" ken.thompson@contoso.com ", None).unwrap();
    assert_eq!(p.plan.user_principal_name, "ken.thompson@contoso.com");
    assert!(p.plan.options.is_empty() && p.plan.findings.is_empty());
}
