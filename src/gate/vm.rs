//! VM fixtures (kind `vm`): a whole Debian machine under qemu, for controls
//! a container cannot exercise (auditd, kernel parameters), driven through
//! the ssh target.
//!
//! Built offline and cached by the fixture's hash: a debootstrap root
//! filesystem with a kernel, made into an ext4 image with `mkfs.ext4 -d`
//! (no loop mounts) and a qcow2 base; a key pair generated for the image
//! only; then one boot whose RAM and device state is saved with qemu's
//! migration, so that each scenario resumes a booted machine from a fresh
//! copy-on-write overlay in a second or two instead of paying a ~16 s boot.
//! Persistence is checked with a real reboot of the guest.

use std::io::{BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::fixture::{Fixture, VmSection, cache_root, images_dir};
use crate::cancel::Cancel;
use crate::engine::EngineError;
use crate::target::ssh::{Address, Ssh, SshOptions};
use crate::target::{Exit, StepRequest, Target};

/// The files of a built VM image, in its cache directory.
const BASE_DISK: &str = "base.qcow2";
const BOOTED_DISK: &str = "booted.qcow2";
const STATE: &str = "booted.state";
const KERNEL: &str = "vmlinuz";
const INITRD: &str = "initrd.img";
const KEY: &str = "id_ed25519";
const KNOWN_HOSTS: &str = "known_hosts";
/// Written last: the image is complete.
const ACCEL: &str = "accel";

/// Running machines' scratch directories, one per case.
fn runs_dir() -> PathBuf {
    cache_root().join("runs")
}

pub fn is_built(fixture: &Fixture) -> bool {
    Path::new(&fixture.image).join(ACCEL).exists()
}

/// How qemu runs the guest: KVM where it works, else TCG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accel {
    Kvm,
    Tcg,
}

