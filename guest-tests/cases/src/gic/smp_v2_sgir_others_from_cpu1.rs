//! `gic.smp-v2-sgir-others-from-cpu1`: GICD_SGIR TargetListFilter = 0b01 written on CPU 1
//! reaches CPU 0, with CPUID 1, and not CPU 1.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR: TargetListFilter 0b01 forwards the interrupt to all CPU
//! interfaces except that of the requesting processor; CPUTargetList is ignored) and §4.4.4
//! (GICC_IAR.CPUID names the requesting CPU).
//!
//! Expected: with CPU 1's own bit set in CPUTargetList (to be ignored), CPU 1's GICD_SPENDSGIR
//! byte for SGI 12 reads 0 and its acknowledge returns 1023; CPU 0 acknowledges SGI 12 with
//! CPUID 1. Why: `gic.v2-sgir-filter-others` only sends from CPU 0, where "not the requester"
//! and "not CPU 0" coincide; a vGIC that computes the filter from vCPU 0 passes it and gets
//! every broadcast from a secondary CPU wrong.

use guest_kit::regs::gicd::{self, Sgir};
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v2-sgir-others-from-cpu1",
    title: "GICD_SGIR filter 0b01 from CPU 1 reaches CPU 0 with CPUID 1, not CPU 1",
    spec: "IHI 0048B 4.3.15, 4.4.4",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV2
    },
    run,
};

const SGI: IntId = IntId::sgi(12);
/// GICD_SPENDSGIR3, byte 0: SGI 12.
const SPEND: Site = Site::Gicd(gicd::SPENDSGIR.base + 12);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| {
        ctx.enable(SGI);
        let value = Sgir::to_all_but_self(SGI.raw()).0 | 0x02 << 16;
        ctx.write32(Site::Gicd(gicd::SGIR), value);
        for _ in 0..16 {
            ctx.delay();
        }
        let sources = ctx.read(SPEND, Width::B8);
        ctx.check_eq("no-source-at-sender", sources, 0);
        let got = ctx.ack();
        ctx.check_eq("sender-acks-nothing", got.raw().into(), SPURIOUS);
    });
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("cpu0-ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
    ctx.check_eq("cpu0-sees-cpu1", ((iar >> 10) & 0x7).into(), 1);
    ctx.eoi(IntId::from_raw(iar));
}
