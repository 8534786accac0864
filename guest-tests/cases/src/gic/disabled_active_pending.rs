//! `gic.disabled-active-pending`: a disabled SPI made pending and active reads both; it is
//! never acknowledged while disabled, and GICD_ICACTIVER leaves it pending only.
//!
//! Spec: IHI 0048B §4.3.5 (a disabled interrupt is not forwarded, but its state still changes),
//! §4.3.7, §4.3.9, §4.3.10 and §3.2.4; IHI 0069H §12.9 (GICD_ISACTIVER<n>, GICD_ICACTIVER<n>)
//! and §4.1.2.
//!
//! Expected: ISPENDR then ISACTIVER: pending and active; acknowledge 1023; ICACTIVER: pending,
//! not active; acknowledge 1023 (still disabled); ICPENDR: idle. Why: hypervisors restore saved
//! state into disabled interrupts; a vGIC that queues a restored active/pending interrupt in a
//! list register without looking at its enable delivers it.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.disabled-active-pending",
    title: "a disabled SPI set pending and active reads both and is never acknowledged",
    spec: "IHI 0048B 4.3.5, 4.3.9, 4.3.10, 3.2.4; IHI 0069H 12.9, 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(23);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_pending(SPI);
    ctx.set_active(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("pending", pending);
    ctx.check("active", active);
    let got = ctx.ack();
    ctx.check_eq("not-acknowledged-active", got.raw().into(), SPURIOUS);
    ctx.clear_active(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("pending-after-icactiver", pending);
    ctx.check("inactive-after-icactiver", !active);
    let got = ctx.ack();
    ctx.check_eq("not-acknowledged-disabled", got.raw().into(), SPURIOUS);
    ctx.clear_pending(SPI);
    let pending = ctx.is_pending(SPI);
    ctx.check("idle-after-icpendr", !pending);
}
