//! `its.int-delivers-lpi`: an event mapped with MAPD/MAPC/MAPTI and triggered with INT is
//! delivered as its LPI to the CPU of its collection.
//!
//! Spec: IHI 0069H §5.2 (the ITS translates DeviceID/EventID through the device table and the
//! ITT to an LPI and a collection, §5.3 the commands MAPD, MAPC, MAPTI, INT), §5.1 (an enabled
//! LPI of sufficient priority is signalled; LPIs have no active state).
//!
//! Expected: after INT, the acknowledge returns the LPI (8192); the running priority is the
//! LPI's priority; after EOI the CPU interface is idle again and nothing is pending. Why: this is
//! the path of every MSI a guest's PCI device raises on a GICv3 system.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.int-delivers-lpi",
    title: "INT on a mapped event delivers its LPI to the collection's CPU",
    spec: "IHI 0069H 5.2, 5.3 (MAPD, MAPC, MAPTI, INT), 5.1",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 1, 0, 8192, 0);
    setup::enable(ctx, m, 0x80);
    ctx.its_command(Command::Int {
        device: 1,
        event: 0,
    });
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-lpi", got.raw().into(), 8192);
    let rpr = ctx.running_priority();
    ctx.check_eq(
        "running-priority",
        rpr.into(),
        (0x80 & ctx.info().pri_mask()).into(),
    );
    ctx.eoi(got);
    let idle = ctx.running_priority();
    ctx.check_eq("idle-after-eoi", idle.into(), 0xff);
    let next = ctx.ack();
    ctx.check_eq("nothing-pending", next.raw().into(), 1023);
    setup::unmap(ctx, m);
}
