//! The probe → remediate → verify decisions of `comply run`, as a pure state
//! machine: it is told what each step did and answers with the next step or
//! the verdict. No processes, no clocks — so every path is a table test.

use super::{Healing, Next, ProbeResult, Verdict, classify_probe, done};
use crate::model::Tier;
use crate::outcome::Outcome;
use crate::target::Exit;

/// A step of the run lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStep {
    Probe,
    Remediate,
    Verify,
}

impl RunStep {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStep::Probe => "probe",
            RunStep::Remediate => "remediate",
            RunStep::Verify => "verify",
        }
    }
}

/// The run lifecycle of one runbook on one target.
#[derive(Debug, Clone)]
pub struct RunLifecycle {
    tier: Tier,
    healing: Healing,
    /// A static finding (`empty-runbook`, `noop-runbook`): reported even when
    /// the probe passes, and such a remediation is never run.
    static_verdict: Option<Verdict>,
    probe: Option<Exit>,
    remediate: Option<Exit>,
    verify: Option<Exit>,
}

impl RunLifecycle {
    pub fn new(tier: Tier, healing: Healing, static_verdict: Option<Verdict>) -> Self {
        RunLifecycle {
            tier,
            healing,
            static_verdict,
            probe: None,
            remediate: None,
            verify: None,
        }
    }

    pub fn record(&mut self, step: RunStep, exit: Exit) {
        let slot = match step {
            RunStep::Probe => &mut self.probe,
            RunStep::Remediate => &mut self.remediate,
            RunStep::Verify => &mut self.verify,
        };
        *slot = Some(exit);
    }

