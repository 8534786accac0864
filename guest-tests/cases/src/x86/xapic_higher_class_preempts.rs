//! `x86.xapic-higher-class-preempts`: with 0x41 in service (not EOIed), a self-IPI 0x81 is
//! taken; ISR then has both bits set.
//!
//! Spec: Intel SDM vol. 3 §11.8.3.1 (PPR from ISRV), §11.8.4 (IRR to ISR on dispatch; nested
//! in-service vectors).
//!
//! Expected: window 1 takes 0x41, window 2 takes 0x81; ISR bits 0x41 and 0x81 both 1; after two
//! EOIs both 0. Why: nesting is how a guest's high-priority interrupt preempts its own handler;
//! a virtual APIC that keeps one in-service slot breaks it.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-higher-class-preempts",
    title: "a higher-class vector is taken while a lower one is in service; both stay in ISR",
    spec: "Intel SDM vol. 3 11.8.3.1, 11.8.4",
    needs: Needs::X86,
    run,
};

const LOW: Vector = Vector::new(0x41);
const HIGH: Vector = Vector::new(0x81);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, LOW);
    let first = ctx.take_interrupts();
    ctx.check_eq("low-taken", util::packed(&first), 0x41);
    util::self_ipi(ctx, HIGH);
    let second = ctx.take_interrupts();
    ctx.check_eq("high-preempts", util::packed(&second), 0x81);
    let low = util::bit(ctx, lapic::ISR, LOW);
    let high = util::bit(ctx, lapic::ISR, HIGH);
    ctx.check_eq("both-in-service", low << 1 | high, 0b11);
    ctx.lapic_eoi();
    ctx.lapic_eoi();
    let low = util::bit(ctx, lapic::ISR, LOW);
    ctx.check_eq("isr-empty-after-two-eois", low, 0);
}
