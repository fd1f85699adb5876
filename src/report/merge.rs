//! `comply merge`: the shard reports of one partitioned run (`--partition`)
//! back into one. Only a complete set is merged: every shard 1..N of one
//! plan exactly once (same strategy, N and plan hash, recorded in each
//! shard's report), from the same suite, runbooks, inputs, mode and comply
//! version, each target seen from the same host, and no case twice — so a
//! missing or failed shard can never make a merged report green. The
//! merged document lists targets in the order they first appear and their
//! cases in report order, with totals and times recomputed, so it renders
//! exactly like an unsharded run's.

use std::time::Duration;

use super::json::{Case, Document, Target, Timestamp, totals};
use crate::load::InputError;
use crate::partition::{Partition, Shard};

/// A case and the report it came from.
type Sourced = (Case, String);

/// Merges documents read from the files named alongside them.
pub fn merge(shards: Vec<(String, Document)>) -> Result<Document, InputError> {
    let plan = complete_set(&shards)?;
    let first_file = shards[0].0.clone();
    let mut merged: Option<Document> = None;
    let mut cases: Vec<Vec<Sourced>> = Vec::new();
    for (file, mut shard) in shards {
        let targets = std::mem::take(&mut shard.targets);
        // The first shard's header, without its cases (cheap to copy now).
        let merged = merged.get_or_insert_with(|| Document {
            shard: None,
            ..shard.clone()
        });
        same_run(&first_file, merged, &file, &shard)?;
        merged.interrupted |= shard.interrupted;
        (merged.started_at, merged.duration_s) = span(
            (&merged.started_at, merged.duration_s),
            (&shard.started_at, shard.duration_s),
        );
        for mut target in targets {
            let from = std::mem::take(&mut target.cases);
            let index = match merged
                .targets
                .iter()
                .position(|t| t.target == target.target)
            {
                Some(index) => {
                    let into = &mut merged.targets[index];
                    same_host(&first_file, into, &file, &target)?;
                    (into.started_at, into.duration_s) = span(
                        (&into.started_at, into.duration_s),
                        (&target.started_at, target.duration_s),
                    );
                    index
                }
                None => {
                    merged.targets.push(target);
                    cases.push(Vec::new());
                    merged.targets.len() - 1
                }
            };
            cases[index].extend(from.into_iter().map(|case| (case, file.clone())));
        }
    }
    let mut merged = merged.expect("complete_set checked there is one");
    let mut count = 0;
    for (target, mut sourced) in merged.targets.iter_mut().zip(cases) {
        sourced.sort_by(|(a, _), (b, _)| order(a).cmp(&order(b)));
        if let Some(pair) = sourced
            .windows(2)
            .find(|pair| pair[0].0.key() == pair[1].0.key())
        {
            let ((case, first), (_, second)) = (&pair[0], &pair[1]);
            return Err(InputError::new(
                second.clone(),
                format!(
                    "case `{}` on `{}` is also in `{first}`: shards of one run never share a case",
                    case.name, target.target
                ),
            ));
        }
        count += sourced.len();
        target.cases = sourced.into_iter().map(|(case, _)| case).collect();
        target.totals = totals(&target.cases);
    }
    if count != plan.plan_cases {
        return Err(InputError::new(
            first_file,
            format!(
                "the shards hold {count} cases and their plan has {}: a shard ran with other \
                 targets, fixtures or selections",
                plan.plan_cases
            ),
        ));
    }
    merged.totals = totals(merged.cases());
    Ok(merged)
}

