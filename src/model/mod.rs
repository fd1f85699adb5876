//! The data comply works on: runbooks, their scripts, suites and waivers.
//!
//! Types here validate themselves when deserialized (ids, platforms,
//! citations, tiers), so that a loaded [`Runbook`] is always well-formed and
//! the loaders in [`crate::load`] only add what needs a whole document
//! (duplicate ids, unknown inputs, file locations).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Citation, Family};

mod input;
mod script;

pub use input::{InputValue, MAX_INPUT_BYTES, checked_inputs};
pub use script::{Script, ScriptSet, sha256_hex};

/// How far a runbook may heal on its own (README: File formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Tier {
    /// Heals automatically.
    L1,
    /// Heals only when allowed with `--allow-tier L2`.
    L2,
    /// Never heals automatically: a failing probe is escalated to a person.
    L3,
}

impl Tier {
    /// Whether the tier must carry a remediation script.
    pub fn heals(self) -> bool {
        matches!(self, Tier::L1 | Tier::L2)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tier::L1 => "L1",
            Tier::L2 => "L2",
            Tier::L3 => "L3",
        })
    }
}

/// The longest id, platform or input name accepted: names appear in file
/// names, table columns and environment variable names.
pub const MAX_NAME_LEN: usize = 128;

/// Checks a name against a character class, for the validated newtypes.
fn check_name(
    value: &str,
    first: impl Fn(char) -> bool,
    rest: impl Fn(char) -> bool,
) -> Result<(), ()> {
    let mut chars = value.chars();
    match chars.next() {
        Some(c) if first(c) && chars.all(rest) => Ok(()),
        _ => Err(()),
    }
}

macro_rules! validated_string {
    ($(#[$doc:meta])* $name:ident, $expected:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// What a valid value looks like, for error messages.
            pub const EXPECTED: &'static str = $expected;

            pub fn new(value: &str) -> Result<Self, String> {
                let check: fn(&str) -> bool = $check;
                if value.len() > MAX_NAME_LEN {
                    return Err(format!(
                        "is {} bytes long: names are at most {MAX_NAME_LEN}",
                        value.len()
                    ));
                }
                if check(value) {
                    Ok(Self(value.to_owned()))
                } else {
                    Err(format!("`{value}` is not valid: expected {}", Self::EXPECTED))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::new(&value).map_err(de::Error::custom)
            }
        }
    };
}

validated_string!(
    /// A runbook id such as `LIN-LOG-001`.
    RunbookId,
    "upper-case letters, digits and `-`, starting with a letter or digit (e.g. `LIN-LOG-001`)",
    |v| check_name(
        v,
        |c| c.is_ascii_uppercase() || c.is_ascii_digit(),
        |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'
    )
    .is_ok()
);

validated_string!(
    /// A platform: an `/etc/os-release` `ID` such as `debian`, or `nixos`.
    Platform,
    "an /etc/os-release ID: lower-case letters, digits, `.`, `_` and `-` (e.g. `debian`, `nixos`)",
    |v| v != "default"
        && check_name(
            v,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
        )
        .is_ok()
);

validated_string!(
    /// An input name such as `log_retention_days`; scripts see it as
    /// `COMPLY_INPUT_LOG_RETENTION_DAYS`.
    InputName,
    "lower-case letters, digits and `_`, starting with a letter (e.g. `log_retention_days`)",
    |v| check_name(
        v,
        |c| c.is_ascii_lowercase(),
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
    )
    .is_ok()
);

impl Platform {
    pub const NIXOS: &'static str = "nixos";
}

impl InputName {
    /// The environment variable scripts read the input from.
    pub fn env_var(&self) -> String {
        format!("COMPLY_INPUT_{}", self.0.to_ascii_uppercase())
    }
}

/// A reference to a catalog citation, checked when deserialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CitationRef(pub &'static Citation);

impl<'de> Deserialize<'de> for CitationRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        match catalog::lookup(&value) {
            Some(citation) => Ok(CitationRef(citation)),
            None => {
                let hint = catalog::suggest(&value)
                    .map(|id| format!("; did you mean `{id}`?"))
                    .unwrap_or_default();
                Err(de::Error::custom(format!(
                    "`{value}` is not a 45 CFR 164 Subpart C citation in comply's catalog \
                     (see `comply list --coverage`){hint}"
                )))
            }
        }
    }
}

