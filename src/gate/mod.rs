//! `comply gate`: proves on throwaway fixtures that each runbook's probe
//! detects its broken scenarios and passes its compliant ones, and that its
//! remediation heals, changes something, is idempotent and survives a
//! restart. Every case gets a fresh container that is removed afterwards,
//! whatever happens.

pub mod build;
pub mod changes;
pub mod fixture;
pub mod lifecycle;
pub mod vm;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Local;

use self::changes::{ContainerShell, Files, Manifest, Tracker};
use self::fixture::{Fixture, Kind};
use self::lifecycle::{GateLifecycle, Next, Observed, Step};
use crate::cancel::Cancel;
use crate::engine::{Engine, EngineError, FIXTURE_LABEL, GATE_LABEL};
use crate::lifecycle::Verdict;
use crate::model::{Expect, Runbook, Scenario, Script, ScriptSet, Suite};
use crate::outcome::{Mode, Outcome};
use crate::runner::{
    CaseResult, Event, GateCoordinates, RunReport, StepLimits, StepRecord, TargetReport,
    step_request, with_evidence,
};
use crate::target::docker::Docker;
use crate::target::ssh::Ssh;
use crate::target::{Exit, StepRequest, Target, TargetError};

#[derive(Debug, Clone)]
pub struct GateOptions {
    pub jobs: usize,
    pub limits: StepLimits,
}

/// What one case tests.
enum Subject {
    Scenario(usize),
    /// An L1/L2 runbook without a broken scenario for this fixture.
    Untested,
}

struct Job {
    runbook: Arc<Runbook>,
    fixture: usize,
    subject: Subject,
}

impl Job {
    fn scenario(&self) -> Option<&Scenario> {
        match self.subject {
            Subject::Scenario(index) => Some(&self.runbook.scenarios[index]),
            Subject::Untested => None,
        }
    }

    fn scenario_name(&self) -> String {
        match self.scenario() {
            Some(scenario) => format!("{}.{}", scenario.name, expect_name(scenario.expect)),
            None => "no broken scenario".to_owned(),
        }
    }
}

fn expect_name(expect: Expect) -> &'static str {
    match expect {
        Expect::Broken => "broken",
        Expect::Compliant => "compliant",
        Expect::Refused => "refused",
    }
}

/// Every runbook × fixture of one of its platforms × scenario for that
/// fixture, in runbook, fixture and scenario order.
fn plan(suite: &Suite, fixtures: &[Fixture]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for runbook in &suite.runbooks {
        for (index, fixture) in fixtures.iter().enumerate() {
            if !runbook.runs_on(fixture.def.platform.as_str()) {
                continue;
            }
            // Opt-in fixtures run only the scenarios written for them.
            let runs_here = |scenario: &Scenario| {
                if fixture.def.opt_in {
                    scenario.names(&fixture.def.name)
                } else {
                    scenario.applies_to(&fixture.def.name)
                }
            };
            let scenarios: Vec<usize> = (0..runbook.scenarios.len())
                .filter(|&i| runs_here(&runbook.scenarios[i]))
                .collect();
            let has_broken = scenarios
                .iter()
                .any(|&i| runbook.scenarios[i].expect == Expect::Broken);
            // `untested` is judged on the fixtures every gate runs.
            if runbook.tier.heals() && !has_broken && !fixture.def.opt_in {
                jobs.push(Job {
                    runbook: runbook.clone(),
                    fixture: index,
                    subject: Subject::Untested,
                });
            }
            for scenario in scenarios {
                jobs.push(Job {
                    runbook: runbook.clone(),
                    fixture: index,
                    subject: Subject::Scenario(scenario),
                });
            }
        }
    }
    jobs
}

enum Message {
    Started(usize, String),
    Finished(usize, Box<CaseResult>),
}

