//! `its.invall-collection`: INVALL makes the configuration of every LPI of a collection visible
//! at once.
//!
//! Spec: IHI 0069H §5.3 (INVALL: "ensures that any caching of the configuration of the LPIs
//! mapped to the collection is consistent with the LPI configuration tables"), §5.1.1.
//!
//! Expected: LPIs 8710 (priority 0x80) and 8711 (0x90) pending while disabled; both enabled in
//! the table, one INVALL of collection 0 and SYNC: both are acknowledged, 8710 first. Why:
//! drivers re-enable a whole CPU's MSIs with one INVALL after a suspend.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.invall-collection",
    title: "INVALL makes configuration changes of every LPI of a collection visible",
    spec: "IHI 0069H 5.3 (INVALL), 5.1.1",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let a = setup::map(ctx, 21, 0, 8710, 0);
    let b = setup::map_event(ctx, 21, 1, 8711, 0);
    for m in [a, b] {
        ctx.its_command(Command::Int {
            device: m.device,
            event: m.event,
        });
    }
    ctx.set_lpi_config(a.intid, 0x80, true);
    ctx.set_lpi_config(b.intid, 0x90, true);
    ctx.its_command(Command::Invall { icid: 0 });
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    for (label, want) in [("first", a.intid), ("second", b.intid)] {
        let got = ctx.ack_when_pending();
        ctx.check_eq(label, got.raw().into(), want.into());
        ctx.eoi(got);
    }
    setup::discard(ctx, b);
    setup::unmap(ctx, a);
}
