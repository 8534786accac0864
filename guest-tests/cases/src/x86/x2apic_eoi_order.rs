//! `x86.x2apic-eoi-order`: 0x48 then 0x88 taken by SELF IPI (nested); the first EOI clears ISR
//! bit 0x88 and keeps 0x48, the second clears 0x48.
//!
//! Spec: Intel SDM vol. 3 §11.8.5 (EOI clears the highest ISR bit), §11.12.11 (SELF IPI).
//!
//! Expected: ISR bits (0x88, 0x48): 01 then 00. Why: EOI on the MSR path must pick the same
//! vector as on the MMIO path.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-eoi-order",
    title: "x2APIC EOIs clear the highest in-service vector first",
    spec: "Intel SDM vol. 3 11.8.5, 11.12.11",
    needs: Needs::X2APIC,
    run,
};

const LOW: Vector = Vector::new(0x48);
const HIGH: Vector = Vector::new(0x88);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    for v in [LOW, HIGH] {
        ctx.wrmsr(lapic::x2apic_msr(lapic::SELF_IPI), v.raw().into());
        let taken = ctx.take_interrupts();
        ctx.check_eq("nested-taken", util::packed(&taken), v.raw().into());
    }
    ctx.x2apic_eoi();
    let isr = util::x2_bit(ctx, lapic::ISR, HIGH) << 1 | util::x2_bit(ctx, lapic::ISR, LOW);
    ctx.check_eq("first-eoi-clears-0x88", isr, 0b01);
    ctx.x2apic_eoi();
    let isr = util::x2_bit(ctx, lapic::ISR, LOW);
    ctx.check_eq("second-eoi-clears-0x48", isr, 0);
}
