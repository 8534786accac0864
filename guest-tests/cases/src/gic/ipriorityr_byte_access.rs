//! `gic.ipriorityr-byte-access`: GICD_IPRIORITYR is byte accessible; a byte write lands in its
//! own lane of the 32-bit register, and unimplemented low-order bits read as zero.
//!
//! Spec: IHI 0048B §4.3.11 (GICD_IPRIORITYRn: byte-accessible; fewer than 8 implemented bits
//! means the low-order bits are RAZ/WI) and §3.3 (at least 16 priority levels); IHI 0069H §12.9
//! (GICD_IPRIORITYR<n>) and §4.8 (interrupt prioritization).
//!
//! Expected: a byte write of 0xff reads back as an implemented-bits mask with at least four high
//! bits (0xf0, 0xf8, 0xfc, 0xfe or 0xff: which one is implementation defined); a byte write of
//! 0x60 (representable with four bits) reads back 0x60, and the 32-bit read shows it in bits
//! [23:16] with the reset priority 0xa0 in the other lanes. Why: Linux sets priorities with byte
//! writes; a vGIC that widens them to 32 bits clobbers three neighbouring interrupts.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.ipriorityr-byte-access",
    title: "a byte write to IPRIORITYR reads back in its own lane, low bits RAZ",
    spec: "IHI 0048B 4.3.11, 3.3; IHI 0069H 12.9 (GICD_IPRIORITYR), 4.8",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 38: byte lane 2 of GICD_IPRIORITYR9.
const SPI: IntId = IntId::spi(6);
/// Every mask of at least four implemented high-order bits.
const MASKS: Allowed = Allowed::OneOf(&[0xf0, 0xf8, 0xfc, 0xfe, 0xff]);

fn run(ctx: &mut Ctx<'_>) {
    let (word, shift) = gicd::IPRIORITYR.locate(SPI.raw());
    let byte = Site::Gicd(word + shift / 8);
    ctx.write(byte, Width::B8, 0xff);
    ctx.read_impl("ipriorityr-implemented", byte, Width::B8, MASKS);
    ctx.set_priority(SPI, 0x60);
    let got = ctx.priority(SPI);
    ctx.check_eq("byte-readback", got.into(), 0x60);
    let all = ctx.read32(Site::Gicd(word));
    ctx.check_eq("word-lanes", all.into(), 0xa060_a0a0);
}
