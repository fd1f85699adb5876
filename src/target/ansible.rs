//! Ansible inventories, so a fleet already described for Ansible needs no
//! second list: the JSON `ansible-inventory --list` prints (read from a
//! file, or made by running `ansible-inventory -i FILE --list` for INI and
//! YAML inventories), with `ansible_host`, `ansible_port`, `ansible_user`
//! and `ansible_connection` honoured, and `--limit` patterns as Ansible
//! spells them (`web:db`, `web,&prod`, `all:!web3`, `web*`).

use std::collections::{BTreeMap, HashSet};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use serde_json::Value;

use super::spec::TargetSpec;
use crate::load::{InputError, from_json};

/// A group of `ansible-inventory --list`'s output.
#[derive(Debug, Default, Deserialize)]
struct Group {
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    children: Vec<String>,
    /// Only in `ansible-inventory --list --export` output, where group
    /// variables are not yet merged into each host's.
    #[serde(default)]
    vars: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(default)]
    hostvars: BTreeMap<String, BTreeMap<String, Value>>,
}

/// An inventory as `ansible-inventory --list` prints it.
struct Inventory {
    meta: Meta,
    groups: BTreeMap<String, Group>,
}

impl Inventory {
    fn parse(file: &str, text: &str) -> Result<Inventory, InputError> {
        let mut top: BTreeMap<String, Value> = from_json(file, text)?;
        let meta = match top.remove("_meta") {
            Some(meta) => serde_json::from_value(meta)
                .map_err(|e| InputError::new(file, e.to_string()).field("_meta"))?,
            None => Meta::default(),
        };
        let mut groups = BTreeMap::new();
        for (name, value) in top {
            let group: Group = serde_json::from_value(value).map_err(|e| {
                InputError::new(
                    file,
                    format!("{e}: expected {{\"hosts\": [...], \"children\": [...]}}"),
                )
                .field(name.clone())
            })?;
            if let Some(var) = group.vars.keys().find(|var| var.starts_with("ansible_")) {
                return Err(InputError::new(
                    file,
                    format!(
                        "group variables (`{var}`) are not merged into the hosts' (output of \
                         `--export`?): list the inventory with `ansible-inventory --list` alone"
                    ),
                )
                .field(format!("{name}.vars")));
            }
            groups.insert(name, group);
        }
        Ok(Inventory { meta, groups })
    }

    /// The hosts of a group and its children, in Ansible's order, once each.
    fn hosts_of(&self, group: &str, into: &mut Hosts, seen: &mut HashSet<String>) {
        if !seen.insert(group.to_owned()) {
            return;
        }
        let Some(found) = self.groups.get(group) else {
            return;
        };
        for host in &found.hosts {
            into.add(host);
        }
        for child in &found.children {
            self.hosts_of(child, into, seen);
        }
    }

    fn group_hosts(&self, group: &str) -> Hosts {
        let mut hosts = Hosts::default();
        self.hosts_of(group, &mut hosts, &mut HashSet::new());
        hosts
    }

    /// Every host: `all`'s, then any group's not reachable from `all`.
    fn all_hosts(&self) -> Hosts {
        let mut hosts = Hosts::default();
        let mut seen = HashSet::new();
        // One walk: a group already walked (from `all` or an earlier
        // group) adds nothing new.
        self.hosts_of("all", &mut hosts, &mut seen);
        for group in self.groups.keys() {
            self.hosts_of(group, &mut hosts, &mut seen);
        }
        for host in self.meta.hostvars.keys() {
            hosts.add(host);
        }
        hosts
    }

