//! `x86.xapic-irr-then-isr`: after a self-IPI 0x52 with RFLAGS.IF = 0, IRR bit 0x52 is 1 and
//! ISR bit 0; after the window IRR 0 and ISR 1; after the EOI ISR 0.
//!
//! Spec: Intel SDM vol. 3 §11.8.4 (IRR: accepted, not yet dispatched; ISR: dispatched, not yet
//! EOIed).
//!
//! Expected: IRR/ISR bits 1/0, then 0/1, then ISR 0. Why: hypervisors keep pending interrupts
//! outside the APIC page until injection; the guest-visible IRR must still show them.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-irr-then-isr",
    title: "a sent self-IPI waits in IRR while interrupts are off and moves to ISR when taken",
    spec: "Intel SDM vol. 3 11.8.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x52);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, V);
    let state = util::bit(ctx, lapic::IRR, V) << 1 | util::bit(ctx, lapic::ISR, V);
    ctx.check_eq("pending-not-in-service", state, 0b10);
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x52);
    let state = util::bit(ctx, lapic::IRR, V) << 1 | util::bit(ctx, lapic::ISR, V);
    ctx.check_eq("in-service-not-pending", state, 0b01);
    ctx.lapic_eoi();
    let isr = util::bit(ctx, lapic::ISR, V);
    ctx.check_eq("eoi-clears", isr, 0);
}
