//! `gic.spi-icfgr-readback`: an SPI's GICD_ICFGR field reads back the trigger mode written to
//! Int_config[1] (level, then edge), and Int_config[0] reads 0 whatever was written to it.
//!
//! Spec: IHI 0069H §12.9 (GICD_ICFGR<n>: Int_config[1] of an SPI is RW, 0 level-sensitive,
//! 1 edge-triggered; Int_config[0] is RES0); IHI 0048B §4.3.13 (GICD_ICFGRn: for SPIs
//! Int_config[1] selects level or edge; in GICv2 Int_config[0] is reserved). GICv2 lets an
//! implementation make an SPI's Int_config[1] read-only, so there the read-backs are recorded
//! as implementation defined (any of 0b00, 0b10); on GICv3 they are checked.
//!
//! Expected: writing 0b01 (level, with the reserved bit set) reads 0b00; writing 0b11 reads
//! 0b10 (the other fields are written with the reset value 0b10). Why: Linux and every RTOS
//! program SPI trigger modes from the device tree; a vGIC that stores both bits, or ignores
//! the write, breaks level-triggered device emulation (re-sampling of the line on EOI).

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.spi-icfgr-readback",
    title: "SPI ICFGR: Int_config[1] reads back level/edge, Int_config[0] reads 0",
    spec: "IHI 0069H 12.9 (GICD_ICFGR); IHI 0048B 4.3.13",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 45: field 13 of GICD_ICFGR2, bits [27:26].
const SPI: IntId = IntId::spi(13);
const EITHER: Allowed = Allowed::OneOf(&[0b00, 0b10]);

fn field(ctx: &mut Ctx<'_>, label: &'static str, expected: u64) {
    let (site, shift) = ctx.irq_reg(gicd::ICFGR, SPI);
    let got = u64::from(ctx.read32(site) >> shift & 0b11);
    if ctx.info().gic.has_sysregs() {
        ctx.check_eq(label, got, expected);
    } else {
        ctx.impl_defined(label, got, EITHER);
    }
}

fn run(ctx: &mut Ctx<'_>) {
    let (site, shift) = ctx.irq_reg(gicd::ICFGR, SPI);
    let keep = 0xaaaa_aaaa & !(0b11 << shift);
    ctx.write32(site, keep | 0b01 << shift);
    field(ctx, "level-reads-0b00", 0b00);
    ctx.write32(site, keep | 0b11 << shift);
    field(ctx, "edge-reads-0b10", 0b10);
}
