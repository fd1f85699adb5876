//! The HTML report auditors read (`comply report RUN.json -o FILE`,
//! `--html FILE`): one self-contained page made from the JSON document —
//! run facts, an outcome chart, the Subpart C coverage matrix, and every
//! case with its messages, waiver and transcript (collapsed, expanded when
//! printed). No network, no JavaScript needed to read it.
//!
//! Markup comes from maud, which escapes every value it interpolates:
//! probe output, titles and host names are text, never markup. Only the
//! style sheet and the print script are inserted as they are, and a
//! Content-Security-Policy lets nothing else load or run.

mod chart;
mod coverage;

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::console::plural;
use super::json::{Case, Document};
use super::transcript;
use crate::exit_code;
use crate::outcome::{Mode, Status};

const STYLE: &str = include_str!("style.css");

/// Opens every transcript before printing, so a PDF holds them all.
const PRINT_SCRIPT: &str = "addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});";

pub fn render(document: &Document) -> String {
    let title = format!(
        "comply {} report: {} ({})",
        document.mode.as_str(),
        document.meta.suite,
        document.started_at.as_str()
    );
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(content_security_policy());
                meta name="generator" content={ "comply " (document.comply_version) };
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (title) }
                    (facts(document))
                }
                main {
                    section id="summary" {
                        h2 { "Summary" }
                        (verdict(document))
                        (chart::outcomes(document))
                    }
                    section id="coverage" {
                        h2 { "Coverage of 45 CFR 164 Subpart C" }
                        (coverage::matrix(document))
                    }
                    section id="cases" {
                        h2 { "Cases" }
                        @if document.mode == Mode::Gate {
                            (gate_cases(document))
                        } @else {
                            (run_cases(document))
                        }
                    }
                }
                footer {
                    "Made by comply " (document.comply_version) " from a "
                    code { (document.schema) } " report. Every case's scripts are identified by their SHA-256; the evidence directory, when kept, holds the scripts and raw output."
                }
                script { (PreEscaped(PRINT_SCRIPT)) }
            }
        }
    };
    page.into_string()
}

/// Nothing may load, and only this page's own script may run (by its
/// hash): defence in depth should escaping ever miss something.
fn content_security_policy() -> String {
    use ct_codecs::{Base64, Encoder};
    use sha2::Digest;
    let hash = Base64::encode_to_string(sha2::Sha256::digest(PRINT_SCRIPT.as_bytes()))
        .expect("a SHA-256 encodes");
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'; \
         base-uri 'none'; form-action 'none'"
    )
}

fn facts(document: &Document) -> Markup {
    html! {
        dl.facts {
            dt { "Suite" } dd { (document.meta.suite) " — " (document.meta.suite_source) }
            dt { "Runbooks SHA-256" } dd.mono { (document.meta.runbooks_sha256) }
            dt { "Mode" } dd { (document.mode.as_str()) }
            dt { "Started" } dd { (document.started_at.as_str()) }
            dt { "Duration" } dd { (format!("{:.1} s", document.duration_s)) }
            dt { "comply" } dd { (document.comply_version) }
            @if let Some(shard) = &document.shard {
                dt { "Shard" } dd { (shard.partition) " of " (shard.plan_cases) " cases" }
            }
            @if document.interrupted {
                dt { "Interrupted" } dd { "yes: unfinished cases are reported as interrupted errors" }
            }
            dt { @if document.mode == Mode::Gate { "Fixtures" } @else { "Targets" } }
            dd {
                @for target in &document.targets {
                    div { (target.target) " — host " (target.hostname) ", platform " (target.platform) }
                }
            }
            @if !document.meta.inputs.is_empty() {
                dt { "Inputs" }
                dd.mono {
                    @for (name, value) in &document.meta.inputs {
                        div { (name) "=" (value) }
                    }
                }
            }
        }
    }
}

/// The run's verdict in words: what its exit status says (the totals it
/// reads are checked against the cases when a report is read back).
fn verdict(document: &Document) -> Markup {
    let totals = document.totals;
    let (status, word) = match document.exit_code() {
        exit_code::OK => (Status::Pass, "PASSED"),
        exit_code::FAILURES => (Status::Failure, "FAILED"),
        exit_code::INTERRUPTED => (Status::Error, "INTERRUPTED"),
        _ => (Status::Error, "ERRORS"),
    };
    html! {
        p {
            (badge(status, word))
            " " (totals.tests) " cases: " (totals.passed) " passed, " (totals.failures)
            " failed, " (totals.errors) " errors, " (totals.skipped) " skipped."
        }
    }
}

/// A status as colour, symbol and word, so it reads in greyscale too.
fn badge(status: Status, word: &str) -> Markup {
    let symbol = match status {
        Status::Pass => "✓",
        Status::Failure => "✗",
        Status::Error => "⚠",
        Status::Skipped => "–",
    };
    html! { span class={ "badge " (status.as_str()) } { (symbol) " " (word) } }
}

fn run_cases(document: &Document) -> Markup {
    html! {
        @for target in &document.targets {
            h3 { (target.target) " — " (target.hostname) " (" (target.platform) ")" }
            p.meta { (target.totals.tests) " cases, " (target.totals.failures) " failed, " (target.totals.errors) " errors" }
            @for case in &target.cases {
                (case_article(case, &case.runbook, Some(&case.title)))
            }
        }
    }
}

/// The gate by runbook, then fixture, then scenario: how a runbook author
/// reads it.
fn gate_cases(document: &Document) -> Markup {
    let mut by_runbook: BTreeMap<&str, (&str, BTreeMap<&str, Vec<&Case>>)> = BTreeMap::new();
    for case in document.cases() {
        let fixture = case.fixture.as_deref().unwrap_or("(no fixture)");
        by_runbook
            .entry(case.runbook.as_str())
            .or_insert_with(|| (case.title.as_str(), BTreeMap::new()))
            .1
            .entry(fixture)
            .or_default()
            .push(case);
    }
    html! {
        @for (runbook, (title, fixtures)) in &by_runbook {
            h3 { (runbook) ": " (title) }
            @for (fixture, cases) in fixtures {
                h4 { "on " (fixture) }
                @for case in cases {
                    (case_article(case, case.scenario.as_deref().unwrap_or("(no scenario)"), None))
                }
            }
        }
    }
}

fn case_article(case: &Case, heading: &str, title: Option<&str>) -> Markup {
    html! {
        article class={ "case " (case.status.as_str()) } {
            p {
                (badge(case.status, case.outcome.as_str()))
                " " strong { (heading) }
                @if let Some(title) = title { " " (title) }
            }
            p.meta {
                (case.hipaa.join(", ")) " · tier " (case.tier) " · " (format!("{:.2} s", case.duration_s))
                " · probe sha256 " span.mono { (short(&case.probe_sha256)) }
            }
            p { (case.message) }
            @if let Some(waiver) = &case.waiver {
                p.waiver {
                    @if waiver.expired { "Expired waiver (does not apply), " } @else { "Waived " }
                    "until " (waiver.expires) ": " (waiver.described())
                }
            }
            @for note in &case.notes { p.meta { (note) } }
            @if !case.steps.is_empty() {
                details {
                    summary { "Transcript (" (plural(case.steps.len(), "step", "steps")) ")" }
                    pre { (transcript::render(case)) }
                }
            }
        }
    }
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}
