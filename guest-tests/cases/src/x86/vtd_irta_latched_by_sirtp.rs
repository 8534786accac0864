//! `x86.vtd-irta-latched-by-sirtp`: IRTA written with a 4 KiB-aligned table and S = 3 reads
//! back; after SIRTP, GSTS.IRTPS is 1. Skipped without ECAP.QI/IR.
//!
//! Spec: Intel VT-d specification §10.4.29 (IRTA: table address bits 63:12, EIME bit 11, size S
//! bits 3:0), §10.4.4 (SIRTP one-shot), §10.4.5 (IRTPS).
//!
//! Expected: IRTA as written; IRTPS 1. Why: the remapping table pointer is latched, not live: a
//! vIOMMU that reads IRTA at use time differs from hardware.

use guest_kit::regs::vtd;
use guest_kit::{Case, Ctx, Needs, Site, Width};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-irta-latched-by-sirtp",
    title: "IRTA reads back and GCMD.SIRTP latches it (GSTS.IRTPS)",
    spec: "Intel VT-d 10.4.4, 10.4.5, 10.4.29",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if !util::remapping_capable(ctx) {
        return;
    }
    let table = util::install_irt(ctx, &[]);
    let irta = ctx.read(Site::Dmar(vtd::IRTA), Width::B64);
    ctx.check_eq("irta-readback", irta, vtd::irta(table, 3));
    let gsts = vtd::Global::from_bits_retain(ctx.read32(Site::Dmar(vtd::GSTS)));
    ctx.check("irtps-set", gsts.contains(vtd::Global::SIRTP));
}
