//! `comply lint` output: a console line per runbook and the lint JUnit
//! report (`classname="lint.{family}"`, failures as
//! `<failure type="{check}">`, warnings in `<system-out>`).

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus};

use super::RunMeta;
use super::junit::{self, Dialect};
use crate::lint::RunbookLint;
use crate::outcome::Mode;

/// The target name lint reports use: it makes the classname `lint.{family}`.
const LINT_TARGET: &str = "lint";

pub fn console(results: &[RunbookLint], shellcheck_found: bool) {
    if !shellcheck_found {
        anstream::eprintln!(
            "note: shellcheck is not installed (Debian package `shellcheck`), so its checks were skipped"
        );
    }
    for result in results {
        let failed = result.failures().next().is_some();
        let warned = result.warnings().next().is_some();
        let (label, color) = match (failed, warned) {
            (true, _) => ("FAIL", AnsiColor::Red),
            (false, true) => ("WARN", AnsiColor::Yellow),
            (false, false) => ("PASS", AnsiColor::Green),
        };
        let style = Style::new().fg_color(Some(color.into())).bold();
        let runbook = &result.runbook;
        crate::outln!(
            "{style}{label:>10}{style:#} {} {} {}",
            runbook.id,
            runbook.primary_citation().id,
            runbook.title
        );
        for finding in &result.findings {
            crate::outln!("{:>12} {finding}", "└─");
        }
    }
    let failed = results
        .iter()
        .filter(|r| r.failures().next().is_some())
        .count();
    let warnings: usize = results.iter().map(|r| r.warnings().count()).sum();
    crate::outln!(
        "{:>10} {}: {} passed, {} failed; {}",
        "SUMMARY",
        super::console::plural(results.len(), "runbook", "runbooks"),
        results.len() - failed,
        failed,
        super::console::plural(warnings, "warning", "warnings")
    );
}

pub fn junit(
    results: &[RunbookLint],
    meta: &RunMeta,
    dialect: Dialect,
    started_at: chrono::DateTime<chrono::Local>,
    duration: std::time::Duration,
) -> Vec<u8> {
    let mut suite = junit::test_suite(
        meta,
        env!("CARGO_PKG_VERSION"),
        Mode::Lint,
        LINT_TARGET,
        &crate::target::local::hostname(),
        "",
    );
    suite.set_timestamp(started_at);
    suite.set_time(duration);
    for result in results {
        let runbook = &result.runbook;
        let failures: Vec<_> = result.failures().collect();
        let status = match failures.first() {
            None => TestCaseStatus::success(),
            Some(first) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_type(first.check.as_str())
                    .set_message(format!("{}: {}", first.check, first.message))
                    .set_description(
                        failures
                            .iter()
                            .map(|f| f.to_string())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                status
            }
        };
        let mut case = TestCase::new(super::case_name(runbook, None), status);
        case.set_classname(super::classname(LINT_TARGET, runbook.family().as_str()));
        let mut out = String::new();
        for finding in &result.findings {
            let _ = writeln!(out, "{finding}");
        }
        if !out.is_empty() {
            case.set_system_out(out);
        }
        if dialect == Dialect::Full {
            let outcome = failures.first().map_or("pass", |f| f.check.as_str());
            case.add_properties(
                [
                    ("comply.runbook", runbook.id.to_string()),
                    ("comply.hipaa", runbook.citations()),
                    ("comply.tier", runbook.tier.to_string()),
                    ("comply.outcome", outcome.to_owned()),
                ]
                .into_iter()
                .map(|(name, value)| Property::new(name, value)),
            );
        }
        suite.add_test_case(case);
    }
    let mut report = Report::new("comply");
    report.add_test_suite(suite);
    junit::finish(report, started_at, duration, dialect)
}
