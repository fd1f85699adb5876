//! `comply run` and `comply gate`: targets or fixtures in, reports and an
//! exit status out.

use std::path::Path;
use std::time::Duration;

use super::CliError;
use super::args::{GateArgs, ReportArgs, RunArgs, default_jobs};
use super::fixtures::build_fixtures;
use crate::cancel::Cancel;
use crate::gate::{GateOptions, fixture};
use crate::lifecycle::Healing;
use crate::load;
use crate::outcome::Mode;
use crate::report::{self, RunMeta, console::Console, evidence::EvidenceDir, junit::Dialect};
use crate::results::RunReport;
use crate::runner::{self, RunOptions};
use crate::target::{self, Target, spec::TargetSpec};

pub(super) fn check_writable(path: &Path) -> Result<(), CliError> {
    report::check_destination(path).map_err(CliError::Usage)
}

pub(super) fn write_report(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    report::write_atomically(path, bytes).map_err(|source| CliError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The targets of a run: `--target`s, then the inventory's, `local` when
/// there are none. ssh targets share one directory of master connections.
fn build_targets(args: &RunArgs) -> Result<Vec<Box<dyn Target>>, CliError> {
    let mut specs: Vec<String> = args.targets.clone();
    if let Some(path) = &args.inventory {
        specs.extend(target::spec::read_inventory(&load::Place::Disk(
            path.to_owned(),
        ))?);
    }
    if specs.is_empty() {
        specs.push("local".to_owned());
    }
    let mut seen = std::collections::HashSet::new();
    let mut ssh_options: Option<target::ssh::SshOptions> = None;
    let mut targets: Vec<Box<dyn Target>> = Vec::new();
    for spec in &specs {
        if !seen.insert(spec.as_str()) {
            return Err(CliError::Usage(format!("target `{spec}` is given twice")));
        }
        let target: Box<dyn Target> = match TargetSpec::parse(spec).map_err(CliError::Usage)? {
            TargetSpec::Local => Box::new(target::local::Local),
            TargetSpec::Docker(container) => Box::new(target::docker::Docker::new(
                args.exec.engine.engine(),
                &container,
            )),
            TargetSpec::Ssh(address) => {
                let options = match &ssh_options {
                    Some(options) => options.clone(),
                    None => {
                        let options = target::ssh::SshOptions::multiplexed(
                            Duration::from_secs(args.connect_timeout),
                            args.ssh_options.clone(),
                        )
                        .map_err(|error| CliError::Environment(error.to_string()))?;
                        ssh_options.insert(options).clone()
                    }
                };
                Box::new(target::ssh::Ssh::new(address, options))
            }
        };
        targets.push(target);
    }
    Ok(targets)
}

pub(super) fn run_command(args: RunArgs) -> Result<i32, CliError> {
    let suite = args.suite.load_some()?;
    let targets = build_targets(&args)?;
    let evidence = args.exec.report.prepare()?;
    let options = RunOptions {
        healing: if args.remediate {
            Healing::On {
                allow_l2: args.allow_tier.is_some(),
            }
        } else {
            Healing::Off
        },
        jobs: args.exec.jobs(default_jobs()),
        limits: args.exec.limits(),
        today: chrono::Local::now().date_naive(),
    };
    let cancel = supervise()?;
    let mut console = Console::new(options.mode(), targets.len() > 1);
    let report = runner::run_suite(&suite, &targets, &options, &cancel, |event| {
        console.event(event)
    });
    finish(&report, &suite, &args.exec.report, evidence.as_ref())
}

/// After a run or gate: reaps what steps left, writes
/// the reports and gives the exit status.
fn finish(
    report: &RunReport,
    suite: &crate::model::Suite,
    reports: &ReportArgs,
    evidence: Option<&EvidenceDir>,
) -> Result<i32, CliError> {
    target::descendants::reap_exited();
    write_reports(report, &RunMeta::of(suite), reports, evidence)?;
    Ok(report.exit_code())
}

/// Takes charge of the processes a run starts: signals cancel the run
/// (see `cancel`), and comply becomes the subreaper of what steps leave
/// behind (see `target::descendants`).
fn supervise() -> Result<Cancel, CliError> {
    let cancel = Cancel::new();
    cancel.on_signals().map_err(|error| {
        CliError::Environment(format!("cannot install signal handlers: {error}"))
    })?;
    target::descendants::become_subreaper().map_err(|error| {
        CliError::Environment(format!(
            "cannot become the subreaper of step processes: {error}"
        ))
    })?;
    Ok(cancel)
}

pub(super) fn gate(args: GateArgs) -> Result<i32, CliError> {
    let suite = args.suite.load_some()?;
    let fixtures = fixture::select(fixture::all(args.fixtures.as_deref())?, &args.fixture_names)?;
    let evidence = args.exec.report.prepare()?;
    let engine = args.exec.engine.engine();
    engine
        .check()
        .map_err(|error| CliError::Environment(error.to_string()))?;
    build_fixtures(&engine, &fixtures)?;
    let options = GateOptions {
        jobs: args.exec.jobs(2 * default_jobs()),
        limits: args.exec.limits(),
    };
    let cancel = supervise()?;
    let mut console = Console::new(Mode::Gate, true);
    let report =
        crate::gate::run_fixtures(&suite, &fixtures, &engine, &options, &cancel, |event| {
            console.event(event)
        });
    finish(&report, &suite, &args.exec.report, evidence.as_ref())
}

fn write_reports(
    report: &RunReport,
    meta: &RunMeta,
    args: &ReportArgs,
    evidence: Option<&EvidenceDir>,
) -> Result<(), CliError> {
    if let Some(path) = &args.junit {
        let dialect = if args.junit_strict {
            Dialect::Strict
        } else {
            Dialect::Full
        };
        write_report(path, &report::junit::render(report, meta, dialect))?;
    }
    if let Some(path) = &args.json {
        write_report(path, &report::json::render(report, meta))?;
    }
    if let Some(evidence) = evidence {
        evidence.write(report).map_err(|source| CliError::Write {
            path: evidence.path().to_owned(),
            source,
        })?;
    }
    Ok(())
}