pub fn run(
    suite: &Suite,
    fixtures: &[Fixture],
    engine: &Engine,
    options: &GateOptions,
    cancel: &Cancel,
    mut on_event: impl FnMut(Event<'_>),
) -> RunReport {
    let started_at = Local::now();
    let clock = Instant::now();
    let run_id = format!("{}-{}", std::process::id(), started_at.timestamp());
    let jobs = plan(suite, fixtures);
    let mut reports: Vec<TargetReport> = fixtures
        .iter()
        .map(|fixture| TargetReport {
            target: fixture.def.name.clone(),
            hostname: fixture.image.clone(),
            platform: fixture.def.platform.to_string(),
            started_at,
            duration: Duration::ZERO,
            cases: Vec::new(),
        })
        .collect();
    on_event(Event::Started { total: jobs.len() });
    // Machines are heavy: at most as many of a VM fixture at once as there
    // are CPUs for their virtual CPUs, whatever --jobs says.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let slots: Vec<Option<Slots>> = fixtures
        .iter()
        .map(|fixture| {
            let vm = fixture.def.vm.as_ref()?;
            Some(Slots::new((cpus / vm.cpus.max(1) as usize).max(1)))
        })
        .collect();
    crate::pool::run(
        options.jobs,
        &jobs,
        |job, send| {
            let _slot = slots[job.fixture].as_ref().map(Slots::take);
            send(Message::Started(job.fixture, job.runbook.id.to_string()));
            let case = Case {
                suite,
                fixture: &fixtures[job.fixture],
                engine,
                options,
                cancel,
                run_id: &run_id,
            };
            send(Message::Finished(job.fixture, Box::new(case.run(job))));
        },
        |message| match message {
            Message::Started(fixture, runbook) => on_event(Event::CaseStarted {
                target: &fixtures[fixture].def.name,
                runbook: &runbook,
            }),
            Message::Finished(fixture, result) => {
                on_event(Event::CaseFinished(&result));
                reports[fixture].cases.push(*result);
            }
        },
    );
    let duration = clock.elapsed();
    for report in &mut reports {
        report.cases.sort_by(|a, b| {
            (&a.runbook.id, a.gate.as_ref().map(|g| &g.scenario))
                .cmp(&(&b.runbook.id, b.gate.as_ref().map(|g| &g.scenario)))
        });
        report.duration = duration;
    }
    RunReport {
        mode: Mode::Gate,
        started_at,
        duration,
        targets: reports,
        interrupted: cancel.is_cancelled(),
    }
}

/// A counting semaphore: how many cases of a fixture may run at once.
struct Slots {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

struct Slot<'a>(&'a Slots);

impl Slots {
    fn new(count: usize) -> Slots {
        Slots {
            free: std::sync::Mutex::new(count),
            freed: std::sync::Condvar::new(),
        }
    }

    fn take(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Removes the container when the case ends, however it ends.
struct ContainerGuard<'a> {
    engine: &'a Engine,
    id: String,
}

impl Drop for ContainerGuard<'_> {
    fn drop(&mut self) {
        let _ = self.engine.remove(&self.id);
    }
}

/// A fixture started for one case: where its steps run, how it restarts,
/// and what state it is in. It is torn down when dropped.
trait Instance {
    fn target(&self) -> &dyn Target;
    /// Restarts (reboots) it; readiness is checked by the caller.
    fn restart(&self, cancel: &Cancel) -> Result<(), String>;
    fn manifest(&self) -> Result<Manifest, EngineError>;
}

struct ContainerInstance<'a> {
    docker: Docker,
    tracker: Tracker<ContainerShell>,
    stop_timeout_s: u64,
    // Last: the container goes after everything that talks to it.
    guard: ContainerGuard<'a>,
}

impl Instance for ContainerInstance<'_> {
    fn target(&self) -> &dyn Target {
        &self.docker
    }

    fn restart(&self, _cancel: &Cancel) -> Result<(), String> {
        self.guard
            .engine
            .restart(&self.guard.id, self.stop_timeout_s)
            .map_err(|error| error.to_string())
    }

    fn manifest(&self) -> Result<Manifest, EngineError> {
        self.tracker.manifest()
    }
}

