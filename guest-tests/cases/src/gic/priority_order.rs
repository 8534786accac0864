//! `gic.priority-order`: of two pending SPIs, the one with the numerically lower priority
//! value is acknowledged first, the other after the first one's EOI.
//!
//! Spec: IHI 0048B §3.3 (interrupt prioritization: lower value, higher priority; the CPU
//! interface signals the highest priority pending interrupt) and §4.4.4 (GICC_IAR); IHI 0069H
//! §4.8 (interrupt prioritization) and §12.2 (ICC_IAR1_EL1).
//!
//! Expected: with SPI A at 0x80 and SPI B at 0x40 (both representable with four priority bits),
//! made pending while disabled and enabled by one write, the acknowledge returns B, then after
//! B's EOI it returns A. Why: a vGIC that queues list registers in arrival or INTID order
//! instead of priority order (Xen's new VGIC sorts its ap_list for this) inverts priorities.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.priority-order",
    title: "of two pending SPIs the higher priority (lower value) is acknowledged first",
    spec: "IHI 0048B 3.3, 4.4.4; IHI 0069H 4.8",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 45, lower priority.
const LOW: IntId = IntId::spi(13);
/// INTID 46, higher priority; same GICD_ISENABLER1 as `LOW`.
const HIGH: IntId = IntId::spi(14);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(LOW, 0x80);
    ctx.set_priority(HIGH, 0x40);
    ctx.set_pending(LOW);
    ctx.set_pending(HIGH);
    let (site, low) = ctx.irq_reg(gicd::ISENABLER, LOW);
    let (_, high) = ctx.irq_reg(gicd::ISENABLER, HIGH);
    ctx.write32(site, 1 << low | 1 << high);
    wait::until_hppir(ctx, HIGH);
    let first = ctx.ack();
    ctx.check_eq("higher-first", first.raw().into(), HIGH.raw().into());
    ctx.eoi(HIGH);
    let second = ctx.ack_when_pending();
    ctx.check_eq("lower-second", second.raw().into(), LOW.raw().into());
    ctx.eoi(LOW);
}
