//! `gic.v3-gicd-ctlr-are`: with affinity routing in use, GICD_CTLR.ARE (bit 4) reads 1.
//!
//! Spec: IHI 0069H §12.9.4 (GICD_CTLR: with DS = 1, ARE enables affinity routing and is RAO/WI
//! on an implementation that does not support legacy operation; in the Non-secure view of a
//! GIC with DS = 0 the same bit is ARE_NS) and §3.1 (affinity routing is required for the
//! system-register CPU interface and redistributors the guest uses).
//!
//! Expected: GICD_CTLR is recorded as implementation defined (DS, the enables' layout and
//! IMPLEMENTATION DEFINED bits vary between a DS = 1 and a Non-secure view) with bit 4 required
//! to be 1. Why: a guest that finds ARE clear must fall back to the GICv2-compatible
//! programming model; a vGIC that presents redistributors while reading ARE = 0 sends the
//! guest down the wrong path.

use guest_kit::regs::gicd::{self, Ctlr};
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicd-ctlr-are",
    title: "GICD_CTLR.ARE reads 1 on a GICv3 guest using affinity routing",
    spec: "IHI 0069H 12.9.4, 3.1",
    needs: Needs::GICV3,
    run,
};

const ARE_SET: Allowed = Allowed::Fixed {
    mask: Ctlr::ARE.bits() as u64,
    value: Ctlr::ARE.bits() as u64,
};

fn run(ctx: &mut Ctx<'_>) {
    let site = Site::Gicd(gicd::CTLR);
    ctx.read_impl("gicd-ctlr", site, Width::B32, ARE_SET);
}