/// A VM: the tracker owns the machine's ssh target, which the steps use too.
struct VmInstance {
    tracker: Tracker<Ssh>,
    vm: vm::Vm,
}

impl Instance for VmInstance {
    fn target(&self) -> &dyn Target {
        self.tracker.shell()
    }

    fn restart(&self, cancel: &Cancel) -> Result<(), String> {
        self.vm.reboot(self.tracker.shell(), cancel)
    }

    fn manifest(&self) -> Result<Manifest, EngineError> {
        self.tracker.manifest()
    }
}

struct Case<'a> {
    suite: &'a Suite,
    fixture: &'a Fixture,
    engine: &'a Engine,
    options: &'a GateOptions,
    cancel: &'a Cancel,
    run_id: &'a str,
}

/// A case's record while it runs.
struct Record {
    steps: Vec<StepRecord>,
    notes: Vec<String>,
}

impl Case<'_> {
    fn run(&self, job: &Job) -> CaseResult {
        let started_at = Local::now();
        let clock = Instant::now();
        let mut record = Record {
            steps: Vec::new(),
            notes: Vec::new(),
        };
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

    fn decide(&self, job: &Job, record: &mut Record) -> Verdict {
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
        let instance = match self.start() {
            Ok(instance) => instance,
            Err(why) => return self.fixture_error(why),
        };
        let target = instance.target();
        if let Err(why) = self.wait_ready(target, record, "ready") {
            return self.fixture_error(format!("the fixture did not become ready: {why}"));
        }
        let mut lifecycle = GateLifecycle::new(runbook.tier, scenario.expect, static_verdict);
        loop {
            let step = match lifecycle.next() {
                Next::Done(verdict) => return with_evidence(verdict, record.steps.last()),
                Next::Run(step) => step,
            };
            let observed = match step {
                Step::Scenario => self.script_step(
                    target,
                    runbook,
                    step,
                    "scenario",
                    &scenario.name,
                    &scenario.script,
                    record,
                ),
                Step::Probe => {
                    self.variant_step(target, runbook, step, "probe", &runbook.probe, record)
                }
                Step::Verify | Step::VerifyAgain | Step::VerifyAfterRestart => self.variant_step(
                    target,
                    runbook,
                    step,
                    "verify",
                    runbook.verify_or_probe(),
                    record,
                ),
                Step::Remediate | Step::RemediateAgain => {
                    // Taken right before each remediation, so what a verify
                    // step set in motion is not blamed on the next one.
                    let before = match instance.manifest() {
                        Ok(manifest) => manifest,
                        Err(error) => {
                            return self.fixture_error(format!(
                                "cannot read the fixture's state: {error}"
                            ));
                        }
                    };
                    let set = runbook
                        .remediate
                        .as_ref()
                        .expect("the gate remediates only healing runbooks");
                    let exit =
                        match self.variant_step(target, runbook, step, "remediate", set, record) {
                            Ok(Observed::Exit(exit)) => exit,
                            Ok(other) => {
                                unreachable!("a script step observes an exit, not {other:?}")
                            }
                            Err(verdict) => return verdict,
                        };
                    let after = match instance.manifest() {
                        Ok(manifest) => manifest,
                        Err(error) => {
                            return self.fixture_error(format!(
                                "cannot read the fixture's state: {error}"
                            ));
                        }
                    };
                    let changed = changes::changes(&before, &after);
                    record.notes.push(match (step, changed.is_empty()) {
                        (Step::Remediate, true) => {
                            "the remediation changed nothing in the fixture".to_owned()
                        }
                        (Step::Remediate, false) => {
                            format!("the remediation changed: {}", changed.join("; "))
                        }
                        (_, true) => {
                            "the second remediation changed nothing (idempotent)".to_owned()
                        }
                        (_, false) => format!(
                            "the second remediation changed again: {}",
                            changed.join("; ")
                        ),
                    });
                    Ok(Observed::Remediated(exit, changed))
                }
                Step::Restart => {
                    let clock = Instant::now();
                    let restarted = instance
                        .restart(self.cancel)
                        .and_then(|()| self.wait_ready(target, record, Step::Restart.label()));
                    // The transcript's restart step spans the restart itself,
                    // not only the readiness check that follows it.
                    if let Some(StepRecord {
                        label,
                        result: Ok(output),
                        ..
                    }) = record.steps.last_mut()
                        && label == Step::Restart.label()
                    {
                        output.duration = clock.elapsed();
                    }
                    Ok(Observed::Restarted(restarted))
                }
            };
            match observed {
                Ok(observed) => lifecycle.record(step, observed),
                Err(verdict) => return verdict,
            }
        }
    }

    /// A fixture that failed because comply was interrupted is not broken.
    fn fixture_error(&self, why: String) -> Verdict {
        if self.cancel.is_cancelled() {
            Verdict::new(
                Outcome::Interrupted,
                "comply was interrupted while the fixture started",
            )
        } else {
            Verdict::new(Outcome::FixtureError, why)
        }
    }

    /// Starts a fresh instance of the fixture.
    fn start(&self) -> Result<Box<dyn Instance + '_>, String> {
        match self.fixture.def.kind {
            Kind::Container => {
                let guard = self.start_container()?;
                Ok(Box::new(ContainerInstance {
                    docker: Docker::new(self.engine.clone(), &guard.id),
                    tracker: Tracker::new(
                        ContainerShell {
                            engine: self.engine.clone(),
                            container: guard.id.clone(),
                        },
                        Files::for_container(self.engine, &guard.id),
                        self.fixture,
                    ),
                    stop_timeout_s: self.fixture.def.run.stop_timeout_s,
                    guard,
                }))
            }
            Kind::Vm => {
                let (vm, ssh) = vm::resume(self.fixture, self.cancel)?;
                Ok(Box::new(VmInstance {
                    tracker: Tracker::new(
                        ssh,
                        Files::Roots(self.fixture.def.changes.roots.clone()),
                        self.fixture,
                    ),
                    vm,
                }))
            }
        }
    }

    /// Starts a fresh container of the fixture.
    fn start_container(&self) -> Result<ContainerGuard<'_>, String> {
        let run = &self.fixture.def.run;
        let mut args = vec![
            "--label".to_owned(),
            format!("{GATE_LABEL}={}", self.run_id),
            "--label".to_owned(),
            format!("{FIXTURE_LABEL}={}", self.fixture.def.name),
            "--network".to_owned(),
            run.network.clone(),
            "--stop-timeout".to_owned(),
            run.stop_timeout_s.to_string(),
        ];
        for cap in &run.cap_add {
            args.extend(["--cap-add".to_owned(), cap.clone()]);
        }
        for tmpfs in &run.tmpfs {
            args.extend(["--tmpfs".to_owned(), tmpfs.clone()]);
        }
        for volume in &run.volumes {
            args.extend(["--volume".to_owned(), volume.clone()]);
        }
        if let Some(signal) = &run.stop_signal {
            args.extend(["--stop-signal".to_owned(), signal.clone()]);
        }
        args.extend(["--".to_owned(), self.fixture.image.clone()]);
        self.engine
            .run_detached(&args)
            .map(|id| ContainerGuard {
                engine: self.engine,
                id,
            })
            .map_err(|error| format!("the fixture container would not start: {error}"))
    }

    fn request<'s>(&self, runbook: &Runbook, step: &str, script: &'s str) -> StepRequest<'s> {
        step_request(
            self.suite,
            runbook,
            step,
            self.fixture.def.platform.as_str(),
            script,
            self.options.limits,
        )
    }

    /// Runs the fixture's readiness script.
    fn wait_ready(
        &self,
        target: &dyn Target,
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
        let started_at = Local::now();
        let result = target.run(&request, self.cancel);
        let outcome = match &result {
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
            record.steps.push(StepRecord {
                label: label.to_owned(),
                variant: "fixture".to_owned(),
                script: script.clone(),
                started_at,
                result,
            });
        }
        outcome
    }

    /// Runs the variant of a script set for the fixture's platform.
    fn variant_step(
        &self,
        target: &dyn Target,
        runbook: &Runbook,
        step: Step,
        role: &str,
        set: &ScriptSet,
        record: &mut Record,
    ) -> Result<Observed, Verdict> {
        let platform = self.fixture.def.platform.as_str();
        let Some((variant, script)) = set.for_platform(platform) else {
            return Err(Verdict::new(
                Outcome::NotApplicable,
                format!("the runbook has no {role} script for `{platform}`"),
            ));
        };
        self.script_step(target, runbook, step, role, variant, script, record)
    }

    #[allow(clippy::too_many_arguments)]
    fn script_step(
        &self,
        target: &dyn Target,
        runbook: &Runbook,
        step: Step,
        role: &str,
        variant: &str,
        script: &Script,
        record: &mut Record,
    ) -> Result<Observed, Verdict> {
        let request = self.request(runbook, role, script.text());
        let started_at = Local::now();
        let result = target.run(&request, self.cancel);
        let observed = match &result {
            Ok(output) => Ok(Observed::Exit(output.exit)),
            Err(TargetError(why)) => Err(Verdict::new(
                Outcome::FixtureError,
                format!(
                    "the {} step could not run in the fixture: {why}",
                    step.label()
                ),
            )),
        };
        record.steps.push(StepRecord {
            label: step.label().to_owned(),
            variant: variant.to_owned(),
            script: script.clone(),
            started_at,
            result,
        });
        observed
    }
}

