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

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use guest_kit::inject::Injection;
use guest_kit::{Arch, GicVersion, TargetInfo};

use crate::builds::{self, Build};
use crate::events::{RunEvent, TargetName};

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

/// The stock Linux builds of the KVM backends: name, version and the Debian release whose
/// kernel metapackage gives it.
pub const DEBIAN_KERNELS: [(&str, builds::Version, builds::Suite); 2] = [
    ("6.1", builds::Version::new(6, 1), builds::Suite::Bookworm),
    ("6.12", builds::Version::new(6, 12), builds::Suite::Trixie),
];

/// Why a KVM backend's boot cannot start: its build's kernel is not there, and how to get it.
pub fn kernel_missing(backend: &dyn Backend) -> String {
    let name = backend.build().map_or("?", |b| b.name);
    format!(
        "the kernel of build {name} is missing; run `{}`",
        setup_fix(backend, "the kernel")
    )
}

/// What `irqsuite setup` says of a build's fetched or built `image` (`what`: "Xen", "arm64
/// kernel"): its name, path and where it came from.
pub fn fetched(what: &str, build: &Build, image: &std::path::Path) -> String {
    let from = builds::provenance::recorded(image).unwrap_or_default();
    format!("{what} {} {} ({from})", build.name, image.display())
}

/// The command that makes `backend`'s build available: `irqsuite setup` for a stock build, the
/// user's own build step (of `what`, into its path) for theirs.
pub fn setup_fix(backend: &dyn Backend, what: &str) -> String {
    match backend.build().map(|b| &b.origin) {
        Some(builds::Origin::User(files)) => {
            format!("build {what} into {}", files.image.display())
        }
        _ => format!("irqsuite setup --backend {}", backend.spelled()),
    }
}

/// Stock build `n` of [`DEBIAN_KERNELS`]: Linux from Debian's metapackage `package` (resolved
/// to its versioned package when fetched).
pub const fn debian_kernel(package: &'static str, n: usize) -> Build {
    let (name, version, suite) = DEBIAN_KERNELS[n];
    Build {
        name,
        version: Some(version),
        origin: builds::Origin::Package { suite, package },
        targets: None,
    }
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
    /// How long a case may go without reporting (from its start record to its first
    /// observation, between observations, from the last to its end record). A case that keeps
    /// reporting is cut at [`CASE_CEILING`] times this.
    pub case: Duration,
    /// Set when the run is to stop (`crate::interrupt`): the machine running is killed, its
    /// case and every case not yet run end as `error` with the reason, and no machine boots.
    pub stop: &'static AtomicBool,
}

/// A stop flag nothing sets.
pub static NEVER: AtomicBool = AtomicBool::new(false);

impl Limits {
    /// Whether the run is to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// How many times [`Limits::case`] a case that keeps reporting may run in all (a register sweep
/// reports hundreds of reads, each a trap, and on a nested machine takes seconds).
pub const CASE_CEILING: u32 = 6;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            boot: Duration::from_secs(30),
            case: Duration::from_secs(10),
            stop: &NEVER,
        }
    }
}

/// Where a backend's events go (shared by the threads running targets in parallel).
pub type Sink<'a> = &'a (dyn Fn(RunEvent) + Sync);

