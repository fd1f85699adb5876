//! The command line (README: Commands and exit codes): the only module that knows clap. It turns
//! arguments into options, calls the library, and maps results to exit codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cancel::Cancel;
use crate::engine::Engine;
use crate::exit_code;
use crate::gate::{GateOptions, fixture};
use crate::lifecycle::Healing;
use crate::load::{self, InputError, LoadOptions};
use crate::outcome::{Kind, Mode};
use crate::report::{self, RunMeta, console::Console, evidence::EvidenceDir, junit::Dialect};
use crate::runner::{self, RunOptions, RunReport, StepLimits};
use crate::target::{self, Target, spec::TargetSpec};

#[derive(Parser)]
#[command(
    name = "comply",
    version,
    about = "Compliance test harness: probe, remediate and re-probe HIPAA controls, and prove that runbooks heal",
    after_help = "Exit codes: 0 all passed or skipped · 1 failures · 2 invalid input (nothing ran) · 3 errors but no failures · 130 interrupted"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Probe (and with --remediate, heal) targets; write JUnit/JSON.
    Run(RunArgs),
    /// Check runbooks statically: empty, no-op, NixOS hazards, start without enable, untested.
    Lint(LintArgs),
    /// List the runbooks of a suite, or with --coverage the HIPAA citations they automate.
    List(ListArgs),
    /// Prove on fresh container fixtures that each runbook detects, heals, is idempotent and persists.
    Gate(GateArgs),
    /// Write a runbook directory as a deterministic JSON bundle.
    Bundle(BundleArgs),
    /// Build the fixture images the gate uses, or remove what a killed gate left behind.
    #[command(subcommand)]
    Fixtures(FixturesCommand),
}

#[derive(Subcommand)]
enum FixturesCommand {
    /// Build fixture images (all, or the named ones); unchanged ones are kept.
    Build(FixturesBuildArgs),
    /// Remove what a killed `comply gate` left behind, and VM images no fixture uses.
    Prune(FixturesPruneArgs),
    /// List the fixtures and whether their images are built.
    List(FixturesBuildArgs),
}

#[derive(Args, Debug, Clone)]
struct EngineArgs {
    /// Container engine: `docker` or `podman` (default: $COMPLY_CONTAINER_ENGINE, else docker).
    #[arg(long, value_name = "ENGINE")]
    engine: Option<String>,
}

impl EngineArgs {
    fn engine(&self) -> Engine {
        Engine::new(self.engine.as_deref())
    }
}

#[derive(Args, Debug)]
struct FixturesBuildArgs {
    /// Fixture names (default: all).
    #[arg(value_name = "NAME")]
    names: Vec<String>,
    /// A directory of your own fixtures, besides the embedded ones.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

impl FixturesBuildArgs {
    /// The named fixtures, or all of them (opt-in ones too).
    fn selected(&self) -> Result<Vec<fixture::Fixture>, CliError> {
        let all = fixture::all(self.fixtures.as_deref())?;
        if self.names.is_empty() {
            return Ok(all.into_values().collect());
        }
        Ok(fixture::select(all, &self.names)?)
    }
}

#[derive(Args, Debug)]
struct FixturesPruneArgs {
    /// A directory of your own fixtures, whose VM images are kept too.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args, Debug)]
struct GateArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// Only these fixtures (default: every fixture); repeatable.
    #[arg(long = "fixture", value_name = "NAME")]
    fixture_names: Vec<String>,
    /// A directory of your own fixtures, besides the embedded ones.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    #[command(flatten)]
    exec: ExecArgs,
}

/// How steps run and where reports go: the flags `run` and `gate` share.
#[derive(Args, Debug)]
struct ExecArgs {
    /// Cases run at once (default: the number of CPUs for `run`; twice that
    /// for `gate`, whose cases mostly wait on the engine).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    jobs: Option<u64>,
    /// Cap every step's timeout at this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=crate::model::MAX_TIMEOUT_S))]
    timeout: Option<u64>,
    /// Bytes of stdout and of stderr kept per step; the rest is counted.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    output_limit: usize,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    report: ReportArgs,
}

impl ExecArgs {
    fn jobs(&self, default: usize) -> usize {
        self.jobs.map_or(default, |n| n as usize)
    }