/// Whether something named `<pid>-…` (a scratch directory, a build, a
/// gate's container label) belongs to another comply process that is still
/// running. This process is not "another": what `prune` finds under its own
/// id was left by an earlier process that had the same id.
fn owner_alive(name: &str) -> bool {
    let owner = name.split('-').next().unwrap_or_default();
    !owner.is_empty()
        && owner.bytes().all(|b| b.is_ascii_digit())
        && owner != std::process::id().to_string()
        && std::path::Path::new("/proc").join(owner).exists()
}

/// Removes every container and machine a gate left behind (a killed run
/// cannot clean up after itself), leaving those of gates still running, and
/// VM images no fixture uses any more; returns how many containers and
/// machines there were.
pub fn prune(engine: &Engine, fixtures: &[Fixture]) -> Result<(usize, usize), EngineError> {
    let mut containers = 0;
    for (id, run_id) in engine.containers_labelled(GATE_LABEL)? {
        if owner_alive(&run_id) {
            continue;
        }
        engine.remove(&id)?;
        containers += 1;
    }
    let images: Vec<std::path::PathBuf> = fixtures
        .iter()
        .filter(|fixture| fixture.def.kind == Kind::Vm)
        .map(|fixture| std::path::PathBuf::from(&fixture.image))
        .collect();
    Ok((containers, vm::prune(&images)))
}

#[cfg(test)]
mod tests {
    use super::owner_alive;

    #[test]
    fn only_another_live_process_owns_what_prune_finds() {
        // PID 1 always runs; this process's own id is an earlier run's.
        assert!(owner_alive("1-3-abc"));
        assert!(!owner_alive(&format!("{}-0-abc", std::process::id())));
        assert!(!owner_alive("x1-0"));
        assert!(!owner_alive("-0"));
        assert!(!owner_alive(&format!("{}-0", u32::MAX)));
    }
}
