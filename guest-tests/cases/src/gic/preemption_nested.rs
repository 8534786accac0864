//! `gic.preemption-nested`: four SPIs of descending priority value preempt one another in
//! turn; the running priority follows each level and unwinds as they end in reverse order.
//!
//! Spec: IHI 0048B §3.3 (preemption), §4.4.6 (GICC_RPR) and §4.4.12 (GICC_APRn: one active
//! priority per preemption level); IHI 0069H §4.8 (preemption), §12.2 (ICC_RPR_EL1,
//! ICC_AP1R<n>_EL1).
//!
//! Expected: SPI at 0xc0 acknowledged (RPR 0xc0), then 0x80 (RPR 0x80), 0x40 (RPR 0x40) and
//! 0x20 (RPR 0x20), each made pending while the previous one is active; EOIs from the innermost
//! out give RPR 0x40, 0x80, 0xc0 and finally 0xff. The priorities differ in bits [7:5], so with
//! the reset binary point they are distinct groups on every implementation. Why: nesting deeper
//! than two levels exercises the whole active-priority stack a vGIC keeps in GICH_APR /
//! ICH_AP1R; a vGIC that remembers only the last level returns to the wrong priority.

use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.preemption-nested",
    title: "four nested preemption levels: RPR follows each, unwinds on reverse-order EOIs",
    spec: "IHI 0048B 3.3, 4.4.6, 4.4.12; IHI 0069H 4.8, 12.2 (ICC_RPR_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const LEVELS: [(IntId, u8); 4] = [
    (IntId::spi(27), 0xc0),
    (IntId::spi(28), 0x80),
    (IntId::spi(29), 0x40),
    (IntId::spi(30), 0x20),
];

fn run(ctx: &mut Ctx<'_>) {
    for (spi, priority) in LEVELS {
        ctx.set_priority(spi, priority);
        ctx.enable(spi);
    }
    for (spi, priority) in LEVELS {
        ctx.set_pending(spi);
        wait::until_hppir(ctx, spi);
        let got = ctx.ack();
        ctx.check_eq("ack-level", got.raw().into(), spi.raw().into());
        let running = ctx.running_priority();
        ctx.check_eq("rpr-level", running.into(), priority.into());
    }
    for i in (0..LEVELS.len()).rev() {
        ctx.eoi(LEVELS[i].0);
        let expected = if i == 0 { 0xff } else { LEVELS[i - 1].1 };
        let running = ctx.running_priority();
        ctx.check_eq("rpr-unwind", running.into(), expected.into());
    }
    for (spi, _) in LEVELS {
        let active = ctx.is_active(spi);
        ctx.check("inactive-at-end", !active);
    }
}
