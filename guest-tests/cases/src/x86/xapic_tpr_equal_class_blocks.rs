//! `x86.xapic-tpr-equal-class-blocks`: with TPR = 0x40 a pending self-IPI 0x4f (class 4) is not
//! taken and stays in IRR; with TPR = 0x3f it is taken.
//!
//! Spec: Intel SDM vol. 3 §11.8.3.1 (a vector is delivered only if its class is above PPR's
//! class).
//!
//! Expected: window 1 empty with IRR bit 0x4f set; window 2 takes 0x4f. Why: "above", not "at
//! or above": an off-by-one in the class comparison shows only at the equal class.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-tpr-equal-class-blocks",
    title: "a vector of TPR's own class is held; lowering TPR below the class releases it",
    spec: "Intel SDM vol. 3 11.8.3.1",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x4f);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TPR, 0x40);
    util::self_ipi(ctx, V);
    let held = ctx.take_interrupts();
    ctx.check("equal-class-held", held.is_empty());
    let pending = util::bit(ctx, lapic::IRR, V);
    ctx.check_eq("pending-in-irr", pending, 1);
    ctx.lapic_write(lapic::TPR, 0x3f);
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("released-below-class", got, 0x4f);
}
