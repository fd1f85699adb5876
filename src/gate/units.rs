//! The systemd half of a change manifest: every unit's state, read once
//! no unit is between two states, and how systemd last started the
//! services that run or wait to restart.
//!
//! A service with `Restart=` that keeps failing moves between running,
//! stopping and waiting to restart on its own clock. Read before a step
//! and again after it, it would look changed although the step never
//! touched it. So a reading waits for units that are starting or stopping,
//! and "running" and "waiting to restart" are one state when systemd's own
//! restarts explain what happened between the two readings: the same
//! invocation, or its `NRestarts` counter went up.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::error::GateError;
use super::shell::Shell;

/// Units whose state changes on their own: timers firing maintenance jobs,
/// and D-Bus services that start on demand (a `timedatectl` in a probe)
/// and exit when idle.
const NOISY_UNITS: [&str; 14] = [
    "apt-daily.service",
    "apt-daily-upgrade.service",
    "man-db.service",
    "logrotate.service",
    "dpkg-db-backup.service",
    "e2scrub_all.service",
    "fstrim.service",
    "systemd-tmpfiles-clean.service",
    "dailyaidecheck.service",
    "nixos-upgrade.service",
    "systemd-timedated.service",
    "systemd-hostnamed.service",
    "systemd-localed.service",
    "polkit.service",
];

/// The kinds of units whose state is part of the host's configuration.
const UNIT_KINDS: [&str; 4] = [".service", ".socket", ".timer", ".path"];

/// How long a reading waits for units to finish starting or stopping: a
/// stop waits for processes that ignore SIGTERM (up to `TimeoutStopSec=`),
/// a start for a slow daemon. A unit still moving after this is read as
/// it is.
const SETTLE_LIMIT: Duration = Duration::from_secs(5);
/// The first wait between two readings of moving units; each next wait is
/// twice as long, up to [`LONGEST_POLL`]. Most stops end within the first.
const FIRST_POLL: Duration = Duration::from_millis(50);
const LONGEST_POLL: Duration = Duration::from_millis(500);

/// The kept units of a fixture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units {
    /// Unit name → `load/active/sub`, as `systemctl list-units` says.
    pub states: BTreeMap<String, String>,
    /// Services that run or wait to restart → how systemd last started
    /// them.
    pub starts: BTreeMap<String, Start>,
}

/// A service's current invocation and systemd's count of its automatic
/// restarts, with its `active/sub` state read in the same call. A
/// `systemctl restart` while the service waits to restart gives a new
/// invocation without raising the count (systemd 252, measured).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub invocation: String,
    pub restarts: u64,
    pub state: String,
}

/// A `load/active/sub` state, split.
struct State<'a> {
    load: &'a str,
    active: &'a str,
    sub: &'a str,
}

impl<'a> State<'a> {
    fn parse(state: &'a str) -> State<'a> {
        let mut parts = state.splitn(3, '/');
        let mut next = || parts.next().unwrap_or_default();
        State {
            load: next(),
            active: next(),
            sub: next(),
        }
    }

    /// Waiting out `RestartSec=` (`auto-restart`), or its restart job
    /// queued (`auto-restart-queued`, systemd 254 and later).
    fn waiting_to_restart(&self) -> bool {
        self.active == "activating" && matches!(self.sub, "auto-restart" | "auto-restart-queued")
    }

    /// Running, or about to run again: the two ends of a restart loop.
    fn in_restart_loop(&self) -> bool {
        (self.active == "active" && self.sub == "running") || self.waiting_to_restart()
    }

    /// On its way to another state: starting (also a `Type=idle` service,
    /// which systemd shows as `active` while it starts), stopping,
    /// reloading, or being cleaned. Waiting to restart is a state of its
    /// own, which can last minutes.
    fn in_transition(&self) -> bool {
        let moving = matches!(
            self.active,
            "activating" | "deactivating" | "reloading" | "refreshing" | "maintenance"
        ) || matches!(self.sub, "start-pre" | "start" | "start-post");
        moving && !self.waiting_to_restart()
    }
}

/// The line between the listing of units and the services' starts.
const STARTS: &str = "-- starts";

/// Lists every unit, then the starts of the services that run or wait to
/// restart: one command, as a manifest is read several times a case. Its
/// two `systemctl` calls are not one snapshot; [`read`] reads again when
/// they disagree about a service. A failed listing or selection fails the
/// command, which is a fixture error, not an empty host.
fn read_command() -> String {
    format!(
        r#"units=$(systemctl list-units --all --no-legend --plain --full --no-pager) || exit
printf '%s\n' "$units" '{STARTS}'
services=$(printf '%s\n' "$units" | awk '$1 ~ /\.service$/ && ($4 == "running" || $4 ~ /^auto-restart/) {{ print $1 }}') || exit
set -f
[ -z "$services" ] || systemctl show -p Id -p InvocationID -p NRestarts -p ActiveState -p SubState -- $services"#
    )
}

/// The units once none is starting or stopping (waiting at most
/// [`SETTLE_LIMIT`]).
pub fn read(shell: &impl Shell) -> Result<Units, GateError> {
    let deadline = Instant::now() + SETTLE_LIMIT;
    let mut poll = FIRST_POLL;
    let command = read_command();
    loop {
        let units = parse(&shell.output(&command)?);
        if units.states.is_empty() {
            return Err(GateError::Fixture(
                "`systemctl list-units` listed no unit".to_owned(),
            ));
        }
        if !units.moving() || Instant::now() >= deadline {
            return Ok(units);
        }
        std::thread::sleep(poll.min(deadline.saturating_duration_since(Instant::now())));
        poll = (poll * 2).min(LONGEST_POLL);
    }
}

impl Units {
    /// Whether a unit is on its way to another state, or a service's start
    /// was read in another state than the listing's (it moved in between).
    fn moving(&self) -> bool {
        self.states.iter().any(|(unit, state)| {
            let state = State::parse(state);
            let start_disagrees = self
                .starts
                .get(unit)
                .is_some_and(|start| start.state != format!("{}/{}", state.active, state.sub));
            let start_missing = unit.ends_with(".service")
                && (state.sub == "running" || state.sub.starts_with("auto-restart"))
                && !self.starts.contains_key(unit);
            state.in_transition() || start_disagrees || start_missing
        })
    }
}

fn parse(output: &str) -> Units {
    let mut lines = output.lines();
    let listing: Vec<&str> = lines.by_ref().take_while(|line| *line != STARTS).collect();
    let shown: Vec<&str> = lines.collect();
    let states = listing
        .into_iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let unit = words.next()?;
            let state = format!("{}/{}/{}", words.next()?, words.next()?, words.next()?);
            let kept =
                UNIT_KINDS.iter().any(|kind| unit.ends_with(kind)) && !NOISY_UNITS.contains(&unit);
            kept.then(|| (unit.to_owned(), state))
        })
        .collect();
    Units {
        states,
        starts: parse_starts(&shown.join("\n")),
    }
}

