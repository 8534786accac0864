//! The run: discover, report the configuration, start the other CPUs, run the selected cases of
//! the catalogue in order with the controller reset before each, report the end, power off.

use guest_kit::protocol::Record;
use guest_kit::selection::Selection;
use guest_kit::{Ctx, Observation, Trace, reset};
use irq_cases::CATALOGUE;

use crate::platform::GuestPlatform;
use crate::{console, dt, exceptions, psci, smp, sysreg};

/// Runs the suite on the machine described by the device tree at `dtb`; never returns.
pub fn run(dtb: usize) -> ! {
    sysreg::mask_interrupts();
    // SAFETY: x0 at entry is the loader's device tree (arm64 boot protocol), in RAM the guest
    // never writes.
    let machine = match unsafe { dt::discover(dtb) } {
        Ok(machine) => machine,
        Err(why) => fail_discovery(why),
    };
    if let Some(uart) = machine.uart {
        console::init(uart);
    }
    if let Some(conduit) = machine.psci {
        psci::set_conduit(conduit);
    }

    let mut platform = GuestPlatform::new(&machine);
    let info = guest_kit::Platform::info(&platform);
    console::emit(&Record::Config(info));
    smp::start_secondaries(&machine, &platform);
    // EL2 is left at entry (el2.rs); still there only when HCR_EL2.E2H is RES1.
    match sysreg::current_el() {
        1 => {}
        2 => console::emit(&Record::Log(
            "at EL2: could not drop to EL1 (HCR_EL2.E2H is RES1), only EL1 is fully supported",
        )),
        _ => console::emit(&Record::Log(
            "entered at EL3: running there, only EL1 is fully supported",
        )),
    }
    if machine.psci.is_none() {
        console::emit(&Record::Log(
            "no /psci method in the device tree: cannot power off",
        ));
    }
    if info.gic.has_sysregs() && platform.redistributors() < usize::from(info.cpus) {
        console::emit(&Record::Log("fewer redistributors than CPUs"));
    }
    let selection = match Selection::from_bootargs(machine.bootargs) {
        Ok(selection) => selection,
        Err(why) => {
            console::emit(&Record::Log(why));
            Selection::NONE
        }
    };

    let mut ran: u16 = 0;
    for (index, case) in CATALOGUE.iter().enumerate() {
        if !selection.contains(index) {
            continue;
        }
        let index = index as u16;
        exceptions::begin_case();
        console::emit(&Record::CaseStart { index, id: case.id });
        if let Some(reason) = case.needs.unmet(&info) {
            console::emit(&Record::Skip { reason });
        } else {
            reset::quiesce(&mut platform);
            let mut trace = ConsoleTrace;
            let mut ctx = Ctx::new(&mut platform, &mut trace);
            (case.run)(&mut ctx);
            ctx.finish();
        }
        console::emit(&Record::CaseEnd { index });
        ran += 1;
    }
    console::emit(&Record::Done { cases: ran });
    psci::system_off()
}

/// Discovery failed. The UART and the PSCI conduit may be known by now (both come from the
/// tree), so say why and power off; otherwise the guest waits for the host's timeout.
fn fail_discovery(why: &'static str) -> ! {
    console::emit(&Record::Log(why));
    psci::system_off()
}

/// Prints observations as they happen.
struct ConsoleTrace;

impl Trace for ConsoleTrace {
    fn record(&mut self, obs: Observation<'static>) -> u64 {
        console::emit(&Record::Obs(obs));
        obs.value()
    }

    fn skip(&mut self, reason: &'static str) {
        console::emit(&Record::Skip { reason });
    }
}
