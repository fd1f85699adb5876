//! Which platform a target is: the `/etc/os-release` `ID`, or `nixos` when
//! `/etc/NIXOS` exists (docs/targets.md). Detection runs as a step on the target
//! itself, so local, container and ssh targets are detected the same way.

use std::time::Duration;

use crate::cancel::Cancel;
use crate::target::{Exit, StepRequest, Target, TargetError};

/// Prints os-release and a marker line for `/etc/NIXOS`.
const DETECT: &str = "cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null\n\
                      if [ -e /etc/NIXOS ]; then echo; echo COMPLY_NIXOS=1; fi\n\
                      exit 0\n";

/// The platform of a host whose os-release cannot be read.
pub const UNKNOWN: &str = "unknown";

/// Reads the platform from os-release text and whether `/etc/NIXOS` exists.
pub fn from_os_release(os_release: &str, nixos_marker: bool) -> String {
    if nixos_marker {
        return crate::model::Platform::NIXOS.to_owned();
    }
    os_release
        .lines()
        .find_map(|line| line.trim().strip_prefix("ID="))
        .map(|value| value.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|id| crate::model::Platform::new(id).is_ok())
        .unwrap_or_else(|| UNKNOWN.to_owned())
}

pub fn detect(target: &dyn Target, cancel: &Cancel) -> Result<String, TargetError> {
    let request = StepRequest {
        script: DETECT,
        env: Vec::new(),
        timeout: Duration::from_secs(30),
        output_limit: 64 * 1024,
    };
    let output = target.run_step(&request, cancel)?;
    if output.exit != Exit::Code(0) {
        return Err(TargetError::Platform {
            target: target.name().to_owned(),
            exit: output.exit.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr.bytes)
                .trim()
                .to_owned(),
        });
    }
    let text = String::from_utf8_lossy(&output.stdout.bytes);
    let nixos = text.lines().any(|line| line == "COMPLY_NIXOS=1");
    Ok(from_os_release(&text, nixos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_id() {
        let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
        assert_eq!(from_os_release(debian, false), "debian");
        assert_eq!(
            from_os_release("ID=\"ubuntu\"\nID_LIKE=debian\n", false),
            "ubuntu"
        );
        assert_eq!(from_os_release(debian, true), "nixos");
        assert_eq!(from_os_release("", false), UNKNOWN);
        assert_eq!(from_os_release("ID=Weird Value\n", false), UNKNOWN);
    }

    #[test]
    fn detects_this_host() {
        let platform = detect(&crate::target::local::Local, &Cancel::new()).unwrap();
        assert_ne!(platform, UNKNOWN, "this machine has /etc/os-release");
    }
}
