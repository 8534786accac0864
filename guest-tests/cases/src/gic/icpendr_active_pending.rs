//! `gic.icpendr-active-pending`: GICD_ICPENDR on an active and pending SPI removes only the
//! pending half: the SPI stays active.
//!
//! Spec: IHI 0048B §4.3.8 (GICD_ICPENDRn: an active and pending interrupt becomes active) and
//! §3.2.4; IHI 0069H §12.9 (GICD_ICPENDR<n>) and §4.1.2.
//!
//! Expected: the SPI is acknowledged (active), made pending again by ISPENDR (active and
//! pending); after ICPENDR it reads active and not pending; after EOI it is inactive and the
//! acknowledge returns 1023. Why: the active-and-pending state sits in one list register; a
//! vGIC that clears the whole LR (or nothing) on ICPENDR loses the active state or keeps a
//! pending state the guest cleared.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.icpendr-active-pending",
    title: "ICPENDR on an active and pending SPI leaves it active only",
    spec: "IHI 0048B 4.3.8, 3.2.4; IHI 0069H 12.9 (GICD_ICPENDR), 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(12);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    ctx.set_pending(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("pending-again", pending);
    ctx.check("still-active", active);
    ctx.clear_pending(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("not-pending-after-icpendr", !pending);
    ctx.check("active-after-icpendr", active);
    ctx.eoi(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
    let got = ctx.ack();
    ctx.check_eq("nothing-pending", got.raw().into(), SPURIOUS);
}
