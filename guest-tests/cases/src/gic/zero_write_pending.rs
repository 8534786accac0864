//! `gic.zero-write-pending`: writing 0 to GICD_ISPENDR or GICD_ICPENDR changes nothing: both are
//! write-1-to-set / write-1-to-clear, bit by bit.
//!
//! Spec: IHI 0048B §4.3.7, §4.3.8 (a write of 0 to a bit has no effect); IHI 0069H §12.9
//! (GICD_ISPENDR<n>, GICD_ICPENDR<n>: writing 0 has no effect).
//!
//! Expected: with the SPI disabled throughout, a word write of 0 to ISPENDR leaves it not pending;
//! after ISPENDR it reads pending, and a word write of 0 to ICPENDR leaves it pending; ICPENDR
//! then clears it. Why: guests and hypervisors write these registers a word at a time to save and
//! restore state; treating a 0 as "clear" (or "set") loses or invents pending interrupts.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.zero-write-pending",
    title: "a word write of 0 to ISPENDR or ICPENDR has no effect",
    spec: "IHI 0048B 4.3.7, 4.3.8; IHI 0069H 12.9 (GICD_ISPENDR, GICD_ICPENDR)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(2);

fn run(ctx: &mut Ctx<'_>) {
    util::zero_writes_have_no_effect(ctx, gicd::ISPENDR, gicd::ICPENDR, SPI);
}
