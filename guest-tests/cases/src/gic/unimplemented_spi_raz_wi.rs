//! `gic.unimplemented-spi-raz-wi`: the GICD_ISENABLER register just past the implemented
//! interrupt lines is RAZ/WI.
//!
//! Spec: IHI 0048B §3.1.2 (identifying the supported interrupts: the bits of unsupported
//! interrupt IDs are RAZ/WI) and §4.3.5 (GICD_ISENABLERn); IHI 0069H §12.9 (GICD_ISENABLER<n>:
//! bits for INTIDs beyond GICD_TYPER.ITLinesNumber are RAZ/WI).
//!
//! Expected: with ITLinesNumber = N < 31, GICD_ISENABLER<N+1> reads 0 after a write of
//! all-ones. Skipped at run time when the distributor implements all 1020 INTIDs. Why: guests
//! (Linux among them) discover the number of lines by writing all-ones and reading back; a vGIC
//! that keeps bits for interrupts it does not have makes them believe in phantom SPIs.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.unimplemented-spi-raz-wi",
    title: "GICD_ISENABLER past ITLinesNumber reads zero after a write of all-ones",
    spec: "IHI 0048B 3.1.2, 4.3.5; IHI 0069H 12.9 (GICD_ISENABLER)",
    needs: Needs::ANY_GIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let next = u32::from(ctx.info().it_lines) + 1;
    if next > 31 {
        ctx.skip("the distributor implements every SPI");
        return;
    }
    let site = Site::Gicd(gicd::ISENABLER.base + 4 * next);
    ctx.write32(site, u32::MAX);
    let got = ctx.read32(site);
    ctx.check_eq("isenabler-beyond-lines-raz", got.into(), 0);
}
