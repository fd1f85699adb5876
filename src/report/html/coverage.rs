//! The coverage matrix: every 45 CFR 164 Subpart C citation (technical
//! safeguards first), whether it is required or addressable, and how the
//! cases that check it ended. A citation no case checks says so rather
//! than disappearing: an auditor must see what comply did not test.

use maud::{Markup, html};

use super::super::json::{Case, Document};
use super::badge;
use crate::catalog::Citation;
use crate::coverage::{MANUAL, citations_in_order};
use crate::outcome::Status;

pub fn matrix(document: &Document) -> Markup {
    // Each citation with the cases that cite it, gathered once.
    let rows: Vec<(&Citation, Vec<&Case>)> = citations_in_order()
        .into_iter()
        .map(|citation| {
            let cases = document
                .cases()
                .filter(|case| case.hipaa.iter().any(|id| id == citation.id))
                .collect();
            (citation, cases)
        })
        .collect();
    // Checked means a case passed or failed on it: a skipped or erring
    // case checked nothing.
    let checked = rows
        .iter()
        .filter(|(_, cases)| {
            cases
                .iter()
                .any(|case| matches!(case.status, Status::Pass | Status::Failure))
        })
        .count();
    html! {
        p { (checked) " of " (rows.len()) " citations were checked (a case passed or failed on them) in this run; the rest were not checked in this run (" (MANUAL) ", skipped, erring, or left out of the run)." }
        table {
            thead {
                tr {
                    th { "Citation" } th { "Title" } th { "Requirement" } th { "Runbooks" }
                    th { "Pass" } th { "Fail" } th { "Error" } th { "Skipped" } th { "Result" }
                }
            }
            tbody {
                @for (citation, cases) in &rows {
                    @let count = |status| cases.iter().filter(|case| case.status == status).count();
                    @let runbooks = runbooks_of(cases);
                    tr class=[cases.is_empty().then_some("manual")] {
                        td.mono.cite { (citation.id) }
                        td { (citation.title) }
                        td { @if citation.standard { "standard (required)" } @else { (citation.requirement.to_string()) } }
                        td.mono {
                            @for (index, runbook) in runbooks.iter().enumerate() {
                                @if index > 0 { ", " }
                                span.id { (runbook) }
                            }
                        }
                        td.n { (count(Status::Pass)) }
                        td.n { (count(Status::Failure)) }
                        td.n { (count(Status::Error)) }
                        td.n { (count(Status::Skipped)) }
                        td { (result(cases)) }
                    }
                }
            }
        }
    }
}

/// The runbooks of some cases, each once, sorted.
fn runbooks_of<'a>(cases: &[&'a Case]) -> Vec<&'a str> {
    let mut runbooks: Vec<&str> = cases.iter().map(|case| case.runbook.as_str()).collect();
    runbooks.sort_unstable();
    runbooks.dedup();
    runbooks
}

/// The worst status among the cases, in words.
fn result(cases: &[&Case]) -> Markup {
    let worst = |status| cases.iter().any(|case| case.status == status);
    if cases.is_empty() {
        html! { span class="badge manual" { "– not tested" } }
    } else if worst(Status::Failure) {
        badge(Status::Failure, "failing")
    } else if worst(Status::Error) {
        badge(Status::Error, "errors")
    } else if worst(Status::Pass) {
        badge(Status::Pass, "passing")
    } else {
        badge(Status::Skipped, "skipped")
    }
}
