//! Does a remediation change anything at all? `empty-runbook` when it is
//! blank or only comments, `noop-runbook` when everything it can run only
//! prints, waits or exits 0 (README: Outcomes).

use std::collections::HashSet;

use super::shell::{Analysis, RedirectKind, SimpleCommand};
use super::touches::NOT_FILES;
use super::{Check, Finding, Level};

/// Programs that change nothing on a host.
const NOOP_PROGRAMS: [&str; 6] = ["true", ":", "echo", "printf", "logger", "sleep"];

pub fn check(script: &Analysis, variant: &str) -> Option<Finding> {
    let finding = |check, line, message: String| Finding {
        check,
        level: Level::Failure,
        variant: variant.to_owned(),
        line,
        message,
    };
    if !script.has_code {
        return Some(finding(
            Check::EmptyRunbook,
            None,
            "is blank or only comments: it cannot heal anything".to_owned(),
        ));
    }
    // A script that does not parse may do anything: no verdict.
    if script.syntax_error.is_some()
        || !script
            .commands
            .iter()
            .all(|c| changes_nothing(c, &script.functions))
    {
        return None;
    }
    let mut programs: Vec<&str> = script
        .commands
        .iter()
        .filter_map(|c| c.program().map(|(name, _)| name))
        .filter(|name| !script.functions.contains(*name))
        .collect();
    programs.sort_unstable();
    programs.dedup();
    let ran = if programs.is_empty() {
        "only assigns shell variables".to_owned()
    } else {
        format!(
            "only runs {}",
            programs
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let unreached = script
        .ends_early
        .map(|line| format!(" (everything after the `exit` on line {line} is never reached)"))
        .unwrap_or_default();
    Some(finding(
        Check::NoopRunbook,
        script.commands.first().map(|c| c.line),
        format!(
            "{ran}{unreached}, which change nothing on the host: it would report success without healing"
        ),
    ))
}

fn changes_nothing(command: &SimpleCommand, script_functions: &HashSet<String>) -> bool {
    let writes = command.redirects.iter().any(|redirect| {
        redirect.kind != RedirectKind::Other
            && redirect
                .target
                .as_deref()
                .is_none_or(|target| !NOT_FILES.contains(&target))
    });
    if writes {
        return false;
    }
    if command.test || command.argv.is_empty() {
        return true;
    }
    match command.program() {
        // `exit 0` changes nothing; `exit 1` honestly reports a failure.
        Some((name, args)) if name == "exit" || name == "return" => {
            args.is_empty() || (args.len() == 1 && args[0].as_deref() == Some("0"))
        }
        Some((name, _)) => NOOP_PROGRAMS.contains(&name) || script_functions.contains(name),
        None => false,
    }
}
