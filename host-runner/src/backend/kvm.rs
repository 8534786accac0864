//! `kvm-arm64`: KVM's in-kernel vGIC (v2, v3 and the vITS), nested, one instance per build of
//! Linux ([`crate::builds`]): `6.1` (Debian bookworm's `linux-image-arm64`), `6.12` (trixie's),
//! or a user's arm64 Image. The kernel boots at EL2 under `qemu-system-aarch64 -machine virt,virtualization=on` (TCG), with an
//! initramfs whose `/init` is the suite's own VMM (`host-runner/vmm`): it runs the test guest on
//! `/dev/kvm` with the device tree it writes, and the guest's console lines come out on the
//! kernel console, so on QEMU's serial. The targets of one host GIC version share one kernel
//! boot (`gicv3` and `gicv3-its`: a VM each, one after another); the whole catalogue of a
//! target in one VM.
//!
//! Host-side injection happens inside the machine: the VMM reads the guest's `req` records as
//! they pass through its UART, drives the line with KVM_IRQ_LINE or sends the device MSI with
//! KVM_SIGNAL_MSI (DeviceID included), and answers on the guest's UART input; the host only
//! watches.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use guest_kit::GicVersion;
use guest_kit::inject::Injection;

use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console, vmm_boot};
use crate::builds::Build;
use crate::builds::provenance::Provenance;
use crate::{build, tools};

/// The KVM/arm64 backend running one build of Linux.
pub struct KvmArm64 {
    build: Build,
    targets: &'static [TargetSpec],
}

/// The backend's name.
pub const NAME: &str = "kvm-arm64";

const QEMU: &str = "qemu-system-aarch64";

/// The stock builds: the kernels of Debian's two releases.
static STOCK: [KvmArm64; 2] = [KvmArm64::debian(0), KvmArm64::debian(1)];

/// The instances of the stock builds.
pub fn stock() -> impl Iterator<Item = &'static dyn Backend> {
    STOCK.iter().map(|b| b as &dyn Backend)
}

impl KvmArm64 {
    /// The backend running stock build `n` of [`super::DEBIAN_KERNELS`].
    const fn debian(n: usize) -> KvmArm64 {
        KvmArm64 {
            targets: &TARGETS,
            build: super::debian_kernel("linux-image-arm64", n),
        }
    }

    /// The backend running `build` (a user's).
    pub fn new(build: Build) -> KvmArm64 {
        let targets = super::targets_of(&TARGETS, &build);
        KvmArm64 { build, targets }
    }

    /// The kernel Image of this build, when it is there.
    pub fn kernel(&self) -> Option<PathBuf> {
        build::kernel::arm64_kernel(&crate::workspace_root(), &self.build)
    }

    /// Fetches the kernel (`irqsuite setup`).
    pub fn fetch(&self) -> Result<PathBuf, String> {
        build::kernel::fetch_arm64_kernel(&crate::workspace_root(), &self.build)
    }

    /// The command that makes the kernel available.
    fn fix(&self) -> String {
        super::setup_fix(self, "the kernel")
    }

    /// The kernel and the initramfs (VMM and guest), built once per process even when targets
    /// run in parallel (the initramfs is the same for every build).
    fn artefacts(&self) -> Result<(PathBuf, PathBuf), String> {
        static INITRAMFS: Mutex<Option<Result<PathBuf, String>>> = Mutex::new(None);
        let kernel = self.kernel().ok_or_else(|| super::kernel_missing(self))?;
        let mut slot = INITRAMFS.lock().unwrap_or_else(|e| e.into_inner());
        let initramfs = slot
            .get_or_insert_with(|| {
                let root = crate::workspace_root();
                let image = super::qemu::guest_image()?;
                build::vmm::initramfs(&root, &image).map_err(|e| e.to_string())
            })
            .clone()?;
        Ok((kernel, initramfs))
    }
}

/// Two vCPUs; the VMM drives SPI and PPI lines and sends device MSIs (to the vITS).
const TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::all());

/// The emulated host's GIC: KVM gives a VM the GIC version of its host (a GICv3 host offers no
/// GICv2 compatibility interface under QEMU), so `gicv2` boots a GICv2 machine.
fn host_gic(target: &TargetSpec) -> &'static str {
    match target.shape.gic {
        GicVersion::V2 => "2",
        GicVersion::V3 | GicVersion::V4 => "3",
    }
}

/// What the VMM is told (`irqsuite.target=`).
fn vmm_target(target: &TargetSpec) -> &'static str {
    match (target.shape.gic, target.shape.its) {
        (GicVersion::V2, _) => "gicv2",
        (_, false) => "gicv3",
        (_, true) => "gicv3-its",
    }
}

/// The QEMU command line booting the kernel with the VMM, which runs a VM per leg, in order.
/// Every leg's target has the same host GIC ([`Backend::shared_boot`]).
pub fn command(legs: &[console::Leg<'_>], kernel: &Path, initramfs: &Path) -> io::Result<Command> {
    let targets = vmm_boot::leg_targets(NAME, &TARGETS, legs)?;
    let vms: Vec<&str> = targets.iter().map(|t| vmm_target(t)).collect();
    let first = targets[0];
    let mut cmd = Command::new(QEMU);
    cmd.args([
        "-machine",
        &format!("virt,virtualization=on,gic-version={}", host_gic(first)),
    ])
    .args(["-cpu", "max", "-smp", "2", "-m", "1024"]);
    let boot = vmm_boot::KernelBoot {
        kernel,
        initramfs,
        console: "ttyAMA0",
        cpus: first.shape.cpus,
        inject: first.shape.inject,
    };
    boot.append_to(&mut cmd, legs, &vms);
    Ok(cmd)
}

impl Backend for KvmArm64 {
    fn name(&self) -> &'static str {
        NAME
    }
    fn build(&self) -> Option<&Build> {
        Some(&self.build)
    }
    fn describe(&self) -> &'static str {
        "KVM's in-kernel vGICv2/vGICv3 and vITS, nested (per build: Debian's Linux 6.1 and 6.12, or yours, at EL2 under QEMU TCG, irqsuite's VMM as /init)"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        self.targets
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(QEMU, &self.fix())?;
        match self.kernel() {
            Some(_) => Ok(()),
            None => Err(Unavailable {
                reason: format!(
                    "the arm64 kernel of build {} has not been fetched",
                    self.build.name
                ),
                fix: self.fix(),
            }),
        }
    }
    fn fetch_build(&self) -> Result<String, String> {
        let image = self.fetch()?;
        Ok(super::fetched("arm64 kernel", &self.build, &image))
    }
    fn boot_cost(&self) -> u32 {
        // a nested kernel: one to three minutes a target under TCG
        30
    }
    fn provenance(&self, _target: &TargetSpec) -> Provenance {
        Provenance::irqsuite()
            .with_qemu(QEMU)
            .with_build(&self.build, self.kernel().as_deref())
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        self.run_shared(&[(*target, cases.to_vec())], limits, sink);
    }
    fn shared_boot(&self, target: &TargetSpec) -> Option<&'static str> {
        Some(host_gic(target))
    }
    fn run_shared(&self, legs: &[(TargetSpec, Vec<usize>)], limits: Limits, sink: Sink<'_>) {
        let launch = |legs: &[console::Leg<'_>]| -> io::Result<Command> {
            let (kernel, initramfs) = self
                .artefacts()
                .map_err(|e| io::Error::other(format!("building the boot artefacts: {e}")))?;
            command(legs, &kernel, &initramfs)
        };
        vmm_boot::run(self, legs, limits, &launch, sink);
    }
}