/// Reads `systemctl show` blocks of `Id=`, `InvocationID=`, `NRestarts=`,
/// `ActiveState=` and `SubState=` lines, one block per unit, in whatever
/// order systemd prints the properties.
fn parse_starts(shown: &str) -> BTreeMap<String, Start> {
    shown
        .split("\n\n")
        .filter_map(|block| {
            let value = |key: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
            };
            let start = Start {
                invocation: value("InvocationID")?.to_owned(),
                restarts: value("NRestarts")?.parse().ok()?,
                state: format!("{}/{}", value("ActiveState")?, value("SubState")?),
            };
            Some((value("Id")?.to_owned(), start))
        })
        .collect()
}

/// What differs between two readings, one line per unit.
pub fn changes(before: &Units, after: &Units) -> Vec<String> {
    let mut out = Vec::new();
    for (unit, state) in &after.states {
        match before.states.get(unit) {
            Some(previous)
                if !same_state(
                    (previous, before.starts.get(unit)),
                    (state, after.starts.get(unit)),
                ) =>
            {
                let unread = !before.starts.contains_key(unit) || !after.starts.contains_key(unit);
                out.push(if previous != state {
                    format!("unit {unit}: {previous} -> {state}")
                } else if unread {
                    format!("unit {unit}: {state}, its start could not be read")
                } else {
                    format!("unit {unit}: {state}, started again but not by its Restart=")
                });
            }
            None => out.push(format!("unit {unit} appeared: {state}")),
            Some(_) => {}
        }
    }
    for unit in before
        .states
        .keys()
        .filter(|unit| !after.states.contains_key(*unit))
    {
        out.push(format!("unit {unit} went away"));
    }
    out
}

