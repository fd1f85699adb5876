//! The gate's decisions for one runbook × fixture × scenario, as a pure
//! state machine like [`super::run`]: scenario → probe → remediate →
//! (changed?) → verify → remediate again → (changed again?) → verify →
//! restart → verify. It is told what each step did and answers with the
//! next step or the verdict.

use super::{Next, ProbeResult, Verdict, classify_probe, done};
use crate::model::{Expect, Tier};
use crate::outcome::Outcome;
use crate::target::Exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateStep {
    Scenario,
    Probe,
    Remediate,
    Verify,
    RemediateAgain,
    VerifyAgain,
    Restart,
    VerifyAfterRestart,
}

impl GateStep {
    /// The step's `COMPLY_STEP`: what the script is asked to do.
    pub fn role(self) -> &'static str {
        match self {
            GateStep::Scenario => "scenario",
            GateStep::Probe => "probe",
            GateStep::Remediate | GateStep::RemediateAgain => "remediate",
            GateStep::Verify | GateStep::VerifyAgain | GateStep::VerifyAfterRestart => "verify",
            // Restarting runs no runbook script; its readiness check has no
            // COMPLY_STEP. Named for completeness only.
            GateStep::Restart => "restart",
        }
    }

    /// How the transcript names the step.
    pub fn label(self) -> &'static str {
        match self {
            GateStep::Scenario => "scenario",
            GateStep::Probe => "probe",
            GateStep::Remediate => "remediate",
            GateStep::Verify => "verify",
            GateStep::RemediateAgain => "remediate (again)",
            GateStep::VerifyAgain => "verify (after the second remediation)",
            GateStep::Restart => "restart",
            GateStep::VerifyAfterRestart => "verify (after restart)",
        }
    }
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// A script's exit.
    Exit(Exit),
    /// A remediation's exit and what it changed (one line per change).
    Remediated(Exit, Vec<String>),
    /// The fixture restarted and is ready again, or why not.
    Restarted(Result<(), String>),
}

#[derive(Debug, Clone)]
pub struct GateLifecycle {
    tier: Tier,
    expect: Expect,
    static_verdict: Option<Verdict>,
    observed: Vec<(GateStep, Observed)>,
}

/// At most this many changes are named in a verdict.
const SHOWN_CHANGES: usize = 5;

fn list(changes: &[String]) -> String {
    let mut shown = changes
        .iter()
        .take(SHOWN_CHANGES)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if changes.len() > SHOWN_CHANGES {
        shown.push_str(&format!("; and {} more", changes.len() - SHOWN_CHANGES));
    }
    shown
}

impl GateLifecycle {
    pub fn new(tier: Tier, expect: Expect, static_verdict: Option<Verdict>) -> Self {
        GateLifecycle {
            tier,
            expect,
            static_verdict,
            observed: Vec::new(),
        }
    }

    pub fn record(&mut self, step: GateStep, observed: Observed) {
        self.observed.push((step, observed));
    }

    fn last(&self) -> Option<&(GateStep, Observed)> {
        self.observed.last()
    }

    /// A probe or verify step's verdict when it did not give a clear 0/1.
    fn unclear(step: GateStep, exit: Exit) -> Option<Next<GateStep>> {
        match classify_probe(exit) {
            ProbeResult::Compliant | ProbeResult::NonCompliant => None,
            ProbeResult::NotApplicable => Some(done(
                Outcome::NotApplicable,
                format!(
                    "the {} exited 77: the check cannot be made on this fixture",
                    step.label()
                ),
            )),
            ProbeResult::Error(outcome, why) => {
                Some(done(outcome, format!("the {} {exit}: {why}", step.label())))
            }
            ProbeResult::Interrupted => Some(done(Outcome::Interrupted, "comply was interrupted")),
        }
    }

