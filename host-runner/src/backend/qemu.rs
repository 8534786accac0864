//! `qemu-tcg`: QEMU's own interrupt controllers under TCG, the whole catalogue of a target in
//! one boot: its GIC (`qemu-system-aarch64 -machine virt,gic-version=N`) and its local APIC,
//! IOAPIC and VT-d unit (`qemu-system-x86_64 -machine q35`, [`x86_command`]).

use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use guest_kit::inject::Injection;
use guest_kit::{Arch, GicVersion};

use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console};
use crate::{build, tools};

/// The QEMU TCG backend.
pub struct QemuTcg;

const QEMU: &str = "qemu-system-aarch64";
/// The x86 targets' QEMU.
pub(crate) const QEMU_X86: &str = "qemu-system-x86_64";
/// The I/O port of the `isa-debug-exit` device the x86 guest ends the run through.
const DEBUG_EXIT_PORT: u16 = 0xf4;
/// What `irqsuite setup` does for this backend.
const SETUP: &str = "irqsuite setup --backend qemu-tcg";

/// Two CPUs: the guest starts the secondaries with PSCI CPU_ON, so the multi-CPU cases run.
const GIC_TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::empty());

/// Two CPUs (started with INIT-SIPI-SIPI). QEMU has no host-side way to drive an IOAPIC pin
/// or send an MSI as a PCI device (no such QMP command), so the host serves no request; the x86
/// guest serves the ones the cases make inside the machine, with devices QEMU has (see
/// [`x86_command`]): IOAPIC lines and MSIs from a PCI requester are what these targets offer.
const X86_TARGETS: [TargetSpec; 3] =
    super::x86_targets(2, Injection::LINE.union(Injection::X86_MSI));

/// The GIC targets, plus GICv4 with an ITS. QEMU offers GICv4 only with EL2 emulation
/// (`virtualization=on`): the guest enters at EL2 there and drops to EL1 before the cases run.
/// To a guest that does not virtualize, GICv4 is GICv3 with vLPI frames in each
/// redistributor. Then the x86 targets.
/// The machine shapes: Arm and x86, also what `irqsuite export` offers.
pub const TARGETS: [TargetSpec; 7] = [
    GIC_TARGETS[0],
    GIC_TARGETS[1],
    GIC_TARGETS[2],
    TargetSpec {
        name: "gicv4-its",
        shape: super::aarch64_shape(GicVersion::V4, 2, true, Injection::empty()),
    },
    X86_TARGETS[0],
    X86_TARGETS[1],
    X86_TARGETS[2],
];

fn gic_version(target: &TargetSpec) -> &'static str {
    match target.shape.gic {
        GicVersion::V2 => "2",
        GicVersion::V3 => "3",
        GicVersion::V4 => "4",
    }
}

/// `-machine` for `target`: QEMU's virt board with its GIC, and an ITS exactly when the target
/// has one (QEMU's default for GICv3 is an ITS).
fn machine(target: &TargetSpec) -> String {
    let its = match (target.shape.gic, target.shape.its) {
        (GicVersion::V2, _) => "",
        (_, true) => ",its=on",
        (_, false) => ",its=off",
    };
    let el2 = match target.shape.gic {
        GicVersion::V4 => ",virtualization=on",
        _ => "",
    };
    format!("virt,gic-version={}{its}{el2}", gic_version(target))
}

/// The guest image, built once per process even when targets run in parallel (the kvm-arm64
/// backend loads the same one).
pub(crate) fn guest_image() -> Result<PathBuf, String> {
    static IMAGE: Mutex<Option<Result<PathBuf, String>>> = Mutex::new(None);
    let mut slot = IMAGE.lock().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(|| {
        if let Some(path) = std::env::var_os("IRQSUITE_AARCH64_IMAGE") {
            return Ok(PathBuf::from(path));
        }
        build::aarch64_guest_image(&crate::workspace_root()).map_err(|e| e.to_string())
    })
    .clone()
}

/// The x86 guest's ELF, built once per process (the qemu-kvm backend boots the same one).
pub(crate) fn x86_guest_image() -> Result<PathBuf, String> {
    static IMAGE: Mutex<Option<Result<PathBuf, String>>> = Mutex::new(None);
    let mut slot = IMAGE.lock().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(|| {
        if let Some(path) = std::env::var_os("IRQSUITE_X86_64_IMAGE") {
            return Ok(PathBuf::from(path));
        }
        build::x86_64_guest_image(&crate::workspace_root()).map_err(|e| e.to_string())
    })
    .clone()
}

