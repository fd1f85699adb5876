//! `comply gate`: proves on throwaway fixtures that each runbook's probe
//! detects its broken scenarios and passes its compliant ones, and that its
//! remediation heals, changes something, is idempotent and survives a
//! restart. Every case gets a fresh container that is removed afterwards,
//! whatever happens.

pub mod build;
mod case;
pub mod changes;
pub mod error;
pub mod fixture;
mod instance;
pub mod leftovers;
pub mod shell;
mod units;
pub mod vm;

use std::sync::Arc;
use std::time::Instant;

use chrono::Local;

use self::case::GateCase;
use self::fixture::Fixture;
use crate::cancel::Cancel;
use crate::engine::Engine;
use crate::model::{Expect, Runbook, Scenario, Suite};
use crate::outcome::Mode;
use crate::partition::{Partition, Shard};
use crate::results::{Event, RunReport, TargetReport};
use crate::schedule::Scheduled;
use crate::step::StepLimits;

#[derive(Debug, Clone)]
pub struct GateOptions {
    pub jobs: usize,
    pub limits: StepLimits,
    /// The share of the cases this process runs (`--partition`).
    pub partition: Option<Partition>,
    /// How steps reach container fixtures.
    pub agent: GateAgent,
}

/// How the steps of container fixtures run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateAgent {
    /// A `docker exec` each (`--no-agent`).
    Off,
    /// Through the comply agent: this binary, bound read-only into each
    /// container.
    Bind(String),
    /// Wanted, impossible for this reason: a `docker exec` each, and every
    /// case says why.
    Unavailable(String),
}

impl GateAgent {
    /// The agent of this gate run, decided once: comply's binary, if the
    /// engine's containers run on this machine and the file is still the
    /// one running.
    pub fn for_engine(engine: &Engine) -> GateAgent {
        let path = match std::env::current_exe() {
            Ok(path) => path,
            Err(error) => {
                return GateAgent::Unavailable(format!("cannot find comply's binary: {error}"));
            }
        };
        if !path.is_file() {
            return GateAgent::Unavailable(format!(
                "comply's binary `{}` was removed or replaced while it runs",
                path.display()
            ));
        }
        match engine.local_path_of(&path) {
            Some(path) => GateAgent::Bind(path),
            None => GateAgent::Unavailable(format!(
                "`{}` is not on this machine, or its path cannot be bound",
                engine.name()
            )),
        }
    }
}

/// What one case tests.
enum Subject {
    Scenario(usize),
    /// An L1/L2 runbook without a broken scenario for this fixture.
    Untested,
}

struct GateJob {
    runbook: Arc<Runbook>,
    fixture: usize,
    subject: Subject,
}

impl Scheduled for GateJob {
    fn report(&self) -> usize {
        self.fixture
    }

    fn runbook_id(&self) -> &str {
        self.runbook.id.as_str()
    }
}

impl GateJob {
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
/// fixture, in runbook, fixture and scenario order; of those, the ones of
/// this process's partition.
fn plan(
    suite: &Suite,
    fixtures: &[Fixture],
    partition: Option<Partition>,
) -> (Vec<GateJob>, Option<Shard>) {
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
                jobs.push(GateJob {
                    runbook: runbook.clone(),
                    fixture: index,
                    subject: Subject::Untested,
                });
            }
            for scenario in scenarios {
                jobs.push(GateJob {
                    runbook: runbook.clone(),
                    fixture: index,
                    subject: Subject::Scenario(scenario),
                });
            }
        }
    }
    let id = |job: &GateJob| {
        format!(
            "{}\t{}\t{}",
            job.runbook.id,
            fixtures[job.fixture].def.name,
            job.scenario_name()
        )
    };
    crate::partition::select(partition, jobs, id, |position, job| (position, id(job)))
}

/// Runs every case of the plan on fresh fixtures.
pub fn run_fixtures(
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
    let (jobs, shard) = plan(suite, fixtures, options.partition);
    let mut reports: Vec<TargetReport> = fixtures
        .iter()
        .map(|fixture| {
            TargetReport::new(
                &fixture.def.name,
                fixture.image.clone(),
                fixture.def.platform.as_str(),
                started_at,
            )
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
    crate::schedule::run_cases(
        options.jobs,
        &jobs,
        &mut reports,
        |job, started| {
            let _slot = slots[job.fixture].as_ref().map(Slots::take);
            started();
            let case = GateCase {
                suite,
                fixture: &fixtures[job.fixture],
                engine,
                options,
                cancel,
                run_id: &run_id,
            };
            case.execute(job)
        },
        &mut on_event,
    );
    crate::schedule::conclude(
        Mode::Gate,
        started_at,
        clock,
        reports,
        shard,
        cancel.is_cancelled(),
        &mut on_event,
    )
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
