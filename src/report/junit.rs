//! JUnit XML (docs/reports.md), written with quick-junit.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunMeta;
use super::transcript;
use crate::model::Runbook;
use crate::outcome::{Mode, Status};
use crate::results::{CaseResult, RunReport};
use crate::text::xml_safe;

/// The default output is a superset that GitLab, Jenkins, GitHub reporters
/// and Azure DevOps read; `--junit-strict` leaves out what the Jenkins xunit
/// `junit-10.xsd` rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Full,
    Strict,
}

pub fn render(run: &RunReport, meta: &RunMeta, dialect: Dialect) -> Vec<u8> {
    let mut report = Report::new("comply");
    for target in &run.targets {
        let mut suite = test_suite(
            meta,
            run.mode,
            &target.target,
            &target.hostname,
            &target.platform,
        );
        suite.set_timestamp(target.started_at);
        suite.set_time(target.duration);
        for case in &target.cases {
            suite.add_test_case(test_case(run, case, dialect));
        }
        report.add_test_suite(suite);
    }
    finish(report, run.started_at, run.duration, dialect)
}

/// Serializes a report in the dialect asked for.
pub fn finish(
    mut report: Report,
    started_at: chrono::DateTime<chrono::Local>,
    duration: std::time::Duration,
    dialect: Dialect,
) -> Vec<u8> {
    if dialect == Dialect::Full {
        report.set_timestamp(started_at);
    }
    report.set_time(duration);
    let xml = report
        .to_string()
        .expect("serializing to a string cannot fail");
    match dialect {
        Dialect::Full => xml.into_bytes(),
        Dialect::Strict => without_testsuites_skipped(&xml).into_bytes(),
    }
}

/// quick-junit always writes `skipped` on `<testsuites>`, an attribute
/// junit-10.xsd does not allow there (it does on `<testsuite>`).
fn without_testsuites_skipped(xml: &str) -> String {
    let start = xml
        .find("<testsuites")
        .expect("a report has a <testsuites> element");
    let end = start + xml[start..].find('>').expect("the start tag closes");
    let tag = &xml[start..end];
    let cleaned: Vec<&str> = tag
        .split(' ')
        .filter(|attribute| !attribute.starts_with("skipped="))
        .collect();
    format!("{}{}{}", &xml[..start], cleaned.join(" "), &xml[end..])
}

/// A `<testsuite>` named `{suite} @ {target}` with the properties of docs/reports.md.
pub fn test_suite(
    meta: &RunMeta,
    mode: Mode,
    target: &str,
    hostname: &str,
    platform: &str,
) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} @ {target}", meta.suite));
    suite.extra.insert("hostname".into(), hostname.into());
    let properties = [
        ("comply.version", env!("CARGO_PKG_VERSION")),
        ("comply.target", target),
        ("comply.platform", platform),
        ("comply.mode", mode.as_str()),
        ("comply.suite", &meta.suite_source),
        ("comply.runbooks.sha256", &meta.runbooks_sha256),
    ];
    suite.add_properties(
        properties
            .into_iter()
            .map(|(name, value)| Property::new(name, value)),
    );
    suite.add_properties(
        meta.inputs
            .iter()
            .map(|(name, value)| Property::new(format!("input.{name}"), value)),
    );
    suite
}

/// `{target}.{family}` with the target's dots replaced, so CI tools that
/// split class names on dots do not take a host name apart.
pub fn classname(target: &str, runbook: &Runbook) -> String {
    format!("{}.{}", target.replace('.', "-"), runbook.family())
}

/// `{citation} {id}: {title}`, and in the gate the scenario, which keeps
/// (classname, name) unique across a runbook's scenarios.
pub fn case_name(runbook: &Runbook, scenario: Option<&str>) -> String {
    let name = format!(
        "{} {}: {}",
        runbook.primary_citation().id,
        runbook.id,
        runbook.title
    );
    match scenario {
        Some(scenario) => format!("{name} [{scenario}]"),
        None => name,
    }
}

fn test_case(run: &RunReport, case: &CaseResult, dialect: Dialect) -> TestCase {
    let outcome = case.verdict.outcome;
    let message = xml_safe(case.verdict.message().as_bytes());
    let mut status = match outcome.status(run.mode) {
        Status::Pass => TestCaseStatus::success(),
        Status::Failure => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Status::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
        Status::Skipped => TestCaseStatus::skipped(),
    };
    if outcome.status(run.mode) != Status::Pass {
        status.set_type(outcome.as_str()).set_message(message);
    }
    let mut test_case = TestCase::new(
        case_name(
            &case.runbook,
            case.gate.as_ref().map(|g| g.scenario.as_str()),
        ),
        status,
    );
    test_case.set_classname(classname(&case.target, &case.runbook));
    test_case.set_time(case.duration);
    test_case.set_system_out(transcript::render(case));
    if dialect == Dialect::Full {
        test_case.add_properties(
            properties(case)
                .into_iter()
                .map(|(name, value)| Property::new(name, value)),
        );
    }
    test_case
}

/// The test case properties of docs/reports.md.
pub fn properties(case: &CaseResult) -> Vec<(&'static str, String)> {
    let runbook = &case.runbook;
    let mut properties = vec![
        ("comply.runbook", runbook.id.to_string()),
        ("comply.hipaa", runbook.citations()),
        ("comply.tier", runbook.tier.to_string()),
        ("comply.outcome", case.verdict.outcome.to_string()),
        (
            "comply.probe.sha256",
            case.script_sha256(Some(&runbook.probe)),
        ),
        (
            "comply.remediate.sha256",
            case.script_sha256(runbook.remediate.as_ref()),
        ),
    ];
    if let Some(gate) = &case.gate {
        properties.push(("comply.fixture", gate.fixture.clone()));
        properties.push(("comply.scenario", gate.scenario.clone()));
    }
    if let Some(note) = &case.waiver {
        let state = if note.expired { "expired" } else { "applied" };
        properties.push((
            "comply.waiver",
            format!("{state} {}: {}", note.waiver.expires, note.waiver.reason),
        ));
    }
    properties
}

#[cfg(test)]
mod tests {
    use super::without_testsuites_skipped;

    #[test]
    fn strict_output_drops_skipped_from_testsuites_only() {
        let xml = "<?xml version=\"1.0\"?>\n<testsuites name=\"comply\" tests=\"1\" skipped=\"0\" failures=\"0\" errors=\"0\">\n<testsuite name=\"x\" skipped=\"0\">";
        assert_eq!(
            without_testsuites_skipped(xml),
            "<?xml version=\"1.0\"?>\n<testsuites name=\"comply\" tests=\"1\" failures=\"0\" errors=\"0\">\n<testsuite name=\"x\" skipped=\"0\">"
        );
    }
}
