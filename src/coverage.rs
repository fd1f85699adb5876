//! Which 45 CFR 164 Subpart C citations a suite automates, for auditors
//! (`comply list --coverage`). Technical safeguards (§164.312) come first,
//! the rest in regulation order.

use serde::Serialize;

use crate::catalog::{CATALOG, Citation, Family, Requirement};
use crate::model::Suite;

/// What the table says of a citation no runbook checks.
pub const MANUAL: &str = "manual / not automated";

#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub citation: &'static str,
    pub title: &'static str,
    pub family: Family,
    pub requirement: Requirement,
    pub standard: bool,
    /// Ids of the runbooks that cite it; empty when it is checked by hand.
    pub runbooks: Vec<String>,
}

/// Every catalog citation as auditors read them: technical safeguards
/// first, each group in regulation order.
pub fn citations_in_order() -> Vec<&'static Citation> {
    let technical_first = |c: &&Citation| c.family() != Family::Technical;
    let mut citations: Vec<&Citation> = CATALOG.iter().collect();
    // A stable sort keeps regulation order within each group.
    citations.sort_by_key(technical_first);
    citations
}

pub fn rows(suite: &Suite) -> Vec<CoverageRow> {
    citations_in_order()
        .into_iter()
        .map(|citation| CoverageRow {
            citation: citation.id,
            title: citation.title,
            family: citation.family(),
            requirement: citation.requirement,
            standard: citation.standard,
            runbooks: suite
                .runbooks
                .iter()
                .filter(|r| r.hipaa.iter().any(|c| c.0.id == citation.id))
                .map(|r| r.id.to_string())
                .collect(),
        })
        .collect()
}

impl CoverageRow {
    pub fn checked_by(&self) -> String {
        if self.runbooks.is_empty() {
            MANUAL.to_owned()
        } else {
            self.runbooks.join(", ")
        }
    }

    /// `standard` or `required`/`addressable` for an implementation
    /// specification.
    pub fn kind(&self) -> String {
        if self.standard {
            "standard (required)".to_owned()
        } else {
            self.requirement.to_string()
        }
    }
}

/// The counts auditors ask first.
pub fn summary(rows: &[CoverageRow]) -> String {
    let automated = rows.iter().filter(|r| !r.runbooks.is_empty()).count();
    let technical: Vec<_> = rows
        .iter()
        .filter(|r| r.family == Family::Technical)
        .collect();
    let technical_automated = technical.iter().filter(|r| !r.runbooks.is_empty()).count();
    format!(
        "{automated} of {} Subpart C citations are checked by a runbook ({technical_automated} of {} technical safeguards); the rest are {MANUAL}",
        rows.len(),
        technical.len()
    )
}
