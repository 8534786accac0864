//! `gic.igroupr-readback`: GICD_IGROUPR is read/write per interrupt: a group bit written to one
//! SPI reads back, and the neighbouring bits keep their value.
//!
//! Spec: IHI 0048B §4.3.4 (GICD_IGROUPRn: one group status bit per interrupt, RW when the GIC
//! has no Security Extensions); IHI 0069H §12.9 (GICD_IGROUPR<n>: RW with GICD_CTLR.DS = 1).
//!
//! Expected: from the kit's reset (Group 0 on GICv2, Group 1 on GICv3), flipping one SPI's bit
//! reads back flipped with the other 31 bits unchanged, and flipping it back restores the
//! reset value. The SPI stays disabled throughout. Why: Linux on GICv2 moves every interrupt
//! to Group 1 at boot; a vGIC that makes IGROUPR RAZ/WI (as a GICv1 without Security
//! Extensions would) leaves the guest's IRQ/FIQ split broken.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.igroupr-readback",
    title: "GICD_IGROUPR: one SPI's group bit flips and reads back, neighbours unchanged",
    spec: "IHI 0048B 4.3.4; IHI 0069H 12.9 (GICD_IGROUPR)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(16);

fn run(ctx: &mut Ctx<'_>) {
    let reset: u32 = if ctx.info().gic.has_sysregs() {
        u32::MAX
    } else {
        0
    };
    let (site, shift) = ctx.irq_reg(gicd::IGROUPR, SPI);
    let flipped = reset ^ (1 << shift);
    ctx.write32(site, flipped);
    let got = ctx.read32(site);
    ctx.check_eq("one-bit-flipped", got.into(), flipped.into());
    ctx.write32(site, reset);
    let got = ctx.read32(site);
    ctx.check_eq("restored", got.into(), reset.into());
}
