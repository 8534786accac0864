//! The kvm-x86 backend's machinery end to end, below `irqsuite run` (whose outcomes
//! `kvm_x86.rs` pins): Debian's amd64 kernel boots under QEMU TCG with the x86_64 VMM as
//! `/init`, which loads KVM and runs one VM per target (`irqchip`, then `split`) in that one
//! kernel boot.
//!
//! - The x86_64 catalogue guest reports its `cfg` on both targets (two CPUs, the AP started
//!   with INIT-SIPI-SIPI by KVM's local APIC) and runs [`MACHINERY_CASES`] with every check
//!   holding: IPIs between the CPUs, IOAPIC edge and level lines and MSIs it asks the host for
//!   (served by the VMM), and KVM's IOAPIC version on `irqchip`, reference-vtd's on `split`.
//!   (Conformance of the whole catalogue is `irqsuite run`'s business, with a baseline.)
//! - A probe guest ([`pvh_probe`]) asks for an IOAPIC edge on pin 5 and an x86 MSI: on both
//!   targets each request is answered `ok` and leaves its vector pending in the local APIC's
//!   IRR; a GIC device MSI is refused.
//!
//! - A probe that halts with interrupts off for good is ended by the VMM's console watchdog
//!   (`irqsuite.watchdog=3`), which ends the boot: the machine powers off instead of hanging.
//!
//! The boot's milestones are printed (seconds after QEMU started). Ignored where QEMU or the
//! kernel is missing; failed instead when `IRQSUITE_REQUIRE=1` (CI) on a machine of the
//! backend's kind (x86_64 Debian).

mod pvh_probe;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use guest_kit::Arch;
use guest_kit::inject::Inject;
use guest_kit::observation::Observation;
use guest_kit::protocol::{Record, decode_line};
use irqsuite::backend::Backend;
use irqsuite::backend::console::Leg;
use irqsuite::backend::kvm_x86;
use libtest_mimic::{Arguments, Failed, Trial};

/// A bound on one boot, so a hung machine fails the test instead of hanging it (a guard, not
/// a measurement: a boot takes well under a minute).
const GUARD: Duration = Duration::from_secs(600);

/// One boot's console: each line with the seconds since QEMU started.
struct Console {
    lines: Vec<(f64, String)>,
}

impl Console {
    /// Everything printed, with the tty's `\r\n` line ends made `\n`.
    fn text(&self) -> String {
        self.lines
            .iter()
            .map(|(_, l)| l.replace("\r\n", "\n"))
            .collect()
    }
    /// When the first line containing `needle` came.
    fn when(&self, needle: &str) -> Option<f64> {
        self.lines
            .iter()
            .find(|(_, l)| l.contains(needle))
            .map(|(t, _)| *t)
    }
}

