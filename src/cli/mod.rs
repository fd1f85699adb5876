//! The command line (README: Commands and exit codes): the only module that knows clap. It turns
//! arguments into options, calls the library, and maps results to exit codes.

mod args;
mod audit;
mod fixtures;
mod manuals;
mod run;
mod suite;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use self::args::{
    BundleArgs, DiffArgs, FixturesBuildArgs, FixturesPruneArgs, GateArgs, LintArgs, ListArgs,
    MergeArgs, RunArgs,
};
use crate::exit_code;
use crate::load::InputError;

#[derive(Parser)]
#[command(
    name = "comply",
    version,
    about = "Compliance test harness: probe, remediate and re-probe HIPAA controls, and prove that runbooks heal",
    after_help = "Exit codes: 0 all passed or skipped · 1 failures · 2 invalid input (nothing ran) · 3 errors but no failures · 130 interrupted"
)]
pub(super) struct Cli {
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
    /// Join the JSON reports of a run's shards (--partition) into one set of reports.
    Merge(MergeArgs),
    /// What changed between two JSON reports: regressions, improvements, new and removed cases.
    Diff(DiffArgs),
    /// Write the self-contained HTML report of a JSON report.
    Report(audit::ReportArgs),
    /// Make a minisign key pair for signing evidence (--sign).
    Keygen(audit::KeygenArgs),
    /// Check a signed evidence directory: signature, every hash, no file added or removed.
    Verify(audit::VerifyArgs),
    /// Print a shell completion script.
    Completions(manuals::CompletionsArgs),
    /// Write the man pages.
    Man(manuals::ManArgs),
    /// Build the fixture images the gate uses, or remove what a killed gate left behind.
    #[command(subcommand)]
    Fixtures(FixturesCommand),
    /// Run steps sent on standard input (what comply starts inside docker and ssh targets).
    #[command(hide = true)]
    Agent,
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

/// A failure before or after the run proper.
#[derive(Debug, thiserror::Error)]
pub(super) enum CliError {
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

fn print_error(error: &CliError) {
    let red = anstyle::Style::new()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
        .bold();
    anstream::eprintln!("{red}error{red:#}: {error}");
}

fn print_warning(message: &str) {
    let yellow = anstyle::Style::new()
        .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
        .bold();
    anstream::eprintln!("{yellow}warning{yellow:#}: {message}");
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
        Command::Run(args) => run::run_command(args),
        Command::Lint(args) => suite::lint(args),
        Command::List(args) => suite::list(args),
        Command::Gate(args) => run::gate(args),
        Command::Bundle(args) => suite::bundle(args),
        Command::Merge(args) => run::merge(args),
        Command::Diff(args) => run::diff(args),
        Command::Report(args) => audit::report(args),
        Command::Keygen(args) => audit::keygen(args),
        Command::Verify(args) => audit::verify(args),
        Command::Completions(args) => manuals::completions(args),
        Command::Man(args) => manuals::man(args),
        Command::Fixtures(FixturesCommand::Build(args)) => fixtures::fixtures_build(args),
        Command::Fixtures(FixturesCommand::List(args)) => fixtures::fixtures_list(args),
        Command::Fixtures(FixturesCommand::Prune(args)) => fixtures::fixtures_prune(args),
        Command::Agent => crate::target::agent::serve::serve()
            .map(|()| exit_code::OK)
            .map_err(|error| CliError::Environment(format!("comply agent: {error}"))),
    };
    let code = result.unwrap_or_else(|error| {
        print_error(&error);
        error.exit_code()
    });
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
