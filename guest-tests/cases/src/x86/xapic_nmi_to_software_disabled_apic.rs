//! `x86.xapic-nmi-to-software-disabled-apic`: with CPU 1's local APIC software-disabled
//! (SVR bit 8 = 0), an NMI IPI from CPU 0 is still taken by CPU 1.
//!
//! Spec: Intel SDM vol. 3 §11.4.7.2 (a software-disabled local APIC "will respond normally to
//! INIT, NMI, SMI, and SIPI messages"), §11.6.1, §6.7.
//!
//! Expected: CPU 1's window takes 2. (What a software-disabled APIC does with a fixed message
//! the section leaves unsaid, so the case sends none.) Why: operating systems park CPUs with
//! the APIC software-disabled and still reach them with NMIs (crash dumps, reboot); a
//! hypervisor that checks the software enable before the delivery mode loses them.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand, Svr};
use guest_kit::x86::SPURIOUS_VECTOR;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-nmi-to-software-disabled-apic",
    title: "a software-disabled local APIC still takes an NMI",
    spec: "Intel SDM vol. 3 11.4.7.2, 11.6.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.on_cpu(1, |c| {
        c.lapic_write(lapic::SVR, SPURIOUS_VECTOR.raw().into())
    });
    let dest = util::apic_id(ctx, 1);
    util::send(ctx, Icr::xapic(DeliveryMode::Nmi, 0, Shorthand::None, dest));
    let taken = util::take_on(ctx, 1);
    ctx.check_eq("nmi-taken-while-disabled", taken, Vector::NMI.raw().into());
    ctx.on_cpu(1, |c| {
        c.lapic_write(lapic::SVR, Svr::enabled(SPURIOUS_VECTOR).0)
    });
}
