//! `gic.hppir-no-ack`: the highest priority pending interrupt register names the pending SPI
//! without acknowledging it.
//!
//! Spec: IHI 0048B §4.4.7 (GICC_HPPIR: reading has no effect on interrupt state); IHI 0069H
//! §12.2 (ICC_HPPIR1_EL1: indicates the highest priority pending Group 1 interrupt, without
//! acknowledging it).
//!
//! Expected: HPPIR reads the SPI (twice), the SPI still reads pending and not active, the
//! running priority is still idle; the acknowledge then returns it. Why: guests peek at
//! HPPIR to decide whether more work is waiting; a vGIC that implements it as an acknowledge
//! activates the interrupt behind the guest's back.

use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.hppir-no-ack",
    title: "HPPIR names the pending SPI and leaves it pending and not active",
    spec: "IHI 0048B 4.4.7; IHI 0069H 12.2 (ICC_HPPIR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(12);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    wait::until_hppir(ctx, SPI);
    let first = ctx.hppir();
    ctx.check_eq("hppir-names-spi", first.raw().into(), SPI.raw().into());
    let again = ctx.hppir();
    ctx.check_eq("hppir-stable", again.raw().into(), SPI.raw().into());
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("still-pending", pending);
    ctx.check("not-active", !active);
    let rpr = ctx.running_priority();
    ctx.check_eq("rpr-still-idle", rpr.into(), 0xff);
    let got = ctx.ack();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
}
