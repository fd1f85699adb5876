//! Commands that read a suite without running it: `list`, `lint`, `bundle`.

use super::CliError;
use super::args::{BundleArgs, LintArgs, ListArgs, OutputFormat};
use super::run::{check_writable, write_report};
use crate::exit_code;
use crate::load::{self, LoadOptions};
use crate::report::{self, RunMeta, junit::Dialect};

pub(super) fn list(args: ListArgs) -> Result<i32, CliError> {
    let suite = args.suite.load()?;
    let today = chrono::Local::now().date_naive();
    let text = match (args.coverage, args.waivers, args.format) {
        (true, _, OutputFormat::Table) => crate::list::coverage_table(&suite),
        (true, _, OutputFormat::Json) => crate::list::coverage_json(&suite),
        (true, _, OutputFormat::Markdown) => crate::list::coverage_markdown(&suite),
        (false, true, OutputFormat::Table) => crate::list::waivers_table(&suite, today),
        (false, true, OutputFormat::Json) => crate::list::waivers_json(&suite, today),
        (false, true, OutputFormat::Markdown) => crate::list::waivers_markdown(&suite, today),
        (false, false, OutputFormat::Table) => crate::list::table(&suite),
        (false, false, OutputFormat::Json) => crate::list::json(&suite),
        (false, false, OutputFormat::Markdown) => crate::list::markdown_table(&suite),
    };
    crate::outln!("{}", text.trim_end_matches('\n'));
    Ok(exit_code::OK)
}

pub(super) fn lint(args: LintArgs) -> Result<i32, CliError> {
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

pub(super) fn bundle(args: BundleArgs) -> Result<i32, CliError> {
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
