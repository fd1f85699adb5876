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
