//! `its.err-mapd-ittsize-oor`: MAPD whose Size asks for more EventID bits than GITS_TYPER.ID_bits
//! allows is a command error (skipped when ID_bits + 1 = 32).
//!
//! Spec: IHI 0069H §5.3 (MAPD: E_ITS_MAPD_ITTSIZE_OOR when Size > GITS_TYPER.ID_bits; command
//! errors: the ITS ignores the command or stalls the queue).
//!
//! Expected: GITS_TYPER recorded; MAPD of device 44 with ID_bits + 2 EventID bits: outcome
//! recorded; after the queue restart, MAPD V = 0 and a SYNC are consumed. Why: a vITS that trusts
//! Size sizes its ITT walks beyond what the guest allocated.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapd-ittsize-oor",
    title: "MAPD with an ITT size beyond GITS_TYPER.ID_bits is a command error",
    spec: "IHI 0069H 5.3 (MAPD, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let bits = setup::typer(ctx).event_id_bits();
    if bits >= 32 {
        ctx.skip("GITS_TYPER.ID_bits allows every ITT size");
        return;
    }
    setup::mapd_error(ctx, 44, bits as u8 + 1);
    ctx.its_command(Command::Mapd {
        device: 44,
        event_bits: setup::EVENT_BITS,
        itt: 0,
        valid: false,
    });
    setup::check_queue_restarted(ctx, 64);
}
