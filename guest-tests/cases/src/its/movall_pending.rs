//! `its.movall-pending`: MOVALL moves every pending LPI of one redistributor to another.
//!
//! Spec: IHI 0069H §5.3 (MOVALL: "instructs the redistributor specified by RDbase1 to move all
//! of its interrupts to the redistributor specified by RDbase2"); the collection mapping is
//! software's to update with MAPC.
//!
//! Expected: LPIs 8600 and 8601, pending while disabled at CPU 0, then collection 0 remapped to
//! CPU 1 (MAPC) and MOVALL from CPU 0 to CPU 1, then both enabled with INV: CPU 1 acknowledges
//! both (in priority order), CPU 0 nothing. Why: CPU hot-unplug moves all of a CPU's LPIs this
//! way; pending ones must not be stranded on the departed CPU.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.movall-pending",
    title: "MOVALL moves every pending LPI of CPU 0 to CPU 1",
    spec: "IHI 0069H 5.3 (MOVALL, MAPC)",
    needs: Needs {
        its: true,
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let a = setup::map(ctx, 7, 0, 8600, 0);
    ctx.its_command(Command::Mapti {
        device: 7,
        event: 1,
        intid: 8601,
        icid: 0,
    });
    let b = setup::Mapping {
        device: 7,
        event: 1,
        intid: 8601,
    };
    ctx.its_command(Command::Int {
        device: 7,
        event: 0,
    });
    ctx.its_command(Command::Int {
        device: 7,
        event: 1,
    });
    let (rd0, rd1) = (ctx.rdbase(0), ctx.rdbase(1));
    ctx.its_command(Command::Mapc {
        icid: 0,
        rd: rd1,
        valid: true,
    });
    ctx.its_command(Command::Movall { from: rd0, to: rd1 });
    ctx.its_command(Command::Sync { rd: rd1 });
    setup::enable(ctx, a, 0x80);
    setup::enable(ctx, b, 0x40);
    ctx.on_cpu(1, |ctx| {
        for (label, want) in [("cpu1-first", 8601), ("cpu1-second", 8600)] {
            let got = ctx.ack_when_pending();
            ctx.check_eq(label, got.raw().into(), want);
            ctx.eoi(got);
        }
    });
    let got = ctx.ack();
    ctx.check_eq("cpu0-sees-nothing", got.raw().into(), 1023);
    ctx.its_command(Command::Discard {
        device: 7,
        event: 1,
    });
    setup::unmap(ctx, a);
}