/// The QEMU command line for `target` running `cases` from `image` (of the target's
/// architecture).
pub fn command(target: &TargetSpec, image: &std::path::Path, cases: &[usize]) -> Command {
    match target.shape.arch {
        Arch::Aarch64 => aarch64_command(target, image, cases),
        Arch::X86_64 => x86_command(target, image, cases),
    }
}

/// `-cpu` for an x86 target: QEMU's baseline `qemu64` model with x2APIC support exactly when
/// the target has it (CPUID.01H:ECX\[21\]), so the targets differ in nothing else.
fn x86_cpu(target: &TargetSpec) -> &'static str {
    match target.shape.x86.x2apic {
        true => "qemu64,+x2apic",
        false => "qemu64,-x2apic",
    }
}

/// The `qemu-system-x86_64` command line for an x86 target: `-machine q35` (local APICs, a
/// 24-pin IOAPIC); with a remapping unit, QEMU's `intel-iommu` with interrupt remapping, which
/// needs the IOAPIC in QEMU's userspace (`kernel-irqchip=split`; under TCG it always is). The
/// guest ends the run through `isa-debug-exit` (QEMU's exit status 1 is the normal end).
///
/// The interrupt sources the guest drives itself to serve the cases' requests
/// (`guest-tests/x86_64/README.md`): a second 16550 UART at COM2 (`-serial null`), whose line is
/// GSI 3 (`guest_kit::inject::X86_LINE_GSI`), and QEMU's `edu` PCI device at 00:03.0
/// (`-device edu,addr=3`, the requester `guest_kit::inject::X86_MSI_REQUESTER`), whose MSIs go
/// through interrupt remapping with that source-id. A request for another line or requester
/// reaches the host, which refuses it (the case skips with the reason).
pub fn x86_command(target: &TargetSpec, image: &std::path::Path, cases: &[usize]) -> Command {
    let machine = match target.shape.x86.iommu {
        true => "q35,kernel-irqchip=split",
        false => "q35",
    };
    x86_command_on(machine, target, image, cases)
}

/// The `qemu-system-x86_64` command line of [`x86_command`] with `machine` as the `-machine`
/// value (the qemu-kvm backend chooses where the interrupt controllers live and adds its
/// `-accel`).
pub(crate) fn x86_command_on(
    machine: &str,
    target: &TargetSpec,
    image: &std::path::Path,
    cases: &[usize],
) -> Command {
    let iommu = target.shape.x86.iommu;
    let mut cmd = Command::new(QEMU_X86);
    cmd.args(["-machine", machine, "-cpu", x86_cpu(target)])
        .args(["-smp", &target.shape.cpus.to_string(), "-m", "256M"])
        .args(console::QEMU_HEADLESS)
        .args(["-serial", "null"])
        .args(["-device", "edu,addr=3"])
        .arg("-no-reboot");
    if iommu {
        cmd.args(["-device", "intel-iommu,intremap=on"]);
    }
    let exit = format!("isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04");
    let bootargs = format!(
        "{} irqsuite.debug-exit={DEBUG_EXIT_PORT:#x}",
        console::guest_bootargs(target, cases)
    );
    cmd.args(["-device", &exit])
        .arg("-kernel")
        .arg(image)
        .args(["-append", &bootargs]);
    cmd
}

/// The `qemu-system-aarch64` command line for a GIC target.
fn aarch64_command(target: &TargetSpec, image: &std::path::Path, cases: &[usize]) -> Command {
    let mut cmd = Command::new(QEMU);
    cmd.args(["-machine", &machine(target)])
        .args([
            "-cpu",
            "max",
            "-smp",
            &target.shape.cpus.to_string(),
            "-m",
            "256M",
        ])
        .args(console::QEMU_HEADLESS)
        .arg("-no-reboot")
        .arg("-kernel")
        .arg(image)
        .args([
            "-append",
            // QEMU offers the host no way to drive a GIC line or send an MSI as a device
            // (no such QMP command): the targets declare no injection.
            &console::guest_bootargs(target, cases),
        ]);
    cmd
}

