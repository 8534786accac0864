//! `gic.v2-sgir-target-list`: a GICv2 SGI sent with TargetListFilter = 0b00 and CPU 0's bit
//! in CPUTargetList reaches CPU 0, which sees itself as the source.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR: TargetListFilter 0b00 forwards to the CPU interfaces in
//! CPUTargetList) and §4.4.4 (GICC_IAR.CPUID: the requesting processor of an SGI).
//!
//! Expected: the acknowledge returns the SGI with CPUID 0; after EOI it is inactive. Why: this
//! is the form Linux's GICv2 driver uses for every IPI, including to itself; `gic.sgi-self`
//! covers the filter 0b10 form only.

use guest_kit::regs::gicc::Iar;
use guest_kit::regs::gicd::{self, Sgir};
use guest_kit::{Case, Ctx, IntId, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-sgir-target-list",
    title: "an SGI sent to the target list {CPU 0} is acknowledged by CPU 0 with CPUID 0",
    spec: "IHI 0048B 4.3.15, 4.4.4",
    needs: Needs::GICV2,
    run,
};

const SGI: IntId = IntId::sgi(3);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.write32(Site::Gicd(gicd::SGIR), Sgir::to_list(SGI.raw(), 0x01).0);
    let iar = Iar(ctx.ack_when_pending_raw());
    ctx.check_eq("ack-intid", iar.intid().raw().into(), SGI.raw().into());
    ctx.check_eq("ack-source-cpu", iar.source_cpu().into(), 0);
    ctx.eoi(SGI);
    let active = ctx.is_active(SGI);
    ctx.check("inactive-after-eoi", !active);
}
