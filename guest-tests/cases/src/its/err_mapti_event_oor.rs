//! `its.err-mapti-event-oor`: MAPTI of an EventID that does not fit the device's ITT (MAPD Size) is
//! a command error and maps nothing.
//!
//! Spec: IHI 0069H §5.3 (MAPTI: E_ITS_MAPTI_ID_OOR when EventID >= 2^(Size + 1); command errors:
//! the ITS ignores the command or stalls the queue).
//!
//! Expected: device 42 mapped with 4 EventID bits; MAPTI of event 16: outcome recorded, nothing
//! acknowledged; after the queue restart, event 0 mapped to 8910 and triggered is delivered. Why: a
//! vITS that writes past the ITT corrupts guest memory next to it.

use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapti-event-oor",
    title: "MAPTI of an EventID beyond the device's ITT is a command error",
    spec: "IHI 0069H 5.3 (MAPTI, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let beyond = 1 << setup::EVENT_BITS;
    setup::mapti_error(ctx, 42, beyond, 8910);
    setup::device_still_delivers(ctx, 42, 8910, "device-still-works");
}
