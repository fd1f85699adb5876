//! qemu process control: launching a machine, its monitor, resuming the
//! saved state, waiting for sshd, rebooting the guest.

use std::io::{BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{
    Accel, BOOTED_DISK, INITRD, KERNEL, STATE, accel_of, failed, free_port, loopback, run_tool,
    scratch_dir, ssh_options,
};
use crate::cancel::Cancel;
use crate::gate::error::GateError;
use crate::gate::fixture::{Fixture, VmSection};
use crate::target::ssh::Ssh;

/// qemu's human monitor on a unix socket.
pub(super) struct Monitor {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Monitor {
    pub(super) fn connect(path: &Path, deadline: Instant) -> Result<Monitor, GateError> {
        let stream = loop {
            match UnixStream::connect(path) {
                Ok(stream) => break stream,
                Err(error) if Instant::now() > deadline => {
                    return Err(failed("qemu's monitor did not open", error));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| failed("monitor", e))?;
        let mut monitor = Monitor {
            writer: stream.try_clone().map_err(|e| failed("monitor", e))?,
            reader: BufReader::new(stream),
        };
        monitor.prompt()?;
        Ok(monitor)
    }

    /// Reads up to the next `(qemu) ` prompt.
    fn prompt(&mut self) -> Result<String, GateError> {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !seen.ends_with(b"(qemu) ") {
            match self.reader.read(&mut byte) {
                Ok(0) => return Err(GateError::Fixture("qemu's monitor closed".to_owned())),
                Ok(_) => seen.push(byte[0]),
                Err(error) => return Err(failed("qemu's monitor", error)),
            }
        }
        Ok(String::from_utf8_lossy(&seen).into_owned())
    }

    pub(super) fn command(&mut self, line: &str) -> Result<String, GateError> {
        writeln!(self.writer, "{line}").map_err(|e| failed("qemu's monitor", e))?;
        self.prompt()
    }
}

/// A qemu process, killed and reaped when dropped.
pub(super) struct Qemu {
    child: std::sync::Mutex<Child>,
    pub(super) monitor_path: PathBuf,
    log_path: PathBuf,
}

impl Qemu {
    /// Why qemu is gone, if it is: a machine that cannot start (KVM that
    /// aborts, a bad image) must not be waited for until a boot timeout.
    fn exited(&self) -> Option<String> {
        let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let status = child.try_wait().ok().flatten()?;
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        Some(format!("qemu exited ({status}): {}", log.trim()))
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Starts qemu for `disk`, optionally resuming saved state.
pub(super) fn launch(
    image: &Path,
    vm: &VmSection,
    accel: Accel,
    disk: &Path,
    scratch: &Path,
    port: u16,
    incoming: Option<&Path>,
) -> Result<Qemu, GateError> {
    let monitor_path = scratch.join("monitor.sock");
    let mut command = Command::new(crate::program::resolve_program("qemu-system-x86_64"));
    command
        .args([
            "-name",
            "comply-vm",
            "-nodefaults",
            "-display",
            "none",
            "-machine",
            "pc",
        ])
        .args(accel.args())
        .args([
            "-smp",
            &vm.cpus.to_string(),
            "-m",
            &vm.memory_mib.to_string(),
        ])
        .arg("-kernel")
        .arg(image.join(KERNEL))
        .arg("-initrd")
        .arg(image.join(INITRD))
        .args(["-append", &vm.kernel_cmdline])
        .arg("-drive")
        .arg(format!(
            "file={},if=virtio,format=qcow2,cache=unsafe",
            disk.display()
        ))
        .arg("-netdev")
        .arg(format!("user,id=net0,hostfwd=tcp:127.0.0.1:{port}-:22"))
        .args(["-device", "virtio-net-pci,netdev=net0"])
        .arg("-serial")
        .arg(format!("file:{}", scratch.join("console.log").display()))
        .arg("-monitor")
        .arg(format!(
            "unix:{},server=on,wait=off",
            monitor_path.display()
        ))
        .arg("-pidfile")
        .arg(scratch.join("qemu.pid"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(scratch.join("qemu.log")).map_err(|e| failed("qemu log", e))?,
        ));
    if let Some(state) = incoming {
        command
            .arg("-incoming")
            .arg(format!("exec:cat {}", state.display()));
    }
    // If comply dies without cleaning up, the kernel kills qemu with it.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
                .map_err(std::io::Error::from)
        });
    }
    let child = command.spawn().map_err(|e| {
        failed(
            "cannot start qemu-system-x86_64 (Debian package qemu-system-x86)",
            e,
        )
    })?;
    Ok(Qemu {
        child: std::sync::Mutex::new(child),
        monitor_path,
        log_path: scratch.join("qemu.log"),
    })
}

/// A running machine: qemu and its scratch directory (overlay disk,
/// monitor socket, console log), both gone when it is dropped. Steps reach
/// it through an ssh target made by [`resume`].
pub struct Vm {
    pub(super) qemu: Qemu,
    pub(super) scratch: tempfile::TempDir,
    pub(super) boot_timeout: Duration,
}

impl Vm {
    pub fn console_tail(&self) -> String {
        let log =
            std::fs::read_to_string(self.scratch.path().join("console.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Waits until sshd answers.
    pub(super) fn wait_ssh(
        &self,
        ssh: &Ssh,
        deadline: Instant,
        cancel: &Cancel,
    ) -> Result<(), GateError> {
        loop {
            if cancel.is_cancelled() {
                return Err(GateError::Interrupted);
            }
            if let Some(why) = self.qemu.exited() {
                return Err(GateError::Fixture(why));
            }
            match ssh.command_output("true") {
                Ok(_) => return Ok(()),
                Err(error) if Instant::now() > deadline => {
                    return Err(GateError::Fixture(format!(
                        "ssh did not answer in time ({error}); console:\n{}",
                        self.console_tail()
                    )));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(250)),
            }
        }
    }

    /// The state was saved from a stopped machine, so it loads stopped:
    /// wait for the load to finish, then let it run.
    fn continue_after_loading(&self) -> Result<(), GateError> {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut monitor = Monitor::connect(&self.qemu.monitor_path, deadline)?;
        loop {
            if let Some(why) = self.qemu.exited() {
                return Err(GateError::Fixture(why));
            }
            let status = monitor.command("info status")?;
            if !status.contains("inmigrate") {
                break;
            }
            if Instant::now() > deadline {
                return Err(GateError::Fixture(
                    "loading the booted state took too long".to_owned(),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let migrated = monitor.command("info migrate")?;
        if migrated
            .lines()
            .any(|line| line.starts_with("Migration status: failed"))
        {
            return Err(GateError::Fixture(format!(
                "loading the booted state failed: {migrated}"
            )));
        }
        monitor.command("cont")?;
        Ok(())
    }

    /// A real reboot of the guest: shutdown, kernel, init. Returns once
    /// sshd answers from the new boot.
    pub fn reboot(&self, ssh: &Ssh, cancel: &Cancel) -> Result<(), GateError> {
        let boot_id = || {
            ssh.command_output("cat /proc/sys/kernel/random/boot_id")
                .map(|id| id.trim().to_owned())
        };
        let before = boot_id()?;
        // The connection drops as the guest goes down; that is expected.
        let _ = ssh.command_output("systemctl reboot");
        ssh.disconnect();
        let deadline = Instant::now() + self.boot_timeout;
        loop {
            if cancel.is_cancelled() {
                return Err(GateError::Interrupted);
            }
            if let Some(why) = self.qemu.exited() {
                return Err(GateError::Fixture(why));
            }
            if Instant::now() > deadline {
                return Err(GateError::Fixture(format!(
                    "the machine did not come back from a reboot; console:\n{}",
                    self.console_tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(500));
            if boot_id().is_ok_and(|now| now != before) {
                return Ok(());
            }
        }
    }
}

/// Resumes the booted machine from its saved state on a fresh overlay;
/// returns it with the ssh target that reaches it, once sshd answers.
pub fn resume(fixture: &Fixture, cancel: &Cancel) -> Result<(Vm, Ssh), GateError> {
    let vm_section = fixture
        .def
        .vm
        .as_ref()
        .expect("validated: VM fixtures have [vm]");
    let image = PathBuf::from(&fixture.image);
    let scratch = scratch_dir()?;
    let disk = scratch.path().join("disk.qcow2");
    run_tool(
        Command::new("qemu-img")
            .args(["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b"])
            .arg(image.join(BOOTED_DISK))
            .arg(&disk),
        "qemu-img create",
    )?;
    let port = free_port()?;
    let qemu = launch(
        &image,
        vm_section,
        accel_of(&image),
        &disk,
        scratch.path(),
        port,
        Some(&image.join(STATE)),
    )?;
    let vm = Vm {
        qemu,
        scratch,
        boot_timeout: Duration::from_secs(vm_section.boot_timeout_s),
    };
    vm.continue_after_loading()?;
    let ssh = Ssh::new(loopback(port), ssh_options(&image, fixture)?);
    vm.wait_ssh(&ssh, Instant::now() + vm.boot_timeout, cancel)?;
    Ok((vm, ssh))
}
