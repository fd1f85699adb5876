//! The per-step transcript auditors read in `<system-out>`: step name,
//! script SHA-256, exit, duration, and captured output.

use std::fmt::Write;

use crate::runner::{CaseResult, StepRecord};
use crate::target::Captured;

/// Text that any XML parser accepts: invalid UTF-8 becomes U+FFFD, ANSI
/// escape sequences are removed, and characters XML 1.0 forbids (NUL and
/// other C0 controls, U+FFFE, U+FFFF) are dropped.
pub fn xml_safe(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = strip_ansi_escapes::strip_str(&text);
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .collect()
}

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
        step.script_sha256,
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
                    "note: a background process kept the output open after the step exited; comply killed the step's process group"
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

#[cfg(test)]
mod tests {
    use super::xml_safe;

    #[test]
    fn keeps_text_and_drops_what_xml_forbids() {
        let hostile = b"ok \x1b[31mred\x1b[0m \x00nul \x07bell \xff\xfe bad ]]> \xef\xbf\xbe end\n";
        let safe = xml_safe(hostile);
        assert_eq!(safe, "ok red nul bell \u{FFFD}\u{FFFD} bad ]]>  end\n");
    }
}
