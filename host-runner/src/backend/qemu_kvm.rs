//! `qemu-kvm`: the x86 guest under `qemu-system-x86_64 -machine q35 -accel kvm`, the question of
//! seed 003 as two targets of the same cases: `irqchip` (`kernel-irqchip=on`, KVM's in-kernel
//! local APICs and IOAPIC) and `split` (`kernel-irqchip=split`, KVM's in-kernel local APICs with
//! QEMU's userspace IOAPIC). The command line is qemu-tcg's ([`super::qemu::x86_command_on`]).
//!
//! A `/dev/kvm` is not enough: on a host without hardware virtualization it may come from a
//! software KVM (the project's machines: `kvm_pvm`) that cannot deliver interrupts to every
//! guest. So the backend is available only after a probe: one boot of the guest with one case
//! that takes one interrupt ([`PROBE_CASE`]), judged pass or diverge. The probe runs once per
//! process. A host of the backend's kind ([`Backend::machine`], what `--require` and
//! `IRQSUITE_REQUIRE=1` require) has hardware virtualization; on any other (a software KVM, no
//! KVM) the backend is a skip with the probe's reason, never an error.

use std::fs::OpenOptions;
use std::io;
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use guest_kit::Outcome;
use guest_kit::inject::Injection;

use super::{Backend, Limits, NEVER, Sink, TargetSpec, Unavailable, console, qemu};
use crate::events::{RunEvent, TargetName};
use crate::tools;
use crate::verdict::CaseResult;

/// The qemu-kvm backend.
pub struct QemuKvm;

const NAME: &str = "qemu-kvm";
/// The device KVM is reached through.
const KVM_DEVICE: &str = "/dev/kvm";
/// What `irqsuite setup` does for this backend (QEMU for x86 and the guest image).
const SETUP: &str = "irqsuite setup --backend qemu-kvm";
/// What fixes a KVM that cannot run the guest.
const HARDWARE_FIX: &str = "run on a host with hardware virtualization (vmx/svm in /proc/cpuinfo)";
/// The case the probe runs: a SELF IPI taken once (SDM vol. 3 11.12.11), the smallest case that
/// needs KVM to deliver an interrupt.
pub const PROBE_CASE: &str = "x86.x2apic-self-ipi";
/// The probe's limits: a KVM start costs ~4 s here; a guest that cannot take its interrupt
/// hangs or dies, and QEMU does not exit after a KVM internal error.
const PROBE_LIMITS: Limits = Limits {
    boot: Duration::from_secs(20),
    case: Duration::from_secs(10),
    stop: &NEVER,
};

/// Both targets: two CPUs with x2APIC and no remapping unit, serving the same in-guest requests
/// as qemu-tcg's x86 targets (an IOAPIC line from COM2, MSIs from `edu`).
const SHAPE: guest_kit::TargetInfo =
    super::x86_shape(2, true, false, Injection::LINE.union(Injection::X86_MSI));

const TARGETS: [TargetSpec; 2] = [
    TargetSpec {
        name: "irqchip",
        shape: SHAPE,
    },
    TargetSpec {
        name: "split",
        shape: SHAPE,
    },
];

/// `-machine` for `target`: where its interrupt controllers live.
fn machine(target: &TargetSpec) -> &'static str {
    match target.name {
        "split" => "q35,kernel-irqchip=split",
        _ => "q35,kernel-irqchip=on",
    }
}

/// The QEMU command line for `target` running `cases` from `image`.
pub fn command(target: &TargetSpec, image: &Path, cases: &[usize]) -> Command {
    let mut cmd = qemu::x86_command_on(machine(target), target, image, cases);
    cmd.args(["-accel", "kvm"]);
    cmd
}

/// Whether `/dev/kvm` is there and this process may open it.
fn kvm_device() -> Result<(), Unavailable> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(KVM_DEVICE)
        .map(drop)
        .map_err(|e| Unavailable {
            reason: format!("{KVM_DEVICE} cannot be opened: {e}"),
            fix: format!(
                "load kvm-intel or kvm-amd and run as a user in the kvm group; {HARDWARE_FIX}"
            ),
        })
}

/// Whether `cpuinfo` (the text of `/proc/cpuinfo`) shows Intel VMX or AMD SVM.
fn hardware_virtualization(cpuinfo: &str) -> bool {
    cpuinfo
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(key, _)| key.trim() == "flags")
        .any(|(_, flags)| flags.split_whitespace().any(|f| f == "vmx" || f == "svm"))
}

