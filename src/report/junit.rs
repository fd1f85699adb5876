//! JUnit XML (SPEC §4), written with quick-junit.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunMeta;
use super::transcript;
use crate::outcome::Kind;
use crate::runner::{CaseResult, RunReport, TargetReport};
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
    if dialect == Dialect::Full {
        report.set_timestamp(run.started_at);
    }
    report.set_time(run.duration);
    for target in &run.targets {
        report.add_test_suite(test_suite(run, target, meta, dialect));
    }
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

fn test_suite(
    run: &RunReport,
    target: &TargetReport,
    meta: &RunMeta,
    dialect: Dialect,
) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} @ {}", meta.suite, target.target));
    suite.set_timestamp(target.started_at);
    suite.set_time(target.duration);
    suite
        .extra
        .insert("hostname".into(), target.hostname.clone().into());
    let properties = [
        ("comply.version", env!("CARGO_PKG_VERSION").to_owned()),
        ("comply.target", target.target.clone()),
        ("comply.platform", target.platform.clone()),
        ("comply.mode", run.mode.as_str().to_owned()),
        ("comply.suite", meta.suite_source.clone()),
        ("comply.runbooks.sha256", meta.runbooks_sha256.clone()),
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
    for case in &target.cases {
        suite.add_test_case(test_case(run, case, dialect));
    }
    suite
}

/// `{target}.{family}` with the target's dots replaced, so CI tools that
/// split class names on dots do not take a host name apart.
pub fn classname(target: &str, case: &CaseResult) -> String {
    format!("{}.{}", target.replace('.', "-"), case.runbook.family())
}

/// `{citation} {id}: {title}`, and in the gate the scenario, which keeps
/// (classname, name) unique across a runbook's scenarios.
pub fn case_name(case: &CaseResult) -> String {
    let runbook = &case.runbook;
    let name = format!(
        "{} {}: {}",
        runbook.primary_citation().id,
        runbook.id,
        runbook.title
    );
    match &case.gate {
        Some(gate) => format!("{name} [{}]", gate.scenario),
        None => name,
    }
}

fn test_case(run: &RunReport, case: &CaseResult, dialect: Dialect) -> TestCase {
    let outcome = case.verdict.outcome;
    let message = xml_safe(case.verdict.message().as_bytes());
    let mut status = match outcome.kind(run.mode) {
        Kind::Pass => TestCaseStatus::success(),
        Kind::Failure => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Kind::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
        Kind::Skipped => TestCaseStatus::skipped(),
    };
    if outcome.kind(run.mode) != Kind::Pass {
        status.set_type(outcome.as_str()).set_message(message);
    }
    let mut test_case = TestCase::new(case_name(case), status);
    test_case.set_classname(classname(&case.target, case));
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

/// The test case properties of SPEC §4.
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
