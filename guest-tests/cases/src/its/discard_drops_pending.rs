//! `its.discard-drops-pending`: DISCARD removes the mapping of an event and the pending state of
//! its LPI: remapped and enabled, the LPI is not delivered until triggered again.
//!
//! Spec: IHI 0069H §5.3 (DISCARD: "translates the event … removes the mapping … and ensures
//! that the pending state of the interrupt is cleared").
//!
//! Expected: INT on disabled LPI 8750, DISCARD, MAPTI of the same event to 8750 again, enable +
//! INV: nothing is acknowledged; INT then delivers 8750. Why: drivers DISCARD when freeing an
//! MSI; a stale pending bit fires into the next owner of the LPI.

use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.discard-drops-pending",
    title: "DISCARD removes a pending LPI's pending state with its mapping",
    spec: "IHI 0069H 5.3 (DISCARD)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 25, 0, 8750, 0);
    setup::int(ctx, m);
    setup::discard(ctx, m);
    setup::map_event(ctx, m.device, m.event, m.intid, 0);
    setup::enable(ctx, m, 0x80);
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("nothing-after-discard", got.raw().into(), 1023);
    setup::int_delivers(ctx, m, "new-mapping-works");
    setup::unmap(ctx, m);
}
