//! The arguments of every subcommand, as clap derives them, and what they
//! turn into (a loaded suite, step limits, an engine, report paths).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::engine::Engine;
use crate::gate::fixture;
use crate::load::{self, LoadOptions};
use crate::partition::Partition;
use crate::report::{self, evidence::EvidenceDir, signing::SigningKey};
use crate::step::StepLimits;

/// The most steps run at once: each is a thread and a process or two.
const MAX_JOBS: u64 = 256;

pub(super) fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[derive(Args, Debug, Clone)]
pub(super) struct EngineArgs {
    /// Container engine: `docker` or `podman` (default: $COMPLY_CONTAINER_ENGINE, else docker).
    #[arg(long, value_name = "ENGINE")]
    pub(super) engine: Option<String>,
}

impl EngineArgs {
    pub(super) fn engine(&self) -> Engine {
        Engine::new(self.engine.as_deref())
    }
}

#[derive(Args, Debug)]
pub(super) struct FixturesBuildArgs {
    /// Fixture names (default: all).
    #[arg(value_name = "NAME")]
    pub(super) names: Vec<String>,
    /// A directory of your own fixtures, besides the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub(super) fixtures: Option<PathBuf>,
    #[command(flatten)]
    pub(super) engine: EngineArgs,
}

impl FixturesBuildArgs {
    /// The named fixtures, or all of them (opt-in ones too).
    pub(super) fn selected(&self) -> Result<Vec<fixture::Fixture>, CliError> {
        let all = fixture::all(self.fixtures.as_deref())?;
        if self.names.is_empty() {
            return Ok(all.into_values().collect());
        }
        Ok(fixture::select(all, &self.names)?)
    }
}

#[derive(Args, Debug)]
pub(super) struct FixturesPruneArgs {
    /// A directory of your own fixtures, whose VM images are kept too.
    #[arg(long, value_name = "DIR")]
    pub(super) fixtures: Option<PathBuf>,
    #[command(flatten)]
    pub(super) engine: EngineArgs,
}

#[derive(Args, Debug)]
pub(super) struct GateArgs {
    #[command(flatten)]
    pub(super) suite: SuiteArgs,
    /// Only these fixtures (default: every fixture); repeatable.
    #[arg(long = "fixture", value_name = "NAME")]
    pub(super) fixture_names: Vec<String>,
    /// A directory of your own fixtures, besides the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub(super) fixtures: Option<PathBuf>,
    #[command(flatten)]
    pub(super) exec: ExecArgs,
}

/// How steps run and where reports go: the flags `run` and `gate` share.
#[derive(Args, Debug)]
pub(super) struct ExecArgs {
    /// Cases run at once (default: the number of CPUs for `run`; twice that
    /// for `gate`, whose cases mostly wait on the engine).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    pub(super) jobs: Option<u64>,
    /// Cap every step's timeout at this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=crate::model::MAX_TIMEOUT_S))]
    pub(super) timeout: Option<u64>,
    /// Bytes of stdout and of stderr kept per step (at most 256 MiB); the
    /// rest is counted.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024,
          value_parser = clap::value_parser!(u64).range(0..=MAX_OUTPUT_LIMIT))]
    pub(super) output_limit: u64,
    /// Run only this shard of the cases (hash:K/N or count:K/N), for CI
    /// matrices; `comply merge` joins the shards' JSON reports.
    #[arg(long, value_name = "STRATEGY:K/N")]
    pub(super) partition: Option<Partition>,
    /// A JSON report of an earlier run to compare this one with.
    #[arg(long, value_name = "REPORT.json")]
    pub(super) baseline: Option<PathBuf>,
    /// What fails the run: every failure (`all`), or only those that are
    /// new against --baseline: regressions and new failing cases (`new`).
    #[arg(
        long,
        value_enum,
        default_value = "all",
        requires_if("new", "baseline")
    )]
    pub(super) fail_on: FailOn,
    /// Run every step of a docker or ssh target as its own `docker exec`
    /// or ssh session, without the comply agent on the far side.
    #[arg(long)]
    pub(super) no_agent: bool,
    #[command(flatten)]
    pub(super) engine: EngineArgs,
    #[command(flatten)]
    pub(super) report: ReportArgs,
}

