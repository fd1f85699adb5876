//! The per-step transcript auditors read in `<system-out>`: step name,
//! script SHA-256, exit, duration, and captured output.

use std::fmt::Write;

use super::json::{Case, Step};
use crate::text::xml_safe;

pub fn render(case: &Case) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", case.message);
    if let Some(waiver) = &case.waiver {
        let state = if waiver.expired { "EXPIRED" } else { "applies" };
        let _ = writeln!(
            out,
            "waiver ({state}, expires {}): {}",
            waiver.expires,
            waiver.described()
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

fn render_step(out: &mut String, step: &Step) {
    let _ = write!(
        out,
        "\n== {} [{}] sha256:{} started {}: ",
        step.step,
        step.variant,
        step.script_sha256,
        step.started_at.as_str()
    );
    match step.exit.exit() {
        Err(error) => {
            let _ = writeln!(out, "could not run: {error}");
        }
        Ok(exit) => {
            let _ = writeln!(out, "{exit} after {:.3}s", step.duration_s);
            if step.leaked {
                let _ = writeln!(
                    out,
                    "note: the step left processes running after it exited (in the background, nohup or setsid); comply killed them"
                );
            }
            render_stream(out, "stdout", &step.stdout, step.stdout_dropped_bytes);
            render_stream(out, "stderr", &step.stderr, step.stderr_dropped_bytes);
        }
    }
}

fn render_stream(out: &mut String, name: &str, text: &str, dropped: u64) {
    if text.is_empty() && dropped == 0 {
        return;
    }
    let _ = write!(out, "-- {name}");
    if dropped > 0 {
        let _ = write!(out, " (truncated: {dropped} more bytes not kept)");
    }
    let _ = writeln!(out, " --");
    out.push_str(&xml_safe(text.as_bytes()));
    if !out.ends_with('\n') {
        out.push('\n');
    }
}