    fn limits(&self) -> StepLimits {
        StepLimits {
            timeout_cap: self.timeout.map(Duration::from_secs),
            output_limit: self.output_limit,
        }
    }
}

/// Where the runbooks come from.
#[derive(Args, Debug, Clone)]
struct SuiteArgs {
    /// Suite TOML file (default: the embedded HIPAA Linux suite).
    #[arg(long, value_name = "FILE")]
    suite: Option<PathBuf>,
    /// Runbook bundle (.json) or directory; repeatable; added to the suite.
    #[arg(long = "runbooks", value_name = "PATH")]
    runbooks: Vec<PathBuf>,
    /// Only runbooks whose id matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    only: Vec<String>,
    /// Override a suite input, e.g. `--input log_retention_days=30`; repeatable.
    #[arg(long = "input", value_name = "NAME=VALUE")]
    inputs: Vec<String>,
}

impl SuiteArgs {
    /// Loads the suite for a run or gate, which must select some runbook: a
    /// typo in `--only` must not pass as a green, empty report.
    fn load_some(&self) -> Result<crate::model::Suite, CliError> {
        let suite = load::load(&self.load_options())?;
        if suite.runbooks.is_empty() {
            let only = if self.only.is_empty() {
                String::new()
            } else {
                format!(" (--only {})", self.only.join(", "))
            };
            return Err(CliError::Usage(format!(
                "no runbook selected{only}: `comply list` shows the runbooks there are"
            )));
        }
        Ok(suite)
    }

    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            suite: self.suite.clone(),
            runbooks: self.runbooks.clone(),
            inputs: self.inputs.clone(),
            only: self.only.clone(),
        }
    }
}

#[derive(Args, Debug, Clone)]
struct ReportArgs {
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Make the JUnit report validate against Jenkins' junit-10.xsd.
    #[arg(long, requires = "junit")]
    junit_strict: bool,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write every step's script, output and exit here, with MANIFEST.sha256.
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
}

impl ReportArgs {
    /// Report destinations are checked before anything runs: a typo in a
    /// directory name must not cost a whole run, and a `--remediate` run
    /// must not change a host and then lose its report. The evidence
    /// directory is opened here and written through at the end.
    fn prepare(&self) -> Result<Option<EvidenceDir>, CliError> {
        let files: Vec<(&str, &PathBuf)> = [("--junit", &self.junit), ("--json", &self.json)]
            .into_iter()
            .filter_map(|(flag, path)| Some((flag, path.as_ref()?)))
            .collect();
        for (_, path) in &files {
            report::check_destination(path).map_err(CliError::Usage)?;
        }
        let mut named: Vec<(&str, PathBuf)> = files
            .iter()
            .map(|(flag, path)| (*flag, report::identity(path)))
            .collect();
        if let Some(dir) = &self.evidence {
            named.push(("--evidence", report::identity(dir)));
        }
        for (index, (flag, path)) in named.iter().enumerate() {
            if let Some((other, _)) = named[..index].iter().find(|(_, p)| p == path) {
                return Err(CliError::Usage(format!(
                    "{other} and {flag} both name `{}`: give each report its own place",
                    path.display()
                )));
            }
        }
        self.evidence
            .as_deref()
            .map(EvidenceDir::open)
            .transpose()
            .map_err(CliError::Usage)
    }
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// Where to run: `local` (default), `docker:CONTAINER` or
    /// `ssh:[USER@]HOST[:PORT]`; repeatable.
    #[arg(long = "target", value_name = "TARGET")]
    targets: Vec<String>,
    /// A file of targets, one per line (`#` comments; a bare host means `ssh:HOST`).
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// Seconds to wait for an ssh connection before the target is an error.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    connect_timeout: u64,
    /// An extra ssh option (`-o`), e.g. `--ssh-option IdentityFile=~/.ssh/fleet`; repeatable.
    #[arg(long = "ssh-option", value_name = "OPTION")]
    ssh_options: Vec<String>,
    /// Heal: run the remediation of a failing L1 runbook, then verify.
    #[arg(long)]
    remediate: bool,
    /// Also remediate L2 runbooks.
    #[arg(long, value_enum, value_name = "TIER", requires = "remediate")]
    allow_tier: Option<AllowTier>,
    #[command(flatten)]
    exec: ExecArgs,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum AllowTier {
    #[value(name = "L2")]
    L2,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ListFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Args, Debug)]
