//! One gate case — a runbook × fixture × scenario — from a fresh instance
//! to its verdict. [`crate::lifecycle::gate`] decides which step comes next;
//! this module runs each step on the instance and says what it observed.

use std::time::{Duration, Instant};

use chrono::Local;

use super::changes;
use super::fixture::Fixture;
use super::instance::{self, Instance};
use super::{GateJob, GateOptions};
use crate::cancel::Cancel;
use crate::engine::Engine;
use crate::lifecycle::gate::{GateLifecycle, GateStep, Observed};
use crate::lifecycle::{Next, Verdict};
use crate::model::{Runbook, Scenario, Script, Suite};
use crate::outcome::Outcome;
use crate::results::{CaseResult, GateCoordinates, StepRecord};
use crate::step::{StepRunner, with_evidence};
use crate::target::{Exit, StepRequest};

pub(super) struct GateCase<'a> {
    pub suite: &'a Suite,
    pub fixture: &'a Fixture,
    pub engine: &'a Engine,
    pub options: &'a GateOptions,
    pub cancel: &'a Cancel,
    pub run_id: &'a str,
}

/// A case's record while it runs.
#[derive(Default)]
struct Record {
    steps: Vec<StepRecord>,
    notes: Vec<String>,
}

/// What a step needs while the case runs: the instance and its runner.
struct Running<'r> {
    runbook: &'r Runbook,
    scenario: &'r Scenario,
    instance: &'r dyn Instance,
    runner: StepRunner<'r>,
}

