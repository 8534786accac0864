//! `gic.icactiver-before-eoi`: an acknowledged SPI deactivated through GICD_ICACTIVER before
//! its EOI still has its priority dropped by the EOI (EOImode 0).
//!
//! Spec: IHI 0048B §4.3.10 (GICD_ICACTIVERn deactivates), §3.2.1 and §4.4.5 (GICC_EOIR: the
//! priority drop acts on the active priorities, deactivation on the interrupt; deactivating an
//! interrupt that is not active has no effect); IHI 0069H §4.1.1 (priority drop and
//! deactivation are separate steps), §12.9 (GICD_ICACTIVER<n>) and §12.2 (ICC_EOIR1_EL1).
//!
//! Expected: after the acknowledge RPR is 0x80; after ICACTIVER the SPI reads inactive while RPR
//! is still 0x80 (the running priority is not an interrupt's state); after the EOI RPR is 0xff
//! and the SPI is inactive. Why: a guest (or a hypervisor migrating one) may clear active
//! state behind the CPU interface's back; a vGIC that ties the priority drop to the LR's active
//! bit then leaves the CPU at a raised running priority forever.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.icactiver-before-eoi",
    title: "ICACTIVER before EOI: the SPI is inactive, the EOI still drops the priority",
    spec: "IHI 0048B 4.3.10, 3.2.1, 4.4.5; IHI 0069H 4.1.1, 12.9, 12.2 (ICC_EOIR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(14);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(SPI, 0x80);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    let running = ctx.running_priority();
    ctx.check_eq("rpr-after-ack", running.into(), 0x80);
    ctx.clear_active(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-icactiver", !active);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-kept-after-icactiver", running.into(), 0x80);
    ctx.eoi(SPI);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-dropped-by-eoi", running.into(), 0xff);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
