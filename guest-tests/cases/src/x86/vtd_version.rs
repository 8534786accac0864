//! `x86.vtd-version`: the first remapping unit's VER_REG, CAP_REG and ECAP_REG are
//! implementation-defined values, recorded; VER_REG names architecture version 1.x or later and
//! its reserved bits read as 0.
//!
//! Spec: Intel VT-d specification §10.4.1 (VER_REG: Max bits 7:4, Min bits 3:0, bits 31:8
//! reserved, 0), §10.4.2 (CAP_REG), §10.4.3 (ECAP_REG).
//!
//! Expected: three recorded values; VER_REG bits 7:4 at least 1 and bits 31:8 zero. Why: a guest
//! driver keys every later decision (queued invalidation, interrupt remapping, posted
//! interrupts) on these registers, and reading them is the first access a vIOMMU must decode.

use guest_kit::regs::vtd;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-version",
    title: "VT-d VER_REG names version 1.x or later; CAP and ECAP are recorded",
    spec: "Intel VT-d 10.4.1, 10.4.2, 10.4.3",
    needs: Needs::IOMMU,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let ver = ctx.read_impl("vtd-ver", Site::Dmar(vtd::VER), Width::B32, Allowed::Any);
    ctx.check("major-version-at-least-1", ver >> 4 & 0xf >= 1);
    ctx.check_eq("ver-reserved-bits-zero", ver >> 8, 0);
    ctx.read_impl("vtd-cap", Site::Dmar(vtd::CAP), Width::B64, Allowed::Any);
    ctx.read_impl("vtd-ecap", Site::Dmar(vtd::ECAP), Width::B64, Allowed::Any);
}
