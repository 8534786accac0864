//! `kvm-x86`: KVM's own in-kernel local APICs and IOAPIC, nested, one instance per build of
//! Linux ([`crate::builds`]): `6.1` (Debian bookworm's `linux-image-amd64`), `6.12` (trixie's),
//! or a user's kernel and modules. Debian's amd64 kernel (its uncompressed `vmlinux`, booted
//! through the PVH note) runs under `qemu-system-x86_64
//! -machine q35 -accel tcg -cpu max` (an emulated AMD CPU with SVM and nested paging), loads
//! `kvm.ko` and `kvm-amd.ko`, and runs the suite's VMM (`host-runner/vmm`, x86_64) as `/init`,
//! which runs the x86_64 test guest (a PVH ELF) on `/dev/kvm`
//! (`/work/shared/notes/kvm-x86-nested.md`). Two targets share one kernel boot, a VM each:
//!
//! - `irqchip`: `KVM_CREATE_IRQCHIP`, KVM's PIC, IOAPIC and local APICs;
//! - `split`: `KVM_CAP_SPLIT_IRQCHIP`, KVM's local APICs and the VMM's IOAPIC, which is
//!   reference-vtd's model (seed 003's question, whether the IOAPIC can live in userspace, as a
//!   target).
//!
//! Host-side requests are served inside the machine, as on kvm-arm64: the VMM reads the
//! guest's `req` records off COM1, drives an IOAPIC pin (`KVM_IRQ_LINE`, or the VMM's IOAPIC
//! and `KVM_SIGNAL_MSI`) or writes an MSI (`KVM_SIGNAL_MSI`), and answers on COM1's input.
//!
//! KVM's departures from the architecture are in `results/baselines/kvm-x86.toml`; every
//! outcome is pinned by `tests/kvm_x86.rs`, the machinery by `tests/kvm_x86_machinery.rs`.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use guest_kit::inject::Injection;

use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console, vmm_boot};
use crate::build::amd64_kernel::{self, Amd64Kernel};
use crate::build::{self, vmm};
use crate::builds::Build;
use crate::builds::provenance::Provenance;
use crate::tools;

/// The KVM/x86 backend running one build of Linux.
pub struct KvmX86 {
    build: Build,
    targets: &'static [TargetSpec],
}

/// The backend's name.
pub const NAME: &str = "kvm-x86";

/// The stock builds: the kernels of Debian's two releases.
static STOCK: [KvmX86; 2] = [KvmX86::debian(0), KvmX86::debian(1)];

/// The instances of the stock builds.
pub fn stock() -> impl Iterator<Item = &'static dyn Backend> {
    STOCK.iter().map(|b| b as &dyn Backend)
}

/// The instance of the first stock build (Linux 6.1), for the machinery test.
pub fn first() -> &'static KvmX86 {
    &STOCK[0]
}

/// The emulator.
pub const QEMU: &str = "qemu-system-x86_64";
/// vCPUs per VM (and CPUs of the emulated host).
const CPUS: u8 = 2;
/// The requests the VMM serves: IOAPIC lines and x86 MSIs.
pub const INJECTION: Injection = Injection::LINE.union(Injection::X86_MSI);

/// `irqchip` and `split`: two CPUs with x2APIC (KVM emulates it whatever the L1 CPU model
/// says), no IOMMU.
pub const TARGETS: [TargetSpec; 2] = [
    TargetSpec {
        name: "irqchip",
        shape: super::x86_shape(CPUS, true, false, INJECTION),
    },
    TargetSpec {
        name: "split",
        shape: super::x86_shape(CPUS, true, false, INJECTION),
    },
];

impl KvmX86 {
    /// The backend running stock build `n` of [`super::DEBIAN_KERNELS`].
    const fn debian(n: usize) -> KvmX86 {
        KvmX86 {
            targets: &TARGETS,
            build: super::debian_kernel("linux-image-amd64", n),
        }
    }

    /// The backend running `build` (a user's).
    pub fn new(build: Build) -> KvmX86 {
        let targets = super::targets_of(&TARGETS, &build);
        KvmX86 { build, targets }
    }

    /// The kernel of this build, when it is there.
    pub fn kernel(&self) -> Option<Amd64Kernel> {
        amd64_kernel::amd64_kernel(&crate::workspace_root(), &self.build)
    }

    /// Fetches the kernel (`irqsuite setup`).
    pub fn fetch(&self) -> Result<Amd64Kernel, String> {
        amd64_kernel::fetch_amd64_kernel(&crate::workspace_root(), &self.build)
    }

    /// The command that makes the kernel available.
    fn fix(&self) -> String {
        super::setup_fix(self, "the kernel")
    }

