//! qemu process control: launching a machine, its monitor, resuming the
//! saved state, waiting for sshd, power-cycling the guest.

use std::io::{BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{
    Accel, BOOTED_DISK, INITRD, KERNEL, STATE, accel_of, failed, free_port, loopback, run_tool,
    scratch_dir, ssh_options,
};
use crate::cancel::Cancel;
use crate::gate::error::GateError;
use crate::gate::fixture::{Fixture, VM_DISK_ATTACHMENT, VM_HARDWARE, VmSection};
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
    child: Child,
    log_path: PathBuf,
    /// Where this launch's messages start in the log, which the machine's
    /// launches before a power cycle wrote to as well.
    log_start: u64,
}

impl Qemu {
    /// How qemu ended, if it has.
    fn status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// What this launch of qemu wrote to its log.
    fn messages(&self) -> String {
        let log = std::fs::read(&self.log_path).unwrap_or_default();
        let start = usize::try_from(self.log_start).map_or(log.len(), |at| at.min(log.len()));
        String::from_utf8_lossy(&log[start..]).trim().to_owned()
    }

    /// Why qemu is gone, if it is: a machine that cannot start (KVM that
    /// aborts, a bad image) must not be waited for until a boot timeout.
    fn exited(&mut self) -> Option<String> {
        let status = self.status()?;
        Some(format!("qemu exited ({status}): {}", self.messages()))
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What qemu starts: the image's kernel and the machine's settings, a
/// disk, and the loopback port sshd is forwarded to. Kept with the running
/// machine so that a power cycle starts the same machine again.
pub(super) struct Machine {
    pub(super) image: PathBuf,
    pub(super) section: VmSection,
    pub(super) accel: Accel,
    pub(super) disk: PathBuf,
    pub(super) port: u16,
}

/// The monitor's socket in a machine's scratch directory.
const MONITOR: &str = "monitor.sock";

/// Starts qemu for `machine` on the VM fixtures' hardware
/// ([`VM_HARDWARE`]), optionally resuming saved state.
fn launch(machine: &Machine, scratch: &Path, incoming: Option<&Path>) -> Result<Qemu, GateError> {
    let vm = &machine.section;
    let log_path = scratch.join("qemu.log");
    // Appended to, not replaced: after a power cycle the console and
    // qemu's messages of the boot before are still there to read.
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| failed("qemu log", e))?;
    let log_start = log.metadata().map_or(0, |m| m.len());
    let mut command = Command::new(crate::program::resolve_program("qemu-system-x86_64"));
    command
        .args(["-name", "comply-vm", "-display", "none"])
        .args(VM_HARDWARE)
        .args(machine.accel.args())
        .args([
            "-smp",
            &vm.cpus.to_string(),
            "-m",
            &vm.memory_mib.to_string(),
        ])
        .arg("-kernel")
        .arg(machine.image.join(KERNEL))
        .arg("-initrd")
        .arg(machine.image.join(INITRD))
        .args(["-append", &vm.kernel_cmdline])
        .arg("-drive")
        .arg(format!(
            "file={},{VM_DISK_ATTACHMENT}",
            machine.disk.display()
        ))
        .arg("-netdev")
        .arg(format!(
            "user,id=net0,hostfwd=tcp:127.0.0.1:{}-:22",
            machine.port
        ))
        .arg("-chardev")
        .arg(format!(
            "file,id=console,append=on,path={}",
            scratch.join("console.log").display()
        ))
        .args(["-serial", "chardev:console"])
        .arg("-monitor")
        .arg(format!(
            "unix:{},server=on,wait=off",
            scratch.join(MONITOR).display()
        ))
        .arg("-pidfile")
        .arg(scratch.join("qemu.pid"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log));
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
        child,
        log_path,
        log_start,
    })
}

/// A running machine: qemu and its scratch directory (overlay disk,
/// monitor socket, console log), both gone when it is dropped. Steps reach
/// it through an ssh target made by [`resume`].
pub struct Vm {
    /// Before `scratch`: fields drop in order, so qemu is killed before
    /// its disk and sockets are removed.
    qemu: Mutex<Qemu>,
    machine: Machine,
    scratch: tempfile::TempDir,
}

