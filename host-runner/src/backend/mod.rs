//! Backends are a table, not special cases (DESIGN.md, seam 4): each knows its targets, whether
//! it can run on this machine (and the command that fixes it when not), and how to run a target.

pub mod console;
pub mod kvm;
pub mod kvm_x86;
pub mod qemu;
pub mod qemu_kvm;
pub mod reference;
pub mod refvisor;
pub mod scratch;
pub mod vmm_boot;
pub mod xen;
pub mod xl;

use std::time::Duration;

use guest_kit::inject::Injection;
use guest_kit::{Arch, GicVersion, TargetInfo};

use crate::events::RunEvent;

/// One machine shape a backend offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetSpec {
    /// `gicv2`, `gicv3`, ...
    pub name: &'static str,
    /// The shape the target is expected to have; the reference backend runs exactly this.
    pub shape: TargetInfo,
}

/// Where the reference backend's guest memory arena sits (any RAM address would do: a real
/// target reports its own, and the model is shaped after that).
pub const REFERENCE_ARENA: u64 = 0x4800_0000;

/// An aarch64 machine with `gic` and `cpus` CPUs, 288 INTIDs (ITLinesNumber 8, as QEMU's virt
/// board) and 5 priority bits (irqsuite's choice for the reference; a real target reports its
/// own in its `cfg` record, and the model is shaped after that), an ITS when `its`, and the
/// host-side requests the backend serves.
pub const fn aarch64_shape(gic: GicVersion, cpus: u8, its: bool, inject: Injection) -> TargetInfo {
    TargetInfo {
        arch: Arch::Aarch64,
        gic,
        cpus,
        it_lines: 8,
        pri_bits: 5,
        its,
        arena: if its { REFERENCE_ARENA } else { 0 },
        // With an ITS, the reference makes EnableLPIs clearable (GICR_CTLR.CES = 1), so the
        // case that re-arms it runs on the model too.
        lpi_clearable: its,
        inject,
        x86: guest_kit::X86Info::NONE,
    }
}

/// The GIC targets of an Arm backend with `cpus` CPUs that serves `inject`: `gicv2`, `gicv3`
/// (no ITS) and `gicv3-its`.
pub const fn gic_targets(cpus: u8, inject: Injection) -> [TargetSpec; 3] {
    [
        TargetSpec {
            name: "gicv2",
            shape: aarch64_shape(GicVersion::V2, cpus, false, inject),
        },
        TargetSpec {
            name: "gicv3",
            shape: aarch64_shape(GicVersion::V3, cpus, false, inject),
        },
        TargetSpec {
            name: "gicv3-its",
            shape: aarch64_shape(GicVersion::V3, cpus, true, inject),
        },
    ]
}

/// An x86_64 machine with `cpus` CPUs, a 24-pin IOAPIC (the 82093AA's, as QEMU's q35 has),
/// x2APIC support when `x2apic`, a VT-d remapping unit when `iommu`, and the host-side
/// requests the backend serves. The GIC fields do not apply (`V2`/0, as the x86 guest reports
/// them); a real target reports its own shape in its `cfg` record and the model follows that.
pub const fn x86_shape(cpus: u8, x2apic: bool, iommu: bool, inject: Injection) -> TargetInfo {
    TargetInfo {
        arch: Arch::X86_64,
        gic: GicVersion::V2,
        cpus,
        it_lines: 0,
        pri_bits: 0,
        its: false,
        arena: 0,
        lpi_clearable: false,
        inject,
        x86: guest_kit::X86Info {
            ioapic_pins: 24,
            x2apic,
            iommu,
            // The model has TSC-deadline mode; a real target says whether its CPU does.
            tsc_deadline: true,
        },
    }
}

/// The x86 targets of a backend with `cpus` CPUs that serves `inject`: `xapic` (a CPU without
/// x2APIC), `x2apic`, and `x2apic-intremap` (x2APIC and a VT-d unit with interrupt
/// remapping).
pub const fn x86_targets(cpus: u8, inject: Injection) -> [TargetSpec; 3] {
    [
        TargetSpec {
            name: "xapic",
            shape: x86_shape(cpus, false, false, inject),
        },
        TargetSpec {
            name: "x2apic",
            shape: x86_shape(cpus, true, false, inject),
        },
        TargetSpec {
            name: "x2apic-intremap",
            shape: x86_shape(cpus, true, true, inject),
        },
    ]
}

/// Why a backend cannot run here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable {
    /// What is missing.
    pub reason: String,
    /// The command that fixes it.
    pub fix: String,
}

/// Limits for one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// From start to the guest's configuration record.
    pub boot: Duration,
    /// For one case, from its start record to its end record.
    pub case: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            boot: Duration::from_secs(30),
            case: Duration::from_secs(10),
        }
    }
}

/// Where a backend's events go (shared by the threads running targets in parallel).
pub type Sink<'a> = &'a (dyn Fn(RunEvent) + Sync);

/// A way to run the catalogue.
pub trait Backend: Sync {
    /// Its name on the command line.
    fn name(&self) -> &'static str;
    /// One line for `list` and the README.
    fn describe(&self) -> &'static str;
    /// The targets it offers.
    fn targets(&self) -> &'static [TargetSpec];
    /// Whether it can run on this machine.
    fn availability(&self) -> Result<(), Unavailable>;
    /// Whether `target` can run on this machine (a backend whose targets need different tools,
    /// e.g. qemu-tcg's aarch64 and x86_64 QEMUs); the default: whether the backend can.
    fn target_availability(&self, _target: &TargetSpec) -> Result<(), Unavailable> {
        self.availability()
    }
    /// Whether this machine is a host it runs on at all (the hardware, the hypervisor under
    /// the system), whatever is installed: `IRQSUITE_REQUIRE=1` requires only the backends of
    /// the machine's kind to run (what `irqsuite setup` can make available). Any machine by
    /// default.
    fn machine(&self) -> Result<(), Unavailable> {
        Ok(())
    }
    /// Runs catalogue cases `cases` (indices, ascending) on `target`, sending a `CaseFinished`
    /// for every one of them and a `TargetFinished` at the end.
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>);
    /// Targets for which this gives the same key share one boot, one guest after another (e.g.
    /// kvm-arm64 runs a VM per target in one nested kernel); `None`, the default: the target
    /// boots alone.
    fn shared_boot(&self, _target: &TargetSpec) -> Option<&'static str> {
        None
    }
    /// Runs `legs` (target, cases), which share a [`Backend::shared_boot`] key, in one boot in
    /// that order, with the events [`Backend::run`] sends for each. The default runs them one
    /// by one.
    fn run_shared(&self, legs: &[(TargetSpec, Vec<usize>)], limits: Limits, sink: Sink<'_>) {
        for (target, cases) in legs {
            self.run(target, cases, limits, sink);
        }
    }
}

/// Every backend, in the order `--backend all` runs them.
pub fn all() -> &'static [&'static dyn Backend] {
    &[
        &reference::Reference,
        &qemu::QemuTcg,
        &qemu_kvm::QemuKvm,
        &xen::XenDom0less,
        &kvm::KvmArm64,
        &kvm_x86::KvmX86,
        &xl::Xl,
        &refvisor::Refvisor,
    ]
}

/// The backend called `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Backend> {
    all().iter().copied().find(|b| b.name() == name)
}