impl Accel {
    fn args(self) -> [&'static str; 4] {
        match self {
            Accel::Kvm => ["-accel", "kvm", "-cpu", "host"],
            Accel::Tcg => ["-accel", "tcg,thread=multi", "-cpu", "max"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        }
    }
}

fn failed(what: &str, error: impl std::fmt::Display) -> EngineError {
    EngineError(format!("{what}: {error}"))
}

fn run(command: &mut Command, what: &str) -> Result<(), EngineError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed(what, e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(EngineError(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

/// A free loopback port for sshd's forward (free when asked; qemu binds it
/// a moment later).
fn free_port() -> Result<u16, EngineError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| failed("no free port", e))?;
    Ok(listener
        .local_addr()
        .map_err(|e| failed("no free port", e))?
        .port())
}

/// qemu's human monitor on a unix socket.
struct Monitor {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Monitor {
    fn connect(path: &Path, deadline: Instant) -> Result<Monitor, EngineError> {
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
    fn prompt(&mut self) -> Result<String, EngineError> {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !seen.ends_with(b"(qemu) ") {
            match self.reader.read(&mut byte) {
                Ok(0) => return Err(EngineError("qemu's monitor closed".to_owned())),
                Ok(_) => seen.push(byte[0]),
                Err(error) => return Err(failed("qemu's monitor", error)),
            }
        }
        Ok(String::from_utf8_lossy(&seen).into_owned())
    }

    fn command(&mut self, line: &str) -> Result<String, EngineError> {
        writeln!(self.writer, "{line}").map_err(|e| failed("qemu's monitor", e))?;
        self.prompt()
    }
}

/// A qemu process, killed and reaped when dropped.
struct Qemu {
    child: std::sync::Mutex<Child>,
    monitor_path: PathBuf,
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
fn launch(
    image: &Path,
    vm: &VmSection,
    accel: Accel,
    disk: &Path,
    scratch: &Path,
    port: u16,
    incoming: Option<&Path>,
) -> Result<Qemu, EngineError> {
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
    qemu: Qemu,
    scratch: tempfile::TempDir,
    boot_timeout: Duration,
}

impl Vm {
    pub fn console_tail(&self) -> String {
        let log =
            std::fs::read_to_string(self.scratch.path().join("console.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Waits until sshd answers.
    fn wait_ssh(&self, ssh: &Ssh, deadline: Instant, cancel: &Cancel) -> Result<(), String> {
        loop {
            if cancel.is_cancelled() {
                return Err("interrupted".to_owned());
            }
            if let Some(why) = self.qemu.exited() {
                return Err(why);
            }
            match ssh.command_output("true") {
                Ok(_) => return Ok(()),
                Err(error) if Instant::now() > deadline => {
                    return Err(format!(
                        "ssh did not answer in time ({error}); console:\n{}",
                        self.console_tail()
                    ));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(250)),
            }
        }
    }

    /// The state was saved from a stopped machine, so it loads stopped:
    /// wait for the load to finish, then let it run.
    fn continue_after_loading(&self) -> Result<(), EngineError> {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut monitor = Monitor::connect(&self.qemu.monitor_path, deadline)?;
        loop {
            if let Some(why) = self.qemu.exited() {
                return Err(EngineError(why));
            }
            let status = monitor.command("info status")?;
            if !status.contains("inmigrate") {
                break;
            }
            if Instant::now() > deadline {
                return Err(EngineError(
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
            return Err(EngineError(format!(
                "loading the booted state failed: {migrated}"
            )));
        }
        monitor.command("cont")?;
        Ok(())
    }

    /// A real reboot of the guest: shutdown, kernel, init. Returns once
    /// sshd answers from the new boot.
    pub fn reboot(&self, ssh: &Ssh, cancel: &Cancel) -> Result<(), String> {
        let boot_id = || {
            ssh.command_output("cat /proc/sys/kernel/random/boot_id")
                .map(|id| id.trim().to_owned())
        };
        let before = boot_id().map_err(|e| e.to_string())?;
        // The connection drops as the guest goes down; that is expected.
        let _ = ssh.command_output("systemctl reboot");
        ssh.disconnect();
        let deadline = Instant::now() + self.boot_timeout;
        loop {
            if cancel.is_cancelled() {
                return Err("interrupted".to_owned());
            }
            if let Some(why) = self.qemu.exited() {
                return Err(why);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the machine did not come back from a reboot; console:\n{}",
                    self.console_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(500));
            if boot_id().is_ok_and(|now| now != before) {
                return Ok(());
            }
        }
    }
}

fn ssh_options(image: &Path, fixture: &Fixture) -> Result<SshOptions, EngineError> {
    let extra = vec![
        format!("IdentityFile={}", image.join(KEY).display()),
        "IdentitiesOnly=yes".to_owned(),
        format!("UserKnownHostsFile={}", image.join(KNOWN_HOSTS).display()),
        format!("HostKeyAlias=comply-{}", fixture.def.name),
        "StrictHostKeyChecking=yes".to_owned(),
        "LogLevel=ERROR".to_owned(),
    ];
    SshOptions::multiplexed(Duration::from_secs(5), extra).map_err(|e| EngineError(e.to_string()))
}

/// A fresh scratch directory for one machine; its name starts with this
/// process's id so `comply fixtures prune` can tell live runs from leftovers.
fn scratch_dir() -> Result<tempfile::TempDir, EngineError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(runs_dir())
        .map_err(|e| failed("cannot create the runs directory", e))?;
    tempfile::Builder::new()
        .prefix(&format!(
            "{}-{}-",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ))
        .tempdir_in(runs_dir())
        .map_err(|e| failed("cannot create a scratch directory", e))
}

fn accel_of(image: &Path) -> Accel {
    match std::fs::read_to_string(image.join(ACCEL))
        .as_deref()
        .map(str::trim)
    {
        Ok("kvm") => Accel::Kvm,
        _ => Accel::Tcg,
    }
}

/// Resumes the booted machine from its saved state on a fresh overlay;
/// returns it with the ssh target that reaches it, once sshd answers.
pub fn resume(fixture: &Fixture, cancel: &Cancel) -> Result<(Vm, Ssh), String> {
    let vm_section = fixture
        .def
        .vm
        .as_ref()
        .expect("validated: VM fixtures have [vm]");
    let image = PathBuf::from(&fixture.image);
    let scratch = scratch_dir().map_err(|e| e.to_string())?;
    let disk = scratch.path().join("disk.qcow2");
    run(
        Command::new("qemu-img")
            .args(["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b"])
            .arg(image.join(BOOTED_DISK))
            .arg(&disk),
        "qemu-img create",
    )
    .map_err(|e| e.to_string())?;
    let port = free_port().map_err(|e| e.to_string())?;
    let qemu = launch(
        &image,
        vm_section,
        accel_of(&image),
        &disk,
        scratch.path(),
        port,
        Some(&image.join(STATE)),
    )
    .map_err(|e| e.to_string())?;
    let vm = Vm {
        qemu,
        scratch,
        boot_timeout: Duration::from_secs(vm_section.boot_timeout_s),
    };
    vm.continue_after_loading().map_err(|e| e.to_string())?;
    let ssh = Ssh::new(
        loopback(port),
        ssh_options(&image, fixture).map_err(|e| e.to_string())?,
    );
    vm.wait_ssh(&ssh, Instant::now() + vm.boot_timeout, cancel)?;
    Ok((vm, ssh))
}

/// root on the forwarded loopback port.
fn loopback(port: u16) -> Address {
    Address {
        user: Some("root".to_owned()),
        host: "127.0.0.1".to_owned(),
        port: Some(port),
    }
}

/// Builds the image: root filesystem, disk, key pair, booted state.
pub fn build(fixture: &Fixture, say: &mut dyn FnMut(&str)) -> Result<(), EngineError> {
    let vm_section = fixture
        .def
        .vm
        .as_ref()
        .expect("validated: VM fixtures have [vm]");
    let target = PathBuf::from(&fixture.image);
    let parent = target.parent().expect("inside the cache");
    std::fs::create_dir_all(parent).map_err(|e| failed("cannot create the image cache", e))?;
    let work = tempfile::Builder::new()
        .prefix(&format!(".building-{}-", std::process::id()))
        .tempdir_in(parent)
        .map_err(|e| failed("cannot create a build directory", e))?;
    let out = work.path();

    say("building the root filesystem with debootstrap (a few minutes, once)");
    let recipe = super::fixture::materialize(&fixture.base.dir)?;
    let definition = super::fixture::materialize(&fixture.dir)?;
    let mut packages = std::fs::read_to_string(recipe.path().join("packages.txt"))
        .map_err(|e| failed("packages.txt", e))?;
    if let Some(extra) = &fixture.def.build.packages {
        packages.push('\n');
        packages.push_str(
            &std::fs::read_to_string(definition.path().join(extra))
                .map_err(|e| failed(extra, e))?,
        );
    }
    std::fs::write(out.join("packages.txt"), packages).map_err(|e| failed("packages", e))?;
    let rootfs = out.join("rootfs");
    run(
        Command::new("sh")
            .arg(recipe.path().join("build-rootfs.sh"))
            .arg(&rootfs)
            .arg(out.join("packages.txt")),
        "build-rootfs.sh (it needs root, debootstrap and the Debian archive)",
    )?;

    run(
        Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                &format!("comply-{}", fixture.def.name),
                "-f",
            ])
            .arg(out.join(KEY)),
        "ssh-keygen",
    )?;
    if let Some(configure) = &fixture.def.build.configure {
        run(
            Command::new("sh")
                .arg(definition.path().join(configure))
                .arg(&rootfs)
                .arg(out.join(format!("{KEY}.pub"))),
            configure,
        )?;
    }
    // The guest's host key is known before it ever boots: strict checking
    // with no trust-on-first-use.
    let host_key = std::fs::read_to_string(rootfs.join("etc/ssh/ssh_host_ed25519_key.pub"))
        .map_err(|e| failed("host key", e))?;
    let host_key: Vec<&str> = host_key.split_whitespace().take(2).collect();
    std::fs::write(
        out.join(KNOWN_HOSTS),
        format!("comply-{} {}\n", fixture.def.name, host_key.join(" ")),
    )
    .map_err(|e| failed("known_hosts", e))?;
    for (link, name) in [("vmlinuz", KERNEL), ("initrd.img", INITRD)] {
        let source = std::fs::canonicalize(rootfs.join(link)).map_err(|e| failed(link, e))?;
        // The kernel is resolved inside the root filesystem, not the host.
        let inside = rootfs.join(source.strip_prefix("/").unwrap_or(&source));
        let file = if inside.exists() { inside } else { source };
        std::fs::copy(&file, out.join(name)).map_err(|e| failed(name, e))?;
    }

    say("making the disk image");
    let raw = out.join("disk.raw");
    run(
        Command::new("mkfs.ext4")
            .args(["-q", "-F", "-L", "root", "-d"])
            .arg(&rootfs)
            .arg(&raw)
            .arg(format!("{}G", vm_section.disk_gib)),
        "mkfs.ext4 -d",
    )?;
    std::fs::remove_dir_all(&rootfs).map_err(|e| failed("cleaning up the root filesystem", e))?;
    run(
        Command::new("qemu-img")
            .args(["convert", "-O", "qcow2"])
            .arg(&raw)
            .arg(out.join(BASE_DISK)),
        "qemu-img convert",
    )?;
    std::fs::remove_file(&raw).map_err(|e| failed("disk.raw", e))?;

    say("booting once to save a booted state");
    let accel = snapshot(fixture, vm_section, out)?;
    std::fs::write(out.join(ACCEL), accel.name()).map_err(|e| failed("accel", e))?;
    let _ = std::fs::remove_dir_all(&target);
    let built = work.keep();
    std::fs::rename(&built, &target).map_err(|e| failed("installing the image", e))?;
    Ok(())
}

/// Whether KVM can be tried at all.
fn kvm_present() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .is_ok()
}

/// Boots the fresh image and saves the booted machine's state. KVM is
/// tried where /dev/kvm exists; a KVM that cannot boot the guest (as on
/// nested setups where `-cpu host` aborts) falls back to TCG.
fn snapshot(fixture: &Fixture, vm_section: &VmSection, out: &Path) -> Result<Accel, EngineError> {
    let accels: &[Accel] = if kvm_present() {
        &[Accel::Kvm, Accel::Tcg]
    } else {
        &[Accel::Tcg]
    };
    let mut last_error = EngineError("no accelerator was tried".to_owned());
    for &accel in accels {
        let _ = std::fs::remove_file(out.join(BOOTED_DISK));
        run(
            Command::new("qemu-img")
                .args([
                    "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", BASE_DISK,
                ])
                .arg(out.join(BOOTED_DISK)),
            "qemu-img create",
        )?;
        match boot_and_save(fixture, vm_section, out, accel) {
            Ok(()) => return Ok(accel),
            Err(error) => last_error = EngineError(format!("{} boot: {error}", accel.name())),
        }
    }
    Err(last_error)
}

fn boot_and_save(
    fixture: &Fixture,
    vm_section: &VmSection,
    out: &Path,
    accel: Accel,
) -> Result<(), EngineError> {
    let scratch = scratch_dir()?;
    let port = free_port()?;
    let qemu = launch(
        out,
        vm_section,
        accel,
        &out.join(BOOTED_DISK),
        scratch.path(),
        port,
        None,
    )?;
    let vm = Vm {
        qemu,
        scratch,
        boot_timeout: Duration::from_secs(vm_section.boot_timeout_s),
    };
    let ssh = Ssh::new(loopback(port), ssh_options(out, fixture)?);
    let cancel = Cancel::new();
    vm.wait_ssh(&ssh, Instant::now() + vm.boot_timeout, &cancel)
        .map_err(EngineError)?;
    let ready = StepRequest {
        script: &fixture.def.ready.script,
        env: Vec::new(),
        timeout: Duration::from_secs(fixture.def.ready.timeout_s),
        output_limit: 64 * 1024,
    };
    let output = ssh
        .run(&ready, &cancel)
        .map_err(|e| EngineError(e.to_string()))?;
    if output.exit != Exit::Code(0) {
        return Err(EngineError(format!(
            "the freshly built machine is not ready ({}): {}",
            output.exit,
            String::from_utf8_lossy(&output.stdout.bytes).trim()
        )));
    }
    // No connection may be open while the state is saved.
    drop(ssh);
    let mut monitor = Monitor::connect(
        &vm.qemu.monitor_path,
        Instant::now() + Duration::from_secs(10),
    )?;
    monitor.command("stop")?;
    let state = out.join(STATE);
    monitor.command(&format!("migrate \"exec:cat > {}\"", state.display()))?;
    let saved_by = Instant::now() + Duration::from_secs(300);
    loop {
        let info = monitor.command("info migrate")?;
        if info
            .lines()
            .any(|line| line.starts_with("Migration status: completed"))
        {
            break;
        }
        if info
            .lines()
            .any(|line| line.starts_with("Migration status: failed"))
            || Instant::now() > saved_by
        {
            return Err(EngineError(format!(
                "saving the booted state failed: {info}"
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = monitor.command("quit");
    Ok(())
}

/// Kills machines and removes scratch directories left by comply runs that
/// are gone (a killed gate cannot clean up), the half-built images of
/// killed builds, and images of VM fixtures whose definition changed;
/// returns how many machines were removed.
pub fn prune(current_images: &[PathBuf]) -> usize {
    let mut removed = 0;
    for entry in std::fs::read_dir(runs_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        // Scratch directories are named `<comply pid>-<n>-…`.
        if super::owner_alive(&entry.file_name().to_string_lossy()) {
            continue;
        }
        if let Ok(pid) = std::fs::read_to_string(entry.path().join("qemu.pid"))
            && let Ok(pid) = pid.trim().parse::<i32>()
            && let Some(pid) = rustix::process::Pid::from_raw(pid)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
        if std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    for entry in std::fs::read_dir(images_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = match name.strip_prefix(".building-") {
            Some(build) => !super::owner_alive(build),
            None => !current_images.contains(&entry.path()),
        };
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    removed
}
