//! `x86.x2apic-ipi-physical-other-cpu`: with both CPUs in x2APIC mode, a fixed IPI 0x44 to CPU
//! 1's x2APIC ID is taken by CPU 1 and not by CPU 0.
//!
//! Spec: Intel SDM vol. 3 §11.12.9 (ICR destination bits 63:32), §11.12.10.1 (physical
//! destination: the x2APIC ID).
//!
//! Expected: CPU 0 empty; CPU 1 takes 0x44. Why: the 32-bit destination field is decoded
//! differently from the xAPIC's 8 bits.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-ipi-physical-other-cpu",
    title: "an x2APIC physical IPI to CPU 1's 32-bit ID reaches CPU 1 only",
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
    let dest = util::x2apic_id(ctx, 1);
    let icr = Icr::x2apic(DeliveryMode::Fixed, 0x44, Shorthand::None, dest);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    let own = util::x2_take_and_eoi(ctx);
    ctx.check_eq("not-sender", own, 0);
    let mut other = 0;
    ctx.on_cpu(1, |c| other = util::x2_take_and_eoi(c));
    ctx.check_eq("cpu1-takes", other, 0x44);
}
