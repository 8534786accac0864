//! `its.err-mapc-rdbase-oor`: MAPC whose RDbase names no redistributor (processor number 0xffff,
//! GITS_TYPER.PTA = 0) is a command error.
//!
//! Spec: IHI 0069H §5.3 (MAPC: E_ITS_MAPC_PROCNUM_OOR; command errors: the ITS ignores the command
//! or stalls the queue).
//!
//! Expected: GITS_TYPER recorded (skipped when PTA = 1); MAPC of collection 5 to 0xffff: outcome
//! recorded; after the queue restart a SYNC is consumed. Why: a vITS that indexes its vCPU array
//! with the RDbase field lets the guest point it anywhere.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::its::RdBase;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapc-rdbase-oor",
    title: "MAPC naming a redistributor that does not exist is a command error",
    spec: "IHI 0069H 5.3 (MAPC, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if setup::typer(ctx).pta() {
        ctx.skip("RDbase is a physical address (GITS_TYPER.PTA = 1)");
        return;
    }
    setup::command_error(
        ctx,
        Command::Mapc {
            icid: 5,
            rd: RdBase(0xffff),
            valid: true,
        },
    );
    setup::check_queue_restarted(ctx, 32);
}
