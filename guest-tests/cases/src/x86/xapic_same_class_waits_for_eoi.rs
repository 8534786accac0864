//! `x86.xapic-same-class-waits-for-eoi`: with 0x41 in service a self-IPI 0x4f (same class) is
//! not taken and stays in IRR; after the EOI of 0x41 it is taken.
//!
//! Spec: Intel SDM vol. 3 §11.8.3.1 (PPR takes the in-service class), §11.8.5 (EOI).
//!
//! Expected: window 1 takes 0x41; window 2 empty with IRR bit 0x4f set; after the EOI window 3
//! takes 0x4f. Why: same-class vectors never nest; a virtual APIC that compares full vectors
//! instead of classes lets 0x4f preempt 0x41.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-same-class-waits-for-eoi",
    title: "a vector of the in-service class waits in IRR until the EOI",
    spec: "Intel SDM vol. 3 11.8.3.1, 11.8.5",
    needs: Needs::X86,
    run,
};

const FIRST: Vector = Vector::new(0x41);
const SAME: Vector = Vector::new(0x4f);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, FIRST);
    let first = ctx.take_interrupts();
    ctx.check_eq("first-taken", util::packed(&first), 0x41);
    util::self_ipi(ctx, SAME);
    let held = ctx.take_interrupts();
    ctx.check("same-class-held", held.is_empty());
    let pending = util::bit(ctx, lapic::IRR, SAME);
    ctx.check_eq("same-class-pending", pending, 1);
    ctx.lapic_eoi();
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("taken-after-eoi", got, 0x4f);
}
