//! What the targets that reach another machine's processes through a client
//! (`docker exec`, `ssh`) share: killing the client does not stop the step
//! on the other side, so the step's timeout is enforced there too, and a
//! timed-out or interrupted step is killed there by the id it carries in
//! its environment.

use std::time::Duration;

use super::{Exit, StepOutput};

/// Between the far side's SIGTERM and SIGKILL.
pub const INSIDE_GRACE_S: u64 = 5;
/// How long the client may outlive the far side's timeout before comply
/// kills it.
pub const CLIENT_MARGIN: Duration = Duration::from_secs(5);
/// Exit statuses of GNU and busybox `timeout` when the limit was reached.
const TIMEOUT_EXITS: [i32; 2] = [124, 137];

pub use super::descendants::{STEP_ID_VAR, new_step_id};

/// `sh -c KILL_STEP sh ID`: kills every process whose environment carries
/// the step id.
pub const KILL_STEP: &str = "for p in /proc/[0-9]*; do \
    if tr '\\0' '\\n' < \"$p/environ\" 2>/dev/null | grep -qx \"COMPLY_STEP_ID=$1\"; then \
      kill -KILL \"${p#/proc/}\" 2>/dev/null; \
    fi; \
  done; exit 0";

/// The far-side command prefix: `timeout -s TERM -k 5 N`.
pub fn timeout_prefix(timeout: Duration) -> Vec<String> {
    vec![
        "timeout".to_owned(),
        "-s".to_owned(),
        "TERM".to_owned(),
        "-k".to_owned(),
        INSIDE_GRACE_S.to_string(),
        far_side_seconds(timeout).to_string(),
    ]
}

pub fn far_side_seconds(timeout: Duration) -> u64 {
    timeout.as_secs().max(1)
}

/// The local limit for the client: the far side's limit, its grace, and a
/// margin.
pub fn client_timeout(timeout: Duration) -> Duration {
    Duration::from_secs(far_side_seconds(timeout) + INSIDE_GRACE_S) + CLIENT_MARGIN
}

/// Turns the far side's `timeout` exit into [`Exit::TimedOut`].
pub fn classify_timeout(output: &mut StepOutput, timeout: Duration) {
    let timed_out = matches!(output.exit, Exit::Code(code) if TIMEOUT_EXITS.contains(&code))
        && output.duration >= Duration::from_secs(far_side_seconds(timeout));
    if timed_out {
        output.exit = Exit::TimedOut;
    }
}

/// Whether the far side may still be running the step.
pub fn needs_kill(output: &StepOutput) -> bool {
    matches!(output.exit, Exit::TimedOut | Exit::Cancelled)
}

/// Quotes a word for a POSIX shell.
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '=' | '@' | ',')
        })
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_quote("COMPLY_STEP=probe"), "COMPLY_STEP=probe");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $HOME"), r"'it'\''s $HOME'");
        assert_eq!(shell_quote(""), "''");
    }
}
