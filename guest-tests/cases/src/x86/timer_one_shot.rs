//! `x86.timer-one-shot`: LVT timer one-shot 0x70, divide by 1, initial count 1000: vector 0x70
//! becomes pending and is taken once; the current count then reads 0 and the next window is
//! empty.
//!
//! Spec: Intel SDM vol. 3 §11.5.4 (one-shot mode: counts down from the initial count,
//! interrupts at 0 and stays at 0).
//!
//! Expected: window 1 takes 0x70; current count 0; window 2 empty. Why: one-shot is the
//! tickless kernel's timer; a re-arming or lost one-shot shows as hangs or storms.

use guest_kit::regs::lapic::{self, TimerMode};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-one-shot",
    title: "a one-shot timer fires once and its current count stays 0",
    spec: "Intel SDM vol. 3 11.5.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x70);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TIMER_DIVIDE, lapic::DIVIDE_BY_1);
    ctx.lapic_write(lapic::LVT_TIMER, TimerMode::OneShot.lvt(V));
    ctx.lapic_write(lapic::TIMER_INITIAL, 1000);
    util::wait_pending(ctx, V);
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("fired", got, 0x70);
    let current = ctx.lapic_read(lapic::TIMER_CURRENT);
    ctx.check_eq("current-count-zero", current.into(), 0);
    let again = ctx.take_interrupts();
    ctx.check("fires-once", again.is_empty());
}