impl GateCase<'_> {
    pub(super) fn execute(&self, job: &GateJob) -> CaseResult {
        let started_at = Local::now();
        let clock = Instant::now();
        let mut record = Record::default();
        let verdict = self.decide(job, &mut record);
        CaseResult {
            runbook: job.runbook.clone(),
            target: self.fixture.def.name.clone(),
            platform: self.fixture.def.platform.to_string(),
            verdict,
            steps: record.steps,
            started_at,
            duration: clock.elapsed(),
            waiver: None,
            gate: Some(GateCoordinates {
                fixture: self.fixture.def.name.clone(),
                scenario: job.scenario_name(),
            }),
            notes: record.notes,
        }
    }

    fn decide(&self, job: &GateJob, record: &mut Record) -> Verdict {
        let runbook = &job.runbook;
        let platform = self.fixture.def.platform.as_str();
        let Some(scenario) = job.scenario() else {
            return Verdict::new(
                Outcome::Untested,
                format!(
                    "no broken scenario for fixture `{}`: the gate cannot prove the probe detects the problem \
                     or the remediation heals it (add scenarios/<name>.broken.sh)",
                    self.fixture.def.name
                ),
            );
        };
        if self.cancel.is_cancelled() {
            return Verdict::new(Outcome::Interrupted, "not started: comply was interrupted");
        }
        let static_verdict = crate::lint::static_verdict(runbook, platform);
        let instance = match instance::start(
            self.fixture,
            self.engine,
            self.run_id,
            &self.options.agent,
            self.cancel,
        ) {
            Ok(instance) => instance,
            Err(why) => return self.fixture_error("the fixture started", why.to_string()),
        };
        let running = Running {
            runbook,
            scenario,
            instance: instance.as_ref(),
            runner: StepRunner {
                target: instance.target(),
                suite: self.suite,
                platform,
                limits: self.options.limits,
                cancel: self.cancel,
            },
        };
        let verdict = self.drive(&running, static_verdict, record);
        if let Some(note) = running.runner.target.agent_note() {
            record.notes.push(note);
        }
        verdict
    }

    /// Readiness, then the lifecycle's steps to its verdict.
    fn drive(
        &self,
        running: &Running<'_>,
        static_verdict: Option<Verdict>,
        record: &mut Record,
    ) -> Verdict {
        let (runbook, scenario) = (running.runbook, running.scenario);
        if let Err(why) = self.wait_ready(running, record, "ready") {
            return self.fixture_error(
                "the fixture started",
                format!("the fixture did not become ready: {why}"),
            );
        }
        let mut lifecycle = GateLifecycle::new(runbook.tier, scenario.expect, static_verdict);
        loop {
            let step = match lifecycle.next() {
                Next::Done(verdict) => return with_evidence(verdict, record.steps.last()),
                Next::Run(step) => step,
            };
            let observed = match step {
                GateStep::Scenario => self.scenario(running, record),
                GateStep::Probe => self.check(running, step, &runbook.probe, record),
                GateStep::Verify | GateStep::VerifyAgain | GateStep::VerifyAfterRestart => {
                    self.check(running, step, runbook.verify_or_probe(), record)
                }
                GateStep::Remediate | GateStep::RemediateAgain => {
                    self.remediate(running, step, record)
                }
                GateStep::Restart => self.restart(running, record),
            };
            match observed {
                Ok(observed) => lifecycle.record(step, observed),
                Err(verdict) => return verdict,
            }
        }
    }

    /// Puts the fixture into the scenario's state.
    fn scenario(&self, running: &Running<'_>, record: &mut Record) -> Result<Observed, Verdict> {
        let step = GateStep::Scenario;
        let scenario = running.scenario;
        let ran = running.runner.script(
            running.runbook,
            step.role(),
            step.label(),
            &scenario.name,
            &scenario.script,
        );
        self.observe(step, ran, record)
    }

    /// A probe or verify step: the platform's variant of `set`.
    fn check(
        &self,
        running: &Running<'_>,
        step: GateStep,
        set: &crate::model::ScriptSet,
        record: &mut Record,
    ) -> Result<Observed, Verdict> {
        let Some(ran) = running
            .runner
            .variant(running.runbook, step.role(), step.label(), set)
        else {
            return Err(Verdict::new(
                Outcome::NotApplicable,
                format!(
                    "the runbook has no {} script for `{}`",
                    step.role(),
                    running.runner.platform
                ),
            ));
        };
        self.observe(step, ran, record)
    }

    /// A remediation, with what it changed in the fixture: the state is
    /// read right before it, so what a verify step set in motion is not
    /// blamed on the next remediation.
    fn remediate(
        &self,
        running: &Running<'_>,
        step: GateStep,
        record: &mut Record,
    ) -> Result<Observed, Verdict> {
        let state = || {
            running.instance.manifest().map_err(|error| {
                self.fixture_error(
                    "the fixture's state was read",
                    format!("cannot read the fixture's state: {error}"),
                )
            })
        };
        let before = state()?;
        let set = running
            .runbook
            .remediate
            .as_ref()
            .expect("the gate remediates only healing runbooks");
        let exit = match self.check(running, step, set, record)? {
            Observed::Exit(exit) => exit,
            other => unreachable!("a script step observes an exit, not {other:?}"),
        };
        let changed = changes::changes(&before, &state()?);
        record.notes.push(match (step, changed.is_empty()) {
            (GateStep::Remediate, true) => {
                "the remediation changed nothing in the fixture".to_owned()
            }
            (GateStep::Remediate, false) => {
                format!("the remediation changed: {}", changed.join("; "))
            }
            (_, true) => "the second remediation changed nothing (idempotent)".to_owned(),
            (_, false) => format!(
                "the second remediation changed again: {}",
                changed.join("; ")
            ),
        });
        Ok(Observed::Remediated(exit, changed))
    }

    /// Restarts the fixture (a VM's power cycle) and waits until it is
    /// ready again. A restart cut short by Ctrl-C says nothing about the
    /// fixture: the case is `interrupted`.
    fn restart(&self, running: &Running<'_>, record: &mut Record) -> Result<Observed, Verdict> {
        let label = GateStep::Restart.label();
        let clock = Instant::now();
        let restarted = running
            .instance
            .restart(self.cancel)
            .map_err(|error| error.to_string())
            .and_then(|()| self.wait_ready(running, record, label));
        // The transcript's restart step spans the restart itself, not only
        // the readiness check that follows it.
        if let Some(StepRecord {
            label: last,
            result: Ok(output),
            ..
        }) = record.steps.last_mut()
            && last == label
        {
            output.duration = clock.elapsed();
        }
        if restarted.is_err() && self.cancel.is_cancelled() {
            return Err(interrupted_while("the fixture restarted"));
        }
        Ok(Observed::Restarted(restarted))
    }

    /// Records a script step and says what it observed; a step the fixture
    /// could not run at all is the fixture's failure, not the runbook's.
    fn observe(
        &self,
        step: GateStep,
        ran: StepRecord,
        record: &mut Record,
    ) -> Result<Observed, Verdict> {
        let observed = match &ran.result {
            Ok(output) => Ok(Observed::Exit(output.exit)),
            Err(why) => Err(Verdict::new(
                Outcome::FixtureError,
                format!(
                    "the {} step could not run in the fixture: {why}",
                    step.label()
                ),
            )),
        };
        record.steps.push(ran);
        observed
    }

    /// Runs the fixture's readiness script.
    fn wait_ready(
        &self,
        running: &Running<'_>,
        record: &mut Record,
        label: &str,
    ) -> Result<(), String> {
        let ready = &self.fixture.def.ready;
        let script = Script::new(ready.script.clone());
        let request = StepRequest {
            script: script.text(),
            env: Vec::new(),
            timeout: Duration::from_secs(ready.timeout_s),
            output_limit: self.options.limits.output_limit,
        };
        let ran = running.runner.run(label, "fixture", &script, &request);
        let outcome = match &ran.result {
            Ok(output) if output.exit == Exit::Code(0) => Ok(()),
            Ok(output) => Err(format!(
                "the readiness check {}: {}",
                output.exit,
                crate::text::xml_safe(&output.stdout.bytes).trim()
            )),
            Err(error) => Err(error.to_string()),
        };
        // The first readiness check is the fixture's business; record it
        // only when it fails, and always after a restart.
        if label != "ready" || outcome.is_err() {
            record.steps.push(ran);
        }
        outcome
    }

    /// A fixture that failed because comply was interrupted is not broken:
    /// the case was interrupted while `what_happened`.
    fn fixture_error(&self, what_happened: &str, why: String) -> Verdict {
        if self.cancel.is_cancelled() {
            interrupted_while(what_happened)
        } else {
            Verdict::new(Outcome::FixtureError, why)
        }
    }
}

fn interrupted_while(what_happened: &str) -> Verdict {
    Verdict::new(
        Outcome::Interrupted,
        format!("comply was interrupted while {what_happened}"),
    )
}