/// The most `--output-limit` takes: two streams at it stay well inside
/// an agent's frame.
const MAX_OUTPUT_LIMIT: u64 = 256 * 1024 * 1024;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FailOn {
    All,
    New,
}

/// `--baseline` as read before the run, and what fails the run.
pub(super) struct Baseline {
    pub(super) document: crate::report::json::Document,
    pub(super) fail_on: FailOn,
}

impl ExecArgs {
    /// Reads `--baseline` before anything runs: a report that cannot be
    /// read is invalid input, not a surprise after a long run.
    pub(super) fn baseline(&self) -> Result<Option<Baseline>, CliError> {
        let Some(path) = &self.baseline else {
            return Ok(None);
        };
        Ok(Some(Baseline {
            document: report::json::read(path)?,
            fail_on: self.fail_on,
        }))
    }

    pub(super) fn jobs(&self, default: usize) -> usize {
        self.jobs.map_or(default, |n| n as usize)
    }

    pub(super) fn limits(&self) -> StepLimits {
        StepLimits {
            timeout_cap: self.timeout.map(Duration::from_secs),
            output_limit: self.output_limit as usize,
        }
    }
}

/// Where the runbooks come from.
#[derive(Args, Debug, Clone)]
pub(super) struct SuiteArgs {
    /// Suite TOML file (default: the embedded HIPAA Linux suite).
    #[arg(long, value_name = "FILE")]
    pub(super) suite: Option<PathBuf>,
    /// Runbook bundle (.json) or directory; repeatable; added to the suite.
    #[arg(long = "runbooks", value_name = "PATH")]
    pub(super) runbooks: Vec<PathBuf>,
    /// Only runbooks whose id matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub(super) only: Vec<String>,
    /// Override a suite input, e.g. `--input log_retention_days=30`; repeatable.
    #[arg(long = "input", value_name = "NAME=VALUE")]
    pub(super) inputs: Vec<String>,
}

impl SuiteArgs {
    /// Loads the suite for a run or gate, which must select some runbook: a
    /// typo in `--only` must not pass as a green, empty report.
    /// Loads the suite and shows what the loader warns about.
    pub(super) fn load(&self) -> Result<crate::model::Suite, CliError> {
        let suite = load::load(&self.load_options())?;
        for warning in &suite.warnings {
            super::print_warning(warning);
        }
        Ok(suite)
    }

