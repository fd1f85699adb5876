//! The outcome of a test case (README: Outcomes) and how each maps onto JUnit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a runbook fared on one target. Declared from best to worst so that
/// the worst of several is their `max()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Compliant,
    Healed,
    NotApplicable,
    Waived,
    NonCompliant,
    Escalated,
    NotHealed,
    RemediationFailed,
    NotIdempotent,
    NotPersistent,
    /// The gate: a `*.refused.sh` scenario's remediation went ahead (or
    /// left changes behind) where it must refuse and change nothing.
    NotRefused,
    VacuousProbe,
    FalseAlarm,
    Untested,
    NoopRunbook,
    EmptyRunbook,
    ProbeError,
    Timeout,
    TargetError,
    FixtureError,
    /// The run was interrupted before the case finished (exit 130).
    Interrupted,
}

/// The JUnit element an outcome becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Skipped,
    Failure,
    Error,
}

impl Status {
    /// As JSON reports and metrics spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skipped => "skipped",
            Status::Failure => "failure",
            Status::Error => "error",
        }
    }
}

/// What a run does; the gate judges `escalated` differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Check,
    Remediate,
    Gate,
    Lint,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Remediate => "remediate",
            Mode::Gate => "gate",
            Mode::Lint => "lint",
        }
    }
}

impl Outcome {
    pub const ALL: [Outcome; 21] = [
        Outcome::Compliant,
        Outcome::Healed,
        Outcome::NotApplicable,
        Outcome::Waived,
        Outcome::NonCompliant,
        Outcome::Escalated,
        Outcome::NotHealed,
        Outcome::RemediationFailed,
        Outcome::NotIdempotent,
        Outcome::NotPersistent,
        Outcome::NotRefused,
        Outcome::VacuousProbe,
        Outcome::FalseAlarm,
        Outcome::Untested,
        Outcome::NoopRunbook,
        Outcome::EmptyRunbook,
        Outcome::ProbeError,
        Outcome::Timeout,
        Outcome::TargetError,
        Outcome::FixtureError,
        Outcome::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Compliant => "compliant",
            Outcome::Healed => "healed",
            Outcome::NotApplicable => "not-applicable",
            Outcome::Waived => "waived",
            Outcome::NonCompliant => "non-compliant",
            Outcome::Escalated => "escalated",
            Outcome::NotHealed => "not-healed",
            Outcome::RemediationFailed => "remediation-failed",
            Outcome::NotIdempotent => "not-idempotent",
            Outcome::NotPersistent => "not-persistent",
            Outcome::NotRefused => "not-refused",
            Outcome::VacuousProbe => "vacuous-probe",
            Outcome::FalseAlarm => "false-alarm",
            Outcome::Untested => "untested",
            Outcome::NoopRunbook => "noop-runbook",
            Outcome::EmptyRunbook => "empty-runbook",
            Outcome::ProbeError => "probe-error",
            Outcome::Timeout => "timeout",
            Outcome::TargetError => "target-error",
            Outcome::FixtureError => "fixture-error",
            Outcome::Interrupted => "interrupted",
        }
    }

    /// The JUnit element, per README: Outcomes. In the gate an L3 runbook whose probe
    /// caught the broken scenario is `escalated`, and that is its pass.
    pub fn status(self, mode: Mode) -> Status {
        match self {
            Outcome::Compliant | Outcome::Healed => Status::Pass,
            Outcome::Escalated if mode == Mode::Gate => Status::Pass,
            Outcome::NotApplicable | Outcome::Waived => Status::Skipped,
            Outcome::NonCompliant
            | Outcome::Escalated
            | Outcome::NotHealed
            | Outcome::RemediationFailed
            | Outcome::NotIdempotent
            | Outcome::NotPersistent
            | Outcome::NotRefused
            | Outcome::VacuousProbe
            | Outcome::FalseAlarm
            | Outcome::Untested
            | Outcome::NoopRunbook
            | Outcome::EmptyRunbook => Status::Failure,
            Outcome::ProbeError
            | Outcome::Timeout
            | Outcome::TargetError
            | Outcome::FixtureError
            | Outcome::Interrupted => Status::Error,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_and_unique() {
        let names: std::collections::HashSet<_> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(names.len(), Outcome::ALL.len());
        for outcome in Outcome::ALL {
            assert_eq!(
                serde_json::to_value(outcome).unwrap(),
                serde_json::Value::String(outcome.as_str().into())
            );
        }
    }

    #[test]
    fn kinds_follow_the_spec() {
        assert_eq!(Outcome::Healed.status(Mode::Remediate), Status::Pass);
        assert_eq!(Outcome::Escalated.status(Mode::Check), Status::Failure);
        assert_eq!(Outcome::Escalated.status(Mode::Gate), Status::Pass);
        assert_eq!(Outcome::ProbeError.status(Mode::Check), Status::Error);
        assert_eq!(Outcome::Waived.status(Mode::Check), Status::Skipped);
        assert_eq!(Outcome::EmptyRunbook.status(Mode::Gate), Status::Failure);
    }
}
