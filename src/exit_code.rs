//! comply's exit codes (README: Commands and exit codes).

/// Every test case passed or was skipped.
pub const OK: i32 = 0;
/// At least one test case failed.
pub const FAILURES: i32 = 1;
/// Bad invocation or invalid input: nothing was run.
pub const INVALID_INPUT: i32 = 2;
/// Errors (could not probe, target unreachable …) but no failures.
pub const ERRORS: i32 = 3;
/// Interrupted by SIGINT/SIGTERM; the report was still written.
pub const INTERRUPTED: i32 = 130;

/// The exit status that says more: interrupted, then failures, then
/// errors, then success (README: Commands and exit codes).
pub fn worst(a: i32, b: i32) -> i32 {
    let rank = |code: i32| match code {
        INTERRUPTED => 4,
        FAILURES => 3,
        INVALID_INPUT => 2,
        ERRORS => 1,
        _ => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_error_never_hides_a_worse_verdict() {
        assert_eq!(worst(FAILURES, ERRORS), FAILURES);
        assert_eq!(worst(OK, ERRORS), ERRORS);
        assert_eq!(worst(ERRORS, INTERRUPTED), INTERRUPTED);
        assert_eq!(worst(INTERRUPTED, FAILURES), INTERRUPTED);
    }
}
