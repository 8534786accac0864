//! `gic.v3-icc-ctlr-pribits`: ICC_CTLR_EL1 is recorded; PRIbits agrees with the priority bits
//! the target was discovered with and implements at least 16 levels; IDbits is 16 or 24 bits.
//!
//! Spec: IHI 0069H §12.2.6 (ICC_CTLR_EL1: PRIbits [10:8] = implemented priority bits minus one,
//! IDbits [13:11] = 0b000 for 16 bits or 0b001 for 24 bits) and §4.8 (at least 16 priority
//! levels: four bits).
//!
//! Expected: PRIbits + 1 equals `TargetInfo::pri_bits` and is at least 4; IDbits is 0 or 1; the
//! rest of the register is recorded. Why: a guest programs priorities and preemption levels by
//! PRIbits; a vGIC whose ICC_CTLR_EL1 disagrees with what its list registers implement makes
//! preemption silently coarser than the guest believes.

use guest_kit::regs::icc;
use guest_kit::{Allowed, Case, Ctx, IccReg, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-icc-ctlr-pribits",
    title: "ICC_CTLR_EL1.PRIbits matches the target's priority bits; IDbits is 16 or 24",
    spec: "IHI 0069H 12.2.6, 4.8",
    needs: Needs::GICV3,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let ctlr = ctx.read_impl(
        "icc-ctlr",
        Site::Icc(IccReg::Ctlr),
        Width::B64,
        Allowed::Any,
    );
    let pri_bits = icc::ctlr_pri_bits(ctlr);
    let expected = ctx.info().pri_bits;
    ctx.check_eq("pri-bits-match", pri_bits.into(), expected.into());
    ctx.check("pri-bits-at-least-4", pri_bits >= 4);
    ctx.check("id-bits-16-or-24", ctlr >> 11 & 0x7 <= 1);
}
