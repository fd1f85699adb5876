//! The remediation plan (`comply run --remediate --plan`): what a
//! remediating run would do, decided from a check run that really probed
//! the targets. For each case whose probe failed it says whether the
//! remediation would run (or why not: its tier, a lint verdict), the exact
//! script with its SHA-256, and the files and units the script statically
//! changes. Nothing here runs a step: the plan is made after the check run
//! is over, from its results.

use std::fmt::Write as _;

use crate::exit_code;
use crate::lifecycle::{ProbeResult, classify_probe};
use crate::lint::shell::analyze;
use crate::lint::touches::{Touches, touches};
use crate::model::{Script, Tier};
use crate::outcome::Outcome;
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
/// found it: compliant, not applicable, waived.
fn action(case: &CaseResult, allow_l2: bool) -> Option<Action> {
    let probe = case.steps.first().filter(|step| step.label == "probe");
    let exit = match probe.map(|step| &step.result) {
        Some(Ok(output)) => output.exit,
        // No probe ran: waived, not for this platform, or the target was
        // unusable (a target error says why).
        _ => {
            return (case.verdict.outcome == Outcome::TargetError
                || case.verdict.outcome == Outcome::Interrupted)
                .then(|| Action::Unknown(case.verdict.message()));
        }
    };
    match classify_probe(exit) {
        ProbeResult::Compliant | ProbeResult::NotApplicable => None,
        ProbeResult::Error(..) | ProbeResult::Interrupted => {
            Some(Action::Unknown(case.verdict.message()))
        }
        ProbeResult::NonCompliant => Some(match case.runbook.tier {
            // The check run decided empty and no-op remediations already.
            _ if matches!(
                case.verdict.outcome,
                Outcome::EmptyRunbook | Outcome::NoopRunbook
            ) =>
            {
                Action::Withheld(case.verdict.message())
            }
            Tier::L3 => Action::Withheld("tier L3: never remediated automatically".to_owned()),
            Tier::L2 if !allow_l2 => {
                Action::Withheld("tier L2: runs only with --allow-tier L2".to_owned())
            }
            Tier::L1 | Tier::L2 => Action::Remediate,
        }),
    }
}

/// The exit status of a plan whose check run found no error: 0 when
/// nothing would change, 1 when a remediation would run. (A probe that
/// could not tell is an error of the check run, which exits 3.)
pub fn exit_code(plan: &[PlannedCase<'_>]) -> i32 {
    if plan
        .iter()
        .any(|planned| planned.action == Action::Remediate)
    {
        exit_code::FAILURES
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
        let Some((variant, script)) = planned.script else {
            let _ = writeln!(out, "  no remediation for `{}`", case.platform);
            continue;
        };
        if matches!(planned.action, Action::Unknown(_)) {
            continue;
        }
        let _ = writeln!(
            out,
            "  script  remediate[{variant}] sha256:{}",
            script.sha256()
        );
        let list = |items: Vec<String>| {
            if items.is_empty() {
                "none found".to_owned()
            } else {
                items.join(" ")
            }
        };
        let touches = &planned.touches;
        let _ = writeln!(
            out,
            "  files   {}",
            list(touches.files.iter().cloned().collect())
        );
        let _ = writeln!(
            out,
            "  units   {}",
            list(touches.units.iter().cloned().collect())
        );
        if !touches.unknown.is_empty() {
            let lines: Vec<String> = touches.unknown.iter().map(usize::to_string).collect();
            let _ = writeln!(
                out,
                "  unknown computed at run time on line {}",
                lines.join(", ")
            );
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
