//! JUnit XML (docs/reports.md), written with quick-junit.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunMeta;
use super::json::{Case, Document};
use super::transcript;
use crate::outcome::{Mode, Status};
use crate::text::xml_safe;

/// The default output is a superset that GitLab, Jenkins, GitHub reporters
/// and Azure DevOps read; `--junit-strict` leaves out what the Jenkins xunit
/// `junit-10.xsd` rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Full,
    Strict,
}

pub fn render(document: &Document, dialect: Dialect) -> Vec<u8> {
    let mut report = Report::new("comply");
    for target in &document.targets {
        let mut suite = test_suite(
            &document.meta,
            &document.comply_version,
            document.mode,
            &target.target,
            &target.hostname,
            &target.platform,
        );
        suite.set_timestamp(target.started_at.time());
        suite.set_time(seconds(target.duration_s));
        for case in &target.cases {
            suite.add_test_case(test_case(case, dialect));
        }
        report.add_test_suite(suite);
    }
    finish(
        report,
        document.started_at.time(),
        seconds(document.duration_s),
        dialect,
    )
}

/// A duration from a report; a negative one (hand-edited) is zero.
fn seconds(duration_s: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(duration_s).unwrap_or_default()
}

/// Serializes a report in the dialect asked for.
pub fn finish(
    mut report: Report,
    started_at: impl Into<chrono::DateTime<chrono::FixedOffset>>,
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
    comply_version: &str,
    mode: Mode,
    target: &str,
    hostname: &str,
    platform: &str,
) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} @ {target}", meta.suite));
    suite.extra.insert("hostname".into(), hostname.into());
    let properties = [
        ("comply.version", comply_version),
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

fn test_case(case: &Case, dialect: Dialect) -> TestCase {
    let message = xml_safe(case.message.as_bytes());
    let mut status = match case.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Failure => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Status::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
        Status::Skipped => TestCaseStatus::skipped(),
    };
    if case.status != Status::Pass {
        status.set_type(case.outcome.as_str()).set_message(message);
    }
    let mut test_case = TestCase::new(case.name.as_str(), status);
    test_case.set_classname(case.classname.as_str());
    test_case.set_time(seconds(case.duration_s));
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
fn properties(case: &Case) -> Vec<(&'static str, String)> {
    let mut properties = vec![
        ("comply.runbook", case.runbook.clone()),
        ("comply.hipaa", case.hipaa.join(",")),
        ("comply.tier", case.tier.clone()),
        ("comply.outcome", case.outcome.to_string()),
        ("comply.probe.sha256", case.probe_sha256.clone()),
        ("comply.remediate.sha256", case.remediate_sha256.clone()),
    ];
    if let Some(fixture) = &case.fixture {
        properties.push(("comply.fixture", fixture.clone()));
    }
    if let Some(scenario) = &case.scenario {
        properties.push(("comply.scenario", scenario.clone()));
    }
    if let Some(waiver) = &case.waiver {
        let state = if waiver.expired { "expired" } else { "applied" };
        properties.push((
            "comply.waiver",
            format!("{state} {}: {}", waiver.expires, waiver.described()),
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