/// Runs `cases` on `target` through the boot loop.
fn run_target(target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
    let name = TargetName::new(NAME, target.name);
    let launch = |cases: &[usize]| -> io::Result<Command> {
        let image = qemu::x86_guest_image()
            .map_err(|e| io::Error::other(format!("guest build failed: {e}")))?;
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

/// The probe: boots the `irqchip` target with [`PROBE_CASE`] alone; `Ok` when the case is
/// judged pass or diverge.
fn probe() -> Result<(), String> {
    let index = irq_cases::CATALOGUE
        .iter()
        .position(|c| c.id == PROBE_CASE)
        .ok_or_else(|| format!("the catalogue has no {PROBE_CASE}"))?;
    let results = Mutex::new(Vec::new());
    let sink = |event: RunEvent| {
        if let RunEvent::CaseFinished { result, .. } = event {
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(*result);
        }
    };
    run_target(&TARGETS[0], &[index], PROBE_LIMITS, &sink);
    judge_probe(&results.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Whether the probe's `results` show a KVM that runs the guest: its case judged pass or
/// diverge (any other outcome, with its reason, is what happened).
fn judge_probe(results: &[CaseResult]) -> Result<(), String> {
    match results.first() {
        Some(r) if matches!(r.outcome, Outcome::Pass | Outcome::Diverge) => Ok(()),
        Some(r) => Err(format!("{PROBE_CASE}: {:?}: {}", r.outcome, r.reason)),
        None => Err(format!("{PROBE_CASE} was never reported")),
    }
}

/// The probe's result, once per process, and how long it took (stderr, once).
fn probed() -> &'static Result<(), Unavailable> {
    static PROBED: OnceLock<Result<(), Unavailable>> = OnceLock::new();
    PROBED.get_or_init(|| {
        let start = Instant::now();
        let result = probe().map_err(|what| Unavailable {
            reason: format!("{KVM_DEVICE} cannot deliver interrupts to a guest here: {what}"),
            fix: HARDWARE_FIX.into(),
        });
        eprintln!(
            "irqsuite: qemu-kvm probe ({PROBE_CASE} under -accel kvm): {} in {:.1} s",
            match &result {
                Ok(()) => "interrupts delivered",
                Err(_) => "failed",
            },
            start.elapsed().as_secs_f64()
        );
        result
    })
}

impl Backend for QemuKvm {
    fn provenance(&self, _target: &TargetSpec) -> crate::builds::provenance::Provenance {
        crate::builds::provenance::Provenance::irqsuite().with_qemu(qemu::QEMU_X86)
    }
    fn name(&self) -> &'static str {
        NAME
    }
    fn describe(&self) -> &'static str {
        "KVM's in-kernel LAPIC/IOAPIC (kernel-irqchip=on) or in-kernel LAPIC + QEMU's IOAPIC (split), qemu-system-x86_64 -machine q35 -accel kvm; probed"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(qemu::QEMU_X86, SETUP)?;
        kvm_device()?;
        probed().clone()
    }
    /// A host with hardware virtualization (`vmx` or `svm` among the CPU's flags) and
    /// `/dev/kvm`: there a KVM that fails the probe is an error under `--require`. Cheap (no
    /// probe), so a process per trial (nextest) pays nothing on a machine of another kind.
    fn machine(&self) -> Result<(), Unavailable> {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        if !hardware_virtualization(&cpuinfo) {
            return Err(Unavailable {
                reason: "the CPU has no hardware virtualization (no vmx/svm in /proc/cpuinfo)"
                    .into(),
                fix: HARDWARE_FIX.into(),
            });
        }
        kvm_device()
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        run_target(target, cases, limits, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Evidence;

    fn args(target: &TargetSpec) -> Vec<String> {
        let cmd = command(target, Path::new("guest.elf"), &[0]);
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn after<'a>(args: &'a [String], flag: &str) -> Vec<&'a str> {
        args.windows(2)
            .filter(|w| w[0] == flag)
            .map(|w| w[1].as_str())
            .collect()
    }

    #[test]
    fn irqchip_keeps_every_interrupt_controller_in_kvm() {
        let a = args(&TARGETS[0]);
        assert_eq!(after(&a, "-machine"), ["q35,kernel-irqchip=on"]);
        assert_eq!(after(&a, "-accel"), ["kvm"]);
        assert_eq!(after(&a, "-cpu"), ["qemu64,+x2apic"]);
    }

    #[test]
    fn split_moves_the_ioapic_to_qemu_and_has_no_iommu() {
        let a = args(&TARGETS[1]);
        assert_eq!(after(&a, "-machine"), ["q35,kernel-irqchip=split"]);
        assert_eq!(after(&a, "-accel"), ["kvm"]);
        assert!(!after(&a, "-device").contains(&"intel-iommu,intremap=on"));
        assert!(after(&a, "-device").contains(&"edu,addr=3"));
    }

    #[test]
    fn hardware_virtualization_is_vmx_or_svm_among_the_flags() {
        let intel = "processor\t: 0\nflags\t\t: fpu vme vmx x2apic\n";
        let amd = "flags\t\t: fpu svm\n";
        let pvm = "flags\t\t: fpu vme x2apic hypervisor\nvmx flags\t: none\n";
        assert!(hardware_virtualization(intel));
        assert!(hardware_virtualization(amd));
        assert!(!hardware_virtualization(pvm));
        assert!(!hardware_virtualization(""));
    }

    #[test]
    fn probe_accepts_pass_and_diverge_only() {
        let with = |outcome| [CaseResult::bare(PROBE_CASE, outcome, "why", Evidence::None)];
        assert_eq!(judge_probe(&with(Outcome::Pass)), Ok(()));
        assert_eq!(judge_probe(&with(Outcome::Diverge)), Ok(()));
        for outcome in [Outcome::Fail, Outcome::Error, Outcome::Skip] {
            assert!(judge_probe(&with(outcome)).is_err(), "{outcome:?}");
        }
    }

    #[test]
    fn probe_failure_says_what_happened_to_the_case() {
        let hung = [CaseResult::bare(
            PROBE_CASE,
            Outcome::Error,
            "no end record within 10 s",
            Evidence::None,
        )];
        let why = judge_probe(&hung).unwrap_err();
        assert!(
            why.contains(PROBE_CASE) && why.contains("no end record"),
            "{why}"
        );
        assert!(judge_probe(&[]).unwrap_err().contains("never reported"));
    }

    #[test]
    fn the_probe_case_is_in_the_catalogue_and_runs_on_both_targets() {
        let case = irq_cases::CATALOGUE
            .iter()
            .find(|c| c.id == PROBE_CASE)
            .expect("probe case");
        for t in &TARGETS {
            assert!(case.needs.unmet(&t.shape).is_none(), "{}", t.name);
        }
    }
}
