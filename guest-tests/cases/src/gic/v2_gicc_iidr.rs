//! `gic.v2-gicc-iidr`: GICC_IIDR is recorded and its Architecture version field reads 0x2.
//!
//! Spec: IHI 0048B §4.4.14 (GICC_IIDR: ProductID [31:20], Architecture version [19:16] = 0x2
//! for GICv2, Revision [15:12], Implementer [11:0]).
//!
//! Expected: a value whose bits [19:16] are 0x2; the other fields are free. Why: the
//! architecture version field is how a GICv2 guest tells a GICv1 CPU interface (no GICC_DIR, no
//! EOImode) from a GICv2 one; a vGIC that leaves it 0 pushes guests onto legacy paths.

use guest_kit::regs::gicc;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-gicc-iidr",
    title: "GICC_IIDR is recorded; its architecture version field reads 2",
    spec: "IHI 0048B 4.4.14",
    needs: Needs::GICV2,
    run,
};

/// Architecture version, bits [19:16], must be 0x2.
const ARCH_V2: Allowed = Allowed::Fixed {
    mask: 0xf << 16,
    value: 0x2 << 16,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.read_impl("gicc-iidr", Site::Gicc(gicc::IIDR), Width::B32, ARCH_V2);
}
