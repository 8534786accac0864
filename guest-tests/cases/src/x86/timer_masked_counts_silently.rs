//! `x86.timer-masked-counts-silently`: with the LVT timer masked (vector 0x72, one-shot), an
//! initial count of 1000 runs down to 0 but IRR bit 0x72 stays clear and the window is empty.
//!
//! Spec: Intel SDM vol. 3 §11.5.1 (mask: inhibits reception of the interrupt), §11.5.4.
//!
//! Expected: current count reaches 0; IRR bit 0; window empty. Why: a masked timer that still
//! injects wakes a guest that asked for silence (the way kernels stop the tick).

use guest_kit::regs::lapic::{self, TimerMode};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-masked-counts-silently",
    title: "a masked one-shot timer counts to 0 without making its vector pending",
    spec: "Intel SDM vol. 3 11.5.1, 11.5.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x72);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TIMER_DIVIDE, lapic::DIVIDE_BY_1);
    ctx.lapic_write(
        lapic::LVT_TIMER,
        TimerMode::OneShot.lvt(V) | lapic::LVT_MASKED,
    );
    ctx.lapic_write(lapic::TIMER_INITIAL, 1000);
    let expired = util::wait_count_zero(ctx);
    ctx.check("counted-down", expired);
    let pending = util::bit(ctx, lapic::IRR, V);
    ctx.check_eq("not-pending", pending, 0);
    let taken = ctx.take_interrupts();
    ctx.check("nothing-taken", taken.is_empty());
}
