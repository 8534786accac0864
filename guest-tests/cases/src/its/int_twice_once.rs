//! `its.int-twice-once`: two INTs of one event before the LPI is acknowledged leave one pending
//! state: the LPI is acknowledged once.
//!
//! Spec: IHI 0069H §5.1 (LPIs are edge-triggered; the pending state is one bit per LPI in the
//! pending table).
//!
//! Expected: LPI 8880 triggered twice while disabled, then enabled + INV: acknowledged once,
//! then nothing. Why: a vITS that counts MSIs instead of latching them delivers spurious
//! duplicates.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.int-twice-once",
    title: "an event triggered twice before the acknowledge is delivered once",
    spec: "IHI 0069H 5.1",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 38, 0, 8880, 0);
    let int = Command::Int {
        device: m.device,
        event: m.event,
    };
    ctx.its_command(int);
    ctx.its_command(int);
    setup::enable(ctx, m, 0x80);
    let got = ctx.ack_when_pending();
    ctx.check_eq("delivered", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("once", got.raw().into(), 1023);
    setup::unmap(ctx, m);
}
