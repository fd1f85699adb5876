//! The outcome chart: one horizontal bar per outcome that occurred, in the
//! order of README: Outcomes, each labelled with its name and count (the
//! colour repeats what the words say).

use maud::{Markup, html};

use super::super::json::Document;
use crate::outcome::{Outcome, Status};

const BAR_HEIGHT: usize = 22;
const LABEL_WIDTH: usize = 170;
const BAR_WIDTH: usize = 420;

pub fn outcomes(document: &Document) -> Markup {
    // One pass over the cases, then the outcomes that occurred in order.
    let mut seen: Vec<(Status, usize)> = vec![(Status::Pass, 0); Outcome::ALL.len()];
    for case in document.cases() {
        let index = Outcome::ALL
            .iter()
            .position(|outcome| *outcome == case.outcome)
            .expect("every outcome is in Outcome::ALL");
        seen[index] = (case.status, seen[index].1 + 1);
    }
    let counts: Vec<(Outcome, Status, usize)> = Outcome::ALL
        .into_iter()
        .zip(seen)
        .filter(|(_, (_, n))| *n > 0)
        .map(|(outcome, (status, n))| (outcome, status, n))
        .collect();
    let most = counts.iter().map(|(_, _, n)| *n).max().unwrap_or(1);
    let height = BAR_HEIGHT * counts.len().max(1) + 4;
    let width = LABEL_WIDTH + BAR_WIDTH + 60;
    let summary = counts
        .iter()
        .map(|(outcome, _, n)| format!("{} {n}", outcome.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" width=(width) height=(height)
            viewBox={ "0 0 " (width) " " (height) } aria-label={ "Outcomes: " (summary) } {
            title { "Outcomes: " (summary) }
            @for (row, (outcome, status, n)) in counts.iter().enumerate() {
                @let y = row * BAR_HEIGHT + 2;
                @let length = (n * BAR_WIDTH).div_ceil(most).max(2);
                text x=(LABEL_WIDTH - 8) y=(y + 15) text-anchor="end" { (outcome.as_str()) }
                rect x=(LABEL_WIDTH) y=(y + 2) width=(length) height=(BAR_HEIGHT - 6)
                    fill={ "var(--" (status.as_str()) ")" } {}
                text x=(LABEL_WIDTH + length + 6) y=(y + 15) { (n) }
            }
        }
    }
}
