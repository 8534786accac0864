//! `its.mapc-remap-collection`: MAPC of an already mapped collection to another redistributor
//! retargets every LPI of the collection (nothing pending, so no MOVALL is needed).
//!
//! Spec: IHI 0069H §5.3 (MAPC: "maps the collection … to the target redistributor"; pending
//! state is software's to move with MOVALL, none here).
//!
//! Expected: collection 3 mapped to CPU 0, LPI 8780 in it: INT is acknowledged by CPU 0. Then
//! MAPC of collection 3 to CPU 1 and SYNC: INT is acknowledged by CPU 1, CPU 0 sees nothing.
//! Why: CPU hot-unplug remaps each collection of the departing CPU this way.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.mapc-remap-collection",
    title: "MAPC remapping a collection retargets its idle LPIs",
    spec: "IHI 0069H 5.3 (MAPC)",
    needs: Needs {
        its: true,
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let (rd0, rd1) = (ctx.rdbase(0), ctx.rdbase(1));
    setup::map_device(ctx, 28, setup::EVENT_BITS);
    ctx.its_command(Command::Mapc {
        icid: 3,
        rd: rd0,
        valid: true,
    });
    let m = setup::map_event(ctx, 28, 0, 8780, 3);
    setup::enable(ctx, m, 0x80);
    let int = Command::Int {
        device: m.device,
        event: m.event,
    };
    ctx.its_command(int);
    let got = ctx.ack_when_pending();
    ctx.check_eq("cpu0-first", got.raw().into(), 8780);
    ctx.eoi(got);
    ctx.its_command(Command::Mapc {
        icid: 3,
        rd: rd1,
        valid: true,
    });
    ctx.its_command(Command::Sync { rd: rd1 });
    ctx.its_command(int);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("cpu1-after-remap", got.raw().into(), 8780);
        ctx.eoi(got);
    });
    let got = ctx.ack();
    ctx.check_eq("cpu0-sees-nothing", got.raw().into(), 1023);
    setup::unmap(ctx, m);
}
