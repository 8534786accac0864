//! `x86.xapic-repend-while-in-service`: with 0x55 in service, a second self-IPI 0x55 sets IRR
//! bit 0x55 and is not taken; after the EOI it is taken.
//!
//! Spec: Intel SDM vol. 3 §11.8.4 (a vector can be in IRR and ISR at once: one in service, one
//! pending).
//!
//! Expected: IRR and ISR bit both 1; window empty; after the EOI the window takes 0x55. Why:
//! the second edge must not be lost while the first is being handled.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-repend-while-in-service",
    title: "a vector sent again while in service is pending once more and taken after the EOI",
    spec: "Intel SDM vol. 3 11.8.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x55);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, V);
    let first = ctx.take_interrupts();
    ctx.check_eq("first-taken", util::packed(&first), 0x55);
    util::self_ipi(ctx, V);
    let state = util::bit(ctx, lapic::IRR, V) << 1 | util::bit(ctx, lapic::ISR, V);
    ctx.check_eq("pending-and-in-service", state, 0b11);
    let held = ctx.take_interrupts();
    ctx.check("held-while-in-service", held.is_empty());
    ctx.lapic_eoi();
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("taken-again", got, 0x55);
}
