//! What kvm-arm64 and kvm-x86 share: a Debian kernel booted under QEMU with irqsuite's VMM
//! (`host-runner/vmm`) as `/init`, which runs one VM per leg (`irqsuite.vm=<target>:<cases>`),
//! serves the guests' requests itself (`KVM_IRQ_LINE`, `KVM_SIGNAL_MSI`) and powers the machine
//! off after the last one.

use std::io;
use std::path::Path;
use std::process::Command;

use guest_kit::inject::Injection;

use super::console::{self, LaunchShared, Leg};
use super::{Backend, Limits, Sink, TargetSpec};

/// Each leg's target, found by name in `targets` (the backend's table); no leg, or a name not
/// in the table, is an error.
pub fn leg_targets(
    backend: &str,
    targets: &'static [TargetSpec],
    legs: &[Leg<'_>],
) -> io::Result<Vec<&'static TargetSpec>> {
    if legs.is_empty() {
        return Err(io::Error::other("no target to run"));
    }
    legs.iter()
        .map(|leg| {
            targets
                .iter()
                .find(|t| t.name == leg.target)
                .ok_or_else(|| io::Error::other(format!("{backend} has no target {}", leg.target)))
        })
        .collect()
}

/// The kernel command line the VMM reads and the QEMU options that boot `kernel` with
/// `initramfs`: the kernel console on `console`, `cpus` vCPUs per VM, the requests the VMM
/// serves (`inject`), then `irqsuite.vm=<vm>:<cases>` per leg in order, `vm` being what the VMM
/// calls the leg's target.
pub struct KernelBoot<'a> {
    /// The kernel image.
    pub kernel: &'a Path,
    /// The initramfs (the VMM as `/init`, the guest).
    pub initramfs: &'a Path,
    /// The kernel's console device (`ttyAMA0`, `ttyS0`).
    pub console: &'a str,
    /// vCPUs per VM.
    pub cpus: u8,
    /// The requests the VMM serves.
    pub inject: Injection,
}

impl KernelBoot<'_> {
    /// Appends the boot options to `cmd` for `legs`, whose VMs are named by `vms` (in order).
    pub fn append_to(&self, cmd: &mut Command, legs: &[Leg<'_>], vms: &[&str]) {
        let vms: String = legs
            .iter()
            .zip(vms)
            .map(|(leg, vm)| format!(" irqsuite.vm={vm}:{}", console::case_bitmap(leg.cases)))
            .collect();
        cmd.args(console::QEMU_HEADLESS)
            .arg("-no-reboot")
            .arg("-kernel")
            .arg(self.kernel)
            .arg("-initrd")
            .arg(self.initramfs)
            .args([
                "-append",
                &format!(
                    "console={} quiet panic=-1 irqsuite.cpus={} {}{:x}{vms}",
                    self.console,
                    self.cpus,
                    guest_kit::inject::PARAM,
                    self.inject.bits(),
                ),
            ]);
    }
}

/// Runs `legs` of `backend` (targets sharing a boot) in one boot launched by `launch`.
pub fn run(
    backend: &dyn Backend,
    legs: &[(TargetSpec, Vec<usize>)],
    limits: Limits,
    launch: LaunchShared<'_>,
    sink: Sink<'_>,
) {
    let legs: Vec<_> = legs
        .iter()
        .map(|(target, cases)| {
            let name = backend.target_name(target);
            (name, cases.as_slice())
        })
        .collect();
    let hooks = console::SharedHooks {
        launch,
        requests: console::Requests::InMachine,
        farewell: &[],
        property: &console::no_property,
    };
    console::run_shared(&legs, limits, hooks, sink);
}
