//! Scripts as they run (with their SHA-256) and per-platform script sets.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Platform;

/// A script's text and the SHA-256 of exactly those bytes, which reports
/// carry so an auditor can tie a verdict to what ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    text: String,
    sha256: String,
}

impl Script {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let sha256 = sha256_hex(text.as_bytes());
        Script { text, sha256 }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A script field: one script for every platform, or platform variants with
/// an optional `default`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScriptSet {
    pub default: Option<Script>,
    pub variants: BTreeMap<Platform, Script>,
}

impl ScriptSet {
    pub fn single(text: impl Into<String>) -> Self {
        ScriptSet {
            default: Some(Script::new(text)),
            variants: BTreeMap::new(),
        }
    }

    /// The script that runs on `platform`, with the name of its variant
    /// (`nixos` or `default`).
    pub fn for_platform(&self, platform: &str) -> Option<(&str, &Script)> {
        self.variants
            .iter()
            .find(|(name, _)| name.as_str() == platform)
            .map(|(name, script)| (name.as_str(), script))
            .or_else(|| self.default.as_ref().map(|script| ("default", script)))
    }

    /// Every variant with its name, `default` first.
    pub fn variants(&self) -> impl Iterator<Item = (&str, &Script)> {
        self.default
            .iter()
            .map(|script| ("default", script))
            .chain(self.variants.iter().map(|(name, s)| (name.as_str(), s)))
    }
}

impl<'de> Deserialize<'de> for ScriptSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScriptSetVisitor;

        impl<'de> Visitor<'de> for ScriptSetVisitor {
            type Value = ScriptSet;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a script, or an object of platform → script with an optional `default`",
                )
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<ScriptSet, E> {
                Ok(ScriptSet::single(text))
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<ScriptSet, M::Error> {
                let mut set = ScriptSet::default();
                while let Some(key) = map.next_key::<String>()? {
                    let text: String = map.next_value()?;
                    let duplicate = if key == "default" {
                        set.default.replace(Script::new(text)).is_some()
                    } else {
                        let platform = Platform::new(&key).map_err(de::Error::custom)?;
                        set.variants.insert(platform, Script::new(text)).is_some()
                    };
                    if duplicate {
                        return Err(de::Error::custom(format!("`{key}` appears twice")));
                    }
                }
                Ok(set)
            }
        }

        deserializer.deserialize_any(ScriptSetVisitor)
    }
}

impl Serialize for ScriptSet {
    /// A lone default is written as a plain string; variants as an object
    /// with sorted keys, so bundles are byte-for-byte deterministic.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.variants.is_empty()
            && let Some(default) = &self.default
        {
            return serializer.serialize_str(default.text());
        }
        let sorted: BTreeMap<&str, &str> = self
            .variants()
            .map(|(name, script)| (name, script.text()))
            .collect();
        sorted.serialize(serializer)
    }
}

pub(super) mod script_text {
    use super::Script;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(script: &Script, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(script.text())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Script, D::Error> {
        String::deserialize(deserializer).map(Script::new)
    }
}
