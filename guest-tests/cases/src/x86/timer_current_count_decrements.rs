//! `x86.timer-current-count-decrements`: with the timer masked, divide by 128 and initial count
//! 0x1000_0000, two current-count samples some time apart are at most the initial count and
//! decrease (values are time, so they are compared, not recorded).
//!
//! Spec: Intel SDM vol. 3 §11.5.4 (current count: loaded from the initial count, decremented at
//! the divided bus/core crystal clock).
//!
//! Expected: checks `not-above-initial` and `decreases` hold. Why: guests calibrate and read
//! elapsed time from the current count; a count that never moves or jumps above the initial
//! count breaks them.

use guest_kit::regs::lapic::{self, TimerMode};
use guest_kit::{Case, Ctx, Needs, Site, Vector, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-current-count-decrements",
    title: "the current count runs down from the initial count",
    spec: "Intel SDM vol. 3 11.5.4",
    needs: Needs::X86,
    run,
};

const INITIAL: u32 = 0x1000_0000;

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TIMER_DIVIDE, lapic::DIVIDE_BY_128);
    let lvt = TimerMode::OneShot.lvt(Vector::new(0x73)) | lapic::LVT_MASKED;
    ctx.lapic_write(lapic::LVT_TIMER, lvt);
    ctx.lapic_write(lapic::TIMER_INITIAL, INITIAL);
    let site = Site::Lapic(lapic::TIMER_CURRENT);
    let first = ctx.raw().read(site, Width::B32).unwrap_or(0);
    for _ in 0..1_000 {
        ctx.delay();
    }
    let second = ctx.raw().read(site, Width::B32).unwrap_or(0);
    ctx.check("not-above-initial", first <= u64::from(INITIAL));
    ctx.check("decreases", second < first);
    ctx.lapic_write(lapic::TIMER_INITIAL, 0);
}
