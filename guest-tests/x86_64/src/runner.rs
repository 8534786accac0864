//! The run: discover, report the configuration, start the other CPUs, run the selected cases of
//! the catalogue in order with the APICs reset before each, report the end, exit.

use guest_kit::protocol::Record;
use guest_kit::regs::lapic;
use guest_kit::selection::Selection;
use guest_kit::{Ctx, Observation, Trace, Width, reset};
use irq_cases::CATALOGUE;

use core::fmt::Write;

use crate::acpi::Machine;
use crate::platform::GuestPlatform;
use crate::pvh::StartInfo;
use crate::time::Calibration;
use crate::{cpu, exit, mmio, smp};
use guest_kit::text::Truncating;

/// Runs the suite; never returns.
pub fn run(mut machine: Machine, start: StartInfo, calibration: Calibration) -> ! {
    let cmdline = start.cmdline;
    boot_cpu_first(&mut machine);
    let mut platform = GuestPlatform::new(&machine, cmdline);
    let info = guest_kit::Platform::info(&platform);
    crate::console::emit(&Record::Config(info));
    if calibration == Calibration::Assumed {
        log("no PM timer, CPUID 0x15 or Xen leaf: TSC rate assumed, timeouts are approximate");
    }
    if !exit::can_power_off() {
        log("no isa-debug-exit, ACPI PM1a control block or Xen: cannot power off");
    }
    if machine.ioapics > 1 {
        log("more than one IOAPIC: Site::Ioapic is the first");
    }
    describe(&machine);
    software_enable(&machine);
    smp::start_secondaries(&machine, &platform, &start);
    let selection = match Selection::from_bootargs(cmdline) {
        Ok(selection) => selection,
        Err(why) => {
            log(why);
            Selection::NONE
        }
    };

    let mut ran: u16 = 0;
    for (index, case) in CATALOGUE.iter().enumerate() {
        if !selection.contains(index) {
            continue;
        }
        let index = index as u16;
        crate::console::emit(&Record::CaseStart { index, id: case.id });
        if let Some(reason) = case.needs.unmet(&info) {
            crate::console::emit(&Record::Skip { reason });
        } else {
            crate::cpu::forget_nmis();
            reset::quiesce(&mut platform);
            let mut trace = ConsoleTrace;
            let mut ctx = Ctx::new(&mut platform, &mut trace);
            (case.run)(&mut ctx);
            ctx.finish();
        }
        crate::console::emit(&Record::CaseEnd { index });
        ran += 1;
    }
    crate::console::emit(&Record::Done { cases: ran });
    exit::success()
}

fn log(text: &'static str) {
    crate::console::emit(&Record::Log(text));
}

/// Logs what ACPI described (addresses and the ISA IRQ overrides), for reading a run.
fn describe(machine: &Machine) {
    let mut text = Truncating::default();
    let _ = write!(text, "madt lapic {:#x}", machine.lapic_base);
    if let Some((base, gsi)) = machine.ioapic {
        let _ = write!(text, " ioapic {base:#x} gsi {gsi}");
    }
    if let Some(dmar) = machine.dmar {
        let _ = write!(text, " dmar {dmar:#x}");
    }
    crate::console::emit(&Record::Log(text.as_str()));
    let mut text = Truncating::default();
    let _ = write!(text, "iso (irq>gsi/flags):");
    for o in &machine.overrides[..machine.override_count] {
        let _ = write!(text, " {}>{}/{:x}", o.source, o.gsi, o.flags);
    }
    crate::console::emit(&Record::Log(text.as_str()));
}

/// Moves the boot CPU's APIC ID (CPUID.01H:EBX\[31:24\], the initial APIC ID) to the front of
/// the MADT's list: CPU 0 is the one running this.
fn boot_cpu_first(machine: &mut Machine) {
    let own = cpu::cpuid(1).1 >> 24;
    if let Some(at) = machine.apic_ids[..machine.cpus]
        .iter()
        .position(|&id| id == own)
    {
        machine.apic_ids[..=at].rotate_right(1);
    } else {
        log("the boot CPU's APIC ID is not in the MADT: cpu numbers may not match");
    }
}

/// Software-enables the boot CPU's local APIC (SVR bit 8, spurious vector 0xff) before the
/// IPIs of bring-up; the kit's reset does it again before every case on every CPU.
fn software_enable(machine: &Machine) {
    let svr = lapic::Svr::enabled(guest_kit::x86::SPURIOUS_VECTOR).0;
    // SAFETY: SVR of the local APIC page the MADT names, mapped uncached.
    unsafe {
        mmio::write(
            machine.lapic_base + u64::from(lapic::SVR),
            Width::B32,
            svr.into(),
        )
    };
}

/// Prints observations as they happen.
struct ConsoleTrace;

impl Trace for ConsoleTrace {
    fn record(&mut self, obs: Observation<'static>) -> u64 {
        crate::console::emit(&Record::Obs(obs));
        obs.value()
    }

    fn skip(&mut self, reason: &'static str) {
        crate::console::emit(&Record::Skip { reason });
    }
}
