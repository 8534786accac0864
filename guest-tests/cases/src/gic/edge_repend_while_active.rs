//! `gic.edge-repend-while-active`: an edge-triggered SPI made pending again while it is active
//! becomes active and pending, and is acknowledged a second time after its EOI.
//!
//! Spec: IHI 0048B §3.2.4 (transition A2: active → active and pending; E2: on deactivation,
//! active and pending → pending) and §4.3.7; IHI 0069H §4.1.2 (interrupt lifecycle).
//!
//! Expected: after the acknowledge the SPI is active; a GICD_ISPENDR write makes it active and
//! pending; after EOI it is pending and not active, the acknowledge returns it again, and after
//! the second EOI it is inactive and not pending. Why: a second edge during the handler must
//! not be lost; vGICs that fold list registers carelessly merge the two edges into one.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.edge-repend-while-active",
    title: "an edge SPI re-pended while active is acknowledged again after EOI",
    spec: "IHI 0048B 3.2.4, 4.3.7; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(10);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("first-ack", got.raw().into(), SPI.raw().into());
    ctx.set_pending(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("repended-active", active);
    ctx.check("repended-pending", pending);
    ctx.eoi(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("pending-after-eoi", pending);
    ctx.check("not-active-after-eoi", !active);
    let got = ctx.ack_when_pending();
    ctx.check_eq("second-ack", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("inactive-at-end", !active);
    ctx.check("not-pending-at-end", !pending);
}
