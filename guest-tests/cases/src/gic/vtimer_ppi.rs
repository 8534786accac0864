//! `gic.vtimer-ppi`: the EL1 virtual timer raises PPI 27, which is acknowledged, and which is
//! neither pending nor active once the timer is disabled and the interrupt ended.
//!
//! Spec: Arm ARM (DDI 0487) D11.2 (the generic timer: the timer condition and CNTV_CTL_EL0.ISTATUS) and the
//! Base System Architecture's PPI 27 for the EL1 virtual timer; IHI 0048B §3.2.4 and IHI 0069H
//! §4.1.2 (a level-sensitive interrupt is pending while its input is asserted).
//!
//! Expected: with the PPI enabled at priority 0x80, CNTV_TVAL_EL0 = 100 and CNTV_CTL_EL0 =
//! ENABLE, the acknowledge returns 27 and CNTV_CTL_EL0 reads ENABLE | ISTATUS (0b101); after
//! CNTV_CTL_EL0 = 0 and EOI, INTID 27 is neither pending nor active. Why: the virtual timer is
//! the one interrupt every guest needs; hypervisors emulate or forward its line level, and getting
//! the level wrong gives a guest a timer storm or no timer at all.

use guest_kit::gic::PENDING_POLLS;
use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, TimerReg, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.vtimer-ppi",
    title: "the virtual timer fires PPI 27; disabled and ended, the PPI is idle again",
    spec: "DDI 0487 D11.2; IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const TIMER: IntId = IntId::VIRTUAL_TIMER;
const CTL: Site = Site::Timer(TimerReg::Ctl);
const ENABLE: u64 = 1;
const ISTATUS: u64 = 1 << 2;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(TIMER, 0x80);
    ctx.enable(TIMER);
    ctx.write(Site::Timer(TimerReg::Tval), Width::B64, 100);
    ctx.write(CTL, Width::B64, ENABLE);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-timer-ppi", got.raw().into(), TIMER.raw().into());
    let ctl = ctx.read(CTL, Width::B64);
    ctx.check_eq("ctl-istatus", ctl & ISTATUS, ISTATUS);
    ctx.write(CTL, Width::B64, 0);
    ctx.eoi(TIMER);
    let (site, shift) = ctx.irq_reg(gicd::ISPENDR, TIMER);
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(site, Width::B32) {
            Ok(v) if v >> shift & 1 == 1 => ctx.delay(),
            _ => break,
        }
    }
    let (pending, active) = (ctx.is_pending(TIMER), ctx.is_active(TIMER));
    ctx.check("not-pending-after-disable", !pending);
    ctx.check("not-active-after-eoi", !active);
}
