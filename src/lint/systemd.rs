//! `start-without-enable` (docs/lint.md): `systemctl start X` heals until the
//! next reboot, when X stays stopped unless it is also enabled.

use std::collections::HashSet;

use super::shell::Analysis;
use super::{Check, Finding, Level};

/// `sshd` and `sshd.service` name the same unit.
pub(super) fn unit_name(name: &str) -> String {
    const TYPES: [&str; 11] = [
        ".service",
        ".socket",
        ".timer",
        ".target",
        ".path",
        ".mount",
        ".automount",
        ".swap",
        ".slice",
        ".scope",
        ".device",
    ];
    if TYPES.iter().any(|suffix| name.ends_with(suffix)) {
        name.to_owned()
    } else {
        format!("{name}.service")
    }
}

/// The verb and unit names of a `systemctl` command line.
pub(super) fn verb_and_units(args: &[Option<String>]) -> Option<(&str, Vec<Option<&str>>)> {
    let mut words = args
        .iter()
        .map(|a| a.as_deref())
        .filter(|a| !a.is_some_and(|w| w.starts_with('-')));
    let verb = words.next()??;
    Some((verb, words.collect()))
}

pub fn start_without_enable(script: &Analysis, variant: &str) -> Vec<Finding> {
    let mut enabled = HashSet::new();
    let mut started = Vec::new();
    for command in &script.commands {
        let Some(("systemctl", args)) = command.program() else {
            continue;
        };
        let Some((verb, units)) = verb_and_units(args) else {
            continue;
        };
        for unit in units.into_iter().flatten() {
            match verb {
                "enable" | "reenable" => {
                    enabled.insert(unit_name(unit));
                }
                "start" => started.push((command.line, unit)),
                _ => {}
            }
        }
    }
    started
        .into_iter()
        .filter(|(_, unit)| !enabled.contains(&unit_name(unit)))
        .map(|(line, unit)| Finding {
            check: Check::StartWithoutEnable,
            level: Level::Warning,
            variant: variant.to_owned(),
            line: Some(line),
            message: format!(
                "`systemctl start {unit}` without `systemctl enable {unit}`: this heals until the next \
                 reboot, when {unit} stays stopped; use `systemctl enable --now {unit}`"
            ),
        })
        .collect()
}
