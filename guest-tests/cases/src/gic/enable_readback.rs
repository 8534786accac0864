//! `gic.enable-readback`: GICD_ISENABLER and GICD_ICENABLER both read the enable state that a
//! write-1-to-set or write-1-to-clear left.
//!
//! Spec: IHI 0048B §4.3.5 and §4.3.6 (GICD_ISENABLERn / GICD_ICENABLERn: writes of 1 set or
//! clear the enable, reads of either return whether forwarding is enabled; writes of 0 have no
//! effect); IHI 0069H §12.9 (GICD_ISENABLER<n>, GICD_ICENABLER<n>).
//!
//! Expected: after ISENABLER, the SPI's bit reads 1 through both registers and a write of 0 to
//! ICENABLER changes nothing; after ICENABLER, it reads 0 through both. Why: a vGIC that keeps
//! only one of the two views (or treats a 0 as "clear") desynchronises the guest's masking.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.enable-readback",
    title: "ISENABLER and ICENABLER read the same enable state after set and clear",
    spec: "IHI 0048B 4.3.5, 4.3.6; IHI 0069H 12.9 (GICD_ISENABLER, GICD_ICENABLER)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(5);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SPI);
    let (set, clr) = (
        ctx.read_bit(gicd::ISENABLER, SPI),
        ctx.read_bit(gicd::ICENABLER, SPI),
    );
    ctx.check("isenabler-reads-enabled", set);
    ctx.check("icenabler-reads-enabled", clr);
    let (site, _) = ctx.irq_reg(gicd::ICENABLER, SPI);
    ctx.write32(site, 0);
    let still = ctx.read_bit(gicd::ISENABLER, SPI);
    ctx.check("zero-write-no-effect", still);
    ctx.disable(SPI);
    let (set, clr) = (
        ctx.read_bit(gicd::ISENABLER, SPI),
        ctx.read_bit(gicd::ICENABLER, SPI),
    );
    ctx.check("isenabler-reads-disabled", !set);
    ctx.check("icenabler-reads-disabled", !clr);
}
