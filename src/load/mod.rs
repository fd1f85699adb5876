//! Turns suite TOML, runbook bundles and runbook directories into a
//! validated [`Suite`]. Loading is strict: any problem is an [`InputError`]
//! naming the file, line, column and field, and nothing runs.

mod error;
mod place;
pub mod runbooks;
pub mod suite;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use error::{InputError, from_json, from_toml};
pub use place::{MAX_BUNDLE_BYTES, Place};
pub use runbooks::load_path;

use crate::model::{InputName, InputValue, Runbook, Suite};

/// What to load, from the command line.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--suite F`; with neither this nor `runbooks`, the embedded suite.
    pub suite: Option<PathBuf>,
    /// `--runbooks P`: added to the suite's runbooks.
    pub runbooks: Vec<PathBuf>,
    /// `--input K=V`, applied over the suite's inputs.
    pub inputs: Vec<String>,
    /// `--only GLOB`: narrows the suite's selection.
    pub only: Vec<String>,
}

pub fn load(options: &LoadOptions) -> Result<Suite, InputError> {
    let suite_file = match (&options.suite, options.runbooks.is_empty()) {
        (Some(path), _) => Some(Place::Disk(path.clone())),
        (None, true) => Some(Place::Embedded(crate::embedded::DEFAULT_SUITE.into())),
        (None, false) => None,
    };
    let mut spec = match &suite_file {
        Some(place) => suite::read(place)?,
        None => suite::SuiteSpec::adhoc(),
    };
    spec.runbook_paths.extend(
        options
            .runbooks
            .iter()
            .map(|path| Place::Disk(path.clone())),
    );

    let loaded = load_all(&spec.runbook_paths)?;
    let inputs = resolve_inputs(&loaded, &spec, &options.inputs)?;
    let warnings = spec.stale_waivers(&loaded);

    let only = suite::compile_globs("--only", &options.only)?;
    let runbooks = loaded
        .into_iter()
        .filter(|runbook| spec.selects(&runbook.id))
        .filter(|runbook| only.is_empty() || only.is_match(runbook.id.as_str()))
        .map(Arc::new)
        .collect();

    Ok(Suite {
        name: spec.name,
        source: suite_file.map_or_else(|| "--runbooks".to_owned(), |place| place.to_string()),
        runbooks,
        inputs,
        waivers: spec.waivers,
        warnings,
    })
}

/// Loads every path, refusing a runbook id that appears twice; the result is
/// sorted by id so reports never depend on load order.
fn load_all(paths: &[Place]) -> Result<Vec<Runbook>, InputError> {
    let mut by_id: BTreeMap<String, Runbook> = BTreeMap::new();
    for place in paths {
        for runbook in load_path(place)? {
            if let Some(first) = by_id.get(runbook.id.as_str()) {
                return Err(InputError::new(
                    runbook.origin.clone(),
                    format!(
                        "duplicate runbook id `{}`: it is also defined by {}",
                        runbook.id, first.origin
                    ),
                )
                .field("id"));
            }
            by_id.insert(runbook.id.to_string(), runbook);
        }
    }
    Ok(by_id.into_values().collect())
}

/// Effective inputs: every runbook's defaults, then the suite's values, then
/// `--input`. An input no runbook declares is a typo, not a no-op.
fn resolve_inputs(
    runbooks: &[Runbook],
    spec: &suite::SuiteSpec,
    overrides: &[String],
) -> Result<BTreeMap<InputName, InputValue>, InputError> {
    let mut inputs: BTreeMap<InputName, (InputValue, &str)> = BTreeMap::new();
    for runbook in runbooks {
        for (name, value) in &runbook.inputs {
            match inputs.get(name) {
                Some((other, origin)) if other != value => {
                    return Err(InputError::new(
                        runbook.origin.clone(),
                        format!(
                            "input `{name}` defaults to `{}` here but to `{}` in {origin}: \
                             runbooks that share an input must agree on its default",
                            value.to_env(),
                            other.to_env()
                        ),
                    )
                    .field(format!("inputs.{name}")));
                }
                Some(_) => {}
                None => {
                    inputs.insert(name.clone(), (value.clone(), &runbook.origin));
                }
            }
        }
    }
    let mut effective: BTreeMap<InputName, InputValue> = inputs
        .into_iter()
        .map(|(name, (value, _))| (name, value))
        .collect();

    for assignment in &spec.inputs {
        let value = checked_input(&effective, &assignment.name, |default| {
            if default.same_kind(&assignment.value) {
                Ok(assignment.value.clone())
            } else {
                Err(format!(
                    "is {} but the runbooks' default `{}` is {}",
                    assignment.value.kind(),
                    default.to_env(),
                    default.kind()
                ))
            }
        })
        .and_then(deliverable)
        .map_err(|(message, hint)| {
            spec.error_at(assignment.offset, message)
                .field(format!("inputs.{}", assignment.name))
                .hint(hint)
        })?;
        effective.insert(InputName::new(&assignment.name).expect("checked"), value);
    }

    for assignment in overrides {
        let error = |message: String| InputError::new("--input", message).field(assignment.clone());
        let (name, text) = assignment
            .split_once('=')
            .ok_or_else(|| error("expected `NAME=VALUE`".to_owned()))?;
        let value = checked_input(&effective, name, |default| default.parse_like(text))
            .and_then(deliverable)
            .map_err(|(message, hint)| error(message).hint(hint))?;
        effective.insert(InputName::new(name).expect("checked"), value);
    }
    Ok(effective)
}

/// A value scripts can receive, or why not.
fn deliverable(value: InputValue) -> Result<InputValue, (String, Option<String>)> {
    match value.env_problem() {
        Some(problem) => Err((problem, None)),
        None => Ok(value),
    }
}

/// Checks an input name against the declared inputs and converts its value.
fn checked_input(
    declared: &BTreeMap<InputName, InputValue>,
    name: &str,
    convert: impl FnOnce(&InputValue) -> Result<InputValue, String>,
) -> Result<InputValue, (String, Option<String>)> {
    let default = declared
        .iter()
        .find(|(declared, _)| declared.as_str() == name)
        .map(|(_, value)| value);
    match default {
        Some(default) => convert(default).map_err(|message| (message, None)),
        None => {
            let hint = crate::suggest::closest(name, declared.keys().map(InputName::as_str))
                .map(|name| format!("did you mean `{name}`?"));
            Err((
                format!("no loaded runbook declares an input `{name}`"),
                hint,
            ))
        }
    }
}
