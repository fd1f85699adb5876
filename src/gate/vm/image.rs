//! Building a VM fixture's image: root filesystem, disk, key pair, and the
//! booted state every case resumes from.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::qemu::{Machine, Monitor, Vm};
use super::{
    ACCEL, Accel, BASE_DISK, BOOTED_DISK, INITRD, KERNEL, KEY, KNOWN_HOSTS, STATE, failed,
    free_port, loopback, run_tool, scratch_dir, ssh_options,
};
use crate::cancel::Cancel;
use crate::gate::error::GateError;
use crate::gate::fixture::{Fixture, VmSection};
use crate::target::ssh::Ssh;
use crate::target::{Exit, StepRequest, Target};

/// Builds the image: root filesystem, disk, key pair, booted state.
pub fn build(fixture: &Fixture, say: &mut dyn FnMut(&str)) -> Result<(), GateError> {
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
    let recipe = crate::gate::fixture::materialize(&fixture.base.dir)?;
    let definition = crate::gate::fixture::materialize(&fixture.dir)?;
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
    run_tool(
        Command::new("sh")
            .arg(recipe.path().join("build-rootfs.sh"))
            .arg(&rootfs)
            .arg(out.join("packages.txt")),
        "build-rootfs.sh (it needs root, debootstrap and the Debian archive)",
    )?;

    run_tool(
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
        run_tool(
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
    run_tool(
        Command::new("mkfs.ext4")
            .args(["-q", "-F", "-L", "root", "-d"])
            .arg(&rootfs)
            .arg(&raw)
            .arg(format!("{}G", vm_section.disk_gib)),
        "mkfs.ext4 -d",
    )?;
    std::fs::remove_dir_all(&rootfs).map_err(|e| failed("cleaning up the root filesystem", e))?;
    run_tool(
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
fn snapshot(fixture: &Fixture, vm_section: &VmSection, out: &Path) -> Result<Accel, GateError> {
    let accels: &[Accel] = if kvm_present() {
        &[Accel::Kvm, Accel::Tcg]
    } else {
        &[Accel::Tcg]
    };
    let mut last_error = GateError::Fixture("no accelerator was tried".to_owned());
    for &accel in accels {
        let _ = std::fs::remove_file(out.join(BOOTED_DISK));
        run_tool(
            Command::new("qemu-img")
                .args([
                    "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", BASE_DISK,
                ])
                .arg(out.join(BOOTED_DISK)),
            "qemu-img create",
        )?;
        match boot_and_save(fixture, vm_section, out, accel) {
            Ok(()) => return Ok(accel),
            Err(error) => {
                last_error = GateError::Fixture(format!("{} boot: {error}", accel.name()))
            }
        }
    }
    Err(last_error)
}

fn boot_and_save(
    fixture: &Fixture,
    vm_section: &VmSection,
    out: &Path,
    accel: Accel,
) -> Result<(), GateError> {
    let port = free_port()?;
    let machine = Machine {
        image: out.to_owned(),
        section: vm_section.clone(),
        accel,
        disk: out.join(BOOTED_DISK),
        port,
    };
    let vm = Vm::start(machine, scratch_dir()?, None)?;
    let ssh = Ssh::new(loopback(port), ssh_options(out, fixture)?);
    let cancel = Cancel::new();
    vm.wait_ssh(&ssh, Instant::now() + vm.boot_timeout(), &cancel)?;
    let ready = StepRequest {
        script: &fixture.def.ready.script,
        env: Vec::new(),
        timeout: Duration::from_secs(fixture.def.ready.timeout_s),
        output_limit: 64 * 1024,
    };
    let output = ssh.run_step(&ready, &cancel)?;
    if output.exit != Exit::Code(0) {
        return Err(GateError::Fixture(format!(
            "the freshly built machine is not ready ({}): {}",
            output.exit,
            String::from_utf8_lossy(&output.stdout.bytes).trim()
        )));
    }
    // No connection may be open while the state is saved.
    drop(ssh);
    let mut monitor =
        Monitor::connect(&vm.monitor_path(), Instant::now() + Duration::from_secs(10))?;
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
            return Err(GateError::Fixture(format!(
                "saving the booted state failed: {info}"
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = monitor.command("quit");
    Ok(())
}
