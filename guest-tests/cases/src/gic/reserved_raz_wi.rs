//! `gic.reserved-raz-wi`: distributor offsets that both GIC versions mark reserved read as zero
//! and ignore writes.
//!
//! Spec: IHI 0048B §4.1.2, table 4-1 (0x00c-0x01c and 0xf30-0xfcc are reserved; reserved
//! register addresses are RAZ/WI); IHI 0069H §12.8, the distributor register map (0x0014-0x001c
//! and 0x0f30-0x0f7c reserved). 0x000c (GICD_TYPER2) and 0x0010 (GICD_STATUSR) are registers on
//! GICv3, so they are not used here.
//!
//! Expected: after a 32-bit write of all-ones, each offset reads 0, without a fault. Why: a
//! guest probing optional registers relies on RAZ; a vGIC that injects an abort, or backs the
//! hole with storage, breaks probing and leaks state between guests sharing the emulation code.

use guest_kit::{Case, Ctx, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.reserved-raz-wi",
    title: "reserved distributor offsets read as zero after a write of all-ones",
    spec: "IHI 0048B 4.1.2 table 4-1; IHI 0069H 12.8",
    needs: Needs::ANY_GIC,
    run,
};

/// Offsets reserved in both register maps.
const RESERVED: [(u32, &str); 4] = [
    (0x014, "gicd-0x014-raz"),
    (0x018, "gicd-0x018-raz"),
    (0x01c, "gicd-0x01c-raz"),
    (0xf30, "gicd-0xf30-raz"),
];

fn run(ctx: &mut Ctx<'_>) {
    for (offset, label) in RESERVED {
        ctx.write32(Site::Gicd(offset), u32::MAX);
        let got = ctx.read32(Site::Gicd(offset));
        ctx.check_eq(label, got.into(), 0);
    }
}
