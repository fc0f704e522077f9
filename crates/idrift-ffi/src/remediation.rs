//! The remediation writers: `Remediation.Apply` (`idrift plan UPN --option ID --apply`, with `--resume`) and
//! `Undo` (`idrift undo JOURNAL`), over the same `idrift_app::remediate` and `idrift_app::journal` calls the
//! CLI makes.
//!
//! One request is one run, so the CLI's question before each step becomes data: the host asks for a dry run
//! (the steps, nothing run), asks its user about each write (PowerShell's ShouldProcess), and sends the apply
//! with the approved steps in `Approve` (and, on a resume, the manual steps confirmed done in `ManualDone`).
//! [`ApprovedGate`] (in `idrift_app::ops::remediation`, with the workflow itself) answers the runner's
//! questions from those lists.

use idrift_app::ops::remediation::{self as op, ApplyRequest, ApprovedGate, Source};
use idrift_app::remediate;

use crate::error::CallError;
use crate::targets;
use crate::wire::{RemediationApplyArgs, UndoArgs, ok};
use crate::{runtime, writes};

/// `Remediation.Apply`: the request's fields as [`idrift_app::ops::remediation`]'s, its result as the wire's.
pub(crate) fn apply(args: RemediationApplyArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Remediation.Apply";
    let (spec, resolver) = (targets::spec(OP, &args.source)?, targets::resolver());
    let source = Source {
        spec: &spec,
        resolver: &resolver,
    };
    let mut gate = ApprovedGate::new(args.approve, args.manual_done);
    let upn = &args.user.user_principal_name;
    let (option, apply, clock) = (args.option, args.write.apply, writes::clock());
    if let Some(journal_file) = &args.resume {
        let journal = writes::resumed(OP, &args.write, journal_file)?;
        let run = op::resume(journal, upn, option, apply, &source, &mut gate, clock);
        let (run, warnings) = runtime::block_on(run)??;
        return ok(&run, &warnings);
    }
    // The journal is checked before anything is read: a second apply into the same journal is refused even
    // when the first one changed the data the plan is made from.
    let journal = if apply {
        let command = remediate::command(upn.trim(), option);
        let hint = "name a new one, or continue that run with Resume";
        Some(writes::new_journal(OP, &args.write, &command, hint)?)
    } else {
        None
    };
    let loaded = targets::load(OP, &args.source, idrift_app::snapshot::LoadProfile::Full)?;
    let req = ApplyRequest {
        user_principal_name: upn,
        option,
        scan: &args.user.scope.options(),
        plan: &args.user.plan_options(),
        journal,
    };
    let run = op::apply(&loaded.snapshot, &source, req, &mut gate, clock);
    let (run, w) = runtime::block_on(run)??;
    let mut warnings = loaded.warnings;
    warnings.extend(w);
    ok(&run, &warnings)
}

/// `Undo`: one journal or several of one kind (dirsync, remediation or lint) reversed as one plan with one
/// journal, through what the journals wrote to, opened from `Source` ([`idrift_app::ops::undo`]).
pub(crate) fn undo(args: UndoArgs) -> Result<Vec<u8>, CallError> {
    const OP: &str = "Undo";
    let paths = args.paths(OP)?;
    let (spec, resolver) = (targets::spec(OP, &args.source)?, targets::resolver());
    let source = Source {
        spec: &spec,
        resolver: &resolver,
    };
    let journal = |command: &str| writes::new_journal(OP, &args.write, command, "name a new one");
    let hook = crate::progress::hook();
    let apply = args.write.apply;
    let run = idrift_app::ops::undo::run(&paths, &source, apply, journal, writes::clock(), &hook);
    let (run, warnings) = runtime::block_on(run)??;
    ok(&run, &warnings)
}

#[cfg(test)]
mod tests;
