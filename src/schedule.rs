//! What `comply run` and `comply gate` do alike around their cases: run
//! them on the worker pool, announce each as it starts and finishes, gather
//! them into their target's report, and conclude the run in report order.

use std::time::Instant;

use chrono::{DateTime, Local};

use crate::outcome::Mode;
use crate::partition::Shard;
use crate::results::{CaseResult, Event, RunReport, TargetReport};

/// A case waiting for a worker.
pub trait Scheduled: Sync {
    /// Index of the target (fixture) report the case belongs to.
    fn report(&self) -> usize;
    fn runbook_id(&self) -> &str;
}

enum Message {
    Started(usize, String),
    Finished(usize, Box<CaseResult>),
}

/// Runs every case with at most `jobs` at once. `run_case` gets a callback
/// to call when the case really begins (after waiting for a machine slot,
/// say), which is when the console shows it as started.
pub fn run_cases<J: Scheduled>(
    jobs: usize,
    cases: &[J],
    reports: &mut [TargetReport],
    run_case: impl Fn(&J, &dyn Fn()) -> CaseResult + Sync,
    on_event: &mut dyn FnMut(Event<'_>),
) {
    crate::pool::run(
        jobs,
        cases,
        |case, send| {
            let started = || {
                send(Message::Started(
                    case.report(),
                    case.runbook_id().to_owned(),
                ))
            };
            let result = run_case(case, &started);
            send(Message::Finished(case.report(), Box::new(result)));
        },
        |message| match message {
            Message::Started(report, runbook) => on_event(Event::CaseStarted {
                target: &reports[report].target,
                runbook: &runbook,
            }),
            Message::Finished(report, result) => {
                on_event(Event::CaseFinished(&result));
                reports[report].cases.push(*result);
            }
        },
    );
}

/// The finished run, its cases in report order; announced as
/// [`Event::RunFinished`].
pub fn conclude(
    mode: Mode,
    started_at: DateTime<Local>,
    clock: Instant,
    mut targets: Vec<TargetReport>,
    shard: Option<Shard>,
    interrupted: bool,
    on_event: &mut dyn FnMut(Event<'_>),
) -> RunReport {
    let duration = clock.elapsed();
    for target in &mut targets {
        target.finish(duration);
    }
    let report = RunReport {
        mode,
        started_at,
        duration,
        targets,
        shard,
        interrupted,
    };
    on_event(Event::RunFinished(&report));
    report
}
