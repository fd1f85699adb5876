//! Static checks of runbooks (SPEC §7). The findings that decide a run's
//! outcome — `empty-runbook` and `noop-runbook` — come from here for `run`,
//! `gate` and `lint` alike.

use crate::lifecycle::Verdict;
use crate::model::Runbook;
use crate::outcome::Outcome;

/// Commands that change nothing on a host.
const NOOP_COMMANDS: [&str; 7] = ["true", ":", "exit", "echo", "printf", "logger", "sleep"];

/// The static verdict for `runbook` on `platform`, if its remediation is
/// missing, blank, or provably does nothing.
pub fn static_verdict(runbook: &Runbook, platform: &str) -> Option<Verdict> {
    if !runbook.tier.heals() {
        return None;
    }
    let Some((variant, script)) = runbook
        .remediate
        .as_ref()
        .and_then(|set| set.for_platform(platform))
    else {
        return Some(Verdict::new(
            Outcome::EmptyRunbook,
            format!("no remediate_script variant for `{platform}` and no default"),
        ));
    };
    let commands: Vec<&str> = script
        .text()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    if commands.is_empty() {
        return Some(Verdict::new(
            Outcome::EmptyRunbook,
            format!("remediate_script ({variant}) is blank or only comments"),
        ));
    }
    let noop = commands.iter().all(|line| {
        let word = line.split_whitespace().next().unwrap_or_default();
        NOOP_COMMANDS.contains(&word) && (word != "exit" || *line == "exit" || *line == "exit 0")
    });
    noop.then(|| {
        Verdict::new(
            Outcome::NoopRunbook,
            format!("remediate_script ({variant}) only runs commands that change nothing"),
        )
    })
}
