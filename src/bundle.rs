//! Runbook bundles: the JSON form appliances ship (README: File formats), written
//! byte-for-byte deterministically by `comply bundle`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    CitationRef, InputName, InputValue, Platform, Runbook, Scenario, ScriptSet, Suite, Tier,
    sha256_hex,
};

/// The only bundle schema this version reads and writes.
pub const BUNDLE_SCHEMA: &str = "comply.runbooks/v1";

/// SHA-256 over the selected runbooks' bundle form, so a report names
/// exactly the content that ran.
pub fn runbooks_sha256(suite: &Suite) -> String {
    let bundle = Bundle::of(suite.runbooks.iter().map(|r| r.as_ref()));
    sha256_hex(bundle.to_json().as_bytes())
}

#[derive(Serialize)]
pub struct Bundle<'a> {
    schema: &'static str,
    runbooks: Vec<BundleRunbook<'a>>,
}

/// The bundle form of a runbook: fields in a fixed order, absent optional
/// fields left out, maps sorted.
#[derive(Serialize)]
struct BundleRunbook<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<&'a str>,
    title: &'a str,
    hipaa: &'a [CitationRef],
    tier: Tier,
    #[serde(skip_serializing_if = "Option::is_none")]
    platforms: Option<&'a [Platform]>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    inputs: &'a BTreeMap<InputName, InputValue>,
    probe_script: &'a ScriptSet,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediate_script: Option<&'a ScriptSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify_script: Option<&'a ScriptSet>,
    timeout_s: u64,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    scenarios: &'a [Scenario],
}

impl<'a> Bundle<'a> {
    /// A bundle of `runbooks`, sorted by id whatever order they come in.
    pub fn of(runbooks: impl IntoIterator<Item = &'a Runbook>) -> Self {
        let mut runbooks: Vec<BundleRunbook<'a>> = runbooks
            .into_iter()
            .map(|runbook| BundleRunbook {
                id: runbook.id.as_str(),
                check: runbook.check.as_deref(),
                title: &runbook.title,
                hipaa: &runbook.hipaa,
                tier: runbook.tier,
                platforms: runbook.platforms.as_deref(),
                inputs: &runbook.inputs,
                probe_script: &runbook.probe,
                remediate_script: runbook.remediate.as_ref(),
                verify_script: runbook.verify.as_ref(),
                timeout_s: runbook.timeout_s,
                scenarios: &runbook.scenarios,
            })
            .collect();
        runbooks.sort_by_key(|runbook| runbook.id);
        Bundle {
            schema: BUNDLE_SCHEMA,
            runbooks,
        }
    }

    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("bundles always serialize");
        json.push('\n');
        json
    }
}
