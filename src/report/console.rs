//! The console: one line per test case as it finishes, a progress bar on a
//! terminal, and a summary. Colour only on a terminal and never with
//! `NO_COLOR` (anstream decides).

use std::collections::BTreeMap;
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};

use crate::outcome::{Mode, Outcome, Status};
use crate::results::{CaseResult, Event, RunReport, Totals};

pub struct Console {
    mode: Mode,
    /// Name targets on each line only when there are several.
    show_target: bool,
    progress: ProgressBar,
    /// Agent fallback notes already shown: once per target, not per case.
    told: std::collections::BTreeSet<(String, String)>,
}

fn style(kind: Status) -> Style {
    let color = match kind {
        Status::Pass => AnsiColor::Green,
        Status::Skipped => AnsiColor::Yellow,
        Status::Failure | Status::Error => AnsiColor::Red,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// `1 case`, `2 cases`.
pub fn plural(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

impl Console {
    pub fn new(mode: Mode, show_target: bool) -> Self {
        Console {
            mode,
            show_target,
            progress: ProgressBar::hidden(),
            told: Default::default(),
        }
    }

    pub fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Started { total } => {
                // indicatif draws only when stderr is a terminal.
                self.progress = ProgressBar::new(total as u64);
                self.progress.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>14} [{elapsed_precise}] {bar:30} {pos}/{len}: {msg}",
                    )
                    .expect("the template is valid")
                    .progress_chars("=> "),
                );
                self.progress.set_prefix("Running");
                self.progress.enable_steady_tick(Duration::from_millis(100));
            }
            Event::WaitingForLock { target, holder } => {
                self.progress.suspend(|| {
                    anstream::eprintln!(
                        "waiting for another remediating comply run on `{target}` to finish: {holder}"
                    );
                });
            }
            Event::CaseStarted { runbook, .. } => self.progress.set_message(runbook.to_owned()),
            Event::CaseFinished(case) => {
                let line = self.case_line(case);
                self.progress.suspend(|| crate::outln!("{line}"));
                self.progress.inc(1);
                self.tell_fallback(case);
            }
            Event::ExpiredWaiver { target, waiver } => {
                let warning = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
                self.progress.suspend(|| {
                    anstream::eprintln!(
                        "{warning}warning{warning:#}: the waiver for `{}` on `{target}` expired on {} and does not apply (reason was: {})",
                        waiver.runbook,
                        waiver.expires,
                        waiver.reason
                    );
                });
            }
            Event::RunFinished(report) => self.summary(report),
        }
    }

    /// Warns, once per target, that its steps could not go through the
    /// agent (the cases' notes say it in the reports).
    fn tell_fallback(&mut self, case: &CaseResult) {
        for note in case
            .notes
            .iter()
            .filter(|note| crate::target::agent::is_fallback_note(note))
        {
            if self.told.insert((case.target.clone(), note.clone())) {
                let warning = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
                self.progress.suspend(|| {
                    anstream::eprintln!("{warning}warning{warning:#}: `{}`: {note}", case.target);
                });
            }
        }
    }

    fn case_line(&self, case: &CaseResult) -> String {
        let outcome = case.verdict.outcome;
        let kind = outcome.status(self.mode);
        let style = style(kind);
        let runbook = &case.runbook;
        let mut subject = String::new();
        if self.show_target {
            subject.push_str(&case.target);
            subject.push_str(": ");
        }
        subject.push_str(runbook.id.as_str());
        if let Some(gate) = &case.gate {
            subject.push_str(&format!(" [{}]", gate.scenario));
        }
        let mut line = format!(
            "{style}{:>18}{style:#} [{:>7.3}s] {subject} {} {}",
            outcome.as_str().to_uppercase(),
            case.duration.as_secs_f64(),
            runbook.primary_citation().id,
            runbook.title,
        );
        if kind != Status::Pass {
            line.push_str(&format!("\n{:>30} {}", "└─", case.verdict.detail));
        }
        line
    }

    /// The closing summary: counts per target and outcome.
    fn summary(&mut self, run: &RunReport) {
        self.progress.finish_and_clear();
        for target in &run.targets {
            let totals = Totals::of(run.mode, &target.cases);
            let mut by_outcome: BTreeMap<Outcome, usize> = BTreeMap::new();
            for case in &target.cases {
                *by_outcome.entry(case.verdict.outcome).or_default() += 1;
            }
            let breakdown = by_outcome
                .iter()
                .map(|(outcome, count)| format!("{count} {outcome}"))
                .collect::<Vec<_>>()
                .join(", ");
            let worst = target
                .cases
                .iter()
                .map(|c| c.verdict.outcome.status(run.mode))
                .max();
            let style = style(worst.unwrap_or(Status::Pass));
            crate::outln!(
                "{style}{:>18}{style:#} [{:>7.3}s] {} on {} ({}): {} passed, {} failed, {} errors, {} skipped{}",
                "SUMMARY",
                target.duration.as_secs_f64(),
                plural(totals.tests, "case", "cases"),
                target.target,
                target.platform,
                totals.passed,
                totals.failures,
                totals.errors,
                totals.skipped,
                if breakdown.is_empty() {
                    String::new()
                } else {
                    format!(" — {breakdown}")
                },
            );
        }
        if run.interrupted {
            crate::outln!(
                "{:>18} comply was interrupted: unfinished cases are reported as `interrupted`",
                "INTERRUPTED"
            );
        }
    }
}
