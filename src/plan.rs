//! The remediation plan (`comply run --remediate --plan`): what a
//! remediating run would do, decided from a check run that really probed
//! the targets. For each case whose probe failed it says whether the
//! remediation would run (or why not: its tier, a lint verdict), the exact
//! script with its SHA-256, and the files and units the script statically
//! changes. Nothing here runs a step: the plan is made after the check run
//! is over, from its results.

use std::fmt::Write as _;

use crate::exit_code;
use crate::lifecycle::run::{RunLifecycle, RunStep};
use crate::lifecycle::{Healing, Next};
use crate::lint::shell::analyze;
use crate::lint::touches::{Touches, touches};
use crate::model::Script;
use crate::outcome::{Mode, Status};
use crate::results::{CaseResult, RunReport};

/// What `--remediate` would do with one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The remediation would run.
    Remediate,
    /// It would not: the reason (a tier, a lint verdict).
    Withheld(String),
    /// The probe could not tell (error, timeout, unreachable target): the
    /// plan cannot say whether anything would change.
    Unknown(String),
}

/// One case of the plan.
#[derive(Debug)]
pub struct PlannedCase<'a> {
    pub case: &'a CaseResult,
    pub action: Action,
    /// The remediation variant and script, when the runbook has one for
    /// the target's platform.
    pub script: Option<(&'a str, &'a Script)>,
    pub touches: Touches,
}

/// The plan for every case of a check run that a remediating run would
/// treat differently: probes that failed or could not tell.
pub fn plan(report: &RunReport, allow_l2: bool) -> Vec<PlannedCase<'_>> {
    report
        .cases()
        .filter_map(|case| {
            let action = action(case, allow_l2)?;
            let script = case
                .runbook
                .remediate
                .as_ref()
                .and_then(|set| set.for_platform(&case.platform));
            let touches = script
                .map(|(_, script)| touches(&analyze(script.text())))
                .unwrap_or_default();
            Some(PlannedCase {
                case,
                action,
                script,
                touches,
            })
        })
        .collect()
}

/// `None` for a case a remediating run would leave as the check run
/// found it: compliant, not applicable, waived. The decision is the run
/// lifecycle's own, told the probe's exit as a remediating run would be.
fn action(case: &CaseResult, allow_l2: bool) -> Option<Action> {
    let probe = case.steps.first().filter(|step| step.label == "probe");
    let exit = match probe.map(|step| &step.result) {
        Some(Ok(output)) => output.exit,
        // No probe ran: waived, not for this platform, or the target was
        // unusable (a target error says why).
        _ => {
            return (case.verdict.outcome.status(Mode::Check) == Status::Error)
                .then(|| Action::Unknown(case.verdict.message()));
        }
    };
    let mut lifecycle = RunLifecycle::new(
        case.runbook.tier,
        Healing::On { allow_l2 },
        crate::lint::static_verdict(&case.runbook, &case.platform),
    );
    lifecycle.record(RunStep::Probe, exit);
    match lifecycle.next() {
        Next::Run(RunStep::Remediate) => Some(Action::Remediate),
        Next::Run(step) => unreachable!("after the probe comes the remediation, not {step:?}"),
        Next::Done(verdict) => match verdict.outcome.status(Mode::Remediate) {
            Status::Pass | Status::Skipped => None,
            Status::Error => Some(Action::Unknown(verdict.message())),
            Status::Failure => Some(Action::Withheld(verdict.message())),
        },
    }
}

/// The exit status of a plan: 130 when interrupted, 1 when a remediation
/// would run, 3 when a probe could not tell (an unknown is never "nothing
/// would change"), else 0.
pub fn exit_code(plan: &[PlannedCase<'_>], interrupted: bool) -> i32 {
    let any = |wanted: fn(&Action) -> bool| plan.iter().any(|planned| wanted(&planned.action));
    if interrupted {
        exit_code::INTERRUPTED
    } else if any(|action| *action == Action::Remediate) {
        exit_code::FAILURES
    } else if any(|action| matches!(action, Action::Unknown(_))) {
        exit_code::ERRORS
    } else {
        exit_code::OK
    }
}

/// The plan as an operator reads it: one block per case, the script in
/// full, then a count.
pub fn render(plan: &[PlannedCase<'_>]) -> String {
    let mut out = String::new();
    for planned in plan {
        let case = planned.case;
        let (label, why) = match &planned.action {
            Action::Remediate => ("WOULD REMEDIATE", String::new()),
            Action::Withheld(why) => ("WOULD NOT RUN", format!(": {why}")),
            Action::Unknown(why) => ("CANNOT TELL", format!(": {why}")),
        };
        let _ = writeln!(
            out,
            "{label} {} on {} (tier {}, {}){why}",
            case.runbook.id,
            case.target,
            case.runbook.tier,
            case.runbook.citations()
        );
        let _ = writeln!(out, "  {}", case.runbook.title);
        if matches!(planned.action, Action::Unknown(_)) {
            continue;
        }
        let Some((variant, script)) = planned.script else {
            let _ = writeln!(out, "  no remediation for `{}`", case.platform);
            continue;
        };
        let _ = writeln!(
            out,
            "  script  remediate[{variant}] sha256:{}",
            script.sha256()
        );
        let touches = &planned.touches;
        // "none" only when every command was read: otherwise the lists are
        // what the script's words show, and the lines below say what not.
        let empty = if touches.complete() {
            "none"
        } else {
            "none it can name"
        };
        let list = |items: &std::collections::BTreeSet<String>| {
            if items.is_empty() {
                empty.to_owned()
            } else {
                items.iter().cloned().collect::<Vec<_>>().join(" ")
            }
        };
        let _ = writeln!(out, "  files   {}", list(&touches.files));
        let _ = writeln!(out, "  units   {}", list(&touches.units));
        if let Some(line) = touches.unparsed {
            let _ = writeln!(
                out,
                "  unknown the script does not parse (line {line}): what it changes cannot be read"
            );
        }
        if !touches.unknown.is_empty() {
            let lines: Vec<String> = touches.unknown.iter().map(usize::to_string).collect();
            let _ = writeln!(
                out,
                "  unknown computed at run time on line {}",
                lines.join(", ")
            );
        }
        if !touches.not_analysed.is_empty() {
            let runs: Vec<String> = touches
                .not_analysed
                .iter()
                .map(|(what, line)| format!("{what} (line {line})"))
                .collect();
            let _ = writeln!(out, "  also    {}: changes not itemised", runs.join(", "));
        }
        for line in script.text().lines() {
            let _ = writeln!(out, "  | {line}");
        }
    }
    let count = |wanted: fn(&Action) -> bool| plan.iter().filter(|p| wanted(&p.action)).count();
    let _ = writeln!(
        out,
        "plan: {} would remediate, {} would not run, {} cannot tell; nothing was changed",
        count(|a| *a == Action::Remediate),
        count(|a| matches!(a, Action::Withheld(_))),
        count(|a| matches!(a, Action::Unknown(_))),
    );
    out
}