/// Boots `legs` with `guest` as every VM's guest; the console once QEMU exits.
fn boot(legs: &[Leg<'_>], guest: Option<&Path>) -> Result<Console, Failed> {
    boot_with(legs, guest, "")
}

/// As [`boot`], with `extra` added to the kernel command line.
fn boot_with(legs: &[Leg<'_>], guest: Option<&Path>, extra: &str) -> Result<Console, Failed> {
    let (kernel, initramfs) = match guest {
        Some(elf) => kvm_x86::first().artefacts_for(elf)?,
        None => kvm_x86::first().artefacts()?,
    };
    let backend_cmd = kvm_x86::command(legs, &kernel, &initramfs)?;
    let mut cmd = std::process::Command::new(backend_cmd.get_program());
    let mut append = false;
    for arg in backend_cmd.get_args() {
        if append {
            cmd.arg(format!("{} {extra}", arg.to_string_lossy()));
        } else {
            cmd.arg(arg);
        }
        append = arg == "-append";
    }
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut line = Vec::new();
        let mut byte = [0u8];
        while let Ok(1) = stdout.read(&mut byte) {
            line.push(byte[0]);
            if byte[0] == b'\n' {
                let text = String::from_utf8_lossy(&line).into_owned();
                lines.push((started.elapsed().as_secs_f64(), text));
                line.clear();
            }
        }
        lines
    });
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if started.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            let lines = reader.join().unwrap_or_default();
            let text: String = lines.iter().map(|(_, l)| l.as_str()).collect();
            return Err(format!("QEMU still ran after {GUARD:?}; its console:\n{text}").into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let lines = reader.join().map_err(|_| "the console reader panicked")?;
    Ok(Console { lines })
}

/// The records of each VM (a `cfg` starts one), decoded.
fn vms(console: &Console) -> Vec<Vec<String>> {
    let mut vms: Vec<Vec<String>> = Vec::new();
    for (_, line) in &console.lines {
        let Ok(Some((_, record))) = decode_line(line.trim_end()) else {
            continue;
        };
        if matches!(record, Record::Config(_)) {
            vms.push(Vec::new());
        }
        if let Some(vm) = vms.last_mut() {
            vm.push(line.trim_end().to_owned());
        }
    }
    vms
}

/// The cases the machinery test runs: each needs a part of the machine to work and passes on
/// KVM (x86 KVM departs from the architecture elsewhere, which `irqsuite run` reports).
const MACHINERY_CASES: [&str; 8] = [
    "x86.lapic-version",
    "x86.ioapic-version",
    "x86.xapic-ipi-to-other-cpu",
    "x86.x2apic-self-ipi",
    "x86.ioapic-edge-delivers",
    "x86.ioapic-level-remote-irr",
    "x86.msi-physical-fixed",
    "x86.msi-physical-to-cpu1",
];

/// The catalogue indices of [`MACHINERY_CASES`].
fn machinery_cases() -> Result<Vec<usize>, Failed> {
    MACHINERY_CASES
        .iter()
        .map(|id| {
            irq_cases::CATALOGUE
                .iter()
                .position(|c| c.id == *id)
                .ok_or_else(|| format!("no case {id} in the catalogue").into())
        })
        .collect()
}

fn catalogue_guest_runs_on_irqchip_and_split_in_one_kernel_boot() -> Result<(), Failed> {
    let cases = machinery_cases()?;
    let legs = [
        Leg {
            target: "irqchip",
            cases: &cases,
        },
        Leg {
            target: "split",
            cases: &cases,
        },
    ];
    let console = boot(&legs, None)?;
    let text = console.text();
    let vms = vms(&console);
    if vms.len() != 2 {
        return Err(format!("{} VMs reported a cfg, expected 2:\n{text}", vms.len()).into());
    }
    let mut ioapic_versions = Vec::new();
    for (vm, records) in ["irqchip", "split"].iter().zip(&vms) {
        let Ok(Some((_, Record::Config(cfg)))) = decode_line(&records[0]) else {
            return Err(format!("{vm}: no cfg first:\n{text}").into());
        };
        if cfg.arch != Arch::X86_64 || cfg.cpus != 2 || cfg.x86.ioapic_pins != 24 {
            return Err(
                format!("{vm}: cfg {cfg:?}, expected x86_64 with 2 CPUs and 24 pins").into(),
            );
        }
        for line in records {
            match decode_line(line) {
                Ok(Some((_, Record::Obs(obs)))) if obs.is_failed_check() => {
                    return Err(format!("{vm}: a check failed: {line}\n{text}").into());
                }
                Ok(Some((
                    _,
                    Record::Obs(Observation::ImplDefined {
                        label: "ioapic-version",
                        value,
                    }),
                ))) => {
                    ioapic_versions.push(value & 0xff);
                }
                _ => {}
            }
        }
        let count = |pick: fn(&Record<'_>) -> bool| {
            records
                .iter()
                .filter(|l| matches!(decode_line(l), Ok(Some((_, r))) if pick(&r)))
                .count()
        };
        let ended = count(|r| matches!(r, Record::CaseEnd { .. }));
        let requests = count(|r| matches!(r, Record::Request { .. }));
        let done = count(|r| matches!(r, Record::Done { .. }));
        if ended != cases.len() || requests == 0 || done != 1 {
            return Err(format!(
                "{vm}: {ended} of {} cases ended, {requests} requests, {done} done records:\n{text}",
                cases.len()
            )
            .into());
        }
    }
    // KVM's IOAPIC is version 0x11; reference-vtd's (the split target's) 0x20.
    if ioapic_versions != [0x11, 0x20] {
        return Err(
            format!("IOAPIC versions {ioapic_versions:x?}, expected [11, 20]:\n{text}").into(),
        );
    }
    let at = |needle: &str| console.when(needle).unwrap_or(f64::NAN);
    let second_cfg = console
        .lines
        .iter()
        .filter(|(_, l)| l.contains(" cfg arch=x86_64"))
        .nth(1)
        .map_or(f64::NAN, |(t, _)| *t);
    println!(
        "kvm-x86 boot (s after QEMU started): /init {:.1}, KVM loaded {:.1}, irqchip VM ready \
         {:.1}, its cfg {:.1}, split cfg {second_cfg:.1}, power off {:.1}",
        at("/init started"),
        at("KVM modules loaded"),
        at("Irqchip with"),
        at(" cfg arch=x86_64"),
        console.lines.last().map_or(f64::NAN, |(t, _)| *t),
    );
    Ok(())
}

/// A probe guest runs its one "case" (index 0) on both targets.
const PROBE_LEGS: [Leg<'static>; 2] = [
    Leg {
        target: "irqchip",
        cases: &[0],
    },
    Leg {
        target: "split",
        cases: &[0],
    },
];

/// Writes the probe guest doing `actions` as `<name>.elf` in a scratch folder of its own;
/// returns the folder (the caller removes it) and the ELF.
fn probe_elf(
    name: &str,
    actions: &[pvh_probe::Action],
) -> Result<(std::path::PathBuf, std::path::PathBuf), Failed> {
    let dir = std::env::temp_dir().join(format!("irqsuite-kvm-x86-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let elf = dir.join(format!("{name}.elf"));
    std::fs::write(&elf, pvh_probe::elf(actions))?;
    Ok((dir, elf))
}

fn probe_requests_are_served_in_the_machine_on_both_targets() -> Result<(), Failed> {
    use pvh_probe::{Action, EDGE_PIN, EDGE_VECTOR, LEVEL_PIN, LEVEL_VECTOR};
    use pvh_probe::{pending, remote_irr, taken};
    const MSI_VECTOR: u8 = 0x36;
    let line = |pin: u8, high| {
        Action::Request(Inject::Line {
            intid: pin.into(),
            high,
        })
    };
    // (action, the line it prints: None for none)
    let script: Vec<(Action, Option<String>)> = vec![
        // A level interrupt: taken once, Remote IRR set until the EOI, sent again by the EOI
        // while the line stays high, and not after the line went low.
        (line(LEVEL_PIN, true), Some("@@ack 0 ok\n".into())),
        (
            Action::Pending(LEVEL_VECTOR),
            Some(pending(LEVEL_VECTOR, true)),
        ),
        (Action::Window, None),
        (Action::Taken(1), Some(taken(1, true))),
        (
            Action::RemoteIrr(LEVEL_PIN),
            Some(remote_irr(LEVEL_PIN, true)),
        ),
        (Action::Eoi, None),
        (
            Action::Pending(LEVEL_VECTOR),
            Some(pending(LEVEL_VECTOR, true)),
        ),
        (line(LEVEL_PIN, false), Some("@@ack 1 ok\n".into())),
        (Action::Window, None),
        (Action::Taken(2), Some(taken(2, true))),
        (Action::Eoi, None),
        (
            Action::Pending(LEVEL_VECTOR),
            Some(pending(LEVEL_VECTOR, false)),
        ),
        (
            Action::RemoteIrr(LEVEL_PIN),
            Some(remote_irr(LEVEL_PIN, false)),
        ),
        // An edge (left pending: interrupts stay off from here on).
        (line(EDGE_PIN, true), Some("@@ack 2 ok\n".into())),
        (
            Action::Pending(EDGE_VECTOR),
            Some(pending(EDGE_VECTOR, true)),
        ),
        (line(EDGE_PIN, false), Some("@@ack 3 ok\n".into())),
        // An x86 MSI to APIC 0, and a GIC device MSI the VMM refuses.
        (
            Action::Request(Inject::X86Msi {
                address: 0xfee0_0000,
                data: MSI_VECTOR.into(),
                source_id: 0x0008,
            }),
            Some("@@ack 4 ok\n".into()),
        ),
        (Action::Pending(MSI_VECTOR), Some(pending(MSI_VECTOR, true))),
        (
            Action::Request(Inject::Msi {
                device: 1,
                event: 2,
            }),
            Some("@@ack 5 no msi\n".into()),
        ),
    ];
    let actions: Vec<Action> = script.iter().map(|(a, _)| *a).collect();
    let expected: Vec<&String> = script.iter().filter_map(|(_, l)| l.as_ref()).collect();
    let (dir, elf) = probe_elf("probe", &actions)?;
    let console = boot(&PROBE_LEGS, Some(&elf));
    std::fs::remove_dir_all(&dir)?;
    let text = console?.text();
    let starts: Vec<usize> = ["Irqchip", "Split"]
        .iter()
        .map(|vm| text.find(&format!("irqsuite-vmm: {vm} with")))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("the irqchip and split VMs did not both start:\n{text}"))?;
    let sections = [
        ("irqchip", &text[starts[0]..starts[1]]),
        ("split", &text[starts[1]..]),
    ];
    for (vm, section) in sections {
        let mut rest = section;
        for line in &expected {
            let at = rest
                .find(line.as_str())
                .ok_or_else(|| format!("{vm}: no {line:?} in order:\n{text}"))?;
            rest = &rest[at + line.len()..];
        }
    }
    Ok(())
}

fn a_guest_halted_for_good_is_ended_by_the_vmm_watchdog() -> Result<(), Failed> {
    let (dir, elf) = probe_elf("hang", &[pvh_probe::Action::Hang])?;
    let console = boot_with(&PROBE_LEGS, Some(&elf), "irqsuite.watchdog=3");
    std::fs::remove_dir_all(&dir)?;
    let text = console?.text();
    if !text.contains("error: watchdog: no console line for 3 s") {
        return Err(format!("no watchdog end:\n{text}").into());
    }
    if text.contains("Split with") {
        return Err(format!("the boot went on after the watchdog:\n{text}").into());
    }
    Ok(())
}

/// A test of this binary.
type Test = fn() -> Result<(), Failed>;

fn main() {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let tests: [(&str, Test); 3] = [
        (
            "kvm-x86/catalogue-guest-runs-on-irqchip-and-split-in-one-kernel-boot",
            catalogue_guest_runs_on_irqchip_and_split_in_one_kernel_boot,
        ),
        (
            "kvm-x86/probe-requests-are-served-in-the-machine-on-both-targets",
            probe_requests_are_served_in_the_machine_on_both_targets,
        ),
        (
            "kvm-x86/a-guest-halted-for-good-is-ended-by-the-vmm-watchdog",
            a_guest_halted_for_good_is_ended_by_the_vmm_watchdog,
        ),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, test)| {
            match kvm_x86::first()
                .machine()
                .and(kvm_x86::first().availability())
            {
                Ok(()) => Trial::test(name, test),
                Err(u) if require && kvm_x86::first().machine().is_ok() => {
                    Trial::test(name, move || {
                        Err(format!("{}; fix: {}", u.reason, u.fix).into())
                    })
                }
                Err(_) => Trial::test(name, || Ok(())).with_ignored_flag(true),
            }
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
