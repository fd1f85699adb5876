//! `comply merge`: shard reports (`--partition`) back into one. Shards must
//! come from the same suite, runbooks, inputs, mode and comply version, and
//! no case may be in two of them; the merged document lists targets in the
//! order they first appear and their cases in report order, with totals
//! and times recomputed, so it renders exactly like an unsharded run's.

use std::time::Duration;

use super::json::{Case, Document, Target, Timestamp};
use crate::load::InputError;
use crate::results::Totals;

/// Merges documents read from the files named alongside them.
pub fn merge(shards: Vec<(String, Document)>) -> Result<Document, InputError> {
    let mut shards = shards.into_iter();
    let (first_file, mut merged) = shards.next().expect("clap requires one report at least");
    // Cases are sorted and counted again below, whoever ran them.
    let mut sources: Vec<Vec<String>> = merged
        .targets
        .iter()
        .map(|target| vec![first_file.clone(); target.cases.len()])
        .collect();
    for (file, shard) in shards {
        same_run(&first_file, &merged, &file, &shard)?;
        merged.interrupted |= shard.interrupted;
        let (start, duration) = span(
            (&merged.started_at, merged.duration_s),
            (&shard.started_at, shard.duration_s),
        );
        merged.started_at = start;
        merged.duration_s = duration;
        for target in shard.targets {
            let index = match merged
                .targets
                .iter()
                .position(|t| t.target == target.target)
            {
                Some(index) => index,
                None => {
                    merged.targets.push(Target {
                        cases: Vec::new(),
                        ..target.clone()
                    });
                    sources.push(Vec::new());
                    merged.targets.len() - 1
                }
            };
            let into = &mut merged.targets[index];
            let (start, duration) = span(
                (&into.started_at, into.duration_s),
                (&target.started_at, target.duration_s),
            );
            into.started_at = start;
            into.duration_s = duration;
            sources[index].extend(std::iter::repeat_n(file.clone(), target.cases.len()));
            into.cases.extend(target.cases);
        }
    }
    for (target, sources) in merged.targets.iter_mut().zip(sources) {
        let mut cases: Vec<(Case, String)> = std::mem::take(&mut target.cases)
            .into_iter()
            .zip(sources)
            .collect();
        cases.sort_by(|(a, _), (b, _)| order(a).cmp(&order(b)));
        for pair in cases.windows(2) {
            let ((a, a_file), (b, b_file)) = (&pair[0], &pair[1]);
            if a.key() == b.key() {
                return Err(InputError::new(
                    b_file.clone(),
                    format!(
                        "case `{}` on `{}` is also in `{a_file}`: shards of one run never share a case",
                        b.name, target.target
                    ),
                ));
            }
        }
        target.cases = cases.into_iter().map(|(case, _)| case).collect();
        target.totals = totals(&target.cases);
    }
    merged.totals = totals(merged.cases());
    Ok(merged)
}

/// Report order: runbook, then (in the gate) scenario.
fn order(case: &Case) -> (&str, Option<&str>) {
    (case.runbook.as_str(), case.scenario.as_deref())
}

fn totals<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Totals {
    Totals::of_statuses(cases.into_iter().map(|case| case.status))
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
        Some((field, _)) => Err(InputError::new(
            file.to_owned(),
            format!(
                "`{field}` differs from `{first_file}`'s: only shards of one run can be merged"
            ),
        )
        .field(*field)),
        None => Ok(()),
    }
}

/// The earliest start and the span to the latest end of two runs.
fn span(a: (&Timestamp, f64), b: (&Timestamp, f64)) -> (Timestamp, f64) {
    let end = |(start, duration_s): (&Timestamp, f64)| {
        start.time() + Duration::try_from_secs_f64(duration_s).unwrap_or_default()
    };
    let start = if b.0.time() < a.0.time() { b.0 } else { a.0 };
    let latest = end(a).max(end(b));
    let span = (latest - start.time()).to_std().unwrap_or_default();
    (start.clone(), span.as_secs_f64())
}
