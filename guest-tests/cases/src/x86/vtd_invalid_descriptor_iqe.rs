//! `x86.vtd-invalid-descriptor-iqe`: a descriptor of reserved type 0xf at queue slot 0 sets
//! FSTS.IQE with IQH = 0; writing IQE clears it. Skipped without ECAP.QI/IR.
//!
//! Spec: Intel VT-d specification §6.5.2.10 (invalidation queue errors: an invalid descriptor
//! sets IQE and IQH points at it; processing stops until IQE is cleared), §10.4.9 (IQE RW1C).
//!
//! Expected: IQE 1, IQH 0, then IQE 0. Why: error handling of the queue is how a driver
//! recovers; a vIOMMU that skips the bad descriptor hides driver bugs.

use guest_kit::regs::vtd::{self, Descriptor};
use guest_kit::{Case, Ctx, Needs, Site};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-invalid-descriptor-iqe",
    title: "a reserved descriptor type sets FSTS.IQE, IQH stays on it; IQE is write-1-to-clear",
    spec: "Intel VT-d 6.5.2.10, 10.4.9, 10.4.22",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if !util::remapping_capable(ctx) {
        return;
    }
    let queue = util::queue_on(ctx);
    let head = util::submit(ctx, queue, &[Descriptor::reserved_type(0xf)]);
    ctx.check_eq("iqh-on-bad-descriptor", head, 0);
    let fsts = vtd::Fsts::from_bits_retain(ctx.read32(Site::Dmar(vtd::FSTS)));
    ctx.check("iqe-set", fsts.contains(vtd::Fsts::IQE));
    let status = ctx.alloc(8, 8);
    ctx.mem_write(queue, &Descriptor::wait(status, 1).to_bytes());
    ctx.write32(Site::Dmar(vtd::FSTS), vtd::Fsts::IQE.bits());
    let fsts = vtd::Fsts::from_bits_retain(ctx.read32(Site::Dmar(vtd::FSTS)));
    ctx.check("iqe-cleared", !fsts.contains(vtd::Fsts::IQE));
    util::vtd_off(ctx);
}
