//! `gic.active-and-pending`: an active SPI made pending reads both active and pending; once
//! deactivated it is pending only and is then acknowledged.
//!
//! Spec: IHI 0048B §3.2.4 (the "active and pending" state and its transitions) and §4.3.7,
//! §4.3.9, §4.3.10; IHI 0069H §4.1.2 (interrupt lifecycle) and §12.9 (GICD_ISPENDR<n>,
//! GICD_ISACTIVER<n>).
//!
//! Expected: with the SPI disabled, ISACTIVER then ISPENDR leave it reading active and pending;
//! ICACTIVER leaves it pending and not active; enabled, it is acknowledged, then inactive after
//! EOI. The case deliberately does not ask whether an enabled active-and-pending interrupt is
//! signalled: it stays disabled until it is only pending. Why: the active-and-pending state is
//! where list-register based vGICs are weakest (one LR holds both bits, and the pending half is
//! easily lost on fold or duplicated on flush).

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.active-and-pending",
    title: "an active SPI set pending reads both; deactivated, it is acknowledged",
    spec: "IHI 0048B 3.2.4, 4.3.7, 4.3.10; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(8);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_active(SPI);
    ctx.set_pending(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("active-and-pending-active", active);
    ctx.check("active-and-pending-pending", pending);
    ctx.clear_active(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("pending-after-icactiver", pending);
    ctx.check("not-active-after-icactiver", !active);
    ctx.enable(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