impl Backend for QemuTcg {
    fn name(&self) -> &'static str {
        "qemu-tcg"
    }
    fn provenance(&self, target: &TargetSpec) -> crate::builds::provenance::Provenance {
        let program = match target.shape.arch {
            guest_kit::Arch::Aarch64 => QEMU,
            guest_kit::Arch::X86_64 => QEMU_X86,
        };
        crate::builds::provenance::Provenance::irqsuite().with_qemu(program)
    }
    fn describe(&self) -> &'static str {
        "QEMU's own GICv2/GICv3 and x86 APICs/VT-d under TCG (qemu-system-aarch64 -machine virt, qemu-system-x86_64 -machine q35)"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(QEMU, SETUP)
    }
    fn target_availability(&self, target: &TargetSpec) -> Result<(), Unavailable> {
        match target.shape.arch {
            Arch::Aarch64 => tools::require(QEMU, SETUP),
            Arch::X86_64 => tools::require(QEMU_X86, SETUP),
        }
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        let name = self.target_name(target);
        let launch = |cases: &[usize]| -> io::Result<Command> {
            let image = match target.shape.arch {
                Arch::Aarch64 => guest_image(),
                Arch::X86_64 => x86_guest_image(),
            };
            let image = image.map_err(|e| io::Error::other(format!("guest build failed: {e}")))?;
            Ok(command(target, &image, cases))
        };
        let hooks = console::Hooks {
            launch: &launch,
            requests: console::Requests::Refused,
            farewell: &[],
            property: &console::no_property,
        };
        console::run(name, cases, limits, hooks, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(target: &str) -> Vec<String> {
        let spec = TARGETS.iter().find(|t| t.name == target).expect("target");
        let cmd = command(spec, std::path::Path::new("guest.elf"), &[0, 1]);
        let program = cmd.get_program().to_string_lossy().into_owned();
        let mut all = vec![program];
        all.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
        all
    }

    fn after<'a>(args: &'a [String], flag: &str) -> Vec<&'a str> {
        args.windows(2)
            .filter(|w| w[0] == flag)
            .map(|w| w[1].as_str())
            .collect()
    }

    #[test]
    fn x86_targets_boot_q35_with_the_cpu_and_iommu_they_name() {
        let xapic = args("xapic");
        assert_eq!(xapic[0], "qemu-system-x86_64");
        assert_eq!(after(&xapic, "-machine"), ["q35"]);
        assert_eq!(after(&xapic, "-cpu"), ["qemu64,-x2apic"]);
        assert!(!after(&xapic, "-device").contains(&"intel-iommu,intremap=on"));

        let x2apic = args("x2apic");
        assert_eq!(after(&x2apic, "-cpu"), ["qemu64,+x2apic"]);

        let intremap = args("x2apic-intremap");
        assert_eq!(after(&intremap, "-machine"), ["q35,kernel-irqchip=split"]);
        assert_eq!(after(&intremap, "-cpu"), ["qemu64,+x2apic"]);
        assert!(after(&intremap, "-device").contains(&"intel-iommu,intremap=on"));
    }

    #[test]
    fn the_x86_guest_ends_through_debug_exit_and_gets_its_interrupt_sources() {
        let a = args("x2apic");
        assert_eq!(after(&a, "-kernel"), ["guest.elf"]);
        let devices = after(&a, "-device");
        assert!(devices.contains(&"isa-debug-exit,iobase=0xf4,iosize=0x04"));
        assert!(devices.contains(&"edu,addr=3"));
        assert_eq!(after(&a, "-serial"), ["stdio", "null"]);
        let append = after(&a, "-append");
        assert_eq!(append.len(), 1);
        assert!(
            append[0].contains("irqsuite.debug-exit=0xf4"),
            "{}",
            append[0]
        );
        assert!(append[0].contains("irqsuite.inject=5"), "{}", append[0]);
    }

    #[test]
    fn gic_targets_still_boot_the_virt_board() {
        let a = args("gicv3-its");
        assert_eq!(a[0], "qemu-system-aarch64");
        assert_eq!(after(&a, "-machine"), ["virt,gic-version=3,its=on"]);
    }
}
