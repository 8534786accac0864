//! `x86.vtd-fault-event-registers`: FEDATA written 0x00ee and FEADDR written 0xfee0_0000 read
//! back; FECTL written IM reads IM = 1.
//!
//! Spec: Intel VT-d specification §10.4.10 (FECTL: IM bit 31), §10.4.11 (FEDATA), §10.4.12
//! (FEADDR: bits 31:2).
//!
//! Expected: 0xee, 0xfee0_0000, IM 1. Why: these program the fault-event MSI a guest driver
//! relies on to learn of remapping faults.

use guest_kit::regs::vtd;
use guest_kit::{Case, Ctx, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-fault-event-registers",
    title: "the fault event data and address registers read back; FECTL.IM holds",
    spec: "Intel VT-d 10.4.10, 10.4.11, 10.4.12",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Dmar(vtd::FEDATA), 0xee);
    let data = ctx.read32(Site::Dmar(vtd::FEDATA));
    ctx.check_eq("fedata-readback", (data & 0xffff).into(), 0xee);
    ctx.write32(Site::Dmar(vtd::FEADDR), 0xfee0_0000);
    let addr = ctx.read32(Site::Dmar(vtd::FEADDR));
    ctx.check_eq("feaddr-readback", addr.into(), 0xfee0_0000);
    ctx.write32(Site::Dmar(vtd::FECTL), vtd::FECTL_IM);
    let fectl = ctx.read32(Site::Dmar(vtd::FECTL));
    ctx.check_eq(
        "fectl-im",
        (fectl & vtd::FECTL_IM).into(),
        vtd::FECTL_IM.into(),
    );
}
