//! Suite TOML (README: File formats): which runbooks, their inputs, and waivers.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::error::from_toml;
use super::{InputError, Place};
use crate::model::{InputValue, Runbook, RunbookId, Waiver};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    name: String,
    runbooks: Vec<String>,
    #[serde(default)]
    inputs: BTreeMap<String, Spanned<InputValue>>,
    #[serde(default)]
    select: RawSelect,
    #[serde(default)]
    waivers: Vec<RawWaiver>,
    /// Whether every waiver must name its owner and approver (default).
    #[serde(default = "yes")]
    waivers_require_approval: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSelect {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    runbook: Spanned<RunbookId>,
    reason: String,
    expires: Spanned<DateField>,
    owner: Option<String>,
    approved_by: Option<String>,
}

/// `expires = "2027-01-31"` or the TOML date `expires = 2027-01-31`.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateField {
    Text(String),
    Toml(toml::value::Datetime),
}

/// A suite input as written, with its position for error messages.
pub struct InputAssignment {
    pub name: String,
    pub value: InputValue,
    pub offset: usize,
}

/// A parsed suite before its runbooks are loaded.
pub struct SuiteSpec {
    pub name: String,
    pub runbook_paths: Vec<Place>,
    pub inputs: Vec<InputAssignment>,
    include: GlobSet,
    exclude: GlobSet,
    pub waivers: Vec<Waiver>,
    /// Waiver runbook ids with their positions, checked once runbooks load.
    waiver_ids: Vec<(RunbookId, usize)>,
    file: String,
    text: String,
}

impl SuiteSpec {
    /// The suite of a bare `--runbooks` invocation.
    pub fn adhoc() -> Self {
        SuiteSpec {
            name: "runbooks".to_owned(),
            runbook_paths: Vec::new(),
            inputs: Vec::new(),
            include: GlobSet::empty(),
            exclude: GlobSet::empty(),
            waivers: Vec::new(),
            waiver_ids: Vec::new(),
            file: String::new(),
            text: String::new(),
        }
    }

    pub fn selects(&self, id: &RunbookId) -> bool {
        (self.include.is_empty() || self.include.is_match(id.as_str()))
            && !self.exclude.is_match(id.as_str())
    }

    pub fn error_at(&self, offset: usize, message: String) -> InputError {
        InputError::new(&self.file, message).at(&self.text, offset)
    }

    /// Waivers whose runbook is not loaded: a runbook removed from the
    /// suite leaves its waiver behind, which must not stop every run, and a
    /// typo leaves the real runbook unwaived (so it fails, visibly). Both
    /// are warnings, with the closest id when there is one.
    pub fn stale_waivers(&self, runbooks: &[Runbook]) -> Vec<String> {
        let mut warnings = Vec::new();
        for (index, (id, offset)) in self.waiver_ids.iter().enumerate() {
            if runbooks.iter().any(|runbook| &runbook.id == id) {
                continue;
            }
            let hint = crate::suggest::closest(id.as_str(), runbooks.iter().map(|r| r.id.as_str()))
                .map(|id| format!(" (did you mean `{id}`?)"))
                .unwrap_or_default();
            let (line, column) = super::error::line_col(&self.text, *offset);
            warnings.push(format!(
                "{}:{line}:{column}: waivers[{index}] names `{id}`, which no loaded runbook has: it waives nothing{hint}",
                self.file
            ));
        }
        warnings
    }
}

pub fn read(place: &Place) -> Result<SuiteSpec, InputError> {
    parse(place, place.read_to_string()?)
}

/// The suite in `text`, read from `place` (which relative runbook paths
/// are resolved against).
pub fn parse(place: &Place, text: String) -> Result<SuiteSpec, InputError> {
    let file = place.to_string();
    let raw: RawSuite = from_toml(&file, &text)?;
    let base = place.parent();

    let mut waivers = Vec::new();
    let mut waiver_ids = Vec::new();
    for (index, waiver) in raw.waivers.into_iter().enumerate() {
        let span = waiver.expires.span();
        let expires = match waiver.expires.into_inner() {
            DateField::Text(text) => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok(),
            DateField::Toml(datetime) => datetime.date.and_then(|date| {
                if datetime.time.is_some() {
                    return None;
                }
                chrono::NaiveDate::from_ymd_opt(
                    date.year.into(),
                    date.month.into(),
                    date.day.into(),
                )
            }),
        }
        .ok_or_else(|| {
            InputError::new(&file, "expected a date written `YYYY-MM-DD`")
                .at(&text, span.start)
                .field(format!("waivers[{index}].expires"))
        })?;
        if waiver.reason.trim().is_empty() {
            return Err(
                InputError::new(&file, "a waiver needs a reason an auditor can read")
                    .field(format!("waivers[{index}].reason")),
            );
        }
        let named = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        if raw.waivers_require_approval {
            for (field, value) in [
                ("owner", &waiver.owner),
                ("approved_by", &waiver.approved_by),
            ] {
                if !named(value) {
                    return Err(InputError::new(
                        &file,
                        "a waiver names its owner (who answers for the risk) and approved_by \
                         (who accepted it); a suite that does not track them says \
                         `waivers_require_approval = false`",
                    )
                    .field(format!("waivers[{index}].{field}")));
                }
            }
        }
        waiver_ids.push((
            waiver.runbook.get_ref().clone(),
            waiver.runbook.span().start,
        ));
        waivers.push(Waiver {
            runbook: waiver.runbook.into_inner(),
            reason: waiver.reason,
            expires,
            owner: waiver.owner.filter(|v| !v.trim().is_empty()),
            approved_by: waiver.approved_by.filter(|v| !v.trim().is_empty()),
        });
    }

    let located =
        |field: &str, error: String| InputError::new(&file, error).field(field.to_owned());
    Ok(SuiteSpec {
        name: raw.name,
        runbook_paths: raw.runbooks.iter().map(|path| base.join(path)).collect(),
        inputs: raw
            .inputs
            .into_iter()
            .map(|(name, value)| InputAssignment {
                name,
                offset: value.span().start,
                value: value.into_inner(),
            })
            .collect(),
        include: compile_globs("select.include", &raw.select.include)
            .map_err(|e| located("select.include", e.message))?,
        exclude: compile_globs("select.exclude", &raw.select.exclude)
            .map_err(|e| located("select.exclude", e.message))?,
        waivers,
        waiver_ids,
        file,
        text,
    })
}

/// Compiles runbook-id globs such as `LIN-*`.
pub fn compile_globs(origin: &str, patterns: &[String]) -> Result<GlobSet, InputError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|error| {
            InputError::new(
                origin,
                format!("`{pattern}` is not a valid glob: {}", error.kind()),
            )
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|error| InputError::new(origin, error.to_string()))
}
