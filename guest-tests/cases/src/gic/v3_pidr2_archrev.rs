//! `gic.v3-pidr2-archrev`: GICD_PIDR2 and GICR_PIDR2 report architecture revision 3 or 4.
//!
//! Spec: IHI 0069H §12.9 (GICD_PIDR2) and §12.11 (GICR_PIDR2), and §12.1 (identification
//! registers): ArchRev, bits [7:4], is 0x3 for GICv3 and 0x4 for GICv4; the other bits are
//! IMPLEMENTATION DEFINED or RES0.
//!
//! Expected: both registers are recorded (not judged) and both ArchRev fields read 3 or 4. Why:
//! Linux and other guests probe the GIC version from PIDR2.ArchRev before touching anything
//! else; a vGIC that returns 0 here (a common RAZ shortcut) is not recognised as a GICv3.

use guest_kit::regs::{gicd, gicr};
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-pidr2-archrev",
    title: "GICD_PIDR2 and GICR_PIDR2 ArchRev read 3 (GICv3) or 4 (GICv4)",
    spec: "IHI 0069H 12.9 (GICD_PIDR2), 12.11 (GICR_PIDR2)",
    needs: Needs::GICV3,
    run,
};

const RD_PIDR2: Site = Site::Gicr {
    cpu: 0,
    frame: RdFrame::Rd,
    offset: gicr::PIDR2,
};

fn run(ctx: &mut Ctx<'_>) {
    let site = Site::Gicd(gicd::PIDR2_V3);
    let gicd = ctx.read_impl("gicd-pidr2", site, Width::B32, Allowed::Any);
    ctx.check("gicd-archrev-3-or-4", matches!(gicd >> 4 & 0xf, 3 | 4));
    let gicr = ctx.read_impl("gicr-pidr2", RD_PIDR2, Width::B32, Allowed::Any);
    ctx.check("gicr-archrev-3-or-4", matches!(gicr >> 4 & 0xf, 3 | 4));
}
