//! `its.err-movi-unmapped-collection`: MOVI to a collection that is not mapped is a command error;
//! the event keeps its collection.
//!
//! Spec: IHI 0069H §5.3 (MOVI: E_ITS_MOVI_UNMAPPED_COLLECTION; command errors: the ITS ignores the
//! command or stalls the queue; either way the command has no effect).
//!
//! Expected: LPI 8930 in collection 0 (CPU 0); MOVI to collection 6 (unmapped): outcome recorded;
//! after the queue restart, INT is delivered to CPU 0. Why: a vITS that half-applies a failed MOVI
//! strands the LPI on no CPU at all.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-movi-unmapped-collection",
    title: "MOVI to an unmapped collection is a command error and moves nothing",
    spec: "IHI 0069H 5.3 (MOVI, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 45, 0, 8930, 0);
    setup::enable(ctx, m, 0x80);
    setup::command_error(
        ctx,
        Command::Movi {
            device: m.device,
            event: m.event,
            icid: 6,
        },
    );
    setup::int_delivers(ctx, m, "still-on-cpu0");
    setup::unmap(ctx, m);
}