    pub fn next(&self) -> Next<GateStep> {
        let Some((step, observed)) = self.last() else {
            return Next::Run(GateStep::Scenario);
        };
        match (step, observed) {
            (GateStep::Scenario, Observed::Exit(Exit::Code(0))) => Next::Run(GateStep::Probe),
            (GateStep::Scenario, Observed::Exit(Exit::Cancelled)) => done(Outcome::Interrupted, "comply was interrupted"),
            (GateStep::Scenario, Observed::Exit(exit)) => done(
                Outcome::FixtureError,
                format!("the scenario script {exit}: it must put the fixture into its state and exit 0"),
            ),
            (GateStep::Probe, Observed::Exit(exit)) => self.after_probe(*exit),
            (GateStep::Remediate, Observed::Remediated(exit, changes)) if self.expect == Expect::Refused => {
                Self::after_refusal(*exit, changes)
            }
            (GateStep::Remediate, Observed::Remediated(exit, changes)) => match exit {
                Exit::Cancelled => done(Outcome::Interrupted, "comply was interrupted"),
                Exit::Code(0) if changes.is_empty() => done(
                    Outcome::NoopRunbook,
                    "the remediation exited 0 but changed nothing in the fixture: no file's content, mode or owner, no unit's state",
                ),
                Exit::Code(0) => Next::Run(GateStep::Verify),
                other => done(Outcome::RemediationFailed, format!("the remediation {other}")),
            },
            (GateStep::Verify, Observed::Exit(exit)) => Self::unclear(GateStep::Verify, *exit).unwrap_or_else(|| match exit {
                Exit::Code(0) => Next::Run(GateStep::RemediateAgain),
                _ => done(Outcome::NotHealed, "the remediation exited 0 but the verify step still fails"),
            }),
            (GateStep::RemediateAgain, Observed::Remediated(exit, changes)) => match exit {
                Exit::Cancelled => done(Outcome::Interrupted, "comply was interrupted"),
                Exit::Code(0) if changes.is_empty() => Next::Run(GateStep::VerifyAgain),
                Exit::Code(0) => done(
                    Outcome::NotIdempotent,
                    format!("a second remediation on the healed fixture changed it again: {}", list(changes)),
                ),
                other => done(Outcome::NotIdempotent, format!("a second remediation on the healed fixture {other}")),
            },
            (GateStep::VerifyAgain, Observed::Exit(exit)) => Self::unclear(GateStep::VerifyAgain, *exit).unwrap_or_else(|| match exit {
                Exit::Code(0) => Next::Run(GateStep::Restart),
                _ => done(Outcome::NotIdempotent, "the verify step fails after a second remediation"),
            }),
            (GateStep::Restart, Observed::Restarted(Ok(()))) => Next::Run(GateStep::VerifyAfterRestart),
            (GateStep::Restart, Observed::Restarted(Err(why))) => {
                done(Outcome::FixtureError, format!("the fixture did not come back after a restart: {why}"))
            }
            (GateStep::VerifyAfterRestart, Observed::Exit(exit)) => {
                Self::unclear(GateStep::VerifyAfterRestart, *exit).unwrap_or_else(|| match exit {
                    Exit::Code(0) => done(
                        Outcome::Healed,
                        "the probe caught the broken scenario; the remediation healed it, a second run changed nothing, and it stayed healed after a restart",
                    ),
                    _ => done(
                        Outcome::NotPersistent,
                        "healed, but the verify step fails after the fixture restarted: the fix does not survive a reboot or re-activation",
                    ),
                })
            }
            (step, observed) => unreachable!("the gate never records {observed:?} for {step:?}"),
        }
    }

    /// A `*.refused.sh` scenario: the remediation must say no and leave the
    /// fixture exactly as it found it.
    fn after_refusal(exit: Exit, changes: &[String]) -> Next<GateStep> {
        match exit {
            Exit::Cancelled => done(Outcome::Interrupted, "comply was interrupted"),
            Exit::Code(0) => done(
                Outcome::NotRefused,
                "the remediation went ahead (exit 0) on a scenario where it must refuse and leave the host to a person",
            ),
            other if changes.is_empty() => done(
                Outcome::Escalated,
                format!(
                    "the probe caught the scenario and the remediation refused ({other}) without changing anything: a person decides"
                ),
            ),
            other => done(
                Outcome::NotRefused,
                format!(
                    "the remediation refused ({other}) but changed the fixture first: {}",
                    list(changes)
                ),
            ),
        }
    }

