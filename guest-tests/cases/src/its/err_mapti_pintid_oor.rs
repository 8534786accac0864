//! `its.err-mapti-pintid-oor`: MAPTI whose pINTID is not an LPI (8191, just below the LPI range) is
//! a command error and maps nothing.
//!
//! Spec: IHI 0069H §5.3 (MAPTI: E_ITS_MAPTI_PHYSICALID_OOR when pINTID is not a valid LPI; command
//! errors: the ITS ignores the command or stalls the queue).
//!
//! Expected: outcome recorded, nothing acknowledged; after the queue restart the same event mapped
//! to 8920 and triggered is delivered. Why: a vITS that accepts an SPI or SGI number as an LPI lets
//! a device inject any interrupt.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapti-pintid-oor",
    title: "MAPTI of a pINTID below the LPI range is a command error",
    spec: "IHI 0069H 5.3 (MAPTI, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    setup::map_device(ctx, 43, setup::EVENT_BITS);
    setup::map_collection(ctx, 0);
    setup::command_error(
        ctx,
        Command::Mapti {
            device: 43,
            event: 0,
            intid: 8191,
            icid: 0,
        },
    );
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("nothing-pending", got.raw().into(), 1023);
    let m = setup::map_event(ctx, 43, 0, 8920, 0);
    setup::enable(ctx, m, 0x80);
    ctx.its_command(Command::Int {
        device: m.device,
        event: m.event,
    });
    let got = ctx.ack_when_pending();
    ctx.check_eq("valid-mapping-works", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
