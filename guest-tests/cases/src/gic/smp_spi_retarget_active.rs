//! `gic.smp-spi-retarget-active`: retargeting an active SPI to another CPU does not cancel its
//! active state on the CPU that acknowledged it: that CPU's EOI still ends it, and the next
//! occurrence goes to the new target.
//!
//! Spec: IHI 0048B §4.3.12 (GICD_ITARGETSR: a change to a CPU targets field has no effect on an
//! active interrupt; removing a CPU interface from the list does not cancel the active state on
//! it); IHI 0069H §12.9 (GICD_IROUTER), §4.1.1 and §12.2 (ICC_EOIR1_EL1 with EOImode 0 drops
//! the priority and deactivates the interrupt).
//!
//! Expected: SPI 45 is acknowledged on CPU 0, then routed to CPU 1; CPU 1 acknowledges nothing
//! (1023: the SPI is active, not pending); CPU 0's EOI returns its RPR to 0xff and leaves SPI 45
//! inactive. Made pending again, it is acknowledged on CPU 1. Why: irqbalance moves interrupts
//! while their handler runs; a vGIC that moves the active state (or its list register) with the
//! route leaves the old CPU unable to EOI and the interrupt stuck active.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-spi-retarget-active",
    title: "an SPI retargeted while active is still ended by the CPU that acknowledged it",
    spec: "IHI 0048B 4.3.12; IHI 0069H 12.9 (GICD_IROUTER), 4.1.1, 12.2",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

/// INTID 45.
const SPI: IntId = IntId::spi(13);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("cpu0-ack", got.raw().into(), SPI.raw().into());
    ctx.route_spi(SPI, 1);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack();
        ctx.check_eq("new-target-sees-nothing", got.raw().into(), SPURIOUS);
    });
    ctx.eoi(SPI);
    let rpr = ctx.running_priority();
    ctx.check_eq("cpu0-rpr-idle", rpr.into(), 0xff);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
    ctx.set_pending(SPI);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("next-goes-to-cpu1", got.raw().into(), SPI.raw().into());
        ctx.eoi(SPI);
    });
}
