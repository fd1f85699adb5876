//! Static checks of runbooks (docs/lint.md), one implementation for `comply lint`
//! and for the outcomes `run` and `gate` decide before anything executes
//! (`empty-runbook`, `noop-runbook`).

mod effect;
mod nixos;
pub mod shell;
pub mod shellcheck;
mod systemd;
#[cfg(test)]
mod tests;
pub mod touches;

use std::fmt;

use serde::Serialize;

use crate::lifecycle::Verdict;
use crate::model::{Expect, Platform, Runbook, Script, ScriptSet};
use crate::outcome::Outcome;

/// The checks of docs/lint.md, plus `syntax` for scripts that do not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    EmptyRunbook,
    NoopRunbook,
    PlatformHazard,
    StartWithoutEnable,
    Untested,
    Shellcheck,
    Syntax,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::EmptyRunbook => "empty-runbook",
            Check::NoopRunbook => "noop-runbook",
            Check::PlatformHazard => "platform-hazard",
            Check::StartWithoutEnable => "start-without-enable",
            Check::Untested => "untested",
            Check::Shellcheck => "shellcheck",
            Check::Syntax => "syntax",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Failures fail the runbook's lint case; warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Failure,
}

/// One finding: which check, where (script variant and line), and why it is
/// a problem, in words an operator understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: Check,
    pub level: Level,
    /// The script it is about, named like its file: `remediate.nixos`,
    /// `probe`; empty for findings about the runbook as a whole.
    pub variant: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}]",
            self.check,
            match self.level {
                Level::Failure => "failure",
                Level::Warning => "warning",
            }
        )?;
        if !self.variant.is_empty() {
            write!(f, " {}", self.variant)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// The file-like name of a script variant: `remediate` for the default,
/// `remediate.nixos` for the NixOS one.
fn variant_name(role: &str, variant: &str) -> String {
    if variant == "default" {
        role.to_owned()
    } else {
        format!("{role}.{variant}")
    }
}

/// The platforms a script variant runs on, for checks that care about
/// NixOS: a named variant runs on its platform; the default runs wherever
/// the runbook does and no named variant takes over.
fn runs_on_nixos(runbook: &Runbook, set: &ScriptSet, variant: &str) -> bool {
    if variant != "default" {
        return variant == Platform::NIXOS;
    }
    runbook.runs_on(Platform::NIXOS) && !set.variants.keys().any(|p| p.as_str() == Platform::NIXOS)
}

/// Every static check of one runbook. `shellcheck` is `None` when the
/// program is not installed.
pub fn lint_runbook(
    runbook: &Runbook,
    shellcheck: Option<&shellcheck::Shellcheck>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if runbook.tier.heals() {
        findings.extend(remediation_coverage(runbook));
    }
    let roles = [
        ("probe", Some(&runbook.probe)),
        ("remediate", runbook.remediate.as_ref()),
        ("verify", runbook.verify.as_ref()),
    ];
    for (role, set) in roles {
        let Some(set) = set else { continue };
        for (variant, script) in set.variants() {
            let name = variant_name(role, variant);
            let analysis = shell::analyze(script.text());
            if role == "remediate" && runbook.tier.heals() {
                findings.extend(effect::check(&analysis, &name));
                findings.extend(systemd::start_without_enable(&analysis, &name));
            }
            if runs_on_nixos(runbook, set, variant) {
                findings.extend(nixos::platform_hazards(&analysis, &name));
            }
            if let Some(line) = analysis.syntax_error {
                findings.push(Finding {
                    check: Check::Syntax,
                    level: Level::Warning,
                    variant: name.clone(),
                    line: Some(line),
                    message:
                        "the script does not parse as shell; the other checks may miss what it does"
                            .to_owned(),
                });
            }
            if let Some(shellcheck) = shellcheck {
                findings.extend(shellcheck.check(script, &name));
            }
        }
    }
    if runbook.tier.heals() && !runbook.scenarios.iter().any(|s| s.expect == Expect::Broken) {
        findings.push(Finding {
            check: Check::Untested,
            level: Level::Warning,
            variant: String::new(),
            line: None,
            message: "no broken scenario: `comply gate` cannot prove that the probe detects the problem or that the remediation heals it (add scenarios/<name>.broken.sh)".to_owned(),
        });
    }
    findings.sort_by(|a, b| (b.level, &a.variant, a.line).cmp(&(a.level, &b.variant, b.line)));
    findings
}

/// Platforms the runbook runs on that no remediation variant covers.
fn remediation_coverage(runbook: &Runbook) -> Vec<Finding> {
    let Some(set) = &runbook.remediate else {
        return Vec::new();
    };
    if set.default.is_some() {
        return Vec::new();
    }
    let uncovered: Vec<String> = match &runbook.platforms {
        Some(platforms) => platforms
            .iter()
            .filter(|p| set.for_platform(p.as_str()).is_none())
            .map(|p| format!("`{p}`"))
            .collect(),
        None => vec!["every platform without its own variant".to_owned()],
    };
    if uncovered.is_empty() {
        return Vec::new();
    }
    vec![Finding {
        check: Check::EmptyRunbook,
        level: Level::Failure,
        variant: "remediate".to_owned(),
        line: None,
        message: format!(
            "no remediation for {}: there is no default remediate script",
            uncovered.join(", ")
        ),
    }]
}

/// The static verdict that decides a run's outcome on `platform` before
/// anything executes: an L1/L2 remediation that is missing, blank, or
/// provably changes nothing.
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
            format!(
                "there is no remediation for `{platform}` (no `{platform}` variant and no default)"
            ),
        ));
    };
    remediation_verdict(script, &variant_name("remediate", variant))
}

fn remediation_verdict(script: &Script, name: &str) -> Option<Verdict> {
    let finding = effect::check(&shell::analyze(script.text()), name)?;
    let outcome = match finding.check {
        Check::EmptyRunbook => Outcome::EmptyRunbook,
        Check::NoopRunbook => Outcome::NoopRunbook,
        other => unreachable!("effect checks report only empty and no-op runbooks, not {other}"),
    };
    Some(Verdict::new(
        outcome,
        format!("{}: {}", finding.variant, finding.message),
    ))
}

/// The findings for one runbook.
#[derive(Debug, Clone)]
pub struct RunbookLint {
    pub runbook: std::sync::Arc<Runbook>,
    pub findings: Vec<Finding>,
}

impl RunbookLint {
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Failure)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Warning)
    }
}

/// Lints every runbook of a suite, in parallel (ShellCheck takes tens of
/// milliseconds a script). Results are in the suite's order.
pub fn lint_suite(
    suite: &crate::model::Suite,
    shellcheck: Option<&shellcheck::Shellcheck>,
) -> Vec<RunbookLint> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut results: Vec<(usize, RunbookLint)> = Vec::new();
    let indexed: Vec<(usize, &std::sync::Arc<Runbook>)> =
        suite.runbooks.iter().enumerate().collect();
    crate::pool::run(
        workers,
        &indexed,
        |(index, runbook), send| {
            send((
                *index,
                RunbookLint {
                    runbook: (*runbook).clone(),
                    findings: lint_runbook(runbook, shellcheck),
                },
            ))
        },
        |result| results.push(result),
    );
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, lint)| lint).collect()
}
