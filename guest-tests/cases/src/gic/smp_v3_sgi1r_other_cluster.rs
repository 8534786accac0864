//! `gic.smp-v3-sgi1r-other-cluster`: an SGI whose ICC_SGI1R_EL1 affinity fields name a cluster
//! no PE belongs to is delivered to no one.
//!
//! Spec: IHI 0069H §12.2.22 (ICC_SGI1R_EL1: with IRM = 0 the SGI goes to the PEs whose affinity
//! is Aff3.Aff2.Aff1.<n> for each bit n set in TargetList); the PEs here are 0.0.0.0 and
//! 0.0.0.1.
//!
//! Expected: SGI 6 with Aff1 = 1 and TargetList bits 0 and 1 (PEs 0.0.1.0 and 0.0.1.1, which do
//! not exist): neither CPU 0 nor CPU 1 has it pending or acknowledges it. Why: a vGIC that
//! ignores Aff1-3 (and matches TargetList alone) interrupts the wrong vCPUs on guests with more
//! than one cluster.

use guest_kit::{Case, Ctx, IccReg, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-sgi1r-other-cluster",
    title: "an SGI addressed to an empty cluster (Aff1 = 1) reaches no CPU",
    spec: "IHI 0069H 12.2.22 (ICC_SGI1R_EL1)",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

const SGI: IntId = IntId::sgi(6);
/// INTID [27:24], Aff1 [23:16] = 1, TargetList [15:0] = CPUs 0 and 1.
const SGI1R: u64 = (6 << 24) | (1 << 16) | 0b11;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.write(Site::Icc(IccReg::Sgi1r), Width::B64, SGI1R);
    for _ in 0..32 {
        ctx.delay();
    }
    let pending = ctx.is_pending(SGI);
    ctx.check("cpu0-not-pending", !pending);
    let got = ctx.ack();
    ctx.check_eq("cpu0-nothing", got.raw().into(), 1023);
    ctx.on_cpu(1, |ctx| {
        let pending = ctx.is_pending(SGI);
        ctx.check("cpu1-not-pending", !pending);
        let got = ctx.ack();
        ctx.check_eq("cpu1-nothing", got.raw().into(), 1023);
    });
}