    fn after_probe(&self, exit: Exit) -> Next<GateStep> {
        if let Some(next) = Self::unclear(GateStep::Probe, exit) {
            return next;
        }
        let failed = exit != Exit::Code(0);
        match (self.expect, failed) {
            (Expect::Compliant, false) => done(
                Outcome::Compliant,
                "the probe passed on the compliant scenario",
            ),
            (Expect::Compliant, true) => done(
                Outcome::FalseAlarm,
                "the probe failed on a compliant scenario: it is too strict or checks the wrong thing",
            ),
            (Expect::Broken | Expect::Refused, false) => done(
                Outcome::VacuousProbe,
                "the probe passed on a broken scenario: it would never trigger the remediation",
            ),
            (Expect::Broken | Expect::Refused, true) if self.tier == Tier::L3 => done(
                Outcome::Escalated,
                "the probe caught the broken scenario; L3 runbooks escalate to a person",
            ),
            (Expect::Broken | Expect::Refused, true) => match &self.static_verdict {
                Some(verdict) => Next::Done(verdict.clone()),
                None => Next::Run(GateStep::Remediate),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    use Exit::{Code, TimedOut};
    use GateStep::*;

    fn change() -> Vec<String> {
        vec!["added or changed /etc/x.d/a".to_owned()]
    }

    /// Feeds observations in order; returns the steps asked for and the outcome.
    fn drive(
        tier: Tier,
        expect: Expect,
        static_verdict: Option<Verdict>,
        observations: Vec<Observed>,
    ) -> (Vec<GateStep>, Outcome) {
        let mut lifecycle = GateLifecycle::new(tier, expect, static_verdict);
        let mut observations = observations.into_iter();
        let mut steps = Vec::new();
        loop {
            match lifecycle.next() {
                Next::Run(step) => {
                    steps.push(step);
                    lifecycle.record(
                        step,
                        observations.next().expect("an observation for every step"),
                    );
                }
                Next::Done(verdict) => return (steps, verdict.outcome),
            }
        }
    }

    fn healed_path() -> Vec<Observed> {
        vec![
            Observed::Exit(Code(0)),
            Observed::Exit(Code(1)),
            Observed::Remediated(Code(0), change()),
            Observed::Exit(Code(0)),
            Observed::Remediated(Code(0), vec![]),
            Observed::Exit(Code(0)),
            Observed::Restarted(Ok(())),
            Observed::Exit(Code(0)),
        ]
    }

    #[test]
    fn the_whole_path_to_healed() {
        let (steps, outcome) = drive(Tier::L1, Expect::Broken, None, healed_path());
        assert_eq!(
            steps,
            [
                Scenario,
                Probe,
                Remediate,
                Verify,
                RemediateAgain,
                VerifyAgain,
                Restart,
                VerifyAfterRestart
            ]
        );
        assert_eq!(outcome, Outcome::Healed);
    }

    /// Replaces the observation at `index` of the healed path and cuts the rest.
    fn diverge(index: usize, observed: Observed) -> Vec<Observed> {
        let mut path = healed_path();
        path.truncate(index);
        path.push(observed);
        path
    }

    #[rstest]
    #[case::scenario_failed(diverge(0, Observed::Exit(Code(2))), Outcome::FixtureError)]
    #[case::vacuous_probe(diverge(1, Observed::Exit(Code(0))), Outcome::VacuousProbe)]
    #[case::probe_error(diverge(1, Observed::Exit(Code(3))), Outcome::ProbeError)]
    #[case::probe_not_applicable(diverge(1, Observed::Exit(Code(77))), Outcome::NotApplicable)]
    #[case::remediation_failed(
        diverge(2, Observed::Remediated(Code(1), change())),
        Outcome::RemediationFailed
    )]
    #[case::noop_by_diff(diverge(2, Observed::Remediated(Code(0), vec![])), Outcome::NoopRunbook)]
    #[case::not_healed(diverge(3, Observed::Exit(Code(1))), Outcome::NotHealed)]
    #[case::verify_timeout(diverge(3, Observed::Exit(TimedOut)), Outcome::Timeout)]
    #[case::second_run_fails(diverge(4, Observed::Remediated(Code(1), vec![])), Outcome::NotIdempotent)]
    #[case::second_run_changes_again(
        diverge(4, Observed::Remediated(Code(0), change())),
        Outcome::NotIdempotent
    )]
    #[case::second_run_breaks_verify(diverge(5, Observed::Exit(Code(1))), Outcome::NotIdempotent)]
    #[case::restart_failed(diverge(6, Observed::Restarted(Err("degraded".into()))), Outcome::FixtureError)]
    #[case::not_persistent(diverge(7, Observed::Exit(Code(1))), Outcome::NotPersistent)]
    #[case::interrupted(diverge(2, Observed::Remediated(Exit::Cancelled, vec![])), Outcome::Interrupted)]
    fn each_gate_outcome(#[case] observations: Vec<Observed>, #[case] expected: Outcome) {
        assert_eq!(
            drive(Tier::L1, Expect::Broken, None, observations).1,
            expected
        );
    }

    #[test]
    fn compliant_scenarios_check_the_probe_only() {
        let pass = vec![Observed::Exit(Code(0)), Observed::Exit(Code(0))];
        assert_eq!(
            drive(Tier::L1, Expect::Compliant, None, pass),
            (vec![Scenario, Probe], Outcome::Compliant)
        );
        let alarm = vec![Observed::Exit(Code(0)), Observed::Exit(Code(1))];
        assert_eq!(
            drive(Tier::L1, Expect::Compliant, None, alarm).1,
            Outcome::FalseAlarm
        );
    }

    #[rstest]
    #[case::refused_untouched(Observed::Remediated(Code(3), vec![]), Outcome::Escalated)]
    #[case::went_ahead(Observed::Remediated(Code(0), change()), Outcome::NotRefused)]
    #[case::went_ahead_without_a_change(Observed::Remediated(Code(0), vec![]), Outcome::NotRefused)]
    #[case::refused_after_changing(Observed::Remediated(Code(1), change()), Outcome::NotRefused)]
    fn refused_scenarios_pass_only_when_nothing_changed(
        #[case] remediated: Observed,
        #[case] expected: Outcome,
    ) {
        let observations = vec![Observed::Exit(Code(0)), Observed::Exit(Code(1)), remediated];
        assert_eq!(
            drive(Tier::L1, Expect::Refused, None, observations),
            (vec![Scenario, Probe, Remediate], expected)
        );
    }

    /// Paths that end right after the probe, by tier and scenario kind.
    #[rstest]
    #[case::refused_but_probe_passes(Tier::L1, Expect::Refused, 0, Outcome::VacuousProbe)]
    #[case::l3_escalates_a_broken_scenario(Tier::L3, Expect::Broken, 1, Outcome::Escalated)]
    fn outcomes_decided_by_the_probe(
        #[case] tier: Tier,
        #[case] expect: Expect,
        #[case] probe: i32,
        #[case] expected: Outcome,
    ) {
        let observations = vec![Observed::Exit(Code(0)), Observed::Exit(Code(probe))];
        assert_eq!(drive(tier, expect, None, observations).1, expected);
    }

    #[test]
    fn a_static_finding_stops_before_the_remediation_runs() {
        let finding = Verdict::new(Outcome::EmptyRunbook, "remediate: is blank");
        let observations = vec![Observed::Exit(Code(0)), Observed::Exit(Code(1))];
        assert_eq!(
            drive(Tier::L1, Expect::Broken, Some(finding), observations),
            (vec![Scenario, Probe], Outcome::EmptyRunbook)
        );
    }
}
