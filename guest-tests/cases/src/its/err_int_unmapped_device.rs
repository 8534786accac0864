//! `its.err-int-unmapped-device`: INT naming a DeviceID that has no mapping is a command error: the
//! ITS ignores it or stalls, and no LPI becomes pending.
//!
//! Spec: IHI 0069H §5.3 (INT: E_ITS_INT_UNMAPPED_INTERRUPT; command errors: with GITS_TYPER.SEIS =
//! 0 the ITS ignores the command or stalls the queue, GITS_CREADR.Stalled = 1).
//!
//! Expected: the outcome is recorded (ignored or stalled); nothing is acknowledged; after the queue
//! is restarted (GITS_CBASER rewritten) a SYNC is consumed. Why: a vITS that crashes, hangs or
//! injects garbage on a malformed command lets a guest take down its host side.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-int-unmapped-device",
    title: "INT on an unmapped device is a command error and makes nothing pending",
    spec: "IHI 0069H 5.3 (INT, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    setup::command_error(
        ctx,
        Command::Int {
            device: 40,
            event: 0,
        },
    );
    setup::expect_nothing_pending(ctx);
    setup::check_queue_restarted(ctx, 32);
}