struct ListArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// List every 45 CFR 164 Subpart C citation and the runbooks that check it.
    #[arg(long)]
    coverage: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Suite TOML file (default: the embedded HIPAA Linux suite).
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    suite: Option<PathBuf>,
    /// Runbook bundles or directories to lint instead of a suite.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Make the JUnit report validate against Jenkins' junit-10.xsd.
    #[arg(long, requires = "junit")]
    junit_strict: bool,
}

#[derive(Args, Debug)]
struct BundleArgs {
    /// A runbook directory, or a directory of them.
    dir: PathBuf,
    /// The bundle file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

/// A failure before or after the run proper.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The environment cannot do what was asked (no container engine).
    #[error("{0}")]
    Environment(String),
}

impl CliError {
    fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) | CliError::Usage(_) => exit_code::INVALID_INPUT,
            // The run happened but its report is lost: that is an error
            // result, not a verdict.
            CliError::Write { .. } | CliError::Environment(_) => exit_code::ERRORS,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Lint(args) => lint(args),
        Command::List(args) => list(args),
        Command::Gate(args) => gate(args),
        Command::Bundle(args) => bundle(args),
        Command::Fixtures(FixturesCommand::Build(args)) => fixtures_build(args),
        Command::Fixtures(FixturesCommand::List(args)) => fixtures_list(args),
        Command::Fixtures(FixturesCommand::Prune(args)) => fixtures_prune(args),
    };
    let code = result.unwrap_or_else(|error| {
        let red = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Red.into()))
            .bold();
        anstream::eprintln!("{red}error{red:#}: {error}");
        error.exit_code()
    });
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn check_writable(path: &Path) -> Result<(), CliError> {
    report::check_destination(path).map_err(CliError::Usage)
}