/// Checks the reports are every shard of one plan, once each; returns the
/// plan they share.
fn complete_set(shards: &[(String, Document)]) -> Result<Shard, InputError> {
    let mut seen: Vec<Option<&str>> = Vec::new();
    let mut plan: Option<(&str, &Shard, Partition)> = None;
    for (file, document) in shards {
        let not_a_shard = |why: String| InputError::new(file.clone(), why).field("shard");
        let shard = document.shard.as_ref().ok_or_else(|| {
            not_a_shard("not a shard: only the reports of a run with --partition are merged".into())
        })?;
        let partition: Partition = shard.partition.parse().map_err(not_a_shard)?;
        match plan {
            None => {
                seen = vec![None; partition.total as usize];
                plan = Some((file, shard, partition));
            }
            Some((first_file, first, first_partition)) => {
                if partition.strategy != first_partition.strategy
                    || partition.total != first_partition.total
                    || shard.plan_cases != first.plan_cases
                    || shard.plan_sha256 != first.plan_sha256
                {
                    return Err(not_a_shard(format!(
                        "shard `{}` of a plan of {} cases is not of `{first_file}`'s plan \
                         (`{}`, {} cases, plan SHA-256 {} vs {})",
                        shard.partition,
                        shard.plan_cases,
                        first.partition,
                        first.plan_cases,
                        &shard.plan_sha256[..12.min(shard.plan_sha256.len())],
                        &first.plan_sha256[..12.min(first.plan_sha256.len())],
                    )));
                }
            }
        }
        let slot = &mut seen[partition.shard as usize - 1];
        if let Some(other) = slot {
            return Err(not_a_shard(format!(
                "shard `{}` is also `{other}`",
                shard.partition
            )));
        }
        *slot = Some(file);
    }
    let (first_file, first, partition) = plan.expect("clap requires one report at least");
    let missing: Vec<String> = (1..=partition.total)
        .filter(|k| seen[*k as usize - 1].is_none())
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(InputError::new(
            first_file,
            format!(
                "{} {} of {} {} missing: a merged report must hold every case of the plan",
                if missing.len() == 1 {
                    "shard"
                } else {
                    "shards"
                },
                missing.join(", "),
                partition.total,
                if missing.len() == 1 { "is" } else { "are" },
            ),
        )
        .field("shard"));
    }
    Ok(first.clone())
}

/// Report order: runbook, then (in the gate) scenario.
fn order(case: &Case) -> (&str, Option<&str>) {
    (case.runbook.as_str(), case.scenario.as_deref())
}

fn refuse(file: &str, field: &str, why: String) -> InputError {
    InputError::new(file.to_owned(), why).field(field)
}

/// Refuses a shard of another run.
fn same_run(
    first_file: &str,
    first: &Document,
    file: &str,
    shard: &Document,
) -> Result<(), InputError> {
    let differs = [
        (
            "comply_version",
            first.comply_version != shard.comply_version,
        ),
        ("mode", first.mode != shard.mode),
        ("suite", first.meta.suite != shard.meta.suite),
        (
            "suite_source",
            first.meta.suite_source != shard.meta.suite_source,
        ),
        (
            "runbooks_sha256",
            first.meta.runbooks_sha256 != shard.meta.runbooks_sha256,
        ),
        ("inputs", first.meta.inputs != shard.meta.inputs),
    ];
    match differs.iter().find(|(_, differs)| *differs) {
        Some((field, _)) => Err(refuse(
            file,
            field,
            format!(
                "`{field}` differs from `{first_file}`'s: only shards of one run can be merged"
            ),
        )),
        None => Ok(()),
    }
}

/// Refuses a target seen from another host (or, in the gate, another
/// fixture image): its cases would be credited to the wrong machine.
fn same_host(
    first_file: &str,
    first: &Target,
    file: &str,
    target: &Target,
) -> Result<(), InputError> {
    for (field, a, b) in [
        ("hostname", &first.hostname, &target.hostname),
        ("platform", &first.platform, &target.platform),
    ] {
        if a != b {
            return Err(refuse(
                file,
                field,
                format!(
                    "target `{}` is `{b}` here and `{a}` in `{first_file}`: shards must run on the same hosts",
                    target.target
                ),
            ));
        }
    }
    Ok(())
}

/// The earliest start and the span to the latest end of two runs (shards
/// run one after another make it longer than either).
fn span(a: (&Timestamp, f64), b: (&Timestamp, f64)) -> (Timestamp, f64) {
    let end = |(start, duration_s): (&Timestamp, f64)| {
        start.time() + Duration::try_from_secs_f64(duration_s).unwrap_or_default()
    };
    let start = if b.0.time() < a.0.time() { b.0 } else { a.0 };
    let latest = end(a).max(end(b));
    let span = (latest - start.time()).to_std().unwrap_or_default();
    (start.clone(), span.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).unwrap()
    }

    #[test]
    fn the_span_runs_from_the_first_start_to_the_last_end() {
        let (start, duration) = span(
            (&at("2026-11-30T10:00:10.000+00:00"), 5.0),
            (&at("2026-11-30T10:00:00.000+00:00"), 3.0),
        );
        assert_eq!(start.as_str(), "2026-11-30T10:00:00.000+00:00");
        assert!((duration - 15.0).abs() < 1e-9, "{duration}");
        // One inside the other: the outer one.
        let (_, duration) = span(
            (&at("2026-11-30T10:00:00.000+01:00"), 60.0),
            (&at("2026-11-30T09:00:10.000+00:00"), 1.0),
        );
        assert!((duration - 60.0).abs() < 1e-9, "{duration}");
    }
}
