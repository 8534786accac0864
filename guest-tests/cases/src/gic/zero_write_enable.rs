//! `gic.zero-write-enable`: writing 0 to GICD_ISENABLER or GICD_ICENABLER changes nothing: both are
//! write-1-to-set / write-1-to-clear, bit by bit.
//!
//! Spec: IHI 0048B §4.3.5, §4.3.6 (a write of 0 to a bit has no effect); IHI 0069H §12.9
//! (GICD_ISENABLER<n>, GICD_ICENABLER<n>: writing 0 has no effect).
//!
//! Expected: no interrupt is made pending, so the enable changes deliver nothing; a word write of
//! 0 to ISENABLER leaves it not enabled; after ISENABLER it reads enabled, and a word write of 0
//! to ICENABLER leaves it enabled; ICENABLER then clears it. Why: a vGIC that stores the written
//! word (instead of acting on the 1 bits) enables or disables 31 other interrupts whenever a guest
//! touches one.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.zero-write-enable",
    title: "a word write of 0 to ISENABLER or ICENABLER has no effect",
    spec: "IHI 0048B 4.3.5, 4.3.6; IHI 0069H 12.9 (GICD_ISENABLER, GICD_ICENABLER)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(1);

fn run(ctx: &mut Ctx<'_>) {
    util::zero_writes_have_no_effect(ctx, gicd::ISENABLER, gicd::ICENABLER, SPI);
}
