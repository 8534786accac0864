//! `gic.smp-vtimer-cpu1`: CPU 1's virtual timer raises PPI 27 on CPU 1 only.
//!
//! Spec: Arm ARM (DDI 0487) D11.2 (each PE has its own generic timer) and the Base System
//! Architecture's PPI 27 for the EL1 virtual timer; IHI 0048B §2.2.1 and IHI 0069H §2.2.1
//! (a PPI is peripheral interrupt specific to a single processor); IHI 0048B §4.3.7 and IHI
//! 0069H §12.10 (the pending bit is in the CPU's own bank).
//!
//! Expected: with PPI 27 enabled at priority 0x80 on both CPUs, CPU 1 arms its timer
//! (TVAL = 100, CTL = ENABLE) and acknowledges INTID 27. While CPU 1's timer is still asserted,
//! CPU 0 reads PPI 27 not pending and acknowledges nothing (1023). CPU 1 then stops its timer and
//! ends the PPI. Why: a hypervisor routes each vCPU's timer to that vCPU's PPI bank; one that
//! injects into vCPU 0 (or into the vCPU that happens to be running) breaks every secondary CPU's
//! scheduler tick.

use guest_kit::{Case, Ctx, IntId, Needs, Site, TimerReg, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-vtimer-cpu1",
    title: "CPU 1's virtual timer fires PPI 27 on CPU 1, not on CPU 0",
    spec: "DDI 0487 D11.2; IHI 0048B 2.2.1, 4.3.7; IHI 0069H 2.2.1, 12.10",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const TIMER: IntId = IntId::VIRTUAL_TIMER;
const CTL: Site = Site::Timer(TimerReg::Ctl);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn arm(ctx: &mut Ctx<'_>) {
    ctx.set_priority(TIMER, 0x80);
    ctx.enable(TIMER);
}

fn run(ctx: &mut Ctx<'_>) {
    arm(ctx);
    ctx.on_cpu(1, |ctx| {
        arm(ctx);
        ctx.write(Site::Timer(TimerReg::Tval), Width::B64, 100);
        ctx.write(CTL, Width::B64, 1);
        let got = ctx.ack_when_pending();
        ctx.check_eq("cpu1-acks-timer", got.raw().into(), TIMER.raw().into());
    });
    let pending = ctx.is_pending(TIMER);
    ctx.check("cpu0-not-pending", !pending);
    let got = ctx.ack();
    ctx.check_eq("cpu0-acks-nothing", got.raw().into(), SPURIOUS);
    ctx.on_cpu(1, |ctx| {
        ctx.write(CTL, Width::B64, 0);
        ctx.eoi(TIMER);
    });
}