    pub(super) fn load_some(&self) -> Result<crate::model::Suite, CliError> {
        let suite = self.load()?;
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

    pub(super) fn load_options(&self) -> LoadOptions {
        LoadOptions {
            suite: self.suite.clone(),
            runbooks: self.runbooks.clone(),
            inputs: self.inputs.clone(),
            only: self.only.clone(),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub(super) struct ReportArgs {
    #[command(flatten)]
    pub(super) files: ReportFiles,
    /// Write every step's script, output and exit here, with MANIFEST.sha256.
    #[arg(long, value_name = "DIR")]
    pub(super) evidence: Option<PathBuf>,
    /// Put this run's junit.xml, report.json and evidence/ in a new
    /// directory DIR/<UTC time>-<pid>/.
    #[arg(long, value_name = "DIR")]
    pub(super) report_dir: Option<PathBuf>,
    /// With --report-dir: keep only the newest N run directories.
    #[arg(long, value_name = "N", requires = "report_dir", value_parser = clap::value_parser!(u64).range(1..))]
    pub(super) keep_runs: Option<u64>,
    /// Sign the evidence manifest with this minisign secret key
    /// (MANIFEST.sha256.minisig); needs --evidence or --report-dir.
    #[arg(long, value_name = "KEY")]
    pub(super) sign: Option<PathBuf>,
}

/// The report files a run or `comply merge` writes.
#[derive(Args, Debug, Clone)]
pub(super) struct ReportFiles {
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub(super) junit: Option<PathBuf>,
    /// Make the JUnit report validate against Jenkins' junit-10.xsd.
    #[arg(long)]
    pub(super) junit_strict: bool,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    pub(super) json: Option<PathBuf>,
    /// Write Prometheus metrics here (node_exporter textfile format).
    #[arg(long, value_name = "FILE")]
    pub(super) prom: Option<PathBuf>,
    /// Write a self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    pub(super) html: Option<PathBuf>,
}

/// Where a run's reports go, checked and opened before it starts.
pub(super) struct Destinations {
    pub(super) files: ReportFiles,
    pub(super) evidence: Option<EvidenceDir>,
    /// The key that signs the evidence manifest.
    pub(super) signing_key: Option<SigningKey>,
    /// This run's directory under `--report-dir` (removed again if the run
    /// never gets to write its reports), and `--keep-runs`.
    pub(super) run_dir: Option<(report::run_dir::RunDir, Option<usize>)>,
}

impl ReportFiles {
    /// Every file named, by flag.
    fn named(&self) -> Vec<(&'static str, &PathBuf)> {
        [
            ("--junit", &self.junit),
            ("--json", &self.json),
            ("--prom", &self.prom),
            ("--html", &self.html),
        ]
        .into_iter()
        .filter_map(|(flag, path)| Some((flag, path.as_ref()?)))
        .collect()
    }

    /// Checks the files can be written and are all different places, before
    /// anything runs.
    pub(super) fn check(&self, others: &[(&'static str, &PathBuf)]) -> Result<(), CliError> {
        if self.junit_strict && self.junit.is_none() {
            return Err(CliError::Usage(
                "--junit-strict needs --junit (or --report-dir)".to_owned(),
            ));
        }
        let files = self.named();
        for (_, path) in &files {
            report::check_destination(path).map_err(CliError::Usage)?;
        }
        // Outputs first: no two may name one place, nor may an output name
        // one of `others` (which may name each other: merging one report
        // twice is refused later, as an overlap).
        let named: Vec<(&str, PathBuf)> = files
            .iter()
            .chain(others)
            .map(|(flag, path)| (*flag, report::identity(path)))
            .collect();
        for (index, (flag, path)) in named.iter().enumerate() {
            let earlier = &named[..index.min(files.len())];
            if let Some((other, _)) = earlier.iter().find(|(_, p)| p == path) {
                return Err(CliError::Usage(format!(
                    "{other} and {flag} both name `{}`: give each report its own place",
                    path.display()
                )));
            }
        }
        Ok(())
    }
}

impl ReportArgs {
    /// Report destinations are checked before anything runs: a typo in a
    /// directory name must not cost a whole run, and a `--remediate` run
    /// must not change a host and then lose its report. The evidence
    /// directory (and a `--report-dir` run directory) is made here and
    /// written through at the end.
    pub(super) fn prepare(&self) -> Result<Destinations, CliError> {
        if self.sign.is_some() && self.evidence.is_none() && self.report_dir.is_none() {
            return Err(CliError::Usage(
                "--sign signs the evidence manifest: give --evidence DIR or --report-dir DIR"
                    .to_owned(),
            ));
        }
        let signing_key = self
            .sign
            .as_deref()
            .map(SigningKey::read)
            .transpose()
            .map_err(CliError::Usage)?;
        let mut files = self.files.clone();
        let mut evidence = self.evidence.clone();
        let mut run_dir = None;
        if let Some(parent) = &self.report_dir {
            let run = report::run_dir::RunDir::create(parent).map_err(|error| {
                CliError::Usage(format!(
                    "cannot make a run directory in `{}`: {error}",
                    parent.display()
                ))
            })?;
            files
                .junit
                .get_or_insert_with(|| run.path().join("junit.xml"));
            files
                .json
                .get_or_insert_with(|| run.path().join("report.json"));
            evidence.get_or_insert_with(|| run.path().join("evidence"));
            run_dir = Some((run, self.keep_runs.map(|n| n as usize)));
        }
        let others: Vec<(&'static str, &PathBuf)> =
            evidence.iter().map(|dir| ("--evidence", dir)).collect();
        files.check(&others)?;
        // A report inside the evidence directory would be a file the
        // manifest does not list (or collide with its own report.json).
        // Checked before the directory is made: a refused run changes nothing.
        if let Some(dir) = &evidence {
            let root = report::identity(dir);
            if let Some((flag, path)) = files
                .named()
                .into_iter()
                .find(|(_, path)| report::identity(path).starts_with(&root))
            {
                return Err(CliError::Usage(format!(
                    "{flag} `{}` is inside the evidence directory `{}`: put reports next to it",
                    path.display(),
                    dir.display()
                )));
            }
        }
        let evidence = evidence
            .as_deref()
            .map(EvidenceDir::open)
            .transpose()
            .map_err(CliError::Usage)?;
        Ok(Destinations {
            files,
            evidence,
            signing_key,
            run_dir,
        })
    }
}

#[derive(Args, Debug)]
pub(super) struct RunArgs {
    #[command(flatten)]
    pub(super) suite: SuiteArgs,
    /// Where to run: `local` (default), `docker:CONTAINER` or
    /// `ssh:[USER@]HOST[:PORT]`; repeatable.
    #[arg(long = "target", value_name = "TARGET")]
    pub(super) targets: Vec<String>,
    /// A file of targets, one per line (`#` comments; a bare host means
    /// `ssh:HOST`), or the JSON of `ansible-inventory --list`.
    #[arg(long, value_name = "FILE")]
    pub(super) inventory: Option<PathBuf>,
    /// An Ansible inventory in any format Ansible reads (INI, YAML …),
    /// listed through `ansible-inventory -i FILE --list`.
    #[arg(long, short = 'i', value_name = "FILE")]
    pub(super) ansible_inventory: Option<PathBuf>,
    /// With an Ansible inventory: only these hosts or groups, as Ansible's
    /// --limit spells them (`web:db`, `web:&prod`, `all:!web3`).
    #[arg(long, value_name = "PATTERN")]
    pub(super) limit: Option<String>,
    /// Seconds to wait for an ssh connection before the target is an error.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(super) connect_timeout: u64,
    /// An extra ssh option (`-o`), e.g. `--ssh-option IdentityFile=~/.ssh/fleet`; repeatable.
    #[arg(long = "ssh-option", value_name = "OPTION")]
    pub(super) ssh_options: Vec<String>,
    /// Heal: run the remediation of a failing L1 runbook, then verify.
    #[arg(long)]
    pub(super) remediate: bool,
    /// Also remediate L2 runbooks.
    #[arg(long, value_enum, value_name = "TIER", requires = "remediate")]
    pub(super) allow_tier: Option<AllowTier>,
    /// With --remediate: probe for real, then show what would be
    /// remediated (tier, script and its SHA-256, files and units it
    /// changes) and remediate nothing. Exit 0 when nothing would change.
    #[arg(long, requires = "remediate", conflicts_with_all = ["baseline", "partition", "report_dir"])]
    pub(super) plan: bool,
    #[command(flatten)]
    pub(super) exec: ExecArgs,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(super) enum AllowTier {
    #[value(name = "L2")]
    L2,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OutputFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Args, Debug)]
pub(super) struct ListArgs {
    #[command(flatten)]
    pub(super) suite: SuiteArgs,
    /// List every 45 CFR 164 Subpart C citation and the runbooks that check it.
    #[arg(long, conflicts_with = "waivers")]
    pub(super) coverage: bool,
    /// List the suite's waivers: owner, approver, reason and days left.
    #[arg(long)]
    pub(super) waivers: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub(super) format: OutputFormat,
}

#[derive(Args, Debug)]
pub(super) struct LintArgs {
    /// Suite TOML file (default: the embedded HIPAA Linux suite).
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub(super) suite: Option<PathBuf>,
    /// Runbook bundles or directories to lint instead of a suite.
    #[arg(value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub(super) junit: Option<PathBuf>,
    /// Make the JUnit report validate against Jenkins' junit-10.xsd.
    #[arg(long, requires = "junit")]
    pub(super) junit_strict: bool,
}

#[derive(Args, Debug)]
pub(super) struct BundleArgs {
    /// A runbook directory, or a directory of them.
    pub(super) dir: PathBuf,
    /// The bundle file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(super) output: PathBuf,
}

#[derive(Args, Debug)]
pub(super) struct MergeArgs {
    /// JSON reports of the shards of one run (`--partition`).
    #[arg(required = true, value_name = "REPORT.json")]
    pub(super) reports: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) files: ReportFiles,
}

#[derive(Args, Debug)]
pub(super) struct DiffArgs {
    /// The earlier report (JSON).
    #[arg(value_name = "OLD.json")]
    pub(super) old: PathBuf,
    /// The later report (JSON).
    #[arg(value_name = "NEW.json")]
    pub(super) new: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    pub(super) format: OutputFormat,
}
