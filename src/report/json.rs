//! The JSON report (`--json`, schema `comply.report/v1`, docs/reports.md):
//! the finished run as one owned [`Document`]. Every file report is
//! rendered from a document — JUnit, JSON, metrics — whether it was just
//! made from a run ([`Document::of`]) or read back from disk ([`read`]) to
//! be merged, so a merged report is made exactly like a single one.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::RunMeta;
use crate::load::{InputError, Place, from_json};
use crate::outcome::{Mode, Outcome, Status};
use crate::partition::{Partition, Shard};
use crate::results::{CaseResult, RunReport, StepRecord, Totals};
use crate::target::{Captured, Exit};

pub const SCHEMA: &str = "comply.report/v1";

/// A whole report. Field order is the file's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub schema: String,
    pub comply_version: String,
    pub mode: Mode,
    #[serde(flatten)]
    pub meta: RunMeta,
    pub started_at: Timestamp,
    pub duration_s: f64,
    pub interrupted: bool,
    /// A shard's place in the whole plan (`--partition`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    pub totals: Totals,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub target: String,
    pub hostname: String,
    pub platform: String,
    pub started_at: Timestamp,
    pub duration_s: f64,
    pub totals: Totals,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub runbook: String,
    pub title: String,
    pub hipaa: Vec<String>,
    pub family: String,
    pub tier: String,
    pub classname: String,
    pub name: String,
    pub outcome: Outcome,
    /// The JUnit status (`pass`, `failure` …); named `kind` in the file.
    #[serde(rename = "kind")]
    pub status: Status,
    pub message: String,
    pub started_at: Timestamp,
    pub duration_s: f64,
    pub probe_sha256: String,
    pub remediate_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub steps: Vec<Step>,
}

