//! Input errors that point at the place: file, line, column, field, what was
//! expected, and a "did you mean" hint where one is plausible.

use std::fmt;

use serde::de::DeserializeOwned;

/// Bad input: nothing runs, and comply exits with code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// 1-based line and column, where the parser knows them.
    pub position: Option<(usize, usize)>,
    /// The field path, e.g. `runbooks[2].hipaa[0]`.
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl InputError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            position: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn at(mut self, text: &str, offset: usize) -> Self {
        self.position = Some(line_col(text, offset));
        self
    }

    pub fn hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Deserializes JSON, keeping the field path and position of any error.
pub fn from_json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, InputError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| json_error(file, error))?;
    deserializer.end().map_err(|error| {
        json_position(InputError::new(file, strip_json_position(&error)), &error)
    })?;
    Ok(value)
}

fn json_error(file: &str, error: serde_path_to_error::Error<serde_json::Error>) -> InputError {
    let field = path_of(error.path());
    let inner = error.inner();
    let message = strip_json_position(inner);
    let error = InputError::new(file, explain(&message)).hint(unknown_field_hint(&message));
    let error = json_position(error, inner);
    match field {
        Some(field) => error.field(field),
        None => error,
    }
}

fn json_position(mut error: InputError, inner: &serde_json::Error) -> InputError {
    if inner.line() > 0 {
        error.position = Some((inner.line(), inner.column()));
    }
    error
}

/// serde_json appends " at line L column C" to its messages; the position is
/// reported separately.
fn strip_json_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}

/// Deserializes TOML, keeping the field path and position of any error.
pub fn from_toml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, InputError> {
    let deserializer =
        toml::de::Deserializer::parse(text).map_err(|e| toml_error(file, text, &e))?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = path_of(error.path());
        let mut input_error = toml_error(file, text, error.inner());
        input_error.field = field;
        input_error
    })
}

fn toml_error(file: &str, text: &str, error: &toml::de::Error) -> InputError {
    let message = error.message().trim().to_owned();
    let input_error = InputError::new(file, explain(&message)).hint(unknown_field_hint(&message));
    match error.span() {
        Some(span) => input_error.at(text, span.start),
        None => input_error,
    }
}

fn path_of(path: &serde_path_to_error::Path) -> Option<String> {
    let rendered = path.to_string();
    (rendered != ".").then_some(rendered)
}

/// Adds what an operator needs to the few serde messages that leave it out.
fn explain(message: &str) -> String {
    if message.starts_with("unknown field") {
        // A misspelt field must never silently become an empty runbook.
        format!("{message}; comply refuses unknown fields")
    } else {
        message.to_owned()
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`", the closest
/// expected name.
pub fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    // The unknown name may hold backticks itself: the expected names are
    // what follows serde's last "`, expected ".
    let (unknown, expected) = rest.rsplit_once("`, expected ")?;
    let expected = expected.split('`').skip(1).step_by(2);
    crate::suggest::closest(unknown, expected).map(|name| format!("did you mean `{name}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        probe_script: String,
        remediate_script: Option<String>,
    }

    #[test]
    fn an_unknown_name_with_backticks_is_told_apart_from_the_expected_ones() {
        assert_eq!(
            unknown_field_hint(
                "unknown field `probe_scirpt``, expected one of `probe_script`, `title`"
            )
            .as_deref(),
            Some("did you mean `probe_script`?")
        );
        assert_eq!(
            unknown_field_hint("unknown field `a`b`, expected `probe_script` or `title`"),
            None
        );
    }

    #[test]
    fn json_errors_name_line_column_field_and_suggestion() {
        let text = "{\"items\": [\n {\"probe_script\": \"x\",\n  \"remediate_scirpt\": \"y\"}]}";
        let error = from_json::<Doc>("b.json", text).unwrap_err();
        assert_eq!(error.file, "b.json");
        assert_eq!(error.position.unwrap().0, 3);
        assert_eq!(error.field.as_deref(), Some("items[0].remediate_scirpt"));
        assert!(
            error
                .message
                .starts_with("unknown field `remediate_scirpt`")
        );
        assert_eq!(
            error.hint.as_deref(),
            Some("did you mean `remediate_script`?")
        );
    }

    #[test]
    fn toml_errors_name_line_and_field() {
        let text = "[[items]]\nprobe_script = \"x\"\n\n[[items]]\nprobe_script = 3\n";
        let error = from_toml::<Doc>("s.toml", text).unwrap_err();
        assert_eq!(error.position.unwrap().0, 5);
        assert_eq!(error.field.as_deref(), Some("items[1].probe_script"));
        assert!(error.to_string().starts_with("s.toml:5:"), "{error}");
    }

    #[test]
    fn json_syntax_errors_have_positions() {
        let error = from_json::<Doc>("b.json", "{\"items\": [}").unwrap_err();
        assert_eq!(error.position, Some((1, 12)));
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 9), (2, 6));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