/// A way to run the catalogue.
pub trait Backend: Sync {
    /// Its name on the command line.
    fn name(&self) -> &'static str;
    /// The build of the hypervisor under test this instance runs, for a backend with builds
    /// ([`crate::builds`]): each build is an instance of its own, spelled `name@build`.
    fn build(&self) -> Option<&Build> {
        None
    }
    /// `name` or `name@build`.
    fn spelled(&self) -> String {
        builds::spelled(self.name(), self.build().map(|b| b.name))
    }
    /// The name of `target` of this backend (and build) in events and results.
    fn target_name(&self, target: &TargetSpec) -> TargetName {
        TargetName {
            backend: self.name(),
            build: self.build().map(Build::tag),
            target: target.name,
        }
    }
    /// One line for `list` and the README.
    fn describe(&self) -> &'static str;
    /// The targets it offers.
    fn targets(&self) -> &'static [TargetSpec];
    /// Whether it can run on this machine.
    fn availability(&self) -> Result<(), Unavailable>;
    /// Fetches or builds this instance's build of the hypervisor (`irqsuite setup`), unless it
    /// is there already; says what it found. Nothing for a backend without builds.
    fn fetch_build(&self) -> Result<String, String> {
        Ok(String::new())
    }
    /// What produces its results: irqsuite's version, the emulator's, the build's origin (the
    /// parts a console adds, the printed version and the command line, come from the run).
    fn provenance(&self, _target: &TargetSpec) -> builds::provenance::Provenance {
        builds::provenance::Provenance::irqsuite()
    }
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
    /// About how long one target takes to run the catalogue, relative to the others (a few
    /// seconds: 1), for scheduling the costliest boots first.
    fn boot_cost(&self) -> u32 {
        1
    }
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

/// Every backend, with an instance per stock build for the backends that have builds, in the
/// order `--backend all` runs them.
pub fn all() -> &'static [&'static dyn Backend] {
    static ALL: std::sync::OnceLock<Vec<&'static dyn Backend>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static dyn Backend> =
            vec![&reference::Reference, &qemu::QemuTcg, &qemu_kvm::QemuKvm];
        all.extend(xen::stock());
        all.extend(kvm::stock());
        all.extend(kvm_x86::stock());
        all.extend([&xl::Xl as &dyn Backend, &refvisor::Refvisor]);
        all
    })
}

/// The targets of `all` that `build` runs (all of them, or those it names).
pub fn targets_of(all: &'static [TargetSpec], build: &Build) -> &'static [TargetSpec] {
    match build.targets {
        None => all,
        Some(_) => Vec::leak(all.iter().filter(|t| build.runs(t.name)).copied().collect()),
    }
}

/// The instance of backend `backend` running a user's `build`; a target the build names that the
/// backend lacks is a usage error.
pub fn user_instance(
    backend: &str,
    build: Build,
) -> Result<&'static dyn Backend, crate::plan::UsageError> {
    let spelled = builds::spelled(backend, Some(build.name));
    let stock = select(all(), backend);
    let known: Vec<&str> = stock
        .first()
        .map(|b| b.targets().iter().map(|t| t.name).collect())
        .unwrap_or_default();
    if let Some(unknown) = build
        .targets
        .unwrap_or_default()
        .iter()
        .find(|t| !known.contains(t))
    {
        return Err(crate::plan::UsageError(format!(
            "build {spelled}: {backend} has no target {unknown} (known: {})",
            known.join(", ")
        )));
    }
    let instance: Box<dyn Backend> = match backend {
        xen::NAME => Box::new(xen::XenDom0less::new(build)),
        kvm::NAME => Box::new(kvm::KvmArm64::new(build)),
        kvm_x86::NAME => Box::new(kvm_x86::KvmX86::new(build)),
        other => {
            return Err(crate::plan::UsageError(format!(
                "build {spelled}: {other} takes no build of yours"
            )));
        }
    };
    // One instance per user build for the life of the process.
    Ok(Box::leak(instance))
}

/// The instances `spelling` selects among `backends`: `name` selects every build of the
/// backend, `name@build` that build.
pub fn select<'a>(backends: &[&'a dyn Backend], spelling: &str) -> Vec<&'a dyn Backend> {
    let (name, build) = builds::split(spelling);
    backends
        .iter()
        .copied()
        .filter(|b| {
            b.name() == name && build.is_none_or(|n| b.build().is_some_and(|b| b.name == n))
        })
        .collect()
}

/// The backend called `name` (its first build, for a backend with builds).
pub fn by_name(name: &str) -> Option<&'static dyn Backend> {
    select(all(), name).first().copied()
}
