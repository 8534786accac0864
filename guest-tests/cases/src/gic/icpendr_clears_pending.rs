//! `gic.icpendr-clears-pending`: a write of 1 to GICD_ICPENDR removes an SPI's pending state,
//! so nothing is acknowledged.
//!
//! Spec: IHI 0048B §4.3.8 (GICD_ICPENDRn: writing 1 changes a pending interrupt to inactive,
//! or an active and pending one to active) and §3.2.4 (state machine); IHI 0069H §12.9
//! (GICD_ICPENDR<n>) and §4.1.2 (interrupt lifecycle).
//!
//! Expected: the SPI (kept disabled while its state changes) reads pending after GICD_ISPENDR
//! and not pending after GICD_ICPENDR; once enabled, the acknowledge returns 1023 (spurious).
//! Why: guests clear stale pending state at device reset; a vGIC that drops the clear (e.g.
//! when the interrupt is already queued in a list register) delivers an interrupt the device
//! never raised.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.icpendr-clears-pending",
    title: "ICPENDR clears a pending SPI; the acknowledge then returns 1023",
    spec: "IHI 0048B 4.3.8, 3.2.4; IHI 0069H 12.9 (GICD_ICPENDR), 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(4);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_pending(SPI);
    let pending = ctx.is_pending(SPI);
    ctx.check("pending-after-ispendr", pending);
    ctx.clear_pending(SPI);
    let pending = ctx.is_pending(SPI);
    ctx.check("not-pending-after-icpendr", !pending);
    ctx.enable(SPI);
    let got = ctx.ack();
    ctx.check_eq(
        "ack-spurious",
        got.raw().into(),
        IntId::SPURIOUS.raw().into(),
    );
}