    pub fn next(&self) -> Next<RunStep> {
        let Some(probe) = self.probe else {
            return Next::Run(RunStep::Probe);
        };
        let probe = classify_probe(probe);
        match probe {
            ProbeResult::Interrupted => {
                return done(
                    Outcome::Interrupted,
                    "the probe was stopped: comply was interrupted",
                );
            }
            ProbeResult::NotApplicable => {
                return done(
                    Outcome::NotApplicable,
                    "the probe exited 77: not applicable to this host",
                );
            }
            _ => {}
        }
        if let Some(verdict) = &self.static_verdict {
            return Next::Done(verdict.clone());
        }
        match probe {
            ProbeResult::Compliant => return done(Outcome::Compliant, "the probe passed"),
            ProbeResult::Error(outcome, why) => {
                return done(
                    outcome,
                    format!(
                        "the probe {}: {why}; nothing was remediated",
                        self.probe.expect("recorded")
                    ),
                );
            }
            ProbeResult::NonCompliant => {}
            ProbeResult::NotApplicable | ProbeResult::Interrupted => unreachable!("handled above"),
        }
        if self.tier == Tier::L3 {
            return done(
                Outcome::Escalated,
                "the probe failed and L3 runbooks are never remediated automatically: a person must act",
            );
        }
        match self.healing {
            Healing::Off => {
                return done(
                    Outcome::NonCompliant,
                    "the probe failed; check mode remediates nothing (use --remediate)",
                );
            }
            Healing::On { allow_l2: false } if self.tier == Tier::L2 => {
                return done(
                    Outcome::Escalated,
                    "the probe failed and L2 remediations run only with --allow-tier L2",
                );
            }
            Healing::On { .. } => {}
        }
        let Some(remediate) = self.remediate else {
            return Next::Run(RunStep::Remediate);
        };
        match remediate {
            Exit::Code(0) => {}
            Exit::Cancelled => {
                return done(
                    Outcome::Interrupted,
                    "the remediation was stopped: comply was interrupted",
                );
            }
            other => {
                return done(
                    Outcome::RemediationFailed,
                    format!("the remediation {other}"),
                );
            }
        }
        let Some(verify) = self.verify else {
            return Next::Run(RunStep::Verify);
        };
        match classify_probe(verify) {
            ProbeResult::Compliant => done(
                Outcome::Healed,
                "the probe failed, the remediation exited 0 and the verify step passed",
            ),
            ProbeResult::NonCompliant => done(
                Outcome::NotHealed,
                "the remediation exited 0 but the verify step still fails",
            ),
            ProbeResult::NotApplicable => done(
                Outcome::ProbeError,
                "the verify step exited 77 (not applicable) after the probe had found the host non-compliant",
            ),
            ProbeResult::Error(outcome, why) => {
                done(outcome, format!("the verify step {verify}: {why}"))
            }
            ProbeResult::Interrupted => done(
                Outcome::Interrupted,
                "the verify step was stopped: comply was interrupted",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const REMEDIATE: Healing = Healing::On { allow_l2: false };
    const REMEDIATE_L2: Healing = Healing::On { allow_l2: true };

    /// Drives a lifecycle with scripted exits; returns the steps it ran and
    /// the outcome.
    fn drive(
        tier: Tier,
        healing: Healing,
        static_verdict: Option<Verdict>,
        exits: &[Exit],
    ) -> (Vec<RunStep>, Outcome) {
        let mut lifecycle = RunLifecycle::new(tier, healing, static_verdict);
        let mut exits = exits.iter();
        let mut steps = Vec::new();
        loop {
            match lifecycle.next() {
                Next::Run(step) => {
                    steps.push(step);
                    lifecycle.record(step, *exits.next().expect("a scripted exit for every step"));
                }
                Next::Done(verdict) => return (steps, verdict.outcome),
            }
        }
    }

    use Exit::{Cancelled, Code, Signal, TimedOut};
    use RunStep::{Probe, Remediate, Verify};

    #[rstest]
    #[case::compliant(Tier::L1, Healing::Off, &[Code(0)], &[Probe], Outcome::Compliant)]
    #[case::non_compliant_in_check_mode(Tier::L1, Healing::Off, &[Code(1)], &[Probe], Outcome::NonCompliant)]
    #[case::healed(Tier::L1, REMEDIATE, &[Code(1), Code(0), Code(0)], &[Probe, Remediate, Verify], Outcome::Healed)]
    #[case::not_healed(Tier::L1, REMEDIATE, &[Code(1), Code(0), Code(1)], &[Probe, Remediate, Verify], Outcome::NotHealed)]
    #[case::remediation_failed(Tier::L1, REMEDIATE, &[Code(1), Code(2)], &[Probe, Remediate], Outcome::RemediationFailed)]
    #[case::remediation_timed_out(Tier::L1, REMEDIATE, &[Code(1), TimedOut], &[Probe, Remediate], Outcome::RemediationFailed)]
    #[case::probe_error_never_remediates(Tier::L1, REMEDIATE, &[Code(2)], &[Probe], Outcome::ProbeError)]
    #[case::probe_killed(Tier::L1, REMEDIATE, &[Signal(9)], &[Probe], Outcome::ProbeError)]
    #[case::probe_timeout(Tier::L1, REMEDIATE, &[TimedOut], &[Probe], Outcome::Timeout)]
    #[case::verify_timeout(Tier::L1, REMEDIATE, &[Code(1), Code(0), TimedOut], &[Probe, Remediate, Verify], Outcome::Timeout)]
    #[case::verify_error(Tier::L1, REMEDIATE, &[Code(1), Code(0), Code(5)], &[Probe, Remediate, Verify], Outcome::ProbeError)]
    #[case::verify_not_applicable(Tier::L1, REMEDIATE, &[Code(1), Code(0), Code(77)], &[Probe, Remediate, Verify], Outcome::ProbeError)]
    #[case::not_applicable(Tier::L1, REMEDIATE, &[Code(77)], &[Probe], Outcome::NotApplicable)]
    #[case::l3_escalates(Tier::L3, REMEDIATE, &[Code(1)], &[Probe], Outcome::Escalated)]
    #[case::l3_escalates_in_check_mode(Tier::L3, Healing::Off, &[Code(1)], &[Probe], Outcome::Escalated)]
    #[case::l2_not_allowed(Tier::L2, REMEDIATE, &[Code(1)], &[Probe], Outcome::Escalated)]
    #[case::l2_allowed(Tier::L2, REMEDIATE_L2, &[Code(1), Code(0), Code(0)], &[Probe, Remediate, Verify], Outcome::Healed)]
    #[case::l2_in_check_mode(Tier::L2, Healing::Off, &[Code(1)], &[Probe], Outcome::NonCompliant)]
    #[case::interrupted_probe(Tier::L1, REMEDIATE, &[Cancelled], &[Probe], Outcome::Interrupted)]
    #[case::interrupted_remediation(Tier::L1, REMEDIATE, &[Code(1), Cancelled], &[Probe, Remediate], Outcome::Interrupted)]
    fn run_lifecycle(
        #[case] tier: Tier,
        #[case] healing: Healing,
        #[case] exits: &[Exit],
        #[case] expected_steps: &[RunStep],
        #[case] expected: Outcome,
    ) {
        let (steps, outcome) = drive(tier, healing, None, exits);
        assert_eq!(steps, expected_steps);
        assert_eq!(outcome, expected);
    }

    #[rstest]
    #[case::probe_passes(&[Code(0)])]
    #[case::probe_fails(&[Code(1)])]
    #[case::probe_errors(&[Code(3)])]
    fn a_static_finding_is_reported_whatever_the_probe_says(#[case] exits: &[Exit]) {
        let finding = Verdict::new(Outcome::EmptyRunbook, "remediate_script is blank");
        let (steps, outcome) = drive(Tier::L1, REMEDIATE, Some(finding), exits);
        assert_eq!(steps, [Probe], "the empty remediation never runs");
        assert_eq!(outcome, Outcome::EmptyRunbook);
    }

    #[test]
    fn not_applicable_wins_over_a_static_finding() {
        let finding = Verdict::new(Outcome::NoopRunbook, "only `true`");
        let (_, outcome) = drive(Tier::L1, REMEDIATE, Some(finding), &[Code(77)]);
        assert_eq!(outcome, Outcome::NotApplicable);
    }

    #[test]
    fn messages_lead_with_the_outcome_name() {
        let verdict = Verdict::new(Outcome::EmptyRunbook, "remediate_script is blank");
        assert_eq!(
            verdict.message(),
            "empty-runbook: remediate_script is blank"
        );
    }
}
