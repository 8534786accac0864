//! `gic.pending-16-equal-priority`: sixteen SPIs pending at once with the same priority are
//! all acknowledged, each exactly once; the order among them is implementation defined.
//!
//! Spec: IHI 0048B §3.3 (among pending interrupts of equal priority the choice is IMPLEMENTATION
//! DEFINED) and §4.4.4; IHI 0069H §4.8 and §12.2 (ICC_IAR1_EL1).
//!
//! Expected: INTIDs 96-111 at priority 0x80 are made pending while disabled and enabled by one
//! write; each of sixteen acknowledges returns one of them (recorded as implementation defined,
//! so the model follows the target's order), no INTID twice; a 17th acknowledge returns 1023.
//! Why: with more equal-priority interrupts than list registers a vGIC must rotate the overflow
//! through its LRs; a careless refill drops one or delivers one twice.

use guest_kit::regs::{gicc, gicd};
use guest_kit::{Allowed, Case, Ctx, IccReg, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.pending-16-equal-priority",
    title: "16 pending SPIs of equal priority are each acknowledged exactly once",
    spec: "IHI 0048B 3.3, 4.4.4; IHI 0069H 4.8, 12.2 (ICC_IAR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 96: bit 0 of GICD_ISPENDR3 / GICD_ISENABLER3.
const FIRST: u32 = 64;
const ANY_OF_THEM: Allowed = Allowed::Range(96, 111);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    for i in 0..16 {
        ctx.set_priority(IntId::spi(FIRST + i), 0x80);
    }
    let (pend, shift) = ctx.irq_reg(gicd::ISPENDR, IntId::spi(FIRST));
    ctx.write32(pend, 0xffff << shift);
    let (enable, _) = ctx.irq_reg(gicd::ISENABLER, IntId::spi(FIRST));
    ctx.write32(enable, 0xffff << shift);
    let (iar, width) = (ctx.cpuif(gicc::IAR, IccReg::Iar1), ctx.cpuif_width());
    let mut seen = 0u32;
    for _ in 0..16 {
        wait::until_any_pending(ctx);
        let got = ctx.read_impl("equal-priority-ack", iar, width, ANY_OF_THEM) as u32;
        let bit = 1u32 << (got.wrapping_sub(IntId::spi(FIRST).raw()) & 31);
        ctx.check("not-seen-before", seen & bit == 0);
        seen |= bit;
        ctx.eoi(IntId::from_raw(got));
    }
    ctx.check_eq("all-sixteen-seen", seen.into(), 0xffff);
    let got = ctx.ack();
    ctx.check_eq("none-left", got.raw().into(), SPURIOUS);
}
