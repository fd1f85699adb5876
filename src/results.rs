//! What a run or gate found, owned by neither: the cases as they finish
//! ([`Event`]) and the finished [`RunReport`]. The console consumes the
//! events; the file reports render the report's `report::json::Document`,
//! evidence the report itself. The exit status is computed here, once,
//! from the [`Totals`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Local};
use serde::{Deserialize, Serialize};

use crate::lifecycle::Verdict;
use crate::model::{Runbook, Script, ScriptSet, Waiver};
use crate::outcome::{Mode, Status};
use crate::target::{StepOutput, TargetError};

/// One step as it ran, for the transcript. Made only by
/// [`crate::step::StepRunner`].
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// `probe`, `remediate`, `verify`, and in the gate `scenario`,
    /// `remediate (again)`, `verify (after restart)` …
    pub label: String,
    /// The script variant that ran: `default`, `nixos` …
    pub variant: String,
    /// The script exactly as it ran (its SHA-256 is in the reports).
    pub script: Script,
    pub started_at: DateTime<Local>,
    pub result: Result<StepOutput, TargetError>,
}

/// A waiver that names the case's runbook.
#[derive(Debug, Clone)]
pub struct WaiverNote {
    pub waiver: Waiver,
    pub expired: bool,
}

/// The gate's coordinates of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateCoordinates {
    pub fixture: String,
    pub scenario: String,
}

/// One test case: a runbook on a target.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub runbook: Arc<Runbook>,
    pub target: String,
    pub platform: String,
    pub verdict: Verdict,
    pub steps: Vec<StepRecord>,
    pub started_at: DateTime<Local>,
    pub duration: Duration,
    pub waiver: Option<WaiverNote>,
    pub gate: Option<GateCoordinates>,
    /// Facts for the transcript besides the steps: what a remediation
    /// changed in a fixture.
    pub notes: Vec<String>,
}

impl CaseResult {
    /// SHA-256 of the probe and remediation variants for this platform
    /// (empty when there is none).
    pub fn script_sha256(&self, set: Option<&ScriptSet>) -> String {
        set.and_then(|set| set.for_platform(&self.platform))
            .map(|(_, script)| script.sha256().to_owned())
            .unwrap_or_default()
    }

    /// Reports list cases by runbook id, then (in the gate) scenario.
    fn order_key(&self) -> (&str, Option<&str>) {
        (
            self.runbook.id.as_str(),
            self.gate.as_ref().map(|gate| gate.scenario.as_str()),
        )
    }
}

/// Everything that happened on one target (in the gate: one fixture).
#[derive(Debug, Clone)]
pub struct TargetReport {
    pub target: String,
    pub hostname: String,
    pub platform: String,
    pub started_at: DateTime<Local>,
    pub duration: Duration,
    /// Sorted by runbook id (then scenario in the gate).
    pub cases: Vec<CaseResult>,
}

impl TargetReport {
    pub fn new(
        target: &str,
        hostname: String,
        platform: &str,
        started_at: DateTime<Local>,
    ) -> Self {
        TargetReport {
            target: target.to_owned(),
            hostname,
            platform: platform.to_owned(),
            started_at,
            duration: Duration::ZERO,
            cases: Vec::new(),
        }
    }

    /// Puts the cases, which arrive as workers finish them, in report order.
    pub fn finish(&mut self, duration: Duration) {
        self.cases.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        self.duration = duration;
    }
}

#[derive(Debug, Clone)]
pub struct RunReport {
    pub mode: Mode,
    pub started_at: DateTime<Local>,
    pub duration: Duration,
    pub targets: Vec<TargetReport>,
    /// Which share of the plan this run was (`--partition`).
    pub shard: Option<crate::partition::Shard>,
    pub interrupted: bool,
}

impl RunReport {
    pub fn cases(&self) -> impl Iterator<Item = &CaseResult> {
        self.targets.iter().flat_map(|target| &target.cases)
    }

    pub fn totals(&self) -> Totals {
        Totals::of(self.mode, self.cases())
    }
}

/// Case counts by JUnit status.
#[derive(Serialize, Deserialize, Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub tests: usize,
    pub passed: usize,
    pub failures: usize,
    pub errors: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn of<'a>(mode: Mode, cases: impl IntoIterator<Item = &'a CaseResult>) -> Totals {
        Totals::of_statuses(
            cases
                .into_iter()
                .map(|case| case.verdict.outcome.status(mode)),
        )
    }

    pub fn of_statuses(statuses: impl IntoIterator<Item = Status>) -> Totals {
        let mut totals = Totals::default();
        for status in statuses {
            totals.tests += 1;
            match status {
                Status::Pass => totals.passed += 1,
                Status::Failure => totals.failures += 1,
                Status::Error => totals.errors += 1,
                Status::Skipped => totals.skipped += 1,
            }
        }
        totals
    }

    /// The exit status of a run with these totals: interrupted beats
    /// failures beats errors (README: Commands and exit codes).
    pub fn exit_code(&self, interrupted: bool) -> i32 {
        if interrupted {
            crate::exit_code::INTERRUPTED
        } else if self.failures > 0 {
            crate::exit_code::FAILURES
        } else if self.errors > 0 {
            crate::exit_code::ERRORS
        } else {
            crate::exit_code::OK
        }
    }
}

/// What a run tells its caller while it goes.
pub enum Event<'a> {
    /// The run is about to start `total` cases.
    Started {
        total: usize,
    },
    /// A remediating run waits for another one on the same host.
    WaitingForLock {
        target: &'a str,
        holder: &'a str,
    },
    CaseStarted {
        target: &'a str,
        runbook: &'a str,
    },
    CaseFinished(&'a CaseResult),
    /// A waiver past its date: it does not apply, and auditors must see it.
    ExpiredWaiver {
        target: &'a str,
        waiver: &'a Waiver,
    },
    /// Every case has finished (or was interrupted); reports come next.
    RunFinished(&'a RunReport),
}
