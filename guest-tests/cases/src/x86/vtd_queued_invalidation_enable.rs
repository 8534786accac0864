//! `x86.vtd-queued-invalidation-enable`: with IQA naming a one-page queue and IQT 0, setting
//! QIE makes GSTS.QIES 1 and IQH read 0; after a wait descriptor has drained the queue,
//! clearing it makes QIES 0. Skipped without ECAP.QI/IR.
//!
//! Spec: Intel VT-d specification §6.5.2 (queued invalidation), §10.4.4 (GCMD), §10.4.5 (GSTS),
//! §10.4.22 (IQH), §10.4.23 (IQA).
//!
//! Expected: QIES 1, IQH 0, then QIES 0. Why: the first handshake of every vIOMMU driver; GSTS
//! must follow GCMD.

use guest_kit::regs::vtd;
use guest_kit::{Case, Ctx, Needs, Site, Width};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-queued-invalidation-enable",
    title: "GCMD.QIE turns queued invalidation on and GSTS.QIES reports it; IQH starts at 0",
    spec: "Intel VT-d 6.5.2, 10.4.4, 10.4.5, 10.4.22, 10.4.23",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if !util::remapping_capable(ctx) {
        return;
    }
    util::queue_on(ctx);
    let gsts = util::gsts(ctx);
    ctx.check("qies-set", gsts.contains(vtd::Global::QIE));
    let head = ctx.read(Site::Dmar(vtd::IQH), Width::B64);
    ctx.check_eq("iqh-zero", head, 0);
    util::drain_queue(ctx);
    let off = util::gcmd_clear(ctx, vtd::Global::QIE);
    ctx.check("qies-clear", !off.contains(vtd::Global::QIE));
}
