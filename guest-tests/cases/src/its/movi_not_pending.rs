//! `its.movi-not-pending`: MOVI of an LPI that is not pending retargets it: the next INT is
//! delivered to the new collection's CPU.
//!
//! Spec: IHI 0069H §5.3 (MOVI: "updates the ICID field in the ITT entry for the event"; later
//! translations use the new collection).
//!
//! Expected: LPI 8760 in collection 0 (CPU 0), MOVI to collection 1 (CPU 1), SYNC, INT: CPU 1
//! acknowledges 8760, CPU 0 nothing. Why: irqbalance moves MSIs between CPUs with MOVI; a vITS
//! that keeps the old target delivers to the wrong CPU.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.movi-not-pending",
    title: "after MOVI of an idle LPI, INT delivers it to the new CPU",
    spec: "IHI 0069H 5.3 (MOVI)",
    needs: Needs {
        its: true,
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 26, 0, 8760, 0);
    setup::map_collection(ctx, 1);
    setup::enable(ctx, m, 0x80);
    ctx.its_command(Command::Movi {
        device: m.device,
        event: m.event,
        icid: 1,
    });
    let rd1 = ctx.rdbase(1);
    ctx.its_command(Command::Sync { rd: rd1 });
    setup::int(ctx, m);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("new-cpu-acks", got.raw().into(), 8760);
        ctx.eoi(got);
    });
    let got = ctx.ack();
    ctx.check_eq("old-cpu-sees-nothing", got.raw().into(), 1023);
    setup::unmap(ctx, m);
}
