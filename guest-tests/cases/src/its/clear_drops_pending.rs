//! `its.clear-drops-pending`: CLEAR removes the pending state of a triggered LPI without
//! unmapping it.
//!
//! Spec: IHI 0069H §5.3 (CLEAR: "translates the event … and clears the pending state of the
//! corresponding interrupt"; the mapping stays).
//!
//! Expected: INT on a disabled LPI, then CLEAR, then enable + INV: nothing is acknowledged; a
//! second INT is then delivered (the mapping survived). Why: drivers tear down MSIs with CLEAR on
//! some paths; a vITS that ignores it delivers a stale interrupt, one that also unmaps loses the
//! next.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.clear-drops-pending",
    title: "CLEAR drops a pending LPI and keeps its mapping",
    spec: "IHI 0069H 5.3 (CLEAR)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 3, 2, 8210, 0);
    setup::int(ctx, m);
    ctx.its_command(Command::Clear {
        device: 3,
        event: 2,
    });
    setup::enable(ctx, m, 0x80);
    for _ in 0..32 {
        ctx.delay();
    }
    let got = ctx.ack();
    ctx.check_eq("nothing-after-clear", got.raw().into(), 1023);
    setup::int_delivers(ctx, m, "mapping-kept");
    setup::unmap(ctx, m);
}