impl Serialize for CitationRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.id)
    }
}

/// What a scenario puts a fixture into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// `*.broken.sh`: the probe must fail.
    Broken,
    /// `*.compliant.sh`: the probe must pass.
    Compliant,
    /// `*.refused.sh`: the probe must fail and the remediation must refuse
    /// (exit non-zero) without changing anything — a guard against a
    /// remediation that would hurt the host (lock out its administrators,
    /// rerun a backup job, switch a flake-managed NixOS).
    Refused,
}

/// A gate scenario (docs/gate.md).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub expect: Expect,
    /// The fixtures it applies to; absent means every fixture of the
    /// runbook's platforms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixtures: Option<Vec<String>>,
    #[serde(rename = "script", with = "script::script_text")]
    pub script: Script,
}

impl Scenario {
    /// Whether it runs on this fixture: named, or no fixtures listed.
    pub fn applies_to(&self, fixture: &str) -> bool {
        self.fixtures.is_none() || self.names(fixture)
    }

    /// Whether its `# fixtures:` line names this fixture.
    pub fn names(&self, fixture: &str) -> bool {
        self.fixtures
            .as_ref()
            .is_some_and(|names| names.iter().any(|name| name == fixture))
    }
}

/// The default step timeout (docs/targets.md).
pub const DEFAULT_TIMEOUT_S: u64 = 300;
/// The largest script: a shell script travels as one argument
/// (`target::script`), which the kernel takes up to 128 KiB
/// (`MAX_ARG_STRLEN`, with its terminating NUL); less a margin.
pub const MAX_SCRIPT_BYTES: usize = 127 * 1024;
/// The longest step timeout a runbook may ask for (one day): bounded so no
/// deadline arithmetic can overflow, and no step can hold a run for ever.
pub const MAX_TIMEOUT_S: u64 = 86_400;

/// Deserializes a timeout in seconds: 1 to [`MAX_TIMEOUT_S`].
pub fn timeout_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match u64::deserialize(d)? {
        0 => Err(de::Error::custom("must be at least 1 second")),
        seconds if seconds > MAX_TIMEOUT_S => Err(de::Error::custom(format!(
            "{seconds} is more than the longest timeout, {MAX_TIMEOUT_S} seconds (one day)"
        ))),
        seconds => Ok(seconds),
    }
}

/// One automated check of one requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub id: RunbookId,
    pub check: Option<String>,
    pub title: String,
    pub hipaa: Vec<CitationRef>,
    pub tier: Tier,
    /// `None` means every platform.
    pub platforms: Option<Vec<Platform>>,
    pub inputs: BTreeMap<InputName, InputValue>,
    pub probe: ScriptSet,
    pub remediate: Option<ScriptSet>,
    pub verify: Option<ScriptSet>,
    pub timeout_s: u64,
    pub scenarios: Vec<Scenario>,
    /// Where it was loaded from, for messages (`runbooks/LIN-LOG-001`).
    pub origin: String,
}

impl Runbook {
    /// The first citation names the test case and its family.
    pub fn primary_citation(&self) -> &'static Citation {
        self.hipaa[0].0
    }

    pub fn family(&self) -> Family {
        self.primary_citation().family()
    }

    pub fn citations(&self) -> String {
        self.hipaa
            .iter()
            .map(|c| c.0.id)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn runs_on(&self, platform: &str) -> bool {
        self.platforms
            .as_ref()
            .is_none_or(|list| list.iter().any(|p| p.as_str() == platform))
    }

    /// The verify script: `verify_script` when given, else the probe.
    pub fn verify_or_probe(&self) -> &ScriptSet {
        self.verify.as_ref().unwrap_or(&self.probe)
    }
}

/// An exception to running a runbook, with a reason and an expiry date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub runbook: RunbookId,
    pub reason: String,
    pub expires: chrono::NaiveDate,
    /// Who answers for the accepted risk.
    pub owner: Option<String>,
    /// Who accepted it.
    pub approved_by: Option<String>,
}

impl Waiver {
    /// A waiver applies through its expiry date, inclusive.
    pub fn is_expired(&self, today: chrono::NaiveDate) -> bool {
        today > self.expires
    }

    /// Days it still applies (0 on its last day, negative once expired).
    pub fn days_left(&self, today: chrono::NaiveDate) -> i64 {
        (self.expires - today).num_days()
    }

