//! `comply list`: the runbooks of a suite as a table or JSON.

use serde::Serialize;

use crate::model::{Suite, Tier};

/// Platforms as listed, or `all`.
fn platforms(runbook: &crate::model::Runbook) -> String {
    match &runbook.platforms {
        Some(list) => list
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(","),
        None => "all".to_owned(),
    }
}

pub fn table(suite: &Suite) -> String {
    let rows: Vec<[String; 5]> = suite
        .runbooks
        .iter()
        .map(|runbook| {
            [
                runbook.id.to_string(),
                runbook.tier.to_string(),
                platforms(runbook),
                runbook.citations(),
                runbook.title.clone(),
            ]
        })
        .collect();
    let header = ["ID", "TIER", "PLATFORMS", "HIPAA", "TITLE"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(index, (cell, width))| {
                if index == 4 {
                    cell.clone()
                } else {
                    format!("{cell:width$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
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
    let document = serde_json::json!({
        "schema": "comply.list/v1",
        "suite": suite.name,
        "runbooks": runbooks,
    });
    let mut json = serde_json::to_string_pretty(&document).expect("always serializes");
    json.push('\n');
    json
}
