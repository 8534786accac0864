//! `gic.level-ispendr-ack-clears`: a level-sensitive SPI made pending by GICD_ISPENDR, with no
//! input asserted, is no longer pending once acknowledged.
//!
//! Spec: IHI 0048B §3.2.4 and §4.3.7 (GICD_ISPENDRn: for a level-sensitive interrupt the
//! pending state set by a write to ISPENDR is cleared when the interrupt is acknowledged or by
//! ICPENDR; the input line does not matter while it is latched); IHI 0069H §4.1.2 (a
//! level-sensitive interrupt made pending by software stays pending until activated or
//! cleared) and §12.9 (GICD_ISPENDR<n>).
//!
//! Expected: after ICFGR = level and ISPENDR the SPI reads pending; the acknowledge returns it;
//! it then reads active and not pending; after EOI it is inactive and nothing is pending. Why:
//! vGICs model level interrupts with a line level plus a soft-pending latch; forgetting to
//! clear the latch on acknowledge makes a software-triggered level interrupt fire forever.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.level-ispendr-ack-clears",
    title: "level SPI set pending by ISPENDR: acknowledge clears the pending state",
    spec: "IHI 0048B 3.2.4, 4.3.7; IHI 0069H 4.1.2, 12.9 (GICD_ISPENDR)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(11);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_level_triggered(SPI);
    ctx.set_pending(SPI);
    let pending = ctx.is_pending(SPI);
    ctx.check("pending-after-ispendr", pending);
    ctx.enable(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("not-pending-after-ack", !pending);
    ctx.check("active-after-ack", active);
    ctx.eoi(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
    let got = ctx.ack();
    ctx.check_eq("nothing-more", got.raw().into(), SPURIOUS);
}