impl Vm {
    /// Starts qemu for `machine`, optionally resuming saved state.
    pub(super) fn start(
        machine: Machine,
        scratch: tempfile::TempDir,
        incoming: Option<&Path>,
    ) -> Result<Vm, GateError> {
        let qemu = launch(&machine, scratch.path(), incoming)?;
        Ok(Vm {
            qemu: Mutex::new(qemu),
            machine,
            scratch,
        })
    }

    pub(super) fn boot_timeout(&self) -> Duration {
        Duration::from_secs(self.machine.section.boot_timeout_s)
    }

    pub(super) fn monitor_path(&self) -> PathBuf {
        self.scratch.path().join(MONITOR)
    }

    fn qemu_exited(&self) -> Option<String> {
        self.qemu.lock().unwrap_or_else(|e| e.into_inner()).exited()
    }

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
            if let Some(why) = self.qemu_exited() {
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
        let mut monitor = Monitor::connect(&self.monitor_path(), deadline)?;
        loop {
            if let Some(why) = self.qemu_exited() {
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

    /// Turns the machine off and on again: the guest shuts down as it
    /// would for a reboot (`systemctl poweroff` stops every unit and
    /// syncs the disk), qemu exits, and a new qemu boots the same disk —
    /// RAM, /run and the kernel's settings are gone, as after any reboot.
    /// Not `systemctl reboot`: under TCG a warm reboot stalled at random
    /// for 40–90 s in the new kernel (one virtual CPU zeroing pages in
    /// `clear_page_erms` the whole time); a fresh qemu did not. The
    /// power-off and the boot each have the machine's boot timeout.
    /// Returns once sshd answers from the new boot.
    pub fn power_cycle(&self, ssh: &Ssh, cancel: &Cancel) -> Result<(), GateError> {
        // The connection drops as the guest goes down; that is expected.
        let poweroff = ssh.command_output("systemctl poweroff");
        ssh.disconnect();
        self.wait_powered_off(poweroff.err(), cancel)?;
        let qemu = launch(&self.machine, self.scratch.path(), None)?;
        *self.qemu.lock().unwrap_or_else(|e| e.into_inner()) = qemu;
        self.wait_ssh(ssh, Instant::now() + self.boot_timeout(), cancel)?;
        // The port was free between the two qemus. Had another process
        // taken it, the new qemu could not forward it and has exited, and
        // what answered is not this machine.
        match self.qemu_exited() {
            Some(why) => Err(GateError::Fixture(why)),
            None => Ok(()),
        }
    }

    /// Waits for qemu to exit after the guest was told to power off. Only
    /// a clean exit, which is what qemu does when its guest powers off,
    /// means the guest shut down and qemu wrote the disk out; a qemu that
    /// died on the way is the fixture's failure, not the runbook's.
    fn wait_powered_off(
        &self,
        poweroff_error: Option<crate::target::TargetError>,
        cancel: &Cancel,
    ) -> Result<(), GateError> {
        let deadline = Instant::now() + self.boot_timeout();
        loop {
            let mut qemu = self.qemu.lock().unwrap_or_else(|e| e.into_inner());
            match qemu.status() {
                Some(status) if status.success() => return Ok(()),
                Some(status) => {
                    return Err(GateError::Fixture(format!(
                        "qemu died while the machine powered off ({status}): {}; console:\n{}",
                        qemu.messages(),
                        self.console_tail()
                    )));
                }
                None => drop(qemu),
            }
            if cancel.is_cancelled() {
                return Err(GateError::Interrupted);
            }
            if Instant::now() > deadline {
                let asked = poweroff_error
                    .as_ref()
                    .map(|error| format!(" (`systemctl poweroff`: {error})"))
                    .unwrap_or_default();
                return Err(GateError::Fixture(format!(
                    "the machine did not power off within {} s{asked}; console:\n{}",
                    self.boot_timeout().as_secs(),
                    self.console_tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
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
    let machine = Machine {
        image: image.clone(),
        section: vm_section.clone(),
        accel: accel_of(&image),
        disk,
        port,
    };
    let vm = Vm::start(machine, scratch, Some(&image.join(STATE)))?;
    vm.continue_after_loading()?;
    let ssh = Ssh::new(loopback(port), ssh_options(&image, fixture)?);
    vm.wait_ssh(&ssh, Instant::now() + vm.boot_timeout(), cancel)?;
    Ok((vm, ssh))
}
