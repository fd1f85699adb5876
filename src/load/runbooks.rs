//! Runbook bundles (JSON) and runbook directories (TOML plus scripts).
//!
//! One file: the two forms are two spellings of one runbook and must
//! validate alike.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::error::{from_json, from_toml};
use super::{InputError, Place};
use crate::model::{
    CitationRef, DEFAULT_TIMEOUT_S, Expect, InputName, InputValue, MAX_SCRIPT_BYTES, Platform,
    Runbook, RunbookId, Scenario, Script, ScriptSet, Tier,
};

use crate::bundle::BUNDLE_SCHEMA;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle {
    #[serde(deserialize_with = "bundle_schema")]
    #[allow(dead_code, reason = "validated while deserializing")]
    schema: (),
    runbooks: Vec<BundleRunbook>,
}

fn bundle_schema<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
    let schema = String::deserialize(deserializer)?;
    if schema == BUNDLE_SCHEMA {
        Ok(())
    } else {
        Err(de::Error::custom(format!(
            "unsupported schema `{schema}`: expected `{BUNDLE_SCHEMA}`"
        )))
    }
}

/// The fields a runbook has in both forms. Bundles add the scripts;
/// directories keep them in files.
macro_rules! runbook_struct {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            id: RunbookId,
            #[serde(default)]
            check: Option<String>,
            title: String,
            #[serde(deserialize_with = "non_empty")]
            hipaa: Vec<CitationRef>,
            tier: Tier,
            #[serde(default, deserialize_with = "non_empty_option")]
            platforms: Option<Vec<Platform>>,
            #[serde(default, deserialize_with = "crate::model::checked_inputs")]
            inputs: BTreeMap<InputName, InputValue>,
            #[serde(default, deserialize_with = "positive_option")]
            timeout_s: Option<u64>,
            $($extra)*
        }
    };
}

runbook_struct!(
    /// A runbook inside a bundle.
    BundleRunbook {
        probe_script: ScriptSet,
        #[serde(default)]
        remediate_script: Option<ScriptSet>,
        #[serde(default)]
        verify_script: Option<ScriptSet>,
        #[serde(default)]
        scenarios: Vec<Scenario>,
    }
);

runbook_struct!(
    /// `runbook.toml` in a runbook directory.
    RunbookToml {
        /// Shell libraries from the `lib/` directory beside the runbook
        /// directories, prepended to each of its scripts.
        #[serde(default)]
        lib: Vec<String>,
    }
);

/// The directory of shared shell code beside runbook directories.
pub const LIB_DIR: &str = "lib";

fn non_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    let values = Vec::<T>::deserialize(d)?;
    if values.is_empty() {
        return Err(de::Error::custom("must list at least one value"));
    }
    Ok(values)
}

fn non_empty_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    let values = Vec::<T>::deserialize(d)?;
    if values.is_empty() {
        return Err(de::Error::custom(
            "is empty: list at least one platform, or leave the field out to mean every platform",
        ));
    }
    Ok(Some(values))
}

fn positive_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    crate::model::timeout_seconds(d).map(Some)
}

/// Everything a runbook has, before the checks that span fields.
struct Parts {
    id: RunbookId,
    check: Option<String>,
    title: String,
    hipaa: Vec<CitationRef>,
    tier: Tier,
    platforms: Option<Vec<Platform>>,
    inputs: BTreeMap<InputName, InputValue>,
    timeout_s: Option<u64>,
    probe: ScriptSet,
    remediate: Option<ScriptSet>,
    verify: Option<ScriptSet>,
    scenarios: Vec<Scenario>,
}

impl Parts {
    /// The rules between fields: a healing tier needs a remediation (its
    /// emptiness is an outcome, its absence an authoring error), L3 has none.
    fn finish(
        self,
        origin: String,
        error: impl Fn(&str, String) -> InputError,
    ) -> Result<Runbook, InputError> {
        match (&self.remediate, self.tier.heals()) {
            (None, true) => {
                return Err(error(
                    "remediate_script",
                    format!(
                        "is required for tier {}; an empty script is allowed and is reported \
                         as `empty-runbook`",
                        self.tier
                    ),
                ));
            }
            (Some(_), false) => {
                return Err(error(
                    "remediate_script",
                    "L3 runbooks are never remediated automatically: remove the remediation \
                     or change the tier"
                        .to_owned(),
                ));
            }
            _ => {}
        }
        if self.title.trim().is_empty() {
            return Err(error("title", "must not be empty".to_owned()));
        }
        let sets = [
            ("probe_script", Some(&self.probe)),
            ("remediate_script", self.remediate.as_ref()),
            ("verify_script", self.verify.as_ref()),
        ];
        let scripts = sets
            .into_iter()
            .flat_map(|(field, set)| {
                set.into_iter()
                    .flat_map(ScriptSet::variants)
                    .map(move |(_, script)| (field, script))
            })
            .chain(self.scenarios.iter().map(|s| ("scenarios", &s.script)));
        for (field, script) in scripts {
            runnable(script.text()).map_err(|why| error(field, why))?;
        }
        Ok(Runbook {
            id: self.id,
            check: self.check,
            title: self.title,
            hipaa: self.hipaa,
            tier: self.tier,
            platforms: self.platforms,
            inputs: self.inputs,
            probe: self.probe,
            remediate: self.remediate,
            verify: self.verify,
            timeout_s: self.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S),
            scenarios: self.scenarios,
            origin,
        })
    }
}

