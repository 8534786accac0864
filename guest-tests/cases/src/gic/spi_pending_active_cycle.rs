//! `gic.spi-pending-active-cycle`: an SPI made pending through GICD_ISPENDR moves pending →
//! active → inactive, and GICD_ISPENDR/GICD_ISACTIVER report each state.
//!
//! Spec: IHI 0048B §3.2.4 (interrupt handling state machine) and §4.3.7/§4.3.9 (GICD_ISPENDR,
//! GICD_ISACTIVER read the pending and active states); IHI 0069H §4.1.2 and §12.9.
//!
//! Expected: after the ISPENDR write the SPI reads pending and not active; the acknowledge
//! returns it; then it reads active and not pending; after EOI (EOImode 0) neither. Why: this is
//! the core state machine every vGIC implements, and the registers are how a guest (or a
//! migration) sees it.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.spi-pending-active-cycle",
    title: "an SPI set pending via ISPENDR reads pending, then active after ack, then inactive",
    spec: "IHI 0048B 3.2.4, 4.3.7, 4.3.9; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(2);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("pending-after-ispendr", pending);
    ctx.check("not-active-before-ack", !active);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("active-after-ack", active);
    ctx.check("not-pending-after-ack", !pending);
    ctx.eoi(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("inactive-after-eoi", !active);
    ctx.check("not-pending-after-eoi", !pending);
}
