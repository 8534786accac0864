//! `qemu-tcg`: QEMU's own GIC under TCG, `qemu-system-aarch64 -machine virt,gic-version=N`, the
//! whole catalogue of a target in one boot.

use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use guest_kit::GicVersion;
use guest_kit::inject::Injection;

use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console};
use crate::events::TargetName;
use crate::{build, tools};

/// The QEMU TCG backend.
pub struct QemuTcg;

const QEMU: &str = "qemu-system-aarch64";

/// Two CPUs: the guest starts the secondaries with PSCI CPU_ON, so the multi-CPU cases run.
const GIC_TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::empty());

/// The GIC targets, plus GICv4 with an ITS. QEMU offers GICv4 only with EL2 emulation
/// (`virtualization=on`): the guest enters at EL2 there and drops to EL1 before the cases run.
/// To a guest that does not virtualize, GICv4 is GICv3 with vLPI frames in each
/// redistributor.
const TARGETS: [TargetSpec; 4] = [
    GIC_TARGETS[0],
    GIC_TARGETS[1],
    GIC_TARGETS[2],
    TargetSpec {
        name: "gicv4-its",
        shape: super::aarch64_shape(GicVersion::V4, 2, true, Injection::empty()),
    },
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

/// The QEMU command line for `target` running `cases` from `image`.
pub fn command(target: &TargetSpec, image: &std::path::Path, cases: &[usize]) -> Command {
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
        .args([
            "-nodefaults",
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "stdio",
        ])
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
    fn describe(&self) -> &'static str {
        "QEMU's own GICv2/GICv3 under TCG (qemu-system-aarch64 -machine virt)"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(QEMU, "irqsuite setup --backend qemu-tcg")
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        let name = TargetName {
            backend: self.name(),
            target: target.name,
        };
        let launch = |cases: &[usize]| -> io::Result<Command> {
            let image =
                guest_image().map_err(|e| io::Error::other(format!("guest build failed: {e}")))?;
            Ok(command(target, &image, cases))
        };
        let hooks = console::Hooks {
            launch: &launch,
            serve: &console::refuse,
            farewell: &[],
            property: &console::no_property,
        };
        console::run(name, cases, limits, hooks, sink);
    }
}