/// Why a script could not be handed to a target: it travels as one
/// command-line argument (see `target::script`), which holds no NUL byte and
/// at most [`MAX_SCRIPT_BYTES`].
fn runnable(text: &str) -> Result<(), String> {
    if text.contains('\0') {
        Err("contains a NUL byte: a script is text".to_owned())
    } else if text.len() > MAX_SCRIPT_BYTES {
        Err(format!(
            "is {} bytes: a script is at most {MAX_SCRIPT_BYTES} bytes",
            text.len()
        ))
    } else {
        Ok(())
    }
}

/// Loads runbooks from a bundle file, a runbook directory, or a directory
/// of runbook directories.
pub fn load_path(place: &Place) -> Result<Vec<Runbook>, InputError> {
    if !place.exists() {
        return Err(InputError::new(
            place.to_string(),
            "no such file or directory: expected a runbook bundle (.json) or a runbook directory",
        ));
    }
    if !place.is_dir() {
        return load_bundle(place);
    }
    if place.join("runbook.toml").exists() {
        return Ok(vec![load_dir(place)?]);
    }
    let mut runbooks = Vec::new();
    for (child, is_dir) in place.children()? {
        if !is_dir || child.file_name() == LIB_DIR {
            continue;
        }
        if !child.join("runbook.toml").exists() {
            return Err(InputError::new(
                child.to_string(),
                "a directory of runbooks may hold only runbook directories and `lib/`, and \
                 this one has no `runbook.toml`",
            ));
        }
        runbooks.push(load_dir(&child)?);
    }
    Ok(runbooks)
}

pub fn load_bundle(place: &Place) -> Result<Vec<Runbook>, InputError> {
    let text = place.read_to_string_up_to(super::place::MAX_BUNDLE_BYTES)?;
    parse_bundle(&place.to_string(), &text)
}

/// The runbooks of a bundle's text; `file` names it in errors.
pub fn parse_bundle(file: &str, text: &str) -> Result<Vec<Runbook>, InputError> {
    let bundle: RawBundle = from_json(file, text)?;
    bundle
        .runbooks
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            let parts = Parts {
                id: raw.id,
                check: raw.check,
                title: raw.title,
                hipaa: raw.hipaa,
                tier: raw.tier,
                platforms: raw.platforms,
                inputs: raw.inputs,
                timeout_s: raw.timeout_s,
                probe: raw.probe_script,
                remediate: raw.remediate_script,
                verify: raw.verify_script,
                scenarios: raw.scenarios,
            };
            let origin = format!("{file}#{}", parts.id);
            parts.finish(origin, |field, message| {
                InputError::new(file, message).field(format!("runbooks[{index}].{field}"))
            })
        })
        .collect()
}

/// The script roles of a runbook directory and their file stems.
const SCRIPT_STEMS: [&str; 3] = ["probe", "remediate", "verify"];

/// Checks the text of a `runbook.toml` as `load_dir` reads it.
pub fn parse_runbook_toml(file: &str, text: &str) -> Result<(), InputError> {
    from_toml::<RunbookToml>(file, text).map(drop)
}