fn write_report(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
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

/// The most steps run at once: each is a thread and a process or two.
const MAX_JOBS: u64 = 256;

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn run(args: RunArgs) -> Result<i32, CliError> {
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
    let report = runner::run(&suite, &targets, &options, &cancel, |event| {
        console.event(event)
    });
    finish(
        &report,
        &suite,
        console,
        &args.exec.report,
        evidence.as_ref(),
    )
}

/// After a run or gate: reaps what steps left, prints the summary, writes
/// the reports and gives the exit status.
fn finish(
    report: &RunReport,
    suite: &crate::model::Suite,
    mut console: Console,
    reports: &ReportArgs,
    evidence: Option<&EvidenceDir>,
) -> Result<i32, CliError> {
    target::descendants::reap_exited();
    console.summary(report);
    write_reports(report, &RunMeta::of(suite), reports, evidence)?;
    Ok(exit_status(report))
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

fn gate(args: GateArgs) -> Result<i32, CliError> {
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
    let report = crate::gate::run(&suite, &fixtures, &engine, &options, &cancel, |event| {
        console.event(event)
    });
    finish(
        &report,
        &suite,
        console,
        &args.exec.report,
        evidence.as_ref(),
    )
}

/// Builds the images of fixtures that are not built yet.
fn build_fixtures(engine: &Engine, fixtures: &[fixture::Fixture]) -> Result<(), CliError> {
    for fixture in fixtures {
        let built = fixture
            .build(engine, &mut |message| {
                eprintln!("{}: {message}", fixture.def.name)
            })
            .map_err(|error| {
                CliError::Environment(format!("fixture `{}`: {error}", fixture.def.name))
            })?;
        if let crate::gate::build::Built::Built { seconds } = built {
            eprintln!(
                "{}: built {} in {seconds:.1}s",
                fixture.def.name, fixture.image
            );
        }
    }
    Ok(())
}

fn fixtures_build(args: FixturesBuildArgs) -> Result<i32, CliError> {
    let fixtures = args.selected()?;
    let engine = args.engine.engine();
    engine
        .check()
        .map_err(|error| CliError::Environment(error.to_string()))?;
    build_fixtures(&engine, &fixtures)?;
    for fixture in &fixtures {
        crate::outln!("{:<20} {}", fixture.def.name, fixture.image);
    }
    Ok(exit_code::OK)
}

fn fixtures_list(args: FixturesBuildArgs) -> Result<i32, CliError> {
    let fixtures = args.selected()?;
    let engine = args.engine.engine();
    let available = engine.check().is_ok();
    for fixture in &fixtures {
        let state = match (available, available && fixture.is_built(&engine)) {
            (false, _) => "engine not available",
            (true, true) => "built",
            (true, false) => "not built",
        };
        crate::outln!(
            "{:<20} {:<8} {:<10} {:<42} {state}",
            fixture.def.name,
            fixture.def.platform,
            format!("{:?}", fixture.def.kind).to_lowercase(),
            fixture.image
        );
    }
    Ok(exit_code::OK)
}

fn fixtures_prune(args: FixturesPruneArgs) -> Result<i32, CliError> {
    // Every fixture, opt-in ones too: their images are in use.
    let fixtures: Vec<fixture::Fixture> = fixture::all(args.fixtures.as_deref())?
        .into_values()
        .collect();
    let engine = args.engine.engine();
    engine
        .check()
        .map_err(|error| CliError::Environment(error.to_string()))?;
    let (containers, machines) = crate::gate::prune(&engine, &fixtures)
        .map_err(|error| CliError::Environment(error.to_string()))?;
    crate::outln!(
        "removed {} and {} left behind by a gate",
        report::console::plural(containers, "container", "containers"),
        report::console::plural(machines, "virtual machine", "virtual machines")
    );
    Ok(exit_code::OK)
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

/// Interrupted beats failures beats errors.
fn exit_status(report: &RunReport) -> i32 {
    if report.interrupted {
        return exit_code::INTERRUPTED;
    }
    let has = |kind: Kind| {
        report
            .cases()
            .any(|case| case.verdict.outcome.kind(report.mode) == kind)
    };
    if has(Kind::Failure) {
        exit_code::FAILURES
    } else if has(Kind::Error) {
        exit_code::ERRORS
    } else {
        exit_code::OK
    }
}

fn list(args: ListArgs) -> Result<i32, CliError> {
    let suite = load::load(&args.suite.load_options())?;
    let text = match (args.coverage, args.format) {
        (false, ListFormat::Table) => crate::list::table(&suite),
        (false, ListFormat::Json) => crate::list::json(&suite),
        (false, ListFormat::Markdown) => crate::list::markdown_table(&suite),
        (true, ListFormat::Table) => crate::list::coverage_table(&suite),
        (true, ListFormat::Json) => crate::list::coverage_json(&suite),
        (true, ListFormat::Markdown) => crate::list::coverage_markdown(&suite),
    };
    crate::outln!("{}", text.trim_end_matches('\n'));
    Ok(exit_code::OK)
}

fn lint(args: LintArgs) -> Result<i32, CliError> {
    let started_at = chrono::Local::now();
    let clock = std::time::Instant::now();
    let suite = load::load(&LoadOptions {
        suite: args.suite.clone(),
        runbooks: args.paths.clone(),
        ..LoadOptions::default()
    })?;
    if let Some(path) = &args.junit {
        check_writable(path)?;
    }
    let shellcheck = crate::lint::shellcheck::Shellcheck::find();
    let results = crate::lint::lint_suite(&suite, shellcheck.as_ref());
    report::lint::console(&results, shellcheck.is_some());
    if let Some(path) = &args.junit {
        let dialect = if args.junit_strict {
            Dialect::Strict
        } else {
            Dialect::Full
        };
        let xml = report::lint::junit(
            &results,
            &RunMeta::of(&suite),
            dialect,
            started_at,
            clock.elapsed(),
        );
        write_report(path, &xml)?;
    }
    let failed = results
        .iter()
        .any(|result| result.failures().next().is_some());
    Ok(if failed {
        exit_code::FAILURES
    } else {
        exit_code::OK
    })
}

fn bundle(args: BundleArgs) -> Result<i32, CliError> {
    let runbooks = load::load_path(&load::Place::Disk(args.dir.clone()))?;
    if runbooks.is_empty() {
        return Err(CliError::Usage(format!(
            "`{}` holds no runbooks",
            args.dir.display()
        )));
    }
    check_writable(&args.output)?;
    let json = crate::bundle::Bundle::of(&runbooks).to_json();
    write_report(&args.output, json.as_bytes())?;
    eprintln!(
        "wrote {} to `{}`",
        report::console::plural(runbooks.len(), "runbook", "runbooks"),
        args.output.display()
    );
    Ok(exit_code::OK)
}
