//! `comply list`: the runbooks of a suite, or with `--coverage` the Subpart C
//! citations they automate, as a table, JSON or Markdown.

use serde::Serialize;

use crate::coverage::{self, CoverageRow};
use crate::model::{Runbook, Suite, Tier};

const WAIVER_HEADER: [&str; 6] = [
    "RUNBOOK",
    "EXPIRES",
    "DAYS LEFT",
    "OWNER",
    "APPROVED BY",
    "REASON",
];

/// The suite's waivers with the days they still apply (negative: expired
/// that many days ago).
fn waiver_rows(suite: &Suite, today: chrono::NaiveDate) -> Vec<Vec<String>> {
    let cell = |value: &Option<String>| value.clone().unwrap_or_else(|| "—".to_owned());
    suite
        .waivers
        .iter()
        .map(|waiver| {
            vec![
                waiver.runbook.to_string(),
                waiver.expires.to_string(),
                waiver.days_left(today).to_string(),
                cell(&waiver.owner),
                cell(&waiver.approved_by),
                waiver.reason.clone(),
            ]
        })
        .collect()
}

pub fn waivers_table(suite: &Suite, today: chrono::NaiveDate) -> String {
    aligned(&WAIVER_HEADER, &waiver_rows(suite, today))
}

pub fn waivers_markdown(suite: &Suite, today: chrono::NaiveDate) -> String {
    markdown(&WAIVER_HEADER, &waiver_rows(suite, today))
}

pub fn waivers_json(suite: &Suite, today: chrono::NaiveDate) -> String {
    let listed: Vec<serde_json::Value> = suite
        .waivers
        .iter()
        .map(|waiver| {
            serde_json::json!({
                "runbook": waiver.runbook.as_str(),
                "expires": waiver.expires.to_string(),
                "days_left": waiver.days_left(today),
                "expired": waiver.is_expired(today),
                "owner": waiver.owner,
                "approved_by": waiver.approved_by,
                "reason": waiver.reason,
            })
        })
        .collect();
    pretty(
        &serde_json::json!({ "schema": "comply.waivers/v1", "suite": suite.name, "waivers": listed }),
    )
}

/// Platforms as listed, or `all`.
fn platforms(runbook: &Runbook) -> String {
    match &runbook.platforms {
        Some(list) => list
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(","),
        None => "all".to_owned(),
    }
}

/// Columns padded to their widest cell; the last column is not padded.
fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let last = row.len() - 1;
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(index, (cell, width))| {
                if index == last {
                    cell.clone()
                } else {
                    // Padded by hand: `format!`'s width is capped at 65,535
                    // and panics past it.
                    let pad = width - cell.chars().count();
                    format!("{cell}{}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A Markdown table; `|` in cells is escaped.
fn markdown(header: &[&str], rows: &[Vec<String>]) -> String {
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(header.iter().map(|h| (*h).to_owned()).collect());
    out.push_str(&line(header.iter().map(|_| "---".to_owned()).collect()));
    for row in rows {
        out.push_str(&line(
            row.iter().map(|cell| cell.replace('|', "\\|")).collect(),
        ));
    }
    out
}

const RUNBOOK_HEADER: [&str; 5] = ["ID", "TIER", "PLATFORMS", "HIPAA", "TITLE"];

fn runbook_rows(suite: &Suite) -> Vec<Vec<String>> {
    suite
        .runbooks
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.tier.to_string(),
                platforms(r),
                r.citations(),
                r.title.clone(),
            ]
        })
        .collect()
}

pub fn table(suite: &Suite) -> String {
    aligned(&RUNBOOK_HEADER, &runbook_rows(suite))
}

pub fn markdown_table(suite: &Suite) -> String {
    markdown(&RUNBOOK_HEADER, &runbook_rows(suite))
}

#[derive(Serialize)]
struct ListedRunbook<'a> {
    id: &'a str,
    title: &'a str,
    hipaa: Vec<&'static str>,
    tier: Tier,
    platforms: Option<Vec<&'a str>>,
    inputs: Vec<&'a str>,
    timeout_s: u64,
    scenarios: Vec<&'a str>,
}

pub fn json(suite: &Suite) -> String {
    let runbooks: Vec<ListedRunbook<'_>> = suite
        .runbooks
        .iter()
        .map(|runbook| ListedRunbook {
            id: runbook.id.as_str(),
            title: &runbook.title,
            hipaa: runbook.hipaa.iter().map(|c| c.0.id).collect(),
            tier: runbook.tier,
            platforms: runbook
                .platforms
                .as_ref()
                .map(|list| list.iter().map(|p| p.as_str()).collect()),
            inputs: runbook.inputs.keys().map(|name| name.as_str()).collect(),
            timeout_s: runbook.timeout_s,
            scenarios: runbook.scenarios.iter().map(|s| s.name.as_str()).collect(),
        })
        .collect();
    pretty(
        &serde_json::json!({ "schema": "comply.list/v1", "suite": suite.name, "runbooks": runbooks }),
    )
}

fn pretty(value: &serde_json::Value) -> String {
    let mut json = serde_json::to_string_pretty(value).expect("always serializes");
    json.push('\n');
    json
}

const COVERAGE_HEADER: [&str; 4] = ["CITATION", "TITLE", "KIND", "CHECKED BY"];

fn coverage_rows(rows: &[CoverageRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            vec![
                row.citation.to_owned(),
                row.title.to_owned(),
                row.kind(),
                row.checked_by(),
            ]
        })
        .collect()
}

pub fn coverage_table(suite: &Suite) -> String {
    let rows = coverage::rows(suite);
    format!(
        "{}\n{}\n",
        aligned(&COVERAGE_HEADER, &coverage_rows(&rows)),
        coverage::summary(&rows)
    )
}

pub fn coverage_markdown(suite: &Suite) -> String {
    let rows = coverage::rows(suite);
    format!(
        "{}\n{}\n",
        markdown(&COVERAGE_HEADER, &coverage_rows(&rows)),
        coverage::summary(&rows)
    )
}

pub fn coverage_json(suite: &Suite) -> String {
    pretty(&serde_json::json!({
        "schema": "comply.coverage/v1",
        "suite": suite.name,
        "citations": coverage::rows(suite),
    }))
}
