//! `x86.vtd-iec-invalidation-completes`: a global IEC descriptor, an index-0 IEC descriptor and
//! a wait descriptor are consumed: IQH moves three descriptors on, FSTS.IQE is 0 and the status
//! word is written. Skipped without ECAP.QI/IR.
//!
//! Spec: Intel VT-d specification §6.5.2.7 (interrupt entry cache invalidate descriptor: global
//! or index granularity), §10.4.9 (FSTS.IQE).
//!
//! Expected: IQH three descriptors on; IQE 0; status 1. Why: every IRTE change a guest makes is
//! followed by these descriptors.

use guest_kit::regs::vtd::{self, Descriptor};
use guest_kit::{Case, Ctx, Needs, Site, Width};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-iec-invalidation-completes",
    title: "interrupt entry cache invalidations (global, one index) complete without queue errors",
    spec: "Intel VT-d 6.5.2.7, 10.4.9",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if util::remap_with(ctx, &[]).is_none() {
        return;
    }
    let queue = ctx
        .raw()
        .read(Site::Dmar(vtd::IQA), guest_kit::Width::B64)
        .unwrap_or(0)
        & !0xfff;
    let status = ctx.alloc(8, 8);
    let batch = [
        Descriptor::iec_global(),
        Descriptor::iec_index(0),
        Descriptor::wait(status, 1),
    ];
    let tail = ctx
        .raw()
        .read(Site::Dmar(vtd::IQT), Width::B64)
        .unwrap_or(0)
        >> 4;
    let head = util::submit(ctx, queue, &batch);
    ctx.check_eq("iqh-past-batch", head, vtd::queue_offset(tail + 3));
    let fsts = vtd::Fsts::from_bits_retain(ctx.read32(Site::Dmar(vtd::FSTS)));
    ctx.check("no-queue-error", !fsts.contains(vtd::Fsts::IQE));
    let mut word = [0u8; 4];
    let _ = ctx.raw().mem_read(status, &mut word);
    ctx.check_eq("status-written", u32::from_le_bytes(word).into(), 1);
    util::vtd_off(ctx);
}
