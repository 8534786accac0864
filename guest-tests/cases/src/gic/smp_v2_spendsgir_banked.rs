//! `gic.smp-v2-spendsgir-banked`: GICD_SPENDSGIR is banked: CPU 1's write makes the SGI pending
//! at CPU 1 (from the source CPU named by the bit), and CPU 0's copy of the register stays 0.
//!
//! Spec: IHI 0048B §4.3.17 (GICD_SPENDSGIRn: banked per CPU interface; bit n of an SGI's byte
//! = pending from CPU n, write 1 to add that source), §4.3.16 (GICD_CPENDSGIRn) and §4.4.4
//! (GICC_IAR.CPUID).
//!
//! Expected: on CPU 1, writing 0x01 to SGI 6's byte reads back 0x01; on CPU 0 the same byte
//! reads 0 and GICD_ISPENDR0 bit 6 reads 0. CPU 1 acknowledges INTID 6 with CPUID 0, after which
//! its byte reads 0. Why: hypervisors restore a vCPU's SGI state by writing these registers on
//! that vCPU; a vGIC that decodes them against vCPU 0 restores IPIs onto the wrong CPU.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v2-spendsgir-banked",
    title: "GICD_SPENDSGIR written on CPU 1 pends the SGI at CPU 1 only, from source CPU 0",
    spec: "IHI 0048B 4.3.17, 4.3.16, 4.4.4",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV2
    },
    run,
};

const SGI: IntId = IntId::sgi(6);
/// GICD_SPENDSGIR1, byte 2: SGI 6.
const SPEND: Site = Site::Gicd(gicd::SPENDSGIR.base + 6);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| {
        ctx.enable(SGI);
        ctx.write(SPEND, Width::B8, 0x01);
        let got = ctx.read(SPEND, Width::B8);
        ctx.check_eq("cpu1-reads-source", got, 0x01);
    });
    let got = ctx.read(SPEND, Width::B8);
    ctx.check_eq("cpu0-copy-empty", got, 0);
    let pending = ctx.is_pending(SGI);
    ctx.check("cpu0-not-pending", !pending);
    ctx.on_cpu(1, |ctx| {
        let iar = ctx.ack_when_pending_raw();
        ctx.check_eq("cpu1-ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
        ctx.check_eq("cpu1-ack-source", ((iar >> 10) & 0x7).into(), 0);
        ctx.eoi(IntId::from_raw(iar));
        let got = ctx.read(SPEND, Width::B8);
        ctx.check_eq("cpu1-empty-after-ack", got, 0);
    });
}
