//! `its.err-mapd-device-oor`: MAPD of a DeviceID that does not fit GITS_TYPER.Devbits is a command
//! error (skipped when Devbits + 1 = 32: no such DeviceID).
//!
//! Spec: IHI 0069H §5.3 (MAPD: E_ITS_MAPD_DEVICE_OOR; command errors: the ITS ignores the command
//! or stalls the queue), §12.19 (GITS_TYPER.Devbits).
//!
//! Expected: GITS_TYPER recorded; MAPD of DeviceID 2^(Devbits + 1): outcome recorded; after the
//! queue restart a SYNC is consumed. Why: a vITS that indexes its device table with an unchecked
//! DeviceID writes outside it.

use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapd-device-oor",
    title: "MAPD of a DeviceID beyond GITS_TYPER.Devbits is a command error",
    spec: "IHI 0069H 5.3 (MAPD, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let bits = setup::typer(ctx).device_id_bits();
    if bits >= 32 {
        ctx.skip("GITS_TYPER.Devbits allows every 32-bit DeviceID");
        return;
    }
    setup::mapd_error(ctx, 1 << bits, 1);
    setup::check_queue_restarted(ctx, 32);
}
