//! `gic.vtimer-negative-tval`: a negative CNTV_TVAL_EL0 sets a compare value in the past, so
//! the timer condition holds at once and PPI 27 fires.
//!
//! Spec: Arm ARM (DDI 0487) D11.2 (CNTV_TVAL_EL0 is a signed 32-bit value: a write sets
//! CNTV_CVAL_EL0 = CNTVCT_EL0 + SignExtend(TVAL); the condition is CNTVCT_EL0 - CVAL >= 0);
//! IHI 0048B §3.2.4 and IHI 0069H §4.1.2.
//!
//! Expected: after a few delays (so that the count is past 100 even on the reference model,
//! whose count starts at 0), TVAL = -100 and ENABLE make CNTV_CTL_EL0 read ENABLE | ISTATUS
//! right away, TVAL read back is negative, and the acknowledge returns 27. Why: Linux programs
//! already-expired deadlines as small negative TVALs; a hypervisor that converts TVAL as
//! unsigned arms the timer roughly 2^32 ticks in the future.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, TimerReg, Width};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.vtimer-negative-tval",
    title: "a negative TVAL (already expired) makes the virtual timer fire at once",
    spec: "DDI 0487 D11.2; IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const TIMER: IntId = IntId::VIRTUAL_TIMER;
const CTL: Site = Site::Timer(TimerReg::Ctl);
const TVAL: Site = Site::Timer(TimerReg::Tval);
const ENABLE_ISTATUS: u64 = 0b101;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(TIMER, 0x80);
    ctx.enable(TIMER);
    for _ in 0..20 {
        ctx.delay();
    }
    ctx.write(TVAL, Width::B64, (-100i32) as u32 as u64);
    ctx.write(CTL, Width::B64, 1);
    let ctl = ctx.read(CTL, Width::B64);
    ctx.check_eq("istatus-at-once", ctl & 0b111, ENABLE_ISTATUS);
    let tval = ctx.raw().read(TVAL, Width::B64).unwrap_or(0);
    ctx.check("tval-negative", (tval as u32 as i32) < 0);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-timer-ppi", got.raw().into(), TIMER.raw().into());
    ctx.write(CTL, Width::B64, 0);
    ctx.eoi(TIMER);
    let (site, shift) = ctx.irq_reg(gicd::ISPENDR, TIMER);
    wait::until_all_clear(ctx, site, 1 << shift);
}