pub fn load_dir(place: &Place) -> Result<Runbook, InputError> {
    let toml_place = place.join("runbook.toml");
    toml_place.check_inside(place)?;
    let toml_file = toml_place.to_string();
    let meta: RunbookToml = from_toml(&toml_file, &toml_place.read_to_string()?)?;
    if meta.id.as_str() != place.file_name() {
        return Err(InputError::new(
            &toml_file,
            format!(
                "id `{}` differs from its directory name `{}`: rename one so they match",
                meta.id,
                place.file_name()
            ),
        )
        .field("id"));
    }

    let libraries = read_libraries(place, &meta.lib, &toml_file)?;
    let mut scripts: HashMap<&str, ScriptSet> = HashMap::new();
    for (child, is_dir) in place.children()? {
        let name = child.file_name();
        if is_dir || !name.ends_with(".sh") {
            continue;
        }
        let stem = name.trim_end_matches(".sh");
        let (role, platform) = match stem.split_once('.') {
            // The default is the bare `probe.sh`: a `probe.default.sh` beside
            // it would silently replace it.
            Some((role, "default")) => {
                return Err(InputError::new(
                    child.to_string(),
                    format!(
                        "ambiguous: the default {role} script is `{role}.sh`; name a variant \
                         after its platform (`{role}.nixos.sh`)"
                    ),
                ));
            }
            Some(parts) => parts,
            None => (stem, "default"),
        };
        let Some(role) = SCRIPT_STEMS.into_iter().find(|r| *r == role) else {
            let expected = SCRIPT_STEMS.map(|stem| format!("{stem}.sh"));
            let hint = crate::suggest::closest(&name, expected.iter().map(String::as_str))
                .map(|name| format!("did you mean `{name}`?"));
            return Err(InputError::new(
                child.to_string(),
                "unexpected script: a runbook directory holds `probe.sh`, `remediate.sh`, \
                 `verify.sh` and their `<name>.<platform>.sh` variants",
            )
            .hint(hint));
        };
        child.check_inside(place)?;
        let script = Script::new(with_libraries(&child.read_to_string()?, &libraries));
        let set = scripts.entry(role).or_default();
        if platform == "default" {
            set.default = Some(script);
        } else {
            let platform = Platform::new(platform)
                .map_err(|message| InputError::new(child.to_string(), message))?;
            set.variants.insert(platform, script);
        }
    }

    let probe = scripts.remove("probe").ok_or_else(|| {
        InputError::new(
            place.to_string(),
            "has no `probe.sh`: every runbook needs a probe",
        )
    })?;
    let parts = Parts {
        id: meta.id,
        check: meta.check,
        title: meta.title,
        hipaa: meta.hipaa,
        tier: meta.tier,
        platforms: meta.platforms,
        inputs: meta.inputs,
        timeout_s: meta.timeout_s,
        probe,
        remediate: scripts.remove("remediate"),
        verify: scripts.remove("verify"),
        scenarios: load_scenarios(place)?,
    };
    parts.finish(place.to_string(), |field, message| {
        let file = match field {
            "probe_script" => place.join("probe.sh").to_string(),
            "remediate_script" => place.join("remediate.sh").to_string(),
            "verify_script" => place.join("verify.sh").to_string(),
            "scenarios" => place.join("scenarios").to_string(),
            _ => toml_file.clone(),
        };
        InputError::new(file, message)
    })
}

/// The text of the libraries a runbook names, in order: plain `*.sh` file
/// names in the `lib/` directory beside the runbook's own directory.
fn read_libraries(
    runbook: &Place,
    names: &[String],
    toml_file: &str,
) -> Result<String, InputError> {
    let dir = runbook.parent().join(LIB_DIR);
    let mut text = String::new();
    for (index, name) in names.iter().enumerate() {
        let plain = !name.contains('/') && name.ends_with(".sh") && !name.starts_with('.');
        let library = dir.join(name);
        if !plain || !library.exists() {
            return Err(InputError::new(
                toml_file,
                format!("`{name}` is not a library: expected the name of a `*.sh` file in `{dir}`"),
            )
            .field(format!("lib[{index}]")));
        }
        library.check_inside(&dir)?;
        text.push_str(&library.read_to_string()?);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok(text)
}

/// A script with the libraries' text put before its first line (after a
/// `#!` line), so what is hashed, reported and run is exactly what ran.
fn with_libraries(script: &str, libraries: &str) -> String {
    if libraries.is_empty() {
        return script.to_owned();
    }
    match script.strip_prefix("#!") {
        Some(_) => {
            let (shebang, rest) = script.split_once('\n').unwrap_or((script, ""));
            format!("{shebang}\n{libraries}{rest}")
        }
        None => format!("{libraries}{script}"),
    }
}

/// The scenarios of the runbook directory `runbook`.
fn load_scenarios(runbook: &Place) -> Result<Vec<Scenario>, InputError> {
    let dir = runbook.join("scenarios");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    dir.check_inside(runbook)?;
    let mut scenarios = Vec::new();
    for (child, is_dir) in dir.children()? {
        let file_name = child.file_name();
        let parsed = [
            (".broken.sh", Expect::Broken),
            (".compliant.sh", Expect::Compliant),
            (".refused.sh", Expect::Refused),
        ]
        .into_iter()
        .find_map(|(suffix, expect)| Some((file_name.strip_suffix(suffix)?, expect)));
        let Some((name, expect)) = parsed.filter(|_| !is_dir) else {
            return Err(InputError::new(
                child.to_string(),
                "unexpected entry: scenarios are files named `<name>.broken.sh`, \
                 `<name>.compliant.sh` or `<name>.refused.sh`",
            ));
        };
        child.check_inside(runbook)?;
        let text = child.read_to_string()?;
        scenarios.push(Scenario {
            name: name.to_owned(),
            expect,
            fixtures: fixtures_line(&text),
            script: Script::new(text),
        });
    }
    Ok(scenarios)
}

/// The optional `# fixtures: a, b` line in the comments that open a
/// scenario (after a shebang, if any).
fn fixtures_line(text: &str) -> Option<Vec<String>> {
    text.lines()
        .take_while(|line| line.starts_with('#'))
        .filter(|line| !line.starts_with("#!"))
        .find_map(|line| line.strip_prefix('#')?.trim().strip_prefix("fixtures:"))
        .map(|list| {
            list.split(',')
                .map(|name| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fixtures_line() {
        assert_eq!(
            fixtures_line("#!/bin/sh\n# fixtures: nixos-like, debian12-systemd\nrm x\n"),
            Some(vec!["nixos-like".to_owned(), "debian12-systemd".to_owned()])
        );
        assert_eq!(fixtures_line("# break the journal\nrm x\n"), None);
    }
}
