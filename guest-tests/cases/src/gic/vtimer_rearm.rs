//! `gic.vtimer-rearm`: after a virtual timer interrupt has been handled (timer disabled, EOI,
//! PPI idle), arming the timer again fires PPI 27 again.
//!
//! Spec: Arm ARM (DDI 0487) D11.2 (writing CNTV_TVAL_EL0 sets a new compare value; the
//! interrupt is asserted when the new condition is met); IHI 0048B §3.2.4 and IHI 0069H §4.1.2
//! (a level-sensitive interrupt that is inactive becomes pending when its input is asserted).
//!
//! Expected: first round: TVAL = 100, ENABLE; acknowledge 27; CTL = 0; EOI; the PPI reads idle.
//! Second round: the same; the acknowledge returns 27 again and the PPI is idle at the end. Why:
//! KVM and Xen forward the virtual timer's physical interrupt and must deactivate it (or
//! re-sample the line) before the next expiry can be seen; a hypervisor that misses that gives
//! the guest exactly one timer interrupt.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, TimerReg, Width};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.vtimer-rearm",
    title: "the virtual timer, handled and re-armed, fires PPI 27 a second time",
    spec: "DDI 0487 D11.2; IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const TIMER: IntId = IntId::VIRTUAL_TIMER;
const CTL: Site = Site::Timer(TimerReg::Ctl);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(TIMER, 0x80);
    ctx.enable(TIMER);
    for _ in 0..2 {
        ctx.write(Site::Timer(TimerReg::Tval), Width::B64, 100);
        ctx.write(CTL, Width::B64, 1);
        let got = ctx.ack_when_pending();
        ctx.check_eq("ack-timer-ppi", got.raw().into(), TIMER.raw().into());
        ctx.write(CTL, Width::B64, 0);
        ctx.eoi(TIMER);
        let (site, shift) = ctx.irq_reg(gicd::ISPENDR, TIMER);
        wait::until_all_clear(ctx, site, 1 << shift);
        let (pending, active) = (ctx.is_pending(TIMER), ctx.is_active(TIMER));
        ctx.check("idle-after-round", !pending && !active);
    }
}
