//! Running one step of a case on its target and recording it: the request
//! (`COMPLY_*` environment, timeout, output cap) and the [`StepRecord`] the
//! transcript shows. Run and gate cases both go through [`StepRunner`], the
//! only maker of step records.

use std::time::Duration;

use chrono::Local;

use crate::cancel::Cancel;
use crate::lifecycle::Verdict;
use crate::model::{Runbook, Script, ScriptSet, Suite};
use crate::results::StepRecord;
use crate::target::{StepRequest, Target};

/// Limits every step of a run or gate obeys.
#[derive(Debug, Clone, Copy)]
pub struct StepLimits {
    /// `--timeout`: caps every runbook's own `timeout_s`.
    pub timeout_cap: Option<Duration>,
    pub output_limit: usize,
}

/// Runs the steps of cases on one target of a known platform.
pub struct StepRunner<'a> {
    pub target: &'a dyn Target,
    pub suite: &'a Suite,
    pub platform: &'a str,
    pub limits: StepLimits,
    pub cancel: &'a Cancel,
}

impl StepRunner<'_> {
    /// Runs the platform's variant of a runbook's script set as step `role`
    /// (its `COMPLY_STEP`), recorded as `label`; `None` when the runbook
    /// has no variant for the platform.
    pub fn variant(
        &self,
        runbook: &Runbook,
        role: &str,
        label: &str,
        set: &ScriptSet,
    ) -> Option<StepRecord> {
        let (variant, script) = set.for_platform(self.platform)?;
        Some(self.script(runbook, role, label, variant, script))
    }

    /// Runs one of a runbook's scripts as step `role`, recorded as `label`.
    pub fn script(
        &self,
        runbook: &Runbook,
        role: &str,
        label: &str,
        variant: &str,
        script: &Script,
    ) -> StepRecord {
        let request = self.request(runbook, role, script.text());
        self.run(label, variant, script, &request)
    }

    /// Runs a script with a request of the caller's making (a fixture's
    /// readiness check runs without a runbook's environment).
    pub fn run(
        &self,
        label: &str,
        variant: &str,
        script: &Script,
        request: &StepRequest<'_>,
    ) -> StepRecord {
        StepRecord {
            label: label.to_owned(),
            variant: variant.to_owned(),
            script: script.clone(),
            started_at: Local::now(),
            result: self.target.run_step(request, self.cancel),
        }
    }

    /// The request for one step: its `COMPLY_*` environment (only the inputs
    /// the runbook declares, with their effective values) and its timeout.
    fn request<'s>(&self, runbook: &Runbook, role: &str, script: &'s str) -> StepRequest<'s> {
        let mut env = vec![
            ("COMPLY_STEP".to_owned(), role.to_owned()),
            ("COMPLY_RUNBOOK".to_owned(), runbook.id.to_string()),
            ("COMPLY_PLATFORM".to_owned(), self.platform.to_owned()),
        ];
        for name in runbook.inputs.keys() {
            let value = self
                .suite
                .inputs
                .get(name)
                .or_else(|| runbook.inputs.get(name))
                .expect("declared");
            env.push((name.env_var(), value.to_env()));
        }
        let timeout = Duration::from_secs(runbook.timeout_s);
        StepRequest {
            script,
            env,
            timeout: self
                .limits
                .timeout_cap
                .map_or(timeout, |cap| cap.min(timeout)),
            output_limit: self.limits.output_limit,
        }
    }
}

/// Adds what the last step said to the verdict (`… — unattended-upgrades is
/// not installed`), so the console line and JUnit message explain
/// themselves: stdout's first line, or stderr's when stdout is empty.
pub fn with_evidence(mut verdict: Verdict, last: Option<&StepRecord>) -> Verdict {
    let Some(Ok(output)) = last.map(|step| &step.result) else {
        return verdict;
    };
    let said = [&output.stdout, &output.stderr]
        .into_iter()
        .find_map(|captured| {
            crate::text::xml_safe(&captured.bytes)
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .map(|line| line.chars().take(200).collect::<String>())
        });
    if let Some(line) = said {
        verdict.detail = format!("{} — {line}", verdict.detail);
    }
    verdict
}
