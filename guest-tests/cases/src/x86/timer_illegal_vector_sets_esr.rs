//! `x86.timer-illegal-vector-sets-esr`: the LVT timer one-shot with vector 3 and an initial
//! count of 1000 runs out; an ESR write then read shows bit 6, and no vector is taken.
//!
//! Spec: Intel SDM vol. 3 §11.5.3 (ESR bit 6 Receive Illegal Vector: an illegal vector, 0-15,
//! in an interrupt generated locally from the LVT), §11.5.2.
//!
//! Expected: ESR bit 6 set; window empty. Why: a locally generated illegal vector must be
//! reported, not delivered as exception 3.

use guest_kit::regs::lapic::{self, TimerMode, esr};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-illegal-vector-sets-esr",
    title: "a timer LVT with an illegal vector (3) sets ESR Receive Illegal Vector",
    spec: "Intel SDM vol. 3 11.5.3, 11.5.2",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::ESR, 0);
    ctx.lapic_write(lapic::TIMER_DIVIDE, lapic::DIVIDE_BY_1);
    ctx.lapic_write(lapic::LVT_TIMER, TimerMode::OneShot.lvt(Vector::new(3)));
    ctx.lapic_write(lapic::TIMER_INITIAL, 1000);
    let expired = util::wait_count_zero(ctx);
    ctx.check("counted-down", expired);
    ctx.lapic_write(lapic::ESR, 0);
    let value = ctx.lapic_read(lapic::ESR);
    let receive = esr::RECEIVE_ILLEGAL_VECTOR;
    ctx.check_eq(
        "receive-illegal-vector",
        (value & receive).into(),
        receive.into(),
    );
    let taken = ctx.take_interrupts();
    ctx.check("not-delivered", taken.is_empty());
    ctx.lapic_write(lapic::ESR, 0);
}
