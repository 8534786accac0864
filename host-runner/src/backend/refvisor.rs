//! `refvisor`: irqsuite's own EL2 hypervisor (`host-runner/refvisor`) under QEMU TCG
//! (`-machine virt,virtualization=on`), running the test guest at EL1 on `reference-vgic`'s
//! list-register layer: the reference vGIC itself on real (emulated) list registers. One boot
//! per target; the `-lr1` targets make refvisor use one list register
//! (`refvisor.lrs=1`), so overflow, underflow maintenance and re-queueing happen for real.
//!
//! refvisor emulates the guest's UART on the physical one and passes the guest's lines
//! through unchanged; its own lines start with `refvisor: ` (the list-register trace of each
//! case among them) and are not records. It drives an interrupt line itself when it sees the
//! guest's line request go by, so the host only acknowledges it.

use std::io;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use guest_kit::GicVersion;
use guest_kit::inject::{Inject, Injection, Refused};

use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console};
use crate::{build, tools};

/// The refvisor backend.
pub struct Refvisor;

const QEMU: &str = "qemu-system-aarch64";

/// Where the guest Image is loaded: RAM base + its text_offset, identity-mapped in refvisor's
/// stage 2.
const GUEST_ADDR: &str = "0x40200000";

/// Two vCPUs (refvisor runs vCPU n on physical CPU n), line requests served (refvisor drives
/// the line in its model), no ITS.
const fn shape(gic: GicVersion) -> guest_kit::TargetInfo {
    super::aarch64_shape(gic, 2, false, Injection::LINE)
}

const TARGETS: [TargetSpec; 4] = [
    TargetSpec {
        name: "gicv2",
        shape: shape(GicVersion::V2),
    },
    TargetSpec {
        name: "gicv2-lr1",
        shape: shape(GicVersion::V2),
    },
    TargetSpec {
        name: "gicv3",
        shape: shape(GicVersion::V3),
    },
    TargetSpec {
        name: "gicv3-lr1",
        shape: shape(GicVersion::V3),
    },
];

/// The list registers refvisor uses on `target`: one on the `-lr1` targets, else all the
/// hardware has (QEMU: 4).
pub fn list_registers(target: &TargetSpec) -> Option<u8> {
    target.name.ends_with("-lr1").then_some(1)
}

/// The hypervisor image, built once per process.
fn refvisor_image() -> Result<std::path::PathBuf, String> {
    static IMAGE: Mutex<Option<Result<std::path::PathBuf, String>>> = Mutex::new(None);
    let mut slot = IMAGE.lock().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(|| {
        build::refvisor::refvisor_image(&crate::workspace_root()).map_err(|e| e.to_string())
    })
    .clone()
}

/// The QEMU command line booting refvisor with `guest` running `cases` on `target`.
pub fn command(target: &TargetSpec, refvisor: &Path, guest: &Path, cases: &[usize]) -> Command {
    let gic = match target.shape.gic {
        GicVersion::V2 => "2",
        _ => "3,its=off",
    };
    let mut append = console::guest_bootargs(target, cases);
    if let Some(n) = list_registers(target) {
        append.push_str(&format!(" refvisor.lrs={n}"));
    }
    let mut loader = std::ffi::OsString::from("loader,file=");
    loader.push(guest);
    loader.push(format!(",addr={GUEST_ADDR},force-raw=on"));
    let mut cmd = Command::new(QEMU);
    cmd.args([
        "-machine",
        &format!("virt,virtualization=on,gic-version={gic}"),
    ])
    .args([
        "-cpu",
        "max",
        "-smp",
        &target.shape.cpus.to_string(),
        "-m",
        "512M",
    ])
    .args(console::QEMU_HEADLESS)
    .arg("-no-reboot")
    .arg("-kernel")
    .arg(refvisor)
    .arg("-device")
    .arg(loader)
    .args(["-append", &append]);
    cmd
}

/// Line requests are served by refvisor itself (it drives the line in its model when the
/// request passes its UART, before the answer can reach the guest); MSIs are refused (no ITS,
/// and x86 MSIs are not an Arm guest's).
fn serve(request: Inject) -> Result<(), Refused> {
    match request {
        Inject::Line { .. } => Ok(()),
        Inject::Msi { .. } | Inject::X86Msi { .. } => Err(request.refusal().1),
    }
}

/// refvisor's list-register trace of a case, `refvisor: lr case=<id> flush=N fold=N ...`
/// (printed before the case's end record), as the case's `lr` property: the counters after the
/// id.
pub fn lr_trace(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("refvisor: lr case=")?;
    let (_id, counters) = rest.split_once(' ')?;
    Some(("lr".to_owned(), counters.trim().to_owned()))
}

impl Backend for Refvisor {
    fn boot_cost(&self) -> u32 {
        // refvisor under TCG: seconds
        2
    }
    fn provenance(&self, _target: &TargetSpec) -> crate::builds::provenance::Provenance {
        crate::builds::provenance::Provenance::irqsuite().with_qemu(QEMU)
    }
    fn name(&self) -> &'static str {
        "refvisor"
    }
    fn describe(&self) -> &'static str {
        "irqsuite's own EL2 hypervisor on reference-vgic's list-register layer, under QEMU TCG"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(QEMU, "irqsuite setup --backend refvisor")
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        let name = self.target_name(target);
        let launch = |cases: &[usize]| -> io::Result<Command> {
            let refvisor = refvisor_image()
                .map_err(|e| io::Error::other(format!("refvisor build failed: {e}")))?;
            let guest = super::qemu::guest_image()
                .map_err(|e| io::Error::other(format!("guest build failed: {e}")))?;
            Ok(command(target, &refvisor, &guest, cases))
        };
        let hooks = console::Hooks {
            launch: &launch,
            requests: console::Requests::Host(&serve),
            farewell: &[],
            property: &lr_trace,
        };
        console::run(name, cases, limits, hooks, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lr_trace_line_becomes_the_lr_property_with_the_counters() {
        let line = "refvisor: lr case=gic.sgi-self flush=9 fold=3 mi=1 overflow=0";
        assert_eq!(
            lr_trace(line),
            Some(("lr".to_owned(), "flush=9 fold=3 mi=1 overflow=0".to_owned()))
        );
    }

    #[test]
    fn other_lines_are_no_property() {
        assert_eq!(lr_trace("@@irq 4 end 0 #ea90"), None);
        assert_eq!(lr_trace("refvisor: guest powered off"), None);
    }

    #[test]
    fn only_the_lr1_targets_restrict_the_list_registers() {
        let lrs: Vec<_> = TARGETS
            .iter()
            .map(|t| (t.name, list_registers(t)))
            .collect();
        assert_eq!(
            lrs,
            [
                ("gicv2", None),
                ("gicv2-lr1", Some(1)),
                ("gicv3", None),
                ("gicv3-lr1", Some(1))
            ]
        );
    }
}
