//! `gic.smp-spi-target-grp-disabled`: an SPI routed to CPU 1 while CPU 1's CPU interface has
//! its group disabled stays pending for CPU 1; it is not delivered to CPU 0 instead.
//!
//! Spec: IHI 0048B §4.3.12 (GICD_ITARGETSR: the distributor forwards the interrupt only to the
//! CPU interfaces in its target list) and §4.4.1 (GICC_CTLR.EnableGrp0); IHI 0069H §12.9
//! (GICD_IROUTER with IRM = 0 names one PE), §12.2 (ICC_IGRPEN1_EL1) and §4.5.
//!
//! Expected: CPU 1 clears its group enable (GICC_CTLR.EnableGrp0 on GICv2, ICC_IGRPEN1_EL1 on
//! GICv3); SPI 46, enabled and routed to CPU 1, is made pending. CPU 0 acknowledges nothing
//! (1023) and reads it pending, every time it looks ([`SAMPLES`] reads, stopping at the first
//! that says otherwise); once CPU 1 enables its group again it acknowledges SPI 46. Why: a vGIC
//! that "helpfully" redirects an interrupt from a vCPU that cannot take it to one that can
//! breaks the routing contract the guest set up (and its per-CPU handler data); and a vGIC that
//! keeps the pending state only in another vCPU's list register shows it to a distributor read
//! only while that vCPU happens to be outside the guest, so one read would pass or fail by
//! chance: many reads make the case deterministic.

use guest_kit::regs::gicc::{self, Ctlr};
use guest_kit::{Case, Ctx, IccReg, IntId, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-spi-target-grp-disabled",
    title: "an SPI routed to CPU 1 with its group disabled is not delivered to CPU 0",
    spec: "IHI 0048B 4.3.12, 4.4.1; IHI 0069H 12.9 (GICD_IROUTER), 12.2, 4.5",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

/// INTID 46.
const SPI: IntId = IntId::spi(14);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;
/// How many times CPU 0 reads the pending state.
const SAMPLES: usize = 32;

fn set_enable(ctx: &mut Ctx<'_>, on: bool) {
    if ctx.info().gic.has_sysregs() {
        ctx.write(Site::Icc(IccReg::Igrpen1), ctx.cpuif_width(), on.into());
    } else {
        let grp0 = if on { Ctlr::ENABLE_GRP0 } else { Ctlr::empty() };
        ctx.write32(Site::Gicc(gicc::CTLR), (grp0 | Ctlr::ENABLE_GRP1).bits());
    }
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.on_cpu(1, |ctx| set_enable(ctx, false));
    ctx.route_spi(SPI, 1);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    for _ in 0..16 {
        ctx.delay();
    }
    let got = ctx.ack();
    ctx.check_eq("cpu0-acks-nothing", got.raw().into(), SPURIOUS);
    let pending = (0..SAMPLES).all(|_| {
        ctx.delay();
        ctx.is_pending(SPI)
    });
    ctx.check("still-pending", pending);
    ctx.on_cpu(1, |ctx| {
        set_enable(ctx, true);
        let got = ctx.ack_when_pending();
        ctx.check_eq("cpu1-acks-after-enable", got.raw().into(), SPI.raw().into());
        ctx.eoi(SPI);
    });
}
