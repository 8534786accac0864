//! `its.movi-pending`: MOVI of a pending LPI to a collection on another CPU moves its pending
//! state: the new CPU takes it, the old one does not (seed 004).
//!
//! Spec: IHI 0069H §5.3 (MOVI: "updates the ICID field in the ITT entry … If the interrupt is
//! pending on the old redistributor, the pending state is moved to the new one"; check the
//! precise wording in the MOVI description), §5.2.
//!
//! Expected: LPI 8500 mapped to collection 0 (CPU 0), triggered while disabled (pending at CPU
//! 0's redistributor), moved with MOVI to collection 1 (CPU 1), then enabled with INV: CPU 1
//! acknowledges 8500; CPU 0 acknowledges nothing. Why: this is the subtlety the KVM ITS review
//! (seed 004) turned on: a vITS that keeps pending state per collection without moving it loses
//! the interrupt or delivers it to the old CPU.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.movi-pending",
    title: "MOVI moves a pending LPI's pending state to the new CPU",
    spec: "IHI 0069H 5.3 (MOVI)",
    needs: Needs {
        its: true,
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 6, 0, 8500, 0);
    setup::map_collection(ctx, 1);
    ctx.its_command(Command::Int {
        device: 6,
        event: 0,
    });
    ctx.its_command(Command::Movi {
        device: 6,
        event: 0,
        icid: 1,
    });
    let rd1 = ctx.rdbase(1);
    ctx.its_command(Command::Sync { rd: rd1 });
    setup::enable(ctx, m, 0x80);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("new-cpu-acks", got.raw().into(), 8500);
        ctx.eoi(got);
    });
    let got = ctx.ack();
    ctx.check_eq("old-cpu-sees-nothing", got.raw().into(), 1023);
    setup::unmap(ctx, m);
}