    /// The hosts one pattern names: `all`, a group, a host, or a glob over
    /// group and host names.
    fn matching(&self, pattern: &str, all: &Hosts) -> Hosts {
        if pattern == "all" || pattern == "*" {
            return all.clone();
        }
        if self.groups.contains_key(pattern) {
            return self.group_hosts(pattern);
        }
        if all.contains(pattern) {
            return Hosts::of([pattern]);
        }
        let Some(glob) = glob(pattern) else {
            return Hosts::default();
        };
        let mut hosts = Hosts::default();
        for group in self.groups.keys().filter(|g| glob.is_match(g)) {
            self.hosts_of(group, &mut hosts, &mut HashSet::new());
        }
        for host in all.iter().filter(|h| glob.is_match(h)) {
            hosts.add(host);
        }
        all.filtered(|h| hosts.contains(h))
    }

    /// `--limit`: plain patterns are a union, `&` ones intersect it, `!`
    /// ones remove from it — in that order, as Ansible does.
    fn limit(&self, limit: &str) -> Result<Vec<String>, String> {
        let all = self.all_hosts();
        // As Ansible splits: on commas when there are any, else on colons.
        let separator = if limit.contains(',') { ',' } else { ':' };
        let patterns: Vec<&str> = limit
            .split(separator)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        // A pattern that names nothing is a typo; in an exclusion it would
        // silently run where it was meant not to.
        for pattern in &patterns {
            let name = pattern.trim_start_matches(['&', '!']);
            let known = name == "all" || name == "*" || self.groups.contains_key(name);
            if !known && self.matching(name, &all).is_empty() {
                return Err(format!(
                    "`--limit` pattern `{pattern}` matches no host or group of the inventory"
                ));
            }
        }
        let mut selected = Hosts::default();
        let mut any_plain = false;
        for pattern in patterns.iter().filter(|p| !p.starts_with(['&', '!'])) {
            any_plain = true;
            let hosts = self.matching(pattern, &all);
            if hosts.is_empty() {
                return Err(format!(
                    "`--limit` pattern `{pattern}` matches no host of the inventory"
                ));
            }
            for host in hosts.iter() {
                selected.add(host);
            }
        }
        if !any_plain {
            selected = all.clone();
        }
        for pattern in patterns.iter().filter_map(|p| p.strip_prefix('&')) {
            let keep = self.matching(pattern, &all);
            selected = selected.filtered(|h| keep.contains(h));
        }
        for pattern in patterns.iter().filter_map(|p| p.strip_prefix('!')) {
            let drop = self.matching(pattern, &all);
            selected = selected.filtered(|h| !drop.contains(h));
        }
        // In inventory order, whatever the order of the patterns.
        Ok(all.filtered(|h| selected.contains(h)).into_vec())
    }

    /// The `--target` spelling of a host, from its variables. A connection
    /// variable comply cannot read (a vault-encrypted value, a list) is an
    /// error rather than a default: comply must reach the machine Ansible
    /// would, as the user Ansible would.
    fn target(&self, host: &str) -> Result<String, String> {
        let vars = self.meta.hostvars.get(host);
        let var = |names: &[&str]| -> Result<Option<String>, String> {
            let Some((name, value)) = names
                .iter()
                .find_map(|name| Some((*name, vars?.get(*name)?)))
            else {
                return Ok(None);
            };
            match value {
                Value::String(text) => Ok(Some(text.clone())),
                Value::Number(number) => Ok(Some(number.to_string())),
                other => Err(format!(
                    "host `{host}`: `{name}` is {}, not a string comply can use",
                    match other {
                        Value::Object(map) if map.contains_key("__ansible_vault") =>
                            "vault-encrypted".to_owned(),
                        other => format!("`{other}`"),
                    }
                )),
            }
        };
        let address =
            var(&["ansible_host", "ansible_ssh_host"])?.unwrap_or_else(|| host.to_owned());
        let spec = match var(&["ansible_connection"])?.as_deref() {
            Some("local") => "local".to_owned(),
            Some("docker" | "community.docker.docker") => format!("docker:{address}"),
            Some("ssh" | "paramiko" | "smart") | None => {
                let user = var(&["ansible_user", "ansible_ssh_user"])?
                    .map(|u| format!("{u}@"))
                    .unwrap_or_default();
                let host = if address.contains(':') {
                    format!("[{address}]")
                } else {
                    address
                };
                match var(&["ansible_port", "ansible_ssh_port"])? {
                    Some(port) => format!("ssh:{user}{host}:{port}"),
                    None => format!("ssh:{user}{host}"),
                }
            }
            Some(other) => {
                return Err(format!(
                    "host `{host}`: ansible_connection `{other}` is not one comply can use (ssh, local, docker)"
                ));
            }
        };
        TargetSpec::parse(&spec).map_err(|why| format!("host `{host}`: {why}"))?;
        Ok(spec)
    }
}

