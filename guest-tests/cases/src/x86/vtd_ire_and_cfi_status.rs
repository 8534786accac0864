//! `x86.vtd-ire-and-cfi-status`: after SIRTP and QIE, setting IRE makes GSTS.IRES 1, adding CFI
//! makes CFIS 1; clearing both clears IRES and CFIS. Skipped without ECAP.QI/IR.
//!
//! Spec: Intel VT-d specification §10.4.4 (IRE, CFI commands), §10.4.5 (IRES, CFIS), §5.1.2.1
//! (compatibility format blocked unless CFIS).
//!
//! Expected: IRES 1, CFIS 1, then both 0. Why: the status handshake a guest driver spins on; a
//! vIOMMU that never sets the status hangs it.

use guest_kit::regs::vtd;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-ire-and-cfi-status",
    title: "GCMD.IRE and GCMD.CFI are reported in GSTS and clear again",
    spec: "Intel VT-d 10.4.4, 10.4.5, 5.1.2.1",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if util::remap_with(ctx, &[]).is_none() {
        return;
    }
    let on = util::gcmd(ctx, vtd::Global::CFI, vtd::Global::CFI);
    ctx.check("ires-set", on.contains(vtd::Global::IRE));
    ctx.check("cfis-set", on.contains(vtd::Global::CFI));
    let off = util::gcmd_clear(ctx, vtd::Global::IRE | vtd::Global::CFI);
    ctx.check("ires-clear", !off.contains(vtd::Global::IRE));
    ctx.check("cfis-clear", !off.contains(vtd::Global::CFI));
    util::vtd_off(ctx);
}
