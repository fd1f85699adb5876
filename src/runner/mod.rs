//! Drives `comply run` over targets: platform detection, remediation locks,
//! one remediation at a time per target, and each case's probe → remediate
//! → verify path (decided by [`crate::lifecycle::run`]). It never prints:
//! everything it learns goes to the caller as [`Event`]s.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Local;

use crate::cancel::Cancel;
use crate::lifecycle::run::{RunLifecycle, RunStep};
use crate::lifecycle::{Healing, Next, Verdict};
use crate::model::{Runbook, Suite};
use crate::outcome::{Mode, Outcome};
use crate::partition::{Partition, Shard};
use crate::results::{CaseResult, Event, RunReport, TargetReport, WaiverNote};
use crate::schedule::Scheduled;
use crate::step::{StepLimits, StepRunner, with_evidence};
use crate::target::{Target, TargetError};

/// How to run, from the command line.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub healing: Healing,
    pub jobs: usize,
    pub limits: StepLimits,
    /// The share of the cases this process runs (`--partition`).
    pub partition: Option<Partition>,
    pub today: chrono::NaiveDate,
}

impl RunOptions {
    pub fn mode(&self) -> Mode {
        match self.healing {
            Healing::Off => Mode::Check,
            Healing::On { .. } => Mode::Remediate,
        }
    }
}

/// A case waiting for a worker.
struct RunJob {
    target: usize,
    runbook: Arc<Runbook>,
    waiver: Option<WaiverNote>,
}

impl Scheduled for RunJob {
    fn report(&self) -> usize {
        self.target
    }

    fn runbook_id(&self) -> &str {
        self.runbook.id.as_str()
    }
}

