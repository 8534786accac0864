//! `gic.smp-v2-sgi-two-sources`: on GICv2 one SGI requested by two CPUs is two pending states at
//! the target, acknowledged one after the other, each with its own CPUID.
//!
//! Spec: IHI 0048B §4.3.16 and §4.3.17 (GICD_CPENDSGIR/GICD_SPENDSGIR: one pending bit per SGI
//! and source CPU), §4.4.4 (GICC_IAR.CPUID) and §3.1.1 (SGIs use the N-N model; with several
//! sources, each source's request is acknowledged separately). Which source is acknowledged
//! first is not specified: it is recorded (`first-sgi-source`).
//!
//! Expected: CPU 0 sends SGI 5 to itself and CPU 1 sends SGI 5 to CPU 0; CPU 0's GICD_SPENDSGIR
//! byte for SGI 5 reads 0b11. CPU 0 acknowledges INTID 5 twice, ending each, with CPUIDs 0 and 1
//! in either order, and then nothing (1023). Why: KVM and Xen keep one list register per (SGI,
//! source) on GICv2; a vGIC that merges the sources loses one CPU's IPI.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, SgiTargets, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v2-sgi-two-sources",
    title: "GICv2: SGI 5 from CPUs 0 and 1 is acknowledged twice, once per source CPUID",
    spec: "IHI 0048B 3.1.1, 4.3.16, 4.3.17, 4.4.4",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV2
    },
    run,
};

const SGI: IntId = IntId::sgi(5);
/// GICD_SPENDSGIR1, byte 1: SGI 5.
const SPEND: Site = Site::Gicd(gicd::SPENDSGIR.base + 5);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.send_sgi(SGI, SgiTargets::Myself);
    ctx.on_cpu(1, |ctx| ctx.send_sgi(SGI, SgiTargets::Cpus(1 << 0)));
    for _ in 0..guest_kit::gic::PENDING_POLLS {
        match ctx.raw().read(SPEND, Width::B8) {
            Ok(0b11) => break,
            _ => ctx.delay(),
        }
    }
    let sources = ctx.read(SPEND, Width::B8);
    ctx.check_eq("both-sources-pending", sources, 0b11);
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("first-ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
    let first = ctx.impl_defined(
        "first-sgi-source",
        ((iar >> 10) & 0x7).into(),
        Allowed::OneOf(&[0, 1]),
    );
    ctx.eoi(IntId::from_raw(iar));
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("second-ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
    ctx.check_eq(
        "second-ack-other-source",
        ((iar >> 10) & 0x7).into(),
        1 - first.min(1),
    );
    ctx.eoi(IntId::from_raw(iar));
    let got = ctx.ack();
    ctx.check_eq("nothing-left", got.raw().into(), SPURIOUS);
}
