//! The decisions of a test case, as pure state machines: each is told what
//! a step did and answers with the next step or the verdict. No processes,
//! no clocks — so every path is a table test. [`run`] is `comply run`'s
//! probe → remediate → verify; [`gate`] is the gate's longer path with
//! scenarios, change tracking, a second remediation and a restart. What
//! they share — what a probe's exit means, the verdict — lives here.

pub mod gate;
pub mod run;

use crate::outcome::Outcome;
use crate::target::Exit;

/// What `comply run` may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Healing {
    /// Check mode: probe only.
    Off,
    /// `--remediate`, with or without `--allow-tier L2`.
    On { allow_l2: bool },
}

/// An outcome with the sentence that explains it; the outcome name leads
/// the JUnit `message` (README: Outcomes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub detail: String,
}

impl Verdict {
    pub fn new(outcome: Outcome, detail: impl Into<String>) -> Self {
        Verdict {
            outcome,
            detail: detail.into(),
        }
    }

    /// `"empty-runbook: remediate_script is blank"`.
    pub fn message(&self) -> String {
        format!("{}: {}", self.outcome, self.detail)
    }
}

/// A lifecycle's answer: run this step next, or the case is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next<S> {
    Run(S),
    Done(Verdict),
}

fn done<S>(outcome: Outcome, detail: impl Into<String>) -> Next<S> {
    Next::Done(Verdict::new(outcome, detail))
}

/// What a probe or verify step's exit means (docs/targets.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeResult {
    Compliant,
    NonCompliant,
    NotApplicable,
    /// Could not tell: never a reason to remediate.
    Error(Outcome, &'static str),
    Interrupted,
}

pub fn classify_probe(exit: Exit) -> ProbeResult {
    match exit {
        Exit::Code(0) => ProbeResult::Compliant,
        Exit::Code(1) => ProbeResult::NonCompliant,
        Exit::Code(77) => ProbeResult::NotApplicable,
        Exit::Code(_) => ProbeResult::Error(
            Outcome::ProbeError,
            "exit codes mean 0 compliant, 1 non-compliant, 77 not applicable",
        ),
        Exit::Signal(_) => ProbeResult::Error(Outcome::ProbeError, "it was killed"),
        Exit::TimedOut => {
            ProbeResult::Error(Outcome::Timeout, "it ran past its timeout and was killed")
        }
        Exit::Cancelled => ProbeResult::Interrupted,
    }
}
