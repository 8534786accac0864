//! `its.mapi-eventid-is-lpi`: MAPI maps an event to the LPI with INTID = EventID, so INT on it
//! delivers the EventID as the LPI.
//!
//! Spec: IHI 0069H §5.3 (MAPI: "MAPTI with pINTID = EventID"; the EventID must then be a valid
//! LPI INTID, 8192 or more, and fit the device's ITT: Size + 1 >= 14 EventID bits).
//!
//! Expected: device 20 mapped with a 14-bit ITT (skipped when GITS_TYPER.ID_bits + 1 < 14),
//! event 8700 mapped with MAPI, enabled, INT: the acknowledge returns 8700. Why: MAPI is how
//! some guests (and firmware) map identity MSIs; a vITS that treats it as MAPTI with pINTID 0
//! or rejects it loses them.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::lpi::LPI_ID_BITS;

/// The case.
pub const CASE: Case = Case {
    id: "its.mapi-eventid-is-lpi",
    title: "MAPI maps an event to the LPI whose INTID is the EventID",
    spec: "IHI 0069H 5.3 (MAPI)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const DEVICE: u32 = 20;
const EVENT: u32 = 8700;

fn run(ctx: &mut Ctx<'_>) {
    let typer = setup::typer(ctx);
    if typer.event_id_bits() < LPI_ID_BITS {
        ctx.skip("GITS_TYPER.ID_bits too small for an EventID that is an LPI");
        return;
    }
    setup::map_device(ctx, DEVICE, LPI_ID_BITS as u8);
    setup::map_collection(ctx, 0);
    ctx.its_command(Command::Mapi {
        device: DEVICE,
        event: EVENT,
        icid: 0,
    });
    let m = setup::Mapping {
        device: DEVICE,
        event: EVENT,
        intid: EVENT,
    };
    setup::enable(ctx, m, 0x80);
    ctx.its_command(Command::Int {
        device: DEVICE,
        event: EVENT,
    });
    let got = ctx.ack_when_pending();
    ctx.check_eq("eventid-is-lpi", got.raw().into(), EVENT.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