/// Runs every runbook of the suite on every target.
pub fn run_suite(
    suite: &Suite,
    targets: &[Box<dyn Target>],
    options: &RunOptions,
    cancel: &Cancel,
    mut on_event: impl FnMut(Event<'_>),
) -> RunReport {
    let started_at = Local::now();
    let clock = Instant::now();
    let mut platforms = detect_platforms(targets, options.jobs, cancel);

    let (jobs, shard) = plan(suite, targets, options, &mut on_event);

    // Remediating runs hold a lock per target for their whole duration, so
    // two of them never interleave on one host. A target whose lock cannot
    // be taken is not touched; one without cases here is not locked.
    let mut locks = Vec::new();
    if let Healing::On { .. } = options.healing {
        for (index, (target, platform)) in targets.iter().zip(&mut platforms).enumerate() {
            if !jobs.iter().any(|job| job.target == index) {
                continue;
            }
            let lock = crate::lock::TargetLock::acquire(target.name(), cancel, |holder| {
                on_event(Event::WaitingForLock {
                    target: target.name(),
                    holder,
                })
            });
            match lock {
                Ok(lock) => locks.push(lock),
                Err(error) => *platform = Err(TargetError::Lock(error.to_string())),
            }
        }
    }

    let mut reports: Vec<TargetReport> = targets
        .iter()
        .zip(&platforms)
        .map(|(target, platform)| {
            let platform = platform
                .as_ref()
                .map_or(crate::platform::UNKNOWN, String::as_str);
            TargetReport::new(target.name(), target.hostname(), platform, started_at)
        })
        .collect();

    on_event(Event::Started { total: jobs.len() });
    let remediation_locks: Vec<Mutex<()>> = targets.iter().map(|_| Mutex::new(())).collect();
    crate::schedule::run_cases(
        options.jobs,
        &jobs,
        &mut reports,
        |job, started| {
            started();
            let case = RunCase {
                target: targets[job.target].as_ref(),
                platform: &platforms[job.target],
                suite,
                options,
                cancel,
                remediation_lock: &remediation_locks[job.target],
            };
            case.execute(job)
        },
        &mut on_event,
    );
    let report = crate::schedule::conclude(
        options.mode(),
        started_at,
        clock,
        reports,
        shard,
        cancel.is_cancelled(),
        &mut on_event,
    );
    drop(locks);
    report
}

/// Each target's platform, detected in parallel: one dead host must not
/// stall the others.
fn detect_platforms(
    targets: &[Box<dyn Target>],
    jobs: usize,
    cancel: &Cancel,
) -> Vec<Result<String, TargetError>> {
    let mut platforms = vec![Ok(String::new()); targets.len()];
    let indexed: Vec<usize> = (0..targets.len()).collect();
    crate::pool::run(
        jobs,
        &indexed,
        |&index, send| {
            let target = targets[index].as_ref();
            let platform = target
                .check()
                .and_then(|()| crate::platform::detect(target, cancel));
            send((index, platform));
        },
        |(index, platform)| platforms[index] = platform,
    );
    platforms
}

/// Every runbook on every target — of this process's partition — with the
/// waiver that names it; expired waivers are announced here. A remediating
/// run is partitioned by target, so one host is healed by one process.
fn plan(
    suite: &Suite,
    targets: &[Box<dyn Target>],
    options: &RunOptions,
    on_event: &mut impl FnMut(Event<'_>),
) -> (Vec<RunJob>, Option<Shard>) {
    let mut whole = Vec::new();
    for index in 0..targets.len() {
        for runbook in &suite.runbooks {
            whole.push(RunJob {
                target: index,
                runbook: runbook.clone(),
                waiver: None,
            });
        }
    }
    let healing = matches!(options.healing, Healing::On { .. });
    let id = |job: &RunJob| format!("{}\t{}", targets[job.target].name(), job.runbook.id);
    let (mut jobs, shard) =
        crate::partition::select(options.partition, whole, id, |position, job| {
            if healing {
                (job.target, targets[job.target].name().to_owned())
            } else {
                (position, id(job))
            }
        });
    for job in &mut jobs {
        job.waiver = suite.waiver_for(&job.runbook.id).map(|waiver| WaiverNote {
            waiver: waiver.clone(),
            expired: waiver.is_expired(options.today),
        });
        if let Some(note) = job.waiver.as_ref().filter(|note| note.expired) {
            on_event(Event::ExpiredWaiver {
                target: targets[job.target].name(),
                waiver: &note.waiver,
            });
        }
    }
    (jobs, shard)
}

/// One runbook on one target: what a worker needs to decide it.
struct RunCase<'a> {
    target: &'a dyn Target,
    platform: &'a Result<String, TargetError>,
    suite: &'a Suite,
    options: &'a RunOptions,
    cancel: &'a Cancel,
    remediation_lock: &'a Mutex<()>,
}

impl RunCase<'_> {
    fn execute(&self, job: &RunJob) -> CaseResult {
        let started_at = Local::now();
        let clock = Instant::now();
        let mut steps = Vec::new();
        let platform = self
            .platform
            .as_ref()
            .map_or(crate::platform::UNKNOWN, String::as_str);
        let verdict = self.decide(&job.runbook, job.waiver.as_ref(), &mut steps);
        let notes = match steps.is_empty() {
            true => Vec::new(),
            false => self.target.agent_note().into_iter().collect(),
        };
        CaseResult {
            runbook: job.runbook.clone(),
            target: self.target.name().to_owned(),
            platform: platform.to_owned(),
            verdict,
            steps,
            started_at,
            duration: clock.elapsed(),
            waiver: job.waiver.clone(),
            gate: None,
            notes,
        }
    }

    /// Why the case cannot run here, if it cannot: interrupted, waived,
    /// the target unusable, or the runbook not for this platform.
    fn precondition(
        &self,
        runbook: &Runbook,
        waiver: Option<&WaiverNote>,
    ) -> Result<&str, Verdict> {
        if self.cancel.is_cancelled() {
            return Err(Verdict::new(
                Outcome::Interrupted,
                "not started: comply was interrupted",
            ));
        }
        if let Some(note) = waiver.filter(|note| !note.expired) {
            return Err(Verdict::new(
                Outcome::Waived,
                match note.waiver.accountability().as_str() {
                    "" => format!(
                        "waived until {}: {}",
                        note.waiver.expires, note.waiver.reason
                    ),
                    who => format!(
                        "waived until {} ({who}): {}",
                        note.waiver.expires, note.waiver.reason
                    ),
                },
            ));
        }
        let platform = match self.platform {
            Ok(platform) => platform.as_str(),
            Err(error) => return Err(Verdict::new(Outcome::TargetError, error.to_string())),
        };
        if !runbook.runs_on(platform) {
            return Err(Verdict::new(
                Outcome::NotApplicable,
                format!(
                    "the runbook is for {}, and this host is `{platform}`",
                    platform_list(runbook)
                ),
            ));
        }
        if runbook.probe.for_platform(platform).is_none() {
            return Err(Verdict::new(
                Outcome::NotApplicable,
                format!("the runbook has no probe for `{platform}`"),
            ));
        }
        Ok(platform)
    }

    fn decide(
        &self,
        runbook: &Runbook,
        waiver: Option<&WaiverNote>,
        steps: &mut Vec<crate::results::StepRecord>,
    ) -> Verdict {
        let platform = match self.precondition(runbook, waiver) {
            Ok(platform) => platform,
            Err(verdict) => return verdict,
        };
        let runner = StepRunner {
            target: self.target,
            suite: self.suite,
            platform,
            limits: self.options.limits,
            cancel: self.cancel,
        };
        let mut lifecycle = RunLifecycle::new(
            runbook.tier,
            self.options.healing,
            crate::lint::static_verdict(runbook, platform),
        );
        let mut remediation_guard = None;
        loop {
            let step = match lifecycle.next() {
                Next::Done(verdict) => return with_evidence(verdict, steps.last()),
                Next::Run(step) => step,
            };
            let set = match step {
                RunStep::Probe => &runbook.probe,
                RunStep::Remediate => {
                    // Probes run in parallel; a target heals one runbook at a
                    // time, and its verify runs before the next remediation.
                    remediation_guard = Some(
                        self.remediation_lock
                            .lock()
                            .unwrap_or_else(|e| e.into_inner()),
                    );
                    runbook
                        .remediate
                        .as_ref()
                        .expect("the lifecycle remediates only runbooks with a remediation")
                }
                RunStep::Verify => runbook.verify_or_probe(),
            };
            let record = runner
                .variant(runbook, step.as_str(), step.as_str(), set)
                .expect("probe, remediation and verify variants are checked before they run");
            let exit = match &record.result {
                Ok(output) => output.exit,
                Err(error) => {
                    let detail = format!("the {} step could not run: {error}", step.as_str());
                    steps.push(record);
                    return Verdict::new(Outcome::TargetError, detail);
                }
            };
            steps.push(record);
            lifecycle.record(step, exit);
            if step == RunStep::Verify {
                drop(remediation_guard.take());
            }
        }
    }
}

fn platform_list(runbook: &Runbook) -> String {
    runbook
        .platforms
        .iter()
        .flatten()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
