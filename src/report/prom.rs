//! `--prom FILE`: the run's results in the text format node_exporter's
//! textfile collector reads, so a Prometheus that already scrapes the host
//! can alert on drift. Written atomically like every report: the
//! collector never sees half a file.

use std::fmt::Write;

use super::json::Document;
use crate::outcome::Status;

/// Label values escaped as the exposition format asks: `\`, `"`, newline.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn render(document: &Document) -> Vec<u8> {
    let mut out = String::new();
    let mode = document.mode.as_str();
    let _ = writeln!(
        out,
        "# HELP comply_case_outcome 1 for the outcome each case had in the last run.\n\
         # TYPE comply_case_outcome gauge"
    );
    for target in &document.targets {
        for case in &target.cases {
            let mut labels = format!(
                "mode=\"{mode}\",target=\"{}\",runbook=\"{}\",tier=\"{}\"",
                label(&target.target),
                label(&case.runbook),
                label(&case.tier)
            );
            if let (Some(fixture), Some(scenario)) = (&case.fixture, &case.scenario) {
                let _ = write!(
                    labels,
                    ",fixture=\"{}\",scenario=\"{}\"",
                    label(fixture),
                    label(scenario)
                );
            }
            let _ = writeln!(
                out,
                "comply_case_outcome{{{labels},outcome=\"{}\",status=\"{}\"}} 1",
                case.outcome,
                case.status.as_str()
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP comply_cases Cases of the last run by JUnit status.\n# TYPE comply_cases gauge"
    );
    let totals = document.totals;
    for (status, count) in [
        (Status::Pass, totals.passed),
        (Status::Failure, totals.failures),
        (Status::Error, totals.errors),
        (Status::Skipped, totals.skipped),
    ] {
        let status = status.as_str();
        let _ = writeln!(
            out,
            "comply_cases{{mode=\"{mode}\",status=\"{status}\"}} {count}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP comply_run_duration_seconds How long the last run took.\n\
         # TYPE comply_run_duration_seconds gauge\n\
         comply_run_duration_seconds{{mode=\"{mode}\"}} {:.3}",
        document.duration_s
    );
    let _ = writeln!(
        out,
        "# HELP comply_last_run_timestamp_seconds When the last run started (Unix time).\n\
         # TYPE comply_last_run_timestamp_seconds gauge\n\
         comply_last_run_timestamp_seconds{{mode=\"{mode}\"}} {:.3}",
        document.started_at.time().timestamp_millis() as f64 / 1000.0
    );
    let _ = writeln!(
        out,
        "# HELP comply_run_exit_code The exit status of the last run (0 all passed).\n\
         # TYPE comply_run_exit_code gauge\n\
         comply_run_exit_code{{mode=\"{mode}\"}} {}",
        document.exit_code()
    );
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn label_values_cannot_break_out_of_their_quotes() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
