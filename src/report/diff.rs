//! `comply diff OLD.json NEW.json` and `comply run --baseline OLD.json
//! --fail-on new`: what changed between two reports, case by case. A case
//! is identified by its target, runbook and (in the gate) fixture and
//! scenario. A case *regressed* when it passed (or was skipped) and now
//! fails or errs, *improved* the other way round, *appeared* or
//! *disappeared* when only one report has it. A case that appeared failing
//! counts as a new failure too: it is what `--fail-on new` fails on.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::json::{Case, Document};
use crate::outcome::{Outcome, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Regressed,
    Appeared,
    Disappeared,
    Improved,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Regressed => "regressed",
            Change::Appeared => "appeared",
            Change::Disappeared => "disappeared",
            Change::Improved => "improved",
        }
    }
}

/// One case that is not as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub change: Change,
    pub target: String,
    pub runbook: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The outcome before (absent when the case appeared).
    pub old: Option<Outcome>,
    /// The outcome now (absent when the case disappeared).
    pub new: Option<Outcome>,
    /// The JUnit status now.
    #[serde(skip)]
    pub new_status: Option<Status>,
}

impl Difference {
    /// A regression, or a case that appeared failing.
    pub fn is_new_failure(&self) -> bool {
        self.change == Change::Regressed
            || (self.change == Change::Appeared && self.new_status.is_some_and(failing))
    }
}

fn failing(status: Status) -> bool {
    matches!(status, Status::Failure | Status::Error)
}

type Key = (String, String, Option<String>, Option<String>);

fn cases(document: &Document) -> BTreeMap<Key, &Case> {
    document
        .targets
        .iter()
        .flat_map(|target| {
            target.cases.iter().map(|case| {
                (
                    (
                        target.target.clone(),
                        case.runbook.clone(),
                        case.fixture.clone(),
                        case.scenario.clone(),
                    ),
                    case,
                )
            })
        })
        .collect()
}

/// The differences between two reports, regressions first, then by case.
pub fn diff(old: &Document, new: &Document) -> Vec<Difference> {
    let (before, after) = (cases(old), cases(new));
    let mut differences = Vec::new();
    let keys: std::collections::BTreeSet<&Key> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (was, now) = (before.get(key), after.get(key));
        let change = match (was, now) {
            (None, Some(_)) => Change::Appeared,
            (Some(_), None) => Change::Disappeared,
            (Some(was), Some(now)) => match (failing(was.status), failing(now.status)) {
                (false, true) => Change::Regressed,
                (true, false) => Change::Improved,
                _ => continue,
            },
            (None, None) => unreachable!("the key came from one of them"),
        };
        let (target, runbook, fixture, scenario) = key.clone();
        differences.push(Difference {
            change,
            target,
            runbook,
            fixture,
            scenario,
            old: was.map(|case| case.outcome),
            new: now.map(|case| case.outcome),
            new_status: now.map(|case| case.status),
        });
    }
    // Stable: within a kind of change, in case order.
    differences.sort_by_key(|difference| difference.change);
    differences
}

/// `LIN-SSH-001 on local: compliant → non-compliant`.
pub fn describe(difference: &Difference) -> String {
    format!(
        "{}: {} → {}",
        case_name(difference),
        outcome(difference.old),
        outcome(difference.new)
    )
}

fn case_name(difference: &Difference) -> String {
    let mut name = format!("{} on {}", difference.runbook, difference.target);
    if let (Some(fixture), Some(scenario)) = (&difference.fixture, &difference.scenario) {
        let _ = write!(name, " [{fixture}: {scenario}]");
    }
    name
}

fn outcome(outcome: Option<Outcome>) -> &'static str {
    outcome.map_or("—", Outcome::as_str)
}

/// A console table.
pub fn table(differences: &[Difference]) -> String {
    if differences.is_empty() {
        return "no case changed\n".to_owned();
    }
    let mut out = String::new();
    for difference in differences {
        let _ = writeln!(
            out,
            "{:<12} {:<50} {} → {}",
            difference.change.as_str(),
            case_name(difference),
            outcome(difference.old),
            outcome(difference.new)
        );
    }
    out
}

/// A Markdown table for a merge-request comment.
pub fn markdown(differences: &[Difference]) -> String {
    if differences.is_empty() {
        return "No case changed.\n".to_owned();
    }
    let mut out = String::from("| change | case | before | now |\n|---|---|---|---|\n");
    for difference in differences {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            difference.change.as_str(),
            case_name(difference).replace('|', "\\|"),
            outcome(difference.old),
            outcome(difference.new)
        );
    }
    out
}

pub fn json(differences: &[Difference]) -> String {
    let mut text = serde_json::to_string_pretty(differences).expect("differences serialize");
    text.push('\n');
    text
}
