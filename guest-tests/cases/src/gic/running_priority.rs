//! `gic.running-priority`: the running priority is idle (0xff) with nothing active, the
//! acknowledged interrupt's priority while it is active, and idle again after its EOI.
//!
//! Spec: IHI 0048B §4.4.6 (GICC_RPR: the priority of the highest priority active interrupt,
//! or 0xff, the idle priority) and §3.3; IHI 0069H §12.2 (ICC_RPR_EL1) and §4.8.
//!
//! Expected: 0xff, then 0x60 (a value with no bits below bit 5, so the same whatever the
//! number of implemented bits or the binary point), then 0xff. Why: the running priority is
//! what preemption compares against; a vGIC that does not raise it on acknowledge (or does
//! not drop it on EOI) lets equal-priority interrupts nest or blocks the next interrupt forever.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.running-priority",
    title: "RPR reads 0xff idle, the active interrupt's priority, then 0xff after EOI",
    spec: "IHI 0048B 4.4.6, 3.3; IHI 0069H 12.2 (ICC_RPR_EL1), 4.8",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 50.
const SPI: IntId = IntId::spi(18);
const PRIORITY: u8 = 0x60;

fn run(ctx: &mut Ctx<'_>) {
    let idle = ctx.running_priority();
    ctx.check_eq("rpr-idle-before", idle.into(), 0xff);
    ctx.set_priority(SPI, PRIORITY);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    let running = ctx.running_priority();
    let expected = PRIORITY & ctx.info().pri_mask();
    ctx.check_eq("rpr-while-active", running.into(), expected.into());
    ctx.eoi(SPI);
    let idle = ctx.running_priority();
    ctx.check_eq("rpr-idle-after", idle.into(), 0xff);
}
