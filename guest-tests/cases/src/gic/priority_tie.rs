//! `gic.priority-tie`: which of two pending SPIs of equal priority is acknowledged first is
//! implementation defined; the other one follows after the first one's EOI.
//!
//! Spec: IHI 0048B §3.3 (when pending interrupts have the same priority, the choice of the
//! one to signal is IMPLEMENTATION DEFINED); IHI 0069H §4.8 (likewise).
//!
//! Expected: the first acknowledge returns one of the two INTIDs (recorded, not judged: many
//! implementations pick the lower INTID); after its EOI the second acknowledge returns the
//! other. Both acknowledges are recorded as implementation-defined values, so the lockstep
//! model follows the target's choice. Why: guests must not depend on the tie-break, and a
//! report should show which backends differ from the reference's choice.

use guest_kit::regs::{gicc, gicd};
use guest_kit::{Allowed, Case, Ctx, IccReg, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.priority-tie",
    title: "equal-priority SPIs: the first choice is implementation defined, then the other",
    spec: "IHI 0048B 3.3; IHI 0069H 4.8",
    needs: Needs::ANY_GIC,
    run,
};

/// INTIDs 47 and 48, both at the reset priority, both in GICD_ISPENDR1/ISENABLER1.
const A: IntId = IntId::spi(15);
const B: IntId = IntId::spi(16);
const EITHER: Allowed = Allowed::OneOf(&[A.raw() as u64, B.raw() as u64]);

fn run(ctx: &mut Ctx<'_>) {
    let (pend, a) = ctx.irq_reg(gicd::ISPENDR, A);
    let (_, b) = ctx.irq_reg(gicd::ISPENDR, B);
    ctx.write32(pend, 1 << a | 1 << b);
    let (enable, _) = ctx.irq_reg(gicd::ISENABLER, A);
    ctx.write32(enable, 1 << a | 1 << b);
    let (iar, width) = (ctx.cpuif(gicc::IAR, IccReg::Iar1), ctx.cpuif_width());
    wait::until_any_pending(ctx);
    let first = ctx.read_impl("tie-first", iar, width, EITHER);
    ctx.eoi(IntId::from_raw(first as u32));
    wait::until_any_pending(ctx);
    let second = ctx.read_impl("tie-second", iar, width, EITHER);
    ctx.check("second-is-the-other", second != first);
    ctx.eoi(IntId::from_raw(second as u32));
}
