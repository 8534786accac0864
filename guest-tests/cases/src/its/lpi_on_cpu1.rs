//! `its.lpi-on-cpu1`: an LPI whose collection is mapped to CPU 1's redistributor is delivered
//! to CPU 1, and not to CPU 0.
//!
//! Spec: IHI 0069H §5.2 (the collection names the target redistributor), §5.3 (MAPC with
//! RDbase = the processor number, GITS_TYPER.PTA = 0).
//!
//! Expected: LPI 8870 in collection 1 (CPU 1), INT: CPU 1 acknowledges 8870, CPU 0 nothing. Why:
//! a vITS that delivers every LPI to vCPU 0 passes single-CPU tests and serialises SMP guests.

use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.lpi-on-cpu1",
    title: "an LPI in a collection mapped to CPU 1 is delivered to CPU 1 only",
    spec: "IHI 0069H 5.2, 5.3 (MAPC)",
    needs: Needs {
        its: true,
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 37, 0, 8870, 1);
    setup::enable(ctx, m, 0x80);
    setup::int(ctx, m);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("cpu1-acks", got.raw().into(), 8870);
        ctx.eoi(got);
    });
    let got = ctx.ack();
    ctx.check_eq("cpu0-sees-nothing", got.raw().into(), 1023);
    setup::unmap(ctx, m);
}
