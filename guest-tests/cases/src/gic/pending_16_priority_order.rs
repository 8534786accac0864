//! `gic.pending-16-priority-order`: sixteen SPIs pending at once with sixteen distinct
//! priorities are acknowledged in priority order, each exactly once.
//!
//! Spec: IHI 0048B §3.3 (the CPU interface signals the highest priority pending interrupt; at
//! least 16 priority levels) and §4.4.4 (GICC_IAR); IHI 0069H §4.8 and §12.2 (ICC_IAR1_EL1).
//!
//! Expected: INTIDs 64-79 get priorities `((i * 7) % 16) << 4` (every value 0x00-0xf0 once, in
//! an order unrelated to INTID order), are made pending while disabled and enabled by one
//! write; sixteen acknowledge/EOI rounds return them by ascending priority value; a 17th
//! acknowledge returns 1023 and none is left pending. Why: most vGICs have four to sixteen
//! list registers; with more pending interrupts than LRs the hypervisor must keep the overflow
//! in priority order (Xen's and KVM's ap_list sort) and use maintenance or underflow
//! interrupts to refill, or it loses, duplicates or reorders interrupts.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.pending-16-priority-order",
    title: "16 pending SPIs of distinct priorities are acknowledged in priority order, once each",
    spec: "IHI 0048B 3.3, 4.4.4; IHI 0069H 4.8, 12.2 (ICC_IAR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 64: bit 0 of GICD_ISPENDR2 / GICD_ISENABLER2.
const FIRST: u32 = 32;
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn priority_of(i: u32) -> u8 {
    (((i * 7) % 16) << 4) as u8
}

fn run(ctx: &mut Ctx<'_>) {
    for i in 0..16 {
        ctx.set_priority(IntId::spi(FIRST + i), priority_of(i));
    }
    let (pend, shift) = ctx.irq_reg(gicd::ISPENDR, IntId::spi(FIRST));
    ctx.write32(pend, 0xffff << shift);
    let (enable, _) = ctx.irq_reg(gicd::ISENABLER, IntId::spi(FIRST));
    ctx.write32(enable, 0xffff << shift);
    for level in 0..16u32 {
        let i = (0..16).find(|&i| u32::from(priority_of(i)) == level << 4);
        let want = IntId::spi(FIRST + i.unwrap_or(0));
        wait::until_any_pending(ctx);
        let got = ctx.ack();
        ctx.check_eq("ack-in-priority-order", got.raw().into(), want.raw().into());
        ctx.eoi(got);
    }
    let got = ctx.ack();
    ctx.check_eq("none-left", got.raw().into(), SPURIOUS);
    let left = ctx.read32(pend);
    ctx.check_eq("none-pending", (left >> shift & 0xffff).into(), 0);
}
