//! What a `--target` or an inventory line names, checked before anything
//! runs. A name is later handed to `ssh` or the container engine as an
//! argument, so one that could be read as an option (`ssh:-V` made every
//! probe "pass" by running `ssh -V`) or that carries whitespace or control
//! characters is refused here, whatever else guards the command line.

use crate::load::InputError;

/// Where a target is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

impl Address {
    /// `[USER@]HOST[:PORT]`, with `[v6::addr]:PORT` for IPv6.
    pub fn parse(spec: &str) -> Result<Address, String> {
        let (user, rest) = match spec.rsplit_once('@') {
            Some((user, rest)) if !user.is_empty() => (Some(user.to_owned()), rest),
            Some(_) => return Err(format!("`{spec}`: empty user name before `@`")),
            None => (None, spec),
        };
        let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| format!("`{spec}`: unclosed `[` in an IPv6 address"))?;
            (host, after.strip_prefix(':'))
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) if !host.contains(':') => (host, Some(port)),
                _ => (rest, None),
            }
        };
        if host.is_empty() {
            return Err(format!("`{spec}`: no host name"));
        }
        if let Some(user) = &user {
            not_an_option("user name", user)?;
        }
        not_an_option("host name", host)?;
        let port = port
            .map(|port| {
                port.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("`{spec}`: `{port}` is not a port number"))
            })
            .transpose()?;
        Ok(Address {
            user,
            host: host.to_owned(),
            port,
        })
    }

    /// `user@host` as ssh takes it.
    pub fn destination(&self) -> String {
        match &self.user {
            Some(user) => format!("{user}@{}", self.host),
            None => self.host.clone(),
        }
    }
}

/// A parsed target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    Local,
    Docker(String),
    Ssh(Address),
}

/// The spellings every error message offers.
const EXPECTED: &str = "expected `local`, `docker:CONTAINER` or `ssh:[USER@]HOST[:PORT]`";

impl TargetSpec {
    pub fn parse(spec: &str) -> Result<TargetSpec, String> {
        check_word(spec).map_err(|why| format!("target `{}`: {why}", spec.escape_debug()))?;
        match spec.split_once(':') {
            None if spec == "local" => Ok(TargetSpec::Local),
            Some(("docker", container)) => container_name(container)
                .map(|name| TargetSpec::Docker(name.to_owned()))
                .map_err(|why| format!("target `{spec}`: {why}")),
            Some(("ssh", address)) => Address::parse(address)
                .map(TargetSpec::Ssh)
                .map_err(|why| format!("target `{spec}`: {why}")),
            _ => Err(format!("unknown target `{spec}`: {EXPECTED}")),
        }
    }
}

/// Refuses what no host or container name contains: whitespace and
/// control characters (a newline in an inventory value, a NUL).
pub fn check_word(word: &str) -> Result<(), String> {
    if word.is_empty() {
        return Err("is empty".to_owned());
    }
    match word.chars().find(|c| c.is_whitespace() || c.is_control()) {
        Some(c) => Err(format!(
            "contains {:?}: names have no whitespace or control characters",
            c
        )),
        None => Ok(()),
    }
}

/// Refuses a name that a command line would read as an option.
pub fn not_an_option<'a>(what: &str, name: &'a str) -> Result<&'a str, String> {
    if name.starts_with('-') {
        Err(format!(
            "{what} `{name}` starts with `-`, which ssh and container engines read as an option"
        ))
    } else {
        Ok(name)
    }
}

/// A container name or id as Docker and Podman accept them:
/// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
fn container_name(name: &str) -> Result<&str, String> {
    not_an_option("container name", name)?;
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if valid {
        Ok(name)
    } else {
        Err(format!(
            "`{name}` is not a container name (letters, digits, `_`, `.`, `-`, starting with a letter or digit)"
        ))
    }
}

/// The targets of an inventory in comply's line format: one per line, `#`
/// starts a comment, a bare `[USER@]HOST[:PORT]` is an ssh target. Every
/// line is parsed here, so a bad one is reported at its line and column;
/// `file` names it in errors.
pub fn parse_inventory(file: &str, text: &str) -> Result<Vec<String>, InputError> {
    let mut specs = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let content = raw.split('#').next().unwrap_or_default();
        let line = content.trim();
        if line.is_empty() {
            continue;
        }
        let column_offset = start + (content.len() - content.trim_start().len());
        let error = |message: String| InputError::new(file, message).at(text, column_offset);
        if line.contains(char::is_whitespace) {
            return Err(error(format!(
                "`{}`: one target per line",
                line.escape_debug()
            )));
        }
        let spec = if ["local", "docker:", "ssh:"]
            .iter()
            .any(|prefix| line.starts_with(prefix))
        {
            line.to_owned()
        } else {
            format!("ssh:{line}")
        };
        TargetSpec::parse(&spec).map_err(error)?;
        specs.push(spec);
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Place;
    use rstest::rstest;

    #[rstest]
    #[case::local("local", TargetSpec::Local)]
    #[case::docker("docker:web-1", TargetSpec::Docker("web-1".into()))]
    #[case::ssh("ssh:admin@db:2222", TargetSpec::Ssh(Address::parse("admin@db:2222").unwrap()))]
    fn parses_targets(#[case] spec: &str, #[case] expected: TargetSpec) {
        assert_eq!(TargetSpec::parse(spec).unwrap(), expected);
    }

    #[rstest]
    #[case::ssh_option("ssh:-V", "starts with `-`")]
    #[case::ssh_option_as_user("ssh:-oProxyCommand=x@host", "starts with `-`")]
    #[case::docker_option("docker:-V", "starts with `-`")]
    #[case::docker_bad_name("docker:a/b", "is not a container name")]
    #[case::docker_empty("docker:", "is not a container name")]
    #[case::space("ssh:host name", "whitespace or control")]
    #[case::newline("ssh:host\nx", "whitespace or control")]
    #[case::nul("docker:a\0b", "whitespace or control")]
    #[case::unknown("ftp:host", "unknown target")]
    fn refuses_names_a_command_line_would_misread(#[case] spec: &str, #[case] why: &str) {
        let error = TargetSpec::parse(spec).unwrap_err();
        assert!(error.contains(why), "{error}");
    }

    #[test]
    fn parses_addresses() {
        let full = Address::parse("root@db.example.org:2222").unwrap();
        assert_eq!(full.user.as_deref(), Some("root"));
        assert_eq!(full.host, "db.example.org");
        assert_eq!(full.port, Some(2222));
        assert_eq!(Address::parse("db").unwrap().port, None);
        let v6 = Address::parse("admin@[::1]:22").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", Some(22)));
        assert_eq!(Address::parse("fe80::1").unwrap().host, "fe80::1");
        assert!(Address::parse("host:http").is_err());
        assert!(Address::parse("@host").is_err());
        assert!(Address::parse("user@").is_err());
    }

    #[test]
    fn inventory_positions_are_right_with_crlf_line_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inventory");
        std::fs::write(&path, "# fleet\r\nhöst-a\r\n  -V\r\n").unwrap();
        let error = crate::target::read_inventory(&Place::Disk(path), None).unwrap_err();
        assert_eq!(error.position, Some((3, 3)), "{error}");
        assert!(error.message.contains("starts with `-`"), "{error}");
    }

    #[test]
    fn inventory_lines_become_targets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inventory");
        std::fs::write(&path, "db # the database\r\nlocal\ndocker:web\n").unwrap();
        assert_eq!(
            crate::target::read_inventory(&Place::Disk(path), None).unwrap(),
            ["ssh:db", "local", "docker:web"]
        );
    }
}
