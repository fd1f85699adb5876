//! The loaders over text alone, so the fuzz targets (`fuzz/`) and the
//! regression tests replaying their corpus reach every parser without
//! files. Each takes whatever bytes it is given and returns; bad input is an
//! [`InputError`], never a panic. `bundle` also lists what it loaded, since
//! a name that loads must list too (a 65,536-character id once loaded and
//! then panicked the table).

use std::sync::Arc;

use crate::load::{InputError, Place, runbooks, suite};

fn utf8(file: &str, bytes: &[u8]) -> Result<String, InputError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| InputError::new(file, "not valid UTF-8"))
}

/// A suite TOML file.
pub fn suite(bytes: &[u8]) -> Result<(), InputError> {
    let place = Place::Disk("suite.toml".into());
    suite::parse(&place, utf8("suite.toml", bytes)?).map(drop)
}

/// A runbook bundle, then its runbooks listed as `comply list` does.
pub fn bundle(bytes: &[u8]) -> Result<(), InputError> {
    let runbooks = runbooks::parse_bundle("bundle.json", &utf8("bundle.json", bytes)?)?;
    let suite = crate::model::Suite {
        name: "fuzz".to_owned(),
        source: "bundle.json".to_owned(),
        runbooks: runbooks.into_iter().map(Arc::new).collect(),
        inputs: Default::default(),
        waivers: Vec::new(),
        warnings: Vec::new(),
    };
    let _ = crate::list::table(&suite);
    let _ = crate::list::coverage_table(&suite);
    Ok(())
}

/// A runbook directory's `runbook.toml`.
pub fn runbook_toml(bytes: &[u8]) -> Result<(), InputError> {
    runbooks::parse_runbook_toml("runbook.toml", &utf8("runbook.toml", bytes)?)
}

/// An inventory file.
pub fn inventory(bytes: &[u8]) -> Result<(), InputError> {
    crate::target::inventory_targets("inventory", &utf8("inventory", bytes)?, None).map(drop)
}