/// Whether a unit listed in both readings, with its start when it is a
/// service in a restart loop, is in the same state of the host.
///
/// Running and waiting to restart are one state of a service whose load
/// state is unchanged, when systemd's own restarts explain what happened
/// in between: the same invocation, or more restarts counted. Waiting to
/// restart in both readings is the same state only on the same terms (a
/// `systemctl restart` that crashed again is a new invocation with no
/// restart counted). Anything else — stopped, failed, masked, started —
/// must match exactly; a service that runs in both readings is unchanged,
/// restarted or not.
fn same_state(
    (was, was_started): (&str, Option<&Start>),
    (now, now_started): (&str, Option<&Start>),
) -> bool {
    let (was_state, now_state) = (State::parse(was), State::parse(now));
    let in_loop = was_state.in_restart_loop() && now_state.in_restart_loop();
    let waited = was_state.waiting_to_restart() || now_state.waiting_to_restart();
    if !(in_loop && waited) {
        return was == now;
    }
    let explained_by_systemd = match (was_started, now_started) {
        (Some(was), Some(now)) => now.invocation == was.invocation || now.restarts > was.restarts,
        _ => false,
    };
    was_state.load == now_state.load && explained_by_systemd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(state: &str, invocation: &str, restarts: u64) -> Units {
        let unit = "upload.service".to_owned();
        Units {
            states: [(unit.clone(), state.to_owned())].into(),
            starts: [(
                unit,
                Start {
                    invocation: invocation.to_owned(),
                    restarts,
                    state: state.split_once('/').unwrap().1.to_owned(),
                },
            )]
            .into(),
        }
    }

    #[test]
    fn systemds_own_restarts_keep_a_loop_one_state() {
        let running = reading("loaded/active/running", "a", 1);
        // It exited and waits to restart: the same invocation.
        let waiting = reading("loaded/activating/auto-restart", "a", 1);
        assert!(changes(&running, &waiting).is_empty());
        // systemd restarted it: a new invocation, one more restart counted.
        let restarted = reading("loaded/active/running", "b", 2);
        assert!(changes(&waiting, &restarted).is_empty());
        let queued = reading("loaded/activating/auto-restart-queued", "a", 2);
        assert!(changes(&running, &queued).is_empty());
        // Waiting in both, with or without systemd's restart in between.
        assert!(changes(&waiting, &waiting.clone()).is_empty());
        let next_cycle = reading("loaded/activating/auto-restart", "b", 2);
        assert!(changes(&waiting, &next_cycle).is_empty());
    }

    #[test]
    fn leaving_the_loop_or_starting_it_by_hand_is_a_change() {
        let waiting = reading("loaded/activating/auto-restart", "a", 1);
        // A start by a step: a new invocation, no restart counted.
        let by_hand = reading("loaded/active/running", "b", 1);
        assert_eq!(
            changes(&waiting, &by_hand),
            ["unit upload.service: loaded/activating/auto-restart -> loaded/active/running"]
        );
        for other in [
            "loaded/inactive/dead",
            "loaded/failed/failed",
            "masked/activating/auto-restart",
            "masked/active/running",
            "bad-setting/active/running",
            "loaded/active/exited",
        ] {
            let other = reading(other, "a", 1);
            assert_eq!(changes(&waiting, &other).len(), 1, "{other:?}");
            assert_eq!(changes(&other, &waiting).len(), 1, "{other:?}");
        }
        // Restarted by hand and crashed again: waiting in both readings,
        // but another invocation and no restart counted.
        let crashed_again = reading("loaded/activating/auto-restart", "b", 1);
        assert_eq!(
            changes(&waiting, &crashed_again),
            [
                "unit upload.service: loaded/activating/auto-restart, started again but not by its Restart="
            ]
        );
        // Without its start (a socket, or a service read mid-way), nothing
        // explains the difference.
        let mut unknown = reading("loaded/active/running", "a", 1);
        unknown.starts.clear();
        assert_eq!(changes(&waiting, &unknown).len(), 1);
        assert_eq!(changes(&unknown, &waiting).len(), 1);
        let mut unread = waiting.clone();
        unread.starts.clear();
        assert_eq!(
            changes(&waiting, &unread),
            ["unit upload.service: loaded/activating/auto-restart, its start could not be read"]
        );
    }

    #[test]
    fn a_service_read_in_two_states_is_read_again() {
        let mut units = reading("loaded/active/running", "a", 1);
        assert!(!units.moving());
        units.starts.get_mut("upload.service").unwrap().state = "deactivating/stop-sigterm".into();
        assert!(units.moving(), "the start was read in another state");
        units.starts.clear();
        assert!(units.moving(), "a running service without its start");
    }

    #[test]
    fn starting_and_stopping_are_transitions_and_a_restart_delay_is_not() {
        for moving in [
            "loaded/activating/start",
            "loaded/deactivating/stop-sigterm",
            "loaded/reloading/reload",
            "loaded/maintenance/cleaning",
            "loaded/active/start",
        ] {
            assert!(State::parse(moving).in_transition(), "{moving}");
        }
        for resting in [
            "loaded/active/running",
            "loaded/activating/auto-restart",
            "loaded/activating/auto-restart-queued",
            "loaded/failed/failed",
            "not-found/inactive/dead",
        ] {
            assert!(!State::parse(resting).in_transition(), "{resting}");
        }
    }

    #[test]
    fn a_reading_keeps_configured_units_and_reads_starts_in_any_order() {
        let output = "ssh.service loaded active running OpenBSD Secure Shell server\n\
                      apt-daily.service loaded inactive dead Daily apt download activities\n\
                      tmp.mount loaded active mounted /tmp\n\
                      -- starts\n\
                      NRestarts=3\nId=ssh.service\nInvocationID=x\n\
                      ActiveState=active\nSubState=running\n\n\
                      Id=b.service\nInvocationID=\nNRestarts=0\n\
                      SubState=dead\nActiveState=inactive\n";
        let units = parse(output);
        assert_eq!(
            units.states,
            [("ssh.service".to_owned(), "loaded/active/running".to_owned())].into()
        );
        assert_eq!(
            units.starts["ssh.service"],
            Start {
                invocation: "x".into(),
                restarts: 3,
                state: "active/running".into()
            }
        );
        assert_eq!(units.starts["b.service"].invocation, "");
        assert_eq!(units.starts.len(), 2);
    }
}
