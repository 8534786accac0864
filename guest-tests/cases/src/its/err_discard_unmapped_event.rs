//! `its.err-discard-unmapped-event`: DISCARD of an EventID with no mapping is a command error; the
//! device's other mappings stay.
//!
//! Spec: IHI 0069H §5.3 (DISCARD: E_ITS_DISCARD_UNMAPPED_INTERRUPT; command errors: the ITS ignores
//! the command or stalls the queue).
//!
//! Expected: device 46 event 0 mapped to LPI 8940; DISCARD of event 7: outcome recorded; after the
//! queue restart, INT of event 0 delivers 8940. Why: a vITS that discards the wrong entry silently
//! loses a live MSI.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-discard-unmapped-event",
    title: "DISCARD of an unmapped event is a command error and discards nothing",
    spec: "IHI 0069H 5.3 (DISCARD, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 46, 0, 8940, 0);
    setup::enable(ctx, m, 0x80);
    setup::command_error(
        ctx,
        Command::Discard {
            device: 46,
            event: 7,
        },
    );
    setup::int_delivers(ctx, m, "mapping-intact");
    setup::unmap(ctx, m);
}
