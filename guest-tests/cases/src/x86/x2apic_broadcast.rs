//! `x86.x2apic-broadcast`: with both CPUs in x2APIC mode, a fixed IPI 0x46 to 0xffff_ffff is
//! taken by both.
//!
//! Spec: Intel SDM vol. 3 §11.12.10.1 (physical destination 0xFFFF_FFFF is the x2APIC
//! broadcast).
//!
//! Expected: both take 0x46. Why: the broadcast ID widened from 0xFF; a hypervisor still
//! matching 0xFF misses it.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-broadcast",
    title: "an x2APIC physical IPI to 0xFFFFFFFF reaches every CPU",
    spec: "Intel SDM vol. 3 11.12.9, 11.12.10.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X2APIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.on_cpu(1, |c| c.enable_x2apic());
    let icr = Icr::x2apic(DeliveryMode::Fixed, 0x46, Shorthand::None, 0xffff_ffff);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    let own = util::x2_take_and_eoi(ctx);
    ctx.check_eq("cpu0-takes", own, 0x46);
    let mut other = 0;
    ctx.on_cpu(1, |c| other = util::x2_take_and_eoi(c));
    ctx.check_eq("cpu1-takes", other, 0x46);
}
