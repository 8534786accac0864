//! `gic.iidr`: GICD_IIDR is an implementation-defined identification value: recorded, never
//! judged.
//!
//! Spec: IHI 0048B §4.3.3 (GICD_IIDR: ProductID, Variant, Revision, Implementer, all
//! IMPLEMENTATION DEFINED); IHI 0069H §12.9 (GICD_IIDR).
//!
//! Expected: any value (the read itself must not fault). Why: guests and firmware key errata
//! workarounds on the IIDR; recording it lets a report show which implementation each backend
//! claims to be, and a fault here means the vGIC does not decode a mandatory register.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.iidr",
    title: "GICD_IIDR reads without fault and is recorded as implementation defined",
    spec: "IHI 0048B 4.3.3; IHI 0069H 12.9 (GICD_IIDR)",
    needs: Needs::ANY_GIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.read_impl(
        "gicd-iidr",
        Site::Gicd(gicd::IIDR),
        Width::B32,
        Allowed::Any,
    );
}