fn glob(pattern: &str) -> Option<GlobMatcher> {
    pattern
        .contains(['*', '?', '['])
        .then(|| Glob::new(pattern).ok().map(|g| g.compile_matcher()))
        .flatten()
}

/// Whether an inventory file holds Ansible's JSON rather than comply's
/// line format (which never starts with `{`).
pub fn is_ansible_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// The targets of `ansible-inventory --list` JSON, limited by `--limit`.
pub fn targets(file: &str, text: &str, limit: Option<&str>) -> Result<Vec<String>, InputError> {
    let inventory = Inventory::parse(file, text)?;
    let hosts = match limit {
        Some(limit) => inventory
            .limit(limit)
            .map_err(|why| InputError::new(file, why))?,
        None => inventory.all_hosts().into_vec(),
    };
    hosts
        .iter()
        .map(|host| {
            inventory
                .target(host)
                .map_err(|why| InputError::new(file, why))
        })
        .collect()
}

/// Runs `ansible-inventory -i FILE --list` for an INI or YAML inventory.
pub fn list(path: &std::path::Path) -> Result<String, InputError> {
    let file = path.display().to_string();
    let program = crate::program::resolve_program("ansible-inventory");
    let output = std::process::Command::new(&program)
        .arg("-i")
        .arg(path)
        .arg("--list")
        // By default a file Ansible cannot parse is a warning and an empty
        // inventory: for comply it is invalid input.
        .env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
        .env("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "True")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| {
            InputError::new(
                &file,
                format!(
                    "cannot run ansible-inventory ({error}); install Ansible (Debian: ansible-core) or give `ansible-inventory --list` JSON to --inventory"
                ),
            )
        })?;
    if !output.status.success() {
        return Err(InputError::new(
            &file,
            format!(
                "ansible-inventory rejected it ({}): {}",
                output.status,
                crate::text::xml_safe(&output.stderr).trim()
            ),
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| InputError::new(&file, "ansible-inventory printed something not UTF-8"))
}

/// Host names in first-seen order, each once. A fleet inventory can list
/// ten thousand hosts: membership is a hash lookup, not a scan.
#[derive(Debug, Clone, Default)]
struct Hosts {
    order: Vec<String>,
    members: HashSet<String>,
}

impl Hosts {
    fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> Hosts {
        let mut hosts = Hosts::default();
        for name in names {
            hosts.add(name);
        }
        hosts
    }

    fn add(&mut self, host: &str) {
        if self.members.insert(host.to_owned()) {
            self.order.push(host.to_owned());
        }
    }

    fn contains(&self, host: &str) -> bool {
        self.members.contains(host)
    }

    fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = &String> {
        self.order.iter()
    }

    /// The hosts `keep` accepts, in this order.
    fn filtered(&self, keep: impl Fn(&str) -> bool) -> Hosts {
        Hosts::of(self.order.iter().map(String::as_str).filter(|h| keep(h)))
    }

    fn into_vec(self) -> Vec<String> {
        self.order
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const LIST: &str = r#"{
        "_meta": {"hostvars": {
            "web1": {"ansible_host": "10.0.0.5", "ansible_user": "admin", "ansible_port": 2222},
            "web2": {},
            "db1": {"ansible_host": "fe80::1"},
            "box": {"ansible_connection": "docker"},
            "self": {"ansible_connection": "local"}
        }},
        "all": {"children": ["ungrouped", "web", "db", "prod"]},
        "web": {"hosts": ["web1", "web2"]},
        "db": {"hosts": ["db1"]},
        "prod": {"hosts": ["web1", "db1"]},
        "ungrouped": {"hosts": ["box", "self"]}
    }"#;

    #[test]
    fn every_host_becomes_its_target() {
        assert_eq!(
            targets("inv.json", LIST, None).unwrap(),
            [
                "docker:box",
                "local",
                "ssh:admin@10.0.0.5:2222",
                "ssh:web2",
                "ssh:[fe80::1]"
            ]
        );
    }

    #[rstest]
    #[case("web", &["ssh:admin@10.0.0.5:2222", "ssh:web2"])]
    #[case("web:db", &["ssh:admin@10.0.0.5:2222", "ssh:web2", "ssh:[fe80::1]"])]
    #[case("web,&prod", &["ssh:admin@10.0.0.5:2222"])]
    #[case("all:!web", &["docker:box", "local", "ssh:[fe80::1]"])]
    #[case("web,db", &["ssh:admin@10.0.0.5:2222", "ssh:web2", "ssh:[fe80::1]"])]
    #[case("web2", &["ssh:web2"])]
    #[case("web*", &["ssh:admin@10.0.0.5:2222", "ssh:web2"])]
    fn limit_patterns_select_as_ansible_does(#[case] limit: &str, #[case] expected: &[&str]) {
        assert_eq!(targets("inv.json", LIST, Some(limit)).unwrap(), expected);
    }

    #[rstest]
    #[case("web:nosuch", "`nosuch` matches no host")]
    #[case("all:!prdo", "`!prdo` matches no host")]
    #[case("web:&prdo", "`&prdo` matches no host")]
    fn a_pattern_that_matches_nothing_is_an_error(#[case] limit: &str, #[case] says: &str) {
        let error = targets("inv.json", LIST, Some(limit)).unwrap_err();
        assert!(error.message.contains(says), "{error}");
    }

    #[rstest]
    #[case::vault(
        r#"{"__ansible_vault": "$ANSIBLE_VAULT;1.1;AES256"}"#,
        "vault-encrypted"
    )]
    #[case::list(r#"["a", "b"]"#, "not a string")]
    fn connection_variables_comply_cannot_read_are_errors(#[case] value: &str, #[case] says: &str) {
        let list = format!(
            r#"{{"_meta": {{"hostvars": {{"db": {{"ansible_host": {value}}}}}}}, "all": {{"hosts": ["db"]}}}}"#
        );
        let error = targets("inv.json", &list, None).unwrap_err();
        assert!(error.message.contains(says), "{error}");
        assert!(error.message.contains("`ansible_host`"), "{error}");
    }

    #[test]
    fn ssh_aliases_and_exported_group_vars() {
        let list = r#"{"_meta": {"hostvars": {"db": {"ansible_ssh_host": "10.1.1.1",
                       "ansible_ssh_user": "ops", "ansible_ssh_port": "2200"}}},
                       "all": {"hosts": ["db"]}}"#;
        assert_eq!(
            targets("inv.json", list, None).unwrap(),
            ["ssh:ops@10.1.1.1:2200"]
        );
        let exported = r#"{"all": {"hosts": ["db"], "vars": {"ansible_user": "ops"}}}"#;
        let error = targets("inv.json", exported, None).unwrap_err();
        assert!(error.message.contains("--export"), "{error}");
    }

    #[test]
    fn a_host_named_like_an_option_is_refused() {
        let list = r#"{"_meta": {"hostvars": {"evil": {"ansible_host": "-oProxyCommand=id"}}},
                       "all": {"hosts": ["evil"]}}"#;
        let error = targets("inv.json", list, None).unwrap_err();
        assert!(error.message.contains("starts with `-`"), "{error}");
    }

    #[test]
    fn the_line_format_is_not_mistaken_for_json() {
        assert!(is_ansible_json("\n  {\"all\": {}}"));
        assert!(!is_ansible_json("# fleet\nweb1\n"));
    }
}
