//! Tests of the remediation operation on the demo snapshot: the approved-steps gate, the dry run, and the
//! refusal of an option the user's plan does not have.

use idrift_core::plan::OptionId;

use super::{ApplyRequest, Approval, ApprovedGate, Source, apply};
use crate::remediate::{Ask, Gate, StepKind, StepRow};
use crate::source::{Resolver, SourceSpec};

const UPN: &str = "testduplicate@contoso.com";

fn rows() -> Vec<StepRow> {
    let snap = crate::demo::load().unwrap().snapshot;
    let planned = crate::plan::plan(&snap, UPN, &Default::default(), &Default::default()).unwrap();
    let plan = planned.plan.unwrap();
    let spec = crate::remediate::plan_spec(&plan, OptionId::DeleteAndMerge, &snap).unwrap();
    crate::remediate::pending_rows(&spec)
}

#[test]
fn the_gate_runs_only_approved_steps_with_their_target() {
    let rows = rows();
    let write = rows.iter().find(|r| r.kind == StepKind::Write).unwrap();
    let mut gate = ApprovedGate::new(
        vec![Approval {
            order: write.order,
            target: write.target.clone(),
        }],
        vec![6],
    );
    assert!(gate.ask(Ask::Write(write)).unwrap());
    let mut other = write.clone();
    other.target = "someone-else@contoso.com".to_owned();
    assert!(!gate.ask(Ask::Write(&other)).unwrap());
    other = write.clone();
    other.order += 1;
    assert!(!gate.ask(Ask::Write(&other)).unwrap());
    let mut manual = write.clone();
    manual.order = 6;
    assert!(gate.ask(Ask::ManualDone(&manual)).unwrap());
    manual.order = 9;
    assert!(!gate.ask(Ask::ManualDone(&manual)).unwrap());
}

fn env(_: &str) -> Option<String> {
    None
}

struct NoNames;
impl crate::source::Names for NoNames {
    fn setting(&self, _: crate::source::Setting) -> &'static str {
        "SETTING"
    }
    fn missing(&self, m: crate::source::Missing) -> String {
        format!("MISSING {m:?}")
    }
}

fn dry_run(option: OptionId) -> Result<super::RemediationRun, crate::AppError> {
    let snap = crate::demo::load().unwrap().snapshot;
    let spec = SourceSpec::default();
    let resolver = Resolver {
        env: &env,
        prompt: None,
        progress: Default::default(),
        names: &NoNames,
    };
    let source = Source {
        spec: &spec,
        resolver: &resolver,
    };
    let req = ApplyRequest {
        user_principal_name: UPN,
        option,
        scan: &Default::default(),
        plan: &Default::default(),
        journal: None,
    };
    let mut gate = ApprovedGate::default();
    let run = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(apply(
            &snap,
            &source,
            req,
            &mut gate,
            crate::journal::Clock::new(|| 0),
        ))?;
    assert!(run.1.is_empty());
    Ok(run.0)
}

#[test]
fn a_dry_run_lists_the_pending_steps_and_runs_nothing() {
    let run = dry_run(OptionId::DeleteAndMerge).unwrap();
    assert!(!run.applied);
    assert!(run.stop.is_none() && run.journal_path.is_none() && run.acts_on.is_none());
    assert_eq!(run.writes, 0);
    assert!(run.steps.iter().any(|s| s.row.kind == StepKind::Write));
    assert!(run.steps.iter().all(|s| s.label == "pending"), "{run:?}");
    let json = serde_json::to_value(&run).unwrap();
    assert_eq!(json["UserPrincipalName"], UPN);
    assert_eq!(json["Option"], "DeleteAndMerge");
    assert!(json["Steps"][0]["Label"].is_string() && json["Steps"][0]["Order"].is_number());
}

#[test]
fn an_option_the_plan_does_not_have_is_refused() {
    let options: Vec<OptionId> = {
        let snap = crate::demo::load().unwrap().snapshot;
        let planned =
            crate::plan::plan(&snap, UPN, &Default::default(), &Default::default()).unwrap();
        planned.plan.unwrap().options.iter().map(|o| o.id).collect()
    };
    let missing = OptionId::ALL
        .iter()
        .copied()
        .find(|o| !options.contains(o))
        .unwrap();
    let e = dry_run(missing).unwrap_err();
    assert!(e.to_string().contains("is not an option for"), "{e}");
}
