//! `its.movi-same-cpu`: MOVI of a pending LPI between two collections that target the same CPU
//! keeps exactly one pending state.
//!
//! Spec: IHI 0069H §5.3 (MOVI: the event moves to the new collection; when both collections
//! target the same redistributor, the pending state stays where it is).
//!
//! Expected: LPI 8770 pending while disabled in collection 0 (CPU 0); collection 2 also mapped
//! to CPU 0; MOVI to collection 2, enable + INV: acknowledged once, then nothing. Why: a vITS
//! that "moves" by clearing and setting on the same CPU may lose the interrupt or double it.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.movi-same-cpu",
    title: "MOVI of a pending LPI between two collections of one CPU keeps it pending once",
    spec: "IHI 0069H 5.3 (MOVI)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 27, 0, 8770, 0);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Mapc {
        icid: 2,
        rd,
        valid: true,
    });
    setup::int(ctx, m);
    ctx.its_command(Command::Movi {
        device: m.device,
        event: m.event,
        icid: 2,
    });
    ctx.its_command(Command::Sync { rd });
    setup::enable(ctx, m, 0x80);
    let got = ctx.ack_when_pending();
    ctx.check_eq("delivered", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("once", got.raw().into(), 1023);
    setup::unmap(ctx, m);
}
