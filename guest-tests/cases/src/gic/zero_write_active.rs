//! `gic.zero-write-active`: writing 0 to GICD_ISACTIVER or GICD_ICACTIVER changes nothing: both are
//! write-1-to-set / write-1-to-clear, bit by bit.
//!
//! Spec: IHI 0048B §4.3.9, §4.3.10 (a write of 0 to a bit has no effect); IHI 0069H §12.9
//! (GICD_ISACTIVER<n>, GICD_ICACTIVER<n>: writing 0 has no effect).
//!
//! Expected: with the SPI disabled throughout, a word write of 0 to ISACTIVER leaves it not
//! active; after ISACTIVER it reads active, and a word write of 0 to ICACTIVER leaves it active;
//! ICACTIVER then clears it. Why: the active registers are written whole on migration; a vGIC that
//! stores the written word deactivates interrupts whose handlers are still running.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.zero-write-active",
    title: "a word write of 0 to ISACTIVER or ICACTIVER has no effect",
    spec: "IHI 0048B 4.3.9, 4.3.10; IHI 0069H 12.9 (GICD_ISACTIVER, GICD_ICACTIVER)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(3);

fn run(ctx: &mut Ctx<'_>) {
    util::zero_writes_have_no_effect(ctx, gicd::ISACTIVER, gicd::ICACTIVER, SPI);
}
