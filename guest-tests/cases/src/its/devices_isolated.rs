//! `its.devices-isolated`: translation is per device: EventID 0 of two devices maps to two
//! different LPIs, and INT on one makes only its own LPI pending.
//!
//! Spec: IHI 0069H §5.2 (the DeviceID selects the ITT; the EventID indexes it).
//!
//! Expected: device 30 event 0 → 8800, device 31 event 0 → 8801, both enabled; INT on device
//! 31: 8801 is acknowledged, then nothing. Why: a vITS that keys its ITT cache on the EventID
//! alone delivers one device's MSI as another's.

use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.devices-isolated",
    title: "the same EventID of two devices translates to each device's own LPI",
    spec: "IHI 0069H 5.2",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let a = setup::map(ctx, 30, 0, 8800, 0);
    let b = setup::map(ctx, 31, 0, 8801, 0);
    setup::enable(ctx, a, 0x80);
    setup::enable(ctx, b, 0x80);
    setup::int_delivers(ctx, b, "own-lpi");
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("other-device-idle", got.raw().into(), 1023);
    setup::unmap(ctx, b);
    setup::unmap(ctx, a);
}