impl Case {
    /// What identifies a case across reports (and shards): its runbook,
    /// and in the gate its fixture and scenario. The target is the report
    /// target the case is listed under.
    pub fn key(&self) -> (&str, Option<&str>, Option<&str>) {
        (
            self.runbook.as_str(),
            self.fixture.as_deref(),
            self.scenario.as_deref(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    pub reason: String,
    pub expires: String,
    pub expired: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
}

impl Waiver {
    /// `reason (owner …, approved by …)`.
    pub fn described(&self) -> String {
        let who: Vec<String> = [
            self.owner.as_ref().map(|owner| format!("owner {owner}")),
            self.approved_by
                .as_ref()
                .map(|a| format!("approved by {a}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if who.is_empty() {
            self.reason.clone()
        } else {
            format!("{} ({})", self.reason, who.join(", "))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub step: String,
    pub variant: String,
    pub script_sha256: String,
    pub started_at: Timestamp,
    pub exit: StepExit,
    pub duration_s: f64,
    pub stdout: String,
    pub stdout_dropped_bytes: u64,
    pub stderr: String,
    pub stderr_dropped_bytes: u64,
    pub leaked: bool,
}

/// How a step ended: `{"code": 1}`, `{"signal": 9}`, `"timed-out"`,
/// `"interrupted"`, or `{"target_error": "…"}` when it could not run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StepExit {
    Code { code: i32 },
    Signal { signal: i32 },
    TargetError { target_error: String },
    Ended(Ended),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ended {
    TimedOut,
    Interrupted,
}

impl StepExit {
    /// The process's end, or the reason the step could not run.
    pub fn exit(&self) -> Result<Exit, &str> {
        match self {
            StepExit::Code { code } => Ok(Exit::Code(*code)),
            StepExit::Signal { signal } => Ok(Exit::Signal(*signal)),
            StepExit::Ended(Ended::TimedOut) => Ok(Exit::TimedOut),
            StepExit::Ended(Ended::Interrupted) => Ok(Exit::Cancelled),
            StepExit::TargetError { target_error } => Err(target_error),
        }
    }
}

/// A time in a report: RFC 3339 with milliseconds. One read back from a
/// file is checked to be one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    pub fn of(time: &chrono::DateTime<chrono::Local>) -> Timestamp {
        Timestamp(time.to_rfc3339_opts(chrono::SecondsFormat::Millis, false))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn time(&self) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339(&self.0).expect("checked when made or read")
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        chrono::DateTime::parse_from_rfc3339(&text).map_err(|error| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 time: {error}"))
        })?;
        Ok(Timestamp(text))
    }
}

fn text(captured: &Captured) -> String {
    String::from_utf8_lossy(&captured.bytes).into_owned()
}

impl Document {
    pub fn of(run: &RunReport, meta: &RunMeta) -> Document {
        Document {
            schema: SCHEMA.to_owned(),
            comply_version: env!("CARGO_PKG_VERSION").to_owned(),
            mode: run.mode,
            meta: meta.clone(),
            started_at: Timestamp::of(&run.started_at),
            duration_s: run.duration.as_secs_f64(),
            interrupted: run.interrupted,
            shard: run.shard.clone(),
            totals: run.totals(),
            targets: run
                .targets
                .iter()
                .map(|target| Target {
                    target: target.target.clone(),
                    hostname: target.hostname.clone(),
                    platform: target.platform.clone(),
                    started_at: Timestamp::of(&target.started_at),
                    duration_s: target.duration.as_secs_f64(),
                    totals: Totals::of(run.mode, &target.cases),
                    cases: target.cases.iter().map(|c| case(run.mode, c)).collect(),
                })
                .collect(),
        }
    }

    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.targets.iter().flat_map(|target| &target.cases)
    }

    /// Interrupted beats failures beats errors (README: exit codes).
    pub fn exit_code(&self) -> i32 {
        self.totals.exit_code(self.interrupted)
    }
}

fn case(mode: Mode, case: &CaseResult) -> Case {
    let runbook = &case.runbook;
    Case {
        runbook: runbook.id.to_string(),
        title: runbook.title.clone(),
        hipaa: runbook.hipaa.iter().map(|c| c.0.id.to_owned()).collect(),
        family: runbook.family().as_str().to_owned(),
        tier: runbook.tier.to_string(),
        classname: super::classname(&case.target, runbook.family().as_str()),
        name: super::case_name(runbook, case.gate.as_ref().map(|g| g.scenario.as_str())),
        outcome: case.verdict.outcome,
        status: case.verdict.outcome.status(mode),
        message: case.verdict.message(),
        started_at: Timestamp::of(&case.started_at),
        duration_s: case.duration.as_secs_f64(),
        probe_sha256: case.script_sha256(Some(&runbook.probe)),
        remediate_sha256: case.script_sha256(runbook.remediate.as_ref()),
        fixture: case.gate.as_ref().map(|g| g.fixture.clone()),
        scenario: case.gate.as_ref().map(|g| g.scenario.clone()),
        waiver: case.waiver.as_ref().map(|note| Waiver {
            reason: note.waiver.reason.clone(),
            expires: note.waiver.expires.to_string(),
            expired: note.expired,
            owner: note.waiver.owner.clone(),
            approved_by: note.waiver.approved_by.clone(),
        }),
        notes: case.notes.clone(),
        steps: case.steps.iter().map(step).collect(),
    }
}

fn step(record: &StepRecord) -> Step {
    let (exit, duration, stdout, stderr, leaked) = match &record.result {
        Ok(output) => {
            let exit = match output.exit {
                Exit::Code(code) => StepExit::Code { code },
                Exit::Signal(signal) => StepExit::Signal { signal },
                Exit::TimedOut => StepExit::Ended(Ended::TimedOut),
                Exit::Cancelled => StepExit::Ended(Ended::Interrupted),
            };
            (
                exit,
                output.duration.as_secs_f64(),
                &output.stdout,
                &output.stderr,
                output.leaked,
            )
        }
        Err(error) => (
            StepExit::TargetError {
                target_error: error.to_string(),
            },
            0.0,
            &Captured::EMPTY,
            &Captured::EMPTY,
            false,
        ),
    };
    Step {
        step: record.label.clone(),
        variant: record.variant.clone(),
        script_sha256: record.script.sha256().to_owned(),
        started_at: Timestamp::of(&record.started_at),
        exit,
        duration_s: duration,
        stdout: text(stdout),
        stdout_dropped_bytes: stdout.dropped,
        stderr: text(stderr),
        stderr_dropped_bytes: stderr.dropped,
        leaked,
    }
}

pub fn render(document: &Document) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(document).expect("reports always serialize");
    json.push(b'\n');
    json
}

/// The most a report file may hold: far more than a 10,000-case run with
/// full transcripts, far less than would exhaust memory.
const MAX_REPORT_BYTES: u64 = 1 << 30;

/// Reads a report file back, refusing anything but a whole
/// `comply.report/v1`: another schema, a truncated file or a missing field
/// is an [`InputError`] naming the file (and line, column and field).
pub fn read(path: &Path) -> Result<Document, InputError> {
    #[derive(Deserialize)]
    struct Schema {
        schema: Option<String>,
    }
    let place = Place::Disk(path.to_owned());
    let file = place.to_string();
    let text = place.read_to_string_up_to(MAX_REPORT_BYTES)?;
    let Schema { schema } = from_json(&file, &text)?;
    if schema.as_deref() != Some(SCHEMA) {
        return Err(InputError::new(
            file,
            format!(
                "a report of schema `{}`; expected `{SCHEMA}`",
                schema.as_deref().unwrap_or("(none)")
            ),
        )
        .field("schema"));
    }
    let document: Document = from_json(&file, &text)?;
    document.check_consistent(&file)?;
    Ok(document)
}

/// What a report's cases count to.
pub fn totals<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Totals {
    Totals::of_statuses(cases.into_iter().map(|case| case.status))
}

impl Document {
    /// What a report read back must agree with: its cases' JUnit status is
    /// the one their outcome has in the report's mode (a hand-edited
    /// `kind` must not turn a failure green), and a shard names a real
    /// partition.
    fn check_consistent(&self, file: &str) -> Result<(), InputError> {
        for (t, target) in self.targets.iter().enumerate() {
            for (c, case) in target.cases.iter().enumerate() {
                let status = case.outcome.status(self.mode);
                if case.status != status {
                    return Err(InputError::new(
                        file,
                        format!(
                            "`{}` is a `{}` outcome in {} mode, which is `{}`, not `{}`",
                            case.runbook,
                            case.outcome,
                            self.mode.as_str(),
                            status.as_str(),
                            case.status.as_str()
                        ),
                    )
                    .field(format!("targets[{t}].cases[{c}].kind")));
                }
            }
        }
        // Totals are what the exit status and the HTML verdict read: a
        // hand-edited `failures: 0` must not make failing cases green.
        for (t, target) in self.targets.iter().enumerate() {
            let counted = totals(&target.cases);
            if target.totals != counted {
                return Err(InputError::new(
                    file,
                    format!(
                        "the totals of `{}` do not count its cases ({:?} counted)",
                        target.target, counted
                    ),
                )
                .field(format!("targets[{t}].totals")));
            }
        }
        let counted = totals(self.cases());
        if self.totals != counted {
            return Err(InputError::new(
                file,
                format!("the run's totals do not count its cases ({counted:?} counted)"),
            )
            .field("totals"));
        }
        if let Some(shard) = &self.shard {
            shard
                .partition
                .parse::<Partition>()
                .map_err(|why| InputError::new(file, why).field("shard.partition"))?;
        }
        Ok(())
    }
}
