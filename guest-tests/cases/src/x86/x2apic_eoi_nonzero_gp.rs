//! `x86.x2apic-eoi-nonzero-gp`: with 0x43 in service, WRMSR 0x80b = 1 raises #GP(0) and 0x43
//! stays in service; a write of 0 then ends it.
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (EOI: writes of a non-zero value raise #GP), §11.8.5.
//!
//! Expected: a #GP; ISR bit 1, then 0. Why: the fault keeps a buggy guest from silently EOIing.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-eoi-nonzero-gp",
    title: "WRMSR of a non-zero value to the x2APIC EOI register raises #GP",
    spec: "Intel SDM vol. 3 11.12.1.2, 11.8.5",
    needs: Needs::X2APIC,
    run,
};

const V: Vector = Vector::new(0x43);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.wrmsr(lapic::x2apic_msr(lapic::SELF_IPI), V.raw().into());
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x43);
    let gp = util::wrmsr_faults(ctx, lapic::x2apic_msr(lapic::EOI), 1);
    ctx.check("nonzero-eoi-raises-gp", gp);
    let isr = util::x2_bit(ctx, lapic::ISR, V);
    ctx.check_eq("still-in-service", isr, 1);
    ctx.x2apic_eoi();
    let isr = util::x2_bit(ctx, lapic::ISR, V);
    ctx.check_eq("zero-eoi-ends-it", isr, 0);
}
