//! Input values: what a suite passes to runbooks, bounded in size and
//! typed like the runbook's declared default.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::InputName;

/// The longest input value: 128 KiB (the kernel's limit for one environment
/// string) less room for the `COMPLY_INPUT_<NAME>=` before it.
pub const MAX_INPUT_BYTES: usize = 128 * 1024 - 1024;

/// Deserializes a runbook's `inputs`: a key given twice is an error rather
/// than last-wins, and every value must be one scripts can receive.
pub fn checked_inputs<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<InputName, InputValue>, D::Error> {
    struct InputsVisitor;

    impl<'de> Visitor<'de> for InputsVisitor {
        type Value = BTreeMap<InputName, InputValue>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a table of input names and default values")
        }

        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut inputs = BTreeMap::new();
            while let Some(name) = map.next_key::<InputName>()? {
                let value: InputValue = map.next_value()?;
                if let Some(problem) = value.env_problem() {
                    return Err(de::Error::custom(format!("input `{name}` {problem}")));
                }
                if inputs.contains_key(&name) {
                    return Err(de::Error::custom(format!("input `{name}` is given twice")));
                }
                inputs.insert(name, value);
            }
            Ok(inputs)
        }
    }

    deserializer.deserialize_map(InputsVisitor)
}

/// An input value as written in TOML or JSON. Scripts receive it as a
/// string: numbers in decimal, booleans as `true`/`false`, and lists as
/// their elements separated by single spaces (so `for host in $VAR` works).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum InputValue {
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    List(Vec<InputValue>),
}

impl InputValue {
    pub fn to_env(&self) -> String {
        match self {
            InputValue::Bool(value) => value.to_string(),
            InputValue::Integer(value) => value.to_string(),
            InputValue::Float(value) => value.to_string(),
            InputValue::String(value) => value.clone(),
            InputValue::List(values) => values
                .iter()
                .map(InputValue::to_env)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// Why scripts could not receive this value as an environment variable:
    /// a NUL byte ends a C string, and the kernel refuses a single
    /// environment string over 128 KiB (`MAX_ARG_STRLEN`) at exec time.
    pub fn env_problem(&self) -> Option<String> {
        let text = self.to_env();
        if text.contains('\0') {
            Some("contains a NUL byte, which no environment variable can hold".to_owned())
        } else if text.len() > MAX_INPUT_BYTES {
            Some(format!(
                "is {} bytes long: an input value is at most {MAX_INPUT_BYTES} bytes, since the \
                 kernel refuses longer environment strings",
                text.len()
            ))
        } else {
            None
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            InputValue::Bool(_) => "a boolean",
            InputValue::Integer(_) => "an integer",
            InputValue::Float(_) => "a number",
            InputValue::String(_) => "a string",
            InputValue::List(_) => "a list",
        }
    }

    /// Reads a `--input K=V` value as the same kind as the runbook's default,
    /// so `--input log_retention_days=ninety` is refused like a TOML typo.
    pub fn parse_like(&self, text: &str) -> Result<InputValue, String> {
        let parsed = match self {
            InputValue::Bool(_) => text.parse().map(InputValue::Bool).ok(),
            InputValue::Integer(_) => text.parse().map(InputValue::Integer).ok(),
            InputValue::Float(_) => text.parse().map(InputValue::Float).ok(),
            InputValue::String(_) => Some(InputValue::String(text.to_owned())),
            // `a,b`, `a b`, or TOML-like `[a, "b"]`.
            InputValue::List(_) => Some(InputValue::List(
                text.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split([',', ' '])
                    .map(|item| item.trim_matches(['"', '\'']))
                    .filter(|item| !item.is_empty())
                    .map(|item| InputValue::String(item.to_owned()))
                    .collect(),
            )),
        };
        parsed.ok_or_else(|| format!("`{text}` is not {}", self.kind()))
    }

    /// Whether `other` may replace this default (same kind; integers may
    /// stand where a number is expected).
    pub fn same_kind(&self, other: &InputValue) -> bool {
        matches!(
            (self, other),
            (InputValue::Bool(_), InputValue::Bool(_))
                | (InputValue::Integer(_), InputValue::Integer(_))
                | (
                    InputValue::Float(_),
                    InputValue::Float(_) | InputValue::Integer(_)
                )
                | (InputValue::String(_), InputValue::String(_))
                | (InputValue::List(_), InputValue::List(_))
        )
    }
}
