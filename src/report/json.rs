//! The JSON report (`--json`): the same facts as the JUnit file, in a shape
//! scripts can read without an XML parser. Its schema, `comply.report/v1`,
//! is documented in the README.

use serde::Serialize;

use super::RunMeta;
use crate::outcome::{Mode, Outcome, Status};
use crate::results::{CaseResult, RunReport, StepRecord, Totals};
use crate::target::{Captured, Exit};

pub const SCHEMA: &str = "comply.report/v1";

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    comply_version: &'static str,
    mode: Mode,
    suite: &'a str,
    suite_source: &'a str,
    runbooks_sha256: &'a str,
    inputs: serde_json::Map<String, serde_json::Value>,
    started_at: String,
    duration_s: f64,
    interrupted: bool,
    totals: Totals,
    targets: Vec<JsonTarget<'a>>,
}

#[derive(Serialize)]
struct JsonTarget<'a> {
    target: &'a str,
    hostname: &'a str,
    platform: &'a str,
    started_at: String,
    duration_s: f64,
    totals: Totals,
    cases: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    runbook: &'a str,
    title: &'a str,
    hipaa: Vec<&'static str>,
    family: &'static str,
    tier: String,
    classname: String,
    name: String,
    outcome: Outcome,
    kind: Status,
    message: String,
    started_at: String,
    duration_s: f64,
    probe_sha256: String,
    remediate_sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixture: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<JsonWaiver<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [String],
    steps: Vec<JsonStep<'a>>,
}

#[derive(Serialize)]
struct JsonWaiver<'a> {
    reason: &'a str,
    expires: String,
    expired: bool,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    step: &'a str,
    variant: &'a str,
    script_sha256: &'a str,
    started_at: String,
    /// `{"code": 1}`, `{"signal": 9}`, `"timed-out"`, `"interrupted"`, or
    /// `{"target_error": "…"}` when the step could not run.
    exit: serde_json::Value,
    duration_s: f64,
    stdout: String,
    stdout_dropped_bytes: u64,
    stderr: String,
    stderr_dropped_bytes: u64,
    leaked: bool,
}

fn timestamp(time: &chrono::DateTime<chrono::Local>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

fn text(captured: &Captured) -> String {
    String::from_utf8_lossy(&captured.bytes).into_owned()
}

fn step(record: &StepRecord) -> JsonStep<'_> {
    let (exit, duration, stdout, stderr, leaked) = match &record.result {
        Ok(output) => {
            let exit = match output.exit {
                Exit::Code(code) => serde_json::json!({ "code": code }),
                Exit::Signal(signal) => serde_json::json!({ "signal": signal }),
                Exit::TimedOut => serde_json::json!("timed-out"),
                Exit::Cancelled => serde_json::json!("interrupted"),
            };
            (
                exit,
                output.duration.as_secs_f64(),
                output.stdout.clone(),
                output.stderr.clone(),
                output.leaked,
            )
        }
        Err(error) => (
            serde_json::json!({ "target_error": error.to_string() }),
            0.0,
            Captured::default(),
            Captured::default(),
            false,
        ),
    };
    JsonStep {
        step: &record.label,
        variant: &record.variant,
        script_sha256: record.script.sha256(),
        started_at: timestamp(&record.started_at),
        exit,
        duration_s: duration,
        stdout: text(&stdout),
        stdout_dropped_bytes: stdout.dropped,
        stderr: text(&stderr),
        stderr_dropped_bytes: stderr.dropped,
        leaked,
    }
}

fn case(mode: Mode, case: &CaseResult) -> JsonCase<'_> {
    let runbook = &case.runbook;
    JsonCase {
        runbook: runbook.id.as_str(),
        title: &runbook.title,
        hipaa: runbook.hipaa.iter().map(|c| c.0.id).collect(),
        family: runbook.family().as_str(),
        tier: runbook.tier.to_string(),
        classname: super::junit::classname(&case.target, runbook),
        name: super::junit::case_name(runbook, case.gate.as_ref().map(|g| g.scenario.as_str())),
        outcome: case.verdict.outcome,
        kind: case.verdict.outcome.status(mode),
        message: case.verdict.message(),
        started_at: timestamp(&case.started_at),
        duration_s: case.duration.as_secs_f64(),
        probe_sha256: case.script_sha256(Some(&runbook.probe)),
        remediate_sha256: case.script_sha256(runbook.remediate.as_ref()),
        fixture: case.gate.as_ref().map(|g| g.fixture.as_str()),
        scenario: case.gate.as_ref().map(|g| g.scenario.as_str()),
        waiver: case.waiver.as_ref().map(|note| JsonWaiver {
            reason: &note.waiver.reason,
            expires: note.waiver.expires.to_string(),
            expired: note.expired,
        }),
        notes: &case.notes,
        steps: case.steps.iter().map(step).collect(),
    }
}

pub fn render(run: &RunReport, meta: &RunMeta) -> Vec<u8> {
    let report = JsonReport {
        schema: SCHEMA,
        comply_version: env!("CARGO_PKG_VERSION"),
        mode: run.mode,
        suite: &meta.suite,
        suite_source: &meta.suite_source,
        runbooks_sha256: &meta.runbooks_sha256,
        inputs: meta
            .inputs
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
            .collect(),
        started_at: timestamp(&run.started_at),
        duration_s: run.duration.as_secs_f64(),
        interrupted: run.interrupted,
        totals: run.totals(),
        targets: run
            .targets
            .iter()
            .map(|target| JsonTarget {
                target: &target.target,
                hostname: &target.hostname,
                platform: &target.platform,
                started_at: timestamp(&target.started_at),
                duration_s: target.duration.as_secs_f64(),
                totals: Totals::of(run.mode, &target.cases),
                cases: target.cases.iter().map(|c| case(run.mode, c)).collect(),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&report).expect("reports always serialize");
    json.push(b'\n');
    json
}
