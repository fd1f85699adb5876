//! The per-step transcript auditors read in `<system-out>`: step name,
//! script SHA-256, exit, duration, and captured output.

use std::fmt::Write;

use crate::results::{CaseResult, StepRecord};
use crate::target::Captured;
use crate::text::xml_safe;

pub fn render(case: &CaseResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", case.verdict.message());
    if let Some(note) = &case.waiver {
        let state = if note.expired { "EXPIRED" } else { "applies" };
        let _ = writeln!(
            out,
            "waiver ({state}, expires {}): {}",
            note.waiver.expires, note.waiver.reason
        );
    }
    for note in &case.notes {
        let _ = writeln!(out, "{note}");
    }
    for step in &case.steps {
        render_step(&mut out, step);
    }
    out
}

fn render_step(out: &mut String, step: &StepRecord) {
    let _ = write!(
        out,
        "\n== {} [{}] sha256:{} started {}: ",
        step.label,
        step.variant,
        step.script.sha256(),
        step.started_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
    );
    match &step.result {
        Err(error) => {
            let _ = writeln!(out, "could not run: {error}");
        }
        Ok(output) => {
            let _ = writeln!(
                out,
                "{} after {:.3}s",
                output.exit,
                output.duration.as_secs_f64()
            );
            if output.leaked {
                let _ = writeln!(
                    out,
                    "note: the step left processes running after it exited (in the background, nohup or setsid); comply killed them"
                );
            }
            render_stream(out, "stdout", &output.stdout);
            render_stream(out, "stderr", &output.stderr);
        }
    }
}

fn render_stream(out: &mut String, name: &str, captured: &Captured) {
    if captured.bytes.is_empty() && !captured.is_truncated() {
        return;
    }
    let _ = write!(out, "-- {name}");
    if captured.is_truncated() {
        let _ = write!(
            out,
            " (truncated: {} more bytes not kept)",
            captured.dropped
        );
    }
    let _ = writeln!(out, " --");
    out.push_str(&xml_safe(&captured.bytes));
    if !out.ends_with('\n') {
        out.push('\n');
    }
}
