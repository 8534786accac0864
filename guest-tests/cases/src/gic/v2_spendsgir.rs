//! `gic.v2-spendsgir`: a byte write to GICD_SPENDSGIR makes an SGI pending from the source CPU
//! whose bit is set; both SGI pending registers read it back, and the acknowledge reports
//! that source.
//!
//! Spec: IHI 0048B §4.3.17 (GICD_SPENDSGIRn: byte-accessible, one byte per SGI, bit n = pending
//! from CPU n; writing 1 adds that source), §4.3.16 (GICD_CPENDSGIRn reads the same state) and
//! §4.4.4 (GICC_IAR.CPUID of an SGI).
//!
//! Expected: writing 0x01 to SGI 6's byte reads 0x01 through both registers and sets bit 6 of
//! GICD_ISPENDR0; the acknowledge returns INTID 6 with CPUID 0; afterwards the byte reads 0.
//! Why: hypervisors save and restore per-source SGI state through these registers; KVM and Xen
//! keep one LR per (SGI, source) on GICv2, and a vGIC that drops the source reports CPUID 0 for
//! every SGI or loses all but one source.

use guest_kit::regs::gicc::Iar;
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-spendsgir",
    title: "GICD_SPENDSGIR byte write: SGI pending from source CPU 0, acknowledged with CPUID 0",
    spec: "IHI 0048B 4.3.17, 4.3.16, 4.4.4",
    needs: Needs::GICV2,
    run,
};

const SGI: IntId = IntId::sgi(6);
/// GICD_CPENDSGIR1 and GICD_SPENDSGIR1, byte 2: SGI 6.
const CPEND: Site = Site::Gicd(0xf10 + 6);
const SPEND: Site = Site::Gicd(0xf20 + 6);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.write(SPEND, Width::B8, 0x01);
    let got = ctx.read(SPEND, Width::B8);
    ctx.check_eq("spendsgir-reads-source", got, 0x01);
    let got = ctx.read(CPEND, Width::B8);
    ctx.check_eq("cpendsgir-reads-source", got, 0x01);
    let pending = ctx.is_pending(SGI);
    ctx.check("ispendr0-reads-pending", pending);
    let iar = Iar(ctx.ack_when_pending_raw());
    ctx.check_eq("ack-intid", iar.intid().raw().into(), SGI.raw().into());
    ctx.check_eq("ack-source-cpu", iar.source_cpu().into(), 0);
    ctx.eoi(IntId::from_raw(iar.0));
    let got = ctx.read(SPEND, Width::B8);
    ctx.check_eq("no-source-after-ack", got, 0);
}
