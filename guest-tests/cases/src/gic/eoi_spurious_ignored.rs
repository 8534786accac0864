//! `gic.eoi-spurious-ignored`: writing the spurious INTID 1023 to the EOI register has no
//! effect: the running priority and the active interrupt are untouched.
//!
//! Spec: IHI 0048B §4.4.5 (GICC_EOIR: a write of a spurious interrupt ID 1020-1023 is ignored)
//! and §3.2.5 (special interrupt numbers); IHI 0069H §2.2.1 (special INTIDs) and §12.2
//! (ICC_EOIR1_EL1: writes of special INTIDs 1020-1023 do not cause a priority drop or
//! deactivation).
//!
//! Expected: with an SPI of priority 0x80 acknowledged, an EOI of 1023 leaves RPR at 0x80 and the
//! SPI active; the SPI's own EOI then drops RPR to 0xff and deactivates it. Why: handlers that
//! EOI whatever the acknowledge returned (including 1023 on a spurious wake-up) are common; a
//! vGIC that drops the top active priority on such a write ends the wrong interrupt.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.eoi-spurious-ignored",
    title: "EOI of INTID 1023 changes neither the running priority nor the active SPI",
    spec: "IHI 0048B 4.4.5, 3.2.5; IHI 0069H 2.2.1, 12.2 (ICC_EOIR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(15);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(SPI, 0x80);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    ctx.eoi(IntId::SPURIOUS);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-unchanged", running.into(), 0x80);
    let active = ctx.is_active(SPI);
    ctx.check("still-active", active);
    ctx.eoi(SPI);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-idle-after-eoi", running.into(), 0xff);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