    /// `owner ops-team, approved by CISO`, for reports (empty when neither).
    pub fn accountability(&self) -> String {
        match (&self.owner, &self.approved_by) {
            (Some(owner), Some(approver)) => format!("owner {owner}, approved by {approver}"),
            (Some(owner), None) => format!("owner {owner}"),
            (None, Some(approver)) => format!("approved by {approver}"),
            (None, None) => String::new(),
        }
    }
}

/// A loaded, validated suite.
#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    /// Where it came from, for the `comply.suite` property.
    pub source: String,
    /// Selected runbooks, sorted by id.
    pub runbooks: Vec<Arc<Runbook>>,
    /// Effective inputs: runbook defaults, then suite values, then `--input`.
    pub inputs: BTreeMap<InputName, InputValue>,
    pub waivers: Vec<Waiver>,
    /// What the loader noticed but did not refuse: a waiver whose runbook
    /// is no longer loaded.
    pub warnings: Vec<String>,
}

impl Suite {
    pub fn waiver_for(&self, id: &RunbookId) -> Option<&Waiver> {
        self.waivers.iter().find(|waiver| &waiver.runbook == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_ids_platforms_and_input_names() {
        assert!(RunbookId::new("LIN-LOG-001").is_ok());
        assert!(RunbookId::new("lin-log").is_err());
        assert!(RunbookId::new("-LIN").is_err());
        assert!(Platform::new("debian").is_ok());
        assert!(Platform::new("opensuse-leap").is_ok());
        assert!(Platform::new("Debian").is_err());
        assert!(Platform::new("default").is_err());
        assert!(InputName::new("log_retention_days").is_ok());
        assert!(InputName::new("Log").is_err());
        assert_eq!(
            InputName::new("log_retention_days").unwrap().env_var(),
            "COMPLY_INPUT_LOG_RETENTION_DAYS"
        );
    }

    #[test]
    fn picks_the_platform_variant_before_the_default() {
        let set: ScriptSet = serde_json::from_str(r#"{"nixos": "n", "default": "d"}"#).unwrap();
        assert_eq!(set.for_platform("nixos").unwrap().0, "nixos");
        assert_eq!(set.for_platform("debian").unwrap().1.text(), "d");
        let only_nixos: ScriptSet = serde_json::from_str(r#"{"nixos": "n"}"#).unwrap();
        assert!(only_nixos.for_platform("debian").is_none());
    }

    #[test]
    fn script_sets_round_trip_deterministically() {
        let set: ScriptSet =
            serde_json::from_str(r#"{"nixos": "n", "default": "d", "debian": "x"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"debian":"x","default":"d","nixos":"n"}"#
        );
        let single = ScriptSet::single("true");
        assert_eq!(serde_json::to_string(&single).unwrap(), r#""true""#);
    }

    #[test]
    fn input_values_become_environment_strings() {
        assert_eq!(InputValue::Integer(90).to_env(), "90");
        let hosts = InputValue::List(vec![
            InputValue::String("a.example".into()),
            InputValue::String("b.example".into()),
        ]);
        assert_eq!(hosts.to_env(), "a.example b.example");
        assert_eq!(
            InputValue::Integer(1).parse_like("30"),
            Ok(InputValue::Integer(30))
        );
        assert!(InputValue::Integer(1).parse_like("thirty").is_err());
        assert_eq!(hosts.parse_like("x,y").unwrap().to_env(), "x y");
        assert_eq!(
            hosts.parse_like("[53, \"123\"]").unwrap().to_env(),
            "53 123"
        );
        assert_eq!(hosts.parse_like("[]").unwrap().to_env(), "");
    }

    #[test]
    fn waivers_expire_after_their_date() {
        let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let waiver = Waiver {
            runbook: RunbookId::new("LIN-FW-001").unwrap(),
            reason: "upstream".into(),
            expires: date("2027-01-31"),
            owner: Some("network".into()),
            approved_by: None,
        };
        assert!(!waiver.is_expired(date("2027-01-31")));
        assert!(waiver.is_expired(date("2027-02-01")));
        assert_eq!(waiver.days_left(date("2027-01-31")), 0);
        assert_eq!(waiver.days_left(date("2027-02-03")), -3);
        assert_eq!(waiver.days_left(date("2027-01-01")), 30);
        assert_eq!(waiver.accountability(), "owner network");
    }
}
