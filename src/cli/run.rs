//! `comply run` and `comply gate`: targets or fixtures in, reports and an
//! exit status out.

use std::path::Path;
use std::time::Duration;

use super::CliError;
use super::args::{
    Baseline, Destinations, DiffArgs, FailOn, GateArgs, MergeArgs, OutputFormat, ReportFiles,
    RunArgs, default_jobs,
};
use super::fixtures::build_fixtures;
use crate::cancel::Cancel;
use crate::exit_code;
use crate::gate::{GateAgent, GateOptions, fixture};
use crate::lifecycle::Healing;
use crate::load;
use crate::outcome::Mode;
use crate::report::json::Document;
use crate::report::{self, RunMeta, console::Console, junit::Dialect};
use crate::results::RunReport;
use crate::runner::{self, RunOptions};
use crate::target::agent::Placement;
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
    let limit = args.limit.as_deref();
    if let Some(path) = &args.inventory {
        // --limit selects from every inventory given; comply's line format
        // has no groups to select, so it refuses one.
        specs.extend(target::read_inventory(
            &load::Place::Disk(path.to_owned()),
            limit,
        )?);
    }
    if let Some(path) = &args.ansible_inventory {
        let listed = target::ansible::list(path)?;
        specs.extend(target::ansible::targets(
            &path.display().to_string(),
            &listed,
            limit,
        )?);
    }
    if limit.is_some() && args.inventory.is_none() && args.ansible_inventory.is_none() {
        return Err(CliError::Usage(
            "--limit needs an Ansible inventory (--inventory FILE.json or --ansible-inventory FILE)"
                .to_owned(),
        ));
    }
    if specs.is_empty() {
        if args.inventory.is_some() || args.ansible_inventory.is_some() {
            return Err(CliError::Usage(
                "the inventory selects no host: nothing to run on".to_owned(),
            ));
        }
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
                if args.exec.no_agent {
                    Placement::Off
                } else {
                    Placement::Install
                },
            )),
            TargetSpec::Ssh(address) => {
                let options = match &ssh_options {
                    Some(options) => options.clone(),
                    None => {
                        let options = target::ssh::SshOptions::multiplexed(
                            Duration::from_secs(args.connect_timeout),
                            args.ssh_options.clone(),
                            !args.exec.no_agent,
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
    let baseline = args.exec.baseline()?;
    let destinations = args.exec.report.prepare()?;
    let options = RunOptions {
        // A plan probes in check mode: the lifecycle then never reaches a
        // remediation, whatever the runbooks say.
        healing: if args.remediate && !args.plan {
            Healing::On {
                allow_l2: args.allow_tier.is_some(),
            }
        } else {
            Healing::Off
        },
        jobs: args.exec.jobs(default_jobs()),
        limits: args.exec.limits(),
        partition: args.exec.partition,
        today: chrono::Local::now().date_naive(),
    };
    let cancel = supervise()?;
    let mut console = Console::new(options.mode(), targets.len() > 1);
    let report = runner::run_suite(&suite, &targets, &options, &cancel, |event| {
        console.event(event)
    });
    if !args.plan {
        return Ok(finish(&report, &suite, destinations, baseline));
    }
    let (_, written) = write_outputs(&report, &suite, destinations);
    let plan = crate::plan::plan(&report, args.allow_tier.is_some());
    crate::outln!("{}", crate::plan::render(&plan).trim_end_matches('\n'));
    // The plan's status replaces the check run's (whose failing probes
    // are what the plan is about); a report that was not written still
    // counts, so a plan never says 0 over a lost report.
    Ok(exit_code::worst(
        crate::plan::exit_code(&plan, report.interrupted),
        written,
    ))
}

/// After a run or gate: reaps what steps left, writes the reports (from
/// one document), rotates run directories and gives the exit status. A
/// report that cannot be written is an error, but never hides the run's
/// verdict: the worse of the two is the exit status.
fn finish(
    report: &RunReport,
    suite: &crate::model::Suite,
    destinations: Destinations,
    baseline: Option<Baseline>,
) -> i32 {
    let (document, written) = write_outputs(report, suite, destinations);
    let code = match &baseline {
        Some(baseline) => against_baseline(&document, baseline),
        None => document.exit_code(),
    };
    exit_code::worst(code, written)
}

/// Writes every report and the evidence of a finished run, printing what
/// could not be written; the document, and 0 or the exit status of the
/// worst write error.
fn write_outputs(
    report: &RunReport,
    suite: &crate::model::Suite,
    destinations: Destinations,
) -> (Document, i32) {
    target::descendants::reap_exited();
    let document = Document::of(report, &RunMeta::of(suite));
    let mut code = write_documents(&document, &destinations.files);
    if let Some(evidence) = &destinations.evidence
        && let Err(source) = evidence.write(report, &document, destinations.signing_key.as_ref())
    {
        let error = CliError::Write {
            path: evidence.path().to_owned(),
            source,
        };
        super::print_error(&error);
        code = exit_code::worst(code, error.exit_code());
    }
    if let Some((run_dir, keep)) = destinations.run_dir
        && code == exit_code::OK
    {
        rotate(run_dir, keep);
    }
    (document, code)
}

/// Compares a run with its baseline and says what changed; with
/// `--fail-on new` only regressions and new failing cases fail the run
/// (an interruption still gives 130).
fn against_baseline(document: &Document, baseline: &Baseline) -> i32 {
    let differences = report::diff::diff(&baseline.document, document);
    let count = |change| {
        differences
            .iter()
            .filter(|difference| difference.change == change)
            .count()
    };
    use report::diff::Change;
    crate::outln!(
        "{:>18} {} regressed, {} improved, {} appeared, {} disappeared",
        "BASELINE",
        count(Change::Regressed),
        count(Change::Improved),
        count(Change::Appeared),
        count(Change::Disappeared)
    );
    for difference in differences.iter().filter(|d| d.is_new_failure()) {
        crate::outln!(
            "{:>18} {}",
            "NEW FAILURE",
            report::diff::describe(difference)
        );
    }
    match baseline.fail_on {
        FailOn::All => document.exit_code(),
        FailOn::New if document.interrupted => exit_code::INTERRUPTED,
        FailOn::New if differences.iter().any(|d| d.is_new_failure()) => exit_code::FAILURES,
        FailOn::New => exit_code::OK,
    }
}

pub(super) fn diff(args: DiffArgs) -> Result<i32, CliError> {
    let (old, new) = (
        report::json::read(&args.old)?,
        report::json::read(&args.new)?,
    );
    let differences = report::diff::diff(&old, &new);
    let text = match args.format {
        OutputFormat::Table => report::diff::table(&differences),
        OutputFormat::Json => report::diff::json(&differences),
        OutputFormat::Markdown => report::diff::markdown(&differences),
    };
    crate::outln!("{}", text.trim_end_matches('\n'));
    Ok(if differences.iter().any(|d| d.is_new_failure()) {
        exit_code::FAILURES
    } else {
        exit_code::OK
    })
}

/// Marks this run's directory complete and prunes older ones; a failure
/// here is a warning: the run and its reports are done.
fn rotate(run_dir: report::run_dir::RunDir, keep: Option<usize>) {
    let parent = run_dir.path().parent().map(Path::to_owned);
    let current = match run_dir.complete() {
        Ok(current) => current,
        Err(error) => {
            return super::print_warning(&format!("cannot mark the run complete: {error}"));
        }
    };
    if let (Some(parent), Some(keep)) = (parent, keep)
        && let Err(error) = report::run_dir::prune(&parent, keep, &current)
    {
        super::print_warning(&format!(
            "cannot remove old runs from `{}`: {error}",
            parent.display()
        ));
    }
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
    let baseline = args.exec.baseline()?;
    let destinations = args.exec.report.prepare()?;
    let engine = args.exec.engine.engine();
    engine
        .check()
        .map_err(|error| CliError::Environment(error.to_string()))?;
    build_fixtures(&engine, &fixtures)?;
    let options = GateOptions {
        jobs: args.exec.jobs(2 * default_jobs()),
        limits: args.exec.limits(),
        partition: args.exec.partition,
        agent: match args.exec.no_agent {
            true => GateAgent::Off,
            false => GateAgent::for_engine(&engine),
        },
    };
    let cancel = supervise()?;
    let mut console = Console::new(Mode::Gate, true);
    let report =
        crate::gate::run_fixtures(&suite, &fixtures, &engine, &options, &cancel, |event| {
            console.event(event)
        });
    Ok(finish(&report, &suite, destinations, baseline))
}

/// Writes the report files of a finished (or merged) run: every one is
/// attempted, each failure printed; 0, or the exit status of the worst.
pub(super) fn write_documents(document: &Document, files: &ReportFiles) -> i32 {
    let mut written: Vec<Result<(), CliError>> = Vec::new();
    if let Some(path) = &files.junit {
        let dialect = if files.junit_strict {
            Dialect::Strict
        } else {
            Dialect::Full
        };
        written.push(write_report(
            path,
            &report::junit::render(document, dialect),
        ));
    }
    if let Some(path) = &files.json {
        written.push(write_report(path, &report::json::render(document)));
    }
    if let Some(path) = &files.html {
        written.push(write_report(
            path,
            report::html::render(document).as_bytes(),
        ));
    }
    if let Some(path) = &files.prom {
        let result =
            report::write_atomically_with_mode(path, &report::prom::render(document), 0o644)
                .map_err(|source| CliError::Write {
                    path: path.to_owned(),
                    source,
                });
        written.push(result);
    }
    let mut code = exit_code::OK;
    for result in written {
        if let Err(error) = result {
            super::print_error(&error);
            code = exit_code::worst(code, error.exit_code());
        }
    }
    code
}

pub(super) fn merge(args: MergeArgs) -> Result<i32, CliError> {
    let inputs: Vec<(&'static str, &std::path::PathBuf)> = args
        .reports
        .iter()
        .map(|path| ("a merged report", path))
        .collect();
    args.files.check(&inputs)?;
    let mut shards = Vec::new();
    for path in &args.reports {
        shards.push((path.display().to_string(), report::json::read(path)?));
    }
    let document = report::merge::merge(shards)?;
    // A report that cannot be written never hides the merged verdict.
    let written = write_documents(&document, &args.files);
    let totals = document.totals;
    crate::outln!(
        "merged {}: {} passed, {} failed, {} errors, {} skipped",
        report::console::plural(args.reports.len(), "report", "reports"),
        totals.passed,
        totals.failures,
        totals.errors,
        totals.skipped
    );
    Ok(exit_code::worst(document.exit_code(), written))
}
