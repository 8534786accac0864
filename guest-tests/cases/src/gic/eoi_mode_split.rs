//! `gic.eoi-mode-split`: with EOImode = 1 the EOI only drops the running priority; the
//! interrupt stays active until it is deactivated through the DIR register.
//!
//! Spec: IHI 0048B §3.2.1 (priority drop and interrupt deactivation), §4.4.1 (GICC_CTLR.EOImode)
//! and §4.4.15 (GICC_DIR); IHI 0069H §4.1.1 (priority drop and deactivation), §12.2.6
//! (ICC_CTLR_EL1.EOImode) and §12.2 (ICC_DIR_EL1).
//!
//! Expected: after the acknowledge the running priority is 0x80; after EOIR it is idle (0xff)
//! while the SPI still reads active; after DIR it reads inactive. Why: KVM and Xen run hosts
//! with EOImode = 1 and forward hardware interrupts to guests that use it too; a vGIC that
//! deactivates on EOIR in split mode lets a level interrupt re-fire before its handler is done.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.eoi-mode-split",
    title: "EOImode=1: EOIR drops priority but leaves the SPI active; DIR deactivates it",
    spec: "IHI 0048B 3.2.1, 4.4.1, 4.4.15; IHI 0069H 4.1.1, 12.2.6",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 55.
const SPI: IntId = IntId::spi(23);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_eoi_mode_split();
    ctx.set_priority(SPI, 0x80);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    let running = ctx.running_priority();
    ctx.check_eq("rpr-while-active", running.into(), 0x80);
    ctx.eoi(SPI);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-dropped-by-eoir", running.into(), 0xff);
    let active = ctx.is_active(SPI);
    ctx.check("active-after-eoir", active);
    ctx.deactivate(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-dir", !active);
    ctx.set_eoi_mode_combined();
}
