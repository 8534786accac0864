//! `its.err-int-unmapped-event`: INT naming an EventID with no mapping, on a mapped device, is a
//! command error; it makes nothing pending and leaves the device's other mappings intact.
//!
//! Spec: IHI 0069H §5.3 (INT: E_ITS_INT_UNMAPPED_INTERRUPT; command errors: the ITS ignores the
//! command or stalls the queue).
//!
//! Expected: device 41 event 0 mapped to LPI 8900 (enabled); INT of event 5: outcome recorded,
//! nothing acknowledged; after the queue restart, INT of event 0 delivers 8900. Why: a vITS that
//! indexes its ITT without checking the entry is valid delivers some other LPI.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-int-unmapped-event",
    title: "INT on an unmapped event of a mapped device is a command error",
    spec: "IHI 0069H 5.3 (INT, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 41, 0, 8900, 0);
    setup::enable(ctx, m, 0x80);
    setup::command_error(
        ctx,
        Command::Int {
            device: 41,
            event: 5,
        },
    );
    setup::expect_nothing_pending(ctx);
    setup::int_delivers(ctx, m, "mapping-intact");
    setup::unmap(ctx, m);
}