    /// The boot artefacts: the kernel and the initramfs (VMM, modules, guest), built once per
    /// process and build even when targets run in parallel.
    pub fn artefacts(&self) -> Result<(PathBuf, PathBuf), String> {
        type Built = Result<(PathBuf, PathBuf), String>;
        static BUILT: Mutex<BTreeMap<&'static str, Built>> = Mutex::new(BTreeMap::new());
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        built
            .entry(self.build.name)
            .or_insert_with(|| {
                let root = crate::workspace_root();
                let guest = build::x86_64_guest_image(&root).map_err(|e| e.to_string())?;
                self.artefacts_for(&guest)
            })
            .clone()
    }

    /// The kernel and an initramfs running `guest_elf` (a test may bring its own guest).
    pub fn artefacts_for(&self, guest_elf: &Path) -> Result<(PathBuf, PathBuf), String> {
        let root = crate::workspace_root();
        let kernel = self.kernel().ok_or_else(|| super::kernel_missing(self))?;
        let initramfs = vmm::x86_initramfs(&root, guest_elf, &kernel).map_err(|e| e.to_string())?;
        Ok((kernel.vmlinux, initramfs))
    }
}

/// The QEMU command line booting the kernel with the VMM, which runs a VM per leg, in order.
pub fn command(legs: &[console::Leg<'_>], kernel: &Path, initramfs: &Path) -> io::Result<Command> {
    let targets = vmm_boot::leg_targets(NAME, &TARGETS, legs)?;
    let vms: Vec<&str> = targets.iter().map(|t| t.name).collect();
    let mut cmd = Command::new(QEMU);
    cmd.args(["-machine", "q35", "-accel", "tcg", "-cpu", "max"])
        .args(["-smp", &CPUS.to_string(), "-m", "1024"]);
    let boot = vmm_boot::KernelBoot {
        kernel,
        initramfs,
        console: "ttyS0",
        cpus: CPUS,
        inject: INJECTION,
    };
    boot.append_to(&mut cmd, legs, &vms);
    Ok(cmd)
}

impl Backend for KvmX86 {
    fn name(&self) -> &'static str {
        NAME
    }
    fn build(&self) -> Option<&Build> {
        Some(&self.build)
    }
    fn describe(&self) -> &'static str {
        "KVM's in-kernel local APICs with its IOAPIC (irqchip) or the VMM's (split), nested (per build: Debian's Linux 6.1 and 6.12, or yours, under QEMU TCG with SVM, irqsuite's VMM as /init)"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        self.targets
    }
    fn machine(&self) -> Result<(), Unavailable> {
        // Verified on x86_64 Debian hosts (an emulated AMD CPU with SVM under QEMU TCG); an
        // arm64 host can fetch the amd64 kernel through the private apt state but is not
        // required to run it.
        if cfg!(target_arch = "x86_64") {
            Ok(())
        } else {
            Err(Unavailable {
                reason: "kvm-x86 is verified on x86_64 Debian hosts only".into(),
                fix: "run it on an x86_64 Debian machine".into(),
            })
        }
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(QEMU, &self.fix())?;
        match self.kernel() {
            Some(_) => Ok(()),
            None => Err(Unavailable {
                reason: format!(
                    "the amd64 kernel of build {} has not been fetched",
                    self.build.name
                ),
                fix: self.fix(),
            }),
        }
    }
    fn fetch_build(&self) -> Result<String, String> {
        let kernel = self.fetch()?;
        Ok(super::fetched("amd64 kernel", &self.build, &kernel.vmlinux))
    }
    fn boot_cost(&self) -> u32 {
        // a nested kernel: about a minute a target under TCG
        15
    }
    fn provenance(&self, _target: &TargetSpec) -> Provenance {
        let kernel = self.kernel().map(|k| k.vmlinux);
        Provenance::irqsuite()
            .with_qemu(QEMU)
            .with_build(&self.build, kernel.as_deref())
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        self.run_shared(&[(*target, cases.to_vec())], limits, sink);
    }
    fn shared_boot(&self, _target: &TargetSpec) -> Option<&'static str> {
        Some("x86")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_targets_share_one_boot_a_vm_each_with_the_requests_the_vmm_serves() {
        let legs = [
            console::Leg {
                target: "irqchip",
                cases: &[155, 156],
            },
            console::Leg {
                target: "split",
                cases: &[156],
            },
        ];
        let cmd = command(&legs, Path::new("vmlinux"), Path::new("initramfs.cpio")).unwrap();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
        let append = &args[args.iter().position(|a| a == "-append").unwrap() + 1];
        assert!(append.contains("irqsuite.inject=5"), "{append}");
        let vms = format!(
            "irqsuite.vm=irqchip:{} irqsuite.vm=split:{}",
            console::case_bitmap(&[155, 156]),
            console::case_bitmap(&[156])
        );
        assert!(append.ends_with(&vms), "{append}");
        assert!(args.windows(2).any(|w| w[0] == "-machine" && w[1] == "q35"));
        assert_eq!(
            first().shared_boot(&TARGETS[0]),
            first().shared_boot(&TARGETS[1])
        );
        assert!(command(&[], Path::new("k"), Path::new("i")).is_err());
    }
}
