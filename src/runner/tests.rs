//! The runner over a scripted fake target (like hyperfine's mock
//! executor): what each step "exits" is decided by a table, so waivers,
//! tiers, platform errors, cancellation and ordering are tested without
//! processes. The real targets are tested end to end in tests/cli.

use std::collections::HashMap;
use std::sync::Mutex;

use std::time::Duration;

use super::*;
use crate::model::{RunbookId, Waiver};
use crate::step::StepLimits;
use crate::target::{Captured, Exit, StepOutput, StepRequest, StepResult};

/// Exits by (runbook, step); a step not in the table exits 0. The
/// platform probe answers `debian` unless `platform` says otherwise.
struct Fake {
    exits: HashMap<(&'static str, &'static str), i32>,
    platform: Result<&'static str, &'static str>,
    /// (runbook, step) in the order the steps ran.
    ran: Mutex<Vec<(String, String)>>,
}

impl Fake {
    fn new(exits: &[(&'static str, &'static str, i32)]) -> Fake {
        Fake {
            exits: exits.iter().map(|(r, s, code)| ((*r, *s), *code)).collect(),
            platform: Ok("debian"),
            ran: Mutex::new(Vec::new()),
        }
    }

    fn steps_of(&self, runbook: &str) -> Vec<String> {
        let ran = self.ran.lock().unwrap();
        ran.iter()
            .filter(|(r, _)| r == runbook)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

fn output(exit: Exit, stdout: &str) -> StepOutput {
    StepOutput {
        exit,
        stdout: Captured {
            bytes: stdout.as_bytes().to_vec(),
            dropped: 0,
        },
        stderr: Captured::default(),
        duration: Duration::from_millis(1),
        leaked: false,
    }
}

impl Target for Fake {
    fn name(&self) -> &str {
        "fake"
    }

    fn hostname(&self) -> String {
        "fake-host".to_owned()
    }

    fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
        let var = |name: &str| {
            request
                .env
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let (Some(runbook), Some(step)) = (var("COMPLY_RUNBOOK"), var("COMPLY_STEP")) else {
            // The platform probe.
            return self
                .platform
                .map(|id| output(Exit::Code(0), &format!("ID={id}\n")))
                .map_err(|why| TargetError::Unreachable {
                    advice: why.to_owned(),
                    said: "fake".to_owned(),
                });
        };
        if cancel.is_cancelled() {
            return Ok(output(Exit::Cancelled, ""));
        }
        self.ran
            .lock()
            .unwrap()
            .push((runbook.clone(), step.clone()));
        let code = self
            .exits
            .iter()
            .find(|((r, s), _)| *r == runbook && *s == step)
            .map_or(0, |(_, code)| *code);
        Ok(output(Exit::Code(code), ""))
    }
}

/// Runbooks `(id, tier)` with a one-line remediation each.
fn suite(runbooks: &[(&str, &str)], waivers: Vec<Waiver>) -> Suite {
    let json: Vec<String> = runbooks
        .iter()
        .map(|(id, tier)| {
            let remediation = if *tier == "L3" {
                String::new()
            } else {
                ", \"remediate_script\": \"touch /etc/healed\"".to_owned()
            };
            format!(
                "{{\"id\": \"{id}\", \"title\": \"t t\", \"hipaa\": [\"164.312(b)\"], \"tier\": \"{tier}\", \
                 \"probe_script\": \"exit 0\"{remediation}}}"
            )
        })
        .collect();
    let bundle = format!(
        "{{\"schema\": \"comply.runbooks/v1\", \"runbooks\": [{}]}}",
        json.join(",")
    );
    Suite {
        name: "test".to_owned(),
        source: "test".to_owned(),
        runbooks: crate::load::runbooks::parse_bundle("t.json", &bundle)
            .unwrap()
            .into_iter()
            .map(Arc::new)
            .collect(),
        inputs: Default::default(),
        waivers,
        warnings: Vec::new(),
    }
}

fn options(healing: Healing, jobs: usize) -> RunOptions {
    RunOptions {
        healing,
        jobs,
        limits: StepLimits {
            timeout_cap: None,
            output_limit: 1024,
        },
        partition: None,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    }
}

fn outcomes(report: &RunReport) -> Vec<(String, Outcome)> {
    report
        .cases()
        .map(|case| (case.runbook.id.to_string(), case.verdict.outcome))
        .collect()
}

fn run_fake(
    suite: &Suite,
    fake: Fake,
    options: &RunOptions,
    cancel: &Cancel,
) -> (RunReport, Arc<Fake>) {
    let fake = Arc::new(fake);
    struct Shared(Arc<Fake>);
    impl Target for Shared {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn hostname(&self) -> String {
            self.0.hostname()
        }
        fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
            self.0.run_step(request, cancel)
        }
    }
    let targets: Vec<Box<dyn Target>> = vec![Box::new(Shared(fake.clone()))];
    (run_suite(suite, &targets, options, cancel, |_| {}), fake)
}

fn waiver(id: &str, expires: (i32, u32, u32)) -> Waiver {
    Waiver {
        runbook: RunbookId::new(id).unwrap(),
        reason: "accepted risk".to_owned(),
        expires: chrono::NaiveDate::from_ymd_opt(expires.0, expires.1, expires.2).unwrap(),
        owner: Some("ops".to_owned()),
        approved_by: Some("ciso".to_owned()),
    }
}

#[test]
fn a_waiver_applies_until_it_expires() {
    let suite = suite(
        &[("T-001", "L1"), ("T-002", "L1")],
        vec![
            waiver("T-001", (2026, 12, 31)),
            waiver("T-002", (2026, 11, 29)),
        ],
    );
    let fake = Fake::new(&[("T-001", "probe", 1), ("T-002", "probe", 1)]);
    let (report, _) = run_fake(&suite, fake, &options(Healing::Off, 2), &Cancel::new());
    assert_eq!(
        outcomes(&report),
        [
            ("T-001".to_owned(), Outcome::Waived),
            ("T-002".to_owned(), Outcome::NonCompliant)
        ]
    );
    let expired = report.cases().nth(1).unwrap().waiver.as_ref().unwrap();
    assert!(
        expired.expired,
        "an expired waiver is kept for the report, not applied"
    );
}

#[test]
fn tiers_decide_what_heals() {
    let suite = suite(&[("T-L1", "L1"), ("T-L2", "L2"), ("T-L3", "L3")], vec![]);
    let failing = [
        ("T-L1", "probe", 1),
        ("T-L2", "probe", 1),
        ("T-L3", "probe", 1),
    ];
    let heal = options(Healing::On { allow_l2: false }, 1);
    let (report, fake) = run_fake(&suite, Fake::new(&failing), &heal, &Cancel::new());
    assert_eq!(
        outcomes(&report),
        [
            ("T-L1".to_owned(), Outcome::Healed),
            ("T-L2".to_owned(), Outcome::Escalated),
            ("T-L3".to_owned(), Outcome::Escalated)
        ]
    );
    assert_eq!(fake.steps_of("T-L1"), ["probe", "remediate", "verify"]);
    assert_eq!(
        fake.steps_of("T-L2"),
        ["probe"],
        "L2 waits for --allow-tier L2"
    );

    let allow = options(Healing::On { allow_l2: true }, 1);
    let (report, fake) = run_fake(&suite, Fake::new(&failing), &allow, &Cancel::new());
    assert_eq!(
        report.cases().nth(1).unwrap().verdict.outcome,
        Outcome::Healed
    );
    assert_eq!(fake.steps_of("T-L3"), ["probe"], "L3 is never remediated");
}

#[test]
fn a_platform_that_cannot_be_read_is_a_target_error_for_every_case() {
    let suite = suite(&[("T-001", "L1"), ("T-002", "L3")], vec![]);
    let mut fake = Fake::new(&[]);
    fake.platform = Err("connection refused");
    let (report, fake) = run_fake(&suite, fake, &options(Healing::Off, 2), &Cancel::new());
    assert!(
        report
            .cases()
            .all(|case| case.verdict.outcome == Outcome::TargetError)
    );
    assert!(fake.ran.lock().unwrap().is_empty(), "no step ran");
}

#[test]
fn cancellation_marks_unfinished_cases_interrupted() {
    let suite = suite(&[("T-001", "L1"), ("T-002", "L1")], vec![]);
    let cancel = Cancel::new();
    cancel.cancel();
    let (report, _) = run_fake(&suite, Fake::new(&[]), &options(Healing::Off, 1), &cancel);
    assert!(report.interrupted);
    assert!(
        report
            .cases()
            .all(|case| case.verdict.outcome == Outcome::Interrupted)
    );
}

#[test]
fn cases_are_reported_in_runbook_order_whatever_the_jobs() {
    let ids: Vec<String> = (0..40).rev().map(|i| format!("T-{i:03}")).collect();
    let runbooks: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "L1")).collect();
    let suite = suite(&runbooks, vec![]);
    for jobs in [1, 3, 8] {
        let (report, _) = run_fake(
            &suite,
            Fake::new(&[]),
            &options(Healing::Off, jobs),
            &Cancel::new(),
        );
        let order: Vec<String> = outcomes(&report).into_iter().map(|(id, _)| id).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "--jobs {jobs}");
        assert_eq!(order.len(), 40);
    }
}

#[test]
fn a_remediation_that_fails_is_never_verified() {
    let suite = suite(&[("T-001", "L1")], vec![]);
    let fake = Fake::new(&[("T-001", "probe", 1), ("T-001", "remediate", 2)]);
    let heal = options(Healing::On { allow_l2: false }, 1);
    let (report, fake) = run_fake(&suite, fake, &heal, &Cancel::new());
    assert_eq!(
        report.cases().next().unwrap().verdict.outcome,
        Outcome::RemediationFailed
    );
    assert_eq!(fake.steps_of("T-001"), ["probe", "remediate"]);
}
