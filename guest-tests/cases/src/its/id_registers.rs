//! `its.id-registers`: GITS_IIDR and GITS_PIDR2 are recorded, and GITS_PIDR2.ArchRev names
//! GICv3 or GICv4.
//!
//! Spec: IHI 0069H §12.19 (GITS_IIDR: implementer, revision, variant, product, all
//! implementation defined; GITS_PIDR2.ArchRev, bits [7:4]: 0x3 for GICv3, 0x4 for GICv4).
//!
//! Expected: both values recorded; ArchRev is 3 or 4. Why: drivers identify ITS errata by
//! GITS_IIDR; the matrix shows what each vITS claims to be.

use guest_kit::regs::gits;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.id-registers",
    title: "GITS_IIDR and GITS_PIDR2 are recorded; ArchRev is 3 or 4",
    spec: "IHI 0069H 12.19 (GITS_IIDR, GITS_PIDR2)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.read_impl(
        "gits-iidr",
        Site::Gits(gits::IIDR),
        Width::B32,
        Allowed::Any,
    );
    let pidr2 = ctx.read_impl(
        "gits-pidr2",
        Site::Gits(gits::PIDR2),
        Width::B32,
        Allowed::Any,
    );
    ctx.impl_defined("gits-archrev", (pidr2 >> 4) & 0xf, Allowed::OneOf(&[3, 4]));
}
