//! `its.lpi-preempts-lower-sgi`: an LPI of higher priority is taken while a lower-priority SGI is
//! being handled, and the running priority follows the nesting.
//!
//! Spec: IHI 0069H §4.8 (preemption: a pending interrupt with a higher group priority than the
//! running priority is signalled), §5.1.
//!
//! Expected: SGI 4 at 0xc0 acknowledged; LPI 8840 at 0x80 triggered: it is acknowledged (nested),
//! running priority 0x80; after its EOI the running priority is the SGI's 0xc0 again. Why: MSIs
//! of high priority (a watchdog, a storage completion) must preempt lower work.

use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::IntId;

/// The case.
pub const CASE: Case = Case {
    id: "its.lpi-preempts-lower-sgi",
    title: "an LPI of higher priority preempts an active SGI",
    spec: "IHI 0069H 5.1, 4.8 (preemption)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const SGI: IntId = IntId::sgi(4);

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 35, 0, 8840, 0);
    setup::enable(ctx, m, 0x80);
    let sgi = setup::sgi_in_service(ctx, SGI, 0xc0);
    setup::int(ctx, m);
    let got = ctx.ack_when_pending();
    ctx.check_eq("lpi-preempts", got.raw().into(), m.intid.into());
    let mask = ctx.info().pri_mask();
    let rpr = ctx.running_priority();
    ctx.check_eq("nested-priority", rpr.into(), (0x80 & mask).into());
    ctx.eoi(got);
    let rpr = ctx.running_priority();
    ctx.check_eq("back-to-sgi", rpr.into(), (0xc0 & mask).into());
    ctx.eoi(sgi);
    setup::unmap(ctx, m);
}
