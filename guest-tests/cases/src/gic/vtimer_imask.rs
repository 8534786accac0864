//! `gic.vtimer-imask`: with CNTV_CTL_EL0.IMASK set and the timer condition met, ISTATUS reads
//! 1 but PPI 27 is not pending at the GIC; clearing IMASK makes it pending.
//!
//! Spec: Arm ARM (DDI 0487) D11.2 (CNTV_CTL_EL0: ISTATUS reports the timer condition whatever
//! IMASK is; the interrupt is asserted only when ENABLE = 1, IMASK = 0 and ISTATUS = 1);
//! IHI 0048B §3.2.4 and IHI 0069H §4.1.2 (a level-sensitive interrupt is pending while its
//! input is asserted).
//!
//! Expected: CNTV_TVAL_EL0 = 0 and CNTV_CTL_EL0 = ENABLE | IMASK read back as 0b111 and INTID 27
//! reads not pending; with CNTV_CTL_EL0 = ENABLE the acknowledge returns 27; with the timer off
//! and the EOI done it is neither pending nor active. Why: guests mask the timer through IMASK
//! rather than the GIC; a hypervisor that samples ISTATUS alone to drive the virtual line
//! injects timer interrupts the guest masked.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, TimerReg, Width};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.vtimer-imask",
    title: "timer IMASK: ISTATUS set but PPI 27 not pending; unmasked, it is delivered",
    spec: "DDI 0487 D11.2; IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const TIMER: IntId = IntId::VIRTUAL_TIMER;
const CTL: Site = Site::Timer(TimerReg::Ctl);
const ENABLE: u64 = 1;
const IMASK: u64 = 1 << 1;
const ISTATUS: u64 = 1 << 2;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(TIMER, 0x80);
    ctx.enable(TIMER);
    ctx.write(Site::Timer(TimerReg::Tval), Width::B64, 0);
    ctx.write(CTL, Width::B64, ENABLE | IMASK);
    let ctl = ctx.read(CTL, Width::B64);
    ctx.check_eq("ctl-masked-istatus", ctl & 0b111, ENABLE | IMASK | ISTATUS);
    let pending = ctx.is_pending(TIMER);
    ctx.check("not-pending-while-masked", !pending);
    ctx.write(CTL, Width::B64, ENABLE);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-after-unmask", got.raw().into(), TIMER.raw().into());
    ctx.write(CTL, Width::B64, 0);
    ctx.eoi(TIMER);
    let (site, shift) = ctx.irq_reg(gicd::ISPENDR, TIMER);
    wait::until_all_clear(ctx, site, 1 << shift);
    let (pending, active) = (ctx.is_pending(TIMER), ctx.is_active(TIMER));
    ctx.check("not-pending-after-disable", !pending);
    ctx.check("not-active-after-eoi", !active);
}
