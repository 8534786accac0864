//! `gic.smp-spi-retarget-pending`: a pending SPI follows its routing: retargeted while pending,
//! it is delivered to the new CPU only.
//!
//! Spec: IHI 0048B §4.3.12 (GICD_ITARGETSR: "a change to a CPU targets field affects a pending
//! interrupt"… the distributor forwards a pending interrupt to the CPUs in its target list) and
//! §3.1.1; IHI 0069H §12.9 (GICD_IROUTER) and §4.5 (an SPI is forwarded to the PE its routing
//! names).
//!
//! Expected: SPI 40, enabled and routed to CPU 1, is made pending; before CPU 1 acknowledges
//! it, it is routed to CPU 0. CPU 1 then has nothing to acknowledge (1023) and CPU 0
//! acknowledges SPI 40. Why: guests migrate device interrupts between CPUs (irqbalance,
//! CPU hotplug) while they may be pending; a vGIC that keeps the pending state with the old
//! target delivers the interrupt to a CPU that no longer expects it, or loses it.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-spi-retarget-pending",
    title: "an SPI retargeted from CPU 1 to CPU 0 while pending is delivered to CPU 0 only",
    spec: "IHI 0048B 4.3.12; IHI 0069H 12.9 (GICD_IROUTER), 4.5",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SPI: IntId = IntId::spi(8);

fn run(ctx: &mut Ctx<'_>) {
    ctx.route_spi(SPI, 1);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    ctx.route_spi(SPI, 0);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack();
        ctx.check_eq("old-target-sees-nothing", got.raw().into(), 1023);
    });
    let got = ctx.ack_when_pending();
    ctx.check_eq("new-target-acks", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
