//! `x86.timer-periodic`: LVT timer periodic 0x71, initial count 20000, divide by 1: 0x71 is
//! taken twice (one EOI between); after initial count 0 the current count reads 0.
//!
//! Spec: Intel SDM vol. 3 §11.5.4 (periodic mode: reloads the initial count at 0; writing 0 to
//! the initial count stops the timer).
//!
//! Expected: two windows take 0x71; current count 0 after the stop. Why: the periodic tick of
//! non-tickless guests.

use guest_kit::regs::lapic::{self, TimerMode};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-periodic",
    title: "a periodic timer fires again after each EOI and stops when the initial count is 0",
    spec: "Intel SDM vol. 3 11.5.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x71);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TIMER_DIVIDE, lapic::DIVIDE_BY_1);
    ctx.lapic_write(lapic::LVT_TIMER, TimerMode::Periodic.lvt(V));
    ctx.lapic_write(lapic::TIMER_INITIAL, 20_000);
    for label in ["first-period", "second-period"] {
        util::wait_pending(ctx, V);
        let got = util::take_and_eoi(ctx);
        ctx.check_eq(label, got, 0x71);
    }
    ctx.lapic_write(lapic::LVT_TIMER, lapic::LVT_MASKED);
    ctx.lapic_write(lapic::TIMER_INITIAL, 0);
    let current = ctx.lapic_read(lapic::TIMER_CURRENT);
    ctx.check_eq("stopped", current.into(), 0);
}
