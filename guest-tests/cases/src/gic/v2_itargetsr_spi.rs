//! `gic.v2-itargetsr-spi`: on GICv2 an SPI's GICD_ITARGETSR byte is read/write (or RAZ/WI on a
//! uniprocessor distributor).
//!
//! Spec: IHI 0048B §4.3.12 (GICD_ITARGETSRn: byte-accessible; the SPI fields are RW; "in a
//! uniprocessor implementation, all interrupts target the one processor, and the
//! GICD_ITARGETSRs are RAZ/WI") and §4.3.2 (GICD_TYPER.CPUNumber).
//!
//! Expected: GICD_TYPER is recorded; with CPUNumber > 0, byte writes of 0x00 and then 0x01 read
//! back 0x00 and 0x01; with CPUNumber = 0 both read 0. Why: GICv2 guests balance SPIs by
//! rewriting target bytes; a vGIC that ignores them (on an SMP guest) or widens byte accesses
//! mis-routes every device interrupt.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-itargetsr-spi",
    title: "an SPI's ITARGETSR byte reads back what was written (RAZ/WI on one CPU interface)",
    spec: "IHI 0048B 4.3.12, 4.3.2",
    needs: Needs::GICV2,
    run,
};

/// INTID 41: byte lane 1 of GICD_ITARGETSR10.
const SPI: IntId = IntId::spi(9);

fn run(ctx: &mut Ctx<'_>) {
    let uniprocessor = ctx.gicd_typer().cpu_number() == 0;
    let (word, shift) = gicd::ITARGETSR.locate(SPI.raw());
    let byte = Site::Gicd(word + shift / 8);
    let expect = |written: u64| if uniprocessor { 0 } else { written };
    ctx.write(byte, Width::B8, 0x00);
    let got = ctx.read(byte, Width::B8);
    ctx.check_eq("target-none", got, expect(0x00));
    ctx.write(byte, Width::B8, 0x01);
    let got = ctx.read(byte, Width::B8);
    ctx.check_eq("target-cpu0", got, expect(0x01));
}
